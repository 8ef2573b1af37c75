"""The review and the self-check report as Word documents, read back with python-docx, beside the
PDF of the same run; the signer's 文号, 联系人, 电话 and 抄送 (issue 16).

The demo's figures are worked in tests/test_report.py's docstring; here the PDF is the
independent reading: every figure the PDF prints (extracted with pypdf) must be in the Word
document as often, and the other way round.
"""

from __future__ import annotations

import collections
import datetime as dt
import io
import re
import shutil

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader
from typer.testing import CliRunner

from auditkit.cli import app, demo_package, run_check
from auditkit.report import ReportOptions, Signer, build, render_docx, render_pdf

ISSUED = dt.date(2026, 3, 16)
# figures as the documents print them: 1,345,970,640.00 / -65,500,808.00 / 2,403,519 / 95.00
FIGURE = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+\.\d+")
runner = CliRunner()


def _texts(document) -> list[str]:
    """Every paragraph of the body, of each table cell once (a merged cell once) and of the
    headers and footers, in order."""
    texts = []
    for element in document.element.body.iter(qn("w:p")):
        texts.append("".join(node.text or "" for node in element.iter(qn("w:t"))))
    section = document.sections[0]
    for part in (section.first_page_header, section.first_page_footer, section.header, section.footer):
        texts.extend(p.text for p in part.paragraphs)
    return texts


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def demo():
    result = run_check(demo_package())
    context = build(result, ReportOptions(mode="review", date=ISSUED))
    word = docx.Document(io.BytesIO(render_docx(context)))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(render_pdf(context))).pages]
    # a paragraph runs on over a page's foot: read the text without the page numbers
    pdf = "\n".join(re.sub(r"—\s*\d+\s*—\s*$", "", page) for page in pages)
    return {"context": context, "docx": word, "texts": _texts(word), "pdf": pdf}


def test_docx_has_every_figure_of_the_pdf(demo):
    """The assessment table alone prints 12 regions and the total, each twice (申报, 核定), with
    five figures: a figure missing from the Word document, or one it adds, fails here."""
    in_pdf = collections.Counter(FIGURE.findall(demo["pdf"]))
    in_docx = collections.Counter(FIGURE.findall("\n".join(demo["texts"])))
    assert in_pdf == in_docx
    assert in_pdf["1,345,970,640.00"] >= 2  # 通辽市's verified 应补助资金: in the text and the table
    assert sum(in_pdf.values()) > 150


def test_docx_has_every_section_and_heading_of_the_pdf(demo):
    word = demo["docx"]
    headings = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert [text for style, text in headings if style == "Heading 1"] == [
        "一、基本情况", "二、审核发现的问题", "三、审核意见（核定结果）", "四、整改要求"]
    family_headings = [f.number + f.heading for f in demo["context"]["families"]]
    assert [text for style, text in headings if style == "Heading 2"][:len(family_headings)] == family_headings
    titles = [p.text for p in word.paragraphs if p.style.name == "Title"]
    assert titles == ["关于2025年度城乡居民基本医疗保险\n补助资金结算的审核意见", "问题证据明细", "审核依据及数据来源"]
    pdf = _flat(demo["pdf"])
    for text in demo["texts"]:  # every paragraph of the Word document is in the PDF, in words
        if re.fullmatch(r"— \d+ —", text):
            continue  # a page number field shows its own page's number
        assert _flat(text.replace("\u3000", "")) in pdf, text
    assert _flat(demo["pdf"]).count("依据：") == _flat("".join(demo["texts"])).count("依据：")


def test_docx_tables_are_word_tables_with_the_pdf_rows(demo):
    """The assessment: a header row repeated on each page, then 申报 and 核定 rows for the 12
    regions and the 合计 (26 rows), the region cell merged over its pair; then the provenance
    table, one row per input (the manifest and each table)."""
    assessment, provenance = demo["docx"].tables
    assert len(assessment.rows) == 1 + 2 * 13
    assert assessment.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [c.text for c in assessment.rows[0].cells] == [
        "地区", "口径", "参保人数", "应补助资金", "到位扣减资金", "虚报扣减资金", "此次结算补助资金"]
    tongliao = next(i for i, row in enumerate(assessment.rows) if row.cells[0].text == "通辽市")
    declared, verified = assessment.rows[tongliao], assessment.rows[tongliao + 1]
    assert declared.cells[0]._tc is verified.cells[0]._tc  # one merged cell
    assert [c.text for c in declared.cells[1:]] == ["申报", "2,403,519", "1,288,286,184.00", "0.00", "0.00", "-55,249,896.00"]
    assert [c.text for c in verified.cells[1:]] == ["核定", "2,403,519", "1,345,970,640.00", "0.00", "0.00", "2,434,560.00"]
    # the changed figures are underlined, as in the PDF
    changed = [cell.text for cell in verified.cells if any(run.underline for p in cell.paragraphs for run in p.runs)]
    assert changed == ["1,345,970,640.00", "2,434,560.00"]
    # the 申报 row keeps with its 核定 row (Word's way of keeping table rows on one page)
    assert all(p.paragraph_format.keep_with_next for c in declared.cells for p in c.paragraphs)
    inputs = [table for table, _path, _sha in demo["context"]["provenance"]["inputs"]]
    assert [row.cells[0].text for row in provenance.rows] == ["表", *inputs]
    assert inputs[0] == "清单" and "结算分配表" in inputs  # the forms' names, not the program's keys


