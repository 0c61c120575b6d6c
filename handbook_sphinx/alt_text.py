"""Every image must carry alt text; the build fails on one that does not.

Runs on each read document (html, typst and revealjs builds alike; the PDF is not
written without alt text, which PDF/UA requires) and
warns at the image's own file and line, which for an image in a snippet is
the snippet file. ``-W`` turns the warning into a failed build.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)


def check_alt_text(app, doctree: nodes.document) -> None:
    for image in doctree.findall(nodes.image):
        if not image.get("alt", "").strip():
            logger.warning(
                "image %r has no alt text: add an :alt: option (or ![description](path) in Markdown)",
                image["uri"],
                location=image if image.line else image.parent,  # MyST gives inline images no line
                type="handbook",
                subtype="alt-text",
            )


def setup(app) -> dict:
    app.connect("doctree-read", check_alt_text)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
