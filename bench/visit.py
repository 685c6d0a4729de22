"""The first visit and the second, in Debian's Chromium: what the browser fetches (requests
and bytes on the wire, from the Resource Timing entries) and how long until the network is
drawn, from the navigation's start, beside what no page can do without: its own HTML (from
the same navigation's start to the end of its response) and one round trip to /api/health
after it; and a static file as large as everything the first visit transferred, fetched in
one request. Each visit is a fresh page; the second keeps the first's cache.

    .venv/bin/python -m bench --only visit
"""

from __future__ import annotations

import functools
import http.server
import statistics
import tempfile
import threading
from pathlib import Path

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# Set before the page's scripts run: the time of the first frame rendered with the network
# drawn (its nodes in the SVG), measured from the navigation's start.
DRAWN_PROBE = """
(() => {
  const seen = () => document.querySelector("#network .node");
  const watch = () => {
    const observer = new MutationObserver(() => {
      if (!seen()) return;
      observer.disconnect();
      const mark = () => { window.benchDrawnAt = performance.now(); };
      requestAnimationFrame(() => setTimeout(mark, 0));
    });
    observer.observe(document.documentElement, { subtree: true, childList: true });
  };
  if (document.documentElement) watch(); else addEventListener("DOMContentLoaded", watch);
})();
"""

# What the page fetched: every resource and the navigation, with the bytes on the wire
# (transferSize: 0 for what came from the cache).
FETCHED = """() => {
  const entries = [...performance.getEntriesByType("navigation"),
                   ...performance.getEntriesByType("resource")];
  return entries.map((e) => ({ name: e.name, bytes: e.transferSize, kind: e.initiatorType }));
}"""

# Fetches `urls` one after the other, uncached, and returns the milliseconds they took.
TIMED_FETCH = """async (urls) => {
  const started = performance.now();
  for (const url of urls) await (await fetch(url, { cache: "no-store" })).arrayBuffer();
  return performance.now() - started;
}"""


def _visit(context, url: str, path: str = "/") -> dict:
    page = context.new_page()
    page.goto(url + path)
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("() => window.benchDrawnAt !== undefined")
    page.wait_for_timeout(300)  # what the page asks for after it is drawn (pictures, plot)
    fetched = page.evaluate(FETCHED)
    drawn = page.evaluate("window.benchDrawnAt")
    html = page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd")
    health = statistics.median(page.evaluate(TIMED_FETCH, ["/api/health"]) for _ in range(5))
    page.close()
    static = [f for f in fetched if "/static/" in f["name"]]
    return {"drawn_ms": drawn, "html_ms": html, "health_ms": health,
            "requests": len(fetched), "bytes": sum(f["bytes"] for f in fetched),
            "static_requests": sum(1 for f in static if f["bytes"] > 0),
            "api_requests": sum(1 for f in fetched if "/api/" in f["name"])}


def visits(url: str, rounds: int = 5) -> dict[str, float]:
    """Medians over `rounds` pairs of visits (each pair in a new browser context), and of a
    first visit of /?modules (the modules one by one, not as one script) in turn with them."""
    from playwright.sync_api import sync_playwright

    rows: list[dict[str, float]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for n in range(rounds + 1):  # the first warms the server up
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.add_init_script(DRAWN_PROBE)
            first = _visit(context, url)
            second = _visit(context, url)
            context.close()
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            context.add_init_script(DRAWN_PROBE)
            separate = _visit(context, url, "/?modules")
            context.close()
            if n:
                rows.append({"first_drawn_ms": first["drawn_ms"], "first_bytes": first["bytes"],
                             "first_requests": first["requests"],
                             "first_static_requests": first["static_requests"],
                             "second_drawn_ms": second["drawn_ms"],
                             "second_bytes": second["bytes"],
                             "second_static_requests": second["static_requests"],
                             "api_requests": first["api_requests"],
                             "html_ms": first["html_ms"], "health_ms": first["health_ms"],
                             "html_and_health_ms": first["html_ms"] + first["health_ms"],
                             "modules_drawn_ms": separate["drawn_ms"],
                             "modules_bytes": separate["bytes"],
                             "modules_requests": separate["requests"]})
        browser.close()
    return {key: statistics.median(row[key] for row in rows) for key in rows[0]}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """http.server's file handler, without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        pass


def same_size_file_ms(url: str, size: int, rounds: int = 5) -> float:
    """A static file of `size` bytes fetched in one request, uncached (median ms): served by
    a plain http.server beside the app, so that it is a file and nothing else."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "blob.bin").write_bytes(b"\x00" * size)
        (Path(tmp) / "index.html").write_text("<!doctype html><title>baseline</title>")
        handler = functools.partial(QuietHandler, directory=tmp)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                            args=CHROMIUM_ARGS)
                page = browser.new_page()
                page.goto(base + "/")
                times = [page.evaluate(TIMED_FETCH, ["/blob.bin"]) for _ in range(rounds + 1)]
                browser.close()
        finally:
            server.shutdown()
    return statistics.median(times[1:])


def print_visits(url: str, quick: bool) -> None:
    v = visits(url, 2 if quick else 5)
    same = same_size_file_ms(url, int(v["first_bytes"]))
    print(f"{'first visit: bytes on the wire / requests':<44}"
          f"{v['first_bytes'] / 1024:>10.1f} KiB / {v['first_requests']:.0f}")
    print(f"{'  of which the page files / API calls':<44}"
          f"{v['first_static_requests']:>16.0f} / {v['api_requests']:.0f}")
    print(f"{'first visit: network drawn, median ms':<44}{v['first_drawn_ms']:>16.1f}")
    print(f"{'  its HTML received, median ms':<44}{v['html_ms']:>16.1f}")
    print(f"{'  then one /api/health, median ms':<44}{v['health_ms']:>16.1f}")
    print(f"{'  a file of the same size, median ms':<44}{same:>16.1f}")
    print(f"{'  drawn / (HTML + health) (target ≤ 2)':<44}"
          f"{v['first_drawn_ms'] / v['html_and_health_ms']:>16.2f}")
    print(f"{'  the modules one by one (/?modules), ms':<44}{v['modules_drawn_ms']:>16.1f}"
          f"   ({v['modules_bytes'] / 1024:.1f} KiB / {v['modules_requests']:.0f} requests)")
    print(f"{'second visit: page files fetched / KiB':<44}"
          f"{v['second_static_requests']:>10.0f} / {v['second_bytes'] / 1024:.1f}")
    print(f"{'second visit: network drawn, median ms':<44}{v['second_drawn_ms']:>16.1f}")
