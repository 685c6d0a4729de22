"""Cross-entropy through the API: exact near saturation, and targets that are probabilities."""

import math

import pytest
from fastapi.testclient import TestClient

from tests.conftest import strict_json


def saturated(client: TestClient, x: float) -> str:
    """A 1-1 sigmoid network with cross-entropy whose output's x is `x` for the input 1."""
    response = client.post("/api/networks", json={
        "layers": [1, 1], "output_activation": "sigmoid", "loss": "cross_entropy",
        "learning_rate": 0.5, "weights": [[[1.0]]], "biases": [[x - 1.0]]})
    assert response.status_code == 201, response.text
    return response.json()["id"]


@pytest.mark.parametrize("x", [37.0, 100.0, 700.0, 745.0, 1000.0])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_cross_entropy_api_matching_target_near_saturation(client: TestClient, x: float,
                                                           sign: float) -> None:
    """Target 1 for a large positive x, 0 for a large negative one: E ≈ 0, dE/dy = −1/y or
    1/(1 − y) (≈ ∓1), dE/dx = y − t; forward, backward, step and train all answer."""
    x *= sign
    t = 1.0 if sign > 0 else 0.0
    net = saturated(client, x)
    sample = {"input": [1.0], "target": [t]}
    forward = client.post(f"/api/networks/{net}/forward", json=sample)
    assert forward.status_code == 200, forward.text
    trace = strict_json(forward.text)
    assert trace["nodes"][1][0]["x"] == x
    assert trace["error"] == pytest.approx(math.log1p(math.exp(-abs(x))), abs=1e-300)
    backward = client.post(f"/api/networks/{net}/backward")
    assert backward.status_code == 200, backward.text
    out = strict_json(backward.text)["nodes"][1][0]
    expected_dy = -(1.0 + math.exp(-x)) if t == 1.0 else 1.0 + math.exp(x)
    assert out["dE_dy"] == pytest.approx(expected_dy, rel=1e-14)
    small = math.exp(-abs(x))
    expected_dx = -sign * small / (1.0 + small)  # y − t: −σ(−x) for t = 1, σ(x) for t = 0
    assert out["dE_dx"] == pytest.approx(expected_dx, rel=1e-14, abs=1e-320)
    step = client.post(f"/api/networks/{net}/step", json=sample)
    assert step.status_code == 200, step.text
    assert strict_json(step.text)["step"] == 1
    data = client.put(f"/api/networks/{net}/dataset", json={"points": [sample]})
    assert data.status_code == 200, data.text
    trained = client.post(f"/api/networks/{net}/train", json={"steps": 5})
    assert trained.status_code == 200, trained.text
    assert strict_json(trained.text)["train_loss"] == pytest.approx(
        math.log1p(math.exp(-abs(x))), rel=1e-6, abs=1e-300)


@pytest.mark.parametrize("x", [37.0, 100.0, 700.0])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_cross_entropy_api_opposite_target_near_saturation(client: TestClient, x: float,
                                                           sign: float) -> None:
    """The far target: E = |x| (about), dE/dy = 1 + e^|x| (finite up to 709), dE/dx = ±1."""
    x *= sign
    t = 0.0 if sign > 0 else 1.0
    net = saturated(client, x)
    client.post(f"/api/networks/{net}/forward", json={"input": [1.0], "target": [t]})
    backward = client.post(f"/api/networks/{net}/backward")
    assert backward.status_code == 200, backward.text
    trace = strict_json(backward.text)
    assert trace["error"] == pytest.approx(abs(x), rel=1e-15)
    node = trace["nodes"][1][0]
    assert node["dE_dy"] == pytest.approx(math.copysign(1.0 + math.exp(abs(x)), x), rel=1e-13)
    assert node["dE_dx"] == pytest.approx(math.copysign(1.0, x), rel=1e-15)


@pytest.mark.parametrize("x", [745.0, 1000.0])
def test_cross_entropy_api_infinite_derivative_is_409_but_training_runs(client: TestClient,
                                                                         x: float) -> None:
    """With the far target beyond |x| ≈ 709, dE/dy = 1 + e^|x| is truly beyond float64:
    the backward pass, which shows it, is refused; training, which needs only dE/dx = y − t,
    runs."""
    net = saturated(client, x)
    sample = {"input": [1.0], "target": [0.0]}
    assert client.post(f"/api/networks/{net}/forward", json=sample).status_code == 200
    backward = client.post(f"/api/networks/{net}/backward")
    assert backward.status_code == 409
    assert "diverged" in backward.json()["detail"]
    assert client.get(f"/api/networks/{net}").json()["phase"] == "forward"
    client.put(f"/api/networks/{net}/dataset", json={"points": [sample]})
    trained = client.post(f"/api/networks/{net}/train", json={"steps": 1})
    assert trained.status_code == 200, trained.text
    # w ← w − 0.5·(y − t)·1 = 1 − 0.5, b likewise
    assert strict_json(trained.text)["weights"] == [[[0.5]]]


