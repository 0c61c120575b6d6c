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
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import PurePosixPath

import yaml

from handbook_sphinx.changes import text as mtext
from handbook_sphinx.changes.text import Parsed, Segment, Unit

CATEGORIES = ("chapter", "passage", "figure", "evidence", "reference", "slide", "review")
TRIALS = "data/trials.yaml"
BIBLIOGRAPHY = "data/references.bib"
SAFETY_FILE = "data/safety-relevant.yaml"
# A pair of sentences this alike (0–1, by words) is one sentence changed;
# less alike, one removed and one added.
SENTENCE_MATCH = 0.5
SLIDE_MATCH = 0.3


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

    def summary(self) -> str:
        """A short count: "2 sentences changed, 1 added"."""
        if self.status != "changed":
            return self.status
        counts: dict[str, int] = {}
        for change in self.changes:
            counts[change.kind] = counts.get(change.kind, 0) + 1
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


@dataclass
class Report:
    from_name: str
    from_commit: str
    from_date: str
    to_name: str
    to_summary: str
    items: list[Item]

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
    """The parsed sources of one side of the comparison."""

    def __init__(self, files: dict[str, bytes], later: Edition | None = None):
        self.files = files
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
        for path in sorted(texts):
            if path.startswith("docs/"):
                parsed = mtext.parse_myst(path, texts[path], self.labels, self.cite)
                if mtext.WHAT_CHANGED not in parsed.directives:
                    self.docs[path] = parsed
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

    # Bibliography ---------------------------------------------------------------------------

    def _bibliography(self) -> dict[str, dict[str, str]]:
        data = self.files.get(BIBLIOGRAPHY)
        if data is None:
            return {}
        from pybtex.database import parse_string

        database = parse_string(data.decode("utf-8"), "bibtex")
        entries: dict[str, dict[str, str]] = {}
        for key, entry in database.entries.items():
            record = {"type": entry.type.lower()}
            for role, persons in entry.persons.items():
                record[role.lower()] = "; ".join(_display_latex(str(person)) for person in persons)
            for name, value in entry.fields.items():
                record[name.lower()] = _display_latex(value)
            record["_surnames"] = "|".join(
                _display_latex(" ".join(person.last_names)) for person in entry.persons.get("author", [])
            )
            entries[key] = record
        return entries

    def cite(self, key: str) -> str:
        """How a citation reads in the comparison: "Anand et al. 2023"."""
        record = self.names.get(key)
        if record is None:
            return key
        names = [name for name in record["_surnames"].split("|") if name]
        if not names:
            lead = record.get("organization") or record.get("institution") or record.get("publisher") or key
        elif len(names) == 1:
            lead = names[0]
        elif len(names) == 2:
            lead = f"{names[0]} and {names[1]}"
        else:
            lead = f"{names[0]} et al."
        if names and names[-1].lower() == "others" and len(names) <= 2:
            lead = f"{names[0]} et al."
        year = record.get("year", "")
        return f"{lead} {year}".strip()

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

    def _reading_order(self) -> dict[str, int]:
        """Each page's position in the book, following the toctrees from docs/index.md."""
        order: dict[str, int] = {}

        def visit(path: str) -> None:
            if path in order or path not in self.docs:
                return
            order[path] = len(order)
            folder = PurePosixPath(path).parent
            for entry in self.docs[path].toctree:
                target = entry.split("<")[-1].rstrip(">").strip() if "<" in entry else entry
                visit((folder / target).as_posix() + ("" if target.endswith(".md") else ".md"))

        visit("docs/index.md")
        for path in sorted(self.docs):
            order.setdefault(path, len(order))
        return order

    def docname(self, path: str) -> str:
        return PurePosixPath(path).relative_to("docs").with_suffix("").as_posix()

    def shown_in(self, name: str) -> list[tuple[str, Link]]:
        """The chapter sections that show the passage ``name``, in reading order."""
        places = []
        for path, doc in self.docs.items():
            for used, label, section in doc.snippet_uses:
                if used == name:
                    text = doc.title if section == doc.title or not section else f"{doc.title} › {section}"
                    places.append((self.order.get(path, 10**6), Link(text, self.docname(path), label or doc.label)))
        return [(str(order), link) for order, link in sorted(places, key=lambda pair: (pair[0], pair[1].text))]

    def chapter_link(self, path: str) -> Link | None:
        doc = self.docs.get(path)
        if doc is None:
            return None
        return Link(doc.title or path, self.docname(path), doc.label)

    def page_with(self, directive: str) -> Link | None:
        for path in sorted(self.docs, key=lambda p: self.order.get(p, 10**6)):
            if directive in self.docs[path].directives:
                return self.chapter_link(path)
        return None

    def passages_with(self, directive: str) -> list[str]:
        return [path for path, parsed in self.passages.items() if directive in parsed.directives]


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
                changes.append(TextChange("added", None, [Segment(u.text, False)], where(u), _context(u.context)))
            else:
                place = where(o) if o.label and o.label in labels else where(anchor)
                changes.append(TextChange("removed", [Segment(o.text, False)], None, place, _context(o.context)))
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
    """Consecutive sentences added (or removed) at one place read as one passage."""
    joined: list[TextChange] = []
    for change in changes:
        last = joined[-1] if joined else None
        if (
            last is not None
            and change.kind in ("added", "removed")
            and last.kind == change.kind
            and last.where == change.where
            and last.context == change.context
            and change.context not in ("heading", "figure text")
        ):
            side = "new" if change.kind == "added" else "old"
            text = getattr(last, side)[0].text + " " + getattr(change, side)[0].text
            setattr(last, side, [Segment(text, False)])
        else:
            joined.append(change)
    return joined


