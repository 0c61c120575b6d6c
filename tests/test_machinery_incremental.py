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
def test_a_deck_rebuild_with_nothing_changed_rereads_nothing(app, deck_app, decks_of, warnings_of):
    # sphinx-revealjs changes two config values at builder init (its static
    # path, and scrollActivationWidth in revealjs_script_conf), so stock every
    # deck build found the config changed and re-read every deck (#74).
    app.build()
    decks = decks_of(app)
    assert warnings_of(decks) == []
    decks.cleanup()
    read: list[list[str]] = []
    rebuild = deck_app(app, fresh=False)
    _recording(rebuild, read).build()
    assert read == [[]]
    assert warnings_of(rebuild) == []


@pytest.mark.sphinx("html", testroot="decks", srcdir="decks-label-renamed", warningiserror=True, freshenv=True)
def test_a_renamed_handbook_label_is_caught_by_the_next_deck_build(app, make_app, deck_app, decks_of, warnings_of):
    # The decks link into the handbook through its objects.inv. With nothing
    # else changed, the deck build must still notice that a label it links to
    # is gone, and fail at the slide's line.
    app.build()
    decks = decks_of(app)
    assert warnings_of(decks) == []
    decks.cleanup()
    chapter = app.srcdir / "docs" / "quiz.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace("(quiz-chapter)=", "(quiz-renamed)="), "utf-8")
    # The handbook's incremental build (in its own build folder: sphinx.testing
    # gives html and revealjs one doctree folder per build folder) rewrites
    # the objects.inv that the decks read.
    handbook = make_app("html", srcdir=app.srcdir, builddir=app.outdir.parent / "again", warningiserror=True)
    handbook.build()
    handbook.cleanup()
    (app.outdir / "objects.inv").write_bytes((handbook.outdir / "objects.inv").read_bytes())
    read: list[list[str]] = []
    rebuild = deck_app(app, fresh=False)
    _recording(rebuild, read).build()
    assert read == [["slides/index"]]
    found = warnings_of(rebuild)
    assert len(found) == 1 and found[0].startswith("slides/index.md:"), found
    assert "quiz-chapter" in found[0] and found[0].endswith("[ref.ref]"), found
    assert rebuild.statuscode == 1


@pytest.mark.sphinx("html", testroot="snippets", srcdir="incremental-chapter", freshenv=True)
def test_editing_one_chapter_rereads_that_chapter_only(app, make_app, warnings_of):
    app.build()
    chapter = app.srcdir / "docs" / "part-a" / "chapter.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nOne more sentence in the chapter.\n", encoding="utf-8")
    app.cleanup()
    read: list[list[str]] = []
    _recording(make_app("html", srcdir=app.srcdir), read).build()
    assert read == [["docs/part-a/chapter"]]
