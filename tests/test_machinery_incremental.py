"""Incremental builds re-read only what changed; speed itself is measured by `make bench`, never here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

pytestmark = pytest.mark.usefixtures("machinery_env")


def _recording(app, read: list[list[str]]):
    app.connect("env-before-read-docs", lambda app, env, docnames: read.append(sorted(docnames)))
    return app


@pytest.mark.sphinx("html", testroot="decks", warningiserror=True, freshenv=True)
def test_a_deck_rebuild_with_nothing_changed_rereads_nothing(app, make_app, decks_of, warnings_of):
    # sphinx-revealjs changes two config values at builder init (its static
    # path, and scrollActivationWidth in revealjs_script_conf), so stock every
    # deck build found the config changed and re-read every deck (#74).
    app.build()
    decks = decks_of(app)
    assert warnings_of(decks) == []
    decks.cleanup()
    read: list[list[str]] = []
    rebuild = make_app(
        "revealjs",
        srcdir=app.srcdir,
        builddir=app.outdir.parent,
        tags=["decks"],
        warningiserror=True,
        confoverrides={"handbook_inventory": str(app.outdir / "objects.inv")},
    )
    _recording(rebuild, read).build()
    assert read == [[]]
    assert warnings_of(rebuild) == []


@pytest.mark.sphinx("html", testroot="snippets", srcdir="incremental-chapter", freshenv=True)
def test_editing_one_chapter_rereads_that_chapter_only(app, make_app, warnings_of):
    app.build()
    chapter = app.srcdir / "docs" / "part-a" / "chapter.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence in the chapter.\n", encoding="utf-8")
    app.cleanup()
    read: list[list[str]] = []
    _recording(make_app("html", srcdir=app.srcdir), read).build()
    assert read == [["docs/part-a/chapter"]]


def test_pybtex_plaintext_backend_is_found_without_scanning_entry_points(monkeypatch):
    import pybtex.plugin

    from handbook_sphinx import bibtex_plugins

    bibtex_plugins.setup(app=None)

    def no_scan(**kwargs):
        raise AssertionError(f"pybtex scanned the entry points for {kwargs}")

    monkeypatch.setattr(pybtex.plugin, "entry_points", no_scan)
    backend = pybtex.plugin.find_plugin("pybtex.backends", "plaintext")
    from pybtex.backends.plaintext import Backend

    assert backend is Backend
