"""The reward fund RW001 (内财社〔2025〕357号 第十三条) and the students of universities under the
region US001 (第七条), each recomputed and compared with the declared figure."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditkit import Effect, Evidence, Finding, check
from auditkit.money import matches, wan, yuan
from auditkit.settlement import assess, region_name

ZERO = Decimal(0)
ONE = Decimal(1)


def _deducted(figures) -> bool:
    """Whether the settlement deducts from a region (AR002 or FE001): recomputed, else declared."""
    row = figures.row
    arrival = figures.arrival_deduction if figures.arrival_deduction is not None else row.get("arrival_deduction")
    over = figures.over_report_deduction if figures.over_report_deduction is not None else row.get("over_report_deduction")
    return (arrival or ZERO) > 0 or (over or ZERO) > 0


@check("RW001", "奖励补助资金分配错误", cites="内财社〔2025〕357号 第十三条", needs=["reward", "settlement"])
def reward_shares(sub, rules) -> Iterator[Finding]:
    """地方财政补助资金不到位扣减和多报、虚报参保人数追加扣减的补助资金设为奖励补助资金，按经审核的参保人权重分配给其他地区（未被扣减的地区），纳入该统筹地区社会保障基金财政专户管理，并列入地方财政应到位补助资金统计。

    The fund to share is the manifest's ``[funds] reward``. The regions deducted are those whose
    settlement row has an arrival deduction (AR002) or an over-report deduction (FE001) above
    zero, as recomputed (else as declared); they get nothing. Every other region of the
    settlement or reward table gets reward × its verified insured persons ÷ the sum over those
    regions: the settlement's verified count (EN009 or declared − over-reported), or the reward
    table's weight where the settlement gives none. A region missing from the reward table
    declared nothing. Each share is compared with the declared one within half a unit of its
    precision. The declared share also raises the region's local money due for AR001
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
    for name in sorted(set(weights) | deducted):
        row = declared.get(name)
        allocated = row["allocated"] if row is not None and row.get("allocated") is not None else ZERO
        tolerance = (row or {}).get("_tol_allocated") or ZERO
        if name in deducted:
            expected = ZERO
            basis = "该地区本年度因地方财政补助资金不到位或多报、虚报参保人数被扣减，不参与奖励补助资金分配"
        else:
            expected = fund * weights[name] / total_weight if total_weight else ZERO
            basis = (f"奖励补助资金{yuan(fund)}按未被扣减地区经审核参保人数合计{total_weight:,}人分配，"
                     f"该地区{weights[name]:,}人，应分{yuan(expected)}")
        if matches(allocated, expected, tolerance):
            continue
        listed = "" if row is not None else "（奖励补助资金分配表未列该地区）"
        difference = allocated - expected
        yield Finding(
            region=name, subject="reward",
            condition=(f"{name}分配奖励补助资金{yuan(allocated)}{listed}，按规定应为{yuan(expected)}，"
                       f"{'多' if difference > 0 else '少'}{wan(abs(difference))}：{basis}。"),
            recommendation="按未被扣减地区经审核的参保人数重新分配奖励补助资金，纳入统筹地区社会保障基金财政专户管理。",
            effect=Effect(amount=abs(difference)),
            figures={"declared": allocated, "expected": expected, "difference": difference,
                     "weight": weights.get(name), "total_weight": total_weight, "fund": fund},
            evidence=Evidence(count=1, where=table.where(row["_row"], "allocated") if row is not None else table.where()))


@check("US001", "区直院校学生参保补助计算错误", cites="内财社〔2025〕357号 第七条",
       needs=["students"], params=["standard@Y", "central_share"])
def university_students(sub, rules) -> Iterator[Finding]:
    """自治区直属大中专院校学生参加高校所在地城乡居民基本医疗保险，自治区财政按照经审核认定的实际参保人数和国家规定的财政补助标准，对中央补助以外的部分给予全额补助，不计入所在盟市的地方财政应到位资金。

    Expected subsidy = verified students × std[Y] × (1 − c), per institution, compared with the
    declared amount within half a unit of its precision.
    """
    table = sub.table("students")
    standard = rules.get("standard", sub.year)
    central = rules.get("central_share").value
    for row in table.rows():
        expected = row["students"] * standard.decimal * (ONE - central)
        if matches(row["amount"], expected, row.get("_tol_amount") or ZERO):
            continue
        difference = row["amount"] - expected
        region = region_name(row["region"], rules)
        yield Finding(
            region=region, subject=f"students:{row['institution']}",
            condition=(f"{row['institution']}（{region}）申报自治区补助资金{yuan(row['amount'])}，按规定应为"
                       f"{yuan(expected)}，{'多' if difference > 0 else '少'}{wan(abs(difference))}：经审核参保学生"
                       f"{row['students']:,}人×{sub.year}年补助标准{standard.value}元×（1－中央分担比例{central * 100:.0f}%）。"),
            recommendation=f"按经审核认定的参保学生人数和{sub.year}年国家公布的政府补助标准（{standard.cite()}）重新核定自治区补助资金。",
            effect=Effect(amount=abs(difference)),
            figures={"declared": row["amount"], "expected": expected, "difference": difference,
                     "students": row["students"]},
            evidence=Evidence(count=1, where=table.where(row["_row"], "amount")))
