"""The command line as a user meets it: exit codes, JSON, messages, selection, the demo."""

import json
import subprocess
import sys

from typer.testing import CliRunner

from auditkit.cli import app
from tests.conftest import FIXTURES

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_exit_code_0_when_no_error_and_1_when_errors():
    assert invoke("check", FIXTURES / "settlement-ok").exit_code == 0
    assert invoke("check", FIXTURES / "st001-broken").exit_code == 1


def test_exit_code_2_with_a_chinese_message_and_no_traceback():
    """Run as a real process, so that nothing but the message reaches the terminal."""
    done = subprocess.run([sys.executable, "-m", "auditkit", "check", str(FIXTURES / "bad" / "non-numeric-amount")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert "无法读取" in done.stderr and "第5行" in done.stderr and "应补助资金（B列）" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_json_is_byte_identical_across_runs_and_follows_the_shape(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    invoke("check", FIXTURES / "demo-nmg-2025", "--output", first)
    invoke("check", FIXTURES / "demo-nmg-2025", "--output", second)
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text(encoding="utf-8"))
    assert list(data)[:7] == ["auditkit", "package", "rulebook", "findings", "assessment", "skipped", "summary"]
    assert data["rulebook"] == {"id": "nmg", "version": "2025.1"}
    finding = data["findings"][0]
    for key in ("code", "severity", "region", "title", "condition", "criteria", "effect", "recommendation", "key", "figures"):
        assert key in finding
    assert all(len(i["sha256"]) == 64 for i in data["package"]["inputs"])
    assert data["summary"]["errors"] == sum(f["severity"] == "error" for f in data["findings"])


def test_money_in_json_is_yuan_to_the_fen():
    """兴安盟 in the demo: due 1,248,306 × 700 × (1 − 0.8 − 0.14) = 52,428,852.00, arrived
    49,807,409.40 (95%): deduction 1,248,306 × 560 × 5% × 10% = 3,495,256.80."""
    data = json.loads(invoke("check", FIXTURES / "demo-nmg-2025", "--format", "json").stdout)
    [row] = [r for r in data["assessment"] if r["region"] == "兴安盟"]
    assert row["arrival_deduction"] == 3495256.80
    assert row["arrival_rate"] == 0.95


def test_select_and_ignore_by_code_or_prefix():
    data = json.loads(invoke("check", FIXTURES / "demo-nmg-2025", "--format", "json", "--select", "ST",
                             "--ignore", "ST005").stdout)
    codes = {f["code"] for f in data["findings"]}
    assert codes and all(c.startswith("ST") and c != "ST005" for c in codes)


def test_the_demo_runs_and_shows_its_planted_problems():
    done = invoke("demo")
    assert done.exit_code == 0
    for planted in ("赤峰市", "通辽市", "乌海市", "兴安盟", "鄂尔多斯市", "示例数据"):
        assert planted in done.stdout


def test_checks_lists_code_title_citation_and_tables():
    done = invoke("checks")
    assert done.exit_code == 0
    assert "ST001" in done.stdout and "内财社〔2025〕357号" in done.stdout and "settlement" in done.stdout


def test_an_output_file_is_not_touched_when_the_package_cannot_be_read(tmp_path):
    target = tmp_path / "result.json"
    target.write_text("earlier result", encoding="utf-8")
    assert invoke("check", FIXTURES / "bad" / "missing-column", "--output", target).exit_code == 2
    assert target.read_text(encoding="utf-8") == "earlier result"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_a_select_that_names_no_check_is_refused_not_passed():
    """A typo (STX01) must not read as 'nothing found'."""
    done = invoke("check", FIXTURES / "settlement-ok", "--select", "STX01")
    assert done.exit_code == 2
    assert "STX01" in done.output and "auditkit checks" in done.output


def test_an_id_number_that_arrived_as_an_integer_is_masked_too():
    """A sheet that typed the ID column as numbers gives 150102199001011234 as an int; JSON
    shows 150102********1234 unless --reveal-ids."""
    from auditkit.output import _clean

    evidence = {"rows": [{"person_id": 150102199001011234, "count": 3}]}
    assert _clean(evidence, "", False) == {"rows": [{"person_id": "150102********1234", "count": 3}]}
    assert _clean(evidence, "", True) == evidence
