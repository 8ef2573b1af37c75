"""The check registry: ``@check`` registration and discovery.

Built-in checks live in ``checks/`` (shipped inside the wheel as ``auditkit/checks``) and load
the same way a user's ``--checks-dir`` does; installed packages register modules under the
entry-point group ``auditkit.checks``. A check is found from its code in one step:
``auditkit checks`` lists code, title, citation and tables.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from auditkit.errors import PackageError
from auditkit.findings import SEVERITIES, Finding

ENTRY_POINT_GROUP = "auditkit.checks"


@dataclass(frozen=True)
class CheckSpec:
    code: str
    title: str
    cites: str
    needs: tuple[str, ...]  # tables, or "table.column" for a column the check cannot do without
    params: tuple[str, ...]  # rulebook parameters; "standard@Y" is per year, "@Y+1" the next
    severity: str
    programs: tuple[str, ...]
    function: Callable[..., Iterable[Finding]] = field(compare=False)
    draft: bool = False

    @property
    def rule(self) -> str:
        """The rule in plain words: the first paragraph of the check's docstring."""
        doc = inspect.getdoc(self.function) or ""
        return doc.split("\n\n", 1)[0].replace("\n", "")

    @property
    def criteria(self) -> str:
        """The rule and its registered citation, as a sentence: 'rule（cites）。'."""
        return criteria_text(self.rule, self.cites)

    def cites_in(self, rules) -> str:
        """The citation in a jurisdiction: its rulebook's (``Rulebook.cites``), or, without a
        rulebook, the registered one bound to no jurisdiction's documents."""
        if rules is None:
            from auditkit.rulebook import bound_citation

            return bound_citation(self.cites, [])
        return rules.cites(self.code, self.cites)

    def criteria_in(self, rules) -> str:
        """The finding's criteria in a jurisdiction: the rule and the citation that binds there."""
        return criteria_text(self.rule, self.cites_in(rules))


def criteria_text(rule: str, cites: str) -> str:
    """'合计行应等于各地区之和（…第十条）。': one full stop, after the citation; a citation's own
    brackets become a plain clause, so that no bracket stands inside the citation's bracket;
    without a citation, the rule alone."""
    rule = rule.rstrip("。；;，, ")
    cites = flat_brackets(cites.strip())
    return f"{rule}（{cites}）。" if cites else f"{rule}。"


_ITEM_NUMBER = "一二三四五六七八九十"


def flat_brackets(text: str) -> str:
    """'第十六条（附件3、5）' -> '第十六条，附件3、5': a bracket inside a text that will itself
    stand in brackets, written as a clause; an item number such as '二（二）' stays."""
    out: list[str] = []
    kept: list[bool] = []  # for each open bracket: is it an item number's, kept as written?
    for i, char in enumerate(text):
        if char == "（":
            close = text.find("）", i)
            item = close > i + 1 and all(c in _ITEM_NUMBER for c in text[i + 1:close])
            kept.append(item)
            out.append(char if item else "，")
        elif char == "）" and kept:
            if kept.pop():
                out.append(char)
        else:
            out.append(char)
    return "".join(out)


@dataclass(frozen=True)
class NotRun:
    """Yielded by a check, beside its findings, for what it could not judge once it looked at
    the figures (a due that cannot be computed for some regions): the run lists the check as
    not run with this reason, never as a silent pass. What can be known from the tables' and
    the rulebook's presence alone belongs in ``needs`` and ``params`` instead."""

    reason: str


@dataclass(frozen=True)
class Family:
    """A check family as its own checks module declares it (issue 17; like ruff's linter
    prefixes): the letters of its codes, the heading a review groups their findings under, and
    its place among the families (money first, then enrollment, deadlines and the rest)."""

    prefix: str  # "ST" for ST001–ST006
    heading: str  # 结算资金计算方面
    order: int  # smaller first


FAMILIES: dict[str, Family] = {}  # by prefix, as the checks modules declare them


