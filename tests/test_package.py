"""An installed package works: the wheel `pip wheel` builds, installed in a fresh virtual
environment away from the checkout, starts `backprop-playground` and serves the page and its
scripts (the wheel had lacked static/ and templates/, and the server failed at start)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


def test_package_wheel_installed_elsewhere_serves_the_page(tmp_path: Path) -> None:
    # Built from a copy of the sources: setuptools' build/ folder of an earlier build would
    # otherwise carry files into this one.
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "build", "*.egg-info", "test-artifacts", "__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q",
                    "-w", str(tmp_path / "dist")], check=True, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("backprop_playground-*.whl"))
    # every package of the server is in it (pyproject.toml lists them: the page's files come
    # from outside server/, so setuptools' search cannot be used)
    with zipfile.ZipFile(wheel) as archive:
        shipped = set(archive.namelist())
    packages = [p.parent.relative_to(ROOT).as_posix()
                for p in (ROOT / "server").rglob("__init__.py")]
    assert [p for p in packages if f"{p}/__init__.py" not in shipped] == []
    # and the 8×8 digits' data, read at run time, never downloaded
    assert {"server/engine/data/digits.csv.gz", "server/engine/data/README.md"} <= shipped
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", str(wheel)], check=True)
    # Its dependencies from this environment's site-packages (a path, not a site dir: the
    # checkout's editable finder there is not loaded), after the venv's own.
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(python), "-c", purelib], check=True, capture_output=True,
                          text=True).stdout.strip()
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "BACKPROP_STORE")}
    server = subprocess.Popen([str(venv / "bin" / "backprop-playground"), "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                status, page = get(base + "/")
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"the installed server stopped: {server.stdout.read()}")
                time.sleep(0.1)
        else:
            pytest.fail("the installed server did not answer")
        assert status == 200 and "Backprop Playground" in page
        main = re.search(r'<script type="module" src="([^"]+)"', page)
        assert main is not None
        status, script = get(base + main.group(1))
        assert status == 200 and "createController" in script
        # it serves its own copy, not the checkout's
        where = subprocess.run([str(python), "-c", "import server; print(server.__file__)"],
                               check=True, capture_output=True, text=True, cwd=tmp_path).stdout
        assert str(venv) in where
    finally:
        server.terminate()
        server.wait(timeout=10)