def cross_entropy_network(client: TestClient, **body) -> str:
    response = client.post("/api/networks", json={"loss": "cross_entropy", "seed": 1, **body})
    assert response.status_code == 201, response.text
    return f"/api/networks/{response.json()['id']}"


RULE = "with cross entropy a target is a probability between 0 and 1; got"


@pytest.mark.parametrize("route", ["forward", "step"])
@pytest.mark.parametrize("target", [1.5, -0.25])
def test_cross_entropy_target_outside_0_1_is_422(client: TestClient, route: str,
                                                 target: float) -> None:
    url = cross_entropy_network(client)
    before = client.get(url).json()
    response = client.post(f"{url}/{route}", json={"input": [0.3], "target": [target]})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "target", "message": f"{RULE} {target:g}"}]
    assert client.get(url).json() == before
    ok = client.post(f"{url}/{route}", json={"input": [0.3], "target": [1.0]})
    assert ok.status_code == 200


def test_cross_entropy_dataset_points_outside_0_1_are_422(client: TestClient) -> None:
    url = cross_entropy_network(client)
    points = [{"input": [0.1], "target": [0.5]}, {"input": [0.2], "target": [1.5]}]
    response = client.put(f"{url}/dataset", json={"points": points})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "points[1]", "message": f"{RULE} 1.5"}]
    assert client.get(f"{url}/dataset").json() is None
    added = client.post(f"{url}/dataset/train", json={"input": [0.1], "target": [-1.0]})
    assert added.status_code == 422
    assert added.json()["errors"] == [{"field": "target", "message": f"{RULE} -1"}]
    assert client.get(f"{url}/dataset").json() is None


def test_cross_entropy_noisy_built_in_dataset_is_422_naming_noise(client: TestClient) -> None:
    url = cross_entropy_network(client)
    response = client.put(f"{url}/dataset", json={"name": "sine", "noise": 1.0, "size": 500})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "noise"
    assert "sine dataset with noise 1 has targets from" in error["message"]
    assert client.get(f"{url}/dataset").json() is None
    # without noise every built-in target is in [0, 1]; the classification sets at any noise
    for body in ({"name": "sine", "noise": 0.0}, {"name": "bump", "noise": 0.0},
                 {"name": "line", "noise": 0.0}, {"name": "step", "noise": 0.0}):
        assert client.put(f"{url}/dataset", json=body).status_code == 200, body
    two = cross_entropy_network(client, layers=[2, 2, 1])
    for name in ("circle", "xor", "gaussians", "spiral"):
        answer = client.put(f"{two}/dataset", json={"name": name, "noise": 1.0})
        assert answer.status_code == 200, name


def test_cross_entropy_patch_loss_refused_by_pending_target_or_dataset(
        client: TestClient) -> None:
    response = client.post("/api/networks", json={"seed": 1})
    url = f"/api/networks/{response.json()['id']}"
    client.post(f"{url}/forward", json={"input": [0.3], "target": [1.5]})
    before = client.get(url).json()
    refused = client.patch(url, json={"loss": "cross_entropy"})
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "loss"
    assert "the current sample has the target 1.5" in error["message"]
    assert client.get(url).json() == before
    client.post(f"{url}/forward", json={"input": [0.3], "target": [1.0]})
    client.put(f"{url}/dataset", json={"points": [{"input": [0.1], "target": [0.5]},
                                                 {"input": [0.2], "target": [2.0]}],
                                      "test_fraction": 0.5})
    before = client.get(url).json()
    refused = client.patch(url, json={"loss": "cross_entropy"})
    assert refused.status_code == 422
    assert "the test set has the target 2" in refused.json()["errors"][0]["message"]
    assert client.get(url).json() == before
    client.delete(f"{url}/dataset/test/0")
    assert client.patch(url, json={"loss": "cross_entropy"}).status_code == 200
