"""The resident-subsidy settlement recomputed (内财社〔2025〕357号 第十条): the assessment.

For each region of the settlement table, from the verified enrolled count, the standard for the
year (the rulebook's, else the table's own 人均补助标准) and the funding level's share:

    entitled           = enrolled × std[Y] × share                     (central funds)
                       = (enrolled − students) × std[Y] × r            (regional funds, 第七条:
                         the region pays its universities' students through US001 instead)
    due (local)        = (enrolled − students) × std[Y] × (1 − c − r) + reward
                         (第七条: the region pays for its universities' students; 第十三条:
                         reward money counts as local money due — and as arrived when it
                         reached the 财政专户)
    arrival_rate       = arrived by Dec 31 / due; 1 when arrived falls short of the due by no
                         more than the figures' written precision (half a unit per term)
    arrival_deduction  = entitled × (1 − arrival_rate) × 10%        (0 when the rate ≥ 100%)
    over_report_deduct = over_reported × std[Y] × c × 5%            (central funds only)
    settlement         = entitled − preallocated − arrival_deduction − over_report_deduction
    next_preallocated  = enrolled × std[Y+1] × share

A figure that cannot be recomputed (no parameter, no column) is carried over from the
declaration and marked so in ``basis``; a rate that cannot be computed at all keeps the reason
in ``no_rate``, which AR001/AR002 list as "not run". Without a settlement table the local funds
table alone gives each region's declared due and what arrived (AR001 still runs). The checks
ST002, ST006, AR001, AR002, AR003 and FE001 compare these figures with the declared ones; the
report prints them as 核定结果.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from auditkit.findings import RegionAssessment
from auditkit.money import parse_share, tolerance
from auditkit.package import Submission
from auditkit.rulebook import Rulebook

ONE = Decimal(1)
ZERO = Decimal(0)


@dataclass
class RegionFigures:
    """Everything known about one region: the declared row and what was recomputed."""

    region: str  # today's name when the rulebook knows it, else as written
    row: dict[str, Any]
    enrolled: int | None = None  # verified
    enrolled_basis: str = ""  # roster | declared-minus-over-reported | declared
    over_reported: int | None = None
    standard: Decimal | None = None
    standard_basis: str = ""  # rulebook | table (the table's own 人均补助标准)
    next_standard: Decimal | None = None
    share: Decimal | None = None
    central_share: Decimal | None = None
    regional_share: Decimal | None = None
    entitled: Decimal | None = None
    due: Decimal | None = None
    due_declared: bool = False  # the due is the local funds table's, not recomputed
    students: int = 0  # students of universities under the region insured here (第七条)
    reward: Decimal = ZERO  # reward money allocated to the region (第十三条), in the due
    reward_paid_in: Decimal = ZERO  # reward money the vouchers show reached the 财政专户
    reward_left_out: Decimal = ZERO  # reward the declared 实际到位资金 left out (AR003), added back
    arrived: Decimal | None = None
    declared_arrived: Decimal | None = None
    local_paid_in: Decimal | None = None  # local money of the vouchers, when a payments table is given
    arrival_tolerance: Decimal = ZERO  # half-units of the figures the rate is made of, 元
    funds_row: dict[str, Any] | None = None
    arrival_rate: Decimal | None = None
    no_rate: str = ""  # why the rate cannot be computed
    arrival_deduction: Decimal | None = None
    arrival_deduction_tolerance: Decimal = ZERO  # what the declared figures' precision allows, 元
    over_report_deduction: Decimal | None = None
    settlement: Decimal | None = None
    next_preallocated: Decimal | None = None


@dataclass
class Assessment:
    regions: list[RegionFigures] = field(default_factory=list)

    @property
    def rows(self) -> list[RegionAssessment]:
        return [_as_row(f) for f in self.regions if f.row]


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


@dataclass
class _Inputs:
    """What every region's figures are computed from: parameters and the per-region tables."""

    central: bool
    standard: Decimal | None
    next_standard: Decimal | None
    central_share: Decimal | None
    arrival_cut: Decimal | None
    over_report_rate: Decimal | None
    passes_on: bool
    funds: dict[str, dict]
    vouchers: dict[str, "PaidIn"] | None
    students: dict[str, int]
    rewards: dict[str, Decimal]
    reward_tolerances: dict[str, Decimal]
    roster_counts: dict[str, int] | None
    rules: Rulebook | None = None


