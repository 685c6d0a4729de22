"""POST /landscape: E over a grid of two parameters, checked against the pass, the training
loss, convexity and backprop."""

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.conftest import strict_json

W1 = {"kind": "weight", "k": 1, "i": 0, "j": 0}
B1 = {"kind": "bias", "k": 1, "j": 0}
W0 = {"kind": "weight", "k": 0, "i": 0, "j": 1}
B0 = {"kind": "bias", "k": 0, "j": 0}


def network(client: TestClient, **body) -> str:
    response = client.post("/api/networks", json={"seed": 3, **body})
    assert response.status_code == 201, response.text
    return f"/api/networks/{response.json()['id']}"


def landscape(client: TestClient, url: str, **body) -> dict:
    response = client.post(f"{url}/landscape", json=body)
    assert response.status_code == 200, response.text
    return strict_json(response.text)


def test_landscape_current_point_is_the_pass_and_the_training_loss(client: TestClient) -> None:
    url = network(client)
    samples = [{"input": [0.3], "target": [0.9]}, {"input": [-0.5], "target": [0.2]}]
    trace = client.post(f"{url}/forward", json={"samples": samples}).json()
    before = client.get(url).json()
    body = landscape(client, url, a=W0, b=B0, resolution=5, span=0.5)
    assert client.get(url).json() == before  # changes nothing
    assert body["current"]["E"] == trace["error"]
    assert body["current"]["a"] == before["weights"][0][0][1]
    assert body["current"]["b"] == before["biases"][0][0]
    assert body["over"] == "sample" and body["a"] == W0 and body["b"] == B0
    assert len(body["a_values"]) == 5 and len(body["E"]) == 5 and len(body["E"][0]) == 5
    assert body["E"][2][2] == pytest.approx(trace["error"], rel=1e-12)
    assert body["a_values"][0] == pytest.approx(body["current"]["a"] - 0.5, abs=1e-15)
    client.put(f"{url}/dataset", json={"name": "sine", "size": 50})
    trained = client.post(f"{url}/train", json={"steps": 3}).json()
    over_train = landscape(client, url, a=W1, b=B1, over="train", resolution=3)
    assert over_train["current"]["E"] == trained["train_loss"]


def test_landscape_after_an_update_uses_the_updated_weights(client: TestClient) -> None:
    url = network(client)
    client.post(f"{url}/step", json={"input": [0.3], "target": [0.9]})
    trace = client.get(url).json()["trace"]
    body = landscape(client, url, a=W1, b=B1, resolution=3)
    assert body["current"]["E"] == trace["error_after"]


def test_landscape_of_a_linear_network_is_a_convex_bowl(client: TestClient) -> None:
    """1-1-1 linear, squared error, at its minimum: E = ½(w1·h + b1 − t)² in (w1, b1)."""
    url = network(client, layers=[1, 1, 1], activation="linear", output_activation="linear",
                  weights=[[[1.0]], [[0.5]]], biases=[[0.0], [0.5]])
    client.post(f"{url}/forward", json={"input": [1.0], "target": [1.0]})
    body = landscape(client, url, a=W1, b=B1, resolution=11, span=1.0)
    E = np.array(body["E"])
    assert body["current"]["E"] == 0.0 and E[5, 5] == 0.0
    assert (E >= 0.0).all()  # the centre, E = 0, is the lowest point
    assert (np.diff(E, 2, axis=0) >= -1e-12).all() and (np.diff(E, 2, axis=1) >= -1e-12).all()
    assert body["gradient"] == {"a": 0.0, "b": 0.0}


@pytest.mark.parametrize(("a", "b"), [(W0, B0), (W1, W0), (B1, B0)])
def test_landscape_gradient_equals_the_grids_central_difference(client: TestClient, a,
                                                                b) -> None:
    url = network(client, layers=[1, 2, 1], activation="tanh")
    client.post(f"{url}/forward", json={"input": [0.7], "target": [0.1]})
    body = landscape(client, url, a=a, b=b, resolution=3, span=1e-4)
    E = body["E"]
    da = (E[1][2] - E[1][0]) / (body["a_values"][2] - body["a_values"][0])
    db = (E[2][1] - E[0][1]) / (body["b_values"][2] - body["b_values"][0])
    assert body["gradient"]["a"] == pytest.approx(da, rel=1e-6, abs=1e-10)
    assert body["gradient"]["b"] == pytest.approx(db, rel=1e-6, abs=1e-10)
    backward = client.post(f"{url}/backward").json()
    if a["kind"] == "weight":
        assert body["gradient"]["a"] == backward["weights"][a["k"]][a["i"]][a["j"]]["dE_dw"]


@pytest.mark.parametrize(
    ("body", "field"),
    [({"a": {"kind": "weight", "k": 2, "i": 0, "j": 0}, "b": B1}, "a"),
     ({"a": W1, "b": {"kind": "weight", "k": 0, "i": 1, "j": 0}}, "b"),
     ({"a": W1, "b": {"kind": "bias", "k": 1, "j": 1}}, "b"),
     ({"a": W1, "b": W1}, "b"),
     ({"a": W1, "b": B1, "resolution": 2}, "resolution"),
     ({"a": W1, "b": B1, "resolution": 62}, "resolution"),
     ({"a": W1, "b": B1, "span": 0}, "span"),
     ({"a": W1, "b": B1, "span": 10.5}, "span"),
     ({"a": W1, "b": B1, "over": "test"}, "over"),
     ({"a": {"kind": "node", "k": 0, "j": 0}, "b": B1}, "a")],
)
def test_landscape_invalid_is_422_naming_the_field(client: TestClient, body, field) -> None:
    url = network(client, layers=[1, 2, 1])
    client.post(f"{url}/forward", json={"input": [0.7], "target": [0.1]})
    response = client.post(f"{url}/landscape", json=body)
    assert response.status_code == 422, response.text
    fields = [e["field"] for e in response.json()["errors"]]
    assert any(f == field or f.startswith(f"{field}.") or f.startswith(f"{field}[")
               for f in fields), fields


def test_landscape_without_a_pass_or_data_is_409(client: TestClient) -> None:
    url = network(client)
    assert client.post(f"{url}/landscape", json={"a": W1, "b": B1}).status_code == 409
    response = client.post(f"{url}/landscape", json={"a": W1, "b": B1, "over": "train"})
    assert response.status_code == 409
    assert "no training data" in response.json()["detail"]


def test_landscape_too_much_work_is_422_naming_resolution(client: TestClient) -> None:
    url = network(client, layers=[8] * 8)
    points = [{"input": [0.1 * (n % 7)] * 8, "target": [0.5] * 8} for n in range(1500)]
    assert client.put(f"{url}/dataset", json={"points": points}).status_code == 200
    a, b = {"kind": "weight", "k": 0, "i": 0, "j": 0}, {"kind": "bias", "k": 0, "j": 0}
    response = client.post(f"{url}/landscape", json={"a": a, "b": b, "over": "train",
                                                     "resolution": 61})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "resolution"
    assert "would take about" in response.json()["detail"]
    assert client.post(f"{url}/landscape", json={"a": a, "b": b, "over": "train",
                                                 "resolution": 3}).status_code == 200
