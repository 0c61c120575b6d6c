"""MyST sources as readable sentences, and word-level differences between two sentences.

The comparison works on what a reader reads, not on markup. A MyST file is
parsed with MyST's own Markdown parser (markdown-it with the MyST plugins),
and every block becomes *units*:

- a paragraph or list item: one unit per sentence;
- a heading, a table row (cells joined by " | "), a definition: one unit;
- ``{snippet} name``: a unit that stands for the shared passage (a chapter
  that starts or stops showing one has changed), and the use is recorded with
  its section. The unit holds the passage's name until the edition knows
  every passage's kind and title; then it reads as a reader would refer to
  it, "[Table: Medicines that interact…]" (``compare.Edition``), never as a
  file name;
- ``{revealjs-notes}``, ``{answer}``, admonitions, containers, figures: their
  bodies, parsed the same way, the unit marked with where it sits ("speaker
  notes", "answer", "figure description");
- ``{index}``, ``{toctree}``, ``{bibliography}`` and other directives that
  hold no prose: nothing.

Roles become their text: ``{term}`` and ``{ref}`` their words (a reference to a
label, the title it points at), ``{cite:p}`` "(Author Year; …)" from the same
edition's bibliography, so a renamed key for the same paper is no change.

Each unit remembers the nearest labelled section ``(label)=`` above it (the
place the comparison links to) and, in a deck, the slide (``##`` heading) it
is on. Everything is deterministic: same bytes in, same units out.
"""

from __future__ import annotations

import difflib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

# Directives that hold no prose a reader reads as text.
SILENT_DIRECTIVES = {
    "index",
    "toctree",
    "bibliography",
    "deck-title",
    "site-downloads",
    "evidence-table",
    "evidence-figure",
    "what-changed",
    "raw",
    "only",
}
# Where a unit sits, by the directive around it.
CONTEXTS = {"revealjs-notes": "speaker notes", "answer": "answer"}
# Directives whose argument is a title a reader sees (a container's is its classes).
TITLED_DIRECTIVES = {"admonition", "list-table", "table", "csv-table", "topic", "sidebar", "rubric", "dropdown"}
WHAT_CHANGED = "what-changed"
# How a reader knows the evidence directives' output (handbook_sphinx/evidence.py gives them these titles).
EVIDENCE_FORMS = {"evidence-table": ("Table", "Key trial results"), "evidence-figure": ("Figure", "Key trial results")}
ADMONITIONS = {"note", "tip", "important", "warning", "caution", "attention", "danger", "error", "hint", "seealso"}

_PARSER = None


def parser():
    global _PARSER
    if _PARSER is None:
        config = MdParserConfig(enable_extensions={"colon_fence", "deflist", "fieldlist"})
        _PARSER = create_md_parser(config, RendererHTML)
    return _PARSER


@dataclass(frozen=True)
class Unit:
    """One sentence, heading or table row, and where it is."""

    text: str
    label: str | None  # the nearest labelled section above it
    section: str  # the title of the heading it is under
    context: str = ""  # "", "speaker notes", "answer", "figure description", "heading", "table row"
    slide: int = 0  # in a deck: the slide's index (0 = title slide; each ## is one)
    passage: str | None = None  # a shared passage shown here ({snippet} name): the unit stands for it


@dataclass
class Parsed:
    """A MyST document as units, with what the comparison needs to know about it."""

    path: str
    title: str = ""
    label: str | None = None
    front: dict = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    # {snippet} name -> the sections that show it: (label, section title)
    snippet_uses: list[tuple[str, str | None, str]] = field(default_factory=list)
    directives: set[str] = field(default_factory=set)
    images: list[str] = field(default_factory=list)
    toctree: list[str] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)  # section label -> title
    slide_titles: dict[int, str] = field(default_factory=dict)
    # A shared passage's form, from the directive it is: ("Table", caption), ("Box", title) …
    kind: str = ""
    caption: str = ""


# -- Labels: the titles that {ref} and {numref} point at --------------------------------


def collect_labels(text: str) -> dict[str, str]:
    """``(label)=`` before a heading, and ``:name:`` of a figure or table, mapped to their titles."""
    labels: dict[str, str] = {}
    tokens = parser().parse(text)
    pending: str | None = None
    for index, token in enumerate(tokens):
        if token.type == "myst_target":
            pending = token.content.strip()
        elif token.type == "heading_open" and pending:
            labels[pending] = _plain(tokens[index + 1])
            pending = None
        elif token.type in ("fence", "colon_fence"):
            name, argument = _directive_name(token.info)
            options, body = _split_options(token.content)
            if name and "name" in options:
                caption = argument or next((line for line in body if line.strip()), "")
                labels[options["name"]] = caption.strip()
            pending = None
        elif token.type not in ("myst_line_comment", "heading_open"):
            pending = None
    return labels


