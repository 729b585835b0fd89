"""MkDocs hook: a thin shell around the core in `scripts/catalogue/`.

- on_config: load and check `evidence/`, derive media, render pages; take the
  site's name and URL from `catalogue.yaml`; put the browse pages in the nav;
  build into a staging folder so a failed build never touches `site/`.
- on_files: add the generated pages and media with `File.generated` (nothing
  is written into `docs/`).
- on_post_build: swap the staging folder into place.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.utils import CountHandler

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalogue import publish  # noqa: E402
from catalogue.media import terminal_progress  # noqa: E402
from catalogue.pages import Build, build_site  # noqa: E402
from catalogue.problems import CatalogueError  # noqa: E402

log = logging.getLogger("mkdocs.hooks.catalogue")

_command = "build"
_build: Build | None = None
_final_site: Path | None = None
_warnings = CountHandler()
_warnings.setLevel(logging.WARNING)


def on_startup(command: str, dirty: bool) -> None:
    global _command
    _command = command


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _build, _final_site
    project = Path(config.config_file_path).resolve().parent
    try:
        _build = build_site(project / "evidence", project / ".cache",
                            progress=terminal_progress("Deriving media"))
    except CatalogueError as exc:
        raise PluginError(exc.report()) from None
    for problem in _build.catalogue.problems:
        log.info(problem.format())  # warnings of the records; `check` lists them too
    info = _build.catalogue.info
    config.site_name = info.title
    config.site_url = info.site_url
    config.site_description = info.publisher
    config.theme["language"] = info.language
    config.nav = _build.site.nav + list(config.nav or [])

    if _command == "build":
        # Stage the build; `site/` changes only when everything succeeded.
        _final_site = Path(config.site_dir)
        config.site_dir = str(publish.staging_dir(_final_site))
        if config.strict:
            logging.getLogger("mkdocs").addHandler(_warnings)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _build is not None
    for path, source in _build.site.pages.items():
        files.append(File.generated(config, path, content=source))
    for path, original in _build.site.files.items():
        files.append(File.generated(config, path, abs_src_path=str(original)))
    return files


def on_post_build(config: MkDocsConfig) -> None:
    if _final_site is None:
        return
    staging = Path(config.site_dir)
    if config.strict and _warnings.get_counts():
        publish.discard(staging)
        return  # MkDocs aborts right after this hook and reports the warnings
    publish.swap_into_place(staging, _final_site)
    log.info(f"Published the catalogue to {_final_site}")


def on_build_error(error: Exception) -> None:
    if _final_site is not None:
        publish.discard(publish.staging_dir(_final_site))
