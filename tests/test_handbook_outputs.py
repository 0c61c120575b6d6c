"""The real handbook: every output builds clean and carries what readers need."""

from __future__ import annotations

import re

import pytest
from handbook_build import DECK_DOWNLOADS, DECKS, PROJECT, deck_snippets, normalise

pytestmark = pytest.mark.handbook

NOTICE = "Educational material, not medical advice"


def shown_items(deck: str, name: str) -> list[int] | None:
    """The list items (1 is the first) the deck's first showing of snippet ``name`` chooses with ``:items:``; None: all."""
    from handbook_sphinx.snippet_parts import parse_ranges

    source = (PROJECT / "slides" / f"{deck}.md").read_text(encoding="utf-8")
    block = re.search(rf"^```{{snippet}} {re.escape(name)}\n((?::\S+:.*\n)*)", source, re.M)
    items = re.search(r"^:items: (.+)$", block[1], re.M) if block else None
    return parse_ranges("items", items[1]) if items else None


def snippet_text(name: str, items: list[int] | None = None) -> str:
    """A distinctive plain-text line from a snippet's source (a list item; one of ``items`` when given)."""
    source = (PROJECT / "snippets" / f"{name}.md").read_text(encoding="utf-8")
    listed = [line.strip()[2:] for line in source.splitlines() if line.strip().startswith("- ")]
    for number, line in enumerate(listed, start=1):
        if (items is None or number in items) and "{" not in line and len(line) > 30:
            return normalise(re.sub(r"[*_`]", "", line))[:45]
    pytest.fail(f"snippet {name} has no plain list line to look for: pick another snippet for this test")


def test_make_all_builds_every_output(handbook):
    # The build itself ran with -W: the fixture fails the session on a warning.
    assert (handbook.html / "index.html").is_file()
    assert handbook.pdf.is_file()
    for deck in DECKS:
        assert (handbook.slides / f"{deck}.html").is_file()
        for download in DECK_DOWNLOADS:
            assert (handbook.builddir / download.target / download.file(deck)).is_file()
    assert list((handbook.builddir / "epub").glob("*.epub"))


def test_every_page_carries_notice_version_and_date(handbook):
    from conf_values import release, today

    for page in handbook.chapter_pages():
        footer = normalise(handbook.soup(page).select_one(".handbook-notice").get_text())
        assert NOTICE in footer, page
        assert f"Version {release}" in footer and today in footer, page


def test_every_chapter_shows_its_review_dates(handbook):
    for page in handbook.chapter_pages():
        dates = handbook.soup(page).select_one("article h1 ~ p.chapter-dates, section > p.chapter-dates")
        assert dates is not None, page
        assert "Last reviewed" in dates.get_text() and "Literature cut-off" in dates.get_text()


def test_deck_snippet_text_appears_in_html_pdf_and_deck(handbook):
    name = next(n for n in deck_snippets("part-1-foundations") if n.endswith("key-points"))
    # A line the deck shows: a slide may show some of the snippet's items (:items:).
    expected = snippet_text(name, shown_items("part-1-foundations", name))
    chapter = handbook.html / "part-1-foundations" / f"{name.split('/')[0]}.html"
    assert expected in normalise(handbook.soup(chapter).get_text())
    assert expected in normalise(handbook.pdf_text)
    deck = handbook.soup(handbook.slides / "part-1-foundations.html")
    sections = [s for s in deck.select(".reveal .slides section") if expected in normalise(s.get_text())]
    assert sections, "snippet text not on any slide"


def test_speaker_notes_only_in_decks(handbook):
    for deck in DECKS:
        notes = handbook.soup(handbook.slides / f"{deck}.html").select("aside.notes")
        assert notes, deck
        sample = normalise(notes[0].get_text())[:60]
        for page in handbook.chapter_pages():
            text = page.read_text(encoding="utf-8")
            assert 'class="notes"' not in text
            assert sample not in normalise(handbook.soup(page).get_text())
        assert sample not in normalise(handbook.pdf_text)


def test_outputs_load_nothing_from_other_hosts(handbook):
    pages = list(handbook.html.rglob("*.html")) + list(handbook.slides.rglob("*.html"))
    offenders = []
    for page in pages:
        soup = handbook.soup(page)
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src")):
            for node in soup.find_all(tag):
                value = node.get(attr) or ""
                if (
                    tag == "link"
                    and "stylesheet" not in (node.get("rel") or [])
                    and "icon" not in (node.get("rel") or [])
                ):
                    continue
                if re.match(r"^(https?:)?//", value):
                    offenders.append(f"{page.name}: <{tag} {attr}={value}>")
    linked = set()
    for page in pages:
        for link in handbook.soup(page).select('link[rel="stylesheet"]'):
            href = link.get("href", "").split("?")[0]
            if href and not re.match(r"^(https?:)?//", href):
                linked.add((page.parent / href).resolve())
    for css in (path for path in linked if path.is_file()):
        for url in re.findall(r"@import\s+url\(['\"]?(https?://[^)'\"]+)", css.read_text(errors="replace")):
            offenders.append(f"{css.name}: @import {url}")
    assert not offenders, offenders[:10]


