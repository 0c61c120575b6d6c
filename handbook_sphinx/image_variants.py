"""One image in several layouts, and each builder shows the one drawn for it.

An ``image_variants`` node holds one ``image`` per layout, each marked
``handbook_variant``:

- ``print``: the PDF, the EPUB and the site's default (a hand-drawn figure
  as its author drew it; the evidence chart at 155 mm, 1 unit = 1 pt);
- ``wide`` and ``narrow``: the site on wide screens and on phones (the
  evidence chart; ``phone_layout`` says why);
- ``slide``: the decks, sized for a 1280×720 slide with no text below 24 px.
  A figure too big for one slide is drawn as several slide panels, each
  marked ``handbook_panel`` (the evidence chart: one panel per outcome),
  and a slide shows the panel its ``{snippet}`` names with ``:panel:``.

Two sources make the node: ``evidence`` draws the chart in every layout,
and a snippet's hand-drawn figure gets its slide form from a file beside it
(``attach_slide_forms``, called by ``{snippet}``): ``timeline.svg`` in a
snippet's figure and ``timeline.slide.svg`` beside it make an
``image_variants`` of the print and the slide drawing.

Before writing, ``choose_image_variant`` keeps, for

========================  ===================================================
builder                   what the reader gets
========================  ===================================================
html (site)               the node, written as ``<picture>``: the narrow
                          layout on screens up to ``NARROW_SCREEN``, the wide
                          one otherwise, linked to the wide file full size
                          (an image with no wide and narrow layout: a
                          standard image of the print one)
revealjs, pptx (decks)    a standard image of the slide layout (the panel
                          the slide names), else the wide one, else print
typst, epub, any other    a standard image of the print layout
========================  ===================================================

so no builder but html ever meets the node; the text visitor renders the
print image as a safety net.
"""

from __future__ import annotations

import html
import posixpath
from pathlib import Path
from urllib.parse import quote

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

# Screens narrow enough for the phone layout of a figure drawn in variants
# (the wide evidence chart needs a 660 px column for 12 px text).
NARROW_SCREEN = "(max-width: 48em)"
# A hand-drawn figure's slide form: <name>.slide.svg beside <name>.svg.
SLIDE_FORM_SUFFIX = ".slide.svg"


class image_variants(nodes.General, nodes.Element):
    """One image in several layouts: children are ``image`` nodes with ``handbook_variant`` print/wide/narrow/slide.

    ``handbook_panel`` on the node: which slide panel the decks show (from
    ``{snippet}``'s ``:panel:``); on a slide image: the panel it draws.
    """


def variants_of(node: image_variants) -> dict[str, nodes.image]:
    """The node's images by layout (the first slide panel stands for ``slide``)."""
    found: dict[str, nodes.image] = {}
    for child in node.children:
        if isinstance(child, nodes.image):
            found.setdefault(child["handbook_variant"], child)
    return found


def slide_panels(node: image_variants) -> dict[str, nodes.image]:
    """The slide images by panel name ("" for a figure drawn on one slide)."""
    return {
        child.get("handbook_panel", ""): child
        for child in node.children
        if isinstance(child, nodes.image) and child["handbook_variant"] == "slide"
    }


def is_deck_builder(builder) -> bool:
    return "revealjs" in builder.name or builder.name == "pptx"


def _shows_picture(builder) -> bool:
    return builder.format == "html" and builder.name != "epub" and "revealjs" not in builder.name


def _slide_image(node: image_variants) -> nodes.image | None:
    panels = slide_panels(node)
    if not panels:
        return None
    chosen = node.get("handbook_panel")
    if chosen in panels:
        return panels[chosen]
    if len(panels) > 1:
        logger.warning(
            "this figure is drawn for slides in %d panels (%s): choose the one this slide shows with the "
            "{snippet} option :panel:",
            len(panels),
            ", ".join(panels),
            location=node,
            type="handbook",
            subtype="image-variants",
        )
    return next(iter(panels.values()))


