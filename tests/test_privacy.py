"""Reader safety in Chromium: nothing leaves the site, nothing graphic loads unasked.

Every page of the sample catalogue (and of a fixture with a withdrawn item, a
published original and a moved item) is opened in Chromium with every request
watched: a request to another origin, a Content-Security-Policy violation, a
script error or the fetch of a graphic image before the reader opts in fails
the test. Graphic files are known from the records (`media_is_hidden`), not
from the HTML under test. Other-origin requests are also aborted, so a leak
can never reach the network from a test run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

from catalogue import urls
from catalogue.loader import Catalogue, load_catalogue
from conftest import FIXTURES, ROOT, build_ok, make_project, serve

# What a page may do before the reader chooses anything: report CSP violations to the test.
_CSP_LISTENER = """
window.__ecViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__ecViolations.push(`${e.violatedDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`);
});
"""
SHOW_ALL = "Show graphic images on this site"
HIDE_ALL = "Hide graphic images again"


# --- sites, served at their public path -------------------------------------


@dataclass
class Served:
    """A built site served on 127.0.0.1 at the path of its `site_url`, as a host serves it."""

    site: Path
    base: str                   # URL of the site's root, ending in /
    catalogue: Catalogue
    origin: str = ""
    graphic: list[re.Pattern[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        parsed = urlparse(self.base)
        self.origin = f"{parsed.scheme}://{parsed.netloc}"
        # Any file of a hidden image: its derivatives (whatever their names) and its original.
        for record in self.catalogue.records:
            for media in record.media:
                if record.media_is_hidden(media):
                    stem = re.escape(Path(media.file).stem)
                    media_dir = re.escape(urls.item_media(record.id, ""))
                    self.graphic.append(re.compile(rf"^{media_dir}{stem}(?:[-.][^/]*)?$"))

    def url(self, path: str) -> str:
        return self.base + path

    def is_graphic(self, url: str) -> bool:
        if not url.startswith(self.base):
            return False
        path = urlparse(url).path[len(urlparse(self.base).path):]
        return any(pattern.match(path) for pattern in self.graphic)

    def file_of(self, path: str) -> Path:
        return self.site / (path + "index.html" if path.endswith("/") or not path else path)

    def pages(self) -> list[str]:
        """Every HTML page of the site, as paths relative to its root."""
        found = []
        for html in sorted(self.site.rglob("*.html")):
            relative = html.relative_to(self.site).as_posix()
            found.append(relative[: -len("index.html")] if relative.endswith("index.html") else relative)
        return found


def served(site: Path, evidence: Path, host_root: Path) -> tuple[Served, object]:
    catalogue = load_catalogue(evidence)
    prefix = urlparse(catalogue.info.site_url).path.strip("/")
    mount = host_root / prefix if prefix else host_root
    mount.parent.mkdir(parents=True, exist_ok=True)
    if prefix:
        mount.symlink_to(site, target_is_directory=True)
    url, server = serve(host_root if prefix else site)
    return Served(site, url + (prefix + "/" if prefix else ""), catalogue), server


@pytest.fixture(scope="session")
def sample(sample_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    info, server = served(sample_site, sample_site.parent / "evidence", tmp_path_factory.mktemp("host-sample"))
    yield info
    server.shutdown()


@pytest.fixture(scope="session")
def withdrawn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A withdrawn graphic item, a published original and a moved item (a redirect page)."""
    project = make_project(tmp_path_factory.mktemp("withdrawn"), FIXTURES / "withdrawn" / "evidence")
    site = build_ok(project)
    info, server = served(site, project / "evidence", tmp_path_factory.mktemp("host-withdrawn"))
    yield info
    server.shutdown()


# --- watching a page -----------------------------------------------------------


