"""One source of truth: every control shows the value in effect, a refused change snaps back
with a reason in plain words, and rebuilding, recovering and links keep what they should."""

import json

from playwright.sync_api import Browser, Page

from tests.browser.conftest import api, click, link_to, open_page, play_for, rendered, settle


def status(page: Page) -> str:
    rendered(page)
    return page.locator("#status").text_content() or ""


def epoch_shown(page: Page) -> float:
    text = page.locator("#train-counter").text_content() or ""
    return float(text.split("·")[0].replace("Play: epoch", ""))


def refused_calls_only(console) -> bool:
    """Chromium logs each refused request itself; the page logged nothing else."""
    return all("status of 422" in e for e in console.errors)


def test_state_refused_loss_snaps_back_and_says_why(browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    for output in ("tanh", "relu"):
        page.get_by_label("Output activation", exact=True).select_option(output)
        settle(page)
        page.get_by_label("Loss", exact=True).select_option("cross_entropy")
        settle(page)
        assert page.get_by_label("Loss", exact=True).input_value() == "squared"
        assert api(page, "GET", "")["loss"] == "squared"
        assert "needs a sigmoid output" in status(page), status(page)
        page.wait_for_timeout(1100)
    click(page, "Next")
    click(page, "Next")
    assert page.get_by_label("Output activation", exact=True).input_value() == "relu"
    page.context.close()
    assert console.errors == []  # refused by the page itself: no refused call logged


def test_state_refused_learning_rate_snaps_back_and_training_keeps_the_old_one(
        page: Page) -> None:
    field = page.get_by_label("Learning rate", exact=True)
    for refused in ("0", "-1", "1000"):
        field.fill(refused)
        field.press("Enter")
        settle(page)
        assert field.input_value() == "0.5", refused
        assert "learning rate must be above 0 and at most 10" in status(page)
        page.wait_for_timeout(1100)
    play_for(page, 300)
    assert api(page, "GET", "")["learning_rate"] == 0.5
    field.fill("0.25")
    field.press("Enter")
    settle(page)
    assert field.input_value() == "0.25"
    assert api(page, "GET", "")["learning_rate"] == 0.25


def rebuild(page: Page, layers: str) -> None:
    page.get_by_label("Layers", exact=True).fill(layers)
    click(page, "Rebuild")


def test_state_rebuild_keeps_the_dataset_and_training_settings(page: Page) -> None:
    page.get_by_label("Batch size", exact=True).select_option("10")
    settle(page)
    page.get_by_label("Noise", exact=True).fill("0.3")
    page.get_by_label("Noise", exact=True).press("Enter")
    settle(page)
    rebuild(page, "1-3-1")
    data = api(page, "GET", "/dataset")
    assert data["name"] == "sine" and data["noise"] == 0.3
    assert page.get_by_label("Batch size", exact=True).input_value() == "10"
    # two inputs: the data is regenerated for them, from the same controls
    rebuild(page, "2-3-1")
    data = api(page, "GET", "/dataset")
    assert data is not None and len(data["train"][0]["input"]) == 2 and data["noise"] == 0.3
    assert page.get_by_label("Dataset", exact=True).input_value() == data["name"]
    assert "replaced it" in status(page)
    step = api(page, "GET", "")["step"]
    play_for(page, 300)
    assert api(page, "GET", "")["step"] > step
    # three inputs: no built-in dataset fits; the page says so and the select says "none"
    rebuild(page, "3-3-1")
    assert api(page, "GET", "/dataset") is None
    assert page.get_by_label("Dataset", exact=True).input_value() == ""
    assert "No built-in dataset fits 3-3-1" in status(page)
    assert page.get_by_label("Batch size", exact=True).input_value() == "10"


def test_state_layers_are_refused_in_plain_words(page: Page) -> None:
    rebuild(page, "1-33-1")
    assert "Hidden layer 1 can have at most 32 nodes; 1-33-1 gives it 33." in status(page)
    assert page.get_by_label("Layers", exact=True).input_value() == "1-2-2-1"  # snapped back
    rebuild(page, "1-2-2-2-2-2-2-2-1")
    assert "2 to 8 layers" in status(page)


def test_state_epoch_carries_on_after_the_server_forgets_the_network(browser: Browser,
                                                                     base_url: str) -> None:
    page, console = open_page(browser, base_url)
    play_for(page, 700)
    before = epoch_shown(page)
    assert before > 0
    api(page, "DELETE", "")
    play_for(page, 300)
    assert "re-created" in status(page) or epoch_shown(page) > before
    assert epoch_shown(page) > before  # the count of samples trained was carried
    page.context.close()
    assert all("status of 404" in e for e in console.errors), console.errors


def test_state_a_link_the_server_refuses_starts_afresh_and_says_why(browser: Browser,
                                                                    base_url: str) -> None:
    # Well-formed, but the weights do not fit the layers.
    path = link_to({"network": {"layers": [1, 2, 1], "weights": [[[1.0]], [[1.0]]],
                                "biases": [[0.0, 0.0], [0.0]]}})
    page, console = open_page(browser, base_url, path=path)
    settle(page)
    assert "its network could not be used" in status(page) and "weights" in status(page)
    assert api(page, "GET", "")["layers"] == [1, 2, 2, 1]
    click(page, "Next")  # the page works
    # A link with a value outside the table's limits names it and keeps the rest.
    page2, console2 = open_page(browser, base_url,
                                path=link_to({"network": {"layers": [1, 33, 1],
                                                          "learning_rate": 0.2}}))
    settle(page2)
    assert "layers must be" in status(page2)
    assert api(page2, "GET", "")["learning_rate"] == 0.2
    for p in (page, page2):
        p.context.close()
    assert refused_calls_only(console) and refused_calls_only(console2)


def test_state_an_imported_file_the_server_refuses_starts_afresh(browser: Browser, base_url: str,
                                                                 tmp_path) -> None:
    page, console = open_page(browser, base_url)
    before_id = page.evaluate("document.body.dataset.networkId")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"network": {"layers": [2, 1], "weights": [[[1.0, 2.0]]],
                                           "biases": [[0.0]]}}))
    page.set_input_files("#import-file", str(bad))
    settle(page)
    # refused: nothing changed, the network shown kept
    assert "The file's network could not be used" in status(page)
    assert "the network shown was kept" in status(page)
    assert page.evaluate("document.body.dataset.networkId") == before_id
    assert page.locator("#status").is_visible()
    rate = tmp_path / "rate.json"  # a refused learning rate is named
    rate.write_text(json.dumps({"network": {"layers": [1, 2, 1], "learning_rate": -3}}))
    page.set_input_files("#import-file", str(rate))
    settle(page)
    assert "learning rate must be" in status(page), status(page)
    click(page, "Next")
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    page.set_input_files("#import-file", str(garbage))
    settle(page)
    assert "not an exported network" in status(page)
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps({"network": {"layers": [1, 2]}}))
    page.set_input_files("#import-file", str(bare))
    settle(page)
    assert "Imported a 1-2 network with new weights (the file has none)" in status(page)
    assert "the file has no data" in status(page)
    page.context.close()
    assert refused_calls_only(console), console.errors


