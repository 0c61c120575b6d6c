"""Numbered citations in Vancouver style, in the site, the EPUB, the PDF and the decks.

Clinicians read numbered references (Vancouver/ICMJE). This module gives
sphinxcontrib-bibtex the three pieces it takes for that, through its
supported plugin mechanisms; it post-processes no output text:

- the **bibliography style** ``vancouver`` (a pybtex formatting style,
  ``bibtex_default_style``): entries in order of first citation, labelled
  1, 2, 3 …, each written as "Surname AB, Surname CD, et al. Title. Journal.
  Year;Volume(Issue):Pages. https://doi.org/…" (an article published
  online before its issue has ``epub``, printed "Epub 2025 Oct 22."). At
  most six authors are
  named; a seventh, or ``and others`` in the BibTeX, prints "et al.".
- the **citation style** ``vancouver`` (a sphinxcontrib-bibtex referencing
  style, ``bibtex_reference_style``): ``{cite:p}`` prints "[1]", several
  keys "[1, 4–6]" (ascending, a run of three or more joined by an en dash,
  one ", " between groups, one pair of brackets). Square brackets rather
  than superscripts: a superscript number beside a dose or a percentage
  ("0.5 mg/kg²", "64%³") can be misread, is hard to tap on a phone and tiny
  on a slide.
- the **order** of each bibliography: the order in which its own document
  cites, then the rest of the book in toctree order. The handbook has one
  bibliography (the References chapter, which cites nothing), so its
  numbers follow first use through the whole book. Each deck has its own
  references slide, so each deck numbers its own sources from 1 in the
  order it first cites them. sphinxcontrib-bibtex 2.7 numbers every
  bibliography by first citation in the whole project, so that order is a
  patch of its domain, in ``workarounds/bibtex_local_order.py``
  (mcmtroffaes/sphinxcontrib-bibtex#184). ``tests/test_machinery_citations.py``
  checks the per-deck order.

Every builder gets plain nodes: a citation is an ``inline`` holding text
and ``reference`` nodes (html, epub and typst link each number to its
entry; on slides, revealjs and pptx, ``decks`` makes the numbers plain
text), and each entry is a docutils ``citation`` with a ``label`` and a
``paragraph`` (text, ``reference`` for the DOI or URL). A DOI or URL is
printed as the full address it links to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pybtex.plugin
from pybtex.richtext import HRef, Text
from pybtex.style import FormattedEntry
from pybtex.style.formatting import BaseStyle
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle, GroupReferenceStyle, PersonStyle
from sphinxcontrib.bibtex.style.referencing.basic_label import (
    BasicLabelParentheticalReferenceStyle,
    BasicLabelTextualReferenceStyle,
)
from sphinxcontrib.bibtex.style.referencing.extra_author import ExtraAuthorReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_empty import ExtraEmptyReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_label import ExtraLabelReferenceStyle
from sphinxcontrib.bibtex.style.referencing.extra_year import ExtraYearReferenceStyle

if TYPE_CHECKING:
    from pybtex.database import Entry, Person
    from pybtex.richtext import BaseText
    from pybtex.style.template import Node

STYLE_NAME = "vancouver"
# Vancouver (ICMJE, NLM's Citing Medicine): the first six authors, then "et al.".
MAX_AUTHORS = 6
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EN_DASH = "\u2013"


# -- The bibliography: one entry --------------------------------------------


def is_others(person: Person) -> bool:
    """BibTeX's ``and others``: pybtex keeps it as a person called "others"."""
    return str(person).strip() == "others"


def _plain(latex: str) -> str:
    return str(Text.from_latex(latex))


def initials(person: Person) -> str:
    """Given names as Vancouver initials: "C. G." → "CG", "Shu-Lun" → "SL"."""
    letters = []
    for name in person.first_names + person.middle_names:
        for part in re.split(r"[\s.\-]+", _plain(name)):
            if part:
                letters.append(part[0].upper())
    return "".join(letters)


def vancouver_name(person: Person) -> Text:
    """Surname, then initials without full stops, then a suffix: "Zarate CA Jr"."""
    surname = Text.from_latex(" ".join(person.prelast_names + person.last_names))
    parts: list[BaseText | str] = [surname]
    given = initials(person)
    if given:
        parts.append(" " + given)
    lineage = _plain(" ".join(person.lineage_names)).replace(".", "")
    if lineage:
        parts.append(" " + lineage)
    return Text(*parts)


