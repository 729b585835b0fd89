"""Strict YAML reading that remembers where every value came from.

Why not `yaml.safe_load`: it silently keeps the last of two duplicate keys,
expands aliases (a few lines can become gigabytes), and forgets line numbers.
Here libyaml (C, fast at 10,000 files) composes a node tree, and we build plain
Python values from it ourselves, rejecting duplicate keys, anchors, aliases and
tabs, and recording the line and column of every key and item in a `Locator`.
Dates stay strings (`2020-10`), so partial dates survive and models decide.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

try:  # libyaml bindings ship in PyYAML's wheels; fall back to pure Python.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

PathKey = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_scalar_constructor = yaml.constructor.SafeConstructor()
_SCALAR_CONSTRUCTORS = yaml.constructor.SafeConstructor.yaml_constructors


@dataclass
class Locator:
    """Maps a field path, e.g. ("statements", 0, "lang"), to its 1-based line and column."""

    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    keys: dict[PathKey, tuple[int, int]] = field(default_factory=dict)  # where each key is written

    def find(self, path: PathKey) -> tuple[int | None, int | None]:
        # Walk up: a missing field is reported where its parent starts.
        for end in range(len(path), -1, -1):
            if path[:end] in self.positions:
                return self.positions[path[:end]]
        return None, None

    def find_key(self, path: PathKey) -> tuple[int | None, int | None]:
        return self.keys.get(path) or self.find(path)


class YamlProblem(Exception):
    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__(problem.format())


def read_text(path: Path, shown: str) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise YamlProblem(
            Problem(shown, f"the file cannot be read: {exc.strerror or exc}", line=1, code="unreadable",
                    hint="check that the file exists and that you may read it")
        ) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1  # in bytes: the text cannot be decoded
        raise YamlProblem(
            Problem(shown, "the file is not valid UTF-8", line=line, column=column, code="encoding",
                    hint="save the file as UTF-8 in your editor")
        ) from None
    return text.removeprefix("\ufeff")


def load_yaml(path: Path, shown: str) -> tuple[Any, Locator]:
    """Read one YAML file; raise `YamlProblem` naming file, line and column."""
    text = read_text(path, shown)
    for number, line in enumerate(text.splitlines() if "\t" in text else (), start=1):
        indent = line[: len(line) - len(line.lstrip())]
        if "\t" in indent:
            raise YamlProblem(
                Problem(shown, "a tab is used for indentation", line=number,
                        column=indent.index("\t") + 1, code="tab",
                        hint="YAML indents with spaces; replace the tab with spaces")
            )
    try:
        # An anchor is written with '&' and an alias with '*': a record with neither
        # (most of them) is spared a second parse, a quarter of the load time at 10,000.
        if "&" in text or "*" in text:
            _reject_anchors(text, shown)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise YamlProblem(
            Problem(shown, f"YAML syntax error: {exc.problem or exc}",
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None, code="syntax",
                    hint="check indentation and quoting; a value with ': ' or '#' needs quotes")
        ) from None
    locator = Locator()
    if node is None:
        return None, locator
    return _build(node, (), locator, shown), locator


def _reject_anchors(text: str, shown: str) -> None:
    # Aliases can expand exponentially ("billion laughs"); records never need them.
    for event in yaml.parse(text, Loader=_Loader):
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent) or anchor:
            mark = event.start_mark
            kind = "alias" if isinstance(event, yaml.AliasEvent) else "anchor"
            raise YamlProblem(
                Problem(shown, f"YAML {kind} '{anchor}' is not allowed", line=mark.line + 1,
                        column=mark.column + 1, code="alias",
                        hint="write the value out in full instead of using & and *")
            )


def _build(node: yaml.Node, path: PathKey, locator: Locator, shown: str) -> Any:
    # Runs for every value of 10,000 records: scalars are handled inline rather than
    # by a recursive call, and each child path is built once.
    positions = locator.positions
    positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if not isinstance(key, str):
                key = str(key)
            key_mark = key_node.start_mark
            line = key_mark.line + 1
            child = path + (key,)
            if key in result:
                first = first_lines[key]
                raise YamlProblem(
                    Problem(shown, f"duplicate key '{key}' (first given on line {first})",
                            line=line, column=key_mark.column + 1,
                            field=_dotted(child), code="duplicate-key",
                            hint="keep one of the two; YAML would silently drop the first")
                )
            first_lines[key] = line
            locator.keys[child] = (line, key_mark.column + 1)
            # A scalar's errors point at the value; a block's at its key.
            if isinstance(value_node, yaml.ScalarNode):
                mark = value_node.start_mark
                positions[child] = (mark.line + 1, mark.column + 1)
                result[key] = _scalar(value_node)
            else:
                positions[child] = (line, key_mark.column + 1)
                result[key] = _build(value_node, child, locator, shown)
        return result
    if isinstance(node, yaml.SequenceNode):
        items: list[Any] = []
        for i, item in enumerate(node.value):
            if isinstance(item, yaml.ScalarNode):
                mark = item.start_mark
                positions.setdefault(path + (i,), (mark.line + 1, mark.column + 1))
                items.append(_scalar(item))
            else:
                items.append(_build(item, path + (i,), locator, shown))
        return items
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return None
    if node.tag in (_STR, _TIMESTAMP):
        return node.value
    # Booleans, numbers, nulls: the tag's own constructor, called directly. Going through
    # `construct_object` would keep every such node alive in the shared constructor's cache.
    construct = _SCALAR_CONSTRUCTORS.get(node.tag)
    if construct is None:  # an unknown tag: PyYAML's own error
        return _scalar_constructor.construct_object(node, deep=True)
    return construct(_scalar_constructor, node)


def _dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


dotted = _dotted
