"""Reading the roster's scheme and county cells as a person reading the sheet would.

A roster has a few hundred distinct (险种, 参保地区划代码) pairs, so these are read in Python,
once per pair (``auditkit.enrollment.cascade.codebook``), never per record.

Schemes: the resident scheme (城乡居民基本医疗保险) merged the 新型农村合作医疗 (新农合) and the
城镇居民基本医疗保险 in 2016–2019; older systems and exports still write those names, and the
national information platform writes its 险种类型 codes (390 城乡居民基本医疗保险, 310 职工基本
医疗保险; 医保发〔2019〕39号 医疗保障信息业务编码). Each is read as the scheme it is today.

County codes: six digits of GB/T 2260. What a spreadsheet or system adds on the way (a ``.0``
of a number cell, full-width digits, invisible characters, a 12-digit 统计用区划代码 of which the
first six are the county) is read through and counted as repaired (IN003).
"""

from __future__ import annotations

import re
import unicodedata

from auditkit.ids import INVISIBLE, MARKERS, SPACES

RESIDENT, EMPLOYEE, UNKNOWN_SCHEME = 1, 2, 0


_RESIDENT_BASES = ("居民", "城乡居民", "城镇居民", "城乡居民基本", "城镇居民基本", "居民基本")
_EMPLOYEE_BASES = ("职工", "城镇职工", "职工基本", "城镇职工基本")
_SUFFIXES = ("", "医保", "医疗保险", "基本医疗保险", "基本医保", "医疗", "保险")
_OLD_RURAL = ("新农合", "新型农村合作医疗", "农村合作医疗", "新型农村合作医疗保险", "农村合作医疗保险",
              "新农合医保", "新型农村合作医疗制度", "合作医疗")
RESIDENT_WORDS = frozenset({b + s for b in _RESIDENT_BASES for s in _SUFFIXES}
                           | set(_OLD_RURAL) | {"resident", "390", "城乡居民医保险种", "城居保"})
EMPLOYEE_WORDS = frozenset({b + s for b in _EMPLOYEE_BASES for s in _SUFFIXES}
                           | {"employee", "310", "城镇职工医保险种", "职保"})

_STRIP = re.compile(f"[{INVISIBLE}{SPACES}]")
_BRACKETS = re.compile(r"[()（）\[\]【】\"'“”‘’]")


def plain(written: str | None) -> str:
    """Text as a reader sees it: NFKC (full-width digits and letters to ASCII), every invisible
    character and every space removed."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", written or ""))


def scheme_of(written: str | None) -> int:
    """RESIDENT, EMPLOYEE or UNKNOWN_SCHEME for a 险种 cell (see the module docstring)."""
    word = _BRACKETS.sub("", plain(written)).lower()
    if word in RESIDENT_WORDS:
        return RESIDENT
    if word in EMPLOYEE_WORDS:
        return EMPLOYEE
    return UNKNOWN_SCHEME


# Why a county cell names no county of the jurisdiction (EN011), in the order tested.
COUNTY_OK, COUNTY_MISSING, COUNTY_MALFORMED, COUNTY_UNASSIGNED, COUNTY_OUTSIDE = 0, 1, 2, 3, 4
COUNTY_REASONS = {
    COUNTY_MISSING: "参保地区划代码缺失",
    COUNTY_MALFORMED: "参保地区划代码格式不符（应为6位数字）",
    COUNTY_UNASSIGNED: "参保地区划代码从未赋码",
    COUNTY_OUTSIDE: "参保地区划代码不属本辖区",
}
_COUNTY = re.compile(r"^([0-9]{6})(?:[0-9]{3}|[0-9]{6})?(?:\.0+)?$")
# one code with the county's name beside it: 150102新城区, 150102-新城区, 新城区(150102)
_NAMED = re.compile(r"^[^0-9]*?([0-9]{6})[^0-9]*$")
_MARKED = re.compile(MARKERS)


def county_code(written: str | None) -> tuple[str | None, bool]:
    """The six-digit county code a cell holds, or None, and whether it had to be repaired to be
    read (anything beyond surrounding ASCII spaces: ``150102.0`` from a number cell, full-width
    digits, invisible characters, Excel's text markers '150102 and ="150102", a 9- or 12-digit
    统计用区划代码, the county's name written beside its code)."""
    text = (written or "").strip(" ")
    cleaned = _MARKED.sub("", plain(text))
    match = _COUNTY.match(cleaned) or _NAMED.match(cleaned)
    if not match:
        return None, False
    return match.group(1), match.group(1) != text
