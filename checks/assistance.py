"""Medical-assistance allocation checks (内蒙古自治区医疗救助补助资金管理办法 第六条、第七条).

AL001 and AL002 compare each region's declared allocation with the factor formula of 第六条, as
``auditkit.allocation.allocate`` recomputes it (the same figures the assessment prints); AL003
checks that a fund's allocations add up to the total the manifest says was issued. DL007 and
DL008 check 第七条: next year's advance against this year's execution, and the formal budget
within 30 days of the congress's approval, with the deadline machinery of ``auditkit.deadlines``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, check, family
from auditkit.allocation import FUND_TITLES, FundAllocation, allocate, to_decimal
from auditkit.deadlines import PERIOD_SETTINGS, canonical, documents_by_number, late_finding, within_days
from auditkit.findings import differs, filer_unit
from auditkit.money import apportioned, matches, percent, quote

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("AL", "医疗救助资金分配方面", order=80)

PROGRAMS = ("medical-assistance",)
CITES = "内蒙古自治区医疗救助补助资金管理办法 第六条"
ZERO = Decimal(0)


def _percent(value) -> str:
    """A factor's share, to four decimals of a percent (a factor share is rarely a round figure)."""
    return percent(value, 4, trim=False)


TOTAL_SOURCES = {"manifest": "清单所列资金总额", "total-row": "分配表合计行（清单未列资金总额）",
                 "declared-sum": "各盟市申报数之和（清单未列资金总额）"}


def _formula_findings(sub, rules, fund: str, need_text) -> Iterator[Finding]:
    """AL001/AL002: one finding per region whose declared allocation is not the formula's.
    ``need_text(weights, region)`` words the need part of the basis."""
    entry: FundAllocation | None = allocate(sub, rules).get(fund)
    if entry is None:
        return
    table = sub.table("assistance")
    w = entry.weights

    def basis_text(r) -> str:
        return (need_text(w, r) + f"，权重{percent(w['need_weight'])}；"
                f"绩效因素占比{_percent(r.performance_share)}，权重{percent(w['performance_weight'])}。")

    name = FUND_TITLES[entry.fund]
    unit = filer_unit(sub, "assistance")
    for region, rows in entry.repeated:
        yield Finding(
            region=region, subject=f"{entry.fund}:repeated",
            condition=(f"{name}分配表中{region}出现多行（第{'、'.join(map(str, rows))}行，地区名称写法不同），"
                       "无法按因素法复核分配结果。"),
            recommendation="每个盟市每项资金只列一行，合并或删去重复的行后重新报送。",
            evidence=Evidence(count=len(rows), where=table.where(rows[-1], "region")))
    if entry.repeated:
        return
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
    source = TOTAL_SOURCES[entry.total_source]
    for r in entry.regions:
        if r.allocated is None or apportioned(r.declared, r.allocated, r.tolerance, entry.adds_up):
            continue
        yield differs(
            f"{name}申报应下达", r.declared, r.allocated, region=r.region, subject=f"{entry.fund}:allocated",
            verb="", rule="按因素法应为", where=table.where(r.row["_row"], "allocated"),
            recommendation=f"按第六条因素法公式重新测算{name}分配方案，更正后重新下达。",
            unit=unit, tolerance=r.tolerance,
            basis=f"{basis_text(r)}资金总额按{source}{quote(entry.total, unit)}计。",
            figures={"need_share": to_decimal(r.need_share), "performance_share": to_decimal(r.performance_share)})


@check("AL001", "城乡医疗救助补助资金分配与因素法不符", cites=CITES, programs=PROGRAMS,
       needs=["assistance.need", "assistance.tier_share", "assistance.performance"],
       params=["assistance.urban_rural.need_weight", "assistance.urban_rural.performance_weight"])
