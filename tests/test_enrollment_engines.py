"""One cascade, three engines: Polars (the default), DuckDB and Spark give identical results on
the roster fixtures, whole or cut into buckets by the ID's hash.

The expected figures are those worked out in ``tests/test_enrollment.py``; here every engine's
full result (records, exclusions per code, EN002 reasons, lowercase x, verified counts and the
evidence samples) must equal Polars'. Spark runs in one small local session shared by the tests.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from auditkit.enrollment import roster_result
from auditkit.package import load_package
from auditkit.rulebook import load_rulebook

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HAND = FIXTURES / "roster-nmg-2023"
CLEAN = FIXTURES / "roster-nmg-2023-clean"
HAS_SPARK = importlib.util.find_spec("pyspark") is not None


def _result(package: Path, engine: str, buckets: int | None = None, strict: bool = False):
    sub = load_package(package)
    sub.options.update(engine=engine, buckets=buckets)
    rules = load_rulebook("nmg", HAND / "strict.toml" if strict else None)
    return {name: vars(counts) for name, counts in roster_result(sub, rules).regions.items()}


@pytest.fixture(scope="module")
def spark():
    if not HAS_SPARK:
        pytest.skip("PySpark 未安装（pip install 'auditkit[spark]'）")
    from auditkit.enrollment.engines import spark_session

    session = spark_session()
    # tiny inputs: one shuffle partition, and no code generation to compile
    session.conf.set("spark.sql.shuffle.partitions", "1")
    session.conf.set("spark.sql.codegen.wholeStage", "false")
    return session


@pytest.mark.parametrize("package", [HAND, CLEAN], ids=["hand", "clean"])
@pytest.mark.parametrize("strict", [False, True], ids=["earliest", "strict"])
def test_duckdb_and_buckets_agree_with_polars(package, strict):
    expected = _result(package, "polars", strict=strict)
    assert expected["呼和浩特市"]["verified"] in (4, 2)  # the hand-worked figure (4), or the clean one (2)
    assert _result(package, "duckdb", strict=strict) == expected
    assert _result(package, "polars", buckets=3, strict=strict) == expected
    assert _result(package, "duckdb", buckets=2, strict=strict) == expected


def test_spark_agrees_with_polars(spark):
    """The hand-worked roster, whole and in two buckets, and under the strict setting."""
    expected = _result(HAND, "polars")
    assert expected["赤峰市"]["verified"] == 3
    assert _result(HAND, "spark") == expected
    assert _result(HAND, "spark", buckets=2) == expected
    assert _result(HAND, "spark", strict=True) == _result(HAND, "polars", strict=True)


def test_spark_connect_through_the_cli():
    """``--engine spark --spark-remote local[1]``: PySpark starts a Spark Connect server of its
    own and the run talks to it as to a cluster. A child process, so that its session does not
    meet the classic one above. EN002 persons as worked out in test_enrollment.py: 呼和浩特市 3,
    包头市 1, 赤峰市 3."""
    import os

    if not HAS_SPARK:
        pytest.skip("PySpark 未安装（pip install 'auditkit[spark]'）")
    if os.environ.get("AUDITKIT_SPARK_CONNECT") != "1":  # docs/decisions.md, "The suite's Spark Connect run"
        pytest.skip("Spark Connect 的完整运行需另起 JVM 服务，设置 AUDITKIT_SPARK_CONNECT=1 后运行")
    import json
    import subprocess
    import sys

    # SPARK_TESTING: PySpark's local server then listens on a free port, not 15002, so that
    # runs side by side (or a server already there) do not collide
    outcome = subprocess.run(
        [sys.executable, "-m", "auditkit", "check", str(HAND), "--select", "EN002", "--format", "json",
         "--engine", "spark", "--spark-remote", "local[1]"],
        capture_output=True, text=True, timeout=600, env={**os.environ, "SPARK_TESTING": "1"})
    assert outcome.returncode == 1, outcome.stderr[-2000:]
    findings = json.loads(outcome.stdout)["findings"]
    assert {f["region"]: f["effect"]["persons"] for f in findings if f["severity"] == "error"} == {
        "呼和浩特市": 3, "包头市": 1, "赤峰市": 3}


# The fixtures of roster exports (tests/test_roster_exports.py): every engine, whole or in
# buckets, must write the same JSON bytes.
EXPORTS = [FIXTURES / name for name in ("roster-counties", "roster-unicode-text", "roster-gb18030-markers", "roster-workbooks")]
# workbook rosters as Excel shows them (tests/test_roster_sheets.py): merged cells, a hidden
# sheet left unread, formulas read as their computed values
EXPORTS += [FIXTURES / "roster-sheets" / name for name in ("merged", "merged-xls", "merged-ods", "hidden", "computed")]


def _json(tmp_path, package: Path, *extra: str) -> bytes:
    from typer.testing import CliRunner

    from auditkit.cli import app

    out = tmp_path / f"{package.name}-{'-'.join(extra)}.json"
    result = CliRunner().invoke(app, ["check", str(package), "--select", "EN,IN", "--output", str(out), *extra])
    assert result.exit_code in (0, 1), result.output
    return out.read_bytes()


@pytest.mark.parametrize("package", EXPORTS, ids=[p.name for p in EXPORTS])
def test_exports_give_the_same_json_on_every_engine(tmp_path, package, spark):
    polars = _json(tmp_path, package, "--engine", "polars")
    assert b'"EN0' in polars  # each export fixture has enrollment findings
    assert _json(tmp_path, package, "--engine", "duckdb") == polars
    assert _json(tmp_path, package, "--engine", "duckdb", "--buckets", "2") == polars
    assert _json(tmp_path, package, "--engine", "polars", "--buckets", "3") == polars
    assert _json(tmp_path, package, "--engine", "spark", "--buckets", "2") == polars