def _plain(inline: Token) -> str:
    return " ".join((inline.content or "").split())


# -- Inline text ----------------------------------------------------------------------------

_EXPLICIT = re.compile(r"^(.*?)\s*<([^<>]+)>$", re.S)


class Inline:
    """Renders inline tokens as the words a reader sees."""

    def __init__(self, labels: dict[str, str], cite: Callable[[str], str]):
        self.labels = labels
        self.cite = cite

    def role(self, name: str, content: str) -> str:
        explicit = _EXPLICIT.match(content)
        if name.startswith("cite"):
            keys = [key.strip() for key in content.split(",") if key.strip()]
            return "(" + "; ".join(self.cite(key) for key in keys) + ")"
        if name in ("ref", "numref", "doc", "any"):
            if explicit:
                return explicit.group(1).replace("%s", "").strip() or self.labels.get(
                    explicit.group(2), explicit.group(2)
                )
            return self.labels.get(content.strip(), content.strip())
        if explicit:
            return explicit.group(1)
        return content

    def render(self, children: list[Token] | None) -> str:
        out: list[str] = []
        for token in children or []:
            kind = token.type
            if kind == "text":
                out.append(token.content)
            elif kind == "softbreak":
                out.append(" ")
            elif kind == "hardbreak":
                out.append("\n")
            elif kind == "code_inline":
                out.append(token.content)
            elif kind == "myst_role":
                out.append(self.role(token.meta.get("name", ""), token.content))
            elif kind == "image":
                out.append(self.render(token.children) or token.attrs.get("alt", ""))
            elif kind == "html_inline":
                continue
            elif kind in ("math_inline", "math_single"):
                out.append(token.content)
            elif token.children:
                out.append(self.render(token.children))
            elif token.content and not kind.endswith(("_open", "_close")):
                out.append(token.content)
        return "".join(out)


# -- Sentences ------------------------------------------------------------------------------

# Words that end with a full stop but end no sentence.
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "al",
    "vs",
    "etc",
    "approx",
    "no",
    "dr",
    "fig",
    "figs",
    "ref",
    "refs",
    "vol",
    "ed",
    "eds",
    "ca",
    "cf",
    "st",
    "mr",
    "mrs",
    "ms",
    "prof",
    "inc",
    "ltd",
    "jr",
    "sr",
    "p",
    "pp",
}
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")


def sentences(text: str) -> list[str]:
    """Split prose into sentences; line breaks (quiz options, hard breaks) always split."""
    result: list[str] = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if not line:
            continue
        start = 0
        pieces: list[str] = []
        for match in _BOUNDARY.finditer(line):
            before = line[start : match.start()].rstrip("\"'”’)]")
            word = before.rsplit(" ", 1)[-1].rstrip(".!?").lstrip("(\"'“‘[").lower()
            # "e.g.", "U.S.", "et al.", initials ("J. Smith") end no sentence.
            if word in _ABBREVIATIONS or re.fullmatch(r"[a-z](\.[a-z])*", word):
                continue
            pieces.append(line[start : match.start()].strip())
            start = match.end()
        pieces.append(line[start:].strip())
        result.extend(piece for piece in pieces if piece)
    return result


def without_editorial_notes(sentence: str) -> str:
    """A sentence as a reader may see it quoted: an authors' note ("(detail unverified)") left out.

    An earlier edition may have printed production language that the editorial
    gate now refuses (``editorial_gate.INTERNAL_TERMS``). What changed quotes the
    earlier text, so a parenthesis or bracket holding such a note is dropped,
    and a sentence that is itself such a note is dropped whole (""): the
    reader sees what the handbook said, never how its authors worked.
    """
    from handbook_sphinx.editorial_gate import INTERNAL_TERMS

    terms = "|".join(re.escape(term) for term in sorted(INTERNAL_TERMS, key=len, reverse=True))
    note = rf"(?<!\w)(?:{terms})(?!\w)"
    for opening, closing in ("()", "[]"):
        o, c = re.escape(opening), re.escape(closing)
        sentence = re.sub(rf"\s*{o}[^{o}{c}]*{note}[^{o}{c}]*{c}", "", sentence, flags=re.I)
    return "" if re.search(note, sentence, flags=re.I) else sentence


# -- Directives -----------------------------------------------------------------------------

