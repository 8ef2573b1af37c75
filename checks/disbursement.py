"""Over- and under-disbursement DS001–DS003 (内财社〔2025〕357号 第九条).

What the tables say, per document and region:

- allocated: the amount the documents table gives the region under the document (its rows of
  that doc_no and region, summed);
- delivered: the payments under that doc_no to that region made by the level that issued the
  document (a regional document is delivered by 自治区财政);
- passed on: the payments under that doc_no in that region made by a level below the issuer
  (the 盟市 or 旗县 paying the money onward: to a county, or into the fund's 财政专户).

A document under which the payments table records no voucher at all, to any region, is not
judged: the table does not cover its money (an advance 提前下达 of next year's budget is paid
next year). A region left out of a document's payments while others were paid is DS002. A
negative allocation (a settlement clawed back, 扣回) is money owed upward, not disbursed: it is
ST003's, not judged here.

Each comparison allows the half-units of every declared figure it adds (RULES.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, check, family
from auditkit.deadlines import LEVEL_NAMES, LEVEL_ORDER, canonical, chinese_date, doc_key, documents_by_number
from auditkit.money import matches, yuan
from auditkit.settlement import region_name

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("DS", "资金拨付方面", order=70)

ZERO = Decimal(0)
SAMPLE = 5  # vouchers shown in a finding's evidence


@dataclass
class Flow:
    """The money of one document to one region."""

    doc_no: str
    region: str
    level: str  # the issuer's canonical level
    issued_on: object
    allocated: Decimal
    tolerance: Decimal
    where: str
    delivered: list[dict] = field(default_factory=list)
    passed: list[dict] = field(default_factory=list)

    @property
    def delivered_total(self) -> Decimal:
        return sum((p["amount"] for p in self.delivered), ZERO)

    @property
    def passed_total(self) -> Decimal:
        return sum((p["amount"] for p in self.passed), ZERO)

    def tolerance_with(self, payments: list[dict]) -> Decimal:
        return self.tolerance + sum((p.get("_tol_amount") or ZERO for p in payments), ZERO)


def flows(sub, rules) -> list[Flow]:
    """Every (document, region) allocation of the documents table with its payments."""
    return sub.cached("disbursement-flows", lambda: _flows(sub, rules))


def _flows(sub, rules) -> list[Flow]:
    table = sub.table("documents")
    result: dict[tuple[str, str], Flow] = {}
    for number, rows in sorted(documents_by_number(sub).items()):
        level = canonical("documents", "level", rows[0]["level"])
        for row in rows:
            if not row.get("region") or row.get("amount") is None:
                continue  # a document of the whole jurisdiction allocates to no one region
            region = region_name(row["region"], rules)
            flow = result.setdefault((number, region), Flow(
                number, region, level, row["issued_on"], ZERO, ZERO, table.where(row["_row"], "amount")))
            flow.allocated += row["amount"]
            flow.tolerance += row.get("_tol_amount") or ZERO
    paid_under = set()
    for payment in sorted(sub.table("payments").rows(), key=lambda p: (p["paid_on"], p["_row"])):
        paid_under.add(doc_key(payment.get("doc_no")))
        flow = result.get((doc_key(payment.get("doc_no")), region_name(payment["region"], rules)))
        if flow is None:
            continue
        payer = canonical("payments", "source_level", payment["source_level"])
        if payer == flow.level:
            flow.delivered.append(payment)
        elif LEVEL_ORDER.index(payer) > LEVEL_ORDER.index(flow.level):
            flow.passed.append(payment)
    return [flow for flow in result.values() if flow.doc_no in paid_under and flow.allocated > 0]


def _crossing(payments: list[dict], limit: Decimal) -> dict | None:
    """The payment (in date order) with which the running total first exceeds ``limit``."""
    running = ZERO
    for payment in payments:
        running += payment["amount"]
        if running > limit:
            return payment
    return None


def _vouchers(payments: list[dict]) -> list[dict]:
    return [{"voucher_no": p.get("voucher_no") or f"第{p['_row']}行", "paid_on": p["paid_on"],
             "amount": p["amount"], "payee_account": p["payee_account"]} for p in payments[:SAMPLE]]


def _voucher_name(payment: dict) -> str:
    return payment.get("voucher_no") or f"支付凭证表第{payment['_row']}行"


def _received(flow: Flow) -> str:
    payer = LEVEL_NAMES[flow.level]
    if not flow.delivered:
        return f"未见{payer}依据该文件向其拨付的支付凭证"
    first, last = flow.delivered[0]["paid_on"], flow.delivered[-1]["paid_on"]
    span = chinese_date(first) if first == last else f"{chinese_date(first)}至{chinese_date(last)}"
    return f"{payer}实际拨付{yuan(flow.delivered_total)}（支付凭证{len(flow.delivered)}张，{span}）"


@check("DS001", "补助资金多拨", cites="内财社〔2025〕357号 第九条", needs=["documents", "payments"])
def over_disbursed(sub, rules) -> Iterator[Finding]:
    """各盟市财政部门收到中央、自治区财政补助资金时，应核对无误后再拨付；发现多拨的，应立即向上级财政部门报告，不得擅自分配处置多拨的补助资金。

    Over-disbursed = delivered − allocated, when above the tolerance. The finding names the
    voucher with which the money received first exceeded the document's amount.
    """
    for flow in flows(sub, rules):
        excess = flow.delivered_total - flow.allocated
        if excess <= 0 or matches(flow.delivered_total, flow.allocated, flow.tolerance_with(flow.delivered)):
            continue
        crossing = _crossing(flow.delivered, flow.allocated)
        yield Finding(
            region=flow.region, subject=flow.doc_no,
            condition=(f"{flow.region}依据{flow.doc_no}（{chinese_date(flow.issued_on)}印发）应得补助资金"
                       f"{yuan(flow.allocated)}，{_received(flow)}，多拨{yuan(excess)}；"
                       f"{chinese_date(crossing['paid_on'])}收到凭证{_voucher_name(crossing)}后，累计收到资金超出文件金额。"),
            recommendation="立即向上级财政部门报告多拨情况，按上级财政部门要求退回或抵扣，不得擅自分配处置多拨资金。",
            effect=Effect(amount=excess),
            figures={"declared": flow.delivered_total, "expected": flow.allocated, "difference": excess,
                     "allocated": flow.allocated, "delivered": flow.delivered_total, "over_on": crossing["paid_on"]},
            evidence=Evidence(count=len(flow.delivered), rows=_vouchers(flow.delivered), where=flow.where))


@check("DS002", "补助资金少拨", cites="内财社〔2025〕357号 第九条", needs=["documents", "payments"])
def under_disbursed(sub, rules) -> Iterator[Finding]:
    """各盟市财政部门收到中央、自治区财政补助资金时，应核对无误后再拨付；发现少拨的，应立即向上级财政部门报告。

    Under-disbursed = allocated − delivered, when above the tolerance; a region that a paid
    document allocates to but no voucher delivered to is under-disbursed by its whole amount.
    """
    for flow in flows(sub, rules):
        shortfall = flow.allocated - flow.delivered_total
        if shortfall <= 0 or matches(flow.delivered_total, flow.allocated, flow.tolerance_with(flow.delivered)):
            continue
        yield Finding(
            region=flow.region, subject=flow.doc_no,
            condition=(f"{flow.region}依据{flow.doc_no}（{chinese_date(flow.issued_on)}印发）应得补助资金"
                       f"{yuan(flow.allocated)}，{_received(flow)}，少拨{yuan(shortfall)}。"),
            recommendation="立即向上级财政部门报告少拨情况，核实后由上级财政部门补拨到位。",
            effect=Effect(amount=shortfall),
            figures={"declared": flow.delivered_total, "expected": flow.allocated, "difference": -shortfall,
                     "allocated": flow.allocated, "delivered": flow.delivered_total},
            evidence=Evidence(count=len(flow.delivered), rows=_vouchers(flow.delivered), where=flow.where))


@check("DS003", "擅自分配处置多拨资金", cites="内财社〔2025〕357号 第九条", needs=["documents", "payments"])
def over_disbursement_disposed(sub, rules) -> Iterator[Finding]:
    """各盟市不得擅自分配处置多拨的补助资金，发现多拨应立即向上级财政部门报告。

    How the tables show it: for a document and region that were over-disbursed (DS001: delivered
    exceeds allocated by E), the region passed money on or spent it when the payments it made
    under the same doc_no (a level below the issuer paying: to a county, or into the fund's
    财政专户) add up to more than the allocated amount. The region can pass on no more than the
    document gives it, so what it paid beyond the allocation came out of the over-disbursed
    money: disposed = min(passed on − allocated, E). Reporting upward does not permit disposal
    (第九条), so a disposal is a finding whether or not it was reported. The finding names the
    voucher with which the onward payments first exceeded the allocation.
    """
    for flow in flows(sub, rules):
        excess = flow.delivered_total - flow.allocated
        if excess <= 0 or matches(flow.delivered_total, flow.allocated, flow.tolerance_with(flow.delivered)):
            continue
        beyond = flow.passed_total - flow.allocated
        if beyond <= 0 or matches(flow.passed_total, flow.allocated, flow.tolerance_with(flow.passed)):
            continue
        disposed = min(beyond, excess)
        crossing = _crossing(flow.passed, flow.allocated)
        yield Finding(
            region=flow.region, subject=flow.doc_no,
            condition=(f"{flow.region}依据{flow.doc_no}应得补助资金{yuan(flow.allocated)}，实收{yuan(flow.delivered_total)}，"
                       f"多拨{yuan(excess)}；该地区依据同一文件向下拨付或支出{yuan(flow.passed_total)}"
                       f"（凭证{len(flow.passed)}张），超出文件金额{yuan(beyond)}，其中擅自分配处置多拨资金{yuan(disposed)}，"
                       f"自{chinese_date(crossing['paid_on'])}凭证{_voucher_name(crossing)}起超出。"),
            recommendation="立即停止分配使用多拨资金，向上级财政部门报告，按要求收回已处置的资金并退回或抵扣。",
            effect=Effect(amount=disposed),
            figures={"allocated": flow.allocated, "delivered": flow.delivered_total, "passed_on": flow.passed_total,
                     "disposed": disposed, "disposed_on": crossing["paid_on"]},
            evidence=Evidence(count=len(flow.passed), rows=_vouchers(flow.passed), where=flow.where))
