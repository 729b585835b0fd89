"""One record → the Markdown source of its item page (`items/<ID>/index.md`).

The page is a front-matter header plus one HTML block, so any Markdown engine
renders it the same and every record string passes through `esc` or the safe
Markdown renderer exactly once. Section order follows what a reader needs
first: the warning before any content, then what was said, then why it matters,
then the evidence trail (media, sources).
"""

from __future__ import annotations

import json
import re
from datetime import date

from . import search, urls
from .citation import build_date, cite_box, citation_data
from .loader import Catalogue
from .media import MediaResult
from .models import Media, Record, Statement
from .render_head import item_head
from .text import esc, format_date, language_name, markdown_to_html, plain_text, text_direction
from .versions import ItemVersion, item_version

_REF = re.compile(r"\[\^([A-Za-z0-9][A-Za-z0-9_.-]*)\]")


def front_matter(fields: dict[str, object]) -> str:
    # JSON is valid YAML and quotes every string safely.
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def render_item(record: Record, catalogue: Catalogue, media: MediaResult, built: date | None = None) -> str:
    """The complete Markdown source of an item page (`built`: the build date, the offline access date)."""
    here = urls.item(record.id)
    version = item_version(record, catalogue, media)
    citation = citation_data(record, catalogue, version)
    source_numbers = {s.key: i for i, s in enumerate(record.sources, start=1)}
    parts = [
        _header(record, catalogue, version),
        _withdrawn(record),
        _warning(record, catalogue),
        # After the warning (it comes first), before the content.
        cite_box(citation, built or build_date()),
        _statements(record, source_numbers),
        _prose("Summary", "summary", record.summary, source_numbers),
        _prose("Context", "context", record.context, source_numbers) if record.context else "",
        _gallery(record, media, source_numbers),
        _sources(record),
        _related(record, catalogue, here),
        _legal(record),
        _changelog(record, version),
    ]
    body = "\n".join(p for p in parts if p)
    meta = {
        "title": esc(record.title),
        "description": esc(plain_text(record.summary, 200)),
        "ec_kind": "item",
        "ec_id": record.id,
        "ec_head": item_head(record, catalogue, media, citation),
        "hide": ["toc"],
    }
    return front_matter(meta) + f'<article class="ec-item" data-pagefind-body>\n{body}\n</article>\n'


def _header(record: Record, catalogue: Catalogue, version: ItemVersion) -> str:
    info = catalogue.info
    permalink = info.site_url.rstrip("/") + "/" + urls.item(record.id)
    section = catalogue.sections[record.section]
    rows = [
        ("ID", f"<code>{esc(record.id)}</code>"),
        ("Permalink", f'<a class="ec-permalink" href="{esc(permalink)}">{esc(permalink)}</a>'),
        ("Version", f'{version.number}'
                    + (f', last updated {esc(format_date(version.updated))}' if version.updated else "")
                    + f' · fingerprint <code class="ec-fingerprint">{esc(version.fingerprint)}</code>'),
        ("Date", esc(format_date(record.date)) + (f" <span class=\"ec-note\">({esc(record.date_note)})</span>" if record.date_note else "")),
    ]
    speaker = record.speaker
    if speaker.name:
        rows.append(("Speaker", esc(speaker.name)))
    if speaker.role:
        rows.append(("Role", esc(speaker.role)))
    rows.append(("Speaker type", esc(catalogue.label("speaker_types", speaker.type))))
    if record.platform:
        rows.append(("Platform", esc(catalogue.label("platforms", record.platform))))
    rows.append(("Section", f'<a href="{urls.relative(urls.item(record.id), urls.section(section.id))}">{esc(section.title)}</a>'))
    if record.target_groups:
        rows.append(("Target groups", ", ".join(esc(catalogue.label("target_groups", g)) for g in record.target_groups)))
    if record.tags:
        rows.append(("Tags", " ".join(f'<span class="ec-tag">{esc(t)}</span>' for t in record.tags)))
    items = "\n".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows)
    return (f'<h1 id="title" data-pagefind-weight="10" data-pagefind-meta="title">{esc(record.title)}</h1>\n'
            f'<dl class="ec-meta" data-pagefind-ignore>\n{items}\n</dl>\n'
            + _search_metadata(record, catalogue))


