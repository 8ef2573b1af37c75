"""The words and figures of the review as the signing auditor reads them (issue 17), read back
from the PDF (pdfplumber) and the Word document (python-docx) of the same run.

Each test is one item of the issue: problems counted in a 审核意见's words, not a program's
severities; punctuation a 监管局 would not strike out; an unverified source cited by its title in
the body and listed with its status in the annex; each reason for a check not run given once;
the 合计 row's 申报 figures the filer's own; money at stake counted once; figures in the filer's
unit.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from auditkit.cli import demo_package, run_check
from auditkit.output import dumps
from auditkit.report import ReportOptions, build, render_docx, render_pdf

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ISSUED = dt.date(2026, 3, 16)
ITEM_NUMBER = re.compile(r"（[一二三四五六七八九十]+）")


def _pdf_text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


def _docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join("".join(node.text or "" for node in p.iter(qn("w:t")))
                     for p in document.element.body.iter(qn("w:p")))


def _read(package: Path, mode: str = "review") -> dict[str, str]:
    """The PDF's and the DOCX's text of one run, each flattened (no line breaks or spaces)."""
    result = run_check(package)
    context = build(result, ReportOptions(mode=mode, date=ISSUED))
    texts = {"pdf": _pdf_text(render_pdf(context)), "docx": _docx_text(render_docx(context))}
    return {kind: re.sub(r"\s+", "", text) for kind, text in texts.items()}


@pytest.fixture(scope="module")
def demo() -> dict[str, str]:
    return _read(demo_package())


@pytest.fixture(scope="module")
def stale() -> dict[str, str]:
    """st002-broken: a 2023 settlement whose ST002 recommendation cites 2023's standard, whose
    notice (医保发〔2023〕24号) was not located, under a rulebook document (357号) that governs
    settlement years from 2025."""
    return _read(FIXTURES / "st002-broken")


def _body(flat: str) -> str:
    """The letter itself: up to the 附件 list under 整改要求."""
    return flat[:flat.index("附件：1.")]


def _nested(text: str) -> list[str]:
    """Every bracket opened inside another (an item number such as （二） aside)."""
    text = ITEM_NUMBER.sub("", text)
    depth, found = 0, []
    for i, char in enumerate(text):
        if char == "（":
            if depth:
                found.append(text[max(0, i - 20):i + 20])
            depth += 1
        elif char == "）" and depth:
            depth -= 1
    return found


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_problems_are_counted_by_aspect_not_by_severity(demo, kind):
    """The demo's ten problems fall under five aspects: 结算资金计算 4 (ST001, ST002, ST003,
    ST004), 地方财政补助资金到位 2 (AR001, AR002), 多报虚报参保人数扣减 1 (FE001), 资金下达和材料报送时限
    2 (DL002, DL003), 居民个人缴费 1 (IC002); the two info findings (MT001, ST005) are 需要说明的事项.
    No "错误n项、警告n项" anywhere in the letter."""
    body = _body(demo[kind])
    assert ("发现问题10项，其中结算资金计算方面4项、地方财政补助资金到位方面2项、多报虚报参保人数扣减方面1项、"
            "资金下达和材料报送时限方面2项、居民个人缴费方面1项") in body
    assert "另有需要说明的事项2项" in body
    assert not re.search(r"(错误|警告|提示)\d+项", body)
    assert "其他提示事项" not in body


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_no_doubled_punctuation_or_bracket_in_a_bracket(demo, stale, kind):
    """A criterion ends once, after its citation ('…计算（内财社〔2025〕357号第十条）。', not
    '…计算。（…第十条）。'); a deadline named by its date is not restated in brackets
    ('期限为2026年1月15日', not '…（2026年1月15日前）'); no bracket opens inside another."""
    for flat in (demo[kind], stale[kind]):
        body = _body(flat)
        assert not re.search(r"。（(?![一二三四五六七八九十]+）)", body)  # a heading's （二） may follow a full stop
        assert "。。" not in body and "）。）" not in body
        assert not re.search(r"期限为(\d+年\d+月\d+日)（\1前", body)
        assert not re.search(r"（\d+年12月底前", body)
        assert _nested(body) == []
    assert "期限为2026年1月15日，逾期4日" in demo[kind]  # 乌兰察布市's 请示 (DL003)
    assert "资金的请示（内财社〔2025〕357号第十五条）。" in demo[kind]


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_an_unverified_source_is_cited_by_title_and_its_status_is_in_the_annex(stale, kind):
    """st002-broken's ST002 recommendation cites 2023's national standard: in the body by the
    notice's title only; the annex lists it with its number and "出处待核实"."""
    flat = stale[kind]
    body, annex = _body(flat), flat[flat.index("审核依据及数据来源", flat.index("附件2")):]
    assert "2023年国家公布的政府补助标准（《关于做好2023年城乡居民基本医疗保障工作的通知》）" in body
    for note in ("原文未查到", "出处待核实", "公布序列", "医保发〔2023〕24号"):
        assert note not in body
    assert "《关于做好2023年城乡居民基本医疗保障工作的通知》（医保发〔2023〕24号）" in annex
    assert "出处待核实" in annex


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_a_year_outside_a_documents_years_is_noted_in_the_annex(stale, kind):
    """357号 governs settlement years from 2025 (nmg.toml); st002-broken settles 2023: cited, and
    the annex says the year lies outside."""
    flat = stale[kind]
    annex = flat[flat.index("审核依据及数据来源", flat.index("附件2")):]
    assert "本数据包为2023年度，不在该文件适用的2025年度起范围内" in annex


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_each_reason_for_a_check_not_run_is_given_once(demo, kind):
    """The demo has no roster: the eleven EN checks share one reason, printed once, in the
    tables' Chinese names."""
    flat = demo[kind]
    assert flat.count("数据包中没有参保人员名册") == 1
    assert "EN001、EN002、EN003、EN004、EN005、EN006、EN007、EN008、EN009、EN010、EN011：数据包中没有参保人员名册" in flat
    assert "roster" not in flat and "income_code" not in flat


