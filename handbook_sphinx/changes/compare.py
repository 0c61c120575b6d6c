"""What changed between two sets of sources, by meaning: the comparison behind every output.

``compare(old, new, ...)`` takes two snapshots (``{path: bytes}``, see
``history``) and returns a ``Report``: a list of ``Item`` objects, each one
thing a reviewer signs off:

=============  ===========================================================
category       an item is
=============  ===========================================================
``chapter``    a page in ``docs/`` added, removed, or with changed sentences
``passage``    a file in ``snippets/`` (a box, table, quiz or passage a
               chapter and a deck both show), the same way
``figure``     an SVG figure whose words (labels, title) or drawing changed
``evidence``   a row of ``data/trials.yaml`` added or removed, or its
               changed fields ("ELEKT-D · ketamine_rate: 55.4 → 55.6")
``reference``  a ``data/references.bib`` entry added, removed, or with
               changed fields
``slide``      a ``##`` slide of a deck in ``slides/`` added, removed or changed
``review``     a page whose ``reviewed`` (or ``evidence-cutoff``) date changed
=============  ===========================================================

Items whose file matches ``data/safety-relevant.yaml`` are safety-relevant
and sort first. Every item links to its place in the new edition: a section
label, a chapter, or a deck slide (``slides/<deck>.html#/<n>``).
Sorting follows the book's reading order (the toctrees), so two runs on the
same sources give the same report.

Items are named as a reader sees them, never by file: a chapter by its title
and number, a shared passage by its kind and title ("Table: Psychiatric
cautions"), a figure by its caption, an evidence row by its trial and
outcome, a reference by its short citation, a slide by its deck and title;
a passage shown inside changed text reads "[Table: Medicines that
interact…]". Each item belongs to a ``Group``: the chapter (or deck) a
reader finds it in, so every output can give the changes chapter by chapter.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import PurePosixPath

import yaml

from handbook_sphinx.changes import text as mtext
from handbook_sphinx.changes.text import Parsed, Segment, Unit
from handbook_sphinx.chapter_meta import long_date
from handbook_sphinx.image_variants import SLIDE_FORM_SUFFIX
from handbook_sphinx.numbering import number_chapters

CATEGORIES = ("chapter", "passage", "figure", "evidence", "reference", "slide", "review")
TRIALS = "data/trials.yaml"
BIBLIOGRAPHY = "data/references.bib"
SAFETY_FILE = "data/safety-relevant.yaml"
# A pair of sentences this alike (0–1, by words) is one sentence changed;
# less alike, one removed and one added.
SENTENCE_MATCH = 0.5
SLIDE_MATCH = 0.3


# A BibTeX entry type as a reader would name the kind of source.
BIB_TYPES = {
    "article": "journal article",
    "book": "book",
    "inbook": "book chapter",
    "incollection": "book chapter",
    "inproceedings": "conference paper",
    "misc": "other document",
    "online": "web page",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
}


# A page's own text, as an item under the heading of its page.
MAIN_TEXT = "Main text"


class SafetyRulesError(ValueError):
    pass


# -- The report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A place in the new edition: a page (``docname``) and section label, or a site path."""

    text: str
    docname: str | None = None
    label: str | None = None
    path: str | None = None  # site-relative, e.g. "slides/part-3-safe-practice.html#/6"


@dataclass
class TextChange:
    kind: str  # "changed" | "added" | "removed"
    old: list[Segment] | None
    new: list[Segment] | None
    where: Link | None
    context: str = ""
    sentences: int = 1  # an added or removed run of consecutive sentences counts each
    runs_on: bool = True  # may join the sentences next to it (a table row or a heading stands alone)


@dataclass
class FieldChange:
    name: str
    old: str | None
    new: str | None

    def segments(self) -> tuple[list[Segment] | None, list[Segment] | None]:
        if self.old is None or self.new is None:
            return (
                [Segment(self.old, False)] if self.old is not None else None,
                [Segment(self.new, False)] if self.new is not None else None,
            )
        return mtext.word_diff(self.old, self.new)


@dataclass
class Item:
    category: str
    status: str  # "added" | "removed" | "changed"
    key: str  # a stable identifier: a path, a row id, a BibTeX key, deck#slide
    title: str
    safety: bool = False
    safety_reason: str = ""
    links: list[Link] = field(default_factory=list)
    changes: list[TextChange] = field(default_factory=list)
    fields: list[FieldChange] = field(default_factory=list)
    note: str = ""
    moved: int = 0  # sentences that only moved within the item
    order: tuple = ()
    group: str = ""  # the key of the Group (chapter or deck) a reader finds the item in

    def counts(self) -> dict[str, int]:
        """Sentences changed, added and removed."""
        counts: dict[str, int] = {}
        for change in self.changes:
            counts[change.kind] = counts.get(change.kind, 0) + change.sentences
        return counts

    def summary(self) -> str:
        """A short count: "2 sentences changed, 1 sentence added"."""
        if self.status != "changed":
            return self.status
        counts = self.counts()
        parts = [
            f"{counts[kind]} {'sentence' if counts[kind] == 1 else 'sentences'} {kind}"
            for kind in ("changed", "added", "removed")
            if counts.get(kind)
        ]
        if self.fields:
            parts.append(f"{len(self.fields)} {'field' if len(self.fields) == 1 else 'fields'} changed")
        if self.moved:
            parts.append(f"{self.moved} moved")
        return ", ".join(parts) or self.note or "changed"


@dataclass(frozen=True)
class Group:
    """Where a reader finds a set of items: a chapter (or part, appendix, back matter) or a training deck."""

    key: str
    title: str  # "Chapter 11: Screening and contraindications", "Part III: Safe practice (training deck)"
    order: tuple
    link: Link | None = None


