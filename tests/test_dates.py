"""The one date grammar (auditkit.dates) and how the tables read dates with it (IN003)."""

import datetime as dt
import re
import shutil

import openpyxl
import pytest

from auditkit import PackageError, load_package
from auditkit.dates import DATE_PATTERNS, FULL_WIDTH, excel_serial, from_excel_serial, parse_date
from tests.conftest import FIXTURES, audit, only


def _ours(result):
    """The findings, without MT001's list of material the package does not include."""
    return [f for f in result.findings if f.code != "MT001"]

D = dt.date


@pytest.mark.parametrize("text, expected", [
    ("2023-12-28", D(2023, 12, 28)), ("2023/12/28", D(2023, 12, 28)), ("2023/3/1", D(2023, 3, 1)),
    ("2023-3-1", D(2023, 3, 1)), ("2023.12.28", D(2023, 12, 28)), ("2023年12月28日", D(2023, 12, 28)),
    ("2023年3月1", D(2023, 3, 1)), ("2023 年 3 月 1 日", D(2023, 3, 1)), ("20231228", D(2023, 12, 28)),
    ("2023-12-28T09:30:00", D(2023, 12, 28)), ("2023-12-28 00:00:00", D(2023, 12, 28)),
    ("2023/12/28 9:30", D(2023, 12, 28)), ("2023-12-28T09:30:00.000+08:00", D(2023, 12, 28)),
    ("２０２３－１２－２８", D(2023, 12, 28)), (" 2023.1.5 ", D(2023, 1, 5)),
])
def test_every_form_offices_type_reads_as_the_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2023-02-30", "2023-13-01", "23.12.28", "12/28/2023", "2023年12月",
                                  "1899-12-31", "2100-01-01", "45288", "2023-12", "", "二〇二三年", "2023-12-28x"])
def test_what_is_not_a_date_is_none_never_a_guess(text):
    assert parse_date(text) is None


def test_excel_serials_in_the_1900_system_with_its_leap_day_bug():
    """Serial 1 is 1900-01-01 and 59 is 1900-02-28; Excel's 60 is a 1900-02-29 that did not
    exist, so 61 is 1900-03-01 and from there the date is 1899-12-30 + serial: 45288 = 1899-12-30 +
    45288 days = 2023-12-28 (2023-12-31 is the well-known 45291, three days later)."""
    assert from_excel_serial(1) == D(1900, 1, 1)
    assert from_excel_serial(59) == D(1900, 2, 28)
    assert from_excel_serial(61) == D(1900, 3, 1)
    assert from_excel_serial(45288) == D(2023, 12, 28)
    assert from_excel_serial(45291.75) == D(2023, 12, 31)  # a time of day is dropped
    for bad in (60, 0, -1, 2958466):
        with pytest.raises(ValueError):
            from_excel_serial(bad)
    assert excel_serial(D(2023, 12, 28)) == 45288 and excel_serial(D(1900, 2, 28)) == 59


def test_the_documented_patterns_mirror_the_grammar():
    """A vectorised reader uses DATE_PATTERNS (year, month, day groups, no look-around, no named
    groups or back-references) after mapping FULL_WIDTH: it must read what parse_date reads."""
    samples = ["2023-12-28", "2023/3/1", "2023.12.28", "2023年12月28日", "20231228",
               "2023-12-28T09:30:00", "２０２３／３／１", "23.12.28", "2023年12月"]
    for text in samples:
        mapped = "".join(FULL_WIDTH.get(ch, ch) for ch in text).strip()
        found = None
        for pattern in DATE_PATTERNS:
            assert "(?P" not in pattern and "(?=" not in pattern and "(?<" not in pattern
            match = re.match(pattern, mapped)
            if match:
                found = D(*map(int, match.groups()))
                break
        assert found == parse_date(text)