def test_the_total_rows_declared_figures_are_the_filers_own():
    """The demo's settlement.csv gives a 合计 row whose 参保人数 (16,426,404) is 150 above the sum
    of its rows (16,426,254, ST004): the 合计 line's 申报 row prints the filer's 16,426,404, as the
    ST004 finding quotes it; its 核定 row the sum of the verified counts (16,425,054 = 16,426,254
    − 1,200 over-reported by 鄂尔多斯市)."""
    result = run_check(demo_package())
    context = build(result, ReportOptions(date=ISSUED))
    document = docx.Document(io.BytesIO(render_docx(context)))
    table = next(t for t in document.tables if t.rows[0].cells[0].text.strip() == "地区")
    rows = [[c.text.strip() for c in row.cells] for row in table.rows]
    declared = next(r for r in rows if r[0] == "合计" and r[1] == "申报")
    verified = next(r for r in rows if r[0] == "合计" and r[1] == "核定")
    assert declared[2] == "16,426,404" and verified[2] == "16,425,054"
    pdf = _pdf_text(render_pdf(context))
    assert "申报 16,426,404 9,140,345,784.00" in pdf
    assert "结算分配表合计行“参保人数（C列）”为16,426,404人" in re.sub(r"\s+", "", pdf)


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_money_at_stake_counts_each_yuan_once(demo, kind):
    """Money at stake of the demo's ten problems, each yuan once (auditkit.stake):
    ST002 57,684,456.00 + IC002 39,754,400.00 + AR002 3,495,256.80 + 兴安盟's 2,621,442.60
    (AR001 and DL002 are the same money: once) + ST001 100,000.00 + FE001 33,600.00 = 103,689,155.40;
    乌海市's ST003 (a missing note) and ST004 (persons only) add nothing."""
    body = _body(demo[kind])
    assert "涉及资金103,689,155.40元（同一笔资金涉及多项问题的，只计算一次）" in body
    assert body.count("涉及资金2,621,442.60元") == 2  # each finding still says what it is about
    assert "涉及资金4,325,376.00元" not in body


def test_the_web_summary_counts_the_same_money_once():
    """The web page's summary reads the JSON: the same 103,689,155.40 元 as the review."""
    import json

    from auditkit.web.app import _view

    result = json.loads(dumps(run_check(demo_package())))
    assert _view(result)["money"] == Decimal("103689155.40")


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_figures_are_quoted_in_the_filers_unit(kind):
    """baotou-2024-wan files its tables in 万元: the letter's sums and its assessment table are in
    万元 too (a 元 figure would be a second unit for the same money)."""
    flat = _read(FIXTURES / "baotou-2024-wan")[kind]
    assert "单位：万元、人" in flat
    assert re.search(r"此次结算补助资金合计-?[\d,]+\.\d\d万元", flat)


def test_a_figure_within_the_written_precision_is_not_marked_as_changed():
    """baotou-2024-wan-stale-standard writes 万元 to two decimals: 东河区's declared −183.10万元 is
    −1,830,984 元 recomputed, which prints as −183.10 too, so its 核定 figure is not underlined;
    固阳县's −361.93 against −92.30 (ST002: 112,345 × 30 × 80% = 2,696,280 元 short) is."""
    from auditkit.report.document import build as context_of

    context = context_of(run_check(FIXTURES / "baotou-2024-wan-stale-standard"), ReportOptions(date=ISSUED))
    document = docx.Document(io.BytesIO(render_docx(context)))
    table = next(t for t in document.tables if t.rows[0].cells[0].text.strip() == "地区")
    underlined = {}
    for row in table.rows:
        cells = row.cells
        if cells[1].text.strip() == "核定":
            underlined[cells[0].text.strip()] = [c.text for c in cells[2:]
                                                 if any(r.underline for p in c.paragraphs for r in p.runs)]
    assert underlined["东河区"] == []
    assert underlined["固阳县"] == ["6,021.69", "-92.30"]


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_total_moves_only_by_the_corrected_figures(kind):
    """baotou-2024-wan-stale-standard: only 固阳县 is corrected (ST002), its 此次结算 from −361.93
    to −92.30万元, 269.63万元 more. Every other region's figure, recomputed in 元, prints as
    declared in 万元 and stands, so the letter says 申报 −1,018.91, 核定 −1,018.91 + 269.63 =
    −749.28, 核增269.63万元 — ST002's own 少269.63万元, not a sum carrying other rows' rounding
    (before: 核增269.65万元)."""
    flat = _read(FIXTURES / "baotou-2024-wan-stale-standard")[kind]
    assert "结算数合计-1,018.91万元，核定为-749.28万元，核增269.63万元" in flat
    assert "少269.63万元" in flat
