"""The sources of an earlier edition, read from git, and the working tree's.

A snapshot is ``{path: bytes}`` for the files the comparison reads: the
handbook (``docs/``), the snippets, the decks and the data. An earlier
edition's files come from ``git archive <commit>``, never from a checkout, so
the working tree is left alone and the result depends on the commit only.

Everything that can go wrong (no git, a shallow clone, an unknown commit)
raises ``HistoryError`` with one line that says what to do.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from handbook_sphinx.changes.editions import Edition, Editions

# What the comparison reads, relative to the repository root.
SOURCE_FOLDERS = ("docs", "snippets", "slides", "data")
SOURCE_SUFFIXES = (".md", ".svg", ".yaml", ".bib")


class HistoryError(RuntimeError):
    """Git cannot give the sources asked for; the message is one line."""


class MissingHistory(HistoryError):
    """This copy has no (full) history: a shallow clone, or no git repository at all.

    Not a mistake in the sources: the build says on the page that the
    comparison needs the full history, where a wrong commit fails it.
    """


@dataclass(frozen=True)
class Baseline:
    """The sources a comparison starts from."""

    commit: str
    name: str  # "1.0.0", or the short hash of a commit that is no edition
    edition: Edition | None


def _git(root: Path, *args: str, binary: bool = False) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False, text=not binary)
    except FileNotFoundError:
        raise MissingHistory("git is not installed; the comparison reads earlier editions from git history") from None


def is_repository(root: Path) -> bool:
    return _git(root, "rev-parse", "--git-dir").returncode == 0


def is_shallow(root: Path) -> bool:
    return _git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"


def history_state(root: Path) -> str:
    """ "full", "shallow" or "none": what the comparison can read from this copy."""
    try:
        if not is_repository(root):
            return "none"
    except HistoryError:
        return "none"
    return "shallow" if is_shallow(root) else "full"


def _has_tree(root: Path, commit: str) -> bool:
    return _git(root, "cat-file", "-e", f"{commit}^{{tree}}").returncode == 0


def resolve_baseline(root: Path, editions: Editions, wanted: str | None) -> Baseline:
    """The edition or commit named by ``wanted`` (default: the edition before the current one)."""
    if not is_repository(root):
        raise MissingHistory(f"{root} is not a git repository: the comparison reads earlier editions from git history")
    shallow = is_shallow(root)
    full_history = "fetch the full history with `git fetch --unshallow`"
    current = editions.current
    if not wanted:
        edition = editions.previous
        if edition is None:
            raise HistoryError(
                f"{editions.path.name} lists one edition ({current.version}): there is nothing before it"
            )
    else:
        edition = editions.find(wanted)
    if edition is not None:
        if edition is current:
            raise HistoryError(
                f"FROM={wanted}: {current.version} is the edition being built; name an earlier edition or a commit"
            )
        commit = edition.commit
        if not _has_tree(root, commit):
            if shallow:
                raise MissingHistory(
                    f"this clone is shallow: edition {edition.version} (commit {commit[:12]}) is not in it; {full_history}"
                )
            raise HistoryError(
                f"{editions.path.name}:{edition.line}: edition {edition.version}'s commit {commit[:12]} "
                "is not in this repository"
            )
        return Baseline(commit, edition.version, edition)
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{wanted}^{{commit}}")
    if found.returncode != 0:
        known = ", ".join(e.version for e in editions.editions if e is not current) or "none"
        hint = f"; {full_history}" if shallow else ""
        raise (MissingHistory if shallow else HistoryError)(
            f"FROM={wanted} is neither an edition in {editions.path.name} (earlier editions: {known}) "
            f"nor a commit in this repository{hint}"
        )
    commit = found.stdout.strip()
    if not _has_tree(root, commit):
        raise MissingHistory(f"this clone is shallow: commit {commit[:12]} has no sources in it; {full_history}")
    named = next((e for e in editions.editions if e.commit == commit), None)
    return Baseline(commit, named.version if named else commit[:12], named)


def _wanted(path: str) -> bool:
    parts = path.split("/")
    return (
        len(parts) > 1
        and parts[0] in SOURCE_FOLDERS
        and path.endswith(SOURCE_SUFFIXES)
        and not any(part.startswith(".") for part in parts)
    )


def read_commit(root: Path, commit: str) -> dict[str, bytes]:
    """The source files of ``commit``, from ``git archive``."""
    result = _git(root, "archive", "--format=tar", commit, "--", *SOURCE_FOLDERS, binary=True)
    if result.returncode != 0:
        # A folder that did not exist yet at that commit: archive what there is.
        present = [
            folder for folder in SOURCE_FOLDERS if _git(root, "cat-file", "-e", f"{commit}:{folder}").returncode == 0
        ]
        result = _git(root, "archive", "--format=tar", commit, "--", *present, binary=True) if present else None
        if result is None or result.returncode != 0:
            message = result.stderr.decode(errors="replace").strip().splitlines()[0] if result else "no sources"
            raise HistoryError(f"git archive {commit[:12]} failed: {message}")
    files: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(result.stdout)) as archive:
        for member in archive.getmembers():
            if member.isfile() and _wanted(member.name):
                files[member.name] = archive.extractfile(member).read()
    return files


def read_worktree(root: Path) -> dict[str, bytes]:
    """The source files as they are on disk: what the build reads."""
    files: dict[str, bytes] = {}
    for folder in SOURCE_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            relative = path.relative_to(root).as_posix()
            if path.is_file() and _wanted(relative):
                files[relative] = path.read_bytes()
    return files
