"""Open data under /data/: JSON and CSV exports, validated against the schema the site publishes."""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import json
import re
from pathlib import Path

import jsonschema
import pytest

from catalogue.loader import load_catalogue
from conftest import FIXTURES, ROOT, build_ok, make_project

CITE = FIXTURES / "cite" / "evidence"


@pytest.fixture(scope="module")
def cite_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ok(make_project(tmp_path_factory.mktemp("cite"), CITE))


def load(site: Path, path: str) -> dict:
    return json.loads((site / "data" / path).read_text(encoding="utf-8"))


def validator(site: Path) -> jsonschema.Draft202012Validator:
    schema = load(site, "schema.json")
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def fingerprint(item: dict) -> str:
    """The recipe of docs/data.md, followed literally."""
    content = dict(item["record"], media_sha256=[f["sha256"] for f in item["files"]])
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


@pytest.mark.parametrize("fixture", ["mini_site", "cite_site", "sample_site"])
def test_every_export_file_validates_against_the_published_schema(fixture: str, request) -> None:
    site: Path = request.getfixturevalue(fixture)
    check = validator(site)
    catalogue = load(site, "catalogue.json")
    check.validate(catalogue)
    item_files = sorted((site / "data" / "items").glob("*.json"))
    assert [p.stem for p in item_files] == sorted(i["id"] for i in catalogue["items"])
    for path in item_files:
        item_file = json.loads(path.read_text(encoding="utf-8"))
        check.validate(item_file)
        assert item_file["item"] == next(i for i in catalogue["items"] if i["id"] == path.stem)


def test_the_schema_rejects_a_broken_export(cite_site: Path) -> None:
    check = validator(cite_site)
    good = load(cite_site, "catalogue.json")
    for breaking in (lambda d: d["items"][0].pop("url"),
                     lambda d: d["items"][0]["version"].update(fingerprint="XYZ"),
                     lambda d: d["items"][0]["record"].update(colour="red"),
                     lambda d: d["moved"][0].pop("moved_to")):
        bad = copy.deepcopy(good)
        breaking(bad)
        assert not check.is_valid(bad)


def test_catalogue_json_lists_every_item_with_url_version_fingerprint_and_licence(cite_site: Path) -> None:
    data = load(cite_site, "catalogue.json")
    assert data["kind"] == "catalogue" and data["schema"] == "https://cite.example/archive/data/schema.json"
    assert data["catalogue"]["licence"] == {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}
    assert data["catalogue"]["url"] == "https://cite.example/archive/"
    items = {i["id"]: i for i in data["items"]}
    assert sorted(items) == ["C-1", "C-2", "C-4"]
    for item_id, item in items.items():
        assert item["url"] == f"https://cite.example/archive/items/{item_id}/"
        page = (cite_site / "items" / item_id / "index.html").read_text(encoding="utf-8")
        shown = re.search(r'<code class="ec-fingerprint">([0-9a-f]{12})</code>', page).group(1)
        assert item["version"]["fingerprint"] == shown == fingerprint(item)
        assert item["citation"]["BibTeX"] == f"https://cite.example/archive/items/{item_id}/cite/{item_id}.bib"
    assert items["C-1"]["version"] == {"number": 3, "updated": "2026-03-05", "fingerprint": items["C-1"]["version"]["fingerprint"]}
    assert items["C-1"]["record"]["title"].startswith("Speech: 50% & $5")
    # Withdrawn items stay in the data, flagged, because citations point to them.
    assert items["C-2"]["status"] == "withdrawn"
    assert items["C-2"]["record"]["withdrawn_reason"].startswith("The attribution")
    assert data["moved"] == [{"id": "C-3", "url": "https://cite.example/archive/items/C-3/", "status": "moved",
                              "moved_to": "C-1", "moved_to_url": "https://cite.example/archive/items/C-1/",
                              "title": "The same speech, recorded twice",
                              "note": "Merged into C-1, which documents the same speech."}]


def test_file_hashes_match_the_originals_and_the_published_copies(mini_site: Path) -> None:
    items = {i["id"]: i for i in load(mini_site, "catalogue.json")["items"]}
    files = items["T-3"]["files"]
    assert [f["file"] for f in files] == ["screen.jpg", "hidden.png"]
    assert [f["hidden"] for f in files] == [False, True]
    for entry in files:
        original = FIXTURES / "mini" / "evidence" / "T-3" / entry["file"]
        assert entry["sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()
        assert entry["bytes"] == original.stat().st_size
        for copy_ in entry["published"]:
            local = mini_site / copy_["url"].removeprefix("https://test.example/cat/")
            assert copy_["sha256"] == hashlib.sha256(local.read_bytes()).hexdigest(), copy_["url"]
    for item in items.values():
        assert item["version"]["fingerprint"] == fingerprint(item)


def test_catalogue_csv_has_one_row_per_permalink(cite_site: Path) -> None:
    raw = (cite_site / "data" / "catalogue.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "a BOM, so spreadsheets read UTF-8"
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    by_id = {row["id"]: row for row in rows}
    assert sorted(by_id) == ["C-1", "C-2", "C-3", "C-4"]
    for item_id, row in by_id.items():
        assert row["url"] == f"https://cite.example/archive/items/{item_id}/"
    assert by_id["C-1"]["title"] == load(cite_site, "catalogue.json")["items"][0]["record"]["title"]
    assert (by_id["C-1"]["version"], by_id["C-1"]["last_updated"], by_id["C-1"]["languages"]) == ("3", "2026-03-05", "en; ru")
    assert by_id["C-1"]["json_url"] == "https://cite.example/archive/data/items/C-1.json"
    assert by_id["C-2"]["status"] == "withdrawn" and by_id["C-2"]["withdrawn_date"] == "2026-04-01"
    assert (by_id["C-3"]["status"], by_id["C-3"]["moved_to"]) == ("moved", "C-1")
    # A spreadsheet would run this title as a formula; the JSON keeps the exact text.
    assert by_id["C-4"]["title"] == "'=1+1 looks like a spreadsheet formula"
    assert load(cite_site, "items/C-4.json")["item"]["title"] == "=1+1 looks like a spreadsheet formula"


def test_the_open_data_page_explains_and_links_the_files(cite_site: Path) -> None:
    page = (cite_site / "data" / "index.html").read_text(encoding="utf-8")
    for name in ("catalogue.json", "catalogue.csv", "schema.json"):
        assert f'href="{name}"' in page and (cite_site / "data" / name).is_file()
    assert "CC BY 4.0" in page and "fingerprint" in page
    nav = page.split("md-sidebar--primary", 1)[1].split("md-sidebar--secondary", 1)[0]
    assert re.search(r'<span class="md-ellipsis">\s*Open data\s*</span>', nav), "in the navigation"


def test_the_sample_export_covers_every_sample_record(sample_site: Path) -> None:
    catalogue = load_catalogue(ROOT / "evidence")
    data = load(sample_site, "catalogue.json")
    assert [i["id"] for i in data["items"]] == [r.id for r in catalogue.records]
    for item in data["items"]:
        assert item["url"] == catalogue.info.site_url + f"items/{item['id']}/"
        assert (sample_site / "items" / item["id"] / "index.html").is_file()
