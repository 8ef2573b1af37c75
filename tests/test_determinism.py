"""The same inputs give the same bytes: JSON across runs and across the three roster engines,
the PDF across runs when SOURCE_DATE_EPOCH fixes its creation date, and otherwise differing in
that date alone.

Spark is slow to start, so it runs once in this module (in the Spark session the process
shares with the enrollment tests).
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from auditkit.cli import app
from tests.conftest import FIXTURES

ROSTER = FIXTURES / "roster-nmg-2023"
DATES = ("/CreationDate", "/ModDate")


def _json(tmp_path, name: str, *extra: str) -> bytes:
    out = tmp_path / f"{name}.json"
    result = CliRunner().invoke(app, ["check", str(ROSTER), "--output", str(out), *extra])
    assert result.exit_code == 1, result.output  # the roster fixture breaks EN rules on purpose
    return out.read_bytes()


def test_json_is_byte_identical_across_runs_and_engines(tmp_path):
    """polars twice, duckdb and spark once each: four identical files. The roster's findings
    (EN001–EN009) and the verified counts the settlement uses come from the engine, so any
    difference in order, sampling or rounding between engines would show here."""
    polars = _json(tmp_path, "polars", "--engine", "polars")
    assert b'"EN003"' in polars and b'"EN009"' in polars
    assert _json(tmp_path, "polars-again", "--engine", "polars") == polars
    assert _json(tmp_path, "duckdb", "--engine", "duckdb", "--buckets", "3") == polars
    pytest.importorskip("pyspark")
    assert _json(tmp_path, "spark", "--engine", "spark") == polars


def _pdf(tmp_path, name: str, epoch: str) -> bytes:
    out = tmp_path / f"{name}.pdf"
    result = CliRunner().invoke(app, ["check", str(FIXTURES / "settlement-ok"), "--report", str(out),
                                      "--date", "2024-02-18"], env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_pdf_is_byte_identical_with_source_date_epoch_and_differs_only_in_its_date(tmp_path):
    """1708214400 is 2024-02-18 00:00:00 UTC and 1708300800 a day later: two runs with the
    first give the same bytes; a run with the second has the same pages and metadata but its
    creation date, D:20240219000000."""
    first = _pdf(tmp_path, "a", "1708214400")
    assert _pdf(tmp_path, "b", "1708214400") == first
    later = _pdf(tmp_path, "c", "1708300800")
    assert later != first
    one, other = PdfReader(io.BytesIO(first)), PdfReader(io.BytesIO(later))
    assert one.metadata["/CreationDate"].startswith("D:20240218000000")
    assert other.metadata["/CreationDate"].startswith("D:20240219000000")
    assert {k: v for k, v in one.metadata.items() if k not in DATES} == \
        {k: v for k, v in other.metadata.items() if k not in DATES}
    assert len(one.pages) == len(other.pages)
    for page, twin in zip(one.pages, other.pages):
        assert page.get_contents().get_data() == twin.get_contents().get_data()
