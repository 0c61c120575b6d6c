"""Print one of handbook.toml's facts, for the Makefile and shell scripts.

    python3 tools/config.py basename     # ketamine-therapy-handbook
    python3 tools/config.py decks        # part-1-foundations part-2-clinical-use ...
    python3 tools/config.py changes-pdf-glob   # changes-*-*.pdf

Runs with the system Python (3.11 has tomllib): the Makefile needs these
names before the virtual environment exists.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handbook_sphinx.facts import load  # noqa: E402


def main(argv: list[str]) -> int:
    facts = load()
    values = {
        "basename": facts.basename,
        "decks": " ".join(deck.name for deck in facts.decks),
        "changes-pdf-glob": facts.changes_pdf_glob,
    }
    if len(argv) != 1 or argv[0] not in values:
        print(f"usage: config.py {'|'.join(values)}", file=sys.stderr)
        return 2
    print(values[argv[0]])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
