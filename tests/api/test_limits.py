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
    network_id = client.post("/api/networks").json()["id"]
    response = client.post(f"/api/networks/{network_id}/forward", content=b'5X\xff"\xfe,',
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_limits_wrong_method_is_405_naming_every_allowed_method(client: TestClient) -> None:
    network_id = client.post("/api/networks").json()["id"]
    response = client.options(f"/api/networks/{network_id}")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) >= {"GET", "PATCH", "DELETE"}
    assert response.json()["detail"] == "Method Not Allowed"


def test_limits_booleans_and_strings_are_not_numbers(client: TestClient) -> None:
    network_id = client.post("/api/networks").json()["id"]
    for value in (False, "0.5"):
        response = client.put(f"/api/networks/{network_id}/weights/0/0/0", json={"value": value})
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "value"
