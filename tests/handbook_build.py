"""Build the real handbook once per test session, the way `make all` does."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from bs4 import BeautifulSoup

PROJECT = Path(__file__).resolve().parent.parent
PDF_NAME = "ketamine-therapy-handbook.pdf"
DECKS = ("part-1-foundations", "part-2-clinical-use", "part-3-safe-practice")
SNIPPET_USE = re.compile(r"^\s*(?:`{3,}|:{3,})\{snippet\}\s+(\S+)\s*$", re.M)


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


def deck_snippets(deck: str) -> list[str]:
    return SNIPPET_USE.findall((PROJECT / "slides" / f"{deck}.md").read_text(encoding="utf-8"))


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text, whitespace collapsed (pdftotext, as a reader's copy and paste sees it)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")[:-1]]


def normalise(text: str) -> str:
    """Collapse whitespace and hyphenation so text from HTML and PDF compares."""
    text = text.replace("\u00ad", "").replace("-\n", "")
    return re.sub(r"\s+", " ", text).strip()
