"""The /api/networks routes: happy paths checked against independent arithmetic, and errors."""

import math

import pytest
from fastapi.testclient import TestClient

from tests.conftest import strict_json

# A 1-2-1 network whose numbers are easy to follow by hand.
HAND = {
    "layers": [1, 2, 1],
    "activation": "sigmoid",
    "output_activation": "sigmoid",
    "learning_rate": 0.5,
    "weights": [[[0.15, 0.25]], [[0.4], [0.45]]],
    "biases": [[0.35, 0.35], [0.6]],
}
SAMPLE = {"input": [0.05], "target": [0.01]}


def sig(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def hand_pass() -> dict:
    """The 1-2-1 example computed in plain Python, independently of the engine."""
    i = 0.05
    x1 = [0.15 * i + 0.35, 0.25 * i + 0.35]
    y1 = [sig(v) for v in x1]
    x2 = 0.4 * y1[0] + 0.45 * y1[1] + 0.6
    y2 = sig(x2)
    dy2 = y2 - 0.01
    dx2 = dy2 * y2 * (1 - y2)
    dy1 = [0.4 * dx2, 0.45 * dx2]
    dx1 = [dy1[n] * y1[n] * (1 - y1[n]) for n in range(2)]
    return {"x1": x1, "y1": y1, "x2": x2, "y2": y2, "E": 0.5 * dy2**2, "dy2": dy2,
            "dx2": dx2, "dy1": dy1, "dx1": dx1, "dw1": [y1[0] * dx2, y1[1] * dx2],
            "dw0": [i * dx1[0], i * dx1[1]], "dy0": 0.15 * dx1[0] + 0.25 * dx1[1]}


def create(client: TestClient, **body) -> dict:
    response = client.post("/api/networks", json=body)
    assert response.status_code == 201, response.text
    return strict_json(response.text)


def test_networks_create_defaults(client: TestClient) -> None:
    response = client.post("/api/networks", json={})
    assert response.status_code == 201
    net = response.json()
    assert net["layers"] == [1, 2, 2, 1]
    assert (net["activation"], net["output_activation"], net["loss"]) == (
        "sigmoid", "sigmoid", "squared")
    assert net["step"] == 0 and net["phase"] is None and net["trace"] is None
    assert [len(w) for w in net["weights"]] == [1, 2, 2]
    assert [len(w[0]) for w in net["weights"]] == [2, 2, 1]
    assert net["biases"] == [[0.1, 0.1], [0.1, 0.1], [0.1]]
    assert len(net["id"]) >= 22  # ≥ 128 random bits in URL-safe base64


def test_networks_create_is_reproducible_by_seed(client: TestClient) -> None:
    a, b, c = (create(client, seed=s) for s in (7, 7, 8))
    assert a["weights"] == b["weights"] and a["id"] != b["id"]
    assert a["weights"] != c["weights"]


def test_networks_forward_backward_update_match_hand_arithmetic(client: TestClient) -> None:
    net = create(client, **HAND)
    h = hand_pass()
    url = f"/api/networks/{net['id']}"

    response = client.post(f"{url}/forward", json=SAMPLE)
    assert response.status_code == 200
    trace = strict_json(response.text)
    assert trace["phase"] == "forward" and trace["step"] == 0
    nodes = trace["nodes"]
    assert nodes[0][0] == {"x": 0.05, "y": 0.05, "b": None, "dE_dy": None, "dE_dx": None,
                           "dE_db": None, "b_before": None}
    for j in range(2):
        assert nodes[1][j]["x"] == pytest.approx(h["x1"][j], rel=1e-15)
        assert nodes[1][j]["y"] == pytest.approx(h["y1"][j], rel=1e-15)
        assert nodes[1][j]["b"] == 0.35
    assert nodes[2][0]["x"] == pytest.approx(h["x2"], rel=1e-15)
    assert nodes[2][0]["y"] == pytest.approx(h["y2"], rel=1e-15)
    assert nodes[2][0]["b"] == 0.6  # the output node's bias is part of the trace
    assert trace["error"] == pytest.approx(h["E"], rel=1e-14)
    assert trace["weights"][1][1][0] == {"w": 0.45, "dE_dw": None, "w_before": None}

    response = client.post(f"{url}/backward")
    assert response.status_code == 200
    trace = strict_json(response.text)
    nodes = trace["nodes"]
    assert trace["phase"] == "backward"
    assert nodes[2][0]["dE_dy"] == pytest.approx(h["dy2"], rel=1e-14)
    assert nodes[2][0]["dE_dx"] == pytest.approx(h["dx2"], rel=1e-13)
    assert nodes[2][0]["dE_db"] == nodes[2][0]["dE_dx"]
    for j in range(2):
        assert nodes[1][j]["dE_dy"] == pytest.approx(h["dy1"][j], rel=1e-13)
        assert nodes[1][j]["dE_dx"] == pytest.approx(h["dx1"][j], rel=1e-13)
        assert trace["weights"][1][j][0]["dE_dw"] == pytest.approx(h["dw1"][j], rel=1e-13)
        assert trace["weights"][0][0][j]["dE_dw"] == pytest.approx(h["dw0"][j], rel=1e-13)
    assert nodes[0][0]["dE_dy"] == pytest.approx(h["dy0"], rel=1e-13)

    response = client.post(f"{url}/update")
    assert response.status_code == 200
    trace = strict_json(response.text)
    assert trace["phase"] == "update" and trace["step"] == 1
    for k, matrix in enumerate(trace["weights"]):
        for row in matrix:
            for link in row:
                assert link["w"] == link["w_before"] - 0.5 * link["dE_dw"]
        for node in trace["nodes"][k + 1]:
            assert node["b"] == node["b_before"] - 0.5 * node["dE_db"]
    assert trace["weights"][1][0][0]["w_before"] == 0.4
    assert trace["error_after"] < trace["error"]

    state = strict_json(client.get(url).text)
    assert state["step"] == 1 and state["phase"] == "update"
    assert state["weights"][1][0][0] == trace["weights"][1][0][0]["w"]
    assert state["trace"] == trace


def test_networks_step_equals_the_three_phases(client: TestClient) -> None:
    a, b = create(client, seed=3), create(client, seed=3)
    sample = {"input": [0.8], "target": [0.2]}
    for _ in range(3):
        client.post(f"/api/networks/{a['id']}/forward", json=sample)
        client.post(f"/api/networks/{a['id']}/backward")
        phased = client.post(f"/api/networks/{a['id']}/update").json()
        response = client.post(f"/api/networks/{b['id']}/step", json=sample)
        assert response.status_code == 200
        stepped = response.json()
        assert {**stepped, "id": None} == {**phased, "id": None}
    assert stepped["step"] == 3


@pytest.mark.parametrize(
    ("calls", "last", "message"),
    [
        ([], "backward", "no forward pass is pending"),
        ([], "update", "no backward pass is pending"),
        (["forward"], "update", "no backward pass is pending"),
        (["forward", "backward", "update"], "update", "no backward pass is pending"),
        (["forward", "backward", "update"], "backward", "no forward pass is pending"),
    ],
)
def test_networks_phases_out_of_order_are_409(client: TestClient, calls, last, message) -> None:
    url = f"/api/networks/{create(client)['id']}"
    for call in calls:
        body = SAMPLE if call == "forward" else None
        assert client.post(f"{url}/{call}", json=body).status_code == 200
    response = client.post(f"{url}/{last}")
    assert response.status_code == 409
    assert message in response.json()["detail"]


def test_networks_backward_may_be_asked_again(client: TestClient) -> None:
    url = f"/api/networks/{create(client)['id']}"
    client.post(f"{url}/forward", json=SAMPLE)
    first = client.post(f"{url}/backward").json()
    again = client.post(f"{url}/backward")
    assert again.status_code == 200 and again.json() == first


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "", None), ("patch", "", {"learning_rate": 0.1}), ("delete", "", None),
        ("post", "/forward", SAMPLE), ("post", "/backward", None), ("post", "/update", None),
        ("post", "/step", SAMPLE), ("post", "/reset", None), ("get", "/gradcheck", None),
        ("put", "/weights/0/0/0", {"value": 1.0}), ("put", "/biases/0/0", {"value": 1.0}),
    ],
)
def test_networks_unknown_id_is_404(client: TestClient, method, path, body) -> None:
    response = client.request(method, f"/api/networks/not-a-network{path}", json=body)
    assert response.status_code == 404
    assert "not-a-network" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"layers": [1]}, "layers", "at least 2"),
        ({"layers": [1] * 9}, "layers", "at most 8"),
        ({"layers": [1, 33, 1]}, "layers[1]", "layers[1]: a hidden layer has at most 32 nodes, "
                                              "not 33"),
        ({"layers": [1, 11]}, "layers[1]", "layers[1]: the output layer has at most 10 nodes, "
                                           "not 11"),
        ({"layers": [65, 1]}, "layers[0]", "layers[0]: the input layer has at most 64 nodes, "
                                           "not 65"),
        ({"layers": [1, 0]}, "layers[1]", "greater than or equal to 1"),
        ({"activation": "swish"}, "activation", "'sigmoid'"),
        ({"output_activation": "swish"}, "output_activation", "'softmax'"),
        ({"output_activation": "softmax", "loss": "categorical_cross_entropy"},
         "output_activation", "2 or more output nodes"),
        ({"layers": [2, 3], "output_activation": "softmax"}, "loss",
         "needs the categorical_cross_entropy loss"),
        ({"layers": [2, 3], "loss": "categorical_cross_entropy"}, "loss",
         "needs a softmax output activation"),
        ({"layers": [2, 3, 3], "activation": "softmax", "output_activation": "softmax",
          "loss": "categorical_cross_entropy"}, "activation", "output layer only"),
        ({"loss": "hinge"}, "loss", "'cross_entropy'"),
        ({"loss": "cross_entropy", "output_activation": "tanh"}, "loss", "sigmoid output"),
        ({"learning_rate": 0}, "learning_rate", "greater than 0"),
        ({"learning_rate": -1}, "learning_rate", "greater than 0"),
        ({"learning_rate": 1e9}, "learning_rate", "less than or equal to 10"),
        ({"seed": -1}, "seed", "greater than or equal to 0"),
        ({"learning_rat": 0.1}, "learning_rat", "Extra inputs"),
        ({"layers": [1, 1], "weights": [[[1.0, 2.0]]], "biases": [[0.0]]}, "weights[0][0]",
         "expected 1 number"),
        ({"layers": [1, 1], "weights": [[[1.0]]], "biases": [[0.0, 1.0]]}, "biases[0]",
         "expected 1 number"),
        ({"layers": [1, 1], "weights": [[[1.0]]]}, "biases", "together"),
        ({"layers": [1, 1], "weights": [[[1.0]], [[1.0]]], "biases": [[0.0], [0.0]]},
         "weights", "expected 1 matrices"),
    ],
)
def test_networks_create_invalid_is_422_naming_the_field(client: TestClient, body, field,
                                                         words) -> None:
    response = client.post("/api/networks", json=body)
    assert response.status_code == 422
    error = response.json()
    assert field in [e["field"] for e in error["errors"]]
    assert words in error["detail"]


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        ('{"input": [0.5, 1], "target": [1]}', "input", "expected 1 value"),
        ('{"input": [0.5], "target": [1, 0]}', "target", "expected 1 value"),
        ('{"input": [], "target": [1]}', "input", "at least 1"),
        ('{"input": [NaN], "target": [1]}', "input[0]", "finite"),
        ('{"input": [1], "target": [Infinity]}', "target[0]", "finite"),
        ('{"input": [1e999], "target": [1]}', "input[0]", "finite"),
        ('{"input": [1e7], "target": [1]}', "input[0]", "less than or equal to 1000000"),
        ('{"input": ["a"], "target": [1]}', "input[0]", "valid number"),
        ('{"input": [1]}', "target", "give a target"),
        ('{"input": [1], "target": [1]', "body", "invalid JSON"),
        ("", "body", "JSON object is required"),
        ("[1, 2]", "body", "dictionary"),
    ],
)
def test_networks_forward_invalid_is_422_naming_the_field(client: TestClient, content, field,
                                                          words) -> None:
    url = f"/api/networks/{create(client)['id']}"
    response = client.post(f"{url}/forward", content=content,
                           headers={"content-type": "application/json"})
    assert response.status_code == 422
    error = response.json()
    assert field in [e["field"] for e in error["errors"]], error
    assert words in error["detail"]
    step = client.post(f"{url}/step", content=content,
                       headers={"content-type": "application/json"})
    assert step.status_code == 422


