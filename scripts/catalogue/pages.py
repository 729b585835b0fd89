"""The whole generated site as data: Markdown pages and files to copy.

`generate` is pure (catalogue in, pages out), so the MkDocs hook, the
Markdown export and the benchmark all share it; `write_markdown` puts the
result in a folder for any other engine.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import urls
from .check import ImageVerifier
from .citation import build_date, citation_data, citation_files
from .exports import export_files
from .loader import Catalogue, load_catalogue
from .media import MediaResult, Progress, check_published_originals, derive_media
from .problems import CatalogueError
from .registry import check_registry
from .render_head import CARD_PATH, neutral_card
from .render_item import render_item
from .reference import reference_pages
from .render_lists import render_chronology, render_home, render_sections
from .render_redirect import redirect_path, render_redirect
from .versions import item_version


@dataclass
class GeneratedSite:
    pages: dict[str, str] = field(default_factory=dict)     # Markdown path → source
    files: dict[str, Path] = field(default_factory=dict)    # site path → file on disk
    data: dict[str, str | bytes] = field(default_factory=dict)  # site path → generated content
    nav: list[dict[str, object]] = field(default_factory=list)


def generate(catalogue: Catalogue, media: MediaResult, built: date | None = None) -> GeneratedSite:
    built = built or build_date()
    site = GeneratedSite()
    site.pages[urls.source_path(urls.home())] = render_home(catalogue, media)
    for path, source in render_sections(catalogue, media):
        site.pages[path] = source
    for path, source in render_chronology(catalogue, media):
        site.pages[path] = source
    for record in catalogue.records:
        site.pages[urls.source_path(urls.item(record.id))] = render_item(record, catalogue, media, built)
        site.data.update(citation_files(citation_data(record, catalogue, item_version(record, catalogue, media)), built))
        for item in record.media:
            asset = media.asset(record.id, item.file)
            for kind, derivative in (("thumb", asset.thumb), ("display", asset.display)):
                site.files[urls.item_media(record.id, asset.published_name(kind))] = media.cached_path(derivative)
            if item.publish_original:
                site.files[urls.item_media(record.id, item.file)] = catalogue.folder(record.id) / item.file
    # A moved item's permalink stays alive as a redirect; open data and the preview card.
    for moved in catalogue.moved:
        site.data[redirect_path(moved.id)] = render_redirect(moved, catalogue)
    site.data.update(export_files(catalogue, media, built))
    site.data[CARD_PATH] = neutral_card()
    # The field reference is generated from the models, so it never drifts from the validator.
    site.pages.update(reference_pages(catalogue.info))
    site.nav = [
        {"Home": urls.source_path(urls.home())},
        {"Sections": [{s.title: urls.source_path(urls.section(s.id))} for s in catalogue.info.sections]},
        {"All items by date": urls.source_path(urls.chronology())},
    ]
    return site


@dataclass
class Build:
    catalogue: Catalogue
    media: MediaResult
    site: GeneratedSite
    timings: dict[str, float]


def load_checked(evidence: Path, cache: Path, *, workers: int | None = None,
                 check_progress: Progress | None = None) -> Catalogue:
    """Every check a build makes before deriving media; `make check` runs exactly this."""
    images = ImageVerifier(evidence, cache, progress=check_progress, workers=workers)
    catalogue = load_catalogue(evidence, project_root=evidence.parent, images=images)
    # Permalinks never break: a published ID without a record stops the build.
    registry_problems = check_registry(catalogue, evidence.parent)
    if any(p.severity == "error" for p in registry_problems):
        raise CatalogueError(registry_problems)
    catalogue.problems.extend(registry_problems)
    # An original goes out byte for byte, so one that carries metadata stops the build.
    original_problems = check_published_originals(catalogue)
    if original_problems:
        raise CatalogueError(original_problems)
    return catalogue


def build_site(evidence: Path, cache: Path, *, progress: Progress | None = None,
               workers: int | None = None, check_progress: Progress | None = None) -> Build:
    """Load, check (images included, as `make check` does), derive media and render."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    catalogue = load_checked(evidence, cache, workers=workers, check_progress=check_progress)
    timings["load_validate_s"] = time.perf_counter() - started
    media = derive_media(catalogue, cache / "media", progress=progress, workers=workers)
    timings["media_s"] = media.seconds
    started = time.perf_counter()
    site = generate(catalogue, media)
    timings["render_s"] = time.perf_counter() - started
    return Build(catalogue, media, site, timings)


def write_markdown(site: GeneratedSite, out: Path) -> None:
    """Write pages and files into `out` (e.g. a docs_dir for another engine)."""
    for path, source in site.pages.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(source, encoding="utf-8")
    for path, source in site.files.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for path, content in site.data.items():
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8", newline="")
