"""Citations of an item: plain text, BibTeX, RIS, CSL-JSON, and the cite box.

One `CitationData` feeds every format, so the plain text on the page, the
downloads and the embedded metadata never disagree. The item's date is the
date of its latest revision (the version being cited), not the date of the
statement it documents.

The access date: the page shows today's date, filled in by `cite.js` when the
reader opens it (the build date without JavaScript). The downloads are static
files, so they carry the build date; the cite box says so.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone

from . import urls
from .loader import Catalogue
from .models import Record
from .text import esc, format_date
from .versions import ItemVersion

CITE_FORMATS = {"bib": "BibTeX", "ris": "RIS", "csl.json": "CSL-JSON"}
_TEX_SPECIALS = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "#": r"\#",
    "%": r"\%", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}",
}


@dataclass(frozen=True)
class CitationData:
    item_id: str
    title: str
    publisher: str
    catalogue_title: str
    permalink: str
    language: str
    version: ItemVersion
    issued: date | None             # the cited version's date: its latest revision
    withdrawn: bool
    withdrawn_date: date | None


def build_date() -> date:
    """Today, or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return date.today()


def permalink(catalogue: Catalogue, item_id: str) -> str:
    return catalogue.info.site_url.rstrip("/") + "/" + urls.item(item_id)


def citation_data(record: Record, catalogue: Catalogue, version: ItemVersion) -> CitationData:
    return CitationData(
        item_id=record.id, title=_one_line(record.title), publisher=_one_line(catalogue.info.publisher),
        catalogue_title=_one_line(catalogue.info.title), permalink=permalink(catalogue, record.id),
        language=catalogue.info.language, version=version,
        issued=date.fromisoformat(version.updated) if version.updated else None,
        withdrawn=record.status == "withdrawn", withdrawn_date=record.withdrawn_date)


def cite_path(item_id: str, extension: str) -> str:
    """Site path of a download, e.g. `items/HS-0001/cite/HS-0001.bib`."""
    return f"{urls.item(item_id)}cite/{item_id}.{extension}"


# --- plain text -------------------------------------------------------------


def plain_citation(c: CitationData, accessed: date) -> str:
    return f"{_plain_before_accessed(c)}accessed {format_date(accessed.isoformat())}."


def _plain_before_accessed(c: CitationData) -> str:
    parts = [c.publisher, c.catalogue_title, f"“{c.title}”", f"item {c.item_id}",
             f"version {c.version.number} (fingerprint {c.version.fingerprint})",
             format_date(c.issued.isoformat()) if c.issued else "undated"]
    if c.withdrawn:
        parts.append("withdrawn" + (f" {format_date(c.withdrawn_date.isoformat())}" if c.withdrawn_date else ""))
    parts.append(c.permalink)
    return ", ".join(parts) + ", "


# --- BibTeX -----------------------------------------------------------------


def tex_escape(text: str) -> str:
    """Escape TeX's special characters; anything else (UTF-8 included) stays as it is."""
    return "".join(_TEX_SPECIALS.get(ch, ch) for ch in text)


def bibtex(c: CitationData, accessed: date) -> str:
    fields: list[tuple[str, str]] = [
        # Double braces: a corporate author is one name, and the title keeps its capitals.
        ("author", "{" + tex_escape(c.publisher) + "}"),
        ("title", "{" + tex_escape(c.title) + "}"),
        ("organization", tex_escape(c.publisher)),
        ("howpublished", tex_escape(c.catalogue_title)),
        ("number", tex_escape(c.item_id)),
        ("version", str(c.version.number)),
    ]
    if c.issued:
        fields += [("date", c.issued.isoformat()), ("year", str(c.issued.year))]
    fields += [
        ("url", c.permalink),
        ("urldate", accessed.isoformat()),
        ("langid", tex_escape(c.language)),
        ("note", tex_escape(_note(c))),
    ]
    width = max(len(name) for name, _ in fields)
    body = ",\n".join(f"  {name.ljust(width)} = {{{value}}}" for name, value in fields)
    return f"@online{{{c.item_id},\n{body}\n}}\n"


# --- RIS --------------------------------------------------------------------