def choose_image_variant(app, doctree: nodes.document, docname: str) -> None:
    """Each builder keeps the layouts it shows (see the module's table).

    At ``doctree-resolved``: the builder is known, and no image has been
    collected (``post_process_images``), converted or copied yet.
    """
    builder = app.builder
    for node in list(doctree.findall(image_variants)):
        variants = variants_of(node)
        if _shows_picture(builder) and {"narrow", "wide"} <= set(variants):
            # Only the two the page shows are copied into _images; the page links them itself.
            for image in (variants["narrow"], variants["wide"]):
                image["classes"].append("no-scaled-link")
            node.children = []
            node.extend([variants["narrow"], variants["wide"]])
            continue
        chosen = None
        if is_deck_builder(builder):
            chosen = _slide_image(node) or variants.get("wide")
        chosen = chosen or variants.get("print") or next(iter(variants.values()))
        node.replace_self(chosen)


def attach_slide_forms(container: nodes.Element, source_dir: Path) -> None:
    """Give each image in ``container`` whose file has a ``<name>.slide.svg`` beside it that slide form.

    ``source_dir`` is the folder the images' paths are relative to (a
    snippet's folder). The slide image copies the print image's attributes,
    alt text included: a slide form draws the same facts.
    """
    for image in list(container.findall(nodes.image)):
        uri = image["uri"]
        if isinstance(image.parent, image_variants) or "://" in uri or not uri.lower().endswith(".svg"):
            continue
        slide_uri = uri[: -len(".svg")] + SLIDE_FORM_SUFFIX
        if uri.endswith(SLIDE_FORM_SUFFIX) or not (source_dir / slide_uri).is_file():
            continue
        variants = image_variants()
        variants.source, variants.line = image.source, image.line
        printed = image.deepcopy()
        printed["handbook_variant"] = "print"
        slide = image.deepcopy()
        slide["uri"] = slide_uri
        slide["handbook_variant"] = "slide"
        variants += [printed, slide]
        image.replace_self(variants)


def _image_url(translator, image: nodes.image) -> str:
    """Where the HTML builder copies ``image`` (as its own ``visit_image`` computes it)."""
    uri = image["uri"]
    if uri in translator.builder.images:
        return posixpath.join(translator.builder.imgpath, quote(translator.builder.images[uri]))
    return uri


def visit_image_variants_html(translator, node: image_variants) -> None:
    # Imported here: phone_layout measures the narrow layout's legible width.
    from handbook_sphinx.phone_layout import legible_width

    variants = variants_of(node)
    narrow, wide = variants["narrow"], variants["wide"]
    wide_url, narrow_url = _image_url(translator, wide), _image_url(translator, narrow)
    classes = " ".join(c for c in wide["classes"] if c != "no-scaled-link")
    attributes = f'alt="{html.escape(wide.get("alt", ""))}"'
    if classes:
        attributes += f' class="{html.escape(classes)}"'
    width = legible_width(Path(translator.builder.srcdir) / narrow["uri"])
    if width:
        attributes += f' style="--legible-width: {width}px"'
    translator.body.append(
        f'<a class="reference internal image-reference" href="{wide_url}">'
        f'<picture><source media="{NARROW_SCREEN}" srcset="{narrow_url}" type="image/svg+xml" />'
        f'<img {attributes} src="{wide_url}" /></picture></a>\n'
    )
    raise nodes.SkipNode


def _fallback(variant: str):
    def visit(translator, node: image_variants) -> None:
        variants = variants_of(node)
        (variants.get(variant) or node.children[0]).walkabout(translator)
        raise nodes.SkipNode

    return visit


def setup(app) -> dict:
    # Visitors by output format: the epub and revealjs builders use the html ones (registering them by their
    # own names would hide every other node's html visitor from them). No builder but html meets the node.
    app.add_node(
        image_variants,
        html=(visit_image_variants_html, None),
        text=(_fallback("print"), None),
    )
    app.connect("doctree-resolved", choose_image_variant)
    # env_version: doctrees pickled before the node moved here (from phone_layout) are read afresh.
    return {"version": "1.0", "env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
