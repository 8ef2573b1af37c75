"""``auditkit template PROGRAM DIR``: one workbook that is the package itself — the manifest as a
sheet, a 填表说明 sheet, the real headers with a unit line, dropdowns for every fixed-value field —
which a clerk fills in and checks as it is, leaving the sheets they do not report empty."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from auditkit.blank_package import GUIDE_SHEET, LISTS_SHEET, WORKBOOK, area_lists, blank_package, header
from auditkit.cli import demo_package, run_check
from auditkit.errors import PackageError
from auditkit.package import load_package
from auditkit.programs import PROGRAMS
from auditkit.rulebook import load_rulebook
from auditkit.schemas import TABLES
from tests.conftest import FIXTURES


def auditkit(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditkit", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd)


def _write(tmp_path: Path, program: str = "resident-subsidy", command_line: bool = False) -> Path:
    folder = tmp_path / "包"
    if command_line:
        done = auditkit("template", program, folder)
        assert done.returncode == 0, done.stderr
        assert sorted(p.name for p in folder.iterdir()) == [WORKBOOK]  # the workbook is the package
    else:
        folder.mkdir()
        for name, data in blank_package(program).items():
            (folder / name).write_bytes(data)
    return folder / WORKBOOK


def _list_values(book, formula: str) -> list[str]:
    """The values a list validation offers: '可选值'!$B$2:$B$5 read from the hidden sheet."""
    sheet, cells = formula.split("!")
    first, last = cells.replace("$", "").split(":")
    column = re.match(r"[A-Z]+", first).group(0)
    rows = range(int(first[len(column):]), int(last[len(column):]) + 1)
    return [book[sheet.strip("'")][f"{column}{row}"].value for row in rows]


def _validations(sheet) -> dict[str, object]:
    """Validation per header of row 3 (a table sheet) or per key of column A (the manifest)."""
    found = {}
    for rule in sheet.data_validations.dataValidation:
        for cell_range in rule.sqref.ranges:
            if sheet.title == "submission":
                found[sheet.cell(row=cell_range.min_row, column=1).value] = rule
            else:
                found[sheet.cell(row=3, column=cell_range.min_col).value] = rule
    return found


def test_workbook_has_real_headers_unit_line_and_validation(tmp_path):
    book = load_workbook(_write(tmp_path))
    sheet = book[TABLES["settlement"].label]
    assert sheet["A1"].value == "结算分配表"
    assert sheet["A2"].value == "单位：元"
    headers = [c.value for c in sheet[3]]
    spec = TABLES["settlement"]
    # every header is one the loader understands, and names the column it stands for
    assert [spec.match(h) for h in headers] == [c.name for c in spec.columns]
    assert {"地区", "参保人数", "应补助资金", "已预拨资金", "此次结算补助资金"} <= set(headers)
    assert sheet.freeze_panes == "A4"
    validated = _validations(sheet)
    assert validated["应补助资金"].type == "decimal" and validated["参保人数"].type == "whole"
    assert "备注" not in validated  # free text is free
    assert sheet.column_dimensions["H"].number_format == "#,##0.00" and headers[7] == "应补助资金"


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_every_fixed_value_field_has_a_dropdown_the_loader_accepts(tmp_path, program):
    """Each enumerated column (发文层级, 用途, 付款层级, 报送事项 …) offers words that the schema
    reads as its values; region columns offer the jurisdiction's regions from the rulebook
    (loosely: 合计 and 市本级 may still be typed); the manifest's program, funding level and unit
    have their lists too. The lists live on a hidden sheet."""
    book = load_workbook(_write(tmp_path, program))
    assert book[LISTS_SHEET].sheet_state == "hidden"
    regions = [r.name for r in load_rulebook("nmg").regions]
    assert list(area_lists("nmg").regions[:len(regions)]) == regions  # the 盟市, then 自治区本级
    for name in PROGRAMS[program].sheets:
        spec = TABLES[name]
        validated = _validations(book[spec.label])
        for column in spec.columns:
            rule = validated.get(header(spec, column.name))
            if column.choices:
                assert rule is not None and rule.type == "list" and rule.errorStyle == "stop", (name, column.name)
                words = _list_values(book, rule.formula1)
                assert len(words) == len(column.choices)
                assert [column.canonical(w) for w in words] == [g[0] for g in column.choices]
            elif column.name == "region":
                assert rule.type == "list" and rule.errorStyle == "warning"
                assert _list_values(book, rule.formula1) == list(area_lists("nmg").regions)
    manifest = _validations(book["submission"])
    assert _list_values(book, manifest["submission.program"].formula1) == [p.name for p in PROGRAMS.values()]
    assert _list_values(book, manifest["submission.funding_level"].formula1) == ["中央财政", "自治区本级财政"]
    assert _list_values(book, manifest["submission.amount_unit"].formula1) == ["元", "万元"]


@pytest.mark.parametrize("program", list(PROGRAMS))
def test_the_guide_describes_every_sheet_and_column_and_says_which_may_stay_empty(tmp_path, program):
    book = load_workbook(_write(tmp_path, program))
    assert book.sheetnames[0] == GUIDE_SHEET
    rows = [tuple(c.value for c in row) for row in book[GUIDE_SHEET].iter_rows()]
    declared = PROGRAMS[program]
    for name in declared.sheets:
        spec = TABLES[name]
        [heading] = [r for r in rows if r[0] == spec.label and not r[1]]
        assert heading[2] == ("必填" if name in declared.required else "可留空")
        described = {r[1]: r for r in rows if r[0] == spec.label and r[1]}
        for column in spec.columns:
            row = described[header(spec, column.name)]
            assert row[3] and row[4], (name, column.name)  # what it means, and its unit or form
    for name in declared.files:  # the roster and the lists: files beside the workbook, columns too
        label = TABLES[name].label
        assert any(r[0] == f"{label}（文件）" and f"tables.{name}" in r[3] for r in rows)
        assert {r[1] for r in rows if r[0] == label} == {header(TABLES[name], c.name) for c in TABLES[name].columns}


def _fill(sheet, name: str, rows: list[dict[str, str]], words: dict[str, str] | None = None) -> None:
    """Append CSV rows under the sheet's header, as a clerk pastes them: numbers as numbers."""
    spec = TABLES[name]
    headers = [c.value for c in sheet[3]]
    for row in rows:
        by_column = {spec.match(k): v for k, v in row.items() if spec.match(k)}
        values = []
        for column in headers:
            text = by_column.get(spec.match(column), "") or ""
            text = (words or {}).get(text, text)
            values.append(float(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else (text or None))
        sheet.append(values)


def _demo_rows(name: str) -> list[dict[str, str]]:
    with open(demo_package() / f"{name}.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _set(book, key: str, value) -> None:
    sheet = book["submission"]
    [row] = [r for r in sheet.iter_rows() if r[0].value == key]
    row[1].value = value


def test_a_clerk_fills_the_template_and_checks_the_workbook_alone(tmp_path):
    """A clerk fills three sheets with the demo's rows (settlement, local funds and documents,
    choosing 中央财政/自治区财政 from the dropdown), types the year as 2025年 and the submitter in
    Chinese quotation marks, and leaves every other sheet (payments, filings, reward, students,
    performance …) empty. ``auditkit check 报送数据.xlsx`` runs on the workbook alone: the demo's planted ST002
    for 通辽市 (2,403,519 × 700 × 80% = 1,345,970,640.00 元 against 1,288,286,184.00 declared)
    comes out under the demo's key, the empty sheets are listed as not given, and the checks that
    need them (DL003/DL004/DL005 need filings, RW001 the reward table) are listed as not run."""
    path = _write(tmp_path, command_line=True)
    book = load_workbook(path)
    _fill(book[TABLES["settlement"].label], "settlement", _demo_rows("settlement"))
    _fill(book[TABLES["local_funds"].label], "local_funds", _demo_rows("local_funds"))
    _fill(book[TABLES["documents"].label], "documents", _demo_rows("documents"),
          {"中央": "中央财政", "自治区": "自治区财政"})
    _set(book, "submission.year", "2025年")
    _set(book, "submission.submitter", "“内蒙古自治区财政厅”")
    book.save(path)

    done = auditkit("check", path.name, "--format", "json", cwd=path.parent)
    assert done.returncode == 1, done.stderr  # ST002 is an error finding
    data = json.loads(done.stdout)
    assert data["package"]["year"] == 2025 and data["package"]["submitter"] == "内蒙古自治区财政厅"
    assert data["package"]["not_given"] == sorted(
        set(PROGRAMS["resident-subsidy"].sheets) - {"settlement", "local_funds", "documents"})
    skipped = {s["code"]: s["reason"] for s in data["skipped"]}
    for code in ("DL003", "DL004", "DL005"):
        assert skipped[code].startswith("材料报送表未填写数据（报送数据.xlsx#材料报送表）"), skipped[code]
    assert "奖励补助资金分配表未填写数据" in skipped["RW001"]
    demo = run_check(demo_package(), select=["ST002"])
    assert [(f["region"], f["key"]) for f in data["findings"] if f["code"] == "ST002"] == \
        [(f.region, f.key) for f in demo.findings] == [("通辽市", demo.findings[0].key)]
    assert any(f["code"] == "DL001" for f in data["findings"]) == any(
        f.code == "DL001" for f in run_check(demo_package(), select=["DL001"]).findings)

    text = auditkit("check", path)  # the terminal says the same in Chinese
    assert "材料报送表未填写数据" in text.stdout and "Traceback" not in text.stderr


def test_a_required_sheet_left_empty_is_named(tmp_path):
    path = _write(tmp_path)
    done = auditkit("check", path)
    assert done.returncode == 2
    assert "工作表“结算分配表”" in done.stderr and "必填表" in done.stderr and "请在表头下逐行填写" in done.stderr


@pytest.mark.parametrize("program", ["pooling", "contributions"])
def test_a_package_with_every_sheet_empty_is_refused_not_passed(tmp_path, program):
    """A program whose sheets may each stay empty still needs one: all empty is not "no problem"."""
    with pytest.raises(PackageError, match="均未填写数据，没有可审核的内容"):
        load_package(_write(tmp_path, program))


def test_an_empty_optional_table_of_a_folder_package_is_not_given_too(tmp_path):
    """The rule is the loader's, not the template's: a CSV with its header line and no row is not
    given, and a required one left so is refused naming it."""
    folder = tmp_path / "包"
    folder.mkdir()
    for name in ("settlement.csv", "submission.toml"):
        (folder / name).write_bytes((FIXTURES / "settlement-ok" / name).read_bytes())
    (folder / "local_funds.csv").write_text("单位：元\n盟市,应到位资金,实际到位资金\n", encoding="utf-8")
    sub = load_package(folder)
    assert sub.not_given == {"local_funds": "local_funds.csv"} and "local_funds" not in sub.tables
    (folder / "settlement.csv").write_text("盟市,已预拨资金,此次结算补助资金\n", encoding="utf-8")
    with pytest.raises(PackageError, match="结算分配表是城乡居民基本医疗保险补助资金结算的必填表，表中没有数据行"):
        load_package(folder)


def test_refuses_to_overwrite(tmp_path):
    path = _write(tmp_path, command_line=True)
    done = auditkit("template", "resident-subsidy", path.parent)
    assert done.returncode == 2 and "不覆盖" in done.stderr
    done = auditkit("template", "no-such-program", tmp_path / "x")
    assert done.returncode == 2 and "未知的项目类型" in done.stderr
    assert not (tmp_path / "x").exists()


def test_a_prefecture_checks_its_counties_in_the_template_for_its_area(tmp_path):
    """``auditkit template resident-subsidy DIR --area 包头`` lists 包头市's 旗县区 and units
    (GB/T 2260 and the rulebook's [[areas]]) in the region dropdown and writes area = 包头市.
    Filled with fixtures/baotou-2024-wan's sheets (万元, 2024) and checked on the workbook alone,
    it finds what that package finds, under the same keys — but for the ST005 note that the
    fixture's area was inferred from its rows: the template's manifest names it."""
    folder = tmp_path / "包头"
    done = auditkit("template", "resident-subsidy", folder, "--area", "包头")
    assert done.returncode == 0, done.stderr
    path = folder / WORKBOOK
    book = load_workbook(path)
    rule = _validations(book[TABLES["settlement"].label])["地区"]
    offered = _list_values(book, rule.formula1)
    assert {"东河区", "昆都仑区", "土默特右旗", "达尔罕茂明安联合旗", "市本级"} <= set(offered)
    assert "呼和浩特市" not in offered
    source = load_workbook(FIXTURES / "baotou-2024-wan" / WORKBOOK)
    for name in ("settlement", "local_funds", "documents", "filings"):
        label = TABLES[name].label
        target = book[label]
        target.delete_rows(1, target.max_row)  # the fixture's sheet as it was laid out, whole
        for row in source[label].iter_rows():
            for cell in row:
                target.cell(row=cell.row, column=cell.column, value=cell.value)
    _set(book, "submission.year", 2024)
    _set(book, "submission.submitter", "包头市财政局")
    _set(book, "submission.amount_unit", "万元")
    book.save(path)
    [area] = [r[1].value for r in book["submission"].iter_rows() if r[0].value == "submission.area"]
    assert area == "包头市"

    filled = run_check(path)
    expected = run_check(FIXTURES / "baotou-2024-wan")
    inferred = [f for f in expected.findings if f.subject == "area:inferred"]
    assert [f.region for f in inferred] == ["包头市"]
    assert [(f.code, f.region, f.key) for f in filled.findings] == \
        [(f.code, f.region, f.key) for f in expected.findings if f not in inferred]
    assert filled.submission.manifest.area == "包头市"
