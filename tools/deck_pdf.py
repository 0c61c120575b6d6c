"""Print every reveal.js deck to three PDFs: slides, trainer notes, participant handout.

For each deck ``<name>.html`` in the built slides folder this writes, in
Debian's Chromium through Playwright:

- ``<name>.pdf``, the slides: one page per slide, in reveal.js's own
  print-pdf mode. Each fragment state is a page of its own
  (``pdfSeparateFragments``), so a quiz's answer is absent from the page that
  asks the question and shows on the next, as on screen.
- ``<name>-notes.pdf``, the trainer notes: A4 portrait (Letter with
  ``--paper letter``), one page per slide: the slide above its speaker notes
  and its "Read more" link, like PowerPoint's Notes Pages. Answers show.
- ``<name>-handout.pdf``, the participant handout: the same paper, a title
  block with a QR code to the handbook, then three slides a page beside ruled
  lines for notes (answers hidden, no trainer notes), and the deck's
  numbered references at the end.

The notes and the handout are composed pages that reuse the deck's own
stylesheets and slide markup, so the slides in them are vector text, not
screenshots. Every link in every PDF is absolute on the published site: a
deck's links are relative to its place there (its canonical URL), never to
the build folder. Every PDF is tagged, with an outline (from the headings)
and a document title.

Chromium stamps the print time into the PDF; each PDF is rewritten with
pikepdf: dates from ``SOURCE_DATE_EPOCH`` and an /ID derived from the
content, so the same commit prints byte-identical PDFs in any time zone.
Old PDFs are removed first and new ones written under a temporary name and
moved into place; if any deck fails, every PDF of this run is removed.

The decks are those handbook.toml lists (``--deck NAME`` for some of them),
and so are the three kinds of PDF and their file names.

usage: python tools/deck_pdf.py SLIDES_DIR OUT_DIR [--paper a4|letter] [--deck NAME ...]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from browser import launch  # noqa: E402

from handbook_sphinx import facts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PRINT_CSS = ROOT / "theme" / "print" / "deck-handouts.css"
# The decks and the PDFs printed of each (handbook.toml): kind → file suffix, and its title.
FACTS = facts.load()
DECKS = tuple(deck.name for deck in FACTS.decks)
KINDS = {download.kind: download.suffix for download in FACTS.downloads_of("slides-pdf")}
KIND_TITLES = {download.kind: download.title for download in FACTS.downloads_of("slides-pdf")}
assert set(KINDS) == {"slides", "notes", "handout"}, "handbook.toml's slides-pdf downloads are what this script prints"
# Paper: (CSS page size, width in mm) for the portrait documents.
PAPERS = {"a4": ("A4 portrait", 210), "letter": ("letter portrait", 215.9)}
# The deck's slide, and reveal.js's print page around it (its 4 % margin).
SLIDE_W, SLIDE_H = 1280, 720
PAGE_W, PAGE_H = int(SLIDE_W * 1.04), int(SLIDE_H * 1.04)
PX_PER_MM = 96 / 25.4
NOTES_SLIDE_MM = 180
HANDOUT_SLIDE_MM = 104
HANDOUT_SLIDES_PER_PAGE = 3
HANDOUT_RULES = 8

# Every link made absolute against the deck's published URL (its canonical
# link), so no PDF links into the build folder.
ABSOLUTE_LINKS_JS = """(base) => {
    for (const a of document.querySelectorAll('a[href]')) {
        a.setAttribute('href', new URL(a.getAttribute('href'), base).href);
    }
}"""

# reveal.js hides every slide but the current one from assistive technology;
# Chromium builds the PDF's tags and outline from that tree, so in print all
# slides are shown to it.
UNHIDE_SLIDES_JS = """() => {
    for (const el of document.querySelectorAll('.reveal .slides section, .reveal .slides .pdf-page')) {
        el.removeAttribute('aria-hidden');
        el.removeAttribute('hidden');
        el.removeAttribute('inert');
    }
}"""

# What the composed documents need from a deck, read once after reveal.js
# has laid it out.
READ_DECK_JS = """() => {
    const link = document.querySelector('link[rel=canonical]');
    if (!link) throw new Error('the deck has no canonical link, so its published address is unknown (html_baseurl)');
    const canonical = link.href;
    const absolute = (a) => a ? new URL(a.getAttribute('href'), canonical).href : null;
    const slides = Reveal.getSlides().map((slide) => {
        const clone = slide.cloneNode(true);
        const notes = [...clone.querySelectorAll('aside.notes')].map((n) => n.textContent.trim()).join('\\n\\n');
        clone.querySelectorAll('aside.notes').forEach((n) => n.remove());
        const readMore = slide.querySelector('p.read-more');
        const heading = slide.querySelector('h1, h2');
        return {
            html: clone.innerHTML,
            title: heading ? heading.textContent.trim() : '',
            notes,
            readMore: readMore ? {text: readMore.textContent.trim(), href: absolute(readMore.querySelector('a'))} : null,
        };
    });
    const block = document.querySelector('.deck-title');
    const text = (sel) => { const el = block && block.querySelector(sel); return el ? el.textContent.trim() : ''; };
    const qr = block && block.querySelector('.deck-qr img');
    const bibliography = document.querySelector('.deck-bibliography');
    return {
        canonical,
        title: document.title,
        stylesheets: [...document.querySelectorAll('link[rel=stylesheet]')].map((l) => l.href),
        slides,
        subtitle: text('.deck-subtitle'),
        version: text('.deck-version'),
        notice: text('.deck-notice'),
        qr: qr ? {src: qr.getAttribute('src'), alt: qr.getAttribute('alt'), url: text('.deck-qr-url')} : null,
        bibliography: bibliography ? bibliography.innerHTML : '',
    };
}"""


@dataclass
class Deck:
    path: Path
    data: dict

    @property
    def title(self) -> str:
        return self.data["title"]


def decks(slides_dir: Path, names: list[str]) -> list[Path]:
    """The built decks ``names`` (handbook.toml's), each ``<name>.html`` in ``slides_dir``."""
    return [slides_dir / f"{name}.html" for name in names]


def open_deck(browser, deck: Path, query: str = ""):
    page = browser.new_page(viewport={"width": SLIDE_W, "height": SLIDE_H})
    page.goto(deck.resolve().as_uri() + query)
    page.wait_for_function("() => window.Reveal && Reveal.isReady()")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def read_deck(browser, path: Path) -> Deck:
    page = open_deck(browser, path)
    try:
        data = page.evaluate(READ_DECK_JS)
    finally:
        page.close()
    if not data["slides"]:
        raise RuntimeError(f"{path}: no slides")
    return Deck(path, data)


def print_pdf(page, target: Path, title: str, **options) -> None:
    """Print the page, tagged and with an outline, then make the file reproducible."""
    page.evaluate("(title) => { document.title = title; }", title)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        page.pdf(path=str(tmp), print_background=True, tagged=True, outline=True, **options)
        make_reproducible(tmp, title)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def source_date() -> time.struct_time:
    return time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH") or time.time()))


def make_reproducible(path: Path, title: str) -> None:
    """Dates from SOURCE_DATE_EPOCH (UTC), the title, and an /ID computed from the content; tags kept."""
    import pikepdf

    stamp = time.strftime("D:%Y%m%d%H%M%S+00'00'", source_date())
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.docinfo["/CreationDate"] = stamp
        pdf.docinfo["/ModDate"] = stamp
        pdf.docinfo["/Title"] = title
        if "/StructTreeRoot" in pdf.Root:
            renumber_structure_ids(pdf.Root.StructTreeRoot)
        if "/Metadata" in pdf.Root:
            # Chromium writes no XMP for these PDFs today; if it ever does, its
            # dates and random IDs would differ per run, and the Info dictionary
            # above says everything a reader needs.
            del pdf.Root["/Metadata"]
        pdf.save(path, deterministic_id=True)


STRUCTURE_ID = re.compile(r"^node(\d+)$")
# Links from structure elements to pages and annotations: followed, they
# would walk the whole document; no structure ID lives behind them.
NOT_STRUCTURE = {"/Pg", "/Obj", "/Stm", "/StmOwn"}


def _walk_structure(obj, seen: set, visit) -> None:
    """Call ``visit(container, key, value)`` for every direct value in the structure tree."""
    import pikepdf

    if isinstance(obj, pikepdf.Dictionary | pikepdf.Array) and obj.is_indirect:
        if obj.objgen in seen:
            return
        seen.add(obj.objgen)
    if isinstance(obj, pikepdf.Dictionary):
        for key in list(obj.keys()):
            if key not in NOT_STRUCTURE:
                visit(obj, key, obj[key])
                _walk_structure(obj[key], seen, visit)
    elif isinstance(obj, pikepdf.Array):
        for index in range(len(obj)):
            visit(obj, index, obj[index])
            _walk_structure(obj[index], seen, visit)


def renumber_structure_ids(root) -> None:
    """Number the structure elements' IDs from 1 in their order.

    Chromium names each tagged element after its DOM node ("node00000202"),
    and the DOM's node numbers shift by one or two between runs; the IDs'
    order does not. Renumbered, the tag tree is the same on every run.
    """
    import pikepdf

    found: set[int] = set()

    def collect(_container, _key, value) -> None:
        if isinstance(value, pikepdf.String) and (match := STRUCTURE_ID.match(str(value))):
            found.add(int(match.group(1)))

    _walk_structure(root, set(), collect)
    mapping = {old: f"node{new:08d}" for new, old in enumerate(sorted(found), 1)}

    def rename(container, key, value) -> None:
        if isinstance(value, pikepdf.String) and (match := STRUCTURE_ID.match(str(value))):
            container[key] = pikepdf.String(mapping[int(match.group(1))])

    _walk_structure(root, set(), rename)


def print_slides(browser, deck: Deck, target: Path) -> None:
    page = open_deck(browser, deck.path, "?print-pdf")
    try:
        # reveal.js lays out its print pages after ready.
        page.wait_for_selector(".pdf-page", state="attached")
        page.evaluate(ABSOLUTE_LINKS_JS, deck.data["canonical"])
        page.evaluate(UNHIDE_SLIDES_JS)
        page.wait_for_timeout(300)
        print_pdf(page, target, f"{deck.title}: {KIND_TITLES['slides']}", prefer_css_page_size=True)
    finally:
        page.close()


def slide_frame(slide: dict, width_mm: float, show_fragments: bool) -> str:
    """One slide as vector content: the deck's markup in a reveal.js box scaled to ``width_mm``."""
    scale = width_mm * PX_PER_MM / PAGE_W
    state = " show-fragments" if show_fragments else ""
    return (
        f'<div class="slide-frame{state}" style="width:{width_mm}mm;height:{width_mm * PAGE_H / PAGE_W:.3f}mm">'
        f'<div class="reveal" style="zoom:{scale:.5f}"><div class="slides">'
        f'<section class="present">{slide["html"]}</section></div></div></div>'
    )


def document(deck: Deck, kind: str, paper: str, body: str) -> str:
    size, _ = PAPERS[paper]
    links = "\n".join(f'<link rel="stylesheet" href="{html.escape(href)}">' for href in deck.data["stylesheets"])
    footer = html.escape(f"{deck.title} · {KIND_TITLES[kind]}").replace('"', '\\"')
    page_css = (
        f'@page {{ size: {size}; @bottom-left {{ content: "{footer}"; }} '
        '@bottom-right { content: "Page " counter(page) " of " counter(pages); } }'
    )
    return f"""<!DOCTYPE html>
<html lang="en" class="print-pdf deck-print deck-print-{kind}">
<head>
<meta charset="utf-8">
<base href="{html.escape(deck.path.resolve().as_uri())}">
<title>{html.escape(deck.title)}</title>
{links}
<style>{PRINT_CSS.read_text(encoding="utf-8")}
{page_css}</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


def notes_body(deck: Deck) -> str:
    pages = []
    total = len(deck.data["slides"])
    for number, slide in enumerate(deck.data["slides"], 1):
        notes = "".join(f"<p>{html.escape(part)}</p>" for part in slide["notes"].split("\n\n") if part)
        more = ""
        if slide["readMore"] and slide["readMore"]["href"]:
            href = html.escape(slide["readMore"]["href"])
            more = f'<p class="notes-read-more">{html.escape(slide["readMore"]["text"])}<br><a href="{href}">{href}</a></p>'
        pages.append(
            f'<article class="notes-page">'
            f'<p class="slide-label">Slide {number} of {total}</p>'
            f"{slide_frame(slide, NOTES_SLIDE_MM, show_fragments=True)}"
            f'<div class="speaker-notes"><p class="speaker-notes-label">Speaker notes</p>'
            f"{notes or '<p>No notes for this slide.</p>'}{more}</div>"
            f"</article>"
        )
    return "\n".join(pages)


# A reference's links back to where the deck cites it: on paper they would
# lead to the deck's web page, so the handout prints the number only.
BACKLINK = re.compile(r'<a [^>]*role="doc-backlink"[^>]*>(.*?)</a>', re.S)


def handout_body(deck: Deck) -> str:
    data = deck.data
    qr = ""
    if data["qr"]:
        qr = (
            f'<figure class="handout-qr"><img src="{html.escape(data["qr"]["src"])}" alt="{html.escape(data["qr"]["alt"])}">'
            f"<figcaption>The handbook: {html.escape(data['qr']['url'])}</figcaption></figure>"
        )
    head = (
        f'<header class="handout-head"><div><h1>{html.escape(deck.title)}</h1>'
        f'<p class="handout-kind">Participant handout · {html.escape(data["subtitle"])}</p>'
        f'<p class="handout-version">{html.escape(data["version"])}</p>'
        f'<p class="handout-notice">{html.escape(data["notice"])}</p></div>{qr}</header>'
    )
    rules = '<div class="note-lines" aria-hidden="true">' + '<div class="rule"></div>' * HANDOUT_RULES + "</div>"
    slides = data["slides"]
    pages = []
    for start in range(0, len(slides), HANDOUT_SLIDES_PER_PAGE):
        rows = "".join(
            f'<div class="handout-row"><p class="slide-label">Slide {start + offset + 1}</p>'
            f"{slide_frame(slide, HANDOUT_SLIDE_MM, show_fragments=False)}{rules}</div>"
            for offset, slide in enumerate(slides[start : start + HANDOUT_SLIDES_PER_PAGE])
        )
        pages.append(f'<section class="handout-page">{head if start == 0 else ""}{rows}</section>')
    references = ""
    if data["bibliography"]:
        listing = BACKLINK.sub(r"\1", data["bibliography"])
        references = (
            '<section class="handout-references"><h2>References</h2>'
            "<p>The sources cited in this session, numbered as on the slides. "
            "The handbook lists every source it cites.</p>"
            f'<div class="bibliography">{listing}</div></section>'
        )
    return "\n".join(pages) + references


def print_composed(browser, deck: Deck, kind: str, paper: str, target: Path, workdir: Path) -> None:
    body = notes_body(deck) if kind == "notes" else handout_body(deck)
    source = workdir / f"{deck.path.stem}-{kind}.html"
    source.write_text(document(deck, kind, paper, body), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(source.as_uri())
        page.evaluate("document.fonts.ready.then(() => true)")
        page.evaluate(ABSOLUTE_LINKS_JS, deck.data["canonical"])
        page.wait_for_load_state("load")
        print_pdf(page, target, f"{deck.title}: {KIND_TITLES[kind]}", prefer_css_page_size=True)
    finally:
        page.close()


def outputs(out_dir: Path, deck: Path) -> dict[str, Path]:
    return {kind: out_dir / f"{deck.stem}{suffix}" for kind, suffix in KINDS.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slides_dir", type=Path)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--paper", choices=sorted(PAPERS), default="a4")
    parser.add_argument(
        "--deck", action="append", choices=DECKS, help="print only this deck (repeatable); default: every deck"
    )
    args = parser.parse_args()
    found = decks(args.slides_dir, args.deck or list(DECKS))
    missing = [path.name for path in found if not path.is_file()]
    if missing:
        print(f"{args.slides_dir} has no {', '.join(missing)}: run make slides first", file=sys.stderr)
        return 1
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for old in args.out_dir.glob("*.pdf"):
        old.unlink()
    from playwright.sync_api import sync_playwright

    written: list[Path] = []
    current = None
    try:
        with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="deck-pdf-") as work:
            browser = launch(playwright)
            try:
                for path in found:
                    current = path
                    deck = read_deck(browser, path)
                    targets = outputs(args.out_dir, path)
                    print_slides(browser, deck, targets["slides"])
                    written.append(targets["slides"])
                    for kind in ("notes", "handout"):
                        print_composed(browser, deck, kind, args.paper, targets[kind], Path(work))
                        written.append(targets[kind])
                    for target in targets.values():
                        print(f"deck PDF: {target}")
            finally:
                browser.close()
    except Exception as error:
        for path in written:
            path.unlink(missing_ok=True)
        print(f"{current}: deck PDFs failed, none written: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
