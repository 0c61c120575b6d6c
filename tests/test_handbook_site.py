"""The published tree that `make site` assembles: layout, downloads, sitemap, social tags."""

from __future__ import annotations

import filecmp
import re
import xml.etree.ElementTree as ET

import pytest
from handbook_build import DECK_DOWNLOADS, DECKS, EPUB_NAME, PDF_NAME, changes_pdf_name

pytestmark = pytest.mark.handbook

DOWNLOADS = sorted(
    [
        PDF_NAME,
        EPUB_NAME,
        changes_pdf_name(),
        *(download.file(deck) for deck in DECKS for download in DECK_DOWNLOADS),
    ]
)


@pytest.fixture(scope="module")
def site(handbook):
    return handbook.builddir / "site"


def test_site_holds_handbook_decks_and_downloads(handbook, site):
    for page in ("index.html", "404.html", "search.html", "genindex.html", "sitemap.xml", "robots.txt"):
        assert (site / page).is_file(), page
    for deck in DECKS:
        assert filecmp.cmp(site / "slides" / f"{deck}.html", handbook.slides / f"{deck}.html", shallow=False), deck
    assert sorted(path.name for path in (site / "downloads").iterdir()) == DOWNLOADS
    assert filecmp.cmp(site / "downloads" / PDF_NAME, handbook.pdf, shallow=False)
    assert (site / "downloads" / EPUB_NAME).read_bytes()[:2] == b"PK"
    for name in DOWNLOADS:
        if name.endswith(".pdf"):
            assert (site / "downloads" / name).read_bytes()[:5] == b"%PDF-", name
    for deck in DECKS:
        for download in DECK_DOWNLOADS:
            name = download.file(deck)
            assert filecmp.cmp(site / "downloads" / name, handbook.builddir / download.target / name, shallow=False)
    # Build bookkeeping and internal reports stay out of the published tree.
    assert not list(site.rglob(".buildinfo")) and not list(site.rglob("_sources"))
    assert not list(site.rglob("snippet-traceability*"))
    assert (handbook.builddir / "reports" / "snippet-traceability.md").is_file()


def test_home_page_links_every_deck_and_download(handbook, site):
    block = handbook.soup(site / "index.html").select_one("div.site-downloads")
    targets = {a["href"] for a in block.select("a")}
    # The committee's "What changed" PDF is linked from its page, not from the home page.
    downloads = {f"downloads/{name}" for name in DOWNLOADS if name != changes_pdf_name()}
    assert targets == {f"slides/{deck}.html" for deck in DECKS} | downloads
    for target in targets:
        assert (site / target).is_file(), target


def test_decks_link_back_to_the_handbook_home(handbook, site):
    for deck in DECKS:
        link = handbook.soup(site / "slides" / f"{deck}.html").select_one("div.deck-title .deck-handbook-link a")
        assert link["href"] == "../index.html", deck
        assert (site / "slides" / link["href"]).resolve() == (site / "index.html").resolve()


def test_sitemap_covers_every_page_and_deck(handbook, site):
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [url.findtext("s:loc", namespaces=namespace) for url in ET.parse(site / "sitemap.xml").getroot()]
    assert all(location.startswith(handbook.site_url) for location in locations)
    paths = {location.removeprefix(handbook.site_url) for location in locations}
    chapters = {str(page.relative_to(handbook.html)) for page in handbook.chapter_pages()}
    assert paths == chapters | {f"slides/{deck}.html" for deck in DECKS}
    for path in paths:
        assert (site / path).is_file(), path


def test_every_page_has_a_description_and_a_local_social_image(handbook, site):
    for page in handbook.chapter_pages():
        html = handbook.soup(page)
        description = html.select_one("meta[name=description]")
        assert description and len(description["content"]) > 40, page
        assert not description["content"].startswith("Last reviewed"), page
        image = html.select_one("meta[property='og:image']")["content"]
        assert image.endswith("/_static/og-card.png"), page
        assert (site / "_static" / "og-card.png").is_file()


def test_page_not_found_links_are_absolute(handbook, site):
    page = handbook.soup(site / "404.html")
    assert page.select_one("#page-not-found h1").get_text(strip=True) == "Page not found"
    hrefs = [a["href"] for a in page.select("#page-not-found a")]
    prefix = handbook.site_prefix
    assert hrefs == [
        f"{prefix}index.html",
        f"{prefix}search.html",
        f"{prefix}genindex.html",
        f"{prefix}slides/index.html",
    ]
    for href in hrefs:
        assert (site / href.removeprefix(prefix)).is_file(), href


THIRD_PARTY = re.compile(
    r"googleapis|gstatic|jsdelivr|unpkg|cdnjs|cdn\.|googletagmanager|google-analytics|mathjax|katex\.min|url\(\s*['\"]?(https?:)?//"
)


def test_no_published_file_names_a_font_cdn_or_analytics_host(site):
    """Nothing could fetch from elsewhere, even unused: no CDN, web-font or analytics host in any file."""
    offenders = []
    for path in sorted(site.rglob("*")):
        if path.suffix in {".html", ".css", ".js", ".svg", ".txt", ".xml"}:
            for match in THIRD_PARTY.finditer(path.read_text(encoding="utf-8", errors="replace")):
                offenders.append(f"{path.relative_to(site)}: {match.group(0)}")
    assert offenders == []
