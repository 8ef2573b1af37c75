"""Every level of a jurisdiction: its prefectures (盟市), their counties (旗县区), the short names
offices write, and the units without a GB/T 2260 code that offices list as rows (市本级, 开发区 …).

Sources, in this order:

- the rulebook's ``[[regions]]``: the prefectures, with their aliases and former names and codes;
- GB/T 2260 as python-stdnum ships it (``auditkit.gbt2260``): every county-level code of the
  province (the first two digits of the rulebook's prefecture codes), the names each code had and
  the years, and so the prefecture of each county (its code's first four digits + ``00``);
- the rulebook's ``[[areas]]``, one entry per area: ``short_names`` (full GB/T 2260 name -> the
  short forms offices write), ``units`` (rows without a code: ``name`` and ``aliases``) and
  ``renamed`` (a county that took a new code with its new name: ``name``, ``code``, ``to``,
  ``until``).

A package covers an **area**: the jurisdiction (its rows are the 盟市) or one prefecture (its rows
are that 盟市's 旗县区 and units). The manifest says which (``[submission] area = "包头市"``), or
``package_area`` infers it from the rows. ``bind`` gives the run a rulebook whose ``resolve`` reads
names inside that area first, so that a short form two prefectures share (扎旗, 前旗, 市本级) means
the package's own.

Resolution never guesses between two regions: a name that two counties of the jurisdiction share
is understood only inside its own prefecture's package. A current name always wins over a former
one (通辽市 is the 盟市, though a county-level 通辽市 became 科尔沁区 in 1999).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from functools import lru_cache

from auditkit.errors import PackageError
from auditkit.gbt2260 import assigned_codes, names
from auditkit.rulebook import Region, Resolution, Rulebook

JURISDICTION, PREFECTURE, COUNTY, UNIT = "jurisdiction", "prefecture", "county", "unit"

# The endings of a unit that offices list as a row but that has no GB/T 2260 code. A name with one
# of them that the rulebook does not list is an info finding (ST005), never an error.
UNIT_ENDINGS = re.compile(r"(本级|开发区|高新区|示范区|园区|管理区|新区|管委会|试验区|合作区|农场|牧场|林场|保税区)$")
# GB/T 2260 entries that are groupings, not regions a table lists
_NOT_REGIONS = {"市辖区", "市区", "县", "郊区", "矿区"}
# The words after a region's name in an office's name (包头市财政局, 兴安盟医疗保障局)
_OFFICE = re.compile(r"(人民政府|行政公署|财政局|财政厅|医疗保障局|医保局|社会保险事业管理中心|医疗保险服务中心)+$")
# The endings an office may leave off a region's name (东河 for 东河区, 包头 for 包头市).
_SUFFIXES = ("矿区", "区", "县", "旗", "市", "盟")


@dataclass(frozen=True)
class Area:
    """What a package covers: the jurisdiction's prefectures, or one prefecture's counties."""

    name: str
    level: str  # JURISDICTION | PREFECTURE
    region: Region | None = None  # the prefecture itself, for a PREFECTURE area

    def contains(self, region: Region) -> bool:
        """Whether a resolved region is one this area's package may list."""
        if self.level == JURISDICTION:
            return region.level == PREFECTURE or (region.level == UNIT and region.parent == self.name)
        return region.name == self.name or region.parent == self.name

    @property
    def members(self) -> str:
        """The area's regions in words: '内蒙古自治区所辖盟市', '包头市所辖旗县区'."""
        return f"{self.name}所辖{'盟市' if self.level == JURISDICTION else '旗县（市、区）'}"


@dataclass(frozen=True)
class AreaChoice:
    area: Area
    how: str  # "manifest" | "inferred" | "default"
    counties: int = 0  # rows read as counties of the area (for "inferred")
    rows: int = 0  # rows whose region could be read at all


