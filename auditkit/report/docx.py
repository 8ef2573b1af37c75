"""The review document and the self-check report as an editable Word document (``.docx``).

The Word document is the same document as the PDF: the context of ``auditkit.report.document``
is rendered by the same templates (``report_templates/``) to HTML, and each element of that HTML
becomes its Word counterpart — a heading a Word heading (黑体 一、 as 标题 1, 楷体 （一） as
标题 2, so that the navigation pane lists them), a paragraph a paragraph, a table a Word table
with its header row repeated on every page, a blank to fill in an underlined run. So a change of
wording in a template reaches the PDF and the Word document alike, and neither can hold a figure
the other lacks.

Layout, GB/T 9704-2012: A4; 版心 156 × 225 mm (天头 37 mm, 订口 28 mm, mirrored margins so the
binding side alternates); body 3号 (16 pt) 仿宋_GB2312 on a character grid of 22 lines × 28
characters; title 2号 (22 pt) 方正小标宋简体; page numbers 4号 "— 1 —" on the outer side (odd
pages right, even pages left). The review is laid out in the 信函格式 (10.1; docs/decisions.md,
issue 16): the 发文机关标志 and the red double rule in page 1's own header 30 mm from the top, the
lower double rule in page 1's own footer 20 mm above the foot, no page number on page 1, and the
版记 (抄送) at the foot of the last page.

Errors: none of its own; a template that renders is a document that converts.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from auditkit.report.document import _units

# Faces, as an office with the official fonts has them (Word substitutes on a machine without).
FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONG = "宋体"
RED = "E60012"

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
LINE_PITCH_PT = 28.95  # 225 mm / 22 lines
CHAR_PITCH_PT = 442.2 / 28  # 156 mm / 28 characters
TABLE_PT = 8.5
NOTE_PT = 12

# Column widths of each table class, in per cent of the 版心 (as report_templates/gbt9704.css).
TABLE_WIDTHS = {
    "assessment": (12, 6, 11, 17.75, 17.75, 17.75, 17.75),
    "corrections": (7, 14, 37, 18, 11, 13),
    "provenance": (15, 22, 63),
}
_SPACE = re.compile(r"[ \t\r\n\f]+")  # what HTML collapses (not U+3000, a blank's width)


def render_docx(context: dict[str, Any]) -> bytes:
    """The document of ``context`` (``auditkit.report.build``) as the bytes of a .docx file;
    the same content as ``render_pdf``. Deterministic under ``SOURCE_DATE_EPOCH``."""
    import docx
    from lxml import html as lxml_html

    from auditkit.report.render import created_timestamp, render_html

    markup = render_html(context)
    tree = lxml_html.fromstring(markup.encode("utf-8"))
    document = docx.Document()
    created = dt.datetime.strptime(created_timestamp(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc)
    _properties(document, context, created)
    _styles(document)
    letter = "letter" in (tree.body.get("class") or "").split()
    _page_setup(document, letter)
    writer = _Writer(document)
    body = document.element.body
    for paragraph in list(body):  # the template's empty first paragraph
        if paragraph.tag.endswith("}p"):
            body.remove(paragraph)
    for element in tree.body:
        writer.block(element)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_dates(buffer.getvalue(), created)


# The order WordprocessingML requires of a paragraph's and a run's properties (Word refuses a
# document whose children are out of order; python-docx keeps it for what it writes itself).
_PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
              "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
              "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
              "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
              "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
              "sectPr", "pPrChange")
_RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
              "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
              "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
              "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath")


def _place(parent, tag: str, attributes: dict[str, str] | None = None):
    """Put a ``w:tag`` child (replacing one already there) where the schema's order wants it."""
    from docx.oxml.ns import qn

    order = _PPR_ORDER if parent.tag == qn("w:pPr") else _RPR_ORDER
    for old in parent.findall(qn(f"w:{tag}")):
        parent.remove(old)
    child = parent.makeelement(qn(f"w:{tag}"), {qn(k): v for k, v in (attributes or {}).items()})
    later = set(order[order.index(tag) + 1:])
    for index, sibling in enumerate(parent):
        if isinstance(sibling.tag, str) and sibling.tag.split("}")[-1] in later:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


