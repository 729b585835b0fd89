"""The page left at a moved item's permalink: a redirect that still says where to go.

A moved record (`id` + `moved_to`) keeps its address alive. The page is a
complete standalone HTML file rather than a themed page, because the theme
always adds a canonical link to the page's own address, and this page's
canonical address is the new item's: search engines then index only the new
item (`noindex` here), browsers follow the meta refresh, and anyone whose
browser does not still sees a plain link. No script, so it works everywhere.
"""

from __future__ import annotations

from . import urls
from .citation import permalink
from .loader import Catalogue
from .models import MovedRecord
from .text import esc


def redirect_path(item_id: str) -> str:
    return urls.item(item_id) + "index.html"


def render_redirect(moved: MovedRecord, catalogue: Catalogue) -> str:
    target = catalogue.by_id[moved.moved_to]
    relative = urls.relative(urls.item(moved.id), urls.item(target.id))
    new_url = permalink(catalogue, target.id)
    old_title = f" (“{esc(moved.title)}”)" if moved.title else ""
    note = f"<p>{esc(moved.note)}</p>\n" if moved.note else ""
    return f"""<!doctype html>
<html lang="{esc(catalogue.info.language)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; base-uri 'none'; form-action 'none'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Item {esc(moved.id)} has moved to {esc(target.id)} - {esc(catalogue.info.title)}</title>
<link rel="canonical" href="{esc(new_url)}">
<meta http-equiv="refresh" content="0; url={esc(relative)}">
</head>
<body>
<main>
<h1>Item {esc(moved.id)} has moved</h1>
<p>Item {esc(moved.id)}{old_title} is now item <a class="ec-moved-to" href="{esc(relative)}">{esc(target.id)}: {esc(target.title)}</a>.</p>
{note}<p>Citations of <code>{esc(permalink(catalogue, moved.id))}</code> stay valid: this address will always lead to
<code>{esc(new_url)}</code>.</p>
<p>{esc(catalogue.info.publisher)}, {esc(catalogue.info.title)}.</p>
</main>
</body>
</html>
"""
