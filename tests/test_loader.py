"""Loading and validation: good records load; bad ones name file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from catalogue.loader import load_catalogue
from catalogue.problems import CatalogueError
from conftest import FIXTURES, ROOT

MINI = FIXTURES / "mini" / "evidence"


def test_sample_catalogue_loads() -> None:
    catalogue = load_catalogue(ROOT / "evidence")
    assert 10 <= len(catalogue.records) <= 14
    sections = {r.section for r in catalogue.records}
    assert sections == {s.id for s in catalogue.info.sections}, "every section has items"
    assert not [p for p in catalogue.problems if p.severity == "error"]


def test_mini_fixture_loads() -> None:
    catalogue = load_catalogue(MINI)
    assert [r.id for r in catalogue.records] == ["T-1", "T-2", "T-3"]
    assert catalogue.by_id["T-1"].date == "2020-10"
    assert catalogue.by_id["T-3"].date == "2019"


@pytest.fixture
def evidence(tmp_path: Path) -> Path:
    target = tmp_path / "evidence"
    shutil.copytree(MINI, target)
    return target


def edit(evidence: Path, item: str, old: str, new: str) -> None:
    path = evidence / item / "record.yaml"
    text = path.read_text()
    assert old in text, f"{old!r} not in {item}"
    path.write_text(text.replace(old, new, 1))


def problems_of(evidence: Path) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(evidence, project_root=evidence.parent)
    return [p.format() for p in caught.value.problems if p.severity == "error"]


@pytest.mark.parametrize(
    ("item", "old", "new", "expected"),
    [
        ("T-3", "summary: Plain.", "sumary: Plain.",
         ["evidence/T-3/record.yaml:1:1: error: summary: this required field is missing",
          "evidence/T-3/record.yaml:5:1: error: sumary: unknown field 'sumary' (did you mean 'summary'?)"]),
        ("T-3", "date: 2019", "date: 2019-02-30",
         ["evidence/T-3/record.yaml:4:7: error: date: '2019-02-30' is not a real calendar date"]),
        ("T-1", "related: [T-2]", "related: [T-9]",
         ["evidence/T-1/record.yaml:36:11: error: related[0]: related item 'T-9' does not exist"]),
        ("T-1", "    source: src\n", "    source: scr\n",
         ["evidence/T-1/record.yaml:19:13: error: statements[0].source: source 'scr' is not one of this record's sources (did you mean 'src'?)"]),
        ("T-3", "level: none", "level: nonee",
         ["evidence/T-3/record.yaml:7:10: error: content_warning.level: 'nonee' is not allowed"]),
        ("T-1", "platform: twitter", "platform: twiter",
         ["evidence/T-1/record.yaml:9:11: error: platform: 'twiter' is not in the platforms vocabulary (did you mean 'twitter'?)"]),
        ("T-3", "id: T-3", "id: T-4",
         ["evidence/T-3/record.yaml:1:5: error: id: id 'T-4' differs from the folder name 'T-3'"]),
        ("T-3", "section: alpha", "section: alpha\nsection: beta",
         ["evidence/T-3/record.yaml:4:1: error: section: duplicate key 'section' (first given on line 3)"]),
    ],
)
def test_bad_record_is_reported_with_its_line(evidence: Path, item: str, old: str, new: str,
                                              expected: list[str]) -> None:
    edit(evidence, item, old, new)
    found = problems_of(evidence)
    for message in expected:
        assert any(f.startswith(message) for f in found), f"{message!r} not in {found}"


def test_every_problem_is_reported_not_only_the_first(evidence: Path) -> None:
    edit(evidence, "T-3", "level: none", "level: nonee")
    edit(evidence, "T-1", "platform: twitter", "platform: twiter")
    assert len(problems_of(evidence)) == 2