@dataclass
class Watch:
    """Everything a page asked for, and everything that went wrong, while it was watched."""

    served: Served
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, page) -> "Watch":
        page.add_init_script(_CSP_LISTENER)
        page.on("request", self._request)
        page.on("pageerror", lambda error: self.errors.append(f"script error: {error}"))
        page.on("console", self._console)
        # Belt and braces: a request to anywhere else is aborted, never sent.
        page.route("**/*", lambda route: route.continue_() if self._local(route.request.url) else route.abort())
        return self

    def _local(self, url: str) -> bool:
        return url.startswith(self.served.origin + "/") or url.startswith(("data:", "blob:", "about:"))

    def _request(self, request) -> None:
        self.requests.append(request.url)
        if not self._local(request.url):
            self.foreign.append(request.url)

    def _console(self, message) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.errors.append(f"console: {message.text}")

    def graphic_fetched(self) -> list[str]:
        return [u for u in self.requests if self.served.is_graphic(u)]

    def check(self, page, where: str) -> None:
        violations = page.evaluate("window.__ecViolations || []")
        problems = [f"request to another origin: {u}" for u in self.foreign]
        problems += [f"CSP violation: {v}" for v in violations] + self.errors
        assert not problems, f"{where}: " + "; ".join(problems)


def open_page(page, served: Served, path: str, *, scroll: bool = True) -> None:
    page.goto(served.url(path), wait_until="load")
    if scroll:  # lazy images below the fold load too
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")


def first_record(catalogue: Catalogue, test) -> str:
    return next(r.id for r in catalogue.records if test(r))


def graphic_item(catalogue: Catalogue) -> str:
    return first_record(catalogue, lambda r: r.is_graphic and bool(r.media))


# --- every page -------------------------------------------------------------------


def _visit_every_page(browser, served: Served) -> int:
    context = browser.new_context()
    visited = 0
    for path in served.pages():
        page = context.new_page()
        watch = Watch(served).attach(page)
        if 'http-equiv="refresh"' in served.file_of(path).read_text(encoding="utf-8"):
            # A moved item's page sends the browser on at once: follow it (console and
            # script errors of both pages are kept; the new page's events are checked).
            page.goto(served.url(path), wait_until="commit")
            page.wait_for_url(lambda url: url != served.url(path))
            page.wait_for_load_state("networkidle")
        else:
            open_page(page, served, path)
        watch.check(page, path)
        assert not watch.graphic_fetched(), f"{path}: fetched before opting in: {watch.graphic_fetched()}"
        assert len(watch.requests) > 1, f"{path}: the page loaded nothing (not served?)"
        themed = page.locator("[data-md-component=container]").count() > 0
        if themed:
            # The site-wide choice can be made (or revoked) from every themed page.
            toggle = page.locator(".md-footer [data-ec-graphic-pref-toggle]")
            assert toggle.is_visible() and toggle.inner_text() == SHOW_ALL, path
        page.close()
        visited += 1
    context.close()
    return visited


def test_no_page_of_the_sample_requests_another_origin_or_a_graphic_image(browser, sample: Served) -> None:
    visited = _visit_every_page(browser, sample)
    items = len(sample.catalogue.records)
    assert visited >= items + 3 + len(sample.catalogue.info.sections), "items, lists, docs and home"


def test_withdrawn_moved_and_original_pages_too(browser, withdrawn: Served) -> None:
    paths = withdrawn.pages()
    assert urls.item("W-1") in paths and urls.item("W-3") in paths  # withdrawn, moved
    _visit_every_page(browser, withdrawn)


def test_the_not_found_page_at_the_public_path(browser, sample: Served) -> None:
    # 404.html links with absolute paths under site_url, so it only works served there.
    page = browser.new_page()
    watch = Watch(sample).attach(page)
    response = page.goto(sample.url("404.html"))
    assert response.ok
    page.wait_for_load_state("networkidle")
    watch.check(page, "404.html")
    assert any(u.endswith("/assets/catalogue.css") for u in watch.requests)
    page.close()


# --- search, print, link previews ---------------------------------------------


def _query_for(served: Served, item_id: str) -> str:
    # The longest word of a graphic item's title finds that item.
    title = served.catalogue.by_id[item_id].title
    return max(re.findall(r"[A-Za-z]{4,}", title), key=len)


