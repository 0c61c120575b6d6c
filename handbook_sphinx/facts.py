"""The handbook's names and lists from ``handbook.toml``, for conf.py, tools/config.py and the tests.

One fact, one place: the PDF and EPUB base name, the decks, and the known
warnings are written once, in ``handbook.toml`` beside ``conf.py``.
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
class KnownWarning:
    build: str  # "handbook" or "decks"
    type: str  # "<type>.<subtype>", as suppress_warnings takes it
    reason: str


@dataclass(frozen=True)
class Facts:
    basename: str
    decks: tuple[Deck, ...]
    known_warnings: tuple[KnownWarning, ...]

    @property
    def pdf_name(self) -> str:
        return f"{self.basename}.pdf"

    @property
    def epub_name(self) -> str:
        return f"{self.basename}.epub"

    def suppressed(self, build: str) -> list[str]:
        """The warning types the ``build`` ("handbook" or "decks") suppresses."""
        return [warning.type for warning in self.known_warnings if warning.build == build]


@cache
def load(path: Path = FACTS_FILE) -> Facts:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Facts(
        basename=data["basename"],
        decks=tuple(Deck(**deck) for deck in data["decks"]),
        known_warnings=tuple(KnownWarning(**warning) for warning in data.get("known_warnings", [])),
    )