def test_networks_patch_learning_rate_applies_to_the_next_update(client: TestClient) -> None:
    url = f"/api/networks/{create(client, seed=1)['id']}"
    client.post(f"{url}/forward", json=SAMPLE)
    client.post(f"{url}/backward")
    response = client.patch(url, json={"learning_rate": 2.0})
    assert response.status_code == 200
    assert response.json()["learning_rate"] == 2.0
    assert response.json()["trace"]["learning_rate"] == 2.0
    trace = client.post(f"{url}/update").json()
    link = trace["weights"][2][0][0]
    assert link["w"] == link["w_before"] - 2.0 * link["dE_dw"]


def test_networks_patch_activation_recomputes_the_pending_pass(client: TestClient) -> None:
    net = create(client, seed=1)
    url = f"/api/networks/{net['id']}"
    client.post(f"{url}/forward", json=SAMPLE)
    before = client.post(f"{url}/backward").json()
    response = client.patch(url, json={"activation": "tanh"})
    assert response.status_code == 200
    state = response.json()
    assert state["activation"] == "tanh" and state["weights"] == net["weights"]
    trace = state["trace"]
    assert trace["phase"] == "backward"
    hidden = trace["nodes"][1][0]
    assert hidden["x"] == before["nodes"][1][0]["x"]
    assert hidden["y"] == pytest.approx(math.tanh(hidden["x"]), rel=1e-15)
    assert hidden["dE_dx"] == pytest.approx((1 - hidden["y"] ** 2) * hidden["dE_dy"], rel=1e-14)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"activation": "nope"}, "activation"), ({"learning_rate": 0}, "learning_rate"),
     ({"loss": "cross_entropy", "output_activation": "relu"}, "loss"),
     ({"output_activation": "linear", "loss": "cross_entropy"}, "loss"),
     ({"lr": 1}, "lr")],
)
def test_networks_patch_invalid_is_422_and_changes_nothing(client: TestClient, body,
                                                           field) -> None:
    net = create(client)
    url = f"/api/networks/{net['id']}"
    response = client.patch(url, json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]
    assert client.get(url).json() == net


