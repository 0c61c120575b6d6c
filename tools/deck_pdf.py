"""Print every reveal.js deck to PDF: the slides, and a handout with notes.

For each deck ``<name>.html`` in the built slides folder this writes
``<name>.pdf`` (one page per slide) and ``<name>-handout.pdf`` (each slide
followed by a page of its speaker notes), using reveal.js's own print-pdf
mode in Debian's Chromium. Old PDFs are removed first and new ones written
atomically, so a failure never leaves a stale PDF behind.

usage: python tools/deck_pdf.py SLIDES_DIR OUT_DIR
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser import launch  # noqa: E402

# index.html is the landing page that lists the decks; it is not printed.
NOT_DECKS = {"index.html", "genindex.html", "search.html"}


def decks(slides_dir: Path) -> list[Path]:
    return sorted(p for p in slides_dir.glob("*.html") if p.name not in NOT_DECKS)


def print_deck(browser, deck: Path, target: Path, notes: bool) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    query = "?print-pdf" + ("&showNotes=separate-page" if notes else "")
    page.goto(deck.resolve().as_uri() + query)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    # reveal.js lays out print pages after ready; wait for its print layout.
    page.wait_for_selector(".pdf-page", state="attached")
    page.wait_for_timeout(300)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    page.pdf(path=str(tmp), prefer_css_page_size=True, print_background=True)
    page.close()
    tmp.replace(target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slides_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    args = parser.parse_args()
    found = decks(args.slides_dir)
    if not found:
        print(f"no decks in {args.slides_dir}: run make slides first", file=sys.stderr)
        return 1
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for old in args.out_dir.glob("*.pdf"):
        old.unlink()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for deck in found:
                for notes, suffix in ((False, ""), (True, "-handout")):
                    target = args.out_dir / f"{deck.stem}{suffix}.pdf"
                    print_deck(browser, deck, target, notes)
                    print(f"deck PDF: {target}")
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
