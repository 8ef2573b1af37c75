"""Runs of the web workbench: uploads kept in a private folder, checked in a worker process.

Each run lives in its own folder (mode 0700) under the server's private temporary folder:

    <run>/package/    the uploaded files, or the zip's entries, exactly as sent
    <run>/previous.*  last time's result (JSON, PDF or workbook), when given
    <run>/out/        the outputs: 结果.json, the report as PDF and DOCX, the working papers
    <run>/state.json  written by the worker: state, progress, the outcome or the message

The checking itself is ``auditkit.cli``'s: the same loader, runner and renderers the command
line uses, run in a separate process so that a roster of millions neither blocks the server nor
shares its memory with another run. Runs beyond the cap wait in line.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import stat
import tempfile
import time
import zipfile
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path, PurePosixPath
from typing import Any

PACKAGE, OUT, STATE = "package", "out", "state.json"

# The outputs of a run: (kind, file name offered to the user, media type)
OUTPUTS = {
    "pdf": ("{doc}.pdf", "application/pdf"),
    "docx": ("{doc}.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("工作底稿.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "json": ("结果.json", "application/json"),
}
DOCUMENT_NAMES = {"review": "审核意见", "self-check": "自查报告"}


class UploadRefused(Exception):
    """An upload that is not kept: the message is Chinese and says what to do."""


@dataclass(frozen=True)
class Limits:
    """What one upload may hold. Sizes in bytes."""

    total_bytes: int = 2 * 1024**3  # a roster of tens of millions in CSV is a few GB compressed
    files: int = 200
    zip_entries: int = 10_000
    zip_expanded_bytes: int = 8 * 1024**3


@dataclass
class Run:
    id: str
    folder: Path
    mode: str
    reveal_ids: bool
    created: float = field(default_factory=time.time)
    future: Future | None = None
    upload_names: list[str] = field(default_factory=list)

    def state(self) -> dict[str, Any]:
        """What the worker last said; 'queued' until it starts."""
        try:
            return json.loads((self.folder / STATE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"state": "queued"}


# --- uploads -------------------------------------------------------------------------------------

def _safe_name(name: str) -> str:
    """A file name as sent, without any folder part: a browser sends a bare name, but a crafted
    request may not."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if base in ("", ".", "..") or "\x00" in base:
        raise UploadRefused(f"上传文件名“{name}”无效，请重命名后再上传")
    return base


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its maker wrote it. Without the UTF-8 flag (bit 11) Python reads the
    name as code page 437; a zip made by Chinese Windows wrote it in GBK, so the bytes are read
    back and decoded as UTF-8 if they are that (macOS), else as GB18030."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _member_path(name: str) -> PurePosixPath:
    """The entry's relative path, or UploadRefused for an absolute path or a ``..``."""
    unified = name.replace("\\", "/")
    path = PurePosixPath(unified)
    if unified.startswith("/") or (len(unified) > 1 and unified[1] == ":") or ".." in path.parts:
        raise UploadRefused(f"压缩包中的条目“{name}”指向压缩包以外的位置，已拒绝；请只压缩数据包目录本身后重新上传")
    return path


def extract_zip(source: Path, target: Path, limits: Limits) -> list[str]:
    """Extract a package zip into ``target``, refusing what could escape it or fill the disk.

    Refused (UploadRefused): an entry with an absolute path or ``..``, a symbolic link, more than
    ``limits.zip_entries`` entries, more than ``limits.zip_expanded_bytes`` once expanded (counted
    while writing, not from the sizes the zip declares). Returns the names extracted.
    """
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise UploadRefused(f"“{source.name}”不是有效的 zip 压缩包，请重新压缩后上传") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.zip_entries:
            raise UploadRefused(f"压缩包含 {len(entries):,} 个条目，超过上限 {limits.zip_entries:,} 个")
        planned = []
        for info in entries:
            name = zip_member_name(info)
            relative = _member_path(name)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise UploadRefused(f"压缩包中的条目“{name}”是链接，已拒绝；请压缩文件本身")
            planned.append((info, relative))
        written = 0
        names = []
        for info, relative in planned:
            destination = target.joinpath(*relative.parts)
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as reader, open(destination, "xb") as out:
                while chunk := reader.read(1 << 20):
                    written += len(chunk)
                    if written > limits.zip_expanded_bytes:
                        raise UploadRefused(f"压缩包解压后超过 {limits.zip_expanded_bytes // 1024**3} GB 上限，已拒绝")
                    out.write(chunk)
            names.append(str(relative))
    return names


def find_package(folder: Path) -> Path:
    """The package among the uploaded files: a folder holding submission.toml (the upload's
    root, or the one folder a zip wraps it in), or a single workbook. UploadRefused otherwise."""
    manifests = sorted(folder.rglob("submission.toml"), key=lambda p: len(p.parts))
    if manifests:
        return manifests[0].parent
    workbooks = [p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in (".xlsx", ".xls", ".xlsm")
                 and not p.name.startswith("~$")]
    if len(workbooks) == 1:
        return workbooks[0]
    if not workbooks:
        raise UploadRefused("上传的文件中没有数据包：应为含 submission.toml 清单的数据包文件（可压缩为 .zip），"
                            "或一个含清单工作表的 Excel 工作簿")
    names = "、".join(sorted(p.name for p in workbooks))
    raise UploadRefused(f"上传了多个工作簿（{names}）但没有 submission.toml 清单，无法判断哪个是数据包；"
                        "请一并上传清单，或只上传含清单工作表的那一个工作簿")


