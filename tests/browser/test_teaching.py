"""Teaching why: the chain rule with its numbers, E before and after the update, and the
faults a new user hit (linear activations, buttons that ran more than asked, Reset)."""

import time
from itertools import pairwise

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import (
    api,
    click,
    fmt,
    link_to,
    open_page,
    parse_shown,
    rendered,
    select,
    settle,
    shown,
)

PHASES = 9  # of a 1-2-2-1 step


def label(page: Page) -> str:
    rendered(page)
    return page.locator("#phase-label").text_content() or ""


def panel(page: Page) -> str:
    rendered(page)
    return (page.locator("#formula").text_content() or "") + (
        page.locator("#formula-note").text_content() or "")


@pytest.mark.parametrize("where", ["activation", "output-activation"])
def test_teaching_linear_activation_walks_every_phase(page: Page, where: str) -> None:
    page.locator(f"#{where}").select_option("linear")
    settle(page)
    for _ in range(2 * PHASES):
        page.keyboard.press("n")
        settle(page)
    assert label(page) == "Step 2 · Update"
    select(page, "#node-2-0")
    assert page.locator("#formula math").count() >= 1


def test_teaching_backward_shows_the_chain_rule_with_each_factor(page: Page) -> None:
    click(page, "Backward")
    trace = api(page, "GET", "")["trace"]
    select(page, "#link-label-1-0-1")  # w⁽²⁾₁₂
    text = panel(page)
    assert "w⁽²⁾₁₂" in (page.locator("#explain-heading").text_content() or "")
    source, target = trace["nodes"][1][0], trace["nodes"][2][1]
    assert f"{fmt(target['dE_dx'])}·{fmt(source['y'])}".replace("·−", "·(−") in text.replace(
        " ", "") or fmt(source["y"]) in text
    assert fmt(trace["weights"][1][0][1]["dE_dw"]) in text
    assert "∂x/∂w = y" in text
    select(page, "#node-1-0")  # a hidden node: the sum over the layer above
    text = panel(page)
    assert "the effects add up" in text and "j = 1 … 2" in text
    node = trace["nodes"][1][0]
    for value in (node["dE_dy"], node["dE_dx"], node["y"] * (1 - node["y"])):
        assert fmt(value) in text


def test_teaching_cross_entropy_with_sigmoid_simplifies_to_y_minus_t(page: Page) -> None:
    page.get_by_label("Loss", exact=True).select_option("cross_entropy")
    settle(page)
    click(page, "Backward")
    select(page, "#node-3-0")
    text = panel(page)
    trace = api(page, "GET", "")["trace"]
    out = trace["nodes"][3][0]
    assert "cancels" in text and "y − t" in text
    assert out["dE_dx"] == pytest.approx(out["y"] - trace["target"][0], abs=1e-12)
    assert fmt(out["dE_dx"]) in text


def test_teaching_update_shows_error_before_after_and_the_prediction(browser: Browser,
                                                                 base_url: str) -> None:
    page, console = open_page(browser, base_url)
    click(page, "Step")
    trace = api(page, "GET", "")["trace"]
    text = panel(page)
    grads = [w["dE_dw"] for m in trace["weights"] for r in m for w in r] + [
        n["dE_db"] for layer in trace["nodes"][1:] for n in layer]
    predicted = -trace["learning_rate"] * sum(g * g for g in grads)
    assert "E before and after the update" in (page.locator("#explain-heading").text_content()
                                               or "")
    for value in (trace["error"], trace["error_after"], trace["error_after"] - trace["error"],
                  predicted):
        assert fmt(value) in text, (fmt(value), text)
    assert "E fell" in text
    # with linear nodes (no saturating sigmoid), a large learning rate overshoots
    page2, console2 = open_page(browser, base_url, path=link_to({"network": {
        "seed": 1, "activation": "linear", "output_activation": "linear", "learning_rate": 2}}))
    click(page2, "Step")
    trace = api(page2, "GET", "")["trace"]
    assert trace["error_after"] > trace["error"]
    assert "E rose: the step overshot" in panel(page2)
    for p in (page, page2):
        p.context.close()
    assert console.errors == console2.errors == []


