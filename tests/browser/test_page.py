"""The visualizer page in Chromium: drawing, phases, numbers, live settings, keyboard."""

import math

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import (
    api,
    click,
    fmt,
    open_page,
    rendered,
    screenshot,
    select,
    settle,
    shown,
)

PHASES = ["Input", "Forward into hidden layer 1", "Forward into hidden layer 2",
          "Forward into output", "Error", "Backward through output",
          "Backward through hidden layer 2", "Backward through hidden layer 1", "Update"]
TOLERANCE = 5.1e-5  # the page shows 4 decimals


def label(page: Page) -> str:
    rendered(page)
    return page.locator("#phase-label").text_content() or ""


def test_page_draws_the_default_network(page: Page) -> None:
    assert page.locator("[id^=node-]").count() == 6
    assert page.locator("path[id^=link-]").count() == 8
    for node in ("node-0-0", "node-1-0", "node-1-1", "node-2-0", "node-2-1", "node-3-0"):
        assert page.locator(f"#{node}").is_visible()
    state = api(page, "GET", "")
    for k, matrix in enumerate(state["weights"]):
        for i, row in enumerate(matrix):
            for j, w in enumerate(row):
                assert shown(page, f"#link-label-{k}-{i}-{j} .w") == pytest.approx(w, abs=TOLERANCE)
    # every bias is visible, the output node's included
    assert shown(page, "#node-3-0 .bias") == pytest.approx(state["biases"][2][0])
    assert label(page) == "Step 1 · Ready"


def test_page_forward_shows_the_api_numbers_for_every_node(page: Page) -> None:
    click(page, "Forward")
    assert label(page) == "Step 1 · Error"
    trace = api(page, "GET", "")["trace"]
    assert trace["phase"] == "forward"
    for l, layer in enumerate(trace["nodes"]):
        for j, node in enumerate(layer):
            assert shown(page, f"#node-{l}-{j} .x") == pytest.approx(node["x"], abs=TOLERANCE)
            assert shown(page, f"#node-{l}-{j} .y") == pytest.approx(node["y"], abs=TOLERANCE)
            assert shown(page, f"#node-{l}-{j} .dy") is None  # not computed yet
    assert shown(page, "#error-box") == pytest.approx(trace["error"], abs=TOLERANCE)


def test_page_backward_shows_every_derivative(page: Page) -> None:
    click(page, "Backward")
    assert label(page) == "Step 1 · Backward through hidden layer 1"
    trace = api(page, "GET", "")["trace"]
    assert trace["phase"] == "backward"
    for l in range(1, 4):
        for j, node in enumerate(trace["nodes"][l]):
            assert shown(page, f"#node-{l}-{j} .dy") == pytest.approx(node["dE_dy"],
                                                                       abs=TOLERANCE)
            assert shown(page, f"#node-{l}-{j} .dx") == pytest.approx(node["dE_dx"],
                                                                       abs=TOLERANCE)
    for k, matrix in enumerate(trace["weights"]):
        for i, row in enumerate(matrix):
            for j, link in enumerate(row):
                assert shown(page, f"#link-label-{k}-{i}-{j} .grad") == pytest.approx(
                    link["dE_dw"], abs=TOLERANCE)


def test_page_next_and_previous_walk_every_phase_and_back(page: Page) -> None:
    previous = page.get_by_role("button", name="Previous", exact=True)
    assert previous.is_disabled()  # nothing to go back to yet
    seen = []
    for _ in PHASES:
        click(page, "Next")
        seen.append(label(page))
    assert seen == [f"Step 1 · {p}" for p in PHASES]
    click(page, "Next")
    assert label(page) == "Step 2 · Input"
    click(page, "Previous")  # back across the step boundary
    assert label(page) == "Step 1 · Update"
    back = []
    for _ in PHASES[:-1]:
        click(page, "Previous")
        back.append(label(page))
    assert back == [f"Step 1 · {p}" for p in reversed(PHASES[:-1])]
    assert previous.is_disabled()  # at the first phase of the history
    # forward again through history, without asking the server for a new step
    for _ in PHASES:
        click(page, "Next")
    assert label(page) == "Step 2 · Input"
    assert api(page, "GET", "")["step"] == 1


