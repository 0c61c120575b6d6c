"""The words of "What changed in this edition", shared by the page, the PDF and ``make changes``.

One place for the headings, the reading guide and the item lines, so the
site, the PDF appendix and the committee's standalone PDF say the same thing.

Every output gives the changes chapter by chapter (``Group``), the
safety-relevant ones first. The site shows every change in full; the print
editions and the committee's PDF show the safety-relevant changes in full and
every other change as one line: what it is, where, and how many sentences
changed (``one_line``).
"""

from __future__ import annotations

from handbook_sphinx import facts
from handbook_sphinx.changes.compare import EVIDENCE_FIELDS, Group, Item, Link, Report, TextChange

TITLE = "What changed in this edition"
SAFETY_HEADING = "Safety-relevant changes"
OTHER_HEADING = "Other changes"
STATUS = {"added": "new", "removed": "removed", "changed": "changed"}
KIND = {"changed": "Changed", "added": "Added", "removed": "Removed"}
EARLIER = "Earlier edition:"
NOW = "This edition:"
READING_GUIDE = (
    "Changes to screening, monitoring, dosing, interactions and the forms are safety-relevant: they come "
    "first, chapter by chapter. Each changed sentence is shown twice, as it was and as it is now; the words "
    "that differ are in bold. A box, table or figure shown inside changed text appears as its title in "
    "square brackets. Each item links to its place in this edition."
)
SAFETY_INTRO = "Every safety-relevant change in full, chapter by chapter."
OTHER_INTRO_SITE = "Every other change in full, chapter by chapter: open a chapter to read its changes."
OTHER_INTRO_PRINT = (
    "Every other change, one line each: what changed, where, and how many sentences. The full text of "
    "each is on the handbook's website."
)
NO_HISTORY = (
    "This copy of the handbook was built without the project's full history, so it cannot show what "
    "changed since edition {name}. The published edition includes the comparison."
)
FIRST_EDITION = "This is the first edition of the handbook."
PRINT_NOTE = "Every change is shown in full on the handbook's website:"

# Fields of a reference, a review and the evidence data, as a reader names them.
REFERENCE_FIELDS = {
    "address": "Place",
    "author": "Authors",
    "booktitle": "Book title",
    "doi": "DOI",
    "edition": "Edition",
    "editor": "Editors",
    "eid": "Article number",
    "howpublished": "Published as",
    "institution": "Institution",
    "journal": "Journal",
    "month": "Month",
    "note": "Note",
    "number": "Issue",
    "organization": "Organisation",
    "pages": "Pages",
    "pmid": "PMID",
    "publisher": "Publisher",
    "title": "Title",
    "type": "Kind of source",
    "url": "Web address",
    "urldate": "Accessed",
    "version": "Version",
    "volume": "Volume",
    "year": "Year",
}
REVIEW_FIELDS = {"reviewed": "Last reviewed", "evidence-cutoff": "Literature cut-off"}


def intro(report: Report) -> str:
    """The opening sentence: which edition is compared with which."""
    since = f"edition {report.from_name}"
    if report.from_date:
        since += f" of {report.from_date}"
    else:
        since = f"commit {report.from_commit[:12]}"
    return f"Edition {report.to_name} compared with {since}."


def counts(report: Report) -> str:
    """ "379 changes, 40 of them safety-relevant." """
    total = len(report.items)
    safety = len(report.safety_items)
    if total == 0:
        return "Nothing a reader sees has changed."
    changes = "1 change" if total == 1 else f"{total} changes"
    return f"{changes}, {safety} of them safety-relevant." if safety else f"{changes}, none of them safety-relevant."


def field_label(item: Item, name: str) -> str:
    if item.category == "evidence":
        return EVIDENCE_FIELDS.get(name, name)
    if item.category == "review":
        return REVIEW_FIELDS.get(name, name)
    return REFERENCE_FIELDS.get(name, name.capitalize())


def sentence_counts(item: Item) -> str:
    """ "3 sentences changed, 1 added, 2 removed" (the noun once)."""
    numbers = item.counts()
    parts = [(numbers[kind], kind) for kind in ("changed", "added", "removed") if numbers.get(kind)]
    words = []
    for index, (number, kind) in enumerate(parts):
        noun = "" if index else (" sentence" if number == 1 else " sentences")
        words.append(f"{number}{noun} {kind}")
    return ", ".join(words)


def summary(item: Item) -> str:
    """What happened to an item, for a reader: "new", "3 sentences changed, 1 added", "changed: Authors, Issue"."""
    if item.status != "changed":
        return STATUS[item.status]
    parts = [sentence_counts(item)] if item.changes else []
    if item.fields and item.category == "review":
        parts.append(
            "; ".join(f"{field_label(item, f.name)} {f.old or '(none)'} → {f.new or '(none)'}" for f in item.fields)
        )
    elif item.fields:
        parts.append("changed: " + ", ".join(field_label(item, f.name) for f in item.fields))
    if item.moved:
        parts.append(moved_note(item).rstrip(".").lower())
    return "; ".join(part for part in parts if part) or item.note or "changed"


def item_heading(item: Item) -> str:
    """ "Table: Psychiatric cautions: 1 sentence changed, 5 added, 6 removed"."""
    return f"{item.title}: {summary(item)}"


def safety_label(item: Item) -> str:
    return f"Safety-relevant ({item.safety_reason})" if item.safety_reason else "Safety-relevant"


def change_lead(change: TextChange) -> str:
    """ "Changed", "Added (speaker notes)" …"""
    lead = KIND[change.kind]
    if change.context:
        lead += f" ({change.context})"
    return lead


