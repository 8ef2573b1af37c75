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
        return f"{self.rule}（{self.cites}）"


@dataclass(frozen=True)
class NotRun:
    """Yielded by a check, beside its findings, for what it could not judge once it looked at
    the figures (a due that cannot be computed for some regions): the run lists the check as
    not run with this reason, never as a silent pass. What can be known from the tables' and
    the rulebook's presence alone belongs in ``needs`` and ``params`` instead."""

    reason: str


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
