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


@pytest.mark.sphinx("html", testroot="reference-exception", warningiserror=True)
def test_an_exception_excuses_exactly_the_gap_it_names(app, warnings_of):
    """A field no record shows, listed in data/reference-exceptions.txt with its reason, passes the gate.

    Without the list the same root fails on exactly those three checks
    (tests/test_bad_input.py shows a gap the list does not name still failing).
    """
    app.build()
    assert warnings_of(app) == []
    assert app.statuscode == 0


@pytest.mark.sphinx(
    "html",
    testroot="reference-exception",
    srcdir="reference-exception-unlisted",
    freshenv=True,
    warningiserror=True,
    confoverrides={"handbook_reference_exceptions": "data/no-such-list.txt"},
)
def test_without_the_exception_list_the_same_gaps_fail(app, warnings_of):
    app.build()
    assert sorted(warnings_of(app)) == [
        "data/references.bib:1: WARNING: reference 'alpha2020' (article) has neither 'pages' nor \"article number "
        "('eid')\": complete it from the published record [handbook.reference-incomplete]",
        "data/references.bib:1: WARNING: reference 'alpha2020' (article) has no 'volume': complete it from the "
        "published record [handbook.reference-incomplete]",
        "data/references.bib:2: WARNING: reference 'alpha2020': 1 author(s) named before 'and others': name the "
        "first six as published [handbook.reference-incomplete]",
    ]
    assert app.statuscode == 1


def test_every_exception_of_the_handbook_names_its_reason_and_records():
    """The project's own list: each line gives a reason and, in brackets, the records consulted."""
    from handbook_sphinx.editorial_gate import EXCEPTION_LINE

    path = PROJECT / _project_conf()["handbook_reference_exceptions"]
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip() and line[0] != "#"]
    assert lines, "the list is empty: delete it rather than keep an empty file"
    for line in lines:
        match = EXCEPTION_LINE.match(line)
        assert match, line
        assert "(" in match["reason"] and match["reason"].endswith(")"), line
