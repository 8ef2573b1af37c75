"""The web workbench: a Starlette app that runs on the user's own machine.

Pages (Chinese): ``/`` start (mode, package upload or the demo, blank templates); ``/runs/{id}``
the run — its place in line and progress while it runs, then the result (summary, findings by
family and region with filters, each with its rule, citation, calculation and evidence; the
核定结果; the checks not run) and the downloads; or the message naming file, sheet, row and
column. ``/runs/{id}/status`` is the progress as JSON for the page's script.

Safety on a shared office machine (see ``Guard``): only the server's own Host and Origin; an
access token when listening beyond loopback; uploads written only into the run's private folder,
within ``Limits``; a run seen only through its unguessable id; ID numbers masked unless the run
asked otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import secrets
import shutil
import zipfile
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from python_multipart import create_form_parser
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from auditkit.web.runs import DOCUMENT_NAMES, OUT, PACKAGE, Limits, RunStore, UploadRefused, extract_zip, find_package

HERE = Path(__file__).resolve().parent
LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
TOKEN_COOKIE = "auditkit_token"
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}


def _templates() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html", "j2"]))
    env.filters["money"] = lambda v: "—" if v is None else f"{Decimal(str(v)):,.2f}"
    env.filters["wan"] = lambda v: "—" if v is None else f"{Decimal(str(v)) / 10000:,.2f}"
    env.filters["count"] = lambda v: "—" if v is None else f"{int(v):,}"
    env.filters["pct"] = _percent
    env.filters["figures"] = lambda figures: _figures(figures)
    return env


def _percent(value) -> str:
    from auditkit.money import percent

    return "—" if value is None else percent(Decimal(str(value)))


class Guard:
    """Refuses requests that are not the local user's own (pure ASGI middleware).

    - Host must be the address the server listens on (loopback names when it listens on
      loopback): a page elsewhere cannot reach it through DNS rebinding.
    - Origin, when a browser sends one, must be this server; a cross-site fetch is refused.
    - Listening beyond loopback requires ``token``: given once as ``?token=`` (then kept in a
      same-site cookie) or as that cookie.
    """

    def __init__(self, app, port: int, host: str, token: str | None) -> None:
        self.app, self.port, self.host, self.token = app, port, host, token

    def _host_ok(self, value: str) -> bool:
        name = value.rsplit(":", 1)[0] if not value.endswith("]") else value
        port = value.rsplit(":", 1)[1] if ":" in value and not value.endswith("]") else None
        if port is not None and port != str(self.port):
            return False
        if self.token is None:
            return name in LOOPBACK
        return True  # beyond loopback the token, not the name, decides

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        host = request.headers.get("host", "")
        if not self._host_ok(host):
            return await _refuse(403, "请求的主机名不是本机服务的地址，已拒绝。请用启动时显示的地址访问。")(scope, receive, send)
        origin = request.headers.get("origin")
        if origin and origin != "null" and urlsplit(origin).netloc != host:
            return await _refuse(403, "请求来自其他网站，已拒绝。请直接在本工具页面上操作。")(scope, receive, send)
        if request.headers.get("sec-fetch-site") == "cross-site":
            return await _refuse(403, "请求来自其他网站，已拒绝。请直接在本工具页面上操作。")(scope, receive, send)
        if self.token is not None:
            given = request.query_params.get("token")
            if given is not None and secrets.compare_digest(given, self.token):
                response = RedirectResponse(request.url.remove_query_params("token"), status_code=303)
                response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
                return await response(scope, receive, send)
            cookie = request.cookies.get(TOKEN_COOKIE, "")
            if not secrets.compare_digest(cookie, self.token):
                return await _refuse(401, "需要访问令牌：请使用服务启动时显示的完整地址（含 token）打开本页。")(scope, receive, send)
        return await self.app(scope, receive, send)


def _refuse(status: int, message: str) -> Response:
    page = _templates().get_template("message.html.j2").render(title="无法访问", messages=[message])
    return HTMLResponse(page, status_code=status)


# --- result page helpers -------------------------------------------------------------------------

def _view(result: dict) -> dict:
    """What the result page shows, grouped as a review groups it."""
    from auditkit.programs import family_of

    families: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for finding in result["findings"]:
        families[family_of(finding["code"])].append(finding)
    ordered = [(heading, items) for (_, heading), items in sorted(families.items())]
    from auditkit.stake import at_stake

    # each yuan once, as the review counts it (auditkit.stake): AR001's and DL002's money is one
    money = at_stake(f for f in result["findings"] if f["severity"] != "info")
    skipped: dict[str, list[str]] = defaultdict(list)
    for item in result["skipped"]:
        skipped[item["reason"]].append(item["code"])
    return {
        "assessment": _assessment_rows(result["assessment"]),
        "families": ordered,
        "regions": sorted({f["region"] or "全表" for f in result["findings"]}),
        "severities": Counter(f["severity"] for f in result["findings"]),
        "by_family": [(heading, Counter(f["severity"] for f in items)) for heading, items in ordered],
        "money": money,
        "skipped": sorted(skipped.items(), key=lambda kv: kv[1]),
    }


LABELS = {"enrolled": "参保人数（人）", "entitled": "应补助资金（元）", "preallocated": "已预拨资金（元）",
          "arrival_rate": "到位率", "arrival_deduction": "到位率扣减（元）",
          "over_report_deduction": "多报虚报扣减（元）", "settlement": "结算补助资金（元）",
          "next_preallocated": "下年预拨资金（元）", "fund": "资金", "allocated": "分配资金（元）",
          "need_share": "因素占比", "performance_share": "绩效占比"}


# The calculation behind a finding, as the page names its figures (keys of the JSON's figures)
FIGURES = {"declared": "申报数", "expected": "按规定计算数", "difference": "差额", "rate": "比率",
           "declared_rate": "申报比率", "expected_rate": "按规定计算比率", "records": "记录数",
           "delivered": "实际下达数", "allocated": "分配数", "verified": "经审核认定数", "excluded": "剔除数",
           "due": "应到位数", "window_start": "期间起", "window_end": "期间止", "target": "目标值",
           "actual": "实际值", "actual_rate": "实际比率", "actual_value": "实际值", "start": "起始日",
           "end": "截止日", "source": "来源", "share": "分担比例", "received_on": "收到日期",
           "passed_on": "转下达数", "income": "收入", "expenditure": "支出", "deficit": "缺口",
           "base": "基数", "done_on": "办理日期", "nominal_due": "期限末日", "days_late": "逾期天数",
           "payers": "缴费人数", "payer": "付款层级", "standard": "标准", "prior": "上年数", "current": "本年数",
           "change_rate": "变动幅度", "median_rate": "各地区变动幅度中位数", "chain": "资金链条",
           "tag": "直达资金标识", "doc_no": "文号", "cc": "抄送", "item": "报送事项", "behind": "未按计划支出数",
           "missing": "缺少的材料", "blocked_checks": "因此未运行的检查", "forms": "反馈表", "rows": "行数",
           "untagged_rows": "未带标识的行数", "code": "检查代码", "key": "问题编号", "persons": "人数",
           "amount": "金额", "unit": "单位"}


def _figures(figures: dict) -> list[tuple[str, str]]:
    """(label, value as shown) for each figure of a finding: amounts in 元 with separators,
    rates as percentages, lists joined; keys the page does not know keep their own name."""
    shown = []
    for name, value in figures.items():
        label = FIGURES.get(name, name)
        if isinstance(value, bool) or value is None:
            text = "—" if value is None else ("是" if value else "否")
        elif isinstance(value, (int, float)) and (name.endswith("rate") or name == "share"):
            text = _percent(value)
        elif isinstance(value, float):
            text = f"{Decimal(str(value)):,.2f}"
        elif isinstance(value, int):
            text = f"{value:,}"
        elif isinstance(value, list):
            text = " → ".join(map(str, value)) if name == "chain" else "、".join(map(str, value))
        elif isinstance(value, dict):
            text = "；".join(f"{FIGURES.get(k, k)}：{'、'.join(map(str, v)) if isinstance(v, list) else v}" for k, v in value.items())
        else:
            text = str(value)
        shown.append((label, text))
    return shown


def _cell(name: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if name.endswith("_rate") or name.endswith("_share"):
        return _percent(value)
    if name == "enrolled":
        return f"{int(value):,}"
    return f"{Decimal(str(value)):,.2f}"


def _assessment_rows(rows: list[dict]) -> dict:
    """The 核定结果 as the page shows it: for each region a 申报 and a 核定 line."""
    if not rows:
        return {"columns": [], "rows": []}
    names = [n for n in rows[0] if n not in ("region", "declared", "basis")]
    shown = []
    for row in rows:
        declared = row.get("declared") or {}
        shown.append({"region": row["region"],
                      "declared": [_cell(n, declared.get(n)) for n in names],
                      "verified": [_cell(n, row.get(n)) for n in names]})
    return {"columns": [LABELS.get(n, n) for n in names], "rows": shown}


def create_app(*, port: int = 0, host: str = "127.0.0.1", token: str | None = None,
               max_runs: int = 1, lifetime: float = 2 * 3600, limits: Limits | None = None) -> Starlette:
    """The workbench app. ``port`` and ``host`` are where it listens (for the Host check);
    ``token`` is required when ``host`` is not loopback (``serve`` makes one)."""
    env = _templates()
    store_box: dict[str, RunStore] = {}

    def store() -> RunStore:
        if "store" not in store_box:
            store_box["store"] = RunStore(max_runs=max_runs, lifetime=lifetime, limits=limits)
        return store_box["store"]

    def page(name: str, status: int = 200, **context) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**context), status_code=status)

    async def start(request: Request) -> Response:
        from auditkit.programs import PROGRAMS

        programs = [(name, p.name) for name, p in PROGRAMS.items() if p.sheets]
        return page("start.html.j2", programs=programs)

    async def create_run(request: Request) -> Response:
        runs = store()
        run = runs.new("review", False)

        async def received():
            fields, files = await _receive(request, run.folder, runs.limits)
            run.mode = "self-check" if fields.get("mode") == "self-check" else "review"
            run.reveal_ids = fields.get("reveal_ids") == "on"
            return _place(run.folder, fields, files, runs.limits)

        return await _start_upload(runs, run, received)

    async def create_demo(request: Request) -> Response:
        from auditkit.cli import demo_package

        runs = store()
        form = await request.form()
        mode = "self-check" if form.get("mode") == "self-check" else "review"
        run = runs.new(mode, False)
        target = run.folder / PACKAGE / "demo"
        shutil.copytree(demo_package(), target)
        runs.start(run, target, None)
        return _to_run(run)

    def _run_or_404(request: Request):
        return store().get(request.path_params["run_id"])

    async def show_run(request: Request) -> Response:
        run = _run_or_404(request)
        if run is None:
            return page("message.html.j2", 404, title="结果不存在", messages=["该次审核的结果不存在或已过期（结果保留两小时），请重新上传数据包。"])
        state = run.state()
        if state["state"] == "failed":
            title = "数据包无法读取" if state.get("kind") != "internal" else "内部错误"
            return page("message.html.j2", 422 if state.get("kind") != "internal" else 500,
                        title=title, messages=state["messages"], again=True)
        if state["state"] != "done":
            return page("running.html.j2", run=run, state=state, position=store().position(run))
        result = json.loads((run.folder / OUT / "result.json").read_text(encoding="utf-8"))
        downloads = [(kind, name) for kind, name in _downloads(run)]
        return page("result.html.j2", run=run, result=result, view=_view(result), downloads=downloads,
                    severity_names=SEVERITY_NAMES, document=DOCUMENT_NAMES[run.mode])

    async def run_status(request: Request) -> Response:
        run = _run_or_404(request)
        if run is None:
            return JSONResponse({"state": "gone"}, status_code=404)
        state = run.state()
        return JSONResponse({"state": state["state"], "step": state.get("step"), "done": state.get("done"),
                             "total": state.get("total"), "position": store().position(run)})

    async def download(request: Request) -> Response:
        run = _run_or_404(request)
        kind = request.path_params["kind"]
        files = dict(_downloads(run)) if run is not None else {}
        if kind not in files:
            return page("message.html.j2", 404, title="文件不存在", messages=["该文件不存在或已过期，请重新审核。"])
        name = files[kind]
        return FileResponse(run.folder / OUT / _stored_name(run, kind), media_type=_MEDIA[kind],
                            headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    async def rerun_with_previous(request: Request) -> Response:
        """The same package again, with last time's result, for 新发现 / 仍未整改 / 已整改."""
        old = _run_or_404(request)
        runs = store()
        if old is None:
            return RedirectResponse("/", status_code=303)
        run = runs.new(old.mode, old.reveal_ids)

        async def received():
            _fields, files = await _receive(request, run.folder, runs.limits)
            previous = files.get("previous", [None])[0]
            if previous is None:
                raise UploadRefused("请选择上次的审核结果文件（JSON、PDF 或工作底稿）")
            shutil.copytree(old.folder / PACKAGE, run.folder / PACKAGE, dirs_exist_ok=True)
            return find_package(run.folder / PACKAGE), previous

        return await _start_upload(runs, run, received)

    async def template(request: Request) -> Response:
        from auditkit.errors import PackageError
        from auditkit.blank_package import blank_package

        program = request.path_params["program"]
        try:
            files = blank_package(program, request.query_params.get("jurisdiction", "nmg"),
                                  area=request.query_params.get("area") or None)
        except PackageError as exc:
            return page("message.html.j2", 404, title="无法生成模板", messages=[str(exc)])
        if len(files) == 1:
            name, data = next(iter(files.items()))
        else:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for member, content in files.items():
                    archive.writestr(member, content)
            name, data = f"{program}-空白数据包.zip", buffer.getvalue()
        return Response(data, media_type="application/octet-stream",
                        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})

    async def internal_error(request: Request, exc: Exception) -> Response:
        return page("message.html.j2", 500, title="内部错误",
                    messages=[f"内部错误：{type(exc).__name__}。请在命令行以 --debug 运行 auditkit check 并将输出报告开发人员。"])

    @contextlib.asynccontextmanager
    async def lifespan(app):
        async def janitor():
            while True:
                await asyncio.sleep(60)
                if "store" in store_box:
                    store_box["store"].expire()

        task = asyncio.create_task(janitor())
        try:
            yield
        finally:
            task.cancel()
            if "store" in store_box:
                store_box["store"].close()

    routes = [
        Route("/", start),
        Route("/runs", create_run, methods=["POST"]),
        Route("/demo", create_demo, methods=["POST"]),
        Route("/runs/{run_id}", show_run),
        Route("/runs/{run_id}/status", run_status),
        Route("/runs/{run_id}/files/{kind}", download),
        Route("/runs/{run_id}/previous", rerun_with_previous, methods=["POST"]),
        Route("/template/{program}", template),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={Exception: internal_error, 500: internal_error})
    app.state.store = store
    return Guard(app, port, host, token)


