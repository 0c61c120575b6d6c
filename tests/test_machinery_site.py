"""The published site's parts: links to decks and downloads, sitemap, 404 page, social tags."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.usefixtures("machinery_env")

SITE = "https://handbook.example.org/ketamine/"
SITE_ROOT = pytest.mark.sphinx(
    "html", testroot="site", warningiserror=True, confoverrides={"html_baseurl": SITE, "ogp_site_url": SITE}
)
DECK_LINKS = [
    ("Part I: Foundations", "slides/part-1-foundations.html"),
    ("slides (PDF)", "downloads/part-1-foundations.pdf"),
    ("trainer notes (PDF)", "downloads/part-1-foundations-notes.pdf"),
    ("participant handout (PDF)", "downloads/part-1-foundations-handout.pdf"),
    ("PowerPoint (PPTX)", "downloads/part-1-foundations.pptx"),
]


def links(block) -> list[tuple[str, str]]:
    return [(a.get_text(strip=True), a["href"]) for a in block.select("a")]


@SITE_ROOT
def test_download_links_are_relative_to_each_page(app, soup, warnings_of):
    app.build()
    assert warnings_of(app) == []
    home = soup(app.outdir / "docs" / "index.html").select_one("div.site-downloads")
    chapter = soup(app.outdir / "docs" / "part-a" / "chapter.html").select_one("div.site-downloads")
    assert home.select_one("p.rubric").get_text() == "Training decks and downloads"
    # The root's home is docs/index.html, one level below the site root.
    assert links(home)[:5] == [(text, f"../{target}") for text, target in DECK_LINKS]
    assert links(chapter)[:5] == [(text, f"../../{target}") for text, target in DECK_LINKS]
    assert len(home.select("ul.site-decks > li")) == 3
    assert links(home.select_one("ul.site-editions")) == [
        ("The handbook as a PDF", "../downloads/ketamine-therapy-handbook.pdf"),
        ("The handbook as an EPUB", "../downloads/ketamine-therapy-handbook.epub"),
    ]


@pytest.mark.sphinx("html", testroot="site", warningiserror=True, confoverrides={"handbook_deck_pdfs": "0"})
def test_without_deck_pdfs_only_the_decks_and_their_powerpoint_files_are_linked(app, soup):
    app.build()
    decks = soup(app.outdir / "docs" / "index.html").select_one("ul.site-decks")
    assert [href for _, href in links(decks)] == [
        "../slides/part-1-foundations.html",
        "../downloads/part-1-foundations.pptx",
        "../slides/part-2-clinical-use.html",
        "../downloads/part-2-clinical-use.pptx",
        "../slides/part-3-safe-practice.html",
        "../downloads/part-3-safe-practice.pptx",
    ]


@pytest.mark.sphinx("typst", testroot="site", warningiserror=True)
def test_print_edition_has_no_site_links(app):
    app.build()
    source = (app.outdir / "main.typ").read_text(encoding="utf-8").replace("\\", "")
    assert "The chapter's own opening sentence" in source.replace("’", "'")
    assert "Training decks" not in source and "downloads/" not in source


@pytest.mark.sphinx("epub", testroot="site", warningiserror=True)
def test_epub_has_no_site_links_sitemap_or_404(app):
    app.build()
    chapter = (app.outdir / "docs" / "part-a" / "chapter.xhtml").read_text(encoding="utf-8")
    assert "opening sentence" in chapter
    assert "site-downloads" not in chapter and "downloads/" not in chapter
    assert not (app.outdir / "sitemap.xml").exists()
    assert not (app.outdir / "404.xhtml").exists() and not (app.outdir / "404.html").exists()


@SITE_ROOT
def test_sitemap_lists_pages_and_decks_with_review_dates(app):
    app.build()
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    tree = ET.parse(app.outdir / "sitemap.xml")
    entries = [
        (url.findtext("s:loc", namespaces=namespace), url.findtext("s:lastmod", namespaces=namespace))
        for url in tree.getroot()
    ]
    assert entries == [
        (f"{SITE}docs/index.html", "2026-05-01"),
        (f"{SITE}docs/part-a/chapter.html", "2026-03-14"),
        (f"{SITE}slides/part-1-foundations.html", None),
        (f"{SITE}slides/part-2-clinical-use.html", None),
        (f"{SITE}slides/part-3-safe-practice.html", None),
    ]
    assert (app.outdir / "robots.txt").read_text() == f"User-agent: *\nAllow: /\nSitemap: {SITE}sitemap.xml\n"


@pytest.mark.sphinx("html", testroot="site", warningiserror=True, confoverrides={"notfound_urls_prefix": "/ketamine/"})
def test_404_page_links_from_the_site_root(app, soup):
    app.build()
    page = soup(app.outdir / "404.html")
    assert page.find("h1").get_text(strip=True) == "Page not found"
    body = page.select_one("#page-not-found")
    assert links(body) == [
        ("Start from the handbook's contents", "/ketamine/docs/index.html"),
        ("Search the handbook", "/ketamine/search.html"),
        ("Browse the index", "/ketamine/genindex.html"),
        ("Open the training decks", "/ketamine/slides/index.html"),
    ]
    # Stylesheets, scripts and navigation too: the page is served at any depth.
    local = [tag.get("href") or tag.get("src") for tag in page.select("link[rel=stylesheet], script[src], nav a")]
    relative = [url for url in local if url and not url.startswith(("/ketamine/", "#", "https://"))]
    assert local and relative == []


@SITE_ROOT
def test_social_tags_use_the_chapter_text_and_a_local_image(app, soup):
    app.build()
    page = soup(app.outdir / "docs" / "part-a" / "chapter.html")
    meta = {tag.get("property") or tag.get("name"): tag["content"] for tag in page.select("meta[content]")}
    assert meta["og:url"] == f"{SITE}docs/part-a/chapter.html"
    assert meta["og:image"] == f"{SITE}_static/og-card.png"
    assert (app.outdir / "_static" / "og-card.png").is_file()
    # The description is the chapter's own first sentence, not its dates line.
    assert meta["description"].startswith("The chapter’s own opening sentence")
    assert meta["og:description"] == meta["description"]
    assert not re.search(r"Last reviewed", meta["description"])
