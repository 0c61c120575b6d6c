"""One call for every output: compare the working tree with an earlier edition.

``compare_edition(root, wanted)`` reads ``editions.yaml``, finds the edition
or commit ``wanted`` names (default: the edition before the newest), reads its
sources from git and the working tree's from disk, checks the safety list,
and returns the ``Report``. Errors are one line: ``HistoryError`` (git),
``EditionsError`` (editions.yaml), ``SafetyRulesError`` (the safety list).
"""

from __future__ import annotations

from pathlib import Path

from handbook_sphinx.changes import compare as comparing
from handbook_sphinx.changes import history
from handbook_sphinx.changes.editions import EDITIONS_FILE, Editions, load_editions
from handbook_sphinx.chapter_meta import long_date

# An earlier edition's sources never change: parse them once per process.
_COMMITS: dict[tuple[str, str], dict[str, bytes]] = {}


def safety_rules(root: Path, files: dict[str, bytes]) -> list[comparing.SafetyRule]:
    path = root / comparing.SAFETY_FILE
    rules = comparing.load_safety_rules(path.read_bytes() if path.is_file() else None)
    for rule in comparing.stale_safety_rules(rules, files):
        raise comparing.SafetyRulesError(
            f"{comparing.SAFETY_FILE}:{rule.line}: {rule.path} matches no file: a renamed folder or file "
            "would stop being flagged as safety-relevant (update the path)"
        )
    return rules


def compare_edition(
    root: Path,
    wanted: str | None = None,
    editions: Editions | None = None,
    *,
    lettered_parts=(),
    unnumbered_parts=(),
) -> comparing.Report:
    """The comparison; ``lettered_parts`` and ``unnumbered_parts`` are conf.py's chapter numbering."""
    root = Path(root)
    editions = editions or load_editions(root / EDITIONS_FILE)
    baseline = history.resolve_baseline(root, editions, wanted)
    new_files = history.read_worktree(root)
    rules = safety_rules(root, new_files)
    key = (str(root), baseline.commit)
    if key not in _COMMITS:
        _COMMITS[key] = history.read_commit(root, baseline.commit)
    current = editions.current
    return comparing.compare(
        _COMMITS[key],
        new_files,
        from_name=baseline.name,
        from_commit=baseline.commit,
        from_date=long_date(baseline.edition.date) if baseline.edition else "",
        to_name=current.display,
        to_summary=current.summary,
        safety_rules=rules,
        lettered_parts=lettered_parts,
        unnumbered_parts=unnumbered_parts,
    )
