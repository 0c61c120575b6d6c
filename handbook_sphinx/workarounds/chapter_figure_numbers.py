"""Tables and figures numbered by the book's chapter ("Table 5.3"), across the parts' toctrees.

Upstream: Sphinx numbers chapters only within one ``:numbered:`` toctree,
so a book in parts, each part its own toctree, cannot run its chapter
numbers on from one part to the next (sphinx-doc/sphinx#3357, open), nor
letter its appendices ("Fig. A.1", sphinx-doc/sphinx#1600, open); figure
numbers follow the section numbers, so they restart per part or are global.
Checked against Sphinx 9.0.4.

The patch: ``handbook_sphinx.numbering`` computes the chapter numbers from
the toctrees (``chapter_numbers``). Here Sphinx's own toctree collector
(``TocTreeCollector``, registered before any extension) is replaced by a
subclass that, while it assigns figure numbers, sees each chapter as if it
carried that number as its section number; it does everything else exactly
as before. Sphinx has no public way to replace a built-in collector, so the
stock one is found among the ``env-get-updated`` listeners and disabled
(``EnvironmentCollector.disable``).

- html, epub, typst: "Table 5.3" in captions and ``{numref}`` links.
- revealjs, pptx: the decks have no parts; the numbers are Sphinx's own.

Still needed while: ``test_sphinx_still_numbers_tables_without_the_books_chapters``.
"""

from __future__ import annotations

from sphinx.environment.collectors.toctree import TocTreeCollector

from . import disabled

NAME = "chapter_figure_numbers"


class ChapterNumberingCollector(TocTreeCollector):
    """Sphinx's toctree collector, numbering figures and tables within the book's chapters."""

    def assign_figure_numbers(self, env) -> list[str]:
        from handbook_sphinx.numbering import chapter_numbers

        real = env.toc_secnumbers
        chapters = {doc: {"": (number,)} for doc, number in chapter_numbers(env).items() if doc not in real}
        env.toc_secnumbers = {**real, **chapters}
        try:
            return super().assign_figure_numbers(env)
        finally:
            env.toc_secnumbers = real


def setup(app) -> dict:
    if not disabled(NAME):
        for listener in list(app.events.listeners.get("env-get-updated", [])):
            owner = getattr(listener.handler, "__self__", None)
            if type(owner) is TocTreeCollector:
                owner.disable(app)
        app.add_env_collector(ChapterNumberingCollector)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