_DIRECTIVE = re.compile(r"^\{([A-Za-z][\w:-]*)\}\s*(.*)$")


def _directive_name(info: str) -> tuple[str | None, str]:
    match = _DIRECTIVE.match((info or "").strip())
    return (match.group(1), match.group(2).strip()) if match else (None, (info or "").strip())


def _split_options(content: str) -> tuple[dict[str, str], list[str]]:
    """A directive's options (``:key: value`` lines or a ``---`` YAML block) and its body lines."""
    lines = content.split("\n")
    options: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), None)
        if end is not None:
            try:
                loaded = yaml.safe_load("\n".join(lines[1:end])) or {}
            except yaml.YAMLError:
                loaded = {}
            if isinstance(loaded, dict):
                options = {str(k): str(v) for k, v in loaded.items()}
            return options, lines[end + 1 :]
    index = 0
    while index < len(lines):
        match = re.match(r"^:([\w-]+):\s*(.*)$", lines[index])
        if not match:
            break
        options[match.group(1)] = match.group(2).strip()
        index += 1
    return options, lines[index:]


# -- Documents ------------------------------------------------------------------------------


class _Walker:
    def __init__(self, parsed: Parsed, inline: Inline, deck: bool):
        self.parsed = parsed
        self.inline = inline
        self.deck = deck
        self.stack: list[tuple[int, str | None, str]] = []  # (level, label, title)
        self.slide = 0

    @property
    def label(self) -> str | None:
        return next((label for _, label, _ in reversed(self.stack) if label), None)

    @property
    def section(self) -> str:
        return self.stack[-1][2] if self.stack else ""

    def add(self, text: str, context: str, split: bool = True, passage: str | None = None) -> None:
        for piece in sentences(text) if split else [" ".join(text.split())]:
            piece = without_editorial_notes(piece)
            if piece:
                self.parsed.units.append(Unit(piece, self.label, self.section, context, self.slide, passage))

    def walk(self, tokens: list[Token], context: str = "") -> None:
        pending_label: str | None = None
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "front_matter":
                try:
                    front = yaml.safe_load(token.content) or {}
                except yaml.YAMLError:
                    front = {}
                if isinstance(front, dict) and not self.parsed.front:
                    self.parsed.front = {str(k): str(v) for k, v in front.items()}
            elif kind == "myst_target":
                pending_label = token.content.strip()
            elif kind == "heading_open":
                level = int(token.tag[1])
                title = " ".join(self.inline.render(tokens[index + 1].children).split())
                while self.stack and self.stack[-1][0] >= level:
                    self.stack.pop()
                self.stack.append((level, pending_label, title))
                if pending_label:
                    self.parsed.sections[pending_label] = title
                if self.deck and level <= 2:
                    self.slide = 0 if level == 1 else self.slide + 1
                    self.parsed.slide_titles[self.slide] = title
                if level == 1 and not self.parsed.title:
                    self.parsed.title = title
                    self.parsed.label = pending_label
                pending_label = None
                self.add(title, "heading", split=False)
                index += 3
                continue
            elif kind == "tr_open":
                cells: list[str] = []
                index += 1
                while tokens[index].type != "tr_close":
                    if tokens[index].type == "inline":
                        cells.append(" ".join(self.inline.render(tokens[index].children).split()))
                    index += 1
                self.add(" | ".join(cells), context or "table row", split=False)
            elif kind == "inline":
                self.add(self.inline.render(token.children), context)
            elif kind in ("fence", "colon_fence"):
                self.directive(token, context)
            elif kind == "code_block":
                self.add(token.content, context or "code", split=False)
            elif kind == "html_block":
                self.add(re.sub(r"<[^>]+>", " ", token.content), context)
            if kind not in ("myst_target", "myst_line_comment"):
                pending_label = None
            index += 1

    def directive(self, token: Token, context: str) -> None:
        name, argument = _directive_name(token.info)
        if name is None:  # a plain code block
            if token.content.strip():
                self.add(token.content, context or "code", split=False)
            return
        self.parsed.directives.add(name)
        options, body = _split_options(token.content)
        if not self.parsed.kind and not self.parsed.units:
            self.parsed.kind, self.parsed.caption = self.form(name, argument, options, body)
        if name in SILENT_DIRECTIVES:
            if name == "toctree":
                self.parsed.toctree += [line.strip() for line in body if line.strip() and not line.startswith(":")]
            return
        if name == "snippet":
            self.parsed.snippet_uses.append((argument, self.label, self.section))
            self.add(argument, context or "snippet", split=False, passage=argument)
            return
        if name == "read-more":
            target = argument.strip()
            self.add(f"Read more: {self.inline.labels.get(target, target)}", context or "link", split=False)
            return
        if name == "glossary":
            self.glossary(body, context)
            return
        inner = CONTEXTS.get(name, context)
        if name == "figure":
            self.parsed.images.append(argument)
            if options.get("alt"):
                self.add(options["alt"], "figure description")
            inner = context
        elif name in ("image",):
            self.parsed.images.append(argument)
            if options.get("alt"):
                self.add(options["alt"], "figure description")
            return
        elif argument and name in TITLED_DIRECTIVES:
            self.add(self.inline.render(parser().parseInline(argument)[0].children), context or "title")
        if name == "list-table":
            self.list_table(body, context)
            return
        self.walk(parser().parse("\n".join(body)), inner)

    def form(self, name: str, argument: str, options: dict[str, str], body: list[str]) -> tuple[str, str]:
        """What a reader would call the passage this directive opens, and its title or caption."""
        if name in ("list-table", "table", "csv-table"):
            return "Table", self.inline.render(parser().parseInline(argument)[0].children) if argument else ""
        if name in ("figure", "image"):
            paragraphs = "\n".join(body).strip().split("\n\n")
            caption = paragraphs[0] if paragraphs and paragraphs[0] else options.get("alt", "")
            return "Figure", self.inline.render(parser().parseInline(caption)[0].children) if caption else ""
        if name in EVIDENCE_FORMS:
            return EVIDENCE_FORMS[name]
        if name == "admonition":
            kind = "Quiz" if "quiz" in options.get("class", "").split() else "Box"
            return kind, self.inline.render(parser().parseInline(argument)[0].children) if argument else ""
        if name in ADMONITIONS:
            return "Box", name.capitalize()
        return "", ""

    def list_table(self, body: list[str], context: str) -> None:
        tokens = parser().parse("\n".join(body))
        depth = 0
        cells: list[str] | None = None
        for token in tokens:
            if token.type == "bullet_list_open":
                depth += 1
            elif token.type == "bullet_list_close":
                depth -= 1
            elif token.type == "list_item_open" and depth == 1:
                cells = []
            elif token.type == "list_item_close" and depth == 1 and cells is not None:
                self.add(" | ".join(cells), context or "table row", split=False)
                cells = None
            elif token.type == "inline" and cells is not None:
                cells.append(" ".join(self.inline.render(token.children).split()))

    def glossary(self, body: list[str], context: str) -> None:
        entry: list[str] = []

        def flush() -> None:
            if entry:
                term, definition = entry[0], " ".join(entry[1:])
                rendered = self.inline.render(parser().parseInline(definition)[0].children)
                self.add(f"{term}: " + rendered, context or "definition", split=False)
                entry.clear()

        for line in body:
            if not line.strip() or line.startswith(":"):
                continue
            if not line.startswith((" ", "\t")):
                flush()
                entry.append(line.strip())
            elif entry:
                entry.append(line.strip())
        flush()


