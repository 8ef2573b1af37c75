"""Resident ID numbers (公民身份号码, GB 11643-1999), validated as column expressions.

Everything here is a Narwhals expression, so the same validation runs on Polars, DuckDB and
Spark over tens of millions of records without a Python loop. Every cast is guarded: a value
is cast only after it has been replaced by a placeholder of the right shape wherever it does
not fit, so a malformed number is a finding (a reason code), never an exception.

A number is valid (RULES.md, EN002) when, after normalising (surrounding spaces removed, a
lowercase ``x`` read as ``X``; ``id_lower_x`` marks those), it has 18 characters, 17 digits and
a check character by ISO 7064 MOD 11-2, a birth date that is a real date in 1900 or later and not
after the census day of the year, and
an address code that GB/T 2260 has assigned at some time (python-stdnum's history, through
``auditkit.gbt2260.assigned_codes``). A 15-digit first-generation number is malformed.

The valid number's first 17 digits identify the person (the check character follows from
them), so ``key`` is that 17-digit integer: grouping and joining on an int64 is what makes the
duplicate checks fast.
"""

from __future__ import annotations

from functools import lru_cache

import narwhals as nw

# INVISIBLE: characters that carry nothing a reader sees; MARKERS: the text markers and quotes
# an export adds (both removed from dates the same way, ``auditkit.dates``)
from auditkit.dates import INVISIBLE, MARKERS
from auditkit.gbt2260 import assigned_codes

# Spaces of every width (NFKC turns most into an ASCII space), tabs and line ends.
SPACES = "\u00a0\u3000\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u1680\t\r\n\v\f "

# Reason codes, in the order they are tested: a number gets the first that applies.
VALID, MISSING, MALFORMED, CHECK_DIGIT, BIRTH_DATE, ADDRESS_CODE = 0, 1, 2, 3, 4, 5
REASON_NAMES = {
    MISSING: "身份证号缺失",
    MALFORMED: "身份证号格式不符（应为18位，前17位为数字）",
    CHECK_DIGIT: "校验码错误",
    BIRTH_DATE: "出生日期不存在或晚于统计时点",
    ADDRESS_CODE: "地址码从未赋码",
}

# ISO 7064 MOD 11-2 weights of the first 17 digits: 2^(17-i) mod 11.
WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
SHAPE = r"^[0-9]{17}[0-9Xx]$"
# The earliest admissible birth year: nobody born before 1900 is alive to enroll, and 0001-01-01
# or an 18xx year is a system's placeholder or a typing slip (RULES.md EN002, impossible date).
MIN_BIRTH_YEAR = 1900
# A number of the right shape substituted for ill-shaped ones before any cast; never counted.
_PLACEHOLDER = "000000190001010000"


@lru_cache(maxsize=1)
def address_codes() -> list[str]:
    return sorted(assigned_codes())


def address_columns() -> dict[str, list]:
    """The columns of the address-code table that ``add_id_columns`` joins with (each code
    scaled by 10^11, as it sits in the 17-digit integer); build it on the frame's backend."""
    codes = address_codes()
    return {"_id_address": [int(code) * 10**11 for code in codes], "_id_address_ok": [True] * len(codes)}


def normalised(column: str | nw.Expr) -> nw.Expr:
    """Surrounding spaces removed (a lowercase x is read as X where the check character is
    compared, so the text itself is not rewritten)."""
    expr = nw.col(column) if isinstance(column, str) else column
    return expr.cast(nw.String).str.strip_chars(" ")


# What Excel, WPS and information systems add to a number to keep it as text, and what
# copying adds unseen (RULES.md IN003): removed wherever they are. NFKC would map the full-width
# forms and spaces but keeps the zero-width characters, and no engine has NFKC anyway. Hyphens
# are how a person groups the digits (150102-19850101-0010).
_JUNK = f"[{INVISIBLE}{SPACES}\\-－‐‑]"
# MARKERS: ="150102…" (Excel's formula trick, as a CSV keeps it; ＝ typed full-width), '150102…
# (Excel's text prefix, or the input method's ‘), a quote of any kind (QUOTES: ASCII, “ ” ‘ ’,
# full-width, a backtick) left at either end
_FULL_WIDTH = {**{chr(0xFF10 + d): str(d) for d in range(10)}, "Ｘ": "X", "ｘ": "x"}
# Characters a number written plainly never has: only a number holding one (so not of the right
# shape once surrounding spaces are removed) can read otherwise when cleaned; a roster cleans
# just those (``enrollment.cascade``). A space inside is one: 150102 19850101 0010 is read.
ODD_CHARACTER = "[^0-9Xx]"


