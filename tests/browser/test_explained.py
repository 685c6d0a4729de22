"""What a new user found unexplained (issue "What a new user found", §2), each now said on the
page: the nodes' pictures, the loss landscape's axes, colour bar, arrow and presets, the
gradient check's relative difference, the training panel's loss and accuracy, the learning
rate's slider, the way back to following the phase, vanishing gradients and plateaus."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from tests.browser.conftest import api, click, fmt, link_to, open_page, play_for, select, settle


def text(page: Page, selector: str) -> str:
    return " ".join((page.locator(selector).text_content() or "").split())


def test_explained_the_pictures_in_the_node_cards(page: Page) -> None:
    assert "behind a card's numbers: the node's output y over the data's inputs" in text(
        page, ".legend")
    click(page, "Tour")
    assert "the faint picture behind its numbers is its output y over the data's inputs" in (
        text(page, "#tour-text"))


def test_explained_the_landscape_axes_colour_bar_arrow_and_what_to_look_for(
        page: Page) -> None:
    page.get_by_role("button", name="Sigmoid 1-1-1: not a bowl").click()
    settle(page)
    assert "Look for what a bowl does not have: flat plateaus" in text(page, "#status")
    grid = api(page, "POST", "/landscape", {"a": {"kind": "weight", "k": 0, "i": 0, "j": 0},
                                            "b": {"kind": "weight", "k": 1, "i": 0, "j": 0},
                                            "over": "train", "resolution": 41, "span": 2})
    caption = text(page, "#landscape-caption")
    a, b = grid["a_values"], grid["b_values"]
    # the ranges, so that "around their current values" says how far
    assert f"Across, a = w⁽¹⁾₁₁ from {fmt(a[0])} to {fmt(a[-1])}" in caption
    assert f"up, b = w⁽²⁾₁₁ from {fmt(b[0])} to {fmt(b[-1])}: each ±2.0 around" in caption
    # the colour bar's numbers: its ends and its middle (a quarter of the way up in E)
    flat = [v for row in grid["E"] for v in row]
    lo, hi = min(flat), max(flat)
    labels = [s.text_content() for s in page.locator("#landscape-scale-labels span").all()]
    assert labels == [fmt(lo), fmt(lo + 0.25 * (hi - lo)), fmt(hi)]
    # the arrow has a head: its two wings, either side of the shaft near the tip, are drawn
    # in the backward colour
    wings = page.evaluate("""([a0, a1, b0, b1, a, b, ga, gb]) => {
      const canvas = document.getElementById("landscape");
      const size = canvas.clientWidth, ratio = canvas.width / size;
      const X = (v) => ((v - a0) / (a1 - a0)) * size, Y = (v) => (1 - (v - b0) / (b1 - b0)) * size;
      const norm = Math.hypot(ga, gb), [ux, uy] = [-ga / norm, gb / norm];
      const [tx, ty] = [X(a) + ux * size * 0.15, Y(b) + uy * size * 0.15];
      const ctx = canvas.getContext("2d");
      const at = (x, y) => [...ctx.getImageData(Math.round(x * ratio), Math.round(y * ratio),
                                                1, 1).data];
      return [at(tx - ux * 9 - uy * 4, ty - uy * 9 + ux * 4),
              at(tx - ux * 9 + uy * 4, ty - uy * 9 - ux * 4)];
    }""", [a[0], a[-1], b[0], b[-1], grid["current"]["a"], grid["current"]["b"],
           grid["gradient"]["a"], grid["gradient"]["b"]])
    purple = page.evaluate("getComputedStyle(document.documentElement)"
                           ".getPropertyValue('--backward').trim()")
    want = [int(purple[k:k + 2], 16) for k in (1, 3, 5)]
    for r, g, b_, _ in wings:
        assert max(abs(r - want[0]), abs(g - want[1]), abs(b_ - want[2])) < 40, (wings, want)


def test_explained_the_gradient_checks_relative_difference_and_agreement(page: Page) -> None:
    note = text(page, ".card.gradcheck .note")
    assert "|backprop − difference| / max(|backprop|, |difference|, 10⁻⁸)" in note
    assert "below 10⁻⁶ the two agree" in note
    click(page, "Check gradients")
    assert "Below 10⁻⁶: backprop and the finite difference agree" in text(
        page, "#gradcheck-summary")


def test_explained_the_training_loss_accuracy_and_the_learning_rate(page: Page) -> None:
    card = text(page, ".card.training")
    assert "Training loss: the mean E over the training points" in card
    assert "the share of points whose output y, rounded at 0.5, equals the target" in card
    hint = text(page, "#lr-hint")
    assert "The slider is logarithmic" in hint and "from 0.001 to 10" in hint
    assert page.locator("#lr-range").get_attribute("aria-describedby") == "lr-hint"


def test_explained_the_panel_goes_back_to_following_the_phase(page: Page) -> None:
    follow = page.get_by_role("button", name="Back to following the phase")
    assert not follow.is_visible()
    for _ in range(3):
        click(page, "Next")  # forward into hidden layer 2
    select(page, "#node-1-1")
    click(page, "Next")  # forward into the output: the panel stays on the node clicked
    assert text(page, "#explain-heading") == "node 2 of hidden layer 1"
    assert follow.is_visible()
    follow.click()
    settle(page)
    assert text(page, "#explain-heading") == "node 1 of the output layer (layer 3)"
    assert not follow.is_visible()


def test_explained_vanishing_gradients_and_their_remedies(browser: Browser,
                                                         base_url: str) -> None:
    page, console = open_page(browser, base_url, path=link_to({"network": {
        "layers": [1, 4, 4, 4, 4, 4, 1], "seed": 3}, "dataset": None}))
    settle(page)
    click(page, "Backward")
    caption = text(page, "#gradient-caption")
    assert "vanishing gradients" in caption and "sigmoid's f′ is at most 0.25" in caption
    assert "relu" in caption and "Activation" in caption and "initialization" in caption
    page.context.close()
    assert console.errors == []


def test_explained_a_plateau_where_the_loss_curve_flattens(browser: Browser,
                                                          base_url: str) -> None:
    """XOR on 2-2-2-1 stuck at 75% had no word about why: the page names a plateau or a local
    minimum once the loss curve has flattened above 0."""
    page, console = open_page(browser, base_url, path=link_to({
        "network": {"layers": [2, 1, 1], "activation": "sigmoid", "learning_rate": 0.5,
                    "seed": 1},
        "dataset": {"name": "xor", "size": 200, "noise": 0, "seed": 0, "test_fraction": 0},
        "training": {"batch_size": None, "steps_per_frame": None}}))
    settle(page)
    assert text(page, "#loss-note") == ""
    play_for(page, 2500)  # one hidden node cannot fit XOR: the loss stops falling
    assert "a plateau" in text(page, "#loss-note") and "local minimum" in text(page, "#loss-note")
    page.context.close()
    assert console.errors == []
