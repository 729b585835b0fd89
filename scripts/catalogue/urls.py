"""Where every generated page and file lives, and links between them.

All URLs are directory URLs relative to the site root (`items/HS-0001/`).
Pages link to each other with relative URLs so the site works from any
sub-path and from a plain folder.
"""

from __future__ import annotations

import posixpath

PAGE_SIZE = 50


def item(item_id: str) -> str:
    return f"items/{item_id}/"


def item_media(item_id: str, name: str) -> str:
    return f"items/{item_id}/media/{name}"


def section(section_id: str, page: int = 1) -> str:
    return f"sections/{section_id}/" + (f"page/{page}/" if page > 1 else "")


def chronology(page: int = 1) -> str:
    return "chronology/" + (f"page/{page}/" if page > 1 else "")


def home() -> str:
    return ""


def source_path(url: str) -> str:
    """The Markdown file that produces a directory URL."""
    return f"{url}index.md"


def relative(from_url: str, to_url: str) -> str:
    """Link from the page at `from_url` to `to_url`, both site-root-relative."""
    start = from_url.rstrip("/") or "."
    if to_url.endswith("/") or to_url == "":
        target = to_url.rstrip("/") or "."
        rel = posixpath.relpath(target, start)
        return "./" if rel == "." else rel + "/"
    return posixpath.relpath(to_url, start)