def test_state_review_findings(browser: Browser, base_url: str, tmp_path) -> None:
    """What a new user hit: a file that is JSON but no export, blank sample fields, capital
    shortcut keys, New data that drew the same points, a link that lost the sample."""
    page, console = open_page(browser, base_url)
    before = page.evaluate("document.body.dataset.networkId")
    odd = tmp_path / "odd.json"
    odd.write_text("[1, 2, 3]")
    page.set_input_files("#import-file", str(odd))
    settle(page)
    assert "not an exported network" in status(page)
    assert page.evaluate("document.body.dataset.networkId") == before  # kept
    page.get_by_label("Target 1").fill("")
    page.get_by_label("Target 1").press("Enter")
    settle(page)
    assert page.get_by_label("Target 1").input_value() == "0.2"  # snapped back
    assert "must be a number" in status(page)
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Shift+N")
    settle(page)
    assert (page.locator("#phase-label").text_content() or "").endswith("Input")
    seed = api(page, "GET", "/dataset")["seed"]
    click(page, "New data")
    assert api(page, "GET", "/dataset")["seed"] == seed + 1
    page.get_by_label("Input 1").fill("0.3")
    page.get_by_label("Input 1").press("Enter")
    settle(page)
    click(page, "Copy link")
    again, console2 = open_page(browser, base_url, path="/" + page.url.split("/", 3)[3])
    settle(again)
    assert again.get_by_label("Input 1").input_value() == "0.3"
    for p in (page, again):
        p.context.close()
    assert console.errors == console2.errors == []