@dataclass
class Places:
    """Every region of a jurisdiction at every level, and the tables that read names."""

    jurisdiction: str
    prefectures: dict[str, Region] = field(default_factory=dict)  # current name -> region
    counties: dict[str, list[Region]] = field(default_factory=dict)  # prefecture -> its counties
    units: dict[str, list[Region]] = field(default_factory=dict)  # area name -> its units
    by_code: dict[str, Region] = field(default_factory=dict)  # any code ever assigned -> region today
    short_names: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # area -> full -> short
    _global: dict[str, Resolution] = field(default_factory=dict)
    _local: dict[str, dict[str, Resolution]] = field(default_factory=dict)

    # -- resolution --

    def resolve(self, written: str, area: str | None = None) -> Resolution:
        """The region a written name means, read inside ``area`` first (a prefecture's name, or
        None / the jurisdiction for the whole jurisdiction)."""
        key = "".join(str(written).split()).replace("（", "(").replace("）", ")")
        found = self._exact(key, area)
        if found is None:
            found = self._derived(key, area)
        if found is None:
            return Resolution(written, None, "unknown")
        return dataclasses.replace(found, written=key)

    def _exact(self, key: str, area: str | None) -> Resolution | None:
        local = self._local.get(area or self.jurisdiction, {})
        return local.get(key) or self._global.get(key)

    def _derived(self, key: str, area: str | None) -> Resolution | None:
        # a name written under its prefecture (包头市东河区, 内蒙古自治区包头市) or the jurisdiction
        for prefix, inside in self._prefixes():
            if key.startswith(prefix) and len(key) > len(prefix):
                rest = key[len(prefix):]
                found = self._exact(rest, inside or area) or self._suffixed(rest, inside or area)
                if found is not None and (inside is None or found.region.parent in (inside, None)
                                          or found.region.name == inside):
                    return Resolution(key, found.region, "alias" if found.how == "name" else found.how,
                                      found.renamed_in)
        return self._suffixed(key, area)

    def _suffixed(self, key: str, area: str | None) -> Resolution | None:
        """A region written without its ending (东河 for 东河区), when only one region fits."""
        matches = {}
        for suffix in _SUFFIXES:
            found = self._exact(key + suffix, area)
            if found is not None and found.how == "name" and found.region.level in (COUNTY, PREFECTURE):
                matches[found.region.name] = found.region
        if len(matches) == 1:
            return Resolution(key, next(iter(matches.values())), "alias")
        return None

    def _prefixes(self) -> list[tuple[str, str | None]]:
        prefixes = [(self.jurisdiction, None)]
        if self.jurisdiction.endswith("自治区"):
            prefixes.append((self.jurisdiction[:3] if len(self.jurisdiction) > 5 else self.jurisdiction[:2], None))
        for name, region in self.prefectures.items():
            for written in (name, *region.aliases):
                prefixes.append((written, name))
                if written[-1] in "市盟" and len(written) > 2:
                    prefixes.append((written[:-1], name))
        return sorted(prefixes, key=lambda p: -len(p[0]))

    # -- areas --

    def area(self, name: str | None) -> Area | None:
        """The area a name means: the jurisdiction, or one of its prefectures; None otherwise.
        An office's name is read as its region's (包头市财政局 -> 包头市)."""
        name = _OFFICE.sub("", "".join((name or "").split()))
        if not name or name == self.jurisdiction or (len(name) >= 2 and self.jurisdiction.startswith(name)):
            return Area(self.jurisdiction, JURISDICTION)
        found = self.resolve(name)
        if found.region is not None and found.region.level == PREFECTURE:
            return Area(found.region.name, PREFECTURE, found.region)
        return None

    def prefecture_of(self, region: Region) -> str | None:
        return region.name if region.level == PREFECTURE else region.parent


def places(rules: Rulebook) -> Places:
    """Every level of the rulebook's jurisdiction, built once per rulebook."""
    cached = rules.__dict__.get("_places")
    if cached is None:
        cached = _build(rules)
        rules.__dict__["_places"] = cached
    return cached


# --- building the tables ----------------------------------------------------------------------


@lru_cache(maxsize=8)
def _history(province: str) -> dict[str, tuple]:
    """Every code of a province (two digits) that GB/T 2260 assigned below the province level,
    with the names it had (``gbt2260.names``), read once per process."""
    return {code: tuple(names(code)) for code in sorted(assigned_codes())
            if code.startswith(province) and code[2:4] != "00"}


def _current(code: str, history: dict[str, tuple]) -> str | None:
    """The name a code has today, or None when it is no longer in use."""
    today = [n for n in history[code] if n.end is None]
    return today[-1].name if today else None


