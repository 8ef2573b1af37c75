"""The web workbench as a user and as a hostile page meet it, through a real server on loopback.

Each test uploads packages the way the page does (multipart, field ``files``), follows the run
and reads what the page and the downloads say. The expected results are the command line's for
the same package: the page adds no second way of checking.
"""

from __future__ import annotations

import functools
import io
import json
import re
import time
import tomllib
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.web_support import FIXTURES, ROOT, gbk_zip, live_server, wait_done, zip_folder


@pytest.fixture(scope="module")
def server():
    with live_server(max_runs=2) as base:
        yield base


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server, timeout=120) as http:
        yield http


def upload(client: httpx.Client, files: list[tuple[str, bytes]], **fields) -> str:
    """POST the start page's form; the run's address."""
    response = client.post("/runs", data={"mode": "review", **fields},
                           files=[("files", (name, data)) for name, data in files])
    assert response.status_code == 303, response.text
    return response.headers["location"]


@functools.lru_cache(maxsize=None)
def cli_keys(package: Path) -> list[str]:
    """The finding keys ``auditkit check`` gives, from the command line itself (a fresh process:
    the test process's registry may hold checks other tests registered); once per package."""
    import subprocess
    import sys

    run = subprocess.run([sys.executable, "-m", "auditkit", "check", str(package), "--format", "json"],
                         capture_output=True, text=True, check=False, cwd=ROOT)
    return sorted(f["key"] for f in json.loads(run.stdout)["findings"])


def test_start_page_is_chinese_and_offline(client):
    """The start page offers review and self-check, the upload, the demo and the templates, and
    names nothing outside this server: every script and style comes from /static."""
    page = client.get("/").text
    for words in ("审核", "自查", "打开内置示例", "空白报送模板", "开始审核"):
        assert words in page
    css = client.get("/static/workbench.css").text
    script = client.get("/static/workbench.js").text
    for text in (page, css, script):
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), "a resource from the network"


def test_zip_of_the_demo_gives_the_command_lines_findings(client):
    """The demo folder zipped (wrapped in one folder, as Explorer's 'send to zip' does) gives the
    same finding keys as ``auditkit check`` on the folder, and every download is what it says."""
    demo = FIXTURES / "demo-nmg-2025"
    location = upload(client, [("示例数据包.zip", zip_folder(demo, wrap="示例数据包"))])
    assert wait_done(client, location)["state"] == "done"
    page = client.get(location).text
    assert "发现的问题" in page and "核定结果" in page
    result = client.get(f"{location}/files/json").json()
    assert sorted(f["key"] for f in result["findings"]) == cli_keys(demo)
    assert client.get(f"{location}/files/pdf").content.startswith(b"%PDF")
    workbook = zipfile.ZipFile(io.BytesIO(client.get(f"{location}/files/xlsx").content))
    assert "xl/workbook.xml" in workbook.namelist()
    disposition = client.get(f"{location}/files/pdf").headers["content-disposition"]
    assert "%E5%AE%A1%E6%A0%B8%E6%84%8F%E8%A7%81.pdf" in disposition  # 审核意见.pdf


def test_a_single_workbook_is_a_package(client):
    """One workbook with its manifest sheet, uploaded alone, runs as ``auditkit check`` on it."""
    workbook = FIXTURES / "workbook-package" / "tacheng-2020.xlsx"
    location = upload(client, [(workbook.name, workbook.read_bytes())])
    assert wait_done(client, location)["state"] == "done"
    result = client.get(f"{location}/files/json").json()
    assert sorted(f["key"] for f in result["findings"]) == cli_keys(workbook)


def test_several_files_with_their_manifest(client):
    """The manifest and its tables chosen together (no zip) are the package."""
    folder = FIXTURES / "st002-broken"
    files = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.is_file()]
    location = upload(client, files)
    assert wait_done(client, location)["state"] == "done"
    result = client.get(f"{location}/files/json").json()
    assert sorted(f["key"] for f in result["findings"]) == cli_keys(folder)
    assert any(f["code"] == "ST002" for f in result["findings"])


