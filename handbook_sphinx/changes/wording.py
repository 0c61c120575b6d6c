"""The words of "What changed in this edition", shared by the page, the PDF and ``make changes``.

One place for the headings, the reading guide and the item lines, so the
site, the PDF appendix and the committee's standalone PDF say the same thing.
"""

from __future__ import annotations

from handbook_sphinx import facts
from handbook_sphinx.changes.compare import CATEGORIES, Item, Link, Report, TextChange

TITLE = "What changed in this edition"
SAFETY_HEADING = "Safety-relevant changes"
CATEGORY_HEADINGS = {
    "chapter": "Chapters",
    "passage": "Boxes, tables and passages shared with the decks",
    "figure": "Figures",
    "evidence": "Evidence data",
    "reference": "References",
    "slide": "Training decks",
    "review": "Review dates",
}
STATUS = {"added": "new", "removed": "removed", "changed": "changed"}
KIND = {"changed": "Changed", "added": "Added", "removed": "Removed"}
EARLIER = "Earlier edition:"
NOW = "This edition:"
READING_GUIDE = (
    "Changes to screening, monitoring, dosing, interactions and the forms are safety-relevant: they are "
    "marked and listed first. Each changed sentence is shown twice, as it was and as it is now; the words "
    "that differ are in bold. Each item links to its place in this edition."
)
NO_HISTORY = (
    "This copy of the handbook was built without the project's full history, so it cannot show what "
    "changed since edition {name}. The published edition includes the comparison."
)
FIRST_EDITION = "This is the first edition of the handbook."
PRINT_NOTE = (
    "Here the safety-relevant changes are given in full and the others are listed; every change is shown "
    "in full on the handbook's website and in the committee's copy,"
)


def intro(report: Report) -> str:
    """The opening sentence: which edition is compared with which."""
    since = f"edition {report.from_name}"
    if report.from_date:
        since += f" of {report.from_date}"
    else:
        since = f"commit {report.from_commit[:12]}"
    return f"Edition {report.to_name} compared with {since}."


def counts(report: Report) -> str:
    """ "57 changes, 12 of them safety-relevant." """
    total = len(report.items)
    safety = len(report.safety_items)
    if total == 0:
        return "Nothing a reader sees has changed."
    changes = "1 change" if total == 1 else f"{total} changes"
    return f"{changes}, {safety} of them safety-relevant." if safety else f"{changes}, none of them safety-relevant."


OVERVIEW_HEADER = ("Section", "New", "Changed", "Removed", "Words")


def overview(report: Report) -> list[tuple[str, str, str, str, str]]:
    """One row per section of the page, in its order: the counts and the words to read."""
    rows = []
    for _, heading, items in sections(report):
        rows.append(
            (
                heading,
                str(sum(item.status == "added" for item in items)),
                str(sum(item.status == "changed" for item in items)),
                str(sum(item.status == "removed" for item in items)),
                f"{words_of(items):,}",
            )
        )
    return rows


def sections(report: Report) -> list[tuple[str, str, list[Item]]]:
    """(id, heading, items): the safety-relevant items first, then every category."""
    result = []
    if report.safety_items:
        result.append(("safety", SAFETY_HEADING, report.safety_items))
    for category in CATEGORIES:
        items = report.by_category(category)
        if items:
            result.append((category, CATEGORY_HEADINGS[category], items))
    return result


def item_heading(item: Item) -> str:
    """ "Screening and contraindications: changed (3 sentences changed, 1 added)"."""
    if item.status == "changed":
        return f"{item.title}: {item.summary()}"
    return f"{item.title}: {STATUS[item.status]}"


def safety_label(item: Item) -> str:
    return f"Safety-relevant ({item.safety_reason})" if item.safety_reason else "Safety-relevant"


def change_lead(change: TextChange) -> str:
    """ "Changed", "Added (speaker notes)" …"""
    lead = KIND[change.kind]
    if change.context:
        lead += f" ({change.context})"
    return lead


def place(link: Link) -> str:
    return f"In {link.text}"


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


def reading_time(report: Report) -> str:
    count = words(report)
    minutes = max(1, round(count / READING_SPEED))
    return f"About {count:,} words to read: {minutes} minutes at {READING_SPEED} words a minute."
