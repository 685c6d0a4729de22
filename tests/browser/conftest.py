"""A live uvicorn on a free port and Debian's Chromium driven by Playwright.

Chromium comes from Debian (scripts/setup installs it); Playwright's own browser download is
never used.
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="package")  # Playwright runs a loop in this thread: stopped after
# the browser tests, so that later tests may run asyncio loops of their own
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup test browser (apt-get install "
                    "chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Console:
    """Everything the page logged as an error, and uncaught exceptions."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


def open_page(browser: Browser, base_url: str, *, width: int = 1400, height: int = 900,
              reduced_motion: bool = True, path: str = "/") -> tuple[Page, Console]:
    context = browser.new_context(viewport={"width": width, "height": height},
                                  reduced_motion="reduce" if reduced_motion else "no-preference")
    page = context.new_page()
    console = Console(page)
    page.goto(base_url + path)
    page.wait_for_selector("body[data-ready=true]", timeout=10_000)
    return page, console


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    page, console = open_page(browser, base_url)
    yield page
    page.context.close()
    assert console.errors == [], console.errors


def play_for(page: Page, ms: int) -> None:
    """Plays for `ms` milliseconds, then pauses and waits until the page is idle."""
    page.get_by_role("button", name="Play").click()
    page.wait_for_selector("body[data-playing=true]")
    page.wait_for_timeout(ms)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("body[data-playing=false]")
    settle(page)


def start_playing(page: Page, frames: int = 3) -> None:
    """Presses Play and waits until it has drawn more than `frames` frames."""
    page.get_by_role("button", name="Play").click()
    page.wait_for_selector("body[data-playing=true]")
    wait_until(page, f"window.backpropPlayStats.frames > {frames}")


def wait_until(page: Page, expression: str, timeout_ms: int = 15_000) -> None:
    """Polls a JavaScript expression until it is true (the page's CSP forbids the eval
    behind Playwright's wait_for_function)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(20)


def link_to(state: dict) -> str:
    """The path of a link to the page that describes `state` (as url-state.js encodes it)."""
    raw = json.dumps({"v": 1, **state}).encode()
    return "/#s=" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Resolves after the page's next display frame: the page renders its state once per frame, so
# what an input changed (an action queued: data-pending) is on the page only then.
NEXT_FRAME = "() => new Promise((resolve) => requestAnimationFrame(() => resolve(null)))"


def rendered(page: Page) -> None:
    """Waits for the page's next display frame: what an event changed is rendered then."""
    page.evaluate(NEXT_FRAME)


def select(page: Page, selector: str) -> None:
    """Clicks a node or a weight of the drawing, and waits until the page has rendered it."""
    page.locator(selector).click()
    rendered(page)


def settle(page: Page) -> None:
    """Waits until every queued action of the page has finished, and is rendered."""
    page.evaluate(NEXT_FRAME)
    page.wait_for_selector('body[data-pending="0"]', timeout=15_000)


def click(page: Page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    settle(page)


def api(page: Page, method: str, path: str, body: object | None = None) -> dict:
    """Calls the API from the test (not the page) on the page's own network."""
    network_id = page.evaluate("document.body.dataset.networkId")
    parts = urllib.parse.urlsplit(page.url)
    base = f"{parts.scheme}://{parts.netloc}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{base}/api/networks/{network_id}{path}", data=data,
                                     method=method, headers={"content-type": "application/json"})
    with urllib.request.urlopen(request) as response:
        return json.loads(response.read() or b"null")


SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
PLAIN = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹−", "-0123456789-")


def fmt(v: float) -> str:
    """A number as static/js/format.js writes it: 4 decimals, or 3 significant digits times
    a power of ten (4.92×10⁻⁶) when tiny or huge, with a true minus sign."""
    if v == 0:
        return "0.0000"
    if abs(v) < 1e-4 or abs(v) >= 1e6:
        mantissa, exponent = f"{v:.2e}".split("e")
        text = f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}"
    else:
        text = f"{v:.4f}"
    return text.replace("-", "−")


def precise(v: float) -> str:
    """An optimizer state's number as static/js/explain/optimizer.js writes it: below 0.01,
    4 significant digits times a power of ten (1.900×10⁻³); else as fmt."""
    if v != 0 and abs(v) < 0.01:
        mantissa, exponent = f"{v:.3e}".split("e")
        return f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}".replace("-", "−")
    return fmt(v)


def parse_shown(text: str) -> float:
    """What fmt wrote, as a number."""
    mantissa, _, power = text.partition("×10")
    value = float(mantissa.translate(PLAIN))
    return value * 10 ** int(power.translate(PLAIN)) if power else value


def shown(page: Page, selector: str) -> float | None:
    """The number in a label such as "x −0.1234", or None when the label is empty."""
    text = page.locator(selector).text_content() or ""
    if not text.strip():
        return None
    return parse_shown(text.split()[-1])


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
