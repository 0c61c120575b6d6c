"""The decks in a real browser: they load clean, navigate and carry notes (fit and legibility: test_decks_legibility.py)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from handbook_build import DECKS, source_slide_count

pytestmark = [pytest.mark.handbook, pytest.mark.browser]


@pytest.fixture
def deck_page(browser, served):
    pages = []

    def open_deck(deck: str):
        page = browser.new_page(viewport={"width": 1280, "height": 720})
        problems: list[str] = []
        origin = urlparse(served).netloc
        page.on("console", lambda msg: msg.type == "error" and problems.append(f"console: {msg.text}"))
        page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
        page.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))
        page.on(
            "request",
            lambda req: (
                urlparse(req.url).netloc not in (origin, "")
                and not req.url.startswith("data:")
                and problems.append(f"off-origin: {req.url}")
            ),
        )
        page.goto(f"{served}/slides/{deck}.html")
        page.wait_for_function("() => window.Reveal && Reveal.isReady()")
        pages.append(page)
        return page, problems

    yield open_deck
    for page in pages:
        page.close()


@pytest.mark.parametrize("deck", DECKS)
def test_deck_loads_without_errors_or_foreign_requests(deck_page, deck):
    page, problems = deck_page(deck)
    page.wait_for_load_state("networkidle")
    assert problems == []


@pytest.mark.parametrize("deck", DECKS)
def test_slide_count_matches_source_and_is_a_session(deck_page, deck):
    page, _ = deck_page(deck)
    total = page.evaluate("Reveal.getTotalSlides()")
    assert total == source_slide_count(deck)
    assert 20 <= total <= 35


@pytest.mark.parametrize("deck", DECKS)
def test_arrow_keys_navigate(deck_page, deck):
    page, _ = deck_page(deck)
    assert page.evaluate("Reveal.getIndices().h") == 0
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.evaluate("Reveal.getIndices().h") == 2
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("Reveal.getIndices().h") == 1


@pytest.mark.parametrize("deck", DECKS)
def test_every_content_slide_has_speaker_notes(deck_page, deck):
    page, _ = deck_page(deck)
    slides = page.evaluate(
        """() => Reveal.getSlides().map(s => ({
            title: (s.querySelector('h1,h2,h3') || {}).textContent || '',
            content: !!s.querySelector('p.read-more'),
            notes: (s.querySelector('aside.notes') || {}).textContent || ''}))"""
    )
    content = [s for s in slides if s["content"]]
    assert len(content) >= len(slides) // 2
    # Every slide out of range at once, not the first: 50-170 words is what a trainer reads in about a minute.
    counts = {slide["title"]: len(slide["notes"].split()) for slide in content}
    assert {title: words for title, words in counts.items() if not 50 <= words <= 170} == {}
