"""The handwritten digits on the page (issue 22 §3): 64-32-10 drawn as grids, every number of
every phase reachable by selecting it and equal to the trace, the sample drawn by hand, Play
with a held-out accuracy and the confusion of the digits' names, at 390, 1440 and 1920 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .conftest import api, fmt, open_page, play_for, screenshot, select, settle


def digits(page: Page) -> None:
    page.select_option("#dataset", "digits")
    settle(page)


def inspector(page: Page) -> list[str]:
    """The inspector's heading and lines, as drawn."""
    return [t.strip() for t in page.locator(
        "#network .inspector-title, #network .inspector-line").all_text_contents()]


def test_the_digits_rebuild_the_source_articles_network_drawn_as_grids(browser, base_url):
    page, console = open_page(browser, base_url, width=1440, height=1000)
    digits(page)
    state = api(page, "GET", "")
    assert state["layers"] == [64, 32, 10]
    assert state["output_activation"] == "softmax"
    assert state["loss"] == "categorical_cross_entropy"
    data = api(page, "GET", "/dataset")
    assert data["name"] == "digits" and data["size"] == 1797 and data["noise"] == 0
    assert page.locator("#network.grid-network").count() == 1
    assert page.locator("#network .pixel").count() == 64
    assert page.locator("#network .tile").count() == 32
    assert page.locator("#network .out-row").count() == 10
    # no card and no link of the card drawing: 2,048 links would not be readable
    assert page.locator("#network .link, #network .card").count() == 0
    # the outputs are named by their digits; the sample is the first training image, drawn
    assert [t.strip() for t in page.locator("#network .out-class").all_text_contents()] == [
        str(k) for k in range(10)]
    first = data["train"][0]
    assert page.locator("#sample-pad").is_visible()
    assert page.locator("#sample-inputs").is_hidden()
    assert page.locator("#pad-class").input_value() == str(first["target"].index(1))
    assert "rebuilt as 64-32-10" in page.locator("#status").text_content()
    assert not console.errors
    page.context.close()


@pytest.mark.parametrize("width", [390, 1440, 1920])
def test_every_phase_forwards_and_back_shows_the_trace_on_selection(browser, base_url, width):
    page, console = open_page(browser, base_url, width=width, height=1000)
    digits(page)
    L = 3
    phases = 1 + (L - 1) + 1 + (L - 1) + 1  # input, forward ×2, error, backward ×2, update
    seen = []
    shown = {"x": 0, "dx": 0}
    for n in range(phases):
        page.keyboard.press("n")
        settle(page)
        trace = api(page, "GET", "")["trace"]
        if trace is None:
            continue
        nodes = trace["nodes"]
        # a pixel: its value; a hidden node and an output: x, y (and their derivatives once
        # the backward pass has reached them); a weight: w and ∂E/∂w
        select(page, "#node-0-27")
        assert f"x {fmt(nodes[0][27]['x'])}" in inspector(page)
        for layer, node in ((1, 5), (2, 3)):
            select(page, f"#node-{layer}-{node}")
            lines = inspector(page)
            want = nodes[layer][node]
            xs = [line for line in lines if line.startswith("x ")]
            if xs:
                assert xs[0] == f"x {fmt(want['x'])}"
                assert f"y {fmt(want['y'])}" in lines
                shown["x"] += 1
            dx = [line for line in lines if line.startswith("∂E/∂x")]
            if dx:
                assert dx[0] == f"∂E/∂x {fmt(want['dE_dx'])}"
                assert f"∂E/∂y {fmt(want['dE_dy'])}" in lines
                shown["dx"] += 1
            before = want.get("b_before")
            assert f"b {fmt(want['b'])}" in lines or f"b {fmt(before or want['b'])}" in lines
        select(page, "#weight-1-5-3")  # the output node's inspector: its 32 weights in
        lines = inspector(page)
        w = trace["weights"][1][5][3]
        shown_w = [line for line in lines if line.startswith("w ")]
        assert shown_w and shown_w[0] in (f"w {fmt(w['w'])}", f"w {fmt(w['w_before'] or w['w'])}")
        if w["dE_dw"] is not None and any(line.startswith("∂E/∂w") for line in lines):
            assert f"∂E/∂w {fmt(w['dE_dw'])}" in lines
        # the panel names the same weight
        assert "w⁽²⁾₆₄" in page.locator("#explain-heading").text_content()
        seen.append(page.locator("#phase-label").text_content())
        if n == 3:
            screenshot(page, f"digits-forward-{width}")
    assert any("Backward" in s for s in seen) and any("Update" in s for s in seen)
    assert shown["x"] >= 6 and shown["dx"] >= 3, shown  # each was seen, and checked
    # and back: Previous walks every phase back to the input, each drawn again
    for _ in range(phases - 1):
        page.keyboard.press("p")
        settle(page)
    assert "Input" in page.locator("#phase-label").text_content()
    screenshot(page, f"digits-back-{width}")
    assert not console.errors
    page.context.close()


