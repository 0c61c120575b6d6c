"""What trainers take into the room, on a tiny deck: QR codes, the references slide, plain citations, PowerPoint."""

from __future__ import annotations

import base64
import io
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

pytestmark = pytest.mark.usefixtures("machinery_env")

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
OUTPUTS_ROOT = pytest.mark.sphinx("html", testroot="deck-outputs", warningiserror=True)
SITE = "http://localhost:8000/"
DECK = [("slides/index", "Output deck")]


def decode_qr(png: bytes) -> list[str]:
    """The texts of the QR codes in a PNG, read back with zxing-cpp."""
    import zxingcpp
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGBA")
    # On white paper: a transparent background reads as black otherwise.
    paper = Image.new("RGBA", image.size, "white")
    image = Image.alpha_composite(paper, image).convert("L")
    return [result.text for result in zxingcpp.read_barcodes(image)]


def qr_png_from_img(src: str) -> bytes:
    """A QR code <img src="data:image/svg+xml,..."> rasterised, as a phone camera would see it."""
    import cairosvg

    header, _, data = src.partition(",")
    svg = base64.b64decode(data) if header.endswith(";base64") else unquote(data).encode()
    return cairosvg.svg2png(bytestring=svg, output_width=400, output_height=400)


@pytest.fixture
def pptx_of(make_app):
    """``pptx_of(app)``: build ``app``'s root decks with the pptx builder, after ``app`` built its handbook."""

    def build(app, **overrides):
        app.cleanup()
        decks = make_app(
            "pptx",
            srcdir=app.srcdir,
            builddir=app.outdir.parent / "pptx",
            tags=["decks"],
            freshenv=True,
            warningiserror=True,
            confoverrides={"handbook_inventory": str(app.outdir / "objects.inv"), "handbook_decks": DECK, **overrides},
        )
        decks.build()
        return decks

    return build


# -- QR codes ----------------------------------------------------------------


@pytest.mark.parametrize("url", [SITE, "https://handbook.example.org/ketamine/back-matter/references.html"])
def test_qr_code_decodes_to_its_url(url):
    from handbook_sphinx.qr_codes import alt_text, qr_code, qr_png

    assert decode_qr(qr_png(url)) == [url]
    # The same symbol as SVG, rasterised by another renderer.
    svg = qr_code(url).svg_data_uri(scale=1, border=4)
    assert decode_qr(qr_png_from_img(svg)) == [url]
    assert url in alt_text(url)


@OUTPUTS_ROOT
def test_title_slide_carries_a_qr_code_to_the_handbook(decks_of, app, soup, warnings_of):
    app.build()
    decks = decks_of(app)
    assert warnings_of(decks) == []
    title = soup(decks.outdir / "slides" / "index.html").select_one("div.deck-title")
    img = title.select_one(".deck-qr img")
    assert img["alt"] == f"QR code linking to {SITE}"
    assert decode_qr(qr_png_from_img(img["src"])) == [SITE]
    assert title.select_one(".deck-qr-url").get_text() == "localhost:8000"


@OUTPUTS_ROOT
def test_references_slide_points_to_the_handout_and_handbook_and_hides_the_list(decks_of, app, soup):
    app.build()
    decks = decks_of(app)
    deck = soup(decks.outdir / "slides" / "index.html")
    slide = deck.select("div.slides > section")[-1]
    assert slide.find("h2").get_text() == "References"
    pointer = slide.select_one("div.deck-references")
    assert "listed in full in the participant handout" in pointer.get_text()
    link = pointer.select_one("a.reference")
    assert link["href"] == "../../docs/references.html#references"  # as the read-more links
    target = (app.outdir / "decks" / "slides" / link["href"].partition("#")[0]).resolve()
    assert target == (app.outdir / "docs" / "references.html").resolve()
    img = pointer.select_one(".deck-qr img")
    url = f"{SITE}docs/references.html"  # the root's deck sits in slides/slides/ on its "site"
    assert decode_qr(qr_png_from_img(img["src"])) == [url] and url in img["alt"]
    # The deck's own numbered list is in the page (for the handout), hidden on screen.
    listing = slide.select_one("div.deck-bibliography")
    # Vancouver prints the title as published (no sentence-casing): N-methyl-D-aspartate keeps its capitals.
    assert "A randomized trial of an N-methyl-D-aspartate antagonist" in listing.get_text()


