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
# Each deck's downloads: the deck PDFs (make slides-pdf) and the PowerPoint file (make slides-pptx).
DECK_DOWNLOADS = FACTS.deck_downloads


def changes_pdf_name() -> str:
    """The committee's What-changed PDF that `make site` publishes: the previous edition against this one."""
    from handbook_sphinx.changes.editions import load_editions

    editions = load_editions(PROJECT / "editions.yaml")
    return FACTS.changes_pdf_name(editions.previous.version, editions.current.version)


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
    def typst_source(self) -> Path:
        """The book as the PDF builder wrote it for Typst."""
        return self.builddir / "typst" / "main.typ"

    @cached_property
    def pdf_pages(self) -> list[str]:
        """Each page's text as pdftotext gives it, whitespace collapsed."""
        return pdf_pages(self.pdf)

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
        # pdftotext, not pypdf: Typst maps a hard hyphen that shares its glyph
        # with hyphenation's soft hyphen through /ActualText, which pypdf
        # ignores (it reads "open\u00adchannel"); poppler, like a reader's
        # copy and paste, reads "open-channel".
        return "\n".join(self.pdf_pages)


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


SLIDE_HEADING = re.compile(r"^#{1,2} \S", re.M)


def source_slide_count(deck: str) -> int:
    """Slides as the source defines them: one per # or ## heading outside code fences."""
    text = (PROJECT / "slides" / f"{deck}.md").read_text(encoding="utf-8")
    text = re.sub(r"^(`{3,}|:{3,}).*?^\1\s*$", "", text, flags=re.M | re.S)
    return len(SLIDE_HEADING.findall(text))


def snippet_uses(text: str) -> list[str]:
    """The snippets a source text shows, in order (handbook_sphinx.snippets.SNIPPET_USE)."""
    return [match["name"] for match in map(SNIPPET_USE.match, text.splitlines()) if match]


def deck_snippets(deck: str) -> list[str]:
    return snippet_uses((PROJECT / "slides" / f"{deck}.md").read_text(encoding="utf-8"))


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text, whitespace collapsed (pdftotext, as a reader's copy and paste sees it)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")[:-1]]


def normalise(text: str) -> str:
    """Collapse whitespace and hyphenation so text from HTML and PDF compares."""
    text = text.replace("\u00ad", "").replace("-\n", "")
    return re.sub(r"\s+", " ", text).strip()
