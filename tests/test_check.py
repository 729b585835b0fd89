"""`check`, `new` and the bad-record corpus (tests/fixtures/bad/, see its README).

Every corpus case must make `check` and a real `mkdocs build` fail with its
expected lines (file, line, column, field, message, hint), print no traceback,
and leave a previously built `site/` byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from catalogue.check import CACHE_FILE, verify_image
from catalogue.template import next_id
from conftest import FIXTURES, ROOT, build_ok, make_project, mkdocs_build

BAD = FIXTURES / "bad"
BASE = BAD / "_base" / "evidence"
CASES = sorted(p.name for p in BAD.iterdir() if p.is_dir() and not p.name.startswith("_"))
_LOCATED = re.compile(r"^\S+:\d+(:\d+)?: error: ")


def lay_case(case: str, project: Path) -> None:
    """Apply a corpus case over a project that already holds the base `evidence/`."""
    folder = BAD / case
    spec = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and rel.name not in ("case.yaml", "expected.txt"):
            target = project / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    for rel in spec.get("delete", []):
        target = project / rel
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    for rel, points_to in spec.get("symlinks", {}).items():
        (project / rel).symlink_to(points_to)


def expected_lines(case: str) -> list[str]:
    return (BAD / case / "expected.txt").read_text(encoding="utf-8").splitlines()


def run_check(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    return subprocess.run([sys.executable, "-m", "catalogue", "check", *args], cwd=project,
                          capture_output=True, text=True, env=env, timeout=120)


def run_new(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    return subprocess.run([sys.executable, "-m", "catalogue", "new", *args], cwd=project,
                          capture_output=True, text=True, env=env, timeout=60)


def base_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(BASE, project / "evidence")
    return project


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# --- the corpus -------------------------------------------------------------


def test_the_corpus_covers_at_least_25_cases_each_with_its_messages() -> None:
    assert len(CASES) >= 25
    for case in CASES:
        spec = yaml.safe_load((BAD / case / "case.yaml").read_text(encoding="utf-8"))
        assert spec["about"], case
        lines = expected_lines(case)
        assert lines, f"{case}: expected.txt is empty"
        assert any(_LOCATED.match(line) for line in lines), f"{case}: no error with file and line"


def test_the_base_of_the_corpus_is_clean(tmp_path: Path) -> None:
    result = run_check(base_project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "2 records checked: no errors, 0 warnings."


@pytest.mark.parametrize("case", CASES)
def test_check_reports_the_case_exactly(case: str, tmp_path: Path) -> None:
    project = base_project(tmp_path)
    lay_case(case, project)
    result = run_check(project)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr == "", "nothing but the report (no progress when not a terminal)"
    *lines, summary = result.stdout.splitlines()
    assert lines == expected_lines(case)
    assert "fix the errors" in summary


@pytest.fixture(scope="module")
def built_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus base as a real project, built once: every case breaks a copy of it."""
    project = make_project(tmp_path_factory.mktemp("corpus") / "project", BASE)
    build_ok(project)
    return project