# -- document-wide settings --------------------------------------------------------------------

def _properties(document, context: dict[str, Any], created: dt.datetime) -> None:
    props = document.core_properties
    props.title = context["title"]
    props.author = context.get("reviewer") or context.get("submitter") or ""
    props.last_modified_by = props.author
    props.comments = f"auditkit {context['provenance']['auditkit']}"
    props.created = props.modified = created.replace(tzinfo=None)
    props.revision = 1


def _fonts(rpr_owner, face: str, scripts: tuple[str, ...] = ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs")) -> None:
    """One face for every script of a run or style (Word otherwise keeps a Latin face for digits),
    or for the ``scripts`` named."""
    from docx.oxml.ns import qn

    rpr = rpr_owner.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = _place(rpr, "rFonts")
    for attribute in scripts:
        fonts.set(qn(attribute), face)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)


def _style(document, name: str, face: str, size: float, base: str | None = None, color: str = "000000"):
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = document.styles
    style = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if base:
        style.base_style = styles[base]
    style.font.size = Pt(size)
    style.font.bold = False
    style.font.italic = False
    style.font.color.rgb = RGBColor.from_string(color)
    _fonts(style.element, face)
    return style


def _styles(document) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = _style(document, "Normal", FANGSONG, BODY_PT)
    _condensed(normal.element, BODY_PT - CHAR_PITCH_PT)
    layout = normal.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(LINE_PITCH_PT)
    layout.space_before = layout.space_after = Pt(0)
    layout.first_line_indent = Pt(2 * BODY_PT)
    layout.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    layout.widow_control = True
    for name, face in (("Heading 1", HEITI), ("Heading 2", KAITI), ("Heading 3", FANGSONG)):
        heading = _style(document, name, face, BODY_PT, base="Normal")
        heading.paragraph_format.keep_with_next = True
        heading.paragraph_format.space_before = heading.paragraph_format.space_after = Pt(0)
        heading.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    title = _style(document, "Title", XIAOBIAOSONG, TITLE_PT, base="Normal")
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.line_spacing = Pt(34)
    title.paragraph_format.keep_with_next = True
    _no_title_border(title)
    _condensed(title.element, 0)
    table_text = _style(document, "表格文字", FANGSONG, TABLE_PT, base="Normal")
    # figures in Times New Roman (half a character wide, in Word and, metric-equal, in WPS and
    # LibreOffice): a 元 figure to the fen fits its column
    fonts = table_text.element.get_or_add_rPr().find(qn("w:rFonts"))
    for attribute in ("w:ascii", "w:hAnsi"):
        fonts.set(qn(attribute), "Times New Roman")
    table_text.paragraph_format.first_line_indent = Pt(0)
    table_text.paragraph_format.line_spacing = Pt(12)
    table_text.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _no_grid(table_text.element)
    _condensed(table_text.element, 0)
    note = _style(document, "附件说明文字", FANGSONG, NOTE_PT, base="Normal")
    note.paragraph_format.line_spacing = Pt(20)
    note.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
    _no_grid(note.element)
    _condensed(note.element, 0)


def _condensed(owner, points: float) -> None:
    """Characters set ``points`` closer (Word's 字符间距 紧缩), in whole twentieths of a point,
    rounded up so that 28 characters fit the 156 mm line."""
    import math

    _place(owner.get_or_add_rPr(), "spacing", {"w:val": str(-math.ceil(points * 20))})


def _no_title_border(style) -> None:
    """The default template's 标题 style has a blue rule under it; a 公文 title has none."""
    from docx.oxml.ns import qn

    ppr = style.element.find(qn("w:pPr"))
    if ppr is not None:
        for border in ppr.findall(qn("w:pBdr")):
            ppr.remove(border)
    rpr = style.element.find(qn("w:rPr"))
    if rpr is not None:
        for name in ("w:spacing", "w:kern"):
            for element in rpr.findall(qn(name)):
                rpr.remove(element)


def _no_grid(owner) -> None:
    """Small type (tables, annex notes) keeps its own pitch instead of the body's grid."""
    _place(owner.get_or_add_pPr(), "snapToGrid", {"w:val": "0"})