# --- the worker ----------------------------------------------------------------------------------

def _write_state(folder: Path, state: dict[str, Any]) -> None:
    temporary = folder / f".{STATE}.{os.getpid()}"
    temporary.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, folder / STATE)


def _leave_only_state(folder: Path) -> None:
    """A failed run keeps nothing but its message."""
    for path in folder.iterdir():
        if path.name != STATE:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def execute(folder: str, package: str, mode: str, reveal_ids: bool, previous: str | None) -> None:
    """Check one package in this (worker) process and write every output into ``<run>/out``.

    Writes state.json as it goes: running with the roster's progress, then done (with the
    result's summary) or failed (with the Chinese message). Never raises: a failure is a state.
    """
    from auditkit.cli import _check_report_suffix, _documents, _tracking, run_check
    from auditkit.errors import PackageError
    from auditkit.findings import mask_ids_in
    from auditkit.output import dumps

    run_folder = Path(folder)
    started = time.time()

    def progress(description: str, done: int, total: int) -> None:
        _write_state(run_folder, {"state": "running", "step": f"参保人员名册：{description}",
                                  "done": done, "total": total, "started": started})

    _write_state(run_folder, {"state": "running", "step": "读取数据包并运行检查", "started": started})
    try:
        result = run_check(Path(package), options={"reveal_ids": reveal_ids, "progress": progress})
        _write_state(run_folder, {"state": "running", "step": "生成审核文书和工作底稿", "started": started})
        tracking = _tracking(result, Path(previous)) if previous else None
        out = run_folder / OUT
        out.mkdir(exist_ok=True)
        text = dumps(result, reveal_ids, tracking)
        staged = {out / "result.json": text}
        document = DOCUMENT_NAMES[mode]
        # the report as PDF and Word and the working papers, each carrying the JSON (--previous)
        for report, xlsx in ((out / f"{document}.pdf", out / "工作底稿.xlsx"), (out / f"{document}.docx", None)):
            _check_report_suffix(report)
            for path, data in _documents(result, text, report, xlsx, mode, tracking, None, reveal_ids, []).items():
                staged[Path(path)] = data
        for path, data in staged.items():
            path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        _write_state(run_folder, {"state": "done", "started": started, "seconds": round(time.time() - started, 1)})
    except PackageError as exc:
        _leave_only_state(run_folder)
        problems = getattr(exc, "problems", None) or [exc]
        messages = [mask_ids_in(str(problem)) if not reveal_ids else str(problem) for problem in problems]
        _write_state(run_folder, {"state": "failed", "kind": "unreadable", "messages": messages})
    except Exception as exc:  # noqa: BLE001 - an internal failure is reported, never shown as a trace
        _leave_only_state(run_folder)
        _write_state(run_folder, {"state": "failed", "kind": "internal",
                                  "messages": [f"内部错误：{type(exc).__name__}。请在命令行以 --debug 重新运行并将输出报告开发人员。"]})


# --- the store -----------------------------------------------------------------------------------

class RunStore:
    """Every run of this server: its private folder, its place in line, its expiry.

    ``max_runs`` runs are checked at once, each in its own worker process; the rest wait in
    line. A run's folder is removed ``lifetime`` seconds after it was made, and every folder at
    shutdown (``close``).
    """

    def __init__(self, max_runs: int = 1, lifetime: float = 2 * 3600, limits: Limits | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="auditkit-web-"))
        os.chmod(self.root, 0o700)
        self.max_runs = max_runs
        self.lifetime = lifetime
        self.limits = limits or Limits()
        self.runs: dict[str, Run] = {}
        self._pool = ProcessPoolExecutor(max_workers=max_runs, mp_context=get_context("spawn"))

    def new(self, mode: str, reveal_ids: bool) -> Run:
        run_id = secrets.token_urlsafe(24)
        folder = self.root / run_id
        folder.mkdir(mode=0o700)
        (folder / PACKAGE).mkdir()
        run = Run(run_id, folder, mode, reveal_ids)
        self.runs[run_id] = run
        return run

    def get(self, run_id: str) -> Run | None:
        run = self.runs.get(run_id)
        if run is not None and time.time() - run.created > self.lifetime:
            self.discard(run_id)
            return None
        return run

    def start(self, run: Run, package: Path, previous: Path | None) -> None:
        run.future = self._pool.submit(execute, str(run.folder), str(package), run.mode, run.reveal_ids,
                                       str(previous) if previous else None)

    def position(self, run: Run) -> int:
        """How many runs wait in line before this one (0 when it is running or done)."""
        if run.state()["state"] != "queued":
            return 0
        ahead = [r for r in self.runs.values() if r.created < run.created and r.state()["state"] in ("queued",)]
        running = sum(1 for r in self.runs.values() if r.state()["state"] == "running")
        return len(ahead) + max(0, running - self.max_runs + 1)

    def discard(self, run_id: str) -> None:
        run = self.runs.pop(run_id, None)
        if run is not None:
            if run.future is not None:
                run.future.cancel()
            shutil.rmtree(run.folder, ignore_errors=True)

    def expire(self) -> None:
        now = time.time()
        for run_id in [r.id for r in self.runs.values() if now - r.created > self.lifetime]:
            self.discard(run_id)

    def fail(self, run: Run, messages: list[str]) -> None:
        """A run refused before it started: only its message remains."""
        _leave_only_state(run.folder)
        _write_state(run.folder, {"state": "failed", "kind": "refused", "messages": messages})

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self.root, ignore_errors=True)
        self.runs.clear()
