"""The reveal.js decks: speaker notes, the title block and "Read more" links into the handbook."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("machinery_env")

NOTE = "Speaker note: ask the group before revealing the answer."
DECKS_ROOT = pytest.mark.sphinx("html", testroot="decks", warningiserror=True)


@DECKS_ROOT
def test_speaker_notes_are_an_aside_in_the_deck(decks_of, app, soup, warnings_of):
    app.build()
    decks = decks_of(app)
    assert warnings_of(decks) == []
    slide = next(
        section
        for section in soup(decks.outdir / "slides" / "index.html").select("section section")
        if section.find("h2") and section.find("h2").get_text(strip=True) == "Check your understanding"
    )
    notes = slide.select("aside.notes")
    assert [note.get_text(strip=True) for note in notes] == [NOTE]
    assert slide.select_one("div.snippet div.admonition.quiz") is not None


@DECKS_ROOT
def test_speaker_notes_never_reach_the_handbook(app, soup):
    app.build()
    pages = sorted(Path(app.outdir).rglob("*.html"))
    assert app.outdir / "docs" / "quiz.html" in pages
    # The handbook shows the snippet the deck shows ...
    assert "Which receptor does ketamine block?" in soup(app.outdir / "docs" / "quiz.html").get_text()
    # ... but none of the deck's notes, on any page.
    for page in pages:
        html = soup(page)
        assert not html.select("aside.notes"), page
        assert "Speaker note" not in html.get_text(), page


@DECKS_ROOT
def test_read_more_links_to_the_handbook_section(decks_of, app, soup):
    app.build()
    decks = decks_of(app)
    deck = decks.outdir / "slides" / "index.html"
    links = soup(deck).select("p.read-more a.reference.external")
    assert [(a.get_text(strip=True), a["href"]) for a in links] == [
        ("Quiz chapter", "../../docs/quiz.html#quiz-chapter")
    ]
    # The link works on the site, where the decks' folder sits one level
    # below the handbook (here: the root's slides/ folder inside it).
    page, _, anchor = links[0]["href"].partition("#")
    target = (app.outdir / "decks" / "slides" / page).resolve()
    assert target == (app.outdir / "docs" / "quiz.html").resolve()
    assert soup(target).find(id=anchor).find("h1").get_text(strip=True).startswith("Quiz chapter")


@DECKS_ROOT
def test_deck_title_block_comes_from_conf(decks_of, app, soup):
    app.build()
    decks = decks_of(app)
    block = soup(decks.outdir / "slides" / "index.html").select_one("div.deck-title")
    assert [p["class"][0] for p in block.find_all("p")] == [
        "deck-subtitle",
        "deck-version",
        "deck-notice",
        "deck-handbook-link",
        "deck-qr-url",
    ]
    assert block.select_one(".deck-subtitle").get_text() == decks.config.handbook_subtitle
    assert block.select_one(".deck-version").get_text() == f"Version {decks.config.release} · 1 June 2026"
    assert block.select_one(".deck-notice").get_text() == "Educational material, not medical advice."
    # The way back to the handbook's home, from the deck's place on the site.
    home = block.select_one(".deck-handbook-link a")
    assert (home.get_text(), home["href"]) == ("The handbook", "../../index.html")
    assert (app.outdir / "decks" / "slides" / home["href"]).resolve() == (app.outdir / "index.html").resolve()


@DECKS_ROOT
def test_missing_handbook_inventory_is_a_clear_warning(decks_of, app, warnings_of):
    missing = app.outdir.parent / "no-handbook" / "objects.inv"
    decks = decks_of(app, handbook_inventory=str(missing))
    assert (
        f"WARNING: the decks link into the handbook, but its inventory {missing.relative_to(app.srcdir)} does not exist: "
        "build the handbook first (make html) [handbook.decks]"
    ) in warnings_of(decks)
    assert decks.statuscode == 1
