"""Browse pages: the home page, a page per section and the chronology.

Listings are paginated (`urls.PAGE_SIZE` items a page), so no page grows
without bound however large the catalogue. A graphic item never shows its
image in a list: a neutral placeholder stands in, and nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from . import urls
from .loader import Catalogue
from .media import MediaResult
from .models import Record
from .render_item import front_matter
from .text import esc, format_date, markdown_to_html


def sort_chronologically(records: Sequence[Record]) -> list[Record]:
    # Unknown dates go last; partial dates sort before full ones of the same period.
    return sorted(records, key=lambda r: (r.date is None, r.date or "", r.id))


def render_sections(catalogue: Catalogue, media: MediaResult) -> Iterator[tuple[str, str]]:
    for section in catalogue.info.sections:
        records = sort_chronologically([r for r in catalogue.records if r.section == section.id])
        intro = markdown_to_html(section.description)
        yield from _paginated(
            records, lambda page: urls.section(section.id, page), section.title, intro, catalogue, media)


def render_chronology(catalogue: Catalogue, media: MediaResult) -> Iterator[tuple[str, str]]:
    intro = "<p>All items, oldest first. Items whose date is unknown come last.</p>"
    yield from _paginated(sort_chronologically(catalogue.records), urls.chronology,
                          "All items by date", intro, catalogue, media)


def render_home(catalogue: Catalogue, media: MediaResult, latest: int = 10) -> str:
    info = catalogue.info
    counts = {s.id: 0 for s in info.sections}
    for record in catalogue.records:
        if record.status == "published":
            counts[record.section] += 1
    rows = "".join(
        f'<tr><td><a href="{urls.section(s.id)}">{esc(s.title)}</a></td><td>{counts[s.id]}</td></tr>'
        for s in info.sections)
    newest = sorted(catalogue.records, key=_last_change, reverse=True)[:latest]
    body = (f'<div class="ec-home"><h1 id="title">{esc(info.title)}</h1>\n'
            f'<div class="ec-prose">{markdown_to_html(info.description)}</div>\n'
            f'<p>Published by {esc(info.publisher)}. {len(catalogue.records)} items. '
            f'<a href="{urls.chronology()}">Browse all items by date</a>.</p>\n'
            f'<h2 id="sections">Sections</h2>\n<table class="ec-counts"><thead><tr><th scope="col">Section</th>'
            f'<th scope="col">Items</th></tr></thead><tbody>{rows}</tbody></table>\n'
            f'<h2 id="latest">Latest items</h2>\n{_cards(newest, urls.home(), catalogue, media)}</div>\n')
    return front_matter({"title": esc(info.title), "description": esc(info.title), "ec_kind": "home",
                         "hide": ["toc"]}) + body


def _last_change(record: Record) -> tuple[str, str]:
    last = max((r.date.isoformat() for r in record.revisions), default="")
    return (last, record.id)


def _paginated(records: list[Record], url_of, title: str, intro: str, catalogue: Catalogue,
               media: MediaResult) -> Iterator[tuple[str, str]]:
    pages = max(1, -(-len(records) // urls.PAGE_SIZE))
    for page in range(1, pages + 1):
        here = url_of(page)
        chunk = records[(page - 1) * urls.PAGE_SIZE: page * urls.PAGE_SIZE]
        heading = title if page == 1 else f"{title} (page {page} of {pages})"
        body = (f'<div class="ec-listing"><h1 id="title">{esc(heading)}</h1>\n'
                + (f'<div class="ec-prose">{intro}</div>\n' if page == 1 else "")
                + f'<p class="ec-count">{len(records)} items' + (f", page {page} of {pages}" if pages > 1 else "") + "</p>\n"
                + _cards(chunk, here, catalogue, media)
                + _pager(page, pages, url_of, here) + "</div>\n")
        meta = {"title": esc(heading), "description": esc(f"{title}: {len(records)} items"),
                "ec_kind": "listing", "hide": ["toc"]}
        yield urls.source_path(here), front_matter(meta) + body


def _cards(records: Sequence[Record], here: str, catalogue: Catalogue, media: MediaResult) -> str:
    if not records:
        return '<p class="ec-empty">No items yet.</p>\n'
    return '<ul class="ec-cards">\n' + "\n".join(_card(r, here, catalogue, media) for r in records) + "\n</ul>\n"


def _card(record: Record, here: str, catalogue: Catalogue, media: MediaResult) -> str:
    link = urls.relative(here, urls.item(record.id))
    who = record.speaker.name or catalogue.label("speaker_types", record.speaker.type)
    badges = ""
    if record.content_warning.level != "none":
        badges += f'<span class="ec-badge ec-badge--{record.content_warning.level}">Content warning: {record.content_warning.level}</span>'
    if record.status == "withdrawn":
        badges += '<span class="ec-badge ec-badge--withdrawn">Withdrawn</span>'
    return (f'<li class="ec-card">{_thumb(record, here, media)}<div class="ec-card__text">'
            f'<h2 class="ec-card__title"><a href="{link}">{esc(record.title)}</a></h2>'
            f'<p class="ec-card__meta"><span>{esc(format_date(record.date))}</span> · <span>{esc(who)}</span> · '
            f'<code>{esc(record.id)}</code></p>{badges}</div></li>')


def _thumb(record: Record, here: str, media: MediaResult) -> str:
    if not record.media:
        return '<div class="ec-thumb ec-thumb--none" aria-hidden="true"></div>'
    first = record.media[0]
    if record.media_is_hidden(first):
        return '<div class="ec-thumb ec-thumb--hidden"><span>Image hidden: may show graphic violence</span></div>'
    asset = media.asset(record.id, first.file)
    src = urls.relative(here, urls.item_media(record.id, asset.published_name("thumb")))
    return (f'<img class="ec-thumb" src="{src}" width="{asset.thumb.width}" height="{asset.thumb.height}" '
            f'alt="" loading="lazy" decoding="async">')


def _pager(page: int, pages: int, url_of, here: str) -> str:
    if pages == 1:
        return ""
    links = []
    if page > 1:
        links.append(f'<a rel="prev" href="{urls.relative(here, url_of(page - 1))}">Previous</a>')
    for n in range(1, pages + 1):
        if n == page:
            links.append(f'<span aria-current="page">{n}</span>')
        elif abs(n - page) <= 2 or n in (1, pages):
            links.append(f'<a href="{urls.relative(here, url_of(n))}">{n}</a>')
    if page < pages:
        links.append(f'<a rel="next" href="{urls.relative(here, url_of(page + 1))}">Next</a>')
    return '<nav class="ec-pager" aria-label="Pages">' + " ".join(links) + "</nav>\n"
