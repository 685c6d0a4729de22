"""The 8×8 handwritten digits (issue 22 §3): the shipped file, the built-in dataset `digits`
(64 inputs in [0, 1], 10 one-hot classes), the widths a layer may have (64 inputs, hidden
layers of 32, 10 outputs), the body and lesson caps at their largest, and every call on the
source article's network, 64-32-10 (and 64-32-16-10), against the engine's reference."""

from __future__ import annotations

import hashlib
import itertools
import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from server import limits
from server.engine import costs, kernel, sgd
from server.engine.datasets import DIGITS_FILE, digits_images, make_dataset, split
from server.engine.mlp import Architecture, Parameters, backward, forward, update
from server.engine.optimizers import Optimizer
from server.networks.workbench import built_in
from tests.api.test_export_python import _expected, _printed, _run_here, _same, _torch_python

SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]  # of the digits 0 … 9 (sklearn's)
# The first image of the file, a 0, its pixel counts 0 … 16 row by row from the top.
IMAGE_0 = [[0, 0, 5, 13, 9, 1, 0, 0],
           [0, 0, 13, 15, 10, 15, 5, 0],
           [0, 3, 15, 2, 0, 11, 8, 0],
           [0, 4, 12, 0, 0, 8, 8, 0],
           [0, 5, 8, 0, 0, 9, 8, 0],
           [0, 4, 11, 0, 1, 12, 7, 0],
           [0, 2, 14, 5, 10, 12, 0, 0],
           [0, 0, 6, 13, 10, 0, 0, 0]]
SOFTMAX = {"output_activation": "softmax", "loss": "categorical_cross_entropy"}
DIGITS_NET = {"layers": [64, 32, 10], "seed": 4, "learning_rate": 0.5, **SOFTMAX}
DIGITS_DATA = {"name": "digits", "size": 1797, "noise": 0.0, "seed": 2, "test_fraction": 0.2}
NUMBER = -1.2345678901234567e-300  # JSON's longest number in range: 24 characters


def _net(client: TestClient, **fields) -> tuple[str, dict]:
    made = client.post("/api/networks", json={**DIGITS_NET, **fields})
    assert made.status_code == 201, made.text
    return f"/api/networks/{made.json()['id']}", made.json()


def _with_digits(client: TestClient, **fields) -> tuple[str, dict]:
    url, net = _net(client, **fields)
    put = client.put(f"{url}/dataset", json=DIGITS_DATA)
    assert put.status_code == 200, put.text
    return url, net


def _params(net: dict) -> Parameters:
    return Parameters(tuple(np.array(w, dtype=np.float64) for w in net["weights"]),
                      tuple(np.array(b, dtype=np.float64) for b in net["biases"]))


def _close(got: Parameters, want: Parameters) -> None:
    for g, w in zip((*got.weights, *got.biases), (*want.weights, *want.biases), strict=True):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)


# -- the file and the dataset ------------------------------------------------------------------

def test_digits_file_is_the_one_shipped_with_its_source_and_licence() -> None:
    assert hashlib.sha256(DIGITS_FILE.read_bytes()).hexdigest() == SHA256
    readme = (DIGITS_FILE.parent / "README.md").read_text()
    assert SHA256 in readme
    for words in ("UCI", "Optical Recognition of Handwritten Digits", "Alpaydin", "Kaynak",
                  "1998", "scikit-learn", "CC BY 4.0"):
        assert words in readme, words
    # pyproject installs it with the package
    assert '"data/digits.csv.gz"' in (Path(__file__).parents[2] / "pyproject.toml").read_text()


def test_digits_images_are_the_1797_of_the_file_as_pixels_over_16() -> None:
    pixels, labels = digits_images()
    assert pixels.shape == (1797, 64) and labels.shape == (1797,)
    assert set(np.unique(pixels * 16)) <= set(range(17))
    np.testing.assert_array_equal(pixels * 16, np.round(pixels * 16))
    assert pixels.min() == 0.0 and pixels.max() == 1.0
    assert np.bincount(labels).tolist() == COUNTS
    assert labels[0] == 0
    np.testing.assert_array_equal(pixels[0].reshape(8, 8) * 16, IMAGE_0)  # row-major, row 0 on top
    assert digits_images() is digits_images()  # read once
    assert not pixels.flags.writeable