@OUTPUTS_ROOT
def test_citations_on_slides_are_plain_numbers_not_links(decks_of, app, soup):
    app.build()
    decks = decks_of(app)
    deck = soup(decks.outdir / "slides" / "index.html")
    citation = deck.select_one("span.bibtex-citation")
    assert citation is not None and citation.find("a") is None
    assert citation.select_one("span.citation-reference").get_text(strip=True)
    # The handbook keeps its links to the reference list.
    chapter = soup(app.outdir / "docs" / "chapter.html")
    assert chapter.select_one("span.bibtex-citation a.reference.internal") is not None


@OUTPUTS_ROOT
def test_references_slide_without_a_handbook_label_is_a_clear_warning(decks_of, app, warnings_of):
    app.build()
    decks = decks_of(app, handbook_references_label="no-such-label")
    assert (
        "slides/index.md:53: WARNING: the handbook has no section labelled 'no-such-label' for the references "
        "slide to point to (handbook_references_label in conf.py) [handbook.decks]"
    ) in warnings_of(decks)


# -- PowerPoint ----------------------------------------------------------------


@OUTPUTS_ROOT
def test_pptx_has_the_decks_slides_layouts_notes_and_alt_text(pptx_of, app, warnings_of):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    app.build()
    decks = pptx_of(app)
    assert warnings_of(decks) == []
    deck = Presentation(str(decks.outdir / "slides" / "index.pptx"))
    slides = list(deck.slides)
    assert [s.shapes.title.text for s in slides] == [
        "Output deck",
        "Key points and table",
        "A figure",
        "Check your understanding",
        "References",
    ]
    assert [s.slide_layout.name for s in slides] == ["Title", "Two content", "Content", "Content", "Content"]
    assert {layout.name for layout in deck.slide_layouts} == {"Title", "Content", "Two content", "Section"}
    assert [s.notes_slide.notes_text_frame.text.split("\n")[0] for s in slides[:4]] == [
        "Welcome note for the title slide.",
        "Notes for the key points slide.",
        "Notes for the figure slide.",
        "Notes for the quiz slide.",
    ]
    # The notes end with the read-more link, absolute on the site.
    assert slides[1].notes_slide.notes_text_frame.text.endswith(
        f"Read more in the handbook: Outputs chapter, {SITE}docs/chapter.html#outputs-chapter"
    )
    pictures = [shape for s in slides for shape in s.shapes if shape.shape_type == MSO_SHAPE_TYPE.PICTURE]
    alts = [p._element.nvPicPr.cNvPr.get("descr") for p in pictures]
    assert alts == [f"QR code linking to {SITE}", "A teal box labelled Ketamine.", alts[2]]
    assert alts[2].startswith("QR code linking to ")
    # The figure is rasterised at print resolution: 300 dpi across the slide.
    figure = pictures[1].image
    assert figure.content_type == "image/png" and figure.size[0] >= 4000
    # The QR codes decode to what their alt text names.
    assert decode_qr(pictures[0].image.blob) == [SITE]
    # Bullets, a table, and the citation as plain text.
    two_col = slides[1]
    texts = [shape.text_frame.text for shape in two_col.shapes if shape.has_text_frame]
    assert any("Ketamine blocks the NMDA receptor [" in text for text in texts)
    tables = [shape.table for shape in two_col.shapes if shape.has_table]
    assert [[cell.text for cell in row.cells] for row in tables[0].rows] == [
        ["Route", "Bioavailability"],
        ["Intravenous", "100%"],
        ["Oral", "Low"],
    ]


