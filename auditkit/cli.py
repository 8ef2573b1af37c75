"""The command line: ``auditkit check``, ``auditkit checks``, ``auditkit demo``.

Exit codes: 0 no error findings; 1 error findings; 2 the package (or a rulebook, or an option)
could not be read, with a Chinese message; 3 an internal failure. No traceback reaches the user
unless ``--debug``.
"""

from __future__ import annotations

import errno
import os
import sys
import tempfile
import traceback
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from auditkit.cli_text import ChineseCommand, ChineseGroup
from auditkit.errors import PackageError

app = typer.Typer(cls=ChineseGroup, add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  context_settings={"help_option_names": ["-h", "--help"]},
                  help="auditkit：城乡居民医保等补助资金结算审核工具")

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3


class Format(str, Enum):
    text = "text"
    json = "json"


class Mode(str, Enum):
    review = "review"
    self_check = "self-check"


def _console(stderr: bool = False) -> Console:
    """Rich never wraps: ``auditkit.output.print_wrapped`` breaks a line for a terminal where a
    Chinese line may break (never inside a number or after a bracket), and a pipe or a file gets
    each line whole."""
    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def _say(text: str, console: Console | None = None) -> None:
    """A line of plain text (a path may hold brackets: no markup is read from it)."""
    from rich.markup import escape

    from auditkit.output import print_wrapped

    print_wrapped(console or _console(), escape(text))


_WRITE_ERRORS = {errno.ENOENT: "目录不存在", errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限",
                 errno.EROFS: "文件系统只读", errno.ENOSPC: "磁盘空间不足", errno.ENOTDIR: "路径中有同名文件",
                 errno.EEXIST: "路径中有同名文件"}


def write_atomically(path: Path, data: str | bytes) -> None:
    """Write a whole output or nothing: a temporary file in the same folder, renamed into place."""
    write_all_atomically({Path(path): data})


