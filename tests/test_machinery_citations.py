"""Numbered Vancouver citations: order of first use across documents, the entries, the decks, plain nodes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("machinery_env")

CITATIONS_ROOT = pytest.mark.sphinx("html", testroot="citations", warningiserror=True)

# The reference list, in order of first citation through the toctree:
# docs/first.md cites the label, then (in a snippet) the eight-author trial;
# docs/second.md cites three new trials, the label again, then kappa2019.
ENTRIES = [
    "[1] Holder Pharmaceuticals, Inc. EXAMPLE (examplamine) nasal spray: full prescribing information. Version 18. "
    "Structured product label, effective 13 March 2026; 2026 Mar. Available from: https://example.org/label",
    # More than six authors: the first six, then "et al.".
    "[2] Alpha AB, Beta C, Gamma D, Delta E, Epsilon F, Zeta G, et al. A trial with eight authors. Journal of "
    "Trials. 2020;12(3):45–67. https://doi.org/10.5555/trials.2020.45",
    "[3] Upsilon U. A fourth trial. Journal of Trials. 2016;8:20–29. https://doi.org/10.5555/trials.2016.20",
    "[4] Rho R, Sigma S. A second trial. Journal of Trials. 2018;10:1–9. https://doi.org/10.5555/trials.2018.1",
    "[5] Tau T. A third trial. Journal of Trials. 2017;9:10–19. https://doi.org/10.5555/trials.2017.10",
    # Six names and "and others" in the BibTeX: "et al.", never "and others";
    # the suffix after the initials; a question mark keeps its place.
    "[6] Kappa KL Jr, Lambda M, Mu N, Nu O, Xi P, Omicron Q, et al. Does a question mark keep its place? Journal "
    "of Trials. 2019;11:e79. PMID: 12345678.",
    # Published online, not yet in an issue: the Epub date stands for volume and pages.
    "[7] Phi P, Chi C. A trial published online before its issue. Journal of Trials. 2025. Epub 2025 Oct 22. "
    "https://doi.org/10.5555/trials.2025.1",
    # A report: "Place: Institution; year. Report No.: …".
    "[8] WHO Expert Committee on Drug Dependence. WHO Expert Committee on Drug Dependence: thirty-seventh report. "
    "Geneva: World Health Organization; 2016. Report No.: WHO Technical Report Series, No. 998. Available from: "
    "https://example.org/trs998",
]


def _page(app, docname):
    return app.outdir / f"{docname}.html"


def _citations(page):
    return [span.get_text("", strip=False) for span in page.select("span.bibtex-citation")]


def _entries(page):
    """Each entry as "[n] text"; the back-references a deck's own list carries are hidden by deck.css."""
    for backrefs in page.select("div.citation span.backrefs"):
        backrefs.decompose()
    texts = (" ".join(entry.get_text(" ", strip=True).split()) for entry in page.select("div.citation"))
    return [text.replace("[ ", "[").replace(" ]", "]") for text in texts]


@CITATIONS_ROOT
def test_numbers_follow_first_use_through_the_toctree(app, soup, warnings_of):
    app.build()
    assert warnings_of(app) == []
    first = soup(_page(app, "docs/first"))
    second = soup(_page(app, "docs/second"))
    # The snippet's citation is numbered where the chapter shows it.
    assert _citations(first) == ["[1]", "[2]"]
    # Several keys: ascending, a run of three joined by an en dash, ", " between.
    assert _citations(second) == ["[1, 3–5]", "[6]", "[1]", "[7]", "[8]"]
    assert _entries(soup(_page(app, "docs/references"))) == ENTRIES


@CITATIONS_ROOT
def test_a_citation_group_is_one_pair_of_brackets_linking_each_number(app, soup):
    app.build()
    group = soup(_page(app, "docs/second")).select_one("span.bibtex-citation")
    links = group.select("a.reference.internal")
    assert [a.get_text() for a in links] == ["1", "3", "5"]
    references = soup(_page(app, "docs/references"))
    for link in links:
        page, _, anchor = link["href"].partition("#")
        assert page == "references.html"
        label = references.find(id=anchor).select_one("span.label").get_text(strip=True)
        assert label == f"[{link.get_text()}]"
    # The tooltip is the entry itself.
    assert links[0]["title"].startswith("Holder Pharmaceuticals, Inc. EXAMPLE")
    text = group.get_text()
    assert text.count("[") == 1 and text.count("]") == 1
    page_text = soup(_page(app, "docs/second")).get_text()
    assert "[[" not in page_text and "]]" not in page_text and "and others" not in page_text


@CITATIONS_ROOT
def test_each_deck_numbers_its_own_sources_in_order_of_first_use(decks_of, app, soup):
    app.build()
    decks = decks_of(app)
    deck = soup(decks.outdir / "slides" / "index.html")
    # The deck cites in the handbook's order, so its numbers are the handbook's.
    assert _citations(deck) == ["[1]", "[2]", "[1, 3–5]", "[6]"]
    assert _entries(deck) == ENTRIES[:6]
    # A second deck starts again at 1, in the order it cites.
    second = soup(decks.outdir / "slides" / "second.html")
    assert _citations(second) == ["[1]", "[2]"]
    # The hidden list's back-references (the handout prints them) lead to the plain citations on the slides.
    for name in ("index", "second"):
        page = soup(decks.outdir / "slides" / f"{name}.html")  # afresh: _entries dropped the back-references
        ids = {tag["id"] for tag in page.select("[id]")}
        backrefs = [a["href"] for a in page.select("div.citation a[role=doc-backlink]")]
        assert backrefs and [href for href in backrefs if href.removeprefix("#") not in ids] == []
    assert [entry.split(".")[0] for entry in _entries(second)] == [
        "[1] Kappa KL Jr, Lambda M, Mu N, Nu O, Xi P, Omicron Q, et al",
        "[2] Holder Pharmaceuticals, Inc",
    ]


@pytest.mark.sphinx("text", testroot="citations", warningiserror=True)
def test_citations_are_plain_nodes_any_builder_renders(app, warnings_of):
    """Sphinx's text builder knows nothing of this project: it renders the same numbers and entries."""
    app.build()
    assert warnings_of(app) == []
    second = " ".join((app.outdir / "docs" / "second.txt").read_text(encoding="utf-8").split())
    assert "Later trials agree [1, 3–5], and a question remains open [6]. The label again [1]." in second
    references = " ".join((app.outdir / "docs" / "references.txt").read_text(encoding="utf-8").split())
    assert "[2] Alpha AB, Beta C, Gamma D, Delta E, Epsilon F, Zeta G, et al. A trial with eight authors." in references
