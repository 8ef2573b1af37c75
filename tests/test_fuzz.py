"""Fuzzing: valid packages mutated at random must load and run, or be refused with a
PackageError; nothing else may escape (the CLI: exit 0, 1 or 2, never 3).

Each test starts from a real fixture package (settlement-ok, the merged-header workbook of
fixtures/valid-awkward, roster-nmg-2023) copied into a temporary folder and mutates one part:
the bytes of a table file, its encoding, the cells of any family's table (settlement, money
flows and deadlines, the other programs), the manifest's values, a workbook's cells or
bytes, the roster's cells. The whole path is exercised in process (load, every check, the JSON,
the working papers and the HTML review document) and, for fewer examples, through the CLI.

The budget is fixed and derandomized, so CI sees the same examples every run: 865
examples in all, some 30 seconds on a 2-core machine. What the fuzzing found when it was
written is in docs/decisions.md ("Hardening (issue 7)").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from auditkit import PackageError, load_checks, load_package, load_rulebook
from auditkit.cli import app
from auditkit.output import dumps
from auditkit.report import ReportOptions, build, render_html, workbook_bytes
from auditkit.runner import run
from tests.conftest import FIXTURES

SPECS = list(load_checks().values())


def budget(examples: int):
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _run(folder: Path) -> None:
    """Load and audit a package as the CLI does; a PackageError is a refusal, anything else a bug."""
    try:
        sub = load_package(folder)
        rules = load_rulebook(sub.manifest.jurisdiction)
        result = run(sub, rules, SPECS)
    except PackageError as refused:
        assert str(refused)  # a message to show
        return
    dumps(result)
    workbook_bytes(result, None, False)
    render_html(build(result, ReportOptions(date=dt.date(2024, 2, 18))))


def _package(source: str, mutate) -> None:
    with tempfile.TemporaryDirectory(prefix="auditkit-fuzz-") as temporary:
        folder = Path(temporary) / "package"
        shutil.copytree(FIXTURES / source, folder)
        mutate(folder)
        _run(folder)


SETTLEMENT = (FIXTURES / "settlement-ok" / "settlement.csv").read_bytes()
CELLS = list(csv.reader(io.StringIO(SETTLEMENT.decode("utf-8"))))
# what offices have been seen to put in cells, and what breaks parsers
ODD_TEXT = ["", " ", "-", "—", "/", "合计", "总计", "待定", "1e400", "-1e400", "1e-400", "NaN", "inf", "-0",
            "0x10", "１２３", "１,２３４．５", "1,2,3", "12%", "120%", "-5%", "--5", "(100)", "1.2.3", "9" * 400,
            "150102198001010110", "15010219800101011X", "=SUM(A1:A3)", "\x00", "\ufeff12", "2023-02-30",
            "2023年6月30日", "99999-01-01", "五百", "1 000", "¥100", "100元", "3.5万元", "\u3000"]
cell_values = st.one_of(st.sampled_from(ODD_TEXT), st.text(max_size=12),
                        st.decimals(allow_nan=True, allow_infinity=True).map(str),
                        st.integers(min_value=-10**20, max_value=10**20).map(str))


@budget(150)
@given(st.lists(st.tuples(st.integers(0, len(SETTLEMENT) - 1), st.sampled_from(["flip", "drop", "insert"]),
                          st.integers(0, 255)), min_size=1, max_size=8))
def test_mutated_bytes_of_a_csv_table(edits):
    data = bytearray(SETTLEMENT)
    for position, operation, byte in edits:
        position = min(position, len(data) - 1) if data else 0
        if operation == "flip" and data:
            data[position] = byte
        elif operation == "drop" and data:
            del data[position]
        else:
            data.insert(position, byte)
    _package("settlement-ok", lambda folder: (folder / "settlement.csv").write_bytes(bytes(data)))


@budget(60)
@given(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-be", "utf-32",
                        "cp1252", "shift_jis", "latin-1"]),
       st.integers(0, len(SETTLEMENT)), st.sampled_from(["\n", "\r\n", "\r", "\t"]))
def test_a_table_in_another_encoding_or_cut_short(encoding, cut, newline):
    text = SETTLEMENT.decode("utf-8").replace("\n", newline)
    data = text.encode(encoding, errors="replace")[:cut]
    _package("settlement-ok", lambda folder: (folder / "settlement.csv").write_bytes(data))


# one table of each family's valid package: settlement, money flows and deadlines, the other
# programs; the manifest and the other tables stay as they are
TABLE_FILES = [("settlement-ok", "settlement.csv"), ("settlement-ok", "local_funds.csv"),
               ("deadlines-ok", "documents.csv"), ("deadlines-ok", "payments.csv"), ("deadlines-ok", "filings.csv"),
               ("disbursement-ok", "payments.csv"), ("reward-ok", "reward.csv"), ("students-ok", "students.csv"),
               ("assistance-ok", "assistance.csv"), ("performance-ok", "performance.csv"),
               ("pooling-ok", "pooling_uploads.csv"), ("pooling-ok", "risk_pool.csv"), ("pooling-ok", "deficits.csv"),
               ("contributions-ok", "contributions.csv"), ("contributions-ok", "contribution_bases.csv"),
               ("contributions-ok", "fund_budgets.csv")]
TABLE_CELLS = {pair: list(csv.reader(io.StringIO((FIXTURES / pair[0] / pair[1]).read_text(encoding="utf-8"))))
               for pair in TABLE_FILES}


@budget(300)
@given(st.sampled_from(TABLE_FILES),
       st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), cell_values), min_size=1, max_size=6),
       st.sampled_from(["none", "duplicate-row", "drop-row", "short-row", "long-row"]))
def test_mutated_cells_of_a_table(table, edits, shape):
    rows = [list(row) for row in TABLE_CELLS[table]]
    for row, column, value in edits:
        cells = rows[row % len(rows)]
        cells[column % len(cells)] = value
    if shape == "duplicate-row":
        rows.insert(2, list(rows[1]))
    elif shape == "drop-row" and len(rows) > 1:
        del rows[1]
    elif shape == "short-row":
        rows[1] = rows[1][:3]
    elif shape == "long-row":
        rows[1] = rows[1] + ["多余"] * 3
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    _package(table[0], lambda folder: (folder / table[1]).write_text(out.getvalue(), encoding="utf-8"))


MANIFEST = (FIXTURES / "settlement-ok" / "submission.toml").read_text(encoding="utf-8")
MANIFEST_LINES = [line for line in MANIFEST.splitlines() if " = " in line and not line.startswith("#")]
TOML_VALUES = ['"abc"', '""', "1e10", "2023.0", "-2023", "0", "true", "[1, 2]", "{a = 1}", "2023-02-28",
               "2023-06-30T00:00:00", '"２０２３"', '"wan"', '"万元"', '"yuan"', '"zz"', '"../settlement-ok/x.csv"',
               '"/etc/hostname"', '"settlement.csv#表1"', '"local_funds.csv"', '"nothing.parquet"', '"settlement.CSV"',
               '"."', '"settlement.xlsx"', "inf", "nan", "0x7E7", '"""多行\n文本"""']
EXTRA_LINES = ["[units]\nsettlement = \"wan\"", "[funds]\nreward = \"一百\"", "[funds]\nreward = 1e400",
               "[dates]\nbudget_approved_on = \"2024-13-01\"", "[tables]\nroster = \"settlement.csv\"",
               "[tables]\npayments = \"local_funds.csv\"", "[tables]\nunknown = \"settlement.csv\"",
               "[submission]\nyear = 2024", "tables = 1", "[funds]\nurban_rural = true"]


@budget(150)
@given(st.lists(st.tuples(st.integers(0, len(MANIFEST_LINES) - 1),
                          st.one_of(st.sampled_from(TOML_VALUES), st.text(max_size=10).map(repr))),
                max_size=4),
       st.lists(st.sampled_from(EXTRA_LINES), max_size=2))
def test_mutated_manifest_values(edits, extra):
    text = MANIFEST
    for line_index, value in edits:
        line = MANIFEST_LINES[line_index]
        text = text.replace(line, line.split(" = ", 1)[0] + " = " + value)
    text += "\n" + "\n".join(extra) + "\n"
    _package("settlement-ok", lambda folder: (folder / "submission.toml").write_text(text, encoding="utf-8"))


# what a workbook cell can hold: openpyxl refuses control characters, as Excel does
python_cells = st.one_of(
    st.sampled_from(ODD_TEXT).map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)), st.none(), st.booleans(),
    st.integers(min_value=-10**18, max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)),
    st.dates(min_value=dt.date(1900, 1, 1)),
)


@budget(70)
@given(st.lists(st.tuples(st.integers(1, 8), st.integers(1, 11), python_cells), min_size=1, max_size=5),
       st.booleans())
def test_mutated_cells_of_a_workbook(edits, unmerge):
    def mutate(folder: Path) -> None:
        path = folder / "settlement.xlsx"
        workbook = openpyxl.load_workbook(path)
        sheet = workbook["结算表"]
        if unmerge:
            for merged in list(sheet.merged_cells.ranges):
                sheet.unmerge_cells(str(merged))
        for row, column, value in edits:
            if not unmerge and type(sheet.cell(row, column)).__name__ == "MergedCell":
                continue
            sheet.cell(row, column).value = value
        workbook.save(path)

    _package("valid-awkward/merged-header", mutate)


@budget(40)
@given(st.lists(st.tuples(st.integers(1, 8), st.integers(1, 2), st.one_of(python_cells, st.sampled_from(
    ["submission.year", "tables.settlement", "tables.roster", "units.settlement", "funds.reward", "a.b.c",
     "#附件1", "附件1", "#没有", "wan", "xj", "nmg"]))), min_size=1, max_size=4))
def test_mutated_manifest_sheet_of_a_one_workbook_package(edits):
    """The package as one workbook: its 'submission' sheet's keys (A) and values (B)."""
    with tempfile.TemporaryDirectory(prefix="auditkit-fuzz-") as temporary:
        path = Path(temporary) / "tacheng-2020.xlsx"
        workbook = openpyxl.load_workbook(FIXTURES / "workbook-package" / "tacheng-2020.xlsx")
        for row, column, value in edits:
            workbook["submission"].cell(row, column).value = value
        workbook.save(path)
        _run(path)


