"""`check`: every problem in `evidence/`, found without building the site.

Loading (`loader.py`) finds the mistakes in the YAML. This module adds what
needs the image bytes: each image is opened and verified cheaply (no full
decode), guarded against decompression bombs, its content matched against its
extension, and hashed so that the same image in two records is caught.

`run_check` runs `pages.load_checked`, the very checks every build makes
before deriving media, so `make check` and `make site` report the same
messages. Both remember verified images by size and modification time in
`.cache/verified-images.json`: a warm build of 10,000 items re-reads none.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .loader import RECORD_FILE
from .media import FORMATS_BY_SUFFIX, MAX_PIXELS, Progress
from .problems import CatalogueError, Problem, Problems

# Bump when `_verify` checks something new, so images verified before are checked again.
VERIFIER_VERSION = "1"
CACHE_FILE = "verified-images.json"
# Below this many images a process pool costs more to start than it saves.
_POOL_THRESHOLD = 16
_SUFFIX_BY_FORMAT = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif", "TIFF": ".tif"}
# Pillow names a camera JPEG with extra frames (MPF) "MPO"; it is a JPEG all the same.
_SAME_FORMAT = {"MPO": "JPEG"}

Fault = tuple[str, str, str]  # message, hint, code


@dataclass(frozen=True)
class CheckResult:
    problems: list[Problem]
    records: int

    @property
    def errors(self) -> list[Problem]:
        return Problems(self.problems).errors

    @property
    def warnings(self) -> list[Problem]:
        return Problems(self.problems).warnings

    def summary(self) -> str:
        errors, warnings_ = len(self.errors), len(self.warnings)
        noun = "record" if self.records == 1 else "records"
        if errors:
            return (f"{_count(errors, 'error')} and {_count(warnings_, 'warning')} in {self.records} {noun}; "
                    "fix the errors, then run `make check` again.")
        return f"{self.records} {noun} checked: no errors, {_count(warnings_, 'warning')}."


def run_check(evidence: Path, *, cache: Path | None = None, progress: Progress | None = None) -> CheckResult:
    """Everything `make site` would reject or warn about, without building anything."""
    # Imported here: `pages` builds on this module (ImageVerifier).
    from .pages import load_checked

    try:
        catalogue = load_checked(evidence, cache or evidence.parent / ".cache", check_progress=progress)
        problems = list(catalogue.problems)
    except CatalogueError as exc:
        problems = list(exc.problems)
    records = sum(1 for p in evidence.glob(f"*/{RECORD_FILE}")) if evidence.is_dir() else 0
    return CheckResult(sorted(problems, key=_reading_order), records)


def _reading_order(problem: Problem) -> tuple[str, int, int]:
    return (problem.file, problem.line or 0, problem.column or 0)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


class ImageVerifier:
    """Checks image files; remembers the good ones by size and mtime in the cache folder."""

    def __init__(self, evidence: Path, cache: Path | None, *, progress: Progress | None = None,
                 workers: int | None = None):
        self.evidence = evidence
        self.cache_file = cache / CACHE_FILE if cache else None
        self.progress = progress
        self.workers = workers

    def inspect(self, paths: list[Path]) -> list[tuple[str | None, Fault | None]]:
        """For each image: its SHA-256 (None if unreadable) and what is wrong with it, if anything."""
        known = self._read_cache()
        results: list[tuple[str | None, Fault | None]] = [(None, None)] * len(paths)
        todo: list[int] = []
        stats: dict[int, os.stat_result] = {}
        for i, path in enumerate(paths):
            try:
                stats[i] = stat = path.stat()
            except OSError as exc:
                results[i] = (None, (f"'{path.name}' cannot be read: {exc.strerror}",
                                     "check that the file exists and that you may read it", "unreadable-image"))
                continue
            entry = known.get(self._key(path))
            if entry and entry.get("size") == stat.st_size and entry.get("mtime_ns") == stat.st_mtime_ns \
                    and entry.get("version") == VERIFIER_VERSION:
                results[i] = (entry["sha256"], None)
            else:
                todo.append(i)

        for done, (i, outcome) in enumerate(zip(todo, self._verify_all([str(paths[i]) for i in todo])), 1):
            digest, fault = outcome
            results[i] = (digest, fault)
            if fault is None and digest is not None:
                known[self._key(paths[i])] = {"size": stats[i].st_size, "mtime_ns": stats[i].st_mtime_ns,
                                              "sha256": digest, "version": VERIFIER_VERSION}
            if self.progress:
                self.progress(done, len(todo))
        if todo:
            self._write_cache(known)
        return results

    def _verify_all(self, paths: list[str]) -> list[tuple[str | None, Fault | None]]:
        workers = self.workers or min(os.cpu_count() or 1, 4)
        if workers <= 1 or len(paths) < _POOL_THRESHOLD:
            return [verify_image(p) for p in paths]
        with ProcessPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(verify_image, paths, chunksize=8))

    def _key(self, path: Path) -> str:
        try:
            return path.relative_to(self.evidence).as_posix()
        except ValueError:
            return str(path)

    def _read_cache(self) -> dict[str, dict]:
        if self.cache_file is None:
            return {}
        try:
            data = json.loads(self.cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_cache(self, known: dict[str, dict]) -> None:
        if self.cache_file is None:
            return
        # Write then rename, so a crash never leaves a half-written cache behind.
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_file.with_name(f".{CACHE_FILE}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(known, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.cache_file)
        except OSError:
            pass  # a cache that cannot be written only costs time on the next run


def verify_image(path_text: str) -> tuple[str | None, Fault | None]:
    """SHA-256 of the file and, if it cannot be published, why. Never raises."""
    path = Path(path_text)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, (f"'{path.name}' cannot be read: {exc.strerror or exc}",
                      "check the file's permissions, or copy it again", "unreadable-image")
    digest = hashlib.sha256(data).hexdigest()
    try:
        return digest, _verify(path, data)
    except Image.DecompressionBombError:
        return digest, (f"'{path.name}' is too large to process safely (over {MAX_PIXELS // 1_000_000} "
                        "megapixels, a possible decompression bomb)",
                        "resize the image to a normal photo size before adding it", "image-bomb")
    except UnidentifiedImageError:
        return digest, (f"'{path.name}' is not a readable image (corrupt, or not an image at all)",
                        "open it in an image viewer; export it again as JPEG or PNG", "corrupt-image")
    except Exception as exc:  # noqa: BLE001 - any decoder failure means the image is unusable
        return digest, (f"'{path.name}' is damaged: {exc}",
                        "open it in an image viewer; export it again as JPEG or PNG", "corrupt-image")


def _verify(path: Path, data: bytes) -> Fault | None:
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    with warnings.catch_warnings():
        # Pillow only warns between MAX_PIXELS and twice that; we refuse both.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                found = _SAME_FORMAT.get(image.format or "", image.format)
                # Header and structure only (PNG chunk checksums, etc.): cheap.
                image.verify()
            if found == "JPEG":
                # `verify` does not read JPEG data; a decode at 1/8 scale catches truncation, cheaply.
                with Image.open(io.BytesIO(data)) as image:
                    image.draft("RGB", (64, 64))
                    image.load()
        except Image.DecompressionBombWarning:
            raise Image.DecompressionBombError("bomb") from None
    expected = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if found != expected:
        right = _SUFFIX_BY_FORMAT.get(found or "")
        hint = (f"rename it to '{path.stem}{right}'" if right
                else "export it again as JPEG or PNG")
        return (f"'{path.name}' contains a {found or 'unknown'} image, but its extension says "
                f"{expected or path.suffix}", hint, "image-type-mismatch")
    return None
