"""The command line's own words in Chinese: help pages and the argument parser's errors.

typer carries its own copy of click, whose help ("Usage:", "Show this message and exit.") and
errors ("Missing argument", "Invalid value for '--mode'", "No such option") are English text
written into the code. ``ChineseGroup`` and ``ChineseCommand`` render every help page here, and
``ChineseGroup.main`` catches the parser's exceptions and says what went wrong and what to type
instead; the exit codes stay click's (2 for a usage error).
"""

from __future__ import annotations

import enum
import re
import sys
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from typer._click.exceptions import (BadArgumentUsage, BadOptionUsage, BadParameter, MissingParameter,
                                     NoArgsIsHelpError, NoSuchOption, UsageError)
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import Abort

HELP_OPTION = "显示本帮助并退出"
_METAVARS = {"DIR": "目录"}


def _annotation(param) -> Any:
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    if typing.get_origin(annotation) in (list, tuple, Sequence):
        annotation = typing.get_args(annotation)[0]
    return annotation


def _is_flag(param) -> bool:
    return bool(getattr(param, "is_flag", False))


def metavar(param) -> str:
    """What a parameter's value is, in the words of the help page: 路径, 整数, text|json."""
    if param.metavar:
        return _METAVARS.get(param.metavar, param.metavar)
    annotation = _annotation(param)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "|".join(str(member.value) for member in annotation)
    if annotation is Path:
        return "路径"
    if annotation is int:
        return "整数"
    return "文字"


def _name(param) -> str:
    """An option by its flags, an argument by its Chinese metavar."""
    if param.param_type_name == "argument":
        return metavar(param)
    return ", ".join(sorted([*param.opts, *param.secondary_opts], key=len))  # -h before --help


def _details(param) -> str:
    notes = []
    if param.required:
        notes.append("必填")
    default = getattr(param.default, "value", param.default)
    if not _is_flag(param) and default not in (None, (), []) and param.param_type_name == "option":
        notes.append(f"默认：{default}")
    if getattr(param, "min", None) is not None:
        notes.append(f"不小于 {param.min}")
    if param.multiple:
        notes.append("可多次使用")
    if param.envvar:
        notes.append(f"也可用环境变量 {param.envvar}")
    return f"（{'；'.join(notes)}）" if notes else ""


def _rows(rows: list[tuple[str, str]]) -> list[str]:
    """Two columns aligned by display width (a Chinese character is two columns wide)."""
    width = min(max((cell_len(left) for left, _ in rows), default=0), 30)
    lines = []
    for left, right in rows:
        pad = width - cell_len(left)
        if pad < 0:
            lines += [f"  {left}", f"  {' ' * width}  {right}"]
        else:
            lines.append(f"  {left}{' ' * pad}  {right}")
    return lines


def usage(ctx) -> str:
    command = ctx.command
    if isinstance(command, TyperGroup):
        return f"用法：{ctx.command_path} [选项] 命令 [参数]…"
    arguments = [metavar(p) if p.required else f"[{metavar(p)}]"
                 for p in command.get_params(ctx) if p.param_type_name == "argument"]
    return f"用法：{ctx.command_path} [选项] {' '.join(arguments)}".rstrip()


def help_text(ctx) -> str:
    """A command's or the group's help page, in Chinese."""
    command = ctx.command
    lines = [usage(ctx), ""]
    if command.help:
        lines += [f"  {command.help.strip()}", ""]
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [(metavar(p), (p.help or "") + _details(p)) for p in params if p.param_type_name == "argument"]
    if arguments:
        lines += ["参数：", *_rows(arguments), ""]
    if isinstance(command, TyperGroup):
        commands = [(name, (sub.short_help or sub.help or "").strip())
                    for name, sub in command.commands.items() if not sub.hidden]
        lines += ["命令：", *_rows(commands), ""]
    options = []
    for p in params:
        if p.param_type_name != "option":
            continue
        names = _name(p)
        if p.name == "help":
            options.append((names, HELP_OPTION))
        else:
            options.append((names if _is_flag(p) else f"{names} {metavar(p)}", (p.help or "") + _details(p)))
    lines += ["选项：", *_rows(options)]
    if isinstance(command, TyperGroup):
        lines += ["", f"各命令的用法：{ctx.command_path} 命令 --help"]
    return "\n".join(lines) + "\n"


