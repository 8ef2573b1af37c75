"""Seed 004 as published (jurisdiction xj: region names, no parameters)."""

from tests.conftest import audit, only


def test_the_published_table_gives_no_error_finding():
    """721 − 731 = −10, …, 272 − 278 = −6; the rows sum to 5031, 5127 and −96 万元; every
    negative settlement names 塔地财社〔2021〕8号 for the clawback: nothing is wrong. The direct-fund
    chain and the feedback forms added beside the published tables (issue 18) plant one problem of
    each DF and UF code on purpose (README), and only those are found."""
    result = audit("tacheng-2020")
    wrong = [f for f in result.findings if f.severity in ("error", "warning")]
    assert [f for f in wrong if f.code[:2] not in ("DF", "UF")] == []
    assert sorted(f.code for f in wrong) == ["DF001", "DF002", "UF001", "UF002", "UF003"]
    assert {s.code for s in result.skipped} >= {"ST002", "AR001", "AR002", "FE001", "ST006"}


def test_st005_says_shawan_county_and_shawan_city_are_the_same_county():
    findings = {f.region: f for f in only(audit("tacheng-2020", "ST005"), "ST005")}
    shawan = findings["沙湾市"]
    assert shawan.severity == "info"
    assert "沙湾县" in shawan.condition and "沙湾市" in shawan.condition and "2021" in shawan.condition
    assert "654223" in shawan.condition and "654203" in shawan.condition
    assert "和丰县" in findings["和布克赛尔蒙古自治县"].condition


def test_a_check_that_cannot_run_says_why_once_and_names_the_parameter_in_chinese():
    """The published table has no 参保人数 nor shares, so no region's due can be computed: AR001
    names the seven counties once, with the one reason once (not seven times, each inside a
    bracket of its own); AR002 is not run for want of the deduction rate, named as a reader knows
    it, with the key a rulebook's author writes in brackets."""
    reasons = {s.code: s.reason for s in audit("tacheng-2020", "AR001,AR002").skipped}
    counties = "塔城市、额敏县、乌苏市、沙湾市、托里县、裕民县、和布克赛尔蒙古自治县"
    assert reasons["AR001"].startswith(f"{counties}的到位率无法计算：应到位资金无法计算（")
    assert reasons["AR001"].count("应到位资金无法计算") == 1
    assert "（" not in reasons["AR001"].split("（", 1)[1].split("）", 1)[0]  # no bracket inside a bracket
    assert reasons["AR002"] == "规则库“xj”未设参数“地方财政补助资金不到位扣减比例”（arrival_deduction_rate）"
