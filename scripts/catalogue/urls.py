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
    """Link from the page at `from_url` to `to_url`, both site-root-relative.

    Pure string work: `posixpath.relpath` asks the OS for the working directory on
    every call, which adds up over the links of 10,000 pages.
    """
    start = [p for p in from_url.split("/") if p]
    is_dir = to_url.endswith("/") or to_url == ""
    target = [p for p in to_url.split("/") if p]
    common = 0
    while common < min(len(start), len(target)) and start[common] == target[common]:
        common += 1
    parts = [".."] * (len(start) - common) + target[common:]
    if not parts:
        return "./" if is_dir else "."
    return "/".join(parts) + ("/" if is_dir else "")
