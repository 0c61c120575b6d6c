"""A snippet shown again in one document declares no target names again.

Upstream: none to file. Docutils declares each explicit target name (a
table's or figure's ``:name:``) in the document while parsing
(``document.note_explicit_target``), and a name declared twice in one
document is, rightly for reStructuredText, a "Duplicate explicit target
name" warning. Neither docutils nor MyST offers a way to include the same
text twice with its names declared once, and a deck that shows one snippet
in parts on several slides (``{snippet}`` with ``:items:``/``:rows:``,
``snippet_parts``) parses it more than once. Checked against docutils 0.22.4
and myst-parser 5.2.0.

The patch: while a snippet is parsed a second or later time in a document,
``note_explicit_target`` is overridden on that one document instance to give
the target an id without declaring its name; the override is removed when
the include ends. The first showing keeps the name, so references to it
resolve to the first showing.

- every builder: the doctree is the same as before except that later
  showings carry automatic ids; nothing is rendered differently.

Still needed while: ``test_docutils_still_warns_about_a_snippet_shown_twice``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from docutils import nodes

from . import disabled

NAME = "repeated_snippet_targets"


@contextmanager
def _names_not_declared(document: nodes.document) -> Iterator[None]:
    document.note_explicit_target = lambda target, msgnode=None: document.set_id(target, msgnode)
    try:
        yield
    finally:
        del document.note_explicit_target


def repeated_snippet(document: nodes.document):
    """The context in which a snippet is parsed again in ``document``."""
    return nullcontext() if disabled(NAME) else _names_not_declared(document)
