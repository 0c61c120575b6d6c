"""``{snippet}``: show a shared snippet from ``snippets/`` in a chapter or a deck.

A snippet is a fragment of MyST Markdown kept once in ``<confdir>/snippets``
and shown by both the handbook and the decks, so they cannot disagree::

    ```{snippet} history/key-points
    ```

The directive reads ``snippets/history/key-points.md`` through a MyST
``{include}`` (``parse_text_to_nodes``), so an error inside the snippet is
reported at the snippet's file and line, and an edit to the snippet re-reads
exactly the documents that show it. Image paths inside a snippet are written relative to
the snippet file; they are rebased onto the including document, so a chapter
in ``docs/part-1/`` and a deck in ``slides/`` can show the same figure.

Options choose part of the snippet for a slide (``:items:``, ``:rows:``,
``:bare:``, ``:panel:``; see ``snippet_parts``), and a figure with a slide
form beside it (``timeline.slide.svg`` beside ``timeline.svg``) carries both
drawings (``image_variants``), so the decks show the slide form.

Output: the snippet's own nodes inside a ``container`` with the class
``snippet`` (html and revealjs: a ``<div class="snippet">``; typst: plain
content), so every builder renders the snippet exactly as if it were
written inline.
"""

from __future__ import annotations

import os
import re
from contextlib import nullcontext
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from handbook_sphinx.image_variants import attach_slide_forms, image_variants
from handbook_sphinx.snippet_parts import OPTION_SPEC, show_part
from handbook_sphinx.workarounds.bibtex_dropped_citations import citation_ids, forget_citations
from handbook_sphinx.workarounds.repeated_snippet_targets import repeated_snippet

logger = logging.getLogger(__name__)

SNIPPET_SUFFIX = ".md"
# One line that shows a snippet, in any fence MyST accepts; ``name`` without ".md".
# The one pattern for everything that scans sources (traceability, the tests).
SNIPPET_USE = re.compile(r"^\s*(?:`{3,}|~{3,}|:{3,})\{snippet\}\s+(?P<name>\S+?)(?:\.md)?\s*$")


def snippet_root(confdir: str | os.PathLike) -> Path:
    """The one folder that holds every shared snippet."""
    return Path(confdir) / "snippets"


def known_snippets(confdir: str | os.PathLike) -> list[str]:
    root = snippet_root(confdir)
    return sorted(p.relative_to(root).with_suffix("").as_posix() for p in root.rglob(f"*{SNIPPET_SUFFIX}"))


class SnippetDirective(SphinxDirective):
    """Render ``snippets/<name>.md`` in place."""

    required_arguments = 1
    has_content = False
    # Part of the snippet, for a slide: :items:, :rows:, :bare:, :panel: (snippet_parts).
    option_spec = OPTION_SPEC

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0].strip().removesuffix(SNIPPET_SUFFIX)
        path = (snippet_root(self.config.handbook_confdir) / f"{name}{SNIPPET_SUFFIX}").resolve()
        location = self.get_location()
        if not path.is_file():
            logger.warning(
                "unknown snippet %r: there is no file %s (snippets are named by their path "
                "under snippets/ without .md)",
                name,
                os.path.relpath(path, self.config.handbook_confdir),
                location=location,
                type="handbook",
                subtype="snippet",
            )
            return []
        source = Path(self.env.doc2path(self.env.docname))
        if source.suffix != SNIPPET_SUFFIX:
            logger.warning(
                "{snippet} works only in MyST Markdown documents", location=location, type="handbook", subtype="snippet"
            )
            return []
        doc_dir = source.parent
        container = nodes.container(classes=["snippet"])
        container["snippet"] = name
        # A deck that shows a snippet in parts shows it more than once in one
        # document: the later showings declare no target names (snippet_parts).
        shown = self.env.temp_data.setdefault("handbook_snippets_shown", set())
        # MyST's {include} of the snippet file: its errors point at the snippet's own lines.
        with repeated_snippet(self.state.document) if name in shown else nullcontext():
            container += self.parse_text_to_nodes(f"```{{include}} {os.path.relpath(path, doc_dir)}\n```\n")
        shown.add(name)
        _forget_include_line(container, source)
        self.set_source_info(container)
        # A figure with a slide form beside it carries both drawings (image_variants).
        attach_slide_forms(container, path.parent)
        # {figure} paths are not rebased by MyST's :relative-images: (only ![]() images are).
        _rebase_images(container, path.parent, doc_dir)
        # A figure's slide panels are chosen where the snippet is shown: its problems are reported there.
        for figure in container.findall(image_variants):
            figure.source, figure.line = self.get_source_info()
        cited = citation_ids(container)
        for problem in show_part(container, self.options):
            logger.warning("snippet %r: %s", name, problem, location=location, type="handbook", subtype="snippet")
        # The citations in what the slide leaves out are no citations of the deck.
        forget_citations(self.env, cited - citation_ids(container))
        return [container]


def _forget_include_line(container: nodes.Element, chapter: Path) -> None:
    """Nodes of the snippet that MyST dated from the ``{include}`` line, not their own: no source of their own.

    MyST gives every node the include left without a source and line (table
    rows and cells, for one) the ``{include}`` directive's own place, which
    is the chapter. Nothing in a snippet comes from the chapter, so those go;
    a location is then read from the nearest node that has one (a table's
    is its line in the snippet), as docutils' ``get_source_line`` does.
    """
    chapter_source = str(chapter)
    for node in container.findall(nodes.Element):
        if node.source == chapter_source:
            node.source = node.line = None


def _rebase_images(container: nodes.Element, snippet_dir: Path, doc_dir: Path) -> None:
    """Make image paths written relative to the snippet relative to the document."""
    for image in container.findall(nodes.image):
        uri = image["uri"]
        if "://" in uri or uri.startswith(("/", "data:")) or image.get("handbook_generated"):
            continue
        image["uri"] = os.path.relpath(snippet_dir / uri, doc_dir).replace(os.sep, "/")


def setup(app) -> dict:
    # Where snippets/ and data/ live: the directory of conf.py (-c .).
    app.add_config_value("handbook_confdir", str(app.confdir), "env", types=frozenset({str}))
    app.add_directive("snippet", SnippetDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
