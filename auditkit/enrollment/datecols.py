"""Date columns of a roster, read on every engine with the one date grammar of ``auditkit.dates``.

``auditkit.dates.parse_date`` reads one cell: NFKC, strip, then the first of ``DATE_PATTERNS``
that matches in full, a year in 1900–2099 and a date that exists. ``with_date_number`` is the
same reading in Narwhals (Polars, DuckDB, Spark), adding a column of YYYYMMDD integers or null:

1. invisible characters are removed, the characters NFKC changes that matter here are mapped
   (``auditkit.dates.FULL_WIDTH``, and every kind of space to an ASCII one), surrounding
   whitespace is removed as ``str.strip`` removes it, then an export's text markers
   (``auditkit.dates.MARKERS``: '2023-07-01, ="2023-07-01") and the whitespace inside them;
2. the text must match one of ``DATE_PATTERNS`` in full;
3. the time after the date is dropped, every run of non-digits becomes one ``-``, and the year,
   month and day are cut from that by their lengths (``2023-3-1``, ``2023-12-28``, or the eight
   digits of ``20231228``), cast only where they are digits;
4. the year must lie in ``YEARS`` and the day must exist in its month.

Excel's serial dates are read as ``auditkit.dates.serial_date`` reads them, for a column whose
every written value is a whole number in ``PLAUSIBLE_SERIALS`` (the caller counts them first,
``date_statistics``): serial 45288 is 2023-12-28. A Date or Datetime column is read as it is.

``tests/test_roster_dates.py`` checks that ``with_date_number`` equals ``parse_date`` (and
``serial_date``) on a corpus of strings, on each engine.
"""

from __future__ import annotations

import narwhals as nw

from auditkit.dates import DATE_PATTERNS, FULL_WIDTH, INVISIBLE, MARKERS, PLAUSIBLE_SERIALS, TIME_SUFFIX, YEARS

# What NFKC turns into an ASCII space (besides U+3000 of FULL_WIDTH), and what str.strip then
# removes at either end.
_NFKC_SPACES = "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f"
_STRIPPED = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u1680\u2028\u2029"
_EDGES = f"^[{_STRIPPED}]+|[{_STRIPPED}]+$"
_TIME_AT_END = TIME_SUFFIX[:-1] + "$"  # the optional time suffix, made mandatory, at the end
_SERIAL = r"^[0-9]{1,7}(\.0)?$"
CHINA = "Asia/Shanghai"  # the time zone whose calendar day a timestamp with a zone is read in
_EPOCH_1970 = 25569  # the serial of 1970-01-01


def _normalised(text: nw.Expr) -> nw.Expr:
    text = text.str.replace_all(f"[{INVISIBLE}]", "")
    for wide, narrow in FULL_WIDTH.items():
        text = text.str.replace_all(wide, narrow, literal=True)
    text = text.str.replace_all(f"[{_NFKC_SPACES}]", " ")
    return text.str.replace_all(_EDGES, "").str.replace_all(MARKERS, "").str.replace_all(_EDGES, "")


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


def _text_stages(frame: nw.LazyFrame, text: str, out: str) -> nw.LazyFrame:
    """``out``: the normalised text column ``text`` read by the grammar as YYYYMMDD, or null."""
    t = nw.col(text)
    shaped = nw.lit(False)
    for pattern in DATE_PATTERNS:
        shaped = shaped | t.str.contains(pattern).fill_null(False)
    frame = frame.with_columns(
        shaped.alias(f"{out}_shaped"),
        t.str.replace_all(_TIME_AT_END, "").str.replace_all("[^0-9]+", "-").str.replace_all("^-|-$", "")
        .alias(f"{out}_parts"))
    parts = nw.col(f"{out}_parts")
    frame = frame.with_columns(
        (~parts.str.contains("-", literal=True)).alias(f"{out}_eight"),  # 20231228
        parts.str.slice(5).alias(f"{out}_rest"))  # "M-D", "MM-D", "M-DD" or "MM-DD"
    eight, rest = nw.col(f"{out}_eight"), nw.col(f"{out}_rest")
    short_month = rest.str.slice(1, 1) == "-"
    frame = frame.with_columns(
        parts.str.slice(0, 4).alias(f"{out}_ys"),
        nw.when(eight).then(parts.str.slice(4, 2))
        .otherwise(nw.when(short_month).then(rest.str.slice(0, 1)).otherwise(rest.str.slice(0, 2))).alias(f"{out}_ms"),
        nw.when(eight).then(parts.str.slice(6, 2))
        .otherwise(nw.when(short_month).then(rest.str.slice(2)).otherwise(rest.str.slice(3))).alias(f"{out}_ds"))
    frame = frame.with_columns(*(_digits(nw.col(f"{out}_{p}s")).alias(f"{out}_{p}") for p in "ymd"))
    year, month, day = (nw.col(f"{out}_{p}") for p in "ymd")
    ok = nw.col(f"{out}_shaped") & _valid(year, month, day).fill_null(False)
    return frame.with_columns(nw.when(ok).then(year * 10000 + month * 100 + day).alias(out))