def test_digits_dataset_is_every_image_once_with_one_hot_targets(client: TestClient) -> None:
    url, _ = _net(client)
    assert client.put(f"{url}/dataset", json={**DIGITS_DATA, "test_fraction": 0}).status_code \
        == 200
    data = client.get(f"{url}/dataset").json()
    X = np.array([p["input"] for p in data["train"]])
    T = np.array([p["target"] for p in data["train"]])
    assert X.shape == (1797, 64) and T.shape == (1797, 10)
    assert ((T == 0) | (T == 1)).all() and (T.sum(axis=1) == 1).all()
    assert T.sum(axis=0).tolist() == COUNTS  # output k is digit k
    pixels, labels = digits_images()
    # every image exactly once, its digit as its target (noise 0: the exact images)
    got = sorted(map(tuple, np.column_stack([X, T.argmax(axis=1)]).tolist()))
    want = sorted(map(tuple, np.column_stack([pixels, labels]).tolist()))
    assert got == want
    first = np.flatnonzero((pixels[0] == X).all(axis=1))
    assert len(first) == 1 and T[first[0]].argmax() == 0


def test_digits_are_chosen_and_ordered_by_seed() -> None:
    a, b = make_dataset("digits", 300, 0.0, 7), make_dataset("digits", 300, 0.0, 7)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.T, b.T)
    other = make_dataset("digits", 300, 0.0, 8)
    assert not np.array_equal(a.X, other.X)
    # distinct images, drawn from the whole set (not the file's first 300)
    assert len({row.tobytes() for row in a.X}) == len(np.unique(a.X, axis=0))
    assert a.T.sum(axis=0).min() > 10
    # the noise does not change which images, nor their order
    noisy = make_dataset("digits", 300, 0.4, 7)
    np.testing.assert_array_equal(noisy.T, a.T)
    # split as every set: the first (1 − f) for training
    train, test = split(a, 0.2)
    assert len(train) == 240 and len(test) == 60
    np.testing.assert_array_equal(np.vstack([train.X, test.X]), a.X)


def test_digits_noise_is_gaussian_clipped_to_0_1_and_deterministic() -> None:
    exact = make_dataset("digits", 500, 0.0, 3)
    noisy = make_dataset("digits", 500, 0.5, 3)
    again = make_dataset("digits", 500, 0.5, 3)
    np.testing.assert_array_equal(noisy.X, again.X)
    assert noisy.X.min() == 0.0 and noisy.X.max() == 1.0  # clipped, not beyond
    assert (noisy.X == 0.0).mean() > 0.1 and (noisy.X == 1.0).mean() > 0.01
    inside = (noisy.X > 0) & (noisy.X < 1)
    spread = np.std((noisy.X - exact.X)[inside & (exact.X > 0.3) & (exact.X < 0.7)])
    assert 0.15 < spread < 0.3  # σ = noise / 2 = 0.25, a little less where clipping cuts
    np.testing.assert_array_equal(exact.X * 16, np.round(exact.X * 16))


