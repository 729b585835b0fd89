"""Problems found in records: where they are, what is wrong, how to fix it.

Every stage (YAML reading, model validation, cross-record checks, media) reports
`Problem`s instead of raising on the first one, so a maintainer sees every
mistake in one run. `CatalogueError` carries them out of the core.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str = ""
    hint: str = ""
    severity: Severity = "error"
    code: str = ""

    def location(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def format(self) -> str:
        text = f"{self.location()}: {self.severity}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class Problems:
    """An ordered collection that stages append to."""

    items: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.items.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        self.items.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]


class CatalogueError(Exception):
    """Raised when records cannot be published; holds every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [p.format() for p in self.problems]
        lines.append(f"{len(errors)} error(s) in the evidence records; nothing was published.")
        return "\n".join(lines)


def display_path(path: Path, root: Path | None = None) -> str:
    """A path as a maintainer would type it: relative to the project when possible."""
    base = _resolved(root or Path.cwd())
    # Most paths are already absolute below the project: no need to resolve each one
    # (system calls per path component, twice per record).
    if path.is_absolute() and ".." not in path.parts and path.is_relative_to(base):
        return str(path.relative_to(base))
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path)


@lru_cache(maxsize=8)
def _resolved(path: Path) -> Path:
    return path.resolve()
