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