def test_an_unreadable_package_names_file_sheet_row_and_column(client):
    """A package the command line refuses shows the same message on the page, whole, with its
    file, sheet, row and column (fixtures/bad/non-numeric-amount/expected.toml), never a trace."""
    case = FIXTURES / "bad" / "non-numeric-amount"
    expected = tomllib.loads((case / "expected.toml").read_text(encoding="utf-8"))
    location = upload(client, [("包.zip", zip_folder(case))])
    assert wait_done(client, location)["state"] == "failed"
    response = client.get(location)
    assert response.status_code == 422
    for words in expected["words"] + expected["where"]:
        assert words in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("name, data", [
    ("../逃逸.csv", b"x"),
    ("/etc/auditkit.csv", b"x"),
    ("包\\..\\..\\逃逸.csv", b"x"),
])
def test_a_zip_entry_outside_the_package_is_refused(client, name, data):
    """An entry with ``..`` or an absolute path is refused before anything is extracted, and the
    run keeps nothing but its message."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("submission.toml", b"[submission]\n")
        archive.writestr(name, data)
    location = upload(client, [("包.zip", buffer.getvalue())])
    assert wait_done(client, location)["state"] == "failed"
    assert "指向压缩包以外的位置" in client.get(location).text


def test_a_link_in_a_zip_is_refused(client):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("settlement.csv")
        info.external_attr = (0o120777 << 16)  # a symbolic link, as zip -y stores it
        archive.writestr(info, "/etc/passwd")
    location = upload(client, [("包.zip", buffer.getvalue())])
    wait_done(client, location)
    assert "是链接，已拒绝" in client.get(location).text


def test_a_zip_made_on_chinese_windows_keeps_its_names(client):
    """GBK names without the UTF-8 flag: the package's 结算表.csv is found under its own name
    (the manifest names it), so the run reads it instead of failing on a garbled name."""
    folder = FIXTURES / "settlement-ok"
    manifest = (folder / "submission.toml").read_text(encoding="utf-8")
    tables = {p.name: p.read_bytes() for p in folder.iterdir() if p.suffix == ".csv"}
    renamed = {}
    for index, (name, data) in enumerate(sorted(tables.items())):
        chinese = f"表{index}结算.csv"
        manifest = manifest.replace(f'"{name}"', f'"{chinese}"')
        renamed[f"数据包/{chinese}"] = data
    renamed["数据包/submission.toml"] = manifest.encode("utf-8")
    location = upload(client, [("数据包.zip", gbk_zip(renamed))])
    status = wait_done(client, location)
    assert status["state"] == "done", client.get(location).text
    result = client.get(f"{location}/files/json").json()
    assert {i["path"] for i in result["package"]["inputs"]} >= {n.split("/")[1] for n in renamed if n.endswith(".csv")}


def test_foreign_host_and_origin_are_refused(server):
    """DNS rebinding (a foreign Host) and a cross-site form post (a foreign Origin) are refused."""
    with httpx.Client(base_url=server) as http:
        assert http.get("/", headers={"Host": "evil.example"}).status_code == 403
        response = http.post("/demo", headers={"Origin": "http://evil.example"}, data={"mode": "review"})
        assert response.status_code == 403
        assert "其他网站" in response.text


def test_beyond_loopback_a_token_is_required():
    """A server listening on another address answers only with the token it printed: given once
    in the address, then kept in a same-site cookie."""
    import asyncio

    from auditkit.web import create_app

    token = "秘密".encode().hex()
    app = create_app(port=8000, host="0.0.0.0", token=token)

    async def visit():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://192.0.2.10:8000") as http:
            assert (await http.get("/")).status_code == 401
            response = await http.get(f"/?token={token}", follow_redirects=False)
            assert response.status_code == 303 and "samesite=strict" in response.headers["set-cookie"].lower()
            assert (await http.get("/")).status_code == 200
            assert (await http.get("/", cookies={"auditkit_token": "wrong"})).status_code == 401

    asyncio.run(visit())


def test_a_run_is_seen_only_through_its_unguessable_id(client):
    location = upload(client, [("a.txt", b"nothing")])
    run_id = location.rsplit("/", 1)[1]
    assert len(run_id) >= 32
    assert client.get("/runs/" + run_id[:-1] + ("A" if run_id[-1] != "A" else "B")).status_code == 404
    assert client.get("/runs/x/files/pdf").status_code == 404


def test_upload_limits():
    """Over the number of files, the bytes of an upload, or a zip's entries: refused in Chinese."""
    from auditkit.web import Limits

    limits = Limits(total_bytes=50_000, files=3, zip_entries=5, zip_expanded_bytes=10_000)
    with live_server(limits=limits) as base, httpx.Client(base_url=base, timeout=60) as http:
        location = upload(http, [(f"{i}.csv", b"1") for i in range(4)])
        assert "一次最多上传 3 个文件" in http.get(location).text
        location = upload(http, [("big.csv", b"1" * 60_000)])
        assert "超过上限" in http.get(location).text
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for i in range(6):
                archive.writestr(f"{i}.csv", b"1")
        location = upload(http, [("包.zip", buffer.getvalue())])
        wait_done(http, location)
        assert "超过上限 5 个" in http.get(location).text
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("submission.toml", b"0" * 20_000)  # a bomb in miniature: 20 kB from ~50 bytes
        location = upload(http, [("包.zip", buffer.getvalue())])
        wait_done(http, location)
        assert "解压后超过" in http.get(location).text


