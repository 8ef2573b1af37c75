"""Rectification from what the user kept: the run's JSON travels inside the review PDF (an
embedded file), the HTML review (a JSON script element) and the working papers (a very hidden
sheet), and ``--previous`` reads any of them — with the same statuses as from the JSON itself.

The scenario: last time's run on the demo package found, among others, 通辽市's ST002 (its
应补助资金 computed with 2024's standard, the stale 670 元). This time 通辽市 corrected its row:
standard 700, 应补助资金 2,403,519 × 700 × 80% = 1,345,970,640.00, 此次结算补助资金
1,345,970,640.00 − 1,343,536,080.00 = 2,434,560.00 (no longer negative, so no 扣回 note), and the
合计 row moves by the same 57,684,456.00: 应补助资金 9,140,345,784.00 + 57,684,456.00 =
9,198,030,240.00, 此次结算补助资金 −65,500,808.00 + 57,684,456.00 = −7,816,352.00. ST002 for
通辽市 (key b605c1bdab19, fixtures/report-previous/README.md) is then 已整改; 兴安盟's AR001
(a33bde18b185) is 仍未整改.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader, PdfWriter

from auditkit.blank_package import blank_package
from auditkit.cli import demo_package
from auditkit.report.embedded import ATTACHMENT, SHEET, embed_in_workbook, kind_of, read_embedded

TONGLIAO_ST002, XINGAN_AR001 = "b605c1bdab19", "a33bde18b185"


def auditkit(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "auditkit", *map(str, args)], capture_output=True, text=True)


@pytest.fixture(scope="module")
def previous(tmp_path_factory) -> dict[str, Path]:
    """Last time's run on the demo: its JSON, review PDF and working papers."""
    folder = tmp_path_factory.mktemp("上次")
    kept = {"json": folder / "结果.json", "pdf": folder / "审核意见.pdf", "xlsx": folder / "工作底稿.xlsx"}
    done = auditkit("check", demo_package(), "--output", kept["json"], "--report", kept["pdf"],
                    "--xlsx", kept["xlsx"], "--date", "2026-03-16")
    assert done.returncode == 1, done.stderr  # the demo has error findings
    return kept


@pytest.fixture(scope="module")
def corrected(tmp_path_factory) -> Path:
    """The demo package with 通辽市's row corrected (figures in the module docstring)."""
    folder = tmp_path_factory.mktemp("本次") / "数据包"
    shutil.copytree(demo_package(), folder)
    settlement = folder / "settlement.csv"
    text = settlement.read_text(encoding="utf-8")
    for old, new in (
        ("5,通辽市,2403519,0,670,12%,1288286184.00,1343536080.00,0.00,0.00,-55249896.00,从内财社〔2025〕45号文件扣回",
         "5,通辽市,2403519,0,700,12%,1345970640.00,1343536080.00,0.00,0.00,2434560.00,"),
        (",合计,16426404,1200,,,9140345784.00,9205879392.00,0.00,67200.00,-65500808.00,",
         ",合计,16426404,1200,,,9198030240.00,9205879392.00,0.00,67200.00,-7816352.00,"),
    ):
        assert old in text
        text = text.replace(old, new)
    settlement.write_text(text, encoding="utf-8")
    return folder


def test_the_result_travels_inside_the_pdf_and_the_workbook(previous):
    written = previous["json"].read_text(encoding="utf-8")
    attachments = PdfReader(previous["pdf"]).attachments
    assert attachments[ATTACHMENT] == [written.encode("utf-8")]
    book = load_workbook(previous["xlsx"])
    assert book[SHEET].sheet_state == "veryHidden"
    assert "".join(row[0] for row in book[SHEET].iter_rows(values_only=True)) == written
    assert all(book[name].sheet_state == "visible" for name in book.sheetnames if name != SHEET)


def _tracked(package: Path, previous_file: Path, tmp_path: Path) -> dict:
    out = tmp_path / f"{previous_file.suffix[1:]}.json"
    done = auditkit("check", package, "--previous", previous_file, "--output", out)
    assert done.returncode == 1, done.stderr
    assert f"整改跟踪（对照 {previous_file}）" in done.stdout
    return json.loads(out.read_text(encoding="utf-8"))


