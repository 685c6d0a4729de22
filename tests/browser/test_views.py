"""The loss landscape (E over two parameters, at the current point equal to E of the pass or
the training loss, with the presets of docs/teaching.md §5 and §4) and the computational graph of
one node (its edges equal to the trace's numbers)."""

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import api, click, fmt, select


def caption(page: Page) -> str:
    return page.locator("#landscape-caption").text_content() or ""


def test_landscape_current_point_is_the_pass_error(page: Page) -> None:
    assert "needs a pass" in caption(page)  # at Ready, nothing is fetched (no 409 either)
    # Stepping through, E is computed at the Error phase: the landscape does not show it
    # before (it had shown "E here = 0.0178" at Step 1 · Input).
    for phase in range(4):  # the input, then forward into each layer
        click(page, "Next")
        assert "E here" not in caption(page), phase
        assert "computed at the Error phase" in caption(page)
        assert page.locator("#landscape-scale").get_attribute("aria-label") == (
            "colour scale of E (nothing drawn)")
    click(page, "Forward")
    trace = api(page, "GET", "")["trace"]
    assert f"E here = {fmt(trace['error'])};" in caption(page)
    click(page, "Step")  # after the update the grid is of the new weights
    trace = api(page, "GET", "")["trace"]
    assert f"E here = {fmt(trace['error_after'])};" in caption(page)


def test_landscape_linear_preset_is_a_bowl_over_the_training_set(page: Page) -> None:
    click(page, "Linear 1-1-1: a convex bowl")
    state = api(page, "GET", "")
    assert state["layers"] == [1, 1, 1] and state["activation"] == "linear"
    assert page.locator("#landscape-over").input_value() == "train"
    w1, w2 = state["weights"][0][0][0], state["weights"][1][0][0]
    b1, b2 = state["biases"][0][0], state["biases"][1][0]
    points = api(page, "GET", "/dataset")["train"]
    loss = sum(0.5 * (w2 * (w1 * p["input"][0] + b1) + b2 - p["target"][0]) ** 2
               for p in points) / len(points)
    assert f"E here = {fmt(loss)};" in caption(page)
    landscape = api(page, "POST", "/landscape", {
        "a": {"kind": "weight", "k": 1, "i": 0, "j": 0}, "b": {"kind": "bias", "k": 1, "j": 0},
        "over": "train", "resolution": 41, "span": 2.0})
    assert landscape["current"]["E"] == pytest.approx(loss, rel=1e-12)
    # convex in each direction through the centre
    row = landscape["E"][20]
    assert all(row[c - 1] + row[c + 1] - 2 * row[c] >= -1e-12 for c in range(1, 40))
    click(page, "Sigmoid 1-1-1: not a bowl")
    assert api(page, "GET", "")["activation"] == "sigmoid"
    assert "E here" in caption(page)


def test_graph_edges_show_the_trace_numbers(page: Page) -> None:
    click(page, "Backward")
    select(page, "#node-2-1")
    trace = api(page, "GET", "")["trace"]
    node = trace["nodes"][2][1]
    text = lambda sel: page.locator(sel).text_content() or ""  # noqa: E731
    assert text("#graph-p-f .value") == fmt(node["x"])
    assert text("#graph-p-f .grad") == f"∂ {fmt(node['dE_dx'])}"
    assert text("#graph-f-out .grad") == f"∂ {fmt(node['dE_dy'])}"
    assert text("#graph-w0-m0 .grad") == f"∂ {fmt(trace['weights'][1][0][1]['dE_dw'])}"
    assert text("#graph-b-p .value") == fmt(node["b"])
    assert "Computational graph" in (page.locator("#graph-heading").text_content() or "")
    # An input's ∂ is its share through this node; the network's ∂E/∂y adds up every share.
    w = trace["weights"][1][0][1]["w"]
    assert text("#graph-y0-m0 .grad") == f"∂ {fmt(w * node['dE_dx'])}"
    shares = [trace["weights"][1][0][j]["w"] * trace["nodes"][2][j]["dE_dx"] for j in (0, 1)]
    assert sum(shares) == pytest.approx(trace["nodes"][1][0]["dE_dy"], rel=1e-9, abs=1e-15)
    assert "share through this node only" in (page.locator("#graph-caption").text_content() or "")


def test_formulas_shown_in_place_equal_formulas_built_anew(page: Page) -> None:
    """The panel changes its formulas in place (a step changes numbers, not shapes): after
    any sequence of formulas, what it shows is what building the last ones anew shows."""
    mismatches = page.evaluate("""async () => {
      const { equation, relation, partial, product, sum, mn, mi, mo, sub, frac, row, m } =
        await import("/static/js/explain/mathml.js");
      const { showIn, toDOM } = await import("/static/js/views/mathml-dom.js");
      const shapes = [
        (v) => [equation(partial("w", "12"), product(mn(v), mn(-v, true)), mn(v * v))],
        (v) => [equation(partial("y"), sum([mn(v), mn(2 * v), mn(3)])),
                relation(mi("E"), "≈", frac(mn(v), mn(7)), row(mo("−"), sub("x", "1")))],
        (v) => [m("p", "a text, not MathML"), equation(mi("x"), mn(v))],
        (v) => [],
        (v) => [relation(sub(mi("b"), mn(v)), "=", product(mn(v), mi("y")), mn(-v)),
                equation(partial("b", String(v > 0 ? 1 : 2)), mn(v))],
      ];
      const shown = document.createElement("div");
      const bad = [];
      let seed = 7;
      const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
      for (let n = 0; n < 200; n++) {
        const formulas = shapes[Math.floor(random() * shapes.length)](random() * 4 - 2);
        showIn(shown, formulas);
        const fresh = document.createElement("div");
        fresh.replaceChildren(...formulas.map((f) => toDOM(f)));
        if (shown.innerHTML !== fresh.innerHTML) bad.push(n);
      }
      return bad;
    }""")
    assert mismatches == []
