"""The enrollment checks EN001–EN009 on the hand-worked roster ``fixtures/roster-nmg-2023``.

The fixture (roster.csv, 42 records; 2023, central funds: std 640 元 × c 80% = 512 元 per
excluded record). Persons P1…P21 are valid IDs; H = 呼和浩特市 (1501xx), B = 包头市 (1502xx),
C = 赤峰市 (1504xx).

呼和浩特市, 15 resident records:
  P1, P2 (written with surrounding spaces), P3 (check character written as lowercase x) — kept;
  one empty ID — EN001; a wrong check character twice and "…ABCD" — EN002 (3);
  P4 twice (150102 and 150105) — EN003 1, one kept;
  P6 (H 03-01, B 01-10) and P7 (H no date, C 05-01) — EN004 (B and C are earlier);
  P9 twice in H, once in C on 01-15 — EN003 1, then its remaining H record EN004;
  P13 on the national list — EN006; P16 died 2023-06-29 — EN008.
  Excluded 1 + 3 + 2 + 3 + 1 + 1 = 11, verified 15 − 11 = 4 (P1, P2, P3, P4).
包头市, 12 resident records:
  spaces only — EN001; a 15-digit number — EN002; P21 born 2023-06-30 (the census day itself) —
  kept; P5 three times (two counties of 包头) — EN003 2; P6 and P8 kept here (P8: same date as
  in C, county 150203 < 150402); P11 twice and also an employee — EN003 1, then EN005;
  P14 on the national list and other coverage — EN006 (the first reason); P17 died on
  2023-06-30 — kept. Excluded 1 + 1 + 3 + 1 + 1 = 7, verified 5 (P21, P5, P6, P8, P17).
赤峰市, 11 resident records:
  February 30, born 2023-07-01, address code 150199 — EN002 3; P7 and P9 kept here; P8 — EN004;
  P10 and P19 also employees — EN005 2 (P19 also died before June 30: EN005 comes first);
  P20 on the national list written with a lowercase x — EN006; P15 other coverage — EN007;
  P18 died 2023-07-15 — kept. Excluded 3 + 1 + 2 + 1 + 1 = 8, verified 3 (P7, P9, P18).
Employee records (P10, P11, P12, P19) are never counted.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditkit.cli import app, run_check
from auditkit.enrollment import roster_result, verified_counts
from auditkit.ids import ADDRESS_CODE, BIRTH_DATE, CHECK_DIGIT, MALFORMED
from auditkit.package import load_package
from auditkit.rulebook import load_rulebook

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HAND = FIXTURES / "roster-nmg-2023"
CLEAN = FIXTURES / "roster-nmg-2023-clean"
PER_RECORD = Decimal(512)  # 640 元 × 80%

EXPECTED = {
    "呼和浩特市": {"EN001": 1, "EN002": 3, "EN003": 2, "EN004": 3, "EN006": 1, "EN008": 1},
    "包头市": {"EN001": 1, "EN002": 1, "EN003": 3, "EN005": 1, "EN006": 1},
    "赤峰市": {"EN002": 3, "EN004": 1, "EN005": 2, "EN006": 1, "EN007": 1},
}
RECORDS = {"呼和浩特市": 15, "包头市": 12, "赤峰市": 11}
VERIFIED = {"呼和浩特市": 4, "包头市": 5, "赤峰市": 3}


@pytest.fixture(scope="module")
def hand():
    return run_check(HAND, select=["EN", "FE", "ST002"])


def _persons(result, code: str) -> dict[str, int]:
    return {f.region: f.effect.persons for f in result.findings if f.code == code and f.severity != "info"}


def test_cascade_counts_per_region():
    """The counts of the module docstring, region by region, and every other 盟市 empty."""
    sub = load_package(HAND)
    result = roster_result(sub, load_rulebook("nmg"))
    for name, counts in result.regions.items():
        assert counts.excluded == EXPECTED.get(name, {}), name
        assert counts.records == RECORDS.get(name, 0), name
        assert counts.verified == VERIFIED.get(name, 0), name
        assert counts.records - sum(counts.excluded.values()) == counts.verified  # each excluded once
    assert result.regions["呼和浩特市"].lower_x == 1  # P3, normalised and kept
    assert result.regions["呼和浩特市"].reasons == {MALFORMED: 1, CHECK_DIGIT: 2}
    assert result.regions["包头市"].reasons == {MALFORMED: 1}
    assert result.regions["赤峰市"].reasons == {BIRTH_DATE: 2, ADDRESS_CODE: 1}
    assert verified_counts(sub, load_rulebook("nmg"))["赤峰市"] == 3


def test_one_finding_per_code_and_region(hand):
    """Each (code, 盟市) with exclusions has one finding: persons = records excluded, amount =
    512 元 each (EN002 呼和浩特市: 3 × 512 = 1,536 元)."""
    for code in ("EN001", "EN002", "EN003", "EN004", "EN005", "EN006", "EN007", "EN008"):
        expected = {region: counts[code] for region, counts in EXPECTED.items() if code in counts}
        assert _persons(hand, code) == expected, code
    for finding in hand.findings:
        if finding.code.startswith("EN") and finding.code != "EN009" and finding.severity == "error":
            assert finding.effect.amount == finding.effect.persons * PER_RECORD
    en002 = next(f for f in hand.findings if f.code == "EN002" and f.region == "呼和浩特市" and f.severity == "error")
    assert en002.effect.amount == Decimal(1536)
    assert "校验码错误2条" in en002.condition


def test_lowercase_x_is_an_info_finding(hand):
    """P3's lowercase x is counted (1, 呼和浩特市) in an info finding, not excluded."""
    info = [f for f in hand.findings if f.code == "EN002" and f.severity == "info"]
    assert [(f.region, f.figures["records"], f.effect.persons) for f in info] == [("呼和浩特市", 1, 0)]