def _context(context: str) -> str:
    return context if context in ("speaker notes", "answer", "figure description", "heading", "figure text") else ""


def _all(units: list[Unit], kind: str, where: callable) -> list[TextChange]:
    if kind == "added":
        return _runs(
            [TextChange("added", None, [Segment(u.text, False)], where(u), _context(u.context)) for u in units]
        )
    return _runs(
        [TextChange("removed", [Segment(u.text, False)], None, where(None), _context(u.context)) for u in units]
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
) -> Report:
    new = Edition(new_files)
    old = Edition(old_files, later=new)
    items: list[Item] = []

    def safety(*paths: str) -> tuple[bool, str]:
        for rule in safety_rules:
            if any(path and rule.matches(path) for path in paths):
                return True, rule.holds
        return False, ""

    # Chapters and review dates ------------------------------------------------------------
    for path in sorted(set(old.docs) | set(new.docs)):
        before, after = old.docs.get(path), new.docs.get(path)
        chapter = new.chapter_link(path) or old.chapter_link(path)
        flag, reason = safety(path)
        order = (new.order.get(path, old.order.get(path, 10**6)),)

        def where(unit: Unit | None, path=path, after=after) -> Link | None:
            if after is None:
                return None
            label = unit.label if unit is not None and unit.label else after.label
            section = after.sections.get(label) or (unit.section if unit is not None else after.title)
            text = after.title if not section or section == after.title else f"{after.title} › {section}"
            return Link(text, new.docname(path), label)

        if before is None or after is None:
            status = "added" if before is None else "removed"
            units = (after or before).units
            items.append(
                Item(
                    "chapter",
                    status,
                    path,
                    (after or before).title or path,
                    flag,
                    reason,
                    [chapter] if after else [],
                    _all(units, status, where),
                    order=order,
                )
            )
            continue
        changes, moved = diff_units(before.units, after.units, where)
        if changes or moved:
            items.append(
                Item(
                    "chapter", "changed", path, after.title, flag, reason, [chapter], changes, moved=moved, order=order
                )
            )
        dates = [
            FieldChange(name, before.front.get(name), after.front.get(name))
            for name in ("reviewed", "evidence-cutoff")
            if before.front.get(name) != after.front.get(name)
        ]
        if dates:
            items.append(Item("review", "changed", path, after.title, False, "", [chapter], fields=dates, order=order))

    # Passages shown by chapters and decks --------------------------------------------------
    for path in sorted(set(old.passages) | set(new.passages)):
        name = PurePosixPath(path).relative_to("snippets").with_suffix("").as_posix()
        before, after = old.passages.get(path), new.passages.get(path)
        places = new.shown_in(name) or old.shown_in(name)
        links = [link for _, link in places]
        flag, reason = safety(path)
        order = (int(places[0][0]) if places else 10**6, name)
        first = links[0] if links and after is not None else None

        def where(unit: Unit | None, first=first) -> Link | None:
            return first

        if before is None or after is None:
            status = "added" if before is None else "removed"
            items.append(
                Item(
                    "passage",
                    status,
                    path,
                    name,
                    flag,
                    reason,
                    links if after else [],
                    _all((after or before).units, status, where),
                    order=order,
                )
            )
            continue
        changes, moved = diff_units(before.units, after.units, where)
        if changes or moved:
            items.append(Item("passage", "changed", path, name, flag, reason, links, changes, moved=moved, order=order))

    # Figures -------------------------------------------------------------------------------------
    for path in sorted(set(old.figures) | set(new.figures)):
        before, after = old.figures.get(path), new.figures.get(path)
        if before is not None and after is not None and old_files[path] == new_files[path]:
            continue
        folder = PurePosixPath(path).parent
        filename = PurePosixPath(path).name
        showing = [
            p
            for p, parsed in (new.passages if after else old.passages).items()
            if PurePosixPath(p).parent == folder and any(PurePosixPath(i).name == filename for i in parsed.images)
        ]
        links: list[Link] = []
        order_value = 10**6
        for passage in showing:
            name = PurePosixPath(passage).relative_to("snippets").with_suffix("").as_posix()
            places = (new if after else old).shown_in(name)
            links += [link for _, link in places]
            if places:
                order_value = min(order_value, int(places[0][0]))
        flag, reason = safety(path, *showing)
        title = PurePosixPath(path).relative_to(PurePosixPath(path).parts[0]).as_posix()
        first = links[0] if links and after is not None else None
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
                    links if after else [],
                    _all((after or before).units, status, lambda unit, first=first: first),
                    order=(order_value, path),
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
                order=(order_value, path),
            )
        )

    # Evidence data ---------------------------------------------------------------------------------
    evidence_places: list[Link] = []
    for passage in new.passages_with("evidence-table") + new.passages_with("evidence-figure"):
        name = PurePosixPath(passage).relative_to("snippets").with_suffix("").as_posix()
        evidence_places += [link for _, link in new.shown_in(name) if link not in evidence_places]
    items += _compare_trials(old.trials, new.trials, evidence_places[:1])

    # References ------------------------------------------------------------------------------------
    references = new.page_with("bibliography")
    items += _compare_references(old, new, [references] if references else [])

    # Decks -------------------------------------------------------------------------------------------
    for path in sorted(set(old.decks) | set(new.decks)):
        items += _compare_deck(path, old.decks.get(path), new.decks.get(path), deck_titles or {})

    order = {category: index for index, category in enumerate(CATEGORIES)}
    items.sort(key=lambda item: (not item.safety, order[item.category], item.order, item.key))
    return Report(from_name, from_commit, from_date, to_name, to_summary, items)


