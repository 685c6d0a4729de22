"""Fixtures shared by the API tests: an app per test, driven in-process."""

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

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