def test_state_a_link_brings_back_what_the_page_showed_or_says_what_it_did_not_keep(
        browser: Browser, base_url: str) -> None:
    """Own points added with Noise at 0 opened with Noise 0.1; the landscape's parameters, the
    step-through mode and the animation's speed were lost; the loss curve is not kept, and
    now the page says so."""
    page, console = open_page(browser, base_url)
    page.fill("#noise", "0")
    page.press("#noise", "Enter")
    settle(page)
    page.get_by_label("Point input").fill("0.3")
    page.get_by_label("target", exact=True).fill("0.6")
    page.get_by_role("button", name="Add point").click()
    settle(page)
    page.select_option("#landscape-a", label="w⁽²⁾₂₁")
    settle(page)
    page.select_option("#step-on", "batch")
    settle(page)
    page.locator("#speed").fill("2")
    play_for(page, 300)
    click(page, "Copy link")
    again, console2 = open_page(browser, base_url, path="/" + page.url.split("/", 3)[3])
    settle(again)
    assert again.locator("#noise").input_value() == "0"
    assert again.locator("#dataset option:checked").text_content() == "your own points"
    assert api(again, "GET", "/dataset")["train"] == api(page, "GET", "/dataset")["train"]
    assert again.locator("#landscape-a option:checked").text_content() == "w⁽²⁾₂₁"
    assert again.locator("#step-on").input_value() == "batch"
    assert again.locator("#speed-value").text_content() == "2×"
    assert "the loss curve and the steps stepped through are not kept" in status(again)
    for p in (page, again):
        p.context.close()
    assert console.errors == console2.errors == []


def test_state_weights_labelled_on_demand_are_said_so(page: Page) -> None:
    note = page.locator("#labels-note")
    assert note.text_content() == "" and not note.is_visible()  # 1-2-2-1: every weight labelled
    rebuild(page, "2-4-4-1")
    text = note.text_content() or ""
    assert "Between hidden layer 1 and hidden layer 2" in text and "click a node" in text
    hidden = page.locator("#network .link-label.hidden").count()
    assert hidden > 0  # which is why the note is there
    rebuild(page, "1-2-2-1")
    assert note.text_content() == ""


def test_state_previous_and_step_say_what_they_do_when_it_is_not_the_usual(
        browser: Browser, base_url: str) -> None:
    """Previous after Play was disabled with no reason given; Step while looking back walked
    the history and applied no update, silently."""
    page, console = open_page(browser, base_url)
    note = page.locator("#step-note")
    assert "once you have stepped with Next" in (note.text_content() or "")
    play_for(page, 300)
    rendered(page)
    assert page.get_by_role("button", name="Previous").is_disabled()
    assert "Previous has nothing to go back to: Play and Reset keep no steps" in (
        note.text_content() or "")
    assert page.get_by_role("button", name="Previous").get_attribute(
        "aria-describedby") == "step-note"
    click(page, "Step")
    click(page, "Step")
    assert (note.text_content() or "") == ""
    steps = api(page, "GET", "")["step"]
    for _ in range(9):  # back into the step before
        click(page, "Previous")
    assert "Looking back at step" in (note.text_content() or "")
    # the header and the note name the same step (the note said one more)
    shown = int((page.locator("#phase-label").text_content() or "").split("·")[0].split()[1])
    assert f"Looking back at step {shown}:" in (note.text_content() or "")
    click(page, "Step")
    assert api(page, "GET", "")["step"] == steps  # no update applied...
    assert "no update was applied now" in status(page)  # ... and the page says so
    click(page, "Step")
    assert api(page, "GET", "")["step"] == steps + 1  # at the newest step, Step applies one
    page.context.close()
    assert console.errors == []


def test_state_shape_buttons_keep_the_weights_that_have_a_place(page: Page) -> None:
    click(page, "Step")
    before = api(page, "GET", "")
    page.get_by_role("button", name="Add a node to hidden layer 1").click()
    settle(page)
    after = api(page, "GET", "")
    assert after["layers"] == [1, 3, 2, 1]
    assert after["weights"][0][0][:2] == before["weights"][0][0]  # the trained values
    assert after["weights"][1][:2] == before["weights"][1]
    assert after["weights"][2] == before["weights"][2]
    assert after["biases"][0][:2] == before["biases"][0]
    assert "are new" in status(page) and "kept their values" in status(page)
    assert page.locator("#layers-input").input_value() == "1-3-2-1"
    page.get_by_role("button", name="Add a hidden layer before the output").click()
    settle(page)
    assert api(page, "GET", "")["layers"] == [1, 3, 2, 2, 1]
    page.get_by_role("button", name="Remove the last hidden layer").click()
    settle(page)
    page.get_by_role("button", name="Remove a node from hidden layer 1").click()
    settle(page)
    back = api(page, "GET", "")
    assert back["layers"] == [1, 2, 2, 1]
    assert back["weights"][0] == before["weights"][0]
    for _ in range(2):
        page.get_by_role("button", name="Remove a node from hidden layer 2").click()
        settle(page)
    assert "at least 1 node" in status(page)  # refused, said
    assert api(page, "GET", "")["layers"] == [1, 2, 1, 1]


