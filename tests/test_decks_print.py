"""The deck PDFs (tools/deck_pdf.py): slides, trainer notes and participant handout, as built by `make all`."""

from __future__ import annotations

import io
import math
import os
import re
import subprocess
import sys
import time
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup
from handbook_build import DECK_DOWNLOADS, DECKS, PROJECT, normalise, source_slide_count

pytestmark = [pytest.mark.handbook, pytest.mark.browser]

# The deck PDFs and their file suffixes, from handbook.toml.
KINDS = {download.kind: download.suffix for download in DECK_DOWNLOADS if download.target == "slides-pdf"}
KIND_TITLES = {download.kind: download.title for download in DECK_DOWNLOADS if download.target == "slides-pdf"}
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


def epoch() -> int:
    """The build date `make all` used: conf_values sets SOURCE_DATE_EPOCH as the Makefile does."""
    import conf_values  # noqa: F401

    return int(os.environ["SOURCE_DATE_EPOCH"])


def pdf_path(handbook, deck: str, kind: str) -> Path:
    return handbook.builddir / "slides-pdf" / f"{deck}{KINDS[kind]}"


@cache
def _pages_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [normalise(page.extract_text() or "") for page in PdfReader(str(path)).pages]


def deck_html(handbook, deck: str) -> BeautifulSoup:
    return handbook.soup(handbook.slides / f"{deck}.html")


def deck_title(handbook, deck: str) -> str:
    return deck_html(handbook, deck).title.get_text()


def quizzes(handbook, deck: str) -> list[tuple[str, str]]:
    """(question, answer) texts of each quiz slide, from the deck's HTML."""
    out = []
    for answer in deck_html(handbook, deck).select("div.answer.fragment"):
        quiz = answer.find_parent("div", class_="quiz")
        question = next(p for p in quiz.find_all("p", recursive=False) if "admonition-title" not in p.get("class", []))
        text = answer.find_all("p")[1].get_text()
        out.append((normalise(question.get_text())[:50], normalise(text)[:40]))
    return out


def link_uris(path: Path) -> list[str]:
    import pikepdf

    uris = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                action = annot.get("/A")
                if action is not None and "/URI" in action:
                    uris.append(str(action.URI))
    return uris


def page_sizes(path: Path) -> set[tuple[float, float]]:
    from pypdf import PdfReader

    return {(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1)) for p in PdfReader(str(path)).pages}


@pytest.mark.parametrize("deck", DECKS)
def test_page_size_and_count_of_each_kind(handbook, deck):
    from pypdf import PdfReader

    slides = source_slide_count(deck)
    fragments = len(deck_html(handbook, deck).select("div.slides .fragment"))
    counts = {kind: len(PdfReader(str(pdf_path(handbook, deck, kind))).pages) for kind in KINDS}
    print(f"{deck}: {slides} slides, {fragments} fragments; pages {counts}")
    # The slides: one page per slide and one more per fragment, 16:9.
    assert counts["slides"] == slides + fragments
    ((width, height),) = page_sizes(pdf_path(handbook, deck, "slides"))
    assert abs(width / height - 16 / 9) < 0.005 and 990 < width < 1005
    # The trainer notes: a page per slide; the handout: three slides a page, then the references.
    assert counts["notes"] == slides
    assert math.ceil(slides / 3) + 1 <= counts["handout"] <= math.ceil(slides / 3) + 6
    for kind in ("notes", "handout"):
        ((width, height),) = page_sizes(pdf_path(handbook, deck, kind))
        assert abs(width - A4[0]) < 1.5 and abs(height - A4[1]) < 1.5, (kind, width, height)


@pytest.mark.parametrize("deck", DECKS)
def test_quiz_answer_is_on_the_page_after_its_question(handbook, deck):
    pages = _pages_text(pdf_path(handbook, deck, "slides"))
    found = quizzes(handbook, deck)
    assert found, "every deck has a quiz"
    for question, answer in found:
        first = next(i for i, text in enumerate(pages) if question in text)
        assert answer not in pages[first], f"the answer shows on the question's page {first + 1}: {answer!r}"
        assert question in pages[first + 1] and answer in pages[first + 1], f"page {first + 2}"
    # Participants try first; the trainer sees the answer.
    handout = " ".join(_pages_text(pdf_path(handbook, deck, "handout")))
    notes = " ".join(_pages_text(pdf_path(handbook, deck, "notes")))
    for question, answer in found:
        assert question in handout and answer not in handout
        assert answer in notes


