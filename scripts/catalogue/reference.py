"""The field reference, generated from the models: every field of record.yaml and catalogue.yaml.

Descriptions, types, whether a field is required and its default all come from
`models.py`, so the reference cannot drift from what `check` accepts. When a
catalogue is given, fields drawn from a vocabulary list the terms it allows.
`tests/test_docs.py` fails when a field has no description or is missing here.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from . import models
from .models import CatalogueInfo, MovedRecord, Record
from .text import esc

RECORD_PAGE = "reference/record/index.md"
CATALOGUE_PAGE = "reference/catalogue/index.md"

# Fields whose values must be terms of a vocabulary (or sections) of catalogue.yaml.
VOCABULARY_OF: dict[str, str] = {
    "section": "sections",
    "speaker.type": "speaker_types",
    "platform": "platforms",
    "target_groups": "target_groups",
    "content_warning.topics": "content_warning_topics",
}


def reference_pages(info: CatalogueInfo | None = None) -> dict[str, str]:
    """Markdown path → source of the two reference pages."""
    return {RECORD_PAGE: render_record_reference(info), CATALOGUE_PAGE: render_catalogue_reference()}


def field_anchor(path: str) -> str:
    """HTML id of a field's row, e.g. 'statements[].translation.lang' → 'field-statements-translation-lang'."""
    return "field-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def render_record_reference(info: CatalogueInfo | None = None) -> str:
    intro = (
        "Every field of an evidence record, `evidence/<ID>/record.yaml`, generated from the models "
        "the checker uses. `make new` writes a record with the common fields ready to fill in; "
        "`make check` reports any field that is missing, misspelt or out of place, with its line.\n\n"
        "A path such as `sources[].url` means: the `url` of each entry in the `sources` list.\n")
    body = _render_model(Record, "", info)
    moved = (
        "\n## A record that moved {#moved}\n\n"
        "When two items are merged, the old one keeps its folder and only says where it went; "
        "its page redirects there. Such a record has only these fields:\n\n"
        + _table(MovedRecord, "moved:", info))
    return "# Field reference: record.yaml\n\n" + intro + body + moved


def render_catalogue_reference() -> str:
    intro = ("The fields of `evidence/catalogue.yaml`: the catalogue's title, publisher, sections and "
             "the vocabularies that records draw on. Generated from the models the checker uses.\n")
    return "# Field reference: catalogue.yaml\n\n" + intro + _render_model(CatalogueInfo, "", None)


def walk_fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, FieldInfo]]:
    """Every field at any depth, as (path, info); list entries are written `name[]`."""
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        yield path, info
        nested, is_list = _nested_model(info.annotation)
        if nested is not None:
            yield from walk_fields(nested, f"{path}{'[]' if is_list else ''}.")


def _render_model(model: type[BaseModel], prefix: str, info: CatalogueInfo | None) -> str:
    heading = "Top-level fields" if not prefix else f"`{prefix.rstrip('.')}`"
    anchor = field_anchor(prefix or "top").replace("field-", "group-", 1)
    parts = [f"\n## {heading} {{#{anchor}}}\n\n"]
    if prefix:
        owner = prefix.rstrip(".")
        lead = (f"Each entry of `{owner[:-2]}` has these fields:" if owner.endswith("[]")
                else f"The fields under `{owner}`:")
        parts.append(" ".join(filter(None, [_model_doc(model), lead])) + "\n\n")
    parts.append(_table(model, prefix, info))
    for name, field in model.model_fields.items():
        nested, is_list = _nested_model(field.annotation)
        if nested is not None:
            parts.append(_render_model(nested, f"{prefix}{name}{'[]' if is_list else ''}.", info))
    return "".join(parts)


