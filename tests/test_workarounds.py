"""handbook_sphinx/workarounds/: each patch works, and each is still needed.

A "still needed" test builds with the patch turned off
(``HANDBOOK_DISABLE_WORKAROUNDS``) and asserts the upstream problem is still
there. When an upgrade fixes it upstream, that test fails: delete the
workaround module and its tests.
"""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH, PROJECT

sys.path.insert(0, str(PROJECT))
from handbook_sphinx.workarounds.search_index_entries import frozen_entries  # noqa: E402
from handbook_sphinx.workarounds.theme_templates import TEMPLATE_PATCHES  # noqa: E402

pytestmark = pytest.mark.usefixtures("machinery_env")

ROOT_EPOCH_DATE = time.gmtime(int(BUILD_EPOCH))[:6]


def _disable(monkeypatch, name: str) -> None:
    monkeypatch.setenv("HANDBOOK_DISABLE_WORKAROUNDS", name)


def stock(app, make_app, monkeypatch, name: str):
    """A fresh app on ``app``'s copy of the root, set up with the workaround ``name`` turned off."""
    _disable(monkeypatch, name)
    app.cleanup()
    return make_app(app.builder.name, srcdir=app.srcdir, freshenv=True)


def _reads(app) -> list[list[str]]:
    read: list[list[str]] = []
    app.connect("env-before-read-docs", lambda app, env, docnames: read.append(sorted(docnames)))
    return read


# -- revealjs_rereads (sphinx-revealjs#74) ------------------------------------


@pytest.mark.sphinx("html", testroot="decks", srcdir="workaround-revealjs-stock", freshenv=True)
def test_revealjs_still_rereads_unchanged_decks(app, deck_app, decks_of, monkeypatch):
    _disable(monkeypatch, "revealjs_rereads")
    app.build()
    decks_of(app).cleanup()
    rebuild = deck_app(app, fresh=False, strict=False)
    read = _reads(rebuild)
    rebuild.build()
    assert read == [["slides/index"]], "sphinx-revealjs#74 is fixed: delete workarounds/revealjs_rereads.py"


# -- epub_reproducible ---------------------------------------------------------


def _epub_entries(app) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(app.outdir / f"{app.config.epub_basename}.epub") as epub:
        return epub.infolist()


@pytest.mark.sphinx("epub", testroot="site", srcdir="workaround-epub", freshenv=True)
def test_epub_entries_are_dated_from_source_date_epoch_in_a_fixed_order(app):
    app.build()
    entries = _epub_entries(app)
    names = [entry.filename for entry in entries]
    assert names[:4] == ["mimetype", "META-INF/container.xml", "content.opf", "toc.ncx"]
    assert names[4:] == sorted(names[4:])
    assert entries[0].compress_type == zipfile.ZIP_STORED
    assert {entry.date_time for entry in entries} == {ROOT_EPOCH_DATE}
    assert {entry.external_attr >> 16 for entry in entries} == {0o644}


@pytest.mark.sphinx("epub", testroot="site", srcdir="workaround-epub-stock", freshenv=True)
def test_sphinx_epub_still_keeps_file_times(app, make_app, monkeypatch):
    app = stock(app, make_app, monkeypatch, "epub_reproducible")
    app.build()
    dates = {entry.date_time for entry in _epub_entries(app)}
    assert dates != {ROOT_EPOCH_DATE}, "Sphinx dates EPUB entries reproducibly: delete workarounds/epub_reproducible.py"


# -- search_index_entries (sphinx-doc/sphinx#12599) ----------------------------


def _index_entries(app) -> dict:
    return frozen_entries(Path(app.outdir) / "searchindex.js")


@pytest.mark.sphinx("html", testroot="snippets", srcdir="workaround-search", freshenv=True)
def test_an_incremental_build_writes_the_clean_builds_search_index(app, make_app):
    app.build()
    clean = (app.outdir / "searchindex.js").read_bytes()
    assert _index_entries(app), "the root has glossary terms: the index must have entries"
    chapter = app.srcdir / "docs" / "part-a" / "chapter.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    app.cleanup()
    again = make_app("html", srcdir=app.srcdir)
    again.build()
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("\nOne more sentence.\n", ""), encoding="utf-8")
    again.cleanup()
    third = make_app("html", srcdir=app.srcdir)
    third.build()
    assert (third.outdir / "searchindex.js").read_bytes() == clean


