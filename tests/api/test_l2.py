"""L2 as a network setting: PATCH and create take `l2`, update and step use it, train
defaults to it."""

import numpy as np
import pytest
from fastapi.testclient import TestClient

from server.engine.mlp import Architecture, Parameters, backward, forward, update
from tests.conftest import strict_json

BODY = {"layers": [2, 3, 1], "activation": "tanh", "seed": 2, "learning_rate": 0.8}
SAMPLE = {"input": [0.6, -0.3], "target": [0.2]}


def params_of(net: dict) -> Parameters:
    return Parameters(tuple(np.array(w) for w in net["weights"]),
                      tuple(np.array(b) for b in net["biases"]))


def test_l2_step_equals_the_engine_reference(client: TestClient) -> None:
    created = client.post("/api/networks", json={**BODY, "l2": 0.3})
    assert created.status_code == 201
    net = strict_json(created.text)
    assert net["l2"] == 0.3
    arch = Architecture((2, 3, 1), "tanh", "sigmoid", "squared")
    before = params_of(net)
    X, T = np.array([SAMPLE["input"]]), np.array([SAMPLE["target"]])
    expected = update(before, backward(arch, before, forward(arch, before, X, T), T), 0.8,
                      l2=0.3)
    trace = strict_json(client.post(f"/api/networks/{net['id']}/step", json=SAMPLE).text)
    assert trace["l2"] == 0.3 and trace["learning_rate"] == 0.8
    got = params_of(client.get(f"/api/networks/{net['id']}").json())
    assert got.equals(expected)
    for k, matrix in enumerate(trace["weights"]):  # the trace explains its own numbers
        for row in matrix:
            for link in row:
                assert link["w"] == link["w_before"] - 0.8 * (link["dE_dw"]
                                                               + 0.3 * link["w_before"])
        for node in trace["nodes"][k + 1]:  # biases without L2
            assert node["b"] == node["b_before"] - 0.8 * node["dE_db"]


def test_l2_patch_recomputes_an_update_trace_and_is_checked(client: TestClient) -> None:
    net = client.post("/api/networks", json=BODY).json()
    url = f"/api/networks/{net['id']}"
    assert net["l2"] == 0.0
    client.post(f"{url}/step", json=SAMPLE)
    patched = client.patch(url, json={"l2": 0.1})
    assert patched.status_code == 200
    body = patched.json()
    assert body["l2"] == 0.1 and body["trace"]["phase"] == "forward"
    assert body["trace"]["l2"] == 0.1
    for bad in (-0.1, 1.5, "0.1"):
        refused = client.patch(url, json={"l2": bad})
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "l2"
    assert client.get(url).json() == body
    client.post(f"{url}/backward")
    trace = client.post(f"{url}/update").json()
    assert trace["l2"] == 0.1


@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_l2_train_batch_of_one_equals_step_calls(client: TestClient, l2: float) -> None:
    """One training point, so that train's epochs visit it in the order step calls do. To
    1e-12: the compiled kernel (used once it is warm) sums in its own order; the NumPy
    engine's equality to the bit is tested in tests/engine."""
    stepped = client.post("/api/networks", json={**BODY, "l2": l2}).json()
    trained = client.post("/api/networks", json=BODY).json()
    for _ in range(6):
        client.post(f"/api/networks/{stepped['id']}/step", json=SAMPLE)
    url = f"/api/networks/{trained['id']}"
    client.put(f"{url}/dataset", json={"points": [SAMPLE]})
    answer = client.post(f"{url}/train", json={"steps": 6, "batch_size": 1, "l2": l2})
    assert answer.status_code == 200
    got = params_of(answer.json())
    want = params_of(client.get(f"/api/networks/{stepped['id']}").json())
    for a, b in zip((*got.weights, *got.biases), (*want.weights, *want.biases), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_l2_train_without_l2_uses_the_networks_own(client: TestClient) -> None:
    own = client.post("/api/networks", json={**BODY, "l2": 0.2}).json()
    explicit = client.post("/api/networks", json=BODY).json()
    results = []
    for net, body in ((own, {"steps": 3, "l2": None}), (explicit, {"steps": 3, "l2": 0.2})):
        url = f"/api/networks/{net['id']}"
        client.put(f"{url}/dataset", json={"points": [SAMPLE]})
        answer = client.post(f"{url}/train", json=body)
        assert answer.status_code == 200
        results.append(params_of(answer.json()))
    assert results[0].equals(results[1])
    plain = client.post("/api/networks", json=BODY).json()
    url = f"/api/networks/{plain['id']}"
    client.put(f"{url}/dataset", json={"points": [SAMPLE]})
    assert not params_of(client.post(f"{url}/train", json={"steps": 3}).json()).equals(
        results[0])
