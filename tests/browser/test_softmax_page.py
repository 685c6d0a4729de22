"""Softmax on the page (issue 22 §1): chosen with its loss, refused in words where it makes
no sense, the datasets of classes, and the accuracy and confusion table during Play."""

from playwright.sync_api import Browser

from tests.browser.conftest import api, open_page, play_for, settle


def _status(page) -> str:
    return page.text_content("#status") or ""


def test_softmax_page_chosen_with_its_loss_refused_on_one_output(browser: Browser,
                                                                 base_url: str) -> None:
    page, console = open_page(browser, base_url)
    # the default 1-2-2-1 network has one output: softmax is refused in words, nothing sent
    page.select_option("#output-activation", "softmax")
    settle(page)
    assert "needs 2 or more output nodes" in _status(page), _status(page)
    assert page.input_value("#output-activation") == "sigmoid"
    assert api(page, "GET", "")["output_activation"] == "sigmoid"
    # the hidden layers cannot have it at all
    hidden = page.eval_on_selector_all("#activation option", "os => os.map(o => o.value)")
    assert "softmax" not in hidden and "softmax" in page.eval_on_selector_all(
        "#output-activation option", "os => os.map(o => o.value)")
    # 2-4-3: the data become the three clusters; the sample's targets (0.5 each) are no
    # probability vector, so categorical cross entropy is refused, naming the sample
    page.fill("#layers-input", "2-4-3")
    page.click("#btn-rebuild")
    settle(page)
    assert api(page, "GET", "")["layers"] == [2, 4, 3]
    page.select_option("#loss", "categorical_cross_entropy")
    settle(page)
    assert "the sample has targets adding up to 1.5" in _status(page), _status(page)
    assert page.input_value("#loss") == "squared"
    # a one-hot target, then the loss: softmax comes with it, in one change
    fields = page.locator("#sample-targets input")
    for k, v in enumerate(["1", "0", "0"]):
        fields.nth(k).fill(v)
        fields.nth(k).dispatch_event("change")
        settle(page)
    page.select_option("#loss", "categorical_cross_entropy")
    settle(page)
    network = api(page, "GET", "")
    assert (network["output_activation"], network["loss"]) == ("softmax",
                                                               "categorical_cross_entropy")
    assert page.input_value("#output-activation") == "softmax"
    # typing 1 into class 3's target moves the one-hot there (not a refusal at each field)
    fields.nth(2).fill("1")
    fields.nth(2).dispatch_event("change")
    settle(page)
    assert [fields.nth(k).input_value() for k in range(3)] == ["0", "0", "1"], _status(page)
    # and leaving softmax leaves its loss too
    page.select_option("#output-activation", "tanh")
    settle(page)
    network = api(page, "GET", "")
    assert (network["output_activation"], network["loss"]) == ("tanh", "squared")
    assert console.errors == [], console.errors
    page.context.close()


def test_softmax_page_dataset_of_classes_plays_with_accuracy_and_confusion(
        browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    page.select_option("#dataset", "spiral3")
    settle(page)
    network = api(page, "GET", "")
    assert network["layers"][0] == 2 and network["layers"][-1] == 3
    assert (network["output_activation"], network["loss"]) == ("softmax",
                                                               "categorical_cross_entropy")
    assert "3 classes" in (page.text_content("#status") or "")
    assert page.is_visible("#confusion-box")
    assert page.is_hidden("#plot-scale")
    assert "full colour" in (page.text_content("#discretize-words") or "")
    play_for(page, 1500)
    fit = api(page, "GET", "/fit")
    counts = page.eval_on_selector_all(
        "#confusion tr", "rows => rows.slice(1).map(r => [...r.querySelectorAll('td')]"
        ".map(td => Number(td.textContent)))")
    assert counts == fit["train_confusion"], (counts, fit)
    data = api(page, "GET", "/dataset")
    assert sum(map(sum, counts)) == len(data["train"])
    tested = page.eval_on_selector_all(  # and the test points', never trained on
        "#confusion-test tr", "rows => rows.slice(1).map(r => [...r.querySelectorAll('td')]"
        ".map(td => Number(td.textContent)))")
    assert tested == fit["test_confusion"] and sum(map(sum, tested)) == len(data["test"]) > 0
    assert "test points classified right" in (page.text_content("#confusion-test-note") or "")
    assert "largest output is their class" in (page.text_content("#fit-numbers") or "")
    # back to one target: a sigmoid output with the squared loss, no confusion table
    page.select_option("#dataset", "xor")
    settle(page)
    network = api(page, "GET", "")
    assert network["layers"][-1] == 1 and network["output_activation"] == "sigmoid"
    assert network["loss"] == "squared"
    assert page.is_hidden("#confusion-box") and page.is_hidden("#confusion-test-box")
    assert "cut at y = 0.5" in (page.text_content("#discretize-words") or "")
    assert console.errors == [], console.errors
    page.context.close()


def test_softmax_page_lesson_opens_on_the_three_clusters(browser: Browser,
                                                         base_url: str) -> None:
    page, console = open_page(browser, base_url, path="/l/softmax")
    settle(page)
    network = api(page, "GET", "")
    assert network["layers"] == [2, 4, 3] and network["output_activation"] == "softmax"
    assert page.input_value("#dataset") == "clusters3"
    assert page.is_visible("#confusion-box")
    assert console.errors == [], console.errors
    page.context.close()
