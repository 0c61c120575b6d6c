"""A ``Report`` as docutils nodes: the "What changed in this edition" page.

Only standard nodes, so every builder renders the page as it renders any
chapter. The site shows every change in full; the print editions (the PDF
and the EPUB) show the safety-relevant changes in full and list the others
with their counts and links, pointing to the site and the committee PDF for
the rest (``resolve_site_links`` drops the other items' ``changes-detail``): sections (one per category, the safety-relevant items first),
paragraphs, bullet lists, a table of counts, ``strong`` for the words that
differ, ``pending_xref`` to the section labels of this edition. Two
placeholders need the builder and are resolved at write time by
``resolve_site_links`` (``__init__``): links to deck slides, and the link to the
standalone PDF.

Text quoted from the earlier edition sits in nodes with the class
``earlier-edition``: it is the record of what was removed, so checks of the
current text (such as editorial-language checks) should skip it.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes

from handbook_sphinx.changes import wording
from handbook_sphinx.changes.compare import FieldChange, Item, Link, Report, TextChange
from handbook_sphinx.changes.text import Segment

EARLIER_CLASS = "earlier-edition"
DETAIL_CLASS = "changes-detail"
SITE_ONLY = "only-site"  # paragraphs the print editions (PDF, EPUB) leave out
PRINT_ONLY = "only-print"  # paragraphs the site leaves out
SITE_PATH = "handbook_site_path"  # attribute of a reference that resolve_site_links completes


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


def field_node(change: FieldChange) -> nodes.list_item:
    old, new = change.segments()
    para = _para(nodes.literal(change.name, change.name), nodes.Text(": "))
    para += segments_node(old, True) if old is not None else nodes.Text("(none)")
    para += nodes.Text(" → ")
    para += segments_node(new, False) if new is not None else nodes.Text("(none)")
    return nodes.list_item("", para)


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
    notes = " ".join(part for part in (item.note, wording.moved_note(item)) if part)
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
            listing += field_node(change)
        detail += listing
    if len(detail):
        block += detail
    return block


def overview_table(report: Report) -> nodes.table:
    """The sections of the page, with their counts and words to read."""
    table = nodes.table(classes=["changes-overview"])
    group = nodes.tgroup(cols=len(wording.OVERVIEW_HEADER))
    table += group
    for width in (52, 12, 12, 12, 12):
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


def render(report: Report, pdf_path: str | None, docname: str) -> list[nodes.Node]:
    """The page body: introduction, counts, then one section per group of items."""
    out: list[nodes.Node] = [
        _para(nodes.Text(wording.intro(report) + " " + report.to_summary)),
        _para(nodes.Text(wording.counts(report) + " " + wording.reading_time(report))),
        _para(nodes.Text(wording.READING_GUIDE)),
    ]
    if pdf_path:
        out.append(
            _para(
                nodes.Text("For the committee pack: "),
                site_reference("this comparison as a PDF", pdf_path),
                nodes.Text("."),
                classes=["changes-download", SITE_ONLY],
            )
        )
        out.append(
            _para(
                nodes.Text(wording.PRINT_NOTE + " "),
                site_reference(pdf_path.rsplit("/", 1)[-1], pdf_path),
                nodes.Text("."),
                classes=[PRINT_ONLY],
            )
        )
    if not report.items:
        return out
    out.append(overview_table(report))
    for key, heading, items in wording.sections(report):
        section = nodes.section(ids=[nodes.make_id(f"what-changed-{key}")])
        section += nodes.title(heading, heading)
        for item in items:
            section += item_node(item)
        out.append(section)
    return out