def urban_rural_allocation(sub, rules) -> Iterator[Finding]:
    """城乡医疗救助补助资金按因素法分配：某盟市应下达资金＝资金总额×（该盟市一般需求因素×按地区分档分担比例÷∑各盟市一般需求因素×按地区分档分担比例×90%＋该盟市绩效因素÷∑各盟市绩效因素×10%）；各盟市应下达资金与按公式计算的精确数相差不足一个记账单位、且各盟市之和恰等于资金总额的，属取整尾差（最大余额法），视为正确。

    The weights are the rulebook's ``assistance.urban_rural.*``. Only the rows of this fund take
    part in the sums. A region whose factors are missing stops the recomputation of the whole
    fund (every share depends on every row): one warning names the rows.
    """
    yield from _formula_findings(
        sub, rules, "urban_rural", lambda w, r: f"需求因素（一般需求因素×分档分担比例）占比{_percent(r.need_share)}")


@check("AL002", "疾病应急救助资金分配与因素法不符", cites=CITES, programs=PROGRAMS,
       needs=["assistance.population", "assistance.incidence", "assistance.fiscal", "assistance.performance"],
       params=["assistance.emergency.need_weight", "assistance.emergency.performance_weight",
               "assistance.emergency.population_weight", "assistance.emergency.incidence_weight"])
def emergency_allocation(sub, rules) -> Iterator[Finding]:
    """疾病应急救助资金按因素法分配：某盟市应下达资金＝资金总额×（（该盟市人口数÷∑人口数×60%＋该盟市发病率÷∑发病率×40%）×该盟市财力因素÷∑各盟市同一乘积×90%＋该盟市绩效因素÷∑绩效因素×10%），人口数为常住人口数；各盟市应下达资金与按公式计算的精确数相差不足一个记账单位、且各盟市之和恰等于资金总额的，属取整尾差（最大余额法），视为正确。

    Seed 001 heads this formula 疟疾应急救助资金, a typo for 疾病应急救助资金 (第二条); findings
    always say 疾病应急救助. The weights are the rulebook's ``assistance.emergency.*``.
    """
    yield from _formula_findings(
        sub, rules, "emergency", lambda w, r: (f"人口、发病率（权重{percent(w['population_weight'])}、"
                                              f"{percent(w['incidence_weight'])}）经财力因素调整后占比{_percent(r.need_share)}"))


@check("AL003", "医疗救助补助资金分配合计与资金总额不符", cites=CITES, programs=PROGRAMS,
       needs=["assistance.allocated"])
def allocation_totals(sub, rules) -> Iterator[Finding]:
    """各盟市应下达的城乡医疗救助补助资金、疾病应急救助资金之和应分别等于该项资金总额。

    The total is the manifest's ``[funds] urban_rural`` / ``emergency``; a table's own 合计 row
    is compared with its rows as well, and stands in for the total when the manifest gives none
    (a results-only table as offices publish it). Money issued is exact as written, so the sum
    of the allocations has no rounding of its own: the tolerance is half a unit of the coarsest
    precision among the figures compared (a 合计 of 727 over rows summing to 726 is wrong, as
    three parts of 100.00 must add up to 100.00). A fund with rows but neither a total in the
    manifest nor a 合计 row, or a total with no rows, is a warning: it cannot be reconciled.
    """
    table = sub.table("assistance")
    funds = allocate(sub, rules)
    unit = filer_unit(sub, "assistance")
    for fund, name in FUND_TITLES.items():
        entry = funds.get(fund)
        declared_total = sub.manifest.funds.get(fund)
        if entry is None or not entry.regions:
            if declared_total:
                yield Finding(
                    subject=f"{fund}:unallocated", severity="warning",
                    condition=f"清单列明{name}总额{quote(declared_total, filer_unit(sub))}，但分配表中没有该项资金的分配数。",
                    recommendation=f"补报{name}的分配表。",
                    effect=Effect(amount=declared_total), evidence=Evidence(count=0, where=table.file))
            continue
        total_row = entry.total_row
        if declared_total is None and (total_row is None or total_row.get("allocated") is None):
            yield Finding(
                subject=f"{fund}:no-total", severity="warning",
                condition=f"清单未列{name}总额（[funds] {fund}），分配表也没有合计行，无法核对分配合计。",
                recommendation=f"在清单中写明中央、自治区下达的{name}总额。",
                evidence=Evidence(count=len(entry.regions), where=table.file))
            continue
        summed = entry.declared_sum
        coarsest = max((r.tolerance for r in entry.regions), default=ZERO)
        if total_row is not None and total_row.get("allocated") is not None:
            allowed = max(coarsest, total_row.get("_tol_allocated") or ZERO)
            if not matches(total_row["allocated"], summed, allowed):
                yield differs(
                    f"{name}分配表合计行为", total_row["allocated"], summed, region=None, subject=f"{fund}:total-row",
                    verb="", rule="各盟市之和为", where=table.where(total_row["_row"], "allocated"),
                    recommendation="核对各盟市分配数与合计数，更正后重新报送。", unit=unit,
                    tolerance=total_row.get("_tol_allocated"), count=len(entry.regions))
        if declared_total is None or matches(summed, declared_total, coarsest):
            continue
        yield differs(
            f"{name}分配数合计", summed, declared_total, region=None, who="各盟市", verb="", rule="资金总额为",
            more="多分配", less="少分配", subject=f"{fund}:total", where=table.where(None, "allocated"),
            recommendation=f"核对{name}分配方案，使各盟市分配数之和等于资金总额。", unit=unit,
            count=len(entry.regions))


