"""Medical-assistance allocation recomputed (内蒙古自治区医疗救助补助资金管理办法 第六条).

Two funds are shared out among the 盟市 by factors. For region i of the fund's rows, with the
weights of the rulebook (``assistance.<fund>.*``):

    城乡医疗救助   need_share_i = need_i·tier_i / Σ_j need_j·tier_j
    疾病应急救助   base_i       = (w_pop·pop_i / Σ pop + w_inc·inc_i / Σ inc) × fiscal_i
                  need_share_i = base_i / Σ_j base_j
    both          perf_share_i = perf_i / Σ_j perf_j
                  allocated_i  = total × (w_need·need_share_i + w_perf·perf_share_i)

The seed heads the second formula 疟疾应急救助资金, a typo for 疾病应急救助资金 (第二条 names the
fund): it is called 疾病应急救助 everywhere here, and the typo is accepted as a fund name on input.

Shares are computed as exact fractions and only the allocation is turned into a Decimal (40
significant digits, far below the fen), so a declared figure is compared with the formula's
value itself, within half a unit of the declared precision — or within one unit when the
declared parts add up exactly to the total (largest-remainder rounding, ``money.apportioned``).
``total`` is ``[funds]`` of the manifest; when the manifest omits it the table's own 合计 row
stands in, else the declared allocations' sum (AL003 says which).

A factor that is zero for every region leaves its term 0/0 (AL004). Its reading: every region
stands equal on that factor, so the term shares its weight equally, 1/n each — the limit of the
formula as the factors become equal, and the only reading that keeps 第六条's weights (90% need,
10% performance; 60% population, 40% incidence) as written. ``FundAllocation.degenerate`` names
the factors read so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

from auditkit.findings import RegionAssessment
from auditkit.package import Submission
from auditkit.rulebook import Rulebook
from auditkit.schemas import TABLES
from auditkit.settlement import region_name

FUND_NAMES = {"urban_rural": "城乡医疗救助", "emergency": "疾病应急救助"}
FUND_TITLES = {"urban_rural": "城乡医疗救助补助资金", "emergency": "疾病应急救助资金"}  # in findings
# the factor columns each fund's formula reads, beside performance
FACTORS = {"urban_rural": ("need", "tier_share"), "emergency": ("population", "incidence", "fiscal")}
ZERO = Decimal(0)


def fund_key(written: str) -> str | None:
    """'城乡医疗救助补助资金' -> 'urban_rural'; '疟疾应急救助资金' -> 'emergency' (the table's
    schema reads the fund column so when the package is loaded: ``auditkit.schemas.FUNDS``)."""
    return TABLES["assistance"].column("fund").canonical(written)


def to_decimal(value: Fraction) -> Decimal:
    with localcontext() as context:
        context.prec = 40
        return Decimal(value.numerator) / Decimal(value.denominator)


@dataclass
class RegionAllocation:
    region: str
    fund: str
    row: dict[str, Any]
    declared: Decimal
    tolerance: Decimal
    need_share: Fraction | None = None  # the region's share of the need part (after fiscal)
    performance_share: Fraction | None = None
    allocated: Decimal | None = None  # recomputed; None when a factor is missing


@dataclass
class FundAllocation:
    fund: str
    total: Decimal | None  # to share out, 元
    total_from_manifest: bool
    regions: list[RegionAllocation] = field(default_factory=list)
    total_source: str = "manifest"  # manifest | total-row (the table's 合计) | declared-sum
    missing: list[tuple[int, str]] = field(default_factory=list)  # (row, column) of absent factors
    repeated: list[tuple[str, list[int]]] = field(default_factory=list)  # a region named in two rows
    weights: dict[str, Decimal] = field(default_factory=dict)
    total_row: dict[str, Any] | None = None  # a 合计 row, if the table has one
    degenerate: list[str] = field(default_factory=list)  # factor columns zero in every row (AL004)

    @property
    def declared_sum(self) -> Decimal:
        return sum((r.declared for r in self.regions), ZERO)

    @property
    def declared_tolerance(self) -> Decimal:
        return sum((r.tolerance for r in self.regions), ZERO)

    @property
    def adds_up(self) -> bool:
        """The declared parts add up exactly to the total shared out (largest remainder)."""
        return self.total is not None and self.declared_sum == self.total


@dataclass
class AllocationAssessment(RegionAssessment):
    """核定结果 of one region and fund: the recomputed allocation, the declared one beside it.

    A RegionAssessment whose resident-subsidy figures stay None, so that what reads an
    assessment row by those names keeps working; ``fund`` tells the two kinds apart."""

    fund: str = ""
    allocated: Decimal | None = None
    need_share: Decimal | None = None
    performance_share: Decimal | None = None


def _weights(rules: Rulebook | None, fund: str) -> dict[str, Decimal] | None:
    names = ("need_weight", "performance_weight") + (
        ("population_weight", "incidence_weight") if fund == "emergency" else ())
    if rules is None or not all(rules.has(f"assistance.{fund}.{n}") for n in names):
        return None
    return {n: rules.get(f"assistance.{fund}.{n}").decimal for n in names}


def _shares(values: list[Fraction], column: str, degenerate: list[str]) -> list[Fraction]:
    """Each value's share of their sum; equal shares when every value is zero (AL004's reading),
    the column then named in ``degenerate``."""
    total = sum(values, Fraction(0))
    if total == 0:
        if column not in degenerate:
            degenerate.append(column)
        return [Fraction(1, len(values))] * len(values)
    return [v / total for v in values]


def allocate(sub: Submission, rules: Rulebook | None) -> dict[str, FundAllocation]:
    """Each fund's allocation recomputed, keyed 'urban_rural' / 'emergency' (rows present only)."""
    return sub.cached("assistance-allocation", lambda: _allocate(sub, rules))