def _trial_title(row: dict[str, str], rows: dict[str, dict[str, str]]) -> str:
    name = row.get("trial", row["id"])
    twins = [other for other in rows.values() if other.get("trial") == name]
    if len(twins) > 1 and row.get("measure"):
        return f"{name} ({row['measure']})"
    if len(twins) > 1:
        return f"{name} ({row['id']})"
    return name


def _compare_trials(old: dict, new: dict, links: list[Link]) -> list[Item]:
    items: list[Item] = []
    old_fields = {name for row in old.values() for name in row}
    new_fields = {name for row in new.values() for name in row}
    shared_ids = set(old) & set(new)
    # A field every row gained (or lost) is one change of the data's shape.
    gained = sorted(name for name in new_fields - old_fields if shared_ids and all(name in new[i] for i in shared_ids))
    lost = sorted(name for name in old_fields - new_fields if shared_ids and all(name in old[i] for i in shared_ids))
    for name in gained + lost:
        rows = new if name in gained else old
        values: dict[str, int] = {}
        for row in rows.values():
            values[row.get(name, "")] = values.get(row.get(name, ""), 0) + 1
        spread = ", ".join(f"{value} ({count})" for value, count in sorted(values.items()))
        what = "added to" if name in gained else "removed from"
        items.append(
            Item(
                "evidence",
                "changed",
                f"field:{name}",
                f"Field {name} {what} every row",
                links=links,
                note=f"Values: {spread}.",
                order=(-1, name),
            )
        )
    skip = set(gained) | set(lost)
    position = {row_id: index for index, row_id in enumerate(new)}
    position.update({row_id: len(new) + index for index, row_id in enumerate(old) if row_id not in new})
    for row_id in sorted(set(old) | set(new), key=lambda r: (position[r], r)):
        before, after = old.get(row_id), new.get(row_id)
        if before is None or after is None:
            row = after or before
            status = "added" if before is None else "removed"
            line = "; ".join(f"{name}: {value}" for name, value in row.items() if name != "id")
            items.append(
                Item(
                    "evidence",
                    status,
                    row_id,
                    _trial_title(row, new if after else old),
                    links=links if after else [],
                    changes=_whole(status, line, links[0] if links and after else None),
                    order=(position[row_id],),
                )
            )
            continue
        fields = [
            FieldChange(name, before.get(name), after.get(name))
            for name in list(after) + [n for n in before if n not in after]
            if name not in skip and name != "id" and before.get(name) != after.get(name)
        ]
        if fields:
            items.append(
                Item(
                    "evidence",
                    "changed",
                    row_id,
                    _trial_title(after, new),
                    links=links,
                    fields=fields,
                    order=(position[row_id],),
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


def _compare_references(old: Edition, new: Edition, links: list[Link]) -> list[Item]:
    items: list[Item] = []
    for key in sorted(set(old.bib) | set(new.bib)):
        before, after = old.bib.get(key), new.bib.get(key)
        side = new if after is not None else old
        title = f"{side.cite(key)} ({key})"
        if before is None or after is None:
            status = "added" if before is None else "removed"
            record = after or before
            place = links[0] if links and after else None
            items.append(
                Item(
                    "reference",
                    status,
                    key,
                    title,
                    links=links if after else [],
                    changes=_whole(status, _reference_line(record), place),
                    order=(key,),
                )
            )
            continue
        names = [n for n in after if not n.startswith("_")] + [
            n for n in before if n not in after and not n.startswith("_")
        ]
        fields = [
            FieldChange(name, before.get(name), after.get(name))
            for name in names
            if before.get(name) != after.get(name)
        ]
        if fields:
            items.append(Item("reference", "changed", key, title, links=links, fields=fields, order=(key,)))
    return items


def _slides(deck: Parsed) -> list[tuple[int, str, list[Unit]]]:
    slides: dict[int, list[Unit]] = {}
    for unit in deck.units:
        slides.setdefault(unit.slide, []).append(unit)
    return [(index, deck.slide_titles.get(index, ""), slides.get(index, [])) for index in sorted(deck.slide_titles)]


def _compare_deck(path: str, old: Parsed | None, new: Parsed | None, deck_titles: dict[str, str]) -> list[Item]:
    name = PurePosixPath(path).stem
    deck_title = deck_titles.get(name) or (new or old).title or name
    old_slides = _slides(old) if old else []
    new_slides = _slides(new) if new else []
    url = f"slides/{name}.html"
    items: list[Item] = []

    def link(index: int, title: str) -> Link:
        return Link(f"{deck_title}, slide {index + 1}: {title}", path=f"{url}#/{index}")

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
        if after is not None:
            place = link(after[0], after[1])
        else:
            place = None
        key = f"{path}#{after[0] if after else before[0]}"
        order = (name, after[0] if after else before[0] + 0.5)
        if before is None or after is None:
            status = "added" if before is None else "removed"
            slide = after or before
            title = f"{deck_title}, slide {slide[0] + 1}: {slide[1]}"
            items.append(
                Item(
                    "slide",
                    status,
                    key,
                    title,
                    links=[place] if place else [],
                    changes=_all(slide[2], status, lambda unit, place=place: place),
                    order=order,
                )
            )
            continue
        changes, moved = diff_units(before[2], after[2], lambda unit, place=place: place)
        if changes or moved:
            title = f"{deck_title}, slide {after[0] + 1}: {after[1]}"
            items.append(Item("slide", "changed", key, title, links=[place], changes=changes, moved=moved, order=order))
    return items
