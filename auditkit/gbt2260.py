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
