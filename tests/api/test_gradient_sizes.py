"""Gradient sizes per weight layer: vanishing and exploding gradients, in train and traces."""

from itertools import pairwise

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.conftest import strict_json

DEEP = [8] * 8


def train_sizes(client: TestClient, body: dict, points: list[dict]) -> list[float]:
    created = client.post("/api/networks", json=body)
    assert created.status_code == 201, created.text
    url = f"/api/networks/{created.json()['id']}"
    assert client.put(f"{url}/dataset", json={"points": points}).status_code == 200
    answer = client.post(f"{url}/train", json={"steps": 1, "batch_size": len(points)})
    assert answer.status_code == 200, answer.text
    sizes = strict_json(answer.text)["gradient_sizes"]
    assert len(sizes) == len(DEEP) - 1
    return sizes


def test_gradient_sizes_vanish_toward_the_input_in_a_deep_sigmoid_network(
        client: TestClient) -> None:
    rng = np.random.default_rng(0)
    points = [{"input": rng.uniform(-1, 1, 8).tolist(), "target": rng.uniform(0, 1, 8).tolist()}
              for _ in range(20)]
    sizes = train_sizes(client, {"layers": DEEP, "seed": 3}, points)
    assert sizes[0] * 100 < sizes[-1], sizes
    assert all(a < b for a, b in pairwise(sizes)), sizes


def test_gradient_sizes_explode_toward_the_input_with_large_weights(
        client: TestClient) -> None:
    """Weights of 3 where every sigmoid sits at x = 0 (biases −12, inputs 0.5): each layer
    back multiplies dE/dy by 8·3·σ′(0) = 6."""
    weights = [[[3.0] * 8 for _ in range(8)] for _ in range(7)]
    biases = [[-12.0] * 8 for _ in range(7)]
    body = {"layers": DEEP, "weights": weights, "biases": biases}
    sizes = train_sizes(client, body, [{"input": [0.5] * 8, "target": [1.0] * 8}])
    for near_input, above in pairwise(sizes):
        assert near_input == pytest.approx(6 * above, rel=1e-12)
    assert sizes[0] > 1e4 * sizes[-1]


def test_gradient_sizes_in_the_trace_from_its_mean_derivatives(client: TestClient) -> None:
    url = f"/api/networks/{client.post('/api/networks', json={'seed': 2}).json()['id']}"
    samples = [{"input": [0.3], "target": [0.9]}, {"input": [-0.7], "target": [0.1]}]
    trace = client.post(f"{url}/forward", json={"samples": samples}).json()
    assert trace["gradient_sizes"] is None
    trace = client.post(f"{url}/backward").json()
    expected = [np.mean([abs(link["dE_dw"]) for row in matrix for link in row])
                for matrix in trace["weights"]]
    assert trace["gradient_sizes"] == pytest.approx(expected, rel=1e-15)
    assert client.post(f"{url}/update").json()["gradient_sizes"] == trace["gradient_sizes"]
