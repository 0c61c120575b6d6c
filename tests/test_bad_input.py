"""Author mistakes: each fails a -W build with a warning that names the file, the line and the problem."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

pytestmark = pytest.mark.usefixtures("machinery_env")


@dataclass(frozen=True)
class Reported:
    """Another package's warning (Sphinx, docutils, MyST, PyYAML): its wording is theirs and may change
    with any upgrade, so only where it is (file and line), its type and one word of it are asserted."""

    location: str  # "<file under the root>:<line>"
    type: str | None  # "[type.subtype]" without brackets; None where the warning has no type
    keyword: str

    def matches(self, warning: str) -> bool:
        head, _, rest = warning.partition(": ")
        kind = rf" \[{re.escape(self.type)}\]$" if self.type else r"(?<!\])$"
        return head == self.location and self.keyword in rest and re.search(kind, warning, re.S) is not None


# What an author sees for each mistake. The project's own [handbook.*] warnings
# are its product, so their full text is asserted: "<file>:<line>: WARNING: <problem> [type]".
EXPECTED = {
    # 1. a {ref} to a label that does not exist (Sphinx)
    "bad-ref": [Reported("docs/index.md:8", "ref.ref", "no-such-section")],
    # 2. a {cite} key that is not in the bibliography (sphinxcontrib-bibtex)
    "bad-cite": [Reported("docs/index.md:8", "bibtex.key_not_found", "nosuchkey2020")],
    # 3. an {include} of a file that does not exist (docutils, through MyST) ...
    "bad-include": [Reported("docs/index.md:8", "docutils", "not-there.md")],
    # ... and a {snippet} name with no file behind it
    "bad-snippet": [
        "docs/index.md:8: WARNING: unknown snippet 'history/not-there': there is no file snippets/history/not-there.md "
        "(snippets are named by their path under snippets/ without .md) [handbook.snippet]"
    ],
    # 4. an image file that does not exist
    "bad-image": [Reported("docs/index.md:8", "image.not_readable", "missing-chart.svg")],
    # 5. the same label in two chapters (Sphinx gives this warning no type)
    "bad-duplicate-label": [Reported("docs/second.md:9", None, "dosing")],
    # 6. images without alt text: Markdown image syntax in a chapter, a figure in a snippet
    "bad-alt": [
        "docs/index.md:8: WARNING: image 'docs/chart.svg' has no alt text: add an :alt: option "
        "(or ![description](path) in Markdown) [handbook.alt-text]",
        "snippets/figures/no-alt.md:3: WARNING: image 'snippets/figures/diagram.svg' has no alt text: add an :alt: "
        "option (or ![description](path) in Markdown) [handbook.alt-text]",
    ],
    # 7. chapter front matter: no review date ...
    "bad-front-matter-missing": [
        "docs/no-review.md:1: WARNING: front matter has no 'reviewed' field: every chapter needs its review date "
        "as YYYY-MM-DD [handbook.front-matter]"
    ],
    # ... review dates that are not dates (MyST cannot read 2025-13-40 as YAML at all) ...
    "bad-front-matter-date": [
        Reported("docs/bad-month.md:1", "myst.topmatter", "YAML"),
        "docs/bad-month.md:3: WARNING: front matter 'reviewed' is '2025-13-40', which is not a date: write the "
        "review date as YYYY-MM-DD [handbook.front-matter]",
        "docs/last-week.md:2: WARNING: front matter 'reviewed' is 'last week', which is not a date: write the "
        "review date as YYYY-MM-DD [handbook.front-matter]",
    ],
    # ... and a review older than 18 months (the build date is 1 June 2026)
    "bad-front-matter-stale": [
        "docs/stale.md:3: WARNING: chapter review is 19 months old (last reviewed 2024-11-01; the limit is 18 months): "
        "review the chapter and update 'reviewed', or build a local draft with DRAFT=1 [handbook.stale-review]"
    ],
    # 8. a deck shows a snippet that no chapter shows
    "bad-deck-only": [
        "slides/index.md:10: WARNING: the deck shows snippet 'shared/deck-only', but no handbook chapter does: decks "
        "may only repeat what the handbook shows, so add it to a chapter first [handbook.traceability]"
    ],
    # 9. bad rows in the evidence data file
    "bad-evidence": [
        "data/trials.yaml:2: WARNING: evidence data: trial result 'alpha2010-response' has no 'n' field "
        "[handbook.evidence-data]",
        "data/trials.yaml:23: WARNING: evidence data: trial result 'beta2023-remission': 'ketamine_rate' must be a "
        "number (a percentage), not 'sixty' [handbook.evidence-data]",
        "data/trials.yaml:38: WARNING: evidence data: trial result 'gamma2019-relapse': citation key 'gamma2019' is "
        "not in the bibliography [handbook.evidence-data]",
        "snippets/evidence/table.md:1: WARNING: the evidence table is not drawn because the evidence data file has "
        "errors [handbook.evidence-data]",
    ],
    # Errors in custom code are logged, not raised: a data file that is not a list ...
    "bad-evidence-not-list": [
        "data/trials.yaml:1: WARNING: evidence data: the evidence data file must be a YAML list of trial results "
        "[handbook.evidence-data]",
        "snippets/evidence/table.md:1: WARNING: the evidence table is not drawn because the evidence data file has "
        "errors [handbook.evidence-data]",
    ],
    # ... a file that is not YAML (PyYAML's own report, at the line where the parser gave up) ...
    "bad-evidence-invalid-yaml": [
        Reported("data/trials.yaml:4", "handbook.evidence-data", "evidence data: not valid YAML: "),
        "snippets/evidence/table.md:1: WARNING: the evidence table is not drawn because the evidence data file has "
        "errors [handbook.evidence-data]",
    ],
    # ... a field left empty ...
    "bad-evidence-blank-field": [
        "data/trials.yaml:14: WARNING: evidence data: trial result 'alpha2010-response': 'note' must be text "
        "[handbook.evidence-data]",
        "snippets/evidence/table.md:1: WARNING: the evidence table is not drawn because the evidence data file has "
        "errors [handbook.evidence-data]",
    ],
    # 10. the editorial gate (handbook_sphinx/editorial_gate.py): a reference without the fields its type
    # needs, "and others" after one name, a year that is not a year ...
    "bad-reference-incomplete": [
        "data/references.bib:1: WARNING: reference 'alpha2020' (article) has no 'volume': complete it from the "
        "published record [handbook.reference-incomplete]",
        "data/references.bib:1: WARNING: reference 'alpha2020' (article) has neither 'pages' nor \"article number "
        "('eid')\": complete it from the published record [handbook.reference-incomplete]",
        "data/references.bib:1: WARNING: reference 'alpha2020' (article) has neither 'doi' nor 'PMID': complete it "
        "from the published record [handbook.reference-incomplete]",
        "data/references.bib:2: WARNING: reference 'alpha2020': 1 author(s) named before 'and others': name the "
        "first six as published [handbook.reference-incomplete]",
        "data/references.bib:8: WARNING: reference 'holder-label' (misc) has neither 'version' nor 'revision' nor "
        "'howpublished': complete it from the published record [handbook.reference-incomplete]",
        "data/references.bib:8: WARNING: reference 'holder-label' (misc) has neither 'url' nor 'doi': complete it "
        "from the published record [handbook.reference-incomplete]",
        "data/references.bib:11: WARNING: reference 'holder-label': year 'n.d.' is not a year: give the year of the "
        "version cited [handbook.reference-incomplete]",
    ],
    # ... a placeholder for the authors, a description in brackets for the title ...
    "bad-reference-placeholder": [
        "data/references.bib:2: WARNING: reference 'metabolite2019': author '{[Authors not recorded]}' is a "
        "placeholder, not a name: name the real authors (the first six, then 'and others') or drop the source "
        "[handbook.reference-placeholder]",
        "data/references.bib:3: WARNING: reference 'metabolite2019': the title is in square brackets, a description "
        "rather than the published title [handbook.reference-placeholder]",
    ],
    # ... an editorial note, which would print in the reference list ...
    "bad-reference-note": [
        "data/references.bib:9: WARNING: reference 'alpha2020': the note is an editorial instruction ('partly "
        "verified') and would print in the reference list: resolve it and delete the note "
        "[handbook.reference-editorial-note]"
    ],
    # ... a tertiary source, in the bibliography or as a link (data/tertiary-domains.txt) ...
    "bad-tertiary-source": [
        "docs/index.md:9: WARNING: link to wikipedia.org, a tertiary source: cite the primary source (or a "
        "scholarly review) instead [handbook.tertiary-source]",
        "data/references.bib:6: WARNING: reference 'pk-page': primidi.com is a tertiary source: cite the primary "
        "source (or a scholarly review) instead [handbook.tertiary-source]",
    ],
    # ... production language in a chapter, in a snippet (at the snippet's own line) and in alt text ...
    "bad-internal-term": [
        "docs/index.md:9: WARNING: 'fact base' is editorial language in text readers see: rewrite it for readers "
        "[handbook.internal-term]",
        "docs/index.md:10: WARNING: 'snippet' is editorial language in text readers see: rewrite it for readers "
        "[handbook.internal-term]",
        "docs/index.md:10: WARNING: 'not verified' is editorial language in text readers see: rewrite it for "
        "readers [handbook.internal-term]",
        "snippets/pharmacology/routes-table.md:4: WARNING: '◐' is editorial language in text readers see: rewrite "
        "it for readers [handbook.internal-term]",
        "docs/index.md:15: WARNING: 'placeholder' is editorial language in an image's alt text: rewrite it for "
        "readers [handbook.internal-term]",
    ],
    # ... a shared passage named by its file, or by the comparison's old "Shows" stand-in, also where the
    # text is quoted from an earlier edition (which the internal-term check skips: "snippet" on line 20);
    # paths that name no snippet, fractions and URLs pass ...
    "bad-snippet-path": [
        "docs/index.md:9: WARNING: 'screening/key-points' is the file name of a shared passage, in text readers "
        "see: name the passage by its title [handbook.snippet-path]",
        "docs/index.md:10: WARNING: 'Shows screening/key-points' is the comparison's stand-in for a shared passage, "
        "in text readers see: name the passage by its title [handbook.snippet-path]",
        "docs/index.md:21: WARNING: 'screening/key-points' is the file name of a shared passage, in text readers "
        "see: name the passage by its title [handbook.snippet-path]",
        # Text quoted from an earlier edition is checked like the rest: the comparison leaves notes out.
        "docs/index.md:21: WARNING: 'unverified' is editorial language in text readers see: rewrite it for readers "
        "[handbook.internal-term]",
    ],
    # ... and in the evidence data, at its line in the YAML (not where the table shows it) ...
    "bad-evidence-internal-term": [
        "data/trials.yaml:14: WARNING: '◐' is editorial language in the evidence data's 'note', which readers see "
        "in the evidence table: rewrite it for readers [handbook.internal-term]",
        "data/trials.yaml:14: WARNING: 'fact sheet' is editorial language in the evidence data's 'note', which "
        "readers see in the evidence table: rewrite it for readers [handbook.internal-term]",
    ],
    # ... an entry the handbook does not cite ...
    "bad-reference-uncited": [
        "data/references.bib:11: WARNING: reference 'orphan2021' is cited nowhere in the handbook: cite it where it "
        "supports a statement, or delete it [handbook.reference-uncited]"
    ],
    # ... an exception (data/reference-exceptions.txt) that has gone stale (its field is complete, its entry
    # gone), names no checked field, has no reason or is listed twice; and a gap the list does not name
    # still fails beside one it excuses ...
    "bad-reference-exception": [
        "data/references.bib:1: WARNING: reference 'beta2021' (article) has neither 'doi' nor 'PMID': complete it "
        "from the published record [handbook.reference-incomplete]",
        "data/reference-exceptions.txt:3: WARNING: reference exception 'gamma2019' 'pages' is stale: the 'pages' "
        "of 'gamma2019' is now complete: delete this line [handbook.reference-exception]",
        "data/reference-exceptions.txt:4: WARNING: reference exception 'gone2018' 'doi' is stale: the entry "
        "'gone2018' no longer exists in the bibliography: delete this line [handbook.reference-exception]",
        "data/reference-exceptions.txt:5: WARNING: reference exception for 'beta2021': 'colour' is not a field the "
        "editorial gate requires (one of: author, booktitle, doi, editor, eid, howpublished, institution, journal, "
        "organization, pages, pmid, publisher, revision, title, url, version, volume, year) "
        "[handbook.reference-exception]",
        "data/reference-exceptions.txt:6: WARNING: reference exception 'beta2021 doi' is not 'key field: reason "
        "(records consulted)': say which field of which entry no record shows, and why "
        "[handbook.reference-exception]",
        "data/reference-exceptions.txt:7: WARNING: reference exception 'beta2021' 'volume' is listed twice (first "
        "on line 2): delete this line [handbook.reference-exception]",
    ],
    # ... and two entries that print the same in-text citation (here: author-year labels brought back).
    "bad-citation-label-clash": [
        "data/references.bib:11: WARNING: references 'murrough2013twosite' and 'murrough2013repeated' would both "
        "print as '[Murrough et al., 2013]' in docs/index: readers could not tell them apart "
        "[handbook.citation-label-clash]"
    ],
}


def built(root: str, srcdir: str | None = None, **confoverrides):
    """A fresh html build of ``tests/roots/test-<root>`` with -W --keep-going semantics."""
    return pytest.mark.sphinx(
        "html",
        testroot=root,
        srcdir=srcdir or root,
        freshenv=True,
        warningiserror=True,
        confoverrides=confoverrides,
    )


def unmatched(found: list[str], expected: list) -> tuple[list, list[str]]:
    """(expected warnings not found, warnings found but not expected), one found warning per expected one."""
    left = list(found)
    missing = []
    for item in expected:
        match = next(
            (w for w in left if (item.matches(w) if isinstance(item, Reported) else w == item)),
            None,
        )
        if match is None:
            missing.append(item)
        else:
            left.remove(match)
    return missing, left


@pytest.mark.parametrize("root", [pytest.param(root, marks=built(root), id=root) for root in EXPECTED])
def test_mistake_is_a_warning_at_its_file_and_line(app, warnings_of, root):
    app.build()  # the build finishes: every problem is reported, nothing raises
    assert unmatched(warnings_of(app), EXPECTED[root]) == ([], [])
    assert app.statuscode == 1


# The command line on two roots (one of Sphinx's warnings, one of the project's):
# the same builds as above, through sphinx-build, fail with exit 1 and no traceback.
@pytest.mark.parametrize("root", ["bad-ref", "bad-snippet"])
def test_cli_build_with_the_mistake_fails(sphinx_cli, rootdir, root):
    result = sphinx_cli(root)
    # 1 is "warnings treated as errors"; a crash (traceback) would be 2.
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    reported = result.stderr.replace(f"{rootdir / f'test-{root}'}/", "")
    assert "docs/index.md:8: " in reported


def test_cli_build_of_a_good_root_succeeds(sphinx_cli):
    """The control for the CLI runs above: the same command on a correct root exits 0."""
    result = sphinx_cli("snippets")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "WARNING" not in result.stderr


# make html DRAFT=1 passes -D handbook_allow_stale_reviews=1, which arrives as the string "1".
ALLOW_STALE = [(True, True), ("1", True), ("0", False)]


@pytest.mark.parametrize(
    ("root", "silenced"),
    [
        pytest.param(
            root,
            silenced,
            marks=built(root, f"{root}-allow-{value}", handbook_allow_stale_reviews=value),
            id=f"{root}-allow={value!r}",
        )
        for root in ("bad-front-matter-stale", "bad-front-matter-date", "bad-front-matter-missing")
        for value, silenced in ALLOW_STALE
    ],
)
def test_allow_stale_reviews_silences_only_staleness(app, warnings_of, root, silenced):
    app.build()
    remaining = [
        item
        for item in EXPECTED[root]
        if not (silenced and "[handbook.stale-review]" in getattr(item, "keyword", item))
    ]
    assert unmatched(warnings_of(app), remaining) == ([], [])
    assert app.statuscode == (1 if remaining else 0)


# Values YAML cannot even load are still named, at their line, in plain words.


@built("bad-front-matter-date", "bad-front-matter-date-wording")
def test_impossible_calendar_date_is_named_as_not_a_date(app, warnings_of):
    app.build()
    assert (
        "docs/bad-month.md:3: WARNING: front matter 'reviewed' is '2025-13-40', which is not a date: write the "
        "review date as YYYY-MM-DD [handbook.front-matter]"
    ) in warnings_of(app)


@built("bad-evidence-impossible-value")
def test_impossible_value_in_the_data_file_is_a_warning(app, warnings_of):
    app.build()
    assert (
        "data/trials.yaml:17: WARNING: evidence data: trial result 'beta2023-remission': 'year' must be a positive "
        "whole number, not '2023-02-30' [handbook.evidence-data]"
    ) in warnings_of(app)
