"""Exact amounts: parsing what offices write, units, and the tolerance of a declared figure.

Every amount is a ``Decimal`` in 元. A declared figure also carries its tolerance: half a unit of
the precision it was written with, in 元 (RULES.md, "Comparing a declared figure"). 004's
integer 万元 figures carry 5000 元 each; a figure written as ``1234.56`` 元 carries 0.005 元.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from fractions import Fraction

UNIT_FACTORS = {"yuan": Decimal(1), "wan": Decimal(10000), "qian": Decimal(1000), "bai": Decimal(100),
                "yi": Decimal(100000000)}
UNIT_NAMES = {"yuan": "元", "wan": "万元", "qian": "千元", "bai": "百元", "yi": "亿元"}
_UNIT_WORDS = {"元": "yuan", "万元": "wan"}  # the units a manifest may name
UNIT_WORDS = {"元": "yuan", "万元": "wan", "千元": "qian", "百元": "bai", "亿元": "yi"}  # units a sheet may state
# what a cell may write after its figure: '512.00万元', '1.2万人', '12%'
_CELL_UNITS = {"万元": ("money", "wan"), "元": ("money", "yuan"), "千元": ("money", "qian"), "亿元": ("money", "yi"),
               "万人": ("count", 10000), "人": ("count", 1), "万": ("scale", 10000)}
_CELL_UNIT = re.compile(r"^(.*?\d)\s*(万元|千元|亿元|元|万人|人|万)$")
EMPTY_MARKS = frozenset({"-", "--", "—", "——", "/", "\\", "无", "空", "不适用", "…", "……", "－", "―"})
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")

FEN = Decimal("0.01")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


def unit_from_word(word: str) -> str | None:
    """'万元' -> 'wan', '元' -> 'yuan', anything else -> None."""
    return _UNIT_WORDS.get(word.strip())


@dataclass(frozen=True)
class Declared:
    """A figure as declared: its value in 元 and its tolerance in 元."""

    value: Decimal
    tolerance: Decimal


def normalise_number_text(text: str) -> str:
    """Undo what word processors and forms do to numbers: full-width digits, thousands
    separators, spaces, the typographic minus, accounting parentheses for negatives."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).strip()
    text = text.replace(",", "").replace(" ", "").replace("\u2212", "-").replace("－", "-")
    if text.startswith("(") and text.endswith(")"):
        text = "-" + text[1:-1]
    return text


def parse_decimal(text: str) -> tuple[Decimal, int] | None:
    """Parse a written number; return it with its number of decimals, or None if it is not one."""
    text = normalise_number_text(text)
    if not _NUMBER.match(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    places = len(text.split(".", 1)[1]) if "." in text else 0
    return value, places


def has_invisible(text: str) -> bool:
    """Whether a cell holds characters a person does not see (zero-width spaces, a BOM)."""
    return not text.isascii() and _INVISIBLE.search(text) is not None


def without_invisible(text: str) -> str:
    """The text as a person sees it: zero-width spaces, direction marks and a BOM taken out."""
    return text if text.isascii() else _INVISIBLE.sub("", text)


def is_empty_mark(text: str) -> bool:
    """'-', '—', '／', '无' and the like: a cell that says 'nothing here', read as empty."""
    if len(text) > 8 or text[:1].isdigit():  # the marks are short and never start with a digit
        return False
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)) in EMPTY_MARKS


def split_cell_unit(text: str) -> tuple[str, tuple[str, object] | None]:
    """A figure written with its unit: '512.00万元' -> ('512.00', ('money', 'wan')), '1.2万人' ->
    ('1.2', ('count', 10000)); a figure without one comes back as it is, with None."""
    flat = unicodedata.normalize("NFKC", text).strip()
    match = _CELL_UNIT.match(flat)
    if not match:
        return text, None
    return match.group(1), _CELL_UNITS[match.group(2)]


def places_from_format(number_format: str | None) -> int | None:
    """Decimals that an Excel number format shows ('0.00' -> 2, '#,##0' -> 0); None for General."""
    if not number_format or number_format == "General":
        return None
    section = number_format.split(";", 1)[0]
    section = re.sub(r'"[^"]*"|\[[^\]]*\]', "", section)
    if "%" in section:
        return None
    if not re.search(r"[0#?]", section):
        return None
    decimals = re.search(r"\.([0#?]+)", section)
    return len(decimals.group(1)) if decimals else 0


def half_unit(places: int, unit: str) -> Decimal:
    """Half a unit of the last written decimal, in 元."""
    return (Decimal(1).scaleb(-places) / 2) * UNIT_FACTORS[unit]


