"""Two settings side by side: the second network starts from the first's weights bit for bit,
trains on the same data in the same order, in lockstep, and the two are drawn side by side
(stacked on a phone), their losses in one chart."""

from __future__ import annotations

import json
import urllib.request

from playwright.sync_api import Browser, Page

from tests.browser.conftest import api, open_page, play_for, settle


def network(page: Page, network_id: str) -> dict:
    base = page.url.split("/", 3)[:3]
    with urllib.request.urlopen("/".join(base) + f"/api/networks/{network_id}") as r:
        return json.loads(r.read())


def ids(page: Page) -> tuple[str, str]:
    return page.evaluate("[document.body.dataset.networkId, document.body.dataset.compareId]")


def test_compare_starts_bit_identical_and_stays_in_step(page: Page) -> None:
    page.get_by_role("button", name="Learning rate 0.03 against 3").click()
    settle(page)
    first, second = ids(page)
    assert second and second != first
    a, b = network(page, first), network(page, second)
    assert a["weights"] == b["weights"] and a["biases"] == b["biases"]  # bit for bit
    assert (a["learning_rate"], b["learning_rate"]) == (0.03, 3.0)
    assert page.locator("#compare-main-label").text_content() == "First: learning rate 0.03"
    assert page.locator("#compare-other-label").text_content() == "Second: learning rate 3"
    # the controls show what the preset compares
    assert page.locator("#compare-setting").input_value() == "learning_rate"
    assert page.locator("#compare-value").input_value() == "3"
    start = a["step"]
    # both outputs drawn from the start, the same (the same weights)
    ends = [page.locator(f"#compare-{side}-plot").get_attribute("data-fit-ends")
            for side in ("main", "other")]
    assert ends[0] and ends[0] == ends[1]
    play_for(page, 1200)
    a, b = network(page, first), network(page, second)
    assert a["step"] == b["step"] > 0  # in lockstep
    assert a["weights"] != b["weights"]
    assert f"Both networks have taken {a['step'] - start} updates since the comparison began" in (
        page.locator("#compare-summary").text_content() or "")
    assert page.locator("#compare-chart").is_visible()


def test_compare_trains_on_the_same_samples_in_the_same_order(page: Page) -> None:
    """With a learning rate a millionth apart, the two stay a millionth apart: the same points
    in the same order (another order would part them at once)."""
    page.locator("#compare-value").fill("0.5000005")
    page.get_by_role("button", name="Compare", exact=True).click()
    settle(page)
    first, second = ids(page)
    play_for(page, 800)
    a, b = network(page, first), network(page, second)
    assert a["step"] == b["step"] > 10
    wa = [w for m in a["weights"] for r in m for w in r]
    wb = [w for m in b["weights"] for r in m for w in r]
    assert max(abs(x - y) for x, y in zip(wa, wb, strict=True)) < 1e-4
    assert api(page, "GET", "/dataset") == json.loads(urllib.request.urlopen(
        "/".join(page.url.split("/", 3)[:3]) + f"/api/networks/{second}/dataset").read())


def test_compare_refuses_a_setting_out_of_range_and_stops(page: Page) -> None:
    page.locator("#compare-value").fill("50")  # a learning rate over 10
    page.get_by_role("button", name="Compare", exact=True).click()
    settle(page)
    assert "learning rate must be above 0 and at most 10" in (
        page.locator("#status").text_content() or "")
    assert ids(page)[1] == ""
    points = len(api(page, "GET", "/dataset")["train"])
    page.locator("#compare-setting").select_option("batch_size")
    page.locator("#compare-value").fill(str(points + 1))  # more than the data have
    page.get_by_role("button", name="Compare", exact=True).click()
    settle(page)
    assert f"The data have {points} training points" in (
        page.locator("#status").text_content() or "")
    assert ids(page)[1] == ""
    page.locator("#compare-setting").select_option("activation")
    page.locator("#compare-activation").select_option("tanh")
    page.get_by_role("button", name="Compare", exact=True).click()
    settle(page)
    second = ids(page)[1]
    assert network(page, second)["activation"] == "tanh"
    page.get_by_role("button", name="Stop comparing").click()
    settle(page)
    assert ids(page)[1] == "" and not page.locator("#compare-sides").is_visible()


