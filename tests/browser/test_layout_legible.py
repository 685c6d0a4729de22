"""What a new user could not read (issue "What a new user found", §3): bias tags struck
through by links, a target under E's box on a phone, a weight's field that cut its digits
off, the computational graph's labels on one another, and formulas cut at a phone's edge."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import click, link_to, open_page, select, settle


def link_coloured_pixels(page: Page, box: dict) -> int:
    """How many pixels in `box` (page coordinates) have a link's blue or orange (w ≥ 0 and
    w < 0, drawn at 85% opacity)."""
    png = page.screenshot(clip={"x": box["x"], "y": box["y"], "width": box["width"],
                                "height": box["height"]})
    return page.evaluate("""async (bytes) => {
      const blob = new Blob([new Uint8Array(bytes)], { type: "image/png" });
      const image = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(image.width, image.height);
      const ctx = canvas.getContext("2d");
      ctx.drawImage(image, 0, 0);
      const data = ctx.getImageData(0, 0, image.width, image.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
        const blue = b - r > 70 && b > 120;
        const orange = r - b > 110 && r > 180 && g > 90;
        if (blue || orange) n += 1;
      }
      return n;
    }""", list(png))


@pytest.mark.parametrize(("width", "layers"), [(1440, [1, 2, 2, 1]), (390, [1, 2, 2, 1]),
                                               (1440, [2, 4, 4, 1]), (1920, [1, 2, 2, 1])])
def test_legible_bias_tags_are_not_struck_through_and_targets_clear_of_e(
        browser: Browser, base_url: str, width: int, layers: list[int]) -> None:
    page, console = open_page(browser, base_url, width=width, height=900,
                              path=link_to({"network": {"layers": layers, "seed": 3},
                                            "dataset": None}))
    settle(page)
    click(page, "Backward")
    page.evaluate("document.querySelector('#network').scrollIntoView()")
    struck = {}
    for tag in page.locator("#network .node .bias").all():
        box = tag.bounding_box()
        assert box is not None
        pixels = link_coloured_pixels(page, box)
        if pixels:
            struck[tag.text_content()] = pixels
    assert struck == {}, f"links through the bias tags at {width}px: {struck}"
    error = page.locator("#error-box rect").bounding_box()
    for j in range(layers[-1]):
        target = page.locator(f"#target-{j}").bounding_box()
        assert target and error
        assert (target["y"] + target["height"] <= error["y"]
                or target["x"] + target["width"] <= error["x"]
                or error["x"] + error["width"] <= target["x"]), (target, error)
    page.context.close()
    assert console.errors == []


@pytest.mark.parametrize("width", [1440, 390])
def test_legible_the_weight_field_shows_every_digit(browser: Browser, base_url: str,
                                                    width: int) -> None:
    page, console = open_page(browser, base_url, width=width, height=900)
    select(page, "#link-label-2-0-0")
    field = page.get_by_label("Set w⁽³⁾₁₁ to")  # it names the weight it sets
    for value in ("-1.11711", "-1.2081898453259277"):
        field.fill(value)
        field.press("Enter")
        settle(page)
        assert field.input_value() == value
        assert field.evaluate("(f) => f.scrollWidth <= f.clientWidth"), value
    page.context.close()
    assert console.errors == []


def test_legible_the_graph_labels_do_not_meet(browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url, width=1440, height=900)
    click(page, "Backward")
    for node in ("#node-3-0", "#node-2-1", "#node-1-0"):
        select(page, node)
        boxes = page.evaluate("""() => [...document.querySelectorAll('#graph .graph-label text')]
          .filter((t) => t.textContent).map((t) => { const r = t.getBoundingClientRect();
            return [r.x, r.y, r.width, r.height, t.textContent]; })""")
        for n, (x, y, w, h, a) in enumerate(boxes):
            for x2, y2, w2, h2, b in boxes[n + 1:]:
                apart = x + w <= x2 + 1 or x2 + w2 <= x + 1 or y + h <= y2 + 1 or y2 + h2 <= y + 1
                assert apart, (node, a, b)
    page.context.close()
    assert console.errors == []


# Every node and every weight shown, selected in turn at this phase; the formulas of each
# that are wider than the panel.
TOO_WIDE = """async () => {
  const frame = () => new Promise((r) => requestAnimationFrame(() => r(null)));
  const wide = [];
  const items = [...document.querySelectorAll('#network .node, #network .link-label:not(.hidden)')];
  for (const item of items) {
    item.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    await frame();
    for (const m of document.querySelectorAll('#formula math')) {
      if (m.scrollWidth > m.parentElement.clientWidth + 1) {
        wide.push(`${item.id}: ${m.textContent.slice(0, 60)}`);
      }
    }
    item.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    await frame();
  }
  return wide;
}"""


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "leaky_relu", "elu",
                                        "softplus", "linear"])
def test_legible_on_a_phone_every_formula_fits_the_panel(browser: Browser, base_url: str,
                                                        activation: str) -> None:
    """A two-term sum of products of negative numbers ran past the panel's edge at 390 px."""
    page, console = open_page(browser, base_url, width=390, height=844, path=link_to({
        "network": {"activation": activation, "l2": 0.1, "seed": 5}}))
    settle(page)
    wide = []
    for phase in range(9):
        click(page, "Next")
        if phase in (3, 4, 5, 7, 8):  # forward into the output, the error, backward, update
            wide += page.evaluate(TOO_WIDE)
    assert wide == []
    page.context.close()
    assert console.errors == []


