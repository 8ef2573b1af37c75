"""Rulebooks: the parameters of a jurisdiction, each with its source and whether it was verified.

A rulebook is a TOML file under ``auditkit/rulebooks/`` (``nmg.toml``, ``xj.toml``). Checks read
parameters only from here. ``--rulebook FILE`` layers a user's file on top: tables merge key by
key, so an override of one year's standard keeps every other value.

Parameters are addressed by a dotted name; a per-year parameter by its name and the year:
``rules.get("central_share")``, ``rules.get("standard", 2023)``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from auditkit.errors import RulebookError


@dataclass(frozen=True)
class Param:
    name: str
    value: Any
    source: str
    verified: bool

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
    params: dict[str, Any]
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
        node: Any = self.params
        for part in name.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        if year is not None:
            if not isinstance(node, dict) or str(year) not in node:
                return None
            node = node[str(year)]
        if not isinstance(node, dict) or "value" not in node:
            return None
        label = name if year is None else f"{name}.{year}"
        return Param(label, node["value"], str(node.get("source", "")), bool(node.get("verified", False)))

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


def _merge(base: dict, top: dict) -> dict:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


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
    data: dict = {}
    resource = resources.files("auditkit") / "rulebooks" / f"{jurisdiction}.toml"
    if resource.is_file():
        data = _read(resource.read_text(encoding="utf-8"), f"{jurisdiction}.toml")
    if override is not None:
        data = _merge(data, _read(Path(override), str(override)))
    if not data:
        return None
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
    params = {k: v for k, v in data.items() if k not in ("rulebook", "regions", "areas")}
    return Rulebook(
        id=str(meta.get("id", jurisdiction)),
        version=str(meta.get("version", "0")),
        jurisdiction=str(meta.get("jurisdiction", jurisdiction)),
        params=params,
        regions=regions,
        sources=list(meta.get("sources", [])),
        areas=areas,
    )