def test_teaching_forward_twice_and_backward_twice_apply_no_update(page: Page) -> None:
    click(page, "Forward")
    click(page, "Forward")
    assert label(page) == "Step 1 · Error"
    assert api(page, "GET", "")["step"] == 0
    assert "forward pass of this step is complete" in (page.locator("#status").text_content()
                                                       or "")
    click(page, "Backward")
    click(page, "Backward")
    assert label(page) == "Step 1 · Backward through hidden layer 1"
    state = api(page, "GET", "")
    assert state["step"] == 0 and state["phase"] == "backward"
    click(page, "Update")
    assert api(page, "GET", "")["step"] == 1
    click(page, "Forward")  # after a whole step, Forward starts the next one
    assert label(page) == "Step 2 · Error"


def test_teaching_reset_during_an_animation_takes_effect_at_once(browser: Browser,
                                                                 base_url: str) -> None:
    page, console = open_page(browser, base_url, reduced_motion=False)
    page.locator("#speed").fill("0.25")  # each pulse takes 2.8 s
    page.locator("#speed").dispatch_event("input")
    for _ in range(3):
        page.get_by_role("button", name="Next", exact=True).click()
    page.wait_for_timeout(900)  # mid-way through the first pulse
    started = time.monotonic()
    page.get_by_role("button", name="Reset", exact=True).click()
    settle(page)
    # the 2.8 s pulses and the queued Next presses did not run to their end first
    assert time.monotonic() - started < 2.5
    assert label(page) == "Step 1 · Ready"
    state = api(page, "GET", "")
    assert state["step"] == 0 and state["phase"] is None
    page.context.close()
    assert console.errors == []


def test_teaching_operating_point_shows_a_dead_relu(browser: Browser, base_url: str) -> None:
    # a relu node whose x is negative: its bias set far below zero
    page, console = open_page(browser, base_url, path=link_to({"network": {
        "seed": 2, "activation": "relu"}}))
    select(page, "#node-1-0")
    page.get_by_label("Set b⁽¹⁾₁ to").fill("-5")
    page.get_by_role("button", name="Set", exact=True).click()
    settle(page)
    click(page, "Forward")  # node 1 of hidden layer 1 stays selected
    caption = page.locator("#operating-caption").text_content() or ""
    assert "f′(x) = 0 here" in caption and "dead relu" in caption
    assert page.locator("#operating-point path.curve").count() == 2
    page.context.close()
    assert console.errors == []


def test_teaching_gradient_sizes_show_vanishing_and_exploding(browser: Browser,
                                                              base_url: str) -> None:
    deep = link_to({"network": {"layers": [1, 8, 8, 8, 8, 8, 8, 1], "seed": 3},
                    "dataset": None})
    page, console = open_page(browser, base_url, path=deep)
    click(page, "Backward")
    trace = api(page, "GET", "")["trace"]
    sizes = [sum(abs(w["dE_dw"]) for r in m for w in r) / sum(len(r) for r in m)
             for m in trace["weights"]]
    assert sizes[0] < sizes[-1] / 100  # sigmoids: each layer back multiplies by f′ ≤ 1/4
    assert "vanishing" in (page.locator("#gradient-caption").text_content() or "")
    assert page.locator("#gradient-sizes rect.bar").count() == 7
    # large weights (8) on sigmoids kept at x = 0 by their biases: each layer back multiplies
    # the gradient by w·f′(0) = 8·0.25 = 2, while every y stays 0.5
    layers = [1, 1, 1, 1, 1, 1, 1, 1]
    weights = [[[8.0] * b for _ in range(a)] for a, b in pairwise(layers)]
    biases = [[-6.4]] + [[-4.0]] * 6  # the sample's input is 0.8
    big = link_to({"network": {"layers": layers, "weights": weights, "biases": biases},
                   "dataset": None})
    page2, console2 = open_page(browser, base_url, path=big)
    click(page2, "Backward")
    assert "exploding" in (page2.locator("#gradient-caption").text_content() or "")
    for p in (page, page2):
        p.context.close()
    assert console.errors == console2.errors == []


def test_teaching_gradient_check_at_ready_starts_no_pass(page: Page) -> None:
    click(page, "Check gradients")
    assert label(page) == "Step 1 · Ready"
    assert api(page, "GET", "")["phase"] is None
    assert page.locator("#gradcheck-table tbody tr").count() == 13
    assert "with the current weights (after 0 updates)" in (
        page.locator("#gradcheck-summary").text_content() or "")


