"""The review document (审核意见) and the self-check report (自查报告), read back as text.

One PDF is rendered for the whole module (each render costs about a second): the demo package's
review, dated 2026-03-16 (the demo's own date), with rectification tracking against ``fixtures/report-previous`` and one
added enrollment finding whose evidence holds a full ID number, to prove the masking. The
self-check report is read as HTML, which is the same template without WeasyPrint.

Figures of the demo (``fixtures/demo-nmg-2025/settlement.csv``), worked by hand:
- 通辽市 declared 应补助资金 1,288,286,184.00 元 with the stale standard 670 (2024's); with 2025's
  700 it is 2,403,519 × 700 × 80% = 1,345,970,640.00 元; the difference 57,684,456.00 元.
- Its verified settlement: 1,345,970,640.00 − 1,343,536,080.00 (preallocated) = 2,434,560.00 元.
- 乌海市 settles −4,325,376.00 元 without 扣回 in its note (ST003: a note, no money at stake).
- 赤峰市 declared 3,558,048.00 where 1,855,209,440.00 − 1,851,751,392.00 = 3,458,048.00: 100,000.00 元.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from auditkit import Effect, Evidence, Finding
from auditkit.cli import demo_package, run_check
from auditkit.report import ReportOptions, build, load_previous, render_html, render_pdf, track
from auditkit.report.document import chinese_date, chinese_number
from auditkit.report.render import font_faces_css

ROOT = Path(__file__).resolve().parent.parent
PREVIOUS = ROOT / "fixtures" / "report-previous" / "previous.json"
FULL_ID = "150102199001011234"
MASKED_ID = "150102********1234"
ISSUED = dt.date(2026, 3, 16)


def _demo_with_id_finding():
    result = run_check(demo_package())
    extra = Finding(
        condition=f"包头市参保人员名册中身份证号{FULL_ID}重复登记2次。",
        recommendation="核减重复登记的参保人数。",
        region="包头市", subject="person", effect=Effect(Decimal("512.00"), 1),
        evidence=Evidence(count=2, where="roster.csv 第3行、第9行",
                          rows=[{"身份证号": FULL_ID, "参保日期": "2023-01-05"},
                                {"身份证号": FULL_ID, "参保日期": "2023-03-01"}]),
    )
    # what the runner fills from a check's registration
    extra.code, extra.title, extra.severity = "EN003", "同一人员在同一地区重复参保", "error"
    extra.criteria = "同一人员在同一统筹地区同一险种只能参保一次。（内财社〔2025〕357号 第十七条）"
    result.findings.append(extra)
    return result


@pytest.fixture(scope="module")
def review(tmp_path_factory):
    import os

    result = _demo_with_id_finding()
    tracking = track(result.findings, load_previous(PREVIOUS), PREVIOUS.name)
    context = build(result, ReportOptions(mode="review", date=ISSUED, tracking=tracking))
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "1708214400"  # 2024-02-18T00:00:00Z
    try:
        pdf = render_pdf(context)
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    reader = PdfReader(io.BytesIO(pdf))
    pages = [page.extract_text() for page in reader.pages]
    return {"reader": reader, "pages": pages, "text": "\n".join(pages), "flat": re.sub(r"\s+", "", "".join(pages))}


def test_review_has_the_sections_in_order(review):
    """The 审核意见's structure (issue 6): 版头, title, 主送, 一 … 四, the annexes, the signature."""
    flat = review["flat"]
    order = ["财政部内蒙古监管局", "关于2025年度城乡居民基本医疗保险补助资金结算的审核意见", "内蒙古自治区财政厅：",
             "一、基本情况", "二、审核发现的问题", "（一）结算资金计算方面", "三、审核意见（核定结果）",
             "四、整改要求", "附件：1.问题证据明细", "2026年3月16日", "附件1", "问题证据明细", "附件2", "审核依据及数据来源"]
    at = 0
    for word in order:  # each after the one before ("附件1" also appears in a citation earlier)
        found = flat.find(word, at)
        assert found >= 0, f"{word} not found after position {at}"
        at = found + len(word)
    assert flat.find("三、审核意见") < flat.find("四、整改要求") < flat.find("附件：1.")