def _province(rules: Rulebook) -> str | None:
    codes = {r.code[:2] for r in rules.regions if r.code and len(r.code) == 6 and r.code.isdigit()}
    return codes.pop() if len(codes) == 1 else None


def _build(rules: Rulebook) -> Places:
    found = Places(rules.jurisdiction)
    for region in rules.regions:
        found.prefectures[region.name] = dataclasses.replace(region, level=PREFECTURE, parent=None)
    province = _province(rules)
    history = _history(province) if province else {}
    codes = list(history)
    for code in (c for c in codes if c.endswith("00")):
        name = _current(code, history)
        if name and "直辖" not in name and not any(r.code == code for r in found.prefectures.values()):
            found.prefectures[name] = Region(name, code, level=PREFECTURE)
    prefecture_codes = {}
    for region in found.prefectures.values():
        for code in [region.code, *(c for _n, c, _y in region.former)]:
            if code:
                prefecture_codes[code] = region
                found.by_code[code] = region

    entries = {str(e.get("area", "")): e for e in rules.areas}
    renamed = {str(r["code"]): r for e in entries.values() for r in e.get("renamed", [])}

    # current counties, with the earlier names of the same code
    current: dict[str, Region] = {}
    for code in (c for c in codes if not c.endswith("00")):
        name = _current(code, history)
        parent = prefecture_codes.get(code[:4] + "00")
        if not name or name in _NOT_REGIONS or parent is None:
            continue
        former = tuple((n.name, code, n.end) for n in history[code]
                       if n.end is not None and n.name != name and n.name not in _NOT_REGIONS)
        current[code] = Region(name, code, former=former, level=COUNTY, parent=parent.name)
    by_name: dict[str, list[Region]] = {}
    for region in current.values():
        by_name.setdefault(region.name, []).append(region)
    # former codes: a rulebook rename, else the one current county of the same name
    for code in (c for c in codes if not c.endswith("00") and c not in current):
        old = [n for n in history[code] if n.name not in _NOT_REGIONS]
        if not old:
            continue
        target = None
        if code in renamed:
            target = next((r for r in current.values() if r.name == renamed[code]["to"]), None)
        elif len(by_name.get(old[-1].name, [])) == 1:
            target = by_name[old[-1].name][0]
        if target is None:
            parent = prefecture_codes.get(code[:4] + "00")
            if parent is not None:
                found.by_code[code] = parent
            continue
        former = tuple((n.name, code, int(renamed[code]["until"]) if code in renamed else n.end)
                       for n in old if n.name != target.name)
        updated = dataclasses.replace(target, former=target.former + former)
        current[target.code] = updated
        by_name[target.name] = [updated if r.code == target.code else r for r in by_name[target.name]]
        found.by_code[code] = updated
    for region in current.values():
        found.by_code[region.code] = region
        found.counties.setdefault(region.parent, []).append(region)

    for area_name, entry in entries.items():
        full_names = {str(k): [str(s) for s in v] for k, v in entry.get("short_names", {}).items()}
        found.short_names[area_name] = full_names
        for unit in entry.get("units", []):
            found.units.setdefault(area_name, []).append(
                Region(str(unit["name"]), None, tuple(str(a) for a in unit.get("aliases", [])), level=UNIT,
                       parent=area_name))
    _index(found)
    return found