def test_the_output_bars_are_the_softmax_ys_and_sum_to_1(browser, base_url):
    page, console = open_page(browser, base_url, width=1440, height=1000)
    digits(page)
    page.get_by_role("button", name="Forward", exact=True).click()
    settle(page)
    trace = api(page, "GET", "")["trace"]
    ys = [n["y"] for n in trace["nodes"][2]]
    assert abs(sum(ys) - 1) < 1e-12
    for j, y in enumerate(ys):
        assert page.locator(f"#node-2-{j} .out-y").text_content() == f"y {fmt(y)}"
        width = float(page.locator(f"#node-2-{j} .out-bar").get_attribute("width"))
        assert abs(width - 110 * y) < 0.06
    winner = max(range(10), key=lambda j: ys[j])
    assert page.locator("#network .out-row.winner").get_attribute("id") == f"node-2-{winner}"
    # a hidden node's sum over 64 pixels: its largest terms, the others in one, then x
    select(page, "#node-1-0")
    panel = page.locator("#formula").text_content()
    assert "the other 58" in panel and fmt(trace["nodes"][1][0]["x"]) in panel
    assert not console.errors
    page.context.close()


def test_a_digit_drawn_by_hand_is_the_sample_and_runs_the_forward_pass(browser, base_url):
    page, console = open_page(browser, base_url, width=1440, height=1000)
    digits(page)
    page.locator("#btn-pad-clear").click()
    settle(page)
    page.locator("#pad").scroll_into_view_if_needed()
    box = page.locator("#pad").bounding_box()
    x = box["x"] + box["width"] * (4.5 / 8)
    page.mouse.move(x, box["y"] + box["height"] * (0.5 / 8))
    page.mouse.down()
    for row in range(1, 8):
        page.mouse.move(x, box["y"] + box["height"] * ((row + 0.5) / 8), steps=3)
    page.mouse.up()
    settle(page)
    trace = api(page, "GET", "")["trace"]
    pixels = trace["input"]
    # a vertical stroke down column 5: ink 1 there, 3/8 beside it, 0 elsewhere
    assert [pixels[r * 8 + 4] for r in range(8)] == [1.0] * 8
    assert [pixels[r * 8 + 3] for r in range(8)] == [0.375] * 8
    assert sum(1 for v in pixels if v == 0) == 64 - 24
    # the target is the class chosen ("This is a"), and the probabilities are on the bars
    page.select_option("#pad-class", "1")
    settle(page)
    trace = api(page, "GET", "")["trace"]
    assert trace["target"] == [0, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    for j, node in enumerate(trace["nodes"][2]):
        assert page.locator(f"#node-2-{j} .out-y").text_content() == f"y {fmt(node['y'])}"
    # the pixel cells show the drawing
    assert page.locator("#node-0-4 .pixel-cell").get_attribute("fill") == "rgb(30,30,30)"
    assert page.locator("#node-0-0 .pixel-cell").get_attribute("fill") == "rgb(255,255,255)"
    # by keyboard: the arrows move, Space inks, and → does not step the network
    page.locator("#pad").focus()
    label = page.locator("#phase-label").text_content()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Space")
    settle(page)
    assert api(page, "GET", "")["trace"]["input"][1] == 1.0
    assert page.locator("#phase-label").text_content() == label
    assert not console.errors
    page.context.close()


def test_play_trains_the_digits_with_a_test_accuracy_and_their_confusion(browser, base_url):
    page, console = open_page(browser, base_url, width=1440, height=1000)
    digits(page)
    play_for(page, 2500)
    fit = api(page, "GET", "/fit")
    assert fit["test_accuracy"] > 0.8, fit["test_accuracy"]
    text = page.locator("#fit-numbers").text_content()
    assert f"{100 * fit['test_accuracy']:.1f}% (test)" in text
    heads = [t.strip() for t in page.locator("#confusion-test tr").first.locator("th")
             .all_text_contents()][1:]
    assert heads == [str(k) for k in range(10)]
    rows = page.locator("#confusion-test tr")
    tested = [[int(c) for c in rows.nth(k + 1).locator("td").all_text_contents()[:10]]
              for k in range(10)]
    assert tested == fit["test_confusion"]
    # the tiles picture the trained weights: a tile is the column of its node's weights
    state = api(page, "GET", "")
    assert state["layers"] == [64, 32, 10]
    assert page.locator("#data-plot").is_hidden()
    screenshot(page, "digits-trained-1440")
    assert not console.errors
    page.context.close()
