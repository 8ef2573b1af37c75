"""The command line's document options: --report, --xlsx, --mode, --previous, --date, and the
demo's PDF. Figures of the demo are worked in tests/test_report.py's docstring; here:

- 通辽市 ST002: 57,684,456.00 元 at stake (2,403,519 × (700 − 670) × 80%).
- 通辽市 核定 settlement: 1,345,970,640.00 − 1,343,536,080.00 = 2,434,560.00 元, declared
  −55,249,896.00, so the difference is 2,434,560.00 + 55,249,896.00 = 57,684,456.00 元.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader
from typer.testing import CliRunner

from auditkit.cli import app, demo_package

ROOT = Path(__file__).resolve().parent.parent
PREVIOUS = ROOT / "fixtures" / "report-previous" / "previous.json"
runner = CliRunner()


def _check(*args: str):
    return runner.invoke(app, ["check", str(demo_package()), *args])


def test_previous_adds_rectification_status_to_json(tmp_path):
    """fixtures/report-previous/README.md: ST002 通辽市 and AR001 兴安盟 仍未整改, ST001 包头市 已整改."""
    out = tmp_path / "result.json"
    result = _check("--previous", str(PREVIOUS), "--output", str(out), "--format", "json")
    assert result.exit_code == 1, result.output  # the demo has error findings
    data = json.loads(out.read_text(encoding="utf-8"))
    status = {(f["code"], f["region"]): f["rectification"] for f in data["findings"]}
    assert status[("ST002", "通辽市")] == "仍未整改"
    assert status[("AR001", "兴安盟")] == "仍未整改"
    assert status[("ST001", "赤峰市")] == "新发现"
    assert [(r["code"], r["region"], r["key"]) for r in data["rectification"]["rectified"]] == [
        ("ST001", "包头市", "88a7faddc8b3")]
    counts = data["rectification"]["counts"]
    assert counts["仍未整改"] == 2 and counts["已整改"] == 1
    assert counts["新发现"] == len(data["findings"]) - 2


def test_json_without_previous_is_unchanged_in_shape(tmp_path):
    out = tmp_path / "result.json"
    _check("--output", str(out), "--format", "json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert "rectification" not in data
    assert all("rectification" not in f for f in data["findings"])


def test_bad_previous_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "old.json"
    bad.write_text('{"findings": [{"code": "ST001"}]}', encoding="utf-8")
    result = _check("--previous", str(bad), "--xlsx", str(tmp_path / "w.xlsx"))
    assert result.exit_code == 2
    assert "缺少 key" in result.output
    assert not (tmp_path / "w.xlsx").exists()  # nothing is written when the run fails


def test_bad_options_write_nothing(tmp_path):
    result = _check("--report", str(tmp_path / "r.doc"))
    assert result.exit_code == 2 and ".pdf、.docx 或 .html" in result.output
    result = _check("--report", str(tmp_path / "r.html"), "--date", "2024-02-30")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output
    assert list(tmp_path.iterdir()) == []


def test_html_report_and_self_check_mode(tmp_path):
    report = tmp_path / "自查报告.html"
    result = _check("--report", str(report), "--mode", "self-check", "--date", "2024-02-18")
    assert result.exit_code == 1, result.output
    html = report.read_text(encoding="utf-8")
    assert "自查报告" in html and "2024年2月18日" in html
    assert f"已写入 {report}" in result.output.replace("\n", "")


def test_workbook_sheets_headers_and_formats(tmp_path):
    workbook_path = tmp_path / "底稿.xlsx"
    result = _check("--xlsx", str(workbook_path), "--previous", str(PREVIOUS))
    assert result.exit_code == 1, result.output
    book = load_workbook(workbook_path)
    assert {"问题清单", "核定结果", "证据-ST002", "已整改", "数据来源"} <= set(book.sheetnames)

    findings = book["问题清单"]
    headers = [c.value for c in findings[1]]
    assert headers[:5] == ["序号", "检查代码", "级别", "整改状态", "地区"]
    assert findings.freeze_panes == "B2"  # the header row and the 序号 column
    rows = {(r[1], r[4]): r for r in findings.iter_rows(min_row=2, values_only=True)}
    tongliao = rows[("ST002", "通辽市")]
    assert tongliao[3] == "仍未整改"
    money_column = headers.index("涉及资金（元）")
    assert tongliao[money_column] == 57684456.00
    assert findings.cell(row=2, column=money_column + 1).number_format == "#,##0.00"

    # the 核定结果 figures as a viewer that does not recalculate shows them (tests/test_workbook.py
    # checks the formulas)
    assessment = load_workbook(workbook_path, data_only=True)["核定结果"]
    top = next(row[0].row for row in assessment.iter_rows() if row[0].value == "地区")
    header = [c.value for c in assessment[top]]
    line = next(r for r in assessment.iter_rows(min_row=top + 1, values_only=True) if r[0] == "通辽市")
    declared = line[header.index("申报此次结算补助资金（元）")]
    verified = line[header.index("此次结算补助资金（元）")]
    difference = line[header.index("此次结算差额（核定−申报，元）")]
    assert (declared, verified, difference) == (-55249896.00, 2434560.00, 57684456.00)
    assert assessment.freeze_panes == f"B{top + 1}"

    rectified = list(book["已整改"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[4]) for r in rectified] == [("ST001", "包头市", "88a7faddc8b3")]


def test_demo_writes_its_review_pdf(tmp_path):
    result = runner.invoke(app, ["demo", "--output-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "auditkit-demo-审核意见.pdf"
    assert pdf.exists() and str(pdf.resolve()) in result.output.replace("\n", "")
    text = PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text()
    assert "审核意见" in text.replace("\n", "")
    word = tmp_path / "auditkit-demo-审核意见.docx"  # and the same review as a Word document
    assert word.exists() and str(word.resolve()) in result.output.replace("\n", "")


def test_unwritable_report_path_is_a_clear_error(tmp_path):
    blocker = tmp_path / "不是目录.txt"
    blocker.write_text("", encoding="utf-8")
    result = _check("--report", str(blocker / "r.html"))
    assert result.exit_code == 2
    assert "无法写入文件（路径中有同名文件）" in result.output.replace("\n", "")
