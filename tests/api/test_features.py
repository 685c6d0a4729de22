"""Derived input features through the API (issue 23 §3): a network names them with
`features`, layers[0] counts them with the raw inputs; samples, points and datasets hold the
raw inputs, and the trace gives every input node's x and y, the features' computed."""

import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

ALL = ["x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"]


def _network(client: TestClient, **fields) -> tuple[str, dict]:
    made = client.post("/api/networks", json={"seed": 4, **fields})
    assert made.status_code == 201, made.json()
    return f"/api/networks/{made.json()['id']}", made.json()


def test_the_trace_gives_each_feature_computed_from_the_raw_inputs(client: TestClient) -> None:
    url, net = _network(client, layers=[7, 3, 1], features=ALL)
    assert net["features"] == ALL and net["layers"][0] == 7
    trace = client.post(f"{url}/forward", json={"input": [0.5, -1.5], "target": [1]}).json()
    assert trace["input"] == [0.5, -1.5]
    x1, x2 = 0.5, -1.5
    want = [x1, x2, x1 * x1, x2 * x2, x1 * x2, math.sin(x1), math.sin(x2)]
    assert [node["x"] for node in trace["nodes"][0]] == want
    assert [node["y"] for node in trace["nodes"][0]] == want
    # and the next layer sums all seven: x = Σ w·y + b
    w = np.array(net["weights"][0])
    assert trace["nodes"][1][0]["x"] == pytest.approx(float(np.dot(want, w[:, 0]) + 0.1),
                                                      rel=1e-15)
    back = client.post(f"{url}/backward").json()
    dE_dx = back["nodes"][1][0]["dE_dx"]
    # the weight out of x₁·x₂ learns as any weight: ∂E/∂w = y·∂E/∂x
    assert back["weights"][0][4][0]["dE_dw"] == pytest.approx(x1 * x2 * dE_dx, rel=1e-15)


def test_one_input_data_take_x_squared_and_sin_x(client: TestClient) -> None:
    url, _ = _network(client, layers=[3, 2, 1], features=["x1_squared", "sin_x1"])
    trace = client.post(f"{url}/forward", json={"input": [2.0], "target": [0.5]}).json()
    assert [node["y"] for node in trace["nodes"][0]] == [2.0, 4.0, math.sin(2.0)]


@pytest.mark.parametrize(("fields", "message"), [
    ({"layers": [2, 1], "features": ["x2_squared"]}, "x2_squared (x₂²) reads input 2, but the "
                                                      "data have 1 input"),
    ({"layers": [3, 1], "features": ["sin_x1", "sin_x1"]}, "'sin_x1' is named twice"),
    ({"layers": [2, 1], "features": ["x1_squared", "sin_x1"]}, "2 feature(s) need at least 3 "
                                                                "input nodes"),
])
def test_features_that_do_not_fit_are_refused_naming_the_field(client: TestClient, fields,
                                                               message) -> None:
    answer = client.post("/api/networks", json=fields)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "features"
    assert message in answer.json()["detail"]


def test_an_unknown_feature_is_refused(client: TestClient) -> None:
    answer = client.post("/api/networks", json={"layers": [3, 1], "features": ["cos_x1"]})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "features[0]"


def test_samples_points_and_datasets_hold_the_raw_inputs(client: TestClient) -> None:
    url, _ = _network(client, layers=[4, 3, 1], features=["x1_x2", "sin_x2"],
                      loss="cross_entropy")
    wide = client.post(f"{url}/forward", json={"input": [0.1, 0.2, 0.02, 0.2], "target": [1]})
    assert wide.status_code == 422
    assert wide.json()["detail"] == ("input: expected 2 values (one per raw input: the derived "
                                     "features are computed from them), got 4")
    assert client.get(url).json()["trace"] is None  # nothing changed
    one = client.put(f"{url}/dataset", json={"name": "sine"})
    assert one.status_code == 422 and "2 raw input node(s) (and 2 derived)" in one.json()["detail"]
    assert client.put(f"{url}/dataset", json={"name": "circle", "size": 50}).status_code == 200
    trained = client.post(f"{url}/train", json={"steps": 20, "batch_size": 5, "resolution": 4,
                                                "functions_resolution": 3}).json()
    assert math.isfinite(trained["train_loss"])
    pictures = trained["functions"]["values"]
    assert len(pictures[0]) == 4  # every input node's picture: x₁, x₂, x₁·x₂, sin x₂
    axis = np.linspace(-1.25, 1.25, 3)
    x1, x2 = np.meshgrid(axis, axis)
    np.testing.assert_allclose(pictures[0][2], x1 * x2, rtol=1e-15)
    np.testing.assert_allclose(pictures[0][3], np.sin(x2), rtol=1e-15)
    plain = client.post("/api/networks", json={"layers": [2, 2, 1]}).json()["id"]
    client.put(f"/api/networks/{plain}/dataset", json={"name": "circle", "size": 50})
    assert client.get(f"/api/networks/{plain}/functions", params={"resolution": 3}).json()[
        "values"][0] == []
    added = client.post(f"{url}/dataset/train", json={"input": [0.3, 0.4], "target": [1]})
    assert added.status_code == 200


def test_settings_keep_the_features_and_a_resumed_network_continues(client: TestClient) -> None:
    url, _ = _network(client, layers=[5, 3, 1], features=["x1_squared", "x2_squared", "x1_x2"],
                      optimizer="adam", learning_rate=0.05)
    sample = {"input": [0.3, -0.8], "target": [0.7]}
    client.post(f"{url}/step", json=sample)
    changed = client.patch(url, json={"activation": "relu"}).json()
    assert changed["features"] == ["x1_squared", "x2_squared", "x1_x2"]
    net = client.get(url).json()
    copy = client.post("/api/networks", json={
        key: net[key] for key in ("layers", "features", "activation", "output_activation",
                                  "loss", "learning_rate", "seed", "step", "optimizer",
                                  "optimizer_state")} | {
        "current_weights": net["weights"], "current_biases": net["biases"]}).json()
    a = client.post(f"{url}/step", json=sample).json()
    b = client.post(f"/api/networks/{copy['id']}/step", json=sample).json()
    assert a["weights"] == b["weights"] and a["nodes"] == b["nodes"]