# Every visible control in the window whose centre the status line covers.
COVERED = """() => {
  const status = document.getElementById("status");
  const covered = [];
  for (const c of document.querySelectorAll("button, input, select, textarea")) {
    const r = c.getBoundingClientRect();
    if (!r.width || !r.height || r.bottom < 0 || r.top > innerHeight) continue;
    const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    if (hit && status.contains(hit)) covered.push(c.id || c.textContent.trim());
  }
  return covered;
}"""


@pytest.mark.parametrize("width", [1440, 1920, 390])
def test_legible_the_status_line_covers_no_control(browser: Browser, base_url: str,
                                                  width: int) -> None:
    """It had floated over the page, over "Output activation" at 1440 px. Now it is a row of
    the header, which stays at the top of the window as the page scrolls under it; on a phone,
    just above the bar of stepping buttons."""
    page, _ = open_page(browser, base_url, width=width, height=900)
    page.get_by_label("Output activation", exact=True).select_option("relu")
    settle(page)
    page.get_by_label("Loss", exact=True).select_option("cross_entropy")  # refused: a message
    settle(page)
    assert page.locator("#status").is_visible()
    assert page.evaluate(COVERED) == []  # the page as it opens: nothing covered
    for y in (700, 1400, 10_000):  # wherever the page is scrolled
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(50)
        status = page.locator("#status").bounding_box()
        if width > 700:  # in the header's band at the top, never over the page's middle
            header = page.locator("header.top").bounding_box()
            assert status and header and header["y"] == 0
            assert status["y"] >= header["y"] and (status["y"] + status["height"]
                                                   <= header["y"] + header["height"] + 0.5)
        else:  # above the bar, never over the bar's buttons
            covered = page.evaluate(COVERED)
            bar = ("btn-previous", "btn-next", "btn-play", "btn-step")
            assert not set(covered) & set(bar), (y, covered)
            assert status and status["y"] + status["height"] <= (
                page.locator(".step-bar").bounding_box() or {"y": 0})["y"]
    page.context.close()


def test_legible_on_a_phone_the_stepping_buttons_stay_in_reach(browser: Browser,
                                                              base_url: str) -> None:
    """At 390 px, Next had been about 1,400 px below the network: a scroll down and back for
    every phase."""
    page, console = open_page(browser, base_url, width=390, height=844)
    for y in (0, 900, 2000, 100_000):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(50)
        for name in ("Previous", "Next", "Step", "Play"):
            box = page.get_by_role("button", name=name, exact=True).bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= 844, (y, name, box)
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("button", name="Next", exact=True).click()  # pressed where they are
    settle(page)
    assert page.locator("#phase-label").text_content() == "Step 1 · Input"
    # nothing of the page is left behind the bar: its end scrolls above it
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    last = page.locator(".card.keys").bounding_box()
    bar = page.locator(".step-bar").bounding_box()
    assert last and bar and last["y"] + last["height"] <= bar["y"] + 1
    page.context.close()
    assert console.errors == []


NODE_TEXT_PX = """() => { const svg = document.getElementById('network');
  const t = [...svg.querySelectorAll('.nodes text')].find((e) => /^x /.test(e.textContent));
  return parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a; }"""


@pytest.mark.parametrize(("width", "layers"), [(768, None), (1024, None), (1280, None),
                                                (1024, "2-4-4-1"), (1440, "2-8-2-2-2-2-2-1")])
def test_legible_node_numbers_are_never_shrunk_below_ten_pixels(
        browser: Browser, base_url: str, width: int, layers: str | None) -> None:
    """A cap on the drawing's height shrank a tall drawing (top to bottom on a tablet, a deep
    network) to numbers of 5 to 7 px, with empty space on both sides."""
    page, console = open_page(browser, base_url, width=width, height=800)
    if layers:
        page.fill("#layers-input", layers)
        page.click("#btn-rebuild")
        settle(page)
    page.keyboard.press("n")
    settle(page)
    assert page.evaluate(NODE_TEXT_PX) >= 10
    page.context.close()
    assert not console.errors, console.errors
