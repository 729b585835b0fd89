"""MkDocs hook: a thin shell around the core in `scripts/catalogue/`.

- on_config: load and check `evidence/`, derive media, render pages; take the
  site's name and URL from `catalogue.yaml`; put the browse pages in the nav;
  build into a staging folder so a failed build never touches `site/`.
- on_files: add the generated pages and media with `File.generated` (nothing
  is written into `docs/`).
- on_post_build: index the item pages with Pagefind (`catalogue.search`), then
  swap the staging folder into place.
- on_shutdown: with CATALOGUE_TIMINGS=<file> set, write the timings of the
  build's phases there (the benchmark, `scripts/bench.py`, reads them).

Under `mkdocs serve` a bad record does not stop the server: the problems are
logged and shown on an error page in place of the home page, and the next
save rebuilds normally.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
import time
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalogue import publish, search  # noqa: E402
from catalogue.media import terminal_progress  # noqa: E402
from catalogue.outlinks import harden_links  # noqa: E402
from catalogue.pages import Build, build_site  # noqa: E402
from catalogue.registry import register  # noqa: E402
from catalogue.problems import CatalogueError, Problem  # noqa: E402
from catalogue.reference import reference_pages  # noqa: E402
from catalogue.text import esc  # noqa: E402

log = logging.getLogger("mkdocs.hooks.catalogue")

_command = "build"
_build: Build | None = None
_error_pages: dict[str, str] = {}  # under serve, when the records have errors
_final_site: Path | None = None
_warnings = CountHandler()
_warnings.setLevel(logging.WARNING)
# When the engine's own work starts and ends, for CATALOGUE_TIMINGS (the benchmark).
_clock: dict[str, float] = {}


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build, _final_site, _error_pages
    project = Path(config.config_file_path).resolve().parent
    _error_pages = {}
    try:
        _build = build_site(project / "evidence", project / ".cache",
                            progress=terminal_progress("Deriving media"),
                            check_progress=terminal_progress("Checking images"))
    except CatalogueError as exc:
        if _command != "serve":
            raise PluginError(exc.report()) from None
        # Keep the preview server alive: show the problems until the next save fixes them.
        _build = None
        for problem in exc.problems:
            (log.error if problem.severity == "error" else log.warning)(problem.format())
        _error_pages = {"index.md": _error_page(exc.problems), **reference_pages()}
        config.nav = [{"Errors in the records": "index.md"}, *list(config.nav or [])]
        return config
    for problem in _build.catalogue.problems:
        log.info(problem.format())  # warnings of the records; `check` lists them too
    info = _build.catalogue.info
    # Material prints these unescaped (in <title>, the header, meta tags), so escape them here.
    config.site_name = esc(info.title)
    config.site_url = info.site_url
    config.site_description = esc(info.publisher)
    config.theme["language"] = info.language
    config.nav = _build.site.nav + list(config.nav or [])

    if _command == "build":
        # The records, pages and data built above live until the end of the build: keep
        # the cyclic garbage collector from re-scanning them all through MkDocs' work
        # (about 9 % of a warm build at 10,000 items). Not under `serve`, which rebuilds.
        gc.freeze()
        # Stage the build; `site/` changes only when everything succeeded.
        _final_site = Path(config.site_dir)
        config.site_dir = str(publish.staging_dir(_final_site))
        if config.strict:
            logging.getLogger("mkdocs").addHandler(_warnings)
    return config


def _error_page(problems: list[Problem]) -> str:
    errors = [p for p in problems if p.severity == "error"]
    items = "".join(f"<li><code>{esc(p.format())}</code></li>\n" for p in problems)
    return ("---\ntitle: Errors in the records\n---\n\n"
            f'<div class="ec-check-errors" role="alert">\n<h1 id="errors">{len(errors)} error(s) in the records</h1>\n'
            "<p>Nothing is published until they are fixed. Fix each line below and save: "
            "this page reloads by itself. <code>make check</code> lists the same problems.</p>\n"
            f"<ol>\n{items}</ol>\n</div>\n")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    if _build is None:
        for path, source in _error_pages.items():
            files.append(File.generated(config, path, content=source))
        return files
    for path, source in _build.site.pages.items():
        files.append(File.generated(config, path, content=source))
    for path, original in _build.site.files.items():
        files.append(File.generated(config, path, abs_src_path=str(original)))
    for path, content in _build.site.data.items():  # open data, citation downloads, redirects
        files.append(File.generated(config, path, content=content))
    # MkDocs' File objects now hold the content; drop our references so each page's
    # source can be freed as soon as MkDocs is done with it (~300 MB at 10,000 items).
    _build.site.pages.clear()
    _build.site.data.clear()
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # MkDocs now holds the page's Markdown; the generated file's copy of the same source
    # is never read again, and at 10,000 items the two copies cost ~280 MB.
    if page.file.generated_by is not None:
        page.file.content_string = ""
    return markdown


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    # Generated pages already carry rel="noopener noreferrer"; hand-written ones get it here.
    if page.file.generated_by is not None:
        return html
    return harden_links(html, config.site_url or "")


def on_pre_build(config: MkDocsConfig) -> None:
    _clock["engine_start"] = time.perf_counter()


def on_post_build(config: MkDocsConfig) -> None:
    _clock["engine_end"] = time.perf_counter()
    if _final_site is None:
        _index_search(Path(config.site_dir))  # `mkdocs serve`: no staging folder
        return
    staging = Path(config.site_dir)
    if config.strict and _warnings.get_counts():
        publish.discard(staging)
        return  # MkDocs aborts right after this hook and reports the warnings
    # Indexed before the swap: a failed index leaves `site/` as it was.
    _index_search(staging)
    publish.swap_into_place(staging, _final_site)
    log.info(f"Published the catalogue to {_final_site}")
    # Only a published build makes IDs permanent (`serve` never reaches this line).
    if _build is not None and (added := register(_build.catalogue)):
        shown = ", ".join(added[:10]) + (f" and {len(added) - 10} more" if len(added) > 10 else "")
        log.info(f"Registered {len(added)} new ID(s) in evidence/published.txt: {shown}")


def _index_search(site: Path) -> None:
    """Pagefind indexes the finished item pages into `<site>/pagefind/`."""
    if _build is None:
        return  # `serve` showing the records' errors: nothing to search
    try:
        result = search.index_site(site)
    except search.SearchIndexError as exc:
        raise PluginError(str(exc)) from None
    _build.timings["search_index_s"] = result.seconds
    log.info(f"Search index: {result.pages} items, {result.words} words, "
             f"{result.bundle_bytes / 1024:.0f} KB, in {result.seconds:.1f} s")


def on_build_error(error: Exception) -> None:
    if _final_site is not None:
        publish.discard(publish.staging_dir(_final_site))


def on_shutdown() -> None:
    _write_timings()


def _write_timings() -> None:
    """With CATALOGUE_TIMINGS=<file> set (`scripts/bench.py` sets it), write the phase timings there."""
    target = os.environ.get("CATALOGUE_TIMINGS")
    if not target or _build is None:
        return
    timings: dict[str, float | int] = dict(_build.timings)
    timings["images"] = len(_build.media.assets)
    timings["images_processed"] = _build.media.processed
    if "engine_start" in _clock and "engine_end" in _clock:
        # MkDocs turning the pages into HTML and writing the site; then the post-build
        # step (search index, swap into place), up to now.
        timings["engine_s"] = _clock["engine_end"] - _clock["engine_start"]
        timings["post_build_s"] = time.perf_counter() - _clock["engine_end"]
    Path(target).write_text(json.dumps(timings), encoding="utf-8")
