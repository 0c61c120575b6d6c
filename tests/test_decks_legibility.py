"""Every slide readable from the back of the room: text size, figure text, words and fit at 1280×720.

Issue 18's rules, measured on the real decks in Chromium (tests/deck_measure.py):

- no text below 24 px, apart from the slide number and the "Read more"
  footer (at least 18 px); figure labels count as text;
- a median of at most 60 words on a content slide (every slide but the
  title and references slides; a quiz's answer counts);
- nothing runs off the 1280×720 slide or into its "Read more" footer (text
  is never shrunk to fit, so a snippet too big for a slide must be split or
  given a slide-sized form);
- learning objectives and the summary take one or two slides each and
  cover every chapter of the part; a box title never repeats its slide's
  title; every content slide links to its handbook section.

These depend on the slides' content, not on the machinery: the stylesheet
sets every size at or above the floor, and a slide fails when its content
does not fit at that size. Each failure prints the per-slide table: words,
smallest text, footer and figure text, and whether the slide overflows.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from deck_measure import FLOOR_PX, FOOTER_FLOOR_PX, MAX_MEDIAN_WORDS, measure_deck
from handbook_build import DECKS, PROJECT, snippet_uses

SVG = "{http://www.w3.org/2000/svg}"

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


# -- What a slide shows: the rules for objectives, summaries, box titles and links -----------
# Read from the built decks (titles, boxes, links) and from the sources (which chapter each snippet
# a slide shows belongs to: the chapter that shows it, through the part's toctree).

_TOCTREE = re.compile(r"```\{toctree\}\n(.*?)```", re.S)


def _source_slides(deck: str) -> dict[str, list[list[str]]]:
    """Slide title → the snippets each slide of that title shows, from the deck's source."""
    text = (PROJECT / "slides" / f"{deck}.md").read_text(encoding="utf-8")
    slides: dict[str, list[list[str]]] = {}
    for block in re.split(r"^## ", text, flags=re.M)[1:]:
        title = block.splitlines()[0].strip()
        slides.setdefault(title, []).append(snippet_uses(block))
    return slides


def _chapters_of_part(deck: str) -> dict[str, set[str]]:
    """Each chapter of the deck's part (its toctree) → the snippets the chapter shows."""
    part = PROJECT / "docs" / deck
    toctree = _TOCTREE.search((part / "index.md").read_text(encoding="utf-8")).group(1)
    names = [line.strip() for line in toctree.splitlines() if line.strip() and not line.strip().startswith(":")]
    return {name: set(snippet_uses((part / f"{name}.md").read_text(encoding="utf-8"))) for name in names}


@pytest.mark.parametrize("deck", DECKS)
@pytest.mark.parametrize("kind", ["Learning objectives", "Summary"])
def test_objectives_and_summary_take_at_most_two_slides_and_cover_every_chapter(deck, kind):
    slides = _source_slides(deck).get(kind, [])
    assert 1 <= len(slides) <= 2, f"{deck}: {len(slides)} {kind!r} slides"
    shown = {name for slide in slides for name in slide}
    missing = [chapter for chapter, snippets in _chapters_of_part(deck).items() if not snippets & shown]
    assert missing == [], f"{deck}: the {kind.lower()} skips chapter(s) {missing}"


@pytest.mark.parametrize("deck", DECKS)
def test_box_titles_do_not_repeat_the_slide_title(handbook, deck):
    page = handbook.soup(handbook.slides / f"{deck}.html")
    repeats = []
    for section in page.select(".reveal .slides section"):
        heading = section.find(["h1", "h2"])
        for title in section.select("p.admonition-title"):
            if heading and title.get_text(strip=True).casefold() == heading.get_text(strip=True).casefold():
                repeats.append(heading.get_text(strip=True))
    assert repeats == []


@pytest.mark.parametrize("deck", DECKS)
def test_every_content_slide_links_to_the_handbook(handbook, deck):
    page = handbook.soup(handbook.slides / f"{deck}.html")
    sections = [s for s in page.select(".reveal .slides > section")]
    content = [s for s in sections[1:] if not s.select(".deck-references")]
    unlinked = [s.find(["h1", "h2"]).get_text(strip=True) for s in content if not s.select("p.read-more a")]
    assert unlinked == []


def test_slide_forms_of_figures_are_epub_safe_and_legible_at_full_width():
    """Each hand-drawn slide form sits beside its figure, is EPUB-safe, and has no text under 26 units in 1280."""
    forms = sorted((PROJECT / "snippets").rglob("*.slide.svg"))
    assert len(forms) >= 3
    for form in forms:
        assert form.with_name(form.name.replace(".slide.svg", ".svg")).is_file(), form.name
        text = form.read_text(encoding="utf-8")
        assert "<!DOCTYPE" not in text, form.name
        root = ET.fromstring(text)
        assert root.get("viewBox").split()[2] == root.get("width") == "1280", form.name
        assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None, form.name
        sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
        assert sizes and min(sizes) >= 26, form.name


def test_slide_forms_describe_the_same_facts_as_their_figures():
    """A slide form draws its figure's facts: the same <title> and <desc>, word for word.

    When a figure's facts change, its description changes with them, and
    this test fails until the slide form beside it is redrawn to match.
    """
    for form in sorted((PROJECT / "snippets").rglob("*.slide.svg")):
        printed = ET.parse(form.with_name(form.name.replace(".slide.svg", ".svg"))).getroot()
        slide = ET.parse(form).getroot()
        for part in ("title", "desc"):
            assert slide.find(f"{SVG}{part}").text == printed.find(f"{SVG}{part}").text, f"{form.name}: {part}"


def test_decks_show_every_panel_of_the_evidence_chart():
    """Each outcome the evidence data holds is drawn on some slide (``:panel:``), so no panel is left out."""
    import yaml

    measures = {row["measure"] for row in yaml.safe_load((PROJECT / "data" / "trials.yaml").read_text("utf-8"))}
    shown = set()
    for deck in DECKS:
        text = (PROJECT / "slides" / f"{deck}.md").read_text(encoding="utf-8")
        shown |= set(
            re.findall(r"^\{snippet\} trd-evidence/evidence-figure\n:panel: (\S+)$", text.replace("```", ""), re.M)
        )
    assert shown == measures
