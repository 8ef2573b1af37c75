"""Against last year's result (YY001): ``auditkit check … --prior-year 上年结果``.

Last year's result is the JSON ``auditkit check --output`` wrote, or the review PDF or working
papers that carry it. Two things an analytical review asks about are noted, never judged:
a region whose verified enrollment moved far from the others, and a problem found again.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from auditkit import Finding, check, family
from auditkit.money import percent
from auditkit.prior import load_prior

# The families of this module's codes, as a review groups and orders their findings (issue 17).
family("YY", "与上年审核结果对比方面", order=180)


@check("YY001", "与上年审核结果对比需关注的事项", severity="info", cites="分析性复核；上年审核意见",
       needs=["option:prior_year"], params=["prior_year.enrollment_gap"])
def prior_year(sub, rules) -> Iterator[Finding]:
    """与上年审核结果对比：某统筹地区经审核参保人数的变动幅度明显偏离各地区变动幅度的中位数的，应说明原因；上年审核已指出的问题本年再次出现的，应在审核意见中指明“上年审核已指出”。

    Change of a region = (this year's verified enrolled − last year's) ÷ last year's, from the
    two results' 核定结果; a region whose change differs from the median of all regions' changes
    by more than ``prior_year.enrollment_gap`` (rulebook, a share) is noted. A finding of this
    run whose code and region were in last year's findings is noted as found again (the subject
    may differ: last year's figures are not this year's).
    """
    prior = load_prior(Path(sub.options["prior_year"]))
    gap = rules.get("prior_year.enrollment_gap").value
    yield from _enrollment(sub, rules, prior, gap)  # the problems found again: auditkit.prior.recurring


def _this_year_enrolled(sub, rules) -> dict[str, int]:
    from auditkit.programs import PROGRAMS

    assessment = PROGRAMS[sub.manifest.program].assessment
    if assessment is None or assessment.table not in sub.tables:
        return {}
    rows = assessment.compute(sub, rules)
    return {row.region: row.enrolled for row in rows if getattr(row, "enrolled", None)}


def _enrollment(sub, rules, prior: dict, gap: Decimal) -> Iterator[Finding]:
    last = {row["region"]: int(row["enrolled"]) for row in prior.get("assessment") or []
            if row.get("enrolled")}
    now = _this_year_enrolled(sub, rules)
    changes = {region: Decimal(now[region] - last[region]) / Decimal(last[region])
               for region in sorted(now.keys() & last.keys())}
    if len(changes) < 3:
        return  # a median of two says nothing about "the others"
    median = Decimal(statistics.median(changes.values()))
    for region, change in changes.items():
        if abs(change - median) <= gap:
            continue
        yield Finding(
            region=region, subject="enrollment-change",
            condition=(f"{region}经审核参保人数由上年的{last[region]:,}人变为{now[region]:,}人，"
                       f"变动{percent(_hundredths(change))}，各地区变动幅度的中位数为{percent(_hundredths(median))}，"
                       f"相差超过{percent(gap)}。"),
            recommendation="请说明参保人数变动的原因（人口流动、清理重复参保、政策调整等），必要时提供佐证材料。",
            figures={"prior": last[region], "current": now[region], "change_rate": change, "median_rate": median})


def _hundredths(rate: Decimal) -> Decimal:
    """A computed rate shown to the hundredth of a percent (the finding's figures keep it whole)."""
    return rate.quantize(Decimal("0.0001"))
