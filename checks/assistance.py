"""Medical-assistance allocation checks (内蒙古自治区医疗救助补助资金管理办法 第六条、第七条).

AL001 and AL002 compare each region's declared allocation with the factor formula of 第六条, as
``auditkit.allocation.allocate`` recomputes it (the same figures the assessment prints); AL003
checks that a fund's allocations add up to the total the manifest says was issued. DL007 and
DL008 (第七条's advance ratio and 30 days) are the deadline family's, in ``checks/deadlines.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, check
from auditkit.allocation import FUND_TITLES, FundAllocation, allocate, to_decimal
from auditkit.money import matches, wan, yuan

PROGRAMS = ("medical-assistance",)
CITES = "内蒙古自治区医疗救助补助资金管理办法 第六条"
ZERO = Decimal(0)


def _percent(value) -> str:
    return f"{to_decimal(value) * 100:.4f}%"


def _formula_findings(sub, entry: FundAllocation, basis_text) -> Iterator[Finding]:
    table = sub.table("assistance")
    name = FUND_TITLES[entry.fund]
    if entry.missing:
        rows = sorted({row for row, _ in entry.missing})
        columns = sorted({table.headers.get(column, column) for _, column in entry.missing})
        yield Finding(
            subject=f"{entry.fund}:factors", severity="warning",
            condition=(f"{name}分配表第{'、'.join(map(str, rows))}行缺少分配因素（{'、'.join(columns)}），"
                       "无法按因素法复核分配结果。"),
            recommendation="补齐各盟市的全部分配因素后重新报送。",
            evidence=Evidence(count=len(rows), where=table.file))
        return
    source = "清单所列资金总额" if entry.total_from_manifest else "各盟市申报数之和（清单未列资金总额）"
    for r in entry.regions:
        if r.allocated is None or matches(r.declared, r.allocated, r.tolerance):
            continue
        difference = r.declared - r.allocated
        yield Finding(
            region=r.region, subject=f"{entry.fund}:allocated",
            condition=(f"{r.region}{name}申报应下达{yuan(r.declared)}，按因素法应为{yuan(r.allocated)}，"
                       f"{'多' if difference > 0 else '少'}{wan(abs(difference))}。"
                       f"{basis_text(r)}资金总额按{source}{yuan(entry.total)}计。"),
            recommendation=f"按第六条因素法公式重新测算{name}分配方案，更正后重新下达。",
            effect=Effect(amount=abs(difference)),
            figures={"declared": r.declared, "expected": r.allocated, "difference": difference,
                     "need_share": to_decimal(r.need_share), "performance_share": to_decimal(r.performance_share)},
            evidence=Evidence(count=1, where=table.where(r.row["_row"], "allocated")))


@check("AL001", "城乡医疗救助补助资金分配与因素法不符", cites=CITES, programs=PROGRAMS,
       needs=["assistance.need", "assistance.tier_share"],
       params=["assistance.urban_rural.need_weight", "assistance.urban_rural.performance_weight"])
def urban_rural_allocation(sub, rules) -> Iterator[Finding]:
    """城乡医疗救助补助资金按因素法分配：某盟市应下达资金＝资金总额×（该盟市一般需求因素×按地区分档分担比例÷∑各盟市一般需求因素×按地区分档分担比例×90%＋该盟市绩效因素÷∑各盟市绩效因素×10%）。

    The weights are the rulebook's ``assistance.urban_rural.*``. Only the rows of this fund take
    part in the sums. A region whose factors are missing stops the recomputation of the whole
    fund (every share depends on every row): one warning names the rows.
    """
    entry = allocate(sub, rules).get("urban_rural")
    if entry is None:
        return
    w = entry.weights

    def basis(r) -> str:
        return (f"需求因素（一般需求因素×分档分担比例）占比{_percent(r.need_share)}，权重{w['need_weight'] * 100:.0f}%；"
                f"绩效因素占比{_percent(r.performance_share)}，权重{w['performance_weight'] * 100:.0f}%。")

    yield from _formula_findings(sub, entry, basis)


@check("AL002", "疾病应急救助资金分配与因素法不符", cites=CITES, programs=PROGRAMS,
       needs=["assistance.population", "assistance.incidence", "assistance.fiscal"],
       params=["assistance.emergency.need_weight", "assistance.emergency.performance_weight",
               "assistance.emergency.population_weight", "assistance.emergency.incidence_weight"])
def emergency_allocation(sub, rules) -> Iterator[Finding]:
    """疾病应急救助资金按因素法分配：某盟市应下达资金＝资金总额×（（该盟市人口数÷∑人口数×60%＋该盟市发病率÷∑发病率×40%）×该盟市财力因素÷∑各盟市同一乘积×90%＋该盟市绩效因素÷∑绩效因素×10%），人口数为常住人口数。

    Seed 001 heads this formula 疟疾应急救助资金, a typo for 疾病应急救助资金 (第二条); findings
    always say 疾病应急救助. The weights are the rulebook's ``assistance.emergency.*``.
    """
    entry = allocate(sub, rules).get("emergency")
    if entry is None:
        return
    w = entry.weights

    def basis(r) -> str:
        return (f"人口、发病率（权重{w['population_weight'] * 100:.0f}%、{w['incidence_weight'] * 100:.0f}%）"
                f"经财力因素调整后占比{_percent(r.need_share)}，权重{w['need_weight'] * 100:.0f}%；"
                f"绩效因素占比{_percent(r.performance_share)}，权重{w['performance_weight'] * 100:.0f}%。")

    yield from _formula_findings(sub, entry, basis)


@check("AL003", "医疗救助补助资金分配合计与资金总额不符", cites=CITES, programs=PROGRAMS,
       needs=["assistance"])
def allocation_totals(sub, rules) -> Iterator[Finding]:
    """各盟市应下达的城乡医疗救助补助资金、疾病应急救助资金之和应分别等于该项资金总额。

    The total is the manifest's ``[funds] urban_rural`` / ``emergency``; the tolerance is the sum
    of the half-units of the summed allocations. A fund with rows but no total in the manifest,
    or a total with no rows, is a warning: the allocation cannot be reconciled.
    """
    table = sub.table("assistance")
    funds = allocate(sub, rules)
    for fund, name in FUND_TITLES.items():
        entry = funds.get(fund)
        declared_total = sub.manifest.funds.get(fund)
        if entry is None or not entry.regions:
            if declared_total:
                yield Finding(
                    subject=f"{fund}:unallocated", severity="warning",
                    condition=f"清单列明{name}总额{yuan(declared_total)}，但分配表中没有该项资金的分配数。",
                    recommendation=f"补报{name}的分配表。",
                    effect=Effect(amount=declared_total), evidence=Evidence(count=0, where=table.file))
            continue
        if not entry.total_from_manifest:
            yield Finding(
                subject=f"{fund}:no-total", severity="warning",
                condition=f"清单未列{name}总额（[funds] {fund}），无法核对分配合计。",
                recommendation=f"在清单中写明中央、自治区下达的{name}总额。",
                evidence=Evidence(count=len(entry.regions), where=table.file))
            continue
        summed, tolerance = entry.declared_sum, entry.declared_tolerance
        total_row = entry.total_row
        if total_row is not None and not matches(
                total_row["allocated"], summed, tolerance + (total_row.get("_tol_allocated") or ZERO)):
            yield Finding(
                subject=f"{fund}:total-row",
                condition=f"{name}分配表合计行为{yuan(total_row['allocated'])}，各盟市之和为{yuan(summed)}。",
                recommendation="核对各盟市分配数与合计数，更正后重新报送。",
                effect=Effect(amount=abs(total_row["allocated"] - summed)),
                figures={"declared": total_row["allocated"], "expected": summed},
                evidence=Evidence(count=len(entry.regions), where=table.where(total_row["_row"], "allocated")))
        if matches(summed, declared_total, tolerance):
            continue
        difference = summed - declared_total
        yield Finding(
            subject=f"{fund}:total",
            condition=(f"各盟市{name}分配数合计{yuan(summed)}，资金总额为{yuan(declared_total)}，"
                       f"{'多分配' if difference > 0 else '少分配'}{wan(abs(difference))}。"),
            recommendation=f"核对{name}分配方案，使各盟市分配数之和等于资金总额。",
            effect=Effect(amount=abs(difference)),
            figures={"declared": summed, "expected": declared_total, "difference": difference},
            evidence=Evidence(count=len(entry.regions), where=table.where(None, "allocated")))
