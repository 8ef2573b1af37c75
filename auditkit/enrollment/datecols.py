"""Date columns of a roster, read on every engine with the one date grammar of ``auditkit.dates``.

``auditkit.dates.parse_date`` reads one cell: NFKC, strip, then the first of ``DATE_PATTERNS``
that matches in full, a year in 1900–2099 and a date that exists. ``date_number`` is the same
reading as a Narwhals expression (Polars, DuckDB, Spark), giving YYYYMMDD as an integer or null:

1. the characters NFKC changes that matter here are mapped (``auditkit.dates.FULL_WIDTH``, and
   every kind of space to an ASCII one), and surrounding whitespace is removed as ``str.strip``
   removes it;
2. the text must match one of ``DATE_PATTERNS`` in full;
3. the time after the date is dropped, every run of non-digits becomes one ``-``, and the year,
   month and day are cut from that by their lengths (``2023-3-1``, ``2023-12-28``, or the eight
   digits of ``20231228``), cast only where they are digits;
4. the year must lie in ``YEARS`` and the day must exist in its month.

Excel's serial dates are read as ``auditkit.dates.serial_date`` reads them, for a column whose
every written value is a whole number in ``PLAUSIBLE_SERIALS`` (the caller counts them first,
``date_statistics``): serial 45288 is 2023-12-28. A Date or Datetime column is read as it is.

``tests/test_roster_dates.py`` checks that ``date_number`` equals ``parse_date`` (and
``serial_date``) on a corpus of strings, on each engine.
"""

from __future__ import annotations

import narwhals as nw

from auditkit.dates import DATE_PATTERNS, FULL_WIDTH, PLAUSIBLE_SERIALS, TIME_SUFFIX, YEARS

# What NFKC turns into an ASCII space (besides U+3000 of FULL_WIDTH), and what str.strip then
# removes at either end.
_NFKC_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_STRIPPED = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029"
_EDGES = f"^[{_STRIPPED}]+|[{_STRIPPED}]+$"
_TIME_AT_END = TIME_SUFFIX[:-1] + "$"  # the optional time suffix, made mandatory, at the end
_SERIAL = r"^[0-9]{1,7}(\.0)?$"
_EPOCH_1970 = 25569  # the serial of 1970-01-01


def _normalised(text: nw.Expr) -> nw.Expr:
    for wide, narrow in FULL_WIDTH.items():
        text = text.str.replace_all(wide, narrow, literal=True)
    text = text.str.replace_all(f"[{_NFKC_SPACES}]", " ")
    return text.str.replace_all(_EDGES, "")


def _digits(text: nw.Expr) -> nw.Expr:
    """``text`` as an integer where it is one to four digits, else null."""
    ok = text.str.contains("^[0-9]{1,4}$").fill_null(False)
    return nw.when(ok).then(nw.when(ok).then(text).otherwise(nw.lit("0")).cast(nw.Int64))


def _valid(year: nw.Expr, month: nw.Expr, day: nw.Expr) -> nw.Expr:
    leap = ((year % 4) == 0) & (((year % 100) != 0) | ((year % 400) == 0))
    days = (nw.when(month == 2).then(nw.when(leap).then(29).otherwise(28))
            .when(month.is_in([4, 6, 9, 11])).then(30).otherwise(31))
    return ((year >= YEARS.start) & (year < YEARS.stop) & (month >= 1) & (month <= 12)
            & (day >= 1) & (day <= days))


