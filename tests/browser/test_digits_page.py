"""The handwritten digits on the page (issue 22 §3): 64-32-10 drawn as grids, every number of
every phase reachable by selecting it and equal to the trace, the sample drawn by hand, Play
with a held-out accuracy and the confusion of the digits' names, at 390, 1440 and 1920 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from .conftest import api, fmt, link_to, open_page, play_for, screenshot, select, settle


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
    # x₁², x₁·x₂ … of an image's corner pixels mean nothing: no input features are offered
    assert page.locator("#features").locator("xpath=..").is_hidden()
    assert not console.errors
    page.context.close()


def check_selection(page: Page, trace: dict, shown: dict, hidden: tuple, out: tuple,
                    weight: tuple) -> None:
    """Selects a pixel, a hidden node, an output and a weight into that output (from the
    output's inspector): each number the inspector writes equals the trace's (a weight or
    bias as the pass used it or after the update), and the panel names the weight."""
    nodes = trace["nodes"]
    select(page, "#node-0-1")
    lines = inspector(page)
    if any(line.startswith("x ") for line in lines):
        assert f"x {fmt(nodes[0][1]['x'])}" in lines
    for layer, node in (hidden, out):
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
    k, i, j = weight
    select(page, f"#weight-{k}-{i}-{j}")  # a cell of the output's inspector: a weight in
    lines = inspector(page)
    w = trace["weights"][k][i][j]
    shown_w = [line for line in lines if line.startswith("w ")]
    assert shown_w and shown_w[0] in (f"w {fmt(w['w'])}", f"w {fmt(w['w_before'] or w['w'])}")
    if any(line.startswith("∂E/∂w") for line in lines):
        assert f"∂E/∂w {fmt(w['dE_dw'])}" in lines
        shown["dw"] += 1
    index = f"{i + 1},{j + 1}" if i >= 9 or j >= 9 else f"{i + 1}{j + 1}"
    name = f"w⁽{'¹²³'[k]}⁾" + index.translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
    assert name in page.locator("#explain-heading").text_content()


def walk(page: Page, hidden: tuple, out: tuple, weight: tuple, name: str = "") -> None:
    """Next through every phase of a step, then Previous back to the input, checking what
    each selection shows at each phase against the trace."""
    L = len(api(page, "GET", "")["layers"])
    phases = 1 + (L - 1) + 1 + (L - 1) + 1  # input, forward, error, backward, update
    seen = []
    shown = {"x": 0, "dx": 0, "dw": 0}
    for n in range(phases):
        page.locator("#btn-next").click()
        settle(page)
        seen.append(page.locator("#phase-label").text_content())
        trace = api(page, "GET", "")["trace"]
        if trace is not None:
            check_selection(page, trace, shown, hidden, out, weight)
        if name and n == 3:
            screenshot(page, f"{name}-forward")
    assert any("Backward" in s for s in seen) and "Update" in seen[-1], seen
    forwards = dict(shown)
    assert shown["x"] >= 4 and shown["dx"] >= 2 and shown["dw"] >= 2, shown
    trace = api(page, "GET", "")["trace"]  # the step's pass: every phase back shows part of it
    for _ in range(phases - 1):
        page.locator("#btn-previous").click()
        settle(page)
        check_selection(page, trace, shown, hidden, out, weight)
    assert "Input" in page.locator("#phase-label").text_content()
    assert shown["x"] > forwards["x"] and shown["dx"] > forwards["dx"], (forwards, shown)
    if name:
        screenshot(page, f"{name}-back")


@pytest.mark.parametrize("width", [390, 1440, 1920])
def test_every_phase_forwards_and_back_shows_the_trace_on_selection(browser, base_url, width):
    page, console = open_page(browser, base_url, width=width, height=1000)
    digits(page)
    walk(page, (1, 5), (2, 3), (1, 5, 3), f"digits-{width}")
    assert not console.errors
    page.context.close()


@pytest.mark.parametrize("activation", ["tanh", "relu", "linear"])
def test_the_digits_walk_with_each_hidden_activation(browser, base_url, activation):
    page, console = open_page(browser, base_url, width=1440, height=1000)
    digits(page)
    page.select_option("#activation", activation)
    settle(page)
    assert api(page, "GET", "")["activation"] == activation
    walk(page, (1, 30), (2, 9), (1, 30, 9))
    assert not console.errors
    page.context.close()


def test_a_wide_hidden_layer_over_two_inputs_and_two_hidden_layers_walk_too(browser, base_url):
    """Grids are not only the digits': xor through 2-12-1 (sigmoid, one output), and the
    digits through 64-32-16-10."""
    page, console = open_page(browser, base_url, width=1440, height=1000)
    page.select_option("#dataset", "xor")
    settle(page)
    page.fill("#layers-input", "2-12-1")
    page.press("#layers-input", "Enter")
    settle(page)
    assert api(page, "GET", "")["layers"] == [2, 12, 1]
    assert page.locator("#network.grid-network .tile").count() == 12
    walk(page, (1, 11), (2, 0), (1, 11, 0))
    digits(page)
    page.fill("#layers-input", "64-32-16-10")
    page.press("#layers-input", "Enter")
    settle(page)
    assert api(page, "GET", "")["layers"] == [64, 32, 16, 10]
    assert page.locator("#network .tile").count() == 48
    walk(page, (2, 15), (3, 0), (2, 15, 0), "digits-two-hidden")
    # a rebuilt network's sample is still an image of the data, not a blank one
    assert sum(api(page, "GET", "")["trace"]["input"]) > 0
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
    assert "the other 58 w·y" in panel and fmt(trace["nodes"][1][0]["x"]) in panel
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
    for _ in range(8):  # on a busy machine Play trains fewer updates a second: play on
        play_for(page, 2500)
        fit = api(page, "GET", "/fit")
        if fit["test_accuracy"] > 0.8:
            break
    assert fit["test_accuracy"] > 0.8, fit
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


def test_from_three_clusters_to_own_csv_to_the_digits_and_back_without_an_error(browser, base_url):
    """The issue's path: three clusters, a CSV file of classes, the digits, then 2 inputs
    again: each rebuilds the network its data need, and nothing is refused or logged."""
    page, console = open_page(browser, base_url, width=1440, height=1000)
    page.select_option("#dataset", "clusters3")
    settle(page)
    assert api(page, "GET", "")["layers"][-1] == 3
    page.get_by_role("button", name="Your own data (CSV)…").click()
    rows = "".join(f"{(k * 7) % 10 / 10},{(k * 3) % 10 / 10},{(k * 11) % 10 / 10},"
                   f"{['cat', 'dog', 'bird'][k % 3]}\n" for k in range(30))
    page.get_by_label("Paste the CSV here").fill("a,b,c,animal\n" + rows)
    page.get_by_role("button", name="Read the data").click()
    settle(page)
    page.get_by_role("button", name="Use these columns").click()
    settle(page)
    assert api(page, "GET", "")["layers"] == [3, 2, 2, 3]
    assert "Imported 30 points" in page.locator("#status").text_content()
    digits(page)
    assert api(page, "GET", "")["layers"] == [64, 32, 10]
    assert api(page, "GET", "/dataset")["name"] == "digits"
    page.get_by_role("button", name="Step", exact=True).click()
    settle(page)
    assert api(page, "GET", "")["step"] == 1
    page.select_option("#dataset", "circle")
    settle(page)
    state = api(page, "GET", "")
    assert state["layers"][0] == 2 and max(state["layers"][1:-1]) <= 8  # cards again
    assert page.locator("#network.grid-network").count() == 0
    assert page.locator("#network .card").count() == sum(state["layers"])
    assert "note" in (page.locator("#status").get_attribute("class") or "")  # not an error
    assert not console.errors
    page.context.close()


HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear"]
# every output activation with the squared loss (sigmoid's cross entropy: every hidden
# activation above it; softmax's categorical cross entropy: the digits' own, above)
OUTPUTS = [(a, "squared") for a in HIDDEN]
MATRIX = ([(h, "sigmoid", "cross_entropy") for h in HIDDEN]
          + [("tanh", o, loss) for o, loss in OUTPUTS])


@pytest.mark.parametrize(("activation", "output", "loss"), MATRIX)
def test_the_grid_walks_every_activation_output_and_loss(browser, base_url, activation, output,
                                                          loss):
    """A wide hidden layer over 2 inputs (xor through 2-12-1) is drawn as grids too: every
    phase forwards and back, each selection equal to the trace, for each activation, output
    and loss."""
    path = link_to({"network": {"layers": [2, 12, 1], "activation": activation,
                                "output_activation": output, "loss": loss, "seed": 5},
                    "dataset": {"name": "xor", "size": 100, "noise": 0, "seed": 0,
                                "test_fraction": 0.2}})
    page, console = open_page(browser, base_url, width=1440, height=1000, path=path)
    settle(page)
    state = api(page, "GET", "")
    assert (state["activation"], state["output_activation"], state["loss"]) == (
        activation, output, loss)
    assert page.locator("#network.grid-network .tile").count() == 12
    walk(page, (1, 11), (2, 0), (1, 11, 0))
    assert not console.errors
    page.context.close()
