"""Lessons: kept exactly, behind a short link, deleted only with their token, bounded in size
and in how fast one client makes them, and lasting: across a restart (SQLite) and across
workers (Redis)."""

from __future__ import annotations

import pytest
import redis
from fastapi.testclient import TestClient

from server.lessons.presets import PRESETS
from server.lessons.store import RedisLessons, SQLiteLessons
from server.limits import LESSONS_PER_MINUTE, MAX_BODY_BYTES, MAX_LESSON_TITLE
from server.main import create_app
from tests.conftest import strict_json

LESSON = {
    "title": "One step <b>by hand</b> & more",
    "text": "Line one.\nLine two: \"quoted\", <script>alert(1)</script>, ünïcödé, ∂E/∂w.",
    "state": {"network": {"layers": [1, 2, 2, 1], "seed": 3,
                          "current_weights": [[[0.1, -0.2]], [[0.3, 0.4], [-0.5, 0.6]],
                                              [[0.7], [-0.8]]]},
              "sample": {"input": [0.8], "target": [0.2]}},
    "hide": ["landscape", "training"],
    "predict": True,
    "steps": ["Press Next.", "What is ∂E/∂w?"],
}


def test_lessons_are_kept_exactly_behind_a_short_link(client: TestClient) -> None:
    r = client.post("/api/lessons", json=LESSON)
    assert r.status_code == 201
    created = r.json()
    assert created["url"] == f"/l/{created['id']}" and len(created["url"]) <= 12
    assert len(created["delete_token"]) >= 30
    back = strict_json(client.get(f"/api/lessons/{created['id']}").text)
    assert back == {**LESSON, "id": created["id"], "url": created["url"], "preset": False}
    page = client.get(created["url"])
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    # the page holds none of the lesson: it reads it as data, and writes its texts as text
    assert "<script>alert(1)</script>" not in page.text and "<b>by hand</b>" not in page.text


def test_lessons_are_deleted_with_their_token_only_and_then_say_so(client: TestClient) -> None:
    created = client.post("/api/lessons", json=LESSON).json()
    url = f"/api/lessons/{created['id']}"
    wrong = client.delete(url, headers={"x-delete-token": "not-it"})
    assert wrong.status_code == 403 and "delete token" in wrong.json()["detail"]
    assert client.get(url).status_code == 200
    assert client.delete(url).status_code == 422  # no token at all: the header is named
    token = {"x-delete-token": created["delete_token"]}
    assert client.delete(url, headers=token).status_code == 204
    gone = client.get(url)
    assert gone.status_code == 410 and "deleted by its author" in gone.json()["detail"]
    assert client.delete(url, headers=token).status_code == 410
    assert client.get("/api/lessons/NoSuchOne").status_code == 404
    assert client.delete("/api/lessons/one-step",
                         headers={"x-delete-token": "x"}).status_code == 403  # a built-in one


@pytest.mark.parametrize(("change", "field"), [
    ({"title": ""}, "title"),
    ({"title": "x" * (MAX_LESSON_TITLE + 1)}, "title"),
    ({"title": "a\x00b"}, "title"),
    ({"text": "bell\x07"}, "text"),
    ({"steps": ["ok", "esc\x1b[31m"]}, "steps[1]"),
    ({"steps": ["x"] * 13}, "steps"),
    ({"hide": ["network"]}, "hide[0]"),
    ({"predict": "yes"}, "predict"),
    ({"state": "a link"}, "state"),
    ({"extra": 1}, "extra"),
])
def test_lessons_hostile_or_broken_fields_are_refused_by_name(client: TestClient, change: dict,
                                                              field: str) -> None:
    r = client.post("/api/lessons", json={**LESSON, **change})
    assert r.status_code == 422, r.text
    assert field in [e["field"] for e in r.json()["errors"]], r.json()


def test_lessons_have_a_size_limit(client: TestClient) -> None:
    points = [{"input": [0.123456789012345, -0.5], "target": [0.987654321098765, 1]}] * 7000
    big = {**LESSON, "state": {**LESSON["state"], "dataset": {"points": points}}}
    r = client.post("/api/lessons", json=big)
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "state"
    assert "over the limit" in r.json()["detail"]
    assert client.post("/api/lessons", content=b'{"x": "' + b"a" * MAX_BODY_BYTES + b'"}',
                       headers={"content-type": "application/json"}).status_code == 413


def test_lessons_one_client_may_make_only_so_many_a_minute(client: TestClient) -> None:
    for _ in range(LESSONS_PER_MINUTE):
        assert client.post("/api/lessons", json=LESSON).status_code == 201
    r = client.post("/api/lessons", json=LESSON)
    assert r.status_code == 429
    assert 1 <= int(r.headers["retry-after"]) <= 60
    assert "too many lessons" in r.json()["detail"]
    # reading is not limited
    assert client.get("/api/lessons/one-step").status_code == 200


def test_lessons_built_in_ones_are_listed_and_open_by_name(client: TestClient) -> None:
    listed = client.get("/api/lessons").json()
    assert [x["id"] for x in listed] == list(PRESETS)
    assert len(listed) == 10
    for name in PRESETS:
        lesson = client.get(f"/api/lessons/{name}").json()
        assert lesson["preset"] is True and lesson["url"] == f"/l/{name}"
        # each one's network is one the API creates
        created = client.post("/api/networks", json=lesson["state"]["network"])
        assert created.status_code == 201, (name, created.text)


def test_lessons_survive_a_restart_in_sqlite(tmp_path) -> None:
    path = tmp_path / "lessons.sqlite3"
    with TestClient(create_app(lesson_store=SQLiteLessons(path))) as first:
        created = first.post("/api/lessons", json=LESSON).json()
    with TestClient(create_app(lesson_store=SQLiteLessons(path))) as again:
        assert again.get(f"/api/lessons/{created['id']}").json()["title"] == LESSON["title"]


def test_lessons_in_redis_are_seen_by_every_worker(redis_url: str) -> None:
    with redis.Redis.from_url(redis_url) as r:
        r.flushdb()
    one = TestClient(create_app(lesson_store=RedisLessons(redis.Redis.from_url(redis_url))))
    other = TestClient(create_app(lesson_store=RedisLessons(redis.Redis.from_url(redis_url))))
    created = one.post("/api/lessons", json=LESSON).json()
    assert other.get(f"/api/lessons/{created['id']}").json()["state"] == LESSON["state"]
    assert other.delete(f"/api/lessons/{created['id']}",
                        headers={"x-delete-token": created["delete_token"]}).status_code == 204
    assert one.get(f"/api/lessons/{created['id']}").status_code == 410


def test_lessons_too_large_a_rate_makes_e_rise_and_a_small_one_fall(client: TestClient) -> None:
    """The lesson says so (a new user saw E fall at every step of its first version)."""
    lesson = client.get("/api/lessons/lr-too-large").json()
    net = client.post("/api/networks", json=lesson["state"]["network"]).json()
    sample = lesson["state"]["sample"]
    errors = []
    for _ in range(3):
        trace = client.post(f"/api/networks/{net['id']}/step", json=sample).json()
        errors.append((trace["error"], trace["error_after"]))
    assert all(after > before for before, after in errors), errors
    client.patch(f"/api/networks/{net['id']}", json={"learning_rate": 0.1})
    for _ in range(3):
        trace = client.post(f"/api/networks/{net['id']}/step", json=sample).json()
        assert trace["error_after"] < trace["error"]