def test_teaching_gradient_check_after_an_update_uses_the_weights_shown(page: Page) -> None:
    click(page, "Step")
    trace = api(page, "GET", "")["trace"]
    click(page, "Check gradients")
    summary = page.locator("#gradcheck-summary").text_content() or ""
    assert "the weights before update 1" in summary
    first = [c.text_content() or "" for c in
             page.locator("#gradcheck-table tbody tr").nth(0).locator("td").all()]
    assert first[0] == "w⁽¹⁾₁₁"
    check = api(page, "GET", "/gradcheck")
    assert check["entries"][0]["backprop"] == trace["weights"][0][0][0]["dE_dw"]
    # Once the weights or the settings change, the check shown says it is out of date.
    stale = "The weights or settings have changed since the last check"
    for change in (lambda: click(page, "Step"),
                   lambda: (page.get_by_label("Activation", exact=True).select_option("tanh"),
                            settle(page))):
        click(page, "Check gradients")
        assert page.locator("#gradcheck-table").is_visible()
        assert stale not in (page.locator("#gradcheck-summary").text_content() or "")
        change()
        assert stale in (page.locator("#gradcheck-summary").text_content() or "")
        assert not page.locator("#gradcheck-table").is_visible()


def test_teaching_l2_in_the_step_through(page: Page) -> None:
    page.get_by_label("L2 rate λ").fill("0.1")
    page.get_by_label("L2 rate λ").press("Enter")
    settle(page)
    assert api(page, "GET", "")["l2"] == 0.1
    click(page, "Step")
    trace = api(page, "GET", "")["trace"]
    w = trace["weights"][2][0][0]
    assert w["w"] == pytest.approx(w["w_before"] - trace["learning_rate"] * (
        w["dE_dw"] + 0.1 * w["w_before"]), abs=1e-15)
    select(page, "#link-label-2-0-0")
    text = panel(page)
    assert "λ" in text and fmt(w["w"]) in text and "steps toward 0" in text
    assert fmt(abs(0.1 * w["w_before"])) in text  # λ·w, worked out
    assert page.evaluate("""() => [...document.querySelectorAll(".card.explain math")]
      .every((m) => m.scrollWidth <= m.parentElement.clientWidth + 1)""")  # no line cut off
    page.get_by_label("L2 rate λ").fill("5")  # refused: snaps back, says why
    page.get_by_label("L2 rate λ").press("Enter")
    settle(page)
    assert page.get_by_label("L2 rate λ").input_value() == "0.1"
    assert "L2 rate λ must be between 0 and 1" in (page.locator("#status").text_content() or "")


def test_teaching_mini_batch_error_is_point_1s_then_the_mean(page: Page) -> None:
    """At the error of a mini-batch pass, the formula that substitutes point 1's output and
    target ends in point 1's own E, and the batch's E is the mean of every point's."""
    page.get_by_label("Batch size").select_option("10")
    settle(page)
    page.get_by_label("Step through").select_option("batch")
    settle(page)
    click(page, "Forward")
    assert "Error" in label(page)
    trace = api(page, "GET", "")["trace"]
    first = trace["samples"][0]
    y, t = first["nodes"][-1][0]["y"], first["target"][0]
    assert first["error"] == pytest.approx(0.5 * (y - t) ** 2, rel=1e-12)
    formulas = page.locator("#formula math").all()
    assert len(formulas) == 2
    own, mean = (f.text_content() or "" for f in formulas)
    assert own.endswith(fmt(first["error"])) and fmt(y) in own and "point 1" in own
    assert mean.endswith(fmt(trace["error"]))
    assert trace["error"] == pytest.approx(
        sum(p["error"] for p in trace["samples"]) / len(trace["samples"]), rel=1e-12)


