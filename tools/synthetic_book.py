"""Write a synthetic handbook of N chapters, for measuring how the HTML build scales.

    python tools/synthetic_book.py 160 _build/bench/book-160

The book has the real handbook's shape where the sidebar's cost comes from
(parts of five chapters, each chapter with sections and a few paragraphs),
and the project's own configuration: build it with
``sphinx-build -c . -b html <dir>/docs <out>`` from the project folder.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

PART_SIZE = 5
FRONT_MATTER = "---\nreviewed: 2026-11-21\nevidence-cutoff: 2025-12-31\n---\n\n"
PARAGRAPH = (
    "Ketamine is an anaesthetic whose antidepressant effects were studied in trials of "
    "treatment-resistant depression; this sentence stands in for a chapter's text. "
) * 4


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def book(chapters: int, root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    docs = root / "docs"
    parts = (chapters + PART_SIZE - 1) // PART_SIZE
    write(
        docs / "index.md",
        FRONT_MATTER
        + "# Synthetic handbook\n\n```{toctree}\n"
        + "".join(f"part-{p}/index\n" for p in range(parts))
        + "```\n",
    )
    for number in range(chapters):
        part = docs / f"part-{number // PART_SIZE}"
        if number % PART_SIZE == 0:
            members = range(number, min(number + PART_SIZE, chapters))
            write(
                part / "index.md",
                FRONT_MATTER
                + f"# Part {number // PART_SIZE}\n\n```{{toctree}}\n"
                + "".join(f"chapter-{m}\n" for m in members)
                + "```\n",
            )
        sections = "".join(f"\n(chapter-{number}-s{s})=\n## Section {s}\n\n{PARAGRAPH}\n" for s in range(4))
        write(
            part / f"chapter-{number}.md",
            FRONT_MATTER + f"(chapter-{number})=\n# Chapter {number}\n\n{PARAGRAPH}\n{sections}",
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chapters", type=int)
    parser.add_argument("root", type=Path)
    args = parser.parse_args()
    book(args.chapters, args.root)


if __name__ == "__main__":
    main()
