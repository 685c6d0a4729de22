"""Every node draws its own output over the input domain, as GET .../function computes it;
pointing at a node enlarges its picture on the plot."""

import json

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import api, click, link_to, open_page, settle

RESOLUTION = 16


@pytest.mark.parametrize("layers", [[1, 2, 2, 1], [2, 3, 1]], ids=["1 input", "2 inputs"])
def test_pictures_each_node_draws_what_the_api_computes(browser: Browser, base_url: str,
                                                        layers) -> None:
    page, console = open_page(browser, base_url, path=link_to({"network": {"layers": layers}}))
    settle(page)
    click(page, "Step")  # the pictures follow the update
    for l in range(1, len(layers)):
        for j in range(layers[l]):
            drawn = json.loads(page.locator(f"#node-{l}-{j} .picture").get_attribute(
                "data-values") or "null")
            want = api(page, "GET", f"/function?resolution={RESOLUTION}&layer={l}&node={j}")
            assert drawn == want["values"], (l, j)
    assert page.locator("#node-0-0 .bias").text_content() == "input x₁"
    page.locator("#node-1-0").hover()
    assert "Pointing at node 1 of layer 1" in (page.locator("#plot-caption").text_content()
                                               or "")
    page.context.close()
    assert console.errors == []


def test_pictures_follow_training(browser: Browser, base_url: str) -> None:
    page, console = open_page(browser, base_url)
    page.get_by_role("button", name="Play").click()
    page.wait_for_selector("body[data-playing=true]")
    page.wait_for_timeout(600)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_selector("body[data-playing=false]")
    settle(page)
    drawn = json.loads(page.locator("#node-3-0 .picture").get_attribute("data-values") or "null")
    want = api(page, "GET", f"/function?resolution={RESOLUTION}&layer=3&node=0")
    assert drawn == pytest.approx(want["values"], abs=1e-12)
    page.context.close()
    assert console.errors == []


@pytest.mark.parametrize("button", ["Step", "Update"])
def test_pictures_the_fit_on_the_plot_follows_a_step(browser: Browser, base_url: str,
                                                     button: str) -> None:
    page, console = open_page(browser, base_url)
    settle(page)
    if button == "Update":
        click(page, "Forward")
        click(page, "Backward")
    click(page, button)
    drawn = json.loads(page.locator("#data-plot").get_attribute("data-fit-ends") or "null")
    want = api(page, "GET", "/function?resolution=100")["values"]
    assert drawn == [want[0], want[-1]]
    page.context.close()
    assert console.errors == []
