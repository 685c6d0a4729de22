"""Training mode in Chromium: Play and Pause, live settings, the plot, the gradient check,
sharing by link and by file, and recovery after the server forgets the network."""

import json
import math
import time

import pytest
from playwright.sync_api import Browser, Page

from bench.__main__ import PATCH_PROBE
from server.limits import MAX_UNACKED_FRAMES
from tests.browser.conftest import (
    api,
    click,
    link_to,
    open_page,
    parse_shown,
    play_for,
    select,
    settle,
    shown,
    start_playing,
    wait_until,
)

TOLERANCE = 5.1e-5


def test_training_play_and_pause_train_and_redraw(page: Page) -> None:
    dataset = api(page, "GET", "/dataset")
    assert dataset["name"] == "sine" and len(dataset["train"]) == 160  # the default
    before = api(page, "GET", "")
    play_for(page, 1500)
    after = api(page, "GET", "")
    assert after["step"] > before["step"] + 100
    assert after["weights"] != before["weights"]
    counter = page.locator("#train-counter").text_content() or ""
    label = page.locator("#phase-label").text_content() or ""
    assert label == f"Step {after['step'] + 1} · Ready"  # one step counter, in the header
    assert counter.startswith("Play: epoch ") and "samples trained" in counter
    for k, matrix in enumerate(after["weights"]):
        for i, row in enumerate(matrix):
            for j, w in enumerate(row):
                assert shown(page, f"#link-label-{k}-{i}-{j} .w") == pytest.approx(
                    w, abs=TOLERANCE)
    stats = page.evaluate("window.backpropPlayStats")
    assert stats["frames"] > 10 and stats["samples"] > 0
    # paused: nothing trains any more
    page.wait_for_timeout(300)
    assert api(page, "GET", "")["step"] == after["step"]


def test_training_learning_rate_and_activation_change_during_play(page: Page) -> None:
    page.get_by_role("button", name="Play").click()
    page.wait_for_selector("body[data-playing=true]")
    field = page.get_by_label("Learning rate", exact=True)
    field.fill("2")
    field.press("Enter")
    page.get_by_label("Activation", exact=True).select_option("tanh")
    page.wait_for_timeout(500)
    assert page.evaluate("document.body.dataset.playing") == "true"  # no reset, no stop
    step_during = api(page, "GET", "")["step"]
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("body[data-playing=false]")
    settle(page)
    state = api(page, "GET", "")
    assert state["learning_rate"] == 2.0 and state["activation"] == "tanh"
    assert state["step"] > step_during  # it went on training with the new settings


def test_training_click_on_the_plot_adds_a_point_and_alt_click_removes_it(page: Page) -> None:
    before = len(api(page, "GET", "/dataset")["train"])
    box = page.locator("#data-plot").bounding_box()
    assert box is not None
    # the middle of the plot: x = 0 and, on the target axis [−0.25, 1.25], t = 0.5
    page.locator("#data-plot").click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    settle(page)
    dataset = api(page, "GET", "/dataset")
    assert len(dataset["train"]) == before + 1
    added = dataset["train"][-1]
    assert added["input"][0] == pytest.approx(0.0, abs=0.02)
    assert added["target"][0] == pytest.approx(0.5, abs=0.02)
    page.locator("#data-plot").click(position={"x": box["width"] / 2, "y": box["height"] / 2},
                                     modifiers=["Alt"])
    settle(page)
    assert api(page, "GET", "/dataset")["train"] == dataset["train"][:-1]


def test_training_two_input_dataset_rebuilds_the_network_and_draws_a_heatmap(
        page: Page) -> None:
    page.get_by_label("Dataset").select_option("xor")
    settle(page)
    state = api(page, "GET", "")
    assert state["layers"] == [2, 2, 2, 1]
    assert page.locator("[id^=node-0-]").count() == 2
    assert api(page, "GET", "/dataset")["name"] == "xor"
    assert "rebuilt as 2-2-2-1" in (page.locator("#status").text_content() or "")
    assert "note" in (page.locator("#status").get_attribute("class") or "")  # not an error
    # the heatmap is drawn: the plot's centre pixel is coloured, not white
    pixel = page.evaluate("""() => {
        const c = document.getElementById('data-plot');
        const d = c.getContext('2d').getImageData(c.width / 2 + 5, c.height / 2 + 5, 1, 1).data;
        return [d[0], d[1], d[2]]; }""")
    assert pixel != [255, 255, 255]
    # clicking a hidden node plots that node's output
    select(page, "#node-1-1")
    settle(page)
    assert "node 2 of hidden layer 1" in (page.locator("#plot-caption").text_content() or "")


