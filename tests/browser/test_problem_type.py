"""The problem type (issue 23 §3), as in Playground: choosing it sets the output activation
and the loss that fit; a mismatch with the data is said in words, not corrected."""

from playwright.sync_api import Page

from tests.browser.conftest import api, settle


def test_problem_type_sets_the_output_and_loss_and_says_a_mismatch(page: Page) -> None:
    assert page.get_by_label("Problem type").input_value() == "regression"
    page.get_by_label("Problem type").select_option("classification")
    settle(page)
    network = api(page, "GET", "")
    assert (network["output_activation"], network["loss"]) == ("sigmoid", "cross_entropy")
    note = page.locator("#problem-note").text_content() or ""
    assert "These targets are numbers, not classes" in note  # the default sine data
    assert page.locator("#loss").input_value() == "cross_entropy"
    page.get_by_label("Problem type").select_option("regression")
    settle(page)
    network = api(page, "GET", "")
    assert (network["output_activation"], network["loss"]) == ("linear", "squared")
    assert (page.locator("#problem-note").text_content() or "").startswith("Regression")
    page.select_option("#dataset", "xor")
    settle(page)
    assert "These data are classes" in (page.locator("#problem-note").text_content() or "")
    assert api(page, "GET", "")["loss"] == "squared"  # explained, not changed


def test_a_target_beyond_the_outputs_reach_is_said(page: Page) -> None:
    assert page.locator("#target-note").is_hidden()
    target = page.locator("#sample-targets input").first
    target.evaluate("(e) => { e.value = '2'; e.dispatchEvent(new Event('change')); }")
    settle(page)
    note = page.locator("#target-note")
    assert note.is_visible()
    assert "a sigmoid output only gives values between 0 and 1" in (note.text_content() or "")
    page.locator("#output-activation").select_option("linear")
    settle(page)
    assert note.is_hidden()