@pytest.mark.sphinx("html", testroot="snippets", srcdir="workaround-search-stock", freshenv=True)
def test_sphinx_search_index_still_loses_index_entries(app, make_app, monkeypatch):
    app = stock(app, make_app, monkeypatch, "search_index_entries")
    app.build()
    assert _index_entries(app)
    app.cleanup()
    again = make_app("html", srcdir=app.srcdir)
    again.build()
    assert _index_entries(again) == {}, "sphinx-doc/sphinx#12599 is fixed: delete workarounds/search_index_entries.py"


# -- pybtex_plugin_lookup ------------------------------------------------------

SCANS = """
import importlib.metadata, pybtex.plugin
calls = []
real = pybtex.plugin.entry_points
def counting(**kwargs):
    calls.append(kwargs)
    return real(**kwargs)
pybtex.plugin.entry_points = counting
{setup}
calls.clear()
for _ in range(3):
    pybtex.plugin.find_plugin("pybtex.backends", "plaintext")
print(len(calls))
"""


def _entry_point_scans(setup: str) -> int:
    """How often three plaintext look-ups scan the entry points, in a fresh process (pybtex's registry is global)."""
    code = SCANS.format(setup=setup)
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, capture_output=True, text=True, check=True)
    return int(result.stdout.strip())


def test_the_plaintext_backend_is_looked_up_once():
    setup = "from handbook_sphinx.workarounds import pybtex_plugin_lookup; pybtex_plugin_lookup.setup(None)"
    assert _entry_point_scans(setup) == 0


def test_pybtex_still_scans_entry_points_on_every_lookup():
    assert _entry_point_scans("") >= 3, "pybtex caches plugin look-ups: delete workarounds/pybtex_plugin_lookup.py"


# -- theme_templates: the overrides in theme/templates/ ------------------------


@pytest.mark.parametrize("patch", TEMPLATE_PATCHES, ids=lambda patch: patch.template)
def test_each_template_override_still_patches_a_live_problem(patch):
    import importlib

    assert (PROJECT / "theme" / "templates" / patch.template).is_file()
    package = Path(importlib.import_module(patch.package).__file__).parent
    upstream = (package / patch.upstream_file).read_text(encoding="utf-8")
    assert patch.still_there in upstream, (
        f"{patch.package} changed {patch.upstream_file}: theme/templates/{patch.template} may no longer be needed"
    )


def test_every_template_override_is_registered():
    overrides = {path.name for path in (PROJECT / "theme" / "templates").glob("*.html")}
    # notfound.html is sphinx-notfound-page's documented template for the 404 page's body, not a patch.
    assert overrides - {"notfound.html"} == {patch.template for patch in TEMPLATE_PATCHES}


# -- revealjs_bundle -------------------------------------------------------------

THIRD_PARTY_HOST = ("fonts.googleapis", "cdn.jsdelivr", "cdnjs", "unpkg.com")


def _bundle(decks) -> Path:
    return decks.outdir / "_static" / "revealjs"


def _naming_other_hosts(root: Path) -> list[str]:
    return sorted(
        str(path.relative_to(root))
        for path in root.rglob("*")
        if path.is_file() and any(host in path.read_text(errors="replace") for host in THIRD_PARTY_HOST)
    )


@pytest.mark.sphinx("html", testroot="decks", srcdir="workaround-bundle", freshenv=True)
def test_the_deck_bundle_keeps_what_the_decks_load(app, decks_of):
    app.build()
    bundle = _bundle(decks_of(app))
    assert sorted(path.name for path in (bundle / "dist" / "theme").glob("*.css")) == ["white.css"]
    assert sorted(path.name for path in (bundle / "plugin").iterdir()) == ["notes"]
    assert (bundle / "dist" / "reveal.js").is_file() and not (bundle / "css").exists()
    assert _naming_other_hosts(bundle) == []


