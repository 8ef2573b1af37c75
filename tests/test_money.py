"""Money: written numbers parse exactly, and the tolerance of RULES.md never flags honest rounding."""

import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from auditkit.money import half_unit, matches, parse_decimal, places_from_format, to_declared

fen_amounts = st.integers(min_value=-10**12, max_value=10**12).map(lambda n: Decimal(n) / 100)


def _round_wan(yuan: Decimal) -> Decimal:
    return (yuan / 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP)


@given(fen_amounts, fen_amounts)
def test_a_difference_published_in_whole_wan_is_always_consistent(entitled, preallocated):
    """004 publishes 应补助资金, 已预拨资金 and 此次结算 each rounded to the 万元 on its own
    (720.6 − 730.4 = −9.8 is printed 721, 730, −10). With the tolerance of a difference — the
    half-units of all three figures, 3 × 5,000 元 — no such honest rounding is ever flagged."""
    terms = [to_declared(_round_wan(v), 0, "wan") for v in (entitled, preallocated, entitled - preallocated)]
    tolerance = sum((t.tolerance for t in terms), Decimal(0))
    assert tolerance == 15000
    assert matches(terms[2].value, terms[0].value - terms[1].value, tolerance)


@given(fen_amounts)
def test_written_numbers_parse_exactly_with_separators_and_full_width_digits(amount):
    written = f"{amount:,.2f}"
    full_width = unicodedata.normalize("NFKC", written).translate(
        {ord(d): chr(ord(d) - ord("0") + ord("０")) for d in "0123456789"})
    for text in (written, full_width, f" {written} "):
        assert parse_decimal(text) == (amount, 2)


def test_half_units_and_cell_formats():
    """0.5 of the last written decimal: 1234.56 元 → 0.005 元; 721 万元 → 5,000 元."""
    assert half_unit(2, "yuan") == Decimal("0.005")
    assert half_unit(0, "wan") == Decimal("5000")
    assert places_from_format("#,##0.00") == 2
    assert places_from_format("0") == 0
    assert places_from_format("General") is None
    assert parse_decimal("待定") is None
    assert parse_decimal("(1,200.5)") == (Decimal("-1200.5"), 1)


def test_a_share_is_written_without_rounding_away_a_digit():
    """A regional share of 12.5% printed with :.0f would read 12% in a finding; 80% stays 80%."""
    from auditkit.money import percent

    assert [percent(Decimal(v)) for v in ("0.8", "0.125", "0.0700")] == ["80%", "12.5%", "7%"]
