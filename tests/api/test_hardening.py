"""Regression tests for requests found by trying to break the server: each failed before its
fix (a 500, a half-applied call, an inconsistent answer, a reflected Host, ...)."""

import asyncio
import re
import threading
import time

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from server.main import create_app
from tests.conftest import strict_json

SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy",
                    "x-frame-options")


def _network(client: TestClient, **body) -> str:
    response = client.post("/api/networks", json={"seed": 1, **body})
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.mark.parametrize("name", ["line", "step", "sine", "bump", "circle", "xor", "gaussians",
                                  "spiral"])
def test_hardening_negative_zero_noise_is_no_noise(client: TestClient, name: str) -> None:
    inputs = 1 if name in ("line", "step", "sine", "bump") else 2
    url = f"/api/networks/{_network(client, layers=[inputs, 2, 1])}"
    body = {"name": name, "size": 20, "seed": 4}
    response = client.put(f"{url}/dataset", json={**body, "noise": -0.0})
    assert response.status_code == 200, response.text
    assert response.json()["noise"] == 0.0
    assert response.json() == client.put(f"{url}/dataset", json={**body, "noise": 0.0}).json()


def test_hardening_unexpected_error_is_json_with_security_headers() -> None:
    app = create_app()
    boom = APIRouter()

    @boom.get("/api/boom")
    def explode() -> None:
        raise RuntimeError("a bug")

    app.include_router(boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert "a bug" not in response.text  # no internals leak
    assert response.json()["detail"]
    for header in SECURITY_HEADERS:
        assert header in response.headers, header


@pytest.mark.parametrize("body", [{"layer": 9}, {"layer": 4}, {"node": 2, "layer": 1},
                                  {"node": 7}])
def test_hardening_train_with_a_bad_plot_node_trains_nothing(client: TestClient, body) -> None:
    url = f"/api/networks/{_network(client)}"
    client.put(f"{url}/dataset", json={"name": "sine", "size": 20})
    response = client.post(f"{url}/train", json={"steps": 3, "resolution": 5, **body})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] in ("layer", "node")
    assert client.get(url).json()["step"] == 0


def test_hardening_train_with_a_plot_of_three_inputs_trains_nothing(client: TestClient) -> None:
    url = f"/api/networks/{_network(client, layers=[3, 1])}"
    client.put(f"{url}/dataset", json={"points": [{"input": [0.1, 0.2, 0.3], "target": [1]}]})
    response = client.post(f"{url}/train", json={"steps": 3, "resolution": 5})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "resolution"
    assert client.get(url).json()["step"] == 0
    assert client.post(f"{url}/train", json={"steps": 3}).status_code == 200


def test_hardening_trace_after_a_learning_rate_change_is_self_consistent(
        client: TestClient) -> None:
    url = f"/api/networks/{_network(client)}"
    client.post(f"{url}/step", json={"input": [0.5], "target": [0.9]})
    client.patch(url, json={"learning_rate": 2})
    trace = client.get(url).json()["trace"]
    assert trace["learning_rate"] == 2
    for k, matrix in enumerate(trace["weights"]):
        for row in matrix:
            for link in row:
                if link["w_before"] is not None:  # an update trace: w from w_before at its rate
                    rate = trace["learning_rate"]
                    assert link["w"] == pytest.approx(link["w_before"] - rate * link["dE_dw"],
                                                      abs=1e-15), k
    # The pending pass is a new one on the same sample, with the weights in force now.
    assert trace["phase"] == "forward" and trace["input"] == [0.5]
    state = client.get(url).json()
    assert [[[w["w"] for w in row] for row in m] for m in trace["weights"]] == state["weights"]
    after = client.post(f"{url}/backward").json()
    updated = client.post(f"{url}/update").json()
    w = updated["weights"][0][0][0]
    assert w["w"] == pytest.approx(w["w_before"] - 2 * after["weights"][0][0][0]["dE_dw"],
                                   abs=1e-15)


def test_hardening_head_answers_as_get_without_a_body(client: TestClient) -> None:
    network_id = _network(client)
    for path in ("/", "/api/health", "/api/options", f"/api/networks/{network_id}",
                 "/static/js/main.js", f"/api/networks/{network_id}/function?resolution=3"):
        got = client.get(path)
        head = client.head(path)
        assert head.status_code == 200, path
        assert head.content == b"", path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers["content-length"] == got.headers["content-length"], path
        for header in SECURITY_HEADERS:
            assert header in head.headers
    missing = client.head("/api/networks/unknown")
    assert missing.status_code == 404 and missing.content == b""
    assert client.head(f"/api/networks/{network_id}/forward").status_code == 405


@pytest.mark.parametrize("path", ["/", "/api/networks/", "/static", "/docs", "/api/options/",
                                  "/api/networks/x/forward/"])
def test_hardening_host_header_is_never_reflected(client: TestClient, path: str) -> None:
    for method in ("GET", "POST"):
        response = client.request(method, path, headers={"host": "evil.example"},
                                  follow_redirects=False)
        assert response.status_code < 500
        assert "evil.example" not in response.text, (method, path)
        assert "evil.example" not in response.headers.get("location", ""), (method, path)


