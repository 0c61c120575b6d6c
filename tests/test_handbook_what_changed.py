"""The real handbook's "What changed in this edition": the page, its links, the PDF appendix and the committee PDF."""

from __future__ import annotations

import re
import zipfile

import pytest
from bs4 import BeautifulSoup
from handbook_build import normalise

pytestmark = pytest.mark.handbook

PAGE = "back-matter/what-changed.html"


def page_text(handbook) -> str:
    article = handbook.soup(handbook.html / PAGE).select_one("article")
    return normalise(article.get_text(" ")).replace("’", "'")


def test_the_page_compares_this_edition_with_1_0_0(handbook):
    from conf_values import release

    text = page_text(handbook)
    assert f"Edition {release} compared with edition 1.0.0 of 21 November 2026." in text
    counts = re.search(r"(\d+) changes?, (none|\d+) of them safety-relevant", text)
    assert counts and int(counts.group(1)) > 0, text[:600]
    # Changes that are on main since 1.0.0: Part I's corrections, the evidence
    # data's measure field, new references.
    assert "About this handbook:" in text
    assert "Field measure added to every row" in text
    soup = handbook.soup(handbook.html / PAGE)
    headings = [h.get_text(" ", strip=True).rstrip("#¶ ") for h in soup.select("article section section > h2")]
    assert {"Chapters", "References", "Training decks"} <= set(headings)
    if "Safety-relevant changes" in headings:
        assert headings[0] == "Safety-relevant changes"
    # The marks survive in the HTML: words taken out, words put in.
    assert soup.select("p.changes-before span.earlier-edition strong")
    assert soup.select("p.changes-after span.this-edition strong")


def test_every_slide_link_opens_the_slide_it_names(handbook):
    soup = handbook.soup(handbook.html / PAGE)
    links = [a for a in soup.select("article a[href]") if "/slides/" in a["href"]]
    assert links
    for link in links:
        match = re.fullmatch(r"\.\./slides/([\w-]+)\.html#/(\d+)", link["href"])
        assert match, link["href"]
        deck = handbook.soup(handbook.slides / f"{match.group(1)}.html")
        slide = deck.select("div.slides > section")[int(match.group(2))]
        heading = slide.find(["h1", "h2"]).get_text(strip=True).rstrip("#¶")
        assert link.get_text().endswith(f": {heading}"), (link["href"], heading, link.get_text())


def test_every_section_link_points_into_this_edition(handbook):
    soup = handbook.soup(handbook.html / PAGE)
    checked = 0
    for link in soup.select("article a.reference.internal[href]"):
        href = link["href"]
        if href.startswith("#"):
            continue
        path, _, anchor = href.partition("#")
        target = (handbook.html / "back-matter" / path).resolve()
        assert target.is_file(), href
        if anchor:
            assert handbook.soup(target).find(id=anchor), href
        checked += 1
    assert checked > 10


def test_the_committee_pdf_is_published_and_linked(handbook):
    soup = handbook.soup(handbook.site / PAGE)
    link = soup.select_one("p.changes-download a")
    assert link is not None
    pdf = (handbook.site / "back-matter" / link["href"]).resolve()
    assert pdf.is_file() and pdf.name.startswith("changes-1.0.0-")
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    text = normalise(" ".join(page.extract_text() or "" for page in reader.pages))
    counts = re.search(r"\d+ changes?, (?:none|\d+) of them safety-relevant\.", page_text(handbook)).group(0)
    assert counts in text
    assert "Sign-off" in text
    assert reader.metadata.title.startswith("What changed in this edition")


def test_the_print_and_epub_editions_carry_the_page(handbook):
    assert "What changed in this edition" in handbook.pdf_text
    assert "in full on the handbook's website and in the committee's copy" in normalise(handbook.pdf_text).replace(
        "’", "'"
    )
    site_items = handbook.soup(handbook.html / PAGE).select("div.changes-item")
    epub = next((handbook.builddir / "epub").glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        names = [name for name in archive.namelist() if name.endswith("what-changed.xhtml")]
        assert names
        xhtml = BeautifulSoup(archive.read(names[0]).decode("utf-8"), "html.parser")
    # No link out to the download: the reader holds the comparison already.
    assert not xhtml.select("p.changes-download")
    items = xhtml.select("div.changes-item")
    assert len(items) == len(site_items) > 0
    # Every change listed; only the safety-relevant ones in full.
    for item in items:
        if "changes-safety" not in item["class"]:
            assert not item.select("div.changes-detail")
