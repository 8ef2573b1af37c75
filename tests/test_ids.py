"""ID validation (RULES.md EN002), vectorised in auditkit.ids, against hand-worked numbers and
python-stdnum's ``cn.ric`` as an independent implementation."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from auditkit.gbt2260 import assigned_codes
from auditkit.ids import (ADDRESS_CODE, BIRTH_DATE, CHECK_DIGIT, MALFORMED, MISSING, VALID, check_character,
                          number_from_key, validate)

CENSUS = 20230630  # June 30, 2023


def test_check_digit_worked_by_hand():
    """150102 19800101 011: the digits times the weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 are
    7+45+0+5+0+8+2+9+48+0+0+9+0+5+0+4+2 = 144; 144 mod 11 = 1; (12 − 1) mod 11 = 0, so the
    check character is 0. A remainder of 2 gives (12 − 2) mod 11 = 10, written X.

    stdnum rejects this very number: GB/T 2260 assigned 150102 (新城区) in 1983, after the
    1980 birth, and stdnum reads the code as the birth place. RULES.md accepts a code assigned
    at any time; born in 1990 both accept it."""
    assert check_character("15010219800101011") == "0"
    assert validate(["150102198001010110"], CENSUS) == [VALID]
    assert validate(["150102198001010111"], CENSUS) == [CHECK_DIGIT]
    assert not ric.is_valid("150102198001010110")
    assert ric.is_valid("150102199001010115") and validate(["150102199001010115"], CENSUS) == [VALID]


def test_each_reason():
    """One number per reason, in the order they are tested:

    - ``None``, "" and "   ": missing (EN001);
    - 15 digits (a first-generation number), 17 digits, letters: malformed;
    - a wrong check character;
    - February 30, and July 1 of the year (after the census day): birth date;
    - address code 159999, which GB/T 2260 never assigned: address code.
    A valid number with surrounding spaces or a lowercase x is valid.
    """
    x_number = next(number_from_key(k) for k in range(15010219820303000, 15010219820303999)
                    if number_from_key(k).endswith("X"))
    numbers = [None, "", "   ", "150102800101011", "15010219800101011", "15010219800101ABCD",
               "150102198001010111", number_from_key(15040219900230301), number_from_key(15040220230701302),
               number_from_key(15999919800101303), " 150102198001010110 ", x_number.lower(),
               number_from_key(15020620230630211)]
    assert validate(numbers, CENSUS) == [MISSING, MISSING, MISSING, MALFORMED, MALFORMED, MALFORMED,
                                         CHECK_DIGIT, BIRTH_DATE, BIRTH_DATE, ADDRESS_CODE, VALID, VALID, VALID]
    assert "159999" not in assigned_codes()


def test_birth_before_1900_is_impossible():
    """0001-01-01 (a system's placeholder) and 1899-12-31 are impossible birth dates; 1900-01-01
    is the first admissible one."""
    numbers = [number_from_key(int(f"150102{born}001")) for born in ("00010101", "18991231", "19000101")]
    assert validate(numbers, CENSUS) == [BIRTH_DATE, BIRTH_DATE, VALID]


def test_leap_years():
    """February 29 exists in 2000 (divisible by 400) and 1996, not in 1900 (by 100) or 1997."""
    reasons = validate([number_from_key(int(f"150102{y}0229001")) for y in (2000, 1996, 1900, 1997)], CENSUS)
    assert reasons == [VALID, VALID, BIRTH_DATE, BIRTH_DATE]


CODES = sorted(assigned_codes())
DIGITS = "0123456789"


@st.composite
def numbers(draw):
    """Mostly well-shaped numbers (a real or random address code, a real or random date, a
    right or random check character), sometimes arbitrary text."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(alphabet=DIGITS + "Xx -", max_size=20))
    address = draw(st.sampled_from(CODES)) if draw(st.booleans()) else draw(st.text(DIGITS, min_size=6, max_size=6))
    if draw(st.booleans()):
        born = draw(st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31))).strftime("%Y%m%d")
    else:
        born = draw(st.text(DIGITS, min_size=8, max_size=8))
    first17 = address + born + draw(st.text(DIGITS, min_size=3, max_size=3))
    last = check_character(first17) if draw(st.booleans()) else draw(st.sampled_from(DIGITS + "X"))
    return first17 + (last.lower() if draw(st.booleans()) else last)


def _stdnum_valid(number: str) -> bool:
    try:
        return ric.is_valid(number)
    except Exception:  # stdnum raises KeyError for a province it knows with a county it does not
        return False


def _stdnum_rejects_place_only(number: str) -> bool:
    """stdnum's one extra rule: the address code must have been in use in the birth year."""
    try:
        ric.get_birth_place(number)
        return False
    except (ValidationError, KeyError):
        return True


@settings(max_examples=300, deadline=None)
@given(numbers())
def test_agrees_with_stdnum(number):
    """auditkit and stdnum agree on validity except where their rules differ:

    - auditkit rejects a birth date after the census day (June 30 of Y) or before 1900; stdnum
      has neither rule;
    - stdnum rejects an address code that was not in use in the birth year (it reads the code
      as the birth place); RULES.md accepts any code GB/T 2260 has ever assigned, because an
      ID keeps the code of where it was issued, whatever happened to the county since.
    """
    ours = validate([number], CENSUS)[0] == VALID
    theirs = _stdnum_valid(number)
    if ours == theirs:
        return
    compact = number.strip().upper()
    if theirs and not ours:  # only the census-day rule may separate them
        assert int(compact[6:14]) > CENSUS or int(compact[6:10]) < 1900, number
    else:  # ours valid, stdnum not: only the birth-year rule of the address code
        assert compact[:6] in assigned_codes() and _stdnum_rejects_place_only(compact), number


_WIDE = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


@st.composite
def exported(draw):
    """A number of ``numbers()`` as an export may carry it: a text marker (="…" or '), zero-width
    characters or no-break/ideographic spaces inserted anywhere, full-width digits."""
    number = draw(numbers())
    chars = list(number.translate(_WIDE) if draw(st.booleans()) else number)
    for _ in range(draw(st.integers(0, 3))):
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(["\u200b", "\ufeff", "\u00a0", "\u3000",
                                                                             "\u2060", "\t"])))
    marker = draw(st.sampled_from(["", "'", '="', '"']))
    return number, marker + "".join(chars) + ('"' if marker in ('="', '"') else "")


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(exported())
def test_cleaned_numbers_agree_with_stdnum(pair):
    """The cleaning is faithful: an exported form reads exactly as the number it carries (the
    same reason), and python-stdnum agrees on that number as in ``test_agrees_with_stdnum``."""
    number, written = pair
    ours = validate([written], CENSUS)[0]
    assert ours == validate([number], CENSUS, clean=False)[0] or number.strip() != number, (number, written)
    test_agrees_with_stdnum.hypothesis.inner_test(number)
