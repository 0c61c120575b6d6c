"""``{site-downloads}``: the handbook's links to the decks and the downloads.

The published site (``make site``) holds the handbook at ``/``, the decks at
``/slides/`` and the PDF, EPUB, deck PDFs and PowerPoint files at
``/downloads/``. The directive
lists them, with each link written relative to the page that shows it, so the
list works under any URL prefix (a project site on GitHub Pages, Read the
Docs, a local static server).

- html: a "Training decks and downloads" rubric and two lists: each deck
  (slides; its slides PDF, trainer notes PDF and participant handout PDF
  while ``handbook_deck_pdfs`` is true; its PowerPoint file) and the
  handbook's PDF and EPUB.
- epub, typst (the PDF): nothing. The reader already holds an edition, and a relative
  link out of the file would lead nowhere.
- revealjs: this module is not loaded (``conf.py``); decks link back to the
  handbook through ``{deck-title}`` and ``{read-more}``.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from handbook_sphinx import truthy


class site_downloads(nodes.General, nodes.Element):
    """Placeholder, replaced at write time by the links (html) or by nothing."""


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


class ResolveSiteDownloads(SphinxPostTransform):
    default_priority = 5

    def run(self, **kwargs) -> None:
        placeholders = list(self.document.findall(site_downloads))
        if not placeholders:
            return
        builder = self.env._app.builder  # as Sphinx's own post-transforms reach it (9.x)
        if builder.format != "html" or builder.name.startswith("epub") or builder.name == "singlehtml":
            for node in placeholders:
                node.parent.remove(node)
            return
        docname = self.env.path2doc(self.document["source"]) or self.config.root_doc
        here = builder.get_target_uri(docname)

        def uri(target: str) -> str:
            return relative_uri(here, target)

        def ref(text: str, target: str) -> nodes.reference:
            return nodes.reference(text, text, refuri=uri(target), internal=False)

        config = self.config
        decks = nodes.bullet_list(classes=["site-decks"])
        with_pdfs = truthy(config.handbook_deck_pdfs)
        for name, title in config.handbook_decks:
            parts: list[nodes.Node] = [nodes.strong("", "", ref(title, f"slides/{name}.html")), nodes.Text(" — ")]
            if with_pdfs:
                parts += [
                    ref("slides (PDF)", f"downloads/{name}.pdf"),
                    nodes.Text(", "),
                    ref("trainer notes (PDF)", f"downloads/{name}-notes.pdf"),
                    nodes.Text(", "),
                    ref("participant handout (PDF)", f"downloads/{name}-handout.pdf"),
                    nodes.Text(", "),
                ]
            parts.append(ref("PowerPoint (PPTX)", f"downloads/{name}.pptx"))
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
    app.add_node(site_downloads)
    app.add_directive("site-downloads", SiteDownloadsDirective)
    app.add_post_transform(ResolveSiteDownloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