def cleaned(column: str | nw.Expr) -> nw.Expr:
    """The number with text markers, invisible characters and spaces of every kind removed and
    full-width digits and Ｘ mapped to ASCII: the number a reader of the cell sees."""
    expr = nw.col(column) if isinstance(column, str) else column
    text = expr.cast(nw.String).str.replace_all(_JUNK, "").str.replace_all(MARKERS, "")
    for wide, narrow in _FULL_WIDTH.items():
        text = text.str.replace_all(wide, narrow, literal=True)
    return text


# The check value from the 17-digit integer v with integer remainders only (exact on every
# engine; Spark's floor division goes through floating point). With m_k = v mod 10^k, the digit
# at power k is (m_(k+1) − m_k) / 10^k, and since 10 ≡ −1 (mod 11) dividing by 10^k is
# multiplying by (−1)^k; summing by parts, the weighted digit sum is congruent mod 11 to
# POWER_16 × v + Σ_k STEP[k] × m_k.
_POWER = {16 - i: (w * (-1) ** (16 - i)) % 11 for i, w in enumerate(WEIGHTS)}
POWER_16 = _POWER[16]
STEP = {k: (_POWER[k - 1] - _POWER[k]) % 11 for k in range(1, 17)}


def check_value(key: nw.Expr) -> nw.Expr:
    """The MOD 11-2 check value (10 standing for X) of a column of 17-digit integers (each
    below 10^17). The sum is reduced mod 11 once, at the end: POWER_16 × v < 10^18 and
    Σ STEP[k] × m_k < 10 × Σ 10^k < 1.2 × 10^17, so it stays far inside a signed 64-bit
    integer on every engine, and half the remainders of term-by-term reduction are saved
    (integer remainders are most of the cost of checking 25 million numbers)."""
    total = key * POWER_16
    for power, step in STEP.items():
        if step:
            total = total + (key % 10**power) * step
    return (12 - total % 11) % 11


