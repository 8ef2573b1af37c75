"""One way to say "declared differs from what the rule gives" (issue 15, item 8).

``auditkit.findings.differs`` writes every such finding: the direction (多/少), the amounts in
the unit the filer used (``money.quote``), the standard figure keys of DESIGN.md (declared,
expected, difference) beside any a check had before, and the caller's subject, so the finding's
key is what it was. ``money.percent`` is the one percent formatter.
"""

import shutil
from decimal import Decimal

from auditkit.findings import differs
from auditkit.money import percent, quote, written_places
from tests.conftest import audit, only


def test_percent_never_rounds_a_digit_away_nor_up_to_a_whole_number():
    """12.5% is not 12%; 64,000 / 66,000 = 96.9696…% is 96.97%; 0.99999 is 99.999% (never
    100%, which would contradict a shortfall); 1/3 at four decimals is 33.3333%."""
    from fractions import Fraction

    assert percent(Decimal("0.125")) == "12.5%"
    assert percent(Decimal(64000) / Decimal(66000)) == "96.97%"
    assert percent(Decimal("0.99999")) == "99.999%"
    assert percent(Fraction(1, 3), 4) == "33.3333%"
    assert percent(Decimal("0.48"), 4, trim=False) == "48.0000%"
    assert percent(Decimal("0.1")) == "10%"


def test_amounts_are_quoted_in_the_filers_unit_with_the_decimals_written():
    """1,181.33 万元 is 11,813,300 元; a figure written to four decimals of 万元 has a tolerance
    of 0.5 元 and is quoted to four decimals, so 100 元 reads 0.0100万元, not 0.01万元."""
    assert quote(Decimal("11813300"), "wan") == "1,181.33万元"
    assert quote(Decimal("640")) == "640.00元"
    assert written_places(Decimal("0.5"), "wan") == 4
    assert written_places(Decimal("50"), "wan") == 2
    assert quote(Decimal("100"), "wan", 4) == "0.0100万元"


def test_the_helper_words_direction_and_keeps_the_standard_keys():
    finding = differs("应补助资金", Decimal("512100"), Decimal("512000"), region="呼和浩特市",
                      subject="entitled", where="settlement.csv 第2行", recommendation="重算。",
                      figures={"weight": 3})
    assert finding.condition.startswith("呼和浩特市申报应补助资金512,100.00元，按规定应为512,000.00元，多100.00元。")
    assert finding.figures == {"declared": Decimal("512100"), "expected": Decimal("512000"),
                               "difference": Decimal("100"), "weight": 3}
    assert finding.effect.amount == Decimal("100") and finding.subject == "entitled"
    short = differs("应补助资金", Decimal("1"), Decimal("3"), region=None, subject="x", where="", recommendation="")
    assert "少2.00元" in short.condition


def test_a_table_filed_in_wan_is_quoted_in_wan(fixtures, tmp_path):
    """settlement-wan-standard is settlement-ok in 万元 to four decimals. 呼和浩特市's settlement
    declared 1.2100 万元 where 51.2000 − 50.0000 = 1.2000 万元: 100 元 too much, quoted as
    0.0100万元 (the filer's unit and decimals); the JSON figures stay in 元."""
    package = tmp_path / "wan"
    shutil.copytree(fixtures / "settlement-wan-standard", package)
    table = package / "settlement.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(",1.2000,,53.6000", ",1.2100,,53.6000"),
                     encoding="utf-8")
    [finding] = only(audit(package, "ST001"), "ST001")
    assert "申报此次结算补助资金1.2100万元，按规定应为1.2000万元，多0.0100万元" in finding.condition
    assert finding.unit == "wan"
    assert finding.figures["difference"] == Decimal("100")


def test_the_key_of_a_finding_is_unchanged_by_the_wording():
    """The subject is the check's own ('settlement'), so rectification tracking still matches."""
    [finding] = only(audit("st001-broken", "ST001"), "ST001")
    assert finding.subject == "settlement"
    import hashlib
    assert finding.key == hashlib.sha256("ST001\x1f呼和浩特市\x1fsettlement".encode()).hexdigest()[:12]