def family(prefix: str, heading: str, *, order: int) -> Family:
    """Declare a check family, in the module whose checks carry its codes' prefix:
    ``family("ST", "结算资金计算方面", order=10)``. A user's or a third party's module declares
    its own the same way; a prefix declared twice with another heading is an error."""
    declared = Family(prefix.upper(), heading, order)
    existing = FAMILIES.get(declared.prefix)
    if existing is not None and existing != declared:
        raise ValueError(f"check family {declared.prefix} is declared twice: {existing} and {declared}")
    FAMILIES[declared.prefix] = declared
    return declared


REGISTRY: dict[str, CheckSpec] = {}
# Where each check came from: None for the built-ins, entry points and checks defined in a
# user's own script; a folder for --checks-dir, so that a folder's checks run only when asked for.
_ORIGIN: dict[str, Path | None] = {}
_loading_from: Path | None = None


def check(code: str, title: str, *, cites: str, needs: Iterable[str] = (), params: Iterable[str] = (),
          severity: str = "error", programs: Iterable[str] = ("resident-subsidy",), draft: bool = False):
    """Register a check function under its code."""
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}")

    def register(function: Callable[..., Iterable[Finding]]):
        existing = REGISTRY.get(code)
        if existing is not None and existing.function.__qualname__ != function.__qualname__:
            raise ValueError(f"check code {code} is registered twice")
        REGISTRY[code] = CheckSpec(code, title, cites, tuple(needs), tuple(params), severity,
                                   tuple(programs), function, draft)
        _ORIGIN[code] = _loading_from
        return function

    return register


def _load_file(path: Path, namespace: str) -> None:
    name = f"{namespace}.{path.stem}"
    if name in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise PackageError("无法加载检查模块", file=str(path))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise PackageError(f"检查模块加载失败：{type(exc).__name__}: {exc}", file=str(path)) from None


def builtin_checks_dir() -> Path:
    here = Path(__file__).resolve().parent
    bundled = here / "checks"  # inside an installed wheel
    return bundled if bundled.is_dir() else here.parent / "checks"  # a source checkout


def load_checks(extra_dirs: Iterable[Path] = ()) -> dict[str, CheckSpec]:
    """Every check: the built-ins, the entry-point group's, and those of the folders given."""
    global _loading_from
    for path in sorted(builtin_checks_dir().glob("*.py")):
        if not path.name.startswith("_"):
            _load_file(path, "auditkit.checks")
    for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            entry.load()
        except Exception as exc:
            raise PackageError(f"第三方检查“{entry.name}”（{entry.value}）加载失败：{exc}") from None
    folders = []
    for folder in extra_dirs:
        folder = Path(folder).resolve()
        if not folder.is_dir():
            raise PackageError("--checks-dir 指定的目录不存在", file=str(folder))
        folders.append(folder)
        namespace = "auditkit_user_checks_" + hashlib.sha256(str(folder).encode()).hexdigest()[:8]
        _loading_from = folder
        try:
            for path in sorted(folder.glob("*.py")):
                _load_file(path, namespace)
        finally:
            _loading_from = None
    return {code: spec for code, spec in sorted(REGISTRY.items())
            if _ORIGIN.get(code) is None or _ORIGIN[code] in folders}


def select(specs: dict[str, CheckSpec], include: Iterable[str] = (), exclude: Iterable[str] = ()) -> Iterator[CheckSpec]:
    """Codes or prefixes: ``--select EN`` takes EN001–EN009, ``--ignore ST005`` drops one."""
    include = [c.strip().upper() for c in include if c.strip()]
    exclude = [c.strip().upper() for c in exclude if c.strip()]
    for option, given in (("--select", include), ("--ignore", exclude)):
        unknown = [p for p in given if not any(code.startswith(p) for code in specs)]
        if unknown:
            # a typo must not pass as "nothing found"
            raise PackageError(f"{option} 中的“{'、'.join(unknown)}”不是任何检查的代码或代码前缀；"
                               "可用 auditkit checks 查看全部检查")
    for code, spec in specs.items():
        if include and not any(code.startswith(p) for p in include):
            continue
        if any(code.startswith(p) for p in exclude):
            continue
        yield spec