def test_docx_keeps_each_pair_and_the_start_of_a_table_together(demo):
    """Word's counterpart of the PDF's page breaks (tests/test_layout.py): no row splits; the
    header row, each 申报 row, the 单位 line and the sentence that introduces the table ("……如下表，
    ……：") keep with what follows, so a page may end only after a 核定 row; the provenance
    table may break between any two rows."""
    from docx.text.paragraph import Paragraph

    assessment, provenance = demo["docx"].tables

    def keeps(row) -> bool:
        """Whether the row keeps with the next: its own cells' paragraphs (the region cell is
        merged over the pair: the 核定 row holds only its continuation)."""
        flags = {Paragraph(p, row).paragraph_format.keep_with_next for tc in row._tr.tc_lst
                 for p in tc.iter(qn("w:p"))}
        assert len(flags) == 1, [row.cells[1].text, flags]  # all of a row's paragraphs alike
        return flags.pop() is True

    for table in (assessment, provenance):
        assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in table.rows)
    kinds = [row.cells[1].text for row in assessment.rows]
    assert [keeps(row) for row in assessment.rows] == [kind != "核定" for kind in kinds]
    assert kinds.count("核定") == 13
    assert [keeps(row) for row in provenance.rows] == [True] + [False] * (len(provenance.rows) - 1)
    caption = Paragraph(assessment._tbl.getprevious(), assessment._parent)
    lead_in = Paragraph(caption._p.getprevious(), assessment._parent)
    assert caption.text == "单位：元、人" and caption.paragraph_format.keep_with_next
    assert lead_in.text.startswith("经审核") and lead_in.text.endswith("：") and lead_in.paragraph_format.keep_with_next


def test_docx_page_follows_gbt_9704_letter_format(demo):
    """A4, 天头 37 mm, 订口 28 mm (mirrored), 3号仿宋 body on a 28.95 pt line pitch; the
    信函格式: the 发文机关标志 in page 1's own header 30 mm from the top over a red double rule,
    page 1 without a page number, "— PAGE —" on the outer side of odd and even pages."""
    word = demo["docx"]
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm)) == (37, 35)
    assert (round(section.left_margin.mm), round(section.right_margin.mm)) == (28, 26)
    assert word.settings.element.find(qn("w:mirrorMargins")) is not None
    assert word.settings.odd_and_even_pages_header_footer
    normal = word.styles["Normal"]
    assert normal.font.size.pt == 16 and normal.paragraph_format.line_spacing.pt == pytest.approx(28.95)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    title = word.styles["Title"]
    assert title.font.size.pt == 22 and title.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert section.different_first_page_header_footer
    assert round(section.header_distance.mm) == 30
    mark = section.first_page_header.paragraphs[0]
    assert mark.text == "财政部内蒙古监管局" and str(mark.runs[0].font.color.rgb) == "E60012"
    rules = [p for part in (section.first_page_header, section.first_page_footer) for p in part.paragraphs
             if p._p.pPr is not None and p._p.pPr.find(qn("w:pBdr")) is not None]
    assert len(rules) == 2  # the upper and the lower red double rule
    assert "PAGE" not in section.first_page_footer._element.xml
    for footer, side in ((section.footer, "right"), (section.even_page_footer, "left")):
        paragraph = footer.paragraphs[0]
        assert paragraph.text == "— 1 —" and "PAGE" in footer._element.xml
        assert paragraph.alignment == (2 if side == "right" else 0)


def test_docx_blanks_for_what_the_signer_has_not_given(demo):
    """Without 文号, 联系人, 电话, 抄送 the documents print underlined blanks, never a value."""
    paragraphs = demo["docx"].paragraphs
    number = paragraphs[0]
    assert number.text == "\u3000" * 4 + "〔" + "\u3000" * 2 + "〕" + "\u3000" * 2 + "号"
    assert [run.underline for run in number.runs if run.text.strip("\u3000") == ""] == [True, True, True]
    texts = [p.text for p in paragraphs]
    assert "（联系人：\u3000\u3000\u3000\u3000，联系电话：" + "\u3000" * 6 + "）" in texts
    assert "抄送：" + "\u3000" * 12 + "。" in texts
    flat = _flat(demo["pdf"])
    assert "〔〕号" in flat and "（联系人：，联系电话：）" in flat and "抄送：。" in flat


