"""Rulebooks: the parameters of a jurisdiction, each with its source and whether it was verified.

A rulebook is a TOML file under ``auditkit/rulebooks/`` (``nmg.toml``, ``xj.toml``). Checks read
parameters only from here. ``--rulebook FILE`` layers a user's file on top, parameter by
parameter, so an override of one year's standard keeps every other value. Every key is declared
in ``auditkit.parameters`` with its kind, and read into its typed value here, once: a value that
fits no reading of its kind, or a key that names no parameter, is a ``RulebookError`` (exit 2).

Parameters are addressed by a dotted name; a per-year parameter by its name and the year:
``rules.get("central_share")``, ``rules.get("standard", 2023)``.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from auditkit.errors import RulebookError
from auditkit.parameters import PARAMETERS, STRUCTURE, WHOLES, is_prefix, spec_of


@dataclass(frozen=True)
class Param:
    """One parameter as checks read it: ``value`` is typed by the parameter's kind
    (``auditkit.parameters``): a Decimal fraction for a share, a Decimal in 元 for an amount, an
    int for days, a ``MonthDay`` for a yearly day, a bool for a switch. ``written`` is the value
    as the rulebook wrote it."""

    name: str
    value: Any
    source: str
    verified: bool
    kind: str = ""
    written: Any = None

    @property
    def decimal(self) -> Decimal:
        return Decimal(str(self.value))

    def cite(self) -> str:
        return self.source + ("" if self.verified else "（出处待核实）")


@dataclass(frozen=True)
class Region:
    name: str
    code: str | None = None
    aliases: tuple[str, ...] = ()
    # earlier names: (name, code, the year the new name took effect)
    former: tuple[tuple[str, str | None, int | None], ...] = ()
    level: str = "prefecture"  # prefecture | county | unit (a row without a GB/T 2260 code)
    parent: str | None = None  # a county's or unit's prefecture (auditkit.areas)


@dataclass(frozen=True)
class Resolution:
    """How a written region name maps to one of the jurisdiction's regions."""

    written: str
    region: Region | None
    how: str  # "name" | "alias" | "former" | "unknown"
    renamed_in: int | None = None


@dataclass
class Rulebook:
    id: str
    version: str
    jurisdiction: str
    params: dict[str, Param]  # by dotted name: 'central_share', 'standard.2023'
    regions: list[Region]
    sources: list[str] = field(default_factory=list)
    areas: list[dict] = field(default_factory=list)  # [[areas]]: short names, units, renames (auditkit.areas)
    area: str | None = None  # the prefecture whose counties a package covers, once bound (areas.bind)
    _by_name: dict[str, Resolution] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for region in self.regions:
            self._by_name[region.name] = Resolution(region.name, region, "name")
            for alias in region.aliases:
                self._by_name[alias] = Resolution(alias, region, "alias")
            for name, _code, year in region.former:
                self._by_name[name] = Resolution(name, region, "former", year)

    # -- parameters --

    def has(self, name: str, year: int | None = None) -> bool:
        return self._lookup(name, year) is not None

    def get(self, name: str, year: int | None = None) -> Param:
        found = self._lookup(name, year)
        if found is None:
            label = f"{name}（{year}年）" if year is not None else name
            raise KeyError(f"规则库“{self.id}”未设参数 {label}")
        return found

    def _lookup(self, name: str, year: int | None) -> Param | None:
        return self.params.get(name if year is None else f"{name}.{year}")

    # -- regions --

    def resolve(self, written: str) -> Resolution:
        """The region a written name means, at any level of the jurisdiction (``auditkit.areas``):
        a 盟市, a 旗县区 or a unit without a code, read inside the bound area first."""
        key = "".join(written.split())
        found = self._by_name.get(key)
        if found is not None and self.area is None:
            return found
        if not self.regions:
            return Resolution(written, None, "unknown")
        from auditkit.areas import places

        return places(self).resolve(key, self.area)

    @property
    def knows_regions(self) -> bool:
        return bool(self.regions)


_FIELDS = ("value", "source", "verified")


def _entries(tree: dict, shown: str, prefix: str = "") -> Iterator[tuple[str, dict]]:
    """Each parameter a rulebook file sets, by dotted name, as {value?, source?, verified?}.

    A parameter is a table (``[central_share]`` with ``value``, ``source``, ``verified``) or,
    in a user's file, just its value (``arrival_deduction_rate = 10``). A key that names no
    declared parameter is refused: a misspelt override would otherwise be silently ignored.
    """
    for key, node in tree.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if not prefix and key in STRUCTURE:
            continue
        spec = spec_of(name)
        if spec is None:
            if isinstance(node, dict) and is_prefix(name):
                yield from _entries(node, shown, name)
                continue
            close = difflib.get_close_matches(name, list(PARAMETERS), n=1)
            hint = f"（是否应为 {close[0]}？）" if close else ""
            raise RulebookError(f"规则库没有参数 {name}{hint}，请更正参数名或删去该项（全部参数见 docs/parameters.md）",
                                file=shown)
        if isinstance(node, dict) and node and set(node) <= set(_FIELDS):
            entry = dict(node)
        elif isinstance(node, dict) and spec.kind != "code_map":
            unknown = "、".join(sorted(set(node) - set(_FIELDS)))
            raise RulebookError(f"参数 {name} 的表中只能有 value、source、verified，实有 {unknown}", file=shown)
        else:
            entry = {"value": node}
        if "source" in entry and not isinstance(entry["source"], str):
            raise RulebookError(f"参数 {name} 的 source 应为文字（文件名称及条款）", file=shown)
        if "verified" in entry and not isinstance(entry["verified"], bool):
            raise RulebookError(f"参数 {name} 的 verified 应为 true 或 false", file=shown)
        yield name, entry


