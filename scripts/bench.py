"""Benchmark: build a synthetic catalogue of N items cold, warm, and as plain Material.

    PYTHONPATH=scripts .venv/bin/python scripts/bench.py --items 1000 [--search] [--photos 50]

Steps, each build in its own `python -m mkdocs build --strict` process:

1. generate N deterministic items (`synthetic.py`) into a temporary project that
   uses this repository's mkdocs.yml, docs, theme overrides and hook;
2. cold build (empty `.cache`), then warm build (nothing changed);
3. baseline: the same generated Markdown, exported with the core
   (`pages.build_site` + `write_markdown`), built by plain Material with no hook,
   no theme overrides and only the browse pages in the nav; built twice, into an
   empty folder (compared with the cold build) and over its own output (compared
   with the warm build, which also replaces a previous site);
4. `--search`: the built site served on 127.0.0.1 and searched in headless
   Chromium, counting bytes transferred and time to the first result;
5. `--photos K`: the media pipeline alone on K generated 12-megapixel JPEGs.

Per-phase seconds come from the hook, which writes them to the file named by
CATALOGUE_TIMINGS. Progress goes to stderr; the last line on stdout is one JSON
object with every figure.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import synthetic  # noqa: E402

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# One English word and one Russian word form that the synthetic statements use.
QUERIES = ["negotiations", "террористами"]
_POLL_S = 0.2
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--items", type=int, required=True, help="number of synthetic items")
    parser.add_argument("--search", action="store_true", help="measure a search in headless Chromium")
    parser.add_argument("--photos", type=int, default=0, metavar="K",
                        help="also time the media pipeline on K 12-megapixel JPEGs")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (created) and keep it, instead of a temporary folder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true",
                        help="also run a warm build under cProfile and print the hot spots to stderr")
    args = parser.parse_args(argv)
    if args.items < 1:
        parser.error("--items must be at least 1")

    workdir = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="catalogue-bench-"))
    try:
        result = run(args, workdir)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


def run(args: argparse.Namespace, workdir: Path) -> dict:
    project = workdir / "project"
    logs = workdir / "logs"
    for stale in (project, workdir / "baseline", workdir / "photos", logs):
        shutil.rmtree(stale, ignore_errors=True)
    logs.mkdir(parents=True)
    started = time.perf_counter()
    say(f"Generating {args.items} synthetic items in {project}")
    make_project(project, args.items, args.seed)
    say(f"  generated in {time.perf_counter() - started:.1f} s")

    say("Cold build (empty cache)")
    cold = build(project, "cold", logs, timings=True)
    say(f"  {cold.seconds:.1f} s, peak RSS {cold.peak_rss_mb:.0f} MB")
    say("Warm build (nothing changed)")
    warm = build(project, "warm", logs, timings=True)
    say(f"  {warm.seconds:.1f} s, peak RSS {warm.peak_rss_mb:.0f} MB")
    site = project / "site"
    site_figures = measure_site(site)

    say("Baseline: the same Markdown, plain Material, no hook")
    # In a child process: a child forked from a large process reports that size as its own
    # peak RSS (Linux keeps the high-water mark across exec), so this process stays small.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        baseline_project = pool.submit(export_baseline, project, workdir / "baseline").result()
    baseline = build(baseline_project, "baseline", logs, timings=False, strict=False)
    say(f"  {baseline.seconds:.1f} s, peak RSS {baseline.peak_rss_mb:.0f} MB")
    # Built again over its own output, as our warm build replaces the previous site: MkDocs
    # deletes the old files first, our hook after (tens of thousands of files at N=10,000).
    say("Baseline again, over its previous output")
    rebuilt = build(baseline_project, "baseline-again", logs, timings=False, strict=False)
    say(f"  {rebuilt.seconds:.1f} s")

    cold_phases, warm_phases = cold.phases(), warm.phases()
    images = int(cold.timings.get("images", 0))
    result: dict = {
        "items": args.items,
        "seed": args.seed,
        "cpus": os.cpu_count(),
        "cold_s": _r(cold.seconds),
        "warm_s": _r(warm.seconds),
        "baseline_s": _r(baseline.seconds),
        "baseline_rebuild_s": _r(rebuilt.seconds),
        # CPU seconds are steadier than wall time on a machine shared with other work.
        "cold_cpu_s": _r(cold.cpu_s),
        "warm_cpu_s": _r(warm.cpu_s),
        "baseline_cpu_s": _r(baseline.cpu_s),
        "baseline_rebuild_cpu_s": _r(rebuilt.cpu_s),
        **{k: _r(v) for k, v in cold_phases.items()},
        "images": images,
        "images_per_s": _r(images / cold_phases["media_s"]) if cold_phases["media_s"] > 0 else None,
        "warm_images_processed": int(warm.timings.get("images_processed", -1)),
        # The targets: cold without media and search index <= 1.3x baseline (both
        # into an empty folder); warm without search index <= 1.1x baseline (both replacing
        # their previous output).
        "cold_without_media_search_s": _r(cold.seconds - cold_phases["media_s"] - cold_phases["search_index_s"]),
        "warm_without_search_s": _r(warm.seconds - warm_phases["search_index_s"]),
        "peak_rss_mb": _r(max(cold.peak_rss_mb, warm.peak_rss_mb)),
        "peak_rss_tree_mb": _r(max(cold.tree_rss_mb, warm.tree_rss_mb)),
        "baseline_peak_rss_mb": _r(baseline.peak_rss_mb),
        # Sampled every 0.2 s: MkDocs itself, media workers (python) and Pagefind, each at its largest.
        "peak_rss_by_process_mb": {name: max(cold.by_process_mb.get(name, 0), warm.by_process_mb.get(name, 0))
                                   for name in {**cold.by_process_mb, **warm.by_process_mb}},
        **site_figures,
        "cold_phases": {k: _r(v) for k, v in cold_phases.items()},
        "warm_phases": {k: _r(v) for k, v in warm_phases.items()},
    }
    result["cold_vs_baseline"] = _r(result["cold_without_media_search_s"] / baseline.seconds)
    result["warm_vs_baseline"] = _r(result["warm_without_search_s"] / rebuilt.seconds)

    if args.search:
        say("Search in headless Chromium")
        result["search"] = measure_search(site, QUERIES)
    if args.photos:
        say(f"Media pipeline alone on {args.photos} 12-megapixel photos")
        result["photos"] = measure_photos(workdir / "photos", args.photos, args.seed)
    if args.profile:
        say("Profiling a warm build (cProfile)")
        result["profile"] = str(profile_build(project, logs))
    if args.keep:
        result["workdir"] = str(workdir)
    return result


# --- the project ----------------------------------------------------------


def make_project(project: Path, items: int, seed: int) -> None:
    """This repository's site configuration, docs and theme, with synthetic evidence."""
    project.mkdir(parents=True)
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copytree(ROOT / "overrides", project / "overrides")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    # Hooks are named relative to the repository; point them back at it.
    config = config.replace("- scripts/", f"- {ROOT / 'scripts'}/")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    synthetic.write_catalogue(project / "evidence", items, seed=seed, workers=_cpus())