@pytest.mark.sphinx("html", testroot="decks", srcdir="workaround-bundle-stock", freshenv=True)
def test_revealjs_still_bundles_files_naming_other_hosts(app, decks_of, monkeypatch):
    _disable(monkeypatch, "revealjs_bundle")
    app.build()
    assert _naming_other_hosts(_bundle(decks_of(app))), "sphinx-revealjs no longer bundles them: delete the module"


def _stock_decks(deck_app, app):
    """The decks of ``app``'s root, built (warnings kept, not raised) after ``app`` built its handbook."""
    decks = deck_app(app, strict=False)
    decks.build()
    return decks


# -- chapter_figure_numbers (sphinx-doc/sphinx#3357, #1600) ----------------------


def _routes_caption(app, soup) -> str:
    page = soup(app.outdir / "docs" / "part-two" / "chapter.html")
    return page.select_one("table#second-chapter-routes-table caption .caption-number").get_text(strip=True)


@pytest.mark.sphinx("html", testroot="pdf", srcdir="workaround-numbers", freshenv=True, warningiserror=True)
def test_tables_are_numbered_by_the_books_chapter_across_parts(app, soup):
    app.build()
    assert _routes_caption(app, soup) == "Table 2.1"


@pytest.mark.sphinx("html", testroot="pdf", srcdir="workaround-numbers-stock", freshenv=True)
def test_sphinx_still_numbers_tables_without_the_books_chapters(app, make_app, monkeypatch, soup):
    app = stock(app, make_app, monkeypatch, "chapter_figure_numbers")
    app.build()
    assert _routes_caption(app, soup) != "Table 2.1", (
        "Sphinx numbers tables by chapter across toctrees: delete workarounds/chapter_figure_numbers.py"
    )


# -- bibtex_local_order (sphinxcontrib-bibtex#184) -------------------------------


def _first_entry(decks, soup, deck: str) -> str:
    page = soup(decks.outdir / "slides" / f"{deck}.html")
    return " ".join(page.select_one("div.citation").get_text(" ", strip=True).split())


@pytest.mark.sphinx("html", testroot="citations", srcdir="workaround-bibtex", freshenv=True, warningiserror=True)
def test_a_deck_numbers_its_sources_from_its_own_first_citation(app, deck_app, soup):
    app.build()
    # slides/second.md cites Kappa first (the handbook's sixth source).
    assert "Kappa KL Jr" in _first_entry(_stock_decks(deck_app, app), soup, "second")


@pytest.mark.sphinx("html", testroot="citations", srcdir="workaround-bibtex-stock", freshenv=True)
def test_sphinxcontrib_bibtex_still_numbers_a_deck_by_the_other_decks(app, deck_app, monkeypatch, soup):
    _disable(monkeypatch, "bibtex_local_order")
    app.build()
    first = _first_entry(_stock_decks(deck_app, app), soup, "second")
    assert "Kappa KL Jr" not in first, (
        "sphinxcontrib-bibtex numbers each bibliography by its own document: delete workarounds/bibtex_local_order.py"
    )


# -- repeated_snippet_targets ------------------------------------------------------

DUPLICATE_TARGET = "Duplicate explicit target name"


@pytest.mark.sphinx("html", testroot="snippet-parts", srcdir="workaround-repeated", freshenv=True)
def test_a_snippet_shown_twice_in_a_deck_keeps_its_name_on_the_first_showing(app, deck_app, soup, warnings_of):
    app.build()
    decks = _stock_decks(deck_app, app)
    assert warnings_of(decks) == []
    deck = soup(decks.outdir / "slides" / "index.html")
    assert len(deck.select("table")) >= 2 and len(deck.select("table#parts-table")) == 1


@pytest.mark.sphinx("html", testroot="snippet-parts", srcdir="workaround-repeated-stock", freshenv=True)
def test_docutils_still_warns_about_a_snippet_shown_twice(app, deck_app, monkeypatch, warnings_of):
    _disable(monkeypatch, "repeated_snippet_targets")
    app.build()
    warnings = warnings_of(_stock_decks(deck_app, app))
    assert any(DUPLICATE_TARGET in warning and "parts-table" in warning for warning in warnings), (
        "docutils lets a name be declared twice in one document: delete workarounds/repeated_snippet_targets.py"
    )