def _staged(path: Path, data: str | bytes) -> str:
    """The output written whole to a temporary file beside its target; its name."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:  # a folder that cannot be made or written: the user's to fix
        reason = _WRITE_ERRORS.get(exc.errno, exc.strerror or str(exc))
        raise PackageError(f"无法写入文件（{reason}）", file=str(path)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # mkstemp's 0600 would hide a report from colleagues
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return temporary


def write_all_atomically(outputs: dict[Path, str | bytes]) -> None:
    """Write every output of a run or none: each is staged in a temporary file first, and only
    when all are staged are they renamed into place, so a report that cannot be written leaves
    the JSON beside it as it was."""
    staged: dict[Path, str] = {}
    try:
        for path, data in outputs.items():
            staged[Path(path)] = _staged(Path(path), data)
        for path, temporary in staged.items():
            os.replace(temporary, path)
    finally:
        for temporary in staged.values():
            Path(temporary).unlink(missing_ok=True)


def _split(codes: list[str] | None) -> list[str]:
    return [c for item in codes or [] for c in item.split(",") if c.strip()]


def run_check(package: Path, rulebook: Path | None = None, select: list[str] | None = None,
              ignore: list[str] | None = None, checks_dir: list[Path] | None = None,
              options: dict | None = None):
    from auditkit.package import load_package
    from auditkit.registry import load_checks
    from auditkit.registry import select as choose
    from auditkit.rulebook import load_rulebook
    from auditkit.runner import run

    specs = load_checks(checks_dir or [])
    sub = load_package(package)
    sub.options.update(options or {})  # engine, spark_remote, buckets, reveal_ids, progress
    rules = load_rulebook(sub.manifest.jurisdiction, rulebook)
    return run(sub, rules, list(choose(specs, _split(select), _split(ignore))))


class Engine(str, Enum):
    polars = "polars"
    duckdb = "duckdb"
    spark = "spark"


class _RosterProgress:
    """A progress bar on stderr for the roster's long steps (the enrollment engine reports
    through ``sub.options["progress"]``); nothing is shown for packages without a roster."""

    def __init__(self) -> None:
        self.bar = None
        self.task = None

    def __call__(self, description: str, done: int, total: int) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        if self.bar is None:
            self.bar = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                                console=_console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(description, total=total)
        self.bar.update(self.task, description=f"参保人员名册：{description}", completed=done, total=total)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None


def _guarded(debug: bool, body) -> None:
    """Run a command body and turn failures into exit codes and Chinese messages."""
    try:
        code = body()
    except PackageError as exc:
        from auditkit.findings import mask_ids_in

        from rich.markup import escape

        prefix = "无法读取" if exc.file else "无法执行"  # a package's file, or an option
        # soft wrap: a message captured in a log or a pipe keeps its words and file names whole
        Console(stderr=True, highlight=False, soft_wrap=True).print(
            f"[bold red]{prefix}：[/]{escape(mask_ids_in(str(exc)))}")
        if debug:  # the trace repeats the message: it is masked too
            sys.stderr.write(mask_ids_in(traceback.format_exc()))
        raise typer.Exit(EXIT_UNREADABLE) from None
    except typer.Exit:
        raise
    except Exception as exc:  # an internal failure: say so plainly, keep the trace for --debug
        _console(stderr=True).print(
            f"[bold red]内部错误：[/]{type(exc).__name__}。请使用 --debug 重新运行并将输出报告开发人员。")
        if debug:
            from auditkit.findings import mask_ids_in

            sys.stderr.write(mask_ids_in(traceback.format_exc()))
        raise typer.Exit(EXIT_INTERNAL) from None
    raise typer.Exit(code)


@app.command("check", cls=ChineseCommand, help="审核一个数据包（目录或 .xlsx 工作簿），输出发现的问题和核定结果。")
def check_command(
    package: Annotated[Path, typer.Argument(metavar="数据包", help="数据包目录或 .xlsx 工作簿")],
    rulebook: Annotated[Path | None, typer.Option("--rulebook", metavar="文件", help="叠加在内置规则库之上的规则库文件（TOML）")] = None,
    select: Annotated[list[str] | None, typer.Option("--select", metavar="代码", help="只运行这些检查（代码或前缀，逗号分隔）")] = None,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", metavar="代码", help="不运行这些检查（代码或前缀，逗号分隔）")] = None,
    checks_dir: Annotated[list[Path] | None, typer.Option("--checks-dir", metavar="目录", help="加载此目录中的自定义检查模块")] = None,
    output_format: Annotated[Format, typer.Option("--format", help="终端输出格式：text 或 json")] = Format.text,
    output: Annotated[Path | None, typer.Option("--output", metavar="文件", help="将 JSON 结果写入此文件")] = None,
    reveal_ids: Annotated[bool, typer.Option("--reveal-ids", help="显示完整身份证号（默认脱敏）")] = False,
    report: Annotated[Path | None, typer.Option("--report", metavar="文件", help="写出审核意见或自查报告（.pdf、.docx 或 .html）")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", metavar="文件", help="写出审核工作底稿（Excel）")] = None,
    mode: Annotated[Mode, typer.Option("--mode", help="文书类型：review（审核意见）或 self-check（自查报告）")] = Mode.review,
    previous: Annotated[Path | None, typer.Option("--previous", metavar="文件", help="上次审核结果，用于跟踪整改情况：上次写出的 JSON、审核意见（PDF、HTML）或工作底稿（.xlsx）")] = None,
    date: Annotated[str | None, typer.Option("--date", metavar="YYYY-MM-DD", help="成文日期（默认今天）")] = None,
    font_dir: Annotated[list[Path] | None, typer.Option("--font-dir", metavar="DIR", help="另加字体目录（如仿宋_GB2312、方正小标宋简体）")] = None,
    engine: Annotated[Engine, typer.Option("--engine", help="名册计算引擎：polars（默认，流式）、duckdb 或 spark")] = Engine.polars,
    spark_remote: Annotated[str | None, typer.Option("--spark-remote", envvar="SPARK_REMOTE",
                                                     help="Spark Connect 地址（默认取环境变量 SPARK_REMOTE；均无则在本机启动 Spark）")] = None,
    buckets: Annotated[int | None, typer.Option("--buckets", min=1, help="名册按身份证号散列分桶处理的桶数（默认按可用内存自动确定）")] = None,
    doc_number: Annotated[str | None, typer.Option("--doc-number", metavar="文号", help="发文字号，如“内财监函〔2024〕12号”（不给则留空待填）")] = None,
    contact: Annotated[str | None, typer.Option("--contact", metavar="姓名", help="附注中的联系人（不给则留空待填）")] = None,
    phone: Annotated[str | None, typer.Option("--phone", metavar="电话", help="附注中的联系电话（不给则留空待填）")] = None,
    cc: Annotated[list[str] | None, typer.Option("--cc", metavar="机关", help="抄送机关，可多次给出或以顿号分隔（不给则留空待填）")] = None,
    prior_year: Annotated[Path | None, typer.Option("--prior-year", help="上年审核结果（JSON，或附带结果的审核意见 PDF、工作底稿），用于与上年对比（YY001）")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示调试信息")] = False,
) -> None:
    def body() -> int:
        from auditkit.output import dumps, print_summary
        from auditkit.package import split_recipients
        from auditkit.report.document import Signer

        issued = _parse_date(date)
        _check_report_suffix(report)
        progress = _RosterProgress()
        options = {"engine": engine.value, "spark_remote": spark_remote, "buckets": buckets,
                   "reveal_ids": reveal_ids, "progress": progress, "prior_year": prior_year}
        try:
            result = run_check(package, rulebook, select, ignore, checks_dir, options)
        finally:
            progress.close()
        tracking = _tracking(result, previous)
        text = dumps(result, reveal_ids, tracking)
        signer = Signer((doc_number or "").strip(), (contact or "").strip(), (phone or "").strip(),
                        tuple(name for item in cc or [] for name in split_recipients(item)))
        documents = _documents(result, text, report, xlsx, mode.value, tracking, issued, reveal_ids, font_dir or [], signer)
        write_all_atomically({**({output: text} if output is not None else {}), **documents})
        if output_format is Format.json:
            sys.stdout.write(text)
        else:
            print_summary(result, _console(), reveal_ids)
            if tracking is not None:
                counts = tracking.counts
                _say(f"整改跟踪（对照 {previous}）：新发现 {counts['新发现']} 项，"
                     f"仍未整改 {counts['仍未整改']} 项，已整改 {counts['已整改']} 项。")
            if output is not None:
                _say(f"JSON 结果已写入 {output}")
            for path in documents:
                _say(f"已写入 {path}")
        return EXIT_FINDINGS if result.count("error") else EXIT_OK

    _guarded(debug, body)


def _parse_date(text: str | None):
    """--date YYYY-MM-DD, or None for today."""
    import datetime as dt

    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise PackageError(f"--date 应为 YYYY-MM-DD 格式的日期，如 2024-02-18，现为“{text}”") from None


def _check_report_suffix(report: Path | None) -> None:
    if report is not None and report.suffix.lower() not in (".pdf", ".docx", ".html", ".htm"):
        raise PackageError("--report 的文件名应以 .pdf、.docx 或 .html 结尾", file=str(report))


def _tracking(result, previous: Path | None):
    if previous is None:
        return None
    from auditkit.report.tracking import load_previous, track

    return track(result.findings, load_previous(previous), Path(previous).name)


def _documents(result, text: str, report: Path | None, xlsx: Path | None, mode: str, tracking, issued,
               reveal_ids: bool, font_dirs: list[Path], signer=None) -> dict[Path, bytes | str]:
    """The review document (PDF, Word or HTML) and the working papers, rendered in memory first
    so that a failure leaves no file half written; the PDF, HTML and workbook carry ``text``, the
    run's JSON, for a later ``--previous``."""
    documents: dict[Path, bytes | str] = {}
    if report is None and xlsx is None:
        return documents
    from auditkit.report import ReportOptions, Signer, build, render_docx, render_html, render_pdf, workbook_bytes

    if report is not None:
        context = build(result, ReportOptions(mode=mode, date=issued, reveal_ids=reveal_ids, tracking=tracking,
                                              signer=signer or Signer()))
        suffix = report.suffix.lower()
        if suffix == ".docx":
            documents[report] = render_docx(context)
        else:
            documents[report] = (render_pdf if suffix == ".pdf" else render_html)(context, font_dirs, text)
    if xlsx is not None:
        documents[xlsx] = workbook_bytes(result, tracking, reveal_ids, text)
    return documents


