"""Limits on what a client can send, and the security headers."""

from fastapi.testclient import TestClient

from server.limits import MAX_BODY_BYTES


def test_limits_oversized_body_is_413(client: TestClient) -> None:
    big = b'{"layers": [1, 1], "seed": 1' + b" " * MAX_BODY_BYTES + b"}"
    response = client.post("/api/networks", content=big,
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "body" in response.json()["detail"] and "limit" in response.json()["detail"]


def test_limits_oversized_streamed_body_is_413(client: TestClient) -> None:
    def chunks():
        yield b'{"seed": 1'
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b" " * 1024
        yield b"}"

    response = client.post("/api/networks", content=chunks(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_limits_streamed_body_under_the_limit_is_read(client: TestClient) -> None:
    def chunks():
        yield b'{"seed": '
        yield b"7}"

    response = client.post("/api/networks", content=chunks(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 201
    assert response.json()["seed"] == 7


def test_limits_security_headers_on_page_and_api(client: TestClient) -> None:
    for path in ("/", "/api/options", "/static/js/main.js"):
        headers = client.get(path).headers
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self';" in policy
        assert "unsafe-inline" not in policy
        assert headers["x-content-type-options"] == "nosniff"
    assert "unsafe-inline" in client.get("/docs").headers["content-security-policy"]


def test_limits_template_escapes_and_page_has_no_inline_script(client: TestClient) -> None:
    html = client.get("/").text
    assert "<script>" not in html and "onclick" not in html and "style=" not in html
    template = client.app.state.templates.get_template("index.html")
    html = template.render(title="<script>alert(1)</script>", url_for=lambda *a, **k: "")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_limits_body_that_is_not_text_is_422(client: TestClient) -> None:
    network_id = client.post("/api/networks", json={}).json()["id"]
    response = client.post(f"/api/networks/{network_id}/forward", content=b'5X\xff"\xfe,',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_limits_wrong_method_is_405_naming_every_allowed_method(client: TestClient) -> None:
    network_id = client.post("/api/networks", json={}).json()["id"]
    response = client.options(f"/api/networks/{network_id}")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) >= {"GET", "PATCH", "DELETE"}
    assert response.json()["detail"] == "Method Not Allowed"


def test_limits_booleans_and_strings_are_not_numbers(client: TestClient) -> None:
    network_id = client.post("/api/networks", json={}).json()["id"]
    for value in (False, "0.5"):
        response = client.put(f"/api/networks/{network_id}/weights/0/0/0", json={"value": value})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "value"


def test_limits_creation_needs_a_json_body(client: TestClient) -> None:
    """A form posted by another site (or a body-less POST) creates nothing: a network's
    settings are JSON, said so by Content-Type (the page sends it, with {} by default)."""
    for headers, body in [({}, None), ({"content-type": "application/x-www-form-urlencoded"},
                                       b"seed=1"), ({"content-type": "text/plain"}, b"{}")]:
        response = client.post("/api/networks", content=body, headers=headers)
        assert response.status_code == 415, response.text
        assert "application/json" in response.json()["detail"]
        assert response.json()["detail"].startswith("content-type:")
    assert client.post("/api/networks", json={}).status_code == 201
    made = client.post("/api/networks", content=b"",
                       headers={"content-type": "application/json; charset=utf-8"})
    assert made.status_code == 201  # said to be JSON: nothing sent means every default


def test_limits_one_client_creates_at_a_bounded_rate(monkeypatch) -> None:
    """2,100 creations in 2.4 s by one client evicted the networks of others: a client
    creates CREATE_BURST at once, then CREATE_PER_SECOND a second (429 with Retry-After
    beyond), across every worker (the buckets are in the store)."""
    from server.api import networks
    from server.main import create_app

    monkeypatch.setattr(networks, "CREATE_BURST", 5)
    monkeypatch.setattr(networks, "CREATE_PER_SECOND", 0.25)
    app = create_app()
    with TestClient(app, client=("10.0.0.7", 1)) as eager, \
            TestClient(app, client=("10.0.0.8", 1)) as other:
        assert [eager.post("/api/networks", json={}).status_code for _ in range(5)] == [201] * 5
        refused = eager.post("/api/networks", json={})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 5
        assert "too many networks created" in refused.json()["detail"]
        assert other.post("/api/networks", json={}).status_code == 201  # its own share
    limits = TestClient(create_app()).get("/api/options").json()["limits"]
    assert limits["max_creations_at_once"] >= 30 and limits["max_creations_per_second"] > 0
    assert limits["idempotency_seconds"] >= 60


def test_limits_the_most_points_a_body_may_hold_fit_in_the_body_cap(client: TestClient) -> None:
    """max_points_per_body points of 8 inputs and 8 targets, every number written in full
    (the longest JSON number in range), fit the byte cap /api/options says: 2,000 such
    points came to 684 KB and met a cap of 256 KiB (413)."""
    import json

    limits = client.get("/api/options").json()["limits"]
    assert limits["max_body_bytes"] == MAX_BODY_BYTES
    longest = -1.2345678901234567e-300  # json.dumps writes it in 24 characters
    assert len(json.dumps(longest)) == 24
    point = {"input": [longest] * limits["max_nodes"], "target": [longest] * limits["max_nodes"]}
    body = json.dumps({"points": [point] * limits["max_points_per_body"]}).encode()
    assert 600_000 < len(body) <= limits["max_body_bytes"]
    network = client.post("/api/networks", json={"layers": [8, 8]}).json()["id"]
    response = client.put(f"/api/networks/{network}/dataset", content=body,
                          headers={"content-type": "application/json"})
    assert response.status_code == 200, response.text[:300]
    assert len(response.json()["train"]) == limits["max_points_per_body"]
