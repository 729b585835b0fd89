"""Permalinks never break: the registry of published IDs, withdrawn items and moved items."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, build_ok, make_project, mkdocs_build

CITE = FIXTURES / "cite" / "evidence"


def registered(project: Path) -> list[str]:
    lines = (project / "evidence" / "published.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


def cli(evidence: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    return subprocess.run([sys.executable, "-m", "catalogue", "--evidence", str(evidence), *args],
                          capture_output=True, text=True, env=env, cwd=evidence.parent)


@pytest.fixture(scope="module")
def cite_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = make_project(tmp_path_factory.mktemp("cite"), CITE)
    build_ok(project)
    return project


def test_the_sample_registry_lists_every_sample_item() -> None:
    from catalogue.loader import load_catalogue

    catalogue = load_catalogue(ROOT / "evidence")
    assert registered(ROOT) == sorted(r.id for r in catalogue.records), "run `make site` and commit the registry"


def test_a_build_registers_new_ids_sorted_and_only_rewrites_on_change(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", FIXTURES / "mini" / "evidence")
    assert not (project / "evidence" / "published.txt").exists()
    build_ok(project)
    registry = project / "evidence" / "published.txt"
    assert registered(project) == ["T-1", "T-2", "T-3"]
    assert registry.read_text(encoding="utf-8").startswith("# Every item ID"), "the file explains itself"
    before = registry.stat().st_mtime_ns
    build_ok(project)
    assert registry.stat().st_mtime_ns == before, "an unchanged registry is not rewritten"

    shutil.copytree(project / "evidence" / "T-1", project / "evidence" / "T-0")
    record = project / "evidence" / "T-0" / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("id: T-1", "id: T-0"), encoding="utf-8")
    build_ok(project)
    assert registered(project) == ["T-0", "T-1", "T-2", "T-3"]


def test_a_failed_build_registers_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", FIXTURES / "mini" / "evidence")
    # A broken link in a hand-written page fails a strict build after the records were rendered.
    (project / "docs" / "about.md").write_text("[broken](missing.md)\n", encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert not (project / "evidence" / "published.txt").exists()


def test_removing_a_published_record_fails_the_build_naming_the_two_ways_out(cite_project: Path) -> None:
    site_before = (cite_project / "site" / "items" / "C-4" / "index.html").read_bytes()
    shutil.rmtree(cite_project / "evidence" / "C-4")
    try:
        result = mkdocs_build(cite_project)
    finally:
        shutil.copytree(CITE / "C-4", cite_project / "evidence" / "C-4")
    output = result.stderr + result.stdout
    assert result.returncode != 0
    assert "Traceback" not in output
    lines = (cite_project / "evidence" / "published.txt").read_text(encoding="utf-8").splitlines()
    line = lines.index("C-4") + 1
    assert f"evidence/published.txt:{line}: error: C-4: item 'C-4' was published and its record is gone" in output
    assert "status: withdrawn" in output and "withdrawn_reason" in output
    assert "moved_to: <ID>" in output and "id: C-4" in output
    assert "/items/C-4/" in output
    # Nothing was published: the old site is intact.
    assert (cite_project / "site" / "items" / "C-4" / "index.html").read_bytes() == site_before


def test_a_published_id_cannot_come_back_in_another_case(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", CITE)
    evidence = project / "evidence"
    (evidence / "C-4").rename(evidence / "c-4")
    record = evidence / "c-4" / "record.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("id: C-4", "id: c-4"), encoding="utf-8")
    result = mkdocs_build(project)
    output = result.stderr
    assert result.returncode != 0
    assert "evidence/c-4/record.yaml:1:5: error: id: id 'c-4' reuses the published ID 'C-4'" in output
    assert "item 'C-4' was published and its record is gone" in output


def test_a_malformed_registry_line_is_reported_with_its_line(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", CITE)
    registry = project / "evidence" / "published.txt"
    registry.write_text(registry.read_text(encoding="utf-8") + "C 5 bad\n", encoding="utf-8")
    result = mkdocs_build(project)
    assert result.returncode != 0
    count = len(registry.read_text(encoding="utf-8").splitlines())
    assert f"evidence/published.txt:{count}: error: 'C 5 bad' is not an item ID" in result.stderr


def test_register_command_adds_new_ids_and_refuses_a_removed_one(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    shutil.copytree(FIXTURES / "mini" / "evidence", evidence)
    first = cli(evidence, "register")
    assert first.returncode == 0, first.stderr
    assert "registered 3 new ID(s)" in first.stdout and "T-1, T-2, T-3" in first.stdout
    again = cli(evidence, "register")
    assert again.returncode == 0 and "registered 0 new ID(s)" in again.stdout
    shutil.rmtree(evidence / "T-3")
    gone = cli(evidence, "register")
    assert gone.returncode == 1
    assert "item 'T-3' was published and its record is gone" in gone.stderr
    assert "Traceback" not in gone.stderr


def test_a_withdrawn_item_keeps_its_page_says_why_and_stays_citable(cite_project: Path) -> None:
    html = (cite_project / "site" / "items" / "C-2" / "index.html").read_text(encoding="utf-8")
    banner = re.search(r'<div class="ec-withdrawn" role="note">(.*?)</div>', html, re.S).group(1)
    assert "This item was withdrawn on 1 April 2026." in banner
    assert "The attribution to the speaker could not be confirmed." in banner
    citation = re.search(r'<p class="ec-cite-text" id="ec-citation">(.*?)</p>', html, re.S).group(1)
    assert "withdrawn 1 April 2026" in citation and "https://cite.example/archive/items/C-2/" in citation
    assert (cite_project / "site" / "items" / "C-2" / "cite" / "C-2.bib").is_file()
    assert '<meta name="citation_withdrawn" content="yes">' in html
    assert '"creativeWorkStatus":"Withdrawn"' in html


def test_a_moved_item_becomes_a_redirect_page(cite_project: Path) -> None:
    site = cite_project / "site"
    html = (site / "items" / "C-3" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<link rel="canonical" href="([^"]*)"', html) == ["https://cite.example/archive/items/C-1/"]
    assert '<meta http-equiv="refresh" content="0; url=../C-1/">' in html
    assert '<meta name="robots" content="noindex">' in html
    assert re.search(r'<a class="ec-moved-to" href="../C-1/">C-1: Speech: 50% &amp; ', html)
    assert "The same speech, recorded twice" in html and "Merged into C-1" in html
    assert "<script" not in html
    assert "items/C-3/" not in (site / "sitemap.xml").read_text(encoding="utf-8")
    # A related link to the moved ID still resolves (to the redirect).
    assert '<a href="../C-3/">C-3</a>' in (site / "items" / "C-1" / "index.html").read_text(encoding="utf-8")


def test_the_browser_follows_a_moved_items_permalink(cite_project: Path, browser) -> None:
    from conftest import serve

    url, server = serve(cite_project / "site")
    try:
        context = browser.new_context()
        page = context.new_page()
        page.goto(url + "items/C-3/")
        page.wait_for_url(url + "items/C-1/")
        assert page.locator("h1#title").inner_text().startswith("Speech: 50% & $5")
        context.close()
    finally:
        server.shutdown()