def name_list(persons: list[Person]) -> Text:
    """Up to six names, then "et al." (also for ``and others`` in the BibTeX)."""
    named = [person for person in persons if not is_others(person)]
    et_al = len(named) > MAX_AUTHORS or len(named) < len(persons)
    shown = [vancouver_name(person) for person in named[:MAX_AUTHORS]]
    if et_al:
        shown.append(Text("et al"))
    return Text(", ").join(shown)


def pages(value: str) -> str:
    """BibTeX page ranges ("56--61", "56-61") with an en dash."""
    return re.sub(r"\s*-{1,2}\s*", EN_DASH, _plain(value))


def link(url: str) -> HRef:
    """An address printed as itself, so the PDF adds no footnote repeating it."""
    return HRef(url, url)


def doi_link(doi: str) -> HRef:
    doi = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.I)
    return link(f"https://doi.org/{doi}")


def date(entry: Entry) -> str:
    """ "2026 Mar" when a month is given (labels, press releases), else the year."""
    year = _plain(entry.fields.get("year", ""))
    month = entry.fields.get("month", "").strip()
    if month.isdigit() and 1 <= int(month) <= 12:
        return f"{year} {MONTHS[int(month) - 1]}"
    if month[:3].capitalize() in MONTHS:
        return f"{year} {month[:3].capitalize()}"
    return year


class VancouverStyle(BaseStyle):
    """Bibliography entries in Vancouver style, numbered in the order they are first cited."""

    default_name_style = "plain"  # unused: names are written by vancouver_name()
    default_label_style = "number"
    default_sorting_style = "none"  # keep sphinxcontrib-bibtex's order of first citation

    def format_entry(self, label, entry, bib_data=None):
        writer = getattr(self, f"format_{entry.type.lower()}", self.format_misc)
        sentences = [sentence for sentence in writer(entry) if sentence]
        return FormattedEntry(entry.key, Text(" ").join(sentences), label)

    # Sentences of an entry, each ending with its full stop.

    def _field(self, entry: Entry, name: str) -> Text:
        return Text.from_latex(entry.fields[name]) if entry.fields.get(name, "").strip() else Text()

    def _who(self, entry: Entry) -> Text:
        for role in ("author", "editor"):
            if entry.persons.get(role):
                names = name_list(entry.persons[role])
                if role == "editor":
                    plural = len(entry.persons[role]) > 1
                    names = Text(names, ", editors" if plural else ", editor")
                return names.add_period()
        for name in ("organization", "institution", "publisher"):
            if entry.fields.get(name):
                return self._field(entry, name).add_period()
        return Text()

    def _title(self, entry: Entry, name: str = "title") -> Text:
        return self._field(entry, name).add_period()

    def _identifier(self, entry: Entry) -> list[BaseText]:
        """A DOI (as its https://doi.org/ address), else a PMID, else the URL."""
        if entry.fields.get("doi"):
            return [doi_link(entry.fields["doi"])]
        found: list[BaseText] = []
        if entry.fields.get("pmid"):
            found.append(Text(f"PMID: {_plain(entry.fields['pmid'])}."))
        if entry.fields.get("url"):
            found.append(Text("Available from: ", link(entry.fields["url"])))
        return found

    def _note(self, entry: Entry) -> Text:
        return self._field(entry, "note").add_period()

    def _publisher(self, entry: Entry, name: str = "publisher") -> Text:
        """ "Place: Publisher; 2001." (Vancouver's imprint)."""
        place, publisher = self._field(entry, "address"), self._field(entry, name)
        imprint = Text(place, ": ", publisher) if place and publisher else Text(place or publisher)
        return (Text(imprint, "; ", date(entry)) if imprint else Text(date(entry))).add_period()

    def format_article(self, entry: Entry) -> list[BaseText]:
        source = Text(date(entry))
        if entry.fields.get("volume"):
            source = Text(source, ";", self._field(entry, "volume"))
        if entry.fields.get("number"):
            source = Text(source, "(", self._field(entry, "number"), ")")
        for name in ("pages", "eid"):
            if entry.fields.get(name):
                source = Text(source, ":", pages(entry.fields[name]))
                break
        # Published online, not yet in an issue: "Epub 2025 Oct 22." (NLM).
        online = Text("Epub ", self._field(entry, "epub"), ".") if entry.fields.get("epub") else Text()
        return [
            self._who(entry),
            self._title(entry),
            self._field(entry, "journal").add_period(),
            source.add_period(),
            online,
            self._note(entry),
            *self._identifier(entry),
        ]

    def format_book(self, entry: Entry) -> list[BaseText]:
        edition = self._field(entry, "edition")
        return [
            self._who(entry),
            self._title(entry),
            Text(edition, " ed.") if edition else Text(),
            self._publisher(entry),
            self._note(entry),
            *self._identifier(entry),
        ]

    def format_incollection(self, entry: Entry) -> list[BaseText]:
        editors = entry.persons.get("editor")
        where = Text("In: ")
        if editors:
            where = Text(where, name_list(editors), ", editors. " if len(editors) > 1 else ", editor. ")
        where = Text(where, self._title(entry, "booktitle"))
        span = Text("p. ", pages(entry.fields["pages"]), ".") if entry.fields.get("pages") else Text()
        return [
            self._who(entry),
            self._title(entry),
            where,
            self._publisher(entry),
            span,
            self._note(entry),
            *self._identifier(entry),
        ]

    format_inbook = format_incollection
    format_inproceedings = format_incollection

    def format_techreport(self, entry: Entry) -> list[BaseText]:
        number = self._field(entry, "number")
        return [
            self._who(entry),
            self._title(entry),
            self._publisher(entry, "institution"),
            Text("Report No.: ", number, ".") if number else Text(),
            self._note(entry),
            *self._identifier(entry),
        ]

    format_report = format_techreport

    def format_misc(self, entry: Entry) -> list[BaseText]:
        """Labels, regulatory documents, registry records and web pages."""
        version = self._field(entry, "version")
        published = self._field(entry, "howpublished")
        publisher = self._field(entry, "publisher")
        imprint = Text(published or publisher, "; ", date(entry)) if published or publisher else Text(date(entry))
        return [
            self._who(entry),
            self._title(entry),
            Text("Version ", version, ".") if version else Text(),
            imprint.add_period(),
            self._note(entry),
            *self._identifier(entry),
        ]