def test_networks_patch_cross_entropy_on_a_sigmoid_output(client: TestClient) -> None:
    url = f"/api/networks/{create(client)['id']}"
    response = client.patch(url, json={"loss": "cross_entropy"})
    assert response.status_code == 200 and response.json()["loss"] == "cross_entropy"
    y = client.post(f"{url}/forward", json={"input": [0.3], "target": [1.0]}).json()
    assert y["error"] == pytest.approx(-math.log(y["nodes"][-1][0]["y"]), rel=1e-12)
    changed = client.patch(url, json={"output_activation": "tanh"})
    assert changed.status_code == 422  # would leave cross-entropy on a tanh output


def test_networks_set_weight_and_bias_by_hand(client: TestClient) -> None:
    url = f"/api/networks/{create(client, **HAND)['id']}"
    client.post(f"{url}/forward", json=SAMPLE)
    response = client.put(f"{url}/weights/1/1/0", json={"value": -2.0})
    assert response.status_code == 200
    state = response.json()
    assert state["weights"][1][1][0] == -2.0
    trace = state["trace"]
    assert trace["phase"] == "forward"
    y1 = [n["y"] for n in trace["nodes"][1]]
    assert trace["nodes"][2][0]["x"] == pytest.approx(0.4 * y1[0] - 2.0 * y1[1] + 0.6, rel=1e-15)
    state = client.put(f"{url}/biases/1/0", json={"value": 0.25}).json()
    assert state["biases"][1] == [0.25]
    assert state["trace"]["nodes"][2][0]["b"] == 0.25
    assert state["trace"]["nodes"][2][0]["x"] == pytest.approx(0.4 * y1[0] - 2.0 * y1[1] + 0.25)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [("/weights/2/0/0", {"value": 1}, "k"), ("/weights/0/1/0", {"value": 1}, "i"),
     ("/weights/0/0/2", {"value": 1}, "j"), ("/biases/0/2", {"value": 1}, "j"),
     ("/biases/5/0", {"value": 1}, "k"), ("/weights/0/0/0", {"value": "x"}, "value"),
     ("/weights/-1/0/0", {"value": 1}, "k"), ("/biases/0/0", {}, "value")],
)
def test_networks_set_parameter_invalid_is_422(client: TestClient, path, body, field) -> None:
    url = f"/api/networks/{create(client, **HAND)['id']}"
    response = client.put(f"{url}{path}", json=body)
    assert response.status_code == 422
    assert field in [e["field"] for e in response.json()["errors"]]


