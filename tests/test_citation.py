"""Cite this item: the plain citation, BibTeX, RIS and CSL-JSON, head metadata, copy and print."""

from __future__ import annotations

import html
import json
import re
from datetime import date, datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from PIL import Image

from catalogue.citation import CitationData, citation_data, plain_citation
from catalogue.loader import load_catalogue
from catalogue.pages import Build, build_site
from catalogue.versions import item_version
from conftest import FIXTURES, ROOT, build_ok, make_project, serve

CITE = FIXTURES / "cite" / "evidence"
BUILT = date(2026, 5, 6)
CSL_SCHEMA = json.loads((FIXTURES / "cite" / "csl-data.json").read_text(encoding="utf-8"))
HEAD_NAMES = ["citation_title", "citation_publisher", "citation_date", "citation_publication_date",
              "citation_public_url", "DC.identifier", "DC.type", "DC.date", "DC.publisher", "DC.language",
              "DC.title", "twitter:card", "twitter:title", "twitter:image"]
HEAD_PROPERTIES = ["og:title", "og:type", "og:url", "og:description", "og:site_name", "og:image"]


@pytest.fixture(scope="module")
def cite_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("cite"), CITE)
    # A fixed build date, so the offline access date is known.
    epoch = int(datetime(2026, 5, 6, 12, tzinfo=timezone.utc).timestamp())
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        build_ok(project)
    return project


@pytest.fixture(scope="module")
def cite_site(cite_project: Path) -> Path:
    return cite_project / "site"


@pytest.fixture(scope="module")
def cite_build(cite_project: Path) -> Build:
    return build_site(cite_project / "evidence", cite_project / ".cache")


def citation_for(build: Build, item_id: str) -> CitationData:
    record = build.catalogue.by_id[item_id]
    return citation_data(record, build.catalogue, item_version(record, build.catalogue, build.media))


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def page_citation(page_html: str) -> str:
    inner = re.search(r'<p class="ec-cite-text" id="ec-citation">(.*?)</p>', page_html, re.S).group(1)
    return html.unescape(re.sub(r"<[^>]+>", "", inner))


class HeadTags(HTMLParser):
    """The <meta>, <link> and JSON-LD of a page's head, with values unescaped as a browser reads them."""

    def __init__(self, page_html: str) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.canonical: list[str] = []
        self.json_ld: list[str] = []
        self._in_ld = False
        self.feed(page_html.split("</head>", 1)[0])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and (a.get("name") or a.get("property")):
            self.meta.setdefault(a.get("name") or a.get("property") or "", []).append(a.get("content") or "")
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a.get("href") or "")
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_ld = False if tag == "script" else self._in_ld

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld[-1] += data


# --- plain text ---------------------------------------------------------------


def test_the_plain_citation_names_publisher_catalogue_title_id_version_date_permalink_and_access(
        cite_site: Path, cite_build: Build) -> None:
    page = read(cite_site, "items/C-1/index.html")
    text = page_citation(page)
    assert text == plain_citation(citation_for(cite_build, "C-1"), BUILT)
    fingerprint = re.search(r'<code class="ec-fingerprint">([0-9a-f]{12})</code>', page).group(1)
    record = cite_build.catalogue.by_id["C-1"]
    assert text == (f'Office <of> Rights & Co, Catalogue & "Archive" of 100% {{test}} records, “{record.title}”, '
                    f"item C-1, version 3 (fingerprint {fingerprint}), 5 March 2026, "
                    "https://cite.example/archive/items/C-1/, accessed 6 May 2026.")
    assert '<time class="ec-accessed" datetime="2026-05-06" data-ec-accessed>6 May 2026</time>' in page
    assert "Downloaded files give 6 May 2026 (when this site was built) as the access date." in page
    undated = page_citation(read(cite_site, "items/C-4/index.html"))
    assert "item C-4, version 1 (fingerprint " in undated and "), undated, https://" in undated


def test_the_cite_box_links_its_downloads_and_hides_the_copy_button_without_javascript(cite_site: Path) -> None:
    page = read(cite_site, "items/C-1/index.html")
    box = re.search(r'<section class="ec-cite".*?</section>', page, re.S).group(0)
    for name, label in (("C-1.bib", "BibTeX"), ("C-1.ris", "RIS"), ("C-1.csl.json", "CSL-JSON")):
        assert f'<a href="cite/{name}" download>{label}</a>' in box
        assert (cite_site / "items" / "C-1" / "cite" / name).is_file()
    assert re.search(r'<button type="button" class="[^"]*ec-cite-copy" data-ec-copy="ec-citation" hidden>', box)
    assert '<span class="ec-cite-status" role="status" aria-live="polite"></span>' in box
    assert "<script" not in box, "no inline script (the site's CSP forbids it)"
    assert page.index('class="ec-cite"') < page.index('id="statement-1"')


