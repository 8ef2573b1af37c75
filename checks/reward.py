"""The reward fund RW001 (内财社〔2025〕357号 第十三条) and the students of universities under the
region US001 (第七条), each recomputed and compared with the declared figure."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, check, family
from auditkit.findings import differs, filer_unit
from auditkit.money import apportioned, matches, percent, quote
from auditkit.settlement import assess, per_region, region_name

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("US", "高校学生参保补助方面", order=50)
family("RW", "奖励资金分配方面", order=60)

ZERO = Decimal(0)
ONE = Decimal(1)


def _deducted(figures) -> bool:
    """Whether a region was deducted (第十三条's "其他地区" are those that were not): its local money
    fell short (arrival rate below 100%, AR001/AR002) or it over-reported insured persons
    (FE001), as recomputed, else as declared. In a regional-funds settlement neither deduction
    need appear in the table (FE001 is the centre's, and the region may not pass AR002 on), yet
    the centre made them: the region still shares in no reward."""
    row = figures.row
    if figures.arrival_rate is not None:
        short = figures.arrival_rate < 1
    else:
        short = (row.get("arrival_deduction") or ZERO) > 0
    over = figures.over_reported if figures.over_reported is not None else None
    over_reported = over > 0 if over is not None else (row.get("over_report_deduction") or ZERO) > 0
    return short or over_reported or (figures.arrival_deduction or ZERO) > 0 or (
        figures.over_report_deduction or ZERO) > 0


@check("RW001", "奖励补助资金分配错误", cites="内财社〔2025〕357号 第十三条", needs=["reward", "settlement"])
def reward_shares(sub, rules) -> Iterator[Finding]:
    """地方财政补助资金不到位扣减和多报、虚报参保人数追加扣减的补助资金设为奖励补助资金，按经审核的参保人权重分配给其他地区（未被扣减的地区），纳入该统筹地区社会保障基金财政专户管理，并列入地方财政应到位补助资金统计；各地区分配数与按权重计算的精确数相差不足一个记账单位、且各地区之和恰等于奖励补助资金总额的，属取整尾差（最大余额法），视为正确。

    The fund to share is the manifest's ``[funds] reward``. The regions deducted are those whose
    local money fell short or who over-reported persons, in a central or a regional settlement
    alike (``_deducted``); they get nothing. Every other region of the
    settlement or reward table gets reward × its verified insured persons ÷ the sum over those
    regions: the settlement's verified count (EN009 or declared − over-reported), or the reward
    table's weight where the settlement gives none. A region missing from the reward table
    declared nothing. Each share is compared with the declared one within half a unit of its
    precision, or within one unit when the declared shares add up exactly to the fund (largest
    remainder: 100.00 元 in three is 33.34 + 33.33 + 33.33). The declared share also raises the region's local money due for AR001
    (``auditkit.settlement``), so AR001 and RW001 never wait on each other.
    """
    table = sub.table("reward")
    fund = sub.manifest.funds.get("reward")
    if fund is None:
        yield Finding(
            subject="funds.reward", severity="warning",
            condition="数据包含奖励补助资金分配表，但清单 [funds] 未列明奖励补助资金总额（reward），无法复核各地区分配数。",
            recommendation="在清单 [funds] 中填报中央财政下达的奖励补助资金总额后重新审核。",
            evidence=Evidence(count=0, where="submission.toml [funds]"))
        return
    declared = {region_name(row["region"], rules): row for row in table.rows()}
    settled = {figures.region: figures for figures in assess(sub, rules).regions}
    weights: dict[str, int | None] = {}
    deducted: set[str] = set()
    for name in sorted(set(declared) | set(settled)):
        figures = settled.get(name)
        if figures is not None and _deducted(figures):
            deducted.add(name)
            continue
        weight = figures.enrolled if figures is not None else None
        weights[name] = weight if weight is not None else (declared.get(name) or {}).get("weight")
    unknown = sorted(name for name, weight in weights.items() if weight is None)
    if unknown:
        yield Finding(
            subject="reward.weight", severity="warning",
            condition=f"{'、'.join(unknown)}既无经审核认定的参保人数，奖励补助资金分配表也未列参保人权重，无法复核奖励补助资金分配。",
            recommendation="补充各地区经审核认定的参保人数后重新审核。",
            evidence=Evidence(count=len(unknown), where=table.where(None, "weight")))
        return
    total_weight = sum(weights.values())
    unit = filer_unit(sub, "reward")
    adds_up = sum((row["allocated"] or ZERO for row in declared.values()), ZERO) == fund
    for name in sorted(set(weights) | deducted):
        row = declared.get(name)
        allocated = row["allocated"] if row is not None and row.get("allocated") is not None else ZERO
        tolerance = (row or {}).get("_tol_allocated") or ZERO
        if name in deducted:
            expected = ZERO
            basis = "该地区本年度因地方财政补助资金不到位或多报、虚报参保人数被扣减，不参与奖励补助资金分配"
        else:
            expected = fund * weights[name] / total_weight if total_weight else ZERO
            basis = (f"奖励补助资金{quote(fund, unit)}按未被扣减地区经审核参保人数合计{total_weight:,}人分配，"
                     f"该地区{weights[name]:,}人，应分{quote(expected, unit)}")
        if apportioned(allocated, expected, tolerance, adds_up):
            continue
        listed = "" if row is not None else "（奖励补助资金分配表未列该地区）"
        yield differs(
            "奖励补助资金", allocated, expected, region=name, subject="reward", verb="分配",
            where=table.where(row["_row"], "allocated") if row is not None else table.where(),
            recommendation="按未被扣减地区经审核的参保人数重新分配奖励补助资金，纳入统筹地区社会保障基金财政专户管理。",
            unit=unit, tolerance=tolerance, basis=f"{listed}{basis}。",
            figures={"weight": weights.get(name), "total_weight": total_weight, "fund": fund})


@check("US001", "区直院校学生参保补助计算错误", cites="内财社〔2025〕357号 第七条",
       needs=["students"], params=["standard@Y", "central_share"])
def university_students(sub, rules) -> Iterator[Finding]:
    """自治区直属大中专院校学生参加高校所在地城乡居民基本医疗保险，自治区财政按照经审核认定的实际参保人数和国家规定的财政补助标准，对中央补助以外的部分给予全额补助，不计入所在盟市的地方财政应到位资金。

    Expected subsidy = verified students × std[Y] × (1 − c), per institution, compared with the
    declared amount within half a unit of its precision. Where the settlement table says how
    many of a 盟市's insured are such students (其中：区直院校学生人数), that count must be the
    students table's for the 盟市: those left out of the 盟市's share and due are those the
    region pays for, so each student's non-central money is paid once.
    """
    table = sub.table("students")
    standard = rules.get("standard", sub.year)
    central = rules.get("central_share").value
    for row in table.rows():
        expected = row["students"] * standard.decimal * (ONE - central)
        if matches(row["amount"], expected, row.get("_tol_amount") or ZERO):
            continue
        region = region_name(row["region"], rules)
        yield differs(
            "自治区补助资金", row["amount"], expected, region=region, who=f"{row['institution']}（{region}）",
            subject=f"students:{row['institution']}", where=table.where(row["_row"], "amount"),
            recommendation=f"按经审核认定的参保学生人数和{sub.year}年国家公布的政府补助标准（{standard.cite()}）重新核定自治区补助资金。",
            unit=table.unit, tolerance=row.get("_tol_amount"),
            basis=(f"应为经审核参保学生{row['students']:,}人×{sub.year}年补助标准{standard.value}元×"
                   f"（1－中央分担比例{percent(central)}）。"),
            figures={"students": row["students"]})
    yield from _students_in_settlement(sub, rules)


def _students_in_settlement(sub, rules) -> Iterator[Finding]:
    """The settlement's 其中：区直院校学生人数 of a 盟市 against the students table's count for it:
    the students left out of the 盟市's share and due must be those the region pays for."""
    if "settlement" not in sub.tables or not sub.table("settlement").has("students"):
        return
    settlement = sub.table("settlement")
    listed = per_region(sub, rules, "students", "students")
    for row in settlement.rows():
        region = region_name(row["region"], rules)
        kept_out, paid = row.get("students") or 0, listed.get(region, 0)
        if kept_out == paid:
            continue
        yield Finding(
            region=region, subject="students-count",
            condition=(f"{region}结算分配表所列其中区直院校学生{kept_out:,}人，区直院校学生参保补助表列该地区"
                       f"经审核参保学生{paid:,}人，二者不符：不计入盟市的学生应正是自治区全额补助的学生。"),
            recommendation="核对区直院校参保学生人数，使结算分配表扣除的人数与自治区补助的人数一致。",
            effect=Effect(persons=abs(kept_out - paid)),
            figures={"declared": kept_out, "expected": paid, "difference": kept_out - paid},
            evidence=Evidence(count=1, where=settlement.where(row["_row"], "students")))
