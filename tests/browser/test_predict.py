"""Predict, then see: before a phase's numbers appear the page asks one of them, grades the
answer against the truth (checked here from the API's own trace), shows why, and keeps a
score; across every hidden activation × output activation × loss, by keyboard alone."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import api, link_to, open_page, rendered, settle
from tests.browser.test_matrix import COMBOS


def truth_of(page: Page, about: dict) -> str:
    """The answer the API's trace gives to the question `about`, as the page would take it."""
    trace = api(page, "GET", "")["trace"]
    if about["kind"] == "value":
        if about["what"] == "E":
            return repr(trace["error"])
        return repr(trace["nodes"][about["l"]][about["j"]][about["what"]])
    if about["kind"] == "sign":
        g = trace["weights"][about["k"]][about["i"]][about["j"]]["dE_dw"]
        return "+" if g > 0 else "−" if g < 0 else "0"
    if about["type"] == "update":
        before, after = trace["error"], trace["error_after"]
        return ("up" if not after < before
                else "down-lot" if before - after >= 0.1 * before else "down-little")
    moves = {f"{k}-{i}-{j}": abs(w["w"] - w["w_before"]) for k, m in enumerate(trace["weights"])
             for i, row in enumerate(m) for j, w in enumerate(row)}
    return max(moves, key=moves.get)


def wrong_of(about: dict, truth: str, options: list[str]) -> str:
    if about["kind"] == "value":
        v = float(truth)
        return repr(v + 0.5 + abs(v))  # far outside any tolerance
    if about["kind"] == "sign":
        return "−" if truth == "+" else "+"
    return next(o for o in options if o != truth)


def answer(page: Page, text: str) -> None:
    """Types or chooses `text` with the keyboard alone, and presses Enter."""
    field = page.locator("#quiz-value")
    if field.count():
        assert field.evaluate("(f) => f === document.activeElement")  # focused for the learner
        page.keyboard.type(text)
    else:
        radio = page.locator(f"#quiz-answers input[value='{text}']")
        radio.focus()
        page.keyboard.press("Space")
    page.keyboard.press("Enter")
    settle(page)


@pytest.mark.parametrize("combos", [COMBOS[:28], COMBOS[28:]], ids=["first-half", "second-half"])
def test_predict_scores_right_and_wrong_guesses_across_the_matrix(
        browser: Browser, base_url: str, combos: list) -> None:
    page, console = open_page(browser, base_url)
    right = asked = 0
    for n, (activation, output, loss) in enumerate(combos):
        before = page.evaluate("document.body.dataset.networkId")
        page.evaluate("(hash) => { location.hash = hash; }", link_to({"network": {
            "layers": [1, 2, 2, 1], "activation": activation, "output_activation": output,
            "loss": loss, "seed": 11 + n}, "dataset": None})[1:])
        page.wait_for_function("(id) => document.body.dataset.networkId !== id", arg=before)
        settle(page)
        if not page.locator("#predict").is_checked():
            page.locator("#predict").check()
            settle(page)
        page.locator("#btn-next").focus()
        for phase in range(9):  # one whole step
            page.keyboard.press("n")
            settle(page)
            if not page.locator("#quiz-form").is_visible():
                assert phase == 0, (activation, output, loss, phase)  # the input asks nothing
                continue
            # the numbers of the phase asked about are not shown yet
            about = json.loads(page.locator("#quiz").get_attribute("data-about") or "{}")
            truth = truth_of(page, about)
            options = page.locator("#quiz-answers input[type=radio]").evaluate_all(
                "(rs) => rs.map((r) => r.value)")
            good = (phase + n) % 2 == 0
            answer(page, truth if good else wrong_of(about, truth, options))
            verdict = page.locator("#quiz-verdict .quiz-result").text_content() or ""
            assert verdict.startswith("Right" if good else "Not quite"), (
                activation, output, loss, phase, about, verdict)
            assert page.locator("#quiz-verdict .note").first.text_content()  # and why
            asked += 1
            right += good
            page.locator("#btn-next").focus()
        assert page.locator("#phase-label").text_content() == "Step 1 · Update"
    rendered(page)
    assert page.locator("#quiz-score").text_content() == f"{right} of {asked} right this visit."
    page.get_by_role("button", name="Reset score").click()
    rendered(page)
    assert page.locator("#quiz-score").text_content() == "No answers yet this visit."
    page.context.close()
    assert console.errors == []


def test_predict_hides_the_numbers_until_answered_and_step_keys_wait(page: Page) -> None:
    page.locator("#predict").check()
    settle(page)
    page.locator("#btn-next").focus()
    page.keyboard.press("n")  # the input: nothing to ask
    settle(page)
    page.locator("#btn-next").focus()
    page.keyboard.press("n")  # forward into hidden layer 1: asked first
    settle(page)
    assert page.locator("#phase-label").text_content() == "Step 1 · Input"
    assert (page.locator("#node-1-0 .x").text_content() or "") == ""  # not shown yet
    page.locator("#btn-next").click()  # a step key waits for the answer
    settle(page)
    assert "Answer the question first" in (page.locator("#status").text_content() or "")
    assert page.locator("#phase-label").text_content() == "Step 1 · Input"
    # a word typed where a number is asked: said so, neither graded nor counted
    page.locator("#quiz-value").fill("abc")
    page.keyboard.press("Enter")
    settle(page)
    assert "not a number" in (page.locator("#quiz-tolerance").text_content() or "")
    assert page.locator("#quiz-form").is_visible()
    assert page.locator("#quiz-score").text_content() == "No answers yet this visit."
    assert page.locator("#quiz-value").input_value() == "abc"  # kept, to be corrected
    page.get_by_role("button", name="Skip").click()
    settle(page)
    assert page.locator("#phase-label").text_content() == "Step 1 · Forward into hidden layer 1"
    assert (page.locator("#node-1-0 .x").text_content() or "").startswith("x ")
    # Walking back and forward again over what was shown asks nothing.
    page.locator("#btn-previous").click()
    settle(page)
    page.locator("#btn-next").click()
    settle(page)
    assert not page.locator("#quiz-form").is_visible()
    # Play trains past the question: it goes
    page.locator("#btn-next").click()
    settle(page)
    assert page.locator("#quiz-form").is_visible()
    page.get_by_role("button", name="Play").click()
    page.wait_for_selector("body[data-playing=true]")
    assert not page.locator("#quiz-form").is_visible()
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("body[data-playing=false]")
    settle(page)
    page.locator("#predict").uncheck()
    settle(page)
    assert not page.locator("#quiz").is_visible()
