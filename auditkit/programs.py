"""The programs auditkit audits, each declared once: what the rest of auditkit reads about it.

A program is what the manifest's ``submission.program`` names. Its declaration says which
tables a package may hold (in the order a filer fills them in), which of them the blank
template asks to be filled, the words its documents' titles use, the check families that apply to it, and how its assessment (the recomputed settlement or allocation) is
made. The loader, the runner, the template writer, the review document and the JSON read these
declarations; none of them names a program itself.

Check families (the letters of a check code, the heading a review groups their findings under
and their order) are declared by each checks module itself (``auditkit.registry.family``,
issue 17); ``family_of`` reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


OTHER_FAMILY = "其他方面"  # the heading of a code no family declares (a user's own check without one)


def families():
    """The check families in the review's order, as the checks modules declare them
    (``auditkit.registry.family``); the built-in checks are loaded first when none is yet."""
    from auditkit.registry import FAMILIES, load_checks

    if not FAMILIES:
        load_checks()
    return sorted(FAMILIES.values(), key=lambda f: (f.order, f.prefix))


def family_of(code: str) -> tuple[int, str]:
    """The family's place in the review's order and its heading; unknown codes come last.
    The longest declared prefix that starts the code wins."""
    ordered = families()
    matching = [(i, f) for i, f in enumerate(ordered) if code.startswith(f.prefix)]
    if not matching:
        return len(ordered), OTHER_FAMILY
    index, found = max(matching, key=lambda pair: len(pair[1].prefix))
    return index, found.heading


@dataclass(frozen=True)
class Assessment:
    """How a program's assessment is made: from which table, by which function, and the figures
    of each row that the JSON result carries (besides ``declared`` and ``basis``)."""

    table: str  # computed only when the package holds this table
    compute: Callable[[Any, Any], list]  # (Submission, Rulebook | None) -> rows
    fields: tuple[str, ...]


def _settlement(sub, rules) -> list:
    from auditkit.settlement import assess

    return assess(sub, rules).rows


def _allocation(sub, rules) -> list:
    from auditkit.allocation import assess_allocation

    return assess_allocation(sub, rules)


@dataclass(frozen=True)
class Program:
    key: str  # as the manifest writes it: submission.program = "resident-subsidy"
    name: str  # in Chinese, for the template's dropdown and for messages
    subject: str  # a document's title: 关于{Y}年度{subject}的审核意见
    tables: tuple[str, ...]  # the tables a package may hold, in the order a filer fills them in
    required: tuple[str, ...]  # tables the template's sheets must fill; the others may stay empty
    families: tuple[str, ...]  # the prefixes of the check families that apply
    assessment: Assessment | None = None
    # the manifest's [funds] and [dates] this program's checks read: key -> what it is, in Chinese
    funds: tuple[tuple[str, str], ...] = ()
    dates: tuple[tuple[str, str], ...] = ()

    @property
    def sheets(self) -> tuple[str, ...]:
        """The tables the blank template gives a sheet: every table but the roster-sized ones
        (CSV or Parquet files of millions of rows), of those the schema registry knows."""
        from auditkit.schemas import TABLES

        return tuple(t for t in self.tables if t in TABLES and not TABLES[t].large)

    @property
    def files(self) -> tuple[str, ...]:
        """The roster-sized tables, given as files beside the workbook."""
        from auditkit.schemas import TABLES

        return tuple(t for t in self.tables if t in TABLES and TABLES[t].large)


_PROGRAMS = (
    Program(
        "resident-subsidy", "城乡居民基本医疗保险补助资金结算", "城乡居民基本医疗保险补助资金结算",
        tables=("settlement", "local_funds", "payments", "documents", "filings", "reward", "students",
                "performance", "individual_contributions", "feedback", "roster", "national_list", "other_coverage", "deaths"),
        required=("settlement",),
        families=("IN", "ST", "AR", "FE", "EN", "US", "RW", "DS", "DL", "PF", "IC", "CC", "MT", "YY", "DF", "UF"),
        assessment=Assessment("settlement", _settlement, (
            "enrolled", "entitled", "preallocated", "arrival_rate", "arrival_deduction",
            "over_report_deduction", "settlement", "next_preallocated")),
        funds=(("reward", "奖励补助资金总额（RW001 按参保人数分配）"),),
    ),
    Program(
        "medical-assistance", "医疗救助补助资金分配", "医疗救助补助资金分配",
        tables=("assistance", "documents", "filings", "performance"),
        required=("assistance",),
        families=("IN", "ST", "AL", "DL", "PF", "CC", "MT", "DF", "UF"),
        assessment=Assessment("assistance", _allocation,
                              ("fund", "allocated", "need_share", "performance_share")),
        funds=(("urban_rural", "城乡医疗救助补助资金总额（AL001 按因素法分配）"),
               ("emergency", "疾病应急救助资金总额（AL002 按因素法分配）"),
               ("prior_execution", "本年度医疗救助资金执行数（DL007 提前下达比例的计算基数）")),
        dates=(("budget_approved_on", "人民代表大会批准本年度预算的日期（DL008）"),),
    ),
    Program(
        "pooling", "医疗保险基金盟级统筹", "医疗保险基金盟级统筹",
        tables=("pooling_uploads", "risk_pool", "deficits", "documents"),
        required=(),
        families=("IN", "ST", "PL", "DL", "PF"),
    ),
    Program(
        "contributions", "基本医疗保险缴费及自治区级统筹", "基本医疗保险缴费及自治区级统筹",
        tables=("contribution_bases", "contributions", "fund_budgets"),
        required=(),
        families=("IN", "ST", "CT", "PF"),
        funds=(("average_wage", "上年度全区全口径城镇单位就业人员平均工资（CT001 缴费基数上下限的计算基数）"),),
    ),
)

PROGRAMS: dict[str, Program] = {program.key: program for program in _PROGRAMS}
