"""What only the reveal.js decks need. Loaded by ``conf.py`` for ``-t decks``.

- ``{deck-title}``: the title slide's block: subtitle, version, build date,
  the "educational material" notice, all from ``conf.py``, so a deck can
  never show a stale version, a link back to the handbook's home page and a
  QR code to it (``handbook_site_url``), its alt text naming the URL.
- ``{deck-references}``: the references slide. It does not project the list
  (at a readable size a deck's 40 sources take 6–8 slides nobody reads); it
  says where the numbered list is (the participant handout, the handbook's
  reference list) with a QR code to the handbook's list. The deck's own
  bibliography is in the page, hidden on screen (``.deck-bibliography``), so
  ``{cite}`` resolves and numbers against this deck's sources only, and the
  handout (``tools/deck_pdf.py``) prints it.
- Citations on slides are plain text, not links: a numbered citation points
  into a list the audience cannot see, and underlined links on a projected
  slide are noise (design review, section B). The revealjs and pptx
  builders turn each citation's links into ``span.citation-reference``.
- ``{read-more} <label>``: a "Read more in the handbook" link to the exact
  handbook section. It resolves through intersphinx against the handbook's
  ``objects.inv``; the link base is ``handbook_html_base`` (``../``: the site
  publishes the decks in ``/slides/``, one level below the handbook).
  An unknown label is a nitpicky warning at the slide's line.
- ``{term}``, ``{ref}`` inside shared snippets resolve the same way, into the
  handbook's glossary and sections.
- The bundled reveal.js is pruned to what the decks load (our theme, the
  notes plugin), so no unused file naming a web-font or CDN host is published
  (``workarounds/revealjs_bundle.py``).
- The fix for sphinx-revealjs re-reading every deck on every run (#74) lives
  in ``workarounds/revealjs_rereads.py``, with the re-read it makes necessary
  when the handbook's ``objects.inv`` changes.

This module is never loaded by the html, epub or typst builds, so its
directives do not exist there; ``slides/`` is built only by revealjs.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

from docutils import nodes
from sphinx.ext.intersphinx import InventoryAdapter
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from handbook_sphinx import add_shared_config_value
from handbook_sphinx.qr_codes import qr_image

logger = logging.getLogger(__name__)


class DeckTitleDirective(SphinxDirective):
    """Subtitle, version, date and notice for a deck's title slide."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        config = self.config
        block = nodes.container(classes=["deck-title"])
        block += nodes.paragraph(config.handbook_subtitle, config.handbook_subtitle, classes=["deck-subtitle"])
        line = f"Version {config.release} · {config.today}"
        block += nodes.paragraph(line, line, classes=["deck-version"])
        block += nodes.paragraph(config.handbook_notice, config.handbook_notice, classes=["deck-notice"])
        # Back to the handbook this deck teaches from (its home on the site).
        home = nodes.paragraph(classes=["deck-handbook-link"])
        # handbook_html_base is relative to a deck at the top of slides/.
        up = "../" * self.env.docname.count("/")
        home += nodes.reference("The handbook", "The handbook", refuri=f"{up}{config.handbook_html_base}index.html")
        home += nodes.Text(": every slide's evidence in full, with references")
        block += home
        block += qr_figure(config.handbook_site_url)
        return [block]


def qr_figure(url: str) -> nodes.container:
    """A QR code to ``url`` with the URL printed under it, for those who cannot scan."""
    figure = nodes.container(classes=["deck-qr"])
    figure += qr_image(url)
    shown = url.split("://", 1)[-1].rstrip("/")
    figure += nodes.paragraph(shown, shown, classes=["deck-qr-url"])
    return figure