def test_hardening_page_links_its_files_by_path(client: TestClient) -> None:
    html = client.get("/", headers={"host": "evil.example"}).text
    assert re.search(r'src="/static/v/[0-9a-f]{12}/js/bundle\.js"', html)
    assert re.search(r'href="/static/v/[0-9a-f]{12}/css/style\.css"', html)
    assert "evil.example" not in html


def test_hardening_train_plot_comes_from_the_weights_in_the_answer(client: TestClient) -> None:
    url = f"/api/networks/{_network(client, layers=[2, 3, 1])}"
    client.put(f"{url}/dataset", json={"name": "xor", "size": 40})
    out = client.post(f"{url}/train", json={"steps": 20, "resolution": 6}).json()
    state = client.get(url).json()
    copy = _network(client, layers=[2, 3, 1], weights=out["weights"], biases=out["biases"])
    expected = client.get(f"/api/networks/{copy}/function?resolution=6").json()
    assert out["function"]["values"] == expected["values"]
    assert state["weights"] == out["weights"]


def test_hardening_train_seconds_exclude_the_wait_for_the_lock() -> None:
    app = create_app()
    with TestClient(app) as client:
        network_id = _network(client)
        url = f"/api/networks/{network_id}"
        client.put(f"{url}/dataset", json={"name": "sine", "size": 20})
        held = threading.Event()

        def hold() -> None:  # another call holds the network, on a loop of its own
            async def holding() -> None:
                lease = await app.state.store.acquire(network_id)
                held.set()
                await asyncio.sleep(0.3)
                await lease.release(unchanged=True)

            asyncio.run(holding())

        holder = threading.Thread(target=hold)
        holder.start()
        held.wait()
        started = time.perf_counter()
        response = client.post(f"{url}/train", json={"steps": 1, "resolution": 4})
        waited = time.perf_counter() - started
        holder.join()
    assert response.status_code == 200
    assert waited >= 0.25  # it did wait for the lock
    assert response.json()["seconds"] < 0.1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("", {"steps": 12.0}),  # train
        ("", {"steps": 12, "batch_size": 4.0, "resolution": 3.0, "layer": 1.0, "node": 0.0}),
    ],
)
def test_hardening_integral_floats_are_integers(client: TestClient, path, body) -> None:
    url = f"/api/networks/{_network(client)}"
    client.put(f"{url}/dataset", json={"name": "sine", "size": 20.0, "seed": 3.0})
    response = client.post(f"{url}/train{path}", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["step"] == 12


def test_hardening_integral_floats_in_create(client: TestClient) -> None:
    response = client.post("/api/networks", json={"layers": [2.0, 3, 1.0], "seed": 7.0,
                                                  "step": 4.0})
    assert response.status_code == 201, response.text
    out = response.json()
    assert out["layers"] == [2, 3, 1] and out["seed"] == 7 and out["step"] == 4
    assert out == {**client.post("/api/networks", json={"layers": [2, 3, 1], "seed": 7,
                                                        "step": 4}).json(), "id": out["id"]}


@pytest.mark.parametrize(("body", "field"), [({"steps": 1.5}, "steps"),
                                              ({"steps": True}, "steps"),
                                              ({"steps": "3"}, "steps"),
                                              ({"node": 1e300}, "node")])
def test_hardening_non_integers_are_still_refused(client: TestClient, body, field) -> None:
    url = f"/api/networks/{_network(client)}"
    client.put(f"{url}/dataset", json={"name": "sine", "size": 20})
    response = client.post(f"{url}/train", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_hardening_null_means_not_given(client: TestClient) -> None:
    url = f"/api/networks/{_network(client)}"
    response = client.put(f"{url}/dataset", json={"name": "sine", "points": None})
    assert response.status_code == 200, response.text
    points = [{"input": [0.1], "target": [0.2]}]
    response = client.put(f"{url}/dataset", json={"name": None, "points": points})
    assert response.status_code == 200, response.text
    response = client.put(f"{url}/dataset", json={"name": None, "points": None})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert client.post("/api/networks", json={"seed": None, "weights": None,
                                              "biases": None}).status_code == 201


def test_hardening_schema_says_a_dataset_is_a_name_or_points(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["DatasetCreate"]
    assert {tuple(option["required"]) for option in schema["oneOf"]} == {("name",), ("points",)}


BOM = b"\xef\xbb\xbf"


def test_hardening_byte_order_mark_is_one_rule_everywhere(client: TestClient) -> None:
    json_type = {"content-type": "application/json"}
    created = client.post("/api/networks", content=BOM + b'{"seed": 3}', headers=json_type)
    assert created.status_code == 201 and created.json()["seed"] == 3
    url = f"/api/networks/{created.json()['id']}"
    for method, path, body in [
        ("POST", "/forward", b'{"input": [0.5], "target": [1]}'),
        ("POST", "/step", b'{"input": [0.5], "target": [1]}'),
        ("PATCH", "", b'{"learning_rate": 1}'),
        ("PUT", "/weights/0/0/0", b'{"value": 0.5}'),
        ("PUT", "/dataset", b'{"name": "line", "size": 5}'),
        ("POST", "/train", b'{"steps": 2}'),
    ]:
        response = client.request(method, url + path, content=BOM + body, headers=json_type)
        assert response.status_code == 200, (path, response.text)
        strict_json(response.text)


def test_hardening_negative_zero_sent_is_zero_everywhere(client: TestClient) -> None:
    """One rule: a −0.0 sent is 0 (in weights, biases, inputs, targets, points, a value set
    by hand); none is echoed back as −0.0."""
    created = client.post("/api/networks", json={
        "layers": [1, 1], "activation": "linear", "output_activation": "linear", "seed": 1,
        "weights": [[[-0.0]]], "biases": [[-0.0]]})
    assert created.status_code == 201
    assert '"weights":[[[0.0]]]' in created.text.replace(" ", "")
    url = f"/api/networks/{created.json()['id']}"
    trace = client.post(f"{url}/forward", json={"input": [-0.0], "target": [-0.0]})
    assert trace.json()["input"] == [0.0] and '"input":[0.0]' in trace.text.replace(" ", "")
    assert '"target":[0.0]' in trace.text.replace(" ", "")
    set_by_hand = client.put(f"{url}/weights/0/0/0", json={"value": -0.0})
    assert "-0.0" not in set_by_hand.text.split('"trace"')[0]
    data = client.put(f"{url}/dataset", json={"points": [{"input": [-0.0], "target": [-0.0]}]})
    assert "-0.0" not in data.text and "-0" not in data.text


def test_hardening_null_for_a_form_is_what_the_schema_says(client: TestClient) -> None:
    """`"samples": null` on a step and `"points": null` on a dataset (and `input`, `target`,
    `name`) mean "not given", and the schema says so: the server and the schema agree on
    which bodies are valid."""
    import jsonschema_rs

    components = client.get("/openapi.json").json()["components"]

    def valid(model: str, body: dict) -> bool:
        schema = {"$ref": f"#/components/schemas/{model}", "components": components}
        return jsonschema_rs.validator_for(schema).is_valid(body)

    url = f"/api/networks/{_network(client)}"
    one = {"input": [0.5], "target": [0.2]}
    batch = [{"input": [0.5], "target": [0.2]}]
    points = [{"input": [0.1], "target": [0.3]}]
    for model, path, body in [
        ("SampleOrBatch", "/step", {**one, "samples": None}),
        ("SampleOrBatch", "/step", {"samples": batch, "input": None, "target": None}),
        ("SampleOrBatch", "/step", {"samples": None}),
        ("SampleOrBatch", "/step", {"input": [0.5], "target": None}),
        ("SampleOrBatch", "/step", {**one, "samples": batch}),
        ("SampleOrBatch", "/forward", {"samples": batch}),
        ("DatasetCreate", "/dataset", {"name": "sine", "points": None}),
        ("DatasetCreate", "/dataset", {"name": None, "points": points}),
        ("DatasetCreate", "/dataset", {"name": None, "points": None}),
        ("DatasetCreate", "/dataset", {"name": "sine", "points": points}),
        ("DatasetCreate", "/dataset", {}),
    ]:
        response = client.request("PUT" if path == "/dataset" else "POST", url + path,
                                  json=body)
        assert response.status_code in (200, 422), response.text
        assert valid(model, body) == (response.status_code == 200), (body, response.text)


def test_hardening_json_nested_too_deep_is_said_so(client: TestClient) -> None:
    url = f"/api/networks/{_network(client)}"
    deep = b'{"input": ' + b"[" * 1000 + b"]" * 1000 + b', "target": [0.5]}'
    response = client.post(f"{url}/step", content=deep,
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert "nested too deep" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "body"
    for header in SECURITY_HEADERS:
        assert header in response.headers


@pytest.mark.parametrize("protocol", ["SecureHttp", "SecureH11"])
@pytest.mark.parametrize("request_bytes", [
    b"FOO / HTTP/1.1\r\nHost: x\r\n\r\n",  # a method nobody knows
    b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",  # a URL of 100 KB
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n",  # TLS sent to plain HTTP
], ids=["unknown method", "100 KB URL", "not HTTP"])
def test_hardening_requests_uvicorn_cannot_read_are_answered_with_the_headers(
        protocol: str, request_bytes: bytes) -> None:
    """uvicorn answers these itself, before any middleware: its protocol (server.protocols,
    what cli.py and bench/server.py run) answers them as JSON with the security headers.
    (h11 reads some that httptools does not, such as the method FOO: then the app answers,
    with its headers too.)"""
    import json
    import socket

    import uvicorn

    from server import protocols

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           http=getattr(protocols, protocol),
                                           log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.01)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(request_bytes)
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
    finally:
        server.should_exit = True
        thread.join(10)
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0].startswith("HTTP/1.1 4"), lines[0]
    if protocol == "SecureHttp":  # uvicorn's choice where httptools is installed
        assert lines[0] == "HTTP/1.1 400 Bad Request"
    headers = {line.split(":", 1)[0].lower() for line in lines[1:]}
    for header in SECURITY_HEADERS:
        assert header in headers, (header, head)
    assert json.loads(body)["detail"]
