"""The drawing at every size: labels that never overlap, numbers that fit their nodes, the
whole network on a phone without sideways scrolling, and a projector's width filled."""

from itertools import pairwise

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import click, link_to, open_page, screenshot, settle

BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect();
                       return {x: r.x, y: r.y, w: r.width, h: r.height, id: e.id}; };
  const labels = [...document.querySelectorAll('[id^=link-label-]:not(.hidden)')]
    .map((g) => box(g.querySelector('rect')));
  const nodes = [...document.querySelectorAll('[id^=node-]')].map((g) => ({
    card: box(g.querySelector('.card')),
    texts: [...g.querySelectorAll('text')].filter((t) => t.textContent).map(box)}));
  return {labels, nodes};
}"""


def intersect(a: dict, b: dict, slack: float = 0.5) -> bool:
    return (a["x"] + slack < b["x"] + b["w"] and b["x"] + slack < a["x"] + a["w"]
            and a["y"] + slack < b["y"] + b["h"] and b["y"] + slack < a["y"] + a["h"])


def check_layout(page: Page) -> int:
    drawn = page.evaluate(BOXES)
    labels = drawn["labels"]
    for n, a in enumerate(labels):
        for b in labels[n + 1:]:
            assert not intersect(a, b), (a, b)
        for node in drawn["nodes"]:
            assert not intersect(a, node["card"]), (a, node["card"])
    for node in drawn["nodes"]:
        card = node["card"]
        for t in node["texts"][1:]:  # every line but the bias tag lies inside the card
            assert card["x"] - 0.5 <= t["x"] and t["x"] + t["w"] <= card["x"] + card["w"] + 0.5, t
    return len(labels)


@pytest.mark.parametrize("width", [1920, 1440, 1280, 390])
@pytest.mark.parametrize("layers", [[1, 2, 2, 1], [3, 3, 1], [2, 4, 4, 1], [8, 8, 8, 8]])
def test_layout_no_two_labels_meet(browser: Browser, base_url: str, layers, width) -> None:
    page, console = open_page(browser, base_url, width=width, height=900,
                              path=link_to({"network": {"layers": layers}, "dataset": None}))
    settle(page)
    click(page, "Backward")  # every label with its two lines
    shown = check_layout(page)
    links = sum(a * b for a, b in pairwise(layers))
    if max(a * b for a, b in pairwise(layers)) <= 9:
        assert shown == links  # nothing hidden where there is room
    for node in ("node-1-0", f"node-{len(layers) - 2}-{layers[-2] - 1}"):
        page.locator(f"#{node}").click()  # a crowded pair shows the selected node's labels
        settle(page)
        check_layout(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, f"layout-{'-'.join(map(str, layers))}-{width}")
    page.context.close()
    assert console.errors == []


def test_layout_phone_shows_the_whole_default_network_readably(browser: Browser,
                                                               base_url: str) -> None:
    page, console = open_page(browser, base_url, width=390, height=844)
    click(page, "Forward")
    svg = page.locator("#network").bounding_box()
    assert svg and svg["x"] >= 0 and svg["x"] + svg["width"] <= 390
    for node in ("node-0-0", "node-3-0"):
        box = page.locator(f"#{node}").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#node-1-0 .x'))"
                         ".fontSize) * document.querySelector('#network').getScreenCTM().a")
    assert size >= 11  # px on screen
    page.context.close()
    assert console.errors == []


def test_layout_projector_fills_the_stage(browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url, width=1920, height=1080)
    stage = page.locator(".stage").bounding_box()
    svg = page.locator("#network").bounding_box()
    assert stage and svg and svg["width"] >= 0.9 * (stage["width"] - 20)
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('#node-1-0 .x'))"
                         ".fontSize) * document.querySelector('#network').getScreenCTM().a")
    assert size >= 12
    page.context.close()
    assert console.errors == []


def test_layout_on_a_phone_a_clicked_node_brings_its_formula_into_view(
        browser: Browser, base_url: str) -> None:
    """At 390 px the panel is far below the drawing: clicking a node scrolls to it."""
    page, console = open_page(browser, base_url, width=390, height=800)
    page.keyboard.press("n")
    settle(page)
    page.locator("#node-1-0").click()
    settle(page)
    top = page.evaluate("document.getElementById('explain-heading').getBoundingClientRect().top")
    assert 0 <= top < 800, top
    assert "hidden layer 1" in (page.locator("#explain-heading").text_content() or "")
    assert console.errors == []
    page.context.close()