def _value_in(args: list[str], param) -> str | None:
    """The value the user gave an option: '--mode foo' or '--mode=foo'."""
    for index, arg in enumerate(args):
        for option in param.opts:
            if arg == option and index + 1 < len(args):
                return args[index + 1]
            if arg.startswith(option + "="):
                return arg[len(option) + 1:]
    return None


def _expected(param) -> str:
    annotation = _annotation(param)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return f"应为 {'、'.join(str(m.value) for m in annotation)} 之一"
    if annotation is int:
        low = getattr(param, "min", None)
        return f"应为不小于 {low} 的整数" if low is not None else "应为整数"
    if annotation is Path:
        return "应为文件或目录的路径"
    return "取值不符合要求"


def _commands(ctx) -> str:
    group = ctx.command if isinstance(ctx.command, TyperGroup) else None
    return "、".join(group.commands) if group else ""


def error_text(exc: UsageError, args: list[str]) -> str:
    """The parser's error in Chinese: what was wrong and what to write instead."""
    if isinstance(exc, MissingParameter) and exc.param is not None:
        kind = "参数" if exc.param.param_type_name == "argument" else "选项"
        what = f"（{exc.param.help}）" if exc.param.help else ""
        return f"缺少{kind}“{_name(exc.param)}”{what}"
    if isinstance(exc, BadParameter) and exc.param is not None:
        value = _value_in(args, exc.param)
        given = f"的值“{value}”" if value is not None else "的值"
        return f"{_name(exc.param)} {given}无效：{_expected(exc.param)}"
    if isinstance(exc, NoSuchOption):
        hint = f"；是否要用 {'、'.join(sorted(exc.possibilities))}？" if exc.possibilities else ""
        return f"没有选项 {exc.option_name}{hint}"
    if isinstance(exc, BadOptionUsage):
        if "requires" in exc.message:
            return f"选项 {exc.option_name} 后面应写一个值"
        if "does not take a value" in exc.message:
            return f"选项 {exc.option_name} 不带值，只写 {exc.option_name} 即可"
        return f"选项 {exc.option_name} 的用法有误"
    if isinstance(exc, BadArgumentUsage):
        return "参数的个数不对"
    message = exc.message
    if found := re.match(r"No such command '(.*?)'", message):
        return f"没有命令“{found.group(1)}”；可用的命令：{_commands(exc.ctx)}" if exc.ctx else f"没有命令“{found.group(1)}”"
    if message.startswith("Missing command"):
        return f"缺少命令；可用的命令：{_commands(exc.ctx)}" if exc.ctx else "缺少命令"
    if found := re.match(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)", message):
        return f"多余的参数：{found.group(1)}（路径中有空格的，请用引号括起）"
    return "命令行写法有误"


def _stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


class ChineseCommand(TyperCommand):
    def format_help(self, ctx, formatter) -> None:
        formatter.write(help_text(ctx))


class ChineseGroup(TyperGroup):
    """The command group: Chinese help, and the parser's errors caught and said in Chinese."""

    def format_help(self, ctx, formatter) -> None:
        formatter.write(help_text(ctx))

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        args = list(sys.argv[1:] if args is None else args)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            sys.stdout.write(help_text(exc.ctx))
            sys.exit(0)
        except UsageError as exc:
            console = _stderr()
            if exc.ctx is not None:
                console.print(escape(usage(exc.ctx)))
            console.print(f"[bold red]命令行有误：[/]{escape(error_text(exc, args))}")
            if exc.ctx is not None:
                console.print(escape(f"运行 {exc.ctx.command_path} --help 查看用法。"))
            sys.exit(exc.exit_code)
        except Abort:
            _stderr().print("已中止。")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)
