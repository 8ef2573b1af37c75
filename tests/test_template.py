"""``auditkit template PROGRAM DIR``: an empty package with the real headers, a unit line and
data validation, which loads and is checked like any package once it is filled in."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from auditkit.cli import app, demo_package, run_check
from auditkit.schemas import TABLES

runner = CliRunner()


def _write(tmp_path: Path) -> Path:
    folder = tmp_path / "包"
    result = runner.invoke(app, ["template", "resident-subsidy", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def test_workbook_has_real_headers_unit_line_and_validation(tmp_path):
    folder = _write(tmp_path)
    book = load_workbook(folder / "报送数据.xlsx")
    sheet = book[TABLES["settlement"].label]
    assert sheet["A1"].value == "结算分配表"
    assert sheet["A2"].value == "单位：元"
    headers = [c.value for c in sheet[3]]
    spec = TABLES["settlement"]
    # every header is one the loader understands, and names the column it stands for
    assert [spec.match(h) for h in headers] == [c.name for c in spec.columns]
    assert {"地区", "参保人数", "应补助资金", "已预拨资金", "此次结算补助资金"} <= set(headers)
    assert sheet.freeze_panes == "A4"
    kinds = {c.name: c.kind for c in spec.columns}
    validated = {}
    for rule in sheet.data_validations.dataValidation:
        for cell_range in rule.sqref.ranges:
            validated[headers[cell_range.min_col - 1]] = rule.type
    assert validated["应补助资金"] == "decimal" and validated["参保人数"] == "whole"
    assert "地区" not in validated  # text columns are free
    assert all(kinds[spec.match(h)] != "text" for h in validated)
    assert sheet.cell(row=4, column=headers.index("应补助资金") + 1).number_format == "#,##0.00"


def test_refuses_to_overwrite(tmp_path):
    folder = _write(tmp_path)
    result = runner.invoke(app, ["template", "resident-subsidy", str(folder)])
    assert result.exit_code == 2 and "不覆盖" in result.output
    result = runner.invoke(app, ["template", "no-such-program", str(tmp_path / "x")])
    assert result.exit_code == 2 and "未知的项目类型" in result.output
    assert not (tmp_path / "x").exists()


def test_filled_template_is_checked_like_the_demo(tmp_path):
    """Fill the template's settlement and local-funds sheets with the demo's CSV rows: the run
    finds the demo's planted ST002 for 通辽市 (2,403,519 × 640 × 80% = 1,230,601,728.00 元
    against 1,172,917,272.00 declared) under the same key."""
    folder = _write(tmp_path)
    book = load_workbook(folder / "报送数据.xlsx")
    for name in ("settlement", "local_funds"):
        sheet = book[TABLES[name].label]
        spec = TABLES[name]
        headers = [c.value for c in sheet[3]]
        with open(demo_package() / f"{name}.csv", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                by_column = {spec.match(k): v for k, v in row.items() if spec.match(k)}
                values = []
                for header in headers:
                    text = by_column.get(spec.match(header), "")
                    values.append(float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text or "") else (text or None))
                sheet.append(values)
    book.save(folder / "报送数据.xlsx")
    manifest = (folder / "submission.toml").read_text(encoding="utf-8")
    kept = [line for line in manifest.splitlines()
            if not re.match(r"^(payments|documents|filings|reward|students|performance|assistance|individual_contributions|feedback) =", line)]
    text = re.sub(r"year = \d{4}", "year = 2023", "\n".join(kept))
    (folder / "submission.toml").write_text(text, encoding="utf-8")

    filled = run_check(folder, select=["ST002"])
    demo = run_check(demo_package(), select=["ST002"])
    assert [(f.region, f.key) for f in filled.findings] == [(f.region, f.key) for f in demo.findings]
    assert [f.region for f in filled.findings] == ["通辽市"]