@dataclass
class Report:
    from_name: str
    from_commit: str
    from_date: str
    to_name: str
    to_summary: str
    items: list[Item]
    groups: dict[str, Group] = field(default_factory=dict)
    page: Link | None = None  # the "What changed" page itself, in the new edition

    def grouped(self, items: list[Item]) -> list[tuple[Group, list[Item]]]:
        """``items`` by group, in the groups' order (items keep their order within a group)."""
        by_group: dict[str, list[Item]] = {}
        for item in items:
            by_group.setdefault(item.group, []).append(item)
        keys = sorted(by_group, key=lambda key: (self.groups[key].order, key))
        return [(self.groups[key], by_group[key]) for key in keys]

    @property
    def safety_items(self) -> list[Item]:
        return [item for item in self.items if item.safety]

    def by_category(self, category: str, safety: bool = False) -> list[Item]:
        return [item for item in self.items if item.category == category and item.safety == safety]


# -- Safety rules -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SafetyRule:
    path: str  # a folder ("snippets/screening/") or a file
    holds: str
    line: int

    def matches(self, path: str) -> bool:
        if self.path.endswith("/"):
            return path.startswith(self.path)
        return path == self.path or fnmatch(path, self.path)


def load_safety_rules(data: bytes | None, source: str = SAFETY_FILE) -> list[SafetyRule]:
    """``data/safety-relevant.yaml``: the folders and files whose changes are safety-relevant."""
    if data is None:
        return []
    try:
        tree = yaml.compose(data.decode("utf-8"))
        entries = yaml.safe_load(data.decode("utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise SafetyRulesError(f"{source}:{mark.line + 1 if mark else 1}: not valid YAML") from None
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise SafetyRulesError(f"{source}:1: must be a list of entries with 'path' and 'holds'")
    rules = []
    for node, entry in zip(tree.value, entries, strict=True):
        line = node.start_mark.line + 1
        if not isinstance(entry, dict) or set(entry) != {"path", "holds"}:
            raise SafetyRulesError(f"{source}:{line}: each entry has exactly 'path' and 'holds'")
        rules.append(SafetyRule(str(entry["path"]), str(entry["holds"]), line))
    return rules


def stale_safety_rules(rules: Iterable[SafetyRule], paths: Iterable[str]) -> list[SafetyRule]:
    """Rules that match no file any more: a renamed folder would silently stop flagging."""
    paths = list(paths)
    return [rule for rule in rules if not any(rule.matches(path) for path in paths)]


# -- One edition's sources, parsed ------------------------------------------------------------


_PLAIN_TEXT = None


def _display_latex(value: str) -> str:
    """A BibTeX field as a reader reads it: accents decoded, braces gone, "--" an en dash."""
    global _PLAIN_TEXT
    if not any(mark in value for mark in "\\{}~$"):
        return " ".join(value.replace("--", "–").split())
    from pybtex.backends.plaintext import Backend
    from pybtex.richtext import Text

    if _PLAIN_TEXT is None:
        # One backend for every field: looking it up by name costs a plugin search each time.
        _PLAIN_TEXT = Backend()
    try:
        value = Text.from_latex(value).render(_PLAIN_TEXT)
    except Exception:  # noqa: BLE001  (a malformed field still shows as written)
        value = re.sub(r"[{}]", "", value)
    return " ".join(value.replace("--", "–").split())


class Edition:
    """The parsed sources of one side of the comparison.

    ``later`` is the newer edition, when this is the earlier one: a citation
    and a shared passage read the same on both sides when their key or name
    is the same, so that a renamed caption or a completed author list
    changes no sentence of the chapters that show them.
    """

    def __init__(
        self,
        files: dict[str, bytes],
        later: Edition | None = None,
        *,
        lettered_parts: Iterable[str] = (),
        unnumbered_parts: Iterable[str] = (),
    ):
        self.files = files
        self.later = later
        self.bib = self._bibliography()
        # A citation reads the same on both sides when its key is the same:
        # the earlier edition names a source as the later edition's entry
        # does, so completing an author list changes no sentence.
        self.names = {**self.bib, **(later.bib if later else {})}
        texts = {path: data.decode("utf-8") for path, data in files.items() if path.endswith(".md")}
        self.labels: dict[str, str] = {}
        for path in sorted(texts):
            if path.startswith(("docs/", "snippets/")):
                self.labels.update(mtext.collect_labels(texts[path]))
        self.docs: dict[str, Parsed] = {}
        self.passages: dict[str, Parsed] = {}
        self.decks: dict[str, Parsed] = {}
        self.what_changed: str | None = None  # the page with the {what-changed} directive
        self._titles: dict[str, int] | None = None  # how many passages share each short title
        for path in sorted(texts):
            if path.startswith("docs/"):
                parsed = mtext.parse_myst(path, texts[path], self.labels, self.cite)
                if mtext.WHAT_CHANGED not in parsed.directives:
                    self.docs[path] = parsed
                else:
                    self.what_changed = path
            elif path.startswith("snippets/"):
                self.passages[path] = mtext.parse_myst(path, texts[path], self.labels, self.cite)
            elif path.startswith("slides/") and path.count("/") == 1:
                # slides/index.md lists the decks; it is no deck itself.
                if PurePosixPath(path).stem != "index":
                    self.decks[path] = mtext.parse_myst(path, texts[path], self.labels, self.cite, deck=True)
        self.figures = {
            path: mtext.parse_svg(path, data)
            for path, data in sorted(files.items())
            if path.startswith(("snippets/", "docs/")) and path.endswith(".svg")
        }
        self.trials = self._trials()
        self.order = self._reading_order()
        includes = {self.docname(path): [self.docname(child) for child in self._children(path)] for path in self.docs}
        includes = {name: children for name, children in includes.items() if children}
        self.numbers = number_chapters(includes, "index", lettered_parts, unnumbered_parts)
        # Every unit that stands for a shared passage now reads as a reader refers to it.
        for parsed in (*self.docs.values(), *self.passages.values(), *self.decks.values()):
            parsed.units = [
                replace(unit, text=self.passage_reference(unit.passage)) if unit.passage else unit
                for unit in parsed.units
            ]

    # Bibliography ---------------------------------------------------------------------------

    def _bibliography(self) -> dict[str, dict[str, str]]:
        data = self.files.get(BIBLIOGRAPHY)
        if data is None:
            return {}
        from pybtex.database import parse_string

        database = parse_string(data.decode("utf-8"), "bibtex")
        entries: dict[str, dict[str, str]] = {}
        for key, entry in database.entries.items():
            record = {"type": BIB_TYPES.get(entry.type.lower(), entry.type.lower())}
            for role, persons in entry.persons.items():
                record[role.lower()] = "; ".join(_display_latex(str(person)) for person in persons)
            for name, value in entry.fields.items():
                record[name.lower()] = _display_latex(value)
            record["_surnames"] = "|".join(
                _display_latex(" ".join(person.last_names)) for person in entry.persons.get("author", [])
            )
            entries[key] = record
        return entries

    def cite(self, key: str, record: dict[str, str] | None = None) -> str:
        """How a citation reads in the comparison: "Anand et al. 2023"."""
        record = record or self.names.get(key)
        if record is None:
            return key
        names = [name for name in record["_surnames"].split("|") if name and not name.startswith("[")]
        if not names:
            lead = record.get("organization") or record.get("institution") or record.get("publisher") or ""
        elif len(names) == 1:
            lead = names[0]
        elif len(names) == 2:
            lead = f"{names[0]} and {names[1]}"
        else:
            lead = f"{names[0]} et al."
        if names and names[-1].lower() == "others" and len(names) <= 2:
            lead = f"{names[0]} et al."
        year = record.get("year", "")
        return f"{lead} {year}".strip() or record.get("title", "") or "an untitled source"

    def short_citation(self, key: str, record: dict[str, str], other: Edition | None = None) -> str:
        """A reference as a reader finds it in the list: "Anand et al. 2023", with the start of its title
        ("Janssen Pharmaceuticals, Inc. 2026, SPRAVATO REMS") where another entry would read the same."""
        title = mtext.short_title(record.get("title", ""), 6)
        lead = self.cite(key, record)
        year = record.get("year", "")
        if title and lead in (year, title):  # no author or body to name: the title leads
            return f"{title} ({year})" if year else title
        twins = [
            other_key
            for side in (self, other or self)
            for other_key, other_record in side.bib.items()
            if other_key != key and side.cite(other_key, other_record) == lead
        ]
        return f"{lead}, {title}" if title and twins else lead

    # Evidence ----------------------------------------------------------------------------------

    def _trials(self) -> dict[str, dict[str, str]]:
        data = self.files.get(TRIALS)
        if data is None:
            return {}
        try:
            rows = yaml.safe_load(data.decode("utf-8")) or []
        except yaml.YAMLError:
            return {}
        trials: dict[str, dict[str, str]] = {}
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and "id" in row:
                trials[str(row["id"])] = {str(k): "" if v is None else str(v) for k, v in row.items()}
        return trials

    # Where things are -----------------------------------------------------------------------

    def _children(self, path: str) -> list[str]:
        """The pages a page's toctrees list, as source paths."""
        folder = PurePosixPath(path).parent
        children = []
        for entry in self.docs[path].toctree:
            target = entry.split("<")[-1].rstrip(">").strip() if "<" in entry else entry
            if target.startswith("/"):
                child = PurePosixPath("docs") / target.lstrip("/")
            else:
                child = folder / target
            children.append(child.as_posix() + ("" if target.endswith(".md") else ".md"))
        return children

    def _reading_order(self) -> dict[str, int]:
        """Each page's position in the book, following the toctrees from docs/index.md."""
        order: dict[str, int] = {}

        def visit(path: str) -> None:
            if path in order or path not in self.docs:
                return
            order[path] = len(order)
            for child in self._children(path):
                visit(child)

        visit("docs/index.md")
        for path in sorted(self.docs):
            order.setdefault(path, len(order))
        return order

    def docname(self, path: str) -> str:
        return PurePosixPath(path).relative_to("docs").with_suffix("").as_posix()

    def chapter_name(self, path: str) -> str:
        """A page as a reader names it: "Screening and contraindications (Chapter 11)", "Glossary"."""
        doc = self.docs.get(path)
        title = (doc.title if doc else "") or PurePosixPath(path).stem
        number = self.numbers.get(self.docname(path), "")
        return f"{title} (Chapter {number})" if number.isdigit() else title

    def group_title(self, path: str) -> str:
        """A page as a heading: "Chapter 11: Screening and contraindications"."""
        doc = self.docs.get(path)
        title = (doc.title if doc else "") or PurePosixPath(path).stem
        number = self.numbers.get(self.docname(path), "")
        return f"Chapter {number}: {title}" if number.isdigit() else title

    def place(self, path: str, section: str | None) -> str:
        """ "Screening and contraindications (Chapter 11) › Three kinds of source"."""
        doc = self.docs.get(path)
        name = self.chapter_name(path)
        return name if not section or (doc and section == doc.title) else f"{name} › {section}"

    def shown_in(self, name: str) -> list[tuple[tuple[int, int], Link, str]]:
        """Where the passage ``name`` is shown: ((page order, position on the page), link, page path)."""
        places = []
        for path, doc in self.docs.items():
            for index, (used, label, section) in enumerate(doc.snippet_uses):
                if used == name:
                    link = Link(self.place(path, section), self.docname(path), label or doc.label)
                    places.append(((self.order.get(path, 10**6), index), link, path))
        return sorted(places, key=lambda place: (place[0], place[1].text))

    def shown_in_decks(self, name: str) -> list[tuple[str, int]]:
        """The deck slides that show the passage ``name``: (deck path, slide index)."""
        found = []
        for path, deck in sorted(self.decks.items()):
            slides = sorted({unit.slide for unit in deck.units if unit.passage == name})
            found += [(path, slide) for slide in slides]
        return found

    def chapter_link(self, path: str) -> Link | None:
        doc = self.docs.get(path)
        if doc is None:
            return None
        return Link(self.chapter_name(path), self.docname(path), doc.label)

    def page_with(self, directive: str) -> Link | None:
        path = self.path_with(directive)
        return self.chapter_link(path) if path else None

    def path_with(self, directive: str) -> str | None:
        for path in sorted(self.docs, key=lambda p: self.order.get(p, 10**6)):
            if directive in self.docs[path].directives:
                return path
        return None

    def passages_with(self, directive: str) -> list[str]:
        return [path for path, parsed in self.passages.items() if directive in parsed.directives]

    # Shared passages, as a reader knows them ------------------------------------------------------

    def passage_form(self, name: str) -> tuple[str, str]:
        """(kind, caption) of the passage ``name``: ("Table", "Psychiatric cautions: label warnings …")."""
        parsed = self.passages.get(f"snippets/{name}.md")
        if parsed is None:
            return "Passage", ""
        if parsed.kind:
            return parsed.kind, parsed.caption
        first = next((unit.text for unit in parsed.units), "")
        return "Passage", first

    def passage_title(self, name: str, words: int = 10) -> str:
        """ "Table: Psychiatric cautions: label warnings and trial exclusions", "Quiz: Check your understanding"."""
        kind, caption = self.passage_form(name)
        title = mtext.short_title(caption, words)
        return f"{kind}: {title}" if title else kind

    def passage_reference(self, name: str) -> str:
        """A passage shown inside changed text, as its item is titled: "[Table: Medical cautions in the labels]".

        A title several passages share ("Key points") takes the chapter that shows it.
        """
        source = self.later if self.later is not None and f"snippets/{name}.md" in self.later.passages else self
        title = source.passage_title(name)
        if source._titles is None:
            source._titles = {}
            for other in source.passages:
                shared = source.passage_title(source.passage_name(other))
                source._titles[shared] = source._titles.get(shared, 0) + 1
        if source._titles.get(title, 0) > 1:
            places = source.shown_in(name)
            if places:
                path = places[0][2]
                title += f", {source.docs[path].title or source.chapter_name(path)}"
        return f"[{title}]"

    def passage_name(self, path: str) -> str:
        return PurePosixPath(path).relative_to("snippets").with_suffix("").as_posix()

    def figure_caption(self, path: str) -> tuple[str, list[str]]:
        """The caption a figure file is shown with, and the passages that show it (same folder, same file)."""
        folder, filename = PurePosixPath(path).parent, PurePosixPath(path).name
        printed = filename.replace(SLIDE_FORM_SUFFIX, ".svg")
        showing = [
            p
            for p, parsed in self.passages.items()
            if PurePosixPath(p).parent == folder and any(PurePosixPath(i).name == printed for i in parsed.images)
        ]
        for passage in showing:
            kind, caption = self.passage_form(self.passage_name(passage))
            if kind == "Figure" and caption:
                return mtext.short_title(caption, 12), showing
        # Shown by no figure with a caption: the drawing's own title, if it has one.
        figure = self.figures.get(path)
        title = figure.units[0].text if figure and figure.units else "a drawing without a title"
        return mtext.short_title(title, 12), showing


# -- Comparing sentences --------------------------------------------------------------------------


def _align(olds: list[Unit], news: list[Unit], threshold: float) -> list[tuple[Unit | None, Unit | None]]:
    """Pair units in order so that the pairs are as alike as possible (each pair at least ``threshold``)."""
    n, m = len(olds), len(news)
    if n == 0 or m == 0 or n * m > 40000:
        return [(o, None) for o in olds] + [(None, u) for u in news]
    sim = mtext.similarities([o.text for o in olds], [u.text for u in news], threshold)
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            paired = sim[i][j] + best[i + 1][j + 1] if sim[i][j] >= threshold else -1.0
            best[i][j] = max(best[i + 1][j], best[i][j + 1], paired)
    pairs: list[tuple[Unit | None, Unit | None]] = []
    i = j = 0
    while i < n and j < m:
        if sim[i][j] >= threshold and best[i][j] == sim[i][j] + best[i + 1][j + 1]:
            pairs.append((olds[i], news[j]))
            i += 1
            j += 1
        elif best[i][j] == best[i + 1][j]:
            pairs.append((olds[i], None))
            i += 1
        else:
            pairs.append((None, news[j]))
            j += 1
    pairs += [(o, None) for o in olds[i:]] + [(None, u) for u in news[j:]]
    return pairs


def diff_units(
    old: list[Unit], new: list[Unit], where: callable, threshold: float = SENTENCE_MATCH
) -> tuple[list[TextChange], int]:
    """Sentence-level changes from ``old`` to ``new``, and how many sentences only moved.

    A removed sentence links to its old section when the new edition still
    has that label, else to the place it was removed from.
    """
    labels = {unit.label for unit in new if unit.label}
    matcher = difflib.SequenceMatcher(None, [u.text for u in old], [u.text for u in new], autojunk=False)
    changes: list[TextChange] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        anchor = new[j1 - 1] if j1 > 0 else (new[j1] if j1 < len(new) else None)
        for o, u in _align(old[i1:i2], new[j1:j2], threshold):
            if o is not None and u is not None:
                left, right = mtext.word_diff(o.text, u.text)
                changes.append(TextChange("changed", mtext.abbreviate(left), right, where(u), _context(u.context)))
            elif u is not None:
                changes.append(
                    TextChange("added", None, [Segment(u.text, False)], where(u), _context(u.context), 1, _runs_on(u))
                )
            else:
                place = where(o) if o.label and o.label in labels else where(anchor)
                changes.append(
                    TextChange("removed", [Segment(o.text, False)], None, place, _context(o.context), 1, _runs_on(o))
                )
    # A sentence removed in one place and added unchanged in another only moved.
    removed = [c for c in changes if c.kind == "removed"]
    added = {c.new[0].text: c for c in changes if c.kind == "added"}
    moved = 0
    for change in removed:
        twin = added.pop(change.old[0].text, None)
        if twin is not None:
            changes.remove(change)
            changes.remove(twin)
            moved += 1
    return _runs(changes), moved


def _runs(changes: list[TextChange]) -> list[TextChange]:
    """Consecutive sentences added (or removed) at one place read as one passage.

    A figure's labels run on too, with " · " between them.
    """
    joined: list[TextChange] = []
    for change in changes:
        last = joined[-1] if joined else None
        if (
            last is not None
            and change.kind in ("added", "removed")
            and last.kind == change.kind
            and last.where == change.where
            and last.context == change.context
            and last.runs_on
            and change.runs_on
        ):
            side = "new" if change.kind == "added" else "old"
            between = " · " if change.context == "figure text" else " "
            text = getattr(last, side)[0].text + between + getattr(change, side)[0].text
            setattr(last, side, [Segment(text, False)])
            last.sentences += change.sentences
        else:
            joined.append(change)
    return joined


def _runs_on(unit: Unit) -> bool:
    """A table row, a heading or a shared passage reads best on its own line."""
    return unit.context not in ("table row", "heading") and unit.passage is None


def _context(context: str) -> str:
    return context if context in ("speaker notes", "answer", "figure description", "heading", "figure text") else ""


def _all(units: list[Unit], kind: str, where: callable) -> list[TextChange]:
    if kind == "added":
        return _runs(
            [
                TextChange("added", None, [Segment(u.text, False)], where(u), _context(u.context), 1, _runs_on(u))
                for u in units
            ]
        )
    return _runs(
        [
            TextChange("removed", [Segment(u.text, False)], None, where(None), _context(u.context), 1, _runs_on(u))
            for u in units
        ]
    )


# -- The comparison ---------------------------------------------------------------------------------


def compare(
    old_files: dict[str, bytes],
    new_files: dict[str, bytes],
    *,
    from_name: str,
    from_commit: str,
    from_date: str,
    to_name: str,
    to_summary: str,
    safety_rules: list[SafetyRule],
    deck_titles: dict[str, str] | None = None,
    lettered_parts: Iterable[str] = (),
    unnumbered_parts: Iterable[str] = (),
) -> Report:
    numbering = {"lettered_parts": tuple(lettered_parts), "unnumbered_parts": tuple(unnumbered_parts)}
    new = Edition(new_files, **numbering)
    old = Edition(old_files, later=new, **numbering)
    items: list[Item] = []
    groups: dict[str, Group] = {}

    def safety(*paths: str) -> tuple[bool, str]:
        for rule in safety_rules:
            if any(path and rule.matches(path) for path in paths):
                return True, rule.holds
        return False, ""

    def page_group(path: str) -> str:
        """The group of the page ``path`` (of the new edition, or of the earlier one if it was removed)."""
        key = f"page:{path}"
        if key not in groups:
            side = new if path in new.docs else old
            order = new.order.get(path, 10**5 + old.order.get(path, 0))
            groups[key] = Group(key, side.group_title(path), (0, order), new.chapter_link(path))
        return key

    def deck_group(path: str) -> str:
        key = f"deck:{path}"
        if key not in groups:
            deck = new.decks.get(path) or old.decks.get(path)
            name = PurePosixPath(path).stem
            title = (deck_titles or {}).get(name) or (deck.title if deck else "") or name
            link = Link(f"{title} (training deck)", path=f"slides/{name}.html") if path in new.decks else None
            groups[key] = Group(key, f"{title} (training deck)", (1, name), link)
        return key

    def other_group() -> str:
        groups.setdefault("other", Group("other", "Shown nowhere in this edition", (2,)))
        return "other"

    # Chapters and review dates ------------------------------------------------------------
    for path in sorted(set(old.docs) | set(new.docs)):
        before, after = old.docs.get(path), new.docs.get(path)
        chapter = new.chapter_link(path) or old.chapter_link(path)
        flag, reason = safety(path)
        order = (-1,)
        group = page_group(path)
        title = MAIN_TEXT  # under its group's heading, which names the chapter

        def where(unit: Unit | None, path=path, after=after) -> Link | None:
            if after is None:
                return None
            label = unit.label if unit is not None and unit.label else after.label
            section = after.sections.get(label) or (unit.section if unit is not None else after.title)
            return Link(new.place(path, section), new.docname(path), label)

        if before is None or after is None:
            status = "added" if before is None else "removed"
            units = (after or before).units
            items.append(
                Item(
                    "chapter",
                    status,
                    path,
                    title,
                    flag,
                    reason,
                    [chapter] if after else [],
                    _all(units, status, where),
                    order=order,
                    group=group,
                )
            )
            continue
        changes, moved = diff_units(before.units, after.units, where)
        if changes or moved:
            items.append(
                Item(
                    "chapter",
                    "changed",
                    path,
                    title,
                    flag,
                    reason,
                    [chapter],
                    changes,
                    moved=moved,
                    order=order,
                    group=group,
                )
            )
        dates = [
            FieldChange(name, _long_date(before.front.get(name)), _long_date(after.front.get(name)))
            for name in ("reviewed", "evidence-cutoff")
            if before.front.get(name) != after.front.get(name)
        ]
        if dates:
            items.append(
                Item(
                    "review",
                    "changed",
                    path,
                    "Review dates",
                    False,
                    "",
                    [chapter],
                    fields=dates,
                    order=(10**7,),
                    group=group,
                )
            )

    # Passages shown by chapters and decks --------------------------------------------------
    for path in sorted(set(old.passages) | set(new.passages)):
        name = new.passage_name(path)
        before, after = old.passages.get(path), new.passages.get(path)
        side = new if after is not None else old
        places = side.shown_in(name)
        links = [link for _, link, _ in places] if after is not None else []
        deck_places = side.shown_in_decks(name)
        if after is not None and not links:
            links = [_slide_link(new, deck, slide, deck_titles) for deck, slide in deck_places]
        flag, reason = safety(path)
        if places:
            group, order = page_group(places[0][2]), places[0][0]
        elif deck_places:
            group, order = deck_group(deck_places[0][0]), (deck_places[0][1],)
        else:
            group, order = other_group(), ()
        first = links[0] if links else None
        title = side.passage_title(name)

        def where(unit: Unit | None, first=first) -> Link | None:
            return first

        if before is None or after is None:
            status = "added" if before is None else "removed"
            items.append(
                Item(
                    "passage",
                    status,
                    path,
                    title,
                    flag,
                    reason,
                    links,
                    _all((after or before).units, status, where),
                    order=order,
                    group=group,
                )
            )
            continue
        changes, moved = diff_units(before.units, after.units, where)
        if changes or moved:
            items.append(
                Item(
                    "passage",
                    "changed",
                    path,
                    title,
                    flag,
                    reason,
                    links,
                    changes,
                    moved=moved,
                    order=order,
                    group=group,
                )
            )

    # Figures -------------------------------------------------------------------------------------
    for path in sorted(set(old.figures) | set(new.figures)):
        before, after = old.figures.get(path), new.figures.get(path)
        if before is not None and after is not None and old_files[path] == new_files[path]:
            continue
        side = new if after is not None else old
        caption, showing = side.figure_caption(path)
        slide_form = path.endswith(SLIDE_FORM_SUFFIX)
        links: list[Link] = []
        places: list = []
        deck_places: list = []
        for passage in showing:
            name = side.passage_name(passage)
            places += side.shown_in(name)
            deck_places += side.shown_in_decks(name)
        if slide_form:
            # The slide form of a figure is what the decks show in its place.
            links = [_slide_link(side, deck, slide, deck_titles) for deck, slide in deck_places]
        else:
            links = [link for _, link, _ in sorted(places, key=lambda place: place[0])]
        if places:
            first_place = min(places, key=lambda place: place[0])
            group, order = page_group(first_place[2]), first_place[0]
        elif deck_places:
            group, order = deck_group(deck_places[0][0]), (deck_places[0][1],)
        else:
            group, order = other_group(), ()
        if after is None:
            links = []
        flag, reason = safety(path, *showing)
        # The figure's caption and description are the passage that shows it; this item is its drawing.
        title = f"{'Figure, slide version' if slide_form else 'Figure'}: {caption} (the words in the drawing)"
        first = links[0] if links and after is not None else None
        printed = side.figures.get(path.replace(SLIDE_FORM_SUFFIX, ".svg")) if slide_form else None
        if before is None and printed is not None:
            # A new slide version: what a reviewer needs is how it differs from the printed figure.
            items.append(
                Item(
                    "figure",
                    "added",
                    path,
                    title,
                    flag,
                    reason,
                    links,
                    note=_slide_form_note(printed, after),
                    order=order,
                    group=group,
                )
            )
            continue
        if before is None or after is None:
            status = "added" if before is None else "removed"
            items.append(
                Item(
                    "figure",
                    status,
                    path,
                    title,
                    flag,
                    reason,
                    links,
                    _all((after or before).units, status, lambda unit, first=first: first),
                    order=order,
                    group=group,
                )
            )
            continue
        changes, moved = diff_units(before.units, after.units, lambda unit, first=first: first)
        note = "" if changes else "The drawing changed; its words did not."
        items.append(
            Item(
                "figure",
                "changed",
                path,
                title,
                flag,
                reason,
                links,
                changes,
                note=note,
                moved=moved,
                order=order,
                group=group,
            )
        )

    # Evidence data ---------------------------------------------------------------------------------
    evidence_places: list[tuple] = []
    for passage in new.passages_with("evidence-table") + new.passages_with("evidence-figure"):
        evidence_places += new.shown_in(new.passage_name(passage))
    evidence_places.sort(key=lambda place: place[0])
    links = [evidence_places[0][1]] if evidence_places else []
    group = page_group(evidence_places[0][2]) if evidence_places else other_group()
    items += _compare_trials(old, new, links, group, evidence_places[0][0] if evidence_places else ())

    # References ------------------------------------------------------------------------------------
    references = new.path_with("bibliography")
    group = page_group(references) if references else other_group()
    items += _compare_references(old, new, [new.chapter_link(references)] if references else [], group)

    # Decks -------------------------------------------------------------------------------------------
    for path in sorted(set(old.decks) | set(new.decks)):
        items += _compare_deck(path, old.decks.get(path), new.decks.get(path), deck_titles or {}, deck_group(path))

    order = {category: index for index, category in enumerate(CATEGORIES)}
    # Within a chapter: its own text, then what it shows in the order it shows them, then its review dates.
    items.sort(key=lambda item: (not item.safety, groups[item.group].order, item.order, order[item.category], item.key))
    used = {item.group for item in items}
    page = new.chapter_link(new.what_changed) if new.what_changed else None
    return Report(
        from_name,
        from_commit,
        from_date,
        to_name,
        to_summary,
        items,
        {key: group for key, group in groups.items() if key in used},
        page,
    )


def _slide_form_note(printed: Parsed, slide: Parsed, most: int = 8) -> str:
    """How a figure's slide version differs in its words from the printed figure."""
    pairs = mtext.differences(" ".join(u.text for u in printed.units), " ".join(u.text for u in slide.units))
    if not pairs:
        return "The printed figure's words, laid out for a slide."
    described = []
    for old, new in pairs[:most]:
        old, new = old.rstrip("."), new.rstrip(".")
        if not new:
            described.append(f"leaves out “{old}”")
        elif not old:
            described.append(f"adds “{new}”")
        else:
            described.append(f"has “{new}” for “{old}”")
    more = len(pairs) - most
    tail = f"; and {more} more {'difference' if more == 1 else 'differences'}" if more > 0 else ""
    return "The printed figure's words, laid out for a slide; it " + "; ".join(described) + tail + "."


def _long_date(value: str | None) -> str | None:
    """A front-matter date as the chapter's page prints it: "29 November 2026"."""
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return value
    return long_date(day) if day else value


def _slide_link(edition: Edition, path: str, slide: int, deck_titles: dict[str, str] | None) -> Link:
    deck = edition.decks[path]
    name = PurePosixPath(path).stem
    title = (deck_titles or {}).get(name) or deck.title or name
    return Link(
        f"{title} deck, slide {slide + 1}: {deck.slide_titles.get(slide, '')}", path=f"slides/{name}.html#/{slide}"
    )


def _trial_title(row: dict[str, str], rows: dict[str, dict[str, str]]) -> str:
    """An evidence row as the evidence table shows it: its trial and its outcome."""
    name = row.get("trial", row["id"])
    outcome = row.get("outcome", "")
    if outcome:
        return f"{name}: {outcome}"
    twins = [other for other in rows.values() if other.get("trial") == name]
    if len(twins) > 1 and row.get("measure"):
        return f"{name} ({row['measure']})"
    return name


def _field_changes(before: dict, after: dict, names: list[str], bib: bool = False) -> list[FieldChange]:
    """The fields whose value changed, as a reader may see them: an authors' note in a value is left out,
    and a field that held nothing but such a note (a reference's "DOI not verified") counts as empty.
    With ``bib``, a ``note`` the editorial gate would refuse today (``NOTE_INSTRUCTIONS``) counts as empty."""
    from handbook_sphinx.editorial_gate import NOTE_INSTRUCTIONS

    def shown(name, value):
        if not isinstance(value, str):
            return value
        if bib and name == "note" and any(term.lower() in value.lower() for term in NOTE_INSTRUCTIONS):
            return None
        return mtext.without_editorial_notes(value) or None

    changes = [FieldChange(name, shown(name, before.get(name)), shown(name, after.get(name))) for name in names]
    return [change for change in changes if change.old != change.new]


def _row_line(edition: Edition, row: dict[str, str]) -> str:
    """A row in one line, its source as a citation."""
    parts = []
    for name, value in row.items():
        if name == "id":
            continue
        if name == "citation":
            value = edition.cite(value)
        elif isinstance(value, str):
            value = mtext.without_editorial_notes(value)
            if not value:
                continue
        parts.append(f"{evidence_field(name)}: {value}")
    return "; ".join(parts)


def evidence_field(name: str) -> str:
    """A field of the evidence data by the evidence table's own words."""
    return EVIDENCE_FIELDS.get(name, name.replace("_", " ").capitalize())


# The evidence data's fields as the evidence table (handbook_sphinx/evidence.py) heads its columns.
EVIDENCE_FIELDS = {
    "trial": "Trial",
    "year": "Year",
    "n": "n",
    "design": "Design",
    "population": "Population",
    "comparator": "Comparator",
    "measure": "Measure",
    "outcome": "Outcome",
    "ketamine_rate": "Active arm (%)",
    "comparator_rate": "Comparator arm (%)",
    "citation": "Source",
    "note": "Note",
}


def _compare_trials(old: Edition, new: Edition, links: list[Link], group: str, place: tuple) -> list[Item]:
    items: list[Item] = []
    old_rows, new_rows = old.trials, new.trials
    old_fields = {name for row in old_rows.values() for name in row}
    new_fields = {name for row in new_rows.values() for name in row}
    shared_ids = set(old_rows) & set(new_rows)
    # A field every row gained (or lost) is one change of the data's shape.
    gained = sorted(
        name for name in new_fields - old_fields if shared_ids and all(name in new_rows[i] for i in shared_ids)
    )
    lost = sorted(
        name for name in old_fields - new_fields if shared_ids and all(name in old_rows[i] for i in shared_ids)
    )
    for name in gained + lost:
        rows = new_rows if name in gained else old_rows
        values: dict[str, int] = {}
        for row in rows.values():
            values[row.get(name, "")] = values.get(row.get(name, ""), 0) + 1
        spread = ", ".join(f"{value} ({count})" for value, count in sorted(values.items()))
        what = "New in every evidence row" if name in gained else "Gone from every evidence row"
        items.append(
            Item(
                "evidence",
                "changed",
                f"field:{name}",
                f"{what}: {evidence_field(name)}",
                links=links,
                note=f"Values: {spread}.",
                order=(*place, -1),
                group=group,
            )
        )
    skip = set(gained) | set(lost)
    position = {row_id: index for index, row_id in enumerate(new_rows)}
    position.update({row_id: len(new_rows) + index for index, row_id in enumerate(old_rows) if row_id not in new_rows})
    for row_id in sorted(set(old_rows) | set(new_rows), key=lambda r: (position[r], r)):
        before, after = old_rows.get(row_id), new_rows.get(row_id)
        if before is None or after is None:
            row = after or before
            status = "added" if before is None else "removed"
            items.append(
                Item(
                    "evidence",
                    status,
                    row_id,
                    _trial_title(row, new_rows if after else old_rows),
                    links=links if after else [],
                    changes=_whole(
                        status, _row_line(new if after else old, row), links[0] if links and after else None
                    ),
                    order=(*place, position[row_id]),
                    group=group,
                )
            )
            continue
        fields = _field_changes(
            before,
            after,
            [n for n in list(after) + [n for n in before if n not in after] if n not in skip and n != "id"],
        )
        if fields:
            items.append(
                Item(
                    "evidence",
                    "changed",
                    row_id,
                    _trial_title(after, new_rows),
                    links=links,
                    fields=fields,
                    order=(*place, position[row_id]),
                    group=group,
                )
            )
    return items


def _whole(status: str, text: str, where: Link | None) -> list[TextChange]:
    segments = [Segment(text, False)]
    if status == "added":
        return [TextChange("added", None, segments, where)]
    return [TextChange("removed", segments, None, where)]


def _reference_line(record: dict[str, str]) -> str:
    """An entry in one line, in the order of a reference list: who, what, where, when, identifiers."""
    parts = [
        record.get("author") or record.get("editor") or record.get("organization") or record.get("institution"),
        record.get("title"),
        record.get("journal") or record.get("booktitle") or record.get("publisher") or record.get("howpublished"),
    ]
    issue = record.get("year", "")
    if record.get("volume"):
        issue += f";{record['volume']}"
        if record.get("number"):
            issue += f"({record['number']})"
    if record.get("pages") or record.get("eid"):
        issue += f":{record.get('pages') or record.get('eid')}"
    parts.append(issue)
    for name, label in (("version", "version "), ("doi", "doi:"), ("pmid", "PMID "), ("url", "")):
        if record.get(name):
            parts.append(label + record[name])
    return ". ".join(part.rstrip(".") for part in parts if part) + "."


def _compare_references(old: Edition, new: Edition, links: list[Link], group: str) -> list[Item]:
    items: list[Item] = []
    for key in sorted(set(old.bib) | set(new.bib)):
        before, after = old.bib.get(key), new.bib.get(key)
        side = new if after is not None else old
        record = after if after is not None else before
        title = side.short_citation(key, record, old if side is new else new)
        if before is None or after is None:
            status = "added" if before is None else "removed"
            place = links[0] if links and after else None
            items.append(
                Item(
                    "reference",
                    status,
                    key,
                    title,
                    links=links if after else [],
                    changes=_whole(status, _reference_line(record), place),
                    order=(10**6, title.lower(), key),
                    group=group,
                )
            )
            continue
        names = [n for n in after if not n.startswith("_")] + [
            n for n in before if n not in after and not n.startswith("_")
        ]
        fields = _field_changes(before, after, names, bib=True)
        if fields:
            items.append(
                Item(
                    "reference",
                    "changed",
                    key,
                    title,
                    links=links,
                    fields=fields,
                    order=(10**6, title.lower(), key),
                    group=group,
                )
            )
    return items


def _slides(deck: Parsed) -> list[tuple[int, str, list[Unit]]]:
    slides: dict[int, list[Unit]] = {}
    for unit in deck.units:
        slides.setdefault(unit.slide, []).append(unit)
    return [(index, deck.slide_titles.get(index, ""), slides.get(index, [])) for index in sorted(deck.slide_titles)]


def _compare_deck(
    path: str, old: Parsed | None, new: Parsed | None, deck_titles: dict[str, str], group: str
) -> list[Item]:
    name = PurePosixPath(path).stem
    deck_title = deck_titles.get(name) or (new or old).title or name
    old_slides = _slides(old) if old else []
    new_slides = _slides(new) if new else []
    url = f"slides/{name}.html"
    items: list[Item] = []

    def link(index: int, title: str) -> Link:
        return Link(f"{deck_title} deck, slide {index + 1}: {title}", path=f"{url}#/{index}")

    def as_unit(slide):
        index, title, units = slide
        return Unit(title + " " + " ".join(u.text for u in units), None, title, "", index)

    matcher = difflib.SequenceMatcher(None, [s[1] for s in old_slides], [s[1] for s in new_slides], autojunk=False)
    pairs: list[tuple] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs += list(zip(old_slides[i1:i2], new_slides[j1:j2], strict=True))
            continue
        olds, news = old_slides[i1:i2], new_slides[j1:j2]
        old_units = [as_unit(s) for s in olds]
        new_units = [as_unit(s) for s in news]
        lookup_old = dict(zip(map(id, old_units), olds, strict=True))
        lookup_new = dict(zip(map(id, new_units), news, strict=True))
        for o, u in _align(old_units, new_units, SLIDE_MATCH):
            pairs.append((lookup_old.get(id(o)) if o else None, lookup_new.get(id(u)) if u else None))
    for before, after in pairs:
        place = link(after[0], after[1]) if after is not None else None
        key = f"{path}#{after[0] if after else before[0]}"
        order = (after[0] if after else before[0] + 0.5,)
        slide = after or before
        title = f"Slide {slide[0] + 1}: {slide[1]}"
        if before is None or after is None:
            status = "added" if before is None else "removed"
            items.append(
                Item(
                    "slide",
                    status,
                    key,
                    title,
                    links=[place] if place else [],
                    changes=_all(slide[2], status, lambda unit, place=place: place),
                    order=order,
                    group=group,
                )
            )
            continue
        changes, moved = diff_units(before[2], after[2], lambda unit, place=place: place)
        if changes or moved:
            items.append(
                Item(
                    "slide",
                    "changed",
                    key,
                    title,
                    links=[place],
                    changes=changes,
                    moved=moved,
                    order=order,
                    group=group,
                )
            )
    return items
