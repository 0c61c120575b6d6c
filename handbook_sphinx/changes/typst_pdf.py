"""A ``Report`` as a standalone PDF for the committee pack: ``changes-<from>-<to>.pdf``.

The report is written as one small Typst file (``changes-<from>-<to>.typ``,
kept beside the PDF) and compiled in process by the ``typst`` package, to
PDF/UA-1 (tagged, with a title and language). Every text run is a Typst
string literal, so nothing in the handbook's text can be read as markup.

Typography follows the handbook's PDF: TeX Gyre Pagella and Heros, with
DejaVu for the glyphs they lack, passed as exactly these font files (no
system fonts), so the PDF is the same on every machine. Its dates come from
``SOURCE_DATE_EPOCH``.

The pack a committee reads: the counts per chapter, then the
safety-relevant changes in full, chapter by chapter, then every other change
in one line (what, where, how many sentences), with a link to the site's
page, which shows those in full too. The last page is the sign-off.

Nothing is hyphenated (ragged right): a hyphen would extract as a soft
hyphen and change what a screen reader or a search finds. The words that
differ are bold in both texts, and additionally struck
through in the earlier text and underlined in this edition's, so the marks
survive printing in black and white. Each item links to its place in the
published edition (``html_baseurl``).
"""

from __future__ import annotations

import time
from pathlib import Path

from handbook_sphinx.changes import wording
from handbook_sphinx.changes.compare import FieldChange, Group, Item, Link, Report, TextChange
from handbook_sphinx.changes.text import Segment

# The handbook's own font files: the committee PDF is set like the book.
from handbook_sphinx.typst.compile import compile_pdf_ua, link_fonts, timestamp


class PdfError(RuntimeError):
    """The PDF could not be written; the message is one line."""


def q(text: str) -> str:
    """A Typst string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", " ")
    return f'"{escaped}"'


def t(text: str) -> str:
    """Text in markup, as a string: nothing in it is markup."""
    return f"#{q(text)}" if text else ""


PREAMBLE = r"""
#let navy = rgb("#1F3A5F")
#let teal = rgb("#2A7F8F")
#let grey = rgb("#5F6B76")
#let light = rgb("#EEF3F7")
#let ochre = rgb("#B86F1C")
#let wash = rgb("#FBF3E8")
#let serif = ("TeX Gyre Pagella", "DejaVu Serif", "DejaVu Sans")
#let sans = ("TeX Gyre Heros", "DejaVu Sans")