def test_pdf_outline_covers_every_chapter(handbook):
    def titles(outline):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item)
            else:
                yield normalise(item.title)

    outline = set(titles(handbook.pdf_reader.outline))
    for page in handbook.chapter_pages():
        if page.name == "index.html" and page.parent == handbook.html:
            continue  # the root page's title is the PDF's own title
        h1 = normalise(handbook.soup(page).select_one("article h1").get_text().rstrip("#"))
        assert any(h1 in entry for entry in outline), h1


def test_pdf_fonts_embedded_and_metadata_set(handbook):
    reader = handbook.pdf_reader
    meta = reader.metadata
    assert meta.title == "Ketamine Therapy for Mood Disorders"
    assert meta.author and meta.subject and "ketamine" in (meta.get("/Keywords") or "")
    unembedded = set()
    for page in reader.pages:
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for font in fonts.values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            if descriptor is None:
                continue
            descriptor = descriptor.get_object()
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                unembedded.add(str(font.get("/BaseFont")))
    assert not unembedded


def test_pdf_has_no_unresolved_references(handbook):
    text = handbook.pdf_text
    assert "??" not in text
    assert "[undefined]" not in text
    assert not re.search(r"p\.\s*\?", text)
    # Every link the builder wrote found its target in the book.
    source = handbook.typst_source.read_text(encoding="utf-8")
    assert "#nolink(" not in source and "#nopageref(" not in source


def glossary_terms() -> list[str]:
    """The terms of docs/back-matter/glossary.md: the unindented lines of its glossary block."""
    source = (PROJECT / "docs" / "back-matter" / "glossary.md").read_text(encoding="utf-8")
    block = source.split("{glossary}", 1)[1].split("\n:::", 1)[0]
    return [
        line.strip() for line in block.splitlines()[1:] if line.strip() and not line[0].isspace() and ":" != line[0]
    ]


def test_pdf_glossary_index_and_references_are_chapters_with_content(handbook):
    """Each back-matter part is an outline entry, and its pages hold what it lists (not just its title)."""
    reader = handbook.pdf_reader

    def entries(outline):
        for item in outline:
            if isinstance(item, list):
                yield from entries(item)
            else:
                yield normalise(item.title), reader.get_destination_page_number(item)

    starts = sorted({page for _, page in entries(reader.outline)} | {len(reader.pages)})
    # The first entry of each title: "What changed" (after References) has sections of the same names.
    pages: dict[str, int] = {}
    for title, page in entries(reader.outline):
        pages.setdefault(title, page)

    def text_of(title: str) -> str:
        first = pages[title]
        end = next(page for page in starts if page > first)
        return normalise(" ".join(reader.pages[n].extract_text() or "" for n in range(first, end)))

    assert {"Glossary", "Index", "References"} <= set(pages), sorted(pages)
    glossary = text_of("Glossary")
    terms = glossary_terms()
    assert len(terms) > 20 and [term for term in terms if normalise(term) not in glossary] == []
    # The index lists terms with page numbers; the references, each cited work.
    assert len(re.findall(r"\b\d{1,3}\b", text_of("Index"))) > 50
    assert text_of("References").count("doi") + text_of("References").count("DOI") > 10


def test_deck_read_more_links_reach_handbook_sections(handbook):
    # The links are written for the published site, where decks sit in /slides/.
    site_decks = handbook.builddir / "site" / "slides"
    for deck in DECKS:
        links = handbook.soup(site_decks / f"{deck}.html").select("p.read-more a")
        assert links, deck
        for link in links:
            target, _, fragment = link["href"].partition("#")
            page = (site_decks / target).resolve()
            assert page.is_file(), link["href"]
            assert handbook.soup(page).find(id=fragment), link["href"]


def test_every_deck_snippet_is_shown_by_the_handbook(handbook):
    import json

    report = json.loads((handbook.builddir / "reports" / "snippet-traceability.json").read_text())
    for deck in DECKS:
        for name in deck_snippets(deck):
            assert report[name]["chapters"], name
            assert f"{deck}.md" in report[name]["decks"]