def export_baseline(project: Path, baseline: Path) -> Path:
    """The generated Markdown in a plain docs folder, with a minimal Material config."""
    from catalogue.pages import build_site, write_markdown

    import yaml

    built = build_site(project / "evidence", project / ".cache")  # warm cache: no image work
    write_markdown(built.site, baseline / "docs")
    config = {
        "site_name": built.catalogue.info.title,
        "site_url": built.catalogue.info.site_url,
        "docs_dir": "docs",
        "use_directory_urls": True,
        "theme": {"name": "material", "font": False, "language": built.catalogue.info.language},
        "plugins": [],
        "nav": built.site.nav,
        "validation": {"nav": {"omitted_files": "ignore"}},
    }
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    (baseline / "mkdocs.yml").write_text(text + _markdown_extensions(project / "mkdocs.yml"), encoding="utf-8")
    return baseline


def _markdown_extensions(config: Path) -> str:
    # Copied as text: the block may hold YAML tags (!!python/name:...) a safe loader rejects.
    lines = config.read_text(encoding="utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("markdown_extensions:")), None)
    if start is None:
        return ""
    block = [lines[start]]
    for line in lines[start + 1:]:
        if line and not line[0].isspace() and not line.startswith("#"):
            break
        block.append(line)
    return "\n".join(block) + "\n"


# --- builds ---------------------------------------------------------------


@dataclass
class Build:
    seconds: float
    peak_rss_mb: float          # the largest single process: MkDocs, a media worker or Pagefind
    tree_rss_mb: float          # the whole process tree at its largest (sampled)
    cpu_s: float                # user + system time of the build and the processes it ran
    timings: dict = field(default_factory=dict)
    by_process_mb: dict[str, float] = field(default_factory=dict)  # sampled peak per program

    def phases(self) -> dict[str, float]:
        """Seconds per phase; they add up to the wall time."""
        t = self.timings
        search = float(t.get("search_index_s", t.get("post_build_s", 0.0)))
        load, media, render = (float(t.get(k, 0.0)) for k in ("load_validate_s", "media_s", "render_s"))
        return {
            "load_validate_s": load,
            "media_s": media,
            "render_s": render,
            # What the engine does: Python start-up, config, Markdown to HTML, templates, writing.
            "mkdocs_s": self.seconds - load - media - render - search,
            "mkdocs_pages_s": float(t.get("engine_s", 0.0)),
            "search_index_s": search,
        }


def build(project: Path, name: str, logs: Path, *, timings: bool, strict: bool = True) -> Build:
    timings_file = logs / f"{name}-timings.json"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if timings:
        env["CATALOGUE_TIMINGS"] = str(timings_file)
    command = [sys.executable, "-m", "mkdocs", "build"] + (["--strict"] if strict else [])
    log_path = logs / f"{name}.log"
    with log_path.open("w", encoding="utf-8") as log:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=project, stdout=log, stderr=subprocess.STDOUT, env=env)
        tree_peak, by_process = _watch(process.pid)
        # wait4 gives this child's own resource usage (the maximum RSS of it and of the
        # processes it waited for), where RUSAGE_CHILDREN would mix every build.
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        tail = "\n".join(log_path.read_text(encoding="utf-8").splitlines()[-30:])
        raise SystemExit(f"The {name} build failed (exit {process.returncode}); log {log_path}:\n{tail}")
    data = json.loads(timings_file.read_text(encoding="utf-8")) if timings else {}
    return Build(seconds, usage.ru_maxrss / 1024, tree_peak / 2**20, usage.ru_utime + usage.ru_stime, data,
                 {name: _r(peak / 2**20) for name, peak in by_process.items()})