def test_search_results_show_no_graphic_image(browser, sample: Served) -> None:
    assert (sample.site / "search" / "index.html").is_file(), "the search page exists"
    item = graphic_item(sample.catalogue)
    query = _query_for(sample, item)
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(sample).attach(page)
    open_page(page, sample, "search/?q=" + query, scroll=False)
    results = page.locator("[data-ec-results] li")
    results.first.wait_for()
    page.wait_for_load_state("networkidle")
    assert page.locator(f'[data-ec-results] a[href*="items/{item}/"]').count(), f"{query} finds {item}"
    # The header box on another page: a live search as the reader types.
    page.goto(sample.url(""))
    box = page.locator("header input[type=search]")
    box.click()
    box.type(query, delay=20)
    page.locator("header [data-ec-results] li").first.wait_for()
    page.wait_for_load_state("networkidle")
    watch.check(page, "search")
    assert not watch.graphic_fetched(), watch.graphic_fetched()
    assert any("pagefind" in u for u in watch.requests), "Pagefind ran, under the policy"
    context.close()


def test_printing_keeps_graphic_images_hidden(browser, sample: Served) -> None:
    item = graphic_item(sample.catalogue)
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(sample).attach(page)
    open_page(page, sample, urls.item(item))
    page.emulate_media(media="print")
    page.pdf()  # lays the page out for paper, as printing does
    page.wait_for_load_state("networkidle")
    figure = page.locator("figure[data-ec-hidden]").first
    assert not figure.locator("img").is_visible() and not figure.locator("figcaption").is_visible()
    assert figure.locator(".ec-veil").is_visible(), "the page says an image is hidden there"
    assert not figure.locator("[data-ec-reveal]").is_visible(), "no button on paper"
    assert not watch.graphic_fetched()
    watch.check(page, "print")
    context.close()


def _preview_images(html: str) -> list[str]:
    found = re.findall(r'<meta (?:property|name)="(?:og:image|og:image:url|og:image:secure_url|twitter:image)" '
                       r'content="([^"]*)"', html)
    found += re.findall(r'<link rel="image_src" href="([^"]*)"', html)
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        found += _json_images(json.loads(block))
    return found


def _json_images(value: object) -> list[str]:
    if isinstance(value, dict):
        out = []
        for key, inner in value.items():
            if key in ("image", "thumbnailUrl", "contentUrl") and isinstance(inner, str):
                out.append(inner)
            out += _json_images(inner)
        return out
    if isinstance(value, list):
        return [x for inner in value for x in _json_images(inner)]
    return []


@pytest.mark.parametrize("which", ["sample", "withdrawn"])
def test_link_previews_never_show_a_graphic_image(which: str, request: pytest.FixtureRequest) -> None:
    served_site: Served = request.getfixturevalue(which)
    public = served_site.catalogue.info.site_url
    previews = 0
    for path in served_site.pages():
        html = served_site.file_of(path).read_text(encoding="utf-8")
        for image in _preview_images(html):
            previews += 1
            local = served_site.base + image[len(public):] if image.startswith(public) else image
            assert not served_site.is_graphic(local), f"{path}: preview image {image} is graphic"
    graphic_page = (served_site.site / urls.item(graphic_item(served_site.catalogue)) / "index.html").read_text()
    assert "og:image" in graphic_page, "a graphic item has a preview too: a neutral one"
    assert previews, "no preview image at all: nothing was checked"


# --- what the HTML says ---------------------------------------------------------


def _policy(html: str) -> dict[str, list[str]]:
    match = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert match, "no Content-Security-Policy"
    directives = {}
    for part in match.group(1).split(";"):
        if part.strip():
            name, *sources = part.split()
            directives[name] = sources
    return directives


# Sources a directive may allow: the site itself, nothing, inline images (Material's icons
# are data: SVGs in its CSS) and WebAssembly compilation (Pagefind).
_ALLOWED = {"'self'", "'none'"}
_EXTRA = {"img-src": {"data:"}, "script-src": {"'wasm-unsafe-eval'"}}


