"""In Chromium: a graphic image is not fetched until the reader reveals it, by click or keyboard."""

from __future__ import annotations


def _image_requests(page) -> list[str]:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if r.resource_type == "image" else None)
    return requests


def test_reveal_by_click(page, mini_url: str) -> None:
    requests = _image_requests(page)
    page.goto(mini_url + "items/T-2/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requests if "photo-" in u], "nothing fetched before the reader opts in"
    figure = page.locator("#media-1")
    assert figure.locator("img").get_attribute("src") is None
    assert not figure.locator("figcaption").is_visible()
    figure.get_by_role("button", name="Show image 1").click()
    image = figure.locator("img")
    image.wait_for(state="visible")
    assert image.get_attribute("alt") == "A test photo"
    page.wait_for_function("document.querySelector('#media-1 img').complete")
    assert page.evaluate("document.querySelector('#media-1 img').naturalWidth") == 400
    assert figure.locator("figcaption").is_visible()
    assert [u for u in requests if "photo-thumb" in u]
    # The other image stays hidden.
    assert page.locator("#media-2 img").get_attribute("src") is None


def test_reveal_by_keyboard(page, mini_url: str) -> None:
    page.goto(mini_url + "items/T-2/")
    button = page.get_by_role("button", name="Show image 1")
    # Tab until the reveal control has focus: it is reachable by keyboard.
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('[data-ec-reveal]')"):
            break
    else:
        raise AssertionError("the reveal control is not reachable with Tab")
    assert button.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.locator("#media-1 img").wait_for(state="visible")
    # Space works too, as for any button.
    second = page.get_by_role("button", name="Show image 2")
    second.focus()
    page.keyboard.press(" ")
    page.locator("#media-2 img").wait_for(state="visible")
    assert page.locator("#media-2 img").get_attribute("alt") == "Another test image"


def test_without_javascript_the_image_stays_behind_a_link(browser, mini_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    requests = _image_requests(page)
    page.goto(mini_url + "items/T-2/")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requests if "photo-" in u]
    link = page.locator("#media-1 [data-ec-reveal]")
    assert link.get_attribute("href") == "media/photo-display.webp"
    assert not page.locator("#media-1 img").is_visible()
    context.close()
