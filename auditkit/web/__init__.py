"""A local web workbench: ``auditkit serve`` (see ``auditkit.web.app`` and ``auditkit.web.runs``)."""

from __future__ import annotations

import secrets
import socket
import threading
import webbrowser

from auditkit.web.app import create_app
from auditkit.web.runs import Limits

__all__ = ["create_app", "serve", "Limits"]


def serve(host: str = "127.0.0.1", port: int = 0, open_browser: bool = True, max_runs: int = 1,
          lifetime_hours: float = 2, say=print) -> None:
    """Serve the workbench until interrupted. ``port`` 0 takes a free port. Listening beyond
    loopback makes an access token, printed with the address."""
    import uvicorn

    loopback = host in ("127.0.0.1", "localhost", "::1")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    port = sock.getsockname()[1]
    token = None if loopback else secrets.token_urlsafe(18)
    app = create_app(port=port, host=host, token=token, max_runs=max_runs, lifetime=lifetime_hours * 3600)
    shown = f"[{host}]" if ":" in host else host
    address = f"http://{shown}:{port}/" + (f"?token={token}" if token else "")
    say(f"auditkit 审核工作台已启动：{address}")
    if token:
        say("注意：服务对本机以外开放，须使用上面含访问令牌（token）的完整地址打开。")
    say(f"按 Ctrl+C 停止；上传的文件和审核结果保存在临时目录中，{lifetime_hours:g} 小时后或停止服务时删除。")
    if open_browser:
        threading.Timer(0.8, lambda: webbrowser.open(address)).start()
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[sock])