@pytest.mark.parametrize("which", ["sample", "withdrawn"])
def test_every_page_declares_the_policy_and_sends_no_referrer(which: str, request: pytest.FixtureRequest) -> None:
    served_site: Served = request.getfixturevalue(which)
    public = urlparse(served_site.catalogue.info.site_url)
    for html_file in served_site.site.rglob("*.html"):
        where = html_file.relative_to(served_site.site)
        html = html_file.read_text(encoding="utf-8")
        policy = _policy(html)
        assert policy.get("default-src") in (["'self'"], ["'none'"]), where
        assert policy.get("object-src", policy["default-src"]) == ["'none'"] or policy["default-src"] == ["'none'"]
        assert "base-uri" in policy and "form-action" in policy, where
        for name, sources in policy.items():
            assert set(sources) <= _ALLOWED | _EXTRA.get(name, set()), f"{where}: {name} {sources}"
        head = html.split("</head>", 1)[0]
        policy_at = head.index("Content-Security-Policy")
        for tag in re.finditer(r"<script\b|<link rel=\"stylesheet\"|<style\b", head):
            assert tag.start() > policy_at, f"{where}: a script or style comes before the policy"
        assert '<meta name="referrer" content="no-referrer">' in head, where
        # Nothing inline that the policy would block (and so break).
        for script in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in script or re.search(r'type="application/(?:ld\+)?json"', script), f"{where}: {script}"
        assert not re.search(r"<style\b", html), f"{where}: inline <style>"
        assert not re.search(r"<[a-z][^>]*\sstyle=", html), f"{where}: style attribute"
        # Links out: no handle on this page, no referrer.
        for tag in re.findall(r"<a\b[^>]*>", html):
            href = re.search(r'href="([^"]*)"', tag)
            if not href or not re.match(r"(?:https?:)?//", href.group(1)):
                continue
            target = urlparse(href.group(1))
            if target.netloc == public.netloc and target.path.startswith(public.path):
                continue  # the catalogue's own permalinks
            rel = re.search(r'rel="([^"]*)"', tag)
            rel = set(rel.group(1).split()) if rel else set()
            assert {"noopener", "noreferrer"} <= rel, f"{where}: {tag}"


# --- the reader's choice ------------------------------------------------------------


def test_opting_in_once_shows_graphic_images_on_every_page_until_revoked(browser, sample: Served) -> None:
    catalogue = sample.catalogue
    graphic = [r.id for r in catalogue.records if r.is_graphic and r.media]
    assert len(graphic) >= 2
    context = browser.new_context()
    page = context.new_page()
    watch = Watch(sample).attach(page)

    open_page(page, sample, urls.item(graphic[0]))
    assert not watch.graphic_fetched()
    hidden = page.locator("figure[data-ec-hidden]")
    count = hidden.count()
    assert count == len(catalogue.by_id[graphic[0]].media)
    # From the content warning, next to where the reader decides.
    page.locator(".ec-warning [data-ec-graphic-pref-toggle]").click()
    assert page.locator("figure[data-ec-hidden]").count() == 0
    for figure in page.locator("figure.ec-figure").all():
        figure.locator("img").wait_for(state="visible")
        assert figure.locator("img").get_attribute("alt")
        assert figure.locator("figcaption").is_visible()
    page.wait_for_load_state("networkidle")
    assert len(watch.graphic_fetched()) >= count
    # Every control now offers to hide again, and the footer says what is on.
    for toggle in page.locator("[data-ec-graphic-pref-toggle]").all():
        assert toggle.inner_text() == HIDE_ALL
    assert "shown on this site" in page.locator(".md-footer [data-ec-graphic-pref-state]").inner_text()

    # Another graphic item: shown on arrival, remembered in this browser.
    watch.requests.clear()
    open_page(page, sample, urls.item(graphic[1]))
    assert page.locator("figure[data-ec-hidden]").count() == 0
    # The reveal sets the sources after load: wait for those fetches before counting them.
    for figure in page.locator("figure.ec-figure").all():
        figure.locator("img").wait_for(state="visible")
    page.wait_for_function("[...document.querySelectorAll('figure.ec-figure img')].every(i => i.complete)")
    page.wait_for_load_state("networkidle")
    assert watch.graphic_fetched()
    # Lists stay neutral even so: a list shows many items at once, out of context.
    watch.requests.clear()
    for path in (urls.home(), urls.chronology(), urls.section(catalogue.records[0].section)):
        open_page(page, sample, path)
    assert not watch.graphic_fetched()

    # Revoked from a page with no image at all.
    open_page(page, sample, "about/")
    page.locator(".md-footer [data-ec-graphic-pref-toggle]").click()
    assert page.locator(".md-footer [data-ec-graphic-pref-toggle]").inner_text() == SHOW_ALL
    assert page.locator("[data-ec-graphic-pref-announce]").inner_text() == "Graphic images are hidden again."
    watch.requests.clear()
    open_page(page, sample, urls.item(graphic[0]))
    assert page.locator("figure[data-ec-hidden]").count() == count
    assert not watch.graphic_fetched()
    watch.check(page, "opt-in")
    context.close()


