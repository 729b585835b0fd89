"""The catalogue's search: Pagefind over the built site, and the word forms it needs.

`index_site` runs Pagefind (the binary shipped in the pinned `pagefind[extended]`
wheel) over a finished site folder and writes the search bundle to
`<site>/pagefind/`. Only item pages are indexed, and only their
`<article data-pagefind-body>`; which parts of an article count is decided by
the `data-pagefind-*` attributes that `render_item` writes.

`word_forms` makes original-language statements findable by the words a reader
types. Pagefind builds one index per page language (`<html lang>`, the site's
language) and stems everything with that language's stemmer, so a Russian
statement on an English site is indexed word for word: "террористами" matches,
but "террористы" would not. Each item therefore carries, in a searchable
metadata field, the stems of its original-language words in their own language
(when a reader's word has no longer match, Pagefind falls back to the longest
indexed word it begins with, which is the stem) and the spellings of words with
letters that Unicode does not decompose (Azerbaijani "ə", Turkish "ı"), so that
"Azerbaycan" finds "Azərbaycan" and "soykirim" finds "soykırım".
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

BUNDLE = "pagefind"
# Item pages only: the browse pages and hand-written pages are navigation, not evidence.
ITEM_PAGES = "items/*/index.html"

# Snowball stemmers by language subtag; a language without one gets folded spellings only.
_STEMMERS = {
    "ar": "arabic", "hy": "armenian", "eu": "basque", "ca": "catalan", "cs": "czech",
    "da": "danish", "nl": "dutch", "en": "english", "eo": "esperanto", "et": "estonian",
    "fi": "finnish", "fr": "french", "de": "german", "el": "greek", "hi": "hindi",
    "hu": "hungarian", "id": "indonesian", "ga": "irish", "it": "italian", "lt": "lithuanian",
    "ne": "nepali", "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "fa": "persian",
    "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sr": "serbian",
    "es": "spanish", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}
# Letters that Unicode does not decompose, so Pagefind's own diacritic folding
# (NFD, marks dropped) keeps them, and what a reader without them on the keyboard
# types instead. Armenian "և" is usually typed as "եւ".
_FOLDS = str.maketrans({"ə": "e", "ı": "i", "ø": "o", "ł": "l", "đ": "d", "ħ": "h",
                        "ß": "ss", "æ": "ae", "œ": "oe", "և": "եւ"})
# Inside an item's article, what is not evidence text: section headings, the
# "Original (Russian) · source [7]" labels, footnote markers, and the warning and
# withdrawal notices (results carry both as metadata instead).
_NOT_EVIDENCE = ("h2", ".ec-label", ".ec-ref", ".ec-warning", ".ec-withdrawn")
# Pagefind's ready-made interfaces: the site has its own (overrides/assets/search.js),
# so these ~400 KB are not published.
_UNUSED_UI = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
              "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
_WORD = re.compile(r"\w+")
_FIGURE = re.compile(r"Indexed (\d+) (pages|words|filters)")


class SearchIndexError(Exception):
    """Pagefind could not index the site; the message says why."""


@dataclass(frozen=True)
class SearchIndexResult:
    pages: int          # item pages indexed
    words: int          # distinct words in the index
    filters: int        # filter keys (facets)
    bundle_bytes: int   # everything under <site>/pagefind/
    bundle_files: int
    seconds: float


def index_site(site_dir: Path) -> SearchIndexResult:
    """Index the item pages of a built site into `<site_dir>/pagefind/`."""
    started = time.perf_counter()
    bundle = site_dir / BUNDLE
    # A rebuild in place (`mkdocs serve`) would otherwise keep the old index's chunks.
    shutil.rmtree(bundle, ignore_errors=True)
    if bundle.exists():
        raise SearchIndexError(f"the search index goes in {BUNDLE}/ at the root of the site, but the site "
                               f"already has a file of that name ({bundle}); rename it (e.g. docs/{BUNDLE})")
    if not any(site_dir.glob(ITEM_PAGES)):
        # Pagefind refuses an empty site; a catalogue without items has nothing to search.
        return SearchIndexResult(0, 0, 0, 0, 0, time.perf_counter() - started)
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--glob", ITEM_PAGES,
               "--output-subdir", BUNDLE]
    for selector in _NOT_EVIDENCE:
        command += ["--exclude-selectors", selector]
    try:
        run = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SearchIndexError(f"could not start Pagefind ({exc}); install requirements.txt") from None
    output = run.stdout + run.stderr
    if run.returncode != 0 or "Error:" in output:
        # Pagefind's own words for what went wrong, without its progress report.
        lines = [line.strip() for line in output.splitlines() if line.strip()]
        errors = [line for line in lines if re.search(r"error|panicked|failed", line, re.IGNORECASE)]
        details = "\n".join(errors or lines[-8:])
        raise SearchIndexError(f"Pagefind could not index {site_dir} (exit {run.returncode}):\n{details}")
    figures = {kind: int(n) for n, kind in _FIGURE.findall(output)}
    for name in _UNUSED_UI:
        (bundle / name).unlink(missing_ok=True)
    files = [p for p in bundle.rglob("*") if p.is_file()]
    return SearchIndexResult(
        pages=figures.get("pages", 0), words=figures.get("words", 0),
        filters=figures.get("filters", 0), bundle_bytes=sum(p.stat().st_size for p in files),
        bundle_files=len(files), seconds=time.perf_counter() - started)


def word_forms(texts: Iterable[tuple[str, str]], site_language: str) -> list[str]:
    """Extra forms of the words of `(text, lang)` pairs written in another language
    than the site's: stems in their own language and keyboard spellings, sorted."""
    site = _subtag(site_language)
    forms: set[str] = set()
    for text, lang in texts:
        if _subtag(lang) == site:
            continue  # Pagefind stems the site's own language itself
        stem = _stemmer(_subtag(lang))
        for word in _WORD.findall(text.lower()):
            forms.update(_word_forms(word, stem))
    return sorted(forms)


@lru_cache(maxsize=200_000)
def _word_forms(word: str, stem: snowballstemmer.BaseStemmer | None) -> tuple[str, ...]:
    # Cached per word: the same words recur across thousands of statements.
    found = {word}
    if stem is not None:
        found.add(stem.stemWord(word))
    found |= {f.translate(_FOLDS) for f in found}
    found.discard(word)
    return tuple(f for f in found if f)


def _subtag(lang: str) -> str:
    return lang.split("-")[0].lower()


@lru_cache(maxsize=64)
def _stemmer(subtag: str) -> snowballstemmer.BaseStemmer | None:
    name = _STEMMERS.get(subtag)
    return snowballstemmer.stemmer(name) if name else None