WORKBOOK = (FIXTURES / "valid-awkward" / "merged-header" / "settlement.xlsx").read_bytes()


@budget(40)
@given(st.lists(st.tuples(st.integers(0, len(WORKBOOK) - 1), st.integers(0, 255)), min_size=1, max_size=4))
def test_mutated_bytes_of_a_workbook(edits):
    data = bytearray(WORKBOOK)
    for position, byte in edits:
        data[position] = byte
    _package("valid-awkward/merged-header", lambda folder: (folder / "settlement.xlsx").write_bytes(bytes(data)))


ROSTER = (FIXTURES / "roster-nmg-2023" / "roster.csv").read_text(encoding="utf-8")
ROSTER_CELLS = list(csv.reader(io.StringIO(ROSTER)))


@budget(30)
@given(st.lists(st.tuples(st.integers(0, len(ROSTER_CELLS) - 1), st.integers(0, 4), cell_values),
                min_size=1, max_size=5))
def test_mutated_cells_of_a_roster(edits):
    rows = [list(row) for row in ROSTER_CELLS]
    for row, column, value in edits:
        if column < len(rows[row]):
            rows[row][column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    _package("roster-nmg-2023", lambda folder: (folder / "roster.csv").write_text(out.getvalue(), encoding="utf-8"))


@budget(25)
@given(st.lists(st.tuples(st.integers(1, len(CELLS) - 1), st.integers(0, len(CELLS[0]) - 1), cell_values),
                min_size=1, max_size=4))
def test_the_cli_exits_0_1_or_2_on_mutated_packages(edits):
    rows = [list(row) for row in CELLS]
    for row, column, value in edits:
        rows[row][column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    with tempfile.TemporaryDirectory(prefix="auditkit-fuzz-") as temporary:
        folder = Path(temporary) / "package"
        shutil.copytree(FIXTURES / "settlement-ok", folder)
        (folder / "settlement.csv").write_text(out.getvalue(), encoding="utf-8")
        result = CliRunner().invoke(app, ["check", str(folder), "--format", "json",
                                          "--xlsx", str(Path(temporary) / "底稿.xlsx")])
    assert result.exit_code in (0, 1, 2), result.output
    assert "内部错误" not in result.output
