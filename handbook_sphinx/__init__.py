"""Sphinx extensions for the Ketamine Therapy handbook, one module per feature.

``handbook_sphinx`` itself is an extension that loads the feature modules the
handbook and the decks share; ``handbook_sphinx.decks`` is loaded only by the
reveal.js build (see ``conf.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

SHARED_FEATURES = (
    "handbook_sphinx.snippets",
    "handbook_sphinx.answers",
    "handbook_sphinx.chapter_meta",
    "handbook_sphinx.evidence",
    "handbook_sphinx.alt_text",
    "handbook_sphinx.traceability",
    "handbook_sphinx.navigation",
    "handbook_sphinx.figure_dates",
    # Patches of other packages (handbook_sphinx/workarounds/, one module each).
    "handbook_sphinx.workarounds.epub_reproducible",
    "handbook_sphinx.workarounds.pybtex_plugin_lookup",
    "handbook_sphinx.workarounds.search_index_entries",
)


def truthy(value) -> bool:
    """A yes/no config value as the author gave it: ``-D name=0`` arrives as the string "0"."""
    if isinstance(value, str):
        return value.strip().lower() not in {"", "0", "false", "no", "off"}
    return bool(value)


def setup(app: Sphinx) -> dict:
    # Shown on every output: the site footer, the PDF title page, each deck.
    for name in (
        "handbook_subtitle",
        "handbook_notice",
        "handbook_notice_long",
        "handbook_licence",
        "handbook_evidence_cutoff",
    ):
        app.add_config_value(name, "", "env", types=frozenset({str}))
    # The published site's layout (conf.py, Site options): read by the
    # site_links and sitemap modules.
    app.add_config_value("handbook_decks", [], "html", types=frozenset({list, tuple}))
    app.add_config_value("handbook_pdf_name", "", "html", types=frozenset({str}))
    app.add_config_value("handbook_epub_name", "", "html", types=frozenset({str}))
    # False (``-D handbook_deck_pdfs=0``) where the host cannot print the decks.
    app.add_config_value("handbook_deck_pdfs", True, "html", types=frozenset({bool, int, str}))
    for feature in SHARED_FEATURES:
        app.setup_extension(feature)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