def _watch(pid: int) -> tuple[int, dict[str, int]]:
    """Until `pid` exits (left unreaped): the largest RSS in bytes of it and its descendants
    together, and the largest of each program (MkDocs is `python`, the index `pagefind...`)."""
    peak = 0
    by_program: dict[str, int] = {}
    while os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        sizes = [(p, _rss(p)) for p in _tree(pid)]
        peak = max(peak, sum(size for _, size in sizes))
        for p, size in sizes:
            name = "mkdocs" if p == pid else _program(p)
            by_program[name] = max(by_program.get(name, 0), size)
        time.sleep(_POLL_S)
    return peak, by_program


def _program(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def _tree(pid: int) -> Iterator[int]:
    yield pid
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in children:
            yield from _tree(int(child))


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE_SIZE
    except (OSError, IndexError, ValueError):
        return 0


def profile_build(project: Path, logs: Path) -> Path:
    import pstats

    out = logs / "warm.prof"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "mkdocs", "build", "--strict"],
                   cwd=project, env=env, check=True, capture_output=True)
    stats = pstats.Stats(str(out), stream=sys.stderr)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)
    return out


# --- the built site -------------------------------------------------------


def measure_site(site: Path) -> dict:
    files = [p for p in site.rglob("*") if p.is_file()]
    item_pages = {p.parent.name: p.stat().st_size for p in site.glob("items/*/index.html")}
    first = [synthetic.item_id(i) for i in range(1, 101)]
    bundle = site / "pagefind"
    return {
        "site_bytes": sum(p.stat().st_size for p in files),
        "site_files": len(files),
        "item_pages": len(item_pages),
        "item_page_bytes_max": max(item_pages.values(), default=0),
        "item_page_bytes_mean": _r(sum(item_pages.values()) / len(item_pages)) if item_pages else 0,
        # Items 1-100 are the same at any N, so this compares like with like across sizes.
        "item_pages_first100_bytes": sum(item_pages.get(i, 0) for i in first),
        "pagefind_bytes": sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()) if bundle.is_dir() else 0,
    }


