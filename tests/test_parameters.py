"""Rulebook values that cannot be misread (issue 15 item 7): every parameter has a declared kind,
and a value is read by its kind once, when the rulebook is loaded, or refused naming the file,
the key and the forms expected (exit 2)."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from decimal import Decimal
from importlib import resources

import pytest
from typer.testing import CliRunner

from auditkit import RulebookError, load_rulebook
from auditkit.cli import app
from auditkit.parameters import PARAMETERS, STRUCTURE, MonthDay, markdown, spec_of
from auditkit.rulebook import builtin_ids
from tests.conftest import FIXTURES, audit, only

ROOT = FIXTURES.parent
D = Decimal


def _read(key: str, value):
    return spec_of(key).read(value)


# --- each kind by hand ----------------------------------------------------------------------

@pytest.mark.parametrize(("written", "read"), [
    (10, D("0.1")), (0.1, D("0.1")), ("10%", D("0.1")), ("10", D("0.1")), ("１０％", D("0.1")),
    (12.5, D("0.125")), ("12.5%", D("0.125")), (1, D("1")), (100, D("1")), (0, D("0")), ("0.5%", D("0.005")),
    (101, None), (-0.1, None), (True, None), ("十", None), ("", None), (float("nan"), None),
])
def test_a_share_above_1_is_a_percentage(written, read):
    """RULES.md "Shares": 0.1, 10 and 10% all mean 10%; above 100% no share exists."""
    assert _read("arrival_deduction_rate", written) == read


@pytest.mark.parametrize(("written", "read"), [
    (3, D("3")), (300, D("3")), ("300%", D("3")), ("3倍", D("3")), (0.8, D("0.8")), (80, D("0.8")),
    ("80%", D("0.8")), (1, D("1")), (-3, None), ("三倍", None),
])
def test_a_multiple_reads_300_as_300_percent(written, read):
    """The base ceiling of 300% (CT001) written 3, 300 or "300%" is three times the wage; a
    bare number of ten or more is a percentage (no base is ten times the average wage)."""
    assert _read("contributions.base_ceiling", written) == read


@pytest.mark.parametrize(("written", "read"), [
    (640, D("640")), (640.0, D("640")), ("640元", D("640")), ("6.4万元", D("64000")), ("1,234.5", D("1234.5")),
    (-640, None), ("六百四十", None), (False, None),
])
def test_an_amount_is_in_yuan(written, read):
    result = _read("standard.2023", written)
    assert result == read and (read is None or str(result) == str(read))


@pytest.mark.parametrize(("key", "written", "read"), [
    ("report.rectification_days", 30, 30), ("report.rectification_days", "30日", 30),
    ("report.rectification_days", "30天", 30), ("report.rectification_days", 30.0, 30),
    ("report.rectification_days", 30.5, None), ("report.rectification_days", 0, None),
    ("report.rectification_days", "三十日", None),
    ("deadline.pooling_upload_day", 10, 10), ("deadline.pooling_upload_day", "每月10日", 10),
    ("deadline.pooling_upload_day", "10号", 10), ("deadline.pooling_upload_day", 32, None),
    ("deadline.pooling_upload_day", 0, None),
])
def test_days_and_days_of_the_month_are_whole_numbers(key, written, read):
    assert _read(key, written) == read


@pytest.mark.parametrize(("written", "read"), [
    ("06-30", MonthDay(6, 30)), ("6-30", MonthDay(6, 30)), ("06/30", MonthDay(6, 30)), ("6/30", MonthDay(6, 30)),
    ("6.30", MonthDay(6, 30)), ("6月30日", MonthDay(6, 30)), ("6月30号", MonthDay(6, 30)),
    ("０６／３０", MonthDay(6, 30)), (" 6 月 30 日 ", MonthDay(6, 30)), ("6月底", MonthDay(6, 30)),
    ("12月末", MonthDay(12, 31)), ("01-15", MonthDay(1, 15)),
    ("6月31日", None), ("02-29", None), ("2月底", None), ("13-01", None), ("0630", None),
    (dt.date(2023, 6, 30), None), (6.30, None), (630, None), ("六月三十日", None),
])
def test_a_month_and_day_is_read_in_each_way_offices_write_it(written, read):
    """2月29日 is not a day of every year, and a full date gives a year a yearly day does not
    have: both are refused rather than guessed."""
    assert _read("enrollment.census_day", written) == read


def test_dates_switches_choices_and_codes():
    """The kinds no key of nmg uses as a date yet are read all the same (a user's file may)."""
    from auditkit.parameters import read_date, read_yes_no

    assert read_date(dt.date(2024, 6, 30)) == read_date("2024年6月30日") == read_date("2024/6/30") == dt.date(2024, 6, 30)
    assert read_date("2024-02-30") is None and read_date("6-30") is None
    assert [read_yes_no(v) for v in (True, "是", "否", "false", 1, 0, 2, "也许")] == [True, True, False, False, True, False, None, None]
    keep = spec_of("enrollment.duplicate_keep")
    assert [keep.read(v) for v in ("earliest", "最早", "NONE", "全部剔除", "latest")] == ["earliest", "earliest", "none", "none", None]
    code = spec_of("classification.income_code")
    assert code.read(1100249) == code.read(" 1100249 ") == "1100249" and code.read("110-0249") is None
    exceptions = spec_of("enrollment.settlement_region_exceptions")
    assert exceptions.read({"150781": 150700}) == {"150781": "150700"} and exceptions.read({"1507": "150700"}) is None


# --- the loader -----------------------------------------------------------------------------

def _override(tmp_path, text: str, name: str = "mine.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text", [
    "arrival_deduction_rate = 10\n",
    '[arrival_deduction_rate]\nvalue = "10%"\n',
    '[arrival_deduction_rate]\nvalue = 0.1\nsource = "本局测算"\n',
])
def test_an_override_of_10_is_ten_percent_cited_as_the_users(tmp_path, text):
    """The fault: `arrival_deduction_rate = 10` was applied as 1,000% (and the bare form was
    ignored altogether). Whatever form, the rate is 0.1; without a source of its own it is
    cited as the user's file, unverified, never under the built-in article."""
    param = load_rulebook("nmg", _override(tmp_path, text)).get("arrival_deduction_rate")
    assert param.value == D("0.1") and param.kind == "share"
    assert param.source == ("本局测算" if "source" in text else "用户规则库“%s”" % (tmp_path / "mine.toml"))
    assert param.verified is False


def test_ar002_with_the_rate_written_10_deducts_ten_percent(tmp_path):
    """ar002-broken, 乌海市 at 90%: 500 × 640 × 0.8 × (1 − 0.9) × 10% = 2,560 元 (not the
    25,600 元 that 1,000% gave)."""
    override = _override(tmp_path, "arrival_deduction_rate = 10\n")
    [finding] = only(audit("ar002-broken", "AR002", rulebook=override), "AR002")
    assert finding.figures["expected"] == D("2560")
    assert "扣减比例10%" in finding.condition and "1000%" not in finding.condition


def test_a_multiple_written_300_is_three_times(tmp_path):
    rules = load_rulebook("nmg", _override(tmp_path, "[contributions]\nbase_ceiling = 300\nbase_floor = \"80%\"\n"))
    assert rules.get("contributions.base_ceiling").value == D("3")
    assert rules.get("contributions.base_floor").value == D("0.8")


def test_a_census_day_written_06_30_runs_through_the_cli(tmp_path):
    """The fault: `census_day = "06/30"` was an internal error (exit 3). Read as June 30, the
    roster fixture gives the counts of tests/test_enrollment.py: 呼和浩特市's P16 died on
    2023-06-29, before the census day (EN008 1), and 赤峰市's February 30 and 2023-07-01
    births are the two EN002 birth-date reasons."""
    output = tmp_path / "out.json"
    result = CliRunner().invoke(app, ["check", str(FIXTURES / "roster-nmg-2023"), "--rulebook",
                                      str(_override(tmp_path, '[enrollment.census_day]\nvalue = "06/30"\n')),
                                      "--output", str(output)])
    assert result.exit_code == 1, result.output  # errors found, nothing internal
    findings = json.loads(output.read_text(encoding="utf-8"))["findings"]
    [died] = [f for f in findings if f["code"] == "EN008"]
    assert (died["region"], died["evidence"]["count"]) == ("呼和浩特市", 1)
    assert "2023年6月30日前死亡" in died["condition"]
    [births] = [f for f in findings if f["code"] == "EN002" and f["region"] == "赤峰市"]
    assert "晚于2023年6月30日2条" in births["condition"]


def test_a_census_day_of_june_29_moves_who_is_counted(tmp_path):
    """With "6月29日": P16 (died 06-29) no longer died *before* the census day, so 呼和浩特市 has
    no EN008; 包头市's P21, born 2023-06-30, is now born after it: EN002 there counts 1 + 1 = 2."""
    override = _override(tmp_path, 'enrollment.census_day = "6月29日"\n')
    result = audit("roster-nmg-2023", "EN002,EN008", rulebook=override)
    assert not only(result, "EN008")
    baotou = [f for f in only(result, "EN002") if f.region == "包头市" and f.severity == "error"]
    assert [f.evidence.count for f in baotou] == [2]


@pytest.mark.parametrize(("text", "words"), [
    ('[enrollment.census_day]\nvalue = "6月31日"\n', ["enrollment.census_day", "参保人数统计时点", "6月31日", "06-30"]),
    ("arrival_deduction_rate = 150\n", ["arrival_deduction_rate", "150", "百分数"]),
    ("arrival_deduction_rate = true\n", ["arrival_deduction_rate", "true"]),
    ('deadline.roll_to_working_day = "maybe"\n', ["deadline.roll_to_working_day", "true 或 false"]),
    ('[report]\nrectification_days = "一个月"\n', ["report.rectification_days", "正整数天数"]),
    ('[enrollment.duplicate_keep]\nvalue = "latest"\n', ["enrollment.duplicate_keep", "earliest", "none"]),
    ("arrival_deducton_rate = 0.1\n", ["arrival_deducton_rate", "是否应为 arrival_deduction_rate"]),
    ("[standard.twenty]\nvalue = 640\n", ["standard.twenty"]),
    ('[central_share]\nvalue = 0.8\nsorce = "x"\n', ["central_share", "sorce"]),
    ('[assistance.emergency]\nneed_weight = 0.85\n', ["assistance.emergency.need_weight = 0.85", "100%"]),
])
def test_a_value_that_fits_no_reading_is_refused_with_exit_2(tmp_path, text, words):
    """Each refusal names the file and the key and says what form was expected; through the
    CLI it is exit 2 with a Chinese message and no traceback."""
    path = _override(tmp_path, text)
    with pytest.raises(RulebookError) as caught:
        load_rulebook("nmg", path)
    message = str(caught.value)
    assert str(path) in message
    for word in words:
        assert word in message, message
    result = CliRunner().invoke(app, ["check", str(FIXTURES / "settlement-ok"), "--rulebook", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert words[0] in result.output


def test_every_key_of_every_builtin_rulebook_has_a_declared_kind():
    """Read raw, not through the loader: each parameter table of each built-in rulebook names a
    declared parameter, carries value, source and verified, and its value fits its kind."""
    def leaves(node, path):
        if "value" in node:
            yield path, node
            return
        for key, child in node.items():
            assert isinstance(child, dict), f"{path}.{key}"
            yield from leaves(child, f"{path}.{key}" if path else key)

    seen = 0
    for name in builtin_ids():
        tree = tomllib.loads((resources.files("auditkit") / "rulebooks" / f"{name}.toml").read_text(encoding="utf-8"))
        params = {k: v for k, v in tree.items() if k not in STRUCTURE}
        for key, node in leaves(params, ""):
            spec = spec_of(key)
            assert spec is not None, f"{name}.toml: {key} has no declared kind"
            assert set(node) == {"value", "source", "verified"}, f"{name}.toml: {key}"
            assert spec.read(node["value"]) is not None, f"{name}.toml: {key}"
            seen += 1
        assert load_rulebook(name) is not None
    assert seen >= 60


def test_the_parameter_list_in_docs_is_generated_from_the_declarations():
    assert (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8") == markdown()
    assert all(spec.label and spec.doc for spec in PARAMETERS.values())


def test_a_day_of_the_month_the_month_lacks_is_its_last_day(tmp_path):
    """`deadline.pooling_upload_day = "每月31日"`: January 2023's collections are due by the last
    day of February, Tuesday 2023-02-28 (a working day); uploaded 2023-03-01, one day late.
    Before, the 31st of February was an internal error."""
    package = tmp_path / "pkg"
    import shutil

    shutil.copytree(FIXTURES / "pooling-ok", package)
    uploads = package / "pooling_uploads.csv"
    uploads.write_text(uploads.read_text(encoding="utf-8").replace("2023-01,1000000.00,1000000.00,2023-02-10",
                                                                   "2023-01,1000000.00,1000000.00,2023-03-01"), encoding="utf-8")
    override = _override(tmp_path, 'deadline.pooling_upload_day = "每月31日"\n')
    [finding] = only(audit(package, "DL009", rulebook=override), "DL009")
    assert finding.figures["due"] == dt.date(2023, 2, 28) and finding.figures["days_late"] == 1
    # the date itself, not restated in brackets as "（2023年2月28日前）" (issue 17)
    assert "期限为2023年2月28日，逾期1日" in finding.condition