def test_state_a_decimal_comma_is_a_point_and_no_number_is_refused(page: Page) -> None:
    page.get_by_label("Learning rate", exact=True).fill("0,25")
    page.get_by_label("Learning rate", exact=True).press("Enter")
    settle(page)
    assert api(page, "GET", "")["learning_rate"] == 0.25  # not 25, nor refused as 25
    page.get_by_label("Input 1").fill("1,5")
    page.get_by_label("Input 1").press("Enter")
    settle(page)
    page.locator("#btn-next").click()
    settle(page)
    assert api(page, "GET", "")["trace"]["input"] == [1.5]
    seed = api(page, "GET", "/dataset")["seed"]
    page.fill("#noise", "abc")
    page.press("#noise", "Enter")
    settle(page)
    assert "noise" in status(page).lower()  # refused, said: not taken as 0 with new data
    assert api(page, "GET", "/dataset")["seed"] == seed


def test_state_step_as_python_prints_the_page_numbers(page: Page) -> None:
    """Step as Python (issue 23 §6): the script downloaded after a step prints that step's E
    and the weights the page now holds; looking back, it says why it waits."""
    import contextlib
    import io

    page.keyboard.press("s")
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Step as Python (NumPy)").click()
    script = info.value.path().read_text(encoding="utf-8")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(script, "step.py", "exec"), {"__name__": "__main__"})
    numbers = {name: json.loads(value) for name, value in
               (line.split(" = ", 1) for line in printed.getvalue().strip().splitlines())}
    network = api(page, "GET", "")
    assert abs(numbers["E"] - network["trace"]["error"]) <= 1e-12 * abs(network["trace"]["error"])
    for k, weights in enumerate(network["weights"]):
        for row_got, row in zip(numbers[f"w[{k + 1}] after"], weights, strict=True):
            assert all(abs(a - b) <= 1e-12 * max(1, abs(b)) for a, b in zip(row_got, row,
                                                                            strict=True))
    assert "python3" in status(page)
    page.keyboard.press("s")  # a second step; then back into the first
    settle(page)
    for _ in range(10):
        page.keyboard.press("p")
        settle(page)
    page.get_by_role("button", name="Step as Python (NumPy)").click()
    settle(page)
    assert "looking back" in status(page)


def test_state_data_as_csv_holds_every_point(page: Page) -> None:
    page.select_option("#dataset", "circle")
    settle(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Data as CSV").click()
    rows = info.value.path().read_text(encoding="utf-8").strip().split("\n")
    data = api(page, "GET", "/dataset")
    assert rows[0] == "x1,x2,t1,part"
    points = [[*p["input"], *p["target"], part] for part in ("train", "test") for p in data[part]]
    assert [[float(v) for v in r.split(",")[:3]] + [r.split(",")[3]] for r in rows[1:]] == points


def test_state_a_setting_changed_during_an_animation_applies_at_once(browser: Browser,
                                                                    base_url: str) -> None:
    """A new user changed the activation 0.3 s after pressing Backward at a quarter speed: the
    control showed tanh while the page went on drawing sigmoid for about 12 s (the change
    waited behind the animation)."""
    page, console = open_page(browser, base_url, reduced_motion=False)
    page.locator("#speed").fill("0.25")
    page.get_by_role("button", name="Backward").click()
    page.wait_for_timeout(300)
    page.select_option("#activation", "tanh")
    page.wait_for_selector('body[data-pending="0"]', timeout=3000)  # not 12 s
    assert api(page, "GET", "")["activation"] == "tanh"
    assert "cut short to apply the new setting" in status(page)
    page.context.close()
    assert not console.errors, console.errors


def test_state_cross_entropy_with_a_target_of_5_is_refused_without_a_call(
        browser: Browser, base_url: str) -> None:
    """A new user's point with target 5, then cross entropy: refused by the page before any
    call (the server's 422 had shown in the console as a failed load)."""
    page, console = open_page(browser, base_url)
    page.fill("#point-input", "0.3")
    page.fill("#point-target", "5")
    page.get_by_role("button", name="Add point").click()
    settle(page)
    page.get_by_label("Loss", exact=True).select_option("cross_entropy")
    settle(page)
    assert "a target is a probability between 0 and 1" in status(page), status(page)
    assert page.get_by_label("Loss", exact=True).input_value() == "squared"
    assert api(page, "GET", "")["loss"] == "squared"
    page.context.close()
    assert not console.errors, console.errors