#let was(body) = strong(strike(stroke: 0.7pt, body))
#let now(body) = strong(underline(offset: 1.5pt, body))
#let lead(body) = text(font: sans, size: 8.5pt, fill: grey, weight: "bold", body)
#let earlier(body) = block(inset: (left: 8pt), stroke: (left: 1.5pt + grey), spacing: 0.5em)[#lead("Earlier edition") \ #body]
#let current(body) = block(inset: (left: 8pt), stroke: (left: 1.5pt + navy), spacing: 0.5em)[#lead("This edition") \ #body]
#let item-title(safety, body) = block(above: 1.3em, below: 0.6em, breakable: false)[
  #if safety != none [#box(fill: ochre, inset: (x: 4pt, y: 2pt), radius: 2pt, text(font: sans, size: 8pt, fill: white, weight: "bold", safety)) ]
  #text(font: sans, size: 10.5pt, weight: "bold", fill: navy, body)
]
#let change(body) = block(above: 0.7em, below: 0.7em, body)
#let place(body) = block(above: 0.8em, below: 0.4em, text(font: sans, size: 9pt, fill: teal, body))
#let line(body) = block(above: 0.4em, below: 0.4em, inset: (left: 8pt), text(size: 9pt, body))
"""


class TypstWriter:
    def __init__(self, report: Report, base_url: str, project: str, author: str, notice: str, page: str = ""):
        self.report = report
        self.page = page
        self.author = author
        self.base = base_url if base_url.endswith("/") else base_url + "/"
        self.project = project
        self.notice = notice
        self.out: list[str] = []

    def url(self, link: Link) -> str:
        if link.path:
            return self.base + link.path
        page = f"{self.base}{link.docname}.html"
        return page if not link.label else f"{page}#{link.label}"

    def link(self, link: Link) -> str:
        return f"#link({q(self.url(link))})[{t(link.text)}]"

    def segments(self, segments: list[Segment], earlier: bool) -> str:
        mark = "was" if earlier else "now"
        return "".join(f"#{mark}({q(s.text)})" if s.marked else t(s.text) for s in segments if s.text)

    def change(self, change: TextChange) -> None:
        lead = wording.change_lead(change)
        if change.kind == "changed":
            label = f"#lead({q(lead)}) \\ " if change.context else ""
            self.out.append(
                f"#change[{label}#earlier[{self.segments(change.old, True)}]"
                f"#current[{self.segments(change.new, False)}]]"
            )
        elif change.kind == "added":
            self.out.append(f"#change[#lead({q(lead)}) {self.segments(change.new, False)}]")
        else:
            self.out.append(f"#change[#lead({q(lead)}) {self.segments(change.old, True)}]")

    def field(self, change: FieldChange, label: str) -> None:
        old, new = change.segments()
        left = self.segments(old, True) if old is not None else t("(none)")
        right = self.segments(new, False) if new is not None else t("(none)")
        self.out.append(f"#change[{t(label + ': ')}{left} → {right}]")

    def one_line(self, item: Item, group: Group, previous: Item | None = None) -> None:
        title, where, happened = wording.one_line(item, group, previous)
        what = self.link(Link(title, *self.link_target(item.links[0]))) if item.links else t(title)
        where_text = t(f" (in {where})") if where else ""
        self.out.append(f"#line[{what}{where_text}{t(': ' + happened)}]")

    @staticmethod
    def link_target(link: Link) -> tuple:
        return link.docname, link.label, link.path

    def item(self, item: Item) -> None:
        safety = q(wording.safety_label(item)) if item.safety else "none"
        self.out.append(f"#item-title({safety})[{t(wording.item_heading(item))}]")
        if item.links:
            label = "Where: " if item.status != "removed" else "Was in: "
            self.out.append(t(label) + t("; ").join(self.link(link) for link in item.links))
            self.out.append("")
        notes = item.note  # the heading's summary already counts the sentences that moved
        if notes:
            self.out.append(t(notes))
            self.out.append("")
        only = item.links[0] if len(item.links) == 1 else None
        for where, changes in wording.groups(item):
            if where is not None and where != only:
                self.out.append(f"#place[{t('In ')}{self.link(where)}]")
            for change in changes:
                self.change(change)
            self.out.append("")
        for change in item.fields:
            self.field(change, wording.field_label(item, change.name))
        self.out.append("")

    def document(self, epoch: int) -> str:
        report = self.report
        title = f"{wording.TITLE}: {report.to_name}"
        day = time.gmtime(epoch)
        self.out = [
            "// Written by make changes (handbook_sphinx/changes/typst_pdf.py); do not edit.",
            PREAMBLE,
            f"#set document(title: {q(title)}, author: {q(self.author)}, "
            f"date: datetime(year: {day.tm_year}, month: {day.tm_mon}, day: {day.tm_mday}))",
            '#set text(font: serif, size: 10pt, lang: "en", region: "GB", hyphenate: false)',
            "#set par(justify: false, leading: 0.6em, spacing: 0.9em)",
            '#set page(paper: "a4", margin: (x: 22mm, top: 22mm, bottom: 24mm), '
            'numbering: "1 of 1", footer: context text(font: sans, size: 8pt, fill: grey)['
            f"{t(self.notice + ' ' + title + '.')} #h(1fr) "
            '#counter(page).display("1 of 1", both: true)])',
            "#show heading: set text(font: sans, fill: navy)",
            "#show heading.where(level: 1): set text(size: 18pt)",
            "#show heading.where(level: 2): it => { pagebreak(weak: true); block(below: 1em, text(size: 14pt, it)) }",
            "#show heading.where(level: 3): it => block(above: 1.6em, below: 0.8em, text(size: 12pt, it))",
            "#show link: set text(fill: teal)",
            "#set list(spacing: 0.8em)",
            "",
            f"= {t(wording.TITLE)}",
            f"#text(font: sans, size: 11pt, fill: grey)[{t(self.project)}]",
            "",
            t(wording.intro(report) + " " + report.to_summary),
            "",
            t(f"Compared: the sources of commit {report.from_commit} and of this edition."),
            "",
            t(wording.counts(report) + " " + wording.print_time(report)),
            "",
            t(wording.READING_GUIDE),
            "",
        ]
        if self.page:
            url = self.base + self.page
            self.out += [t(wording.PRINT_NOTE + " ") + f"#link({q(url)})[{t(url)}]" + t("."), ""]
        rows = wording.overview(report)
        if report.items:
            cells = ", ".join(q(c) for c in wording.OVERVIEW_HEADER)
            body = ", ".join(q(cell) for cells in rows for cell in cells)
            self.out.append(
                "#table(columns: (1fr, auto, auto, auto), align: (left, right, right, right), "
                "stroke: 0.5pt + grey, inset: 4pt, "
                f"table.header(..({cells},).map(x => strong(x))), ..({body},))"
            )
            self.out.append("")
        for key, heading, grouped in wording.sections(report):
            self.out.append(f"== {t(heading)}")
            self.out.append("")
            self.out.append(t(wording.SAFETY_INTRO if key == "safety" else wording.OTHER_INTRO_PRINT))
            self.out.append("")
            if key != "safety":
                # One line per change: two columns keep the overview to a few pages.
                self.out.append("#columns(2, gutter: 16pt)[")
            for group, items in grouped:
                self.out.append(f"=== {t(group.title)}")
                self.out.append("")
                if key == "safety":
                    self.out += [f"#lead({q(wording.fold_summary(items) + '.')})", ""]
                for index, item in enumerate(items):
                    if key == "safety":
                        self.item(item)
                    else:
                        self.one_line(item, group, items[index - 1] if index else None)
                self.out.append("")
            if key != "safety":
                self.out.append("]")
        self.out += [
            f"== {t('Sign-off')}",
            "",
            t(
                f"The reviewers below have read this comparison of edition {report.to_name} with "
                f"{'edition ' + report.from_name if report.from_date else 'commit ' + report.from_commit[:12]}."
            ),
            "",
            "#table(columns: (1fr, 1fr, 1fr, 0.6fr), inset: (x: 5pt, y: 12pt), stroke: 0.5pt + grey, "
            'table.header(..("Name", "Role", "Signature", "Date").map(x => strong(x))), '
            + ", ".join(["[]"] * 16)
            + ")",
            "",
        ]
        return "\n".join(self.out)


def write_pdf(
    report: Report, pdf: Path, *, base_url: str, project: str, author: str, notice: str, page: str = ""
) -> Path:
    """Write ``pdf`` (and its .typ source beside it); nothing is left at ``pdf`` if Typst fails."""
    import typst

    source = pdf.with_suffix(".typ")
    source.write_text(
        TypstWriter(report, base_url, project, author, notice, page).document(timestamp()), encoding="utf-8"
    )
    missing = link_fonts(pdf.parent / ".fonts")
    if missing:
        raise PdfError(f"font files missing: {', '.join(missing)} (install fonts-texgyre and fonts-dejavu-core)")
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    pdf.unlink(missing_ok=True)
    try:
        warnings = compile_pdf_ua(source, tmp, pdf.parent / ".fonts")
    except typst.TypstError as error:
        tmp.unlink(missing_ok=True)
        message = (getattr(error, "message", None) or str(error)).splitlines()[0]
        raise PdfError(f"{source}: Typst could not write the PDF: {message}") from None
    if warnings:
        tmp.unlink(missing_ok=True)
        first = getattr(warnings[0], "message", None) or str(warnings[0])
        raise PdfError(f"{source}: Typst warned: {first.splitlines()[0]}")
    tmp.replace(pdf)
    return pdf