def test_training_gradient_check_panel_shows_backprop_beside_finite_differences(
        browser: Browser, base_url: str) -> None:
    # A fixed seed: on some random networks a derivative near 10⁻⁶ leaves rounding a
    # relative difference of a few 10⁻⁶, which the page rightly calls "close" (CI met one).
    page, console = open_page(browser, base_url,
                              path=link_to({"network": {"layers": [1, 2, 2, 1], "seed": 3}}))
    settle(page)
    click(page, "Check gradients")
    rows = page.locator("#gradcheck-table tbody tr")
    assert rows.count() == 8 + 5  # 8 weights and 5 biases of 1-2-2-1
    summary = page.locator("#gradcheck-summary").text_content() or ""
    largest = parse_shown(summary.split(":")[1].split("(")[0].strip())
    assert largest < 1e-6
    sample = {"input": [0.8], "target": [0.2]}  # at Ready: the sample in effect
    check = api(page, "POST", "/gradcheck", sample)
    first = [c.text_content() or "" for c in rows.nth(0).locator("td").all()]
    # five significant digits shown
    assert parse_shown(first[1]) == pytest.approx(check["entries"][0]["backprop"], rel=1e-4)
    assert "e" not in first[1]  # a power of ten written out, not e-notation
    page.context.close()
    assert console.errors == []


def test_training_page_recovers_after_the_server_forgets_its_network(browser: Browser,
                                                                    base_url: str) -> None:
    page, console = open_page(browser, base_url)
    play_for(page, 500)
    before = api(page, "GET", "")
    api(page, "DELETE", "")
    old_id = before["id"]
    click(page, "Step")  # the next call finds the network gone, re-creates it, carries on
    new_id = page.evaluate("document.body.dataset.networkId")
    assert new_id != old_id
    state = api(page, "GET", "")
    assert state["step"] == before["step"] + 1
    assert "re-created" in (page.locator("#status").text_content() or "")
    assert api(page, "GET", "/dataset")["name"] == "sine"
    play_for(page, 300)  # and training goes on
    assert api(page, "GET", "")["step"] > state["step"]
    page.context.close()
    # Chromium reports the 404 that revealed the loss; the page logged nothing else.
    assert all("status of 404" in e for e in console.errors), console.errors