def _index(found: Places) -> None:
    """The global and per-area name tables: a name is global only when it means one region."""
    candidates: dict[str, dict[str, Resolution]] = {}  # name -> region name -> resolution

    def offer(table: dict[str, dict[str, Resolution]], written: str, resolution: Resolution) -> None:
        table.setdefault(written, {}).setdefault(resolution.region.name + (resolution.region.parent or ""),
                                                 resolution)

    ranks = {"name": 0, "alias": 1, "former": 2}
    for region in found.prefectures.values():
        offer(candidates, region.name, Resolution(region.name, region, "name"))
        for alias in region.aliases:
            offer(candidates, alias, Resolution(alias, region, "alias"))
        for name, _code, year in region.former:
            if name != region.name:
                offer(candidates, name, Resolution(name, region, "former", year))
    for area_name, counties in found.counties.items():
        local: dict[str, dict[str, Resolution]] = {}
        shorts = found.short_names.get(area_name, {})
        for region in counties:
            own = [Resolution(region.name, region, "name"),
                   *(Resolution(s, region, "alias") for s in shorts.get(region.name, [])),
                   *(Resolution(n, region, "former", y) for n, _c, y in region.former)]
            for resolution in own:
                offer(candidates, resolution.written, resolution)
                offer(local, resolution.written, resolution)
        prefecture = found.prefectures.get(area_name)
        if prefecture is not None:
            offer(local, prefecture.name, Resolution(prefecture.name, prefecture, "name"))
        found._local[area_name] = _best(local, ranks)
    for area_name, units in found.units.items():
        local = found._local.setdefault(area_name, {})
        for unit in units:
            for written in (unit.name, *unit.aliases):
                local.setdefault(written, Resolution(written, unit, "name" if written == unit.name else "alias"))
    found._global = _best(candidates, ranks)


def _best(table: dict[str, dict[str, Resolution]], ranks: dict[str, int]) -> dict[str, Resolution]:
    """One resolution per written name: the best-ranked (a current name before a short name before
    a former name), and none when two regions tie at that rank."""
    chosen = {}
    for written, options in table.items():
        best = min(ranks[o.how] for o in options.values())
        top = [o for o in options.values() if ranks[o.how] == best]
        if len(top) == 1:
            chosen[written] = top[0]
    return chosen


# --- the package's area -----------------------------------------------------------------------


def package_area(sub, rules: Rulebook | None) -> AreaChoice | None:
    """The area a package covers: the manifest's ``area``, else inferred from its rows.

    Inference reads every region cell of every table with the jurisdiction-wide names: when more
    rows name counties of one prefecture than name other prefectures, the package covers that
    prefecture's counties; otherwise the jurisdiction's prefectures (the default).

    Raises PackageError when the manifest names an area that is neither the jurisdiction nor one
    of its prefectures.
    """
    if rules is None or not rules.knows_regions:
        return None
    return sub.cached("area", lambda: _choose(sub, rules))


def _choose(sub, rules: Rulebook) -> AreaChoice:
    known = places(rules)
    written = getattr(sub.manifest, "area", "") or ""
    if written:
        area = known.area(written)
        if area is None:
            listed = "、".join(known.prefectures)
            raise PackageError(f"清单项“submission.area”：“{written}”不是{known.jurisdiction}或其所辖盟市，"
                               f"应填写{known.jurisdiction}或 {listed} 之一")
        return AreaChoice(area, "manifest")
    counties: dict[str, int] = {}
    prefectures: dict[str, int] = {}
    rows = 0
    for table in sub.tables.values():
        if not table.has("region"):
            continue
        for row in table.rows():
            text = row.get("region")
            region = known.resolve(text).region if text else None
            if region is None:
                continue
            rows += 1
            if region.level == COUNTY:
                counties[region.parent] = counties.get(region.parent, 0) + 1
            elif region.level == PREFECTURE:
                prefectures[region.name] = prefectures.get(region.name, 0) + 1
    if counties:
        chosen = min(counties, key=lambda name: (-counties[name], known.prefectures[name].code or ""))
        others = sum(n for name, n in prefectures.items() if name != chosen)
        if counties[chosen] > others:
            return AreaChoice(Area(chosen, PREFECTURE, known.prefectures[chosen]), "inferred", counties[chosen], rows)
    return AreaChoice(Area(known.jurisdiction, JURISDICTION), "default", 0, rows)


def bind(sub, rules: Rulebook | None) -> Rulebook | None:
    """The rulebook with its names read inside the package's area (``Rulebook.area``)."""
    choice = package_area(sub, rules)
    if choice is None or choice.area.level == JURISDICTION:
        return rules
    bound = dataclasses.replace(rules, area=choice.area.name)
    bound.__dict__["_places"] = places(rules)
    return bound


def area_of(rules: Rulebook | None) -> Area | None:
    """The area a bound rulebook reads names in (the jurisdiction when unbound)."""
    if rules is None or not rules.knows_regions:
        return None
    return places(rules).area(rules.area)
