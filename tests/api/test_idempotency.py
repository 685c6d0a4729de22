"""Idempotency-Key on the calls that change a network: a retry gets the first answer again and
is not applied twice (even on another worker: the answer is kept in the store, written with
the change); the same key with another request is refused by name."""

import threading

import pytest
from fastapi.testclient import TestClient

from server.main import create_app
from server.networks.network import Network

SAMPLE = {"input": [0.5], "target": [0.2]}


def test_idempotency_a_retry_gets_the_first_answer_and_applies_nothing(
        client: TestClient) -> None:
    network = client.post("/api/networks", json={"seed": 1}).json()["id"]
    url = f"/api/networks/{network}"
    first = client.post(f"{url}/step", json=SAMPLE, headers={"Idempotency-Key": "step-1"})
    again = client.post(f"{url}/step", json=SAMPLE, headers={"Idempotency-Key": "step-1"})
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert client.get(url).json()["step"] == 1
    other = client.post(f"{url}/step", json=SAMPLE, headers={"Idempotency-Key": "step-2"})
    assert other.json()["step"] == 2  # a new key: a new call


@pytest.mark.parametrize(("method", "path", "body"), [
    ("PATCH", "", {"learning_rate": 0.25}),
    ("POST", "/reset", None),
    ("PUT", "/weights/0/0/0", {"value": 0.75}),
    ("PUT", "/dataset", {"name": "sine", "size": 30}),
    ("POST", "/dataset/train", {"input": [0.1], "target": [0.4]}),
    ("POST", "/train", {"steps": 7, "batch_size": 4}),
])
def test_idempotency_every_call_that_changes_a_network_takes_a_key(
        client: TestClient, method: str, path: str, body) -> None:
    network = client.post("/api/networks", json={"seed": 1}).json()["id"]
    url = f"/api/networks/{network}"
    client.put(f"{url}/dataset", json={"name": "sine", "size": 20})
    client.post(f"{url}/step", json=SAMPLE)
    headers = {"Idempotency-Key": f"k-{method}-{path}"}
    first = client.request(method, url + path, json=body, headers=headers)
    assert first.status_code == 200, first.text
    state = client.get(url).json()
    data = client.get(f"{url}/dataset").json()
    again = client.request(method, url + path, json=body, headers=headers)
    assert again.status_code == 200 and again.content == first.content
    assert client.get(url).json() == state and client.get(f"{url}/dataset").json() == data


def test_idempotency_create_and_delete_once(client: TestClient) -> None:
    headers = {"Idempotency-Key": "create-1"}
    first = client.post("/api/networks", json={"seed": 4}, headers=headers)
    again = client.post("/api/networks", json={"seed": 4}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    url = f"/api/networks/{first.json()['id']}"
    deleted = client.delete(url, headers={"Idempotency-Key": "delete-1"})
    retried = client.delete(url, headers={"Idempotency-Key": "delete-1"})
    assert deleted.status_code == retried.status_code == 204
    assert client.delete(url).status_code == 404  # without the key: no network


def test_idempotency_the_same_key_with_another_request_is_refused(client: TestClient) -> None:
    network = client.post("/api/networks", json={"seed": 1}).json()["id"]
    url = f"/api/networks/{network}"
    headers = {"Idempotency-Key": "reused"}
    assert client.post(f"{url}/step", json=SAMPLE, headers=headers).status_code == 200
    other = client.post(f"{url}/step", json={"input": [0.9], "target": [0.2]}, headers=headers)
    assert other.status_code == 422
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"
    for bad in ("", "x" * 256, "clé".encode()):
        refused = client.post(f"{url}/step", json=SAMPLE, headers={"Idempotency-Key": bad})
        assert refused.status_code == 422, bad
        assert refused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert client.get(url).json()["step"] == 1


def test_idempotency_a_retry_on_another_worker_after_the_answer_was_lost() -> None:
    """The first call was applied and its answer lost (its worker stopped before sending
    it); the retry reaches another worker (another app on the same store): it gets the
    first answer, and the call is not applied twice."""
    first_app = create_app()
    with TestClient(first_app) as first:
        network = first.post("/api/networks", json={"seed": 1}).json()["id"]
        lost = first.post(f"/api/networks/{network}/train", json={"steps": 5},
                          headers={"Idempotency-Key": "train-1"})
        assert lost.status_code == 409  # no data yet: an error is not kept ...
        first.put(f"/api/networks/{network}/dataset", json={"name": "sine", "size": 20})
        lost = first.post(f"/api/networks/{network}/train", json={"steps": 5},
                          headers={"Idempotency-Key": "train-1"})  # ... so this one runs
        assert lost.status_code == 200
    second_app = create_app(store=first_app.state.store)  # the store both workers share
    with TestClient(second_app) as second:
        retry = second.post(f"/api/networks/{network}/train", json={"steps": 5},
                            headers={"Idempotency-Key": "train-1"})
        assert retry.status_code == 200 and retry.json() == lost.json()
        assert second.get(f"/api/networks/{network}").json()["step"] == 5


def test_idempotency_a_retry_sent_while_the_first_call_runs_waits_for_its_answer(
        monkeypatch: pytest.MonkeyPatch) -> None:
    entered, release = threading.Event(), threading.Event()
    train = Network.train
    runs: list[str] = []

    def held(network, *args, **kwargs):
        runs.append(network.id)
        entered.set()
        release.wait(30)
        return train(network, *args, **kwargs)

    monkeypatch.setattr(Network, "train", held)
    with TestClient(create_app()) as client:
        network = client.post("/api/networks", json={"seed": 1}).json()["id"]
        client.put(f"/api/networks/{network}/dataset", json={"name": "sine", "size": 20})
        answers: list = []

        def call() -> None:
            answers.append(client.post(f"/api/networks/{network}/train", json={"steps": 3},
                                       headers={"Idempotency-Key": "slow"}))

        threads = [threading.Thread(target=call)]
        threads[0].start()
        assert entered.wait(10)
        threads.append(threading.Thread(target=call))  # the retry, while the first runs
        threads[1].start()
        threads[1].join(0.3)
        release.set()
        for thread in threads:
            thread.join(30)
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json() == answers[1].json() and len(runs) == 1