def test_the_content_warning_comes_before_the_cite_box(mini_site: Path) -> None:
    page = read(mini_site, "items/T-1/index.html")
    assert page.index('class="ec-warning') < page.index('class="ec-cite"') < page.index('id="statement-1"')


# --- BibTeX, RIS, CSL-JSON with real parsers ------------------------------------


@pytest.mark.parametrize("item_id", ["C-1", "C-2", "C-4"])
def test_bibtex_parses_and_decodes_to_the_record(cite_site: Path, cite_build: Build, item_id: str) -> None:
    source = read(cite_site, f"items/{item_id}/cite/{item_id}.bib")
    library = bibtexparser.parse_string(source, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    [entry] = library.entries
    fields = {f.key: f.value for f in entry.fields}
    c = citation_for(cite_build, item_id)
    assert (entry.entry_type, entry.key) == ("online", item_id)
    # pylatexenc renders \textasciicircum as the modifier letter ˆ (U+02C6).
    assert fields["title"].replace("\u02c6", "^") == c.title
    assert fields["author"] == "Office <of> Rights & Co"
    assert fields["howpublished"] == 'Catalogue & "Archive" of 100% {test} records'
    assert fields["url"] == f"https://cite.example/archive/items/{item_id}/"
    assert fields["urldate"] == "2026-05-06"
    assert fields["version"] == str(c.version.number)
    assert c.version.fingerprint in fields["note"]
    if c.issued:
        assert fields["date"] == c.issued.isoformat() and fields["year"] == str(c.issued.year)
    else:
        assert "date" not in fields and "year" not in fields
    assert "Ёлка Հայաստան" in source or item_id != "C-1", "non-ASCII stays UTF-8, not TeX accents"


def test_bibtex_escapes_every_tex_special_character(cite_site: Path) -> None:
    source = read(cite_site, "items/C-1/cite/C-1.bib")
    title = re.search(r"title += \{\{(.*)\}\},", source).group(1)
    assert title == (r'Speech: 50\% \& \$5 \#1 \{x\} under\_score \textasciicircum{} \textasciitilde{} '
                     r'\textbackslash{} "quoted" — Ёлка Հայաստան')


@pytest.mark.parametrize("item_id", ["C-1", "C-2", "C-4"])
def test_ris_parses(cite_site: Path, cite_build: Build, item_id: str) -> None:
    raw = (cite_site / "items" / item_id / "cite" / f"{item_id}.ris").read_bytes()
    assert raw.endswith(b"ER  - \r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    [entry] = rispy.loads(raw.decode("utf-8"))
    c = citation_for(cite_build, item_id)
    assert entry["type_of_reference"] == "ELEC"
    assert entry["title"] == c.title
    assert entry["secondary_title"] == c.catalogue_title
    assert entry["publisher"] == c.publisher
    assert entry["urls"] == [c.permalink]
    assert entry["access_date"] == "2026/05/06/"
    assert entry["edition"] == str(c.version.number)
    assert entry["accession_number"] == item_id
    assert entry.get("date") == (c.issued.strftime("%Y/%m/%d/") if c.issued else None)


@pytest.mark.parametrize("item_id", ["C-1", "C-2", "C-4"])
def test_csl_json_validates_against_the_official_schema(cite_site: Path, cite_build: Build, item_id: str) -> None:
    data = json.loads(read(cite_site, f"items/{item_id}/cite/{item_id}.csl.json"))
    jsonschema.Draft7Validator(CSL_SCHEMA).validate(data)
    [item] = data
    c = citation_for(cite_build, item_id)
    assert (item["id"], item["type"], item["number"]) == (item_id, "webpage", item_id)
    assert item["title"] == c.title and item["container-title"] == c.catalogue_title
    assert item["publisher"] == c.publisher and item["URL"] == c.permalink
    assert item["version"] == str(c.version.number)
    assert item["accessed"] == {"date-parts": [[2026, 5, 6]]}
    if c.issued:
        assert item["issued"] == {"date-parts": [[c.issued.year, c.issued.month, c.issued.day]]}
    assert (item.get("status") == "withdrawn") == (item_id == "C-2")


def test_the_csl_schema_check_can_fail() -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(CSL_SCHEMA).validate([{"id": "X", "type": "webpage", "edition-date": "2020"}])


# --- embedded metadata --------------------------------------------------------------


def test_head_metadata_is_present_and_escaped(mini_site: Path) -> None:
    page = read(mini_site, "items/T-1/index.html")
    head_html = page.split("</head>", 1)[0]
    head = HeadTags(page)
    title = "Escaping test <script>alert(1)</script>"
    for name in HEAD_NAMES + HEAD_PROPERTIES:
        assert head.meta.get(name), f"{name} missing"
    for name in ("citation_title", "DC.title", "og:title", "twitter:title"):
        assert head.meta[name] == [title]
        assert re.search(rf'(name|property)="{re.escape(name)}" content="Escaping test &lt;script&gt;alert\(1\)'
                         rf'&lt;/script&gt;"', head_html), name
    assert "<script>alert" not in head_html
    assert head.meta["citation_public_url"] == ["https://test.example/cat/items/T-1/"]
    assert head.meta["og:url"] == ["https://test.example/cat/items/T-1/"]
    assert head.meta["citation_publisher"] == ["Test Office"] == head.meta["DC.publisher"]
    assert head.meta["citation_date"] == ["2026/02/03"] and head.meta["DC.date"] == ["2026-02-03"]
    assert head.meta["DC.language"] == ["en"] and head.meta["DC.type"] == ["Text"]
    assert "https://test.example/cat/items/T-1/" in head.meta["DC.identifier"]
    assert head.canonical == ["https://test.example/cat/items/T-1/"], "exactly one canonical link"
    [ld_text] = head.json_ld
    assert "\\u003cscript\\u003e" in ld_text and "<" not in ld_text
    ld = json.loads(ld_text)
    assert ld["@context"] == "https://schema.org" and ld["name"] == title
    assert ld["url"] == "https://test.example/cat/items/T-1/" and ld["identifier"] == "T-1"
    assert (ld["version"], ld["datePublished"], ld["dateModified"]) == ("2", "2026-01-02", "2026-02-03")


def test_a_graphic_image_never_becomes_a_preview_image(mini_site: Path) -> None:
    card = "https://test.example/cat/assets/ec-card.png"
    images = {item: HeadTags(read(mini_site, f"items/{item}/index.html")) for item in ("T-1", "T-2", "T-3")}
    assert images["T-1"].meta["og:image"] == [card], "no image: the neutral card"
    assert images["T-2"].meta["og:image"] == [card], "a graphic item: the neutral card"
    assert images["T-2"].meta["twitter:image"] == [card]
    assert images["T-3"].meta["og:image"] == ["https://test.example/cat/items/T-3/media/screen-display.webp"]
    assert images["T-3"].meta["og:image:alt"] == ["A screenshot"]
    for tags in images.values():
        assert json.loads(tags.json_ld[0])["image"] == tags.meta["og:image"][0]
        for url in tags.meta["og:image"] + tags.meta["twitter:image"]:
            assert "photo" not in url and "hidden" not in url and "safe" not in url
    with Image.open(mini_site / "assets" / "ec-card.png") as image:
        assert (image.format, image.size) == ("PNG", (1200, 630))


def test_pinpoint_anchors_for_statements_sources_and_media(cite_site: Path, mini_site: Path) -> None:
    page = read(cite_site, "items/C-1/index.html")
    for anchor in ("statement-1", "statement-2", "source-1", "source-2", "source-3"):
        assert f'id="{anchor}"' in page
    assert 'id="media-1"' in read(mini_site, "items/T-3/index.html")
    assert 'id="media-2"' in read(mini_site, "items/T-3/index.html")


def test_every_sample_item_is_citable(sample_site: Path) -> None:
    catalogue = load_catalogue(ROOT / "evidence")
    for record in catalogue.records:
        permalink = catalogue.info.site_url + f"items/{record.id}/"
        page = read(sample_site, f"items/{record.id}/index.html")
        text = page_citation(page)
        assert f"item {record.id}, version " in text and permalink in text and ", accessed " in text
        head = HeadTags(page)
        assert all(head.meta.get(n) for n in HEAD_NAMES + HEAD_PROPERTIES), record.id
        assert head.canonical == [permalink]
        assert json.loads(head.json_ld[0])["url"] == permalink
        cite = sample_site / "items" / record.id / "cite"
        library = bibtexparser.parse_string((cite / f"{record.id}.bib").read_text(encoding="utf-8"))
        assert not library.failed_blocks and library.entries[0].key == record.id
        assert rispy.loads((cite / f"{record.id}.ris").read_text(encoding="utf-8"))[0]["urls"] == [permalink]
        jsonschema.Draft7Validator(CSL_SCHEMA).validate(json.loads((cite / f"{record.id}.csl.json").read_text()))
        for media in record.media:
            if record.media_is_hidden(media):
                assert media.file.rsplit(".", 1)[0] not in head.meta["og:image"][0]


# --- in the browser -----------------------------------------------------------------


def _browser_today(page) -> str:
    return page.evaluate("""() => { const d = new Date(); return d.getDate() + ' ' +
        d.toLocaleString('en-GB', {month: 'long'}) + ' ' + d.getFullYear(); }""")


def test_the_copy_button_copies_the_citation_by_keyboard(cite_site: Path, cite_build: Build, browser) -> None:
    url, server = serve(cite_site)
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(url + "items/C-1/")
        button = page.locator("button.ec-cite-copy")
        assert button.is_visible(), "cite.js shows the button"
        today = _browser_today(page)
        assert page.locator("[data-ec-accessed]").inner_text() == today, "the access date is the reader's today"
        expected = plain_citation(citation_for(cite_build, "C-1"), BUILT).replace("6 May 2026.", today + ".")

        # Reach the button with the keyboard: Tab from the element before it.
        page.locator("#ec-citation").evaluate("e => { e.tabIndex = -1; e.focus(); }")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.classList.contains('ec-cite-copy')")
        page.keyboard.press("Enter")
        status = page.locator(".ec-cite-status")
        status.filter(has_text="Copied").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == expected

        page.evaluate("navigator.clipboard.writeText('')")
        page.evaluate("document.querySelector('.ec-cite-status').textContent = ''")
        page.keyboard.press("Space")
        status.filter(has_text="Copied").wait_for()
        assert page.evaluate("navigator.clipboard.readText()") == expected
    finally:
        context.close()
        server.shutdown()


def test_without_the_clipboard_api_the_citation_is_selected(cite_site: Path, browser) -> None:
    url, server = serve(cite_site)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: {writeText: "
                             "() => Promise.reject(new Error('denied'))}});")
        page.goto(url + "items/C-1/")
        page.locator("button.ec-cite-copy").focus()
        page.keyboard.press("Enter")
        page.locator(".ec-cite-status").filter(has_text=re.compile(r"\S")).wait_for()
        selected = page.evaluate("window.getSelection().toString()")
        assert " ".join(selected.split()) == " ".join(page.locator("#ec-citation").inner_text().split())
        assert page.locator(".ec-cite-status").inner_text() in (
            "Copied", "Citation selected: press Ctrl+C (or \u2318C) to copy")
    finally:
        context.close()
        server.shutdown()


def test_the_printed_page_keeps_permalink_version_and_access_date_and_no_hidden_image(
        cite_site: Path, mini_url: str, browser) -> None:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        page.goto(mini_url + "items/T-2/")
        for hidden in (".md-header", ".md-sidebar--primary", ".md-footer", "button.ec-cite-copy",
                       ".ec-cite-downloads", ".ec-reveal"):
            assert page.locator(hidden).first.is_hidden(), hidden
        for shown in (".ec-permalink", ".ec-fingerprint", ".ec-cite-text", "[data-ec-accessed]"):
            assert page.locator(shown).first.is_visible(), shown
        assert "Version" in page.locator(".ec-meta").inner_text()
        for figure in page.locator("figure.ec-figure--hidden").all():
            assert figure.locator("img").first.is_hidden()
        assert page.evaluate("[...document.images].every(i => !i.closest('.ec-figure--hidden') || !i.src)")

        url, server = serve(cite_site)
        try:
            page.goto(url + "items/C-1/")
            after = page.evaluate("""() => [...document.querySelectorAll('.ec-sources a, .ec-prose a')]
                .map(a => getComputedStyle(a, '::after').content)""")
            assert '" <https://web.archive.org/web/2021/https://example.org/a>"' in after
            assert '" <https://example.org/report>"' in after
        finally:
            server.shutdown()
    finally:
        context.close()
