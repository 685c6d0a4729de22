"""The whole matrix: every hidden activation × output activation × loss the API accepts, on
three shapes, walked two full steps phase by phase with Next and back with Previous; at
every phase every number on screen equals the API's trace, and the page logs no error."""

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import api, fmt, link_to, open_page, precise, settle

ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear"]
COMBOS = [(a, o, "squared") for a in ACTIVATIONS for o in ACTIVATIONS] + [
    (a, "sigmoid", "cross_entropy") for a in ACTIVATIONS]

# Presses a key `count` times as a learner would, each after the page has finished the one
# before, and returns what the page shows after each (one round trip for a whole walk).
WALK = """async ([key, count]) => {
  const text = (sel) => document.querySelector(sel)?.textContent ?? null;
  const snapshot = () => {
    const out = {label: text('#phase-label'), error: text('#error-box text')};
    for (const g of document.querySelectorAll('[id^=node-]')) {
      for (const c of ['x', 'y', 'bias', 'dy', 'dx']) out[`${g.id} ${c}`] = text(`#${g.id} .${c}`);
    }
    for (const g of document.querySelectorAll('[id^=link-label-]')) {
      out[`${g.id} w`] = text(`#${g.id} .w`);
      out[`${g.id} grad`] = text(`#${g.id} .grad`);
    }
    return out;
  };
  // the page renders once per display frame: the key's action shows as queued only then
  const idle = () => new Promise((done) => {
    const check = () => (document.body.dataset.pending === '0' ? done() : setTimeout(check, 1));
    requestAnimationFrame(check);
  });
  const snaps = [];
  for (let n = 0; n < count; n++) {
    document.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
    await idle();
    snaps.push(snapshot());
  }
  return snaps;
}"""


def phases(L: int) -> list[tuple[str, int | None]]:
    return ([("input", 0)] + [("forward", l) for l in range(1, L)] + [("error", L - 1)]
            + [("backward", l) for l in range(L - 1, 0, -1)] + [("update", None)])


def name_of(kind: str, layer: int | None, L: int) -> str:
    where = {0: "input", L - 1: "output"}.get(layer, f"hidden layer {layer}")
    return {"input": "Input", "forward": f"Forward into {where}", "error": "Error",
            "backward": f"Backward through {where}", "update": "Update"}[kind]


FORMULAS = {"x1_squared": "x₁²", "x2_squared": "x₂²", "x1_x2": "x₁·x₂", "sin_x1": "sin x₁",
            "sin_x2": "sin x₂"}


def input_name(trace: dict, j: int, features: list[str]) -> str:
    """Input node j's name on its card: x₁, x₂ for the raw inputs, a feature's formula."""
    raw = len(trace["input"])
    return f"input x{'₀₁₂₃₄₅₆₇₈'[j + 1]}" if j < raw else f"input {FORMULAS[features[j - raw]]}"


def expected(trace: dict, step: int, kind: str, layer: int | None,
             features: list[str] = ()) -> dict:
    """What the page must show at a phase of the step whose update trace is `trace`
    (static/js/phases.js's visibility rules)."""
    L = len(trace["nodes"])
    forward = layer if kind in ("input", "forward") else L - 1
    backward = layer if kind == "backward" else 1 if kind == "update" else L
    after = kind == "update"
    text = lambda prefix, v: f"{prefix} {fmt(v)}"  # noqa: E731
    out = {"label": f"Step {step} · {name_of(kind, layer, L)}"}
    for l, nodes in enumerate(trace["nodes"]):
        for j, n in enumerate(nodes):
            key = f"node-{l}-{j}"
            out[f"{key} x"] = text("x", n["x"]) if l <= forward else ""
            out[f"{key} y"] = text("y", n["y"]) if l <= forward else ""
            out[f"{key} bias"] = (text("b", n["b"] if after else n["b_before"]) if l
                                  else input_name(trace, j, list(features)))
            back = l >= 1 and l >= backward
            out[f"{key} dy"] = text("∂E/∂y", n["dE_dy"]) if back else ""
            out[f"{key} dx"] = text("∂E/∂x", n["dE_dx"]) if back else ""
    for k, m in enumerate(trace["weights"]):
        for i, row in enumerate(m):
            for j, w in enumerate(row):
                key = f"link-label-{k}-{i}-{j}"
                out[f"{key} w"] = text("w", w["w"] if after else w["w_before"])
                out[f"{key} grad"] = text("∂E/∂w", w["dE_dw"]) if k + 1 >= backward else ""
    shown = kind in ("error", "backward", "update")
    out["error"] = ("" if not shown else f"E {fmt(trace['error'])} → {fmt(trace['error_after'])}"
                    if after else f"E = {fmt(trace['error'])}")
    return out


def press(page: Page, key: str, count: int) -> list[dict]:
    return page.evaluate(WALK, [key, count])


