"""What a review also looks at (issue 19): individual contributions (IC001, IC002), copies to
the 监管局 (CC001), missing material (MT001) and last year's result (YY001).

Each rule: a package that keeps it and one that breaks it once, figures worked by hand.
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal

from tests.conftest import FIXTURES, audit, only


def test_contributions_that_keep_the_rules():
    """fixtures/individual-ok, in 万元: 呼和浩特市 (1,702,346 − 51,070) × 400 = 660,510,400 元 =
    66,051.04 万元; 包头市 1,114,077 × 400 = 44,563.08 万元; 乌海市 175,771 × 400 = 7,030.84 万元;
    standard 400 = 2024's minimum (医保发〔2024〕19号)."""
    result = audit("individual-ok", "IC001,IC002")
    assert result.findings == [] and result.skipped == []


def test_a_standard_below_the_minimum():
    """乌海市 keeps 2023's 380 元 in 2024 (minimum 400): one IC001, 20 元 a head short for its
    175,771 paying persons = 3,515,420 元; its money collected, 175,771 × 380 = 66,792,980 元
    written 6,679.30 万元, is within the half-unit (50 元), so no IC002."""
    result = audit("ic001-broken", "IC001,IC002")
    [finding] = only(result, "IC001")
    assert finding.region == "乌海市"
    assert finding.effect.amount == Decimal("3515420") and finding.effect.persons == 175771
    # cited by its title in the body; its number and status are the sources annex's (issue 17)
    assert "《关于做好2024年城乡居民基本医疗保障工作的通知》" in finding.condition
    assert only(result, "IC002") == []


def test_assisted_persons_counted_as_paying():
    """包头市 writes 1,148,532 × 400 = 45,941.28 万元, counting its 34,455 assisted persons (paid
    for by medical assistance) as paying: expected 1,114,077 × 400 = 445,630,800 元, 13,782,000
    元 too much (= 34,455 × 400). One IC002, quoted in the table's 万元 (445,630,800 元 =
    44,563.08 万元; 13,782,000 元 = 1,378.20 万元), the standard per head in 元; IC001 keeps."""
    result = audit("ic002-broken", "IC001,IC002")
    [finding] = only(result, "IC002")
    assert finding.region == "包头市"
    assert finding.figures["expected"] == Decimal("445630800")
    assert finding.figures["difference"] == Decimal("13782000")
    assert finding.effect.amount == Decimal("13782000")
    assert finding.condition == ("包头市申报个人缴费收入45,941.28万元，按个人缴费人数1,114,077人乘以个人缴费标准400.00元"
                                 "计算应为44,563.08万元，多1,378.20万元。")
    assert only(result, "IC001") == []


def test_the_demo_plants_one_contribution_problem():
    """The demo's 赤峰市 counts its 99,386 assisted persons as paying (README): IC002 99,386 × 400
    (2025's standard) = 39,754,400 元."""
    findings = only(audit("demo-nmg-2025", "IC001,IC002"), "IC002")
    assert [(f.region, f.figures["difference"]) for f in findings] == [("赤峰市", Decimal("39754400"))]


def test_copies_to_the_supervision_office():
    """copies-ok copies 内财社〔2023〕52号 and the 自治区请示 to the 监管局: nothing. cc001-broken
    copies 52号 only to the 医保局s: one CC001 naming it (once, though it has two rows)."""
    assert audit("copies-ok", "CC001").findings == []
    [finding] = only(audit("cc001-broken", "CC001"), "CC001")
    assert "内财社〔2023〕52号" in finding.condition and finding.severity == "warning"


def test_copies_not_judged_without_the_column():
    """A documents table without a 抄送 column cannot show a copy: CC001 is listed as not run."""
    result = audit("deadlines-ok", "CC001")
    assert result.findings == [] and [s.code for s in result.skipped] == ["CC001"]


def test_missing_material_is_asked_for_once():
    """The demo has no roster: one MT001 (info) asking for the 6月底参保人员名册, naming the eleven
    checks it keeps from running (EN001–EN011 of RULES.md, every one read off the roster); settlement-ok also lacks documents, payments, filings and the
    contributions table, each named with the checks it blocks."""
    [finding] = only(audit("demo-nmg-2025"), "MT001")
    assert finding.severity == "info"
    assert finding.figures["missing"] == ["roster"]
    assert finding.figures["blocked_checks"]["roster"] == [f"EN{i:03d}" for i in range(1, 12)]
    assert "参保人数核实方面的审核未能进行" in finding.condition and "EN001" not in finding.condition
    [finding] = only(audit("settlement-ok"), "MT001")
    assert finding.figures["missing"] == ["roster", "documents", "payments", "filings", "individual_contributions"]


def test_prior_year_enrollment_and_problems_found_again(tmp_path):
    """fixtures/prior-year/demo-2024-result.json: every 盟市's 2024 count is this year's verified
    count less 1% (n − ⌊n/100⌋), so each moved by about +1.01% (median 1.01%), except 兴安盟:
    1,400,000 → 1,248,306, −151,694 / 1,400,000 = −10.84%, 11.85 points from the median, above
    the 5-point threshold. 通辽市's ST002 was an error last year too: noted as found again."""
    result = subprocess.run(
        [sys.executable, "-m", "auditkit", "check", str(FIXTURES / "demo-nmg-2025"), "--format", "json",
         "--prior-year", str(FIXTURES / "prior-year" / "demo-2024-result.json")],
        capture_output=True, text=True, check=False)
    data = json.loads(result.stdout)
    found = [(f["region"], f["subject"]) for f in data["findings"] if f["code"] == "YY001"]
    assert found == [("兴安盟", "enrollment-change"), ("通辽市", "again:ST002")]
    [change] = [f for f in data["findings"] if f["code"] == "YY001" and f["region"] == "兴安盟"]
    assert "-10.84%" in change["condition"] and "上年的1,400,000人" in change["condition"]


def test_prior_year_not_given_is_not_run():
    result = audit("demo-nmg-2025", "YY001")
    assert [(s.code, s.reason) for s in result.skipped] == [("YY001", "未提供上年审核结果（--prior-year）")]