def test_page_update_changes_the_drawn_weights_as_the_api_says(page: Page) -> None:
    before = api(page, "GET", "")["weights"]
    click(page, "Step")
    assert label(page) == "Step 1 · Update"
    state = api(page, "GET", "")
    assert state["step"] == 1
    assert state["weights"] != before
    for k, matrix in enumerate(state["weights"]):
        for i, row in enumerate(matrix):
            for j, w in enumerate(row):
                assert shown(page, f"#link-label-{k}-{i}-{j} .w") == pytest.approx(
                    w, abs=TOLERANCE)
    for j, b in enumerate(state["biases"][0]):
        assert shown(page, f"#node-1-{j} .bias") == pytest.approx(b, abs=TOLERANCE)
    # Previous shows the weights as they were before the update, and says it looks back
    click(page, "Previous")
    assert shown(page, "#link-label-0-0-0 .w") == pytest.approx(before[0][0][0], abs=TOLERANCE)
    detail = page.locator("#phase-detail").text_content() or ""
    assert "1 update applied so far · looking back, before this update" in detail, detail
    click(page, "Next")
    assert "looking back" not in (page.locator("#phase-detail").text_content() or "")


def test_page_learning_rate_change_mid_run_changes_the_next_update(page: Page) -> None:
    click(page, "Backward")
    field = page.get_by_label("Learning rate", exact=True)
    field.fill("2")
    field.press("Enter")
    field.blur()
    settle(page)
    assert api(page, "GET", "")["learning_rate"] == 2.0
    click(page, "Update")
    trace = api(page, "GET", "")["trace"]
    assert trace["learning_rate"] == 2.0
    link = trace["weights"][2][0][0]
    assert link["w"] == pytest.approx(link["w_before"] - 2.0 * link["dE_dw"], rel=1e-12)
    assert shown(page, "#link-label-2-0-0 .w") == pytest.approx(link["w"], abs=TOLERANCE)
    select(page, "#link-label-2-0-0")
    settle(page)
    formula = page.locator("#formula").text_content() or ""
    assert "2.0000" in formula  # α in w ← w − α·dE/dw


def test_page_a_learning_rate_being_typed_survives_another_change(page: Page) -> None:
    """Another change answered while the learner types a learning rate leaves what they typed;
    committing it then sets it."""
    field = page.get_by_label("Learning rate", exact=True)
    field.fill("0.3")  # typed, not yet committed
    page.get_by_label("Activation", exact=True).select_option("tanh")
    settle(page)
    assert field.input_value() == "0.3"
    field.press("Enter")
    settle(page)
    state = api(page, "GET", "")
    assert (state["learning_rate"], state["activation"]) == (0.3, "tanh")


def test_page_activation_change_recomputes_the_shown_values(page: Page) -> None:
    click(page, "Forward")
    page.get_by_label("Activation", exact=True).select_option("tanh")
    settle(page)
    state = api(page, "GET", "")
    assert state["activation"] == "tanh"
    node = state["trace"]["nodes"][1][0]
    assert node["y"] == pytest.approx(math.tanh(node["x"]), rel=1e-12)
    assert shown(page, "#node-1-0 .y") == pytest.approx(node["y"], abs=TOLERANCE)
    assert shown(page, "#node-3-0 .y") == pytest.approx(state["trace"]["nodes"][3][0]["y"],
                                                        abs=TOLERANCE)
    assert label(page) == "Step 1 · Error"


def test_page_sample_change_mid_pass_recomputes_from_the_new_sample(page: Page) -> None:
    click(page, "Forward")
    page.get_by_label("Input 1").fill("-1.5")
    page.get_by_label("Input 1").press("Enter")
    settle(page)
    trace = api(page, "GET", "")["trace"]
    assert trace["input"] == [-1.5]
    assert shown(page, "#node-0-0 .x") == -1.5
    assert shown(page, "#node-3-0 .y") == pytest.approx(trace["nodes"][3][0]["y"],
                                                        abs=TOLERANCE)


