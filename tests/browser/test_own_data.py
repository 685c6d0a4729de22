"""Your own data as CSV, in the page: pasted or chosen as a file, read by the server, its
columns chosen in an accessible dialog; a class column gives a softmax network and the class
map, numbers a regression; a refused file says why in the dialog and changes nothing; the
export reads back exactly; a link keeps small own data and says when it leaves points out."""

from __future__ import annotations

import base64
import json
import math
import struct

import pytest
from playwright.sync_api import Browser, Page, expect

from server.limits import MAX_BODY_BYTES
from tests.browser.conftest import ARTIFACTS, api, open_page, play_for, settle
from tests.browser.test_accessibility import open_checked_page, severe_violations

CLASSES = "length,width,species\n" + "".join(
    f"{0.9 * math.cos(k * 2.1 + j * 0.37):.3f},{0.9 * math.sin(k * 2.1 + j * 0.37) * 40:.2f},"
    f"{['setosa', 'versicolor', 'virginica'][k]}\n" for j in range(12) for k in range(3))
REGRESSION = "x,y\n" + "".join(f"{x / 10},{3 * (x / 10) ** 2 - 1}\n" for x in range(-10, 11))


def open_dialog(page: Page) -> None:
    page.get_by_role("button", name="Your own data (CSV)…").click()
    expect(page.get_by_role("dialog", name="Your own data from a CSV file")).to_be_visible()


def paste_and_read(page: Page, text: str) -> None:
    page.get_by_label("Paste the CSV here").fill(text)
    page.get_by_role("button", name="Read the data").click()
    settle(page)


def use_columns(page: Page) -> None:
    page.get_by_role("button", name="Use these columns").click()
    settle(page)


def network(page: Page) -> dict:
    return api(page, "GET", "")


def test_a_class_column_gives_softmax_standardized_inputs_and_the_class_map(
        page: Page) -> None:
    open_dialog(page)
    paste_and_read(page, CLASSES)
    dialog = page.get_by_role("dialog", name="Your own data from a CSV file")
    expect(dialog.get_by_role("status")).to_contain_text("36 rows of 3 columns")
    expect(dialog.get_by_role("status")).to_contain_text(
        "species: 3 labels (setosa, versicolor, virginica)")
    # the first rows as the server read them, each column's role proposed above it
    expect(page.locator("#csv-table tbody tr")).to_have_count(8)
    expect(page.get_by_label("Column 3 (species) is")).to_have_value("target")
    expect(page.get_by_label("Column 1 (length) is")).to_have_value("input")
    expect(page.get_by_label("classes (one output node per label)")).to_be_checked()
    page.get_by_label("Standardize the inputs").check()
    use_columns(page)
    expect(dialog).to_be_hidden()
    n = network(page)
    assert n["layers"][0] == 2 and n["layers"][-1] == 3
    assert (n["output_activation"], n["loss"]) == ("softmax", "categorical_cross_entropy")
    data = api(page, "GET", "/dataset")
    points = data["train"] + data["test"]
    assert len(points) == 36 and len(data["test"]) == round(36 * 0.2)
    assert all(sum(p["target"]) == 1 for p in points)
    xs = [p["input"][1] for p in points]
    assert abs(sum(xs) / len(xs)) < 1e-12  # z-scores
    assert abs(math.sqrt(sum(x * x for x in xs) / len(xs)) - 1) < 1e-12
    status = page.locator("#status").text_content() or ""
    assert "Imported 36 points" in status and "rebuilt as 2-2-2-3" in status
    assert "of 2 inputs (length, width) and 3 classes (one-hot targets)" in status
    assert "softmax output and the categorical cross entropy loss" in status
    note = page.locator("#own-data-note")
    expect(note).to_contain_text("Classes: 1 = setosa, 2 = versicolor, 3 = virginica")
    expect(note).to_contain_text("width: mean")
    expect(note).to_contain_text("spread")
    play_for(page, 700)
    expect(page.locator("#plot-caption")).to_contain_text("the class the network gives each place")
    expect(page.locator("#confusion")).to_contain_text("versicolor")


