"""The dataset, train and function routes (api/data_routes.py)."""

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.conftest import strict_json


def _network(client: TestClient, **body) -> str:
    response = client.post("/api/networks", json={"seed": 1, **body})
    assert response.status_code == 201
    return response.json()["id"]


def test_training_dataset_is_generated_split_and_read_back(client: TestClient) -> None:
    url = f"/api/networks/{_network(client)}"
    assert client.get(f"{url}/dataset").json() is None
    response = client.put(f"{url}/dataset", json={"name": "bump", "size": 50, "noise": 0.0,
                                                  "seed": 3, "test_fraction": 0.2})
    assert response.status_code == 200
    data = response.json()
    assert (len(data["train"]), len(data["test"])) == (40, 10)
    assert data["name"] == "bump" and data["size"] == 50
    assert client.get(f"{url}/dataset").json() == data
    again = client.put(f"{url}/dataset", json={"name": "bump", "size": 50, "noise": 0.0,
                                               "seed": 3, "test_fraction": 0.2}).json()
    assert again == data  # deterministic by seed


def test_training_own_points_added_and_removed(client: TestClient) -> None:
    url = f"/api/networks/{_network(client)}"
    response = client.post(f"{url}/dataset/train", json={"input": [0.5], "target": [0.9]})
    assert response.status_code == 200
    assert response.json()["train"] == [{"input": [0.5], "target": [0.9]}]
    client.post(f"{url}/dataset/test", json={"input": [-0.5], "target": [0.1]})
    data = client.post(f"{url}/dataset/train", json={"input": [0.1], "target": [0.2]}).json()
    assert len(data["train"]) == 2 and len(data["test"]) == 1 and data["name"] is None
    data = client.delete(f"{url}/dataset/train/0").json()
    assert data["train"] == [{"input": [0.1], "target": [0.2]}]
    points = [{"input": [x / 10], "target": [0.5]} for x in range(10)]
    data = client.put(f"{url}/dataset", json={"points": points, "test_fraction": 0.3}).json()
    assert len(data["train"]) == 7 and data["test"][0] == points[7]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("put", "/dataset", {"name": "xor"}, 422, "name"),
        ("put", "/dataset", {}, 422, "name"),
        ("put", "/dataset", {"name": "line", "points": [{"input": [1], "target": [1]}]}, 422,
         "name"),
        ("put", "/dataset", {"name": "line", "size": 0}, 422, "size"),
        ("put", "/dataset", {"name": "line", "size": 10_001}, 422, "size"),
        ("put", "/dataset", {"name": "line", "noise": 2}, 422, "noise"),
        ("put", "/dataset", {"name": "moons"}, 422, "name"),
        ("put", "/dataset", {"points": [{"input": [1, 2], "target": [1]}]}, 422, "points[0]"),
        ("put", "/dataset", {"points": [{"input": [1], "target": [1]},
                                        {"input": [1, 2], "target": [1]}]}, 422, "points[1]"),
        ("post", "/dataset/train", {"input": [1, 2], "target": [1]}, 422, "input"),
        ("post", "/dataset/valid", {"input": [1], "target": [1]}, 422, "part"),
        ("delete", "/dataset/train/3", None, 422, "index"),
        ("post", "/train", {"steps": 0}, 422, "steps"),
        ("post", "/train", {"steps": 10_001}, 422, "steps"),
        ("post", "/train", {"batch_size": 0}, 422, "batch_size"),
        ("post", "/train", {"l2": -0.1}, 422, "l2"),
        ("post", "/train", {"resolution": 101}, 422, "resolution"),
        ("get", "/function?resolution=1", None, 422, "resolution"),
        ("get", "/function?layer=4", None, 422, "layer"),
        ("get", "/function?layer=1&node=2", None, 422, "node"),
    ],
)
def test_training_invalid_requests_are_422(client: TestClient, method, path, body, status,
                                           field) -> None:
    url = f"/api/networks/{_network(client)}"
    response = client.request(method, f"{url}{path}", json=body)
    assert response.status_code == status, response.text
    assert field in [e["field"] for e in response.json()["errors"]]


def test_training_without_data_is_409(client: TestClient) -> None:
    url = f"/api/networks/{_network(client)}"
    response = client.post(f"{url}/train", json={"steps": 5})
    assert response.status_code == 409
    assert "no training data" in response.json()["detail"]


