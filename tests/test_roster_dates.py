"""The roster's dates on every engine read exactly as ``auditkit.dates.parse_date`` reads a cell
(one grammar, issue 10), and Excel serials as ``serial_date`` reads them.

The corpus holds the forms offices and systems write (2023/3/1, 2023年3月1日, 20231228, with a
time, full-width, with ideographic spaces) and near misses (2023-02-30, 1899-12-31, 23.12.28,
2023年12月, mixed separators, 2023-3/1); the expected value of each is parse_date's own, so
the test shows the vectorised reading equals the scalar one, string by string.
"""

from __future__ import annotations

import datetime as dt
import importlib.util

import narwhals as nw
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditkit.dates import parse_date, serial_date
from auditkit.enrollment.datecols import is_serial, with_date_number

CORPUS = [
    "2023-12-28", "2023-3-1", "2023/3/1", "2023/12/28", "2023.12.28", "2023年3月1日", "2023年12月28日",
    "2023年3月1", "2023 年 3 月 1 日", "20231228", "2023-12-28T09:30:00", "2023-12-28 09:30",
    "2023/3/1 0:00:00", "2023-12-28T09:30:00.000+08:00", "2023-12-28T09:30Z", "２０２３年３月１日",
    "２０２３－１２－２８", "２０２３／３／１", "\u30002023-03-01\u3000", " 2023-03-01 ", "\t2023-03-01\r",
    "\u00a02023/3/1", "2024-02-29", "2023-02-29", "2023-02-30", "1900-02-29", "2000-02-29", "1899-12-31",
    "1900-01-01", "2099-12-31", "2100-01-01", "23.12.28", "2023年12月", "12/28/2023", "2023-3/1", "2023-13-01",
    "2023-00-10", "2023-01-00", "2023-1-32", "202312281", "2023122", "20230230", "2023--12-28", "2023年3月1日日",
    "45000", "45000.0", "", "   ", "未知", "2023-12-28 25:99", "2023-12-28 9:30", "2023-12-28 09:30:00+0800",
    "2023-12-28TT09:30", "2023.3.1", "2023年03月01日", "2023年 3月 1日 8:00", "0023-01-01", "2023-001-01",
    # an export's text markers and invisible characters, as on ID numbers; a short time-zone offset
    "2023/7/1\u200b", "'2023-07-01", '="2023-07-01"', "2023-07-01\ufeff", "\u200b2023年7月1日", "＝“2023-07-01”",
    "‘2023-07-01’", '" 2023-07-01 "', "2023-07-01 00:00:00+08", "'", '=""', "2023-07-01'x", "2023-07-01 08:00-05",
]
HAS_SPARK = importlib.util.find_spec("pyspark") is not None


def _number(date: dt.date | None) -> int | None:
    return None if date is None else date.year * 10000 + date.month * 100 + date.day


def _polars(values: list[str | None], expr=None, serials: bool = False) -> list[int | None]:
    """The dates ``with_date_number`` reads from ``values`` on Polars (or ``expr`` of them)."""
    frame = nw.from_native(pl.DataFrame({"d": values}, schema={"d": pl.String}).lazy())
    if expr is None:
        return with_date_number(frame, "d", "n", serials).collect().to_native()["n"].to_list()
    return frame.select(expr.alias("n")).collect().to_native()["n"].to_list()


def test_corpus_reads_like_parse_date_on_polars():
    expected = [_number(parse_date(v)) for v in CORPUS]
    assert _polars(CORPUS) == expected
    assert expected[CORPUS.index("2023年3月1日")] == 20230301  # the deaths that were missed before


def test_corpus_reads_like_parse_date_on_duckdb():
    import duckdb

    connection = duckdb.connect()
    native = connection.from_arrow(pl.DataFrame({"d": CORPUS, "i": list(range(len(CORPUS)))}).to_arrow())
    got = (with_date_number(nw.from_native(native), "d", "n").select("i", "n").sort("i")
           .collect(backend="polars").to_native()["n"].to_list())
    assert got == [_number(parse_date(v)) for v in CORPUS]


@pytest.mark.skipif(not HAS_SPARK, reason="PySpark 未安装")
def test_corpus_reads_like_parse_date_on_spark():
    from auditkit.enrollment.engines import spark_session

    session = spark_session()
    native = session.createDataFrame(list(zip(CORPUS, range(len(CORPUS)))), schema="d string, i bigint")
    got = (with_date_number(nw.from_native(native), "d", "n").select("i", "n")
           .collect(backend="polars").to_native().sort("i")["n"].to_list())
    assert got == [_number(parse_date(v)) for v in CORPUS]


ALPHABET = "0123456789０１２３-/.年月日 :T+Z\u3000\u00a0"


@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(st.text(alphabet=ALPHABET, max_size=24),
                          st.dates(dt.date(1890, 1, 1), dt.date(2110, 12, 31)).map(
                              lambda d: f"{d.year}年{d.month}月{d.day}日 ")), min_size=1, max_size=200))
def test_any_string_reads_like_parse_date(texts):
    """Strings drawn from the characters the grammar cares about (25 batches of up to 200)."""
    assert _polars(texts) == [_number(parse_date(t)) for t in texts]


def test_excel_serials_read_like_serial_date():
    """45288 is 2023-12-28 (dates.from_excel_serial); 18264 is 1950-01-01, the first plausible
    serial, 73050 2099-12-31 the last; 18263 and 73051 are no serials, nor is 45000.5."""
    values = ["45288", "45288.0", "18264", "73050", "18263", "73051", "45000.5", "4５288", "20231228", ""]
    expected = [_number(serial_date(v)) for v in values]
    assert expected[:4] == [20231228, 20231228, 19500101, 20991231]
    assert _polars(values, serials=True) == expected
    import duckdb

    native = duckdb.connect().from_arrow(pl.DataFrame({"d": values, "i": list(range(len(values)))}).to_arrow())
    got = (with_date_number(nw.from_native(native), "d", "n", serials=True).select("i", "n").sort("i")
           .collect(backend="polars").to_native()["n"].to_list())
    assert got == expected  # the same on DuckDB (one expression of this arithmetic did not finish there)
    assert _polars(values, is_serial("d")) == [e is not None for e in expected]
