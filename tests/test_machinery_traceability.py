"""Snippet traceability: the snippet → chapters, decks report, and the warning for a snippet nothing shows."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.usefixtures("machinery_env")


@pytest.mark.sphinx("html", testroot="traceability")
def test_report_lists_chapters_and_decks_of_every_snippet(app):
    app.build()
    # An internal report: beside the doctrees, never in the published output.
    assert not list(app.outdir.glob("snippet-traceability*"))
    report = json.loads((app.doctreedir / "snippet-traceability.json").read_text(encoding="utf-8"))
    assert report == {
        "shared/unused": {"chapters": [], "decks": []},
        "shared/used": {"chapters": ["index.md"], "decks": ["index.md"]},
    }
    table = (app.doctreedir / "snippet-traceability.md").read_text(encoding="utf-8")
    assert "| `shared/used` | index.md | index.md |" in table.splitlines()
    assert "| `shared/unused` | — | — |" in table.splitlines()


@pytest.mark.sphinx("html", testroot="traceability", warningiserror=True)
def test_snippet_shown_nowhere_warns_at_the_snippet(app, warnings_of):
    app.build()
    assert warnings_of(app) == [
        "snippets/shared/unused.md:1: WARNING: snippet 'shared/unused' is shown nowhere: use it in a chapter "
        "(and optionally a deck) or delete it [handbook.traceability]"
    ]
    assert app.statuscode == 1


@pytest.mark.sphinx("typst", testroot="traceability")
def test_every_builder_writes_the_report(app):
    app.build()
    report = json.loads((app.doctreedir / "snippet-traceability.json").read_text(encoding="utf-8"))
    assert report["shared/used"] == {"chapters": ["index.md"], "decks": ["index.md"]}


@pytest.mark.sphinx("html", testroot="snippets", srcdir="traceability-new-snippet", warningiserror=True)
def test_new_unused_snippet_warns_in_an_incremental_build(app, make_app, warnings_of):
    app.build()
    assert warnings_of(app) == []
    # No document changes, so no document is re-read: the check must run anyway.
    (app.srcdir / "snippets" / "shared" / "forgotten.md").write_text("Written, never shown.\n", encoding="utf-8")
    app.cleanup()
    rebuild = make_app("html", srcdir=app.srcdir, warningiserror=True)
    rebuild.build()
    assert warnings_of(rebuild) == [
        "snippets/shared/forgotten.md:1: WARNING: snippet 'shared/forgotten' is shown nowhere: use it in a chapter "
        "(and optionally a deck) or delete it [handbook.traceability]"
    ]
    assert rebuild.statuscode == 1