def test_compare_on_a_phone_the_two_sides_stack(browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url, width=390, height=844)
    page.get_by_role("button", name="Batch 1 against the full batch").click()
    settle(page)
    one = page.locator("#compare-main-plot").bounding_box()
    two = page.locator("#compare-other-plot").bounding_box()
    assert one and two and two["y"] >= one["y"] + one["height"]  # the second below the first
    assert two["x"] + two["width"] <= 390
    assert page.locator("#compare-other-label").text_content() == "Second: the full batch"
    assert page.locator("#compare-setting").input_value() == "batch_size"
    assert page.locator("#compare-value").input_value() == "full"
    page.context.close()
    assert console.errors == []


def test_compare_sigmoid_against_relu_in_six_layers(page: Page) -> None:
    page.get_by_role("button", name="Sigmoid against relu, 6 layers").click()
    settle(page)
    first, second = ids(page)
    a, b = network(page, first), network(page, second)
    assert a["layers"] == b["layers"] == [1, 4, 4, 4, 4, 1]
    assert (a["activation"], b["activation"]) == ("sigmoid", "relu")
    assert a["weights"] == b["weights"]


def test_compare_presets_start_fresh_and_a_change_to_the_first_ends_it(page: Page) -> None:
    page.get_by_role("button", name="Sigmoid against relu, 6 layers").click()
    settle(page)
    page.get_by_role("button", name="Batch 1 against the full batch").click()
    settle(page)
    first, second = ids(page)
    a, b = network(page, first), network(page, second)
    assert a["layers"] == [1, 2, 2, 1] and a["activation"] == "sigmoid"  # fresh, not 6 layers
    assert a["step"] == 0 and b["layers"] == [1, 2, 2, 1] and b["weights"] == a["weights"]
    assert "jagged" in (page.locator("#status").text_content() or "")  # what to look for
    page.get_by_label("Learning rate", exact=True).fill("3")
    page.get_by_label("Learning rate", exact=True).press("Enter")
    settle(page)
    assert ids(page)[1] == ""  # the labels would no longer be true: it ended, and says so
    assert "The comparison stopped" in (page.locator("#status").text_content() or "")
    assert not page.locator("#compare-sides").is_visible()


def test_compare_reads_a_decimal_comma_as_every_other_field_does(page: Page) -> None:
    """A new user typed 0,1: every other decimal field took it, Compare refused it."""
    page.locator("#compare-value").fill("0,1")
    page.get_by_role("button", name="Compare", exact=True).click()
    settle(page)
    second = ids(page)[1]
    assert second and network(page, second)["learning_rate"] == 0.1


def test_compare_gradient_descent_against_adam(page: Page) -> None:
    """The optimizer as the compared setting: the second network starts from the same weights
    with a fresh Adam state, and both train in lockstep."""
    page.locator("#compare-setting").select_option("optimizer")
    assert page.locator("#compare-optimizer").is_visible()
    assert page.locator("#compare-value").is_hidden()
    page.locator("#compare-optimizer").select_option("adam")
    page.get_by_role("button", name="Compare", exact=True).click()
    settle(page)
    first, second = ids(page)
    a, b = network(page, first), network(page, second)
    assert (a["optimizer"], b["optimizer"]) == ("sgd", "adam")
    assert a["weights"] == b["weights"] and b["optimizer_state"]["t"] == 0
    assert page.locator("#compare-other-label").text_content() == "Second: Adam"
    play_for(page, 800)
    a, b = network(page, first), network(page, second)
    assert a["step"] == b["step"] == b["optimizer_state"]["t"] > 0