@OUTPUTS_ROOT
def test_pptx_quiz_answer_appears_on_the_next_click(pptx_of, app):
    from pptx import Presentation

    app.build()
    decks = pptx_of(app)
    quiz = Presentation(str(decks.outdir / "slides" / "index.pptx")).slides[3]
    answer = next(shape for shape in quiz.shapes if shape.has_text_frame and shape.text_frame.text.startswith("Answer"))
    assert "The NMDA receptor" in answer.text_frame.text
    ns = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
    effects = quiz._element.findall(".//p:cTn[@nodeType='clickEffect']", ns)
    targets = [e.find(".//p:spTgt", ns).get("spid") for e in effects]
    assert targets == [str(answer.shape_id)]
    assert effects[0].get("presetClass") == "entr"
    # The question's options keep their line breaks.
    question = next(s for s in quiz.placeholders if s.placeholder_format.idx != 0)
    assert "block?\va) AMPA\vb) NMDA" in question.text_frame.text


@OUTPUTS_ROOT
def test_pptx_text_is_never_below_18pt_except_footers(pptx_of, app):
    from pptx import Presentation
    from pptx.util import Inches, Pt

    app.build()
    decks = pptx_of(app)
    sizes = []
    for slide in Presentation(str(decks.outdir / "slides" / "index.pptx")).slides:
        for shape in slide.shapes:
            frames = [shape.text_frame] if shape.has_text_frame else []
            if shape.has_table:
                frames = [cell.text_frame for row in shape.table.rows for cell in row.cells]
            footer = shape.top >= Inches(6.9)
            for frame in frames:
                for paragraph in frame.paragraphs:
                    for run in paragraph.runs:
                        if run.text.strip() and run.font.size is not None:
                            sizes.append((run.font.size, footer))
    assert sizes
    assert min(size for size, footer in sizes if not footer) >= Pt(18)
    assert min(size for size, footer in sizes if footer) >= Pt(14)


def test_pptx_is_byte_identical_across_builds_and_time_zones(make_app, rootdir, sphinx_test_tempdir, monkeypatch):
    from conftest import BUILD_EPOCH

    built = []
    for zone in ("UTC", "Pacific/Auckland"):
        monkeypatch.setenv("TZ", zone)
        time.tzset()
        name = zone.replace("/", "-")
        # Beside the roots' shared project_conf.py, as sphinx.testing lays roots out.
        source, out = sphinx_test_tempdir / f"deck-outputs-{name}", sphinx_test_tempdir / f"deck-outputs-{name}-build"
        for path in (source, out):
            shutil.rmtree(path, ignore_errors=True)
        shutil.copytree(rootdir / "test-deck-outputs", source)
        handbook = make_app("html", srcdir=source, builddir=out, warningiserror=True)
        handbook.build()
        handbook.cleanup()
        decks = make_app(
            "pptx",
            srcdir=source,
            builddir=out / "pptx",
            tags=["decks"],
            freshenv=True,
            warningiserror=True,
            confoverrides={"handbook_inventory": str(handbook.outdir / "objects.inv"), "handbook_decks": DECK},
        )
        decks.build()
        decks.cleanup()
        built.append((decks.outdir / "slides" / "index.pptx").read_bytes())
    monkeypatch.delenv("TZ")
    time.tzset()
    assert built[0] == built[1]
    with zipfile.ZipFile(io.BytesIO(built[0])) as archive:
        stamp = time.gmtime(int(BUILD_EPOCH))[:6]
        assert {info.date_time for info in archive.infolist()} == {stamp}
        assert archive.namelist()[0] == "[Content_Types].xml"
        core = archive.read("docProps/core.xml").decode()
        assert "2026-06-01T00:00:00Z" in core


def test_pptx_template_is_what_its_script_builds(tmp_path):
    target = tmp_path / "handbook.pptx"
    subprocess.run([sys.executable, str(PROJECT / "tools" / "make_pptx_template.py"), str(target)], check=True)
    committed = PROJECT / "theme" / "pptx" / "handbook.pptx"
    assert target.read_bytes() == committed.read_bytes(), "run tools/make_pptx_template.py and commit the template"