def _allocate(sub: Submission, rules: Rulebook | None) -> dict[str, FundAllocation]:
    table = sub.table("assistance")
    funds: dict[str, FundAllocation] = {}
    seen: dict[tuple[str, str], int] = {}
    # the regions' rows: the loader keeps 合计 rows apart (table.totals, below) and refuses a
    # region's row without a fund, so every row here names its fund in canonical form
    for row in table.rows():
        fund = row["fund"]
        total = sub.manifest.funds.get(fund)
        entry = funds.setdefault(fund, FundAllocation(fund, total, total is not None))
        region = region_name(row["region"], rules)
        if (region, fund) in seen:
            # one region under two of its names ('呼市', '呼和浩特市'): the loader refuses the same
            # name twice, this only the rulebook can tell; the fund is then not recomputed
            entry.repeated.append((region, [seen[(region, fund)], row["_row"]]))
            continue
        seen[(region, fund)] = row["_row"]
        entry.regions.append(RegionAllocation(region, fund, row, row["allocated"] or ZERO,
                                              row.get("_tol_allocated") or ZERO))
    for total_row in table.totals:  # each fund's 合计 row, read apart from the regions by the loader
        fund = fund_key(total_row.get("fund") or "")
        if fund is None and len(funds) == 1:
            fund = next(iter(funds))
        if fund in funds:
            funds[fund].total_row = total_row
    for fund, entry in funds.items():
        if entry.total is None and entry.total_row is not None and entry.total_row.get("allocated") is not None:
            entry.total, entry.total_source = entry.total_row["allocated"], "total-row"
        elif entry.total is None:
            entry.total, entry.total_source = entry.declared_sum, "declared-sum"
        weights = _weights(rules, fund)
        if weights is None or not entry.regions or entry.repeated:
            continue
        entry.weights = weights
        for r in entry.regions:
            for column in ("performance", *FACTORS[fund]):
                if r.row.get(column) is None:
                    entry.missing.append((r.row["_row"], column))
        if entry.missing:
            continue
        recompute(entry, weights)
    return funds


def recompute(entry: FundAllocation, weights: dict[str, Decimal]) -> None:
    """Fill in each region's shares and allocation from the factors of its row (all present)."""
    rows = [r.row for r in entry.regions]
    w = {name: Fraction(value) for name, value in weights.items()}
    zero = entry.degenerate
    if entry.fund == "urban_rural":
        need = _shares([Fraction(r["need"]) * Fraction(r["tier_share"]) for r in rows], "need", zero)
    else:
        population = _shares([Fraction(r["population"]) for r in rows], "population", zero)
        incidence = _shares([Fraction(r["incidence"]) for r in rows], "incidence", zero)
        base = [(w["population_weight"] * p + w["incidence_weight"] * i) * Fraction(r["fiscal"])
                for p, i, r in zip(population, incidence, rows)]
        need = _shares(base, "fiscal", zero)
    performance = _shares([Fraction(r["performance"]) for r in rows], "performance", zero)
    total = Fraction(entry.total)
    for region, n, p in zip(entry.regions, need, performance):
        region.need_share, region.performance_share = n, p
        region.allocated = to_decimal(total * (w["need_weight"] * n + w["performance_weight"] * p))


def assess_allocation(sub: Submission, rules: Rulebook | None) -> list[AllocationAssessment]:
    """The assessment of a medical-assistance package: per region and fund."""
    out = []
    for fund, entry in allocate(sub, rules).items():
        for r in entry.regions:
            item = AllocationAssessment(
                region=r.region, fund=FUND_NAMES[fund], allocated=r.allocated,
                need_share=to_decimal(r.need_share) if r.need_share is not None else None,
                performance_share=to_decimal(r.performance_share) if r.performance_share is not None else None,
                declared={"allocated": r.declared})
            if r.allocated is None:
                item.allocated, item.basis["allocated"] = r.declared, "declared"
            out.append(item)
    return out