@pytest.mark.parametrize("case", CASES)
def test_build_stops_with_the_same_messages_and_site_is_untouched(case: str, built_base: Path,
                                                                 tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(built_base, project, symlinks=True)
    before = tree_digest(project / "site")
    assert "index.html" in before
    lay_case(case, project)
    result = mkdocs_build(project)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    for line in expected_lines(case):
        if _LOCATED.match(line):
            assert line in output, f"{line!r} not in the build's output:\n{output}"
    assert tree_digest(project / "site") == before, "a failed build changed site/"
    assert not list(project.glob("site.*")), "a staging folder was left behind"


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    project = base_project(tmp_path)
    # Cases touching different files, in both records, their images and a third record.
    cases = ["vocabulary-typo", "corrupt-image", "section-typo", "decompression-bomb", "moved-to-missing"]
    for case in cases:
        lay_case(case, project)
    result = run_check(project)
    assert result.returncode == 1
    for case in cases:
        for line in expected_lines(case):
            assert line in result.stdout.splitlines(), f"{case}: {line}"
    assert result.stdout.splitlines()[-1].startswith("5 errors and 0 warnings in 3 records")


def test_json_output_lists_every_problem_with_its_place(tmp_path: Path) -> None:
    project = base_project(tmp_path)
    lay_case("vocabulary-typo", project)
    lay_case("image-type-mismatch", project)
    result = run_check(project, "--format", "json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert {p["code"] for p in problems} == {"vocabulary", "image-type-mismatch"}
    typo = next(p for p in problems if p["code"] == "vocabulary")
    assert typo == {"file": "evidence/B-1/record.yaml", "line": 9, "column": 11, "field": "platform",
                    "message": "'televsion' is not in the platforms vocabulary",
                    "hint": "did you mean 'television'?", "severity": "error", "code": "vocabulary"}


def test_warnings_alone_exit_zero_and_are_printed(tmp_path: Path) -> None:
    project = base_project(tmp_path)
    record = project / "evidence" / "B-1" / "record.yaml"
    text = record.read_text()
    record.write_text(text.replace("    archive_url: https://web.archive.org/web/2021/https://example.org/report\n", ""))
    result = run_check(project)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "evidence/B-1/record.yaml:24:5: warning: sources[0].archive_url: this source has no archive copy "
        "(add archive_url (e.g. a web.archive.org snapshot) so the citation survives link rot)",
        "2 records checked: no errors, 1 warning."]


def test_a_missing_evidence_folder_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    result = run_check(tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "evidence: error: the evidence folder does not exist" in result.stdout


# --- images: verified once, remembered by size and modification time -------


def test_unchanged_images_are_not_read_again_but_changed_ones_are(tmp_path: Path) -> None:
    project = base_project(tmp_path)
    assert run_check(project).returncode == 0
    cache = json.loads((project / ".cache" / CACHE_FILE).read_text())
    assert set(cache) == {"B-1/photo.jpg", "B-2/chart.png"}
    assert cache["B-1/photo.jpg"]["sha256"] == hashlib.sha256((BASE / "B-1" / "photo.jpg").read_bytes()).hexdigest()

    # Same size and mtime, different bytes: trusted from the cache, so not re-read.
    photo = project / "evidence" / "B-1" / "photo.jpg"
    stat = photo.stat()
    photo.write_bytes(b"x" * stat.st_size)
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert run_check(project).returncode == 0
    # A new modification time: read again, and found corrupt.
    os.utime(photo, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    result = run_check(project)
    assert result.returncode == 1
    assert "'photo.jpg' is not a readable image" in result.stdout


def test_a_camera_jpeg_with_extra_frames_is_a_jpeg(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "camera.jpg"
    frames = [Image.new("RGB", (32, 24), colour) for colour in ("red", "blue")]
    frames[0].save(path, "MPO", save_all=True, append_images=frames[1:])
    assert Image.open(path).format == "MPO"
    digest, fault = verify_image(str(path))
    assert fault is None and digest == hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_image_that_cannot_be_read_is_reported(tmp_path: Path) -> None:
    digest, fault = verify_image(str(tmp_path))  # a folder: reading it fails like a locked file
    assert digest is None and fault is not None
    assert fault[2] == "unreadable-image" and "cannot be read" in fault[0]


def test_progress_shows_on_a_terminal_and_not_otherwise(tmp_path: Path) -> None:
    project = base_project(tmp_path)
    assert "Checking images" not in run_check(project).stderr
    shutil.rmtree(project / ".cache")
    controller, terminal = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts")}
    process = subprocess.Popen([sys.executable, "-m", "catalogue", "check"], cwd=project, env=env,
                               stdout=subprocess.DEVNULL, stderr=terminal)
    os.close(terminal)
    seen = b""
    try:
        while select.select([controller], [], [], 30)[0]:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        process.wait(timeout=30)
        os.close(controller)
    assert b"Checking images: 2/2 images" in seen, seen


# --- new ---------------------------------------------------------------------


def test_next_id_follows_the_catalogue_style_and_skips_published_ids(tmp_path: Path) -> None:
    evidence = tmp_path / "evidence"
    for name in ("HS-0001", "HS-0012", "odd-one"):
        (evidence / name).mkdir(parents=True)
    assert next_id(evidence) == "HS-0013"
    (evidence / "published.txt").write_text("# header\nHS-0001\nHS-0013\nHS-0014\n")
    assert next_id(evidence) == "HS-0015"
    other = tmp_path / "other"
    for name in ("A-7", "A-9"):
        (other / name).mkdir(parents=True)
    assert next_id(other) == "A-10"
    assert next_id(tmp_path / "evidence" / "HS-0001") == "HS-0001"  # empty catalogue: a first ID


def test_new_writes_a_template_that_check_guides_to_completion(tmp_path: Path) -> None:
    project = base_project(tmp_path)
    result = run_new(project, "--title", 'Minister: "not people"', "--section", "officials")
    assert result.returncode == 0, result.stderr
    assert "Created evidence/B-3/record.yaml" in result.stdout
    record = project / "evidence" / "B-3" / "record.yaml"
    text = record.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../record.schema.json"

    # Until the blanks are filled, check names each one with its line.
    result = run_check(project)
    assert result.returncode == 1
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert [e.split(": error: ")[1].split(":")[0] for e in errors] == [
        "summary", "content_warning.level", "sources[0].title"]
    assert all(e.startswith("evidence/B-3/record.yaml:") and "this field is empty" in e for e in errors)

    filled = (text.replace("summary:  ", "summary: It was said on television.[^report]  ", 1)
                  .replace("  level:  ", "  level: distressing  ", 1)
                  .replace("    title:  ", "    title: The report  ", 1))
    record.write_text(filled, encoding="utf-8")
    result = run_check(project)
    assert result.returncode == 0, result.stdout
    assert yaml.safe_load(filled)["title"] == 'Minister: "not people"'


def test_new_refuses_a_taken_id_and_an_unknown_section(tmp_path: Path) -> None:
    project = base_project(tmp_path)
    taken = run_new(project, "--id", "b-1")
    assert taken.returncode == 1 and "already used" in taken.stderr
    section = run_new(project, "--section", "officals")
    assert section.returncode == 1 and "one of: officials, media" in section.stderr
    assert sorted(p.name for p in (project / "evidence").iterdir()) == ["B-1", "B-2", "catalogue.yaml", "published.txt"]


def test_a_new_record_with_an_image_is_published(tmp_path: Path) -> None:
    """The maintainer's path from the docs: new, fill in, add an image, check, build."""
    project = make_project(tmp_path / "project", BASE)
    assert run_new(project, "--title", "A new item", "--section", "media").returncode == 0
    record = project / "evidence" / "B-3" / "record.yaml"
    text = record.read_text(encoding="utf-8")
    text = (text.replace("summary:  ", "summary: A new item.  ", 1)
                .replace("  level:  ", "  level: none  ", 1)
                .replace("    title:  ", "    title: The source  ", 1)
                .replace("# media:  ", "media:  ", 1)
                .replace("#   - file: screenshot.png", "  - file: screenshot.png", 1)
                .replace("#     alt: What", "    alt: What", 1))
    record.write_text(text, encoding="utf-8")
    from PIL import Image

    Image.new("RGB", (64, 48), (10, 120, 60)).save(record.parent / "screenshot.png")
    # A phone or camera photo: Pillow reads a JPEG with extra frames (MPF) as "MPO".
    frames = [Image.new("RGB", (80, 60), colour) for colour in ("orange", "navy")]
    frames[0].save(record.parent / "camera.jpg", "MPO", save_all=True, append_images=frames[1:])
    record.write_text(text.replace("  - file: screenshot.png", "  - file: camera.jpg\n    alt: A photo\n"
                                   "  - file: screenshot.png", 1), encoding="utf-8")
    assert run_check(project).returncode == 0
    site = build_ok(project)
    page = (site / "items" / "B-3" / "index.html").read_text(encoding="utf-8")
    assert "A new item" in page
    assert (site / "items" / "B-3" / "media" / "screenshot-thumb.webp").is_file()
    assert (site / "items" / "B-3" / "media" / "camera-thumb.webp").is_file()
