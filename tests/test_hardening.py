"""The broken corpus (fixtures/bad) and the awkward-but-valid one (fixtures/valid-awkward).

Every case is a folder that describes itself in ``expected.toml``:

- a broken package: ``exit`` (2), the ``words`` its Chinese message must hold, the location parts
  (file, sheet, row, column) it must name in ``where``, and text that must never appear
  (``absent``, an unmasked ID number);
- a package that runs although something is missing (``exit`` 0 or 1): the checks it must list
  as ``skipped`` and the words of their reason;
- an awkward but valid package: ``same_as``, the tidy package whose result it must give.

A refused package writes nothing: each run is pointed with --output, --report and --xlsx at
files that already exist, and they must keep their bytes, with no temporary file left beside
them. A few cases run the real CLI in a subprocess (what a user's terminal shows), the rest
through typer's CliRunner.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditkit.cli import app
from auditkit.output import result_json
from tests.conftest import FIXTURES, audit

BAD = FIXTURES / "bad"
AWKWARD = FIXTURES / "valid-awkward"
BAD_CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir())
AWKWARD_CASES = sorted(p.name for p in AWKWARD.iterdir() if p.is_dir())
# run as a real process: what reaches a terminal, with no traceback
IN_SUBPROCESS = {"no-manifest", "corrupt-xlsx", "roster-numeric-ids", "id-in-amount-cell"}
OLD = b"an earlier result that must survive a refused run\n"


def expected(folder: Path) -> dict:
    return tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))


def _outputs(folder: Path) -> dict[str, Path]:
    folder.mkdir()
    paths = {"--output": folder / "结果.json", "--report": folder / "审核意见.pdf", "--xlsx": folder / "工作底稿.xlsx"}
    for path in paths.values():
        path.write_bytes(OLD)
    return paths


def _cli(args: list[str], subprocess_run: bool) -> tuple[int, str]:
    """Exit code and everything the user saw (stdout and stderr)."""
    if subprocess_run:
        done = subprocess.run([sys.executable, "-m", "auditkit", *args], capture_output=True, text=True,
                              timeout=120)
        return done.returncode, done.stdout + done.stderr
    result = CliRunner().invoke(app, args)
    return result.exit_code, result.output


@pytest.mark.parametrize("case", [c for c in BAD_CASES if expected(BAD / c)["exit"] == 2])
def test_a_broken_package_is_refused_in_chinese_naming_where_and_writes_nothing(case, tmp_path):
    spec = expected(BAD / case)
    outputs = _outputs(tmp_path / "out")
    args = ["check", str(BAD / case)] + [str(a) for pair in outputs.items() for a in pair]
    code, seen = _cli(args, case in IN_SUBPROCESS)
    assert code == 2, seen
    assert seen.startswith("无法读取："), seen
    for part in spec["words"] + spec["where"]:
        assert part in seen, (part, seen)
    for secret in spec.get("absent", []):
        assert secret not in seen
    assert "Traceback" not in seen
    for path in outputs.values():
        assert path.read_bytes() == OLD, f"{path.name} changed"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in outputs.values())


@pytest.mark.parametrize("case", [c for c in BAD_CASES if expected(BAD / c)["exit"] != 2])
def test_a_package_without_what_some_checks_need_runs_and_lists_them_skipped(case, tmp_path):
    spec = expected(BAD / case)
    code, seen = _cli(["check", str(BAD / case), "--format", "json"], False)
    assert code == spec["exit"], seen
    skipped = {s["code"]: s["reason"] for s in json.loads(seen)["skipped"]}
    for check in spec["skipped"]:
        assert check in skipped
        for words in spec["skipped_reason"]:
            assert words in skipped[check]


def test_debug_shows_the_trace_with_the_id_still_masked():
    """--debug is the only way to see a trace; the ID number in the message stays masked."""
    case = BAD / "id-in-amount-cell"
    code, seen = _cli(["check", str(case), "--debug"], False)
    assert code == 2
    assert "Traceback" in seen and "PackageError" in seen
    assert "150102********011X" in seen
    for secret in expected(case)["absent"]:
        assert secret not in seen


def _without_inputs(result) -> dict:
    data = result_json(result)
    data["package"].pop("inputs")
    return data


@pytest.mark.parametrize("case", AWKWARD_CASES)
def test_an_awkward_but_valid_package_reads_like_the_tidy_one(case):
    """Each folder is settlement-ok's settlement table as an office might have saved it (its
    submission.toml says how); the result, inputs' hashes aside, is settlement-ok's."""
    spec = expected(AWKWARD / case)
    assert _without_inputs(audit(AWKWARD / case)) == _without_inputs(audit(spec["same_as"]))


def test_the_corpus_counts_its_cases(capsys):
    """Every case folder describes itself, and the summary line counts them: 22 packages refused
    with exit 2 (the 16 kinds of the issue, the roster's numbers also as CSV scientific
    notation, an ID in an amount cell, a medical-assistance fund that does not exist, the
    earlier [units] case, and issue 12's roster whose IDs end in Excel's 000 and roster of mixed
    encodings), one run with its rulebook checks skipped, six awkward packages read."""
    refused = [c for c in BAD_CASES if expected(BAD / c)["exit"] == 2]
    ran = [c for c in BAD_CASES if expected(BAD / c)["exit"] != 2]
    assert all((AWKWARD / c / "expected.toml").is_file() for c in AWKWARD_CASES)
    assert (len(refused), len(ran), len(AWKWARD_CASES)) == (22, 1, 6)
    kinds = {"no-manifest", "toml-syntax", "unknown-program", "unknown-jurisdiction", "year-not-integer",
             "missing-file", "outside-path", "missing-column", "non-numeric-amount", "negative-count",
             "duplicate-regions", "empty-file", "corrupt-xlsx", "missing-sheet", "unit-contradiction",
             "impossible-date", "roster-numeric-ids"}
    assert kinds <= set(BAD_CASES)
    assert set(AWKWARD_CASES) == {"gb18030", "utf8-bom", "merged-header", "formula-cached",
                                  "thousands-separators", "full-width-digits"}
    with capsys.disabled():  # the summary line shows in `make test` without -s
        print(f"\nhardening corpus: {len(refused)} broken packages refused (exit 2), {len(ran)} run with "
              f"checks skipped, {len(AWKWARD_CASES)} awkward packages read as valid")


def test_a_report_that_cannot_be_written_leaves_the_other_outputs_as_they_were(tmp_path):
    """A valid package, but --report names a file inside a "folder" that is a file: the run is
    refused (exit 2) naming the report, and the JSON and workbook written beside it in the same
    run are not replaced either (all outputs are staged first, then renamed together)."""
    outputs = _outputs(tmp_path / "out")
    blocker = tmp_path / "out" / "不是目录"
    blocker.write_bytes(OLD)
    code, seen = _cli(["check", str(FIXTURES / "settlement-ok"), "--output", str(outputs["--output"]),
                       "--xlsx", str(outputs["--xlsx"]), "--report", str(blocker / "审核意见.html")], False)
    assert code == 2, seen
    assert "无法写入文件" in seen and "审核意见.html" in seen
    for path in (outputs["--output"], outputs["--xlsx"], blocker):
        assert path.read_bytes() == OLD
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [p.name for p in outputs.values()] + [blocker.name])
