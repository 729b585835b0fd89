"""The registry of published IDs: `evidence/published.txt`.

A permalink `/items/<ID>/` is a promise to everyone who cited it. The registry
is the committed memory of every ID the catalogue has ever published, so a
build can tell "a record that was never published" from "a record that was
deleted after people cited it" — the second fails the build. The file is
plain text (one ID per line, sorted) so its history reads well in git.

Who writes it: a successful `mkdocs build` (`make site`) and
`python -m catalogue register`. `mkdocs serve` does not: a preview publishes
nothing, and a record drafted and deleted in a preview must not become
permanent.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .loader import Catalogue, load_catalogue
from .models import ID_PATTERN
from .problems import CatalogueError, Problem, display_path

REGISTRY_FILE = "published.txt"
HEADER = """\
# Every item ID this catalogue has ever published, one per line, sorted.
#
# An item's address /items/<ID>/ is permanent: the build fails when an ID listed
# here has no record. To take an item down, keep its record with
# `status: withdrawn` and a `withdrawn_reason` (the page stays and says why).
# To merge or replace it, make its record.yaml hold only `id: <ID>` and
# `moved_to: <new ID>` (the old address then redirects). IDs are never reused.
#
# `make site` and `python -m catalogue register` add new IDs; commit this file.
"""
_ID = re.compile(ID_PATTERN)


@dataclass(frozen=True)
class Registry:
    path: Path
    ids: dict[str, int]      # ID → line number in the file
    exists: bool


def registry_path(evidence: Path) -> Path:
    return evidence / REGISTRY_FILE


def read_registry(evidence: Path, shown: str | None = None) -> tuple[Registry, list[Problem]]:
    """The registered IDs, and a problem for each line that is not an ID."""
    path = registry_path(evidence)
    if not path.is_file():
        return Registry(path, {}, exists=False), []
    shown = shown or display_path(path)
    ids: dict[str, int] = {}
    problems: list[Problem] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not _ID.match(line):
            problems.append(Problem(shown, f"'{line}' is not an item ID", line=number, code="registry-line",
                                    hint="one ID per line (letters, digits and hyphens); comments start with #"))
            continue
        ids.setdefault(line, number)
    return Registry(path, ids, exists=True), problems


def check_registry(catalogue: Catalogue, project_root: Path | None = None) -> list[Problem]:
    """Every registered ID still has a record (or a tombstone); no ID is reused."""
    shown = display_path(registry_path(catalogue.root), project_root)
    registry, problems = read_registry(catalogue.root, shown)
    if not registry.exists:
        return [Problem(shown, "no registry of published IDs yet; the build creates it",
                        hint="commit it: it is what keeps permalinks from breaking", severity="warning",
                        code="registry-missing")]
    current = {r.id for r in catalogue.records} | {m.id for m in catalogue.moved}
    for item_id, line in sorted(registry.ids.items()):
        if item_id in current:
            continue
        record_file = display_path(catalogue.root / item_id / "record.yaml", project_root)
        problems.append(Problem(
            shown, f"item '{item_id}' was published and its record is gone; its permalink /items/{item_id}/ "
                   "must keep working", line=line, field=item_id, code="published-id-removed",
            hint=f"either keep {record_file} with `status: withdrawn` and a `withdrawn_reason` "
                 f"(the page stays, says why, and stays citable), or replace it with a record.yaml holding only "
                 f"`id: {item_id}` and `moved_to: <ID>` (the old address redirects to that item)"))
    # A case variant of a published ID would be the same URL on case-insensitive hosts.
    registered_lower = {item_id.lower(): item_id for item_id in registry.ids}
    for item_id in sorted(current - registry.ids.keys()):
        earlier = registered_lower.get(item_id.lower())
        if earlier is None:
            continue
        file, line, column = catalogue.where(item_id, ("id",))
        problems.append(Problem(file, f"id '{item_id}' reuses the published ID '{earlier}' (differing only in case)",
                                line=line, column=column, field="id", code="id-reused",
                                hint="IDs are never reused: give this record a new ID"))
    return problems


def register(catalogue: Catalogue) -> list[str]:
    """Add the catalogue's new IDs to the registry; returns them. Writes only on change."""
    registry, problems = read_registry(catalogue.root)
    if problems:
        raise CatalogueError(problems)
    current = {r.id for r in catalogue.records} | {m.id for m in catalogue.moved}
    added = sorted(current - registry.ids.keys())
    if added or not registry.exists:
        _write_atomically(registry.path, HEADER + "".join(f"{i}\n" for i in sorted(registry.ids.keys() | current)))
    return added


def check_and_register(evidence: Path) -> list[str]:
    """`python -m catalogue register`: validate records and registry, then record new IDs."""
    catalogue = load_catalogue(evidence, project_root=evidence.parent)
    problems = [p for p in check_registry(catalogue, evidence.parent) if p.severity == "error"]
    if problems:
        raise CatalogueError(problems)
    return register(catalogue)


def _write_atomically(path: Path, text: str) -> None:
    # A reader (git, a concurrent build) sees the old file or the new one, never half of one.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the registry is an ordinary file
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