def _inputs(sub: Submission, rules: Rulebook | None) -> _Inputs:
    c = _param(rules, "central_share")
    passes_on = rules.get("regional_passes_arrival_deduction").value if (
        rules is not None and rules.has("regional_passes_arrival_deduction")) else True
    funds = {}
    if "local_funds" in sub.tables:
        for row in sub.table("local_funds").rows():
            funds[region_name(row["region"], rules)] = row
    return _Inputs(
        central=sub.manifest.funding_level == "central",
        standard=_param(rules, "standard", sub.year),
        next_standard=_param(rules, "standard", sub.year + 1),
        central_share=parse_share(c) if c is not None else None,
        arrival_cut=_param(rules, "arrival_deduction_rate"),
        over_report_rate=_param(rules, "over_report_deduction_rate"),
        passes_on=passes_on,
        funds=funds,
        vouchers=paid_in(sub, rules) if "payments" in sub.tables else None,
        students=per_region(sub, rules, "students", "students"),
        rewards=per_region(sub, rules, "reward", "allocated"),
        reward_tolerances=per_region(sub, rules, "reward", "_tol_allocated"),
        roster_counts=verified_enrollment(sub, rules),
        rules=rules,
    )


def _assess(sub: Submission, rules: Rulebook | None) -> Assessment:
    inputs = _inputs(sub, rules)
    result = Assessment()
    if "settlement" in sub.tables:
        for row in sub.table("settlement").rows():
            result.regions.append(_settle(region_name(row["region"], rules), row, inputs))
    else:  # no settlement table: AR001 from the declared due and what arrived
        for name, funds_row in inputs.funds.items():
            figures = RegionFigures(region=name, row={})
            _arrival(figures, funds_row, inputs)
            result.regions.append(figures)
    return result


def _settle(name: str, row: dict, inputs: _Inputs) -> RegionFigures:
    """One region of the settlement table, step by step as the module docstring lists them."""
    f = RegionFigures(region=name, row=row, next_standard=inputs.next_standard)
    _enrollment(f, row, inputs.roster_counts)
    _shares(f, row, inputs)
    f.students = row["students"] if row.get("students") is not None else inputs.students.get(name, 0)
    f.reward = inputs.rewards.get(name, ZERO)
    if None not in (f.enrolled, f.standard, f.share):
        # 第七条: in a regional settlement the students' non-central part is paid whole through
        # US001, so the 盟市 is not also given the regional share r for them
        paid_for = f.enrolled if inputs.central else f.enrolled - f.students
        f.entitled = paid_for * f.standard * f.share
    if None not in (f.enrolled, f.standard, f.central_share, f.regional_share):
        f.due = (f.enrolled - f.students) * f.standard * (ONE - f.central_share - f.regional_share) + f.reward
    if None not in (f.enrolled, inputs.next_standard, f.share):
        f.next_preallocated = f.enrolled * inputs.next_standard * f.share
    _arrival(f, inputs.funds.get(name), inputs)
    _deductions(f, row, inputs)
    terms = [
        f.entitled if f.entitled is not None else row.get("entitled"),
        row.get("preallocated"),
        f.arrival_deduction if f.arrival_deduction is not None else row.get("arrival_deduction") or ZERO,
        f.over_report_deduction if f.over_report_deduction is not None else row.get("over_report_deduction") or ZERO,
    ]
    if None not in terms:
        f.settlement = terms[0] - terms[1] - terms[2] - terms[3]
    return f


def _enrollment(f: RegionFigures, row: dict, roster_counts: dict[str, int] | None) -> None:
    """The verified count (RULES.md): the roster's, else declared − over-reported, else declared."""
    over = row.get("over_reported")
    declared = row.get("enrolled")
    if roster_counts is not None and f.region in roster_counts:
        f.enrolled, f.enrolled_basis = roster_counts[f.region], "roster"
        if declared is not None:
            over = max(declared - f.enrolled, 0)
    elif declared is not None and over is not None:
        f.enrolled, f.enrolled_basis = declared - over, "declared-minus-over-reported"
    elif declared is not None:
        f.enrolled, f.enrolled_basis = declared, "declared"
    f.over_reported = over


