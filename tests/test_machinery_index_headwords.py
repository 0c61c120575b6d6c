"""Glossary terms and the text's own index entries share one headword (handbook_sphinx/index_headwords.py)."""

from __future__ import annotations

import pytest

from handbook_sphinx.index_headwords import common_noun_form

pytestmark = pytest.mark.usefixtures("machinery_env")


def headwords(page) -> list[str]:
    return [
        " ".join(li.find(string=True, recursive=True).split()) for li in page.select("table.indextable td > ul > li")
    ]


@pytest.mark.sphinx("html", testroot="index-headwords", warningiserror=True)
def test_a_glossary_term_and_a_text_entry_are_one_headword(app, soup, warnings_of):
    app.build()
    assert warnings_of(app) == []
    heads = headwords(soup(app.outdir / "genindex.html"))
    # "Naltrexone" (the glossary) joins "naltrexone; ketamine" (the text); capitals inside a term stay.
    assert sorted(heads) == ["NMDA receptor", "Schedule III", "naltrexone"]
    # The glossary still shows the term as written.
    glossary = soup(app.outdir / "docs" / "glossary.html")
    assert [dt.get_text(strip=True).rstrip("¶") for dt in glossary.select("dl.glossary dt")] == [
        "Naltrexone",
        "Schedule III",
        "NMDA receptor",
    ]


def test_only_a_single_initial_capital_is_lowered():
    assert common_noun_form("Naltrexone") == "naltrexone"
    assert common_noun_form("Physical dependence") == "physical dependence"
    for kept in ("NMDA receptor", "Schedule III", "Cytochrome P450", "eEF2 kinase", "mTORC1", "TrkB"):
        assert common_noun_form(kept) == kept
