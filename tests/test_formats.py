"""Files as offices send them: read for what they are, not what they are named (issue 11).

Every package of fixtures/formats holds settlement-ok's settlement table (呼和浩特市 512,000.00
元 entitled, 包头市 1,018,880.00, 乌海市 256,000.00; 合计 1,786,880.00 …) in one office format,
made by the real tool (fixtures/formats/make.py says how). Read as a person reads the sheet in
Excel or WPS, each gives settlement-ok's result.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from auditkit import load_package
from auditkit.errors import PackageError
from auditkit.grid import read_grid
from auditkit.output import result_json
from benchmarks.workbook import package, write_workbook
from tests.conftest import FIXTURES, audit

FORMATS = FIXTURES / "formats"
SAME_AS_SETTLEMENT_OK = ["xls-biff8", "et", "ods", "html-as-xls", "html-gbk-export", "xml2003-as-xls",
                         "xml2003-export", "xlsx-as-xls"]


def _without_inputs(result) -> dict:
    data = result_json(result)
    data["package"].pop("inputs")
    return data


@pytest.fixture(scope="module")
def settlement_ok() -> dict:
    return _without_inputs(audit("settlement-ok"))


NAME_LIES = {"html-as-xls": "HTML 网页表格", "html-gbk-export": "HTML 网页表格",
             "xml2003-as-xls": "XML 电子表格 2003", "xml2003-export": "XML 电子表格 2003",
             "xlsx-as-xls": "Excel 工作簿（.xlsx）"}


@pytest.mark.parametrize("case", SAME_AS_SETTLEMENT_OK)
def test_every_office_format_gives_settlement_ok_result(case, settlement_ok):
    """The same figures in BIFF8, WPS .et, .ods, HTML and XML-2003 saved as .xls, and .xlsx
    named .xls: the same findings, assessment and skipped checks as the CSV — and, where the
    name says .xls and the content is something else, one IN003 note that says so."""
    result = _without_inputs(audit(FORMATS / case))
    notes = [f for f in result["findings"] if f["code"] == "IN003"]
    result["findings"] = [f for f in result["findings"] if f["code"] != "IN003"]
    result["summary"]["info"] -= len(notes)
    assert result == settlement_ok
    if case in NAME_LIES:
        assert [(n["severity"], n["condition"]) for n in notes] == [
            ("info", f"文件“settlement.xls”扩展名为“.xls”，内容实为 {NAME_LIES[case]}，已按其实际格式读取。")]
    else:
        assert notes == []


@pytest.mark.parametrize("case", ["xls-biff8", "ods", "xml2003-export", "xml2003-as-xls"])
def test_the_number_format_decides_the_tolerance(case):
    """512000 stored as a number, shown #,##0.00 (BIFF8 and .ods), "Standard" or "Fixed"
    (XML-2003: two decimals): written to the fen, it carries half a fen, 0.005 元. The share
    0.1 shown as 10% is 0.1. The header is two merged rows under a merged title."""
    row = load_package(FORMATS / case).table("settlement").rows()[0]
    assert (row["region"], row["entitled"], row["_tol_entitled"], row["regional_share"]) == (
        "呼和浩特市", Decimal("512000"), Decimal("0.005"), Decimal("0.1"))


def test_a_gbk_html_export_reads_the_unit_line_above_its_table():
    """51.2000 万元 under '单位：万元' (a line of the page above the table) is 512,000 元, and
    its four decimals carry half of 0.0001 万元: 0.5 元; the 合计 row is 178.6880 万元."""
    table = load_package(FORMATS / "html-gbk-export").table("settlement")
    row = table.rows()[0]
    assert table.unit == "wan"
    assert (row["entitled"], row["_tol_entitled"]) == (Decimal("512000"), Decimal("0.5"))
    assert table.total["entitled"] == Decimal("1786880")


@pytest.mark.parametrize("case, named", [
    ("xlsx-as-xls", "Excel 工作簿（.xlsx）"), ("html-as-xls", "HTML 网页表格"),
    ("html-gbk-export", "HTML 网页表格"), ("xml2003-as-xls", "XML 电子表格 2003")])
def test_a_file_whose_name_lies_is_read_for_what_it_is_and_says_so(case, named):
    grid = read_grid(FORMATS / case / "settlement.xls", "结算表", "settlement.xls")
    assert grid.notes == [f"文件“settlement.xls”扩展名为“.xls”，内容实为 {named}，已按其实际格式读取"]


@pytest.mark.parametrize("path", ["xls-biff8/settlement.xls", "et/settlement.et", "ods/settlement.ods"])
def test_a_file_named_for_what_it_is_has_no_note(path):
    assert read_grid(FORMATS / path, None, Path(path).name).notes == []


def test_merged_cells_of_a_biff8_workbook_spread_their_text():
    """A3:A4 merged (盟市) reads in both rows; E3:F3 (补助资金) over both columns."""
    rows = read_grid(FORMATS / "xls-biff8" / "settlement.xls", "结算表", "settlement.xls").rows
    assert rows[2][0].text == rows[3][0].text == "盟市"
    assert rows[2][4].text == rows[2][5].text == "补助资金"
    assert rows[3][4].text == "应补助资金"


def test_a_one_workbook_package_saved_as_xls_reads_like_the_xlsx():
    xls = audit(FORMATS / "workbook-package-xls" / "tacheng-2020.xls", "ST001,ST003,ST004")
    xlsx = audit(FIXTURES / "workbook-package" / "tacheng-2020.xlsx", "ST001,ST003,ST004")
    assert xls.submission.manifest == xlsx.submission.manifest
    assert [r.settlement for r in xls.assessment] == [r.settlement for r in xlsx.assessment]
    assert xls.assessment[0].settlement == Decimal("-100000")  # 721 − 731 = −10 万元


def test_uncomputed_formulas_are_refused_naming_the_cells():
    """openpyxl writes I3 = E3-F3-G3-H3 … and the 合计 SUMs with no value: read as empty, ST001
    would have nothing to check. Refused, naming I3 first, saying to open and save in Excel."""
    done = subprocess.run([sys.executable, "-m", "auditkit", "check", str(FORMATS / "uncomputed-formulas")],
                          capture_output=True, text=True, timeout=120)
    seen = done.stdout + done.stderr
    assert done.returncode == 2, seen
    for words in ("settlement.xlsx", "结算表", "第3行", "I3、I4、I5", "=E3-F3-G3-H3", "11个单元格",
                  "没有保存其计算结果", "Excel 或 WPS 打开", "保存后重新提交"):
        assert words in seen, (words, seen)
    assert "Traceback" not in seen


def test_a_formula_whose_computed_value_is_empty_text_is_read_as_empty():
    """备注 = IF(D2<0,"扣回","") as LibreOffice (like Excel) saves it: "" for 乌海市 (6,000 ≥ 0)
    is an empty cell as the sheet shows it, not an uncomputed formula; 包头市 (−11,376) reads
    扣回; the computed 此次结算补助资金 reads 6000 and −11376."""
    rows = read_grid(FORMATS / "formula-empty-text" / "settlement.xlsx", "结算表", "settlement.xlsx").rows
    assert [c.text for c in rows[1]] == ["乌海市", "256000", "250000", "6000", ""]
    assert [c.text for c in rows[2]] == ["包头市", "1018880", "1030256", "-11376", "扣回"]


def test_an_et_file_that_cannot_be_read_is_refused_saying_to_save_as_xlsx(tmp_path):
    """The first 2,000 bytes of an .et (a cut-off download): not "corrupt", but what to do."""
    data = (FORMATS / "et" / "settlement.et").read_bytes()[:2000]
    (tmp_path / "结算表.et").write_bytes(data)
    with pytest.raises(PackageError) as refused:
        read_grid(tmp_path / "结算表.et", None, "结算表.et")
    assert "WPS" in refused.value.message and "另存为" in refused.value.message and ".xlsx" in refused.value.message


@pytest.mark.parametrize("head, words", [
    (b"%PDF-1.7\n", "PDF"),
])
def test_what_is_no_table_is_named_for_what_it_is(tmp_path, head, words):
    (tmp_path / "s.xls").write_bytes(head + b"0" * 100)
    with pytest.raises(PackageError) as refused:
        read_grid(tmp_path / "s.xls", None, "s.xls")
    assert words in refused.value.message and ".xlsx" in refused.value.message


def test_a_utf16_tab_separated_text_saved_as_csv_reads_as_csv(tmp_path):
    """Excel's "Unicode 文本" is UTF-16 with tabs; saved under .csv it is still the table."""
    (tmp_path / "s.csv").write_bytes("盟市\t应补助资金\r\n乌海市\t256000.00\r\n".encode("utf-16"))
    rows = read_grid(tmp_path / "s.csv", None, "s.csv").rows
    assert [[c.text for c in r] for r in rows] == [["盟市", "应补助资金"], ["乌海市", "256000.00"]]