def test_training_link_reproduces_the_network_exactly(browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    page.get_by_label("Learning rate", exact=True).fill("0.8")
    page.get_by_label("Learning rate", exact=True).press("Enter")
    play_for(page, 700)
    click(page, "Copy link")
    original = api(page, "GET", "")
    link = page.url
    assert "#s=" in link
    again, console2 = open_page(browser, base_url, path="/" + link.split("/", 3)[3])
    settle(again)
    copy = api(again, "GET", "")
    assert copy["id"] != original["id"]
    assert copy["weights"] == original["weights"] and copy["biases"] == original["biases"]
    assert copy["step"] == original["step"] and copy["learning_rate"] == 0.8
    assert api(again, "GET", "/dataset") == api(page, "GET", "/dataset")
    reset = api(again, "POST", "/reset")
    first = api(page, "POST", "/reset")
    assert reset["weights"] == first["weights"]  # even the initial weights travel
    # pasted into a tab that shows another network, the link replaces it
    third, console3 = open_page(browser, base_url)
    shown_before = third.evaluate("document.body.dataset.networkId")
    third.evaluate("(hash) => { location.hash = hash; }", "#" + link.split("#", 1)[1])
    third.wait_for_function("(id) => document.body.dataset.networkId !== id", arg=shown_before)
    settle(third)
    pasted = api(third, "GET", "")
    assert pasted["weights"] == original["weights"] and pasted["step"] == original["step"]
    for p in (page, again, third):
        p.context.close()
    assert console.errors == console2.errors == console3.errors == []


def test_training_export_and_import_round_trip_exactly(page: Page, tmp_path) -> None:
    play_for(page, 500)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export network").click()
    path = tmp_path / "network.json"
    download.value.save_as(path)
    exported = json.loads(path.read_text())
    original = api(page, "GET", "")
    assert exported["network"]["current_weights"] == original["weights"]
    click(page, "Reset")
    play_for(page, 300)
    page.set_input_files("#import-file", str(path))
    settle(page)
    assert "Imported a 1-2-2-1 network with the file's weights." in (
        page.locator("#status").text_content() or "")
    restored = api(page, "GET", "")
    assert restored["weights"] == original["weights"]
    assert restored["biases"] == original["biases"] and restored["step"] == original["step"]


def test_training_trace_exports_as_json_and_csv(page: Page, tmp_path) -> None:
    click(page, "Backward")
    trace = api(page, "GET", "")["trace"]
    with page.expect_download() as download:
        page.get_by_role("button", name="Trace as JSON").click()
    download.value.save_as(tmp_path / "trace.json")
    assert json.loads((tmp_path / "trace.json").read_text()) == trace
    with page.expect_download() as download:
        page.get_by_role("button", name="Trace as CSV").click()
    download.value.save_as(tmp_path / "trace.csv")
    lines = (tmp_path / "trace.csv").read_text().splitlines()
    assert lines[0].startswith("item,layer,from,to,x,y,b,dE_dy,dE_dx,dE_db,w,dE_dw")
    node = lines[1 + 6 - 1].split(",")  # the last node row: the output node
    assert node[:4] == ["node", "3", "", "0"]
    assert float(node[7]) == trace["nodes"][3][0]["dE_dy"]
    weight = lines[1 + 6].split(",")
    assert weight[:4] == ["weight", "0", "0", "0"]
    assert float(weight[11]) == trace["weights"][0][0][0]["dE_dw"]


def test_training_next_sample_takes_points_from_the_dataset(page: Page) -> None:
    click(page, "Forward")
    click(page, "Next sample from the data")
    first = api(page, "GET", "/dataset")["train"][0]
    trace = api(page, "GET", "")["trace"]
    assert trace["input"] == first["input"] and trace["target"] == first["target"]
    assert page.get_by_label("Input 1").input_value() == str(first["input"][0])


def test_training_space_plays_and_pauses_from_the_keyboard(page: Page) -> None:
    page.locator("body").press(" ")
    page.wait_for_selector("body[data-playing=true]")
    page.wait_for_timeout(300)
    page.locator("body").press(" ")
    page.wait_for_selector("body[data-playing=false]")
    settle(page)
    assert api(page, "GET", "")["step"] > 0
    assert page.get_by_role("button", name="Play").is_visible()


def test_training_a_point_can_be_added_from_the_keyboard(browser: Browser,
                                                         base_url: str) -> None:
    page, console = open_page(browser, base_url)
    before = len(api(page, "GET", "/dataset")["train"])
    page.get_by_label("Point input").fill("0.25")
    page.get_by_label("target", exact=True).fill("0.75")
    page.get_by_label("target", exact=True).press("Enter")
    settle(page)
    train = api(page, "GET", "/dataset")["train"]
    assert len(train) == before + 1
    assert train[-1] == {"input": [0.25], "target": [0.75]}
    page.get_by_label("Point input").fill("0.1, 0.2")  # two numbers for a one-input network
    page.get_by_role("button", name="Add point").click()
    settle(page)
    # Checked by the page before anything is sent (it had sent it, and Chromium logged the
    # 422), and said of the typed point (it said "the data has 2 input(s)").
    assert (page.locator("#status").text_content() or "") == (
        "The point has 2 inputs, but the network has 1 input node: type one number as the "
        "point's input.")
    assert len(api(page, "GET", "/dataset")["train"]) == before + 1
    # an empty target is refused, not added as 0
    page.get_by_label("Point input").fill("0.5")
    page.get_by_label("target", exact=True).fill("")
    page.get_by_role("button", name="Add point").click()
    settle(page)
    assert "must be a number" in (page.locator("#status").text_content() or "")
    assert len(api(page, "GET", "/dataset")["train"]) == before + 1
    # a point beyond the plot is added, and said not to be drawn
    page.get_by_label("Point input").fill("3")
    page.get_by_label("target", exact=True).fill("0.5")
    page.get_by_role("button", name="Add point").click()
    settle(page)
    assert len(api(page, "GET", "/dataset")["train"]) == before + 2
    assert "outside the plot" in (page.locator("#status").text_content() or "")
    page.context.close()
    assert console.errors == []


def test_training_the_full_batch_chosen_during_fast_play_plays_on(page: Page) -> None:
    """Playing as fast as it can on batches of 1 (thousands of updates a frame), then the
    full batch of 8,000 points: it plays on, with no message (the updates grown for one
    point a step had been asked of 8,000 and refused as a call of about 13 s)."""
    page.fill("#data-size", "10000")
    page.press("#data-size", "Enter")
    settle(page)
    page.select_option("#play-speed", "max")
    page.select_option("#batch-size", "1")
    page.get_by_role("button", name="Play").click()
    page.wait_for_selector("body[data-playing=true]")
    wait_until(page, "window.backpropPlayStats.stepsPerCall > 1000")
    page.select_option("#batch-size", "full")
    frames = page.evaluate("window.backpropPlayStats.frames")
    wait_until(page, f"window.backpropPlayStats.frames > {frames + 20}")
    assert page.evaluate("document.body.dataset.playing") == "true"
    assert (page.locator("#status").text_content() or "") == ""
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("body[data-playing=false]")


def test_training_a_step_pressed_during_play_says_play_paused_as_a_note(page: Page) -> None:
    start_playing(page, 3)
    page.get_by_role("button", name="Next", exact=True).click()
    page.wait_for_selector("body[data-playing=false]")
    settle(page)
    status = page.locator("#status")
    assert "Play paused" in (status.text_content() or "")
    assert "note" in (status.get_attribute("class") or "")
    page.get_by_label("Learning rate", exact=True).fill("0")
    page.get_by_label("Learning rate", exact=True).press("Enter")
    settle(page)
    assert "above 0" in (status.text_content() or "")
    assert "note" not in (status.get_attribute("class") or "")  # an error looks like one


def test_training_the_gradient_check_pressed_during_play_is_of_the_weights_shown(
        page: Page) -> None:
    """Check gradients during Play pauses first (a new user saw a check "after 225 updates"
    while 945 were shown), and says so."""
    start_playing(page, 3)
    page.get_by_role("button", name="Check gradients").click()
    page.wait_for_selector("body[data-playing=false]")
    settle(page)
    step = api(page, "GET", "")["step"]
    assert f"after {step} update" in (page.locator("#gradcheck-summary").text_content() or "")
    assert "Play paused" in (page.locator("#status").text_content() or "")
    page.wait_for_timeout(300)
    assert api(page, "GET", "")["step"] == step  # still paused


def test_training_points_changed_on_ones_own_points_keeps_them_and_says_why(page: Page) -> None:
    """After a point is added the data are the learner's own: Points (or noise, seed, test
    share) has no built-in dataset to draw. It had sent a dataset of no name, rebuilt the
    network as "-2-2-1" and lost the data; now it says so and keeps everything."""
    page.get_by_role("button", name="Add point").click()
    settle(page)
    before, network = api(page, "GET", "/dataset"), api(page, "GET", "")
    page.fill("#data-size", "300")
    page.press("#data-size", "Enter")
    settle(page)
    assert "your own points" in (page.locator("#status").text_content() or "")
    assert api(page, "GET", "/dataset") == before
    assert api(page, "GET", "")["layers"] == network["layers"]
    assert page.locator("#data-size").input_value() != "300"  # set back to what holds


def test_training_a_two_input_dataset_chosen_during_play_says_play_paused(page: Page) -> None:
    start_playing(page, 3)
    page.get_by_label("Dataset").select_option("xor")
    page.wait_for_selector("body[data-playing=false]")
    settle(page)
    text = page.locator("#status").text_content() or ""
    assert "2 inputs: the network was rebuilt as 2-2-2-1" in text and "Play paused" in text


def test_training_a_landscape_too_long_to_compute_says_what_to_do_and_is_not_asked_again(
        browser: Browser, base_url: str) -> None:
    """E over 8,000 training points is refused as too long: the caption says what to choose
    instead (it had said "use a lower resolution", which the page does not offer), and Play
    does not ask for it again several times a second."""
    page, console = open_page(browser, base_url)
    page.fill("#data-size", "10000")
    page.press("#data-size", "Enter")
    settle(page)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/landscape") else None)
    page.select_option("#landscape-over", "train")
    settle(page)
    caption = page.locator("#landscape-caption").text_content() or ""
    assert "8000 training points" in caption and "current sample" in caption, caption
    assert "resolution" not in caption
    refused = len(asked)
    assert refused >= 1
    start_playing(page, 40)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("body[data-playing=false]")
    settle(page)
    assert len(asked) == refused
    page.context.close()
    assert console.errors and all("status of 422" in e for e in console.errors), console.errors


def test_training_landscape_of_one_parameter_twice_is_said_not_asked(page: Page) -> None:
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/landscape") else None)
    b = page.locator("#landscape-b option:checked").text_content() or ""
    page.select_option("#landscape-a", label=b)
    settle(page)
    assert "the same parameter" in (page.locator("#landscape-caption").text_content() or "")
    assert asked == []


def test_training_plot_switches_show_test_data_and_discretize_and_are_linked(
        browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url, path=link_to({
        "network": {"layers": [2, 3, 1], "seed": 2},
        "dataset": {"name": "xor", "size": 100, "noise": 0, "seed": 1, "test_fraction": 0.5}}))
    settle(page)
    pixels = "document.getElementById('data-plot').toDataURL()"
    shown = page.evaluate(pixels)
    page.get_by_label("Show test data").uncheck()
    settle(page)
    without_test = page.evaluate(pixels)
    assert without_test != shown
    page.get_by_label("Show test data").check()
    settle(page)
    assert page.evaluate(pixels) == shown  # the same picture again
    page.get_by_label("Discretize output").check()
    settle(page)
    assert page.evaluate(pixels) != shown
    page.get_by_label("Show test data").uncheck()
    settle(page)
    page.get_by_role("button", name="Copy link").click()
    settle(page)
    again, console2 = open_page(browser, base_url, path="/" + page.url.split("/", 3)[3])
    settle(again)
    assert again.get_by_label("Discretize output").is_checked()
    assert not again.get_by_label("Show test data").is_checked()
    for p in (page, again):
        p.context.close()
    assert console.errors == console2.errors == []


def test_training_play_streams_over_a_websocket_and_pauses(page: Page) -> None:
    sockets, frames, train_calls = [], [], []
    page.on("websocket", lambda ws: (sockets.append(ws.url), ws.on(
        "framereceived", lambda payload: frames.append(json.loads(payload)))))
    page.on("request", lambda r: train_calls.append(r.url) if r.url.endswith("/train") else None)
    play_for(page, 1200)
    assert len(sockets) == 1 and sockets[0].endswith("/play")
    drawn = [f for f in frames if f["type"] == "frame"]
    assert len(drawn) > 10 and frames[-1]["type"] == "paused"
    assert [f["frame"] for f in drawn] == list(range(1, len(drawn) + 1))
    assert not train_calls  # no HTTP training call
    state = api(page, "GET", "")
    assert state["step"] == drawn[-1]["step"]  # the last frame is the network as it stands
    stats = page.evaluate("window.backpropPlayStats")
    assert stats["frames"] > 10
    # Every frame is drawn on its own, none merged into the next (but for those still on
    # their way at the pause, at most the frames the server sends ahead, drawn together once
    # paused).
    assert len(drawn) - MAX_UNACKED_FRAMES <= stats["received"] <= len(drawn)
    assert stats["frames"] >= stats["received"] - MAX_UNACKED_FRAMES
    page.wait_for_timeout(300)
    assert api(page, "GET", "")["step"] == state["step"]  # paused: nothing trains


# Inside the page, when a change's answer (a PATCH) came: how many frames trained with the
# new rate (0.125) had been received, and how many drawn. Installed before Play opens its
# stream.
LATE_ANSWER_PROBE = """() => {
  const stats = window.backpropPlayStats;
  const Native = window.WebSocket;
  window.lateAnswer = null;
  let received = 0;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", (event) => {
        const message = JSON.parse(event.data);
        if (message.type === "frame" && message.settings.learning_rate === 0.125) received += 1;
      });
    }
  };
  const fetched = window.fetch;
  window.fetch = async (input, init) => {
    const response = await fetched(input, init);
    if (init?.method === "PATCH") {
      const drawn = stats.drawn.filter(([, s]) => s?.learning_rate === 0.125).length;
      window.lateAnswer = [received, drawn];
    }
    return response;
  };
}"""


def test_training_frames_of_a_change_applied_but_not_yet_answered_are_drawn(page: Page) -> None:
    """The server has applied a change, and its answer reaches the page late (held here for
    half a second): the frames trained with the new setting meanwhile are drawn as they come,
    not skipped as old (the page knows what it asked for); at most those still waiting for
    the display's next frames are not drawn yet."""
    page.evaluate(LATE_ANSWER_PROBE)
    page.select_option("#play-speed", "max")
    start_playing(page, 5)

    def late(route) -> None:
        response = route.fetch()  # the server applies the change now
        time.sleep(0.5)  # the page goes on playing meanwhile
        route.fulfill(response=response)

    page.route("**/api/networks/*", lambda route: late(route)
               if route.request.method == "PATCH" else route.continue_())
    field = page.get_by_label("Learning rate", exact=True)
    field.fill("0.125")
    field.press("Enter")
    wait_until(page, "window.lateAnswer !== null")
    received, drawn = page.evaluate("window.lateAnswer")
    assert received >= 6  # it played on with the new rate while the answer was held
    assert drawn >= received - MAX_UNACKED_FRAMES
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("body[data-playing=false]")


def test_training_a_setting_changed_during_play_shows_within_two_frames(page: Page) -> None:
    frames = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: frames.append(json.loads(payload))))
    page.select_option("#play-speed", "max")  # full chunks: frames wait to be drawn
    start_playing(page, 5)
    page.evaluate(PATCH_PROBE)  # the count of frames drawn when the answer comes
    with page.expect_response(lambda r: r.request.method == "PATCH"):
        field = page.get_by_label("Learning rate", exact=True)
        field.fill("0.125")
        field.press("Enter")
    # Frames drawn from the answer until the first one trained with the new rate, that one
    # included: frames trained with the old rate and received after the answer go unseen.
    wait_until(page, """window.benchAnswered.length > 0 && window.backpropPlayStats.drawn
                          .some(([, s]) => s?.learning_rate === 0.125)""")
    answered, shown = page.evaluate("""() => [window.benchAnswered[0],
      window.backpropPlayStats.drawn.find(([, s]) => s?.learning_rate === 0.125)[0]]""")
    assert shown - answered <= 2
    seen = len(frames)
    wait_until(page, f"window.backpropPlayStats.frames > {seen + 4}")
    page.select_option("#batch-size", "10")
    page.wait_for_timeout(400)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("body[data-playing=false]")
    after = [f for f in frames[seen:] if f["type"] == "frame"]
    # The chunk in flight when the change arrived may have used the old rate; the next one
    # uses the new rate.
    assert all(f["settings"]["learning_rate"] == 0.125 for f in after[1:])
    assert page.evaluate("document.body.dataset.playing") == "false"