def test_teaching_step_through_a_mini_batch_shows_each_gradient_and_the_mean(
        page: Page) -> None:
    page.get_by_label("Batch size").select_option("10")
    settle(page)
    page.get_by_label("Step through").select_option("batch")
    settle(page)
    click(page, "Backward")
    trace = api(page, "GET", "")["trace"]
    assert len(trace["samples"]) == 10
    data = api(page, "GET", "/dataset")["train"]
    assert [s["input"] for s in trace["samples"]] == [p["input"] for p in data[:10]]
    assert "A mini-batch of 10 points" in (page.locator("#narration").text_content() or "")
    select(page, "#link-label-2-0-0")
    text = panel(page)
    each = [s["dE_dw"][2][0][0] for s in trace["samples"]]
    mean = trace["weights"][2][0][0]["dE_dw"]
    assert sum(each) / 10 == pytest.approx(mean, rel=1e-12)
    assert fmt(each[0]) in text and fmt(mean) in text
    assert "then the mean over the 10 points, which the update uses" in text
    click(page, "Update")
    click(page, "Forward")  # the next batch: the next ten points
    trace = api(page, "GET", "")["trace"]
    assert [s["input"] for s in trace["samples"]] == [p["input"] for p in data[10:20]]


def test_teaching_a_mini_batch_is_drawn_with_one_points_numbers_throughout(page: Page) -> None:
    """The drawing and the computational graph had shown point 1's y and ∂ after × beside the
    batch's mean ∂E/∂w, so that the graph's own rule (× passes the gradient times the other
    factor) failed on screen. Now they show point 1's numbers throughout, said so; the panel
    adds the means."""
    page.get_by_label("Batch size").select_option("10")
    settle(page)
    page.get_by_label("Step through").select_option("batch")
    settle(page)
    for _ in range(6):
        click(page, "Next")
    assert label(page) == "Step 1 · Backward through output"
    trace = api(page, "GET", "")["trace"]
    first = trace["samples"][0]
    assert "Point 1 of the mini-batch of 10" in (page.locator("#batch-note").text_content() or "")
    # the drawing: point 1's ∂E/∂w on every link into the output, its ∂E/∂x and E₁
    for i in range(2):
        assert shown(page, f"#link-label-2-{i}-0 .grad") == pytest.approx(
            first["dE_dw"][2][i][0], abs=5.1e-5)
    assert shown(page, "#node-3-0 .dx") == pytest.approx(first["nodes"][3][0]["dE_dx"], abs=5.1e-5)
    assert (page.locator("#error-box text").text_content() or "").startswith("E₁ = ")
    # the graph: every edge point 1's, and × passes the gradient times the other factor
    select(page, "#node-3-0")
    text = lambda sel: page.locator(sel).text_content() or ""  # noqa: E731
    grad = lambda edge: parse_shown(text(f"#graph-{edge} .grad").removeprefix("∂ "))  # noqa: E731
    value = lambda edge: parse_shown(text(f"#graph-{edge} .value"))  # noqa: E731
    for i in range(2):
        after = grad(f"m{i}-s")
        assert grad(f"w{i}-m{i}") == pytest.approx(value(f"y{i}-m{i}") * after, abs=2e-4)
        assert grad(f"w{i}-m{i}") == pytest.approx(first["dE_dw"][2][i][0], abs=5.1e-5)
    assert grad("b-p") == pytest.approx(first["nodes"][3][0]["dE_db"], abs=5.1e-5)
    assert "for point 1 of the mini-batch of 10" in text("#graph-caption")
    # and the panel adds the mean, the one the update uses
    select(page, "#link-label-2-0-0")
    assert fmt(trace["weights"][2][0][0]["dE_dw"]) in panel(page)


def test_teaching_step_is_one_call(page: Page) -> None:
    calls = []
    phases = {"forward", "backward", "update", "step"}
    page.on("request", lambda r: r.url.rsplit("/", 1)[-1] in phases
            and calls.append(r.url.rsplit("/", 1)[-1]))
    click(page, "Step")
    assert calls == ["step"]
    assert label(page) == "Step 1 · Update"
    trace = api(page, "GET", "")["trace"]
    assert shown_error(page) == fmt(trace["error_after"])
    page.keyboard.press("ArrowLeft")  # and the phases of that step are there to walk back
    settle(page)
    assert label(page) == "Step 1 · Backward through hidden layer 1"


def shown_error(page: Page) -> str:
    return (page.locator("#error-box text").text_content() or "").split("→")[-1].strip()