FACTOR_NAMES = {"need": "一般需求因素×按地区分档分担比例", "performance": "绩效因素", "population": "常住人口数",
                "incidence": "发病率", "fiscal": "财力因素"}


@check("AL004", "分配因素全部为零", cites=CITES, programs=PROGRAMS, needs=["assistance.performance"],
       severity="warning")
def degenerate_factors(sub, rules) -> Iterator[Finding]:
    """某项分配因素各盟市均为零的，第六条公式中该项（该盟市因素÷∑各盟市因素）无法计算，应予说明；复核时视为各盟市该项因素相同，该项权重由各盟市平均分配。

    Without this reading the formula divides by zero and any allocation would pass unjudged.
    The reading (equal shares, 1/n of the term's weight each) is the limit of the formula as the
    factors become equal and keeps 第六条's weights as written; docs/decisions.md says why.
    AL001/AL002 then judge the allocation on that reading, and their findings follow from it.
    """
    table = sub.table("assistance")
    for fund, entry in allocate(sub, rules).items():
        for column in entry.degenerate:
            name = FUND_TITLES[fund]
            count = len(entry.regions)
            yield Finding(
                subject=f"{fund}:zero:{column}",
                condition=(f"{name}分配表中{count}个盟市的{FACTOR_NAMES[column]}均为0，第六条公式中该项"
                           f"（该盟市因素÷∑各盟市因素）无法计算。复核时视为各盟市该项因素相同，"
                           f"该项权重由{count}个盟市平均分配（各1/{count}）。"),
                recommendation=f"核实并补报各盟市的{FACTOR_NAMES[column]}；确无差异的，请说明该项资金的分配依据。",
                evidence=Evidence(count=count, where=table.where(None, column)))


# --- 第七条: the advance and the formal budget (deadline machinery of auditkit.deadlines) ------


def _documents_of(sub, purpose: str) -> dict[str, list[dict]]:
    """The regional documents of one purpose, by number (one row per region they allocate to)."""
    return {number: rows for number, rows in documents_by_number(sub).items()
            if canonical("documents", "purpose", rows[0]["purpose"]) == purpose
            and canonical("documents", "level", rows[0]["level"]) == "regional"}


def _document_amount(rows: list[dict], column: str = "amount") -> Decimal:
    """A document's amount: the sum of its per-region rows, or its whole-jurisdiction row(s)
    (``column="_tol_amount"``: the tolerance of that sum)."""
    regional = [row for row in rows if row.get("region")]
    return sum((row.get(column) or ZERO for row in (regional or rows)), ZERO)


@check("DL007", "提前下达医疗救助资金不足", cites="内蒙古自治区医疗救助补助资金管理办法 第七条",
       needs=["documents.amount"], params=["assistance.advance_ratio"], severity="warning", programs=PROGRAMS)