def test_en009_and_fe001_use_the_verified_count(hand):
    """Declared 15, 12, 3; verified 4, 5, 3. EN009: 呼和浩特市 11 (11 × 512 = 5,632 元), 包头市 7;
    赤峰市 declares exactly its verified count: no finding. The assessment's enrolled is the
    verified count, so FE001 recomputes 11 × 640 × 80% × 5% = 281.60 元 for 呼和浩特市 and
    7 × 25.60 = 179.20 元 for 包头市, exactly as declared: no FE001 finding."""
    assert _persons(hand, "EN009") == {"呼和浩特市": 11, "包头市": 7}
    en009 = next(f for f in hand.findings if f.code == "EN009" and f.region == "呼和浩特市")
    assert en009.effect.amount == Decimal(5632)
    assert en009.figures == {"declared": 15, "expected": 4, "difference": 11}
    assert {row.region: row.enrolled for row in hand.assessment} == VERIFIED
    assert {row.region: row.over_report_deduction for row in hand.assessment} == {
        "呼和浩特市": Decimal("281.6"), "包头市": Decimal("179.2"), "赤峰市": Decimal(0)}
    assert not [f for f in hand.findings if f.code == "FE001"]
    # ST002 now compares the declared entitled (15 × 512) with the verified 4 × 512 = 2,048 元
    st002 = next(f for f in hand.findings if f.code == "ST002" and f.region == "呼和浩特市")
    assert st002.figures["expected"] == Decimal(2048)


def test_strict_setting_excludes_every_region(tmp_path):
    """duplicate_keep = "none": P6 (H, B), P7 (H, C), P8 (B, C) and P9 (H, C) lose every region's
    record. EN004: 呼和浩特市 P6, P7, P9 = 3; 包头市 P6, P8 = 2; 赤峰市 P7, P8, P9 = 3. Verified:
    呼和浩特市 4, 包头市 5 − 2 = 3, 赤峰市 3 − 2 = 1 (P18)."""
    result = run_check(HAND, rulebook=HAND / "strict.toml", select=["EN004"])
    assert _persons(result, "EN004") == {"呼和浩特市": 3, "包头市": 2, "赤峰市": 3}
    assert {row.region: row.enrolled for row in result.assessment} == {"呼和浩特市": 4, "包头市": 3, "赤峰市": 1}


def test_clean_roster_has_no_enrollment_finding():
    """Four valid residents (2 in 呼和浩特市, 2 in 包头市), an employee-only person, and a death on
    June 30 itself: nothing excluded; declared 2 and 2 equal the verified counts."""
    result = run_check(CLEAN, select=["EN"])
    assert [f for f in result.findings if f.code.startswith("EN")] == []
    assert {row.region: row.enrolled for row in result.assessment} == {"呼和浩特市": 2, "包头市": 2}


