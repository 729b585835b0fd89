"""`new`: the next free ID's folder, with a commented record.yaml to fill in.

The template is deliberately incomplete: the blanks (summary, content
warning, first source) fail `make check` with one message each, naming the
line, until they are filled, so a half-written record cannot be published by
accident. Its first line points editors at the JSON Schema, so VS Code (with
the YAML extension) autocompletes fields and underlines mistakes as you type.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .loader import CATALOGUE_FILE, RECORD_FILE
from .models import ID_PATTERN
from .registry import read_registry
from .schema import RECORD_SCHEMA

DEFAULT_PREFIX, DEFAULT_WIDTH = "HS-", 4
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


class NewRecordError(Exception):
    """A reason `new` cannot create the record, in plain words."""


@dataclass(frozen=True)
class NewRecord:
    item_id: str
    path: Path


def next_id(evidence: Path) -> str:
    """The ID after the highest in use, in the style of the existing IDs (prefix and width).

    IDs listed in `published.txt` count as used even when their folder is gone:
    a published address is never given to another item.
    """
    taken = _taken_ids(evidence)
    numbered = [(m.group(1), m.group(2)) for m in map(_NUMBERED.match, taken) if m]
    if not numbered:
        return f"{DEFAULT_PREFIX}{1:0{DEFAULT_WIDTH}d}"
    # The most common prefix is the catalogue's style; odd one-off IDs do not change it.
    prefix = Counter(p for p, _ in numbered).most_common(1)[0][0]
    digits = [d for p, d in numbered if p == prefix]
    width = max(len(d) for d in digits)
    number = max(int(d) for d in digits) + 1
    lowered = {t.lower() for t in taken}
    while f"{prefix}{number:0{width}d}".lower() in lowered:
        number += 1
    return f"{prefix}{number:0{width}d}"


def _taken_ids(evidence: Path) -> set[str]:
    taken = {p.name for p in evidence.iterdir() if p.is_dir() and not p.name.startswith(".")}
    registry, _ = read_registry(evidence)  # a malformed line is `check`'s to report
    return taken | set(registry.ids)


def create_record(evidence: Path, *, item_id: str | None = None, title: str | None = None,
                  section: str | None = None) -> NewRecord:
    """Create `evidence/<ID>/record.yaml` from the template; never overwrite anything."""
    if not (evidence / CATALOGUE_FILE).is_file():
        raise NewRecordError(f"{evidence / CATALOGUE_FILE} not found; run this from the project folder "
                             "or pass --evidence")
    item_id = item_id or next_id(evidence)
    if not re.match(ID_PATTERN, item_id):
        raise NewRecordError(f"'{item_id}' is not a valid ID: use letters, digits and single hyphens, e.g. HS-0013")
    if item_id.lower() in {t.lower() for t in _taken_ids(evidence)}:
        raise NewRecordError(f"the ID '{item_id}' is already used (or was published before); "
                             "leave out --id to get the next free one")
    sections = _section_ids(evidence / CATALOGUE_FILE)
    if section is not None and sections and section not in sections:
        raise NewRecordError(f"'{section}' is not a section of catalogue.yaml; choose one of: {', '.join(sections)}")
    folder = evidence / item_id
    folder.mkdir()
    path = folder / RECORD_FILE
    path.write_text(render_template(item_id, title=title, section=section, sections=sections), encoding="utf-8")
    return NewRecord(item_id, path)


def _section_ids(catalogue_file: Path) -> list[str]:
    # Read leniently: `new` must work even while catalogue.yaml has a mistake (check reports it).
    text = catalogue_file.read_text(encoding="utf-8", errors="replace")
    block = text.split("\nsections:", 1)[1] if "\nsections:" in text else ""
    block = re.split(r"\n\S", block, maxsplit=1)[0]
    return re.findall(r"^\s*-\s*id:\s*['\"]?([A-Za-z0-9-]+)", block, flags=re.M)


def _quoted(value: str) -> str:
    # JSON strings are valid YAML double-quoted strings, escapes included.
    return json.dumps(value, ensure_ascii=False)


def render_template(item_id: str, *, title: str | None = None, section: str | None = None,
                    sections: list[str] | None = None) -> str:
    """The commented record.yaml for a new item."""
    section_choices = ", ".join(sections or []) or "see catalogue.yaml"
    title_line = f"title: {_quoted(title)}" if title else "title:  # short and neutral, e.g. \"Minister X on TV: ...\""
    section_line = f"section: {section}" if section else f"section:  # one of: {section_choices}"
    return f"""\
# yaml-language-server: $schema=../{RECORD_SCHEMA}
# A new evidence record. Fill in every field left blank below, then run `make check`:
# it names the line of anything still missing or mistyped. Lines starting with # are
# comments and are ignored; delete the hints when you are done if you like.
# Every field is explained in the field reference (the "Field reference" page of the site).
id: {item_id}  # permanent: never change it once published
{title_line}
{section_line}
# date: 2020-10-03           # YYYY, YYYY-MM or YYYY-MM-DD; leave out when unknown
# date_note: How the date was established.
speaker:
  # name: Name as published
  # role: Position when speaking
  type: unknown              # from speaker_types in catalogue.yaml
# platform: twitter          # from platforms in catalogue.yaml
# target_groups: []          # from target_groups in catalogue.yaml
# tags: []
# statements:                # the words said or written, in the original language
#   - text: The words, exactly as said or written.
#     lang: en               # language code: en, ru, az, tr, hy...
#     translation:
#       text: The translation.
#       lang: en
#     source: report         # the key of one of the sources below
summary:                     # what the item is and why it matters; cite sources like this[^report]
# context: |
#   Background, as many paragraphs as needed.
content_warning:
  level:                     # none, distressing or graphic (graphic hides the images until chosen)
  topics: []                 # from content_warning_topics in catalogue.yaml
# media:                     # images: put the file beside this record.yaml
#   - file: screenshot.png
#     alt: What the image shows, in neutral words, for screen readers.
#     caption: Shown under the image.
#     graphic: false         # true hides this image until the reader chooses to see it
#     source: report
sources:
  - key: report              # a short word, cited as [^report] in summary and context
    title:                   # the title of the source
    # url: https://...
    # archive_url: https://web.archive.org/...   # an archived copy, so the citation survives
    # publisher: Who published it
    # date: 2021
# related: []                # IDs of related items, e.g. [HS-0001]
# legal: []                  # e.g. "ICERD, article 4"
"""
