"""A teacher's lesson: made from the page as it is, opened by its short link with exactly the
teacher's numbers, what it hides hidden until the learner shows everything, its texts as text;
built-in lessons from the header; a link to no lesson says so. (In the run with Redis and two
workers, the lesson is made on one worker and may be read on the other.)"""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from tests.browser.conftest import api, click, open_page, rendered, settle

HOSTILE = '<img src=x onerror="window.hacked=1"> Lesson & <b>bold</b>'


def make_lesson(page: Page) -> str:
    page.locator(".lessons-menu summary").click()
    page.get_by_role("button", name="Make a lesson of this page…").click()
    page.get_by_label("Title").fill(HOSTILE)
    page.get_by_label("Text", exact=True).fill("Line one.\nLine two <script>x</script>")
    page.get_by_label("Steps, one a line").fill("Press Next.\nWhat is E?")
    for part in ("landscape", "training"):
        page.locator(f"#lesson-form input[name=hide][value={part}]").check()
    page.locator("#lesson-predict").check()
    page.get_by_role("button", name="Make the link").click()
    settle(page)
    link = page.locator("#lesson-link").input_value()
    assert "delete the lesson" in (page.locator("#lesson-token").text_content() or "")
    return link


def test_lessons_a_link_opens_exactly_the_teachers_page(browser: Browser, base_url: str) -> None:
    teacher, console = open_page(browser, base_url)
    teacher.get_by_label("Learning rate", exact=True).fill("0.25")
    teacher.get_by_label("Learning rate", exact=True).press("Enter")
    settle(teacher)
    click(teacher, "Step")
    click(teacher, "Step")
    link = make_lesson(teacher)
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert path.startswith("l/") and len(link) < 60  # a short link
    taught = api(teacher, "GET", "")
    learner, console2 = open_page(browser, base_url, path="/" + path)
    settle(learner)
    state = api(learner, "GET", "")
    for key in ("weights", "biases", "learning_rate", "layers", "step"):
        assert state[key] == taught[key], key  # bit for bit
    assert learner.locator("#lesson-title").text_content() == HOSTILE  # as text
    assert learner.evaluate("window.hacked") is None
    assert learner.locator("#lesson img, #lesson b, #lesson script").count() == 0
    text = learner.locator("#lesson-text").text_content()
    assert text == "Line one.\nLine two <script>x</script>"
    assert learner.locator("#lesson-steps li").all_text_contents() == ["Press Next.", "What is E?"]
    assert not learner.locator(".card.landscape").is_visible()
    assert not learner.locator(".card.training").is_visible()
    assert learner.locator(".card.graph").is_visible()
    assert learner.locator("#predict").is_checked()  # predict-then-see, as the lesson says
    learner.get_by_role("button", name="Show every part of the page").click()
    rendered(learner)
    assert learner.locator(".card.landscape").is_visible()
    assert learner.locator(".card.training").is_visible()
    for p in (teacher, learner):
        p.context.close()
    assert console.errors == console2.errors == []


def test_lessons_editor_refuses_in_itself_closes_empty_and_deletes(page: Page) -> None:
    page.locator(".lessons-menu summary").click()
    page.get_by_role("button", name="Make a lesson of this page…").click()
    dialog = page.locator("#lesson-editor")
    # Close works with the required title still empty
    page.get_by_role("button", name="Close").click()
    assert not dialog.is_visible()
    page.locator(".lessons-menu summary").click()
    page.get_by_role("button", name="Make a lesson of this page…").click()
    page.get_by_label("Title").fill("Too many steps")
    page.get_by_label("Steps, one a line").fill("\n".join(f"Step {n}" for n in range(13)))
    page.get_by_role("button", name="Make the link").click()
    settle(page)
    error = page.locator("#lesson-error")
    assert error.is_visible()  # in the dialog, not under its backdrop
    assert "at most 12 steps" in (error.text_content() or "")
    assert not page.locator("#lesson-made").is_visible()
    page.get_by_label("Steps, one a line").fill("Press Next.")
    page.get_by_role("button", name="Make the link").click()
    settle(page)
    assert (error.text_content() or "") == ""
    link = page.locator("#lesson-link").input_value()
    read = link.replace("/l/", "/api/lessons/")
    assert page.request.get(read).status == 200
    page.get_by_role("button", name="Delete this lesson").click()
    settle(page)
    assert page.request.get(read).status == 200  # asked first
    page.get_by_role("button", name="Delete it for good").click()
    settle(page)
    assert "Deleted" in (page.locator("#lesson-deleted").text_content() or "")
    assert not page.locator("#lesson-made").is_visible()
    assert page.request.get(read).status == 410


def test_lessons_built_in_ones_open_from_the_header(page: Page) -> None:
    page.locator(".lessons-menu summary").click()
    page.get_by_role("link", name="Vanishing gradients").click()
    page.wait_for_url("**/l/vanishing")
    page.wait_for_selector("body[data-ready=true]")
    settle(page)
    assert page.locator("#lesson-title").text_content() == "Vanishing gradients"
    assert api(page, "GET", "")["layers"] == [1, 4, 4, 4, 4, 4, 1]
    assert not page.locator(".card.landscape").is_visible()


def test_lessons_a_link_to_no_lesson_says_so_and_opens_the_page(browser: Browser,
                                                               base_url: str) -> None:
    page, console = open_page(browser, base_url, path="/l/NoSuchLesson")
    settle(page)
    assert "leads to no lesson: the default page opened instead" in (
        page.locator("#status").text_content() or "")
    assert not page.locator("#lesson").is_visible()
    assert api(page, "GET", "")["layers"] == [1, 2, 2, 1]
    page.context.close()
    assert all("404" in e for e in console.errors), console.errors
    for garbled in ("/l/%00", "/l/" + "x" * 41):  # no id of a lesson at all: said too
        page, console = open_page(browser, base_url, path=garbled)
        settle(page)
        assert "leads to no lesson" in (page.locator("#status").text_content() or ""), garbled
        page.context.close()