def _search_metadata(record: Record, catalogue: Catalogue) -> str:
    """Hidden spans that give Pagefind its result fields, facets and sort key.

    Pagefind searches metadata too: `speaker`, `role` and `tags` make those
    findable, and `forms` carries the extra word forms of original-language
    statements (see `search.word_forms`). `warning` is the content-warning level
    that every result of the item shows. No image is ever given: results show none.
    """
    speaker = record.speaker
    meta = [("date", format_date(record.date)),
            ("speaker", speaker.name or catalogue.label("speaker_types", speaker.type))]
    if speaker.role:
        meta.append(("role", speaker.role))
    if record.tags:
        meta.append(("tags", ", ".join(record.tags)))
    if record.content_warning.level != "none":
        meta.append(("warning", record.content_warning.level))
    if record.status == "withdrawn":
        meta.append(("status", "withdrawn"))
    texts = [(s.text, s.lang) for s in record.statements]
    texts += [(s.translation.text, s.translation.lang) for s in record.statements if s.translation]
    forms = search.word_forms(texts, catalogue.info.language)
    if forms:
        meta.append(("forms", " ".join(forms)))
    # Filter keys are the search page's URL parameters (`?speaker_type=Official`).
    filters = [("section", catalogue.sections[record.section].title),
               ("speaker_type", catalogue.label("speaker_types", speaker.type)),
               ("year", record.date[:4] if record.date else "Unknown"),
               ("content_warning", record.content_warning.level)]
    if record.platform:
        filters.append(("platform", catalogue.label("platforms", record.platform)))
    filters += [("language", language_name(lang)) for lang in sorted({s.lang for s in record.statements})]
    filters += [("target_group", catalogue.label("target_groups", g)) for g in record.target_groups]
    filters += [("tag", t) for t in record.tags]
    spans = [f'<span data-pagefind-meta="{esc(k)}:{esc(v)}"></span>' for k, v in meta]
    spans += [f'<span data-pagefind-filter="{esc(k)}:{esc(v)}"></span>' for k, v in filters]
    # Unknown dates sort first in "oldest first", as a plain string sort puts them.
    spans.append(f'<span data-pagefind-sort="date:{esc(record.date or "0000")}"></span>')
    # `ignore` (not `all`): Pagefind still reads metadata and filters inside.
    return '<div hidden data-pagefind-ignore>' + "".join(spans) + "</div>\n"


def _withdrawn(record: Record) -> str:
    if record.status != "withdrawn":
        return ""
    when = f" on {esc(format_date(record.withdrawn_date))}" if record.withdrawn_date else ""
    return (f'<div class="ec-withdrawn" role="note"><p><strong>This item was withdrawn{when}.</strong> '
            f'{esc(record.withdrawn_reason)}</p><p>The page is kept so that citations of it stay valid; '
            f'it no longer forms part of the catalogue\'s evidence.</p></div>\n')


def _warning(record: Record, catalogue: Catalogue) -> str:
    warning = record.content_warning
    if warning.level == "none":
        return ""
    topics = ", ".join(esc(catalogue.label("content_warning_topics", t)) for t in warning.topics)
    hides_media = any(record.media_is_hidden(m) for m in record.media)
    media_note = " Images are hidden until you choose to show them." if hides_media else ""
    # The site-wide choice next to the warning, where a reader decides; catalogue.js
    # shows it (it needs localStorage) and keeps its words in step with the choice.
    site_choice = ('<p class="ec-graphic-pref" data-ec-graphic-pref hidden>'
                   '<button type="button" class="ec-graphic-pref__toggle" data-ec-graphic-pref-toggle>'
                   'Show graphic images on this site</button></p>' if hides_media else "")
    return (f'<aside class="ec-warning ec-warning--{warning.level}" role="note" aria-label="Content warning">'
            f'<p><strong>Content warning: {esc(warning.level)}.</strong>'
            + (f" This item concerns {topics}." if topics else "")
            + f"{media_note}</p>{site_choice}</aside>\n")


def _statements(record: Record, numbers: dict[str, int]) -> str:
    if not record.statements:
        return ""
    blocks = [_statement(i, s, numbers) for i, s in enumerate(record.statements, start=1)]
    return '<h2 id="statements">Statements</h2>\n' + "\n".join(blocks) + "\n"


def _statement(index: int, statement: Statement, numbers: dict[str, int]) -> str:
    lang = statement.lang
    original = (f'<blockquote class="ec-original" lang="{esc(lang)}" dir="{text_direction(lang)}">'
                f"<p>{_lines(statement.text)}</p></blockquote>")
    label = f"Original ({esc(language_name(lang))})"
    if statement.source:
        n = numbers[statement.source]
        label += f' · source <a href="#source-{n}">[{n}]</a>'
    translation = ""
    if statement.translation:
        t = statement.translation
        by = f" by {esc(t.by)}" if t.by else ""
        translation = (f'<div class="ec-translation"><p class="ec-label">Translation ({esc(language_name(t.lang))}){by}</p>'
                       f'<blockquote lang="{esc(t.lang)}" dir="{text_direction(t.lang)}"><p>{_lines(t.text)}</p></blockquote></div>')
    return (f'<figure class="ec-statement" id="statement-{index}">'
            f'<div class="ec-original-wrap"><p class="ec-label">{label}</p>{original}</div>{translation}</figure>')


def _lines(text: str) -> str:
    return "<br>".join(esc(line) for line in text.splitlines())


def _prose(heading: str, anchor: str, text: str | None, numbers: dict[str, int]) -> str:
    rendered = markdown_to_html(text or "")

    def cite(match: re.Match[str]) -> str:
        n = numbers.get(match.group(1))
        return match.group(0) if n is None else f'<sup class="ec-ref"><a href="#source-{n}">[{n}]</a></sup>'

    return f'<h2 id="{anchor}">{heading}</h2>\n<div class="ec-prose">{_REF.sub(cite, rendered)}</div>\n'


