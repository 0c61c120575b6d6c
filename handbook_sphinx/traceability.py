"""Which snippets each chapter and each deck shows, derived from the sources.

The check reads the Markdown sources of the handbook (``docs/``) and of the
decks (``slides/``) for ``{snippet}`` directives; it does not trust a single
build's environment, so either build sees the whole picture.

- A deck that shows a snippet the handbook does not show is a warning at the
  deck's line (decks may only repeat what the handbook says).
- A snippet that nothing shows is a warning at the snippet file.
- ``snippet-traceability.json`` and ``snippet-traceability.md`` (snippet →
  chapters, decks), an internal report, are written into
  ``handbook_reports_dir`` (the Makefile: ``_build/reports/``; by default the
  build's doctree folder), never into an output that is published.

Runs in every build (html, epub, typst, revealjs) at ``env-updated``,
so its warnings carry into ``-W``. Writes no nodes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sphinx.util import logging

from .snippets import SNIPPET_USE, known_snippets, snippet_root

logger = logging.getLogger(__name__)


def scan(tree: Path) -> dict[str, list[tuple[str, int]]]:
    """snippet name → [(source path relative to tree, line)] for every use under ``tree``."""
    uses: dict[str, list[tuple[str, int]]] = {}
    for source in sorted(tree.rglob("*.md")):
        if any(part.startswith((".", "_")) for part in source.relative_to(tree).parts):
            continue
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
            match = SNIPPET_USE.match(line)
            if match:
                uses.setdefault(match["name"], []).append((source.relative_to(tree).as_posix(), number))
    return uses


def traceability(confdir: Path, handbook_dir: str, decks_dir: str) -> dict:
    chapters = scan(confdir / handbook_dir)
    decks = scan(confdir / decks_dir)
    names = sorted(set(known_snippets(confdir)) | set(chapters) | set(decks))
    return {
        name: {
            "chapters": sorted({path for path, _ in chapters.get(name, [])}),
            "decks": sorted({path for path, _ in decks.get(name, [])}),
            "_deck_lines": decks.get(name, []),
        }
        for name in names
    }


def check(app, env) -> None:
    confdir = Path(app.config.handbook_confdir)
    table = traceability(confdir, app.config.handbook_source_dir, app.config.handbook_decks_dir)
    existing = set(known_snippets(confdir))
    decks_dir = confdir / app.config.handbook_decks_dir
    for name, use in table.items():
        if name not in existing:
            continue  # the {snippet} directive itself reports an unknown name
        if use["decks"] and not use["chapters"]:
            for path, line in use["_deck_lines"]:
                logger.warning(
                    "the deck shows snippet %r, but no handbook chapter does: decks may only repeat what "
                    "the handbook shows, so add it to a chapter first",
                    name,
                    location=f"{decks_dir / path}:{line}",
                    type="handbook",
                    subtype="traceability",
                )
        if not use["decks"] and not use["chapters"]:
            logger.warning(
                "snippet %r is shown nowhere: use it in a chapter (and optionally a deck) or delete it",
                name,
                location=f"{snippet_root(confdir) / name}.md:1",
                type="handbook",
                subtype="traceability",
            )


def write_report(app, exception) -> None:
    if exception is not None:
        return
    confdir = Path(app.config.handbook_confdir)
    table = traceability(confdir, app.config.handbook_source_dir, app.config.handbook_decks_dir)
    public = {name: {k: v for k, v in use.items() if not k.startswith("_")} for name, use in table.items()}
    rows = ["| Snippet | Chapters | Decks |", "|---|---|---|"]
    for name, use in public.items():
        rows.append(f"| `{name}` | {', '.join(use['chapters']) or '—'} | {', '.join(use['decks']) or '—'} |")
    reports = Path(app.config.handbook_reports_dir or app.doctreedir)
    _write(reports / "snippet-traceability.json", json.dumps(public, indent=2, sort_keys=True) + "\n")
    _write(
        reports / "snippet-traceability.md",
        "# Snippet traceability\n\nGenerated at build time from the sources.\n\n" + "\n".join(rows) + "\n",
    )


def _write(path: Path, text: str) -> None:
    """Atomically: the builds of `make -j` write the same report at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def setup(app) -> dict:
    # handbook_confdir (where snippets/ lives) is the snippets module's option.
    app.setup_extension("handbook_sphinx.snippets")
    app.add_config_value("handbook_source_dir", "docs", "env", types=frozenset({str}))
    app.add_config_value("handbook_decks_dir", "slides", "env", types=frozenset({str}))
    # Where the internal report goes; empty: the build's doctree folder.
    app.add_config_value("handbook_reports_dir", "", "", types=frozenset({str}))
    app.connect("env-updated", check)  # emitted even when no document is re-read
    app.connect("build-finished", write_report)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