def _table(model: type[BaseModel], prefix: str, info: CatalogueInfo | None) -> str:
    rows = ["| Field | Required | Type | Description |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        nested, is_list = _nested_model(field.annotation)
        kind = _type_name(field.annotation, field.metadata)
        if nested is not None:
            target = field_anchor(f"{path}{'[]' if is_list else ''}").replace("field-", "group-", 1)
            kind = f"[{'list of entries' if is_list else 'fields'}, see below](#{target})"
        required = "**required**" if field.is_required() else _default(field)
        description = _cell(field.description or "")
        vocabulary = VOCABULARY_OF.get(path)
        if vocabulary and info is not None:
            description += " Allowed: " + _terms(info, vocabulary) + "."
        rows.append(f'| <span id="{field_anchor(path)}"></span>`{name}` | {required} | {kind} | {description} |')
    return "\n".join(rows) + "\n"


def _terms(info: CatalogueInfo, vocabulary: str) -> str:
    terms = info.sections if vocabulary == "sections" else getattr(info.vocabularies, vocabulary)
    # Terms come from catalogue.yaml: escaped, and kept out of Markdown's reach in <code>.
    return ", ".join(f"<code>{esc(t.id)}</code>" for t in terms) or "none defined"


def _model_doc(model: type[BaseModel]) -> str:
    doc = (model.__doc__ or "").strip().split("\n\n")[0]
    return _cell(" ".join(doc.split())) if doc and model.__doc__ != BaseModel.__doc__ else ""


def _cell(text: str) -> str:
    # A pipe would end the table cell; a line break would end the row.
    return " ".join(text.split()).replace("|", "\\|")


def _default(field: FieldInfo) -> str:
    if field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
        return "no (default: empty)" if value in ([], {}) else "no"
    if field.default is None or field.default is PydanticUndefined:
        return "no"
    value = field.default
    shown = str(value).lower() if isinstance(value, bool) else str(value)
    return f"no (default: `{shown}`)"


def _nested_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model a field holds (directly, optionally or as a list), and whether in a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    for arg in typing.get_args(annotation):
        found, in_list = _nested_model(arg)
        if found is not None:
            return found, in_list or origin is list
    return None, False


def _type_name(annotation: Any, metadata: list[Any]) -> str:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _type_name(base, [*metadata, *extra])
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a, metadata) for a in typing.get_args(annotation) if a is not type(None)]
        return " or ".join(dict.fromkeys(names))
    if origin is list:
        (item,) = typing.get_args(annotation)
        return f"list of {_plural(_type_name(item, []))}"
    if origin is typing.Literal:
        return "one of " + ", ".join(f"`{v}`" for v in typing.get_args(annotation))
    if annotation is bool:
        return "`true` or `false`"
    if annotation is datetime:
        return "date and time"
    if annotation is date:
        return "date, YYYY-MM-DD"
    if annotation is str:
        return _text_kind(metadata)
    return getattr(annotation, "__name__", str(annotation))


def _text_kind(metadata: list[Any]) -> str:
    """Name a text field by its validators and pattern: ID, date, language, address..."""
    flat: list[Any] = []
    for item in metadata:
        flat.extend(item.metadata if isinstance(item, FieldInfo) else [item])
        if isinstance(item, FieldInfo) and isinstance(item.json_schema_extra, dict):
            flat.append(item.json_schema_extra)
    functions = {getattr(getattr(m, "func", None), "__name__", "") for m in flat}
    patterns = {getattr(m, "pattern", None) or (m.get("pattern") if isinstance(m, dict) else None) for m in flat}
    if models._check_partial_date.__name__ in functions:
        return "date: YYYY, YYYY-MM or YYYY-MM-DD"
    if models._check_lang.__name__ in functions or models._LANG.pattern in patterns:
        return "language tag, e.g. `en`"
    if models.ID_PATTERN in patterns:
        return "ID: letters, digits, hyphens"
    if models._KEY.pattern in patterns:
        return "key: one word"
    if any(p and p.startswith("^https?") for p in patterns):
        return "web address (http or https)"
    return "text"


def _plural(name: str) -> str:
    simple = {"text": "texts", "ID: letters, digits, hyphens": "IDs"}
    return simple.get(name, name)
