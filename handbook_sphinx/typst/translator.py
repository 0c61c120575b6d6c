"""The doctree → Typst markup translator of the PDF builder.

It writes the whole book, already assembled into one doctree by the builder,
as calls to the functions of ``handbook.typ``. Every node the handbook and the
test roots use has a ``visit_`` method here (or, for the project's own
nodes, a ``typst`` visitor registered beside the node: ``answers.py``).
A node with neither is a warning at its source file and line, so a -W
build fails, and the builder then writes no PDF.

Numbers are Sphinx's: chapters from ``handbook_sphinx.numbering``, figures
and tables from the environment (the same "Table 5.3" as the site), so
Typst only lays out.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxTranslator

logger = logging.getLogger(__name__)

# Characters with a meaning in Typst markup; each is written escaped.
# A semicolon is one too: straight after an embedded expression ("#emph[…];")
# Typst takes it as the expression's end and drops it.
_MARKUP = re.compile(r"([\\#*_`$<>@\[\]~=+/'\";-]|(?<=\d)\.|\.(?=\.\.))")
# A number and its unit, "n = 73", "≈ 1 week": never split at the line's end.
_KEEP_TOGETHER = [
    (
        re.compile(
            r"(?<=\d) (?=(?:%|mg/kg|mg|µg|μg|g|kg|ml|mL|L|h|min|s|mmHg|ms|IU|mg/day|weeks?|days?|months?|years?|"
            r"hours?|minutes?|points?|infusions?|doses?|sessions?|participants?|patients?|trials?|studies)\b)"
        ),
        "\u00a0",
    ),
    (re.compile(r"(?<=\bn) = (?=\d)"), "\u00a0=\u00a0"),
    (re.compile(r"(?<=[≈≥≤<>~±]) (?=\d)"), "\u00a0"),
    (re.compile(r"(?<=\d) (?=[–-]\s?\d)"), "\u00a0"),
    # "mg/kg" never breaks at its slash (U+2060 WORD JOINER).
    (re.compile(r"(?<=\b(?:mg|µg|μg|ml|mL|ng))/(?=(?:kg|day|h|min|mL|ml)\b)"), "/\u2060"),
    (re.compile(r"\b(Table|Figure|Chapter|Appendix|Part|Section|p\.|pp\.) (?=[\dA-Z])"), "\\1\u00a0"),
]
NUMERIC_CELL = re.compile(
    r"^[≈~<>≤≥±−–-]?\s?\d[\d.,]*\s?(%|mg/kg|mg|h|min|kg)?(\s?[–-]\s?\d[\d.,]*\s?%?)?(\s?\(.*\))?$|^(—|–|-|n/a)$"
)


def escape(text: str) -> str:
    """Text as Typst markup that prints exactly that text."""
    text = text.replace("\r", "").replace("\n", " ")
    for pattern, replacement in _KEEP_TOGETHER:
        text = pattern.sub(replacement, text)
    return _MARKUP.sub(r"\\\1", text).replace("\u00a0", "~")


def string(text: str) -> str:
    """A Typst string literal."""
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "").replace("\t", " ")
    return f'"{text}"'


def label_name(docname: str, node_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_:.-]", "_", f"{docname.replace('/', '.')}:{node_id}")


def text_units(text: str) -> float:
    """How wide ``text`` sets, in average characters: capitals and digits are wider ("TRANSFORM-3")."""
    return sum(1.3 if ch.isupper() else 1.1 if ch.isdigit() else 1.0 for ch in text)


def first_sentence(text: str) -> str:
    """A caption's first sentence for the lists of figures and tables, without its citations ("[12, 14]")."""
    text = re.sub(r"\s*\[\d+(?:\s*[,–-]\s*\d+)*\]", "", text)
    text = re.sub(r"\s+", " ", text).strip()
    match = re.match(r"(.+?[.!?])(\s+[A-Z(“\"]|$)", text)
    return (match.group(1) if match else text).rstrip(".")


def keep_last_words(title: str) -> str:
    """Bind a title's last two words, so no word stands alone on its last line."""
    head, sep, last = title.rpartition(" ")
    if not sep or len(last) > 16 or "[" in last or "#" in last or "]" in last:
        return title
    return f"{head}~{last}"


@dataclass
class TableState:
    node: nodes.table
    label: str | None = None
    number: str | None = None
    caption: str | None = None
    colwidths: list[int] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[tuple[str, dict]]] = field(default_factory=list)
    texts: list[list[str]] = field(default_factory=list)
    header_texts: list[str] = field(default_factory=list)
    in_head: bool = False
    row: list[tuple[str, dict]] | None = None
    row_texts: list[str] | None = None
    form: bool = False