def _page_setup(document, letter: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)  # inside and outside: mirrored
    section.header_distance = Mm(30) if letter else Mm(15)
    # the page number's line (4号, about 5 mm) starts 7 mm under the 版心
    section.footer_distance = Mm(35 - 7 - 5.5)
    settings = document.settings.element
    earlier = {qn(f"w:{tag}") for tag in (
        "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
        "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
        "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
        "saveSubsetFonts", "saveFormsData")}
    place = max((i + 1 for i, child in enumerate(settings) if child.tag in earlier), default=0)
    settings.insert(place, settings.makeelement(qn("w:mirrorMargins"), {}))
    document.settings.odd_and_even_pages_header_footer = True
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = section._sectPr.makeelement(qn("w:docGrid"), {})
        section._sectPr.append(grid)
    # a line grid only: a character grid narrower than the 16 pt face (15.79 pt) makes LibreOffice
    # and WPS give each character two cells; the body's condensed spacing sets the 28 instead
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    grid.attrib.pop(qn("w:charSpace"), None)

    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    if not letter:
        return
    section.different_first_page_header_footer = True
    header = section.first_page_header
    mark = header.paragraphs[0]
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    mark.paragraph_format.first_line_indent = Pt(0)
    mark.paragraph_format.line_spacing = Pt(34)
    mark.paragraph_format.space_after = Mm(4)
    header.paragraphs[0].style = document.styles["Normal"]
    _no_grid(mark._p)
    # the mark is filled in by the writer (it is the template's masthead); the rules are layout
    _double_rule(header.add_paragraph(), thick_first=True)
    footer = section.first_page_footer
    footer.paragraphs[0].style = document.styles["Normal"]
    _double_rule(footer.paragraphs[0], thick_first=False)


def _page_number(paragraph, alignment) -> None:
    """'— 1 —' in 4号 宋体, one character in from the outer edge of the 版心."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph.alignment = alignment
    layout = paragraph.paragraph_format
    layout.first_line_indent = Pt(0)
    layout.line_spacing = Pt(PAGE_NUMBER_PT * 1.2)
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        layout.right_indent = Pt(PAGE_NUMBER_PT)
    else:
        layout.left_indent = Pt(PAGE_NUMBER_PT)
    _no_grid(paragraph._p)
    _text_run(paragraph, "— ", SONG, PAGE_NUMBER_PT)
    _field(paragraph, "PAGE", "1", SONG, PAGE_NUMBER_PT)
    _text_run(paragraph, " —", SONG, PAGE_NUMBER_PT)


def _field(paragraph, instruction: str, shown: str, face: str, size: float) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), ("instr", instruction), ("separate", None), ("shown", shown), ("end", None)):
        run = _text_run(paragraph, "", face, size)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
            run._r.append(element)
        elif kind == "shown":
            run.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
            run._r.append(element)


def _double_rule(paragraph, thick_first: bool) -> None:
    """A red double rule 170 mm long, centred on page 1 (a right-hand page, 版心 28–182 mm): a
    one-point empty paragraph with a thick top and thin bottom border, or the other way round."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    layout = paragraph.paragraph_format
    layout.first_line_indent = Pt(0)
    layout.left_indent, layout.right_indent = Mm(-8), Mm(-8)
    layout.line_spacing = Pt(1)
    layout.space_before = layout.space_after = Pt(0)
    _no_grid(paragraph._p)
    borders = _place(paragraph._p.get_or_add_pPr(), "pBdr")
    for side, eighths in (("top", 16 if thick_first else 6), ("bottom", 6 if thick_first else 16)):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), str(eighths))
        line.set(qn("w:space"), "0")
        line.set(qn("w:color"), RED)
        borders.append(line)
    run = paragraph.add_run("")
    run.font.size = Pt(1)


def _text_run(paragraph, text: str, face: str | None = None, size: float | None = None, **style):
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    if face:
        _fonts(run._r, face, ("w:eastAsia",) if style.get("east_asian_only") else
               ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"))
    if size:
        run.font.size = Pt(size)
    if style.get("underline"):
        run.font.underline = True
    if style.get("color"):
        run.font.color.rgb = RGBColor.from_string(style["color"])
    if style.get("bold"):
        run.font.bold = True
    return run


def _fixed_dates(data: bytes, moment: dt.datetime) -> bytes:
    """The same zip with every member dated ``moment``: the same inputs give the same bytes."""
    stamp = max(moment, dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)).timetuple()[:6]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


