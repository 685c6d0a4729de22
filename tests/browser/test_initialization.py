"""Initial weights (issue 23 §1): the choice draws new first weights from the same seed, says
its formula with each layer's numbers, goes in the link, and zeros show the symmetry."""

import json
import urllib.request

from playwright.sync_api import Browser, Page

from tests.browser.conftest import api, open_page, play_for, settle


def _created(base_url: str, body: dict) -> dict:
    request = urllib.request.Request(f"{base_url}/api/networks", data=json.dumps(body).encode(),
                                     method="POST", headers={"content-type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return json.load(answer)


def test_initialization_choice_draws_from_the_same_seed_and_says_its_numbers(
        page: Page, base_url: str) -> None:
    before = api(page, "GET", "")
    assert page.get_by_label("Initial weights").input_value() == "glorot_uniform"
    note = page.locator("#init-note").text_content() or ""
    assert "r = √(6 / (1 + 2)) = 1.4142" in note
    page.get_by_label("Initial weights").select_option("he_normal")
    settle(page)
    after = api(page, "GET", "")
    assert after["seed"] == before["seed"] and after["step"] == 0
    expected = _created(base_url, {"seed": before["seed"], "layers": before["layers"],
                                   "init": "he_normal"})
    assert after["weights"] == expected["weights"] != before["weights"]
    note = page.locator("#init-note").text_content() or ""
    assert note.startswith("He normal: w ~ N(0, σ²), σ = √(2 / n_in)")
    assert "σ = √(2 / 1) = 1.4142" in note
    assert "He normal from seed" in (page.locator("#status").text_content() or "")
    # the link keeps the choice
    page.get_by_role("button", name="Copy link").click()
    settle(page)
    url = page.evaluate("location.href")
    other = page.context.new_page()
    other.goto(url)
    other.wait_for_selector("body[data-ready=true]")
    settle(other)
    assert other.get_by_label("Initial weights").input_value() == "he_normal"
    assert api(other, "GET", "")["weights"] == after["weights"]


def test_initialization_zeros_say_and_show_the_symmetry(browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    page.get_by_label("Initial weights").select_option("zeros")
    settle(page)
    assert "stay equal forever" in (page.locator("#init-note").text_content() or "")
    weights = api(page, "GET", "")["weights"]
    assert all(w == 0 for layer in weights for row in layer for w in row)
    play_for(page, 500)
    hidden = api(page, "GET", "")["weights"][1]  # hidden 1 → hidden 2 (2 × 2)
    assert hidden[0][0] == hidden[0][1] and hidden[1][0] == hidden[1][1]
    # the two nodes of hidden 2 show the same numbers
    for _ in range(3):  # forward into hidden 2
        page.keyboard.press("n")
        settle(page)
    texts = [(page.locator(f"#node-2-{j}").text_content() or "").replace(f"node {j + 1}", "")
             for j in (0, 1)]
    assert texts[0] == texts[1] and "y " in texts[0], texts
    page.context.close()
    assert not console.errors, console.errors
