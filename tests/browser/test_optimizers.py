"""The optimizer and L1 in the page (issue 23 §2 and §5): the controls change the network and
show only the constants of the optimizer chosen, refuse a bad constant in words with nothing
changed, and a link carries the optimizer with its state, so that the page it opens makes the
very next update the first page would."""

from playwright.sync_api import Browser, Page

from tests.browser.conftest import api, open_page, play_for, settle


def _set(page: Page, selector: str, value: str) -> None:
    """Types a value and leaves the field, in one go (as a learner's typing and Tab are one
    task of the page's: no render of an earlier answer falls between them)."""
    settle(page)
    page.locator(selector).evaluate(
        "(e, v) => { e.value = v; e.dispatchEvent(new Event('change')); }", value)
    settle(page)


def test_optimizer_controls_change_the_network_and_refuse_bad_constants(
        browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    assert page.get_by_label("Optimizer", exact=True).input_value() == "sgd"
    assert page.locator("#momentum-row").is_hidden() and page.locator("#adam-row").is_hidden()
    page.get_by_label("Optimizer", exact=True).select_option("momentum")
    settle(page)
    assert api(page, "GET", "")["optimizer"] == "momentum"
    assert page.locator("#momentum-row").is_visible() and page.locator("#adam-row").is_hidden()
    _set(page, "#momentum", "0.5")
    assert api(page, "GET", "")["momentum"] == 0.5
    page.get_by_label("Optimizer", exact=True).select_option("adam")
    settle(page)
    assert page.locator("#adam-row").is_visible() and page.locator("#momentum-row").is_hidden()
    before = api(page, "GET", "")
    _set(page, "#beta1", "1")
    status = page.locator("#status").text_content() or ""
    assert "β₁ must be at least 0 and below 1" in status, status
    assert page.locator("#beta1").input_value() == "0.9"  # snapped back
    assert api(page, "GET", "") == before
    _set(page, "#epsilon", "1e-6")
    assert api(page, "GET", "")["epsilon"] == 1e-6
    _set(page, "#l1", "0.02")
    assert api(page, "GET", "")["l1"] == 0.02
    _set(page, "#l1", "-1")
    assert "L1 rate λ₁ must be between 0 and 1" in (page.locator("#status").text_content() or "")
    assert api(page, "GET", "")["l1"] == 0.02
    assert console.errors == [], console.errors
    page.context.close()


def test_a_link_carries_the_optimizer_and_its_state(browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    page.get_by_label("Optimizer", exact=True).select_option("adam")
    settle(page)
    _set(page, "#l1", "0.01")
    play_for(page, 400)  # Play trains with Adam: its state comes back in the frames
    for _ in range(9):  # and one step by hand
        page.keyboard.press("n")
        settle(page)
    first = api(page, "GET", "")
    assert first["optimizer"] == "adam" and first["optimizer_state"]["t"] == first["step"] > 1
    page.get_by_role("button", name="Copy link").click()
    settle(page)
    other = page.context.new_page()
    other.goto(page.evaluate("location.href"))
    other.wait_for_selector("body[data-ready=true]")
    settle(other)
    second = api(other, "GET", "")
    assert other.get_by_label("Optimizer", exact=True).input_value() == "adam"
    assert (second["l1"], second["optimizer_state"], second["weights"]) == (
        first["l1"], first["optimizer_state"], first["weights"])
    sample = {"input": [0.3], "target": [0.7]}
    a, b = api(page, "POST", "/step", sample), api(other, "POST", "/step", sample)
    assert a["weights"] == b["weights"] and a["t"] == b["t"]
    assert console.errors == [], console.errors
    page.context.close()


def test_a_field_being_typed_in_is_not_overwritten_by_another_answer(
        browser: Browser, base_url: str) -> None:
    """The learner types into L1 while another action's answer lands: what they typed stays,
    and is applied when they leave the field."""
    page, console = open_page(browser, base_url)
    page.locator("#l1").fill("0.03")  # typed (input events), not yet committed
    page.evaluate("document.getElementById('btn-step').click()")  # an answer lands
    settle(page)
    assert page.locator("#l1").input_value() == "0.03"
    page.locator("#l1").press("Tab")
    settle(page)
    assert api(page, "GET", "")["l1"] == 0.03
    assert console.errors == [], console.errors
    page.context.close()
