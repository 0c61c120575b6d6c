"""Each bibliography numbered by its own document's citations first (a deck's references from 1).

Upstream: sphinxcontrib-bibtex orders every bibliography by first citation
in the whole project, documents in toctree order
(``BibtexDomain.get_sorted_entries``); a bibliography local to one document,
numbered by that document's citations, is mcmtroffaes/sphinxcontrib-bibtex#184
("better local bibliographies", closed without that option; its answer,
``:keyprefix:`` per document, would mean a prefix on every citation of every
deck). Checked against sphinxcontrib-bibtex 2.7.0.

The patch: a subclass of the domain whose ``get_sorted_entries`` puts the
bibliography's own document first, then the rest in toctree order, registered
with Sphinx's ``add_domain(override=True)``. Each deck's references slide
then numbers the deck's sources from 1 in the order the deck cites them. The
handbook has one bibliography, in a chapter that cites nothing, so its
numbers are the book's order of first citation either way.

- html, epub, typst: the handbook's one list, unchanged.
- revealjs, pptx: each deck's own list, numbered by the deck.

Still needed while: ``test_sphinxcontrib_bibtex_still_numbers_a_deck_by_the_other_decks``.
"""

from __future__ import annotations

from sphinxcontrib.bibtex.domain import BibtexDomain

from . import disabled

NAME = "bibtex_local_order"


class LocalFirstBibtexDomain(BibtexDomain):
    """Number a bibliography by the citations of its own document first."""

    def get_sorted_entries(self, bibliography_key, docnames):
        own = bibliography_key.docname
        ordered = [own, *(name for name in docnames if name != own)]
        return super().get_sorted_entries(bibliography_key, ordered)


def setup(app) -> dict:
    if not disabled(NAME):
        app.add_domain(LocalFirstBibtexDomain, override=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
