"""Optimizers and L1 over HTTP: create and PATCH take them, every update uses them from the
network's state, traces show that state before and after, training carries it on, reset
and another optimizer start it afresh, a resumed network continues exactly, and bad values
are refused naming the field with nothing changed. (Run on the memory store and on Redis.)"""

import math

import numpy as np
import pytest
from fastapi.testclient import TestClient

from server.engine.mlp import Architecture, Parameters, backward, forward
from server.engine.optimizers import Optimizer, apply
from tests.conftest import strict_json

BODY = {"layers": [2, 3, 2], "activation": "tanh", "seed": 4, "learning_rate": 0.05}
SAMPLES = [{"input": [0.6, -0.3], "target": [0.2, 0.9]},
           {"input": [-0.5, 0.8], "target": [0.7, 0.1]},
           {"input": [0.1, 0.4], "target": [0.4, 0.5]}]
ARCH = Architecture((2, 3, 2), "tanh", "sigmoid", "squared")
RULES = {"sgd": {}, "momentum": {"momentum": 0.8},
         "adam": {"beta1": 0.85, "beta2": 0.99, "epsilon": 1e-7}}


def params_of(net: dict) -> Parameters:
    return Parameters(tuple(np.array(w) for w in net["weights"]),
                      tuple(np.array(b) for b in net["biases"]))


def _optimizer(name: str) -> Optimizer:
    return Optimizer(name, **RULES[name])


@pytest.mark.parametrize("name", list(RULES))
@pytest.mark.parametrize("l1", [0.0, 0.01])
def test_steps_follow_the_optimizer_from_the_network_state(client: TestClient, name, l1) -> None:
    net = strict_json(client.post("/api/networks", json={
        **BODY, "optimizer": name, **RULES[name], "l1": l1, "l2": 0.02}).text)
    assert (net["optimizer"], net["l1"], net["optimizer_state"]["t"]) == (name, l1, 0)
    url = f"/api/networks/{net['id']}"
    params, state = params_of(net), None
    for n, sample in enumerate(SAMPLES):
        X, T = np.array([sample["input"]]), np.array([sample["target"]])
        grads = backward(ARCH, params, forward(ARCH, params, X, T), T)
        params, state = apply(params, grads.dE_dw, grads.dE_db, learning_rate=0.05, l2=0.02,
                              l1=l1, optimizer=_optimizer(name), state=state)
        trace = strict_json(client.post(f"{url}/step", json=sample).text)
        assert trace["optimizer"]["name"] == name and trace["l1"] == l1
        assert trace["t"] == n + 1
        got = strict_json(client.get(url).text)
        assert params_of(got).equals(params)
        assert got["optimizer_state"]["t"] == n + 1
        if name == "momentum":
            np.testing.assert_array_equal(got["optimizer_state"]["v"]["weights"][0],
                                          state.first.weights[0])
        if name == "adam":
            np.testing.assert_array_equal(got["optimizer_state"]["s"]["biases"][1],
                                          state.second.biases[1])
        _trace_explains_itself(trace, name, l1)


def _trace_explains_itself(trace: dict, name: str, l1: float) -> None:
    """Each new w and b follows from the trace's own numbers: w_before, dE_dw and the state
    before and after (to rounding: the server computes them as arrays)."""
    alpha, l2, t = trace["learning_rate"], trace["l2"], trace["t"]
    opt = trace["optimizer"]
    entries = [(link["w_before"], link["dE_dw"] + l2 * link["w_before"]
                + l1 * float(np.sign(link["w_before"])), link["w"], link.get("state_before"),
                link.get("state"))
               for matrix in trace["weights"] for row in matrix for link in row]
    entries += [(node["b_before"], node["dE_db"], node["b"], node.get("state_before"),
                 node.get("state")) for layer in trace["nodes"][1:] for node in layer]
    for before, g, after, old, new in entries:
        if name == "sgd":
            assert old is None and new is None
            assert after == pytest.approx(before - alpha * g, rel=1e-12, abs=1e-15)
        elif name == "momentum":
            assert new["v"] == pytest.approx(opt["momentum"] * old["v"] + g, rel=1e-12,
                                             abs=1e-15)
            assert after == pytest.approx(before - alpha * new["v"], rel=1e-12, abs=1e-15)
        else:
            m = opt["beta1"] * old["m"] + (1 - opt["beta1"]) * g
            s = opt["beta2"] * old["s"] + (1 - opt["beta2"]) * g * g
            assert (new["m"], new["s"]) == (pytest.approx(m, rel=1e-12, abs=1e-15),
                                            pytest.approx(s, rel=1e-12, abs=1e-18))
            step = alpha * (m / (1 - opt["beta1"] ** t)) / (
                math.sqrt(s / (1 - opt["beta2"] ** t)) + opt["epsilon"])
            assert after == pytest.approx(before - step, rel=1e-12, abs=1e-15)


def test_phases_one_by_one_equal_a_step_and_keep_the_state(client: TestClient) -> None:
    a = client.post("/api/networks", json={**BODY, "optimizer": "adam"}).json()
    b = client.post("/api/networks", json={**BODY, "optimizer": "adam"}).json()
    for sample in SAMPLES:
        client.post(f"/api/networks/{a['id']}/step", json=sample)
        client.post(f"/api/networks/{b['id']}/forward", json=sample)
        client.post(f"/api/networks/{b['id']}/backward")
        client.post(f"/api/networks/{b['id']}/update")
    got_a = client.get(f"/api/networks/{a['id']}").json()
    got_b = client.get(f"/api/networks/{b['id']}").json()
    assert got_a["weights"] == got_b["weights"]
    assert got_a["optimizer_state"] == got_b["optimizer_state"]


