"""Fixtures shared by the tests: an app per test driven in-process, and a live uvicorn."""

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from bench.server import running_server
from server.main import create_app


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
    """A real uvicorn serving the app on a free loopback port, for the whole session."""
    with running_server() as url:
        yield url
