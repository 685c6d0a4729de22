"""Softmax with categorical cross entropy through the API (issue 22 §1): the trace, targets
that must be a probability vector, combinations refused by name, logits of ±1000, the
datasets with classes, and accuracy with its confusion table in /fit, /train and Play."""

import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.conftest import strict_json

SOFTMAX = {"output_activation": "softmax", "loss": "categorical_cross_entropy"}


def _network(client: TestClient, **fields) -> str:
    made = client.post("/api/networks", json={"layers": [2, 3, 3], "activation": "tanh",
                                              "seed": 4, **SOFTMAX, **fields})
    assert made.status_code == 201, made.text
    return f"/api/networks/{made.json()['id']}"


def test_softmax_api_forward_and_backward_trace(client: TestClient) -> None:
    url = _network(client)
    forward = client.post(f"{url}/forward", json={"input": [0.5, -0.8], "target": [0, 1, 0]})
    assert forward.status_code == 200, forward.text
    trace = strict_json(forward.text)
    out = trace["nodes"][2]
    x = np.array([n["x"] for n in out])
    y = np.array([n["y"] for n in out])
    np.testing.assert_allclose(y, np.exp(x) / np.exp(x).sum(), rtol=1e-14)  # each y_k of every x_j
    assert math.fsum(y) == pytest.approx(1.0, abs=1e-15)
    assert trace["error"] == pytest.approx(-math.log(y[1]), rel=1e-13)
    backward = strict_json(client.post(f"{url}/backward").text)
    out = backward["nodes"][2]
    np.testing.assert_allclose([n["dE_dy"] for n in out], [0.0, -1 / y[1], 0.0], rtol=1e-13)
    np.testing.assert_allclose([n["dE_dx"] for n in out], y - [0, 1, 0], rtol=1e-13,
                               atol=1e-16)
    check = strict_json(client.get(f"{url}/gradcheck").text)
    assert check["max_relative_difference"] < 1e-6


@pytest.mark.parametrize(("target", "words"), [
    ([0.5, 0.6, 0.0], "adding up to 1.1"),
    ([0.2, -0.2, 1.0], "got -0.2"),
    ([0.0, 0.0, 0.0], "adding up to 0"),
    ([1 / 3, 1 / 3, 1 / 3 + 1e-8], "adding up to 1.00000001"),
])
def test_softmax_api_refuses_a_target_that_is_not_a_probability_vector(
        client: TestClient, target, words) -> None:
    url = _network(client)
    before = client.get(url).json()
    response = client.post(f"{url}/forward", json={"input": [0.1, 0.2], "target": target})
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "target"
    assert "probability vector" in error["message"] and words in error["message"], error
    assert client.get(url).json() == before


def test_softmax_api_accepts_a_sum_within_1e_9(client: TestClient) -> None:
    url = _network(client)
    target = [0.1, 0.2, 0.7 + 5e-10]
    assert client.post(f"{url}/forward", json={"input": [0.1, 0.2],
                                               "target": target}).status_code == 200


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"loss": "squared"}, "loss", "needs the categorical_cross_entropy loss"),
    ({"output_activation": "sigmoid"}, "output_activation", "needs a softmax output"),
    ({"activation": "softmax"}, "activation", "output layer only"),
])
def test_softmax_api_settings_that_make_no_sense_are_refused(client: TestClient, change, field,
                                                             words) -> None:
    url = _network(client)
    response = client.patch(url, json=change)
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == field and words in error["message"], error


def test_softmax_api_switching_to_it_checks_the_targets_held(client: TestClient) -> None:
    made = client.post("/api/networks", json={"layers": [2, 3], "seed": 1})
    url = f"/api/networks/{made.json()['id']}"
    client.post(f"{url}/forward", json={"input": [0.1, 0.2], "target": [0.5, 0.5, 0.5]})
    refused = client.patch(url, json=SOFTMAX)
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "loss" and "adding up to 1.5" in error["message"]
    client.post(f"{url}/forward", json={"input": [0.1, 0.2], "target": [0.5, 0.5, 0.0]})
    assert client.patch(url, json=SOFTMAX).status_code == 200


def test_softmax_api_logits_of_a_thousand_give_a_finite_loss(client: TestClient) -> None:
    # x = (1000, −1000, 0) for the input 1: E = 2000 for the class at −1000, 0 for the first.
    url = _network(client, layers=[1, 3], weights=[[[1000.0, -1000.0, 0.0]]],
                   biases=[[0.0, 0.0, 0.0]])
    right = client.post(f"{url}/forward", json={"input": [1.0], "target": [1, 0, 0]})
    assert right.status_code == 200
    assert strict_json(right.text)["error"] == 0.0
    backward = client.post(f"{url}/backward")
    assert backward.status_code == 200
    assert [n["dE_dx"] for n in strict_json(backward.text)["nodes"][1]] == [0.0, 0.0, 0.0]
    wrong = client.post(f"{url}/forward", json={"input": [1.0], "target": [0, 1, 0]})
    assert wrong.status_code == 200
    assert strict_json(wrong.text)["error"] == 2000.0
    # dE/dy = −1/y = −e^2000 is beyond float64: refused as divergence, never an Infinity.
    refused = client.post(f"{url}/backward")
    assert refused.status_code == 409
    strict_json(refused.text)


