"""Head tags of an item page, for citation managers, search engines and link previews.

Zotero and Google Scholar read `citation_*` and Dublin Core tags; search
engines read schema.org JSON-LD; chat apps and social sites read Open Graph
and Twitter cards. The tags reach the page through the `ec_head` front-matter
field, which `overrides/main.html` prints inside `<head>`, so the core stays
independent of the site engine. The canonical link is MkDocs' own (from
`site_url`, equal to the permalink), so it is not repeated here.

A link preview shows its image to people who did not choose to see it, so a
hidden (graphic) image never becomes one: such items, and items without
images, get a neutral card.
"""

from __future__ import annotations

import io
import json
from functools import lru_cache

from PIL import Image, ImageDraw

from . import urls
from .citation import CitationData
from .loader import Catalogue
from .media import MediaResult
from .models import Record
from .text import esc, plain_text

CARD_PATH = "assets/ec-card.png"
CARD_SIZE = (1200, 630)


def item_head(record: Record, catalogue: Catalogue, media: MediaResult, c: CitationData) -> str:
    info = catalogue.info
    site = info.site_url.rstrip("/") + "/"
    description = plain_text(record.summary, 200)
    image = _preview_image(record, media, site)
    first = min((r.date for r in record.revisions), default=None)

    meta: list[tuple[str, str, str]] = [
        ("name", "citation_title", c.title),
        ("name", "citation_author", c.publisher),
        ("name", "citation_publisher", c.publisher),
        ("name", "citation_public_url", c.permalink),
        ("name", "citation_language", c.language),
    ]
    if c.issued:
        meta += [("name", "citation_date", c.issued.strftime("%Y/%m/%d")),
                 ("name", "citation_publication_date", c.issued.strftime("%Y/%m/%d"))]
    meta += [
        ("name", "DC.title", c.title),
        ("name", "DC.identifier", c.permalink),
        ("name", "DC.identifier", c.item_id),
        ("name", "DC.type", "Text"),
        ("name", "DC.publisher", c.publisher),
        ("name", "DC.language", c.language),
        ("name", "DC.rights", info.licence.name),
    ]
    if c.issued:
        meta.append(("name", "DC.date", c.issued.isoformat()))
    meta += [
        ("property", "og:type", "article"),
        ("property", "og:title", c.title),
        ("property", "og:description", description),
        ("property", "og:url", c.permalink),
        ("property", "og:site_name", c.catalogue_title),
        ("property", "og:image", image["url"]),
        ("property", "og:image:alt", image["alt"]),
        ("property", "og:image:width", str(image["width"])),
        ("property", "og:image:height", str(image["height"])),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", c.title),
        ("name", "twitter:description", description),
        ("name", "twitter:image", image["url"]),
        ("name", "twitter:image:alt", image["alt"]),
    ]
    if record.status == "withdrawn":
        meta.append(("name", "citation_withdrawn", "yes"))
    # The neutral card has nothing to describe: no alt tag rather than an empty one.
    tags = [f'<meta {kind}="{esc(key)}" content="{esc(value)}">' for kind, key, value in meta if value]

    ld: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "@id": c.permalink,
        "url": c.permalink,
        "name": c.title,
        "identifier": c.item_id,
        "version": str(c.version.number),
        "description": description,
        "inLanguage": c.language,
        "publisher": {"@type": "Organization", "name": c.publisher},
        "isPartOf": {"@type": "WebSite", "name": c.catalogue_title, "url": site},
        "license": info.licence.url or info.licence.name,
        "creativeWorkStatus": "Withdrawn" if record.status == "withdrawn" else "Published",
        "image": image["url"],
    }
    if first:
        ld["datePublished"] = first.isoformat()
    if c.issued:
        ld["dateModified"] = c.issued.isoformat()
    tags.append(f'<script type="application/ld+json">{json_for_html(ld)}</script>')
    return "\n".join(tags)


def json_for_html(value: object) -> str:
    """JSON safe inside a <script> data block: no `</script>` or `<!--` can appear."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _preview_image(record: Record, media: MediaResult, site: str) -> dict[str, object]:
    for item in record.media:
        if record.media_is_hidden(item):
            continue
        asset = media.asset(record.id, item.file)
        return {"url": site + urls.item_media(record.id, asset.published_name("display")),
                "alt": item.alt, "width": asset.display.width, "height": asset.display.height}
    return {"url": site + CARD_PATH, "alt": "", "width": CARD_SIZE[0], "height": CARD_SIZE[1]}


@lru_cache(maxsize=1)
def neutral_card() -> bytes:
    """A plain preview card: a dark field with a light frame, no text and no picture."""
    image = Image.new("RGB", CARD_SIZE, (55, 71, 79))
    draw = ImageDraw.Draw(image)
    inset = 40
    draw.rectangle((inset, inset, CARD_SIZE[0] - inset, CARD_SIZE[1] - inset), outline=(176, 190, 197), width=6)
    draw.rectangle((inset, CARD_SIZE[1] - inset - 24, CARD_SIZE[0] - inset, CARD_SIZE[1] - inset), fill=(176, 190, 197))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