def ris(c: CitationData, accessed: date) -> str:
    # No AU: a corporate name with a comma would be split into family and given names.
    tags: list[tuple[str, str]] = [("TY", "ELEC"), ("ID", c.item_id), ("TI", c.title),
                                   ("T2", c.catalogue_title), ("PB", c.publisher), ("AN", c.item_id)]
    if c.issued:
        tags += [("PY", str(c.issued.year)), ("DA", c.issued.strftime("%Y/%m/%d/"))]
    tags += [("ET", str(c.version.number)), ("UR", c.permalink), ("Y2", accessed.strftime("%Y/%m/%d/")),
             ("LA", c.language), ("N1", _note(c)), ("ER", "")]
    # RIS lines are "TAG  - value" with CRLF; the closing "ER  - " keeps its space.
    return "".join(f"{tag}  - {value}\r\n" for tag, value in tags)


# --- CSL-JSON ---------------------------------------------------------------


def csl_item(c: CitationData, accessed: date) -> dict[str, object]:
    item: dict[str, object] = {
        "id": c.item_id,
        "type": "webpage",
        "title": c.title,
        "container-title": c.catalogue_title,
        "publisher": c.publisher,
        "author": [{"literal": c.publisher}],
        "number": c.item_id,
        "version": str(c.version.number),
        "URL": c.permalink,
        "accessed": _date_parts(accessed),
        "language": c.language,
        "note": _note(c),
    }
    if c.issued:
        item["issued"] = _date_parts(c.issued)
    if c.withdrawn:
        item["status"] = "withdrawn"
    return item


def csl_json(c: CitationData, accessed: date) -> str:
    # CSL-JSON files hold an array of items, even for one.
    return json.dumps([csl_item(c, accessed)], ensure_ascii=False, indent=2) + "\n"


def _date_parts(value: date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[value.year, value.month, value.day]]}


def _note(c: CitationData) -> str:
    note = f"Item {c.item_id}, version {c.version.number}, fingerprint {c.version.fingerprint}."
    if c.withdrawn:
        note += " Withdrawn" + (f" on {c.withdrawn_date.isoformat()}" if c.withdrawn_date else "") + "."
    return note


def _one_line(text: str) -> str:
    return " ".join(text.split())


# --- files and the cite box -------------------------------------------------


def citation_files(c: CitationData, built: date) -> dict[str, bytes]:
    """The downloads of one item, by site path (bytes: RIS needs its CRLF kept on any OS)."""
    return {cite_path(c.item_id, "bib"): bibtex(c, built).encode("utf-8"),
            cite_path(c.item_id, "ris"): ris(c, built).encode("utf-8"),
            cite_path(c.item_id, "csl.json"): csl_json(c, built).encode("utf-8")}


def cite_box(c: CitationData, built: date) -> str:
    """The "Cite this item" box of an item page (links are relative to the page)."""
    here = urls.item(c.item_id)
    downloads = " · ".join(
        f'<a href="{esc(urls.relative(here, cite_path(c.item_id, ext)))}" download>{label}</a>'
        for ext, label in CITE_FORMATS.items())
    accessed = (f'<time class="ec-accessed" datetime="{built.isoformat()}" data-ec-accessed>'
                f"{esc(format_date(built.isoformat()))}</time>")
    return (
        '<section class="ec-cite" aria-labelledby="cite-this-item" data-pagefind-ignore="all">\n'
        '<h2 id="cite-this-item">Cite this item</h2>\n'
        f'<p class="ec-cite-text" id="ec-citation">{esc(_plain_before_accessed(c))}accessed {accessed}.</p>\n'
        # Hidden until cite.js runs: without JavaScript a copy button would do nothing.
        '<p class="ec-cite-actions"><button type="button" class="md-button ec-cite-copy" '
        'data-ec-copy="ec-citation" hidden>Copy citation</button> '
        '<span class="ec-cite-status" role="status" aria-live="polite"></span></p>\n'
        f'<p class="ec-cite-downloads">Download: {downloads}. <span class="ec-note">Downloaded files give '
        f'{esc(format_date(built.isoformat()))} (when this site was built) as the access date.</span></p>\n'
        '<p class="ec-note ec-cite-pinpoint">Pinpoint: add <code>#statement-N</code>, <code>#source-N</code> '
        'or <code>#media-N</code> to the permalink.</p>\n'
        '</section>\n')
