"""The rulebooks: every parameter of RULES.md with its source, overrides, and region names
checked against the GB/T 2260 history that python-stdnum ships."""

from decimal import Decimal

import pytest

from auditkit import load_rulebook
from auditkit.gbt2260 import had_name
from auditkit.parameters import MonthDay
from tests.conftest import FIXTURES, audit, only

# RULES.md, "Parameters that are facts, not guesses"
STANDARDS = {2019: 520, 2020: 550, 2021: 580, 2022: 610, 2023: 640, 2024: 670, 2025: 700}
CONTRIBUTIONS = {2019: 250, 2020: 280, 2021: 320, 2022: 350, 2023: 380, 2024: 400, 2025: 400}
VERIFIED_YEARS = {2021, 2022, 2024, 2025}


def test_nmg_holds_the_national_standards_and_contributions_with_their_sources():
    rules = load_rulebook("nmg")
    for year, value in STANDARDS.items():
        param = rules.get("standard", year)
        assert param.value == value and param.source
        assert param.verified == (year in VERIFIED_YEARS)
        assert rules.get("contribution", year).value == CONTRIBUTIONS[year]
    assert "关于做好2024年城乡居民基本医疗保障工作的通知" in rules.get("standard", 2024).source
    assert any(d.number == "医保发〔2024〕19号" and d.verified for d in rules.documents)


def test_nmg_shares_and_rates_cite_their_article():
    rules = load_rulebook("nmg")
    assert (rules.get("central_share").value, rules.get("central_share").source) == (Decimal("0.8"), "内财社〔2025〕357号 第五条")
    assert rules.get("arrival_deduction_rate").value == Decimal("0.1")
    assert rules.get("over_report_deduction_rate").value == Decimal("0.05")
    assert [rules.get(f"central_share_tier.{t}").value for t in range(1, 6)] == [Decimal(v) for v in ("0.8", "0.6", "0.5", "0.3", "0.1")]
    assert rules.get("deadline.prefecture_request").value == MonthDay(1, 15)


def test_every_parameter_has_a_source_and_a_verified_flag():
    rules = load_rulebook("nmg")
    for name, param in rules.params.items():
        assert isinstance(param.source, str) and param.source, name
        assert isinstance(param.verified, bool), name
    assert len(rules.params) >= 30


def test_a_users_rulebook_layers_on_top(tmp_path):
    """Overriding 2023's standard keeps every other value, and ST002 then uses the override:
    乌海市 500 × 650 × 0.8 = 260,000 against 256,000 declared."""
    override = tmp_path / "mine.toml"
    override.write_text('[standard.2023]\nvalue = 650\nsource = "本局测算"\nverified = false\n', encoding="utf-8")
    rules = load_rulebook("nmg", override)
    assert rules.get("standard", 2023).value == 650
    assert rules.get("standard", 2024).value == 670
    found = {f.region: f for f in only(audit("settlement-ok", "ST002", rulebook=override), "ST002")}
    assert found["乌海市"].figures["expected"] == Decimal("260000")


@pytest.mark.parametrize("jurisdiction", ["nmg", "xj"])
def test_region_names_and_renames_agree_with_gbt2260(jurisdiction):
    """Each region's name was in use under its code, and each former name under its old code
    until the year the rulebook says it was renamed (python-stdnum's cn/loc history)."""
    rules = load_rulebook(jurisdiction)
    for region in rules.regions:
        current = had_name(region.code, region.name)
        assert current is not None and current.end is None, region.name
        for name, code, until in region.former:
            before = had_name(code, name)
            assert before is not None and before.end == until, name


def test_xj_knows_the_rename_of_shawan_and_the_short_name_of_hefeng():
    rules = load_rulebook("xj")
    assert rules.resolve("沙湾县").region.name == "沙湾市"
    assert rules.resolve("沙湾县").renamed_in == 2021
    assert rules.resolve("和丰县").region.name == "和布克赛尔蒙古自治县"
    # every level of 新疆 is known from GB/T 2260: 乌鲁木齐市 is a prefecture, not a county of 塔城地区
    assert rules.resolve("乌鲁木齐市").region.level == "prefecture"
    assert rules.resolve("和丰县").region.parent == "塔城地区"
    assert rules.resolve("乌鲁木齐县").how == "name" and rules.resolve("乌鲁木齐县").region.parent == "乌鲁木齐市"
    assert rules.resolve("乌苏木齐市").how == "unknown"


def test_a_jurisdiction_without_a_rulebook_runs_the_parameter_free_checks(tmp_path):
    """With jurisdiction 'zz' nothing is known: ST001/ST003/ST004 run, ST002 is listed as not
    run with the reason (the table states no standard). AR001 runs on the declared 应到位资金
    (issue 15 item 2), which settlement-ok's local funds table gives, all arrived."""
    source = (FIXTURES / "settlement-ok" / "submission.toml").read_text(encoding="utf-8")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "submission.toml").write_text(source.replace('jurisdiction = "nmg"', 'jurisdiction = "zz"'), encoding="utf-8")
    for name in ("settlement.csv", "local_funds.csv"):
        (package / name).write_bytes((FIXTURES / "settlement-ok" / name).read_bytes())
    result = audit(package)
    assert result.rulebook is None
    skipped = {s.code: s.reason for s in result.skipped}
    assert "没有规则库" in skipped["ST002"] and "AR001" not in skipped and "ST001" not in skipped
    assert "没有规则库" in skipped["AR002"]
    assert not [f for f in result.findings if f.severity == "error"]