def text_date_number(column: str | nw.Expr) -> nw.Expr:
    """A text column read by the grammar as YYYYMMDD, null where it is not a date."""
    expr = nw.col(column) if isinstance(column, str) else column
    text = _normalised(expr.cast(nw.String))
    shaped = nw.lit(False)
    for pattern in DATE_PATTERNS:
        shaped = shaped | text.str.contains(pattern).fill_null(False)
    parts = (text.str.replace_all(_TIME_AT_END, "").str.replace_all("[^0-9]+", "-")
             .str.replace_all("^-|-$", ""))
    eight = ~parts.str.contains("-", literal=True)  # 20231228
    rest = parts.str.slice(5)  # "M-D", "MM-D", "M-DD" or "MM-DD"
    short_month = rest.str.slice(1, 1) == "-"
    year = _digits(parts.str.slice(0, 4))
    month = _digits(nw.when(eight).then(parts.str.slice(4, 2))
                    .otherwise(nw.when(short_month).then(rest.str.slice(0, 1)).otherwise(rest.str.slice(0, 2))))
    day = _digits(nw.when(eight).then(parts.str.slice(6, 2))
                  .otherwise(nw.when(short_month).then(rest.str.slice(2)).otherwise(rest.str.slice(3))))
    ok = shaped & _valid(year, month, day).fill_null(False)
    return nw.when(ok).then(year * 10000 + month * 100 + day)


def is_serial(column: str | nw.Expr) -> nw.Expr:
    """Whether a text value is a whole number in ``PLAUSIBLE_SERIALS`` (``serial_date``)."""
    expr = nw.col(column) if isinstance(column, str) else column
    text = _normalised(expr.cast(nw.String))
    whole = text.str.contains(_SERIAL).fill_null(False)
    number = nw.when(whole).then(text).otherwise(nw.lit("0")).str.replace_all(r"\.0$", "").cast(nw.Int64)
    return whole & (number >= PLAUSIBLE_SERIALS.start) & (number < PLAUSIBLE_SERIALS.stop)


def serial_date_number(column: str | nw.Expr) -> nw.Expr:
    """A text column of Excel serials as YYYYMMDD (days to a civil date with integer arithmetic
    on non-negative values, H. Hinnant's ``civil_from_days``), null where not a serial."""
    expr = nw.col(column) if isinstance(column, str) else column
    text = _normalised(expr.cast(nw.String))
    ok = is_serial(expr)
    serial = nw.when(ok).then(text).otherwise(nw.lit("0")).str.replace_all(r"\.0$", "").cast(nw.Int64)
    z = serial - _EPOCH_1970 + 719468  # days since 0000-03-01; positive for every plausible serial
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    day = doy - (153 * mp + 2) // 5 + 1
    month = nw.when(mp < 10).then(mp + 3).otherwise(mp - 9)
    year = yoe + era * 400 + nw.when(month <= 2).then(1).otherwise(0)
    return nw.when(ok).then(year * 10000 + month * 100 + day)


def blank(column: str | nw.Expr) -> nw.Expr:
    """Whether a cell is empty, or spaces only."""
    expr = nw.col(column) if isinstance(column, str) else column
    return _normalised(expr.cast(nw.String)).fill_null("") == ""


def date_statistics(frame: nw.LazyFrame, column: str) -> list[nw.Expr]:
    """Aggregates that decide how a text date column is read: written values, and those that
    are whole numbers in the range of Excel serials."""
    if column not in frame.columns or frame.collect_schema()[column].is_temporal():
        return [nw.lit(0, nw.Int64).alias(f"_{column}_written"), nw.lit(0, nw.Int64).alias(f"_{column}_serial")]
    return [(~blank(column)).cast(nw.Int64).sum().alias(f"_{column}_written"),
            is_serial(column).cast(nw.Int64).sum().alias(f"_{column}_serial")]


def date_number(frame: nw.LazyFrame, column: str, serials: bool = False) -> nw.Expr:
    """A date column as YYYYMMDD, null where empty or not a date: a Date or Datetime column as it
    is; text by the grammar, or as Excel serials when ``serials`` (the column is all serials)."""
    dtype = frame.collect_schema()[column]
    expr = nw.col(column)
    if dtype.is_temporal():
        return (expr.dt.year().cast(nw.Int64) * 10000 + expr.dt.month().cast(nw.Int64) * 100
                + expr.dt.day().cast(nw.Int64))
    if dtype.is_numeric():
        expr = expr.cast(nw.String)
    return serial_date_number(expr) if serials else text_date_number(expr)