@pytest.mark.parametrize("keys", [False, True])
def test_training_play_pressed_while_steps_run_takes_over_without_error(
        browser: Browser, base_url: str, keys: bool) -> None:
    """Play pressed while a step action runs, and others wait behind it, stops that action
    and drops the others: it plays, with no error, and once paused nothing replays."""
    page, console = open_page(browser, base_url, reduced_motion=False)
    page.locator("#speed").evaluate(  # the phases take long to animate
        "e => { e.value = '0.25'; e.dispatchEvent(new Event('input', {bubbles: true})); }")
    if keys:
        for key in "nsfbup":
            page.locator("body").press(key)
        page.locator("body").press(" ")
    else:
        click(page, "Reset")
        page.get_by_role("button", name="Update", exact=True).click()
        page.wait_for_timeout(100)
        start_playing(page, 3)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("body[data-playing=false]")
    settle(page)
    page.wait_for_timeout(300)
    assert (page.locator("#status").text_content() or "").strip() == ""
    step = api(page, "GET", "")["step"]
    assert step > 3
    page.wait_for_timeout(500)
    assert api(page, "GET", "")["step"] == step  # no queued phase ran after Play
    assert "looking back" not in (page.locator(".phase").text_content() or "")
    page.context.close()
    assert not console.errors, console.errors


