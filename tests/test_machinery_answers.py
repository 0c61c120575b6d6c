"""{answer}: one quiz snippet, folded in HTML, run in on paper, a fragment in a deck."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.usefixtures("machinery_env")

ANSWER = "The NMDA receptor, as an open-channel blocker."


@pytest.mark.sphinx("html", testroot="decks", warningiserror=True)
def test_html_answer_is_a_closed_details_block(app, soup, warnings_of):
    app.build()
    assert warnings_of(app) == []
    quiz = soup(app.outdir / "docs" / "quiz.html").select_one("div.snippet div.admonition.quiz")
    answers = quiz.select("details.answer")
    assert len(answers) == 1
    details = answers[0]
    assert "open" not in details.attrs
    assert details.find("summary").get_text(strip=True) == "Answer"
    assert details.find("p").get_text(" ", strip=True) == ANSWER
    # The question comes before the answer, not inside it.
    assert "Which receptor" not in details.get_text()


@pytest.mark.sphinx("latex", testroot="decks", warningiserror=True)
def test_latex_answer_is_a_handbookanswer_environment(app, warnings_of):
    app.build()
    assert warnings_of(app) == []
    tex = (app.outdir / "ketamine-therapy-handbook.tex").read_text(encoding="utf-8")
    blocks = re.findall(r"\\begin\{handbookanswer\}(.*?)\\end\{handbookanswer\}", tex, re.S)
    assert len(blocks) == 1
    assert "The NMDA receptor, as an open\\sphinxhyphen{}channel blocker." in blocks[0]
    assert tex.index("Which receptor does ketamine block?") < tex.index(r"\begin{handbookanswer}")
    # The environment comes from the project's LaTeX style, copied beside the .tex.
    assert r"\newenvironment{handbookanswer}" in (app.outdir / "handbook.sty").read_text(encoding="utf-8")


@pytest.mark.sphinx("html", testroot="decks", warningiserror=True)
def test_revealjs_answer_is_a_fragment(app, decks_of, soup, warnings_of):
    app.build()  # the handbook first: the deck links into it
    decks = decks_of(app)
    assert warnings_of(decks) == []
    slide = soup(decks.outdir / "slides" / "index.html").select_one("div.snippet div.admonition.quiz")
    answers = slide.select("div.answer.fragment")
    assert len(answers) == 1
    assert answers[0].select_one("p.answer-label").get_text(strip=True) == "Answer"
    assert answers[0].select("p")[1].get_text(" ", strip=True) == ANSWER
    assert not slide.select("details")
