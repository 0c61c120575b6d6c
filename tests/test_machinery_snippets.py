"""{snippet}: text, images, citations and terms of a shared snippet, and which documents an edit re-reads."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("machinery_env")

SNIPPETS_ROOT = pytest.mark.sphinx("html", testroot="snippets", warningiserror=True)


def _page(app, docname: str) -> Path:
    return app.outdir / f"{docname}.html"


@SNIPPETS_ROOT
def test_snippet_root_builds_clean(app, warnings_of):
    app.build()
    assert warnings_of(app) == []
    assert app.statuscode == 0


@SNIPPETS_ROOT
def test_snippet_text_appears_where_it_is_shown(app, soup):
    app.build()
    for docname in ("docs/index", "docs/part-a/deeper/chapter"):
        shown = soup(_page(app, docname)).select("div.snippet")
        assert [block.get_text(" ", strip=True) for block in shown if "Welcome" in block.get_text()] == [
            "Welcome text from the shared box, version one."
        ], docname
    assert "Welcome text" not in soup(_page(app, "docs/part-a/chapter")).get_text()


@SNIPPETS_ROOT
@pytest.mark.parametrize(
    ("docname", "src"),
    [
        ("docs/part-a/chapter", "../../_images/diagram.svg"),  # one folder below docs/
        ("docs/part-a/deeper/chapter", "../../../_images/diagram.svg"),  # two folders below docs/
    ],
)
def test_snippet_image_resolves_from_a_chapter_in_a_subfolder(app, soup, docname, src):
    app.build()
    page = _page(app, docname)
    images = soup(page).select("div.snippet figure img")
    assert [(img["src"], img["alt"]) for img in images] == [(src, "Two boxes joined by an arrow.")]
    copied = (page.parent / src).resolve()
    assert copied == (app.outdir / "_images" / "diagram.svg").resolve()
    assert copied.read_bytes() == (app.srcdir / "snippets" / "figures" / "diagram.svg").read_bytes()


@SNIPPETS_ROOT
def test_term_and_cite_inside_a_snippet_resolve(app, soup):
    app.build()
    chapter = _page(app, "docs/part-a/chapter")
    paragraph = next(p for p in soup(chapter).select("div.snippet p") if "first described" in p.get_text())
    assert paragraph.get_text(" ", strip=True) == ("Ketamine was first described as a dissociative anaesthetic [ 1 ] .")

    term = paragraph.select_one("a.reference.internal span.std-term").parent
    glossary_page, _, term_id = term["href"].partition("#")
    assert glossary_page == "../glossary.html"
    entry = soup(chapter.parent / glossary_page).find(id=term_id)
    assert entry.name == "dt" and entry.get_text(strip=True).startswith("dissociative anaesthetic")

    cite = paragraph.select_one("span.bibtex-citation a.reference.internal")
    references_page, _, cite_id = cite["href"].partition("#")
    assert references_page == "../references.html"
    entry = soup(chapter.parent / references_page).find(id=cite_id)
    assert "Pharmacologic effects of CI-581" in entry.find_parent(["div", "dd", "li"]).get_text()


@pytest.mark.sphinx("html", testroot="snippets", srcdir="snippets-edit")
def test_editing_a_snippet_rereads_exactly_the_documents_that_show_it(app, make_app, warnings_of):
    read: list[list[str]] = []

    def record(app, env, docnames):
        read.append(sorted(docnames))

    app.connect("env-before-read-docs", record)
    app.build()
    assert read == [
        ["docs/glossary", "docs/index", "docs/part-a/chapter", "docs/part-a/deeper/chapter", "docs/references"]
    ]

    snippet = app.srcdir / "snippets" / "shared" / "welcome.md"
    snippet.write_text("Welcome text from the shared box, version two.\n", encoding="utf-8")

    app.cleanup()
    rebuild = make_app("html", srcdir=app.srcdir)
    rebuild.connect("env-before-read-docs", record)
    rebuild.build()
    assert warnings_of(rebuild) == []
    assert read[1] == ["docs/index", "docs/part-a/deeper/chapter"]
    assert "version two" in (rebuild.outdir / "docs" / "part-a" / "deeper" / "chapter.html").read_text(encoding="utf-8")


# -- Part of a snippet on a slide: :items:, :rows:, :bare:, and a figure's slide form ---------------

PARTS_ROOT = pytest.mark.sphinx("html", testroot="snippet-parts", warningiserror=True)


def _slides(decks, soup) -> dict[str, object]:
    """The deck's slides by title."""
    page = soup(decks.outdir / "slides" / "index.html")
    return {s.find("h2").get_text(strip=True): s for s in page.select("section section") if s.find("h2")}