def _shares(f: RegionFigures, row: dict, inputs: _Inputs) -> None:
    """The standard and the shares: the rulebook's where it knows them, else the table's own.

    A plain 分担比例 column is the funding level's share: c in a central settlement, r in a
    regional one (RULES.md's table format). The table's 人均补助标准 stands in for a rulebook
    that does not know the year or the jurisdiction (issue 11: results-only tables)."""
    f.standard, f.standard_basis = inputs.standard, "rulebook"
    if f.standard is None and row.get("standard") is not None:
        f.standard, f.standard_basis = row["standard"], "table"
    f.central_share = inputs.central_share
    if f.central_share is None and inputs.central and row.get("share") is not None:
        f.central_share = row["share"]
    regional = _param(inputs.rules, f"regional_share.{f.region}")
    if regional is None and row.get("regional_share") is not None:
        regional = row["regional_share"]
    if regional is None and not inputs.central and row.get("share") is not None:
        regional = row["share"]
    f.regional_share = parse_share(regional) if regional is not None else None
    f.share = f.central_share if inputs.central else f.regional_share


def _arrival(f: RegionFigures, funds_row: dict | None, inputs: _Inputs) -> None:
    """What arrived, the due it is measured against, and the rate (第九条, 第十条, 第十三条).

    Arrived is the vouchers' local money plus the reward money they show reached the 财政专户,
    when a payments table is given; else the declared 实际到位资金. A declared figure that covers
    the due without the reward but not with it, where the declared 应到位资金 leaves the reward
    out too (or is not given), is read as leaving the reward out (AR003): the reward is added
    back, so a region that paid its own share in full is not below 100%.
    The rate is 1 when arrived falls short of the due by no more than the half-units of the
    figures it is made of (RULES.md): 1,181.33 万元 paid against a due of 11,813,312.5 元.
    """
    f.funds_row = funds_row
    f.declared_arrived = funds_row.get("arrived") if funds_row is not None else None
    declared_due = funds_row.get("due") if funds_row is not None else None
    if f.due is None and declared_due is not None:
        f.due, f.due_declared = declared_due, True
        if not f.row:  # no settlement table: the declared due is all there is (reward included)
            f.reward = inputs.rewards.get(f.region, ZERO)
    if inputs.vouchers is not None:
        voucher = inputs.vouchers.get(f.region, PaidIn())
        f.local_paid_in, f.reward_paid_in = voucher.local, voucher.reward
        f.arrived = voucher.local + voucher.reward
        f.arrival_tolerance = voucher.tolerance
    elif f.declared_arrived is not None:
        f.arrived = f.declared_arrived
        f.arrival_tolerance = tolerance(funds_row, "arrived")
    if f.due_declared:
        f.arrival_tolerance += tolerance(funds_row, "due")
    if f.arrived is None or f.due is None:
        f.no_rate = _why_no_rate(f, inputs)
        return
    if inputs.vouchers is None and f.reward > 0 and _reward_left_out_of_due(f, declared_due, funds_row):
        with_reward = f.arrived + f.reward + inputs.reward_tolerances.get(f.region, ZERO)
        if f.arrived + f.arrival_tolerance < f.due and with_reward + f.arrival_tolerance >= f.due:
            f.reward_left_out = f.reward
            f.arrived += f.reward
            f.arrival_tolerance += inputs.reward_tolerances.get(f.region, ZERO)
    if f.due <= 0:
        f.arrival_rate = ONE
    elif f.arrived < f.due and f.arrived + f.arrival_tolerance >= f.due:
        f.arrival_rate = ONE  # short only by the rounding of the written figures
    else:
        f.arrival_rate = f.arrived / f.due


def _reward_left_out_of_due(f: RegionFigures, declared_due: Decimal | None, funds_row: dict | None) -> bool:
    """Whether the filer's own figures leave the reward out: no declared due to tell, or a
    declared due that is the recomputed one without the reward. A declared due that includes it
    shows the filer counted the reward, so a short 实际到位资金 is taken as written."""
    if declared_due is None or f.due_declared:
        return declared_due is None
    return abs(declared_due - (f.due - f.reward)) <= tolerance(funds_row, "due")


def _why_no_rate(f: RegionFigures, inputs: _Inputs) -> str:
    if f.arrived is None:
        return "地方财政补助资金到位表未列该地区的实际到位资金，也没有支付凭证"
    missing = [label for label, value in (
        ("经审核认定的参保人数", f.enrolled), ("补助标准", f.standard),
        ("中央财政分担比例", f.central_share), ("自治区分担比例", f.regional_share)) if value is None]
    return f"应到位资金无法计算（缺少{'、'.join(missing) or '有关数据'}），地方财政补助资金到位表也未列应到位资金"