_MEDIA = {"pdf": "application/pdf",
          "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          "json": "application/json"}


async def _start_upload(runs, run, received) -> Response:
    """The tail of both upload handlers: ``received()`` (awaited) gives the placed package and
    the previous result (or None) and the run starts on them, or it raises UploadRefused and the
    run is recorded as failed with that message; either way the browser is sent to the run's
    page (303), which shows its progress, its result or the refusal."""
    try:
        package, previous = await received()
    except UploadRefused as exc:
        runs.fail(run, [str(exc)])
    else:
        runs.start(run, package, previous)
    return _to_run(run)


def _to_run(run) -> Response:
    """See Other: the run's page (after a POST, so that reloading it does not post again)."""
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


def _stored_name(run, kind: str) -> str:
    document = DOCUMENT_NAMES[run.mode]
    return {"pdf": f"{document}.pdf", "docx": f"{document}.docx", "xlsx": "工作底稿.xlsx", "json": "result.json"}[kind]


def _downloads(run) -> list[tuple[str, str]]:
    """(kind, the name offered to the user) of each output the run wrote."""
    document = DOCUMENT_NAMES[run.mode]
    shown = {"pdf": f"{document}.pdf", "docx": f"{document}.docx", "xlsx": "工作底稿.xlsx", "json": "审核结果.json"}
    return [(kind, shown[kind]) for kind in ("pdf", "docx", "xlsx", "json")
            if (run.folder / OUT / _stored_name(run, kind)).is_file()]


# --- uploads -------------------------------------------------------------------------------------

async def _receive(request: Request, folder: Path, limits: Limits) -> tuple[dict[str, str], dict[str, list[Path]]]:
    """Stream a multipart upload into ``folder/incoming`` (never the system's temporary
    folder), counting bytes and files against ``limits``. Returns the form's text fields and,
    per file field, the saved files (named as sent, folders stripped)."""
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise UploadRefused("请通过页面上的表单上传数据包")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limits.total_bytes:
        raise UploadRefused(f"上传内容共 {int(declared) / 1024**2:,.0f} MB，超过上限 {limits.total_bytes // 1024**2:,} MB")
    incoming = folder / "incoming"
    incoming.mkdir()
    fields: dict[str, str] = {}
    uploads: list = []

    def on_field(field) -> None:
        fields[field.field_name.decode("utf-8", "replace")] = (field.value or b"").decode("utf-8", "replace")

    def on_file(file) -> None:
        uploads.append(file)
        if len(uploads) > limits.files:
            raise UploadRefused(f"一次最多上传 {limits.files} 个文件")

    parser = create_form_parser({"Content-Type": content_type.encode("latin-1")}, on_field, on_file,
                                config={"UPLOAD_DIR": str(incoming), "UPLOAD_DELETE_TMP": False,
                                        "MAX_MEMORY_FILE_SIZE": 1024 * 1024, "UPLOAD_KEEP_EXTENSIONS": False})
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limits.total_bytes:
                raise UploadRefused(f"上传内容超过上限 {limits.total_bytes // 1024**2:,} MB")
            parser.write(chunk)
        parser.finalize()
    except UploadRefused:
        raise
    except Exception:  # noqa: BLE001 - a malformed body is the sender's, said plainly
        raise UploadRefused("上传内容格式有误，请重新选择文件上传") from None
    from auditkit.web.runs import _safe_name

    files: dict[str, list[Path]] = defaultdict(list)
    for upload in uploads:
        raw = upload.file_name or b""
        if not raw:
            continue  # an empty file input
        name = _safe_name(raw.decode("utf-8", "replace"))
        field = (upload.field_name or b"").decode("utf-8", "replace")
        target_folder = folder / (PACKAGE if field == "files" else "previous")
        target_folder.mkdir(exist_ok=True)
        target = target_folder / name
        if target.exists():
            raise UploadRefused(f"上传了两个同名文件“{name}”，请只保留一个")
        if upload.in_memory:
            target.write_bytes(upload.file_object.getvalue())
        else:
            upload.file_object.close()
            Path(upload.actual_file_name.decode() if isinstance(upload.actual_file_name, bytes)
                 else upload.actual_file_name).rename(target)
        files[field].append(target)
    shutil.rmtree(incoming, ignore_errors=True)
    return fields, files


def _place(folder: Path, fields: dict[str, str], files: dict[str, list[Path]], limits: Limits) -> tuple[Path, Path | None]:
    """The package among the uploaded files (a zip is extracted first) and last time's result."""
    sent = files.get("files", [])
    if not sent:
        raise UploadRefused("没有选择文件：请上传数据包（一个工作簿、清单及各表文件，或数据包目录的 .zip 压缩包）")
    zips = [p for p in sent if p.suffix.lower() == ".zip"]
    if zips:
        if len(sent) > 1:
            raise UploadRefused("上传 .zip 压缩包时请只上传这一个文件")
        target = folder / PACKAGE / "解压"
        target.mkdir()
        extract_zip(zips[0], target, limits)
        zips[0].unlink()
    previous = files.get("previous", [None])[0]
    return find_package(folder / PACKAGE), previous