def test_training_one_call_is_limited_to_about_a_second(client: TestClient) -> None:
    small = f"/api/networks/{_network(client)}"
    client.put(f"{small}/dataset", json={"name": "line", "size": 1000})
    response = client.post(f"{small}/train", json={"steps": 10_000, "batch_size": 1000})
    assert response.status_code == 422
    assert "would take about" in response.json()["detail"]
    assert response.json()["errors"][0]["field"] == "steps"
    big = f"/api/networks/{_network(client, layers=[8] * 8)}"
    points = [{"input": [0.1] * 8, "target": [0.5] * 8}] * 200
    client.put(f"{big}/dataset", json={"points": points})
    # the same call that a small network may make is too long for the largest one
    call = {"steps": 10_000, "batch_size": 100}
    assert client.post(f"{small}/train", json=call).status_code == 200
    assert client.post(f"{big}/train", json=call).status_code == 422


def test_training_lowers_the_loss_and_reports_it(client: TestClient) -> None:
    url = f"/api/networks/{_network(client, activation='tanh', layers=[1, 6, 1])}"
    client.put(f"{url}/dataset", json={"name": "sine", "size": 200, "test_fraction": 0.25})
    response = client.post(f"{url}/train", json={"steps": 2000, "batch_size": 16,
                                                 "resolution": 11})
    assert response.status_code == 200
    out = strict_json(response.text)
    # 150 training points: each epoch is 9 batches of 16 and a last batch of 6
    assert out["step"] == 2000 and out["samples_trained"] == 200 * 150
    assert out["epoch"] == 200
    assert len(out["history"]) == 200 and out["history"][0]["step"] == 1
    assert out["train_loss"] < out["history"][0]["loss"] / 2
    assert out["test_loss"] is not None
    function = out["function"]
    assert function["inputs"] == 1 and len(function["values"]) == 11
    assert function["domain"] == [-1.25, 1.25] and function["layer"] == 2
    state = client.get(url).json()
    assert state["weights"] == out["weights"] and state["step"] == 2000
    assert state["trace"] is None  # a pass pending before training is stale now
    reset = client.post(f"{url}/reset").json()
    assert reset["step"] == 0
    again = client.post(f"{url}/train", json={"steps": 1, "batch_size": 1}).json()
    assert again["samples_trained"] == 1  # a reset starts the epochs again


def test_training_function_of_a_hidden_node_and_of_a_2d_network(client: TestClient) -> None:
    url = f"/api/networks/{_network(client, layers=[2, 3, 1])}"
    response = client.get(f"{url}/function?resolution=4&layer=1&node=2")
    assert response.status_code == 200
    function = response.json()
    assert function["inputs"] == 2 and len(function["values"]) == 4
    assert all(len(row) == 4 for row in function["values"])
    assert all(0 < v < 1 for row in function["values"] for v in row)
    wide = f"/api/networks/{_network(client, layers=[3, 1])}"
    assert client.get(f"{wide}/function").status_code == 422


def test_training_diverging_run_is_409_and_keeps_the_weights(client: TestClient) -> None:
    net = _network(client, activation="relu", output_activation="linear", learning_rate=10,
                   layers=[1, 8, 8, 1])
    url = f"/api/networks/{net}"
    points = [{"input": [1e6], "target": [-1e6]}] * 4
    client.put(f"{url}/dataset", json={"points": points})
    before = client.get(url).json()
    response = client.post(f"{url}/train", json={"steps": 500, "batch_size": 4})
    assert response.status_code == 409
    assert "diverged" in response.json()["detail"]
    after = client.get(url).json()
    assert after["weights"] == before["weights"] and after["step"] == before["step"]


def test_training_network_resumes_from_current_weights_and_step(client: TestClient) -> None:
    original = client.post("/api/networks", json={"seed": 5}).json()
    url = f"/api/networks/{original['id']}"
    for _ in range(3):
        client.post(f"{url}/step", json={"input": [0.5], "target": [0.1]})
    now = client.get(url).json()
    resumed = client.post("/api/networks", json={
        "seed": 5, "weights": original["weights"], "biases": original["biases"],
        "current_weights": now["weights"], "current_biases": now["biases"], "step": 3,
    }).json()
    assert resumed["weights"] == now["weights"] and resumed["step"] == 3
    reset = client.post(f"/api/networks/{resumed['id']}/reset").json()
    assert reset["weights"] == original["weights"]
    half = client.post("/api/networks", json={"current_weights": now["weights"]})
    assert half.status_code == 422
    assert half.json()["errors"][0]["field"] == "current_biases"