# --- search in Chromium ---------------------------------------------------

_SEARCH_JS = """async (query) => {
  const started = performance.now();
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.init();
  const search = await pagefind.search(query);
  const first = search.results.length ? await search.results[0].data() : null;
  return {ms: performance.now() - started, results: search.results.length,
          first_url: first ? first.url : null, first_title: first ? first.meta.title : null};
}"""
_BLANK = "__bench_blank__.html"
_COMPRESSIBLE = {".html", ".js", ".css", ".json", ".svg", ".xml", ".txt"}


def measure_search(site: Path, queries: list[str]) -> dict:
    """Per query, in a fresh browser profile: bytes and time from the first keystroke to a result."""
    if not (site / "pagefind" / "pagefind.js").is_file():
        return {"skipped": "the site has no pagefind/ bundle (search index not built)"}
    if not CHROMIUM.exists():
        return {"skipped": f"no Chromium at {CHROMIUM}"}
    from playwright.sync_api import sync_playwright

    counter = _Counter(site)
    handler = functools.partial(_CountingHandler, counter, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results: dict = {"server": "python http.server, no compression; bytes as sent by the server",
                     "queries": {}}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for query in queries:
                results["queries"][query] = _search_once(browser, base, query, counter)
                if (site / "search" / "index.html").is_file():
                    results["queries"][query]["search_page"] = _search_page_once(browser, base, query, counter)
            browser.close()
    finally:
        server.shutdown()
    api = [r for r in results["queries"].values() if "bytes" in r]
    if api:
        results["bytes_max"] = max(r["bytes"] for r in api)
        results["first_result_s_max"] = max(r["first_result_s"] for r in api)
    return results


def _search_once(browser, base: str, query: str, counter: _Counter) -> dict:
    """Pagefind's own API on an otherwise empty page of the site's origin: the search alone,
    in a fresh browser profile (nothing cached)."""
    context = browser.new_context()
    page = context.new_page()
    # An empty page at the site's origin (answered by the browser, not the server), so the
    # import below is same-origin and nothing else (theme CSS and JavaScript) is counted.
    page.route(base + _BLANK, lambda route: route.fulfill(
        status=200, content_type="text/html", body="<!doctype html><title>bench</title>"))
    page.goto(base + _BLANK)
    counter.reset()
    found = page.evaluate(_SEARCH_JS, query)
    sent = counter.reset()
    context.close()
    return {**sent, "first_result_s": _r(found["ms"] / 1000), "results": found["results"],
            "first_url": found["first_url"], "first_title": found["first_title"]}


def _search_page_once(browser, base: str, query: str, counter: _Counter) -> dict:
    """The search page opened with the query in its URL: everything a reader downloads
    (page, theme, search bundle) until the first result's fragment has arrived."""
    context = browser.new_context()
    page = context.new_page()
    counter.reset()
    started = time.perf_counter()
    try:
        with page.expect_response(lambda r: "/pagefind/fragment/" in r.url, timeout=15_000) as response:
            page.goto(f"{base}search/?q={urllib.parse.quote(query)}")
        response.value.finished()
        elapsed: float | None = time.perf_counter() - started
    except Exception as exc:  # noqa: BLE001 - any failure is a finding to report, not a crash
        elapsed = None
        note = f"no result fragment within 15 s ({type(exc).__name__})"
    else:
        note = "from navigation start to the first result's fragment"
    page.wait_for_load_state("load")
    sent = counter.reset()
    context.close()
    return {**sent, "first_result_s": _r(elapsed) if elapsed is not None else None, "note": note}


class _Counter:
    """What the server sent (status lines, headers and bodies), request by request.

    Counted at the server because Pagefind fetches its index from a Web Worker,
    whose requests a page's DevTools session does not see."""

    def __init__(self, site: Path) -> None:
        self._lock = threading.Lock()
        self._site = site
        self.bytes = 0
        self.paths: list[str] = []

    def add(self, n: int) -> None:
        with self._lock:
            self.bytes += n

    def request(self, path: str) -> None:
        with self._lock:
            self.paths.append(path)

    def reset(self) -> dict:
        with self._lock:
            figures = {"bytes": self.bytes, "requests": len(self.paths),
                       "bytes_gzip": sum(self._gzipped(p) for p in self.paths)}
            self.bytes, self.paths = 0, []
        return figures

    def _gzipped(self, path: str) -> int:
        # What a host that compresses text (as GitHub Pages does) would send, bodies only.
        # Pagefind's index files are compressed already.
        file = self._site / urllib.parse.unquote(path.split("?", 1)[0]).lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            return 0
        data = file.read_bytes()
        if file.suffix in _COMPRESSIBLE:
            return len(gzip.compress(data, compresslevel=6))
        return len(data)


class _CountingWriter:
    def __init__(self, raw, counter: _Counter) -> None:
        self._raw, self._counter = raw, counter

    def write(self, data: bytes) -> int:
        self._counter.add(len(data))
        return self._raw.write(data)

    def __getattr__(self, name: str):
        return getattr(self._raw, name)


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    def __init__(self, counter: _Counter, *args, **kwargs) -> None:
        self.counter = counter
        super().__init__(*args, **kwargs)

    def setup(self) -> None:
        super().setup()
        self.wfile = _CountingWriter(self.wfile, self.counter)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        self.counter.request(self.path)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


# --- the media pipeline on photos -----------------------------------------


def measure_photos(folder: Path, count: int, seed: int) -> dict:
    from catalogue.loader import load_catalogue
    from catalogue.media import derive_media

    evidence = folder / "evidence"
    synthetic.write_catalogue(evidence, count, seed=seed, workers=_cpus(), photos=True)
    catalogue = load_catalogue(evidence, project_root=folder)
    sizes = [p.stat().st_size for p in evidence.glob("*/photo.jpg")]
    before = os.times()
    media = derive_media(catalogue, folder / "cache")
    after = os.times()
    # The workers are this process's children; their CPU time is counted once they exit.
    cpu = (after.children_user - before.children_user + after.children_system - before.children_system
           + after.user - before.user + after.system - before.system)
    return {
        "photos": media.processed,
        "megapixels": synthetic.PHOTO_SIZE[0] * synthetic.PHOTO_SIZE[1] / 1e6,
        "photo_mb_mean": _r(sum(sizes) / len(sizes) / 1e6),
        "seconds": _r(media.seconds),
        "photos_per_s": _r(media.processed / media.seconds),
        "cpu_ms_per_photo": _r(cpu / media.processed * 1000),
        "workers": min(_cpus(), 4),
    }


# --- helpers --------------------------------------------------------------


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _r(value: float) -> float:
    return round(value, 3)


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