def where_within(item: Item, group: Group) -> str:
    """Where in its group an item is, for its one-line form: a section, or a place outside the group."""
    if not item.links or item.category in ("chapter", "review", "slide", "reference"):
        return ""
    text = item.links[0].text
    chapter = group.link.text if group.link else ""
    if chapter and text.startswith(chapter + " › "):
        return text[len(chapter) + 3 :]
    return "" if text == chapter else text


def one_line(item: Item, group: Group, previous: Item | None = None) -> tuple[str, str, str]:
    """An item in one line: (what, where within its group or "", what happened).

    A place the line before already named is not repeated.
    """
    title = item.title
    where = where_within(item, group)
    if previous is not None and where and where == where_within(previous, group):
        where = ""
    return title, where, summary(item)


def groups(item: Item) -> list[tuple[Link | None, list[TextChange]]]:
    """An item's sentence changes, grouped by the place they are in (consecutive runs)."""
    result: list[tuple[Link | None, list[TextChange]]] = []
    for change in item.changes:
        if result and result[-1][0] == change.where:
            result[-1][1].append(change)
        else:
            result.append((change.where, [change]))
    return result


def moved_note(item: Item) -> str:
    if not item.moved:
        return ""
    return "1 sentence moved, unchanged." if item.moved == 1 else f"{item.moved} sentences moved, unchanged."


def pdf_name(report: Report, to_version: str) -> str:
    """The committee PDF's file name (handbook.toml's ``changes_pdf``)."""
    return facts.load().changes_pdf_name(report.from_name, to_version)


# -- The page's parts, in order -------------------------------------------------------------------


def sections(report: Report) -> list[tuple[str, str, list[tuple[Group, list[Item]]]]]:
    """(id, heading, [(group, items)]): the safety-relevant changes, then the others, each by chapter."""
    result = []
    safety = [item for item in report.items if item.safety]
    other = [item for item in report.items if not item.safety]
    if safety:
        result.append(("safety", SAFETY_HEADING, report.grouped(safety)))
    if other:
        result.append(("other", OTHER_HEADING, report.grouped(other)))
    return result


OVERVIEW_HEADER = ("Chapter or deck", "Safety-relevant", "Other", "Sentences")


def overview(report: Report) -> list[tuple[str, str, str, str]]:
    """One row per chapter or deck, those with safety-relevant changes first, then a total."""
    rows = []
    ordered = report.grouped(report.items)
    ordered = [pair for pair in ordered if any(i.safety for i in pair[1])] + [
        pair for pair in ordered if not any(i.safety for i in pair[1])
    ]
    for group, items in ordered:
        rows.append(
            (
                group.title,
                str(sum(item.safety for item in items)),
                str(sum(not item.safety for item in items)),
                f"{sentences_of(items):,}",
            )
        )
    rows.append(
        (
            "Total",
            str(len(report.safety_items)),
            str(len(report.items) - len(report.safety_items)),
            f"{sentences_of(report.items):,}",
        )
    )
    return rows


def sentences_of(items: list[Item]) -> int:
    return sum(sum(item.counts().values()) for item in items)


# -- How long it takes to read --------------------------------------------------------------------

# A careful reader of clinical text: about 200 words a minute.
READING_SPEED = 200


def words(report: Report) -> int:
    """How many words a reviewer reads: every heading, changed text (both sides), field and note."""
    return words_of(report.items)


def words_of(items: list[Item]) -> int:
    total = 0
    for item in items:
        total += len(item_heading(item).split()) + len(item.note.split())
        for change in item.changes:
            for side in (change.old, change.new):
                total += len("".join(segment.text for segment in side or []).split())
        for field in item.fields:
            total += 1 + len(str(field.old or "").split()) + len(str(field.new or "").split())
    return total


def duration(words_count: int) -> str:
    """ "about 45 minutes", "about 1 hour 20 minutes"."""
    minutes = max(1, round(words_count / READING_SPEED))
    if minutes < 60:
        return f"about {minutes} {'minute' if minutes == 1 else 'minutes'}"
    hours, rest = divmod(minutes, 60)
    text = f"about {hours} {'hour' if hours == 1 else 'hours'}"
    return text + (f" {rest} minutes" if rest else "")


def safety_time(report: Report) -> str:
    """ "The safety-relevant changes, in full, are 12,345 words: about 1 hour at 200 words a minute." """
    count = words_of(report.safety_items)
    if not report.safety_items:
        return ""
    return (
        f"The safety-relevant changes, in full, are {count:,} words: {duration(count)} "
        f"at {READING_SPEED} words a minute."
    )


def full_time(report: Report, where: str = "as on this page") -> str:
    """The whole comparison in full, as the site shows it."""
    count = words(report)
    return f"Every change in full, {where}, is {count:,} words: {duration(count)}."


def print_time(report: Report) -> str:
    """What the print editions and the committee's PDF hold, and how long it takes to read."""
    others = len(report.items) - len(report.safety_items)
    listed = f"The other {others:,} changes are listed one to a line." if others else ""
    return " ".join(part for part in (safety_time(report), listed) if part)


def reading_time(report: Report) -> str:
    """Both: the safety-relevant changes, and everything in full (``make changes`` prints this)."""
    return " ".join(part for part in (safety_time(report), full_time(report, "as on the website")) if part)


def fold_summary(items: list[Item]) -> str:
    """ "12 changes: about 14 minutes to read" (the line a closed chapter shows on the site)."""
    changes = "1 change" if len(items) == 1 else f"{len(items)} changes"
    return f"{changes}: {duration(words_of(items))} to read"


def reading_time_site(report: Report) -> str:
    """The site page: the safety-relevant changes, and the whole page."""
    return " ".join(part for part in (safety_time(report), full_time(report)) if part)