def test_training_samples_count_on_when_points_are_added(client: TestClient) -> None:
    url = f"/api/networks/{_network(client)}"
    client.put(f"{url}/dataset", json={"name": "line", "size": 10})
    first = client.post(f"{url}/train", json={"steps": 5, "batch_size": 2}).json()
    assert first["samples_trained"] == 10
    client.post(f"{url}/dataset/train", json={"input": [0.3], "target": [0.4]})
    second = client.post(f"{url}/train", json={"steps": 1, "batch_size": 11}).json()
    assert second["samples_trained"] == 21  # a new epoch on new data, not a new count


def test_training_resumed_network_counts_on_from_its_samples_trained(client: TestClient) -> None:
    created = client.post("/api/networks", json={"samples_trained": 640, "step": 20})
    assert created.status_code == 201
    url = f"/api/networks/{created.json()['id']}"
    client.put(f"{url}/dataset", json={"name": "line", "size": 10})
    out = client.post(f"{url}/train", json={"steps": 1, "batch_size": 5}).json()
    assert out["samples_trained"] == 645 and out["epoch"] == 64.5 and out["step"] == 21
    reset = client.post(f"{url}/reset")
    assert reset.status_code == 200
    again = client.post(f"{url}/train", json={"steps": 1, "batch_size": 5}).json()
    assert again["samples_trained"] == 5  # a reset starts the count again
    refused = client.post("/api/networks", json={"samples_trained": -1})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "samples_trained"


def test_data_routes_dataset_json_equals_the_response_model() -> None:
    """The datasets' answers are written by orjson without a model per point; they are what
    the response model says, to the number."""
    import json

    from server.api.render import dataset_answer
    from server.api.requests import Sample
    from server.api.responses import DatasetOut
    from server.networks.store import MemoryStore

    network = MemoryStore().create(layers=(2, 3, 1), seed=1)
    for dataset in (network.generate_dataset("spiral", 300, 0.1, 2, 0.25),
                    network.add_point("test", np.array([0.5, -0.25]), np.array([1.0]))):
        model = DatasetOut(
            name=dataset.name, size=dataset.size, noise=dataset.noise, seed=dataset.seed,
            test_fraction=dataset.test_fraction,
            train=[Sample(input=list(x), target=list(t)) for x, t in zip(
                dataset.train.X.tolist(), dataset.train.T.tolist(), strict=True)],
            test=[Sample(input=list(x), target=list(t)) for x, t in zip(
                dataset.test.X.tolist(), dataset.test.T.tolist(), strict=True)])
        assert json.loads(dataset_answer(dataset).body) == model.model_dump(mode="json")
        assert dataset_answer(dataset).body == dataset_answer(dataset).body  # kept, alike
    assert json.loads(dataset_answer(None).body) is None


def test_training_a_point_that_does_not_fit_is_named_as_the_point(client: TestClient) -> None:
    """It said "the data has 2 input(s)" of one typed point."""
    url = f"/api/networks/{_network(client)}"
    r = client.post(f"{url}/dataset/train", json={"input": [0.1, 0.2], "target": [0.5]})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"field": "input", "message": (
        "the point has 2 inputs and 1 target, but the network has 1 input node and 1 output "
        "node")}]
    r = client.put(f"{url}/dataset", json={"points": [{"input": [0.1], "target": [0.5]},
                                                      {"input": [0.1, 0.2], "target": [0.5]}]})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "points[1]"
    assert r.json()["errors"][0]["message"].startswith("point 1 has 2 inputs and 1 target")