def test_review_states_the_figures(review):
    """A finding's condition quotes money in the unit the region filed in (the demo's tables are
    in 元: auditkit.findings.differs, issue 15); the report's own sums in 万元 with two decimals;
    the assessment table in 元 to the fen (see the module docstring for the arithmetic)."""
    flat = review["flat"]
    assert "少57,684,456.00元" in flat  # 通辽市, ST002
    # 乌海市, ST003: the figure is quoted, but a missing note puts no money at stake (auditkit.stake)
    assert "乌海市此次结算补助资金为-4,325,376.00元（负数），备注未标明扣回。依据" in flat
    assert "涉及资金4,325,376.00元" not in flat
    assert "多100,000.00元" in flat  # 赤峰市, ST001
    assert "1,345,970,640.00" in flat and "2,434,560.00" in flat  # 通辽市's verified figures
    # 一、基本情况: the declared totals; settlement.csv's own 合计 row says 9,140,345,784.00 元
    # entitled, 9,205,879,392.00 preallocated and −65,500,808.00 settlement (in 元, the filer's unit)
    assert ("申报应补助资金合计9,140,345,784.00元，已预拨资金9,205,879,392.00元，"
            "此次结算补助资金合计-65,500,808.00元") in flat  # in the filer's unit, 元 (issue 17)


def test_review_gives_the_rectification_deadline(review):
    """30 days (nmg.toml report.rectification_days) from 2026-03-16, counted from the next day,
    end on 2026-04-15, a Wednesday and a working day."""
    assert "请你厅于2026年4月15日前按以下要求完成整改" in review["flat"]


def test_review_masks_id_numbers(review):
    assert FULL_ID not in review["flat"]
    assert MASKED_ID in review["flat"]


def test_review_tracks_rectification(review):
    """fixtures/report-previous: 通辽市 ST002 and 兴安盟 AR001 are 仍未整改; 包头市 ST001 is gone,
    so 已整改; every other finding (among them the added EN003) is 新发现."""
    flat = review["flat"]
    assert "通辽市应补助资金与补助标准不符。（仍未整改）" in flat
    assert "包头市同一人员在同一地区重复参保。（新发现）" in flat
    assert "1.包头市结算补助资金计算错误（已整改）" in flat
    assert re.search(r"仍未整改2项，已整改1项", flat)


def test_review_provenance_lists_input_hashes(review):
    """The SHA-256 of settlement.csv, computed here independently of the loader."""
    digest = hashlib.sha256((demo_package() / "settlement.csv").read_bytes()).hexdigest()
    assert digest in review["flat"]
    assert "nmg2025.1" in review["flat"] and "auditkit版本：0.1.0" in review["flat"]


def test_review_pages_are_a4_numbered_and_fonts_embedded(review):
    """信函格式 (GB/T 9704-2012 10.1): page 1 carries no page number, the others "— n —"."""
    reader = review["reader"]
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
        if number == 1:
            assert not re.search(r"—\s*\d+\s*—", review["pages"][0])
        else:
            assert f"— {number} —" in review["pages"][number - 1]
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for ref in fonts.values():
        descendant = ref.get_object()["/DescendantFonts"][0].get_object()
        assert "/FontFile2" in descendant["/FontDescriptor"] or "/FontFile3" in descendant["/FontDescriptor"]


def test_review_body_is_set_on_a_22_by_28_grid(review):
    """GB/T 9704: 22 lines a page, 28 characters a line. The pages between the first (版头 and
    title) and the one where 三、 starts (the assessment table) are body text only: at most 22
    lines and the page number (a page ends a line or two early rather than leave a heading or a
    lone line behind), and full ones have 22. A line of Chinese alone (no half-width digits)
    holds 28 characters when full."""
    pages = review["pages"]
    last = next(i for i, text in enumerate(pages) if "三、审核意见" in text)
    body = [text.split("\n") for text in pages[1:last]]
    assert body, "the demo review should have whole pages of body text"
    assert max(len(lines) for lines in body) == 23  # 22 lines of text and the page number
    chinese = [line for lines in body for line in lines if not re.search(r"[ -~]", line)]
    assert max(len(line) for line in chinese) == 28


def test_review_metadata_follow_source_date_epoch(review):
    """SOURCE_DATE_EPOCH 1708214400 is 2024-02-18 00:00:00 UTC."""
    info = review["reader"].metadata
    assert info["/CreationDate"].startswith("D:20240218000000")
    assert info["/Title"] == "关于2025年度城乡居民基本医疗保险补助资金结算的审核意见"