def to_declared(value: Decimal, places: int, unit: str) -> Declared:
    return Declared(value * UNIT_FACTORS[unit], half_unit(places, unit))


def tolerance(row: dict, column: str) -> Decimal:
    """A loaded row's tolerance for one of its declared amounts (its ``_tol_<column>``), 0 if none."""
    return row.get(f"_tol_{column}") or Decimal(0)


def matches(declared: Decimal, computed: Decimal, tolerance: Decimal) -> bool:
    """A declared figure matches a computed one within its tolerance (inclusive)."""
    return abs(declared - computed) <= tolerance


def apportioned(declared: Decimal, exact: Decimal, tolerance: Decimal, adds_up: bool) -> bool:
    """A part of a total shared out is right: within half a unit of its written precision of
    the exact share (``matches``), or — when the declared parts add up exactly to the total —
    within less than one unit of it. Money is issued in whole fen (or whatever unit the table
    writes): 100.00 元 in three equal parts can only be 33.34 + 33.33 + 33.33 (largest-remainder
    rounding), and the 33.34 is right although it is 0.0067 元 from 33.3333…."""
    return matches(declared, exact, tolerance) or (adds_up and abs(declared - exact) < 2 * tolerance)


def round_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def wan(value: Decimal) -> str:
    """An amount in 元 written as 万元 with two decimals, as reports do: '1,234.57万元'."""
    return f"{(value / UNIT_FACTORS['wan']).quantize(FEN, rounding=ROUND_HALF_UP):,}万元"


def yuan(value: Decimal) -> str:
    return f"{round_fen(value):,}元"


def quote(value: Decimal, unit: str = "yuan", places: int | None = None) -> str:
    """An amount in 元 quoted in the filer's unit: ``quote(Decimal("11813300"), "wan")`` ->
    '1,181.33万元', ``quote(Decimal("640"))`` -> '640.00元'.

    Two decimals, or as many as the figure was written with when that is more (``places``, from
    ``written_places``), so that a difference above a figure's tolerance never prints as 0.00.
    ``auditkit.findings.differs`` quotes every figure of a finding through this.
    """
    decimals = max(2, places or 0)
    shown = (Decimal(value) / UNIT_FACTORS[unit]).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return f"{shown:,}{UNIT_NAMES[unit]}"


def written_places(tolerance: Decimal | None, unit: str) -> int | None:
    """The decimals a single declared figure was written with, read back from its tolerance
    (half a unit of them, in 元): 0.005 元 in 元 -> 2; 50 元 in 万元 -> 2; 5,000 元 in 万元 -> 0.
    None when the tolerance is not one figure's half-unit (a sum of several, or none)."""
    if not tolerance:
        return None
    step = (Decimal(tolerance) * 2 / UNIT_FACTORS[unit]).normalize()
    sign, digits, exponent = step.as_tuple()
    if digits != (1,) or not isinstance(exponent, int):
        return None
    return max(0, -exponent)


def _as_decimal(value) -> Decimal:
    if isinstance(value, Fraction):
        with localcontext() as context:
            context.prec = 40
            return Decimal(value.numerator) / Decimal(value.denominator)
    return value if isinstance(value, Decimal) else Decimal(str(value))


def percent(value, places: int = 2, trim: bool = True) -> str:
    """A share or rate (a fraction) as a percentage, the one way every finding writes one.

    Up to ``places`` decimals (2: 0.9696… -> '96.97%'), trailing zeros dropped (0.8 -> '80%',
    0.125 -> '12.5%', never '12%'). A value that is not whole is never shown as a whole number:
    a rate of 0.99999 reads '99.999%', not '100%', since a finding that says 100% arrived and
    then asks for money contradicts itself. ``trim=False`` keeps the trailing zeros, for a
    column of figures printed to the same decimals ('48.0000%'). Accepts Decimal, Fraction, int,
    float or text.
    """
    exact = _as_decimal(value) * 100
    decimals = places
    while True:
        shown = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
        if shown == exact or shown != shown.to_integral_value() or decimals >= 8:
            break
        decimals += 1
    text = f"{shown:f}" if not trim else f"{shown.normalize():f}" if shown != 0 else "0"
    return f"{text}%"


def parse_share(value: Decimal) -> Decimal:
    """Shares written as 0.8, 80% or 80 all mean 0.8 (RULES.md: a number above 1 is a percentage)."""
    return value / 100 if value > 1 else value
