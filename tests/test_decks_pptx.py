"""The decks as PowerPoint files (make slides-pptx), read back with python-pptx."""

from __future__ import annotations

import os
import time
import zipfile
from datetime import UTC
from urllib.parse import urljoin

import pytest
from handbook_build import DECKS, normalise, source_slide_count

pytestmark = pytest.mark.handbook

LAYOUTS = {"Title", "Content", "Two content", "Section"}


def presentation(handbook, deck: str):
    from pptx import Presentation

    return Presentation(str(handbook.builddir / "slides-pptx" / f"{deck}.pptx"))


def html_slides(handbook, deck: str):
    return handbook.soup(handbook.slides / f"{deck}.html").select("div.slides > section > section")


@pytest.mark.parametrize("deck", DECKS)
def test_same_slides_titles_and_named_layouts_as_the_deck(handbook, deck):
    pptx = presentation(handbook, deck)
    slides = list(pptx.slides)
    html = html_slides(handbook, deck)
    print(f"{deck}: {len(slides)} slides in PowerPoint")
    assert len(slides) == source_slide_count(deck) == len(html)
    assert [s.shapes.title.text for s in slides] == [s.find(["h1", "h2"]).get_text() for s in html]
    assert {layout.name for layout in pptx.slide_layouts} == LAYOUTS
    expected = ["Title"] + ["Two content" if s.select_one("div.two-col") else "Content" for s in html[1:]]
    assert [s.slide_layout.name for s in slides] == expected


@pytest.mark.parametrize("deck", DECKS)
def test_notes_on_every_content_slide_with_the_read_more_link(handbook, deck):
    html = html_slides(handbook, deck)
    canonical = handbook.soup(handbook.slides / f"{deck}.html").select_one("link[rel=canonical]")["href"]
    for slide, section in zip(presentation(handbook, deck).slides, html, strict=True):
        notes = section.select_one("aside.notes")
        link = section.select_one("p.read-more a")
        if link is None and notes is None:
            continue
        text = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        if notes is not None:
            assert normalise(notes.get_text())[:80] in normalise(text)
        if link is not None:
            assert text.endswith(urljoin(canonical, link["href"]))


@pytest.mark.parametrize("deck", DECKS)
def test_every_picture_has_alt_text_and_links_are_absolute(handbook, deck):
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    html = handbook.soup(handbook.slides / f"{deck}.html")
    site = html.select_one("link[rel=canonical]")["href"].rsplit("slides/", 1)[0]
    alts = {img["alt"] for img in html.select("div.slides img")}
    pictures = 0
    links = []
    for slide in presentation(handbook, deck).slides:
        for shape in slide.shapes:
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
                pictures += 1
                alt = shape._element.nvPicPr.cNvPr.get("descr")
                assert alt and alt in alts, alt
            if shape.has_text_frame:
                links += [
                    r.hyperlink.address for p in shape.text_frame.paragraphs for r in p.runs if r.hyperlink.address
                ]
    assert pictures >= 2  # the title slide's QR code and at least one more
    assert links and not [u for u in links if not u.startswith(("http://", "https://"))]
    assert not [u for u in links if "localhost" in u and not u.startswith(site)]


@pytest.mark.parametrize("deck", DECKS)
def test_quiz_answers_appear_on_click(handbook, deck):
    ns = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
    html = html_slides(handbook, deck)
    for slide, section in zip(presentation(handbook, deck).slides, html, strict=True):
        effects = slide._element.findall(".//p:cTn[@nodeType='clickEffect']", ns)
        if section.select_one("div.answer.fragment") is None:
            assert effects == []
            continue
        ids = {e.find(".//p:spTgt", ns).get("spid") for e in effects}
        answers = {str(s.shape_id) for s in slide.shapes if s.has_text_frame and s.text_frame.text.startswith("Answer")}
        assert answers and ids == answers


@pytest.mark.parametrize("deck", DECKS)
def test_dates_come_from_source_date_epoch(handbook, deck):
    """Zip times and document dates come from SOURCE_DATE_EPOCH (byte-identity: test_machinery_deck_outputs.py)."""
    import conf_values  # noqa: F401  (SOURCE_DATE_EPOCH as the Makefile sets it)

    epoch = int(os.environ["SOURCE_DATE_EPOCH"])
    path = handbook.builddir / "slides-pptx" / f"{deck}.pptx"
    stamp = time.gmtime(epoch)[:6]
    with zipfile.ZipFile(path) as archive:
        # Zip times count seconds in twos.
        assert {info.date_time for info in archive.infolist()} == {(*stamp[:5], stamp[5] - stamp[5] % 2)}
    props = presentation(handbook, deck).core_properties
    assert props.created == props.modified
    assert int(props.modified.replace(tzinfo=UTC).timestamp()) == epoch