def test_signer_from_the_command_line_in_pdf_and_docx(tmp_path):
    """--doc-number, --contact, --phone and --cc (given twice, the second with a 顿号) print in
    both documents; 抄送 names are joined with a comma and end with a full stop (GB/T 9704 8.1)."""
    options = ["--date", "2024-02-18", "--doc-number", "内财监函〔2024〕12号", "--contact", "王明",
               "--phone", "0471-6900000", "--cc", "财政部社会保障司", "--cc", "国家医疗保障局、内蒙古自治区医疗保障局"]
    for suffix in ("docx", "pdf"):
        result = runner.invoke(app, ["check", str(demo_package()), "--report", str(tmp_path / f"r.{suffix}"), *options])
        assert result.exit_code == 1, result.output
    word = docx.Document(tmp_path / "r.docx")
    texts = [p.text for p in word.paragraphs]
    assert texts[0] == "内财监函〔2024〕12号"
    assert "（联系人：王明，联系电话：0471-6900000）" in texts
    assert "抄送：财政部社会保障司，国家医疗保障局，内蒙古自治区医疗保障局。" in texts
    pdf = _flat("".join(page.extract_text() for page in PdfReader(tmp_path / "r.pdf").pages))
    for words in ("内财监函〔2024〕12号", "（联系人：王明，联系电话：0471-6900000）",
                  "抄送：财政部社会保障司，国家医疗保障局，内蒙古自治区医疗保障局。"):
        assert words in pdf


def _demo_copy(tmp_path, report_section: str):
    package = tmp_path / "demo"
    shutil.copytree(demo_package(), package)
    manifest = package / "submission.toml"
    # the demo's manifest has a [report] of its own (its date): the keys go into it
    text = manifest.read_text(encoding="utf-8").replace("[report]\n", report_section, 1)
    manifest.write_text(text, encoding="utf-8")
    return package


def test_signer_from_the_manifest_and_the_command_line_over_it(tmp_path):
    package = _demo_copy(tmp_path, '[report]\ndoc_number = "内财监函〔2024〕3号"\ncontact = "李红"\n'
                                   'phone = "0471-1234567"\ncc = ["财政部社会保障司"]\n')
    result = runner.invoke(app, ["check", str(package), "--report", str(tmp_path / "a.docx"), "--date", "2024-02-18"])
    assert result.exit_code == 1, result.output
    texts = [p.text for p in docx.Document(tmp_path / "a.docx").paragraphs]
    assert texts[0] == "内财监函〔2024〕3号"
    assert "（联系人：李红，联系电话：0471-1234567）" in texts and "抄送：财政部社会保障司。" in texts
    result = runner.invoke(app, ["check", str(package), "--report", str(tmp_path / "b.docx"), "--contact", "赵刚"])
    texts = [p.text for p in docx.Document(tmp_path / "b.docx").paragraphs]
    assert "（联系人：赵刚，联系电话：0471-1234567）" in texts  # the option over the manifest, the rest kept


def test_unknown_report_key_is_refused_naming_it(tmp_path):
    package = _demo_copy(tmp_path, '[report]\ncontacts = "李红"\n')
    result = runner.invoke(app, ["check", str(package), "--report", str(tmp_path / "a.docx")])
    assert result.exit_code == 2
    assert "report.contacts" in result.output and "contact（联系人）" in result.output
    assert not (tmp_path / "a.docx").exists()


def test_self_check_docx_has_no_letterhead_and_numbers_page_one():
    """The self-check report is the prefecture's own report, not a 函: no 版头, page numbers from
    page 1, the same sections as its PDF."""
    result = run_check(demo_package())
    context = build(result, ReportOptions(mode="self-check", date=ISSUED))
    word = docx.Document(io.BytesIO(render_docx(context)))
    section = word.sections[0]
    assert not section.different_first_page_header_footer
    assert "PAGE" in section.footer._element.xml
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings[:4] == ["一、自查基本情况", "二、自查发现的问题", "三、报送前需更正的事项", "四、按规定重新计算的结果"]
    corrections = word.tables[0]
    assert [c.text for c in corrections.rows[0].cells] == ["序号", "地区", "事项", "涉及资金", "涉及人数", "检查代码"]
    assert corrections.rows[1].cells[1].text == "通辽市"  # the most money at stake first


def test_docx_is_deterministic_under_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1708214400")  # 2024-02-18T00:00:00Z
    context = build(run_check(demo_package()), ReportOptions(date=ISSUED))
    first, second = render_docx(context), render_docx(context)
    assert first == second
    assert docx.Document(io.BytesIO(first)).core_properties.created == dt.datetime(2024, 2, 18, tzinfo=dt.timezone.utc)


def test_signer_merges_command_line_over_manifest():
    manifest = Signer("内财监函〔2024〕3号", "李红", "0471-1234567", ("财政部社会保障司",))
    merged = manifest.merged(Signer(contact="赵刚", cc=("国家医疗保障局",)))
    assert merged == Signer("内财监函〔2024〕3号", "赵刚", "0471-1234567", ("国家医疗保障局",))