def _whole_serial(text: nw.Expr) -> nw.Expr:
    """Whether a normalised text is a whole number in ``PLAUSIBLE_SERIALS``."""
    whole = text.str.contains(_SERIAL).fill_null(False)
    number = nw.when(whole).then(text).otherwise(nw.lit("0")).str.replace_all(r"\.0$", "").cast(nw.Int64)
    return whole & (number >= PLAUSIBLE_SERIALS.start) & (number < PLAUSIBLE_SERIALS.stop)


def is_serial(column: str | nw.Expr) -> nw.Expr:
    """Whether a text value is a whole number in ``PLAUSIBLE_SERIALS`` (``serial_date``)."""
    expr = nw.col(column) if isinstance(column, str) else column
    return _whole_serial(_normalised(expr.cast(nw.String)))


def _serial_stages(frame: nw.LazyFrame, text: str, out: str) -> nw.LazyFrame:
    """``out``: the normalised text column ``text`` of Excel serials as YYYYMMDD (days to a civil
    date with integer arithmetic on non-negative values, H. Hinnant's ``civil_from_days``), null
    where not a serial."""
    t = nw.col(text)
    ok = nw.col(f"{out}_ok")
    frame = frame.with_columns(_whole_serial(t).alias(f"{out}_ok"))
    frame = frame.with_columns(  # days since 0000-03-01; positive for every plausible serial
        (nw.when(ok).then(t).otherwise(nw.lit("0")).str.replace_all(r"\.0$", "").cast(nw.Int64)
         - _EPOCH_1970 + 719468).alias(f"{out}_z"))
    z = nw.col(f"{out}_z")
    frame = frame.with_columns((z // 146097).alias(f"{out}_era"))
    era = nw.col(f"{out}_era")
    frame = frame.with_columns((z - era * 146097).alias(f"{out}_doe"))
    doe = nw.col(f"{out}_doe")
    frame = frame.with_columns(((doe - doe // 1460 + doe // 36524 - doe // 146096) // 365).alias(f"{out}_yoe"))
    yoe = nw.col(f"{out}_yoe")
    frame = frame.with_columns((doe - (365 * yoe + yoe // 4 - yoe // 100)).alias(f"{out}_doy"))
    doy = nw.col(f"{out}_doy")
    frame = frame.with_columns(((5 * doy + 2) // 153).alias(f"{out}_mp"))
    mp = nw.col(f"{out}_mp")
    frame = frame.with_columns((doy - (153 * mp + 2) // 5 + 1).alias(f"{out}_d"),
                               nw.when(mp < 10).then(mp + 3).otherwise(mp - 9).alias(f"{out}_m"))
    month = nw.col(f"{out}_m")
    year = yoe + era * 400 + nw.when(month <= 2).then(1).otherwise(0)
    return frame.with_columns(nw.when(ok).then(year * 10000 + month * 100 + nw.col(f"{out}_d")).alias(out))


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


def with_date_number(frame: nw.LazyFrame, column: str, out: str, serials: bool = False) -> nw.LazyFrame:
    """``frame`` with a column ``out``: the date column ``column`` as YYYYMMDD (Int64), null where
    empty or not a date — a Date or Datetime column as it is; text by the grammar, or as Excel
    serials when ``serials`` (the column is all serials).

    The reading is built in stages, each a projection over named columns (dropped at the end),
    not as one expression: the normalised text is used by every step, and one expression that
    repeats it grows with each step — beyond what an engine plans in reasonable time (DuckDB 2
    walks every expression it is given; a single expression of the serial arithmetic did not
    finish in minutes on a 20-row roster)."""
    dtype = frame.collect_schema()[column]
    expr = nw.col(column)
    if isinstance(dtype, nw.Datetime) and dtype.time_zone and frame.implementation.is_polars():
        # an instant (UTC, say): its date in Beijing (DuckDB's connection is set to that zone)
        expr = expr.dt.convert_time_zone(CHINA)
    if dtype.is_temporal():
        return frame.with_columns((expr.dt.year().cast(nw.Int64) * 10000 + expr.dt.month().cast(nw.Int64) * 100
                                   + expr.dt.day().cast(nw.Int64)).alias(out))
    before = frame.columns
    frame = frame.with_columns(_normalised(expr.cast(nw.String)).alias(f"{out}_text"))
    frame = (_serial_stages if serials else _text_stages)(frame, f"{out}_text", out)
    return frame.select(*before, out)