def _deductions(f: RegionFigures, row: dict, inputs: _Inputs) -> None:
    """AR002 and FE001 (第十条), with the tolerance the declared figures they rest on allow."""
    entitled = f.entitled if f.entitled is not None else row.get("entitled")
    if f.arrival_rate is not None and entitled is not None and inputs.arrival_cut is not None:
        if f.arrival_rate >= ONE or (not inputs.central and not inputs.passes_on):
            f.arrival_deduction = ZERO
        else:
            f.arrival_deduction = entitled * (ONE - f.arrival_rate) * inputs.arrival_cut
            # half a unit per term, carried through the formula: the entitled amount when it is
            # the declared one, what arrived and the due when they are declared figures
            slack = inputs.arrival_cut * entitled * f.arrival_tolerance / f.due
            if f.entitled is None:
                slack += inputs.arrival_cut * (ONE - f.arrival_rate) * tolerance(row, "entitled")
            f.arrival_deduction_tolerance = slack
    if not inputs.central:
        f.over_report_deduction = ZERO
    elif None not in (f.over_reported, f.standard, f.central_share, inputs.over_report_rate):
        f.over_report_deduction = f.over_reported * f.standard * f.central_share * inputs.over_report_rate


def per_region(sub: Submission, rules: Rulebook | None, table: str, column: str) -> dict:
    """A column of a small per-region table summed by region (e.g. students per 盟市)."""
    totals: dict = {}
    if table in sub.tables and (sub.table(table).has(column) or column.startswith("_tol_")):
        for row in sub.table(table).rows():
            if row.get(column) is not None:
                name = region_name(row["region"], rules)
                totals[name] = totals.get(name, 0) + row[column]
    return totals


SPECIAL_ACCOUNT = "财政专户"
LOCAL_LEVELS = ("prefecture", "county")
UPPER_LEVELS = ("central", "regional")


@dataclass
class PaidIn:
    """Money the vouchers show arrived in a region's 财政专户 by the cut-off, 元."""

    local: Decimal = ZERO  # paid by the 盟市 and 旗县 themselves
    reward: Decimal = ZERO  # reward money of 第十三条, whoever paid it
    tolerance: Decimal = ZERO  # half-units of the vouchers counted


def paid_in(sub: Submission, rules: Rulebook | None) -> dict[str, PaidIn]:
    """Money that arrived by the year-end cut-off, per region, from the payment vouchers.

    A voucher counts when it was paid into the fund's special account (a payee account whose
    name contains 财政专户) on or before Dec 31 of Y (``auditkit.deadlines.cut_off``; money paid
    on Jan 2 never counts for the year before) and it is this year's money (a voucher of last
    year counts only when its document makes it this year's, as an advance 提前下达 does). It is
    local money when a local level (prefecture, county) paid it and not under a central or
    regional document of the documents table (that is upper money the region passes on). It is
    reward money when its purpose is 奖励补助资金, whoever paid it: 第十三条 counts the reward as
    local money due, so it counts as arrived when it reached the 财政专户.
    """
    from auditkit.deadlines import canonical, cut_off, doc_key, documents_by_number, year_of_money

    last_day = cut_off(sub.year, rules)
    documents = documents_by_number(sub)
    upper_documents = {number for number, rows in documents.items()
                       if canonical("documents", "level", rows[0]["level"]) in UPPER_LEVELS}
    arrived: dict[str, PaidIn] = {}
    for row in sub.table("payments").rows():
        number = doc_key(row.get("doc_no"))
        if (SPECIAL_ACCOUNT not in "".join(row["payee_account"].split())
                or row["paid_on"] > last_day
                or year_of_money(row, documents, sub.year) != sub.year):
            continue
        if row["paid_on"].year < sub.year and number not in documents:
            continue  # paid last year with no document saying it is this year's money
        reward = canonical("payments", "purpose", row.get("purpose")) == "reward"
        local = (canonical("payments", "source_level", row["source_level"]) in LOCAL_LEVELS
                 and number not in upper_documents)
        if not (reward or local):
            continue
        entry = arrived.setdefault(region_name(row["region"], rules), PaidIn())
        if reward:
            entry.reward += row["amount"]
        else:
            entry.local += row["amount"]
        entry.tolerance += tolerance(row, "amount")
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
