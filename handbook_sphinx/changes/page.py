"""A ``Report`` as docutils nodes: the "What changed in this edition" page.

The page opens with a table of counts per chapter (or deck), the chapters
with safety-relevant changes first; then two sections, "Safety-relevant
changes" and "Other changes", each with one section per chapter, so the
site's right-hand contents lead to any chapter.

Standard nodes, so every builder renders the page as it renders any chapter,
and one of the page's own: ``fold``, a chapter's changes that a site reader
can open and close (``<details>``). What each builder shows:

- html (the site): every change in full, each chapter's in a ``fold`` (open
  for the safety-relevant changes, closed for the others);
- epub and the PDF (typst): the safety-relevant changes in full, and every
  other change as one line (what, where, how many sentences), pointing to
  the site for the full text. ``resolve_site_links`` (``__init__``) leaves out
  the other's, unwraps or drops the folds, so no builder but html meets a
  ``fold``; the others still render one as its content.

Paragraphs, bullet lists, ``strong`` for the words that differ,
``pending_xref`` to the section labels of this edition. Two placeholders need
the builder and are resolved at write time by ``resolve_site_links``: links to
deck slides, and links to files of the published site.

Text quoted from the earlier edition sits in nodes with the class
``earlier-edition``: it is the record of what was removed, so checks of the
current text (such as editorial-language checks) should skip it.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.util.docutils import SphinxTranslator

from handbook_sphinx.changes import wording
from handbook_sphinx.changes.compare import FieldChange, Item, Link, Report, TextChange
from handbook_sphinx.changes.text import Segment

EARLIER_CLASS = "earlier-edition"
DETAIL_CLASS = "changes-detail"
SITE_ONLY = "only-site"  # paragraphs the print editions (PDF, EPUB) leave out
PRINT_ONLY = "only-print"  # paragraphs the site leaves out
SITE_PATH = "handbook_site_path"  # attribute of a reference that resolve_site_links completes


class fold(nodes.General, nodes.Element):
    """A chapter's changes, which a site reader opens and closes.

    Attributes: ``summary`` (the line a closed fold shows), ``open`` (bool),
    ``in_print`` ("unwrap": the content stays; "drop": the content goes, a
    shorter form beside it stands for it in print).
    """


def visit_fold_html(self: SphinxTranslator, node: fold) -> None:
    opened = " open" if node.get("open") else ""
    self.body.append(f'<details class="changes-fold"{opened}><summary>{self.encode(node["summary"])}</summary>\n')


def depart_fold_html(self: SphinxTranslator, node: fold) -> None:
    self.body.append("</details>\n")


def visit_fold_plain(self, node: fold) -> None:
    """Any other builder: the content as it is (resolve_site_links keeps folds from reaching one)."""


def depart_fold_plain(self, node: fold) -> None:
    pass


def site_reference(text: str, path: str) -> nodes.reference:
    """A link to a file of the published site (a deck slide, a download), made relative at write time."""
    reference = nodes.reference(text, text, refuri="", internal=False)
    reference[SITE_PATH] = path
    return reference


def link_node(link: Link) -> nodes.Node:
    if link.path:
        return site_reference(link.text, link.path)
    if link.label:
        xref = addnodes.pending_xref(
            "", refdomain="std", reftype="ref", reftarget=link.label, refexplicit=True, refwarn=True
        )
    else:
        xref = addnodes.pending_xref(
            "", refdomain="std", reftype="doc", reftarget="/" + link.docname, refexplicit=True, refwarn=True
        )
    xref += nodes.inline(link.text, link.text)
    return xref


def segments_node(segments: list[Segment], earlier: bool) -> nodes.inline:
    node = nodes.inline(classes=[EARLIER_CLASS] if earlier else ["this-edition"])
    for segment in segments:
        if segment.marked and segment.text:
            node += nodes.strong(segment.text, segment.text)
        elif segment.text:
            node += nodes.Text(segment.text)
    return node


def _para(*children: nodes.Node, classes: list[str] | None = None) -> nodes.paragraph:
    para = nodes.paragraph(classes=classes or [])
    for child in children:
        para += child
    return para


def change_node(change: TextChange) -> nodes.list_item:
    item = nodes.list_item(classes=[f"change-{change.kind}"])
    lead = wording.change_lead(change)
    if change.context == "speaker notes":
        # Speaker notes never appear in the handbook, not even quoted here:
        # the page says that they changed, and the trainer notes PDF has them.
        item += _para(nodes.emphasis(lead, lead), nodes.Text(": see the deck's trainer notes."))
        return item
    if change.kind == "changed":
        if change.context:
            item += _para(nodes.emphasis(lead, lead))
        item += _para(nodes.Text(wording.EARLIER + " "), segments_node(change.old, True), classes=["changes-before"])
        item += _para(nodes.Text(wording.NOW + " "), segments_node(change.new, False), classes=["changes-after"])
    elif change.kind == "added":
        item += _para(
            nodes.emphasis(lead, lead), nodes.Text(": "), segments_node(change.new, False), classes=["changes-after"]
        )
    else:
        item += _para(
            nodes.emphasis(lead, lead), nodes.Text(": "), segments_node(change.old, True), classes=["changes-before"]
        )
    return item


def field_node(change: FieldChange, label: str) -> nodes.list_item:
    old, new = change.segments()
    para = _para(nodes.Text(f"{label}: "))
    para += segments_node(old, True) if old is not None else nodes.Text("(none)")
    para += nodes.Text(" → ")
    para += segments_node(new, False) if new is not None else nodes.Text("(none)")
    return nodes.list_item("", para)


def one_line_node(item: Item, group, previous: Item | None = None) -> nodes.list_item:
    """An item in one line, for print: its title linked to its place, where, and what happened."""
    title, where, happened = wording.one_line(item, group, previous)
    para = _para(classes=["changes-line"])
    if item.links:
        para += link_node(Link(title, item.links[0].docname, item.links[0].label, item.links[0].path))
    else:
        para += nodes.Text(title)
    if where:
        para += nodes.Text(f" (in {where})")
    para += nodes.Text(f": {happened}")
    return nodes.list_item("", para, classes=[f"changes-{item.category}"])


def item_node(item: Item) -> nodes.container:
    block = nodes.container(
        classes=["changes-item", f"changes-{item.category}"] + (["changes-safety"] if item.safety else [])
    )
    heading = _para(classes=["changes-item-title"])
    if item.safety:
        heading += nodes.strong(wording.safety_label(item) + ": ", wording.safety_label(item) + ": ")
    heading += nodes.strong(wording.item_heading(item), wording.item_heading(item))
    block += heading
    if item.links:
        where = _para(nodes.Text("Where: " if item.status != "removed" else "Was in: "))
        for index, link in enumerate(item.links):
            if index:
                where += nodes.Text("; ")
            where += link_node(link)
        block += where
    notes = item.note  # the heading's summary already counts the sentences that moved
    if notes:
        block += _para(nodes.Text(notes))
    # The sentences and fields: the print editions keep them for safety-relevant items only.
    detail = nodes.container(classes=[DETAIL_CLASS])
    only = item.links[0] if len(item.links) == 1 else None
    for where, changes in wording.groups(item):
        if where is not None and where != only:
            detail += _para(nodes.Text("In "), link_node(where), nodes.Text(":"), classes=["changes-place"])
        listing = nodes.bullet_list()
        for change in changes:
            listing += change_node(change)
        detail += listing
    if item.fields:
        listing = nodes.bullet_list()
        for change in item.fields:
            listing += field_node(change, wording.field_label(item, change.name))
        detail += listing
    if len(detail):
        block += detail
    return block


def overview_table(report: Report) -> nodes.table:
    """Counts per chapter or deck, those with safety-relevant changes first, and the total."""
    table = nodes.table(classes=["changes-overview"])
    group = nodes.tgroup(cols=len(wording.OVERVIEW_HEADER))
    table += group
    for width in (64, 12, 12, 12):
        group += nodes.colspec(colwidth=width)

    def row(cells) -> nodes.row:
        line = nodes.row()
        for cell in cells:
            entry = nodes.entry()
            entry += nodes.paragraph(cell, cell)
            line += entry
        return line

    head = nodes.thead()
    head += row(wording.OVERVIEW_HEADER)
    body = nodes.tbody()
    for cells in wording.overview(report):
        body += row(cells)
    group += head
    group += body
    return table


def render(report: Report, docname: str, pdf_path: str | None = None) -> list[nodes.Node]:
    """The page body: introduction, the table of counts, then the changes chapter by chapter."""
    out: list[nodes.Node] = [
        _para(nodes.Text(wording.intro(report) + " " + report.to_summary)),
        _para(nodes.Text(wording.counts(report) + " " + wording.reading_time_site(report)), classes=[SITE_ONLY]),
        _para(nodes.Text(wording.counts(report) + " " + wording.print_time(report)), classes=[PRINT_ONLY]),
        _para(nodes.Text(wording.READING_GUIDE)),
    ]
    if pdf_path:
        out.append(
            _para(
                nodes.Text("For the committee pack: "),
                site_reference("the safety-relevant changes in full and a list of the others, as a PDF", pdf_path),
                nodes.Text("."),
                classes=["changes-download", SITE_ONLY],
            )
        )
    out.append(
        _para(
            nodes.Text(wording.PRINT_NOTE + " "),
            site_reference(wording.TITLE, f"{docname}.html"),
            nodes.Text("."),
            classes=["changes-print-note", PRINT_ONLY],
        )
    )
    if not report.items:
        return out
    out.append(overview_table(report))
    for key, heading, grouped in wording.sections(report):
        section = nodes.section(ids=[nodes.make_id(f"what-changed-{key}")])
        section += nodes.title(heading, heading)
        if key == "safety":
            section += _para(nodes.Text(wording.SAFETY_INTRO))
        else:
            section += _para(nodes.Text(wording.OTHER_INTRO_SITE), classes=[SITE_ONLY])
            section += _para(nodes.Text(wording.OTHER_INTRO_PRINT), classes=[PRINT_ONLY])
        for group, items in grouped:
            chapter = nodes.section(ids=[nodes.make_id(f"what-changed-{key}-{group.title}")])
            chapter += nodes.title(group.title, group.title)
            if key == "safety":
                # Print has no fold to show it: how long this chapter's changes take to read.
                chapter += _para(nodes.Text(wording.fold_summary(items) + "."), classes=["changes-time", PRINT_ONLY])
            full = fold(summary=wording.fold_summary(items), open=key == "safety")
            full["in_print"] = "unwrap" if key == "safety" else "drop"
            for item in items:
                full += item_node(item)
            chapter += full
            if key != "safety":
                lines = nodes.bullet_list(classes=["changes-lines", PRINT_ONLY])
                for index, item in enumerate(items):
                    lines += one_line_node(item, group, items[index - 1] if index else None)
                chapter += lines
            section += chapter
        out.append(section)
    return out
