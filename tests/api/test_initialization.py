"""How a new network's weights are drawn (issue 23 §1): the choices, their formulas, the
default unchanged, and the symmetry that weights all equal never break."""

from itertools import pairwise

import numpy as np
import pytest
from fastapi.testclient import TestClient

from server.engine.mlp import INITIALIZERS, SMALL_UNIFORM_BOUND, init_parameters


def _old_glorot(layers: tuple[int, ...], seed: int) -> list[np.ndarray]:
    """The weights every network had before there was a choice, as that code drew them."""
    rng = np.random.default_rng(seed)
    out = []
    for n_in, n_out in pairwise(layers):
        limit = np.sqrt(6.0 / (n_in + n_out))
        out.append(rng.uniform(-limit, limit, size=(n_in, n_out)))
    return out


@pytest.mark.parametrize("layers", [(1, 2, 2, 1), (2, 8, 8, 8, 1), (3, 1), (8,) * 8])
def test_initialization_the_default_draws_the_weights_it_always_drew(
        client: TestClient, layers: tuple[int, ...]) -> None:
    for seed in (0, 1, 123, 2**32 - 1):
        old = _old_glorot(layers, seed)
        for body in ({"seed": seed, "layers": list(layers)},
                     {"seed": seed, "layers": list(layers), "init": "glorot_uniform"}):
            got = client.post("/api/networks", json=body).json()
            assert [np.array(w).tolist() for w in got["weights"]] == [w.tolist() for w in old]
            assert all(b == 0.1 for layer in got["biases"] for b in layer)


def test_initialization_each_choice_draws_as_its_formula_says() -> None:
    layers = (8, 8, 8, 8, 8, 8, 8, 8)
    for name in INITIALIZERS:
        a = init_parameters(layers, np.random.default_rng(5), name)
        b = init_parameters(layers, np.random.default_rng(5), name)
        assert a.equals(b)  # the same seed, the same weights
        assert all(np.all(bias == 0.1) for bias in a.biases)
    draws = lambda name: np.concatenate([  # noqa: E731
        np.ravel(init_parameters(layers, np.random.default_rng(s), name).weights)
        for s in range(200)])
    glorot = draws("glorot_uniform")
    bound = np.sqrt(6 / 16)
    assert 0.99 * bound < np.abs(glorot).max() <= bound
    he = draws("he_normal")
    assert he.std() == pytest.approx(np.sqrt(2 / 8), rel=0.02) and abs(he.mean()) < 0.01
    small = draws("small_uniform")
    assert np.abs(small).max() <= SMALL_UNIFORM_BOUND < 1.01 * np.abs(small).max()
    assert not draws("zeros").any()


def test_initialization_options_name_each_choice_with_its_formula(client: TestClient) -> None:
    listed = client.get("/api/options").json()["initializations"]
    assert [i["name"] for i in listed] == ["glorot_uniform", "he_normal", "small_uniform", "zeros"]
    assert all(i["title"] and i["formula"] for i in listed)
    refused = client.post("/api/networks", json={"init": "ones"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "init"


@pytest.mark.parametrize("batch_size", [1, 10, None])
def test_initialization_zeros_keep_the_nodes_of_a_layer_equal_to_the_last_bit(
        client: TestClient, batch_size: int | None) -> None:
    """Every weight 0 (and every bias 0.1): the nodes of a hidden layer compute the same y
    and get the same gradient, so they stay equal however long the network trains; a random
    start breaks the symmetry."""
    def trained(init: str) -> dict:
        made = client.post("/api/networks", json={"seed": 3, "layers": [2, 4, 3, 1],
                                                  "init": init, "activation": "tanh"})
        url = f"/api/networks/{made.json()['id']}"
        client.put(f"{url}/dataset", json={"name": "xor", "size": 200, "noise": 0.1, "seed": 1,
                                           "test_fraction": 0.2})
        answer = client.post(f"{url}/train", json={"steps": 300, "batch_size": batch_size})
        assert answer.status_code == 200
        return answer.json()

    out = trained("zeros")
    for k, (W, b) in enumerate(zip(out["weights"], out["biases"], strict=True)):
        W = np.array(W)
        if k < len(out["weights"]) - 1:  # into a hidden layer: every node gets the same
            assert all(np.array_equal(W[:, j], W[:, 0]) for j in range(W.shape[1])), k
            assert len(set(b)) == 1, k  # weights in (its columns alike) and the same bias
    assert np.array(out["weights"][-1]).any()  # it did learn something
    assert np.array(out["weights"][1]).any()
    random = np.array(trained("he_normal")["weights"][1])
    assert not np.array_equal(random[:, 0], random[:, 1])


def test_initialization_shows_in_a_deep_networks_gradient_sizes(client: TestClient) -> None:
    """The lesson "Initial weights in a deep network": on six layers of sigmoid, the gradient
    size by layer (what the page draws) tells the initializations apart. Small uniform
    weights shrink the gradient layer after layer far more than Glorot's; zeros give no
    gradient at all below the last layer."""
    lesson = client.get("/api/lessons/init-deep").json()
    network, sample = lesson["state"]["network"], lesson["state"]["sample"]
    spread = {}
    for init in ("glorot_uniform", "he_normal", "small_uniform", "zeros"):
        made = client.post("/api/networks", json={**network, "init": init}).json()
        url = f"/api/networks/{made['id']}"
        client.post(f"{url}/forward", json=sample)
        sizes = client.post(f"{url}/backward").json()["gradient_sizes"]
        assert len(sizes) == 6
        spread[init] = sizes
    first_to_last = {k: v[0] / v[-1] for k, v in spread.items() if v[-1]}
    assert first_to_last["small_uniform"] < 1e-4 * first_to_last["glorot_uniform"]
    assert first_to_last["glorot_uniform"] < 1  # even Glorot's shrink with sigmoid
    assert all(size == 0 for size in spread["zeros"][:-1]) and spread["zeros"][-1] > 0
