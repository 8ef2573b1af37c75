"""The one date grammar of auditkit: how offices type a date, and Excel's serial numbers.

Every reader of a date (the manifest, the small tables, the roster engines) reads the same forms:

==========================  ==================================================
written                      read as
==========================  ==================================================
``2023-12-28``, ``2023-3-1``  ISO order with ``-``
``2023/12/28``, ``2023/3/1``  with ``/`` (Excel's and WPS's Chinese display)
``2023.12.28``                with ``.``
``2023年12月28日``            Chinese (``日`` may be left off; spaces allowed)
``20231228``                  eight digits, no separator
``2023-12-28T09:30:00``       any of the above followed by a time (ISO ``T`` or a
                              space, ``H:MM`` or ``H:MM:SS[.fff]``, an optional
                              ``Z`` or ``+08:00``): the time is dropped
==========================  ==================================================

Before matching, the text is NFKC-normalised (full-width digits and ``／－．`` become ASCII) and
stripped. The year must lie in 1900–2099 and the date must exist (2023-02-30 is not a date).
Anything else (``23.12.28``, ``2023年12月``, ``12/28/2023``) is not a date: ``parse_date`` returns
None and the caller refuses the cell, naming it.

A vectorised reader mirrors this with ``DATE_PATTERNS``: each is a full-match regular expression
in the common subset of Python ``re``, Rust ``regex`` (Polars), RE2 (DuckDB) and Java (Spark) —
no look-around, no back-references, no named groups — whose three capturing groups are year,
month and day in that order. ``TIME_SUFFIX`` is the optional time after the date (already part of
each pattern). Apply them to the stripped text after mapping ``FULL_WIDTH`` characters; take the
first pattern that matches, then check the year range and that the date exists.

Excel's serial dates (the 1900 date system, as Excel and WPS store a date cell): serial 1 is
1900-01-01; Excel counts a 1900-02-29 that never was (serial 60, a bug kept from Lotus 1-2-3), so
from serial 61 (1900-03-01) on, the date is 1899-12-30 plus the serial. ``from_excel_serial``
handles that; ``PLAUSIBLE_SERIALS`` is the range a whole number in a date column must lie in to be
read as a serial at all (1950-01-01 to 2099-12-31): a CSV date column of whole numbers all in it
is read as serials, and the reading is reported (IN003).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

__all__ = ["DATE_PATTERNS", "FULL_WIDTH", "PLAUSIBLE_SERIALS", "TIME_SUFFIX", "YEARS",
           "excel_serial", "from_excel_serial", "parse_date", "serial_date"]

YEARS = range(1900, 2100)

# an optional time after the date: '2023-12-28 09:30', '2023-12-28T09:30:00.000+08:00'
TIME_SUFFIX = r"(?:[T ]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"

DATE_PATTERNS: tuple[str, ...] = (
    r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + TIME_SUFFIX + r"$",
    r"^([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})" + TIME_SUFFIX + r"$",
    r"^([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})" + TIME_SUFFIX + r"$",
    r"^([0-9]{4}) *年 *([0-9]{1,2}) *月 *([0-9]{1,2}) *日?" + TIME_SUFFIX + r"$",
    r"^([0-9]{4})([0-9]{2})([0-9]{2})" + TIME_SUFFIX + r"$",
)

# what NFKC does to the characters that matter here, for an engine without Unicode normalisation
FULL_WIDTH = {**{chr(0xFF10 + i): str(i) for i in range(10)},
              "／": "/", "－": "-", "．": ".", "：": ":", "\u3000": " ", "Ｔ": "T", "＋": "+"}

_COMPILED = tuple(re.compile(p) for p in DATE_PATTERNS)
# What an export adds to keep a value as text, or copying adds unseen, on a date as on an ID
# number (``auditkit.ids``): characters that carry nothing a reader sees (zero-width spaces and
# joiners, word joiner, byte-order mark, soft hyphen, Mongolian vowel separator, direction marks;
# NFKC keeps them), and text markers: '2023-07-01, ="2023-07-01", a quote of any kind at either end
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
QUOTES = "\"'“”‘’＂＇`"
MARKERS = f"^[=＝]?[{QUOTES}]|[{QUOTES}]$"
_INVISIBLE = re.compile(f"[{INVISIBLE}]")
_UNMARKED = re.compile(MARKERS)
_EPOCH = dt.date(1899, 12, 30)  # serial 0 as Excel counts from 1900-03-01 on
_LAST_SERIAL = 2958465  # 9999-12-31, the last date Excel knows


def parse_date(text: str) -> dt.date | None:
    """A date as offices type it (see the module's table), or None if ``text`` is not one.

    Never guesses: a two-digit year, a month and day in either order, a date that does not exist
    or a year outside 1900–2099 all give None.
    """
    if text is None:
        return None
    cleaned = _UNMARKED.sub("", unicodedata.normalize("NFKC", _INVISIBLE.sub("", str(text))).strip()).strip()
    for pattern in _COMPILED:
        match = pattern.match(cleaned)
        if match:
            year, month, day = (int(g) for g in match.groups())
            if year not in YEARS:
                return None
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def from_excel_serial(serial: int | float) -> dt.date:
    """The date an Excel serial number shows in the 1900 date system (a time fraction is dropped).

    1 -> 1900-01-01, 59 -> 1900-02-28, 61 -> 1900-03-01, 45288 -> 2023-12-28. Raises ValueError
    for serial 60 (Excel's 1900-02-29, a day that did not exist), for serials below 1 or after
    9999-12-31 (2958465), and for what is not a finite number.
    """
    if isinstance(serial, bool):
        raise ValueError("not an Excel serial date")
    try:
        whole = int(serial // 1)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"not an Excel serial date: {serial!r}") from None
    if whole == 60:
        raise ValueError("Excel serial 60 is 1900-02-29, a day that did not exist")
    if not 1 <= whole <= _LAST_SERIAL:
        raise ValueError(f"Excel serial {serial!r} is outside 1900-01-01 to 9999-12-31")
    return _EPOCH + dt.timedelta(days=whole + (1 if whole < 60 else 0))


def excel_serial(date: dt.date) -> int:
    """The inverse of ``from_excel_serial``: 2023-12-28 -> 45288."""
    days = (date - _EPOCH).days
    return days - 1 if date < dt.date(1900, 3, 1) else days


PLAUSIBLE_SERIALS = range(excel_serial(dt.date(1950, 1, 1)), excel_serial(dt.date(2099, 12, 31)) + 1)


def serial_date(value) -> dt.date | None:
    """A whole number (int, integral float or digits) in ``PLAUSIBLE_SERIALS`` as its date, else None.

    Used for a date column whose values are all such numbers: a CSV saved from a date column
    that was formatted as a number, or a number cell in a date column.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if text.endswith(".0"):
            text = text[:-2]
        if not text.isdigit():
            return None
        value = int(text)
    if not isinstance(value, int) or value not in PLAUSIBLE_SERIALS:
        return None
    return from_excel_serial(value)