@PARTS_ROOT
def test_chapter_shows_each_snippet_whole(app, soup, warnings_of):
    app.build()
    assert warnings_of(app) == []
    chapter = soup(_page(app, "docs/chapter"))
    assert len(chapter.select("div.admonition li")) == 5
    assert [li.get_text(strip=True) for li in chapter.select("ol li")] == [
        "First ranked.",
        "Second ranked.",
        "Third ranked.",
        "Fourth ranked.",
    ]
    assert len(chapter.select("table#parts-table tbody tr")) == 5
    # The chapter gets the print drawing; the slide form is not even copied into the site.
    assert [img["src"].rsplit("/", 1)[-1] for img in chapter.select("figure img")] == ["diagram.svg"]
    assert not (app.outdir / "_images" / "diagram.slide.svg").exists()
    assert chapter.select(".snippet-part") == []


@PARTS_ROOT
def test_items_keep_the_box_and_only_the_chosen_items(app, decks_of, soup, warnings_of):
    app.build()
    decks = decks_of(app)
    assert warnings_of(decks) == []
    slide = _slides(decks, soup)["Steps two and three"]
    box = slide.select_one("div.snippet.snippet-part div.admonition")
    assert box.select_one("p.admonition-title").get_text(strip=True) == "Five steps"
    assert "In order:" in box.get_text()
    assert [li.get_text(strip=True) for li in box.select("li")] == ["Step two.", "Step three."]


@PARTS_ROOT
def test_bare_items_are_the_list_alone(app, decks_of, soup):
    app.build()
    slide = _slides(decks_of(app), soup)["Steps, bare"]
    part = slide.select_one("div.snippet.snippet-part")
    assert part.select("div.admonition") == []  # no box, no title
    assert [p for p in part.select("p") if p.find_parent("li") is None] == []  # no lead-in sentence
    assert [li.get_text(strip=True) for li in part.select("ul > li")] == ["Step one.", "Step four.", "Step five."]


@PARTS_ROOT
def test_an_enumerated_list_keeps_its_numbers(app, decks_of, soup):
    app.build()
    listing = _slides(decks_of(app), soup)["Ranked, from the third"].select_one("ol")
    assert listing["start"] == "3"
    assert [li.get_text(strip=True) for li in listing.select("li")] == ["Third ranked.", "Fourth ranked."]


@PARTS_ROOT
def test_rows_keep_the_header_caption_and_note(app, decks_of, soup, warnings_of):
    app.build()
    decks = decks_of(app)
    assert warnings_of(decks) == []  # shown twice, yet no duplicate label
    slides = _slides(decks, soup)
    first = slides["The first rows"]
    table = first.select_one("table")
    assert table["id"] == "parts-table"  # the first showing keeps the name
    assert table.select_one("caption").get_text(" ", strip=True).endswith("Five rows of a table")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == ["Row", "Value"]
    assert [tr.td.get_text(strip=True) for tr in table.select("tbody tr")] == ["Row one", "Row two"]
    assert "A note under the table." in first.get_text()

    last = slides["The last rows, bare"]
    bare = last.select_one("table")
    assert bare.get("id") != "parts-table" and bare.select_one("caption") is None
    assert [th.get_text(strip=True) for th in bare.select("thead th")] == ["Row", "Value"]
    assert [tr.td.get_text(strip=True) for tr in bare.select("tbody tr")] == ["Row four", "Row five"]
    assert "A note under the table." not in last.get_text()


