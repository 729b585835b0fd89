"""The maintainers' docs: every field documented, the reference generated, the CLI described.

Like datasette's test_docs.py: walking the models here (independently of
`reference.py`) and failing when a field at any depth has no description or
is missing from the field reference of a real built site.
"""

from __future__ import annotations

import html
import re
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from catalogue.models import CatalogueInfo, MovedRecord, Record
from catalogue.reference import field_anchor
from conftest import ROOT


def _models_in(annotation: object) -> Iterator[tuple[type[BaseModel], bool]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, False
        return
    in_list = typing.get_origin(annotation) is list
    for arg in typing.get_args(annotation):
        for model, nested_list in _models_in(arg):
            yield model, in_list or nested_list


def every_field(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, FieldInfo]]:
    for name, info in model.model_fields.items():
        yield f"{prefix}{name}", info
        for nested, in_list in _models_in(info.annotation):
            yield from every_field(nested, f"{prefix}{name}{'[]' if in_list else ''}.")


FIELDS = {
    "record": list(every_field(Record)),
    "moved": list(every_field(MovedRecord, "moved:")),
    "catalogue": list(every_field(CatalogueInfo)),
}


def test_the_walk_reaches_nested_fields() -> None:
    paths = {path for path, _ in FIELDS["record"]}
    assert {"statements[].translation.lang", "sources[].archive_url", "content_warning.level",
            "speaker.type", "media[].alt"} <= paths
    assert "vocabularies.platforms[].label" in {path for path, _ in FIELDS["catalogue"]}


@pytest.mark.parametrize("kind", sorted(FIELDS))
def test_every_field_has_a_description(kind: str) -> None:
    undocumented = [path for path, info in FIELDS[kind] if not (info.description or "").strip()]
    assert not undocumented, f"fields without a description in models.py: {undocumented}"


def _rows(page: str) -> dict[str, str]:
    """Field anchor → the plain text of its table row."""
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        anchor = re.search(r'id="(field-[^"]+)"', row)
        if anchor:
            text = html.unescape(re.sub(r"<[^>]+>", "", row))
            rows[anchor.group(1)] = " ".join(text.split())
    return rows


@pytest.mark.parametrize(("kind", "page"), [("record", "reference/record/index.html"),
                                            ("moved", "reference/record/index.html"),
                                            ("catalogue", "reference/catalogue/index.html")])
def test_every_field_is_in_the_built_reference(kind: str, page: str, mini_site: Path) -> None:
    rows = _rows((mini_site / page).read_text(encoding="utf-8"))
    missing = []
    for path, info in FIELDS[kind]:
        row = rows.get(field_anchor(path), "")
        name = path.rsplit(".", 1)[-1].split(":")[-1]
        description = " ".join((info.description or "").replace("`", "").split())
        if not row.startswith(name) or description not in row:
            missing.append(path)
    assert not missing, f"fields missing from {page}: {missing}"


def test_the_reference_says_what_is_required_and_lists_vocabulary_terms(mini_site: Path) -> None:
    rows = _rows((mini_site / "reference/record/index.html").read_text(encoding="utf-8"))
    assert rows["field-summary"].startswith("summary required")
    assert rows["field-platform"].startswith("platform no")
    assert "Allowed: twitter." in rows["field-platform"]       # from the fixture's catalogue.yaml
    assert "Allowed: alpha, beta." in rows["field-section"]
    assert "one of none, distressing, graphic" in rows["field-content-warning-level"]
    assert "default: unknown" in rows["field-speaker-type"]


def test_the_maintainers_pages_are_in_the_nav(mini_site: Path) -> None:
    home = (mini_site / "index.html").read_text(encoding="utf-8")
    nav = home.split('<nav class="md-nav md-nav--primary"', 1)[1]
    assert "For maintainers" in nav
    for label, href in [("Adding a record", "adding-a-record/"),
                        ("Field reference: record.yaml", "reference/record/"),
                        ("Field reference: catalogue.yaml", "reference/catalogue/")]:
        link = re.search(rf'<a href="{re.escape(href)}" class="md-nav__link">(.*?)</a>', nav, flags=re.S)
        assert link and label in link.group(1), label
    guide = (mini_site / "adding-a-record" / "index.html").read_text(encoding="utf-8")
    assert 'href="../reference/record/"' in guide
    for command in ("make new", "make check", "make serve", "git push"):
        assert command in guide, command


def test_the_readme_documents_the_maintainers_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for text in ("make new", "make check", "--format json", "python -m catalogue", ".pre-commit-config.yaml",
                 "docs/adding-a-record.md"):
        assert text in readme, text