def add_id_columns(frame, column: str, census_day: int, codes, clean: bool = False):
    """``frame`` (a Narwhals DataFrame or LazyFrame) with four columns naming each record's ID:
    ``id_reason`` (0 valid, else the first failing reason), ``id_key`` (the 17-digit integer of
    a valid number, else null), ``id_lower_x`` (the number was written with a lowercase x) and
    ``id_repaired`` (``clean``: the number was read through markers, invisible or full-width
    characters, IN003), plus ``id_number``, the normalised number as written.

    ``clean`` applies ``cleaned``; without it only surrounding spaces are removed, which is
    the same for every number of the right shape (cleaning only removes or maps characters such
    a number never has, ``ODD_CHARACTER``): the caller may read without cleaning and clean
    afterwards just the numbers found ill-shaped (reason 2) with such a character.

    ``census_day`` is the last admissible birth date as an integer YYYYMMDD (June 30 of Y);
    ``codes`` is a frame of ``address_columns()`` built on the frame's own backend: the address
    code is checked by a join with it (thousands of literals are slow to plan on Spark).
    The number is cast once, to the integer of its first 17 digits; the check value, the date
    and the address code are taken from that integer by remainders, which every engine does
    exactly and fast. Each step reads the columns the step before wrote.
    """
    number = nw.col("id_number")
    if clean:
        frame = frame.with_columns(cleaned(column).alias("id_number"), normalised(column).alias("_id_as_written"))
        frame = frame.with_columns((number != nw.col("_id_as_written")).fill_null(False).alias("id_repaired"))
        frame = frame.drop("_id_as_written")
    else:
        frame = frame.with_columns(normalised(column).alias("id_number"), nw.lit(False).alias("id_repaired"))
    shaped = number.str.contains(SHAPE).fill_null(False)
    frame = frame.with_columns(
        (number.is_null() | (number.str.len_chars() == 0)).alias("_id_missing"),
        shaped.alias("_id_shaped"),
        (shaped & number.str.ends_with("x")).alias("id_lower_x"),
        nw.when(shaped).then(number).otherwise(nw.lit(_PLACEHOLDER)).alias("_id_safe"))

    safe = nw.col("_id_safe")
    last = safe.str.slice(17, 1)
    frame = frame.with_columns(
        safe.str.slice(0, 17).cast(nw.Int64).alias("_id_value"),
        nw.when(last.is_in(["X", "x"])).then(10).otherwise(
            last.str.replace_all("[Xx]", "0").cast(nw.Int64)).alias("_id_check"))

    value = nw.col("_id_value")
    birth = (value % 10**11 - value % 1000)  # YYYYMMDD × 1000
    frame = frame.with_columns(
        (check_value(value) == nw.col("_id_check")).alias("_id_check_ok"),
        birth.alias("_id_birth"),
        (birth % 100_000).alias("_id_day"),  # DD × 1000
        (birth % 10_000_000 - birth % 100_000).alias("_id_month"),  # MM × 100 000
        (birth - birth % 10_000_000).alias("_id_year"),  # YYYY × 10 000 000
        (value - value % 10**11).alias("_id_address"))  # the address code × 10^11
    frame = frame.join(codes, on="_id_address", how="left").with_columns(
        nw.col("_id_address_ok").fill_null(False))

    year, month, day = nw.col("_id_year"), nw.col("_id_month"), nw.col("_id_day")
    unit_year, unit_month, unit_day = 10_000_000, 100_000, 1000
    leap = (((year % (4 * unit_year)) == 0)
            & (((year % (100 * unit_year)) != 0) | ((year % (400 * unit_year)) == 0)))
    days = (nw.when(month == 2 * unit_month).then(nw.when(leap).then(29).otherwise(28))
            .when(month.is_in([m * unit_month for m in (4, 6, 9, 11)])).then(30)
            .otherwise(31))
    date_ok = ((year >= MIN_BIRTH_YEAR * unit_year) & (month >= unit_month) & (month <= 12 * unit_month)
               & (day >= unit_day) & (day <= days * unit_day)
               & (nw.col("_id_birth") <= census_day * 1000))
    reason = (nw.when(nw.col("_id_missing")).then(MISSING)
              .when(~nw.col("_id_shaped")).then(MALFORMED)
              .when(~nw.col("_id_check_ok")).then(CHECK_DIGIT)
              .when(~date_ok).then(BIRTH_DATE)
              .when(~nw.col("_id_address_ok")).then(ADDRESS_CODE)
              .otherwise(VALID))
    frame = frame.with_columns(reason.cast(nw.Int8).alias("id_reason"))
    frame = frame.with_columns(nw.when(nw.col("id_reason") == VALID).then(value).alias("id_key"))
    return frame.drop("_id_missing", "_id_shaped", "_id_safe", "_id_value", "_id_check", "_id_check_ok",
                      "_id_birth", "_id_year", "_id_month", "_id_day", "_id_address", "_id_address_ok")


def check_character(first17: str) -> str:
    """The check character of 17 digits (for building and showing numbers, not for validating)."""
    value = (12 - sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11) % 11
    return "X" if value == 10 else str(value)


def number_from_key(key: int) -> str:
    """The full 18-character number of a valid number's key."""
    first17 = str(key).zfill(17)
    return first17 + check_character(first17)


def validate(numbers: list[str | None], census_day: int, clean: bool = True) -> list[int]:
    """Reason codes for a list of numbers (small inputs: tests, a single lookup), computed by
    the same expressions the roster checks use (with the cleaning, unless ``clean`` is False)."""
    import polars as pl

    frame = pl.DataFrame({"person_id": numbers}, schema={"person_id": pl.String}).with_row_index("_order")
    codes = nw.from_native(pl.LazyFrame(address_columns()))
    result = add_id_columns(nw.from_native(frame.lazy()), "person_id", census_day, codes, clean=clean)
    return result.sort("_order").collect().to_native()["id_reason"].to_list()