def parse_myst(path: str, text: str, labels: dict[str, str], cite: Callable[[str], str], deck: bool = False) -> Parsed:
    parsed = Parsed(path)
    _Walker(parsed, Inline(labels, cite), deck).walk(parser().parse(text))
    return parsed


def parse_svg(path: str, data: bytes) -> Parsed:
    """A figure's words: its title, description and every text label, in drawing order."""
    parsed = Parsed(path, title=path)
    try:
        root = ET.fromstring(data)
    except ET.ParseError:
        return parsed
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("title", "desc", "text"):
            words = " ".join("".join(element.itertext()).split())
            for piece in sentences(words) if tag == "desc" else [words] if words else []:
                parsed.units.append(Unit(piece, None, "", "figure text"))
    return parsed


# -- Titles -----------------------------------------------------------------------------------


def short_title(text: str, words: int = 10) -> str:
    """A caption's first sentence, cut for a heading: at its colon when long, else after ``words`` words."""
    first = sentences(text)[0] if text.strip() else ""
    first = first.rstrip(".")
    parts = first.split()
    if len(parts) <= words:
        return first
    head, colon, _ = first.partition(": ")
    if colon and 2 <= len(head.split()) <= words and head.count("(") == head.count(")"):
        return head
    cut = " ".join(parts[:words]).rstrip(",;:")
    if cut.count("(") > cut.count(")"):
        # Never end inside brackets: drop the bracketed remark.
        return cut[: cut.rindex("(")].rstrip(" ,;:")
    return cut + "…"


