"""The page under axe-core (node_modules/axe-core): no serious or critical violation at rest,
mid-pass, at the update and during training, wide and narrow."""

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ROOT, Console, click, settle

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SEVERE = ("serious", "critical")


def open_checked_page(browser: Browser, base_url: str, width: int,
                      height: int) -> tuple[Page, Console]:
    """The page in a context that lets the test inject axe inline; the app's CSP is kept as
    it is for the page's own scripts."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run scripts/setup test")
    context = browser.new_context(viewport={"width": width, "height": height},
                                  reduced_motion="reduce", bypass_csp=True)
    page = context.new_page()
    console = Console(page)
    page.goto(base_url + "/")
    page.wait_for_selector("body[data-ready=true]", timeout=10_000)
    return page, console


def severe_violations(page: Page, context: str = "document") -> list[str]:
    """Every serious or critical axe violation, as "rule (impact): targets"."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        f"axe.run({context}, {{resultTypes: ['violations']}}).then((r) => r.violations)")
    return [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]} {v['help']}"
            for v in violations if v["impact"] in SEVERE]


@pytest.fixture(params=[(1440, 900), (390, 844)], ids=["wide", "narrow"])
def checked(request, browser: Browser, base_url: str) -> Iterator[Page]:
    page, console = open_checked_page(browser, base_url, *request.param)
    yield page
    page.context.close()
    assert console.errors == [], console.errors


def test_accessibility_at_rest(checked: Page) -> None:
    assert severe_violations(checked) == []


def test_accessibility_mid_pass_and_at_the_update(checked: Page) -> None:
    for _ in range(6):
        click(checked, "Next")
    assert checked.locator("#phase-label").text_content() == "Step 1 · Backward through output"
    assert severe_violations(checked) == []
    for _ in range(3):
        click(checked, "Next")
    assert checked.locator("#phase-label").text_content() == "Step 1 · Update"
    assert severe_violations(checked) == []


def test_accessibility_during_training(checked: Page) -> None:
    click(checked, "Play")
    checked.get_by_role("button", name="Pause", exact=True).wait_for()
    checked.wait_for_timeout(500)
    found = severe_violations(checked)
    click(checked, "Pause")
    assert found == []


def test_accessibility_weight_names_start_with_what_they_show(checked: Page) -> None:
    """A weight's label is a button named by its visible text, then which weight it is."""
    shown = checked.locator("#link-label-0-0-0 .w").text_content() or ""
    assert shown.startswith("w ")
    expect(checked.locator("#link-label-0-0-0")).to_have_accessible_name(
        re.compile(f"^{re.escape(shown)} .*from node 1 of layer 0 to node 1 of layer 1$"))
    expect(checked.locator("#node-1-0")).to_have_accessible_name(
        re.compile(r"^b \S+ node 1 of layer 1$"))


def test_accessibility_a_question_asked_and_answered(checked: Page) -> None:
    """Predict, then see: the question, its field or choices, and the verdict."""
    checked.locator("#predict").check()
    for _ in range(2):
        click(checked, "Next")
    assert checked.locator("#quiz-form").is_visible()
    assert severe_violations(checked) == []
    checked.get_by_role("button", name="Skip").click()
    settle(checked)
    click(checked, "Next")
    if checked.locator("#quiz-value").count():
        checked.locator("#quiz-value").fill("0.1")
    else:
        checked.locator("#quiz-answers input").first.check()
    checked.locator("#btn-quiz-check").click()
    settle(checked)
    assert checked.locator("#quiz-verdict .quiz-result").is_visible()
    assert severe_violations(checked) == []