# -- In the text: [1, 4–6] ---------------------------------------------------


def _label_of(child: BaseText) -> int | None:
    """The number a formatted citation shows, or None when it carries other text (pre-/post-text)."""
    text = str(child)
    return int(text) if text.isdigit() else None


def compress(children: list[BaseText]) -> list[BaseText]:
    """Sort numbered citations and join each run of three or more: 1, 4, 5, 6 → 1, 4–6."""
    numbered = [(_label_of(child), child) for child in children]
    if any(number is None for number, _ in numbered):
        return children
    numbered.sort(key=lambda pair: pair[0])
    groups: list[list[tuple[int, BaseText]]] = []
    for number, child in numbered:
        if groups and number == groups[-1][-1][0] + 1:
            groups[-1].append((number, child))
        else:
            groups.append([(number, child)])
    result: list[BaseText] = []
    for group in groups:
        if len(group) >= 3:
            result.append(Text(group[0][1], EN_DASH, group[-1][1]))
        else:
            result.extend(child for _, child in group)
    return result


@dataclass
class RangedParentheticalStyle(BasicLabelParentheticalReferenceStyle):
    """``{cite:p}``: the numbers in one pair of brackets, runs as ranges."""

    def outer(self, role_name: str, children: list[BaseText]) -> Node:
        return super().outer(role_name, compress(children))


@dataclass
class VancouverReferenceStyle(GroupReferenceStyle):
    """In-text citations by number: "[1]", "[1, 4–6]"; ``{cite:t}`` "Zarate et al. [3]"."""

    bracket: BracketStyle = field(default_factory=lambda: BracketStyle(left="[", right="]", sep=", "))
    person: PersonStyle = field(default_factory=lambda: PersonStyle(other=Text(" et al.")))

    def __post_init__(self):
        self.styles.extend(
            [
                RangedParentheticalStyle(bracket=self.bracket),
                BasicLabelTextualReferenceStyle(bracket=self.bracket, person=self.person),
                ExtraAuthorReferenceStyle(bracket=self.bracket, person=self.person),
                ExtraLabelReferenceStyle(bracket=self.bracket),
                ExtraYearReferenceStyle(bracket=self.bracket),
                ExtraEmptyReferenceStyle(),
            ]
        )
        super().__post_init__()


def setup(app) -> dict:
    pybtex.plugin.register_plugin("pybtex.style.formatting", STYLE_NAME, VancouverStyle, force=True)
    register_plugin("sphinxcontrib.bibtex.style.referencing", STYLE_NAME, VancouverReferenceStyle, force=True)
    # Each bibliography numbered by its own document first (sphinxcontrib-bibtex#184).
    app.setup_extension("handbook_sphinx.workarounds.bibtex_local_order")
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
