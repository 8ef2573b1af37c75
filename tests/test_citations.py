"""Citations bound to the jurisdiction and the year (issue 17, item 1).

A check's citation comes from the jurisdiction's rulebook (``[citations]``) where it has one, and
otherwise is the check's registered citation with every part that names another jurisdiction's
document left out (``auditkit.rulebook.bound_citation``). Each rulebook lists the documents its
citations name (``[[documents]]``) with the settlement years they govern; a review lists the ones
it cites in its sources annex, and says so when the package's year lies outside.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx
import pdfplumber
import pytest
from docx.oxml.ns import qn

from auditkit.cli import demo_package, run_check
from auditkit.registry import load_checks
from auditkit.report import ReportOptions, build, render_docx, render_pdf
from auditkit.rulebook import bound_citation, builtin_documents, load_rulebook

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
NUMBER = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")


def _texts(package: Path) -> dict[str, str]:
    context = build(run_check(package), ReportOptions(date=dt.date(2026, 3, 16)))
    with pdfplumber.open(io.BytesIO(render_pdf(context))) as pdf:
        pdf_text = "".join(page.extract_text() or "" for page in pdf.pages)
    word = docx.Document(io.BytesIO(render_docx(context)))
    docx_text = "".join(node.text or "" for node in word.element.body.iter(qn("w:t")))
    return {"pdf": re.sub(r"\s+", "", pdf_text), "docx": re.sub(r"\s+", "", docx_text)}


@pytest.fixture(scope="module")
def letters() -> dict[str, dict[str, str]]:
    return {"nmg": _texts(demo_package()), "xj": _texts(FIXTURES / "tacheng-2020")}


@pytest.mark.parametrize("jurisdiction", ["nmg", "xj"])
def test_every_citation_names_only_the_jurisdictions_own_documents(jurisdiction):
    """For every registered check, the citation a jurisdiction's letter prints names by number
    only documents that jurisdiction's rulebook lists: no 塔地财社〔2021〕87号 in 内蒙古's, no
    内财社〔2025〕357号 in 塔城's."""
    rules = load_rulebook(jurisdiction)
    own = {d.number for d in rules.documents if d.number}
    for code, spec in load_checks().items():
        cited = spec.cites_in(rules)
        for number in NUMBER.findall(cited):
            assert number in own, f"{jurisdiction} {code} cites {number}: {cited}"
        assert not any(d.title in cited for d in builtin_documents() if d not in rules.documents), (code, cited)


def test_nmg_never_cites_tacheng_and_xj_never_cites_nmg():
    nmg, xj = load_rulebook("nmg"), load_rulebook("xj")
    for code, spec in load_checks().items():
        assert "塔地财社" not in spec.cites_in(nmg), code
        assert "内财社" not in spec.cites_in(xj) and "内蒙古" not in spec.cites_in(xj), code


def test_a_rule_of_arithmetic_cites_nothing_in_nmg_and_its_own_form_in_xj():
    """ST004 (a total equals its rows) is plain arithmetic in 内蒙古: the rule alone, one full
    stop, no bracket; in 塔城 it is 004's own form, 附件1."""
    spec = load_checks()["ST004"]
    rule = spec.rule.rstrip("。")  # "合计行的每一金额列和人数列应等于各地区分项之和；…"
    assert rule.startswith("合计行的每一金额列和人数列应等于各地区分项之和")
    assert spec.criteria_in(load_rulebook("nmg")) == rule + "。"
    assert spec.criteria_in(load_rulebook("xj")) == rule + "（塔地财社〔2021〕87号 附件1）。"


def test_without_a_rulebook_no_jurisdictions_document_is_cited():
    """A package of a jurisdiction auditkit has no rulebook for: a citation keeps only what names
    no jurisdiction's document (GB/T 2260), never another's."""
    spec = load_checks()["ST005"]
    assert spec.cites_in(None) == "GB/T 2260"
    assert bound_citation("内财社〔2025〕357号 第十条；塔地财社〔2021〕87号 二", []) == ""


def test_a_users_rulebook_can_cite_its_own_document(tmp_path):
    """[citations] in a user's --rulebook replaces a check's citation; [[documents]] adds to the
    built-in list (so the sources annex can state it)."""
    own = tmp_path / "local.toml"
    own.write_text('[citations]\nST004 = "本局审核规程 第三条"\n'
                   '[[documents]]\ntitle = "本局审核规程"\nfrom_year = 2020\nstatus = "本局内部规程"\n', encoding="utf-8")
    rules = load_rulebook("nmg", own)
    assert load_checks()["ST004"].criteria_in(rules).endswith("（本局审核规程 第三条）。")
    assert [d.title for d in rules.documents_named(["依据本局审核规程 第三条"])] == ["本局审核规程"]


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_letters_cite_only_their_own_jurisdiction(letters, kind):
    """The demo (内蒙古, 2025) and the 塔城 package (新疆, 2020), read back from the PDF and the
    Word document: each cites its own basis document, never the other's."""
    nmg, xj = letters["nmg"][kind], letters["xj"][kind]
    assert "塔地财社" not in nmg and "根据《内蒙古自治区城乡居民基本医疗保险补助资金管理办法》（内财社〔2025〕357号）等规定" in nmg
    assert "内财社〔2025〕357号" not in xj and "内蒙古" not in xj
    assert "根据《关于下达自治区财政2020年城乡居民基本医疗保险结算补助资金的通知》（塔地财社〔2021〕87号）等规定" in xj
    # the arithmetic rule of the demo's ST004 cites nothing: the rule, a full stop, its persons
    rule = re.sub(r"\s+", "", load_checks()["ST004"].rule.rstrip("。"))
    assert f"依据：{rule}。涉及150人" in nmg


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_the_sources_annex_lists_each_cited_document_and_its_years(letters, kind):
    """The demo is a 2025 settlement: 357号 (2025年度起) and the 2025 national notice (verified,
    2025年度) govern it, so no year is noted as outside; 塔城's 2020 settlement is inside 87号's
    2020年度 likewise."""
    nmg = letters["nmg"][kind]
    annex = nmg[nmg.index("本意见引用的文件及其核实情况"):]
    assert "《内蒙古自治区城乡居民基本医疗保险补助资金管理办法》（内财社〔2025〕357号）" in annex
    assert "适用年度：2025年度起" in annex and "《关于做好2025年城乡居民基本医疗保障工作的通知》" in annex
    assert "不在该文件适用的" not in nmg and "出处待核实" not in nmg
    xj = letters["xj"][kind]
    assert "（塔地财社〔2021〕87号）：塔城地区财政局印发" in xj and "适用年度：2020年度" in xj
    assert "不在该文件适用的" not in xj


def test_every_builtin_document_states_its_years_or_is_a_standing_one():
    """Each built-in rulebook's documents: a title, and years that make sense (from ≤ until)."""
    for document in builtin_documents():
        assert document.title
        if document.from_year and document.until_year:
            assert document.from_year <= document.until_year
        assert document.governs(document.from_year or 2025)
