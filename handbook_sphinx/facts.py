"""The handbook's names and lists from ``handbook.toml``, for conf.py, the tools and the tests.

One fact, one place: the PDF and EPUB base name, the decks and their
downloads, the What-changed PDF's name, the known warnings and what a copy
of the project needs to build are written
once, in ``handbook.toml`` beside ``conf.py``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
FACTS_FILE = PROJECT / "handbook.toml"


@dataclass(frozen=True)
class Deck:
    name: str
    title: str


@dataclass(frozen=True)
class DeckDownload:
    kind: str  # "slides", "notes", "handout", "powerpoint"
    suffix: str  # the file is <deck><suffix>
    title: str
    format: str  # "PDF", "PPTX"
    target: str  # the make target that writes it: "slides-pdf" or "slides-pptx"

    @property
    def label(self) -> str:
        """How the home page links it: "trainer notes (PDF)"."""
        return f"{self.title} ({self.format})"

    def file(self, deck: str) -> str:
        return f"{deck}{self.suffix}"


@dataclass(frozen=True)
class KnownWarning:
    build: str  # "handbook" or "decks"
    type: str  # "<type>.<subtype>", as suppress_warnings takes it
    reason: str


@dataclass(frozen=True)
class Facts:
    basename: str
    decks: tuple[Deck, ...]
    deck_downloads: tuple[DeckDownload, ...]
    changes_pdf: str  # "changes-{from}-{to}.pdf"
    known_warnings: tuple[KnownWarning, ...]
    build_inputs: tuple[str, ...] = ()  # the files and folders a copy of the project needs to build

    @property
    def pdf_name(self) -> str:
        return f"{self.basename}.pdf"

    @property
    def epub_name(self) -> str:
        return f"{self.basename}.epub"

    def downloads_of(self, target: str) -> tuple[DeckDownload, ...]:
        """The deck downloads the make target ``target`` writes ("slides-pdf", "slides-pptx")."""
        return tuple(download for download in self.deck_downloads if download.target == target)

    def changes_pdf_name(self, earlier: str, later: str) -> str:
        return self.changes_pdf.format(**{"from": earlier, "to": later})

    @property
    def changes_pdf_glob(self) -> str:
        """Every What-changed PDF's name, as a shell pattern."""
        return self.changes_pdf_name("*", "*")

    def suppressed(self, build: str) -> list[str]:
        """The warning types the ``build`` ("handbook" or "decks") suppresses."""
        return [warning.type for warning in self.known_warnings if warning.build == build]


@cache
def load(path: Path = FACTS_FILE) -> Facts:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Facts(
        basename=data["basename"],
        decks=tuple(Deck(**deck) for deck in data["decks"]),
        deck_downloads=tuple(DeckDownload(**download) for download in data["deck_downloads"]),
        changes_pdf=data["changes_pdf"],
        known_warnings=tuple(KnownWarning(**warning) for warning in data.get("known_warnings", [])),
        build_inputs=tuple(data.get("build_inputs", ())),
    )
