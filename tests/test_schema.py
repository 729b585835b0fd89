"""The committed JSON Schemas stay in step with the models."""

from __future__ import annotations

import json

import jsonschema
import yaml

from catalogue.schema import schema_files
from conftest import ROOT


def test_committed_schemas_match_the_models() -> None:
    for name, text in schema_files().items():
        committed = (ROOT / "evidence" / name).read_text(encoding="utf-8")
        assert committed == text, f"evidence/{name} is stale: run `make schema`"


def test_sample_records_validate_against_the_exported_schema() -> None:
    schema = json.loads((ROOT / "evidence" / "record.schema.json").read_text())
    records = sorted((ROOT / "evidence").glob("*/record.yaml"))
    assert records
    for path in records:
        # BaseLoader keeps dates as strings, like our loader; booleans need the safe loader.
        data = yaml.safe_load(path.read_text())
        data = json.loads(json.dumps(data, default=str))
        jsonschema.validate(data, schema)


def test_records_point_editors_at_the_schema() -> None:
    for path in (ROOT / "evidence").glob("*/record.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../record.schema.json", path
