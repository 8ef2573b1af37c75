"""Personal data stays masked, and the inputs are never touched.

The roster fixture (roster-nmg-2023) holds 18- and 15-digit ID numbers, valid and invalid, in
its roster and in the national list, other coverage and deaths lists. One full run writes every
output (terminal, JSON, PDF review document, Excel working papers) and records what reached the
logs; no ID number as written in the inputs may appear in any of them, while their masked form
(the address code, eight or five stars, the last four) does. ``--reveal-ids`` is the one way to
see them. Every fixture file keeps its SHA-256 through the runs, and a package whose files and
folders are read-only runs as usual.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from auditkit.cli import app
from auditkit.findings import mask_id
from tests.conftest import FIXTURES

ROSTER = FIXTURES / "roster-nmg-2023"
LISTS = ("roster.csv", "national_list.csv", "other_coverage.csv", "deaths.csv")


def written_ids() -> set[str]:
    """Every ID number of the roster fixture as written (first column), long enough that its
    mask hides digits (15 or more characters); with its upper-case twin for a lowercase x."""
    found = set()
    for name in LISTS:
        rows = list(csv.reader(io.StringIO((ROSTER / name).read_text(encoding="utf-8"))))
        for row in rows[1:]:
            text = row[0].strip() if row else ""
            if len(text) >= 15:
                found |= {text, text.upper()}
    return found


def fixture_checksums() -> dict[str, str]:
    return {str(p.relative_to(FIXTURES)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(FIXTURES.rglob("*")) if p.is_file()}


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


def _full_run(out: Path, *extra: str) -> dict:
    records = _Records()
    logging.getLogger().addHandler(records)
    try:
        result = CliRunner().invoke(app, ["check", str(ROSTER), "--output", str(out / "结果.json"),
                                          "--report", str(out / "审核意见.pdf"), "--xlsx", str(out / "工作底稿.xlsx"),
                                          "--date", "2024-02-18", *extra])
    finally:
        logging.getLogger().removeHandler(records)
    workbook = openpyxl.load_workbook(out / "工作底稿.xlsx")
    cells = [str(c) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
             for c in row if c is not None]
    pdf = PdfReader(out / "审核意见.pdf")
    return {"exit": result.exit_code, "terminal": result.output,
            "json": (out / "结果.json").read_text(encoding="utf-8"),
            "pdf": "\n".join(page.extract_text() for page in pdf.pages), "xlsx": "\n".join(cells),
            "logs": "\n".join(records.lines)}


@pytest.fixture(scope="module")
def masked(tmp_path_factory):
    """One full run with every output, and the fixtures' checksums around it."""
    before = fixture_checksums()
    out = tmp_path_factory.mktemp("masked")
    seen = _full_run(out)
    return {"seen": seen, "before": before, "after": fixture_checksums()}


@pytest.mark.parametrize("channel", ["terminal", "json", "pdf", "xlsx", "logs"])
def test_no_id_number_reaches_any_output(masked, channel):
    seen = masked["seen"]
    assert seen["exit"] == 1, seen["terminal"]  # the roster fixture breaks EN rules on purpose
    leaked = sorted(i for i in written_ids() if i in seen[channel])
    assert leaked == [], f"{channel} shows {leaked}"


@pytest.mark.parametrize("channel", ["json", "pdf", "xlsx"])
def test_the_evidence_shows_masked_numbers(masked, channel):
    """The evidence is there, masked: e.g. 150102198808080882, entered twice in 呼和浩特市
    (EN003), shows as 150102********0882."""
    assert "150102********0882" == mask_id("150102198808080882")
    assert "150102********0882" in masked["seen"][channel]


def test_reveal_ids_is_the_one_way_to_see_them(tmp_path):
    seen = _full_run(tmp_path, "--reveal-ids")
    for channel in ("json", "pdf", "xlsx"):
        assert "150102198808080882" in seen[channel], channel
    evidence = [row for f in json.loads(seen["json"])["findings"] for row in f["evidence"]["rows"]]
    assert "150102198808080882" in json.dumps(evidence, ensure_ascii=False)


def test_the_inputs_keep_their_checksums(masked):
    """Every file under fixtures/ (the roster package and every other) is byte-identical after
    the full run, and none was added."""
    assert masked["after"] == masked["before"]


_WATCHED: list[tuple[Path, list]] = []


def _audit(event: str, args: tuple) -> None:
    """Record every open of a file inside a watched folder (Python's audit hook 'open')."""
    if event != "open" or not _WATCHED or not isinstance(args[0], (str, bytes, os.PathLike)):
        return
    path = Path(os.fsdecode(args[0])).resolve()
    for folder, opened in _WATCHED:
        if path.is_relative_to(folder):
            opened.append((path.name, args[1], args[2]))


sys.addaudithook(_audit)  # hooks cannot be removed; this one only acts while _WATCHED is set
_WRITING = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def test_inputs_are_opened_for_reading_only(tmp_path):
    """Python's audit hook sees every open the run makes from Python (the manifest, the
    settlement table, the hashes of every input): none asks for writing. The native readers of
    the roster (Polars, DuckDB) are covered by the checksums above."""
    package = tmp_path / "包"
    shutil.copytree(ROSTER, package)
    opened: list = []
    _WATCHED.append((package.resolve(), opened))
    try:
        result = CliRunner().invoke(app, ["check", str(package), "--output", str(tmp_path / "结果.json")])
    finally:
        _WATCHED.clear()
    assert result.exit_code == 1, result.output
    assert {"submission.toml", "settlement.csv", "roster.csv"} <= {name for name, _m, _f in opened}
    writing = [(name, mode, flags) for name, mode, flags in opened
               if (isinstance(mode, str) and set(mode) & set("wax+")) or (flags or 0) & _WRITING]
    assert writing == []


def test_an_id_number_in_a_region_cell_is_masked_everywhere(tmp_path):
    """settlement-ok with 乌海市 replaced by an ID number in both tables (someone pasted the wrong
    column): the run goes on (ST005 cannot resolve the name) and the number shows only as
    150102********0110 in the terminal, JSON, HTML review document and workbook."""
    package = tmp_path / "包"
    shutil.copytree(FIXTURES / "settlement-ok", package)
    for name in ("settlement.csv", "local_funds.csv"):
        path = package / name
        path.write_text(path.read_text(encoding="utf-8").replace("乌海市,", "150102198001010110,"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["check", str(package), "--output", str(out / "结果.json"),
                                      "--report", str(out / "审核意见.html"), "--xlsx", str(out / "工作底稿.xlsx")])
    assert result.exit_code == 1, result.output
    workbook = openpyxl.load_workbook(out / "工作底稿.xlsx")
    cells = "\n".join(str(c) for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)
                      for c in row if c is not None)
    seen = {"terminal": result.output, "json": (out / "结果.json").read_text(encoding="utf-8"),
            "html": (out / "审核意见.html").read_text(encoding="utf-8"), "xlsx": cells}
    for channel, text in seen.items():
        assert "150102198001010110" not in text, channel
        assert "150102********0110" in text, channel
