"""The GB/T 2260 history of administrative division codes, as python-stdnum ships it.

python-stdnum's ``cn/loc`` database lists every county-level code with the names it had and the
years each name was in use (``[1984-2021]沙湾县``). auditkit uses it as data: to confirm the
renames a rulebook declares, and (for EN002) whether an ID's address code was ever assigned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_SPAN = re.compile(r"^\[(\d{4})?-(\d{4})?\](.+)$")


@dataclass(frozen=True)
class Name:
    code: str
    name: str
    start: int | None  # first year in use, None when in use from the start of the record
    end: int | None  # last year in use, None while still in use


@lru_cache(maxsize=1)
def _database():
    from stdnum import numdb

    return numdb.get("cn/loc")


def names(code: str) -> list[Name]:
    """Every name a six-digit code has had."""
    found = []
    for _part, props in _database().info(code):
        county = props.get("county")
        if not county:
            continue
        for piece in county.split(","):
            match = _SPAN.match(piece)
            if match:
                start, end, name = match.groups()
                found.append(Name(code, name, int(start) if start else None, int(end) if end else None))
            else:
                found.append(Name(code, piece, None, None))
    return found


def had_name(code: str, name: str) -> Name | None:
    return next((n for n in names(code) if n.name == name), None)


@lru_cache(maxsize=1)
def assigned_codes() -> frozenset[str]:
    """Every six-digit address code GB/T 2260 has assigned at some time."""
    codes = set()

    def walk(prefix: str, tree) -> None:
        # numdb's tree: (length, low, high, props, children); a range low-high of equal length
        for length, low, high, _props, children in tree:
            for value in range(int(low), int(high) + 1):
                code = prefix + str(value).zfill(length)
                if len(code) == 6:
                    codes.add(code)
                elif children:
                    walk(code, children)

    walk("", _database().prefixes)
    return frozenset(codes)


# --- which prefecture settles a county code ----------------------------------------------------

# Names that many counties share (an urban district's placeholder): never matched across
# prefectures when looking for the code that took over a retired one.
_GENERIC = frozenset({"市辖区", "郊区", "市区", "矿区", "城区", "县"})


def in_use(code: str) -> bool:
    """Whether a code still names a county (one of its names has no end year)."""
    return any(n.end is None for n in names(code))


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[tuple[str, str], tuple[str, ...]]:
    """(province's two digits, county name) -> every code that had that name."""
    found: dict[tuple[str, str], list[str]] = {}
    for code in sorted(assigned_codes()):
        for name in {n.name for n in names(code)}:
            found.setdefault((code[:2], name), []).append(code)
    return {key: tuple(codes) for key, codes in found.items()}


@lru_cache(maxsize=None)
def successor(code: str) -> str | None:
    """The code that took over a retired county code, or None.

    A county moved to another prefecture gets a new code and keeps its name: GB/T 2260 retired
    152622 和林格尔县 of 乌兰察布盟 in 1995 and assigned 150123 和林格尔县 of 呼和浩特市 the same
    year. The successor is the code of the same province that had one of the retired code's
    names and came into use no earlier than a year before the old one ended; when several do,
    the one in the same prefecture. A county renamed as it moved (丰镇县 → 丰镇市) has no
    successor here: its prefecture is then the one its own code names.
    """
    history = names(code)
    if not history or in_use(code):
        return None
    ended = max(n.end for n in history if n.end is not None)
    began = min((n.start for n in history if n.start is not None), default=None)
    county_level = not code.endswith("00")
    candidates = set()
    for name in {n.name for n in history}:
        for other in _codes_by_name().get((code[:2], name), ()):
            if other == code or (not other.endswith("00")) != county_level:
                continue
            if name in _GENERIC and other[:4] != code[:4]:
                continue
            starts = [n.start for n in names(other) if n.name == name]
            # it came into use as this one ended (and after this one began), never before
            if any(start is not None and start >= ended - 1 and (began is None or start > began)
                   for start in starts):
                candidates.add(other)
    if len(candidates) > 1:
        candidates = {c for c in candidates if c[:4] == code[:4]}
    return candidates.pop() if len(candidates) == 1 else None


def current_code(code: str) -> str:
    """The code a county has today: ``code`` followed through its successors (itself when in
    use, or when GB/T 2260 names no successor)."""
    seen = {code}
    while (following := successor(code)) is not None and following not in seen:
        seen.add(following)
        code = following
    return code


def prefecture_of(code: str, exceptions: dict[str, str] | None = None) -> str | None:
    """The six-digit code of the prefecture (in 内蒙古 the 盟市) that a county code belongs to,
    read from the GB/T 2260 history; None when ``code`` is not six digits or was never assigned.

    ``exceptions`` (the rulebook's ``enrollment.settlement_region_exceptions``: county code ->
    prefecture code) comes first, for the code as written and then for its current code. Else
    the code is followed to the county's current code (``current_code``) and its first four
    digits + ``00`` name the prefecture: 152622 (和林格尔县 until 1995) -> 150123 -> 150100
    呼和浩特市. A retired prefecture's own code stays as it is (152600 乌兰察布盟): the
    rulebook's ``former`` codes name today's region for it.

    Source: GB/T 2260 as python-stdnum ships it (``stdnum/cn/loc.dat``).
    """
    if not (isinstance(code, str) and len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    if code not in assigned_codes():
        return None
    exceptions = exceptions or {}
    if code in exceptions:
        return exceptions[code]
    today = current_code(code)
    if today in exceptions:
        return exceptions[today]
    return today[:4] + "00"