def test_ids_are_masked_unless_the_run_asks(client):
    """The roster fixture's ID numbers appear on the page and in every download only masked;
    ticking 显示完整身份证号 for that run shows them."""
    roster = FIXTURES / "roster-nmg-2023"
    ids = {line.split(",")[0] for line in (roster / "roster.csv").read_text(encoding="utf-8").splitlines()[1:]}
    ids = {i.strip() for i in ids if re.fullmatch(r"\d{17}[\dX]", i.strip())}
    location = upload(client, [("名册.zip", zip_folder(roster))])
    assert wait_done(client, location)["state"] == "done"
    texts = [client.get(location).text, client.get(f"{location}/files/json").text]
    assert "********" in texts[0]
    assert not any(i in text for i in ids for text in texts)
    revealed = upload(client, [("名册.zip", zip_folder(roster))], reveal_ids="on")
    wait_done(client, revealed)
    assert any(i in client.get(revealed).text for i in ids)


def test_rectification_against_last_result(client):
    """The same package again with last time's JSON: the page counts 新发现 / 仍未整改 / 已整改."""
    demo = FIXTURES / "demo-nmg-2025"
    location = upload(client, [("demo.zip", zip_folder(demo))])
    wait_done(client, location)
    previous = client.get(f"{location}/files/json").content
    response = client.post(f"{location}/previous", files=[("previous", ("上次结果.json", previous))])
    again = response.headers["location"]
    assert wait_done(client, again)["state"] == "done"
    count = len(json.loads(previous)["findings"])
    assert f"新发现 0 项，仍未整改 {count} 项，已整改 0 项" in client.get(again).text
    # sent with the file input left empty, as a browser sends it: the new run's page says what
    # to choose, the first run is kept
    response = client.post(f"{location}/previous", files=[("previous", ("", b""))])
    assert response.status_code == 303 and response.headers["location"] not in (location, again)
    assert "请选择上次的审核结果文件" in client.get(response.headers["location"]).text
    assert wait_done(client, location)["state"] == "done"


def test_the_template_downloads(client):
    response = client.get("/template/resident-subsidy")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get("/template/无此项目").status_code == 404


