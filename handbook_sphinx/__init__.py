"""Sphinx extensions for the Ketamine Therapy handbook, one module per feature.

``handbook_sphinx`` itself is an extension that loads the feature modules the
handbook and the decks share; ``handbook_sphinx.decks`` and
``handbook_sphinx.pptx`` are loaded only by the deck builds, ``typst``,
``changes``, ``site_links`` and ``sitemap`` only by the handbook's (see
``conf.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

SHARED_FEATURES = (
    "handbook_sphinx.snippets",
    "handbook_sphinx.answers",
    "handbook_sphinx.chapter_meta",
    "handbook_sphinx.image_variants",
    "handbook_sphinx.phone_layout",
    "handbook_sphinx.evidence",
    "handbook_sphinx.alt_text",
    "handbook_sphinx.traceability",
    "handbook_sphinx.numbering",
    "handbook_sphinx.citations",
    "handbook_sphinx.editorial_gate",
    "handbook_sphinx.index_headwords",
    # Patches of other packages (handbook_sphinx/workarounds/, one module each).
    "handbook_sphinx.workarounds.epub_reproducible",
    "handbook_sphinx.workarounds.pybtex_plugin_lookup",
    "handbook_sphinx.workarounds.search_index_entries",
    "handbook_sphinx.workarounds.stable_image_names",
)


def add_shared_config_value(app: Sphinx, name: str, default, rebuild: str, types: frozenset) -> None:
    """Register an option that several feature modules read; whichever of them loads first registers it.

    Each module still registers every option it reads, so it works alone
    (a test root may load one module only).
    """
    if name not in app.config:
        app.add_config_value(name, default, rebuild, types=types)


def setup(app: Sphinx) -> dict:
    # Each option is registered by the module that reads it.
    for feature in SHARED_FEATURES:
        app.setup_extension(feature)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