def test_cli_masks_ids_unless_revealed():
    """Evidence rows show 150102********0882 for the wrong check character 150102198808080882;
    --reveal-ids shows it whole. The exit code is 1 (error findings)."""
    runner = CliRunner()
    masked = runner.invoke(app, ["check", str(HAND), "--select", "EN002", "--format", "json"])
    assert masked.exit_code == 1, masked.output
    assert "150102198808080882" not in masked.output and "150102********0882" in masked.output
    assert "15010219800101ABCD" not in masked.output and "150102********ABCD" in masked.output
    revealed = runner.invoke(app, ["check", str(HAND), "--select", "EN002", "--format", "json", "--reveal-ids",
                                   "--engine", "duckdb", "--buckets", "2"])
    assert revealed.exit_code == 1, revealed.output
    assert "150102198808080882" in revealed.output
    data = json.loads(revealed.output)
    assert {f["region"]: f["effect"]["persons"] for f in data["findings"] if f["severity"] == "error"} == {
        "呼和浩特市": 3, "包头市": 1, "赤峰市": 3}


def test_unknown_scheme_is_a_package_error(tmp_path):
    """A scheme that is neither the resident nor the employee scheme under any of their names
    (here 商业健康保险) stops the run with exit 2 and a Chinese message naming it."""
    package = tmp_path / "package"
    shutil.copytree(CLEAN, package)
    roster = package / "roster.csv"
    roster.write_text(roster.read_text(encoding="utf-8").replace("职工", "商业健康保险"), encoding="utf-8")
    outcome = CliRunner().invoke(app, ["check", str(package), "--select", "EN"])
    assert outcome.exit_code == 2
    assert "商业健康保险" in outcome.output and "Traceback" not in outcome.output


def test_missing_roster_column_is_a_package_error(tmp_path):
    """A roster without its 险种 column cannot be checked: exit 2, naming the column."""
    package = tmp_path / "package"
    shutil.copytree(CLEAN, package)
    roster = package / "roster.csv"
    lines = roster.read_text(encoding="utf-8").splitlines()
    roster.write_text("\n".join(",".join(line.split(",")[:1] + line.split(",")[2:]) for line in lines) + "\n",
                      encoding="utf-8")
    outcome = CliRunner().invoke(app, ["check", str(package), "--select", "EN"])
    assert outcome.exit_code == 2
    assert "险种" in outcome.output


def test_rulebook_exception_moves_a_county(tmp_path):
    """A rulebook exception settles county 150206 (包头市's) with 呼和浩特市. Its resident records
    are P21 (kept) and P5's third record: P5 then has records in 包头市 (150203, 01-01 and 01-02)
    and 呼和浩特市 (no date), so 包头市 keeps P5 (EN003 1 there) and 呼和浩特市 excludes its record
    under EN004. 包头市: 12 − 2 = 10 records, EN003 3 − 1 = 2, verified 5 − 1 = 4 (P21 moved);
    呼和浩特市: 17 records, EN004 3 + 1 = 4, verified 4 + 1 = 5 (P21)."""
    override = tmp_path / "exceptions.toml"
    override.write_text('[enrollment.settlement_region_exceptions]\nvalue = { "150206" = "150100" }\n'
                        'source = "测试"\nverified = false\n', encoding="utf-8")
    sub = load_package(HAND)
    regions = roster_result(sub, load_rulebook("nmg", override)).regions
    assert (regions["包头市"].records, regions["包头市"].excluded["EN003"], regions["包头市"].verified) == (10, 2, 4)
    assert (regions["呼和浩特市"].records, regions["呼和浩特市"].excluded["EN004"], regions["呼和浩特市"].verified) == (17, 4, 5)


def test_gb18030_roster_reads_like_utf8(tmp_path):
    """The clean roster re-encoded in GB18030 (as offices' exports often are) gives the same
    verified counts, 2 and 2, on Polars and DuckDB."""
    package = tmp_path / "package"
    shutil.copytree(CLEAN, package)
    roster = package / "roster.csv"
    roster.write_bytes(roster.read_text(encoding="utf-8").encode("gb18030"))
    for engine in ("polars", "duckdb"):
        result = run_check(package, select=["EN"], options={"engine": engine})
        assert {row.region: row.enrolled for row in result.assessment} == {"呼和浩特市": 2, "包头市": 2}
