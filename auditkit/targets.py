"""Performance targets as offices write them (塔地财社〔2021〕87号 附件2, 绩效目标表).

A target is read into one form (in the manner of pointblank's thresholds): a comparison
(``>68%``, ``> 90%``, ``≥90%``, ``不低于95%``), an equality (``0``, ``0%``, ``100%``, ``-96``), a
range (``6-9个月``), or qualitative text (``逐步推开``, ``成效明显``, ``普遍开展``) that is listed, never
judged. Numbers carry their unit: ``%`` is a fraction (``68%`` is 0.68), ``万人`` and ``万元`` are
scaled to persons and 元, ``个月`` and ``月`` are months.

An actual value is read in the same way. One written without a unit takes the unit named in the
indicator's brackets (``参保人数(人)``) when that measures the same thing as the target's unit,
else the target's own unit; a bare number read as a percentage follows RULES.md's share rule
(0.95 and 95 both mean 95%).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# unit -> (dimension, factor to the dimension's base)
UNITS = {
    "%": ("rate", Decimal("0.01")),
    "人": ("persons", Decimal(1)),
    "万人": ("persons", Decimal(10000)),
    "元": ("money", Decimal(1)),
    "万元": ("money", Decimal(10000)),
    "个月": ("months", Decimal(1)),
    "月": ("months", Decimal(1)),
}
_UNIT = "|".join(sorted(map(re.escape, UNITS), key=len, reverse=True))
_NUMBER = r"[+-]?\d+(?:\.\d+)?"
_OPERATORS = (  # longest first
    (">=", ">="), ("≥", ">="), ("不低于", ">="), ("不少于", ">="), ("大于等于", ">="), ("以上", ">="),
    ("<=", "<="), ("≤", "<="), ("不高于", "<="), ("不超过", "<="), ("小于等于", "<="), ("以下", "<="),
    (">", ">"), ("大于", ">"), ("高于", ">"), ("超过", ">"),
    ("<", "<"), ("小于", "<"), ("低于", "<"),
    ("=", "="), ("等于", "="),
)
OPERATOR_WORDS = {">": "大于", ">=": "不低于", "<": "小于", "<=": "不高于", "=": "等于"}
_HEDGES = ("约", "左右")


@dataclass(frozen=True)
class Quantity:
    value: Decimal  # in the dimension's base: a fraction for %, persons, 元, months
    unit: str | None  # as written; None for a bare number
    places: int


@dataclass(frozen=True)
class Target:
    written: str
    kind: str  # "compare" | "range" | "qualitative"
    operator: str | None = None  # for "compare": > >= < <= =
    low: Decimal | None = None  # "compare": the bound; "range": the lower bound
    high: Decimal | None = None  # "range": the upper bound
    unit: str | None = None

    @property
    def dimension(self) -> str | None:
        return UNITS[self.unit][0] if self.unit else None

    def describe(self) -> str:
        """'大于68%', '6至9个月', '等于0'."""
        if self.kind == "qualitative":
            return self.written
        if self.kind == "range":
            return f"{_show(self.low, self.unit)}至{_show(self.high, self.unit)}"
        return f"{OPERATOR_WORDS[self.operator]}{_show(self.low, self.unit)}"

    def met_by(self, actual: Decimal) -> bool:
        if self.kind == "range":
            return self.low <= actual <= self.high
        return {">": actual > self.low, ">=": actual >= self.low, "<": actual < self.low,
                "<=": actual <= self.low, "=": actual == self.low}[self.operator]


def _show(value: Decimal, unit: str | None) -> str:
    if unit is None:
        return f"{value.normalize():f}"
    shown = (value / UNITS[unit][1]).normalize()
    return f"{shown:f}{unit}"


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", "", text).replace("％", "%").replace("—", "-").replace("–", "-").replace("~", "-")


def parse_quantity(text: str) -> Quantity | None:
    """'> 64.89万人' without its operator: '64.89万人' -> 648,900 persons; '68%' -> 0.68."""
    match = re.fullmatch(rf"({_NUMBER})({_UNIT})?", text)
    if not match:
        return None
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        return None
    unit = match.group(2)
    places = len(match.group(1).split(".", 1)[1]) if "." in match.group(1) else 0
    return Quantity(number * UNITS[unit][1] if unit else number, unit, places)


def parse_target(written: str) -> Target:
    """Read a target as written; anything that is not a number with an optional operator or a
    range is qualitative."""
    text = _clean(written)
    for word in _HEDGES:
        text = text.replace(word, "")
    range_match = re.fullmatch(rf"({_NUMBER})(?:{_UNIT})?(?:-|至|到)({_NUMBER})({_UNIT})?", text)
    if range_match and not text.startswith("-"):
        unit = range_match.group(3)
        factor = UNITS[unit][1] if unit else Decimal(1)
        low, high = Decimal(range_match.group(1)) * factor, Decimal(range_match.group(2)) * factor
        if low <= high:
            return Target(written, "range", low=low, high=high, unit=unit)
    operator = "="
    for word, symbol in _OPERATORS:
        if text.startswith(word):
            operator, text = symbol, text[len(word):]
            break
        if word in ("以上", "以下") and text.endswith(word):
            operator, text = symbol, text[: -len(word)]
            break
    quantity = parse_quantity(text)
    if quantity is None:
        return Target(written, "qualitative")
    return Target(written, "compare", operator=operator, low=quantity.value, unit=quantity.unit)


def indicator_unit(indicator: str) -> str | None:
    """The unit in an indicator's trailing brackets: '参保人数(人)' -> '人'."""
    match = re.search(r"\(([^()]*)\)$", _clean(indicator))
    return match.group(1) if match and match.group(1) in UNITS else None


def parse_actual(written: str | None, target: Target, indicator: str = "") -> Decimal | None:
    """An actual value in the target's base unit, or None when it is absent or unreadable, or
    measures something else than the target (persons against a percentage)."""
    text = _clean(written or "")
    for word in _HEDGES:
        text = text.replace(word, "")
    if not text or target.kind == "qualitative":
        return None
    quantity = parse_quantity(text)
    if quantity is None:
        return None
    if quantity.unit is not None:
        if target.unit is not None and UNITS[quantity.unit][0] != target.dimension:
            return None
        return quantity.value
    unit = indicator_unit(indicator)
    if unit is None or target.unit is None or UNITS[unit][0] != target.dimension:
        unit = target.unit
    if unit is None:
        return quantity.value
    if unit == "%":  # RULES.md: a number above 1 is a percentage
        return quantity.value / 100 if abs(quantity.value) > 1 else quantity.value
    return quantity.value * UNITS[unit][1]