def test_page_keyboard_only_stepping(page: Page) -> None:
    page.locator("body").press("n")
    settle(page)
    assert label(page) == "Step 1 · Input"
    page.keyboard.press("ArrowRight")
    settle(page)
    assert label(page) == "Step 1 · Forward into hidden layer 1"
    page.keyboard.press("s")
    settle(page)
    assert label(page) == "Step 1 · Update"
    page.keyboard.press("ArrowLeft")
    settle(page)
    assert label(page) == "Step 1 · Backward through hidden layer 1"
    # Tab reaches the buttons, Enter presses them
    next_button = page.get_by_role("button", name="Next", exact=True)
    for _ in range(80):
        page.keyboard.press("Tab")
        if next_button.evaluate("b => b === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Next button")
    page.keyboard.press("Enter")
    settle(page)
    assert label(page) == "Step 1 · Update"
    # a node is reachable and selectable by keyboard (and Space on it does not start training)
    page.locator("#node-1-1").focus()
    page.keyboard.press("Enter")
    rendered(page)
    assert "node 2 of hidden layer 1" in (page.locator("#explain-heading").text_content() or "")
    page.locator("#node-1-0").focus()
    page.keyboard.press(" ")
    rendered(page)
    assert "node 1 of hidden layer 1" in (page.locator("#explain-heading").text_content() or "")
    assert page.evaluate("document.body.dataset.playing") != "true"


def test_page_step_key_draws_its_numbers_before_it_asks_for_the_plot(page: Page) -> None:
    """The Step key's new numbers come first: the calls for the plot and the nodes' pictures
    start after the frame that draws them, and after what the browser had queued by then (a
    message posted from that frame). Ordering only: nothing here is timed."""
    page.evaluate("""() => {
      const svg = document.getElementById("network");
      const seen = window.stepOrder = { frame: null, afterFrame: null };
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { seen.afterFrame = performance.now(); };
      const observer = new MutationObserver(() => {
        observer.disconnect();
        requestAnimationFrame(() => {
          seen.frame = performance.now();
          channel.port2.postMessage(null);
        });
      });
      observer.observe(svg, { subtree: true, characterData: true, childList: true });
      performance.clearResourceTimings();
    }""")
    page.keyboard.press("s")
    settle(page)
    seen = page.evaluate("window.stepOrder")
    calls = page.evaluate("""() => performance.getEntriesByType("resource")
      .map((e) => [new URL(e.name).pathname.split("/").pop(), e.fetchStart])""")
    step = [t for name, t in calls if name == "step"]
    later = [t for name, t in calls if name in ("function", "functions")]
    assert len(step) == 1 and len(later) == 2, calls
    assert step[0] < seen["frame"] < seen["afterFrame"] < min(later), (seen, calls)


def test_page_formula_panel_holds_mathml_with_the_current_numbers(page: Page) -> None:
    click(page, "Forward")
    select(page, "#node-1-1")
    trace = api(page, "GET", "")["trace"]
    node = trace["nodes"][1][1]
    math_el = page.locator("#formula math")
    assert math_el.count() >= 2
    text = page.locator("#formula").text_content() or ""
    w = trace["weights"][0][0][1]["w"]
    for value in (node["x"], node["y"], w, trace["input"][0]):
        assert fmt(value) in text
    assert page.locator("#formula mfrac").count() >= 1  # sigmoid as a real fraction
    click(page, "Backward")
    select(page, "#link-label-0-0-1")
    text = page.locator("#formula").text_content() or ""
    dw = api(page, "GET", "")["trace"]["weights"][0][0][1]["dE_dw"]
    assert fmt(dw) in text
    narration = page.locator("#narration")
    assert narration.get_attribute("aria-live") == "polite"
    assert "Backward" in (narration.text_content() or "")