def _gallery(record: Record, media: MediaResult, numbers: dict[str, int]) -> str:
    if not record.media:
        return ""
    figures = [_figure(record, m, i, media, numbers) for i, m in enumerate(record.media, start=1)]
    # `all`: Pagefind would otherwise take the first image as the result image.
    return '<h2 id="media">Media</h2>\n<div class="ec-gallery" data-pagefind-ignore="all">\n' + "\n".join(figures) + "\n</div>\n"


def _figure(record: Record, item: Media, index: int, media: MediaResult, numbers: dict[str, int]) -> str:
    asset = media.asset(record.id, item.file)
    thumb = f"media/{asset.published_name('thumb')}"
    display = f"media/{asset.published_name('display')}"
    facts = []
    if item.placeholder:
        facts.append('<strong class="ec-placeholder-flag">Placeholder image</strong> (generated; stands in for material not published here)')
    if item.source:
        n = numbers[item.source]
        facts.append(f'source <a href="#source-{n}">[{n}]</a>')
    if item.captured:
        facts.append(f"captured {esc(item.captured)}")
    # A published original goes out byte for byte (the build refuses one that carries metadata).
    original = (f'<a href="media/{esc(item.file)}">original file</a> (unaltered, without embedded metadata)'
                if item.publish_original else "original held by the publisher")
    facts.append(f'{original}, SHA-256 <code class="ec-hash">{asset.sha256}</code>')
    caption = (f'<p>{esc(item.caption)}</p>' if item.caption else "") + f'<p class="ec-facts">{" · ".join(facts)}</p>'
    size = f'width="{asset.thumb.width}" height="{asset.thumb.height}"'
    if not record.media_is_hidden(item):
        return (f'<figure class="ec-figure" id="media-{index}"><a href="{display}">'
                f'<img src="{thumb}" {size} alt="{esc(item.alt)}" loading="lazy" decoding="async"></a>'
                f"<figcaption>{caption}</figcaption></figure>")
    # Hidden: no src (nothing is fetched), alt and caption kept out of the accessibility
    # tree until revealed. Without JavaScript the link opens the image only on request.
    # The aria-label names the figure: Chromium would otherwise name it after its
    # figcaption, hidden or not, and read the caption out before the reader chose.
    return (f'<figure class="ec-figure ec-figure--hidden" id="media-{index}" aria-label="Hidden image {index}" '
            f'data-ec-hidden data-pagefind-ignore="all">'
            f'<div class="ec-veil"><p>Image {index} is hidden because it may show graphic violence.</p>'
            f'<a class="ec-reveal md-button" href="{display}" role="button" data-ec-reveal>Show image {index}</a></div>'
            f'<a class="ec-revealed" href="{display}" hidden><img data-src="{thumb}" {size} data-alt="{esc(item.alt)}" alt=""></a>'
            f'<figcaption hidden>{caption}</figcaption></figure>')


def _sources(record: Record) -> str:
    rows = []
    for i, source in enumerate(record.sources, start=1):
        title = esc(source.title)
        if source.url:
            title = f'<a href="{esc(source.url)}" rel="noopener noreferrer">{title}</a>'
        bits = [title]
        if source.publisher:
            bits.append(esc(source.publisher))
        if source.date:
            bits.append(esc(format_date(source.date)))
        if source.note:
            bits.append(esc(source.note))
        if source.url:
            bits.append(f'<span class="ec-url">{esc(source.url)}</span>')
        if source.accessed:
            bits.append(f"accessed {esc(format_date(str(source.accessed)))}")
        if source.archive_url:
            bits.append(f'<a href="{esc(source.archive_url)}" rel="noopener noreferrer">archived copy</a>')
        text = ". ".join(b.rstrip(".") for b in bits)
        rows.append(f'<li id="source-{i}">{text}.</li>')
    return ('<h2 id="sources">Sources</h2>\n<ol class="ec-sources" data-pagefind-ignore>\n'
            + "\n".join(rows) + "\n</ol>\n")


def _related(record: Record, catalogue: Catalogue, here: str) -> str:
    if not record.related:
        return ""
    links = []
    for related in record.related:
        target = catalogue.by_id.get(related)
        title = esc(target.title) if target else "(moved)"
        links.append(f'<li><a href="{urls.relative(here, urls.item(related))}">{esc(related)}</a>: {title}</li>')
    return '<h2 id="related">Related items</h2>\n<ul class="ec-related" data-pagefind-ignore>' + "".join(links) + "</ul>\n"


def _legal(record: Record) -> str:
    if not record.legal:
        return ""
    return ('<h2 id="legal">Legal references</h2>\n<ul class="ec-legal" data-pagefind-ignore>'
            + "".join(f"<li>{esc(x)}</li>" for x in record.legal) + "</ul>\n")


def _changelog(record: Record, version: ItemVersion) -> str:
    if not record.revisions:
        return ""
    rows = "".join(f"<li><time datetime=\"{r.date}\">{esc(format_date(str(r.date)))}</time>: {esc(r.note)}</li>"
                   for r in record.revisions)
    return (f'<h2 id="changelog">Changelog</h2>\n<ol class="ec-changelog" data-pagefind-ignore>{rows}</ol>\n')
