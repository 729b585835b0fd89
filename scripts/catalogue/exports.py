"""Open data: the catalogue as JSON and CSV under `/data/`, with a schema.

- `data/catalogue.json`: catalogue metadata and licence, every item (withdrawn
  ones too, flagged by `status`, because citations point to them) with its
  permalink, version, fingerprint, file hashes and the full record; moved IDs
  with the item they lead to.
- `data/catalogue.csv`: one row per permalink, for spreadsheets.
- `data/items/<ID>.json`: one item, the same entry as in catalogue.json.
- `data/schema.json`: a JSON Schema of these export files (not of record.yaml,
  though it embeds the record schema for the `record` field).

The `record` and the `sha256` of each file are exactly what the fingerprint is
computed from, so anyone can recompute it (see docs/data.md).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from . import urls
from .citation import CITE_FORMATS, cite_path, citation_data, permalink
from .loader import Catalogue
from .media import MediaResult
from .models import MovedRecord, Record
from .schema import record_schema
from .versions import item_version

DATA_DIR = "data/"
FORMAT_VERSION = "1.0"
CSV_COLUMNS = [
    "id", "url", "status", "title", "section", "date", "speaker_name", "speaker_role", "speaker_type",
    "platform", "target_groups", "tags", "content_warning", "languages", "version", "last_updated",
    "fingerprint", "withdrawn_date", "withdrawn_reason", "moved_to", "media_sha256", "json_url",
]
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def item_data_path(item_id: str) -> str:
    return f"{DATA_DIR}items/{item_id}.json"


def export_files(catalogue: Catalogue, media: MediaResult, built: date) -> dict[str, bytes]:
    """Every file under `/data/`, by site path (bytes: the CSV's CRLF is kept on any OS)."""
    site = _site(catalogue)
    about = _about(catalogue, built)
    items = [item_entry(record, catalogue, media) for record in catalogue.records]
    moved = [_moved_entry(m, catalogue) for m in catalogue.moved]
    files: dict[str, str] = {
        # Compact: the whole catalogue is for programs, and compact JSON is ~10x faster to write.
        f"{DATA_DIR}catalogue.json": _dump({"kind": "catalogue", "schema": site + DATA_DIR + "schema.json",
                                             **about, "items": items, "moved": moved}, indent=None),
        f"{DATA_DIR}catalogue.csv": _csv(catalogue, items, moved),
        f"{DATA_DIR}schema.json": _dump(export_schema(site), indent=1),
    }
    for item in items:
        files[item_data_path(item["id"])] = _dump({"kind": "item", "schema": site + DATA_DIR + "schema.json",
                                                   **about, "item": item})
    return {path: text.encode("utf-8") for path, text in files.items()}


def item_entry(record: Record, catalogue: Catalogue, media: MediaResult) -> dict[str, Any]:
    site = _site(catalogue)
    version = item_version(record, catalogue, media)
    c = citation_data(record, catalogue, version)
    entry: dict[str, Any] = {
        "id": record.id,
        "url": c.permalink,
        "data_url": site + item_data_path(record.id),
        "status": record.status,
        "title": record.title,
        "version": {"number": version.number, "updated": version.updated, "fingerprint": version.fingerprint},
        "citation": {label: site + cite_path(record.id, ext) for ext, label in CITE_FORMATS.items()},
        "files": [_file_entry(record, m.file, media, site) for m in record.media],
        "record": record.model_dump(mode="json", exclude_none=True),
    }
    return entry


def _file_entry(record: Record, name: str, media: MediaResult, site: str) -> dict[str, Any]:
    item = next(m for m in record.media if m.file == name)
    asset = media.asset(record.id, name)
    published = [{"kind": kind, "url": site + urls.item_media(record.id, asset.published_name(kind)),
                  "sha256": derivative.sha256,
                  "width": derivative.width, "height": derivative.height}
                 for kind, derivative in (("thumb", asset.thumb), ("display", asset.display))]
    if item.publish_original:
        published.append({"kind": "original", "url": site + urls.item_media(record.id, name),
                          "sha256": asset.sha256, "width": asset.width, "height": asset.height})
    return {"file": name, "sha256": asset.sha256, "bytes": asset.bytes, "width": asset.width,
            "height": asset.height, "hidden": record.media_is_hidden(item), "placeholder": item.placeholder,
            "published": published}


def _moved_entry(moved: MovedRecord, catalogue: Catalogue) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": moved.id, "url": permalink(catalogue, moved.id), "status": "moved",
                             "moved_to": moved.moved_to, "moved_to_url": permalink(catalogue, moved.moved_to)}
    if moved.title:
        entry["title"] = moved.title
    if moved.note:
        entry["note"] = moved.note
    return entry


def _about(catalogue: Catalogue, built: date) -> dict[str, Any]:
    info = catalogue.info
    licence = {"name": info.licence.name, **({"url": info.licence.url} if info.licence.url else {})}
    return {"format_version": FORMAT_VERSION, "generated": built.isoformat(),
            "catalogue": {"title": info.title, "publisher": info.publisher, "url": _site(catalogue),
                          "language": info.language, "licence": licence}}