def test_runs_expire_and_leave_nothing(tmp_path):
    """A run past its lifetime is gone, folder and all; closing the store removes every folder."""
    from auditkit.web.runs import RunStore

    store = RunStore(max_runs=1, lifetime=0)
    run = store.new("review", False)
    (run.folder / "package" / "x.csv").write_text("1")
    assert store.get(run.id) is None and not run.folder.exists()
    kept = RunStore(max_runs=1, lifetime=3600)
    other = kept.new("review", False)
    kept.close()
    assert not other.folder.exists() and not kept.root.exists()
    store.close()


def test_queue_positions():
    """With one run at a time, the runs behind a running one wait in line in order of arrival."""
    from auditkit.web.runs import RunStore, _write_state

    store = RunStore(max_runs=1)
    try:
        first, second, third = (store.new("review", False) for _ in range(3))
        _write_state(first.folder, {"state": "running"})
        assert [store.position(r) for r in (first, second, third)] == [0, 1, 2]
        _write_state(first.folder, {"state": "done"})
        assert [store.position(r) for r in (second, third)] == [0, 1]
    finally:
        store.close()


# three packages whose findings differ (those the tests above send: the command line's keys are
# worked out once), one more than the server checks at once
LOAD_PACKAGES = (FIXTURES / "demo-nmg-2025", FIXTURES / "st002-broken", FIXTURES / "workbook-package" / "tacheng-2020.xlsx")


def _as_sent(package: Path) -> tuple[str, bytes]:
    """A package folder as a user zips it; a one-workbook package as it is."""
    return (f"{package.name}.zip", zip_folder(package)) if package.is_dir() else (package.name, package.read_bytes())


def test_uploads_at_once_run_side_by_side_and_each_gets_its_own_result():
    """Concurrency without crossing runs, with the fewest uploads that show it: three different
    packages sent at once to a server that checks two at a time (its own, so that both worker
    processes start together). Watching the three together, two are seen running at the same
    moment and never three; each result holds exactly the finding keys the command line gives
    for its own package — the three sets differ, so a result that went to the wrong run would
    show. The load figures (20 uploads: time, memory) are benchmarks/web_load.py's."""
    from concurrent.futures import ThreadPoolExecutor

    expected = [cli_keys(package) for package in LOAD_PACKAGES]
    assert len({tuple(keys) for keys in expected}) == len(LOAD_PACKAGES)
    with live_server(max_runs=2) as base, httpx.Client(base_url=base, timeout=120) as http:
        with ThreadPoolExecutor(len(LOAD_PACKAGES)) as pool:
            locations = list(pool.map(lambda package: upload(http, [_as_sent(package)]), LOAD_PACKAGES))
        most_running = 0
        deadline = time.time() + 600
        while True:
            states = [http.get(f"{location}/status").json()["state"] for location in locations]
            most_running = max(most_running, states.count("running"))
            if all(state in ("done", "failed", "gone") for state in states) or time.time() > deadline:
                break
            time.sleep(0.1)
        assert states == ["done"] * len(LOAD_PACKAGES)
        results = [sorted(f["key"] for f in http.get(f"{location}/files/json").json()["findings"])
                   for location in locations]
    assert most_running == 2
    assert results == expected


def test_the_calculation_is_named_in_chinese(client):
    """A finding's figures open as the calculation with Chinese names: the demo's 赤峰市 ST001
    shows 申报数 3,558,048.00 against 按规定计算数 3,458,048.00 (fixtures/demo-nmg-2025/README.md)."""
    location = upload(client, [("demo.zip", zip_folder(FIXTURES / "demo-nmg-2025"))])
    wait_done(client, location)
    page = client.get(location).text
    assert "<th>申报数</th><td>3,558,048.00</td>" in page
    assert "<th>按规定计算数</th><td>3,458,048.00</td>" in page
    assert "<th>declared</th>" not in page and "<th>expected</th>" not in page
