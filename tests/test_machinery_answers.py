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


@pytest.mark.sphinx("typst", testroot="decks", warningiserror=True)
def test_pdf_answer_is_a_run_in_paragraph_after_its_question(app, warnings_of):
    import subprocess

    app.build()
    assert warnings_of(app) == []
    source = (app.outdir / "main.typ").read_text(encoding="utf-8")
    assert source.count("#answer[") == 1
    assert source.index("Which receptor does ketamine block?") < source.index("#answer[")
    pdf = app.outdir / "ketamine-therapy-handbook.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"\s+", " ", text)
    assert f"Answer. {ANSWER}" in text
    assert text.index("Which receptor does ketamine block?") < text.index("Answer.")


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
