"""``editions.yaml``: the handbook's numbered editions, and the version every output prints.

Each entry is one edition, oldest first::

    - version: 1.0.0
      date: 2026-11-21                # or "unreleased" for the edition in preparation
      commit: b7471c25ab76…            # the full hash it was built from
      summary: >-
        One paragraph for readers.

The NEWEST entry is the edition being built from the working tree. While its
``date`` is ``unreleased`` every output calls it a draft ("1.1.0 (draft)").
Every other edition must name the commit it was built from; the newest needs
none (the commit cannot name itself: it is tagged ``v<version>`` instead, and
its hash is written here when the next edition is opened).

Problems are reported as ``EditionsError`` with the file and line, so
``conf.py`` can stop the build with one line.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

EDITIONS_FILE = "editions.yaml"
UNRELEASED = "unreleased"
VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
FULL_HASH = re.compile(r"^[0-9a-f]{40}$")
FIELDS = ("version", "date", "commit", "summary")


class EditionsError(ValueError):
    """A problem in editions.yaml, with the line it is on."""

    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line


@dataclass(frozen=True)
class Edition:
    version: str
    date: dt.date | None  # None while unreleased
    commit: str | None
    summary: str
    line: int

    @property
    def released(self) -> bool:
        return self.date is not None

    @property
    def display(self) -> str:
        """How every output names this edition: "1.0.0", or "1.1.0 (draft)" before its release."""
        return self.version if self.released else f"{self.version} (draft)"

    @property
    def key(self) -> tuple[int, int, int]:
        return tuple(int(part) for part in VERSION.match(self.version).groups())


@dataclass(frozen=True)
class Editions:
    path: Path
    editions: tuple[Edition, ...]

    @property
    def current(self) -> Edition:
        """The newest edition: the one the working tree builds."""
        return self.editions[-1]

    @property
    def previous(self) -> Edition | None:
        """The edition "What changed" compares with by default; None for the first edition."""
        return self.editions[-2] if len(self.editions) > 1 else None

    def find(self, version: str) -> Edition | None:
        wanted = version.removeprefix("v")
        return next((edition for edition in self.editions if edition.version == wanted), None)


def _scalar_lines(node: yaml.Node) -> dict[str, int]:
    return {key.value: value.start_mark.line + 1 for key, value in node.value}


def load_editions(path: Path) -> Editions:
    """Read and check editions.yaml; raise EditionsError at the first problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise EditionsError(path, 1, f"cannot read the editions file: {error.strerror}") from None
    try:
        tree = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise EditionsError(path, mark.line + 1 if mark else 1, f"not valid YAML: {error}") from None
    if not isinstance(data, list) or not data or not isinstance(tree, yaml.SequenceNode):
        raise EditionsError(path, 1, "must be a list of editions, oldest first, starting with 1.0.0")

    editions: list[Edition] = []
    for node, entry in zip(tree.value, data, strict=True):
        line = node.start_mark.line + 1
        if not isinstance(entry, dict):
            raise EditionsError(path, line, "each edition is a mapping with version, date, commit and summary")
        lines = _scalar_lines(node)
        unknown = sorted(set(entry) - set(FIELDS))
        if unknown:
            raise EditionsError(path, lines[unknown[0]], f"unknown field {unknown[0]!r} (fields: {', '.join(FIELDS)})")
        version = str(entry.get("version", ""))
        if not VERSION.match(version):
            raise EditionsError(path, lines.get("version", line), f"version must be X.Y.Z, not {version!r}")
        date = entry.get("date")
        if isinstance(date, str) and date == UNRELEASED:
            date = None
        elif isinstance(date, dt.datetime):
            date = date.date()
        elif not isinstance(date, dt.date):
            raise EditionsError(
                path, lines.get("date", line), f"{version}: date must be an ISO date (2026-11-21) or {UNRELEASED!r}"
            )
        commit = entry.get("commit")
        if commit is not None and not (isinstance(commit, str) and FULL_HASH.match(commit)):
            raise EditionsError(path, lines.get("commit", line), f"{version}: commit must be a full 40-digit hash")
        summary = entry.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            raise EditionsError(path, lines.get("summary", line), f"{version}: a one-paragraph summary is required")
        editions.append(Edition(version, date, commit, " ".join(summary.split()), line))

    for earlier, later in zip(editions, editions[1:], strict=False):
        if later.key <= earlier.key:
            raise EditionsError(
                path, later.line, f"{later.version} must be newer than {earlier.version} (oldest first)"
            )
        if not earlier.released:
            raise EditionsError(path, earlier.line, f"{earlier.version}: only the newest edition may be unreleased")
        if earlier.commit is None:
            raise EditionsError(
                path, earlier.line, f"{earlier.version}: a released edition needs the commit it was built from"
            )
        if later.date and earlier.date and later.date < earlier.date:
            raise EditionsError(path, later.line, f"{later.version} is dated before {earlier.version}")
    return Editions(path, tuple(editions))