def test_networks_reset_restores_the_initial_weights_exactly(client: TestClient) -> None:
    for body in ({"seed": 11}, HAND):
        net = create(client, **body)
        url = f"/api/networks/{net['id']}"
        for _ in range(5):
            assert client.post(f"{url}/step", json=SAMPLE).status_code == 200
        client.put(f"{url}/biases/0/0", json={"value": 3.0})
        client.patch(url, json={"learning_rate": 0.1})
        response = client.post(f"{url}/reset")
        assert response.status_code == 200
        state = response.json()
        assert state["weights"] == net["weights"] and state["biases"] == net["biases"]
        assert state["step"] == 0 and state["trace"] is None
        assert state["learning_rate"] == 0.1  # settings are kept


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "elu",
                                        "softplus", "linear"])
def test_networks_gradcheck_agrees_with_backprop(client: TestClient, activation) -> None:
    net = create(client, layers=[2, 3, 2, 1], activation=activation, seed=4)
    url = f"/api/networks/{net['id']}"
    client.post(f"{url}/forward", json={"input": [0.7, -0.4], "target": [0.9]})
    response = client.get(f"{url}/gradcheck")
    assert response.status_code == 200
    check = strict_json(response.text)
    assert len(check["entries"]) == (2 * 3 + 3 * 2 + 2 * 1) + (3 + 2 + 1)
    assert check["max_relative_difference"] < 1e-6
    assert check["h"] == 1e-6
    trace = client.post(f"{url}/backward").json()
    first = check["entries"][0]
    assert (first["parameter"], first["k"], first["i"], first["j"]) == ("weight", 0, 0, 0)
    assert first["backprop"] == trace["weights"][0][0][0]["dE_dw"]
    bias = next(e for e in check["entries"] if e["parameter"] == "bias")
    assert bias["backprop"] == trace["nodes"][1][0]["dE_db"] and bias["i"] is None


