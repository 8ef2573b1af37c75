"""DS001–DS003: over- and under-disbursement per document and region (内财社〔2025〕357号 第九条).

fixtures/disbursement-broken (2023), 内财社〔2023〕52号 issued by 自治区财政 on Aug 4, 2023, worked
by hand:

    包头市  allocated 4,600,000; delivered 4,600,000 (Z01); passed on 4,600,000 (B01): kept.
    乌海市  allocated 1,200,000; delivered 1,200,000 (Z02, Aug 8) + 150,000 (Z03, Sept 15)
            = 1,350,000: over-disbursed 150,000 from Z03 on (DS001). Passed on 1,200,000 (W01,
            into the 财政专户) + 90,000 (W02, Oct 9, to 海勃湾区) = 1,290,000, 90,000 beyond the
            allocation: disposed of min(90,000, 150,000) = 90,000 from W02 on (DS003).
    赤峰市  allocated 3,000,000; delivered 2,800,000 (Z04): under-disbursed 200,000 (DS002).

disbursement-ok: every region delivered and passing on exactly its allocation.
disbursement-reported: 乌海市 over-disbursed 150,000 (DS001) but passed on only 1,200,000, so
DS003 keeps.
"""

import datetime as dt
from decimal import Decimal

from tests.conftest import audit, only

DS = "DS001,DS002,DS003"


def test_the_broken_package_breaks_each_rule_once():
    result = audit("disbursement-broken", DS)
    assert result.skipped == []
    [over] = only(result, "DS001")
    assert (over.region, over.subject, over.effect.amount) == ("乌海市", "内财社〔2023〕52号", Decimal("150000.00"))
    assert over.figures["allocated"] == Decimal("1200000.00") and over.figures["delivered"] == Decimal("1350000.00")
    assert over.figures["over_on"] == dt.date(2023, 9, 15) and "Z03" in over.condition
    assert [row["voucher_no"] for row in over.evidence.rows] == ["Z02", "Z03"]
    [under] = only(result, "DS002")
    assert (under.region, under.effect.amount) == ("赤峰市", Decimal("200000.00"))
    assert under.figures["difference"] == Decimal("-200000.00") and "2023年8月4日印发" in under.condition
    [disposed] = only(result, "DS003")
    assert (disposed.region, disposed.effect.amount) == ("乌海市", Decimal("90000.00"))
    assert disposed.figures["passed_on"] == Decimal("1290000.00")
    assert disposed.figures["disposed_on"] == dt.date(2023, 10, 9) and "W02" in disposed.condition
    assert all(f.severity == "error" for f in result.findings)


def test_the_package_that_keeps_every_rule_has_no_finding():
    assert audit("disbursement-ok", DS).findings == []


def test_over_disbursed_money_kept_apart_is_not_a_disposal():
    result = audit("disbursement-reported", DS)
    assert [(f.code, f.region) for f in result.findings] == [("DS001", "乌海市")]


def test_unpaid_documents_and_clawbacks_are_not_judged():
    """The documents of fixtures/deadlines-late include an advance (提前下达, 内财社〔2023〕88号)
    for 2024 under which no voucher was paid in 2023, and a settlement (内财社〔2024〕30号) that
    pays 呼和浩特市 120,000 (P007, by the issuer, exactly) and claws back 50,000 from 包头市 (a
    negative allocation, owed upward, no voucher). Neither is an over- or under-disbursement;
    内财社〔2023〕52号 was delivered in full."""
    result = audit("deadlines-late", DS)
    assert result.skipped == [] and result.findings == []
