"""The resident-subsidy settlement recomputed (内财社〔2025〕357号 第十条): the assessment.

For each region of the settlement table, from the verified enrolled count, the rulebook's
standard for the year and the funding level's share:

    entitled           = enrolled × std[Y] × share
    due (local)        = (enrolled − students) × std[Y] × (1 − c − r) + reward
                         (第七条: the region pays for its universities' students; 第十三条:
                         reward money counts as local money due)
    arrival_rate       = arrived by Dec 31 / due
    arrival_deduction  = entitled × (1 − arrival_rate) × 10%        (0 when the rate ≥ 100%)
    over_report_deduct = over_reported × std[Y] × c × 5%            (central funds only)
    settlement         = entitled − preallocated − arrival_deduction − over_report_deduction
    next_preallocated  = enrolled × std[Y+1] × share

A figure that cannot be recomputed (no parameter, no column) is carried over from the
declaration and marked so in ``basis``. The checks ST002, ST006, AR001, AR002 and FE001 compare
these figures with the declared ones; the report prints them as 核定结果.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from auditkit.findings import RegionAssessment
from auditkit.money import parse_share
from auditkit.package import Submission
from auditkit.rulebook import Rulebook

ONE = Decimal(1)


@dataclass
class RegionFigures:
    """Everything known about one region: the declared row and what was recomputed."""

    region: str  # today's name when the rulebook knows it, else as written
    row: dict[str, Any]
    enrolled: int | None = None  # verified
    enrolled_basis: str = ""  # roster | declared-minus-over-reported | declared
    over_reported: int | None = None
    standard: Decimal | None = None
    next_standard: Decimal | None = None
    share: Decimal | None = None
    central_share: Decimal | None = None
    regional_share: Decimal | None = None
    entitled: Decimal | None = None
    due: Decimal | None = None
    students: int = 0  # students of universities under the region insured here (第七条)
    reward: Decimal = Decimal(0)  # reward money allocated to the region (第十三条)
    arrived: Decimal | None = None
    funds_row: dict[str, Any] | None = None
    arrival_rate: Decimal | None = None
    arrival_deduction: Decimal | None = None
    over_report_deduction: Decimal | None = None
    settlement: Decimal | None = None
    next_preallocated: Decimal | None = None


@dataclass
class Assessment:
    regions: list[RegionFigures] = field(default_factory=list)

    @property
    def rows(self) -> list[RegionAssessment]:
        return [_as_row(f) for f in self.regions]


def region_name(written: str, rules: Rulebook | None) -> str:
    if rules is None:
        return "".join(written.split())
    resolved = rules.resolve(written)
    return resolved.region.name if resolved.region else "".join(written.split())


def _param(rules: Rulebook | None, name: str, year: int | None = None) -> Decimal | None:
    if rules is None or not rules.has(name, year):
        return None
    return rules.get(name, year).value


def verified_enrollment(sub: Submission, rules: Rulebook | None) -> dict[str, int] | None:
    """The roster's verified count per region (EN009) when the package has a roster.

    The enrollment engine (``auditkit.enrollment``, the roster issue) computes it once per run
    and caches it in the submission; without a roster the settlement uses the declared counts.
    """
    if "roster" not in sub.large:
        return None
    from auditkit.enrollment import verified_counts

    return verified_counts(sub, rules)


def assess(sub: Submission, rules: Rulebook | None) -> Assessment:
    return sub.cached("assessment", lambda: _assess(sub, rules))


def _assess(sub: Submission, rules: Rulebook | None) -> Assessment:
    year = sub.year
    central = sub.manifest.funding_level == "central"
    std = _param(rules, "standard", year)
    next_std = _param(rules, "standard", year + 1)
    c = _param(rules, "central_share")
    arrival_rate_cut = _param(rules, "arrival_deduction_rate")
    over_report_rate = _param(rules, "over_report_deduction_rate")
    passes_on = rules.get("regional_passes_arrival_deduction").value if (
        rules is not None and rules.has("regional_passes_arrival_deduction")) else True

    funds = {}
    if "local_funds" in sub.tables:
        for row in sub.table("local_funds").rows():
            funds[region_name(row["region"], rules)] = row
    paid_in = local_paid_in(sub, rules) if "payments" in sub.tables else None
    students = _per_region(sub, rules, "students", "students")
    rewards = _per_region(sub, rules, "reward", "allocated")
    roster_counts = verified_enrollment(sub, rules)

    result = Assessment()
    for row in sub.table("settlement").rows():
        name = region_name(row["region"], rules)
        f = RegionFigures(region=name, row=row, standard=std, next_standard=next_std, central_share=c)
        over = row.get("over_reported")
        declared_enrolled = row.get("enrolled")
        if roster_counts is not None and name in roster_counts:
            f.enrolled, f.enrolled_basis = roster_counts[name], "roster"
            if declared_enrolled is not None:
                over = max(declared_enrolled - f.enrolled, 0)
        elif declared_enrolled is not None and over is not None:
            f.enrolled, f.enrolled_basis = declared_enrolled - over, "declared-minus-over-reported"
        elif declared_enrolled is not None:
            f.enrolled, f.enrolled_basis = declared_enrolled, "declared"
        f.over_reported = over

        regional = _param(rules, f"regional_share.{name}")
        if regional is None and row.get("regional_share") is not None:
            regional = row["regional_share"]
        f.regional_share = parse_share(regional) if regional is not None else None
        if central:
            f.share = c
        else:
            f.share = f.regional_share if f.regional_share is not None else row.get("share")

        if None not in (f.enrolled, std, f.share):
            f.entitled = f.enrolled * std * f.share
        f.students = students.get(name, 0)
        f.reward = rewards.get(name, Decimal(0))
        if None not in (f.enrolled, std, c, f.regional_share):
            # 第七条: the region pays the whole non-central part for its universities' students,
            # so they leave the 盟市's local due; 第十三条: reward money counts as local money due.
            f.due = (f.enrolled - f.students) * std * (ONE - c - f.regional_share) + f.reward
        if None not in (f.enrolled, next_std, f.share):
            f.next_preallocated = f.enrolled * next_std * f.share

        funds_row = funds.get(name)
        f.funds_row = funds_row
        f.arrived = funds_row.get("arrived") if funds_row is not None else None
        if paid_in is not None:  # the vouchers, not the declared figure, say what arrived
            f.arrived = paid_in.get(name, Decimal(0))
        if f.arrived is not None:
            due = f.due if f.due is not None else (funds_row or {}).get("due")
            if due is not None:
                f.arrival_rate = f.arrived / due if due > 0 else ONE
        entitled = f.entitled if f.entitled is not None else row.get("entitled")
        if f.arrival_rate is not None and entitled is not None and arrival_rate_cut is not None:
            if f.arrival_rate >= ONE or (not central and not passes_on):
                f.arrival_deduction = Decimal(0)
            else:
                f.arrival_deduction = entitled * (ONE - f.arrival_rate) * arrival_rate_cut
        if not central:
            f.over_report_deduction = Decimal(0)
        elif None not in (over, std, c, over_report_rate):
            f.over_report_deduction = over * std * c * over_report_rate

        terms = [
            entitled,
            row.get("preallocated"),
            f.arrival_deduction if f.arrival_deduction is not None else row.get("arrival_deduction") or Decimal(0),
            f.over_report_deduction if f.over_report_deduction is not None else row.get("over_report_deduction") or Decimal(0),
        ]
        if None not in terms:
            f.settlement = terms[0] - terms[1] - terms[2] - terms[3]
        result.regions.append(f)
    return result


def _per_region(sub: Submission, rules: Rulebook | None, table: str, column: str) -> dict:
    """A column of a small per-region table summed by region (e.g. students per 盟市)."""
    totals: dict = {}
    if table in sub.tables and sub.table(table).has(column):
        for row in sub.table(table).rows():
            if row[column] is not None:
                name = region_name(row["region"], rules)
                totals[name] = totals.get(name, 0) + row[column]
    return totals


SPECIAL_ACCOUNT = "财政专户"
LOCAL_LEVELS = ("prefecture", "county")
UPPER_LEVELS = ("central", "regional")


def local_paid_in(sub: Submission, rules: Rulebook | None) -> dict[str, Decimal]:
    """Local money that arrived by the year-end cut-off, per region, from the payment vouchers.

    A voucher counts when a local level (prefecture, county) paid it into the fund's special
    account (a payee account whose name contains 财政专户) on or before Dec 31 of Y
    (``auditkit.deadlines.cut_off``; money paid on Jan 2 never counts for the year before), it is
    this year's money (a voucher of last year counts only when its document makes it this year's,
    as an advance 提前下达 does), and it was not paid under a central or regional document of the
    documents table: that is upper money the region passes on, not its own.
    """
    from auditkit.deadlines import canonical, cut_off, doc_key, documents_by_number, year_of_money

    last_day = cut_off(sub.year, rules)
    documents = documents_by_number(sub)
    upper_documents = {number for number, rows in documents.items()
                       if canonical("documents", "level", rows[0]["level"]) in UPPER_LEVELS}
    arrived: dict[str, Decimal] = {}
    for row in sub.table("payments").rows():
        number = doc_key(row.get("doc_no"))
        if (canonical("payments", "source_level", row["source_level"]) not in LOCAL_LEVELS
                or SPECIAL_ACCOUNT not in "".join(row["payee_account"].split())
                or row["paid_on"] > last_day
                or number in upper_documents
                or year_of_money(row, documents, sub.year) != sub.year):
            continue
        if row["paid_on"].year < sub.year and number not in documents:
            continue  # paid last year with no document saying it is this year's money
        name = region_name(row["region"], rules)
        arrived[name] = arrived.get(name, Decimal(0)) + row["amount"]
    return arrived


def _as_row(f: RegionFigures) -> RegionAssessment:
    row = f.row
    out = RegionAssessment(region=f.region, preallocated=row.get("preallocated"))
    pairs = {
        "enrolled": (f.enrolled, row.get("enrolled")),
        "entitled": (f.entitled, row.get("entitled")),
        "arrival_rate": (f.arrival_rate, None),
        "arrival_deduction": (f.arrival_deduction, row.get("arrival_deduction")),
        "over_report_deduction": (f.over_report_deduction, row.get("over_report_deduction")),
        "settlement": (f.settlement, row.get("settlement")),
        "next_preallocated": (f.next_preallocated, row.get("next_preallocated")),
    }
    for name, (computed, declared) in pairs.items():
        if computed is None and declared is not None:
            computed = declared
            out.basis[name] = "declared"
        setattr(out, name, computed)
        if declared is not None:
            out.declared[name] = declared
    return out
