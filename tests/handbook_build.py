"""Build the real handbook once per test session, the way `make all` does."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
from handbook_sphinx import facts  # noqa: E402
from handbook_sphinx.snippets import SNIPPET_USE  # noqa: E402

# Written once, in handbook.toml.
FACTS = facts.load()
PDF_NAME = FACTS.pdf_name
EPUB_NAME = FACTS.epub_name
DECKS = tuple(deck.name for deck in FACTS.decks)


@dataclass
class HandbookBuild:
    builddir: Path
    returncode: int
    output: str

    @property
    def html(self) -> Path:
        return self.builddir / "html"

    @property
    def slides(self) -> Path:
        return self.builddir / "slides"

    @property
    def site(self) -> Path:
        """The hosted site `make site` assembles: the handbook at /, decks in /slides/, files in /downloads/."""
        return self.builddir / "site"

    @property
    def pdf(self) -> Path:
        return self.builddir / "pdf" / PDF_NAME

    @property
    def latex_log(self) -> Path:
        return self.builddir / "latex" / "latex" / PDF_NAME.replace(".pdf", ".log")

    @cached_property
    def site_url(self) -> str:
        """The address the build says it is published at: the home page's canonical link (html_baseurl)."""
        canonical = self.soup(self.html / "index.html").find("link", rel="canonical")
        return canonical["href"].removesuffix("index.html")

    @property
    def site_prefix(self) -> str:
        """The site's path on its host: "/" for a site of its own, "/<repository>/" for a project site."""
        return urlsplit(self.site_url).path

    def soup(self, path: Path) -> BeautifulSoup:
        return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")

    def chapter_pages(self) -> list[Path]:
        """Every handbook page built from a Markdown source in docs/."""
        sources = sorted((PROJECT / "docs").rglob("*.md"))
        return [self.html / src.relative_to(PROJECT / "docs").with_suffix(".html") for src in sources]

    @cached_property
    def pdf_reader(self):
        from pypdf import PdfReader

        return PdfReader(str(self.pdf))

    @cached_property
    def pdf_text(self) -> str:
        return "\n".join(page.extract_text() or "" for page in self.pdf_reader.pages)


def run_make(builddir: Path, *targets: str, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, **(extra_env or {})}
    return subprocess.run(
        ["make", "--no-print-directory", *targets, f"BUILDDIR={builddir}"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def deck_snippets(deck: str) -> list[str]:
    lines = (PROJECT / "slides" / f"{deck}.md").read_text(encoding="utf-8").splitlines()
    return [match["name"] for match in map(SNIPPET_USE.match, lines) if match]


def normalise(text: str) -> str:
    """Collapse whitespace and hyphenation so text from HTML and PDF compares."""
    text = text.replace("\u00ad", "").replace("-\n", "")
    return re.sub(r"\s+", " ", text).strip()