def test_training_page_recovers_when_the_server_forgets_its_network_mid_play(
        browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    start_playing(page, 3)
    old_id = page.evaluate("document.body.dataset.networkId")
    api(page, "DELETE", "")
    wait_until(page, f"document.body.dataset.networkId !== {old_id!r}")
    wait_until(page, "window.backpropPlayStats.frames > 10")
    assert page.evaluate("document.body.dataset.playing") == "true"  # it plays on
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("body[data-playing=false]")
    settle(page)
    state = api(page, "GET", "")
    assert state["id"] != old_id and state["step"] > 0
    assert "re-created" in (page.locator("#status").text_content() or "")
    page.context.close()
    assert not console.errors, console.errors


def test_training_play_falls_back_to_http_without_websockets(browser: Browser,
                                                             base_url: str) -> None:
    page, console = open_page(browser, base_url)
    page.evaluate("""() => { window.WebSocket = class { constructor() {
        this.readyState = 3; setTimeout(() => this.onclose && this.onclose({}), 0); }
        send() {} close() {} }; window.WebSocket.OPEN = 1; }""")
    calls = []
    page.on("request", lambda r: calls.append(r.url) if r.url.endswith("/train") else None)
    before = api(page, "GET", "")["step"]
    play_for(page, 800)
    assert calls and api(page, "GET", "")["step"] > before
    page.context.close()
    assert not console.errors, console.errors


def test_training_play_speed_one_update_per_frame_and_new_data_clears_the_loss(
        page: Page) -> None:
    frames = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: frames.append(json.loads(payload))))
    page.select_option("#play-speed", "1")
    settle(page)
    play_for(page, 800)
    drawn = [f for f in frames if f["type"] == "frame"]
    assert drawn and all(f["chunk_steps"] == 1 for f in drawn)
    before = page.locator("#fit-numbers").text_content()
    assert (before or "").startswith("Training loss")
    page.get_by_role("button", name="New data").click()
    settle(page)
    assert page.evaluate("document.querySelector('#play-speed').value") == "1"
    assert api(page, "GET", "/dataset")["seed"] == 1
    # the loss over the new points, not the old
    assert page.locator("#fit-numbers").text_content() != before