def test_numbers_give_a_regression_that_trains(page: Page) -> None:
    open_dialog(page)
    paste_and_read(page, REGRESSION)
    expect(page.get_by_label("numbers (regression)")).to_be_checked()
    use_columns(page)
    n = network(page)
    assert n["layers"][0] == 1 and n["layers"][-1] == 1
    # targets beyond [0, 1]: a linear output with the squared error (a sigmoid cannot reach 2)
    assert (n["output_activation"], n["loss"]) == ("linear", "squared")
    data = api(page, "GET", "/dataset")
    assert sorted(p["input"][0] for p in data["train"] + data["test"]) == [
        x / 10 for x in range(-10, 11)]
    before = n["step"]
    play_for(page, 600)
    assert network(page)["step"] > before
    expect(page.locator("#fit-numbers")).to_contain_text("loss")


def test_a_refused_file_says_why_in_the_dialog_and_changes_nothing(
        browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    before = (network(page), api(page, "GET", "/dataset"))
    open_dialog(page)
    paste_and_read(page, "x1,x2,t\n0.1,0.2,0.3\n0.4,0.5\n")
    alert = page.get_by_role("dialog").get_by_role("alert")
    expect(alert).to_have_text("Line 3 has 2 values, but line 1 has 3: every line needs one "
                               "value per column (a value holding the separator is quoted: "
                               "\"1,5\"). Nothing was changed.")
    # a value that is no number beyond the rows shown: refused when the columns are used
    rows = "".join(f"{k / 10},{k / 20},{k % 2}\n" for k in range(12))
    paste_and_read(page, "a,b,t\n" + rows + "0.5,abc,1\n")
    expect(page.locator("#csv-error")).to_be_empty()
    use_columns(page)
    expect(alert).to_have_text("Line 14, column 2: 'abc' is not a number. Nothing was changed.")
    expect(page.get_by_role("dialog")).to_be_visible()
    # a file larger than the server takes is not even sent
    page.set_input_files("#csv-file", files=[{"name": "big.csv", "mimeType": "text/csv",
                                              "buffer": b"1,2\n" * 300_000}])
    settle(page)
    expect(alert).to_have_text(f"The file is 1,200,000 bytes: the server takes at most "
                               f"{MAX_BODY_BYTES:,} (about {MAX_BODY_BYTES // 1024} KiB). "
                               "Nothing was changed.")
    assert (network(page), api(page, "GET", "/dataset")) == before
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    page.context.close()
    # the browser logs each refused call; nothing else went wrong
    assert [e for e in console.errors if "status of 422" not in e] == []
    assert len(console.errors) == 2


def test_a_file_chosen_and_the_export_read_back_exactly(page: Page, tmp_path) -> None:
    # awkward float64s, written by the page's export (String(): the shortest exact form)
    values = [0.1 + 0.2, 1 / 3, 1e-7, 5e-324, -999999.9999999999, 123456.789, 2.5e-310, 0.0]
    text = "x,t,part\n" + "".join(f"{v!r},{abs(v) % 1!r},{'test' if k in (2, 5) else 'train'}\n"
                                   for k, v in enumerate(values))
    open_dialog(page)
    paste_and_read(page, text)
    use_columns(page)
    first = api(page, "GET", "/dataset")
    assert [p["input"][0] for p in first["train"] + first["test"]] == [
        v for k, v in enumerate(values) if k not in (2, 5)] + [values[2], values[5]]
    with page.expect_download() as info:
        page.get_by_role("button", name="Data as CSV").click()
    path = tmp_path / "data.csv"
    info.value.save_as(path)
    exported = api(page, "GET", "/dataset")
    assert exported == first
    open_dialog(page)
    page.set_input_files("#csv-file", str(path))
    settle(page)
    expect(page.get_by_label("Column 2 (t1) is")).to_have_value("target")
    expect(page.get_by_label("Column 3 (part) is")).to_have_value("part")
    assert page.get_by_label("Paste the CSV here").input_value() == path.read_text()
    use_columns(page)
    again = api(page, "GET", "/dataset")
    bits = lambda part: [struct.pack("<d", v) for p in part  # noqa: E731
                         for v in p["input"] + p["target"]]
    assert bits(again["train"]) == bits(exported["train"])
    assert bits(again["test"]) == bits(exported["test"]) and len(again["test"]) == 2


def _hash_state(page: Page) -> dict:
    raw = page.evaluate("location.hash")[3:]
    return json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def test_a_link_keeps_small_own_data_and_says_when_it_leaves_points_out(
        browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    open_dialog(page)
    paste_and_read(page, CLASSES)
    use_columns(page)
    state = _hash_state(page)
    assert len(state["dataset"]["points"]) == 36
    assert state["dataset"]["about"]["classes"] == ["setosa", "versicolor", "virginica"]
    expect(page.locator("#link-note")).to_be_hidden()
    other, console2 = open_page(browser, base_url, path="/" + page.evaluate("location.hash"))
    expect(other.locator("#own-data-note")).to_contain_text("1 = setosa")
    assert len(api(other, "GET", "/dataset")["train"]) == 29
    other.context.close()
    # 1,500 points of full precision: too many for a link
    big = "x1,x2,t1\n" + "".join(f"{math.sin(k) / 3},{math.cos(k * 1.3) / 7},{k % 2}\n"
                                 for k in range(1500))
    open_dialog(page)
    paste_and_read(page, big)
    use_columns(page)
    assert len(api(page, "GET", "/dataset")["train"]) == 1200
    expect(page.locator("#link-note")).to_contain_text("The link leaves out your 1,500 points")
    state = _hash_state(page)
    assert state["dataset"] == {"left_out": 1500, "about": state["dataset"]["about"]}
    third, console3 = open_page(browser, base_url, path="/" + page.evaluate("location.hash"))
    expect(third.locator("#status")).to_contain_text("its 1500 own points were too many for a "
                                                     "link and were left out")
    third.context.close()
    page.context.close()
    assert console.errors == console2.errors == console3.errors == []


@pytest.mark.parametrize("width", [390, 1440, 1920])
def test_the_dialog_at_each_width_is_reachable_by_keyboard_and_fits(
        browser: Browser, base_url: str, width: int) -> None:
    page, console = open_checked_page(browser, base_url, width, 900)  # axe may be injected
    button = page.get_by_role("button", name="Your own data (CSV)…")
    button.focus()
    page.keyboard.press("Enter")
    textarea = page.get_by_label("Paste the CSV here")
    expect(textarea).to_be_focused()
    textarea.fill(CLASSES.replace("species", "species_of_the_flower_as_a_botanist_names_it"))
    page.keyboard.press("Tab")  # the file's button, then Read
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    settle(page)
    dialog = page.get_by_role("dialog", name="Your own data from a CSV file")
    expect(dialog.get_by_role("status")).to_contain_text("36 rows")
    box = dialog.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
    # the table scrolls inside the dialog rather than widen it
    table_box = page.locator(".csv-table-box").bounding_box()
    assert table_box and table_box["x"] + table_box["width"] <= box["x"] + box["width"]
    expect(page.get_by_role("button", name="Use these columns")).to_be_in_viewport()
    ARTIFACTS.mkdir(exist_ok=True)  # the dialog as the learner sees it (the window, not the page)
    page.screenshot(path=str(ARTIFACTS / f"csv-dialog-{width}.png"))
    assert severe_violations(page, "document.getElementById('csv-dialog')") == []
    page.get_by_label("Column 1 (length) is").focus()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(button).to_be_focused()
    page.context.close()
    assert console.errors == [], console.errors

