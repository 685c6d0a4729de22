"""The guided tour (static/js/tour.js): opened from the header, every stop highlighted in
turn, keyboard-operable, closed with Esc, free of serious accessibility violations."""


import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_accessibility import open_checked_page, severe_violations

TARGETS = ["#network", "#btn-next", ".explain", "#btn-update", ".training"]


def stop(page: Page) -> str:
    return page.locator("#tour-counter").text_content() or ""


def highlighted(page: Page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('.tour-target')]"
                         ".map((e) => e.id || e.className)")


def test_tour_does_not_open_by_itself_under_automation(page: Page) -> None:
    expect(page.locator("#tour")).to_be_hidden()
    assert highlighted(page) == []


def test_tour_button_opens_it_and_next_and_back_visit_every_stop(page: Page) -> None:
    page.get_by_role("button", name="Tour", exact=True).click()
    dialog = page.get_by_role("dialog", name="The network")
    expect(dialog).to_be_visible()
    expect(page.locator("#tour-next")).to_be_focused()
    expect(page.locator("#tour-back")).to_be_disabled()
    n = len(TARGETS)
    for i, target in enumerate(TARGETS):
        assert stop(page) == f"Stop {i + 1} of {n}"
        assert page.locator(target).evaluate("(e) => e.classList.contains('tour-target')")
        assert len(highlighted(page)) == 1
        assert page.locator(target).is_visible()
        if i < n - 1:
            page.locator("#tour-next").click()
    expect(page.locator("#tour-next")).to_have_text("Done")
    for i in reversed(range(n - 1)):
        page.get_by_role("button", name="Back", exact=True).click()
        assert stop(page) == f"Stop {i + 1} of {n}"
        assert page.locator(TARGETS[i]).evaluate("(e) => e.classList.contains('tour-target')")
    expect(page.locator("#tour-next")).to_be_focused()  # Back became disabled: focus moved on
    page.get_by_role("button", name="Close", exact=True).click()
    expect(page.locator("#tour")).to_be_hidden()
    assert highlighted(page) == []
    assert page.evaluate("localStorage.getItem('backprop-tour-seen')") == "1"


def test_tour_escape_closes_it_and_returns_focus_to_the_button(page: Page) -> None:
    page.locator("#btn-tour").click()
    page.locator("#tour-next").click()
    page.keyboard.press("Escape")
    expect(page.locator("#tour")).to_be_hidden()
    expect(page.locator("#btn-tour")).to_be_focused()
    assert highlighted(page) == []


def test_tour_keyboard_only(page: Page) -> None:
    label = page.locator("#phase-label").text_content()
    for _ in range(10):  # Tab from the top of the page to the Tour button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "btn-tour":
            break
    expect(page.locator("#btn-tour")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#tour")).to_be_visible()
    for i in range(2, len(TARGETS) + 1):
        page.keyboard.press("Enter")
        assert stop(page) == f"Stop {i} of {len(TARGETS)}"
    page.keyboard.press("ArrowLeft")  # the arrows move the tour, not the network
    assert stop(page) == f"Stop {len(TARGETS) - 1} of {len(TARGETS)}"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("p")
    assert stop(page) == f"Stop {len(TARGETS) - 1} of {len(TARGETS)}"
    page.keyboard.press("n")
    assert stop(page) == f"Stop {len(TARGETS)} of {len(TARGETS)}"
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#tour-back")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # Done
    expect(page.locator("#tour")).to_be_hidden()
    expect(page.locator("#btn-tour")).to_be_focused()
    assert page.locator("#phase-label").text_content() == label


@pytest.mark.parametrize("width", [1440, 390])
def test_tour_dialog_has_no_serious_accessibility_violation(browser: Browser, base_url: str,
                                                            width: int) -> None:
    page, console = open_checked_page(browser, base_url, width, 900)
    page.locator("#btn-tour").click()
    for _ in range(len(TARGETS)):
        assert severe_violations(page, "'#tour'") == []
        page.locator("#tour-next").click()
    assert severe_violations(page) == []
    page.context.close()
    assert console.errors == []