@PARTS_ROOT
def test_a_citation_in_rows_a_slide_leaves_out_is_not_the_decks(app, decks_of, soup):
    # Row three cites domino1965; the deck shows rows 1-2 and 4-5 only.
    app.build()
    chapter = soup(_page(app, "docs/chapter"))
    assert "[1]" in chapter.select("table#parts-table tbody tr")[2].get_text()
    deck = soup(decks_of(app).outdir / "slides" / "index.html")
    assert deck.select("span.bibtex-citation") == []
    assert deck.select("div.deck-bibliography div.citation") == []


@PARTS_ROOT
def test_deck_shows_a_figure_in_its_slide_form(app, decks_of, soup):
    app.build()
    decks = decks_of(app)
    (img,) = _slides(decks, soup)["The figure"].select("figure img")
    assert img["src"].rsplit("/", 1)[-1] == "diagram.slide.svg"
    assert img["alt"] == "Two boxes joined by an arrow."  # the same facts, the same alt text
    assert (decks.outdir / "slides" / img["src"]).resolve().read_bytes() == (
        app.srcdir / "snippets" / "figures" / "diagram.slide.svg"
    ).read_bytes()


@pytest.mark.sphinx("html", testroot="bad-snippet-parts", warningiserror=True, freshenv=True)
def test_parts_that_are_not_there_are_warnings_at_the_directive(app, soup, warnings_of):
    app.build()
    assert warnings_of(app) == [
        "docs/index.md:8: WARNING: snippet 'shared/steps': :items: asks for item 9, but the snippet's list has 5 "
        "items [handbook.snippet]",
        "docs/index.md:12: WARNING: snippet 'shared/steps': :items: 'two' is not a range: write N, N-M, or several "
        "joined by commas (e.g. 1-3, 5) [handbook.snippet]",
        "docs/index.md:16: WARNING: snippet 'shared/steps': :items: '3-1' is not a range: numbers start at 1, and "
        "N-M needs N ≤ M [handbook.snippet]",
        "docs/index.md:20: WARNING: snippet 'shared/steps': :rows: chooses from the snippet's one table, but it has "
        "no tables [handbook.snippet]",
        "docs/index.md:24: WARNING: snippet 'shared/prose': :bare: keeps only the snippet's lists, tables and "
        "figures, but it has none [handbook.snippet]",
        "docs/index.md:28: WARNING: snippet 'figures/diagram': :panel: 'response': the snippet has no figure drawn "
        "for slides in panels [handbook.snippet]",
    ]
    assert app.statuscode == 1
    # A part that cannot be shown leaves the snippet whole: nothing is silently dropped.
    page = soup(_page(app, "docs/index"))
    assert [len(box.select("li")) for box in page.select("div.snippet div.admonition")] == [5, 5, 5, 5]
    assert page.select(".snippet-part") == []


@pytest.mark.parametrize(
    ("value", "numbers"), [("3", [3]), ("1-3", [1, 2, 3]), ("1-2, 5", [1, 2, 5]), ("2–4", [2, 3, 4])]
)
def test_ranges_read_as_authors_write_them(value, numbers):
    from handbook_sphinx.snippet_parts import parse_ranges

    assert parse_ranges("items", value) == numbers


@pytest.mark.parametrize("value", ["", "0", "a-b", "4-2", "1-3, 2", "3, 1"])
def test_ranges_that_are_not_ranges_are_refused(value):
    from handbook_sphinx.snippet_parts import PartError, parse_ranges

    with pytest.raises(PartError, match=r"^:items: "):
        parse_ranges("items", value)
