"""The web workbench under a bounded load, on loopback only.

    .venv/bin/python benchmarks/web_load.py [UPLOADS] [MAX_RUNS]

Sends UPLOADS (default 20) package uploads at once to a workbench on 127.0.0.1 checking MAX_RUNS
(default 2) at a time, waits for every result and checks each against the command line's finding
keys for its own package. Baseline in the same run: the same packages checked one after another
in this process with the same outputs (JSON, PDF, DOCX where available, workbook), no server.
Prints runs, wall time of each, and peak memory (the server process, and the largest worker).
"""

from __future__ import annotations

import resource
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from tests.web_support import FIXTURES, live_server, wait_done, zip_folder  # noqa: E402

PACKAGES = ("demo-nmg-2025", "settlement-ok", "st002-broken", "ar001-broken", "fe001-broken")


def baseline(count: int) -> tuple[float, dict[str, list[str]]]:
    from auditkit.cli import _documents, run_check
    from auditkit.output import dumps, result_json

    keys = {}
    started = time.perf_counter()
    for index in range(count):
        name = PACKAGES[index % len(PACKAGES)]
        result = run_check(FIXTURES / name)
        text = dumps(result)
        _documents(result, text, Path("x.pdf"), Path("x.xlsx"), "review", None, None, False, [])
        _documents(result, text, Path("x.docx"), None, "review", None, None, False, [])
        keys[name] = sorted(f["key"] for f in result_json(result)["findings"])
    return time.perf_counter() - started, keys


def main() -> None:
    uploads = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    max_runs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    base_seconds, expected = baseline(uploads)
    with live_server(max_runs=max_runs) as base:
        def one(index: int) -> bool:
            name = PACKAGES[index % len(PACKAGES)]
            with httpx.Client(base_url=base, timeout=900) as http:
                response = http.post("/runs", data={"mode": "review"},
                                     files=[("files", (f"{name}.zip", zip_folder(FIXTURES / name)))])
                location = response.headers["location"]
                if wait_done(http, location, seconds=1800)["state"] != "done":
                    return False
                keys = sorted(f["key"] for f in http.get(f"{location}/files/json").json()["findings"])
                return keys == expected[name]

        started = time.perf_counter()
        with ThreadPoolExecutor(uploads) as pool:
            correct = sum(pool.map(one, range(uploads)))
        seconds = time.perf_counter() - started
    server_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"uploads at once        {uploads}, checked {max_runs} at a time")
    print(f"correct results        {correct}/{uploads}")
    print(f"baseline (sequential)  {base_seconds:8.1f} s  (same packages and outputs, in-process)")
    print(f"workbench              {seconds:8.1f} s  ratio {seconds / base_seconds:.2f}")
    print(f"peak memory            server {server_peak:,.0f} MiB; largest worker {worker_peak:,.0f} MiB")
    sys.exit(0 if correct == uploads else 1)


if __name__ == "__main__":
    main()