def test_hiding_again_takes_revealed_images_off_the_page(browser, sample: Served) -> None:
    item = graphic_item(sample.catalogue)
    context = browser.new_context()
    page = context.new_page()
    open_page(page, sample, urls.item(item))
    footer = page.locator(".md-footer [data-ec-graphic-pref-toggle]")
    footer.click()
    figure = page.locator("figure.ec-figure").first
    figure.locator("img").wait_for(state="visible")
    footer.click()
    assert figure.get_attribute("data-ec-hidden") is not None
    assert figure.locator("img").get_attribute("src") is None
    assert figure.locator("img").get_attribute("alt") == ""
    assert not figure.locator("figcaption").is_visible()
    assert figure.locator("[data-ec-reveal]").is_visible()
    # A single image can still be shown on its own afterwards.
    figure.locator("[data-ec-reveal]").click()
    figure.locator("img").wait_for(state="visible")
    context.close()


def test_a_hidden_image_says_nothing_of_itself_until_revealed(browser, sample: Served) -> None:
    item_id = graphic_item(sample.catalogue)
    record = sample.catalogue.by_id[item_id]
    media = record.media[0]
    context = browser.new_context()
    page = context.new_page()
    open_page(page, sample, urls.item(item_id))
    figure = page.locator("#media-1")
    before = figure.aria_snapshot()
    assert "Image 1 is hidden" in before and 'button "Show image 1"' in before
    assert media.alt.split(":")[0] not in before
    if media.caption:
        assert media.caption[:30] not in before
    figure.get_by_role("button", name="Show image 1").click()
    figure.locator("img").wait_for(state="visible")
    after = figure.aria_snapshot()
    assert "img" in after and media.alt[:30] in after
    if media.caption:
        assert media.caption[:30] in after
    context.close()


def test_the_choice_needs_javascript_and_is_not_offered_without_it(browser, sample: Served) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    watch = Watch(sample).attach(page)
    open_page(page, sample, urls.item(graphic_item(sample.catalogue)), scroll=False)
    assert not page.locator("[data-ec-graphic-pref-toggle]").first.is_visible()
    assert page.locator("[data-ec-reveal]").first.is_visible(), "a single image can still be opened"
    assert not watch.graphic_fetched() and not watch.foreign
    context.close()


def test_links_out_of_hand_written_pages_are_hardened() -> None:
    from catalogue.outlinks import harden_links

    site = "https://example.org/cat/"
    html = ('<a href="https://other.org/x">a</a> <a href="//cdn.example/y">b</a> '
            '<a href="https://example.org/cat/items/A-1/">own</a> <a href="../about/">rel</a> '
            '<a href="https://other.org/z" rel="nofollow">c</a> <a title="t" href="http://x.org">d</a>')
    out = harden_links(html, site)
    assert out.count('rel="noopener noreferrer"') == 3
    assert 'rel="nofollow noopener noreferrer"' in out
    assert '<a href="https://example.org/cat/items/A-1/">own</a>' in out and '<a href="../about/">rel</a>' in out
    assert harden_links(out, site) == out, "idempotent"
