"""JSON Schemas exported from the models, for editors and for data users.

`evidence/record.schema.json` and `evidence/catalogue.schema.json` are
committed; a test fails when they differ from what the models produce, so
editor autocompletion never drifts from the validator.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from .models import CatalogueInfo, MovedRecord, Record

RECORD_SCHEMA = "record.schema.json"
CATALOGUE_SCHEMA = "catalogue.schema.json"


def record_schema() -> dict[str, Any]:
    schema = TypeAdapter(Record | MovedRecord).json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": "Evidence record",
            "description": "One evidence item: evidence/<ID>/record.yaml. A record with `moved_to` is a redirect.",
            **schema}


def catalogue_schema() -> dict[str, Any]:
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **CatalogueInfo.model_json_schema()}


def schema_files() -> dict[str, str]:
    dump = lambda s: json.dumps(s, indent=2, ensure_ascii=False, sort_keys=False) + "\n"  # noqa: E731
    return {RECORD_SCHEMA: dump(record_schema()), CATALOGUE_SCHEMA: dump(catalogue_schema())}


def write_schemas(evidence: Path) -> list[Path]:
    written = []
    for name, text in schema_files().items():
        path = evidence / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
