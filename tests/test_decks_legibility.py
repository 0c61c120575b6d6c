"""Every slide readable from the back of the room: text size, figure text, words and fit at 1280×720.

Issue 18's rules, measured on the real decks in Chromium (tests/deck_measure.py):

- no text below 24 px, apart from the slide number and the "Read more"
  footer (at least 18 px); figure labels count as text;
- a median of at most 60 words on a content slide (every slide but the
  title and references slides; a quiz's answer counts);
- nothing runs off the 1280×720 slide (text is never shrunk to fit, so a
  snippet too big for a slide must be split or given a slide-sized form).

These depend on the slides' content, not on the machinery: the stylesheet
sets every size at or above the floor, and a slide fails when its content
does not fit at that size. Each failure prints the per-slide table: words,
smallest text, footer and figure text, and whether the slide overflows.
"""

from __future__ import annotations

import pytest
from deck_measure import FLOOR_PX, FOOTER_FLOOR_PX, MAX_MEDIAN_WORDS, measure_deck
from handbook_build import DECKS

pytestmark = [pytest.mark.handbook, pytest.mark.browser]


@pytest.fixture(scope="module")
def measured(browser, served):
    cache = {}

    def get(deck: str):
        if deck not in cache:
            cache[deck] = measure_deck(browser, served, deck)
            print(cache[deck].table())
        return cache[deck]

    return get


@pytest.mark.parametrize("deck", DECKS)
def test_no_text_below_24px(measured, deck):
    deck_measure = measured(deck)
    small = [
        f"slide {s.number} {s.title!r}: {s.smallest:.1f} px ({s.smallest_text!r})"
        for s in deck_measure.slides
        if s.smallest is not None and s.smallest < FLOOR_PX
    ]
    assert not small, (
        f"{len(small)} slides have text below {FLOOR_PX} px:\n" + "\n".join(small) + "\n\n" + (deck_measure.table())
    )


@pytest.mark.parametrize("deck", DECKS)
def test_figure_text_at_least_24px(measured, deck):
    deck_measure = measured(deck)
    small = [
        f"slide {s.number} {s.title!r}: figure text {s.figure_text:.1f} px ({', '.join(s.figures)})"
        for s in deck_measure.slides
        if s.figure_text is not None and s.figure_text < FLOOR_PX
    ]
    assert not small, "\n".join(small) + "\n\n" + deck_measure.table()


@pytest.mark.parametrize("deck", DECKS)
def test_footer_and_slide_number_at_least_18px(measured, deck):
    deck_measure = measured(deck)
    assert deck_measure.slide_number_px is not None and deck_measure.slide_number_px >= FOOTER_FLOOR_PX
    small = [f"slide {s.number}: {s.footer:.1f} px" for s in deck_measure.slides if s.footer and s.footer < 18]
    assert not small, "\n".join(small)


@pytest.mark.parametrize("deck", DECKS)
def test_median_words_per_content_slide_at_most_60(measured, deck):
    deck_measure = measured(deck)
    dense = [
        f"slide {s.number} {s.title!r}: {s.words} words" for s in deck_measure.slides if s.content and s.words > 100
    ]
    assert deck_measure.median_words <= MAX_MEDIAN_WORDS, (
        f"median {deck_measure.median_words:g} words per content slide (at most {MAX_MEDIAN_WORDS}); "
        f"{len(dense)} slides over 100 words:\n" + "\n".join(dense) + "\n\n" + deck_measure.table()
    )


@pytest.mark.parametrize("deck", DECKS)
def test_no_slide_overflows_at_1280x720(measured, deck):
    deck_measure = measured(deck)
    overflowing = [f"slide {s.number} {s.title!r}" for s in deck_measure.slides if s.overflow]
    assert overflowing == [], "\n".join(overflowing) + "\n\n" + deck_measure.table()
