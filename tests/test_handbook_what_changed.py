"""The real handbook's "What changed in this edition": the page, its links, the PDF appendix and the committee PDF."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from bs4 import BeautifulSoup
from handbook_build import PROJECT, normalise

pytestmark = pytest.mark.handbook

PAGE = "back-matter/what-changed.html"
# Editorial machinery a reader must never see: a shared passage named by its file, or the
# comparison's old stand-in for one ("Shows screening/key-points").
SNIPPETS = sorted(
    path.relative_to(PROJECT / "snippets").with_suffix("").as_posix() for path in (PROJECT / "snippets").rglob("*.md")
)
# ... and the authors' notes an earlier edition printed ("detail unverified", "◐"), which the
# comparison leaves out of its quotes.
NOTES = "|".join(re.escape(term) for term in ("unverified", "not verified", "partly verified", "fact sheet", "◐"))
MACHINERY = re.compile(
    r"\bShows |snippets/|(?<![\w/.-])(?:" + "|".join(map(re.escape, SNIPPETS)) + r")(?![\w/-])|(?i:" + NOTES + ")"
)


def assert_no_machinery(text: str, where: str) -> None:
    found = MACHINERY.search(text)
    assert found is None, f"{where}: {text[max(0, found.start() - 150) : found.end() + 150]!r}"


def appendix_text(handbook) -> str:
    """The PDF's "What changed" appendix, from its first page to the index, as pdftotext reads it."""
    pages = handbook.pdf_pages
    start = next(i for i, page in enumerate(pages) if "compared with edition 1.0.0" in page)
    end = next(i for i, page in enumerate(pages) if i > start and re.match(r"\s*Index\b", page))
    return "\n".join(pages[start:end])


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
    assert "Chapter 1: About this handbook" in text and "Main text: " in text
    assert "New in every evidence row: Measure" in text
    soup = handbook.soup(handbook.html / PAGE)
    headings = [h.get_text(" ", strip=True).rstrip("#¶ ") for h in soup.select("article section section > h2")]
    assert headings == ["Safety-relevant changes", "Other changes"]
    # One section per chapter or deck (the site's right-hand contents lists them), each a fold.
    other = [h.get_text(" ", strip=True).rstrip("#¶ ") for h in soup.select("section#what-changed-other h3")]
    assert {"Chapter 1: About this handbook", "References", "Part III: Safe practice (training deck)"} <= set(other)
    assert len(soup.select("details.changes-fold")) == len(soup.select("article section section section"))
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
    # The committee reads the safety-relevant changes in full and the rest in a few pages.
    assert "Safety-relevant changes" in text and "Other changes" in text
    assert len(reader.pages) < 60


def test_the_print_and_epub_editions_carry_the_page(handbook):
    assert "What changed in this edition" in handbook.pdf_text
    assert "Every change is shown in full on the handbook's website" in normalise(handbook.pdf_text).replace("’", "'")
    site = handbook.soup(handbook.html / PAGE)
    site_items = site.select("div.changes-item")
    safety_items = site.select("div.changes-item.changes-safety")
    epub = next((handbook.builddir / "epub").glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        names = [name for name in archive.namelist() if name.endswith("what-changed.xhtml")]
        assert names
        xhtml = BeautifulSoup(archive.read(names[0]).decode("utf-8"), "html.parser")
    # No link out to the download: the reader holds the comparison already.
    assert not xhtml.select("p.changes-download")
    # Every change listed: the safety-relevant ones in full, the others one to a line.
    items = xhtml.select("div.changes-item")
    assert len(items) == len(safety_items) > 0
    assert all("changes-safety" in item["class"] for item in items)
    assert len(xhtml.select("ul.changes-lines > li")) == len(site_items) - len(safety_items)
    assert not xhtml.select("details")


def test_no_output_names_a_passage_by_its_file(handbook):
    """The page, the PDF appendix and the committee PDF name passages as a reader sees them."""
    assert_no_machinery(handbook.soup(handbook.html / PAGE).select_one("article").get_text(" "), "site page")
    assert_no_machinery(normalise(appendix_text(handbook)), "PDF appendix")
    epub = next((handbook.builddir / "epub").glob("*.epub"))
    with zipfile.ZipFile(epub) as archive:
        name = next(name for name in archive.namelist() if name.endswith("what-changed.xhtml"))
        assert_no_machinery(BeautifulSoup(archive.read(name), "html.parser").get_text(" "), "EPUB")
    pdf = next((handbook.site / "downloads").glob("changes-*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert_no_machinery(normalise(text), "committee PDF")
    # A passage shown inside changed text is its title in brackets.
    assert re.search(r"\[(?:Table|Box|Figure|Quiz): [^\]]+\]", page_text(handbook))


def test_speaker_notes_are_not_quoted_in_the_handbook(handbook):
    """Speaker notes never leak into the handbook: the page says a deck's notes changed, never what they say."""
    notes = re.findall(
        r"```\{revealjs-notes\}\n(.*?)\n```", "".join(p.read_text() for p in (PROJECT / "slides").glob("*.md")), re.S
    )
    sentences = [s for note in notes for s in re.split(r"(?<=[.?!])\s+", note) if len(s.split()) >= 12]
    assert len(sentences) > 50  # the decks' notes were read
    text = page_text(handbook)
    leaked = [s for s in sentences if normalise(s).replace("’", "'") in text]
    assert leaked == []