def test_rectification_is_tracked_from_the_previous_pdf_and_from_the_previous_workbook(previous, corrected, tmp_path):
    runs = {kind: _tracked(corrected, path, tmp_path) for kind, path in previous.items()}
    from_json = runs["json"]
    rectified = {r["key"] for r in from_json["rectification"]["rectified"]}
    status = {f["key"]: f["rectification"] for f in from_json["findings"]}
    assert TONGLIAO_ST002 in rectified and TONGLIAO_ST002 not in status
    assert status[XINGAN_AR001] == "仍未整改"
    last_time = json.loads(previous["json"].read_text(encoding="utf-8"))
    assert from_json["rectification"]["counts"]["仍未整改"] == len(
        {f["key"] for f in last_time["findings"]} - rectified)
    for kind in ("pdf", "xlsx"):  # the same statuses whichever file was kept
        run = runs[kind]
        assert [(f["key"], f["rectification"]) for f in run["findings"]] == \
            [(f["key"], f["rectification"]) for f in from_json["findings"]]
        assert run["rectification"]["rectified"] == from_json["rectification"]["rectified"]
        assert run["rectification"]["counts"] == from_json["rectification"]["counts"]
        assert run["rectification"]["previous"] == previous[kind].name


def test_a_file_that_holds_no_result_is_refused_saying_which_file_would(tmp_path):
    """A PDF that auditkit did not write, the blank template (a workbook without the hidden
    sheet) and a GBK text file named .json: each is refused in Chinese naming the file and the
    files that hold a result; none gets a codec error."""
    pdf = tmp_path / "扫描件.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(pdf, "wb") as handle:
        writer.write(handle)
    workbook = tmp_path / "报送数据.xlsx"
    workbook.write_bytes(blank_package("resident-subsidy")[workbook.name])
    text = tmp_path / "底稿.json"
    text.write_bytes("上次审核意见".encode("gbk"))
    for path, words in ((pdf, "该PDF 文件中没有 auditkit 审核结果"), (workbook, "该Excel 工作簿中没有 auditkit 审核结果"),
                        (text, "不是 auditkit 的审核结果文件")):
        done = auditkit("check", demo_package(), "--previous", path)
        assert done.returncode == 2, done.stderr
        assert words in done.stderr and path.name in done.stderr, done.stderr
        assert "以 --output 写出的 JSON 文件" in done.stderr and "以 --xlsx 写出的工作底稿" in done.stderr
        assert "codec" not in done.stderr and "Traceback" not in done.stderr


def test_the_embed_is_one_function_for_either_workbook_writer(tmp_path):
    """embed_in_workbook on an XlsxWriter workbook (issue 16's writer) reads back the same, even
    for a text longer than a cell holds and a piece that begins with '='."""
    import xlsxwriter

    text = json.dumps({"findings": [{"key": "k", "condition": "=" * 40_000 + "</script>"}]}, ensure_ascii=False)
    path = tmp_path / "底稿.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("问题清单").write_string(0, 0, "问题")
    embed_in_workbook(book, text)
    book.close()
    assert kind_of(path) == "xlsx" and read_embedded(path, "xlsx") == text
    from openpyxl import Workbook

    other = Workbook()
    embed_in_workbook(other, text)
    other.save(tmp_path / "openpyxl.xlsx")
    assert read_embedded(tmp_path / "openpyxl.xlsx", "xlsx") == text


def test_the_html_review_carries_the_result_too(tmp_path):
    from auditkit.cli import run_check
    from auditkit.output import dumps
    from auditkit.report import ReportOptions, build, render_html

    result = run_check(demo_package(), select=["ST002"])
    text = dumps(result)
    page = tmp_path / "审核意见.html"
    page.write_text(render_html(build(result, ReportOptions()), [], text), encoding="utf-8")
    assert kind_of(page) == "html" and json.loads(read_embedded(page, "html")) == json.loads(text)
