"""Chapter numbers, and tables and figures numbered by chapter in every output.

A trainer who says "see Table 5.3" must send every reader to the same table,
whether they hold the PDF, the EPUB or the site. The handbook's parts are
separate toctrees, and Sphinx numbers figures either globally (no numbered
toctree: "Table 8") or by section numbers that restart in every part
(``:numbered:`` on each part's toctree: "Table 1.3" in Part II). Neither is
the book's numbering, where chapters run on from one part to the next.

So the chapters are numbered here, once, from the toctrees: the root
document lists the parts; each part lists its chapters. Chapters in the parts
named by ``handbook_lettered_parts`` (the appendices) take letters, those in
``handbook_unnumbered_parts`` (glossary, references) take none. Sphinx's
toctree collector then numbers figures and tables as usual, but it sees each
chapter as if it carried that number as its section number, so with
``numfig_secnum_depth = 1`` the numbers are "5.3" and "A.1"; replacing the
collector is a patch of Sphinx's internals, so it lives in
``workarounds/chapter_figure_numbers.py``. No heading gains a visible number
on the site: only the figure numbers change.

- html, epub: "Table 5.3" in captions and in ``{numref}`` links.
- typst (the PDF): the same numbers, read from the environment, and the
  chapter numbers on the chapter openers and in the contents
  (``chapter_numbers``).
- revealjs: the decks have no parts; Sphinx numbers as it always did.
"""

from __future__ import annotations

import string


def chapter_numbers(env) -> dict[str, str]:
    """docname → the chapter's number ("5") or letter ("A"), for every numbered chapter."""
    config = env.config
    return number_chapters(
        env.toctree_includes, config.root_doc, config.handbook_lettered_parts, config.handbook_unnumbered_parts
    )


def number_chapters(includes: dict[str, list[str]], root_doc: str, lettered, unnumbered) -> dict[str, str]:
    """The numbering itself, from the toctrees (``includes``: docname → the docnames its toctree lists).

    Also used where there is no Sphinx environment: "What changed" numbers the
    chapters of an earlier edition from its sources (handbook_sphinx/changes).
    """
    lettered, unnumbered = set(lettered), set(unnumbered)
    numbers: dict[str, str] = {}
    number = 0
    for part in includes.get(root_doc, []):
        chapters = includes.get(part)
        if chapters is None:
            # A document in the root toctree without a toctree of its own is a chapter.
            if part not in unnumbered:
                number += 1
                numbers[part] = str(number)
            continue
        if part in unnumbered:
            continue
        for index, chapter in enumerate(chapters):
            if part in lettered:
                numbers[chapter] = string.ascii_uppercase[index]
            else:
                number += 1
                numbers[chapter] = str(number)
    return numbers


def setup(app) -> dict:
    app.add_config_value("handbook_lettered_parts", [], "env", types=frozenset({list, tuple}))
    app.add_config_value("handbook_unnumbered_parts", [], "env", types=frozenset({list, tuple}))
    # Sphinx's toctree collector, numbering figures within these chapters (sphinx-doc/sphinx#3357).
    app.setup_extension("handbook_sphinx.workarounds.chapter_figure_numbers")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