def test_softmax_api_dataset_with_classes_fits_and_counts_the_confusion(
        client: TestClient) -> None:
    url = _network(client, layers=[2, 8, 3], learning_rate=0.5)
    data = client.put(f"{url}/dataset", json={"name": "clusters3", "size": 150, "noise": 0.1,
                                             "test_fraction": 0.2})
    assert data.status_code == 200, data.text
    fit = strict_json(client.get(f"{url}/fit").text)
    assert np.sum(fit["train_confusion"]) == 120 and np.sum(fit["test_confusion"]) == 30
    assert fit["train_accuracy"] == pytest.approx(np.trace(fit["train_confusion"]) / 120)
    trained = strict_json(client.post(f"{url}/train", json={"steps": 300,
                                                            "batch_size": 10}).text)
    assert trained["train_accuracy"] > 0.9, trained["train_accuracy"]
    matrix = np.array(trained["train_confusion"])
    assert matrix.shape == (3, 3) and matrix.sum() == 120
    assert trained["train_accuracy"] == pytest.approx(np.trace(matrix) / 120)
    points = client.get(f"{url}/dataset").json()["train"]
    classes = np.bincount([int(np.argmax(p["target"])) for p in points], minlength=3)
    assert matrix.sum(axis=1).tolist() == classes.tolist()  # rows: the true classes
    again = strict_json(client.get(f"{url}/fit").text)
    assert again["train_confusion"] == trained["train_confusion"]
    with client.websocket_connect(f"{url}/play") as ws:
        ws.send_json({"type": "play", "batch_size": 10})
        frame = ws.receive_json()
        assert frame["type"] == "frame", frame
        assert np.sum(frame["test_confusion"]) == 30 and frame["test_accuracy"] is not None
        ws.send_json({"type": "pause"})
        while ws.receive_json()["type"] != "paused":
            pass


def test_softmax_api_dataset_with_classes_needs_as_many_outputs(client: TestClient) -> None:
    made = client.post("/api/networks", json={"layers": [2, 3, 1], "seed": 1})
    url = f"/api/networks/{made.json()['id']}"
    refused = client.put(f"{url}/dataset", json={"name": "spiral3"})
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "name" and "3 target(s) per point" in error["message"]
    # Without softmax the binary datasets keep their 0.5 accuracy and no confusion table.
    client.put(f"{url}/dataset", json={"name": "xor", "size": 40})
    fit = client.get(f"{url}/fit").json()
    assert fit["train_accuracy"] is not None and fit["train_confusion"] is None


def test_softmax_api_function_carries_each_grid_points_class_and_confidence(
        client: TestClient) -> None:
    url = _network(client)
    grids = [strict_json(client.get(f"{url}/function", params={
        "resolution": 6, "layer": 2, "node": k}).text) for k in range(3)]
    classes, confidence = grids[0]["classes"], grids[0]["confidence"]
    values = np.array([g["values"] for g in grids])  # (class, row, column)
    assert np.array(classes).shape == (6, 6)
    np.testing.assert_array_equal(classes, np.argmax(values, axis=0))
    np.testing.assert_allclose(confidence, np.max(values, axis=0), rtol=1e-15)
    assert min(map(min, confidence)) >= 1 / 3
    assert client.put(f"{url}/dataset", json={"name": "clusters3"}).status_code == 200
    trained = strict_json(client.post(f"{url}/train", json={"steps": 1, "resolution": 4}).text)
    assert np.array(trained["function"]["classes"]).shape == (4, 4)
    plain = client.post("/api/networks", json={"layers": [2, 3, 1], "seed": 1}).json()["id"]
    answer = client.get(f"/api/networks/{plain}/function", params={"resolution": 4}).json()
    assert answer["classes"] is None and answer["confidence"] is None


def test_softmax_api_points_of_ones_own_must_be_probability_vectors(client: TestClient) -> None:
    url = _network(client)
    points = [{"input": [0.1, 0.2], "target": [1, 0, 0]},
              {"input": [0.3, 0.4], "target": [0.5, 0.2, 0.2]}]
    refused = client.put(f"{url}/dataset", json={"points": points})
    assert refused.status_code == 422
    error = refused.json()["errors"][0]
    assert error["field"] == "points[1]" and "adding up to 0.9" in error["message"], error
    points[1]["target"] = [0.5, 0.25, 0.25]
    assert client.put(f"{url}/dataset", json={"points": points}).status_code == 200
    added = client.post(f"{url}/dataset/train", json={"input": [0, 0], "target": [0, 0, 0]})
    assert added.status_code == 422 and added.json()["errors"][0]["field"] == "target"
    assert len(client.get(f"{url}/dataset").json()["train"]) == 2


def test_softmax_of_ten_classes_and_the_widths_a_layer_may_have(client) -> None:
    """Up to 10 output nodes (one per class, as the 10 digits); the input layer up to 64, a
    hidden one up to 32 (the 8×8 digits), each refusal naming its layer."""
    made = client.post("/api/networks", json={"layers": [2, 8, 10], "seed": 1,
                                              "output_activation": "softmax",
                                              "loss": "categorical_cross_entropy"})
    assert made.status_code == 201
    url = f"/api/networks/{made.json()['id']}"
    target = [0.0] * 9 + [1.0]
    step = client.post(f"{url}/step", json={"input": [0.1, -0.2], "target": target}).json()
    ys = [n["y"] for n in step["nodes"][2]]
    assert len(ys) == 10 and abs(sum(ys) - 1) < 1e-12
    assert [n["dE_dx"] for n in step["nodes"][2]] == pytest.approx(
        [y - t for y, t in zip(ys, target, strict=True)], rel=1e-12, abs=1e-15)
    for layers, field in (([2, 33, 10], "layers[1]"), ([65, 3], "layers[0]"),
                          ([2, 11], "layers[1]")):
        refused = client.post("/api/networks", json={"layers": layers})
        assert refused.status_code == 422, layers
        assert refused.json()["errors"][0]["field"] == field
    assert client.get("/api/options").json()["limits"]["max_outputs"] == 10
