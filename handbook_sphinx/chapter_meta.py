"""Clinical governance: each chapter's review date and literature cut-off.

Every handbook document carries, in its front matter::

    ---
    reviewed: 2026-11-21
    evidence-cutoff: 2025-12-31
    ---

A missing or invalid date is a warning at the front-matter line, so ``-W``
fails the build. A review older than ``handbook_review_max_months`` (18) is
a warning too, unless ``handbook_allow_stale_reviews`` is set for local
drafts (``make html DRAFT=1``).

Output: a paragraph (``chapter_dates`` node) with the class ``chapter-dates`` right under the
chapter title, "Last reviewed … · Literature cut-off …", in every builder
that reads these documents (html, epub; typst sets it small under the
chapter's title, ``dates`` in handbook_sphinx/typst/handbook.typ). The date helpers
the whole project shares live in ``dates.py``. The decks build does not require the dates
(``handbook_require_review_dates`` is false there).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from handbook_sphinx.dates import build_date, long_date, months_between, parse_date

logger = logging.getLogger(__name__)

DATE_FIELDS = {"reviewed": "review date", "evidence-cutoff": "evidence cut-off"}


def _front_matter_field(source: Path, field: str) -> tuple[int, str | None]:
    """Where ``field:`` is in the source's front matter, and the author's text after it.

    Read from the file itself, because MyST drops front matter that YAML
    cannot load. Without the field, the line is the front matter's first.
    """
    try:
        lines = source.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1, None
    if not lines or lines[0].strip() != "---":
        return 1, None
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            break
        match = re.match(rf"{re.escape(field)}\s*:\s*(.*)$", line)
        if match:
            return number, match.group(1).strip().strip("'\"")
    return 1, None


def _field_line(source: Path, field: str) -> int:
    return _front_matter_field(source, field)[0]


def _raw_field(source: Path, field: str) -> str | None:
    return _front_matter_field(source, field)[1]


def check_dates(app, doctree: nodes.document) -> None:
    config = app.config
    if not config.handbook_require_review_dates:
        return
    env = app.env
    docname = env.docname
    source = Path(env.doc2path(docname))
    meta = env.metadata.get(docname, {})
    dates: dict[str, dt.date] = {}
    for field, words in DATE_FIELDS.items():
        location = f"{source}:{_field_line(source, field)}"
        value = meta.get(field)
        if field not in meta and _raw_field(source, field) is not None:
            # MyST drops front matter that YAML cannot load (e.g. 2025-13-40),
            # so read the author's own text back and judge that.
            value = _raw_field(source, field)
            meta = {**meta, field: value}
        if field not in meta:
            logger.warning(
                "front matter has no %r field: every chapter needs its %s as YYYY-MM-DD",
                field,
                words,
                location=location,
                type="handbook",
                subtype="front-matter",
            )
            continue
        parsed = parse_date(value)
        if parsed is None:
            logger.warning(
                "front matter %r is %r, which is not a date: write the %s as YYYY-MM-DD",
                field,
                value,
                words,
                location=location,
                type="handbook",
                subtype="front-matter",
            )
            continue
        dates[field] = parsed
    if len(dates) != len(DATE_FIELDS):
        return
    reviewed, cutoff = dates["reviewed"], dates["evidence-cutoff"]
    today = build_date()
    if cutoff > reviewed:
        logger.warning(
            "evidence-cutoff %s is later than the review date %s: the evidence cannot postdate the review",
            cutoff,
            reviewed,
            location=f"{source}:{_field_line(source, 'evidence-cutoff')}",
            type="handbook",
            subtype="front-matter",
        )
    if reviewed > today:
        logger.warning(
            "review date %s is in the future (build date %s)",
            reviewed,
            today,
            location=f"{source}:{_field_line(source, 'reviewed')}",
            type="handbook",
            subtype="front-matter",
        )
    age = months_between(reviewed, today)
    if age > config.handbook_review_max_months and not config.handbook_allow_stale_reviews:
        logger.warning(
            "chapter review is %d months old (last reviewed %s; the limit is %d months): review the "
            "chapter and update 'reviewed', or build a local draft with DRAFT=1",
            age,
            reviewed,
            config.handbook_review_max_months,
            location=f"{source}:{_field_line(source, 'reviewed')}",
            type="handbook",
            subtype="stale-review",
        )
    _insert_dates(doctree, reviewed, cutoff)


class chapter_dates(nodes.paragraph, nodes.Invisible):
    """The dates paragraph. Writers render it as a paragraph (Sphinx's
    translators fall back along the class hierarchy); marking it Invisible
    keeps it out of the page descriptions that sphinxext-opengraph writes
    into the meta and OpenGraph tags, which should start with the chapter's
    own first sentence."""


def _insert_dates(doctree: nodes.document, reviewed: dt.date, cutoff: dt.date) -> None:
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not section.children or not isinstance(section[0], nodes.title):
        return
    text = f"Last reviewed {long_date(reviewed)} · Literature cut-off {long_date(cutoff)}"
    section.insert(1, chapter_dates(text, text, classes=["chapter-dates"]))


def setup(app) -> dict:
    app.add_config_value("handbook_require_review_dates", True, "env", types=frozenset({bool}))
    app.add_config_value("handbook_review_max_months", 18, "env", types=frozenset({int}))
    # DRAFT=1 passes -D handbook_allow_stale_reviews=1; Sphinx converts 0/1 for a bool option.
    app.add_config_value("handbook_allow_stale_reviews", False, "env", types=frozenset({bool}))
    app.connect("doctree-read", check_dates)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
