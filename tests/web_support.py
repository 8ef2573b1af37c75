"""Shared by the web workbench's tests: packages as a user uploads them, a real server on loopback."""

from __future__ import annotations

import io
import socket
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def zip_folder(folder: Path, wrap: str | None = None) -> bytes:
    """The zip a user makes of a package folder (optionally wrapped in one top folder)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.name != "expected.toml":
                name = path.relative_to(folder).as_posix()
                archive.write(path, f"{wrap}/{name}" if wrap else name)
    return buffer.getvalue()


def gbk_zip(entries: dict[str, bytes]) -> bytes:
    """A zip as Chinese Windows' Explorer makes it: names in GBK, no UTF-8 flag. zipfile itself
    always writes UTF-8 names, so each name is written as ASCII of the same byte length and the
    bytes are swapped for the GBK ones in both the local and the central headers."""
    buffer = io.BytesIO()
    swaps = []
    with zipfile.ZipFile(buffer, "w") as archive:
        for index, (name, data) in enumerate(entries.items()):
            encoded = name.encode("gbk")
            placeholder = (f"n{index}_" + "x" * len(encoded))[: len(encoded)].encode("ascii")
            swaps.append((placeholder, encoded))
            archive.writestr(placeholder.decode("ascii"), data)
    raw = buffer.getvalue()
    for placeholder, encoded in swaps:
        assert raw.count(placeholder) == 2
        raw = raw.replace(placeholder, encoded)
    return raw


def wait_done(client: httpx.Client, location: str, seconds: float = 300) -> dict:
    """Poll a run's status until it is done or failed; the last status."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        status = client.get(f"{location}/status").json()
        if status["state"] in ("done", "failed", "gone"):
            return status
        time.sleep(0.3)
    raise AssertionError(f"run {location} did not finish in {seconds} s")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(**options):
    """The workbench served by uvicorn on a free loopback port, in a thread; its base URL."""
    import uvicorn

    from auditkit.web import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(port=port, host="127.0.0.1", **options)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