def test_dates_typed_every_way_and_a_csv_of_serials_read_as_the_deadlines_ok_flows():
    """fixtures/dates-office is deadlines-ok with dates typed as 2023/6/28, 2023年8月4日,
    2023.08.25, 20230901, full-width digits and with a time, and its payments CSV saved from a
    支付日期 column formatted as numbers: 45146 … 45519. By hand, 45146 = 45291 (2023-12-31) −
    145 days (23 of August after the 8th, then 30 + 31 + 30 + 31) = 2023-08-08, as in
    deadlines-ok. So the deadlines give what deadlines-ok gives (nothing), and one IN003 names
    the 7 serials of column C, rows 2–8."""
    result = audit("dates-office")
    assert [f.code for f in _ours(result)] == ["IN003"]
    note = _ours(result)[0]
    assert note.severity == "info" and note.evidence.count == 7
    assert "支付日期（C列）" in note.evidence.where and "第2、3、4、5、6、7、8行" in note.evidence.where
    assert "45146" in note.condition and "2023-08-08" in note.condition
    payments = load_package(FIXTURES / "dates-office").table("payments")
    assert payments.rows()[0]["paid_on"] == D(2023, 8, 8)
    assert payments.rows()[-1]["paid_on"] == D(2024, 8, 15)


def test_a_serial_among_written_dates_is_refused_naming_its_cell(tmp_path):
    """Only a column of serials alone is read as serials: one 45148 among written dates is a
    figure nobody can be sure of, refused at payments.csv row 3, column C."""
    package = tmp_path / "p"
    shutil.copytree(FIXTURES / "dates-office", package)
    text = (package / "payments.csv").read_text(encoding="utf-8")
    (package / "payments.csv").write_text(text.replace("45146", "2023-08-08"), encoding="utf-8")
    with pytest.raises(PackageError) as caught:
        load_package(package)
    assert caught.value.row == 3 and caught.value.column.startswith("支付日期（C列）")
    assert "45148" in caught.value.message


def test_a_workbook_date_cell_and_a_serial_in_a_date_formatted_cell_read_as_dates(tmp_path):
    """In a workbook a date cell is read as its date; a serial typed into a cell formatted
    yyyy/m/d shows 2023/8/8 (45146) and is read so — no note: the sheet shows a date."""
    package = tmp_path / "p"
    shutil.copytree(FIXTURES / "deadlines-ok", package)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "支付凭证"
    rows = list(__import__("csv").reader((package / "payments.csv").open(encoding="utf-8")))
    sheet.append(["资金支付凭证登记表"])
    sheet.append(rows[0])
    for number, row in enumerate(rows[1:], start=3):
        sheet.append(row[:2] + [None] + [float(row[3])] + row[4:])
        written = dt.date.fromisoformat(row[2])
        cell = sheet.cell(number, 3)
        if number == 3:
            cell.value = excel_serial(written)
        else:
            cell.value = written
        cell.number_format = "yyyy/m/d"
    book.save(package / "payments.xlsx")
    manifest = package / "submission.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"payments.csv"', '"payments.xlsx"'), encoding="utf-8")
    sub = load_package(package)
    assert sub.table("payments").rows()[0]["paid_on"] == D(2023, 8, 8)
    assert len(sub.notes) == 0
    assert only(audit(package), "DL002") == []


def test_the_same_flows_with_iso_dates_give_no_reading_note():
    """deadlines-ok types every date 2023-06-28: nothing was repaired, so no IN finding."""
    assert [f for f in audit("deadlines-ok").findings if f.code.startswith("IN")] == []


def test_a_reading_note_is_info_or_warning_never_an_error():
    sub = load_package(FIXTURES / "deadlines-ok")
    with pytest.raises(ValueError):
        sub.note_reading("IN002", "x", severity="error")
    with pytest.raises(ValueError):
        sub.note_reading("ST001", "x")
    note = sub.note_reading("IN002", "“金额”列第5行写作“壹万元”，按 10000 读取", table="payments",
                            file="payments.csv", rows=[5], column="金额（D列）")
    assert note.count == 1 and note.where() == "payments.csv 第5行 “金额（D列）”列"
