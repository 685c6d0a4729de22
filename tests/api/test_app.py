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
        "/api/networks/{network_id}/gradcheck": ["get", "post"],
        "/api/networks/{network_id}/weights/{k}/{i}/{j}": ["put"],
        "/api/networks/{network_id}/biases/{k}/{j}": ["put"],
        "/api/networks/{network_id}/functions": ["get"],
        "/api/networks/{network_id}/landscape": ["post"],
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
        "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear", "softmax"]
    assert [a["name"] for a in options["activations"] if a["output_only"]] == ["softmax"]
    assert [loss["name"] for loss in options["losses"]] == [
        "squared", "cross_entropy", "categorical_cross_entropy"]
    assert [loss["target_sum"] for loss in options["losses"]] == [None, None, 1.0]
    assert options["limits"]["max_nodes"] == 8
    assert options["defaults"]["layers"] == [1, 2, 2, 1]
    assert {d["name"]: d["inputs"] for d in options["datasets"]} == {
        "line": 1, "step": 1, "sine": 1, "bump": 1,
        "circle": 2, "xor": 2, "gaussians": 2, "spiral": 2, "clusters3": 2, "spiral3": 2,
        "plane": 2, "multi_gaussian": 2, "digits": 64}
    assert {d["name"] for d in options["datasets"] if d["outputs"] == 3} == {
        "clusters3", "spiral3"}
    digits = next(d for d in options["datasets"] if d["name"] == "digits")
    assert (digits["outputs"], digits["image"], digits["classes"], digits["max_size"]) == (
        10, [8, 8], [str(k) for k in range(10)], 1797)


def test_app_options_serve_every_limit_and_default(client: TestClient) -> None:
    options = client.get("/api/options").json()
    limits = options["limits"]
    assert {key: limits[key] for key in (
        "max_steps_per_call", "max_dataset_size", "max_points_per_body", "max_resolution",
        "max_l2", "max_noise", "max_test_fraction", "plot_domain", "max_step")} == {
        "max_steps_per_call": 10_000, "max_dataset_size": 10_000, "max_points_per_body": 2000,
        "max_resolution": 100, "max_l2": 1, "max_noise": 1, "max_test_fraction": 0.9,
        "plot_domain": [-1.25, 1.25], "max_step": 10**12}
    assert options["dataset_defaults"] == {"name": "sine", "size": 200, "noise": 0.1,
                                           "seed": 0, "test_fraction": 0.2}
    assert options["training_defaults"] == {"batch_size": 32, "l2": 0.0, "steps": 100,
                                            "steps_per_frame": 10}
    assert options["defaults"] == {
        "layers": [1, 2, 2, 1], "features": [], "activation": "sigmoid",
        "output_activation": "sigmoid",
        "loss": "squared", "learning_rate": 0.5, "seed": None, "init": "glorot_uniform",
        "weights": None, "biases": None, "current_weights": None, "current_biases": None, "step": 0,
        "samples_trained": 0, "l2": 0.0, "l1": 0.0, "optimizer": "sgd", "momentum": 0.9,
        "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "optimizer_state": None}
    assert [o["name"] for o in options["optimizers"]] == ["sgd", "momentum", "adam"]
    assert {o["name"]: o["state"] for o in options["optimizers"]} == {
        "sgd": [], "momentum": ["v"], "adam": ["m", "s"]}
    assert (limits["max_l1"], limits["min_epsilon"], limits["max_epsilon"]) == (1, 1e-12, 1)


def test_app_options_limits_are_the_ones_enforced(client: TestClient) -> None:
    limits = client.get("/api/options").json()["limits"]
    network_id = client.post("/api/networks", json={}).json()["id"]
    url = f"/api/networks/{network_id}"
    too_many = [{"input": [0.1], "target": [0.2]}] * (limits["max_points_per_body"] + 1)
    for method, path, body, field in [
        ("post", "/train", {"steps": limits["max_steps_per_call"] + 1}, "steps"),
        ("post", "/train", {"l2": limits["max_l2"] * 1.01}, "l2"),
        ("post", "/train", {"resolution": limits["max_resolution"] + 1}, "resolution"),
        ("put", "/dataset", {"name": "sine", "noise": limits["max_noise"] * 1.01}, "noise"),
        ("put", "/dataset", {"name": "sine", "test_fraction": 0.91}, "test_fraction"),
        ("put", "/dataset", {"name": "sine", "size": limits["max_dataset_size"] + 1}, "size"),
        ("put", "/dataset", {"points": too_many}, "points"),
    ]:
        response = client.request(method, url + path, json=body)
        assert response.status_code == 422, (path, body)
        assert response.json()["errors"][0]["field"] == field
    lo, hi = limits["plot_domain"]
    function = client.get(f"{url}/function?resolution=3").json()
    assert function["domain"] == [lo, hi]


def test_app_start_keeps_what_it_made_out_of_the_garbage_collectors_walks() -> None:
    """In a process of its own: once the app has started, the objects it made are frozen
    (a full collection does not walk them), and garbage made afterwards is still collected."""
    import subprocess
    import sys

    program = """
import gc
from fastapi.testclient import TestClient
from server.main import create_app
frozen_before = gc.get_freeze_count()
with TestClient(create_app()) as client:
    assert client.get("/api/health").status_code == 200
    frozen = gc.get_freeze_count()
    cycle = []
    cycle.append(cycle)
    del cycle
    print(frozen_before, frozen, gc.collect())
"""
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    before, frozen, collected = map(int, out)
    assert before == 0 and frozen > 50_000 and collected >= 1
