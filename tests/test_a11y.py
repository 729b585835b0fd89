"""Accessibility in Chromium: axe-core on every page type, and every control by keyboard.

axe-core comes from npm (`package.json`, installed by `make test` and `.ci/run`)
and is injected with Playwright. A serious or critical violation fails. The
page's Content-Security-Policy forbids injected scripts, so these contexts
bypass it (test_privacy.py checks the policy itself).

Every interactive control (reveal an image, the site-wide choice, copy the
citation, the search box, the facets) is reached with Tab, shows a visible
focus indicator, and works with Enter or Space.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from catalogue import urls
from conftest import ROOT
from test_privacy import Served, graphic_item, open_page, sample, withdrawn  # noqa: F401 - fixtures

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
FAILING_IMPACTS = {"serious", "critical"}
RTL = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv", "ckb"}


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE.is_file():
        message = f"{AXE} missing: run `npm ci` (make test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE


@pytest.fixture
def axe_page(browser) -> Iterator:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def run_axe(page, axe_source: Path) -> list[dict]:
    page.add_script_tag(path=str(axe_source))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(n["target"]) for n in v["nodes"][:5])
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes: {targets})")
    return "\n".join(lines)


# --- the page types ----------------------------------------------------------------

def _item_with_image_shown(s: Served) -> str:
    return next(r.id for r in s.catalogue.records
                if r.media and not any(r.media_is_hidden(m) for m in r.media))


def _item_with_one_graphic_image(s: Served) -> str:
    return next(r.id for r in s.catalogue.records
                if not r.is_graphic and any(r.media_is_hidden(m) for m in r.media))


def _opt_in(page) -> None:
    page.locator(".md-footer [data-ec-graphic-pref-toggle]").click()
    page.wait_for_load_state("networkidle")


def _search(s: Served) -> str:
    title = s.catalogue.by_id[graphic_item(s.catalogue)].title
    return "search/?q=" + max(re.findall(r"[A-Za-z]{4,}", title), key=len)


def _type_in_header_box(page) -> None:
    page.locator("header input[type=search]").type("soldier", delay=20)
    page.locator("header [data-ec-results] li").first.wait_for()
    page.wait_for_load_state("networkidle")


def _wait_for_results(page) -> None:
    page.locator("[data-ec-results] li").first.wait_for()
    page.wait_for_load_state("networkidle")


# name → (site fixture, path of the page, what to do on it before the check)
PAGE_TYPES: dict[str, tuple[str, Callable[[Served], str], Callable | None]] = {
    "home": ("sample", lambda s: urls.home(), None),
    "section": ("sample", lambda s: urls.section(s.catalogue.info.sections[0].id), None),
    "chronology (listing)": ("sample", lambda s: urls.chronology(), None),
    "item, image shown": ("sample", lambda s: urls.item(_item_with_image_shown(s)), None),
    "item, graphic, hidden": ("sample", lambda s: urls.item(graphic_item(s.catalogue)), None),
    "item, graphic, revealed": ("sample", lambda s: urls.item(graphic_item(s.catalogue)), _opt_in),
    "item, one graphic image": ("sample", lambda s: urls.item(_item_with_one_graphic_image(s)), None),
    "search, with results": ("sample", _search, _wait_for_results),
    "header search, results open": ("sample", lambda s: urls.chronology(), _type_in_header_box),
    "docs page": ("sample", lambda s: "about/", None),
    "how to cite": ("sample", lambda s: "how-to-cite/", None),
    "not found (404)": ("sample", lambda s: "404.html", None),
    "withdrawn item": ("withdrawn", lambda s: urls.item("W-1"), None),
    "item with published original": ("withdrawn", lambda s: urls.item("W-2"), None),
    "moved item (redirect page)": ("withdrawn", lambda s: urls.item("W-3"), None),
}


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_axe_finds_no_serious_or_critical_violation(kind: str, axe_page, axe_source: Path,
                                                    request: pytest.FixtureRequest) -> None:
    which, path_of, prepare = PAGE_TYPES[kind]
    served: Served = request.getfixturevalue(which)
    path = path_of(served)
    if "redirect" in kind:
        # The page sends the reader on at once; a 204 answer keeps the browser on it.
        axe_page.route("**/items/W-2/**", lambda route: route.fulfill(status=204))
        axe_page.goto(served.url(path), wait_until="load")
        axe_page.wait_for_timeout(300)
        assert axe_page.url == served.url(path) and axe_page.locator("h1").count() == 1
    else:
        open_page(axe_page, served, path, scroll=False)
    if prepare:
        prepare(axe_page)
    violations = run_axe(axe_page, axe_source)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"{kind} ({path}):\n{_describe(failing)}"


# --- keyboard ---------------------------------------------------------------------------

_RING = """el => { const s = getComputedStyle(el);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | "); }"""


def tab_to(page, selector: str, limit: int = 300):
    """Press Tab until the element matching `selector` has focus; it must be reachable."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return page.evaluate_handle("document.activeElement").as_element()
    raise AssertionError(f"{selector} is not reachable with Tab")


def assert_visible_focus(page, element) -> None:
    focused = element.evaluate(_RING)
    element.evaluate("el => el.blur()")
    unfocused = element.evaluate(_RING)
    assert focused != unfocused, f"no visible change on focus: {focused}"
    outline_style, outline_width, _, shadow = focused.split(" | ")
    ring = (outline_style not in ("none", "") and float(outline_width.rstrip("px")) >= 2) or shadow != "none"
    assert ring, f"the focus indicator is too faint: {focused}"
    element.focus()


@pytest.fixture
def keyboard_page(browser) -> Iterator:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    yield page
    context.close()


def test_reveal_and_site_wide_choice_by_keyboard(keyboard_page, sample: Served) -> None:
    page = keyboard_page
    record = sample.catalogue.by_id[graphic_item(sample.catalogue)]
    open_page(page, sample, urls.item(record.id), scroll=False)
    # The site-wide choice in the content warning comes before the images.
    choice = tab_to(page, ".ec-warning [data-ec-graphic-pref-toggle]")
    assert_visible_focus(page, choice)
    page.keyboard.press("Space")
    assert page.locator("figure[data-ec-hidden]").count() == 0
    assert choice.inner_text() == "Hide graphic images again"
    page.keyboard.press("Enter")
    assert page.locator("figure[data-ec-hidden]").count() == len(record.media)
    # One image on its own.
    reveal = tab_to(page, "[data-ec-reveal]")
    assert_visible_focus(page, reveal)
    page.keyboard.press("Enter")
    page.locator("#media-1 img").wait_for(state="visible")
    revealed = page.evaluate_handle("document.activeElement").as_element()
    assert revealed.evaluate("el => el.matches('.ec-revealed')"), "focus stays where the reader was"
    assert_visible_focus(page, revealed)
    # And the footer's copy of the choice, on the dark footer.
    footer = tab_to(page, ".md-footer [data-ec-graphic-pref-toggle]")
    assert_visible_focus(page, footer)
    page.keyboard.press("Enter")
    assert page.locator("figure[data-ec-hidden]").count() == 0


def test_copy_citation_by_keyboard(keyboard_page, sample: Served) -> None:
    page = keyboard_page
    open_page(page, sample, urls.item(sample.catalogue.records[0].id), scroll=False)
    button = tab_to(page, "[data-ec-copy]")
    assert_visible_focus(page, button)
    page.keyboard.press("Enter")
    status = page.locator(".ec-cite-status").first
    page.wait_for_function("el => el.textContent.trim() !== ''", arg=status.element_handle())
    copied = page.evaluate("navigator.clipboard.readText()")
    assert sample.catalogue.records[0].id in copied


def test_search_box_and_facets_by_keyboard(keyboard_page, sample: Served) -> None:
    page = keyboard_page
    open_page(page, sample, urls.home(), scroll=False)
    box = tab_to(page, "header input[type=search]")
    assert_visible_focus(page, box)
    title = sample.catalogue.by_id[graphic_item(sample.catalogue)].title
    query = max(re.findall(r"[A-Za-z]{4,}", title), key=len)
    page.keyboard.type(query, delay=20)
    page.locator("header [data-ec-results] li").first.wait_for()
    result = tab_to(page, "header [data-ec-results] a", limit=20)
    assert_visible_focus(page, result)
    # The search page's filters.
    open_page(page, sample, "search/?q=" + query, scroll=False)
    page.locator("[data-ec-results] li").first.wait_for()
    if page.locator("[data-ec-facet] summary").count():
        # Facets are disclosures whose values load when opened: open one by keyboard.
        opener = tab_to(page, "[data-ec-facet] summary")
        assert_visible_focus(page, opener)
        page.keyboard.press("Enter")
        page.locator("[data-ec-facet] input[type=checkbox]").first.wait_for()
    facet = tab_to(page, "[data-ec-facet] input[type=checkbox]")
    assert_visible_focus(page, facet)
    before = page.locator("[data-ec-status]").last.inner_text()
    page.keyboard.press("Space")
    assert facet.is_checked()
    page.wait_for_function("before => [...document.querySelectorAll('[data-ec-status]')].pop().innerText !== before",
                           arg=before)


# --- language and direction ---------------------------------------------------------------


@pytest.mark.parametrize("which", ["sample", "withdrawn"])
def test_statements_carry_language_and_direction(which: str, request: pytest.FixtureRequest) -> None:
    served: Served = request.getfixturevalue(which)
    seen = set()
    for record in served.catalogue.records:
        html = (served.site / urls.item(record.id) / "index.html").read_text(encoding="utf-8")
        originals = re.findall(r'<blockquote class="ec-original" lang="([^"]*)" dir="([^"]*)"', html)
        assert [lang for lang, _ in originals] == [s.lang for s in record.statements], record.id
        translations = re.findall(r'<div class="ec-translation">.*?<blockquote lang="([^"]*)" dir="([^"]*)"', html)
        assert [lang for lang, _ in translations] == [s.translation.lang for s in record.statements if s.translation]
        for lang, direction in originals + translations:
            assert direction == ("rtl" if lang.split("-")[0] in RTL else "ltr"), (record.id, lang)
            seen.add(direction)
    assert "ltr" in seen
    if which == "withdrawn":
        assert "rtl" in seen, "the fixture's Hebrew statement is right-to-left"
