"""The editorial gate: on in every build, in the decks too, and reporting on every run, not only on re-read pages."""

from __future__ import annotations

import pytest
from conftest import PROJECT
from test_bad_input import EXPECTED, built

pytestmark = pytest.mark.usefixtures("machinery_env")


class _Tags:
    def __init__(self, *names):
        self.names = set(names)

    def has(self, name):
        return name in self.names


def _project_conf(*tags) -> dict:
    conf = PROJECT / "conf.py"
    namespace = {"__file__": str(conf), "__name__": "handbook_conf", "tags": _Tags(*tags)}
    exec(compile(conf.read_text(encoding="utf-8"), str(conf), "exec"), namespace)
    return namespace


def test_the_gate_is_on_in_every_build_of_the_project():
    handbook, decks = _project_conf(), _project_conf("decks")
    assert handbook["handbook_editorial_gate"] is True and decks["handbook_editorial_gate"] is True
    # Every entry is cited in the handbook; a deck cites a subset.
    assert handbook["handbook_cite_every_reference"] is True
    assert decks["handbook_cite_every_reference"] is False
    assert (PROJECT / handbook["handbook_tertiary_domains"]).is_file()


@pytest.mark.parametrize(
    ("value", "silenced"),
    [
        pytest.param(value, silenced, marks=built("bad-internal-term", f"gate-{value}", handbook_editorial_gate=value))
        for value, silenced in ((True, False), ("1", False), ("0", True), (False, True))
    ],
)
def test_switch_turns_only_the_gate_off(app, warnings_of, value, silenced):
    """``-D handbook_editorial_gate=0`` arrives as the string "0"."""
    app.build()
    assert sorted(warnings_of(app)) == ([] if silenced else sorted(EXPECTED["bad-internal-term"]))


@built("bad-internal-term", "gate-rebuild")
def test_an_unchanged_rebuild_still_reports_every_problem(app, make_app, warnings_of):
    """A page read in an earlier build keeps its problems: a rebuild with nothing changed still fails."""
    app.build()
    assert sorted(warnings_of(app)) == sorted(EXPECTED["bad-internal-term"])
    app.cleanup()
    again = make_app("html", srcdir=app.srcdir, warningiserror=True)
    again.build()
    assert sorted(warnings_of(again)) == sorted(EXPECTED["bad-internal-term"])
    assert again.statuscode == 1


@built("bad-internal-term", "gate-decks")
def test_speaker_notes_and_shared_snippets_are_checked_in_the_deck_build(app, decks_of, warnings_of):
    app.build()
    decks = decks_of(app)
    assert sorted(warnings_of(decks)) == [
        "slides/index.md:9: WARNING: 'partly verified' is editorial language in text readers see: rewrite it for "
        "readers [handbook.internal-term]",
        "snippets/pharmacology/routes-table.md:4: WARNING: '◐' is editorial language in text readers see: rewrite "
        "it for readers [handbook.internal-term]",
    ]


@pytest.mark.sphinx("html", testroot="citations", warningiserror=True)
def test_a_clean_root_passes_the_gate(app, warnings_of):
    """The control: complete references, all cited, plain language (tests/roots/test-citations)."""
    app.build()
    assert warnings_of(app) == []
    assert app.statuscode == 0