# -- bibtex_dropped_citations ------------------------------------------------------


@pytest.mark.sphinx("html", testroot="snippet-parts", srcdir="workaround-dropped-stock", freshenv=True)
def test_sphinxcontrib_bibtex_still_lists_a_citation_a_slide_left_out(app, deck_app, monkeypatch, soup):
    # Row three of the table cites domino1965; the deck shows rows 1-2 and 4-5 only.
    _disable(monkeypatch, "bibtex_dropped_citations")
    app.build()
    deck = soup(_stock_decks(deck_app, app).outdir / "slides" / "index.html")
    listed = deck.select("div.deck-bibliography div.citation")
    assert listed and "Domino" in listed[0].get_text(), (
        "sphinxcontrib-bibtex forgets a dropped citation: delete workarounds/bibtex_dropped_citations.py"
    )


# -- stable_image_names -------------------------------------------------------------


def _image_names(app, soup) -> dict[str, str]:
    """Each page's drawing → the name it is copied under in _images/."""
    names = {}
    for page in ("early", "between", "late"):
        path = app.outdir / "docs" / f"{page}.html"
        if path.is_file():
            names[page] = soup(path).select_one("figure img")["src"].rsplit("/", 1)[-1]
    return names


def _add_a_chapter_between(srcdir: Path) -> None:
    """docs/between.md, between the two chapters, with a third drawing named pic.svg."""
    (srcdir / "figures" / "between").mkdir()
    drawing = (srcdir / "figures" / "early" / "pic.svg").read_text(encoding="utf-8").replace("early", "between")
    (srcdir / "figures" / "between" / "pic.svg").write_text(drawing, encoding="utf-8")
    chapter = (srcdir / "docs" / "early.md").read_text(encoding="utf-8").replace("early", "between")
    (srcdir / "docs" / "between.md").write_text(chapter, encoding="utf-8")
    index = srcdir / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("early\n", "early\nbetween\n"), encoding="utf-8")


def _incremental_and_clean(app, make_app, soup) -> tuple[dict, dict]:
    app.build()
    _add_a_chapter_between(app.srcdir)
    app.cleanup()
    incremental = make_app("html", srcdir=app.srcdir)
    incremental.build()
    names = _image_names(incremental, soup)
    incremental.cleanup()
    clean = make_app("html", srcdir=app.srcdir, freshenv=True)
    clean.build()
    return names, _image_names(clean, soup)


@pytest.mark.sphinx("html", testroot="image-names", srcdir="workaround-image-names", freshenv=True)
def test_an_incremental_build_names_images_as_a_clean_build_does(app, make_app, soup):
    incremental, clean = _incremental_and_clean(app, make_app, soup)
    assert len(set(clean.values())) == 3 and incremental == clean


@pytest.mark.sphinx("html", testroot="image-names", srcdir="workaround-image-names-stock", freshenv=True)
def test_sphinx_still_names_images_by_reading_order(app, make_app, monkeypatch, soup):
    app = stock(app, make_app, monkeypatch, "stable_image_names")
    incremental, clean = _incremental_and_clean(app, make_app, soup)
    assert incremental != clean, "Sphinx names images the same in every build: delete workarounds/stable_image_names.py"


# -- Every module here names its upstream issue and its "still needed" test --------

WORKAROUNDS = sorted(
    path
    for path in (PROJECT / "handbook_sphinx" / "workarounds").glob("*.py")
    if path.name != "__init__.py" and path.stem != "theme_templates"
)


@pytest.mark.parametrize("module", WORKAROUNDS, ids=lambda path: path.stem)
def test_each_workaround_names_its_upstream_versions_and_still_needed_test(module):
    import ast
    import re

    doc = ast.get_docstring(ast.parse(module.read_text(encoding="utf-8"))) or ""
    assert "Upstream" in doc and "Checked against" in doc, module.name
    needed = re.search(r"Still needed while: ``(test_\w+)``", doc)
    assert needed, f"{module.name} names no still-needed test"
    tests = (PROJECT / "tests" / "test_workarounds.py").read_text(encoding="utf-8")
    assert f"def {needed[1]}(" in tests, f"{module.name}: {needed[1]} is not in tests/test_workarounds.py"
