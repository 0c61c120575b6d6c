"""Glossary terms and the text's own index entries share one headword.

Sphinx indexes each glossary term under the term as written, capital first
("Naltrexone"), while the chapters' ``{index}`` entries write common nouns in
lower case ("naltrexone; ketamine"). The site's index then listed two
headwords that differ only in case. Before the domains collect the entries,
this transform writes a glossary term's index headword with a lower-case
first letter when no other letter of it is a capital: "Naltrexone" becomes
"naltrexone", while "NMDA receptor", "Schedule III" and "Cytochrome P450"
keep their capitals. The glossary itself still shows the term as written.

- html and epub: the general index (genindex) and the search index's entries
  carry the lower-case headword, merged with the text's entries.
- typst (the PDF): the same entries; its index already merges headwords that
  differ only in case and shows the lower-case form, so nothing changes there.
- revealjs and pptx: decks have no index; nothing changes.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform


def common_noun_form(headword: str) -> str:
    """ "Naltrexone" → "naltrexone"; a headword with another capital is left as written."""
    if headword[:1].isupper() and not any(c.isupper() for c in headword[1:]):
        return headword[0].lower() + headword[1:]
    return headword


class GlossaryIndexHeadwords(SphinxTransform):
    # Before SphinxDomains (850), which collects the index entries.
    default_priority = 840

    def apply(self, **kwargs) -> None:
        for glossary in self.document.findall(addnodes.glossary):
            for term in glossary.findall(nodes.term):
                for index in term.findall(addnodes.index):
                    index["entries"] = [
                        (kind, common_noun_form(value), *rest) if kind == "single" else (kind, value, *rest)
                        for kind, value, *rest in index["entries"]
                    ]


def setup(app) -> dict:
    app.add_transform(GlossaryIndexHeadwords)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