def _csv(catalogue: Catalogue, items: list[dict[str, Any]], moved: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    # The BOM lets spreadsheet programs recognise UTF-8 (quotes in Armenian, Russian, Azerbaijani).
    out.write("\ufeff")
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for item in items:
        record = item["record"]
        speaker = record.get("speaker", {})
        writer.writerow({key: _cell(value) for key, value in {
            "id": item["id"], "url": item["url"], "status": item["status"], "title": item["title"],
            "section": record["section"], "date": record.get("date", ""),
            "speaker_name": speaker.get("name", ""), "speaker_role": speaker.get("role", ""),
            "speaker_type": speaker.get("type", ""), "platform": record.get("platform", ""),
            "target_groups": "; ".join(record.get("target_groups", [])),
            "tags": "; ".join(record.get("tags", [])),
            "content_warning": record["content_warning"]["level"],
            "languages": "; ".join(sorted({s["lang"] for s in record.get("statements", [])})),
            "version": item["version"]["number"], "last_updated": item["version"]["updated"] or "",
            "fingerprint": item["version"]["fingerprint"],
            "withdrawn_date": record.get("withdrawn_date", ""), "withdrawn_reason": record.get("withdrawn_reason", ""),
            "moved_to": "", "media_sha256": "; ".join(f["sha256"] for f in item["files"]),
            "json_url": item["data_url"],
        }.items()})
    for entry in moved:
        writer.writerow({"id": entry["id"], "url": entry["url"], "status": "moved",
                         "title": _cell(entry.get("title", "")), "moved_to": entry["moved_to"]})
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _site(catalogue: Catalogue) -> str:
    return catalogue.info.site_url.rstrip("/") + "/"


def _dump(value: object, indent: int | None = None) -> str:
    # Compact by default: indenting forces json's pure-Python encoder (1.85 s per
    # 10,000 item files); only the small schema file is indented for people to read.
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(value, ensure_ascii=False, indent=indent, separators=separators) + "\n"


# --- the schema of the export files ------------------------------------------


def export_schema(site: str) -> dict[str, Any]:
    records = record_schema()
    hex64 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
    url = {"type": "string", "pattern": "^https?://"}
    about = {
        "format_version": {"const": FORMAT_VERSION},
        "schema": url,
        "generated": {"type": "string", "format": "date"},
        "catalogue": {"$ref": "#/$defs/ExportCatalogue"},
    }
    defs: dict[str, Any] = {
        **records["$defs"],
        "ExportCatalogue": _object({
            "title": {"type": "string"}, "publisher": {"type": "string"}, "url": url,
            "language": {"type": "string"},
            "licence": _object({"name": {"type": "string"}, "url": url}, required=["name"]),
        }),
        "ExportFile": _object({
            "file": {"type": "string", "description": "File name in the record."},
            "sha256": {**hex64, "description": "SHA-256 of the original file (held by the publisher unless published)."},
            "bytes": {"type": "integer", "minimum": 0},
            "width": {"type": "integer", "minimum": 1},
            "height": {"type": "integer", "minimum": 1},
            "hidden": {"type": "boolean", "description": "Hidden on the site until the reader chooses to see it."},
            "placeholder": {"type": "boolean", "description": "A generated placeholder, not real material."},
            "published": {"type": "array", "items": _object({
                "kind": {"enum": ["thumb", "display", "original"]}, "url": url, "sha256": hex64,
                "width": {"type": "integer", "minimum": 1}, "height": {"type": "integer", "minimum": 1}})},
        }),
        "ExportItem": _object({
            "id": {"type": "string"},
            "url": {**url, "description": "The permanent address of the item page."},
            "data_url": url,
            "status": {"enum": ["published", "withdrawn"]},
            "title": {"type": "string"},
            "version": _object({
                "number": {"type": "integer", "minimum": 1},
                "updated": {"type": ["string", "null"], "format": "date"},
                "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{12}$"}}),
            "citation": _object({label: url for label in CITE_FORMATS.values()}),
            "files": {"type": "array", "items": {"$ref": "#/$defs/ExportFile"}},
            "record": {"$ref": "#/$defs/Record"},
        }),
        "ExportMoved": _object({
            "id": {"type": "string"}, "url": url, "status": {"const": "moved"},
            "moved_to": {"type": "string"}, "moved_to_url": url,
            "title": {"type": "string"}, "note": {"type": "string"},
        }, required=["id", "url", "status", "moved_to", "moved_to_url"]),
        "CatalogueFile": _object({
            "kind": {"const": "catalogue"}, **about,
            "items": {"type": "array", "items": {"$ref": "#/$defs/ExportItem"}},
            "moved": {"type": "array", "items": {"$ref": "#/$defs/ExportMoved"}},
        }),
        "ItemFile": _object({"kind": {"const": "item"}, **about, "item": {"$ref": "#/$defs/ExportItem"}}),
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": site + DATA_DIR + "schema.json",
        "title": "Evidence catalogue open data",
        "description": "Schema of data/catalogue.json (kind: catalogue) and data/items/<ID>.json (kind: item). "
                       "The `record` of an item follows the record schema (evidence/record.schema.json).",
        "oneOf": [{"$ref": "#/$defs/CatalogueFile"}, {"$ref": "#/$defs/ItemFile"}],
        "$defs": defs,
    }


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required, "additionalProperties": False}