def _reference_fit(network: dict, points: list[dict]) -> tuple[float | None, float | None]:
    """E and accuracy written out plainly, one point at a time, from x (as the loss is
    defined: cross entropy from the output's x, with log-sum-exp, never from a clipped y)."""
    if not points:
        return None, None
    f = {"sigmoid": lambda x: 1 / (1 + np.exp(-x)), "tanh": np.tanh,
         "linear": lambda x: x, "relu": lambda x: np.maximum(x, 0)}
    errors, right = [], 0
    binary = all(t in (0.0, 1.0) for p in points for t in p["target"])
    for p in points:
        y = np.array(p["input"], dtype=np.float64)
        L = len(network["weights"])
        for k, (W, b) in enumerate(zip(network["weights"], network["biases"], strict=True)):
            x = y @ np.array(W) + np.array(b)
            y = f[network["output_activation"] if k == L - 1 else network["activation"]](x)
        t = np.array(p["target"])
        if network["loss"] == "cross_entropy":  # −t·log σ(x) − (1−t)·log(1−σ(x))
            errors.append(float(np.sum(np.logaddexp(0, -x) * t + np.logaddexp(0, x) * (1 - t))))
        else:
            errors.append(float(0.5 * np.sum((y - t) ** 2)))
        right += bool(np.all((y >= 0.5) == (t == 1)))
    return float(np.mean(errors)), (right / len(points) if binary else None)


@pytest.mark.parametrize(("settings", "dataset"), [
    ({"layers": [2, 3, 1]}, {"name": "xor", "size": 120, "noise": 0.1, "seed": 2,
                             "test_fraction": 0.25}),
    ({"layers": [2, 4, 1], "activation": "tanh", "loss": "cross_entropy"},
     {"name": "circle", "size": 80, "noise": 0.0, "seed": 1, "test_fraction": 0.5}),
    ({"layers": [1, 3, 1], "activation": "relu", "output_activation": "linear"},
     {"name": "sine", "size": 60, "noise": 0.1, "seed": 4, "test_fraction": 0.2}),
])
def test_fit_is_the_mean_error_and_accuracy_over_each_part(client: TestClient, settings: dict,
                                                           dataset: dict) -> None:
    """GET /fit: what the page shows under the plot (it computed it again itself, clipping y
    for cross entropy where the server computes from x)."""
    url = f"/api/networks/{_network(client, **settings)}"
    empty = client.get(f"{url}/fit").json()
    assert empty == {"step": 0, "train_loss": None, "test_loss": None,
                     "train_accuracy": None, "test_accuracy": None,
                     "train_confusion": None, "test_confusion": None}
    data = client.put(f"{url}/dataset", json=dataset).json()
    trained = client.post(f"{url}/train", json={"steps": 30, "batch_size": 10}).json()
    network = client.get(url).json()
    fit = strict_json(client.get(f"{url}/fit").text)
    assert fit["step"] == network["step"] == 30
    for part in ("train", "test"):
        loss, accuracy = _reference_fit(network, data[part])
        assert fit[f"{part}_loss"] == pytest.approx(loss, rel=1e-12, abs=1e-15)
        assert fit[f"{part}_accuracy"] == accuracy
        # the training answer says the same, to the bit
        assert trained[f"{part}_loss"] == fit[f"{part}_loss"]
        assert trained[f"{part}_accuracy"] == fit[f"{part}_accuracy"]
    binary = dataset["name"] != "sine"
    assert (fit["train_accuracy"] is not None) == binary


def test_fit_follows_the_weights_and_the_points(client: TestClient) -> None:
    url = f"/api/networks/{_network(client)}"
    client.post(f"{url}/dataset/train", json={"input": [0.5], "target": [1.0]})
    before = client.get(f"{url}/fit").json()
    assert before["test_loss"] is None and before["train_accuracy"] in (0.0, 1.0)
    client.put(f"{url}/biases/2/0", json={"value": 9.0})  # the output near 1: right, small E
    after = client.get(f"{url}/fit").json()
    assert after["train_accuracy"] == 1.0 and after["train_loss"] < before["train_loss"]
    client.post(f"{url}/dataset/train", json={"input": [-0.5], "target": [0.3]})
    mixed = client.get(f"{url}/fit").json()
    assert mixed["train_accuracy"] is None  # a target neither 0 nor 1: no accuracy
    assert client.get("/api/networks/nope/fit").status_code == 404


def test_training_with_every_point_held_out_says_so(client: TestClient) -> None:
    """A new user's 2 points at a test share of 0.9 were all test points, and training said
    'there are no training points yet: choose a dataset'."""
    url = f"/api/networks/{_network(client)}"
    client.put(f"{url}/dataset", json={"points": [{"input": [0.1], "target": [0.2]},
                                                  {"input": [0.3], "target": [0.4]}],
                                       "test_fraction": 0.9})
    r = client.post(f"{url}/train", json={"steps": 1})
    assert r.status_code == 409
    assert "every one of the 2 points is a test point (test share 0.9)" in r.json()["detail"]