# -- the content ---------------------------------------------------------------------------------

def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


class _Writer:
    """Walks the rendered HTML's body and writes each element as its Word counterpart."""

    def __init__(self, document) -> None:
        self.document = document
        # style ids looked up once (python-docx resolves a style name by walking every style)
        self.style_ids = {name: document.styles[name].style_id
                          for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title", "表格文字", "附件说明文字")}
        self.page_break_next = False
        self.keep = False  # inside the closing block: keep its paragraphs on one page

    # blocks

    def block(self, element) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        classes = _classes(element)
        if tag == "div" and "masthead" in classes:
            self._masthead(element)
        elif tag == "div" and "double-rule" in classes:
            return  # drawn in page 1's header
        elif tag == "div" and "signature" in classes:
            self._signature(element)
        elif tag == "div" and "record" in classes:
            self._record(element)
        elif tag == "div" and "closing" in classes:
            self.keep = True
            for child in element:
                self.block(child)
            self.keep = False
        elif tag in ("div", "section"):
            if "annex" in classes:
                self.page_break_next = True
            for child in element:
                self.block(child)
        elif tag == "h1":
            self._title(element)
        elif tag in ("h2", "h3", "h4"):
            self._paragraph(element, style={"h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}[tag])
        elif tag == "p":
            self._p(element, classes)
        elif tag == "table":
            self._table(element, classes)

    def _new_paragraph(self, style: str = "Normal"):
        paragraph = self.document.add_paragraph()
        if style != "Normal":
            paragraph._p.style = self.style_ids[style]
        if self.page_break_next:
            paragraph.paragraph_format.page_break_before = True
            self.page_break_next = False
        if self.keep:
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.keep_together = True
        return paragraph

    def _paragraph(self, element, style: str = "Normal", size: float | None = None, face: str | None = None):
        paragraph = self._new_paragraph(style)
        self.inline(paragraph, element, face=face, size=size, first=True)
        _strip_ends(paragraph)
        return paragraph

    def _p(self, element, classes: set[str]) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        if "doc-number" in classes:
            paragraph = self._paragraph(element)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            layout = paragraph.paragraph_format
            layout.first_line_indent = Pt(0)
            layout.space_before = Pt(14)  # 7/8 of a 3号 character under the rule
            layout.space_after = Pt(2 * LINE_PITCH_PT)  # the title two lines below
        elif "example" in classes:
            paragraph = self._paragraph(element, face=KAITI)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.first_line_indent = Pt(0)
            paragraph.paragraph_format.space_after = Pt(LINE_PITCH_PT)
        elif "annex-label" in classes:
            paragraph = self._paragraph(element, face=HEITI)
            paragraph.paragraph_format.first_line_indent = Pt(0)
        elif classes & {"evidence", "note"}:
            paragraph = self._paragraph(element, style="附件说明文字")
            paragraph.paragraph_format.first_line_indent = Pt(0 if "evidence" in classes else 2 * NOTE_PT)
            if "evidence" in classes:
                paragraph.paragraph_format.space_before = Pt(8)
        elif "annex-list" in classes:
            paragraph = self._paragraph(element)
            if element.find(".//span[@class='more']") is not None:
                # the second 附件 name under the first's number: 2 characters in, then 附件：
                paragraph.paragraph_format.first_line_indent = Pt(0)
                paragraph.paragraph_format.left_indent = Pt(5 * BODY_PT)
            else:
                paragraph.paragraph_format.space_before = Pt(LINE_PITCH_PT)
        elif classes & {"addressee", "flush"}:
            paragraph = self._paragraph(element)
            paragraph.paragraph_format.first_line_indent = Pt(0)
        elif "annotation" in classes:
            paragraph = self._paragraph(element)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        else:
            self._paragraph(element)

    def _masthead(self, element) -> None:
        """The 发文机关标志 goes into page 1's own header, above the rule drawn there."""
        section = self.document.sections[0]
        paragraph = section.first_page_header.paragraphs[0]
        _text_run(paragraph, _text(element), XIAOBIAOSONG, 30, color=RED)

    def _title(self, element) -> None:
        from docx.shared import Pt

        paragraph = self._new_paragraph("Title")
        self.inline(paragraph, element, first=True)
        _strip_ends(paragraph)
        if self.page_break_next is False and "annex" in _classes(element.getparent()):
            paragraph.paragraph_format.space_before = Pt(LINE_PITCH_PT)
        paragraph.paragraph_format.space_after = Pt(LINE_PITCH_PT)

    def _signature(self, element) -> None:
        """署名 and 成文日期 (GB/T 9704 7.3.5.2): the wider of the two ends two characters in from
        the right; the other starts two characters right of its first character."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Pt

        lines = [(_text(p), "shifted" in _classes(p)) for p in element.iter("p")]
        width = max(_units(text) + (2 if shifted else 0) for text, shifted in lines)
        for number, (text, shifted) in enumerate(lines):
            paragraph = self._new_paragraph()
            if number == 0:
                paragraph.paragraph_format.space_before = Pt(LINE_PITCH_PT)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.first_line_indent = Pt(0)
            room = width - _units(text) - (2 if shifted else 0)
            paragraph.paragraph_format.right_indent = Pt((2 + room) * BODY_PT)
            paragraph.add_run(text)

    def _record(self, element) -> None:
        """抄送 in 4号, at the foot of the last page's 版心 (a frame anchored to the margin's
        bottom), one character in from each side, a second line under the first name."""
        from docx.shared import Mm, Pt

        for p in element.iter("p"):
            paragraph = self._new_paragraph()
            layout = paragraph.paragraph_format
            layout.first_line_indent = Pt(-3 * PAGE_NUMBER_PT)
            layout.left_indent = Pt(4 * PAGE_NUMBER_PT)
            layout.right_indent = Pt(PAGE_NUMBER_PT)
            layout.line_spacing = Pt(22)
            layout.keep_together = True
            self.inline(paragraph, p, size=PAGE_NUMBER_PT, first=True)
            _strip_ends(paragraph)
            _place(paragraph._p.get_or_add_pPr(), "framePr", {
                "w:w": str(round(Mm(156).pt * 20)), "w:wrap": "around", "w:vAnchor": "margin",
                "w:hAnchor": "margin", "w:yAlign": "bottom", "w:x": "1"})

    # inline text

    def inline(self, paragraph, element, face: str | None = None, size: float | None = None,
               underline: bool = False, first: bool = False, east_asian_only: bool = False) -> None:
        """The element's text and children as runs, whitespace collapsed as HTML does."""
        if first and element.text is None and len(element) == 0:
            return
        if element.text:
            self._run(paragraph, element.text, face, size, underline, east_asian_only)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            classes = _classes(child)
            if tag == "br":
                paragraph.add_run().add_break()
            elif tag == "span":
                child_face = face
                if classes & {"status"}:
                    child_face = KAITI
                elif classes & {"code"}:
                    child_face = HEITI
                self.inline(paragraph, child, child_face, size, underline or "blank" in classes,
                            east_asian_only=east_asian_only)
            else:
                self.inline(paragraph, child, face, size, underline, east_asian_only=east_asian_only)
            if child.tail:
                self._run(paragraph, child.tail, face, size, underline, east_asian_only)

    def _run(self, paragraph, text: str, face: str | None, size: float | None, underline: bool,
             east_asian_only: bool = False) -> None:
        text = _SPACE.sub(" ", text)
        if not text:
            return
        _text_run(paragraph, text, face, size, underline=underline, east_asian_only=east_asian_only)

    # tables

    def _table(self, element, classes: set[str]) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.oxml.ns import qn
        from docx.shared import Mm, Pt
        from docx.text.paragraph import Paragraph

        lead_in = element.getprevious()
        last = self.document.element.body[-1]
        if last.tag == qn("w:sectPr"):  # python-docx writes before the body's section properties
            last = last.getprevious()
        if lead_in is not None and lead_in.tag == "p" and last is not None and last.tag == qn("w:p"):
            # the sentence that introduces the table ("……如下表：") goes with it, as in the PDF
            Paragraph(last, self.document._body).paragraph_format.keep_with_next = True
        caption = element.find("caption")
        if caption is not None:
            paragraph = self._new_paragraph("表格文字")
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.keep_with_next = True
            self.inline(paragraph, caption, size=10.5, first=True)
            _strip_ends(paragraph)
        header_rows = [row for head in element.findall("thead") for row in head.findall("tr")]
        # a row that keeps with the next: the header's, and each but the last of a pair (a
        # region's 申报 and 核定 rows, one tbody.pair)
        body_rows = [(row, "pair" in _classes(body) and row is not body.findall("tr")[-1])
                     for body in element.findall("tbody") for row in body.findall("tr")]
        rows = [(row, True, True) for row in header_rows] + [(row, False, keep) for row, keep in body_rows]
        if not rows:
            return
        width = max(sum(int(cell.get("colspan", "1")) for cell in row.findall("./*")) for row, _h, _g in rows)
        table = self.document.add_table(rows=len(rows), cols=width)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        shares = TABLE_WIDTHS.get(next((c for c in classes if c in TABLE_WIDTHS), ""), ())
        if len(shares) < width:
            shares = tuple(shares) + (100 / width,) * (width - len(shares))
        total = sum(shares[:width])
        widths = [Mm(156 * share / total) for share in shares[:width]]
        from docx.table import _Cell

        _cell_margins(table, Pt(2))
        # the cells once, by position (python-docx's table.cell() walks the whole table each call)
        grid = [[_Cell(tc, table) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]
        for c in range(width):  # the grid (what LibreOffice and WPS lay out by) and each cell (Word)
            table.columns[c].width = widths[c]
        for cells in grid:
            for c, target in enumerate(cells):
                target.width = widths[c]
        taken: set[tuple[int, int]] = set()
        merges = []
        for r, (row, header, keep) in enumerate(rows):
            word_row = table.rows[r]
            _cant_split(word_row)  # before tblHeader: the order trPr's children must have
            if header:
                _repeat_header(word_row)
            c = 0
            for cell in row.findall("./*"):
                while (r, c) in taken:
                    c += 1
                rowspan, colspan = int(cell.get("rowspan", "1")), int(cell.get("colspan", "1"))
                if rowspan > 1 or colspan > 1:
                    merges.append((r, c, r + rowspan - 1, c + colspan - 1))
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, c + dc))
                self._cell(grid[r][c], cell, header, row)
                c += colspan
            # Word's way of keeping table rows on one page: their paragraphs keep with the next
            for target in grid[r]:
                for paragraph in target.paragraphs:
                    paragraph._p.style = self.style_ids["表格文字"]
                    if keep:
                        paragraph.paragraph_format.keep_with_next = True
        for top, left, bottom, right in merges:
            grid[top][left].merge(grid[bottom][right])
        spacer = self._new_paragraph("表格文字")  # Word joins two tables that touch
        spacer.paragraph_format.line_spacing = Pt(6)

    def _cell(self, target, cell, header: bool, row) -> None:
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        classes = _classes(cell)
        paragraph = target.paragraphs[0]
        if header:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif "num" in classes:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        elif "kind" in classes:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        # 黑体 for a header or the words of a 合计 row; figures keep the table's narrow face
        # (LibreOffice sets digits of a run with a 黑体 eastAsia face wider)
        face = HEITI if header or ("total" in _classes(row) and "num" not in classes) else None
        self.inline(paragraph, cell, face=face, underline="differs" in classes, first=True, east_asian_only=True)
        _strip_ends(paragraph)


def _cell_margins(table, side) -> None:
    """Cells padded ``side`` left and right (Word's default, 0.19 cm, would squeeze a figure)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(round(side.pt * 20)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    look = tbl_pr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        tbl_pr.append(margins)


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _cant_split(row) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def _text(element) -> str:
    return _SPACE.sub(" ", element.text_content()).strip()


def _strip_ends(paragraph) -> None:
    """No space at either end of a paragraph (HTML drops them; Word would print them)."""
    runs = [run for run in paragraph.runs if run.text]
    if runs:
        runs[0].text = runs[0].text.lstrip(" ")
        runs[-1].text = runs[-1].text.rstrip(" ")
