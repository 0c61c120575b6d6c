"""Part of a snippet: the ``{snippet}`` options that choose what a slide shows.

A slide has room for far less than a chapter, but a deck may show only what
the handbook shows. So instead of a shorter copy of a snippet (two texts that
drift apart), a deck shows part of the one snippet::

    ```{snippet} pharmacology/routes-pk-table
    :rows: 1-4
    ```

- ``:items: <ranges>``: of the snippet's list, only these items (1 is the
  first); an enumerated list keeps its numbers ("3." stays "3.").
- ``:rows: <ranges>``: of the snippet's table, the header and only these body
  rows (1 is the first row under the header).
- ``:bare:``: only the snippet's lists, tables and figures themselves: no
  box, box title, caption or paragraph around them (the slide's title names
  what they are). A snippet with none of them is an error.
- ``:panel: <name>``: which slide panel of the snippet's figure this slide
  shows, for a figure drawn for slides in panels (the evidence chart: one
  per outcome; see ``image_variants``).

Ranges are ``N``, ``N-M`` or several joined by commas (``1-3, 5``), in
order. A range that is not a range, a snippet without the list, table or
panel asked for, or a range past its end is a warning at the ``{snippet}``
line that says what the snippet has; ``-W`` fails the build. A warning
leaves the snippet whole, so nothing is silently lost.

These options select; they never change a word. In the handbook they work
the same, though a chapter shows its snippets whole.

A deck that shows a snippet in parts shows it more than once: the second
and later showings in a document declare no target names again (a table's
``:name:`` is the first showing's), so there is no duplicate label, and
their elements get automatic ids (``repeated_snippet``, a patch of
docutils' behaviour in ``workarounds/repeated_snippet_targets.py``). A
citation in what a slide leaves out is no citation of the deck: ``{snippet}``
withdraws it (``workarounds/bibtex_dropped_citations.py``), so the deck's
reference list holds only the sources its slides cite.

Output: the same nodes as the whole snippet, fewer of them; the container
keeps the class ``snippet`` (``snippet-part`` is added when part of it is
shown).
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.parsers.rst import directives

from handbook_sphinx.image_variants import image_variants, slide_panels

OPTION_SPEC = {
    "items": directives.unchanged_required,
    "rows": directives.unchanged_required,
    "bare": directives.flag,
    "panel": directives.unchanged_required,
}

_RANGE = re.compile(r"^\s*(\d+)\s*(?:[-–]\s*(\d+))?\s*$")
_LISTS = (nodes.bullet_list, nodes.enumerated_list)


class PartError(ValueError):
    """A ``{snippet}`` option that cannot be applied; the message says why."""


def parse_ranges(option: str, value: str) -> list[int]:
    """``"1-3, 5"`` → ``[1, 2, 3, 5]`` (1-based, ascending, no repeats)."""
    chosen: list[int] = []
    for part in value.split(","):
        match = _RANGE.match(part)
        if not match:
            raise PartError(
                f":{option}: {value!r} is not a range: write N, N-M, or several joined by commas (e.g. 1-3, 5)"
            )
        first, last = int(match[1]), int(match[2] or match[1])
        if first < 1 or last < first:
            raise PartError(f":{option}: {part.strip()!r} is not a range: numbers start at 1, and N-M needs N ≤ M")
        numbers = list(range(first, last + 1))
        if chosen and numbers[0] <= chosen[-1]:
            raise PartError(f":{option}: {value!r} repeats or goes backwards: list the ranges in order")
        chosen += numbers
    return chosen


def _top_level(container: nodes.Element, kinds: tuple[type, ...]) -> list[nodes.Element]:
    """The ``kinds`` nodes in ``container`` that are not inside another list or table."""
    found = []
    for node in container.findall(lambda n: isinstance(n, kinds)):
        parent = node.parent
        while (
            parent is not None
            and parent is not container
            and not isinstance(parent, (*_LISTS, nodes.table, nodes.figure))
        ):
            parent = parent.parent
        if parent is container or parent is None:
            found.append(node)
    return found


def _the_one(container: nodes.Element, kinds: tuple[type, ...], what: str, option: str) -> nodes.Element:
    found = _top_level(container, kinds)
    if len(found) != 1:
        has = "no" if not found else f"{len(found)}"
        raise PartError(f":{option}: chooses from the snippet's one {what}, but it has {has} {what}s")
    return found[0]


def _check_range(option: str, chosen: list[int], count: int, container: str, parts: str) -> None:
    if chosen[-1] > count:
        part = parts.split()[0].removesuffix("s")
        raise PartError(f":{option}: asks for {part} {chosen[-1]}, but the snippet's {container} has {count} {parts}")


def select_items(container: nodes.Element, value: str) -> None:
    chosen = parse_ranges("items", value)
    listing = _the_one(container, _LISTS, "list", "items")
    items = [child for child in listing.children if isinstance(child, nodes.list_item)]
    _check_range("items", chosen, len(items), "list", "items")
    if isinstance(listing, nodes.enumerated_list) and chosen[0] > 1:
        listing["start"] = listing.get("start", 1) + chosen[0] - 1
    for number, item in enumerate(items, start=1):
        if number not in chosen:
            listing.remove(item)


def select_rows(container: nodes.Element, value: str) -> None:
    chosen = parse_ranges("rows", value)
    table = _the_one(container, (nodes.table,), "table", "rows")
    body = next(table.findall(nodes.tbody), None)
    rows = [row for row in body.children if isinstance(row, nodes.row)] if body is not None else []
    _check_range("rows", chosen, len(rows), "table", "rows under its header")
    for number, row in enumerate(rows, start=1):
        if number not in chosen:
            body.remove(row)


def strip_to_bare(container: nodes.Element) -> None:
    """Keep only the snippet's top-level lists, tables and figures, without captions."""
    kept = _top_level(container, (*_LISTS, nodes.table, nodes.figure))
    if not kept:
        raise PartError(":bare: keeps only the snippet's lists, tables and figures, but it has none")
    for node in kept:
        for caption in [c for c in node.children if isinstance(c, (nodes.title, nodes.caption, nodes.legend))]:
            node.remove(caption)
    for node in kept:
        node.parent.remove(node)
    container.children = []
    container.extend(kept)


def choose_panel(container: nodes.Element, value: str) -> None:
    name = value.strip()
    figures = list(container.findall(image_variants))
    panels = {panel for figure in figures for panel in slide_panels(figure) if panel}
    if not panels:
        raise PartError(f":panel: {name!r}: the snippet has no figure drawn for slides in panels")
    if name not in panels:
        raise PartError(f":panel: the snippet's figure has no panel {name!r}; its panels: {', '.join(sorted(panels))}")
    for figure in figures:
        figure["handbook_panel"] = name


def show_part(container: nodes.Element, options: dict) -> list[str]:
    """Apply ``options`` to the snippet's nodes in ``container``; return the problems (then nothing is changed)."""
    steps = [
        (option, step)
        for option, step in (
            ("items", select_items),
            ("rows", select_rows),
            ("panel", choose_panel),
            ("bare", lambda node, _value: strip_to_bare(node)),
        )
        if option in options
    ]
    if not steps:
        return []
    # A dry run on a copy first: a snippet is changed only when every option applies.
    trial, problems = container.deepcopy(), []
    for option, step in steps:
        try:
            step(trial, options[option])
        except PartError as error:
            problems.append(str(error))
    if problems:
        return problems
    # Then on the snippet's own nodes, which the document's ids point to.
    for option, step in steps:
        step(container, options[option])
    if any(option != "panel" for option, _ in steps):
        container["classes"].append("snippet-part")
    return []