@pytest.mark.parametrize("deck", DECKS)
def test_read_more_kept_and_every_link_on_the_published_site(handbook, deck):
    html = deck_html(handbook, deck)
    canonical = html.select_one("link[rel=canonical]")["href"]
    site = canonical.rsplit("slides/", 1)[0]
    read_more = {urljoin(canonical, a["href"]) for a in html.select("p.read-more a")}
    assert read_more and all(url.startswith(site) for url in read_more)
    for kind in KINDS:
        uris = link_uris(pdf_path(handbook, deck, kind))
        assert not [u for u in uris if u.startswith("file:")], kind
        assert all(re.match(r"https?://", u) for u in uris), kind
        # Links into the project go to the published site.
        ours = [u for u in uris if "localhost" in u or u.startswith(site)]
        assert all(u.startswith(site) for u in ours), kind
        if kind != "handout":  # the handout's small slides keep their links too, checked below
            assert read_more <= set(uris), f"{kind}: read-more links missing: {read_more - set(uris)}"
    assert read_more <= set(link_uris(pdf_path(handbook, deck, "handout")))
    # The notes print each read-more URL in full, for paper (a URL may wrap at any character).
    from pypdf import PdfReader

    notes = re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(pdf_path(handbook, deck, "notes"))).pages)
    )
    assert [url for url in read_more if url not in notes] == []


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("deck", DECKS)
def test_tagged_with_title_and_outline(handbook, deck, kind):
    import pikepdf
    from pypdf import PdfReader

    path = pdf_path(handbook, deck, kind)
    with pikepdf.open(path) as pdf:
        assert pdf.Root.MarkInfo.Marked is True
        assert "/StructTreeRoot" in pdf.Root and len(pdf.Root.StructTreeRoot.K) > 0
        assert str(pdf.Root.Lang) == "en"
        assert str(pdf.docinfo["/Title"]) == f"{deck_title(handbook, deck)}: {KIND_TITLES[kind]}"
    outline = PdfReader(str(path)).outline

    def titles(items) -> list[str]:
        out = []
        for item in items:
            out += titles(item) if isinstance(item, list) else [item.title]
        return out

    heads = titles(outline)
    slide_titles = [
        h.get_text() for h in deck_html(handbook, deck).select("div.slides section > section > :is(h1, h2)")
    ]
    assert set(slide_titles) <= set(heads), set(slide_titles) - set(heads)
    if kind == "handout":
        assert "References" in heads


@pytest.mark.parametrize("deck", DECKS)
def test_handout_ends_with_the_decks_references(handbook, deck):
    pages = _pages_text(pdf_path(handbook, deck, "handout"))
    start = next(
        i for i, text in enumerate(pages) if "The sources cited in this session, numbered as on the slides" in text
    )
    assert start >= math.ceil(source_slide_count(deck) / 3)
    references = " ".join(pages[start:])
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", references)]
    assert numbers[:3] == [1, 2, 3] and numbers == sorted(numbers)
    # No trainer notes in the handout.
    notes = [a.get_text() for a in deck_html(handbook, deck).select("aside.notes")]
    text = " ".join(pages)
    assert not [n for n in notes if normalise(n)[:60] in text]


@pytest.mark.parametrize("kind", ["slides", "handout"])
def test_qr_code_in_the_pdf_decodes_to_the_handbook(handbook, kind):
    import zxingcpp
    from PIL import Image

    deck = DECKS[0]
    html = deck_html(handbook, deck)
    url = html.select_one(".deck-title .deck-qr img")["alt"].removeprefix("QR code linking to ")
    png = subprocess.run(
        ["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(pdf_path(handbook, deck, kind))],
        capture_output=True,
        check=True,
    ).stdout
    found = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))]
    assert url in found and url.startswith("http")


def _print_one_deck(handbook, tmp_path: Path, deck: str, *options: str, env: dict | None = None):
    """deck_pdf.py on a slides folder that holds one deck (and the assets it loads)."""
    slides = tmp_path / "slides"
    slides.mkdir()
    for asset in ("_static", "_images"):
        if (handbook.slides / asset).exists():
            (slides / asset).symlink_to(handbook.slides / asset)
    (slides / f"{deck}.html").write_bytes((handbook.slides / f"{deck}.html").read_bytes())
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(PROJECT / "tools" / "deck_pdf.py"), str(slides), str(out), "--deck", deck, *options],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch()), **(env or {})},
    )
    return result, out


def test_pdfs_are_byte_identical_in_another_time_zone(handbook, tmp_path):
    import pikepdf

    deck = DECKS[2]
    result, out = _print_one_deck(handbook, tmp_path, deck, env={"TZ": "Pacific/Auckland"})
    assert result.returncode == 0, result.stderr
    stamp = time.strftime("D:%Y%m%d%H%M%S+00'00'", time.gmtime(epoch()))
    for kind, suffix in KINDS.items():
        again = (out / f"{deck}{suffix}").read_bytes()
        assert again == pdf_path(handbook, deck, kind).read_bytes(), kind
        with pikepdf.open(io.BytesIO(again)) as pdf:
            assert str(pdf.docinfo["/CreationDate"]) == str(pdf.docinfo["/ModDate"]) == stamp
            assert pdf.Root.MarkInfo.Marked is True  # the rewrite kept the tags


def test_letter_paper_for_notes_and_handout(handbook, tmp_path):
    deck = DECKS[0]
    result, out = _print_one_deck(handbook, tmp_path, deck, "--paper", "letter")
    assert result.returncode == 0, result.stderr
    for kind in ("notes", "handout"):
        ((width, height),) = page_sizes(out / f"{deck}{KINDS[kind]}")
        assert abs(width - LETTER[0]) < 1.5 and abs(height - LETTER[1]) < 1.5


def test_a_failing_deck_leaves_no_pdf_behind(handbook, tmp_path):
    deck, other = DECKS[0], DECKS[1]
    broken = re.sub(r'<link rel="canonical"[^>]*>', "", (handbook.slides / f"{other}.html").read_text(encoding="utf-8"))
    result, out = _print_one_deck(handbook, tmp_path, deck)
    assert result.returncode == 0 and len(list(out.glob("*.pdf"))) == 3
    # A second deck, printed after the first, that has lost its canonical link (its published address).
    (tmp_path / "slides" / f"{other}.html").write_text(broken, encoding="utf-8")
    again = subprocess.run(
        [
            *(sys.executable, str(PROJECT / "tools" / "deck_pdf.py"), str(tmp_path / "slides"), str(out)),
            *("--deck", deck, "--deck", other),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": str(epoch())},
    )
    assert again.returncode == 1
    assert f"{other}.html" in again.stderr and "canonical" in again.stderr
    assert list(out.glob("*.pdf")) == [] and list(out.glob(".*")) == []
