"""``{site-downloads}``: the handbook's links to the decks and the downloads.

The published site (``make site``) holds the handbook at ``/``, the decks at
``/slides/`` and the PDF, EPUB, deck PDFs and PowerPoint files at
``/downloads/``. The directive
lists them, with each link written relative to the page that shows it, so the
list works under any URL prefix (a project site on GitHub Pages, Read the
Docs, a local static server).

Resolved at ``doctree-resolved``, when the builder (and so each page's
address) is known.

- html: a "Training decks and downloads" rubric and two lists: each deck
  (slides; its downloads, ``handbook_deck_downloads`` from handbook.toml:
  the slides PDF, trainer notes PDF and participant handout PDF while
  ``handbook_deck_pdfs`` is true, and its PowerPoint file) and the
  handbook's PDF and EPUB.
- epub, typst (the PDF): nothing. The reader already holds an edition, and a relative
  link out of the file would lead nowhere.
- revealjs: this module is not loaded (``conf.py``); decks link back to the
  handbook through ``{deck-title}`` and ``{read-more}``.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from handbook_sphinx import add_shared_config_value

# The make target of the deck downloads that DECK_PDFS=0 leaves out.
PRINTED_BY_CHROMIUM = "slides-pdf"


class site_downloads(nodes.General, nodes.Element):
    """Placeholder, replaced when the page is resolved by the links (html) or by nothing."""


class SiteDownloadsDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        node = site_downloads()
        self.set_source_info(node)
        return [node]


def _item(*parts: nodes.Node) -> nodes.list_item:
    item = nodes.list_item()
    para = nodes.paragraph()
    for part in parts:
        para += part
    item += para
    return item


def resolve_site_downloads(app, doctree: nodes.document, docname: str) -> None:
    placeholders = list(doctree.findall(site_downloads))
    if not placeholders:
        return
    builder = app.builder
    if builder.format != "html" or builder.name.startswith("epub") or builder.name == "singlehtml":
        for node in placeholders:
            node.parent.remove(node)
        return
    here = builder.get_target_uri(docname)

    def ref(text: str, target: str) -> nodes.reference:
        return nodes.reference(text, text, refuri=relative_uri(here, target), internal=False)

    config = app.config
    decks = nodes.bullet_list(classes=["site-decks"])
    with_pdfs = config.handbook_deck_pdfs
    for name, title in config.handbook_decks:
        parts: list[nodes.Node] = [nodes.strong("", "", ref(title, f"slides/{name}.html")), nodes.Text(" — ")]
        for suffix, label, target in config.handbook_deck_downloads:
            if target == PRINTED_BY_CHROMIUM and not with_pdfs:
                continue
            parts += [ref(label, f"downloads/{name}{suffix}"), nodes.Text(", ")]
        parts.pop()  # the last separator
        decks += _item(*parts)
    editions = nodes.bullet_list(classes=["site-editions"])
    editions += _item(ref("The handbook as a PDF", f"downloads/{config.handbook_pdf_name}"), nodes.Text(" (print)"))
    editions += _item(
        ref("The handbook as an EPUB", f"downloads/{config.handbook_epub_name}"), nodes.Text(" (e-readers)")
    )
    for node in placeholders:
        block = nodes.container(classes=["site-downloads"])
        block += nodes.rubric("Training decks and downloads", "Training decks and downloads")
        block += decks.deepcopy()
        block += editions.deepcopy()
        node.replace_self(block)


def setup(app) -> dict:
    # The published site's layout (conf.py, Site options; handbook.toml).
    # handbook_decks is read here, by the sitemap and by the PowerPoint builder;
    # handbook_pdf_name here and by the PDF's builder.
    add_shared_config_value(app, "handbook_decks", [], "html", frozenset({list, tuple}))
    add_shared_config_value(app, "handbook_pdf_name", "", "html", frozenset({str}))
    # (suffix, link text, make target) per download of a deck; read here and by the PowerPoint builder.
    add_shared_config_value(app, "handbook_deck_downloads", [], "html", frozenset({list, tuple}))
    app.add_config_value("handbook_epub_name", "", "html", types=frozenset({str}))
    # False (``-D handbook_deck_pdfs=0``, Sphinx's own bool conversion) where the host cannot print the decks.
    app.add_config_value("handbook_deck_pdfs", True, "html", types=frozenset({bool}))
    app.add_node(site_downloads)
    app.add_directive("site-downloads", SiteDownloadsDirective)
    app.connect("doctree-resolved", resolve_site_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