def test_networks_gradcheck_without_a_sample_is_409(client: TestClient) -> None:
    url = f"/api/networks/{create(client)['id']}"
    assert client.get(f"{url}/gradcheck").status_code == 409


def test_networks_diverging_training_is_refused_and_keeps_finite_weights(
        client: TestClient) -> None:
    net = create(client, activation="relu", output_activation="linear", learning_rate=10,
                 seed=2, layers=[1, 8, 8, 1])
    url = f"/api/networks/{net['id']}"
    sample = {"input": [1e6], "target": [-1e6]}
    refused = None
    for _ in range(300):
        response = client.post(f"{url}/step", json=sample)
        assert response.status_code < 500
        strict_json(response.text)
        if response.status_code == 409:
            refused = response
            break
        assert response.status_code == 200
    assert refused is not None, "expected the run to diverge"
    assert "diverged" in refused.json()["detail"]
    before = strict_json(client.get(url).text)
    again = client.post(f"{url}/step", json=sample)
    assert again.status_code == 409
    after = strict_json(client.get(url).text)
    assert after["weights"] == before["weights"] and after["step"] == before["step"]
    for name in ("forward", "gradcheck"):
        response = client.request("POST" if name == "forward" else "GET", f"{url}/{name}",
                                  json=sample if name == "forward" else None)
        assert response.status_code in (200, 409)
        strict_json(response.text)


def test_networks_a_batch_whose_mean_error_overflows_is_diverged_and_changes_nothing(
        client: TestClient) -> None:
    """Issue 24's case: after steps at input 1e6, each of 100 identical samples has a finite
    error (about 1e307), their mean does not: it was answered 200 with "error": null."""
    net = create(client, layers=[1, 1], activation="linear", output_activation="linear",
                 learning_rate=10, seed=1)
    url = f"/api/networks/{net['id']}"
    far = {"input": [1e6], "target": [-1e6]}
    for sample in [far] * 11 + [{"input": [70.7], "target": [-1e6]}]:
        assert client.post(f"{url}/step", json=sample).status_code == 200
    before = strict_json(client.get(url).text)
    for path in ("/forward", "/step"):
        response = client.post(url + path, json={"samples": [far] * 100})
        assert response.status_code == 409, response.text
        assert "diverged" in response.json()["detail"]
    assert strict_json(client.get(url).text) == before
    one = client.post(f"{url}/forward", json=far)  # one sample's error is finite
    assert one.status_code == 200 and strict_json(one.text)["error"] > 1e306


def test_networks_delete(client: TestClient) -> None:
    url = f"/api/networks/{create(client)['id']}"
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404
    assert client.delete(url).status_code == 404


def test_networks_least_recently_used_is_evicted_and_reported_expired() -> None:
    from server.main import create_app

    with TestClient(create_app(capacity=3)) as client:
        ids = [create(client)["id"] for _ in range(3)]
        client.get(f"/api/networks/{ids[0]}")  # ids[1] is now the least recently used
        create(client)
        response = client.get(f"/api/networks/{ids[1]}")
        assert response.status_code == 404
        assert "expired" in response.json()["detail"]
        assert client.get(f"/api/networks/{ids[0]}").status_code == 200