def test_page_api_errors_appear_in_the_status_line(browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    page.get_by_label("Input 1").fill("10000000")  # beyond what the API accepts
    click(page, "Next")
    status = page.locator("#status")
    assert status.is_visible()
    assert "must lie between −1000000 and 1000000" in (status.text_content() or "")
    # The refused value snapped back, and Next went on with the sample in effect.
    assert page.get_by_label("Input 1").input_value() == "0.8"
    assert label(page) == "Step 1 · Input", status.text_content()
    assert shown(page, "#node-0-0 .x") == 0.8
    page.wait_for_timeout(1100)  # a message stays up at least a second
    click(page, "Next")
    assert not status.is_visible()
    page.get_by_label("Learning rate", exact=True).fill("0")
    page.get_by_label("Learning rate", exact=True).press("Enter")
    settle(page)
    assert "learning rate must be above 0" in (status.text_content() or "")
    page.context.close()
    # Chromium reports the failed request itself; the page logged nothing else.
    assert all("status of 422" in e for e in console.errors), console.errors


@pytest.mark.parametrize(("name", "width", "height"), [("default", 1400, 900),
                                                       ("narrow", 390, 844)])
def test_page_screenshots_at_rest_and_mid_animation(browser: Browser, base_url: str, name,
                                                    width, height) -> None:
    page, console = open_page(browser, base_url, width=width, height=height,
                              reduced_motion=False)
    screenshot(page, f"{name}-ready")
    page.get_by_role("button", name="Step", exact=True).click()
    page.wait_for_timeout(1200)
    screenshot(page, f"{name}-mid-animation")
    # Step is one call: mid-animation, the update is applied and the weights are moving
    assert label(page) == "Step 1 · Update"
    assert "1 update applied so far" in (page.locator("#phase-detail").text_content() or "")
    settle(page)
    screenshot(page, f"{name}-after-step")
    assert label(page) == "Step 1 · Update"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    page.context.close()
    assert console.errors == []


def test_page_number_format_matches_the_tests_mirror(page: Page) -> None:
    values = [0, 1e-5, -2.39e-5, 0.00012, -0.5, 123.456789, 1e6, -3.3e7, 0.99999, -1.23456]
    shown_by_page = page.evaluate(
        "async (vs) => { const m = await import('/static/js/lib/format.js');"
        " return vs.map((v) => m.fmt(v)); }", values)
    assert shown_by_page == [fmt(v) for v in values]


def test_page_a_weight_and_a_bias_set_by_hand_are_used_at_once(page: Page) -> None:
    click(page, "Forward")
    assert not page.locator("#edit-form").is_visible()  # nothing selected yet
    select(page, "#link-label-2-1-0")
    field = page.get_by_label("Set w⁽³⁾₂₁ to")
    field.fill("-1.25")
    page.locator("#edit-form").get_by_role("button", name="Set").click()
    settle(page)
    state = api(page, "GET", "")
    assert state["weights"][2][1][0] == -1.25
    assert shown(page, "#link-label-2-1-0 .w") == -1.25
    out = state["trace"]["nodes"][3][0]
    assert shown(page, "#node-3-0 .x") == pytest.approx(out["x"], abs=TOLERANCE)
    select(page, "#node-3-0")
    page.get_by_label("Set b⁽³⁾₁ to").fill("0.5")
    page.get_by_label("Set b⁽³⁾₁ to").press("Enter")
    settle(page)
    assert api(page, "GET", "")["biases"][2] == [0.5]
    assert shown(page, "#node-3-0 .bias") == 0.5
    assert label(page) == "Step 1 · Error"  # still mid-pass, recomputed


def test_page_formula_keeps_the_factors_of_a_product_apart(page: Page) -> None:
    page.get_by_label("Activation", exact=True).select_option("tanh")
    settle(page)
    click(page, "Backward")
    select(page, "#node-1-0")
    text = (page.locator("#formula").text_content() or "").replace(" ", "")
    # f′(x) = (1 − y²) is a factor of its own, with its value; then dE/dx = dE/dy · f′(x)
    assert "=(1−y2)=" in text
    node = api(page, "GET", "")["trace"]["nodes"][1][0]
    slope = 1 - node["y"] ** 2
    assert f"{fmt(node['dE_dy'])}·{fmt(slope)}".replace("·−", "·(−") in text.replace(
        f"({fmt(node['dE_dy'])})", fmt(node["dE_dy"]))
    assert fmt(node["dE_dx"]) in text


def test_page_a_weight_set_after_the_update_shows_the_new_forward_pass(page: Page) -> None:
    click(page, "Step")
    settle(page)
    assert label(page) == "Step 1 · Update"
    select(page, "#link-label-2-1-0")
    page.get_by_label("Set w⁽³⁾₂₁ to").fill("-1.25")
    page.locator("#edit-form").get_by_role("button", name="Set").click()
    settle(page)
    state = api(page, "GET", "")
    assert state["weights"][2][1][0] == -1.25 and state["trace"]["phase"] == "forward"
    # The drawing shows the server's new pass (the next step's, on the same sample), with the
    # new weight, not the update it had shown.
    assert label(page) == "Step 2 · Error"
    assert shown(page, "#link-label-2-1-0 .w") == -1.25
    out = state["trace"]["nodes"][3][0]
    assert shown(page, "#node-3-0 .x") == pytest.approx(out["x"], abs=TOLERANCE)
    click(page, "Next")  # goes on with that pass: its backward pass
    settle(page)
    assert api(page, "GET", "")["trace"]["phase"] == "backward"


def test_page_gradient_sizes_say_what_they_will_show_before_any_pass(page: Page) -> None:
    assert "After a backward pass" in (page.locator("#gradient-caption").text_content() or "")