def test_training_carries_the_state_and_reset_zeroes_it(client: TestClient) -> None:
    net = client.post("/api/networks", json={**BODY, "optimizer": "momentum"}).json()
    url = f"/api/networks/{net['id']}"
    assert client.put(f"{url}/dataset", json={"points": SAMPLES}).status_code == 200
    whole = client.post("/api/networks", json={**BODY, "optimizer": "momentum"}).json()
    whole_url = f"/api/networks/{whole['id']}"
    client.put(f"{whole_url}/dataset", json={"points": SAMPLES})
    for _ in range(2):
        trained = client.post(f"{url}/train", json={"steps": 5, "batch_size": 1})
        assert trained.status_code == 200
        # the answer carries the state the network now has (a page keeps its link exact)
        assert trained.json()["optimizer_state"] == client.get(url).json()["optimizer_state"]
    assert client.post(f"{whole_url}/train", json={"steps": 10, "batch_size": 1}).status_code == 200
    got, want = client.get(url).json(), client.get(whole_url).json()
    assert got["optimizer_state"]["t"] == 10
    np.testing.assert_allclose(np.concatenate([np.ravel(w) for w in got["weights"]]),
                               np.concatenate([np.ravel(w) for w in want["weights"]]),
                               rtol=1e-12, atol=1e-12)
    reset = client.post(f"{url}/reset").json()
    assert reset["optimizer_state"]["t"] == 0
    assert not np.any([np.any(np.array(v)) for v in reset["optimizer_state"]["v"]["weights"]])


def test_plain_descent_training_answers_no_state(client: TestClient) -> None:
    net = client.post("/api/networks", json=BODY).json()
    url = f"/api/networks/{net['id']}"
    client.put(f"{url}/dataset", json={"points": SAMPLES})
    assert client.post(f"{url}/train", json={"steps": 2}).json()["optimizer_state"] is None


def test_another_optimizer_starts_fresh_and_new_constants_keep_the_state(
        client: TestClient) -> None:
    net = client.post("/api/networks", json={**BODY, "optimizer": "adam"}).json()
    url = f"/api/networks/{net['id']}"
    client.post(f"{url}/step", json=SAMPLES[0])
    kept = strict_json(client.patch(url, json={"beta1": 0.5}).text)
    assert kept["beta1"] == 0.5 and kept["optimizer_state"]["t"] == 1
    assert kept["trace"]["optimizer"]["beta1"] == 0.5  # the pending pass is recomputed
    switched = strict_json(client.patch(url, json={"optimizer": "momentum"}).text)
    assert switched["optimizer_state"]["t"] == 0
    assert {k for k, v in switched["optimizer_state"].items() if v is not None} == {"t", "v"}
    assert switched["beta1"] == 0.5  # kept, unused, for a switch back


def test_a_resumed_network_continues_exactly(client: TestClient) -> None:
    net = client.post("/api/networks", json={**BODY, "optimizer": "adam"}).json()
    url = f"/api/networks/{net['id']}"
    for sample in SAMPLES[:2]:
        client.post(f"{url}/step", json=sample)
    now = client.get(url).json()
    resumed = client.post("/api/networks", json={
        **BODY, "optimizer": "adam", "current_weights": now["weights"],
        "current_biases": now["biases"], "step": now["step"],
        "optimizer_state": now["optimizer_state"]})
    assert resumed.status_code == 201, resumed.text
    other = resumed.json()["id"]
    a = client.post(f"{url}/step", json=SAMPLES[2]).json()
    b = client.post(f"/api/networks/{other}/step", json=SAMPLES[2]).json()
    assert a["weights"] == b["weights"] and a["t"] == b["t"] == 3


@pytest.mark.parametrize("change,field", [
    ({"optimizer": "rmsprop"}, "optimizer"),
    ({"momentum": 1.0}, "momentum"),
    ({"beta1": -0.1}, "beta1"),
    ({"beta2": 1.5}, "beta2"),
    ({"epsilon": 0.0}, "epsilon"),
    ({"epsilon": 2.0}, "epsilon"),
    ({"l1": -0.01}, "l1"),
    ({"l1": 1.5}, "l1"),
    ({"l1": "0.1"}, "l1"),
])
def test_bad_optimizer_settings_are_refused_naming_the_field(client: TestClient, change,
                                                             field) -> None:
    net = client.post("/api/networks", json=BODY).json()
    url = f"/api/networks/{net['id']}"
    before = client.get(url).json()
    refused = client.patch(url, json=change)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == field
    assert client.get(url).json() == before
    created = client.post("/api/networks", json={**BODY, **change})
    assert created.status_code == 422 and created.json()["errors"][0]["field"] == field


def _slot(net: dict, scale: float = 0.0) -> dict:
    return {"weights": [[[scale for _ in row] for row in m] for m in net["weights"]],
            "biases": [[scale for _ in b] for b in net["biases"]]}


@pytest.mark.parametrize("optimizer,state,field", [
    ("momentum", lambda n: {"t": 1}, "optimizer_state.v"),
    ("sgd", lambda n: {"t": 1, "v": _slot(n)}, "optimizer_state.v"),
    ("adam", lambda n: {"t": 1, "m": _slot(n)}, "optimizer_state.s"),
    ("adam", lambda n: {"t": 1, "m": _slot(n), "s": _slot(n, -1.0)}, "optimizer_state.s"),
    ("momentum", lambda n: {"t": 1, "v": {**_slot(n), "weights": [[[0.0]]]}},
     "optimizer_state.v.weights"),
])
def test_a_state_that_does_not_fit_is_refused(client: TestClient, optimizer, state,
                                              field) -> None:
    net = client.post("/api/networks", json=BODY).json()
    refused = client.post("/api/networks", json={**BODY, "optimizer": optimizer,
                                                 "optimizer_state": state(net)})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == field, refused.json()