def _parameters(layers: list[tuple[dict, str, bool]]) -> dict[str, Param]:
    """The parameters of the built-in rulebook and the user's file on top, read by their kinds.

    ``layers``: (parsed TOML, file name as shown, whether it is the user's). A user's value
    replaces the built-in one with its citation: without a ``source`` of its own it is cited as
    the user's file, unverified."""
    merged: dict[str, dict] = {}
    for tree, shown, users in layers:
        for name, entry in _entries(tree, shown):
            if users and "value" in entry:
                entry = {"source": f"用户规则库“{shown}”", "verified": False, **entry}
            merged[name] = {**merged.get(name, {}), **entry, "file": shown}
    params = {}
    for name, entry in merged.items():
        spec = spec_of(name)
        if "value" not in entry:
            raise RulebookError(f"参数 {name}（{spec.label}）没有 value", file=entry["file"])
        value = spec.read(entry["value"])
        if value is None:
            raise RulebookError(f"参数 {name}（{spec.label}）应为{spec.expected()}，实为“{_shown(entry['value'])}”",
                                file=entry["file"])
        params[name] = Param(name, value, str(entry.get("source", "")), bool(entry.get("verified", False)),
                             spec.kind, entry["value"])
    for parts in WHOLES:
        present = [params[name] for name in parts if name in params]
        if len(present) == len(parts) and sum(p.value for p in present) != 1:
            files = "、".join(dict.fromkeys(merged[name]["file"] for name in parts))
            written = "、".join(f"{p.name} = {_shown(p.written)}" for p in present)
            raise RulebookError(f"同一公式的权重之和应为100%，而 {written}；修改其一时应同时修改另一项", file=files)
    return params


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _read(path_or_text: Path | str, shown: str) -> dict:
    try:
        text = path_or_text.read_text(encoding="utf-8") if isinstance(path_or_text, Path) else path_or_text
        return tomllib.loads(text)
    except FileNotFoundError:
        raise RulebookError("规则库文件不存在", file=shown) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulebookError(f"规则库文件不符合 TOML 语法（{exc}）", file=shown) from None


def builtin_ids() -> list[str]:
    folder = resources.files("auditkit") / "rulebooks"
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_rulebook(jurisdiction: str, override: Path | None = None) -> Rulebook | None:
    """The built-in rulebook of a jurisdiction with the user's file layered on top.

    Returns None when there is neither: the run then does only the checks that need no
    parameter, and lists the others as skipped.
    """
    layers: list[tuple[dict, str, bool]] = []
    resource = resources.files("auditkit") / "rulebooks" / f"{jurisdiction}.toml"
    if resource.is_file():
        layers.append((_read(resource.read_text(encoding="utf-8"), f"{jurisdiction}.toml"), f"{jurisdiction}.toml", False))
    if override is not None:
        layers.append((_read(Path(override), str(override)), str(override), True))
    if not any(tree for tree, _, _ in layers):
        return None
    data: dict = {}
    for tree, _, _ in layers:
        data["rulebook"] = {**data.get("rulebook", {}), **tree.get("rulebook", {})}
        for whole in ("regions", "areas"):  # arrays of tables: a user's file replaces them whole
            if whole in tree:
                data[whole] = tree[whole]
    meta = data.get("rulebook", {})
    regions = []
    for entry in data.get("regions", []):
        if "name" not in entry:
            raise RulebookError("规则库 [[regions]] 的每一项都应有 name", file=f"{jurisdiction}.toml")
        regions.append(Region(
            name=entry["name"],
            code=entry.get("code"),
            aliases=tuple(entry.get("aliases", [])),
            former=tuple((f["name"], f.get("code"), f.get("until")) for f in entry.get("former", [])),
        ))
    areas = data.get("areas", [])
    if not isinstance(areas, list) or not all(isinstance(a, dict) and a.get("area") for a in areas):
        raise RulebookError("规则库 [[areas]] 的每一项都应有 area（盟市名称或管辖区名称）", file=f"{jurisdiction}.toml")
    params = _parameters(layers)
    return Rulebook(
        id=str(meta.get("id", jurisdiction)),
        version=str(meta.get("version", "0")),
        jurisdiction=str(meta.get("jurisdiction", jurisdiction)),
        params=params,
        regions=regions,
        sources=list(meta.get("sources", [])),
        areas=areas,
    )
