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


def test_a_workbook_with_an_opening_password_is_refused_saying_to_remove_it():
    """An .xlsx encrypted as Excel encrypts it (an OLE file holding EncryptedPackage): not
    "corrupt", but what to do."""
    with pytest.raises(PackageError) as refused:
        read_grid(FORMATS / "encrypted" / "settlement.xlsx", None, "settlement.xlsx")
    assert "设有打开密码" in refused.value.message and "取消密码" in refused.value.message
    assert "损坏" not in refused.value.message


def test_an_html_page_reads_a_unit_line_split_over_inline_elements(tmp_path):
    """<p><b>单位：</b>万元</p> is one line to a reader (and to Excel opening the page): the
    unit is 万元, so 25.6 万元 is 256,000 元 with ±500 元 (half of 0.1 万元)."""
    page = ("<html><head><meta charset='gb2312'></head><body><h3>结算表</h3><p><b>单位：</b>万元</p>"
            "<table><tr><td>盟市</td><td>应补助资金</td><td>已预拨资金</td><td>此次结算补助资金</td></tr>"
            "<tr><td>乌海市</td><td>25.6</td><td>25.0</td><td>0.6</td></tr></table>"
            "<p>制表：<span>张三</span></p></body></html>")
    (tmp_path / "s.xls").write_bytes(page.encode("gb18030"))
    rows = read_grid(tmp_path / "s.xls", None, "s.xls").rows
    assert [[c.text for c in r] for r in rows[:2]] == [["结算表"], ["单位：万元"]]
    assert [c.text for c in rows[-1]] == ["制表：张三"]
    (tmp_path / "submission.toml").write_text(
        '[submission]\nprogram = "resident-subsidy"\njurisdiction = "nmg"\nyear = 2023\n'
        '[tables]\nsettlement = "s.xls"\n', encoding="utf-8")
    # the 制表 line under the table is issue 10's (rows that are not data); read the table above it
    (tmp_path / "s.xls").write_bytes(page.replace("<p>制表：<span>张三</span></p>", "").encode("gb18030"))
    table = load_package(tmp_path).table("settlement")
    assert (table.unit, table.rows()[0]["entitled"], table.rows()[0]["_tol_entitled"]) == (
        "wan", Decimal("256000"), Decimal("500"))


def test_an_ods_written_by_a_program_with_formulas_but_no_values_is_refused(tmp_path):
    """odfpy writes 此次结算补助资金 as of:=[.B2]-[.C2] with no office:value (as programs do):
    no one has seen its figure; refused naming D2 like an uncomputed .xlsx formula."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    table = Table(name="结算表")
    for values in (["盟市", "应补助资金", "已预拨资金", "此次结算补助资金"], ["乌海市", 256000, 250000, None]):
        row = TableRow()
        for value in values:
            if value is None:
                row.addElement(TableCell(formula="of:=[.B2]-[.C2]"))
            elif isinstance(value, int):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
                row.addElement(cell)
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                row.addElement(cell)
        table.addElement(row)
    document.spreadsheet.addElement(table)
    document.save(str(tmp_path / "s.ods"))
    with pytest.raises(PackageError) as refused:
        read_grid(tmp_path / "s.ods", "结算表", "s.ods")
    assert (refused.value.row, refused.value.column) == (2, "D")
    assert "D2是公式" in refused.value.message and "of:=[.B2]-[.C2]" in refused.value.message


def test_a_template_with_a_formula_copied_down_that_shows_nothing_reads_like_the_plain_one(tmp_path, settlement_ok):
    """备注 = IF(I9<0,"扣回","") copied down to row 200,000 of the styled template, each computed
    to "" (t="str", an empty <v>, as Excel and LibreOffice save it): empty cells below the
    table, as the sheet shows them; the package gives settlement-ok's result."""
    folder = package(tmp_path / "formulas", 200_000, empty_formulas=True)
    with zipfile.ZipFile(folder / "settlement.xlsx") as archive:
        assert b'<c r="J199999" s="2" t="str"><f>IF(I199999&lt;0,' in archive.read("xl/worksheets/sheet1.xml")
    assert _without_inputs(audit(folder)) == settlement_ok


def test_an_xml2003_formula_written_without_its_data_is_refused(tmp_path):
    """A system that writes XML Spreadsheet 2003 with the 合计 row as <Cell ss:Formula="=SUM(…)"/>
    and no <Data>: Excel would compute it, auditkit cannot see it; refused naming B8."""
    text = (FORMATS / "xml2003-export" / "settlement.xls").read_text(encoding="utf-8")
    text = re.sub(r'(<Cell ss:StyleID="s22" ss:Formula="=SUM\(R\[-3\]C:R\[-1\]C\)")><Data ss:Type="Number">3500</Data></Cell>',
                  r"\1/>", text, count=1)
    (tmp_path / "settlement.xls").write_text(text, encoding="utf-8")
    with pytest.raises(PackageError) as refused:
        read_grid(tmp_path / "settlement.xls", "结算表", "settlement.xls")
    assert (refused.value.row, refused.value.column) == (8, "B")
    assert "B8是公式" in refused.value.message and "=SUM(R[-3]C:R[-1]C)" in refused.value.message


def test_a_gb18030_csv_saved_as_xls_is_read_as_csv_and_says_so(tmp_path):
    """Systems export CSV (or tab-separated text) under .xls; Excel opens it, so does auditkit."""
    (tmp_path / "s.xls").write_bytes("盟市\t应补助资金\r\n乌海市\t256,000.00\r\n".encode("gb18030"))
    grid = read_grid(tmp_path / "s.xls", None, "s.xls")
    assert [[c.text for c in r] for r in grid.rows] == [["盟市", "应补助资金"], ["乌海市", "256,000.00"]]
    assert grid.notes == ["文件“s.xls”扩展名为“.xls”，内容实为 CSV 文本，已按其实际格式读取"]
