"""``{answer}``: the answer to a "check your understanding" question.

The same quiz snippet serves the handbook and a deck; only the rendering of
the answer differs by builder:

- html (and epub): a ``<details>`` block, closed, so readers try first;
- revealjs: a ``<div class="answer fragment">`` that appears on the next key press;
- typst (the PDF): a run-in "Answer." paragraph (``answer`` in
  handbook_sphinx/typst/handbook.typ), since paper cannot fold;
- text, man, texinfo: the answer's paragraphs as they are.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

LABEL = "Answer"


class answer(nodes.General, nodes.Element):
    """Holds the answer's body nodes."""


class AnswerDirective(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        node = answer()
        self.set_source_info(node)
        node += self.parse_content_to_nodes(allow_section_headings=False)
        return [node]


def visit_answer_html(self, node: answer) -> None:
    self.body.append(f'<details class="answer"><summary>{LABEL}</summary>\n')


def depart_answer_html(self, node: answer) -> None:
    self.body.append("</details>\n")


def visit_answer_revealjs(self, node: answer) -> None:
    self.body.append(f'<div class="answer fragment"><p class="answer-label">{LABEL}</p>\n')


def depart_answer_revealjs(self, node: answer) -> None:
    self.body.append("</div>\n")


def visit_answer_typst(self, node: answer) -> None:
    self.body.append("#answer[\n")


def depart_answer_typst(self, node: answer) -> None:
    self.body.append("]\n\n")


def _pass(self, node: answer) -> None:
    pass


def setup(app) -> dict:
    app.add_node(
        answer,
        html=(visit_answer_html, depart_answer_html),
        revealjs=(visit_answer_revealjs, depart_answer_revealjs),
        typst=(visit_answer_typst, depart_answer_typst),
        text=(_pass, _pass),
        man=(_pass, _pass),
        texinfo=(_pass, _pass),
    )
    app.add_directive("answer", AnswerDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
