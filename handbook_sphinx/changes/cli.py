"""``make changes``: compare the working tree with an earlier edition; list the changes and write the PDF.

usage: python -m handbook_sphinx.changes [--from EDITION-OR-COMMIT] [--out DIR] [--if-history]

Prints one line per changed item (safety-relevant first, marked [safety]),
with the file or key an editor looks for, and writes
``<out>/changes-<from>-<to>.pdf`` (with its Typst source) for the committee
pack: the safety-relevant changes in full, every other change in one line. ``<out>`` is emptied first, so it only ever holds the
comparison just made; on any error it is left empty.

Exit status 0 on success; 1 with ONE line on stderr when the comparison
cannot be made (an unknown edition or commit, a shallow clone, a bad
editions.yaml or safety list). With ``--if-history`` a copy without the full
history (a shallow clone, no git) is not an error: it says so in one line,
writes nothing and exits 0 (``make site`` uses this, and the site's page then
says the comparison needs the full history).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from handbook_sphinx.changes import wording
from handbook_sphinx.changes.compare import SafetyRulesError
from handbook_sphinx.changes.comparison import compare_edition
from handbook_sphinx.changes.editions import EDITIONS_FILE, EditionsError, load_editions
from handbook_sphinx.changes.history import HistoryError, MissingHistory
from handbook_sphinx.changes.typst_pdf import PdfError, write_pdf

ROOT = Path(__file__).resolve().parents[2]


def conf_values(root: Path) -> dict:
    """The settings the PDF needs, from conf.py itself (one place for names and the site's address)."""
    from sphinx.util.tags import Tags

    conf = root / "conf.py"
    namespace = {"__file__": str(conf), "__name__": "handbook_conf", "tags": Tags()}
    exec(compile(conf.read_text(encoding="utf-8"), str(conf), "exec"), namespace)
    return namespace


def listing(report) -> list[str]:
    lines = [f"{wording.intro(report)} {wording.counts(report)} {wording.reading_time(report)}"]
    for item in report.items:
        flag = "[safety] " if item.safety else ""
        lines.append(f"{flag}{item.category} {item.status}: {item.key}: {item.summary()}")
        for change in item.fields:
            lines.append(f"    {item.title} · {change.name}: {change.old} → {change.new}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make changes", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--from", dest="wanted", default="", help="an edition (1.0.0) or a commit; default: the previous edition"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "changes")
    parser.add_argument("--root", type=Path, default=ROOT)
    parser.add_argument("--if-history", action="store_true", help="without full history, say so and write nothing")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    out: Path = args.out
    # Only the comparison made now is ever in ``out``: emptied first, left empty on error.
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    try:
        editions = load_editions(root / EDITIONS_FILE)
        conf = conf_values(root)
        report = compare_edition(
            root,
            args.wanted or None,
            editions,
            lettered_parts=conf.get("handbook_lettered_parts", ()),
            unnumbered_parts=conf.get("handbook_unnumbered_parts", ()),
        )
    except MissingHistory as error:
        if args.if_history:
            print(f"make changes: skipped: {error}")
            return 0
        print(f"make changes: {error}", file=sys.stderr)
        return 1
    except (HistoryError, EditionsError, SafetyRulesError) as error:
        print(f"make changes: {error}", file=sys.stderr)
        return 1
    print("\n".join(listing(report)))
    pdf = out / wording.pdf_name(report, editions.current.version)
    try:
        write_pdf(
            report,
            pdf,
            base_url=conf["html_baseurl"],
            project=conf["project"],
            author=conf["author"],
            notice=conf["handbook_notice"],
            page=f"{report.page.docname}.html" if report.page else "",
        )
    except PdfError as error:
        print(f"make changes: {error}", file=sys.stderr)
        return 1
    print(f"PDF: {pdf}")
    return 0
