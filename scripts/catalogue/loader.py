"""Load `evidence/`: the catalogue description and every record, fully checked.

`load_catalogue` is the one entry point. It never stops at the first mistake:
it collects `Problem`s from every file, then raises one `CatalogueError`
holding all of them (warnings alone do not stop a build).
"""

from __future__ import annotations

import difflib
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from .models import CatalogueInfo, Media, MovedRecord, Record, Term
from .problems import CatalogueError, Problem, Problems, display_path
from .yamlsafe import Locator, YamlProblem, dotted, load_yaml

CATALOGUE_FILE = "catalogue.yaml"
RECORD_FILE = "record.yaml"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".tif", ".tiff"}
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]")


class ImageInspector(Protocol):
    """Checks image contents (`check.ImageVerifier`): per path, its SHA-256 and (message, hint, code) if bad."""

    def inspect(self, paths: list[Path]) -> list[tuple[str | None, tuple[str, str, str] | None]]: ...


@dataclass
class Catalogue:
    """Everything the renderers need, already validated."""

    info: CatalogueInfo
    root: Path
    records: list[Record]
    moved: list[MovedRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Where each record came from, so later stages (media) can name file and line too. The
    # line numbers are re-read on demand (None until then): kept for 10,000 records they
    # would hold some 180 MB for the few records that ever report a problem after loading.
    locations: dict[str, tuple[str, Locator | None]] = field(default_factory=dict, repr=False)
    # SHA-256 of each image as the image check read it, keyed by (item id, file): the media
    # step reuses it instead of reading and hashing every image a second time.
    image_sha256: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {r.id: r for r in self.records}
        self._terms = {
            name: {t.id: t for t in getattr(self.info.vocabularies, name)}
            for name in type(self.info.vocabularies).model_fields
        }
        self.sections = {s.id: s for s in self.info.sections}

    def where(self, item_id: str, path: tuple) -> tuple[str, int | None, int | None]:
        shown, locator = self.locations[item_id]
        if locator is None:
            try:
                _, locator = load_yaml(self.folder(item_id) / RECORD_FILE, shown)
            except YamlProblem:  # changed on disk since it was loaded
                return shown, None, None
            self.locations[item_id] = (shown, locator)
        return (shown, *locator.find(path))

    def folder(self, item_id: str) -> Path:
        return self.root / item_id

    def term(self, vocabulary: str, term_id: str) -> Term:
        return self._terms[vocabulary][term_id]

    def label(self, vocabulary: str, term_id: str) -> str:
        return self.term(vocabulary, term_id).label


def load_catalogue(root: Path, *, project_root: Path | None = None,
                   images: ImageInspector | None = None) -> Catalogue:
    """Read and check `root/catalogue.yaml` and `root/*/record.yaml` (and the images, given `images`)."""
    problems = Problems()
    shown = lambda p: display_path(p, project_root)  # noqa: E731

    try:
        info = _load_model(root / CATALOGUE_FILE, CatalogueInfo, shown, problems)
    except Exception as exc:  # noqa: BLE001 - report, never a traceback
        problems.add(_unexpected(shown(root / CATALOGUE_FILE), exc))
        info = None
    records: list[Record] = []
    moved: list[MovedRecord] = []
    locators: dict[str, tuple[str, Locator]] = {}
    # Folders whose record has its own errors: they exist, so links to them are not reported too.
    broken: set[str] = set()
    if not root.is_dir():
        raise CatalogueError([Problem(shown(root), "the evidence folder does not exist")])
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        path = folder / RECORD_FILE
        # A symlinked folder or record could pull files from anywhere on the machine into the site.
        if folder.is_symlink() or path.is_symlink():
            what = f"the item folder '{folder.name}'" if folder.is_symlink() else f"'{RECORD_FILE}'"
            # Named as written, not resolved: resolving would show where the link points instead.
            problems.add(Problem(f"{shown(root)}/{folder.name}/{RECORD_FILE}", f"{what} is a symbolic link",
                                 line=1, code="symlink", hint="copy the real folder or file into evidence/ instead"))
            continue
        if not path.is_file():
            problems.add(Problem(shown(folder), f"folder has no {RECORD_FILE}", code="no-record",
                                 hint="every item folder needs a record.yaml; run `make new` to create one"))
            continue
        try:
            loaded = _load_record(path, shown(path), problems)
        except Exception as exc:  # noqa: BLE001 - one odd file must not hide the others' problems
            problems.add(_unexpected(shown(path), exc))
            broken.add(folder.name)
            continue
        if loaded is None:
            broken.add(folder.name)
            continue
        model, locator = loaded
        if model.id != folder.name:
            line, col = locator.find(("id",))
            problems.add(Problem(shown(path), f"id '{model.id}' differs from the folder name '{folder.name}'",
                                 line=line, column=col, field="id", code="id-folder",
                                 hint="rename the folder or fix the id; they must be equal"))
            broken.add(folder.name)
            continue
        locators[model.id] = (shown(path), locator)
        (moved if isinstance(model, MovedRecord) else records).append(model)

    hashes: dict[tuple[str, str], str] = {}
    if info is not None:
        _check_cross_references(info, records, moved, locators, root, problems, images, broken, hashes)
    if problems.errors or info is None:
        raise CatalogueError(problems.items)
    return Catalogue(info=info, root=root, records=records, moved=moved, problems=problems.items,
                     locations={item_id: (where, None) for item_id, (where, _) in locators.items()},
                     image_sha256=hashes)


def _unexpected(shown: str, exc: Exception) -> Problem:
    return Problem(shown, f"the file could not be checked ({type(exc).__name__}: {exc})", line=1,
                   code="internal", hint="an unusual file; save it again as plain UTF-8 YAML or ask a developer")


def _load_record(path: Path, shown: str, problems: Problems) -> tuple[Record | MovedRecord, Locator] | None:
    data, locator = _read(path, shown, problems)
    if data is None:
        return None
    model_type: type[BaseModel] = MovedRecord if isinstance(data, dict) and "moved_to" in data else Record
    model = _validate(data, locator, model_type, shown, problems)
    return (model, locator) if model is not None else None  # type: ignore[return-value]


def _load_model(path: Path, model_type: type[BaseModel], shown, problems: Problems) -> Any:
    if not path.is_file():
        problems.add(Problem(shown(path), "file not found", code="missing-file"))
        return None
    data, locator = _read(path, shown(path), problems)
    return None if data is None else _validate(data, locator, model_type, shown(path), problems)


def _read(path: Path, shown: str, problems: Problems) -> tuple[Any, Locator]:
    try:
        data, locator = load_yaml(path, shown)
    except YamlProblem as exc:
        problems.add(exc.problem)
        return None, Locator()
    if data is None:
        problems.add(Problem(shown, "the file is empty", line=1, column=1, code="empty",
                             hint="fill in its fields; for a record, `make new` writes one with every field explained"))
        return None, locator
    if not isinstance(data, dict):
        problems.add(Problem(shown, "the file must contain a mapping of fields (key: value)", line=1, column=1,
                             code="not-mapping", hint="each line starts with a field name, e.g. `title: ...`"))
        return None, locator
    return data, locator


def _validate(data: dict, locator: Locator, model_type: type[BaseModel], shown: str,
              problems: Problems) -> BaseModel | None:
    try:
        return model_type.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.add(_problem_from_error(error, locator, model_type, shown))
        return None


def _problem_from_error(error: Any, locator: Locator, model_type: type[BaseModel], shown: str) -> Problem:
    loc = tuple(error["loc"])
    line, column = locator.find(loc)
    kind = error["type"]
    message = error["msg"].removeprefix("Value error, ")
    hint = ""
    if kind == "extra_forbidden":
        line, column = locator.find_key(loc)
        known = _field_names(model_type, loc[:-1])
        message = f"unknown field '{loc[-1]}'"
        guess = difflib.get_close_matches(str(loc[-1]), known, n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else f"allowed here: {', '.join(known)}"
    elif kind == "missing":
        message = "this required field is missing"
        hint = f"add `{loc[-1]}:`; the field reference lists every field" if loc else ""
    elif not loc and kind == "value_error":
        # A rule across fields (e.g. withdrawal): point at the first field it names that is written.
        named = re.findall(r"`([a-z_]+)`", message)
        for name in [*named, "status"]:
            if (name,) in locator.positions:
                line, column = locator.find((name,))
                break
        return Problem(shown, message, line=line, column=column, field=named[0] if named else "",
                       code=kind)
    elif error.get("input") is None and kind in _EMPTY_KINDS:
        message = "this field is empty"
        hint = ("write a value after the colon" if _is_required(model_type, loc)
                else "write a value after the colon, or delete the line")
        if kind == "literal_error":
            hint = f"write one of {error.get('ctx', {}).get('expected', '')}"
        kind = "empty"
    elif kind in _PLAIN:
        message, hint = _PLAIN[kind]
        if kind == "string_type":
            hint = f"put the value in quotes: \"{error.get('input')}\""
        if kind in ("date_parsing", "date_from_datetime_parsing", "date_type"):
            message = f"'{error.get('input')}' is not a valid date"
    elif kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        message = f"'{error.get('input')}' is not allowed; expected {expected}"
        options = re.findall(r"'([^']*)'", expected)
        guess = difflib.get_close_matches(str(error.get("input")), options, n=1)
        hint = f"did you mean '{guess[0]}'?" if guess else ""
    elif kind == "string_pattern_mismatch" and loc and loc[-1] in ("url", "archive_url", "site_url"):
        message = "an address must start with http:// or https://"
        written = str(error.get("input", ""))
        if written and "://" not in written and " " not in written:
            hint = f"did you mean 'https://{written}'?"
    elif kind == "string_pattern_mismatch" and loc and (loc[-1] in ("id", "moved_to") or loc[0] == "related"):
        message = f"'{error.get('input')}' is not a valid ID"
        hint = "IDs use letters, digits and single hyphens, e.g. HS-0001"
    elif kind == "string_pattern_mismatch" and loc and loc[-1] in ("key", "source"):
        message = f"'{error.get('input')}' is not a valid source key"
        hint = "a key is one word: letters, digits, '.', '_' or '-', e.g. report or fn7"
    return Problem(shown, message, line=line, column=column, field=dotted(loc), hint=hint,
                   code=kind)


# Pydantic's wording, said plainly for people who do not write code: kind → (message, hint).
_PLAIN = {
    "string_type": ("this must be text", "put the value in quotes"),
    "string_too_short": ("this field is empty", "write the text after the colon, or delete the line if optional"),
    "list_type": ("this must be a list", "write [a, b] or one '- item' per line below the field"),
    "model_type": ("this must be a group of fields", "write the fields on the lines below, indented by two spaces"),
    "dict_type": ("this must be a group of fields", "write the fields on the lines below, indented by two spaces"),
    "bool_type": ("this must be true or false", "write true or false"),
    "bool_parsing": ("this must be true or false", "write true or false"),
    "too_short": ("this list needs at least one entry", "add an entry, each starting with '- '"),
    "date_type": ("not a valid date", "write the date as YYYY-MM-DD, e.g. 2020-10-03"),
    "date_parsing": ("not a valid date", "write the date as YYYY-MM-DD, e.g. 2020-10-03"),
    "date_from_datetime_parsing": ("not a valid date", "write the date as YYYY-MM-DD, e.g. 2020-10-03"),
}
# Errors that, with nothing written after the colon, just mean "you left this blank".
_EMPTY_KINDS = {"string_type", "list_type", "model_type", "dict_type", "bool_type", "literal_error",
                "date_type", "datetime_type", "int_type"}


def _field_names(model_type: type[BaseModel], loc: tuple) -> list[str]:
    """Names of the fields allowed at `loc`, for 'did you mean' suggestions."""
    current = _model_at(model_type, loc)
    return sorted(current.model_fields) if hasattr(current, "model_fields") else []


def _is_required(model_type: type[BaseModel], loc: tuple) -> bool:
    parent = _model_at(model_type, loc[:-1])
    info = parent.model_fields.get(loc[-1]) if parent is not None and loc else None
    return bool(info and info.is_required())


def _model_at(model_type: type[BaseModel], loc: tuple) -> Any:
    """The model of the fields at `loc` (list indexes skipped), or None."""
    current: Any = model_type
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if info is None:
            return None
        current = _model_in(info.annotation)
    return current


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


# --- checks across fields and records -------------------------------------


def _check_cross_references(info: CatalogueInfo, records: list[Record], moved: list[MovedRecord],
                            locators: dict[str, tuple[str, Locator]], root: Path,
                            problems: Problems, images: ImageInspector | None = None,
                            broken: set[str] | None = None,
                            hashes: dict[tuple[str, str], str] | None = None) -> None:
    vocab = {name: [t.id for t in getattr(info.vocabularies, name)]
             for name in type(info.vocabularies).model_fields}
    sections = [s.id for s in info.sections]
    all_ids = {r.id for r in records} | {m.id for m in moved}
    existing = all_ids | (broken or set())

    pending_images: list[tuple[str, int, Path]] = []  # (record id, media index, file) to open
    seen_lower: dict[str, str] = {}
    for item_id in sorted(all_ids):
        other = seen_lower.setdefault(item_id.lower(), item_id)
        if other != item_id:
            shown, locator = locators[item_id]
            line, col = locator.find(("id",))
            problems.add(Problem(shown, f"id '{item_id}' differs from '{other}' only in case",
                                 line=line, column=col, field="id", code="id-case",
                                 hint="IDs must differ by more than upper and lower case: some web hosts ignore case"))

    for item in moved:
        shown, locator = locators[item.id]
        if item.moved_to not in {r.id for r in records} | (broken or set()):
            line, col = locator.find(("moved_to",))
            guess = difflib.get_close_matches(item.moved_to, sorted(r.id for r in records), n=1)
            problems.add(Problem(shown, f"moved_to '{item.moved_to}' is not a published record",
                                 line=line, column=col, field="moved_to", code="moved-target",
                                 hint=f"did you mean '{guess[0]}'?" if guess else "give the ID of an existing record"))

    for record in records:
        shown, locator = locators[record.id]

        def report(path: tuple, message: str, hint: str = "", code: str = "", severity="error") -> None:
            line, col = locator.find(path)
            problems.add(Problem(shown, message, line=line, column=col, field=dotted(path),
                                 hint=hint, code=code, severity=severity))

        def check_term(path: tuple, value: str | None, name: str) -> None:
            if value is None or value in vocab[name]:
                return
            guess = difflib.get_close_matches(value, vocab[name], n=1, cutoff=0.5)
            report(path, f"'{value}' is not in the {name} vocabulary",
                   f"did you mean '{guess[0]}'?" if guess else f"one of: {', '.join(vocab[name])}",
                   "vocabulary")

        if record.section not in sections:
            guess = difflib.get_close_matches(record.section, sections, n=1, cutoff=0.5)
            report(("section",), f"'{record.section}' is not a section of catalogue.yaml",
                   f"did you mean '{guess[0]}'?" if guess else f"one of: {', '.join(sections)}", "vocabulary")
        check_term(("speaker", "type"), record.speaker.type, "speaker_types")
        check_term(("platform",), record.platform, "platforms")
        for i, group in enumerate(record.target_groups):
            check_term(("target_groups", i), group, "target_groups")
        for i, topic in enumerate(record.content_warning.topics):
            check_term(("content_warning", "topics", i), topic, "content_warning_topics")

        for i, related in enumerate(record.related):
            if related not in existing:
                guess = difflib.get_close_matches(related, sorted(existing), n=1)
                report(("related", i), f"related item '{related}' does not exist",
                       f"did you mean '{guess[0]}'?" if guess else "check the ID", "dangling-related")
            elif related == record.id:
                report(("related", i), "an item cannot be related to itself", code="dangling-related")

        keys = [s.key for s in record.sources]
        for i, source in enumerate(record.sources):
            if keys.index(source.key) != i:
                report(("sources", i, "key"), f"source key '{source.key}' is used twice",
                       "give each source its own key", code="duplicate-source")
            if source.url and not source.archive_url:
                report(("sources", i, "archive_url"), "this source has no archive copy",
                       "add archive_url (e.g. a web.archive.org snapshot) so the citation survives link rot",
                       "no-archive", severity="warning")

        def check_key(path: tuple, key: str | None) -> None:
            if key is not None and key not in keys:
                guess = difflib.get_close_matches(key, keys, n=1)
                report(path, f"source '{key}' is not one of this record's sources",
                       f"did you mean '{guess[0]}'?" if guess else f"defined keys: {', '.join(keys)}",
                       "dangling-source")

        for i, statement in enumerate(record.statements):
            check_key(("statements", i, "source"), statement.source)
        for i, media in enumerate(record.media):
            check_key(("media", i, "source"), media.source)
        for name in ("summary", "context"):
            for key in _FOOTNOTE.findall(getattr(record, name) or ""):
                check_key((name,), key)

        for i in _check_media_files(record, root / record.id, report):
            pending_images.append((record.id, i, root / record.id / record.media[i].file))

    if images is not None and pending_images:
        _check_image_contents(pending_images, images, records, locators, problems,
                              {} if hashes is None else hashes)


def _check_media_files(record: Record, folder: Path, report) -> list[int]:
    """Check where each media file is; return the indexes of those that are fine to open."""
    listed: set[str] = set()
    usable: list[int] = []
    for i, media in enumerate(record.media):
        problem = media_path_problem(folder, media)
        if problem:
            report(("media", i, "file"), problem[0], problem[1], problem[2])
        else:
            usable.append(i)
        if media.file in listed:
            report(("media", i, "file"), f"'{media.file}' is listed twice", "list each image once",
                   "duplicate-media")
        listed.add(media.file)
    for path in folder.iterdir():
        if path.suffix.lower() in IMAGE_SUFFIXES and path.name not in listed:
            report(("media",), f"image '{path.name}' is in the folder but not listed in media",
                   "add it to media (with alt text) or move it out of the folder", "unlisted-media")
    return usable


def _check_image_contents(pending: list[tuple[str, int, Path]], images: ImageInspector,
                          records: list[Record], locators: dict[str, tuple[str, Locator]],
                          problems: Problems, hashes: dict[tuple[str, str], str]) -> None:
    """Open every image (or trust the verifier's cache), and find the same image in two places."""
    by_id = {r.id: r for r in records}
    first_seen: dict[str, tuple[str, int, Path]] = {}
    for (item_id, index, path), (digest, fault) in zip(pending, images.inspect([p for _, _, p in pending])):
        shown, locator = locators[item_id]
        line, column = locator.find(("media", index, "file"))
        field_path = f"media[{index}].file"
        if fault is not None:
            message, hint, code = fault
            problems.add(Problem(shown, message, line=line, column=column, field=field_path, hint=hint, code=code))
        if digest is None:
            continue
        hashes[(item_id, by_id[item_id].media[index].file)] = digest
        other = first_seen.setdefault(digest, (item_id, index, path))
        if other[2] != path:
            where = str(Path(locators[other[0]][0]).with_name(other[2].name))
            problems.add(Problem(
                shown, f"'{by_id[item_id].media[index].file}' is the same image (same SHA-256) as {where}",
                line=line, column=column, field=field_path, code="duplicate-image",
                hint=("an image belongs to one record: list it once and link the items with `related`"
                      if other[0] != item_id else "list the image once")))


def media_path_problem(folder: Path, media: Media) -> tuple[str, str, str] | None:
    """Why `media.file` cannot be used, or None: it must be a real file inside `folder`."""
    candidate = folder / media.file
    parts = re.split(r"[/\\]", media.file)
    if ".." in parts or media.file.startswith(("/", "\\", "~")) or re.match(r"^[A-Za-z]:", media.file):
        return (f"'{media.file}' points outside the item's folder",
                "copy the image into the item's folder, beside record.yaml, and give just its name",
                "media-outside")
    if len(parts) > 1 or media.file.startswith("."):
        return (f"'{media.file}' is not a plain file name in the item's folder",
                "put the image beside record.yaml and give just its name", "media-path")
    if candidate.is_symlink():
        return (f"'{media.file}' is a symbolic link", "copy the real image into the folder", "media-symlink")
    if not candidate.is_file():
        names = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES) \
            if folder.is_dir() else []
        guess = difflib.get_close_matches(media.file, names, n=1, cutoff=0.6) \
            or [n for n in names if n.lower() == media.file.lower()]
        return (f"file '{media.file}' not found beside record.yaml",
                f"did you mean '{guess[0]}'?" if guess else "check the spelling and the extension",
                "missing-media")
    if candidate.suffix.lower() not in IMAGE_SUFFIXES:
        return (f"'{media.file}' is not an image type we publish",
                f"use one of {', '.join(sorted(IMAGE_SUFFIXES))}", "media-type")
    return None
