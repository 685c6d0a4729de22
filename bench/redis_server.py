"""Starts Debian's redis-server on a free loopback port, in memory only, for the tests, the
benchmark and the load test; stops it by its pid."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator

import redis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_redis(cpus: str | None = None) -> Iterator[str]:
    """Yields the URL (redis://127.0.0.1:PORT/0) of a redis-server that saves nothing.
    `cpus` (e.g. "1") pins it to those cores (taskset)."""
    binary = shutil.which("redis-server") or "/usr/bin/redis-server"
    port = free_port()
    pin = ["taskset", "-c", cpus] if cpus else []
    with tempfile.TemporaryDirectory() as workdir, tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(
            [*pin, binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", workdir, "--protected-mode", "yes"],
            stdout=log, stderr=subprocess.STDOUT)
        url = f"redis://127.0.0.1:{port}/0"
        try:
            client = redis.Redis.from_url(url)
            deadline = time.monotonic() + 20
            while True:
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        log.seek(0)
                        raise RuntimeError(f"redis-server did not start:\n{log.read()}") from None
                    time.sleep(0.05)
            client.close()
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
