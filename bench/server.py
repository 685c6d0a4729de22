"""Starts the app under uvicorn on a free loopback port: for the benchmark, the load test and
the tests that need a real server."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from server.cli import UVICORN_SETTINGS

ROOT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def running_server(workers: int = 1, store: str | None = None,
                   pids: list[int] | None = None, cpus: str | None = None) -> Iterator[str]:
    """uvicorn with its fast stack (uvloop, httptools where installed: server.protocols)
    and no access log,
    in `workers` processes, keeping its networks in `store` (a redis:// URL; by default
    what BACKPROP_STORE says, else memory); yields its URL. `pids`, if given, receives the
    pid of uvicorn's main process. What the server prints goes to a file, shown if it
    fails to start. `cpus` (e.g. "0") pins the server to those cores (taskset)."""
    env = dict(os.environ)
    if store is not None:
        env["BACKPROP_STORE"] = "" if store == "memory" else store
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryFile("w+") as log:
        pin = ["taskset", "-c", cpus] if cpus else []
        proc = subprocess.Popen(
            [*pin, sys.executable, "-m", "uvicorn", "server.main:app", "--host", "127.0.0.1",
             "--port", str(port), "--loop", "auto", "--http", UVICORN_SETTINGS["http"],
             "--no-access-log",
             "--log-level", "warning", "--workers", str(workers),
             "--ws-max-size", str(UVICORN_SETTINGS["ws_max_size"]),
             "--ws-max-queue", str(UVICORN_SETTINGS["ws_max_queue"])],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env)
        if pids is not None:
            pids.append(proc.pid)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"{url}/api/health", timeout=1)
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(f"the server did not start:\n{log.read()}") from None
                    time.sleep(0.1)
            yield url
        finally:
            died = proc.poll()
            proc.terminate()
            proc.wait(timeout=10)
            if died is not None:  # it stopped on its own: say why
                log.seek(0)
                print(f"the server stopped (exit status {died}):\n{log.read()[-4000:]}",
                      file=sys.stderr)