# -- Word-level differences -----------------------------------------------------------------

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|\w+(?:[’'-]\w+)*|\s+|[^\w\s]")


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool  # a word that differs (deleted in the old text, inserted in the new)


def word_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """The two texts as segments, with the words that differ marked on each side."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    left: list[Segment] = []
    right: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            left.append(Segment("".join(a[i1:i2]), False))
            right.append(Segment("".join(b[j1:j2]), False))
        else:
            # An empty mark keeps the place of words only the other side has,
            # so the earlier text can be shortened around it (``abbreviate``).
            left.append(Segment("".join(a[i1:i2]), True))
            right.append(Segment("".join(b[j1:j2]), True))
    return _tidy(left), _tidy(right)


def differences(old: str, new: str) -> list[tuple[str, str]]:
    """The stretches of words in which two texts differ, as (old words, new words) pairs; "" where one has none."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    pairs = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            pair = (" ".join("".join(a[i1:i2]).split()), " ".join("".join(b[j1:j2]).split()))
            if any(any(ch.isalnum() for ch in side) for side in pair):  # punctuation alone is no difference
                pairs.append(pair)
    return pairs


def _tidy(segments: list[Segment]) -> list[Segment]:
    """Join neighbours, and let a mark swallow a lone space between two marks."""
    merged: list[Segment] = []
    for segment in segments:
        if merged and merged[-1].marked == segment.marked:
            merged[-1] = Segment(merged[-1].text + segment.text, segment.marked)
        else:
            merged.append(segment)
    result: list[Segment] = []
    for index, segment in enumerate(merged):
        between_marks = 0 < index < len(merged) - 1 and merged[index - 1].marked and merged[index + 1].marked
        if not segment.marked and between_marks and not segment.text.strip():
            segment = Segment(segment.text, True)
        if result and result[-1].marked == segment.marked:
            result[-1] = Segment(result[-1].text + segment.text, segment.marked)
        else:
            result.append(segment)
    # Leading or trailing spaces inside a mark belong outside it.
    tidy: list[Segment] = []
    for segment in result:
        if segment.marked and segment.text != segment.text.strip():
            stripped = segment.text.strip()
            lead = segment.text[: len(segment.text) - len(segment.text.lstrip())]
            trail = segment.text[len(segment.text.rstrip()) :]
            for piece in (Segment(lead, False), Segment(stripped, True), Segment(trail, False)):
                if piece.text:
                    if tidy and tidy[-1].marked == piece.marked:
                        tidy[-1] = Segment(tidy[-1].text + piece.text, piece.marked)
                    else:
                        tidy.append(piece)
        elif tidy and tidy[-1].marked == segment.marked:
            tidy[-1] = Segment(tidy[-1].text + segment.text, segment.marked)
        else:
            tidy.append(segment)
    return tidy


def _words(text: str) -> list[str]:
    return [token for token in _TOKEN.findall(text) if not token.isspace()]


def similarity(old: str, new: str) -> float:
    return difflib.SequenceMatcher(None, _words(old), _words(new), autojunk=False).ratio()


def similarities(olds: list[str], news: list[str], threshold: float) -> list[list[float]]:
    """``similarity`` of every pair; pairs that cannot reach ``threshold`` count as 0."""
    old_words = [_words(text) for text in olds]
    table = [[0.0] * len(news) for _ in olds]
    for j, text in enumerate(news):
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(_words(text))
        for i, words in enumerate(old_words):
            matcher.set_seq1(words)
            if matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold:
                table[i][j] = matcher.ratio()
    return table


def abbreviate(segments: list[Segment], window: int = 6) -> list[Segment]:
    """The unmarked stretches cut to ``window`` words either side of a change, with "…" for the rest.

    The earlier text of a changed sentence is shown this way: the words that
    changed in their context; the new text is always shown whole.
    """
    if not any(segment.marked for segment in segments):
        return segments
    result: list[Segment] = []
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment.marked:
            result.append(segment)
            continue
        tokens = re.findall(r"\s*\S+", segment.text)  # each word with the space before it
        trailing = segment.text[len(segment.text.rstrip()) :]
        keep_head = index > 0  # after a change: its first words
        keep_tail = index < last  # before a change: its last words
        if len(tokens) <= window * (keep_head + keep_tail) + 1:
            result.append(segment)
            continue
        head = "".join(tokens[:window])
        tail = "".join(tokens[-window:]).lstrip() + trailing
        if keep_head and keep_tail:
            result.append(Segment(f"{head} … {tail}", False))
        elif keep_tail:
            result.append(Segment(f"… {tail}", False))
        else:
            result.append(Segment(f"{head} …", False))
    return result