# --- a template styled to the last row --------------------------------------------------------


@pytest.fixture(scope="module")
def styled(tmp_path_factory) -> Path:
    """benchmarks/workbook.py's template: every cell of A:K bordered down to row 1,048,576."""
    return package(tmp_path_factory.mktemp("styled"), 1_048_576)


def test_a_template_styled_to_the_last_row_gives_settlement_ok_result(styled, settlement_ok):
    """Eleven million formatted empty cells below a five-row table: the table, its merged
    header, its #,##0.00 format (0.005 元) and its 合计 row read as in the plain workbook."""
    assert _without_inputs(audit(styled)) == settlement_ok
    table = load_package(styled).table("settlement")
    assert table.rows()[0]["_tol_entitled"] == Decimal("0.005")
    assert table.total["_row"] == 8


def test_the_styled_template_is_what_xlsxwriter_writes(tmp_path):
    """The benchmark repeats XlsxWriter's last formatted row instead of asking XlsxWriter for
    a million rows; for 3,000 rows both ways give the same parts, byte for byte."""
    write_workbook(tmp_path / "fast.xlsx", 3000)
    write_workbook(tmp_path / "slow.xlsx", 3000, extend=False)
    with zipfile.ZipFile(tmp_path / "fast.xlsx") as fast, zipfile.ZipFile(tmp_path / "slow.xlsx") as slow:
        assert sorted(fast.namelist()) == sorted(slow.namelist())
        for name in fast.namelist():
            assert fast.read(name) == slow.read(name), name


def test_a_value_far_below_formatted_rows_keeps_its_row_number(tmp_path):
    """A note typed in A50000 of a template formatted to row 50,000: the formatted rows
    between are dropped before reading, the note is still row 50,000."""
    write_workbook(tmp_path / "s.xlsx", 50_000)
    with zipfile.ZipFile(tmp_path / "s.xlsx") as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    part = "xl/worksheets/sheet1.xml"
    assert len(members[part]) > 4 << 20  # large enough to be scanned
    members[part] = re.sub(rb'<c r="A50000" s="(\d+)"/>', '<c r="A50000" s="\\1" t="inlineStr"><is><t>注</t></is></c>'
                           .encode("utf-8"), members[part], count=1)
    with zipfile.ZipFile(tmp_path / "s.xlsx", "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    rows = read_grid(tmp_path / "s.xlsx", "结算表", "s.xlsx").rows
    assert len(rows) == 50_000 and rows[-1][0].text == "注"
    assert rows[7][0].text == "合计" and rows[2][4].text == rows[2][5].text == "补助资金"
