"""Derived input features on the page (issue 23 §3): a box for each feature the data's raw
inputs can give; ticking one adds an input node named by its formula, the weights out of
the other input nodes keeping their values; links carry them; data of another number of
inputs keep the ones that still apply, and say so."""

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import api, open_page, play_for, screenshot, settle


def tick(page: Page, formula: str, on: bool = True) -> None:
    box = page.locator("#features").get_by_label(formula, exact=True)
    box.check() if on else box.uncheck()
    settle(page)


def test_ticking_features_adds_input_nodes_and_keeps_the_other_weights(page: Page) -> None:
    page.select_option("#dataset", "circle")
    settle(page)
    labels = page.locator("#features label")
    assert labels.all_text_contents() == [" x₁²", " x₂²", " x₁·x₂", " sin x₁", " sin x₂"]
    before = api(page, "GET", "")
    tick(page, "x₁·x₂")
    after = api(page, "GET", "")
    assert after["layers"] == [3, *before["layers"][1:]] and after["features"] == ["x1_x2"]
    assert after["weights"][0][:2] == before["weights"][0]  # out of x₁ and x₂: kept
    assert after["weights"][1:] == before["weights"][1:] and after["biases"] == before["biases"]
    status = page.locator("#status").text_content() or ""
    assert "Added x₁·x₂ as input node" in status and "2 are new" in status, status
    assert page.locator("#node-0-2 .bias").text_content() == "input x₁·x₂"
    assert page.locator("#layers-input").input_value() == "3-2-2-1"
    # another feature before it in the input layer: x₁·x₂'s weights follow it by name
    tick(page, "x₁²")
    both = api(page, "GET", "")
    assert both["features"] == ["x1_squared", "x1_x2"]
    assert both["weights"][0][3] == after["weights"][0][2]
    tick(page, "x₁·x₂", on=False)
    one = api(page, "GET", "")
    assert one["features"] == ["x1_squared"] and one["weights"][0][2] == both["weights"][0][2]
    assert "Removed x₁·x₂" in (page.locator("#status").text_content() or "")
    # the forward pass shows the feature computed from the sample's raw inputs
    page.keyboard.press("n")
    settle(page)
    trace = api(page, "GET", "")["trace"]
    x1 = trace["input"][0]
    assert trace["nodes"][0][2]["x"] == x1 * x1
    assert page.locator("#sample-inputs input").count() == 2  # the raw inputs only
    # a typed input layer keeps the raw inputs and the features it has room for; Enter
    tick(page, "sin x₁")
    page.fill("#layers-input", "3-3-1")
    page.press("#layers-input", "Enter")
    settle(page)
    typed = api(page, "GET", "")
    assert (typed["layers"], typed["features"]) == ([3, 3, 1], ["x1_squared"])
    assert (page.locator("#status").text_content() or "").startswith(
        "sin x₁ was switched off: the input layer's 3 nodes count 2 raw inputs and x₁².")
    assert page.locator("#dataset").input_value() == "circle"  # the data stay


def test_a_link_keeps_the_features_and_other_data_keep_those_that_apply(
        browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    page.select_option("#dataset", "xor")
    settle(page)
    tick(page, "x₁²")
    tick(page, "x₁·x₂")
    play_for(page, 600)
    net = api(page, "GET", "")
    link = page.url
    other, other_console = open_page(browser, base_url, path="/" + link.split("/", 3)[3])
    copy = api(other, "GET", "")
    for key in ("layers", "features", "weights", "biases", "step"):
        assert copy[key] == net[key], key
    assert other.locator("#features input:checked").count() == 2
    # 1-input data: x₁² stays, x₁·x₂ cannot be computed from one input
    other.select_option("#dataset", "sine")
    settle(other)
    one = api(other, "GET", "")
    assert one["features"] == ["x1_squared"] and one["layers"][0] == 2
    status = other.locator("#status").text_content() or ""
    assert "x₁·x₂ needs a second input, so it was switched off" in status, status
    assert other.locator("#features label").all_text_contents() == [" x₁²", " sin x₁"]
    assert other.locator("#node-0-1 .bias").text_content() == "input x₁²"
    # typing a shape without room for the features switches them off, and says so
    other.fill("#layers-input", "1-3-1")
    other.get_by_role("button", name="Rebuild").click()
    settle(other)
    assert api(other, "GET", "")["features"] == []
    assert (other.locator("#status").text_content() or "") == (
        "x₁² was switched off: the input layer's 1 node counts 1 raw input.")
    assert console.errors == [] and other_console.errors == []
    page.context.close()
    other.context.close()


@pytest.mark.parametrize("width", [390, 1440, 1920])
def test_features_at_every_width(browser: Browser, base_url: str, width: int) -> None:
    """Every feature on (a 7-node input layer): the boxes fit the card, each input card
    names its node, the feature nodes draw their pictures; screenshots to look at."""
    page, console = open_page(browser, base_url, width=width)
    page.select_option("#dataset", "circle")
    settle(page)
    for formula in ("x₁²", "x₂²", "x₁·x₂", "sin x₁", "sin x₂"):
        tick(page, formula)
    assert api(page, "GET", "")["layers"][0] == 7
    box = page.locator(".features-box").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
    names = [page.locator(f"#node-0-{j} .bias").text_content() for j in range(7)]
    assert names == ["input x₁", "input x₂", "input x₁²", "input x₂²", "input x₁·x₂",
                     "input sin x₁", "input sin x₂"]
    page.keyboard.press("n")
    settle(page)
    for j in range(7):  # each input node's own picture: x₁·x₂'s saddle, sin x₂'s wave …
        assert page.locator(f"#node-0-{j} canvas.picture-heat").count() == 1, j
    screenshot(page, f"features-{width}")
    page.locator(".features-box").scroll_into_view_if_needed()
    screenshot(page, f"features-box-{width}")
    assert console.errors == []
    page.context.close()


def test_the_features_lesson_learns_xor_without_a_hidden_layer(browser: Browser,
                                                                base_url: str) -> None:
    """/l/features: a 3-1 network, x₁·x₂ its third input, learns XOR (which 2-1 cannot)."""
    page, console = open_page(browser, base_url, path="/l/features")
    settle(page)
    net = api(page, "GET", "")
    assert (net["layers"], net["features"]) == ([3, 1], ["x1_x2"])
    assert page.locator("#node-0-2 .bias").text_content() == "input x₁·x₂"
    assert page.locator("#features").get_by_label("x₁·x₂", exact=True).is_checked()
    api(page, "POST", "/train", {"steps": 400, "batch_size": 10})
    assert api(page, "GET", "/fit")["train_accuracy"] > 0.95
    assert console.errors == []
    page.context.close()