def walk(page: Page, layers: list[int], activation: str, output: str, loss: str,
         **network: object) -> list[dict]:
    """Opens the link of these settings (and `network`'s others) in the page, as a pasted
    link, and walks it: two steps forwards, and back to the first phase. Returns the two
    update traces."""
    before = page.evaluate("document.body.dataset.networkId")
    link = link_to({"network": {"layers": layers, "activation": activation,
                                "output_activation": output, "loss": loss, "seed": 7,
                                **network},
                    "dataset": None})
    page.evaluate("(hash) => { location.hash = hash; }", link[1:])
    page.wait_for_function("(id) => document.body.dataset.networkId !== id", arg=before)
    settle(page)
    plan = phases(len(layers))
    seen = []
    traces = []
    for step in (1, 2):
        snaps = press(page, "n", len(plan))
        seen += [(step, kind, layer, snap) for (kind, layer), snap in zip(plan, snaps, strict=True)]
        traces.append(api(page, "GET", "")["trace"])
        assert traces[-1]["phase"] == "update" and traces[-1]["step"] == step
    features = network.get("features", [])
    for step, kind, layer, snap in seen:
        want = expected(traces[step - 1], step, kind, layer, features)
        wrong = {k: (snap.get(k), v) for k, v in want.items() if snap.get(k) != v}
        assert not wrong, (activation, output, loss, step, kind, layer, wrong)
    back = press(page, "p", len(seen) - 1)  # and back, phase by phase
    for (step, kind, layer, _), snap in zip(reversed(seen[:-1]), back, strict=True):
        want = expected(traces[step - 1], step, kind, layer, features)
        wrong = {k: (snap.get(k), v) for k, v in want.items() if snap.get(k) != v}
        assert not wrong, ("back", activation, output, loss, step, kind, layer, wrong)
    return traces


@pytest.mark.parametrize("layers", [[1, 2, 2, 1], [2, 3, 1], [3, 4, 4, 2]],
                         ids=["1-2-2-1", "2-3-1", "3-4-4-2"])
def test_matrix_every_setting_every_phase_forwards_and_back(browser: Browser, base_url: str,
                                                           layers: list[int]) -> None:
    page, console = open_page(browser, base_url)
    for activation, output, loss in COMBOS:
        walk(page, layers, activation, output, loss)
        assert console.errors == [], (activation, output, loss, console.errors)
    page.context.close()


# Each optimizer and initialization at least once, with L1 and L2 too (issue 23).
RULES = [
    ({"optimizer": "sgd", "l1": 0.05, "init": "small_uniform"}, [2, 3, 1]),
    ({"optimizer": "momentum", "momentum": 0.8, "init": "he_normal"}, [1, 2, 2, 1]),
    ({"optimizer": "adam", "learning_rate": 0.05, "init": "glorot_uniform"}, [3, 4, 4, 2]),
    ({"optimizer": "adam", "learning_rate": 0.05, "l2": 0.01, "l1": 0.01, "beta1": 0.8,
      "init": "zeros"}, [2, 3, 1]),
]


@pytest.mark.parametrize(("rule", "layers"), RULES, ids=lambda v: "-".join(map(str, v))
                         if isinstance(v, list) else v["optimizer"] + "-" + v["init"])
def test_matrix_each_optimizer_and_initialization_every_phase(
        browser: Browser, base_url: str, rule: dict, layers: list[int]) -> None:
    """Walked as the matrix walks; then, at the second update, the panel of a weight and of
    a bias writes out the optimizer's rule with the trace's own numbers: g, the state after
    (v, or m and s), and the new value."""
    page, console = open_page(browser, base_url)
    traces = walk(page, layers, "tanh", "sigmoid", "squared", **rule)
    trace = traces[1]
    assert trace["optimizer"]["name"] == rule["optimizer"] and trace["t"] == 2
    press(page, "n", 2 * len(phases(len(layers))) - 1)  # to the second update again
    # a weight whose label is drawn (a crowded or thin link's may be hidden)
    label = page.evaluate("[...document.querySelectorAll('[id^=link-label-]')]"
                          ".find((e) => e.getBoundingClientRect().width > 0)?.id")
    k, i, j = map(int, label.split("-")[2:])
    for selector, entry, key in ((f"#{label}", trace["weights"][k][i][j], "w"),
                                 ("#node-1-0", trace["nodes"][1][0], "b")):
        page.click(selector)
        settle(page)
        panel = page.inner_text("#formula")
        assert fmt(entry[key]) in panel, (selector, panel)
        state = entry.get("state") or {}
        for name, value in state.items():
            assert precise(value) in panel, (selector, name, panel)
        if rule["optimizer"] == "sgd":
            assert state == {} and ("sign" in panel) == (key == "w"), panel  # L1: weights only
        note = page.inner_text("#formula-note")
        assert {"sgd": "L1", "momentum": "velocity", "adam": "Adam"}[rule["optimizer"]] in note \
            or selector.startswith("#node"), note
    assert console.errors == [], console.errors
    page.context.close()


# Each derived input feature at least once (issue 23 §3), on 2-input and 1-input data.
FEATURED = [
    ([7, 3, 1], ["x1_squared", "x2_squared", "x1_x2", "sin_x1", "sin_x2"], "tanh"),
    ([3, 2, 2, 1], ["x1_squared", "sin_x1"], "relu"),
    ([4, 4, 3, 2], ["sin_x2", "x1_x2"], "sigmoid"),
]


