"""A citation in a part of a snippet that a slide leaves out is no citation of the deck.

Upstream: none filed. sphinxcontrib-bibtex records a citation when its role
is parsed (``CiteRole.result_nodes`` appends to the domain's
``citation_refs``) and keeps the record whatever happens to the node later.
It has no API to withdraw a citation, and nothing in Sphinx tells it that a
directive dropped the node again. Checked against sphinxcontrib-bibtex 2.7.0.

Why it matters here: a slide shows part of a snippet (``{snippet}`` with
``:rows:``, ``:items:`` or ``:bare:``, ``snippet_parts``): the snippet is
parsed whole, then the rows, items or captions the slide leaves out are
dropped. Their citations stayed recorded, so the deck's own reference list
(hidden on its references slide, printed in its handout) listed and
numbered sources no slide cites, and its back-links pointed at citations
that are not on the page.

The patch: ``forget_citations`` removes the records of the citations
``{snippet}`` dropped, by their ids, for this document only.

- revealjs, pptx: the deck's list holds exactly the sources its slides cite.
- html, epub, typst: a chapter shows its snippets whole; nothing is dropped.

Still needed while: ``test_sphinxcontrib_bibtex_still_lists_a_citation_a_slide_left_out``.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes

from . import disabled

NAME = "bibtex_dropped_citations"


def citation_ids(container: nodes.Element) -> set[str]:
    """The ids of the ``{cite}`` references in ``container``."""
    return {
        node_id
        for node in container.findall(addnodes.pending_xref)
        if node.get("refdomain") == "cite"
        for node_id in node["ids"]
    }


def forget_citations(env, dropped: set[str]) -> None:
    """Withdraw the citations with these ids, made in the document being read, from sphinxcontrib-bibtex."""
    if disabled(NAME) or not dropped or "cite" not in env.domains:
        return
    domain = env.get_domain("cite")
    domain.data["citation_refs"] = [
        ref for ref in domain.citation_refs if not (ref.docname == env.docname and ref.citation_ref_id in dropped)
    ]
