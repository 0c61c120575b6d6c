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