@pytest.mark.parametrize(("layers", "features", "activation"), FEATURED,
                         ids=lambda v: "-".join(map(str, v)) if isinstance(v[0], int) else
                         ",".join(v) if isinstance(v, list) else v)
def test_matrix_each_input_feature_every_phase(browser: Browser, base_url: str,
                                               layers: list[int], features: list[str],
                                               activation: str) -> None:
    """Walked as the matrix walks, each input node named by its card (x₁, x₂, then each
    feature's formula); then each feature node's panel writes its formula over the raw
    inputs with their numbers and its value, the trace's."""
    page, console = open_page(browser, base_url)
    traces = walk(page, layers, activation, "sigmoid", "squared", features=features)
    trace = traces[0]
    raw = len(trace["input"])
    assert raw == layers[0] - len(features)
    for j, name in enumerate(features):
        page.click(f"#node-0-{raw + j}")
        settle(page)
        panel = page.inner_text("#formula")
        x = trace["nodes"][0][raw + j]["x"]
        reads = [trace["input"][k] for k in (0, 1) if f"x{k + 1}" in name]  # the raw ones it reads
        assert fmt(x) in panel and all(fmt(v) in panel for v in reads), (name, panel)
        assert "computed from the raw inputs" in page.inner_text("#formula-note")
    assert console.errors == [], console.errors
    page.context.close()


SOFTMAX_COMBOS = [(a, "softmax", "categorical_cross_entropy") for a in ACTIVATIONS]


def test_matrix_softmax_2_3_3_every_phase_forwards_and_back(browser: Browser,
                                                           base_url: str) -> None:
    """A 2-3-3 softmax network with categorical cross entropy, under every hidden
    activation: every number drawn equals the trace at every phase, forwards and back."""
    page, console = open_page(browser, base_url)
    for activation, output, loss in SOFTMAX_COMBOS:
        walk(page, [2, 3, 3], activation, output, loss)
        assert console.errors == [], (activation, console.errors)
    page.context.close()


@pytest.mark.parametrize("width", [390, 1440, 1920])
def test_matrix_softmax_of_ten_classes_every_phase(browser: Browser, base_url: str,
                                                   width: int) -> None:
    """The widest output, 10 classes (as the 10 digits), walked phase by phase and back at
    each width: every number drawn equals the trace."""
    page, console = open_page(browser, base_url, width=width)
    walk(page, [2, 8, 10], "tanh", "softmax", "categorical_cross_entropy")
    assert console.errors == [], console.errors
    page.context.close()


def test_matrix_softmax_panel_writes_each_formula_with_the_traces_numbers(
        browser: Browser, base_url: str) -> None:
    """The output node's panel: y_k over every x of the layer, E = −Σ t ln y, and the
    backward pass through the Jacobian y_m·(δ_mj − y_j) to y_j − t_j, each number the
    trace's (as the page writes it)."""
    page, console = open_page(browser, base_url)
    link = link_to({"network": {"layers": [2, 3, 3], "activation": "tanh",
                                "output_activation": "softmax",
                                "loss": "categorical_cross_entropy", "seed": 3},
                    "sample": {"input": [0.4, -0.7], "target": [0, 0, 1]}, "dataset": None})
    page.goto(base_url + link)
    page.wait_for_selector("body[data-ready=true]")
    settle(page)
    assert api(page, "GET", "")["output_activation"] == "softmax"
    formula = lambda: page.text_content("#formula") or ""  # noqa: E731
    press(page, "n", 3)  # input, hidden, output
    page.click("#node-2-1")
    settle(page)
    trace = api(page, "GET", "")["trace"]
    out = trace["nodes"][2]
    text = formula()
    for n in out:  # y₂ = e^x₂ / (e^x₁ + e^x₂ + e^x₃): every x of the layer
        assert fmt(n["x"]) in text, (fmt(n["x"]), text)
    assert fmt(out[1]["y"]) in text and "Σ" in text
    press(page, "n", 1)  # the error (the panel stays on the node clicked)
    text = formula()
    assert "ln" in text and fmt(trace["error"]) in text, text
    for n in out:
        assert fmt(n["y"]) in text
    press(page, "n", 1)  # backward through the output
    trace = api(page, "GET", "")["trace"]
    out = trace["nodes"][2]
    text = formula()
    j = 1
    assert fmt(out[j]["dE_dy"]) in text and fmt(out[j]["dE_dx"]) in text, text
    for m, n in enumerate(out):  # the Jacobian's column j, each entry with its numbers
        value = n["y"] * ((1.0 if m == j else 0.0) - out[j]["y"])
        assert fmt(value) in text, (m, fmt(value), text)
    assert abs(out[j]["dE_dx"] - (out[j]["y"] - trace["target"][j])) < 1e-15
    # the gradient check covers the softmax layer: backprop agrees with finite differences
    page.click("#btn-gradcheck")
    settle(page)
    assert "Below 10⁻⁶" in (page.text_content("#gradcheck-summary") or ""), \
        page.text_content("#gradcheck-summary")
    assert console.errors == [], console.errors
    page.context.close()
