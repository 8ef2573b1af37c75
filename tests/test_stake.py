"""Money at stake, each yuan counted once (auditkit/stake.py; docs/decisions.md, issue 17).

Per family, one package or one set of findings that puts the same money in two findings, and
one that does not: the total counts the shared money once and different money in full.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from auditkit import Effect, Finding
from auditkit.cli import run_check
from auditkit.output import dumps
from auditkit.stake import at_stake, stake

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _finding(code: str, region: str, amount: str, severity: str = "error", **figures) -> Finding:
    """A finding as the runner leaves it: code and severity filled, its money in 元."""
    f = Finding(condition="…", recommendation="…", region=region, subject=code.lower(),
                effect=Effect(Decimal(amount)), figures=figures)
    f.code, f.severity = code, severity
    return f


def test_local_money_late_is_the_shortfall_once():
    """兴安盟's 2,621,442.60 元 not arrived by Dec 31 (AR001) is the 盟's voucher paid on Jan 5
    (DL002): counted once. A 盟's second late voucher of 1,000.00 makes the late claim
    2,622,442.60, above the shortfall: the larger claim counts."""
    shortfall = _finding("AR001", "兴安盟", "2621442.60")
    late = _finding("DL002", "兴安盟", "2621442.60", severity="warning", payer="prefecture")
    assert at_stake([shortfall, late]) == Decimal("2621442.60")
    second = _finding("DL002", "兴安盟", "1000.00", severity="warning", payer="county")
    second.subject = "payment:2"
    assert at_stake([shortfall, late, second]) == Decimal("2622442.60")


def test_a_higher_levels_late_money_is_not_the_local_shortfall():
    """The 自治区's 500,000.00 paid into the 财政专户 late is not local money: it adds to the
    local shortfall of 2,621,442.60 — 3,121,442.60 in all."""
    shortfall = _finding("AR001", "兴安盟", "2621442.60")
    regional = _finding("DL002", "兴安盟", "500000.00", severity="warning", payer="regional")
    assert at_stake([shortfall, regional]) == Decimal("3121442.60")


def test_persons_not_to_be_counted_are_counted_once():
    """包头市: 3 records without an ID (EN001, 3 × 560 = 1,680) and 2 duplicates (EN003, 1,120)
    are 2,800 of excluded records; EN009's 5 over-reported persons are the same 2,800; ST002's
    entitled amount, recomputed from the verified count, is 2,800 too: 2,800 once. 呼和浩特市's
    ST002 of 21,000 (a stale standard) is other money."""
    findings = [_finding("EN001", "包头市", "1680"), _finding("EN003", "包头市", "1120"),
                _finding("EN009", "包头市", "2800"), _finding("ST002", "包头市", "2800"),
                _finding("ST002", "呼和浩特市", "21000")]
    assert at_stake(findings) == Decimal("23800")


def test_a_form_puts_no_money_at_stake():
    """乌海市's negative settlement not marked as a clawback (ST003, −4,325,376.00) and any info
    finding count nothing; an ST001 of 100,000.00 counts in full."""
    findings = [_finding("ST003", "乌海市", "4325376.00"), _finding("ST005", "呼和浩特市", "5", severity="info"),
                _finding("ST001", "赤峰市", "100000.00")]
    assert [stake(f)[2] for f in findings] == [Decimal(0), Decimal(0), Decimal("100000.00")]
    assert at_stake(findings) == Decimal("100000.00")


def test_over_disbursed_money_spent_is_the_same_money():
    """disbursement-broken: 乌海市 received 150,000.00 more than allocated (DS001) and passed
    90,000.00 of that very money on (DS003): 150,000.00 once, not 240,000.00; 赤峰市's 200,000.00
    short (DS002) is other money. 350,000.00 in all, in the review and from the JSON alike."""
    result = run_check(FIXTURES / "disbursement-broken")
    problems = [f for f in result.findings if f.severity in ("error", "warning")]
    assert sorted((f.code, f.region, f.effect.amount) for f in problems) == [
        ("DS001", "乌海市", Decimal("150000")), ("DS002", "赤峰市", Decimal("200000")), ("DS003", "乌海市", Decimal("90000"))]
    assert at_stake(problems) == Decimal("350000")
    data = json.loads(dumps(result))  # the JSON the web page reads
    assert at_stake(f for f in data["findings"] if f["severity"] != "info") == Decimal("350000")