@dataclass
class IndexTarget:
    label: str
    main: bool


class TypstTranslator(SphinxTranslator):
    """Writes ``main.typ``'s body; ``astext()`` returns it."""

    def __init__(self, document: nodes.document, builder) -> None:
        super().__init__(document, builder)
        self.buffers: list[list[str]] = [[]]
        self.docstack: list[str] = [builder.config.root_doc]
        self.section_level = 0
        self.section_numbers: list[int] = []
        self.chapter_level = 0
        self.chapter_number: str | None = None
        self.pending_anchors: list[str] = []
        self.title_anchors: list[str] = []
        self.defined_labels: set[str] = set()
        self.tables: list[TableState] = []
        self.figures: list[dict] = []
        self.list_of_figures: list[tuple[str, str, str]] = []
        self.list_of_tables: list[tuple[str, str, str]] = []
        self.index: list[tuple[str, str | None, str | None, IndexTarget | None]] = []
        self.index_count = 0
        self.footnotes: dict[str, nodes.footnote] = {
            fid: footnote for footnote in document.findall(nodes.footnote) for fid in footnote["ids"]
        }
        self.footnotes_done: set[str] = set()
        # Where the bibliography's entries are: a citation never hyphenates an author's name.
        self.citation_targets = {
            label_name(citation.get("docname", ""), cid)
            for citation in document.findall(nodes.citation)
            for cid in citation["ids"]
        }
        self.problems = 0
        self.root_intro = ""
        self.chapter_title = ""
        self.images_without_alt = 0
        self.in_bibliography = 0
        self.form_depth = 0
        self.chapters = builder.chapter_numbers
        self.chapter_extras = builder.chapter_extras

    # -- Output buffers -----------------------------------------------------------

    @property
    def body(self) -> list[str]:
        return self.buffers[-1]

    def push(self) -> None:
        self.buffers.append([])

    def pop(self) -> str:
        return "".join(self.buffers.pop())

    def astext(self) -> str:
        return "".join(self.buffers[0])

    # -- Labels and anchors ------------------------------------------------------------

    @property
    def docname(self) -> str:
        return self.docstack[-1]

    def new_label(self, node_id: str, docname: str | None = None) -> str | None:
        name = label_name(docname or self.docname, node_id)
        if name in self.defined_labels:
            return None
        self.defined_labels.add(name)
        return name

    def anchor(self, name: str) -> str:
        return f"#anchor({string(name)})"

    def queue_ids(self, node: nodes.Element) -> None:
        for node_id in node.get("ids", []):
            name = self.new_label(node_id)
            if name:
                self.pending_anchors.append(name)

    def flush_anchors(self) -> None:
        if self.pending_anchors:
            self.body.append("".join(self.anchor(name) for name in self.pending_anchors))
            self.pending_anchors = []

    def target_of(self, node: nodes.Element) -> str | None:
        """The label a reference points to, or None for an external link."""
        if node.get("refid"):
            return label_name(self.docname, node["refid"])
        uri = node.get("refuri", "")
        if uri.startswith("%"):
            docname, _, node_id = uri[1:].partition("#")
            return label_name(docname, node_id)
        return None

    # -- Unknown nodes -------------------------------------------------------------------

    def unknown_visit(self, node: nodes.Node) -> None:
        self.problems += 1
        logger.warning(
            "the PDF (Typst) builder has no rendering for the %s node: add a visit_%s method to "
            "handbook_sphinx/typst/translator.py or a typst visitor where the node is defined",
            node.__class__.__name__,
            node.__class__.__name__,
            location=node,
            type="handbook",
            subtype="typst",
        )
        raise nodes.SkipNode

    def unknown_departure(self, node: nodes.Node) -> None:
        pass

    # -- Structure -------------------------------------------------------------------------

    def visit_document(self, node):
        pass

    def depart_document(self, node):
        self.flush_anchors()

    def visit_start_of_file(self, node):
        self.docstack.append(node["docname"])
        self.queue_ids_for_doc(node["docname"])

    def queue_ids_for_doc(self, docname: str) -> None:
        name = self.new_label("", docname)
        if name:
            self.pending_anchors.append(name)

    def depart_start_of_file(self, node):
        self.docstack.pop()

    def visit_section(self, node):
        self.section_level += 1
        self.queue_ids(node)
        # A document's own title opens a part, a chapter or (the root) the book.
        top = isinstance(node.parent, (addnodes.start_of_file, nodes.document))
        if top and self.docname in self.builder.part_docs:
            node["typst_role"] = "Part"
        elif top:
            node["typst_role"] = "Chapter"
        else:
            node["typst_role"] = "Section"

    def depart_section(self, node):
        self.section_level -= 1

    def heading_number(self, node: nodes.section) -> str | None:
        """Chapters "5" (and "A"), sections "5.1", "5.1.1"; none in unnumbered matter."""
        role = node["typst_role"]
        if role == "Part":
            self.chapter_number = None
            return None
        if role == "Chapter":
            self.chapter_number = self.chapters.get(self.docname)
            self.chapter_level = self.section_level
            self.section_numbers = []
            return self.chapter_number
        if self.chapter_number is None:
            return None
        depth = self.section_level - self.chapter_level
        while len(self.section_numbers) < depth:
            self.section_numbers.append(0)
        del self.section_numbers[depth:]
        self.section_numbers[-1] += 1
        return ".".join([self.chapter_number, *map(str, self.section_numbers)])

    def mark(self, node: nodes.Node) -> None:
        """A comment naming the source line, so a Typst error can point at the author's file."""
        source, line = getattr(node, "source", None), getattr(node, "line", None)
        if source and line:
            self.body.append(f"\n// @src {source}:{line}\n")

    def visit_title(self, node):
        parent = node.parent
        if isinstance(parent, nodes.section):
            self.mark(node)
            self.title_anchors = self.pending_anchors
            self.pending_anchors = []
            self.push()
            return
        if isinstance(parent, (nodes.table, nodes.admonition, nodes.topic, nodes.sidebar)):
            self.push()
            return
        self.unknown_visit(node)

    def depart_title(self, node):
        parent = node.parent
        text = self.pop().strip()
        if isinstance(parent, nodes.section):
            level = min(self.section_level, 6)
            role = parent["typst_role"]
            number = self.heading_number(parent)
            if role == "Chapter" and number is not None and not number.isdigit():
                number = None  # "Appendix A: ..." carries its letter in its title
            numbering = "none" if number is None else f"(..) => {string(number)}"
            labels = self.title_anchors + self.pending_anchors
            self.title_anchors, self.pending_anchors = [], []
            if role == "Chapter":
                self.chapter_title = text
                extras = self.chapter_extras.get(self.docname)
                if extras:
                    self.body.append(
                        f"#opener-extras.update((qr: {string(extras['qr'])}, url: {string(extras['url'])}, "
                        f"alt: {string(extras['alt'])}))\n"
                    )
                else:
                    self.body.append("#opener-extras.update((:))\n")
            self.body.append(
                f"#heading(level: {level}, numbering: {numbering}, supplement: [{role}])[{keep_last_words(text)}]"
            )
            if labels:
                # The heading carries the first label; the others follow it on its page.
                self.body.append(f"<{labels[0]}>")
                self.body.append("".join(self.anchor(name) for name in labels[1:]))
            self.body.append("\n\n")
        elif isinstance(parent, nodes.table):
            self.tables[-1].caption = text
        else:
            parent["typst_title"] = text

    def visit_subtitle(self, node):
        self.push()

    def depart_subtitle(self, node):
        self.emit_rubric(self.pop())

    def emit_rubric(self, text: str) -> None:
        self.body.append(f"#rubric[{text.strip()}]\n\n")

    def visit_compound(self, node):
        self.queue_ids(node)

    def depart_compound(self, node):
        pass

    def visit_container(self, node):
        if "handbook-root" in node.get("classes", []):
            # The root page's own words: the builder sets them on the verso.
            self.queue_ids(node)
            self.push()
            return
        self.queue_ids(node)
        if "handbook-form" in node.get("classes", []):
            self.form_depth += 1
            title = f"[{self.chapter_title}]" if self.chapter_title else "none"
            self.body.append(f"#hb-form(title: {title})[\n")

    def depart_container(self, node):
        if "handbook-root" in node.get("classes", []):
            self.flush_anchors()
            self.root_intro = self.pop().strip()
            return
        if "handbook-form" in node.get("classes", []):
            self.form_depth -= 1
            self.flush_anchors()
            self.body.append("]\n\n")

    def visit_glossary(self, node):
        self.queue_ids(node)

    def depart_glossary(self, node):
        pass

    def visit_comment(self, node):
        raise nodes.SkipNode

    def visit_raw(self, node):
        formats = node.get("format", "").split()
        if "typst" in formats:
            self.body.append(node.astext())
        elif "html" in formats and node.astext().strip() == "<br />":
            # MyST writes a hard line break (a line ending in a backslash, as
            # the quizzes' options do) as raw "<br />" for HTML and "\\" for
            # LaTeX, nothing for other builders.
            self.body.append("#linebreak()")
        raise nodes.SkipNode

    def visit_substitution_definition(self, node):
        raise nodes.SkipNode

    def visit_system_message(self, node):
        raise nodes.SkipNode

    def visit_toctree(self, node):
        raise nodes.SkipNode

    def visit_highlightlang(self, node):
        raise nodes.SkipNode

    def visit_meta(self, node):
        raise nodes.SkipNode

    def visit_tabular_col_spec(self, node):
        raise nodes.SkipNode

    def visit_transition(self, node):
        self.body.append("#align(center, line(length: 30%, stroke: 0.5pt + rule-colour))\n\n")
        raise nodes.SkipNode

    # -- Paragraphs and text ------------------------------------------------------------

    def visit_paragraph(self, node):
        if not isinstance(node.parent, (nodes.list_item, nodes.entry, nodes.definition)) or node.parent.index(node):
            self.mark(node)
        self.queue_ids(node)
        self.flush_anchors()

    def depart_paragraph(self, node):
        self.body.append("\n\n")

    visit_compact_paragraph = visit_paragraph
    depart_compact_paragraph = depart_paragraph

    def visit_chapter_dates(self, node):
        self.body.append("#dates[")

    def depart_chapter_dates(self, node):
        self.body.append("]\n\n")

    def visit_Text(self, node):
        self.flush_anchors()
        self.body.append(escape(node.astext()))

    def depart_Text(self, node):
        pass

    def visit_emphasis(self, node):
        self.body.append("#emph[")

    def depart_emphasis(self, node):
        self.body.append("]")

    visit_literal_emphasis = visit_emphasis
    depart_literal_emphasis = depart_emphasis
    visit_title_reference = visit_emphasis
    depart_title_reference = depart_emphasis

    def visit_strong(self, node):
        self.body.append("#strong[")

    def depart_strong(self, node):
        self.body.append("]")

    visit_literal_strong = visit_strong
    depart_literal_strong = depart_strong

    def visit_literal(self, node):
        self.flush_anchors()
        self.body.append(f"#raw({string(node.astext())})")
        raise nodes.SkipNode

    def visit_subscript(self, node):
        self.body.append("#sub[")

    def depart_subscript(self, node):
        self.body.append("]")

    def visit_superscript(self, node):
        self.body.append("#super[")

    def depart_superscript(self, node):
        self.body.append("]")

    def visit_inline(self, node):
        self.queue_ids(node)
        self.flush_anchors()

    def depart_inline(self, node):
        pass

    visit_abbreviation = visit_inline
    depart_abbreviation = depart_inline
    visit_generated = visit_inline
    depart_generated = depart_inline
    visit_problematic = visit_inline
    depart_problematic = depart_inline
    visit_versionmodified = visit_inline
    depart_versionmodified = depart_inline

    def visit_pending_xref(self, node):
        # Left unresolved (Sphinx has warned already): its text only.
        pass

    def depart_pending_xref(self, node):
        pass

    def visit_download_reference(self, node):
        pass

    def depart_download_reference(self, node):
        pass

    def visit_target(self, node):
        self.queue_ids(node)
        if isinstance(node.parent, nodes.TextElement):
            self.flush_anchors()
        raise nodes.SkipNode

    def visit_literal_block(self, node):
        self.flush_anchors()
        self.body.append(f"#code-block(raw(block: true, {string(node.astext())}))\n\n")
        raise nodes.SkipNode

    visit_doctest_block = visit_literal_block

    def visit_line_block(self, node):
        self.queue_ids(node)
        self.flush_anchors()

    def depart_line_block(self, node):
        self.body.append("\n\n")

    def visit_line(self, node):
        pass

    def depart_line(self, node):
        self.body.append(" \\\n")

    def visit_block_quote(self, node):
        self.queue_ids(node)
        self.body.append("#quote-block[\n")

    def depart_block_quote(self, node):
        self.body.append("]\n\n")

    def visit_attribution(self, node):
        self.body.append("#align(right)[— ")

    def depart_attribution(self, node):
        self.body.append("]\n\n")

    def visit_rubric(self, node):
        self.queue_ids(node)
        self.flush_anchors()
        self.push()

    def depart_rubric(self, node):
        self.emit_rubric(self.pop())

    # -- Lists ---------------------------------------------------------------------------------

    def visit_bullet_list(self, node):
        self.mark(node)
        self.queue_ids(node)
        self.flush_anchors()
        self.body.append(f"#list(tight: {self.tight(node)},\n")

    def depart_bullet_list(self, node):
        self.body.append(")\n\n")

    def tight(self, node: nodes.Element) -> str:
        simple = all(
            len(item.children) <= 1 and all(isinstance(c, nodes.paragraph) for c in item.children)
            for item in node.children
        )
        return "true" if simple else "false"

    def visit_enumerated_list(self, node):
        self.mark(node)
        self.queue_ids(node)
        self.flush_anchors()
        style = {"arabic": "1", "loweralpha": "a", "upperalpha": "A", "lowerroman": "i", "upperroman": "I"}.get(
            node.get("enumtype", "arabic"), "1"
        )
        pattern = f"{node.get('prefix', '')}{style}{node.get('suffix', '.')}"
        self.body.append(
            f"#enum(tight: {self.tight(node)}, numbering: {string(pattern)}, start: {node.get('start', 1)},\n"
        )

    def depart_enumerated_list(self, node):
        self.body.append(")\n\n")

    def visit_list_item(self, node):
        self.queue_ids(node)
        self.push()

    def depart_list_item(self, node):
        text = self.pop().strip()
        self.body.append(f"[{text}],\n")

    def visit_definition_list(self, node):
        self.mark(node)
        self.queue_ids(node)
        self.flush_anchors()
        self.body.append("#deflist(\n")

    def depart_definition_list(self, node):
        self.body.append(")\n\n")

    def visit_definition_list_item(self, node):
        self.queue_ids(node)
        self.body.append("(")

    def depart_definition_list_item(self, node):
        self.body.append("),\n")

    def visit_term(self, node):
        self.queue_ids(node)
        self.push()
        self.flush_anchors()

    def depart_term(self, node):
        text = self.pop().strip()
        self.body.append(f"[{text}], ")

    def visit_classifier(self, node):
        self.body.append(" (")

    def depart_classifier(self, node):
        self.body.append(")")

    def visit_definition(self, node):
        self.push()

    def depart_definition(self, node):
        self.flush_anchors()
        text = self.pop().strip()
        self.body.append(f"[{text}]")

    def visit_field_list(self, node):
        self.visit_definition_list(node)

    def depart_field_list(self, node):
        self.depart_definition_list(node)

    def visit_field(self, node):
        self.body.append("(")

    def depart_field(self, node):
        self.body.append("),\n")

    def visit_field_name(self, node):
        self.push()

    def depart_field_name(self, node):
        text = self.pop().strip()
        self.body.append(f"[{text}], ")

    def visit_field_body(self, node):
        self.push()

    def depart_field_body(self, node):
        text = self.pop().strip()
        self.body.append(f"[{text}]")

    # -- Boxes ------------------------------------------------------------------------------------

    def box_kind(self, node: nodes.Element) -> str:
        classes = set(node.get("classes", []))
        for kind in ("quiz", "objectives", "key-points", "warning", "note"):
            if kind in classes:
                return kind
        if isinstance(node, (nodes.warning, nodes.caution, nodes.danger, nodes.attention, nodes.error)):
            return "warning"
        return "note"

    def visit_admonition(self, node):
        self.mark(node)
        self.queue_ids(node)
        self.flush_anchors()
        self.push()

    def depart_admonition(self, node):
        body = self.pop()
        title = node.get("typst_title")
        if title is None and not isinstance(node, nodes.admonition):
            title = escape(node.__class__.__name__.capitalize())
        kind = self.box_kind(node)
        title_arg = f"[{title}]" if title else "none"
        self.body.append(f"#hb-box(kind: {string(kind)}, title: {title_arg})[\n{body.strip()}\n]\n\n")

    # Sphinx's typed admonitions ("note", "warning", ...) are boxes titled with their type.
    visit_note = visit_warning = visit_tip = visit_important = visit_hint = visit_admonition
    visit_caution = visit_danger = visit_attention = visit_error = visit_seealso = visit_admonition
    depart_note = depart_warning = depart_tip = depart_important = depart_hint = depart_admonition
    depart_caution = depart_danger = depart_attention = depart_error = depart_seealso = depart_admonition

    visit_topic = visit_admonition
    depart_topic = depart_admonition
    visit_sidebar = visit_admonition
    depart_sidebar = depart_admonition

    # -- Figures and images --------------------------------------------------------------------

    def image_call(self, node: nodes.image) -> str | None:
        uri = node["uri"]
        path = self.builder.images.get(uri)
        if path is None:
            # Sphinx reported the unreadable file when it read the document.
            self.problems += 1
            return None
        alt = node.get("alt", "").strip()
        if not alt:
            # alt_text.py reported it at the image's line; PDF/UA cannot do without it.
            self.images_without_alt += 1
            return None
        width = node.get("width", "100%" if isinstance(node.parent, nodes.figure) else "")
        size = ""
        if width:
            match = re.fullmatch(r"([\d.]+)\s*(%|px|pt|mm|cm|in|em)?", str(width))
            if match:
                value, unit = match.groups()
                if unit == "%":
                    size = f", width: {value}%"
                elif unit in (None, "px"):
                    size = f", width: {float(value) * 0.75}pt"
                else:
                    size = f", width: {value}{unit}"
        return f"image({string('images/' + path)}, alt: {string(alt)}{size})"

    def visit_image(self, node):
        if isinstance(node.parent, nodes.figure):
            self.figures[-1]["image"] = self.image_call(node)
            raise nodes.SkipNode
        self.queue_ids(node)
        self.flush_anchors()
        call = self.image_call(node)
        if call:
            inline = isinstance(node.parent, nodes.TextElement)
            self.body.append(f"#box({call})" if inline else f"#block(width: 100%, align(center, {call}))\n\n")
        raise nodes.SkipNode

    def figure_number(self, node: nodes.Element, figtype: str) -> str | None:
        if not node.get("ids"):
            return None
        numbers = self.builder.env.toc_fignumbers.get(self.docname, {}).get(figtype, {})
        number = numbers.get(node["ids"][0])
        return ".".join(map(str, number)) if number else None

    def visit_figure(self, node):
        self.mark(node)
        self.flush_anchors()
        label = self.new_label(node["ids"][0]) if node.get("ids") else None
        for extra in node.get("ids", [])[1:]:
            name = self.new_label(extra)
            if name:
                self.pending_anchors.append(name)
        self.figures.append({"image": None, "caption": None, "legend": None, "label": label})

    def depart_figure(self, node):
        figure = self.figures.pop()
        number = self.figure_number(node, "figure")
        if figure["image"] is None:
            return
        args = [figure["image"]]
        if number:
            args.append(f"number: {string(number)}")
        if figure["label"]:
            args.append(f"label: {string(figure['label'])}")
        if figure["caption"] is not None:
            args.append(f"caption: [{figure['caption']}]")
        if figure["legend"]:
            args.append(f"legend: [{figure['legend']}]")
        self.body.append(f"#hb-figure({', '.join(args)})\n")
        self.flush_anchors()
        self.body.append("\n")
        if number and figure["label"]:
            caption = node.next_node(nodes.caption)
            self.list_of_figures.append((number, figure["label"], first_sentence(caption.astext() if caption else "")))

    def visit_caption(self, node):
        if not isinstance(node.parent, nodes.figure):
            self.unknown_visit(node)
        self.push()

    def depart_caption(self, node):
        self.figures[-1]["caption"] = self.pop().strip()

    def visit_legend(self, node):
        self.push()

    def depart_legend(self, node):
        self.figures[-1]["legend"] = self.pop().strip()

    # -- Tables ------------------------------------------------------------------------------------

    def visit_table(self, node):
        self.mark(node)
        self.flush_anchors()
        state = TableState(node=node)
        if node.get("ids"):
            state.label = self.new_label(node["ids"][0])
            for extra in node["ids"][1:]:
                name = self.new_label(extra)
                if name:
                    self.pending_anchors.append(name)
        state.number = self.figure_number(node, "table")
        state.form = "form-grid" in node.get("classes", []) or self.form_depth > 0
        self.tables.append(state)

    def visit_tgroup(self, node):
        pass

    def depart_tgroup(self, node):
        pass

    def visit_colspec(self, node):
        self.tables[-1].colwidths.append(int(node.get("colwidth", 1)))
        raise nodes.SkipNode

    def visit_thead(self, node):
        self.tables[-1].in_head = True

    def depart_thead(self, node):
        self.tables[-1].in_head = False

    def visit_tbody(self, node):
        pass

    def depart_tbody(self, node):
        pass

    def visit_row(self, node):
        table = self.tables[-1]
        table.row = []
        table.row_texts = []

    def depart_row(self, node):
        table = self.tables[-1]
        if table.in_head:
            table.header.extend(
                f"table.cell({self.span_args(opts)}th[{text}])" if opts else f"[#th[{text}]]"
                for text, opts in table.row
            )
            table.header_texts.extend(table.row_texts)
        else:
            table.rows.append(table.row)
            table.texts.append(table.row_texts)
        table.row = None

    @staticmethod
    def span_args(opts: dict) -> str:
        return "".join(f"{key}: {value}, " for key, value in opts.items())

    def visit_entry(self, node):
        self.push()

    def depart_entry(self, node):
        self.flush_anchors()
        text = self.pop().strip()
        table = self.tables[-1]
        opts = {}
        if node.get("morecols"):
            opts["colspan"] = node["morecols"] + 1
        if node.get("morerows"):
            opts["rowspan"] = node["morerows"] + 1
        if not text and table.form and not table.in_head:
            text = "#field"
        table.row.append((text, opts))
        table.row_texts.append(node.astext().strip())

    # About how many characters of 8.8 pt table text fit across the measure,
    # and across a wide table (which takes most of the page's margins).
    MEASURE_CHARS = 86
    WIDE_CHARS = 116
    # What a cell's insets take of its column, in the same characters.
    CELL_PADDING = 2.5

    def column_layout(self, table: TableState) -> tuple[list[float], list[str], bool]:
        """Column widths and alignments from the content (as a browser lays out a table), not from :widths:.

        Each column gets at least its longest word (cells never hyphenate)
        and the header's; the room left over goes to the columns with the
        most text. A table whose words do not fit the measure is set wide.
        """
        ncols = len(table.colwidths) or max((len(r) for r in table.rows), default=1)
        columns: list[list[str]] = [[] for _ in range(ncols)]
        for row in table.texts:
            for index, text in enumerate(row[:ncols]):
                columns[index].append(re.sub(r"\s+", " ", text))
        headers = (table.header_texts + [""] * ncols)[:ncols]
        aligns = []
        for cells in columns:
            filled = [c for c in cells if c]
            numeric = filled and sum(bool(NUMERIC_CELL.match(c)) for c in filled) >= 0.8 * len(filled)
            aligns.append("right" if numeric else "left")
        if table.form:
            # A form's columns are empty: the author's proportions are all there is.
            # Its few printed values (default limits) start where the writing does, at the left.
            return [float(w) for w in (table.colwidths or [1] * ncols)], ["left"] * ncols, False
        minimum = [
            max((text_units(w) for c in cells + [headers[i]] for w in c.split()), default=1) + self.CELL_PADDING
            for i, cells in enumerate(columns)
        ]
        natural = [
            max(max((text_units(c) for c in cells), default=1), text_units(headers[i])) + self.CELL_PADDING
            for i, cells in enumerate(columns)
        ]
        wide = sum(natural) > self.MEASURE_CHARS and (ncols >= 5 or sum(minimum) > self.MEASURE_CHARS * 0.8)
        room = self.WIDE_CHARS if wide else self.MEASURE_CHARS
        if sum(natural) <= room:
            widths = natural
        else:
            spare = max(room - sum(minimum), 0)
            stretch = [n - m for n, m in zip(natural, minimum, strict=True)]
            total = sum(stretch) or 1
            widths = [m + spare * s / total for m, s in zip(minimum, stretch, strict=True)]
        return widths, aligns, wide

    def estimated_height(self, table: TableState, widths: list[float], wide: bool) -> float:
        """About how tall the table sets, in points: its rows' wrapped lines, its insets and its caption.

        Within about 7% of what Typst lays out for every table of the handbook
        (8.8 pt cells at 0.5 em leading, 4.2 pt insets; a 9 pt caption): close
        enough to decide whether a table is short enough never to break.
        """
        room = self.WIDE_CHARS if wide else self.MEASURE_CHARS
        chars = [max(room * w / sum(widths) - self.CELL_PADDING, 4) for w in widths]

        def lines(text: str, width: float) -> int:
            return sum(len(textwrap.wrap(part, int(width)) or [""]) for part in text.split("\n\n"))

        def row_height(texts: list[str]) -> float:
            return max((lines(t, c) for t, c in zip(texts, chars, strict=False)), default=1) * 10.6 + 4.0

        height = sum(row_height(r) for r in table.texts)
        if table.header_texts:
            height += row_height(table.header_texts)
        if table.caption is not None:
            height += lines(table.node.next_node(nodes.title).astext(), room * 0.95) * 10.8 + 7.5
        return height

    def depart_table(self, node):
        table = self.tables.pop()
        widths, aligns, wide = self.column_layout(table)
        body_cells = []
        for row in table.rows:
            for text, opts in row:
                body_cells.append(f"table.cell({self.span_args(opts)})[{text}]" if opts else f"[{text}]")
        args = [
            f"columns: ({', '.join(f'{w:.1f}fr' for w in widths)},)",
            f"align: ({', '.join(aligns)},)",
            f"header: ({''.join(c + ', ' for c in table.header)})",
            f"body: ({''.join(c + ', ' for c in body_cells)})",
        ]
        if table.number:
            args.append(f"number: {string(table.number)}")
        if table.label:
            args.append(f"label: {string(table.label)}")
        if table.caption is not None:
            args.append(f"caption: [{table.caption}]")
        if table.form:
            args.append("form: true")
        if wide:
            args.append("wide: true")
        if not table.form:
            # Typst would have to lay the table out twice to measure it, and
            # the PDF is built for speed too: about a quarter of its compile
            # time went on measuring. A form is still measured (hb-form fits it to its page).
            args.append(f"height: {self.estimated_height(table, widths, wide):.0f}pt")
        self.body.append("#hb-table(\n  " + ",\n  ".join(args) + ",\n)\n")
        self.flush_anchors()
        self.body.append("\n")
        if table.number and table.label:
            title = node.next_node(nodes.title)
            self.list_of_tables.append((table.number, table.label, first_sentence(title.astext() if title else "")))

    # -- References ------------------------------------------------------------------------------

    def visit_reference(self, node):
        self.flush_anchors()
        if self.tables and self.tables[-1].in_head:
            # Header rows repeat on every page as artifacts, which PDF/UA
            # forbids to hold links: a citation in a header is plain text.
            node["typst_plain"] = True
            return
        target = self.target_of(node)
        if target is not None:
            if target in self.citation_targets:
                self.body.append("#text(hyphenate: false)[")
                node["typst_citation"] = True
            self.body.append(f"#link(<{target}>)[")
            node["typst_target"] = target
            return
        uri = node.get("refuri", "")
        if uri:
            self.body.append(f"#link({string(uri)})[")
            node["typst_external"] = uri
        else:
            node["typst_plain"] = True

    def depart_reference(self, node):
        if node.get("typst_plain"):
            return
        self.body.append("]")
        if node.get("typst_citation"):
            self.body.append("]")
        target = node.get("typst_target")
        if target and self.wants_page(node):
            self.body.append(f"#pageref(<{target}>)")
        uri = node.get("typst_external")
        if uri and not self.in_bibliography and node.astext().strip() not in (uri, uri.split("://", 1)[-1]):
            self.body.append(f"#footnote[#link({string(uri)})[{escape(uri)}]]")

    @staticmethod
    def wants_page(node: nodes.Element) -> bool:
        """{ref} links print their page; terms, citations and numbered references do not."""
        if isinstance(node, addnodes.number_reference):
            return False
        inner = node.next_node(nodes.inline)
        return bool(inner and "std-ref" in inner.get("classes", []))

    visit_number_reference = visit_reference
    depart_number_reference = depart_reference

    def visit_footnote_reference(self, node):
        self.flush_anchors()
        footnote = self.footnotes.get(node.get("refid", ""))
        if footnote is None:
            raise nodes.SkipNode
        first = footnote["ids"][0]
        name = label_name(self.docname, "footnote-" + first)
        if first in self.footnotes_done:
            self.body.append(f"#footnote(<{name}>)")
            raise nodes.SkipNode
        self.footnotes_done.add(first)
        self.push()
        for child in footnote.children:
            if not isinstance(child, nodes.label):
                child.walkabout(self)
        text = self.pop().strip()
        self.defined_labels.add(name)
        self.body.append(f"#footnote[{text}]<{name}>")
        raise nodes.SkipNode

    def visit_footnote(self, node):
        raise nodes.SkipNode

    def visit_citation_reference(self, node):
        self.visit_reference(node)

    def depart_citation_reference(self, node):
        self.depart_reference(node)

    def visit_citation(self, node):
        self.flush_anchors()
        self.queue_ids(node)
        self.in_bibliography += 1
        label = node.next_node(nodes.label)
        self.body.append("#bib-entry(")
        if label is not None:
            self.body.append(f"label: [{escape(label.astext())}], ")
        self.body.append(")[")
        self.flush_anchors()

    def depart_citation(self, node):
        self.in_bibliography -= 1
        self.body.append("]\n")

    def visit_label(self, node):
        raise nodes.SkipNode

    # -- Index ------------------------------------------------------------------------------------------

    def visit_index(self, node):
        entries = node.get("entries", [])
        if not entries:
            raise nodes.SkipNode
        self.index_count += 1
        name = f"hb-index-{self.index_count}"
        self.defined_labels.add(name)
        self.pending_anchors.append(name)
        if isinstance(node.parent, nodes.TextElement):
            self.flush_anchors()
        for entry in entries:
            kind, value, _target, main = entry[:4]
            target = IndexTarget(name, main == "main")
            parts = [p.strip() for p in value.split(";")]
            if kind == "single":
                self.index.append((parts[0], parts[1] if len(parts) > 1 else None, None, target))
            elif kind == "pair" and len(parts) >= 2:
                self.index.append((parts[0], parts[1], None, target))
                self.index.append((parts[1], parts[0], None, target))
            elif kind == "triple" and len(parts) >= 3:
                self.index.append((parts[0], f"{parts[1]} {parts[2]}", None, target))
                self.index.append((parts[1], f"{parts[2]}, {parts[0]}", None, target))
                self.index.append((parts[2], f"{parts[0]} {parts[1]}", None, target))
            elif kind in ("see", "seealso") and len(parts) >= 2:
                self.index.append((parts[0], None, ("see " if kind == "see" else "see also ") + parts[1], None))
        raise nodes.SkipNode
