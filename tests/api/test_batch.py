"""Mini-batches in the step-through: forward and step over `samples`, each sample's numbers
in the trace, and their means at the top level."""

import numpy as np
import pytest
from fastapi.testclient import TestClient

from tests.conftest import strict_json

BODY = {"layers": [2, 3, 2], "activation": "tanh", "seed": 7, "learning_rate": 0.9}
BATCH = [{"input": [0.6, -0.3], "target": [0.2, 0.7]},
         {"input": [-0.9, 0.4], "target": [0.8, 0.1]},
         {"input": [0.1, 0.95], "target": [0.5, 0.5]}]


def network(client: TestClient, **extra) -> str:
    response = client.post("/api/networks", json={**BODY, **extra})
    assert response.status_code == 201, response.text
    return f"/api/networks/{response.json()['id']}"


def test_batch_trace_holds_each_sample_and_their_means(client: TestClient) -> None:
    url = network(client)
    forward = client.post(f"{url}/forward", json={"samples": BATCH})
    assert forward.status_code == 200, forward.text
    trace = strict_json(forward.text)
    samples = trace["samples"]
    assert len(samples) == 3 and samples[1]["input"] == BATCH[1]["input"]
    assert all(s["dE_dw"] is None and s["error_after"] is None for s in samples)
    assert trace["error"] == pytest.approx(np.mean([s["error"] for s in samples]), rel=1e-15)
    assert trace["input"] == BATCH[0]["input"] and trace["target"] == BATCH[0]["target"]
    assert trace["nodes"][1][2]["y"] == samples[0]["nodes"][1][2]["y"]
    trace = strict_json(client.post(f"{url}/backward").text)
    samples = trace["samples"]
    per_sample = np.array([[np.array(w) for w in s["dE_dw"]][1] for s in samples])
    top = np.array([[link["dE_dw"] for link in row] for row in trace["weights"][1]])
    np.testing.assert_allclose(per_sample.mean(axis=0), top, rtol=1e-14, atol=1e-17)
    for j in range(2):
        mean_db = np.mean([s["nodes"][2][j]["dE_db"] for s in samples])
        assert mean_db == pytest.approx(trace["nodes"][2][j]["dE_db"], rel=1e-14, abs=1e-17)
        assert trace["nodes"][2][j]["dE_dx"] == samples[0]["nodes"][2][j]["dE_dx"]
    assert samples[0]["nodes"][0][0]["dE_db"] is None  # input nodes have no bias
    # backprop's mean dE/dw equals central differences of the mean E (the check on the batch)
    check = client.get(f"{url}/gradcheck").json()
    assert check["max_relative_difference"] < 1e-6
    for entry in check["entries"]:
        if entry["parameter"] == "weight":
            link = trace["weights"][entry["k"]][entry["i"]][entry["j"]]
            assert entry["backprop"] == link["dE_dw"]
    update = strict_json(client.post(f"{url}/update").text)
    afters = [s["error_after"] for s in update["samples"]]
    assert update["error_after"] == pytest.approx(np.mean(afters), rel=1e-15)
    assert update["error_after"] < update["error"]


def test_batch_is_remembered_and_recomputed(client: TestClient) -> None:
    url = network(client)
    client.post(f"{url}/forward", json={"samples": BATCH})
    client.post(f"{url}/backward")
    patched = client.patch(url, json={"activation": "sigmoid"}).json()
    assert patched["trace"]["phase"] == "backward"
    assert [s["input"] for s in patched["trace"]["samples"]] == [b["input"] for b in BATCH]
    edited = client.put(f"{url}/weights/0/0/0", json={"value": 0.5}).json()
    assert len(edited["trace"]["samples"]) == 3
    assert len(client.get(url).json()["trace"]["samples"]) == 3
    single = client.post(f"{url}/forward", json=BATCH[0]).json()
    assert single["samples"] is None


def test_batch_step_equals_one_training_step_of_that_batch(client: TestClient) -> None:
    stepped, trained = network(client, l2=0.01), network(client, l2=0.01)
    trace = client.post(f"{stepped}/step", json={"samples": BATCH})
    assert trace.status_code == 200
    client.put(f"{trained}/dataset", json={"points": BATCH})
    answer = client.post(f"{trained}/train", json={"steps": 1, "batch_size": len(BATCH)})
    assert answer.status_code == 200
    after = client.get(stepped).json()
    for got, want in zip(after["weights"] + after["biases"],
                         answer.json()["weights"] + answer.json()["biases"], strict=True):
        np.testing.assert_allclose(np.array(got), np.array(want), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"samples": BATCH, "input": [0.1, 0.2], "target": [0.1, 0.2]}, "samples"),
     ({"samples": BATCH, "input": [0.1, 0.2]}, "samples"),
     ({}, "input"),
     ({"samples": []}, "samples"),
     ({"samples": BATCH * 34}, "samples"),
     ({"samples": [BATCH[0], {"input": [0.1], "target": [0.1, 0.2]}]}, "samples[1].input"),
     ({"samples": [BATCH[0], {"input": [0.1, 0.2], "target": [0.1]}]}, "samples[1].target"),
     ({"samples": [{"input": [0.1, 0.2]}]}, "samples[0].target")],
)
@pytest.mark.parametrize("route", ["forward", "step"])
def test_batch_invalid_is_422_naming_the_field(client: TestClient, body, field,
                                               route) -> None:
    url = network(client)
    before = client.get(url).json()
    response = client.post(f"{url}/{route}", json=body)
    assert response.status_code == 422, response.text
    assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert client.get(url).json() == before


def test_batch_cross_entropy_target_names_its_sample(client: TestClient) -> None:
    url = network(client, loss="cross_entropy", output_activation="sigmoid")
    bad = [BATCH[0], {"input": [0.1, 0.2], "target": [0.5, 1.25]}]
    response = client.post(f"{url}/step", json={"samples": bad})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "samples[1].target"
    assert "got 1.25" in response.json()["errors"][0]["message"]


def test_batch_limit_is_served(client: TestClient) -> None:
    assert client.get("/api/options").json()["limits"]["max_step_batch"] == 100
    url = network(client)
    assert client.post(f"{url}/forward", json={"samples": BATCH * 33 + [BATCH[0]]}).status_code \
        == 200
