"""The command line: ``auditkit check``, ``auditkit checks``, ``auditkit demo``.

Exit codes: 0 no error findings; 1 error findings; 2 the package (or a rulebook, or an option)
could not be read, with a Chinese message; 3 an internal failure. No traceback reaches the user
unless ``--debug``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from auditkit.errors import PackageError

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="auditkit：城乡居民医保等补助资金结算审核工具")

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3


class Format(str, Enum):
    text = "text"
    json = "json"


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write a whole output or nothing: a temporary file in the same folder, renamed into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _split(codes: list[str] | None) -> list[str]:
    return [c for item in codes or [] for c in item.split(",") if c.strip()]


def run_check(package: Path, rulebook: Path | None = None, select: list[str] | None = None,
              ignore: list[str] | None = None, checks_dir: list[Path] | None = None):
    from auditkit.package import load_package
    from auditkit.registry import load_checks
    from auditkit.registry import select as choose
    from auditkit.rulebook import load_rulebook
    from auditkit.runner import run

    specs = load_checks(checks_dir or [])
    sub = load_package(package)
    rules = load_rulebook(sub.manifest.jurisdiction, rulebook)
    return run(sub, rules, list(choose(specs, _split(select), _split(ignore))))


def _guarded(debug: bool, body) -> None:
    """Run a command body and turn failures into exit codes and Chinese messages."""
    try:
        code = body()
    except PackageError as exc:
        from auditkit.findings import mask_ids_in

        from rich.markup import escape

        _console(stderr=True).print(f"[bold red]无法读取：[/]{escape(mask_ids_in(str(exc)))}")
        if debug:
            traceback.print_exc()
        raise typer.Exit(EXIT_UNREADABLE) from None
    except typer.Exit:
        raise
    except Exception as exc:  # an internal failure: say so plainly, keep the trace for --debug
        _console(stderr=True).print(
            f"[bold red]内部错误：[/]{type(exc).__name__}。请使用 --debug 重新运行并将输出报告开发人员。")
        if debug:
            traceback.print_exc()
        raise typer.Exit(EXIT_INTERNAL) from None
    raise typer.Exit(code)


@app.command("check", help="审核一个数据包（目录或 .xlsx 工作簿），输出发现的问题和核定结果。")
def check_command(
    package: Annotated[Path, typer.Argument(help="数据包目录或 .xlsx 工作簿")],
    rulebook: Annotated[Path | None, typer.Option("--rulebook", help="叠加在内置规则库之上的规则库文件（TOML）")] = None,
    select: Annotated[list[str] | None, typer.Option("--select", help="只运行这些检查（代码或前缀，逗号分隔）")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="不运行这些检查（代码或前缀，逗号分隔）")] = None,
    checks_dir: Annotated[list[Path] | None, typer.Option("--checks-dir", help="加载此目录中的自定义检查模块")] = None,
    output_format: Annotated[Format, typer.Option("--format", help="终端输出格式：text 或 json")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", help="将 JSON 结果写入此文件")] = None,
    reveal_ids: Annotated[bool, typer.Option("--reveal-ids", help="显示完整身份证号（默认脱敏）")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示调试信息")] = False,
) -> None:
    def body() -> int:
        from auditkit.output import dumps, print_summary

        result = run_check(package, rulebook, select, ignore, checks_dir)
        text = dumps(result, reveal_ids)
        if output is not None:
            write_atomically(output, text)
        if output_format is Format.json:
            sys.stdout.write(text)
        else:
            print_summary(result, _console(), reveal_ids)
            if output is not None:
                _console().print(f"JSON 结果已写入 {output}")
        return EXIT_FINDINGS if result.count("error") else EXIT_OK

    _guarded(debug, body)


@app.command("checks", help="列出全部检查：代码、名称、依据和所需的表。")
def checks_command(
    checks_dir: Annotated[list[Path] | None, typer.Option("--checks-dir", help="同时列出此目录中的自定义检查")] = None,
    debug: Annotated[bool, typer.Option("--debug")] = False,
) -> None:
    def body() -> int:
        from rich.markup import escape

        from auditkit.findings import SEVERITY_NAMES
        from auditkit.registry import load_checks

        console = _console()
        for spec in load_checks(checks_dir or []).values():
            draft = "（征求意见稿）" if spec.draft else ""
            console.print(f"[bold]{spec.code}[/bold] {escape(spec.title)}{draft}"
                          f"  [dim]默认级别：{SEVERITY_NAMES[spec.severity]}[/dim]")
            console.print(f"    依据：{escape(spec.cites)}")
            console.print(f"    所需：{escape('、'.join(spec.needs) or '—')}")
        return EXIT_OK

    _guarded(debug, body)


def demo_package() -> Path:
    here = Path(__file__).resolve().parent
    bundled = here / "demo" / "demo-nmg-2023"
    return bundled if bundled.is_dir() else here.parent / "fixtures" / "demo-nmg-2023"


@app.command("demo", help="运行内置示例数据包（内蒙古 2023 年度中央补助资金结算）并显示审核结果。")
def demo_command(debug: Annotated[bool, typer.Option("--debug")] = False) -> None:
    def body() -> int:
        from auditkit.output import print_summary

        package = demo_package()
        _console().print(f"示例数据包：{package}")
        print_summary(run_check(package), _console())
        return EXIT_OK  # the demo succeeds whenever it ran, whatever it found

    _guarded(debug, body)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