def advance_ratio(sub, rules) -> Iterator[Finding]:
    """自治区财政厅每年提前下达地方下一年度自治区财政医疗救助资金预计数，提前下达数与前一年度执行数之比原则上不低于90%。

    The advance is the sum of the regional documents of purpose ``advance`` issued in the
    package's year Y (next year's money); the execution is ``[funds] prior_execution``, Y's
    executed amount. The ratio is unrounded. Without the execution figure the check says it
    cannot judge; without any advance document the advance is 0.
    """
    table = sub.table("documents")
    ratio = rules.get("assistance.advance_ratio").decimal
    execution = sub.manifest.funds.get("prior_execution")
    if execution is None:
        yield Finding(
            subject="prior_execution",
            condition=f"清单未列{sub.year}年度医疗救助资金执行数（[funds] prior_execution），无法核对提前下达比例。",
            recommendation="在清单中写明本年度医疗救助资金执行数。",
            evidence=Evidence(count=0, where=table.file))
        return
    advances = {n: rows for n, rows in _documents_of(sub, "advance").items()
                if min(r["issued_on"] for r in rows).year == sub.year}
    advance = sum((_document_amount(rows) for rows in advances.values()), ZERO)
    # the advance is a sum of declared figures: half a unit of each is theirs (RULES.md)
    allowed = sum((_document_amount(rows, "_tol_amount") for rows in advances.values()), ZERO)
    if execution <= 0 or advance + allowed >= ratio * execution:
        return
    numbers = "、".join(sorted(advances)) or "无"
    unit = filer_unit(sub, "documents")
    yield Finding(
        subject="advance",
        condition=(f"{sub.year}年提前下达{sub.year + 1}年度医疗救助资金{quote(advance, unit)}（文件：{numbers}），"
                   f"为{sub.year}年度执行数{quote(execution, unit)}的{percent(advance / execution)}，"
                   f"低于{percent(ratio)}，按{percent(ratio)}计少下达{quote(ratio * execution - advance, unit)}。"),
        recommendation=f"提前下达下一年度医疗救助资金预计数，使之不低于本年度执行数的{percent(ratio)}。",
        effect=Effect(amount=ratio * execution - advance),
        figures={"declared": advance, "expected": ratio * execution, "difference": advance - ratio * execution,
                 "rate": advance / execution},
        evidence=Evidence(count=len(advances), where=table.where(None, "amount")))


@check("DL008", "医疗救助补助资金预算未在规定期限内正式下达", cites="内蒙古自治区医疗救助补助资金管理办法 第七条",
       needs=["documents"], params=["deadline.assistance_budget_days", *PERIOD_SETTINGS], severity="warning",
       programs=PROGRAMS)
def budget_after_approval(sub, rules) -> Iterator[Finding]:
    """自治区财政厅应在人大批准预算后30日内正式下达医疗救助补助资金预算。

    The event is ``[dates] budget_approved_on``; the documents are the regional ones of purpose
    ``budget``, each judged by its earliest issue date. The 30 days start the day after the
    approval and end on the next working day when day 30 is not one (auditkit.deadlines).
    """
    table = sub.table("documents")
    approved = sub.manifest.dates.get("budget_approved_on")
    if approved is None:
        yield Finding(
            subject="budget_approved_on",
            condition="清单未列人大批准预算的日期（[dates] budget_approved_on），无法核对医疗救助补助资金预算下达时限。",
            recommendation="在清单中写明本级人民代表大会批准预算的日期。",
            evidence=Evidence(count=0, where=table.file))
        return
    days = rules.get("deadline.assistance_budget_days").value
    deadline = within_days(approved, days, rules, "人大批准预算")
    budgets = _documents_of(sub, "budget")
    if not budgets:
        yield Finding(
            subject="budget:missing",
            condition=f"资金文件表中未见正式下达医疗救助补助资金预算的文件；{deadline.describe()}。",
            recommendation="核实是否已正式下达；未下达的立即下达。",
            evidence=Evidence(count=0, where=table.file))
        return
    for number, rows in sorted(budgets.items()):
        first = min(rows, key=lambda row: row["issued_on"])
        finding = late_finding(
            region=None, subject=number, what=f"医疗救助补助资金预算文件{number}", done="印发",
            done_on=first["issued_on"], deadline=deadline, where=table.where(first["_row"], "issued_on"),
            recommendation=f"今后在人大批准预算后{days}日内正式下达医疗救助补助资金预算。",
            amount=_document_amount(rows))
        if finding is not None:
            yield finding
