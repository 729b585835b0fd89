"""Build the small fixture catalogue into a real site and check the HTML and files."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from PIL import Image

from conftest import FIXTURES, ROOT, build_ok, make_project, mkdocs_build


def read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_every_record_has_an_item_page_outside_the_nav(mini_site: Path) -> None:
    for item in ("T-1", "T-2", "T-3"):
        assert (mini_site / "items" / item / "index.html").is_file()
    home = read(mini_site, "index.html")
    nav = home.split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    assert "items/T-1" not in nav, "item pages are not in the navigation"
    assert "Alpha section" in nav


def test_nothing_is_generated_into_docs(mini_project: Path) -> None:
    # The test project's docs/ is a copy of the repository's: the build added nothing to it.
    assert sorted(p.name for p in (mini_project / "docs").rglob("*")) == sorted(
        p.name for p in (ROOT / "docs").rglob("*"))


def test_record_strings_are_escaped_everywhere(mini_site: Path) -> None:
    for path in mini_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        for raw in ("<script>alert(1)", "<img src=x", "<b>bold", "<i>title", "javascript:alert", "<b>raw"):
            assert raw not in html, f"{raw} unescaped in {path}"
    item = read(mini_site, "items/T-1/index.html")
    assert "<title>Escaping test &lt;script&gt;alert(1)&lt;/script&gt; - Test catalogue</title>" in item
    assert "Quote &lt;script&gt;alert(1)&lt;/script&gt;" in item
    description = re.search(r'<meta name="description" content="([^"]*)"', item).group(1)
    assert "&lt;script&gt;" in description
    listing = read(mini_site, "sections/alpha/index.html")
    assert "Escaping test &lt;script&gt;alert(1)&lt;/script&gt;" in listing


def test_item_page_metadata_statements_and_footnotes(mini_site: Path) -> None:
    item = read(mini_site, "items/T-1/index.html")
    for label, value in [("Date", "October 2020"), ("Role", "Minister"), ("Speaker type", "Official"),
                         ("Platform", "Twitter"), ("Target groups", "Group A")]:
        assert f"<dt>{label}</dt><dd>{value}" in item
    assert 'href="https://test.example/cat/items/T-1/"' in item
    assert '<blockquote class="ec-original" lang="ru" dir="ltr">' in item
    assert '<blockquote class="ec-original" lang="ar" dir="rtl">' in item
    assert '<blockquote lang="en" dir="ltr"><p>Translation' in item
    # [^src] in the summary and the statement's source both point at footnote 1.
    assert '<sup class="ec-ref"><a href="#source-1">[1]</a></sup>' in item
    assert 'source <a href="#source-1">[1]</a>' in item
    assert '<li id="source-1"><a href="https://example.org/a" rel="noopener noreferrer">' in item
    assert "archived copy" in item and "3 October 2020" in item
    assert '<li id="source-2">Second source.</li>' in item
    assert '<a href="../T-2/">T-2</a>' in item
    assert "ICERD, article 4" in item
    # The warning comes before any content.
    assert item.index('class="ec-warning ec-warning--distressing"') < item.index('id="statement-1"')


def test_graphic_media_are_hidden_behind_a_placeholder(mini_site: Path) -> None:
    item = read(mini_site, "items/T-2/index.html")
    figures = re.findall(r'<figure class="ec-figure[^"]*" id="media-\d".*?</figure>', item)
    assert len(figures) == 2, "all media of a graphic item are hidden"
    for figure in figures:
        assert "ec-figure--hidden" in figure
        assert " src=" not in figure, "a hidden image has no src, so nothing is fetched"
        assert "data-ec-reveal" in figure and 'href="media/' in figure
        assert "<figcaption hidden>" in figure
    plain = read(mini_site, "items/T-3/index.html")
    assert '<img src="media/screen-thumb.webp"' in plain
    assert re.search(r'id="media-2"[^>]* data-ec-hidden', plain), "a graphic image in a non-graphic item"
    listing = read(mini_site, "sections/beta/index.html")
    assert "ec-thumb--hidden" in listing and "photo-thumb" not in listing


def test_thumbnails_are_small_webp_without_metadata(mini_site: Path) -> None:
    media = mini_site / "items" / "T-3" / "media"
    with Image.open(media / "screen-thumb.webp") as thumb:
        assert thumb.format == "WEBP" and thumb.width == 400
    with Image.open(media / "screen-display.webp") as display:
        assert display.width == 1600
    for path in mini_site.rglob("*.webp"):
        data = path.read_bytes()
        with Image.open(path) as image:
            assert not image.getexif(), path
            assert "exif" not in image.info and "xmp" not in image.info and "icc_profile" not in image.info
        for secret in (b"Secret Author", b"TestMake", b"secret comment", b"EXIF", b"XMP "):
            assert secret not in data, (path, secret)
    assert not (media / "screen.jpg").exists(), "originals are not published by default"
    item = read(mini_site, "items/T-3/index.html")
    assert re.search(r'SHA-256 <code class="ec-hash">[0-9a-f]{64}</code>', item)


def test_warm_build_reuses_cached_derivatives(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", FIXTURES / "mini" / "evidence")
    build_ok(project)
    cache = project / ".cache" / "media"
    before = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.webp")}
    assert len(before) == 8
    build_ok(project)
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.webp")}
    assert before == after, "an unchanged image is never processed twice"


def test_a_failed_build_leaves_the_published_site_untouched(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", FIXTURES / "mini" / "evidence")
    site = build_ok(project)
    marker = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    record = project / "evidence" / "T-3" / "record.yaml"
    record.write_text(record.read_text().replace("level: none", "level: nonee"))
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "evidence/T-3/record.yaml:7:10" in result.stderr
    assert "content_warning.level" in result.stderr and "Traceback" not in result.stderr
    assert {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()} == marker
    assert not [p for p in project.iterdir() if p.name.startswith("site.")], "no staging folder left"


def test_strict_warning_does_not_publish(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", FIXTURES / "mini" / "evidence")
    site = build_ok(project)
    (project / "docs" / "about.md").write_text("[broken](missing.md)\n")
    result = mkdocs_build(project)
    assert result.returncode != 0 and "missing.md" in result.stderr
    assert "broken" not in (site / "about" / "index.html").read_text()
    shutil.rmtree(project)


def test_no_request_leaves_the_site(mini_site: Path) -> None:
    for path in mini_site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in html and "fonts.gstatic" not in html
        for tag in re.findall(r"<(?:script|img|link|iframe|source)\b[^>]*>", html):
            if 'rel="canonical"' in tag or 'rel="alternate"' in tag:
                continue  # names the page's address, fetches nothing
            assert not re.search(r'(?:src|href)="(?:https?:)?//', tag), f"{path}: {tag}"