def test_digits_size_is_at_most_1797(client: TestClient) -> None:
    url, _ = _net(client)
    for size in (1798, 10_000):
        refused = client.put(f"{url}/dataset", json={**DIGITS_DATA, "size": size})
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "size"
        assert refused.json()["detail"] == (f"size: the digits have 1,797 images: size is at "
                                            f"most 1,797, not {size:,}")
    assert client.put(f"{url}/dataset", json={**DIGITS_DATA, "size": 1}).status_code == 200
    with pytest.raises(ValueError, match="1,797 images"):
        make_dataset("digits", 1798, 0.0, 0)
    # the other sets keep the general limit
    small = client.post("/api/networks", json={"layers": [1, 1]}).json()["id"]
    assert client.put(f"/api/networks/{small}/dataset",
                      json={"name": "sine", "size": 10_000}).status_code == 200
    # a network of another shape hears about the shape first
    refused = client.put(f"/api/networks/{small}/dataset", json={"name": "digits"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "name"
    assert "64 input(s) and 10 target(s)" in refused.json()["detail"]


def test_digits_in_the_options(client: TestClient) -> None:
    options = client.get("/api/options").json()
    sets = {d["name"]: d for d in options["datasets"]}
    digits = sets["digits"]
    assert (digits["inputs"], digits["outputs"], digits["max_size"]) == (64, 10, 1797)
    assert digits["image"] == [8, 8]
    assert digits["classes"] == [str(k) for k in range(10)]
    assert "Optical Recognition of Handwritten Digits" in digits["source"]
    assert "CC BY 4.0" in digits["source"]
    for name, other in sets.items():
        if name != "digits":
            assert other["image"] is None and other["classes"] is None, name
            assert other["source"] is None and other["max_size"] == 10_000, name
    got = options["limits"]
    assert (got["max_inputs"], got["max_hidden"], got["max_outputs"], got["max_nodes"]) == (
        64, 32, 10, 8)
    assert got["max_point_numbers"] == 36_000
    assert got["max_body_bytes"] == limits.MAX_BODY_BYTES == 1_114_112  # as before the digits


# -- the widths a layer may have ---------------------------------------------------------------

@pytest.mark.parametrize(("layers", "detail"), [
    ([65, 32, 10], "layers[0]: the input layer has at most 64 nodes, not 65"),
    ([64, 33, 10], "layers[1]: a hidden layer has at most 32 nodes, not 33"),
    ([64, 32, 40, 10], "layers[2]: a hidden layer has at most 32 nodes, not 40"),
    ([64, 32, 11], "layers[2]: the output layer has at most 10 nodes, not 11"),
    ([64, 65], "layers[1]: the output layer has at most 10 nodes, not 65"),
    ([2, 8, 9, 3], None),
    ([64, 32, 32, 32, 32, 32, 32, 10], None),
])
def test_digits_layer_widths_are_refused_in_plain_words(client: TestClient, layers,
                                                        detail) -> None:
    made = client.post("/api/networks", json={"layers": layers})
    if detail is None:
        assert made.status_code == 201, made.text
        return
    assert made.status_code == 422
    assert made.json()["detail"] == detail
    assert made.json()["errors"][0]["field"] == detail.split(":")[0]


def test_digits_node_indices_and_sample_sizes_follow_the_layers(client: TestClient) -> None:
    url, _ = _net(client)
    assert client.put(f"{url}/weights/0/63/31", json={"value": 0.25}).status_code == 200
    assert client.put(f"{url}/weights/1/31/9", json={"value": -0.5}).status_code == 200
    assert client.put(f"{url}/biases/0/31", json={"value": 0.1}).status_code == 200
    state = client.get(url).json()
    assert state["weights"][0][63][31] == 0.25 and state["biases"][0][31] == 0.1
    for path in ("weights/0/64/0", "weights/0/0/32", "biases/0/32"):
        refused = client.put(f"{url}/{path}", json={"value": 0.0})
        assert refused.status_code == 422, path
    assert client.put(f"{url}/weights/1/31/10", json={"value": 0.0}).status_code == 422
    too_many = client.post(f"{url}/forward", json={"input": [0.5] * 65,
                                                   "target": [1] + [0] * 9})
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "input"
    wrong = client.post(f"{url}/forward", json={"input": [0.5] * 63, "target": [1] + [0] * 9})
    assert wrong.status_code == 422
    assert wrong.json()["detail"] == "input: expected 64 values (one per input node), got 63"
    # the landscape's parameters as far as the layers go
    client.post(f"{url}/forward", json={"input": [0.5] * 64, "target": [1] + [0] * 9})
    land = client.post(f"{url}/landscape", json={
        "a": {"kind": "weight", "k": 0, "i": 63, "j": 31},
        "b": {"kind": "bias", "k": 1, "j": 9}, "resolution": 5})
    assert land.status_code == 200, land.text
    assert len(land.json()["E"]) == 5
    refused = client.post(f"{url}/landscape", json={
        "a": {"kind": "weight", "k": 0, "i": 64, "j": 0}, "b": {"kind": "bias", "k": 1, "j": 9}})
    assert refused.status_code == 422


def test_digits_features_still_fit_within_the_input_layer(client: TestClient) -> None:
    made = client.post("/api/networks", json={"layers": [64, 3, 1], "features": [
        "x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"]})
    assert made.status_code == 201  # 59 raw inputs and 5 features
    sample = {"input": [0.1] * 59, "target": [0.5]}
    assert client.post(f"/api/networks/{made.json()['id']}/forward",
                       json=sample).status_code == 200
    refused = client.post("/api/networks", json={"layers": [65, 3, 1], "features": ["x1_x2"]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "layers[0]"


# -- every call on 64-32-10 ---------------------------------------------------------------------

def _reference_train(net: dict, layers: tuple[int, ...], steps: int, batch: int,
                     optimizer: Optimizer, learning_rate: float, trainer=sgd.train):
    """What training `steps` steps from the new network gives on the engine alone: the
    workbench's generator (the network's seed), cursor and data."""
    arch = Architecture(layers, "sigmoid", "softmax", "categorical_cross_entropy")
    train_points, _ = built_in("digits", DIGITS_DATA["size"], DIGITS_DATA["noise"],
                               DIGITS_DATA["seed"], DIGITS_DATA["test_fraction"])
    rng = np.random.default_rng(net["seed"])
    cursor = sgd.new_cursor(train_points.X, train_points.T, rng)
    result = trainer(arch, _params(net), train_points.X, train_points.T, steps=steps,
                     batch_size=batch, learning_rate=learning_rate, l2=0.0, cursor=cursor,
                     rng=rng, optimizer=optimizer)
    return arch, getattr(result, "result", result)


@pytest.mark.parametrize("layers", [(64, 32, 10), (64, 32, 16, 10)],
                         ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize(("batch", "steps"), [(1, 150), (32, 60), (1438, 3)])
@pytest.mark.parametrize("rule", ["sgd", "adam"])
def test_digits_train_equals_the_numpy_reference(client: TestClient, monkeypatch, layers,
                                                 batch, steps, rule) -> None:
    """On the compiled kernel at batch 1 and 32 (path_for, and a spy on it), on the path the
    estimate picks at the full batch of 1,438 (NumPy's: both train 64-32-10 at about 0.7 M
    samples/s there); the kernel then also equals the reference on that batch."""
    assert kernel.warm_up()
    arch = Architecture(layers, "sigmoid", "softmax", "categorical_cross_entropy")
    assert (kernel.path_for(arch, batch) is costs.COMPILED) == (batch < 1438)
    calls = []
    compiled = kernel.train_compiled

    def spy(*args, **kwargs):
        calls.append(kwargs["batch_size"])
        return compiled(*args, **kwargs)

    monkeypatch.setattr(kernel, "train_compiled", spy)
    rate = {"sgd": 0.5, "adam": 0.002}[rule]
    url, net = _with_digits(client, layers=list(layers), optimizer=rule, learning_rate=rate)
    answer = client.post(f"{url}/train", json={"steps": steps, "batch_size": batch})
    assert answer.status_code == 200, answer.text
    assert answer.json()["steps"] == steps
    optimizer = Optimizer(rule)
    _, want = _reference_train(net, layers, steps, batch, optimizer, rate)
    _close(_params(answer.json()), want.params)
    assert bool(calls) == (batch < 1438)
    if batch == 1438:
        _, fast = _reference_train(net, layers, steps, batch, optimizer, rate,
                                   trainer=compiled)
        _close(fast.params, want.params)


def test_digits_fit_has_the_accuracy_and_a_10_by_10_confusion(client: TestClient) -> None:
    url, _ = _with_digits(client, optimizer="adam", learning_rate=0.01)
    before = client.get(f"{url}/fit").json()
    trained = client.post(f"{url}/train", json={"steps": 400, "batch_size": 32})
    assert trained.status_code == 200
    fit = client.get(f"{url}/fit").json()
    assert fit["train_accuracy"] > before["train_accuracy"] and fit["train_accuracy"] > 0.8
    assert fit["test_accuracy"] > 0.7
    for part, n in (("train", 1438), ("test", 359)):
        confusion = np.array(fit[f"{part}_confusion"])
        assert confusion.shape == (10, 10) and confusion.sum() == n
        assert np.trace(confusion) == round(fit[f"{part}_accuracy"] * n)
    assert trained.json()["train_confusion"] == fit["train_confusion"]


def test_digits_a_step_on_one_sample_and_on_a_mini_batch(client: TestClient) -> None:
    url, net = _with_digits(client)
    data = client.get(f"{url}/dataset").json()["train"]
    arch = Architecture((64, 32, 10), "sigmoid", "softmax", "categorical_cross_entropy")
    for samples in (data[:1], data[:32]):
        url, net = _with_digits(client)
        X = np.array([s["input"] for s in samples])
        T = np.array([s["target"] for s in samples])
        body = samples[0] if len(samples) == 1 else {"samples": samples}
        assert client.post(f"{url}/forward", json=body).status_code == 200
        assert client.post(f"{url}/backward").status_code == 200
        trace = client.post(f"{url}/update").json()
        params = _params(net)
        fwd = forward(arch, params, X, T)
        want = update(params, backward(arch, params, fwd, T), 0.5)
        assert trace["error"] == pytest.approx(fwd.mean_error, rel=1e-12)
        _close(_params(client.get(url).json()), want)
        # and in one call
        url2, _ = _with_digits(client)
        step = client.post(f"{url2}/step", json=body)
        assert step.status_code == 200
        _close(_params(client.get(url2).json()), want)


def test_digits_gradient_check_of_2368_weights(client: TestClient) -> None:
    url, _ = _with_digits(client)
    sample = client.get(f"{url}/dataset").json()["train"][0]
    client.post(f"{url}/forward", json=sample)
    check = client.get(f"{url}/gradcheck")
    assert check.status_code == 200
    entries = check.json()["entries"]
    assert len(entries) == 64 * 32 + 32 * 10 + 32 + 10
    assert check.json()["max_relative_difference"] < 1e-4


def test_digits_plots_of_64_inputs_are_refused_naming_the_field(client: TestClient) -> None:
    url, _ = _with_digits(client)
    for body, field in (({"steps": 1, "resolution": 20}, "resolution"),
                        ({"steps": 1, "functions_resolution": 8}, "functions_resolution")):
        refused = client.post(f"{url}/train", json=body)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field
        assert "1 or 2 inputs" in refused.json()["detail"]
    for path in ("function", "functions"):
        refused = client.get(f"{url}/{path}")
        assert refused.status_code == 422 and "1 or 2 inputs" in refused.json()["detail"]
    assert client.get(url).json()["step"] == 0  # nothing trained


def test_digits_export_python_prints_the_engines_numbers(client: TestClient, tmp_path) -> None:
    url, net = _with_digits(client, learning_rate=0.3)
    sample = client.get(f"{url}/dataset").json()["train"][5]
    x, t = sample["input"], sample["target"]
    expected = _expected(net, np.array([x]), np.array([t]), 0.3, 0.0)
    script = client.get(f"{url}/export/python", params={"input": x, "target": t})
    assert script.status_code == 200
    _same(_run_here(script.text), expected, "numpy 64-32-10")
    python = _torch_python()
    if python is None:
        return  # test_export_python_pytorch_prints_the_same says why
    path = tmp_path / "step.py"
    path.write_text(client.get(f"{url}/export/python", params={
        "input": x, "target": t, "flavour": "pytorch"}).text)
    run = subprocess.run([python, str(path)], capture_output=True, text=True, check=True)
    _same(_printed(run.stdout), expected, "pytorch 64-32-10")


def test_digits_play_frames_carry_the_accuracy_and_the_confusion(client: TestClient) -> None:
    url, _ = _with_digits(client)
    with client.websocket_connect(f"{url}/play") as ws:
        ws.send_json({"type": "play", "batch_size": 32})
        frames = []
        while len(frames) < 4:
            message = ws.receive_json()
            assert message["type"] == "frame", message
            frames.append(message)
            ws.send_json({"type": "ack", "frame": message["frame"]})
        ws.send_json({"type": "pause"})
        while ws.receive_json()["type"] != "paused":
            pass
    for frame in frames:
        assert 0 <= frame["train_accuracy"] <= 1 and 0 <= frame["test_accuracy"] <= 1
        train, test = np.array(frame["train_confusion"]), np.array(frame["test_confusion"])
        assert train.shape == test.shape == (10, 10)
        assert train.sum() == 1438 and test.sum() == 359
        assert frame["function"] is None and frame["functions"] is None
    steps = [f["step"] for f in frames]
    assert steps == sorted(steps) and steps[0] > 0


# -- the body cap and the lesson cap at their largest ------------------------------------------

def _number_body(value) -> str:
    return json.dumps(value, separators=(", ", ": "))


def test_digits_largest_body_of_own_points_is_accepted_one_number_more_refused(
        client: TestClient) -> None:
    # 2,000 points of 8 inputs and 10 targets: 36,000 numbers, each as long as JSON's get
    made = client.post("/api/networks", json={"layers": [8, 4, 10]})  # the squared loss
    url = f"/api/networks/{made.json()['id']}"
    target = [NUMBER] * 10
    points = [{"input": [NUMBER] * 8, "target": target} for _ in range(2000)]
    body = _number_body({"points": points})
    assert limits.POINTS_BODY_BYTES - 60_000 < len(body) <= limits.POINTS_BODY_BYTES
    ok = client.put(f"{url}/dataset", content=body,
                    headers={"content-type": "application/json"})
    assert ok.status_code == 200, ok.text[:300]
    # one number more (a point of 9 inputs): refused by the count, naming `points`
    points[-1] = {"input": [NUMBER] * 9, "target": target}
    refused = client.put(f"{url}/dataset", content=_number_body({"points": points}),
                         headers={"content-type": "application/json"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "points"
    assert refused.json()["detail"] == (
        "points: one request holds at most 36,000 numbers of points (inputs and targets "
        "together), not 36,001: at most 2,000 points of 18 numbers each (add more one at a "
        "time: POST …/dataset/train)")
    # the digits' 64 + 10: 486 points fit, 487 do not
    url = _net(client)[0]
    digits = [{"input": [0.5] * 64, "target": [0.0] * 9 + [1.0]}] * 487
    assert client.put(f"{url}/dataset", json={"points": digits[:486]}).status_code == 200
    refused = client.put(f"{url}/dataset", json={"points": digits})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "points"
    assert "at most 486 points of 74 numbers each" in refused.json()["detail"]


def _full(layers: list[int], value: float) -> tuple[list, list]:
    weights = [[[value] * b for _ in range(a)] for a, b in itertools.pairwise(layers)]
    biases = [[value] * b for b in layers[1:]]
    return weights, biases


def test_digits_largest_body_of_a_resumed_network_is_accepted_one_number_more_refused(
        client: TestClient) -> None:
    layers = [64, 32, 32, 32, 32, 32, 32, 10]
    assert tuple(layers) == limits.WIDEST_SHAPE
    weights, biases = _full(layers, NUMBER)
    positive, positive_biases = _full(layers, -NUMBER)  # Adam's s is never negative
    body = {"layers": layers, "optimizer": "adam", "seed": 1, "step": 5, **SOFTMAX,
            "weights": weights, "biases": biases, "current_weights": weights,
            "current_biases": biases,
            "optimizer_state": {"t": 5, "m": {"weights": weights, "biases": biases},
                                "s": {"weights": positive, "biases": positive_biases}}}
    text = _number_body(body)
    assert limits.NETWORK_BODY_BYTES - 10_000 < len(text) <= limits.NETWORK_BODY_BYTES
    made = client.post("/api/networks", content=text,
                       headers={"content-type": "application/json"})
    assert made.status_code == 201, made.text[:300]
    assert made.json()["weights"][6][31][9] == NUMBER
    # one number more in a row of weights: refused naming it, not a 413 nor a 500
    body["current_weights"] = [[row[:] for row in m] for m in weights]
    body["current_weights"][6][31].append(NUMBER)
    refused = client.post("/api/networks", content=_number_body(body),
                          headers={"content-type": "application/json"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "current_weights[6][31]"
    # a row of 33 numbers is refused by the request's bounds (no layer after the input has 33)
    body["current_weights"][1][0] = [NUMBER] * 33
    refused = client.post("/api/networks", content=_number_body(body),
                          headers={"content-type": "application/json"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"].startswith("current_weights")
    # a body past the cap: 413, never a 500
    over = client.post("/api/networks", content=text + " " * (limits.MAX_BODY_BYTES - len(text)
                                                               + 1),
                       headers={"content-type": "application/json"})
    assert over.status_code == 413


def test_digits_lesson_of_a_trained_64_32_10_network_round_trips(client: TestClient) -> None:
    url, net = _with_digits(client, optimizer="adam", learning_rate=0.01)
    client.post(f"{url}/train", json={"steps": 30, "batch_size": 32})
    now = client.get(url).json()
    network = {"layers": now["layers"], "seed": now["seed"], "optimizer": "adam", **SOFTMAX,
               "learning_rate": 0.01, "weights": net["weights"], "biases": net["biases"],
               "current_weights": now["weights"], "current_biases": now["biases"],
               "step": now["step"], "optimizer_state": now["optimizer_state"]}
    lesson = {"title": "Nielsen's network", "text": "∂" * 4000, "steps": ["∂" * 300] * 12,
              "state": {"network": network, "dataset": DIGITS_DATA}}
    size = len(json.dumps(lesson, separators=(",", ":")))
    assert size > 200_000  # over the old cap
    created = client.post("/api/lessons", json=lesson)
    assert created.status_code == 201, created.text[:300]
    back = client.get(f"/api/lessons/{created.json()['id']}").json()
    assert back["state"] == lesson["state"]
    resumed = client.post("/api/networks", json=back["state"]["network"])
    assert resumed.status_code == 201, resumed.text[:300]
    assert resumed.json()["weights"] == now["weights"]
    assert resumed.json()["optimizer_state"] == now["optimizer_state"]