def test_training_play_speed_starts_at_the_servers_default(page: Page) -> None:
    assert page.locator("#play-speed").input_value() == "10"


def _fit_words(fit: dict) -> str:
    """The fit as the page words it (explain/training-notes.js fitLine), from the server's."""
    # as Math.round: half up (Python's round takes half to even: 61.25% became 61.2)
    pct = lambda a: f"{math.floor(a * 1000 + 0.5) / 10:g}%"  # noqa: E731
    words = f"Training loss {fit['train_loss']:.4f}"
    if fit["test_loss"] is not None:
        words += f" · test loss {fit['test_loss']:.4f}"
    if fit["train_accuracy"] is None:
        words += " · no accuracy: the targets are not all 0 or 1"
    else:
        words += f" · accuracy {pct(fit['train_accuracy'])} (training)"
        if fit["test_accuracy"] is not None:
            words += f", {pct(fit['test_accuracy'])} (test)"
    return words


@pytest.mark.parametrize("loss", ["squared", "cross_entropy"])
def test_training_the_fit_shown_is_the_servers(page: Page, loss: str) -> None:
    """After Play, a Step and Reset, the numbers under the plot are GET /fit's (the page no
    longer computes them: it had clipped y for cross entropy, where the server computes E
    from x)."""
    page.select_option("#dataset", "xor")
    settle(page)
    page.select_option("#loss", loss)
    settle(page)
    shown = lambda: page.locator("#fit-numbers").text_content()  # noqa: E731
    play_for(page, 600)
    settle(page)
    assert shown() == _fit_words(api(page, "GET", "/fit"))
    page.keyboard.press("s")
    settle(page)
    assert shown() == _fit_words(api(page, "GET", "/fit"))
    page.get_by_role("button", name="Reset").click()  # the first weights back
    settle(page)
    fit = api(page, "GET", "/fit")
    assert fit["step"] == 0 and shown() == _fit_words(fit)
