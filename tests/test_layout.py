"""A layout that holds on any data (issue 16): a region's 申报 and 核定 rows never part across a
page, long file names and SHA-256 digests stay inside their cells, the rectification deadline
falls on a working day or says the calendar does not cover its year.

The PDFs are read back with pdfplumber: the position of every character on the page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pdfplumber
import pytest

from auditkit import Effect, Evidence, Finding
from auditkit.cli import demo_package, run_check
from auditkit.package import Input
from auditkit.report import ReportOptions, build, render_pdf
from auditkit.report.document import deadline_words, rectification_deadline

MM = 72 / 25.4


LINE = 28.9  # the body's line pitch, pt (report_templates/gbt9704.css)
FOOT = 35 * MM  # the foot margin of every page after the first


def _note(units: int) -> Finding:
    """An info finding whose paragraph is about ``units`` + 2 lines long: each unit is 28
    characters, one line of the 28-character 版心; the number, region and title take the first
    line, the 依据 the last."""
    f = Finding(condition="示例说明文字，用于推移版面。" * (2 * units), recommendation="无。",
                region="地区甲", subject="shift", effect=Effect(Decimal(0), 0), evidence=Evidence(count=0))
    f.code, f.title, f.severity, f.criteria = "ST005", "地区名称不一致或无法识别", "info", "各表所列地区应一致。"
    return f


def _pages(result, **options) -> list:
    pdf = render_pdf(build(result, ReportOptions(date=dt.date(2024, 2, 18), **options)))
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return [(page.width, page.height, page.extract_words(keep_blank_chars=False), page.chars)
                for page in document.pages]


def _table_pages(pages) -> list[dict]:
    """The assessment table page by page: the top of its header row (None where the page has
    none), the top of its 单位 caption, its 口径 cells (申报 / 核定) top to bottom, the page's height
    and the body text (3号, 16 pt) above the table. Pages without any of it are left out."""
    column = None
    out = []
    for _width, height, words, chars in pages:
        header = next((w for w in words if w["text"] == "口径"), None)
        if header is not None:
            column = (header["x0"] - 2, header["x1"] + 2)
        cells = [w for w in words if column and w["text"] in ("申报", "核定")
                 and column[0] <= w["x0"] and w["x1"] <= column[1]]
        caption = next((w for w in words if w["text"].startswith("单位：")), None)
        if header is None and not cells and caption is None:
            continue
        top = min(w["top"] for w in [header, caption, *cells] if w is not None)
        out.append({"header": header and header["top"], "caption": caption and caption["top"],
                    "kinds": [w["text"] for w in sorted(cells, key=lambda w: w["top"])], "height": height,
                    "text_above": any(c["size"] > 14 and c["bottom"] <= top for c in chars)})
    return out


def _assert_pairs_whole(pages, rows: int) -> list[dict]:
    """Every page of the table: its header row, then whole pairs (申报, 核定, 申报, 核定, …); the
    单位 caption and the end of the sentence that introduces the table on its first page."""
    table = _table_pages(pages)
    assert sum(len(page["kinds"]) for page in table) == rows
    for page in table:
        assert page["kinds"] and page["kinds"] == ["申报", "核定"] * (len(page["kinds"]) // 2), page
        assert page["header"] is not None, page  # the header row repeated above the rows
    first = table[0]
    assert first["caption"] is not None and first["caption"] < first["header"], first
    assert first["text_above"], first  # "……如下表" does not stay behind on the page before
    return table


@pytest.fixture(scope="module")
def shifted_reviews():
    """The demo's review (the first), then the demo pushed down line by line, by a note in front
    of the table, over the lines where its first pair and its header row reach the foot of the
    page. Where that is is measured on the demo itself, so a changed demo still gets there: the
    header stands ``free`` lines above the foot; a note of ``units`` shifts it about units + 2
    lines, so from units = free - 5 the header starts about three lines above the foot. The
    shifts go on until the table, having crossed the page, goes whole to the next one, and one
    line more (the header row itself at the foot); the test checks what they showed."""
    demo = run_check(demo_package())
    first = _pages(demo)
    start = _table_pages(first)[0]
    free = round((start["height"] - FOOT - start["header"]) / LINE)
    rows = 2 * (len(demo.assessment) + 1)  # the regions and the 合计, 申报 and 核定 each
    reviews = [first]
    crossed = moved = False
    for units in range(max(free - 5, 0), free + 3):
        result = run_check(demo_package())
        result.findings.append(_note(units))
        reviews.append(_pages(result))
        if moved:
            break
        on_first_page = len(_table_pages(reviews[-1])[0]["kinds"])
        crossed |= on_first_page < rows
        moved = crossed and on_first_page == rows
    return rows // 2, reviews


def test_demo_declared_and_verified_rows_stay_on_one_page(shifted_reviews):
    """The demo's own review: 呼伦贝尔市's pair used to part across pages 5 and 6. Its 12 regions
    and the 合计 give 26 rows; the table crosses a page."""
    lines, reviews = shifted_reviews
    assert lines == 13
    assert len(_assert_pairs_whole(reviews[0], 2 * 13)) > 1


def test_declared_and_verified_rows_stay_on_one_page_wherever_the_table_falls(shifted_reviews):
    """Pushed down line by line, the table first crosses the foot of the page after a few pairs,
    then after one, then goes whole to the next page — never a lone 申报 row at the foot, never
    a header row or a 单位 line without rows (WeasyPrint parted the first pair when it met the
    foot while each pair was a row group that avoided breaks). The shifts must see the first pair
    meet the foot: a table crossing the page after one pair, and one shift later whole on the next."""
    lines, reviews = shifted_reviews
    first_page_rows = [len(_assert_pairs_whole(pages, 2 * lines)[0]["kinds"]) for pages in reviews[1:]]
    assert 2 in first_page_rows, first_page_rows
    met_the_foot = [i for i in range(len(first_page_rows) - 1)
                    if first_page_rows[i] < 2 * lines == first_page_rows[i + 1]]
    assert met_the_foot, first_page_rows


def test_long_file_names_and_digests_stay_inside_the_type_area():
    """No character of any page lies outside the 版心 (28 mm from the binding edge, 26 mm from
    the outer one, alternating), with a 120-character file name among the inputs."""
    result = run_check(demo_package())
    long_name = "2023年度城乡居民基本医疗保险补助资金结算分配表（各盟市汇总、含高校学生及多报虚报扣减明细）" * 2 + ".xlsx"
    result.submission.inputs.append(Input("settlement", long_name, "f" * 64))
    pages = _pages(result)
    for number, (width, _height, _words, chars) in enumerate(pages, start=1):
        left, right = (28, 26) if number % 2 else (26, 28)
        for char in chars:
            assert char["x0"] >= left * MM - 1 and char["x1"] <= width - right * MM + 1, (number, char["text"])
    text = "".join(c["text"] for page in pages for c in page[3])
    assert "f" * 20 in text  # the digest is printed (wrapped)


def test_deadline_moves_off_a_sunday():
    """2024-03-01 + 30 days (from the next day) is 2024-03-31, a Sunday: it moves to Monday 2024-04-01."""
    result = run_check(demo_package())
    deadline = rectification_deadline(dt.date(2024, 3, 1), 30, result.rulebook)
    assert (deadline.nominal, deadline.due) == (dt.date(2024, 3, 31), dt.date(2024, 4, 1))
    assert build(result, ReportOptions(date=dt.date(2024, 3, 1)))["deadline"] == "2024年4月1日"


def test_deadline_in_a_year_the_calendar_does_not_cover_says_so():
    """chinese_calendar covers to 2026: 2030-03-01 + 30 is 2030-03-31, printed with the caveat."""
    result = run_check(demo_package())
    context = build(result, ReportOptions(date=dt.date(2030, 3, 1)))
    assert context["deadline"] == "2030年3月31日"
    assert context["deadline_note"] == (
        "（所用节假日数据尚未收录2030年的法定节假日安排，该日如为节假日，顺延至其后第一个工作日）")
    words, note = deadline_words(rectification_deadline(dt.date(2030, 3, 1), 30, result.rulebook))
    assert (words, note) == (context["deadline"], context["deadline_note"])


def test_deadline_without_the_rulebook_period_settings_still_moves():
    """A rulebook without deadline.* settings gets the law's: 2024-03-01 gives 2024-04-01 too."""
    result = run_check(demo_package())
    rules = result.rulebook
    bare = dataclasses.replace(rules, params={k: v for k, v in rules.params.items() if not k.startswith("deadline.")})
    assert not bare.has("deadline.roll_to_working_day")
    assert rectification_deadline(dt.date(2024, 3, 1), 30, bare).due == dt.date(2024, 4, 1)
