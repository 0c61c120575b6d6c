"""Session fixtures: the real handbook, built once from a clean tree, and a browser."""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from pathlib import Path

import pytest
from handbook_build import PROJECT, HandbookBuild, run_make

sys.path.insert(0, str(PROJECT / "tools"))


# Where the suite's own build says it is published: under a path prefix, as
# GitHub Pages publishes a project site under /<repository>/. The tests read
# the prefix back from the build, so they hold for any address.
SITE_URL = "http://localhost:8000/ketamine-handbook/"


@pytest.fixture(scope="session")
def handbook(tmp_path_factory) -> HandbookBuild:
    """`make all` into a fresh BUILDDIR; HANDBOOK_BUILDDIR tests a tree built already (CI: the one it publishes)."""
    reuse = os.environ.get("HANDBOOK_BUILDDIR")
    if reuse:
        return HandbookBuild(Path(reuse).resolve(), 0, "")
    builddir = tmp_path_factory.mktemp("handbook") / "_build"
    result = run_make(builddir, "all", extra_env={"HANDBOOK_SITE_URL": SITE_URL})
    build = HandbookBuild(builddir, result.returncode, result.stdout + result.stderr)
    if result.returncode != 0:
        pytest.fail(f"make all failed ({result.returncode}):\n{build.output[-6000:]}", pytrace=False)
    return build


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _SiteHandler(_QuietHandler):
    """A static host's behaviour: the site under its path prefix; a path with no file behind it gets
    the site's 404.html, with status 404."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0outside-the-site")
        return super().translate_path("/" + path.removeprefix(self.prefix))

    def send_error(self, code, message=None, explain=None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def _serve(directory: Path, handler_class, prefix: str = "/"):
    """Serve ``directory`` at ``prefix`` on a free local port until the generator is closed; yields the
    base URL (without a final slash)."""
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{prefix.rstrip('/')}"
    server.shutdown()


@pytest.fixture(scope="session")
def served(handbook):
    """The build folder over plain local HTTP, as a reader's static server would serve it."""
    yield from _serve(handbook.builddir, _QuietHandler)


@pytest.fixture(scope="session")
def served_site(handbook):
    """`make site`'s output over plain local HTTP, at the path it is published under, as its host serves it."""
    if not (handbook.site / "index.html").is_file():
        pytest.fail(f"no site in {handbook.site}: `make site` did not run", pytrace=False)
    handler = type("SiteHandler", (_SiteHandler,), {"prefix": handbook.site_prefix})
    yield from _serve(handbook.site, handler, handbook.site_prefix)


@pytest.fixture(scope="session")
def browser():
    from browser import launch
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
