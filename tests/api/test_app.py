"""The page, the offline docs, the OpenAPI schema and the options route."""

import re

from fastapi.testclient import TestClient


def test_app_serves_the_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "Backprop Playground" in response.text


def test_app_docs_load_nothing_from_the_internet(client: TestClient) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert sources and all(s.startswith("/") for s in sources)
    for source in sources:
        assert client.get(source).status_code == 200


def test_app_openapi_describes_every_route(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path, methods in {
        "/api/networks": ["post"],
        "/api/networks/{network_id}": ["get", "patch", "delete"],
        "/api/networks/{network_id}/forward": ["post"],
        "/api/networks/{network_id}/backward": ["post"],
        "/api/networks/{network_id}/update": ["post"],
        "/api/networks/{network_id}/step": ["post"],
        "/api/networks/{network_id}/reset": ["post"],
        "/api/networks/{network_id}/gradcheck": ["get"],
        "/api/networks/{network_id}/weights/{k}/{i}/{j}": ["put"],
        "/api/networks/{network_id}/biases/{k}/{j}": ["put"],
    }.items():
        for method in methods:
            operation = paths[path][method]
            assert operation["description"], (path, method)
            assert "422" in operation["responses"]


def test_app_options_list_activations_losses_and_limits(client: TestClient) -> None:
    response = client.get("/api/options")
    assert response.status_code == 200
    options = response.json()
    assert [a["name"] for a in options["activations"]] == [
        "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear"]
    assert [loss["name"] for loss in options["losses"]] == ["squared", "cross_entropy"]
    assert options["limits"]["max_nodes"] == 8
    assert options["defaults"]["layers"] == [1, 2, 2, 1]
    assert {d["name"]: d["inputs"] for d in options["datasets"]} == {
        "line": 1, "step": 1, "sine": 1, "bump": 1,
        "circle": 2, "xor": 2, "gaussians": 2, "spiral": 2}
