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
from auditkit import parameters
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
        """The source as a document's body cites it: its title and article, never the auditor's
        note on whether it was found (an unverified source is listed with its status in the
        sources annex, ``Rulebook.documents``)."""
        return self.source


@dataclass(frozen=True)
class Document:
    """One document a jurisdiction's rulebook cites (``[[documents]]``), with the settlement years
    it governs and whether its text was located.

    ``number`` is the 发文字号 ('内财社〔2025〕357号'; empty for a document without one, such as a
    standard or a law), ``title`` its title without book-title marks. ``from_year``/``until_year``
    bound the settlement years (运行年度) it governs, both inclusive, None for open; a package of a
    year outside them is told so in the sources annex. ``verified`` is False when the text was not
    located; ``status`` says, in Chinese, what is known of it (the annex prints it). ``national``
    marks a law, a national standard or a national notice, which no jurisdiction owns. ``programs``
    are the programs whose review names it as the basis (根据……等规定). ``names`` are other ways
    citations write it ('医疗救助补助资金管理办法')."""

    title: str
    number: str = ""
    from_year: int | None = None
    until_year: int | None = None
    verified: bool = True
    status: str = ""
    programs: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    national: bool = False  # a law, standard or national notice: any jurisdiction may cite it

    def governs(self, year: int) -> bool:
        return ((self.from_year is None or year >= self.from_year)
                and (self.until_year is None or year <= self.until_year))

    @property
    def cited(self) -> str:
        """'《管理办法》（内财社〔2025〕357号）', or '《标题》' without a number."""
        return f"《{self.title}》" + (f"（{self.number}）" if self.number else "")

    @property
    def marks(self) -> tuple[str, ...]:
        """The words that show a citation names this document: its number, title and names."""
        return tuple(m for m in (self.number, self.title, *self.names) if m)

    def years(self) -> str:
        """'2025年度起' / '2020年度' / '2019—2023年度' / '' (unbounded)."""
        if self.from_year is None and self.until_year is None:
            return ""
        if self.from_year == self.until_year:
            return f"{self.from_year}年度"
        if self.until_year is None:
            return f"{self.from_year}年度起"
        if self.from_year is None:
            return f"{self.until_year}年度及以前"
        return f"{self.from_year}—{self.until_year}年度"


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
    documents: list[Document] = field(default_factory=list)  # [[documents]]: what its citations name
    citations: dict[str, str] = field(default_factory=dict)  # [citations]: check code -> citation ('' = none)
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
            raise KeyError(f"规则库“{self.id}”未设参数{parameters.shown(name, year)}")
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

    # -- citations --

    def cites(self, code: str, default: str) -> str:
        """The citation of check ``code`` in this jurisdiction (issue 17): the rulebook's own
        ``[citations]`` entry when it has one ('' for a rule of plain arithmetic that cites
        nothing), else the check's registered ``default`` bound to the jurisdiction
        (``bound_citation``)."""
        if code in self.citations:
            return self.citations[code]
        return bound_citation(default, self.documents)

    def basis(self, program: str) -> Document | None:
        """The document a review of ``program`` names as its basis: the first that lists it."""
        return next((d for d in self.documents if program in d.programs), None)

    def documents_named(self, texts) -> list[Document]:
        """The rulebook's documents that any of ``texts`` names, in the rulebook's order."""
        joined = "\n".join(texts)
        return [d for d in self.documents if any(mark in joined for mark in d.marks)]


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


def builtin_documents() -> list[Document]:
    """The documents every built-in rulebook lists: what a citation may name at all."""
    found: list[Document] = []
    for jurisdiction in builtin_ids():
        resource = resources.files("auditkit") / "rulebooks" / f"{jurisdiction}.toml"
        tree = _read(resource.read_text(encoding="utf-8"), f"{jurisdiction}.toml")
        found.extend(_documents(tree.get("documents", []), f"{jurisdiction}.toml"))
    return found


def bound_citation(default: str, own: list[Document]) -> str:
    """A check's registered citation with every part ('；'-separated) that names a document of
    another jurisdiction left out: a part naming a document that a built-in rulebook lists is
    kept only when ``own`` (this jurisdiction's documents) lists it too; a part naming none of
    them, or only national ones (GB/T 2260, 民法典, 分析性复核), is kept. '' when nothing is left."""
    if not default:
        return ""
    known = [mark for d in _known_documents() if not d.national for mark in d.marks]
    mine = [mark for d in own for mark in d.marks]
    kept = []
    for part in default.split("；"):
        named = [mark for mark in known if mark in part]
        if named and not any(mark in part for mark in mine):
            continue
        kept.append(part)
    return "；".join(kept)


_KNOWN: list[Document] = []


def _known_documents() -> list[Document]:
    if not _KNOWN:
        _KNOWN.extend(builtin_documents())
    return _KNOWN


def _documents(entries: Any, shown: str) -> list[Document]:
    """``[[documents]]`` read and checked: every entry has a title; years are whole numbers."""
    if not isinstance(entries, list):
        raise RulebookError("规则库 documents 应为 [[documents]] 表的数组", file=shown)
    documents = []
    for entry in entries:
        if not isinstance(entry, dict) or not entry.get("title"):
            raise RulebookError("规则库 [[documents]] 的每一项都应有 title（文件标题）", file=shown)
        for key in ("from_year", "until_year"):
            if key in entry and not (isinstance(entry[key], int) and not isinstance(entry[key], bool)):
                raise RulebookError(f"规则库 [[documents]]“{entry['title']}”的 {key} 应为年份（整数）", file=shown)
        documents.append(Document(
            title=str(entry["title"]), number=str(entry.get("number", "")),
            from_year=entry.get("from_year"), until_year=entry.get("until_year"),
            verified=bool(entry.get("verified", True)), status=str(entry.get("status", "")),
            programs=tuple(entry.get("programs", ())), names=tuple(entry.get("names", ())),
            national=bool(entry.get("national", False))))
    return documents


def _citations(table: Any, shown: str) -> dict[str, str]:
    if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
        raise RulebookError("规则库 [citations] 应为“检查代码 = \"引用的文件及条款\"”", file=shown)
    return {str(code).upper(): text for code, text in table.items()}


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
    documents: list[Document] = []
    citations: dict[str, str] = {}
    for tree, shown, _ in layers:
        data["rulebook"] = {**data.get("rulebook", {}), **tree.get("rulebook", {})}
        for whole in ("regions", "areas"):  # arrays of tables: a user's file replaces them whole
            if whole in tree:
                data[whole] = tree[whole]
        if "documents" in tree:  # a user's documents add to the built-in ones, by title
            added = _documents(tree["documents"], shown)
            titles = {d.title for d in added}
            documents = [d for d in documents if d.title not in titles] + added
        citations.update(_citations(tree.get("citations", {}), shown))
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
        documents=documents,
        citations=citations,
    )
