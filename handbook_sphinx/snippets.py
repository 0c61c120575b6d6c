"""``{snippet}``: show a shared snippet from ``snippets/`` in a chapter or a deck.

A snippet is a fragment of MyST Markdown kept once in ``<confdir>/snippets``
and shown by both the handbook and the decks, so they cannot disagree::

    ```{snippet} history/key-points
    ```

The directive reads ``snippets/history/key-points.md`` through MyST's own
include machinery, so an error inside the snippet is reported at the
snippet's file and line, and an edit to the snippet re-reads exactly the
documents that show it. Image paths inside a snippet are written relative to
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
from contextlib import nullcontext
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst.directives.misc import Include
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from handbook_sphinx.image_variants import attach_slide_forms, image_variants
from handbook_sphinx.snippet_parts import OPTION_SPEC, repeated_snippet, show_part

logger = logging.getLogger(__name__)

SNIPPET_SUFFIX = ".md"


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
        renderer = getattr(self.state, "_renderer", None)
        if renderer is None:
            logger.warning(
                "{snippet} works only in MyST Markdown documents", location=location, type="handbook", subtype="snippet"
            )
            return []

        # Lazy import: myst_parser is only needed once a snippet is shown.
        from myst_parser.mocking import MockIncludeDirective

        doc_dir = Path(self.env.doc2path(self.env.docname)).parent
        container = nodes.container(classes=["snippet"])
        container["snippet"] = name
        include = MockIncludeDirective(
            renderer=renderer,
            name="snippet",
            klass=Include,
            arguments=[os.path.relpath(path, doc_dir)],
            options={},
            body=[],
            lineno=self.lineno,
        )
        shown_before = name in snippets_used(self.env).get(self.env.docname, [])
        with (
            renderer.current_node_context(container),
            repeated_snippet(self.state.document) if shown_before else nullcontext(),
        ):
            include.run()
        attach_slide_forms(container, path.parent)
        _rebase_images(container, path.parent, doc_dir)
        # A figure's slide panels are chosen where the snippet is shown: its problems are reported there.
        for figure in container.findall(image_variants):
            figure.source, figure.line = self.get_source_info()
        for problem in show_part(container, self.options):
            logger.warning("snippet %r: %s", name, problem, location=location, type="handbook", subtype="snippet")
        used = snippets_used(self.env).setdefault(self.env.docname, [])
        if name not in used:
            used.append(name)
        return [container]


def snippets_used(env) -> dict[str, list[str]]:
    """Which snippets each document of this build shows, in order."""
    if not hasattr(env, "handbook_snippets"):
        env.handbook_snippets = {}
    return env.handbook_snippets


def _purge(app, env, docname: str) -> None:
    snippets_used(env).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    mine = snippets_used(env)
    for docname, names in snippets_used(other).items():
        if docname in docnames:
            mine[docname] = names


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
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
