import json, time
from playwright.sync_api import sync_playwright
from bench.server import running_server
from bench.__main__ import CHROMIUM_ARGS
with running_server() as url, sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    for batch, size in (("32", 10000), ("1", 1000)):
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        recv = []
        page.on("websocket", lambda ws: ws.on("framereceived", lambda pl: recv.append(time.perf_counter())))
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#data-size", str(size)); page.fill("#test-fraction", "0"); page.press("#test-fraction", "Enter")
        page.wait_for_selector('body[data-pending="0"]')
        page.select_option("#batch-size", batch)
        page.evaluate("""() => { window.__lt = []; new PerformanceObserver(l => { for (const e of l.getEntries()) window.__lt.push([e.duration, e.renderStart ? e.renderStart - e.startTime : 0, e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0]); }).observe({type: 'long-animation-frame', buffered: false}); }""")
        page.get_by_role("button", name="Play").click()
        page.wait_for_timeout(1500)
        n0 = len(recv); s0 = page.evaluate("({...window.backpropPlayStats, now: performance.now()})")
        page.wait_for_timeout(3000)
        n1 = len(recv); s1 = page.evaluate("({...window.backpropPlayStats, now: performance.now()})")
        el = (s1["now"] - s0["now"]) / 1000
        lt = page.evaluate("window.__lt")
        print(batch, size, "ws msgs/s", (n1 - n0) / 3, "frames/s", (s1["frames"] - s0["frames"]) / el, "drawMs", s1["drawMs"], "serverMs", s1["serverMs"], "steps", s1["stepsPerCall"])
        if lt:
            lt = lt[-20:]
            print("  long frames", len(lt), "avg dur", sum(x[0] for x in lt)/len(lt), "avg style+layout", sum(x[2] for x in lt)/len(lt))
        page.get_by_role("button", name="Pause").click()
        page.close()