def test_self_check_orders_by_money_at_stake():
    """Self-check report (HTML): problems ordered by money at stake — 通辽市 57,684,456.00 (ST002),
    赤峰市 39,754,400.00 (IC002), 兴安盟 3,495,256.80 (AR002) and 2,621,442.60 (AR001), 赤峰市
    100,000.00 (ST001), 鄂尔多斯市 33,600.00 (FE001); 乌海市's ST003 after them: a missing note puts
    no money at stake (auditkit.stake). Amounts in the filer's unit, 元."""
    result = run_check(demo_package())
    html = render_html(build(result, ReportOptions(mode="self-check", date=ISSUED)))
    text = re.sub(r"<[^>]+>|\s+", "", html.split("</style>", 1)[1])
    assert "内蒙古自治区财政厅2025年度城乡居民基本医疗保险补助资金结算自查报告" in text
    assert "三、报送前需更正的事项" in text
    body = text[text.find("二、自查发现的问题"):text.find("三、报送前需更正的事项")]
    order = ["通辽市应补助资金与补助标准不符（涉及资金57,684,456.00元）",
             "赤峰市个人缴费收入与缴费人数和缴费标准不符（涉及资金39,754,400.00元）",
             "兴安盟不到位扣减资金计算错误（涉及资金3,495,256.80元）", "兴安盟地方财政补助资金未足额到位（涉及资金2,621,442.60元）",
             "赤峰市结算补助资金计算错误（涉及资金100,000.00元）", "鄂尔多斯市多报虚报扣减资金计算错误（涉及资金33,600.00元）",
             "乌海市结算资金为负数未标明扣回。"]
    positions = [body.find(words) for words in order]
    assert -1 not in positions, dict(zip(order, positions))
    assert positions == sorted(positions)
    assert "更正要求：" in body
    assert "财政部内蒙古监管局" not in text.split("附件1")[0]  # no 版头: it is the prefecture's own report


def test_html_reveals_ids_only_when_asked():
    result = _demo_with_id_finding()
    masked = render_html(build(result, ReportOptions(date=ISSUED)))
    revealed = render_html(build(result, ReportOptions(date=ISSUED, reveal_ids=True)))
    assert FULL_ID not in masked and MASKED_ID in masked
    assert FULL_ID in revealed


def test_chinese_numbers_and_dates():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 35)] == ["一", "九", "十", "十一", "二十", "三十五"]
    assert chinese_date(dt.date(2024, 2, 18)) == "2024年2月18日"


def test_rectification_deadline_moves_to_a_working_day():
    """RULES.md's own example: a 30-day period from Sept 1, 2023 ends Oct 1, 2023, in the National
    Day holiday, and moves to Oct 7, 2023 (a make-up working day). 30 days is nmg.toml's
    report.rectification_days."""
    result = run_check(demo_package())
    assert build(result, ReportOptions(date=dt.date(2023, 9, 1)))["deadline"] == "2023年10月7日"


def test_font_dir_face_is_used_and_embedded(tmp_path):
    """An office's own 仿宋_GB2312 in --font-dir is found by the CSS's first body face and
    embedded. Stand-in: the Debian 楷 font renamed 仿宋_GB2312 (the real one is not free). The
    self-check report is rendered as PDF here, the only other PDF of this module."""
    from fontTools.ttLib import TTFont

    source = Path("/usr/share/fonts/truetype/arphic-gkai00mp/gkai00mp.ttf")
    if not source.exists():
        pytest.skip("the Debian 楷 font (make fonts) is not installed")
    font = TTFont(str(source))
    for record in font["name"].names:
        if record.nameID in (1, 4, 16):
            record.string = "仿宋_GB2312"
        elif record.nameID == 6:
            record.string = "FangSong_GB2312"
    font.save(str(tmp_path / "fangsong.ttf"))
    assert 'font-family: "仿宋_GB2312"' in font_faces_css([tmp_path])

    result = run_check(demo_package())
    pdf = render_pdf(build(result, ReportOptions(mode="self-check", date=ISSUED)), [tmp_path])
    reader = PdfReader(io.BytesIO(pdf))
    names = {str(ref.get_object()["/BaseFont"]) for ref in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any(name.endswith("仿宋_GB2312") for name in names), names
    assert "自查报告" in re.sub(r"\s+", "", reader.pages[0].extract_text())


def test_title_breaks_at_a_word_into_balanced_lines():
    """22 pt characters: 20 to a line of the 版心. The demo's title (27 units: 23 characters and four
    half-width digits) breaks after 保险 (16 units), near its middle, not after 20 characters."""
    from auditkit.report.document import title_lines

    assert title_lines("关于2025年度城乡居民基本医疗保险补助资金结算的审核意见") == [
        "关于2025年度城乡居民基本医疗保险", "补助资金结算的审核意见"]
    assert title_lines("关于2023年度审核意见") == ["关于2023年度审核意见"]


def test_medical_assistance_assessment_is_per_region_and_fund():
    """fixtures/assistance-ok: the 城乡医疗救助 rows declare 3,330,000.00 + 4,720,000.00 +
    1,950,000.00 = 10,000,000.00 元, shown as that fund's total beside the recomputed one."""
    result = run_check(ROOT / "fixtures" / "assistance-ok")
    html = render_html(build(result, ReportOptions(date=ISSUED)))
    text = re.sub(r"<[^>]+>|\s+", "", html.split("</style>", 1)[1])
    assert "关于2024年度医疗救助补助资金分配的审核意见" in text
    assert "呼和浩特市（城乡医疗救助）申报3,330,000.00" in text
    assert "城乡医疗救助合计申报10,000,000.00" in text