class DeckReferencesDirective(SphinxDirective):
    """The references slide: where the numbered list is, a QR code to it, and the hidden list."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        config = self.config
        label = config.handbook_references_label
        inventory = InventoryAdapter(self.env).named_inventory.get("handbook", {})
        item = inventory.get("std:label", {}).get(label)
        if item is None:
            logger.warning(
                "the handbook has no section labelled %r for the references slide to point to "
                "(handbook_references_label in conf.py)",
                label,
                location=self.get_location(),
                type="handbook",
                subtype="decks",
            )
            return []
        # The inventory's URI is relative to a deck at the top of slides/ on
        # the site (handbook_html_base); intersphinx adds the same for depth.
        relative = "../" * self.env.docname.count("/") + item.uri
        absolute = urljoin(f"{config.html_baseurl}{self.env.docname}.html", relative)
        block = nodes.container(classes=["deck-references"])
        para = nodes.paragraph()
        para += nodes.Text(
            "The sources cited on these slides, numbered as here, are listed in full in the participant handout and in "
        )
        para += nodes.reference("the handbook's reference list", "the handbook's reference list", refuri=relative)
        para += nodes.Text(".")
        block += para
        block += qr_figure(absolute.split("#", 1)[0])
        listing = nodes.container(classes=["deck-bibliography"])
        listing += self.parse_text_to_nodes("```{bibliography}\n:filter: docname in docnames\n```")
        return [block, listing]


class PlainSlideCitations(SphinxPostTransform):
    """On slides (revealjs, pptx), a citation's number is text, not a link into the hidden list."""

    # After the references resolver (10), which turns citations into links.
    default_priority = 900
    builders = ("revealjs", "pptx")

    def run(self, **kwargs) -> None:
        for citation in list(self.document.findall(nodes.inline)):
            if "bibtex-citation" not in citation["classes"]:
                continue
            for ref in list(citation.findall(nodes.reference)):
                plain = nodes.inline("", "", *ref.children, classes=["citation-reference"])
                ref.replace_self(plain)


class ReadMoreDirective(SphinxDirective):
    """A link from a slide to the handbook section with the given label: "Read more: {ref}`label`"."""

    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        label = self.arguments[0].strip()
        parsed = self.parse_text_to_nodes(f"Read more: {{ref}}`{label}`")
        para = parsed[0] if len(parsed) == 1 and isinstance(parsed[0], nodes.paragraph) else nodes.paragraph()
        para["classes"].append("read-more")
        self.set_source_info(para)
        return [para]


def wire_handbook_inventory(app, config) -> None:
    """Point intersphinx at the handbook this deck belongs to."""
    inventory = Path(config.handbook_inventory)
    if not inventory.is_absolute():
        inventory = Path(app.confdir) / inventory
    config.intersphinx_mapping = {"handbook": (config.handbook_html_base, str(inventory))}
    config.intersphinx_disabled_reftypes = []


def check_inventory_exists(app) -> None:
    inventory = Path(app.config.handbook_inventory)
    if not inventory.is_absolute():
        inventory = Path(app.confdir) / inventory
    if not inventory.is_file():
        logger.warning(
            "the decks link into the handbook, but its inventory %s does not exist: build the handbook first (make html)",
            inventory,
            type="handbook",
            subtype="decks",
        )


def setup(app) -> dict:
    # The title slide's text (conf.py), shown on every deck (and in the PDF: typst).
    add_shared_config_value(app, "handbook_subtitle", "", "env", frozenset({str}))
    add_shared_config_value(app, "handbook_notice", "", "env", frozenset({str}))
    # The bundled reveal.js, pruned to what the decks load (no file naming a font or CDN host).
    app.setup_extension("handbook_sphinx.workarounds.revealjs_bundle")
    app.add_config_value("handbook_html_base", "../", "env", types=frozenset({str}))
    app.add_config_value("handbook_inventory", "_build/html/objects.inv", "env", types=frozenset({str}))
    app.setup_extension("sphinx.ext.intersphinx")
    app.connect("config-inited", wire_handbook_inventory, priority=400)
    # sphinx-revealjs#74 (unchanged decks re-read), with the inventory watch it needs.
    app.setup_extension("handbook_sphinx.workarounds.revealjs_rereads")
    app.connect("builder-inited", check_inventory_exists)
    app.add_directive("deck-title", DeckTitleDirective)
    app.add_directive("read-more", ReadMoreDirective)
    app.add_directive("deck-references", DeckReferencesDirective)
    app.add_post_transform(PlainSlideCitations)
    app.add_config_value("handbook_site_url", "http://localhost:8000/", "env", types=frozenset({str}))
    app.add_config_value("handbook_references_label", "references", "env", types=frozenset({str}))
    # sphinx-revealjs itself is not parallel-read-safe; this module is.
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