@app.command("checks", cls=ChineseCommand, help="列出全部检查：代码、名称、依据和所需的表。")
def checks_command(
    checks_dir: Annotated[list[Path] | None, typer.Option("--checks-dir", metavar="目录", help="同时列出此目录中的自定义检查")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示调试信息")] = False,
) -> None:
    def body() -> int:
        from rich.markup import escape

        from auditkit.findings import SEVERITY_NAMES
        from auditkit.output import print_wrapped
        from auditkit.registry import load_checks

        console = _console()
        for spec in load_checks(checks_dir or []).values():
            draft = "（征求意见稿）" if spec.draft else ""
            print_wrapped(console, f"[bold]{spec.code}[/bold] {escape(spec.title)}{draft}"
                          f"  [dim]默认级别：{SEVERITY_NAMES[spec.severity]}[/dim]")
            print_wrapped(console, f"    依据：{escape(spec.cites)}", indent=6)
            print_wrapped(console, f"    所需：{escape('、'.join(spec.needs) or '—')}", indent=6)
        return EXIT_OK

    _guarded(debug, body)


def demo_package() -> Path:
    here = Path(__file__).resolve().parent
    bundled = here / "demo" / "demo-nmg-2025"
    return bundled if bundled.is_dir() else here.parent / "fixtures" / "demo-nmg-2025"


DEMO_REPORT = "auditkit-demo-审核意见.pdf"


@app.command("demo", cls=ChineseCommand, help="运行内置示例数据包（内蒙古 2025 年度中央补助资金结算，2026 年审核），显示审核结果并写出审核意见 PDF 和 Word 文档。")
def demo_command(
    output_dir: Annotated[Path, typer.Option("--output-dir", metavar="目录", help="审核意见 PDF 和 Word 文档的写出目录（默认当前目录）")] = Path("."),
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示调试信息")] = False,
) -> None:
    def body() -> int:
        from auditkit.output import dumps, print_summary

        package = demo_package()
        _say(f"示例数据包：{package}")
        result = run_check(package)
        print_summary(result, _console())
        path = output_dir / DEMO_REPORT
        word = path.with_suffix(".docx")
        documents = {**_documents(result, dumps(result), path, None, "review", None, None, False, []),
                     **_documents(result, dumps(result), word, None, "review", None, None, False, [])}
        write_all_atomically(documents)
        _say(f"示例审核意见（PDF）已写入 {path.resolve()}")
        _say(f"示例审核意见（Word）已写入 {word.resolve()}")
        return EXIT_OK  # the demo succeeds whenever it ran, whatever it found

    _guarded(debug, body)


@app.command("template", cls=ChineseCommand, help="写出一个空白数据包：一个 Excel 工作簿，含清单、填表说明、中文表头、单位行、下拉列表和数据校验，填好后即可审核。")
def template_command(
    program: Annotated[str, typer.Argument(metavar="项目类型", help="resident-subsidy、medical-assistance、pooling 或 contributions")],
    folder: Annotated[Path, typer.Argument(metavar="目录", help="写出数据包的目录")],
    jurisdiction: Annotated[str, typer.Option("--jurisdiction", metavar="代码", help="管辖区规则库代码")] = "nmg",
    area: Annotated[str | None, typer.Option("--area", metavar="盟市", help="盟市自查所辖旗县区时写明本盟市，如 包头市：地区列的下拉列表列出其旗县区；不写的为全区（各盟市）")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示调试信息")] = False,
) -> None:
    def body() -> int:
        from auditkit.blank_package import blank_package

        files = blank_package(program, jurisdiction, area=area)
        existing = [name for name in files if (folder / name).exists()]
        if existing:
            raise PackageError(f"目录中已有 {'、'.join(existing)}，不覆盖", file=str(folder))
        write_all_atomically({folder / name: data for name, data in files.items()})
        for name in files:
            _say(f"空白数据包已写入 {folder / name}：按“填表说明”工作表填写后，"
                 f"运行 auditkit check {folder / name} 即可审核。")
        return EXIT_OK

    _guarded(debug, body)


@app.command("serve", help="在本机启动审核工作台（网页），在浏览器中上传数据包、查看结果、下载审核文书。")
def serve_command(
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="端口（默认自动选择空闲端口）")] = 0,
    host: Annotated[str, typer.Option("--host", help="监听地址（默认 127.0.0.1，仅本机可访问；其他地址需使用访问令牌）")] = "127.0.0.1",
    no_browser: Annotated[bool, typer.Option("--no-browser", help="不自动打开浏览器")] = False,
    max_runs: Annotated[int, typer.Option("--max-runs", min=1, help="同时进行的审核任务数（其余排队，默认 1）")] = 1,
    keep_hours: Annotated[float, typer.Option("--keep-hours", min=0.05, help="上传文件和结果的保留时间（小时，默认 2）")] = 2.0,
    debug: Annotated[bool, typer.Option("--debug")] = False,
) -> None:
    def body() -> int:
        from auditkit.web import serve

        try:
            serve(host, port, not no_browser, max_runs, keep_hours, say=_console().print)
        except OSError as exc:
            raise PackageError(f"无法在 {host}:{port} 启动服务（{exc.strerror or exc}）；请换一个端口（--port）") from None
        return EXIT_OK

    _guarded(debug, body)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
