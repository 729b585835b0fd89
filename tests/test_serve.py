"""`mkdocs serve` with a bad record: the errors are shown, the server lives on, a fix is picked up.

A real `mkdocs serve` on a free 127.0.0.1 port, in a subprocess, on a broken
copy of the mini catalogue. Every wait is bounded; the server is always killed.
"""

from __future__ import annotations

import html
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from conftest import FIXTURES, make_project

BROKEN = 'platform: "<script>alert(1)</script>"'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait_for(condition: Callable[[], bool], server: subprocess.Popen, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        if condition():
            return True
        time.sleep(0.3)
    return False


def test_serve_shows_the_errors_keeps_running_and_picks_up_the_fix(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", FIXTURES / "mini" / "evidence")
    record = project / "evidence" / "T-1" / "record.yaml"
    good = record.read_text(encoding="utf-8")
    record.write_text(good.replace("platform: twitter", BROKEN), encoding="utf-8")

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    log = (tmp_path / "serve.log").open("w+", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        assert _wait_for(lambda: "error(s) in the records" in _fetch(url), server, 90), "no error page"
        page = _fetch(url)
        assert "1 error(s) in the records" in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert(1)" not in page, "the record's text is escaped on the error page"
        assert ("evidence/T-1/record.yaml:9:11: error: platform: '<script>alert(1)</script>' "
                "is not in the platforms vocabulary (one of: twitter)") in html.unescape(page)
        assert server.poll() is None, "the server keeps running"

        record.write_text(good, encoding="utf-8")
        assert _wait_for(lambda: "Test catalogue" in _fetch(url) and "error(s) in the records" not in _fetch(url),
                         server, 90), "the fix was not picked up"
        assert "Escaping test" in _fetch(url + "items/T-1/")
        assert server.poll() is None
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)
        log.seek(0)
        output = log.read()
        log.close()
    assert "Traceback" not in output, output
    assert "ERROR   -  evidence/T-1/record.yaml:9:11: error: platform:" in output, output
