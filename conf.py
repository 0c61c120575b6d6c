"""One configuration for every output of the handbook.

Used with ``-c .`` by every build (see the Makefile):

- the HTML site and the EPUB from ``docs/``;
- the PDF from ``docs/`` through the Typst builder (handbook_sphinx/typst);
- the reveal.js decks from ``slides/``, selected with the tag ``-t decks``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent
# The project's own extensions live beside this file, not in site-packages,
# so an author's edit to them takes effect without reinstalling anything.
sys.path.insert(0, str(ROOT))

from sphinx.util.i18n import format_date  # noqa: E402

from handbook_sphinx import facts  # noqa: E402
from handbook_sphinx.changes.editions import EditionsError, load_editions  # noqa: E402
from handbook_sphinx.dates import build_date  # noqa: E402

# handbook.toml: the names of the PDF, the EPUB and the downloads, the decks, the known warnings.
FACTS = facts.load()

# The deck build is the only one that loads sphinx-revealjs: it declares
# itself unsafe for parallel reading and would slow every other build.
DECKS = tags.has("decks")  # noqa: F821  (``tags`` is provided by Sphinx)

# -- Project options ---------------------------------------------------------

project = "Ketamine Therapy for Mood Disorders"
handbook_subtitle = "A handbook for clinicians and trainers"
author = "The Ketamine Therapy Handbook authors"
# The edition: the newest entry of editions.yaml, "1.1.0 (draft)" until its
# release date is set (pyproject.toml's version must agree; a test checks).
try:
    EDITION = load_editions(ROOT / "editions.yaml").current
except EditionsError as error:
    from sphinx.errors import ConfigError

    raise ConfigError(str(error)) from None
release = EDITION.display
version = EDITION.version
# SOURCE_DATE_EPOCH (the Makefile sets it to the commit time) makes the date,
# and with it every output, reproducible. Sphinx's own date formatting reads
# it (in UTC); the footer, the PDF and the decks need the string here.
BUILD_DATE = build_date()
today_fmt = "%-d %B %Y"
today = format_date(today_fmt, language="en")
copyright = f"{BUILD_DATE.year}, {author}"
handbook_notice = "Educational material, not medical advice."
handbook_notice_long = (
    "This handbook is educational material for clinicians and trainers, not medical advice. "
    "It does not replace the current product labels, local protocols or clinical judgement."
)
handbook_licence = "CC BY-NC-SA 4.0"
# The newest literature any chapter covers; each chapter states its own too.
handbook_evidence_cutoff = "31 December 2025"
# Labels and regulatory documents are cited as read then, each by its version, not as of the cut-off
# (issue 14): a revised label is never quoted in an older form.
handbook_labels_consulted = "November 2026"

# -- General options ---------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinxcontrib.bibtex",
    "handbook_sphinx",
]
if DECKS:
    # The revealjs builder (HTML decks) and the pptx builder (PowerPoint).
    extensions += ["sphinx_revealjs", "handbook_sphinx.decks", "handbook_sphinx.pptx"]
else:
    # The site's page-not-found page and social-card tags; both only act
    # on the HTML builder (the 404 page is skipped for EPUB). The PDF's
    # builder (-b typst).
    extensions += [
        "notfound.extension",
        "sphinxext.opengraph",
        "handbook_sphinx.site_links",
        "handbook_sphinx.sitemap",
        "handbook_sphinx.typst",
    ]
    # "What changed in this edition" (docs/back-matter/what-changed.md).
    extensions += ["handbook_sphinx.changes"]

root_doc = "index"
exclude_patterns = ["_build", "**/.*"]
templates_path = ["theme/templates"]
language = "en"
numfig = True
numfig_format = {"figure": "Figure %s", "table": "Table %s", "code-block": "Listing %s", "section": "Section %s"}
# Tables and figures are numbered by chapter ("Table 5.3") in the PDF, the
# EPUB and the site alike: handbook_sphinx.numbering numbers the chapters
# across the parts' toctrees; the appendices take letters ("Table A.1").
numfig_secnum_depth = 1
handbook_lettered_parts = ["appendices/index"]
handbook_unnumbered_parts = ["back-matter/index"]

# Citations: one BibTeX file for the whole project, numbered in Vancouver
# style as clinical texts are: "[1, 4–6]" in the text, and a reference list
# in order of first citation ("Surname AB, … et al. Title. Journal.
# Year;Vol(Issue):Pages."). Both styles are defined and registered by
# handbook_sphinx.citations. The handbook has one list, in the References
# chapter; each deck has its own references slide and numbers its own
# sources from 1 in the order it first cites them.
bibtex_bibfiles = ["data/references.bib"]
bibtex_reference_style = "vancouver"
bibtex_default_style = "vancouver"

# -- MyST options ------------------------------------------------------------

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
# Front matter keys that are not docinfo fields stay metadata only.
myst_title_to_header = False
myst_heading_anchors = 0

# -- Warnings options --------------------------------------------------------

nitpicky = True
# Every build runs with -W --keep-going (Makefile). A warning that cannot be
# fixed is suppressed by its type only, exactly as handbook.toml lists it
# (known_warnings, each with its reason); tests/test_known_warnings.py fails
# when an entry stops firing, and when anything else is suppressed.
suppress_warnings = FACTS.suppressed("decks" if DECKS else "handbook")

# -- Handbook options (handbook_sphinx) ---------------------------------------

# The decks do not carry chapter front matter; every handbook page does.
handbook_require_review_dates = not DECKS
handbook_review_max_months = 18
handbook_allow_stale_reviews = False
handbook_evidence_data = "data/trials.yaml"
# The editorial gate (handbook_sphinx.editorial_gate) fails the build on what
# must never be published: incomplete or placeholder references, editorial
# notes, tertiary sources, production language in reader-facing text. Always
# on; -D handbook_editorial_gate=0 only for a local look at a draft.
handbook_editorial_gate = True
handbook_tertiary_domains = "data/tertiary-domains.txt"
# Fields no published record shows, each with its reason and the records
# consulted; a line that goes stale fails the build (README, "Add a reference").
handbook_reference_exceptions = "data/reference-exceptions.txt"
# Every entry is cited somewhere in the handbook; a deck cites a subset.
handbook_cite_every_reference = not DECKS

# -- HTML options -----------------------------------------------------------

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["theme/static"]
html_css_files = ["handbook.css"]
html_favicon = "theme/static/favicon.svg"
html_logo = "theme/static/logo.svg"
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None
html_context = {
    # pydata-sphinx-theme reads the default colour mode from the context.
    "default_mode": "light",
    "handbook_notice": handbook_notice_long,
    "handbook_release": release,
    "handbook_date": today,
}
html_theme_options = {
    # No launch or repository buttons: they point at third-party hosts.
    "use_download_button": False,
    "use_fullscreen_button": True,
    "use_repository_button": False,
    "use_issues_button": False,
    "use_edit_page_button": False,
    "launch_buttons": {},
    # pydata 0.20 under book-theme 1.4 draws a second search bar otherwise.
    "navbar_persistent": [],
    "home_page_in_toc": True,
    # The logo's dark-blue lettering vanishes on the dark theme's background.
    "logo": {"image_dark": "_static/logo-dark.svg"},
    "show_toc_level": 2,
    "extra_footer": (
        f"<p class='handbook-notice'><strong>{handbook_notice}</strong> Version {release}, built {today}.</p>"
    ),
}
html_sidebars: dict[str, list[str]] = {}

# -- Site options -----------------------------------------------------------
# `make site` publishes one tree: the handbook at /, the decks at /slides/,
# the PDF, EPUB and deck PDFs at /downloads/. Links between the outputs are
# written for that tree, so they resolve in _build/site/, not across the
# separate folders of _build/.

# Where the site is published. The sitemap, canonical links and OpenGraph
# tags need absolute URLs; the publishing workflows set HANDBOOK_SITE_URL
# (Read the Docs sets its own variable). The default suits a local preview:
# `python3 -m http.server -d _build/site 8000`.
SITE_URL = (
    os.environ.get("HANDBOOK_SITE_URL") or os.environ.get("READTHEDOCS_CANONICAL_URL") or "http://localhost:8000/"
)
html_baseurl = SITE_URL if SITE_URL.endswith("/") else SITE_URL + "/"

# One entry per deck (handbook.toml): (file name in slides/, title). The
# home page's download list, the sitemap and the PowerPoint builder are built from it.
handbook_decks = [(deck.name, deck.title) for deck in FACTS.decks]
# Each deck's downloads (handbook.toml): (suffix, link text, make target).
handbook_deck_downloads = [(d.suffix, d.label, d.target) for d in FACTS.deck_downloads]
handbook_pdf_name = FACTS.pdf_name
handbook_epub_name = FACTS.epub_name
# The PDF's keywords (document information and XMP metadata).
handbook_keywords = [
    "ketamine",
    "esketamine",
    "depression",
    "treatment-resistant depression",
    "mood disorders",
    "handbook",
]
# make site DECK_PDFS=0 turns this off where Chromium cannot print the decks.
handbook_deck_pdfs = True

# The 404 page is served at any depth, so its links must be absolute paths
# from the site root (a project site on GitHub Pages lives under /<repo>/).
notfound_urls_prefix = urlsplit(html_baseurl).path
notfound_template = "notfound.html"
notfound_context = {"title": "Page not found"}

# Social cards: title, description and a local image, no generated cards
# (they would draw every page with matplotlib and fetch fonts).
ogp_site_url = html_baseurl
ogp_site_name = project
ogp_image = "_static/og-card.png"
ogp_image_alt = f"{project}: {handbook_subtitle}"
ogp_social_cards = {"enable": False}
ogp_enable_meta_description = True

# The handbook's home on the published site: the decks' QR codes, and every
# link in the deck PDFs and PowerPoint files, point there.
handbook_site_url = html_baseurl
# The label of the handbook's reference list, where a deck's references
# slide points (with a QR code).
handbook_references_label = "references"

if DECKS:
    # The decks are published in /slides/: their canonical links say so.
    html_baseurl += "slides/"

# -- EPUB options -----------------------------------------------------------

epub_title = project
epub_author = author
epub_publisher = author
epub_copyright = copyright
epub_show_urls = "no"
epub_basename = FACTS.basename
epub_description = f"{handbook_subtitle}. {handbook_notice}"
# Sphinx writes epub_uid (an XML name, so no "urn:" colon) into toc.ncx as
# dtb:uid, and epubcheck requires it to equal the OPF dc:identifier, which is
# epub_identifier: the two must be the same string (NCX-001 otherwise).
epub_identifier = FACTS.basename
epub_uid = epub_identifier
# theme/static/epub.css replaces the epub theme's own epub.css (same name in
# html_static_path), which the theme links already: listing it here as well
# would link it twice.
epub_css_files: list[str] = []
# html_static_path also holds the web site's and the decks' files; they are
# no part of the book (deck.css uses CSS nesting, which epubcheck rejects).
epub_exclude_files = [
    "_static/deck.css",
    "_static/handbook.css",
    "_static/favicon.svg",
    "_static/logo.svg",
    "_static/logo-dark.svg",
    "_static/og-card.png",
    "_static/og-card.svg",
    # Sphinx's backup of the build info after a config change, not content.
    ".buildinfo.bak",
]

# -- PDF options (the Typst builder) -----------------------------------------

# make pdf PAPER=letter passes -D typst_paper=letter. The PDF's design is
# handbook_sphinx/typst/handbook.typ; its title page and verso take the
# title, subtitle, version, date, notice and licence set above.
typst_paper = "a4"

# -- reveal.js options --------------------------------------------------------

# Each deck is its own HTML page; the white theme imports no web fonts, and
# theme/static/deck.css uses the DejaVu Sans bundled in theme/deck-static, so
# nothing is fetched and line breaks match the tests on any computer.
revealjs_style_theme = "white"
# theme/deck-static holds what only the decks need (the bundled font).
revealjs_static_path = ["theme/static", "theme/deck-static"]
revealjs_css_files = ["deck.css"]
revealjs_script_conf = {
    "width": 1280,
    "height": 720,
    "margin": 0.04,
    "hash": True,
    "slideNumber": "c/t",
    "transition": "none",
    "center": False,
    "controls": True,
    "progress": True,
    # The slides PDF prints each fragment state on its own page, so a quiz's
    # answer appears on the page after its question, as on screen.
    "pdfSeparateFragments": True,
    # A slide too tall for its page is clipped, never continued on another
    # page: the page count stays one per slide (and fragment state).
    "pdfMaxPagesPerSlide": 1,
    "showNotes": False,
}
revealjs_script_plugins = [{"name": "RevealNotes", "src": "revealjs/plugin/notes/notes.js"}]
# Where a deck's "Read more" links point: the site publishes the decks in
# /slides/, one level below the handbook (see Site options).
handbook_html_base = "../"
handbook_inventory = "_build/html/objects.inv"
