"""The audit finding (condition, criteria, effect, recommendation) and the assessment row.

A finding is written so that a report can be made from it alone. Its ``key`` matches the same
finding across runs for rectification tracking: a hash of the code, the region and what the
finding is about (a column, a document, an indicator), never of the figures.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}

# 18-digit resident ID numbers (and 15-digit first-generation ones) wherever they appear in text.
_ID_IN_TEXT = re.compile(r"(?<![0-9])\d{17}[0-9Xx](?![0-9Xx])|(?<![0-9])\d{15}(?![0-9])")


def mask_id(person_id: str) -> str:
    """'150102199001011234' -> '150102********1234': the address code and the last four stay."""
    text = str(person_id).strip()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_ids_in(text: str) -> str:
    """Mask every ID number inside a piece of text (messages, evidence cells)."""
    return _ID_IN_TEXT.sub(lambda m: mask_id(m.group(0)), text)


def mask_value(value: Any) -> Any:
    """Mask an ID number in an evidence cell, whether it came as text or, from a sheet that
    typed the column as numbers, as an 18- or 15-digit integer; leave other values alone."""
    if isinstance(value, str):
        return mask_ids_in(value)
    if isinstance(value, int) and not isinstance(value, bool) and len(str(abs(value))) in (15, 18):
        return mask_id(str(value))
    return value


@dataclass
class Effect:
    amount: Decimal = Decimal(0)  # money at stake, 元
    persons: int = 0


@dataclass
class Evidence:
    count: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)  # a few samples; IDs masked on output
    where: str = ""  # file, sheet, row, column the finding rests on


@dataclass
class Finding:
    condition: str
    recommendation: str
    region: str | None = None
    subject: str = ""  # what the finding is about, for the key: a column, a document, an indicator
    effect: Effect = field(default_factory=Effect)
    figures: dict[str, Any] = field(default_factory=dict)
    evidence: Evidence = field(default_factory=Evidence)
    severity: str | None = None  # None: the check's default
    cause: str = ""
    unit: str = "yuan"  # the filer's unit that the condition quotes amounts in (yuan | wan)
    # filled by the runner from the check's registration
    code: str = ""
    title: str = ""
    criteria: str = ""

    @property
    def key(self) -> str:
        basis = "\x1f".join((self.code, self.region or "", self.subject))
        return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12]


def filer_unit(sub, table: str | None = None) -> str:
    """The unit the filer wrote a table's amounts in ('yuan' | 'wan'): the loaded table's own
    (header unit line, ``[units]``, ``amount_unit``), else the manifest's ``amount_unit`` (for
    figures of the manifest itself, such as ``[funds]``). The one place that decides it."""
    if table is not None and table in sub.tables:
        return sub.table(table).unit
    return sub.manifest.amount_unit


def differs(what: str, declared: Decimal, expected: Decimal, *, region: str | None, subject: str,
            where: str, recommendation: str, unit: str = "yuan", tolerance: Decimal | None = None,
            basis: str = "", who: str | None = None, verb: str = "申报", rule: str = "按规定应为",
            more: str = "多", less: str = "少", figures: dict[str, Any] | None = None,
            severity: str | None = None, count: int = 1, effect: Effect | None = None) -> Finding:
    """The one finding "a declared amount differs from what the rule gives".

    Condition: '{who}{verb}{what}{declared}，{rule}{expected}，{多|少}{|difference|}。{basis}', every
    amount quoted in the filer's ``unit`` (``money.quote``; with the decimals the declared figure
    was written with when its single-figure ``tolerance`` shows more than two). ``who`` defaults
    to the region. Figures: the standard keys of DESIGN.md, ``declared``, ``expected`` and
    ``difference`` (declared − expected, in 元), plus any the check adds (``figures``; a check
    whose keys predate the standard ones keeps them beside). Effect: |difference| 元, or the
    caller's ``effect`` where the difference puts no money at stake (a form's own arithmetic,
    UF001). The subject is the caller's, so the finding's key does not change with the wording.
    """
    from auditkit.money import quote, written_places

    difference = declared - expected
    places = written_places(tolerance, unit)
    text = lambda value: quote(value, unit, places)  # noqa: E731
    lead = region or "" if who is None else who
    if basis and not basis.endswith(("。", "）", ")")):
        basis += "。"
    return Finding(
        region=region,
        subject=subject,
        condition=(f"{lead}{verb}{what}{text(declared)}，{rule}{text(expected)}，"
                   f"{more if difference > 0 else less}{text(abs(difference))}。{basis}"),
        recommendation=recommendation,
        effect=Effect(amount=abs(difference)) if effect is None else effect,
        figures={"declared": declared, "expected": expected, "difference": difference, **(figures or {})},
        evidence=Evidence(count=count, where=where),
        severity=severity,
        unit=unit,
    )


@dataclass
class RegionAssessment:
    """核定结果 of one region: what the reviewer concludes, the declared figures beside it."""

    region: str
    enrolled: int | None = None
    entitled: Decimal | None = None
    preallocated: Decimal | None = None
    arrival_rate: Decimal | None = None
    arrival_deduction: Decimal | None = None
    over_report_deduction: Decimal | None = None
    settlement: Decimal | None = None
    next_preallocated: Decimal | None = None
    declared: dict[str, Any] = field(default_factory=dict)
    basis: dict[str, str] = field(default_factory=dict)  # figure -> "declared" where not recomputed
