"""Links to other sites: they get no handle on this page and no referrer.

The item pages write `rel="noopener noreferrer"` on their source links
themselves; hand-written pages (`docs/`) are Markdown, so the MkDocs hook runs
their HTML through `harden_links`. The catalogue's own permalinks (under
`site_url`) are left as they are.
"""

from __future__ import annotations

import re

_A_TAG = re.compile(r"<a\s[^>]*>", re.IGNORECASE)
_HREF = re.compile(r'\shref="([^"]*)"', re.IGNORECASE)
_REL = re.compile(r'\srel="([^"]*)"', re.IGNORECASE)
_OTHER_SITE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
REL = ("noopener", "noreferrer")


def harden_links(html: str, site_url: str) -> str:
    """`html` with `rel="noopener noreferrer"` on every link to another site."""
    own = site_url.rstrip("/") + "/" if site_url else None

    def harden(match: re.Match[str]) -> str:
        tag = match.group(0)
        href = _HREF.search(tag)
        if not href or not _OTHER_SITE.match(href.group(1)) or (own and href.group(1).startswith(own)):
            return tag
        rel = _REL.search(tag)
        if rel is None:
            return f'{tag[:-1]} rel="{" ".join(REL)}">'
        words = rel.group(1).split()
        words += [word for word in REL if word not in words]
        return tag[:rel.start(1)] + " ".join(words) + tag[rel.end(1):]

    return _A_TAG.sub(harden, html)
