"""Fixtures shared by the tests: an app per test driven in-process, a live uvicorn, and a
real redis-server.

With BACKPROP_TEST_STORE=redis (as scripts/test runs tests/api a second time), a
redis-server is started for the session and every app the tests build, in-process or
under uvicorn, keeps its networks there (BACKPROP_STORE); it is emptied before each test.
"""

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from bench.redis_server import running_redis
from bench.server import running_server
from server.main import create_app

_redis = contextlib.ExitStack()
_redis_url: list[str] = []


def shared_redis_url() -> str:
    """The session's redis-server (started on first use, stopped at the end)."""
    if not _redis_url:
        _redis_url.append(_redis.enter_context(running_redis()))
    return _redis_url[0]


def pytest_configure(config: pytest.Config) -> None:
    # Lessons in SQLite go to a folder of the session's, not the checkout's ./data.
    os.environ.setdefault("BACKPROP_DATA_DIR", tempfile.mkdtemp(prefix="backprop-data-"))
    if os.environ.get("BACKPROP_TEST_STORE") == "redis":
        os.environ["BACKPROP_STORE"] = shared_redis_url()


def pytest_unconfigure(config: pytest.Config) -> None:
    _redis.close()


def pytest_report_header(config: pytest.Config) -> str:
    return f"store: {os.environ.get('BACKPROP_STORE') or 'memory'}"


@pytest.fixture(autouse=True)
def _empty_redis() -> None:
    """Each test starts with an empty shared store (when the tests run on one)."""
    if os.environ.get("BACKPROP_STORE"):
        with redis.Redis.from_url(os.environ["BACKPROP_STORE"]) as client:
            client.flushdb()


@pytest.fixture(scope="session")
def redis_url() -> str:
    return shared_redis_url()


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app()) as c:
        yield c


def strict_json(text: str):
    """Parse JSON, failing on NaN and Infinity, which are not JSON."""

    def refuse(name: str):
        raise AssertionError(f"non-finite number {name} in a response")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    """A real uvicorn serving the app on a free loopback port, for the whole session (in
    BACKPROP_TEST_WORKERS processes, 1 by default)."""
    with running_server(workers=int(os.environ.get("BACKPROP_TEST_WORKERS") or 1)) as url:
        yield url
