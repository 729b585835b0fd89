"""Turning record strings into safe HTML: escaping, Markdown, dates, languages.

Everything a record says is untrusted: a quote may well contain
`<script>alert(1)</script>`. Plain strings are HTML-escaped; Markdown fields
are rendered with raw HTML disabled, no images (they would be requests we did
not vet) and only http(s), mailto and in-page links.
"""

from __future__ import annotations

import html
import re
from datetime import date
from functools import lru_cache
from xml.etree.ElementTree import Element

import markdown
from babel import Locale, UnknownLocaleError
from markdown.treeprocessors import Treeprocessor

_SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")
_RTL_LANGS = {"ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku-Arab", "ps", "sd", "ug", "ur", "yi"}
_RTL_SCRIPTS = {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Rohg"}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]


def esc(value: object) -> str:
    """Escape for HTML text and double-quoted attributes."""
    return html.escape(str(value), quote=True)


class _SafeLinks(Treeprocessor):
    def run(self, root: Element) -> None:
        for element in root.iter("a"):
            href = element.get("href", "")
            if not href.startswith(_SAFE_SCHEMES):
                # A `javascript:` or relative link from a record is dropped, its text kept.
                element.tag = "span"
                element.attrib.clear()
            elif href.startswith("http"):
                element.set("rel", "noopener noreferrer")


@lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    # Raw HTML in a record is shown as text, never executed.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    # Images inside prose would be fetched without consent or checks: records list media instead.
    md.inlinePatterns.deregister("image_link")
    md.inlinePatterns.deregister("image_reference")
    md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)
    return md


def markdown_to_html(text: str) -> str:
    md = _markdown()
    md.reset()
    return md.convert(text)


def plain_text(text: str, limit: int = 300) -> str:
    """Markdown reduced to one line of plain text, e.g. for a meta description."""
    flat = re.sub(r"\[\^[^\]]+\]", "", text)
    flat = re.sub(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)", r"\1", flat)
    flat = re.sub(r"(?m)^\s*(#+|>)\s*", "", flat)
    flat = re.sub(r"[*_`]+", "", flat)
    flat = " ".join(flat.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def format_date(value: str | date | None, unknown: str = "Date unknown") -> str:
    """'2020' → '2020'; '2020-10' → 'October 2020'; '2020-10-03' → '3 October 2020'."""
    if value is None:
        return unknown
    parts = str(value).split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


@lru_cache(maxsize=256)
def language_name(tag: str) -> str:
    try:
        return Locale.parse(tag.replace("-", "_")).get_display_name("en") or tag
    except (UnknownLocaleError, ValueError):
        return tag


@lru_cache(maxsize=256)
def text_direction(tag: str) -> str:
    parts = tag.split("-")
    if tag in _RTL_LANGS or parts[0].lower() in _RTL_LANGS:
        return "rtl"
    if any(p.title() in _RTL_SCRIPTS for p in parts[1:]):
        return "rtl"
    return "ltr"
