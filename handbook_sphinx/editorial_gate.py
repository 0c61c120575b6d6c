"""The editorial gate: what must never be published fails the build.

A clinician who finds "not verified" in a reference list, or "[Authors not
recorded]" as an author, stops trusting the book. Each problem below is a
warning (type ``handbook``) at the file and line to fix, so ``-W`` fails the
build:

=============================  ==================================================
subtype                        what
=============================  ==================================================
``reference-incomplete``       a BibTeX entry lacks a field its type needs (an
                               article: author, title, journal, year, volume,
                               pages or article number, DOI or PMID, where
                               ``epub`` (published online before its issue)
                               stands for volume and pages; a label or other
                               document: author or holder, title, year, version
                               or how it was published, URL), its year is not a
                               year, or it names fewer than six authors before
                               ``and others``
``reference-placeholder``      a placeholder for an author ("[Authors not
                               recorded]", ``others`` alone) or a title in
                               square brackets (a description, not the title)
``reference-editorial-note``   a ``note`` holding an editorial instruction ("not
                               verified", "check …", "before publishing")
``tertiary-source``            a source or link on a tertiary site listed in
                               ``data/tertiary-domains.txt`` (Wikipedia and its
                               mirrors, drug-culture sites)
``internal-term``              ◐ or production language ("fact base",
                               "snippet", "not verified", …) in what readers see:
                               chapters, snippets, slides with their speaker
                               notes, image alt text, and the text fields of the
                               evidence data (``data/trials.yaml``)
``snippet-path``               a shared passage named by its file in what readers
                               see: a path such as ``screening/key-points`` that
                               names an existing file under ``snippets/``, or
                               "Shows <folder>/<name>" (how "What changed" once
                               quoted a passage a page shows); readers know a
                               passage by its title
``reference-uncited``          an entry that nothing in the handbook cites (the
                               decks cite subsets, so not in the deck build)
``citation-label-clash``       two entries of one reference list that would print
                               the same in-text citation
``reference-exception``        a line of the exception list (below) that is
                               malformed or stale: its entry no longer exists,
                               or the field it excuses is now complete
=============================  ==================================================

**Exceptions.** A field that no published record shows (a DOI the publisher
never assigned, an author list no reachable record prints) cannot be
completed without inventing it. ``data/reference-exceptions.txt``
(``handbook_reference_exceptions``) lists such gaps, one a line::

    key field: reason (records consulted)

Each line skips exactly one ``reference-incomplete`` check for exactly one
entry: ``field`` names a required field (any member of a "one of these"
group names the group: ``doi`` or ``pmid``, ``pages`` or ``eid``), ``year``
also covers a year that is not a year, and ``author`` (or ``editor``) also
covers fewer than six names before ``and others``. Placeholders, editorial
notes and tertiary sources can never be excused. A line whose entry is gone,
or whose field is now complete, is stale and fails the build at its own
line, so the list only ever names real, current gaps. The list is reported
in the release notes.

Locations are the source's own: a BibTeX entry's line in the ``.bib`` file
(pybtex keeps none, so they are found in the file's text), a snippet's own
file and line for text shown from a snippet, the key's line in the YAML.

Text quoted from an earlier edition ("What changed", class
``earlier-edition``) is checked like the rest: the comparison leaves an
earlier edition's authors' notes out of its quotes, and never prints a
snippet's path (it names a passage by its title).

Text problems are collected as each document is read and kept in the
environment, so every build reports all of them, not only those of the
documents it re-read. Everything else is checked at ``env-updated`` in every
build (html, epub, typst, revealjs, pptx). The gate writes no nodes.

``handbook_editorial_gate`` (default on) turns the gate off for a local
look at a draft: ``-D handbook_editorial_gate=0``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.util import logging
from sphinxcontrib.bibtex.style.referencing import format_references
from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo

from .citations import is_others
from .snippets import known_snippets

logger = logging.getLogger(__name__)

# Production language that readers must never see (case is ignored; a space
# also matches a line break).
INTERNAL_TERMS = (
    "◐",
    "fact base",
    "fact sheet",
    "not verified",
    "unverified",
    "partly verified",
    "not checked",
    "snippet",
    "snippets",
    "placeholder",
    "TODO",
    "before publishing",
    "evidence data file",
)
# Editorial instructions in a BibTeX note: it prints in the reference list.
NOTE_INSTRUCTIONS = (
    *INTERNAL_TERMS,
    "verif",
    "confirm",
    "check",
    "not captured",
    "not recorded",
    "not found",
    "to be replaced",
    "replace",
    "supplied",
    "taken from",
    "secondary source",
    "FIXME",
)
# Authors that stand in for authors nobody recorded.
PLACEHOLDER_AUTHOR = re.compile(r"[\[\]]|^(anon(ymous)?|unknown|n\.?\s?a\.?|authors?|et al\.?)$|not recorded", re.I)
# Fields each entry type needs; a tuple is "one of these".
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "article": (("author",), ("title",), ("journal",), ("year",), ("volume",), ("pages", "eid"), ("doi", "pmid")),
    "book": (("author", "editor"), ("title",), ("publisher",), ("year",)),
    "incollection": (("author",), ("title",), ("booktitle",), ("publisher",), ("year",)),
    "inproceedings": (("author",), ("title",), ("booktitle",), ("year",)),
    "techreport": (("author", "institution"), ("title",), ("institution",), ("year",), ("url", "doi")),
    "misc": (
        ("author", "organization"),
        ("title",),
        ("year",),
        ("version", "revision", "howpublished"),
        ("url", "doi"),
    ),
}
# An article published online before its issue (``epub = {2025 Oct 22}``)
# has no volume or pages yet.
ONLINE_FIRST_WAIVES = (("volume",), ("pages", "eid"))
REQUIRED["inbook"] = REQUIRED["incollection"]
REQUIRED["report"] = REQUIRED["techreport"]
FIELD_NAMES = {"eid": "article number ('eid')", "pmid": "PMID"}
# Fields an exception may name: every required field, and the people.
EXCEPTABLE_FIELDS = frozenset(
    {name for choices in REQUIRED.values() for choice in choices for name in choice} | {"author", "editor", "year"}
)
# key field: reason
EXCEPTION_LINE = re.compile(r"^(?P<key>[^\s:]+)[ \t]+(?P<field>[\w-]+)[ \t]*:[ \t]*(?P<reason>.*?)\s*$")
# An entry's first line in a .bib file: @type{key,
BIB_ENTRY = re.compile(r"^[ \t]*@(?P<type>\w+)[ \t]*[{(][ \t]*(?P<key>[^,\s]+)[ \t]*,", re.M)
SKIPPED_NODES = (nodes.comment, nodes.raw, nodes.system_message, nodes.substitution_definition)
# A path the way snippets are named ("screening/key-points"): lower-case words
# and hyphens on each side of one slash, not part of a longer path or a URL.
SNIPPET_NAME = re.compile(r"(?<![\w/.@:~-])([a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*)(?![\w/-])")
# "Shows screening/key-points": how "What changed" once quoted a passage a page shows.
SHOWS_PATH = re.compile(r"\bShows\s+[\w-]+/[\w/-]+")


def term_pattern(terms) -> re.Pattern:
    parts = []
    for term in sorted(terms, key=len, reverse=True):
        body = r"\s+".join(re.escape(word) for word in term.split())
        parts.append(rf"(?<!\w){body}(?!\w)" if term[0].isalnum() else body)
    return re.compile("|".join(parts), re.I)


def domain_pattern(domains) -> re.Pattern | None:
    if not domains:
        return None
    alternatives = "|".join(re.escape(domain) for domain in sorted(domains, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:[\w-]+\.)*(?P<domain>{alternatives})(?![\w-])", re.I)


def read_domains(path: Path) -> list[str]:
    """One domain a line; ``#`` starts a comment."""
    if not path.is_file():
        return []
    lines = (line.split("#", 1)[0].strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


# -- Where BibTeX entries and fields sit in the file ---------------------------


@dataclass(frozen=True)
class BibLocation:
    path: Path
    line: int
    field_lines: dict[str, int]

    def of(self, field: str | None = None) -> str:
        return f"{self.path}:{self.field_lines.get(field, self.line) if field else self.line}"


def bib_locations(path: Path) -> dict[str, BibLocation]:
    """Entry key (lower case) → its line and its fields' lines in ``path``."""
    text = path.read_text(encoding="utf-8-sig")
    starts = [m for m in BIB_ENTRY.finditer(text) if m["type"].lower() not in {"comment", "string", "preamble"}]
    found: dict[str, BibLocation] = {}
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        first = text.count("\n", 0, match.start()) + 1
        fields = {}
        for field in re.finditer(r"^[ \t]*(?P<name>[\w-]+)[ \t]*=", text[match.start() : end], re.M):
            fields[field["name"].lower()] = first + text.count("\n", match.start(), match.start() + field.start())
        found.setdefault(match["key"].lower(), BibLocation(path, first, fields))
    return found


# -- Checks of the bibliography ----------------------------------------------


def _warn(message: str, location: str, subtype: str) -> None:
    logger.warning(message, location=location, type="handbook", subtype=subtype)


def check_entry(
    key: str,
    entry,
    where: BibLocation,
    tertiary: re.Pattern | None,
    notes: re.Pattern,
    excused: frozenset[str] = frozenset(),
) -> set[str]:
    """Warn about each problem of one entry; return the ``excused`` fields that did excuse a gap."""
    used: set[str] = set()

    def excuse(*names: str) -> bool:
        found = excused & set(names)
        used.update(found)
        return bool(found)

    kind = entry.type.lower()
    fields = {name.lower(): str(value).strip() for name, value in entry.fields.items()}
    persons = {role.lower(): people for role, people in entry.persons.items()}
    present = set(fields) | {role for role, people in persons.items() if people}
    for choice in REQUIRED.get(kind, REQUIRED["misc"]):
        if kind == "article" and "epub" in fields and choice in ONLINE_FIRST_WAIVES:
            continue  # published online before its issue: no volume or pages yet
        if not present & set(choice):
            if excuse(*choice):
                continue
            wanted = " nor ".join(repr(FIELD_NAMES.get(name, name)) for name in choice)
            what = f"has no {wanted}" if len(choice) == 1 else f"has neither {wanted}"
            _warn(
                f"reference {key!r} ({kind}) {what}: complete it from the published record",
                where.of(),
                "reference-incomplete",
            )
    year = fields.get("year")
    if year is not None and not re.fullmatch(r"\d{4}", year) and not excuse("year"):
        _warn(
            f"reference {key!r}: year {year!r} is not a year: give the year of the version cited",
            where.of("year"),
            "reference-incomplete",
        )
    for role in ("author", "editor"):
        people = persons.get(role, [])
        named = [person for person in people if not is_others(person)]
        placeholders = [str(person) for person in named if PLACEHOLDER_AUTHOR.search(str(person).strip("{} "))]
        if people and not named:
            placeholders.append("others")
        for placeholder in placeholders:
            _warn(
                f"reference {key!r}: {role} {placeholder!r} is a placeholder, not a name: "
                "name the real authors (the first six, then 'and others') or drop the source",
                where.of(role),
                "reference-placeholder",
            )
        if named and len(named) < len(people) and len(named) < 6 and not excuse(role):
            _warn(
                f"reference {key!r}: {len(named)} {role}(s) named before 'and others': name the first six as published",
                where.of(role),
                "reference-incomplete",
            )
    title = fields.get("title", "")
    if title.lstrip("{").startswith("["):
        _warn(
            f"reference {key!r}: the title is in square brackets, a description rather than the published title",
            where.of("title"),
            "reference-placeholder",
        )
    note = fields.get("note")
    if note:
        match = notes.search(note)
        if match:
            _warn(
                f"reference {key!r}: the note is an editorial instruction ({match.group(0)!r}) and would print "
                "in the reference list: resolve it and delete the note",
                where.of("note"),
                "reference-editorial-note",
            )
    if tertiary is not None:
        values = {**fields, **{role: " and ".join(map(str, people)) for role, people in persons.items()}}
        for name, value in values.items():
            match = tertiary.search(value)
            if match:
                _warn(
                    f"reference {key!r}: {match['domain'].lower()} is a tertiary source: cite the primary source "
                    "(or a scholarly review) instead",
                    where.of(name),
                    "tertiary-source",
                )
    return used


# -- Exceptions: gaps no published record can fill ----------------------------


@dataclass(frozen=True)
class ReferenceException:
    key: str
    field: str
    reason: str
    location: str  # "path:line" of its line in the exception list


def read_exceptions(path: Path) -> list[ReferenceException]:
    """The lines of the exception list; a malformed line is a warning at its own line and excuses nothing."""
    if not path.is_file():
        return []
    found: list[ReferenceException] = []
    seen: dict[tuple[str, str], int] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        location = f"{path}:{number}"
        match = EXCEPTION_LINE.match(line.strip())
        if match is None or not match["reason"]:
            _warn(
                f"reference exception {line.strip()!r} is not 'key field: reason (records consulted)': "
                "say which field of which entry no record shows, and why",
                location,
                "reference-exception",
            )
            continue
        field = match["field"].lower()
        if field not in EXCEPTABLE_FIELDS:
            _warn(
                f"reference exception for {match['key']!r}: {field!r} is not a field the editorial gate requires "
                f"(one of: {', '.join(sorted(EXCEPTABLE_FIELDS))})",
                location,
                "reference-exception",
            )
            continue
        identity = (match["key"].lower(), field)
        if identity in seen:
            _warn(
                f"reference exception {match['key']!r} {field!r} is listed twice (first on line {seen[identity]}): "
                "delete this line",
                location,
                "reference-exception",
            )
            continue
        seen[identity] = number
        found.append(ReferenceException(match["key"], field, match["reason"], location))
    return found


def check_stale_exceptions(exceptions: list[ReferenceException], used: set[tuple[str, str]], entries) -> None:
    """An exception whose entry is gone, or whose field is now complete, fails the build at its line."""
    keys = {key.lower() for key in entries}
    for exception in exceptions:
        identity = (exception.key.lower(), exception.field)
        if identity in used:
            continue
        if identity[0] not in keys:
            why = f"the entry {exception.key!r} no longer exists in the bibliography"
        else:
            why = f"the {exception.field!r} of {exception.key!r} is now complete"
        _warn(
            f"reference exception {exception.key!r} {exception.field!r} is stale: {why}: delete this line",
            exception.location,
            "reference-exception",
        )


def exceptions_path(app) -> Path:
    return Path(app.config.handbook_confdir) / app.config.handbook_reference_exceptions


def check_bibliography(app, env, tertiary: re.Pattern | None) -> dict[str, BibLocation]:
    domain = env.get_domain("cite")
    notes = term_pattern(NOTE_INSTRUCTIONS)
    locations: dict[str, BibLocation] = {}
    for bibfile in domain.bibdata.bibfiles:
        path = Path(bibfile)
        if path.is_file():
            locations.update(bib_locations(path))
    exceptions = read_exceptions(exceptions_path(app))
    excused: dict[str, set[str]] = {}
    for exception in exceptions:
        excused.setdefault(exception.key.lower(), set()).add(exception.field)
    used: set[tuple[str, str]] = set()
    for key, entry in domain.bibdata.data.entries.items():
        where = locations.get(key.lower())
        if where is None:  # only a .bib file the gate cannot read could get here
            continue
        fields = check_entry(key, entry, where, tertiary, notes, frozenset(excused.get(key.lower(), ())))
        used.update((key.lower(), field) for field in fields)
    check_stale_exceptions(exceptions, used, domain.bibdata.data.entries)
    return locations


def check_uncited(env, locations: dict[str, BibLocation]) -> None:
    domain = env.get_domain("cite")
    cited = {target.key.lower() for ref in domain.citation_refs for target in ref.targets}
    for key in domain.bibdata.data.entries:
        if key.lower() not in cited and key.lower() in locations:
            _warn(
                f"reference {key!r} is cited nowhere in the handbook: cite it where it supports a statement, "
                "or delete it",
                locations[key.lower()].of(),
                "reference-uncited",
            )


def printed_citation(style, citation) -> str:
    """What ``{cite:p}`` prints for this one entry in its own reference list."""
    info = SphinxReferenceInfo(
        builder=None, fromdocname="", todocname="", citation_id="", title=None, pre_text="", post_text=""
    )
    text = format_references(style, "p", [(citation.entry, citation.formatted_entry, info)])
    return str(text)


def check_label_clashes(env, locations: dict[str, BibLocation]) -> None:
    domain = env.get_domain("cite")
    seen: dict[tuple, str] = {}
    for citation in domain.citations:
        printed = printed_citation(domain.reference_style, citation)
        where = (citation.bibliography_key, printed)
        other = seen.setdefault(where, citation.key)
        if other != citation.key:
            location = locations.get(citation.key.lower())
            _warn(
                f"references {other!r} and {citation.key!r} would both print as {printed!r} in "
                f"{citation.bibliography_key.docname}: readers could not tell them apart",
                location.of() if location else citation.bibliography_key.docname,
                "citation-label-clash",
            )


# -- Reader-facing text ------------------------------------------------------


class SourceLines:
    """Source files read once per process, to place a match on its own line."""

    def __init__(self):
        self._texts: dict[str, str] = {}

    def text(self, path: str) -> str:
        if path not in self._texts:
            try:
                self._texts[path] = Path(path).read_text(encoding="utf-8")
            except OSError:
                self._texts[path] = ""
        return self._texts[path]

    def line_of(self, matched: str, path: str, near: int) -> int | None:
        """The line of ``matched`` at or after line ``near`` of ``path``; None if the file does not hold it."""
        text = self.text(path)
        if not text:
            return None
        offset = sum(len(line) for line in text.splitlines(keepends=True)[: max(near, 1) - 1])
        exact = re.compile(r"\s+".join(re.escape(word) for word in matched.split()), re.I)
        found = exact.search(text, offset) or exact.search(text)
        return text.count("\n", 0, found.start()) + 1 if found else None

    def last_line(self, path: str) -> int:
        return self.text(path).count("\n") or 1


_SOURCES = SourceLines()


def _origin(node: nodes.Node) -> tuple[str | None, int | None]:
    while node is not None:
        source, line = getattr(node, "source", None), getattr(node, "line", None)
        if source and line:
            return source, line
        node = node.parent
    return None, None


def _skipped(node: nodes.Node) -> bool:
    """Text no reader sees.

    Text quoted from an earlier edition ("What changed") is checked like the
    rest: the comparison leaves authors' notes out of its quotes
    (``changes.text.without_editorial_notes``), so one that reaches the page
    is a defect of the comparison.
    """
    while node is not None:
        if isinstance(node, SKIPPED_NODES):
            return True
        node = node.parent
    return False


def snippet_paths(text: str, snippets: set[str]) -> list[str]:
    """The snippet names and "Shows …" placeholders in ``text``, in order."""
    found = [(match.start(), match.group(0)) for match in SHOWS_PATH.finditer(text)]
    covered = [range(match.start(), match.end()) for match in SHOWS_PATH.finditer(text)]
    for match in SNIPPET_NAME.finditer(text):
        name = match.group(1)
        if name in snippets and not any(match.start() in span for span in covered):
            found.append((match.start(), name))
    return [shown for _, shown in sorted(found)]


def scan_doctree(app, doctree: nodes.document) -> None:
    """Collect the internal terms and tertiary links readers would see in this document."""
    hits = app.env.handbook_editorial_hits.setdefault(app.env.docname, [])
    hits.clear()
    if not app.config.handbook_editorial_gate:
        return
    terms = term_pattern(app.config.handbook_editorial_terms)
    tertiary = domain_pattern(tertiary_domains(app))
    data_text = evidence_text(app).lower()

    def record(node, shown, message, subtype):
        source, line = _origin(node)
        if source is None:
            source, line = app.env.doc2path(app.env.docname), 1
        exact = _SOURCES.line_of(shown, source, line)
        if exact is None:
            if shown.lower() in data_text:
                return  # from the evidence data, reported at its own line there
            # Text a directive generated: at most the file's last line.
            exact = min(line, _SOURCES.last_line(source))
            message = message.replace("in text readers see", "in text generated here, which readers see")
        hits.append((f"{source}:{exact}", message, subtype))

    snippets = set(known_snippets(app.config.handbook_confdir))
    for text in doctree.findall(nodes.Text):
        if _skipped(text):
            continue
        for shown in snippet_paths(str(text), snippets):
            what = (
                "the comparison's stand-in for a shared passage"
                if shown.startswith("Shows")
                else ("the file name of a shared passage")
            )
            record(
                text.parent,
                " ".join(shown.split()),
                f"{' '.join(shown.split())!r} is {what}, in text readers see: name the passage by its title",
                "snippet-path",
            )
        for match in terms.finditer(str(text)):
            shown = " ".join(match.group(0).split())
            record(
                text.parent,
                shown,
                f"{shown!r} is editorial language in text readers see: rewrite it for readers",
                "internal-term",
            )
    for image in doctree.findall(nodes.image):
        for match in terms.finditer(image.get("alt", "")):
            shown = " ".join(match.group(0).split())
            record(
                image if image.line else image.parent,
                shown,
                f"{shown!r} is editorial language in an image's alt text: rewrite it for readers",
                "internal-term",
            )
    if tertiary is not None:
        for reference in doctree.findall(nodes.reference):
            uri = reference.get("refuri", "")
            match = tertiary.search(uri)
            if match:
                domain = match["domain"].lower()
                record(
                    reference,
                    uri,
                    f"link to {domain}, a tertiary source: cite the primary source (or a scholarly review) instead",
                    "tertiary-source",
                )


def evidence_path(app) -> Path:
    return Path(app.config.handbook_confdir) / app.config.handbook_evidence_data


def evidence_text(app) -> str:
    path = evidence_path(app)
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def tertiary_domains(app) -> list[str]:
    return read_domains(Path(app.config.handbook_confdir) / app.config.handbook_tertiary_domains)


def check_evidence_data(app, terms: re.Pattern) -> None:
    """The text fields of the evidence data, which the evidence table and figure print."""
    path = evidence_path(app)
    if not path.is_file():
        return
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"))
    except yaml.YAMLError:
        return  # the evidence module reports the file itself
    if not isinstance(root, yaml.SequenceNode):
        return
    for item in root.value:
        if not isinstance(item, yaml.MappingNode):
            continue
        for key, value in item.value:
            if isinstance(value, yaml.ScalarNode) and isinstance(value.value, str):
                for match in terms.finditer(value.value):
                    shown = " ".join(match.group(0).split())
                    _warn(
                        f"{shown!r} is editorial language in the evidence data's {key.value!r}, which readers see "
                        "in the evidence table: rewrite it for readers",
                        f"{path}:{key.start_mark.line + 1}",
                        "internal-term",
                    )


# -- Wiring ----------------------------------------------------------------------


def init_hits(app, env, docnames) -> None:
    if not hasattr(env, "handbook_editorial_hits"):
        env.handbook_editorial_hits = {}


def purge_hits(app, env, docname) -> None:
    getattr(env, "handbook_editorial_hits", {}).pop(docname, None)


def merge_hits(app, env, docnames, other) -> None:
    for docname in docnames:
        env.handbook_editorial_hits[docname] = other.handbook_editorial_hits.get(docname, [])


def run_gate(app, env) -> list[str]:
    if not app.config.handbook_editorial_gate:
        return []
    for docname in sorted(getattr(env, "handbook_editorial_hits", {})):
        if docname not in env.all_docs:
            continue
        for location, message, subtype in env.handbook_editorial_hits[docname]:
            _warn(message, location, subtype)
    domains_file = Path(app.config.handbook_confdir) / app.config.handbook_tertiary_domains
    if not domains_file.is_file():
        _warn(
            f"the list of tertiary-source domains {app.config.handbook_tertiary_domains} does not exist: "
            "the editorial gate needs it (see handbook_tertiary_domains in conf.py)",
            str(domains_file),
            "tertiary-source",
        )
    locations = check_bibliography(app, env, domain_pattern(tertiary_domains(app)))
    if app.config.handbook_cite_every_reference:
        check_uncited(env, locations)
    check_label_clashes(env, locations)
    check_evidence_data(app, term_pattern(app.config.handbook_editorial_terms))
    return []


def setup(app) -> dict:
    # -D handbook_editorial_gate=0 arrives as False (Sphinx converts overrides of a bool option).
    app.add_config_value("handbook_editorial_gate", True, "env", types=frozenset({bool}))
    app.add_config_value("handbook_editorial_terms", list(INTERNAL_TERMS), "env", types=frozenset({list, tuple}))
    app.add_config_value("handbook_tertiary_domains", "data/tertiary-domains.txt", "env", types=frozenset({str}))
    # Gaps no published record can fill: one 'key field: reason' a line (see above).
    app.add_config_value(
        "handbook_reference_exceptions", "data/reference-exceptions.txt", "env", types=frozenset({str})
    )
    # The handbook cites every entry; a deck cites a subset.
    app.add_config_value("handbook_cite_every_reference", True, "env", types=frozenset({bool}))
    app.connect("env-before-read-docs", init_hits)
    app.connect("env-purge-doc", purge_hits)
    app.connect("env-merge-info", merge_hits)
    app.connect("doctree-read", scan_doctree)
    # After sphinxcontrib-bibtex has numbered the reference lists (priority 500).
    app.connect("env-updated", run_gate, priority=800)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
