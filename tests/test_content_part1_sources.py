"""Part I sources: no retired citation keys, no editorial markers, print-legible figures."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
PART_ONE = [
    *sorted((PROJECT / "docs" / "part-1-foundations").glob("*.md")),
    *(
        path
        for chapter in ("about", "history", "pharmacology", "mechanisms")
        for path in sorted((PROJECT / "snippets" / chapter).glob("*.md"))
    ),
    PROJECT / "slides" / "part-1-foundations.md",
]
FIGURES = [
    PROJECT / "snippets" / "history" / "timeline.svg",
    PROJECT / "snippets" / "mechanisms" / "pathway.svg",
]

# Tertiary or composite entries that Part I replaced with primary, per-document ones.
RETIRED_KEYS = (
    "spravato-label",
    "fda-spravato-approvals",
    "ec-spravato-approval",
    "ketamine-pk-summary",
    "erowid-timeline",
)
# Words that belong to the editors, never to readers.
EDITORIAL = re.compile(
    r"◐|not verified|partly verified|not checked|fact base|fact sheet|the sources used here"
    r"|evidence data file|\bsnippet\b",
    re.I,
)
# Figures print at the full text width (about 451 pt for a 1200-unit viewBox),
# so 22 units is about 8.3 pt; anything smaller falls under 8 pt in the PDF.
MIN_FONT_UNITS = 22


def cited_keys(text: str) -> set[str]:
    return {key.strip() for group in re.findall(r"\{cite:[pt]\}`([^`]+)`", text) for key in group.split(",")}


@pytest.mark.parametrize("path", PART_ONE, ids=lambda p: str(p.relative_to(PROJECT)))
def test_no_retired_citation_keys(path):
    retired = cited_keys(path.read_text(encoding="utf-8")) & set(RETIRED_KEYS)
    assert not retired, f"{path.relative_to(PROJECT)} still cites {sorted(retired)}"


@pytest.mark.parametrize("path", PART_ONE, ids=lambda p: str(p.relative_to(PROJECT)))
def test_no_editorial_markers_reach_readers(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [
        f"{path.relative_to(PROJECT)}:{number}: {line.strip()[:80]}"
        for number, line in enumerate(lines, 1)
        if not line.startswith("```{snippet}") and EDITORIAL.search(line)
    ]
    assert hits == []


def test_no_citation_uses_the_textual_form():
    textual = [str(p.relative_to(PROJECT)) for p in PART_ONE if "{cite:t}" in p.read_text(encoding="utf-8")]
    assert textual == [], "numbered citations need {cite:p}; name authors in the prose"


@pytest.mark.parametrize("figure", FIGURES, ids=lambda p: p.name)
def test_figure_is_epub_safe_and_legible_in_print(figure):
    text = figure.read_text(encoding="utf-8")
    assert "<!DOCTYPE" not in text, f"{figure.name}: a DOCTYPE breaks EPUB validation"
    root = ET.fromstring(text)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("viewBox") == "0 0 1200 675"
    assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
    small = []
    for element in root.iter():
        size = element.get("font-size")
        if size is not None and float(size) < MIN_FONT_UNITS:
            small.append(f"{element.tag.removeprefix(ns)} {size}")
    assert small == [], f"{figure.name}: text below 8 pt in print: {small}"
    words = " ".join(t.text or "" for t in root.iter(f"{ns}text"))
    shouting = re.findall(r"\b[A-Z]{5,}\b", words)
    assert shouting == [], f"{figure.name}: all-caps words {shouting}; use sentence case"


# -- One pharmacokinetic table for the handbook ----------------------------------
# Pharmacology (Part I) and Routes (Part II) once kept two bioavailability tables
# that drifted apart. The pharmacology snippet is now the one table; Routes refers
# to it, and the oral range quoted in prose matches it.
PK_TABLE = PROJECT / "snippets" / "pharmacology" / "routes-pk-table.md"
ROUTES = PROJECT / "docs" / "part-2-clinical-use" / "routes.md"


def test_bioavailability_is_tabulated_once():
    tables = [
        str(path.relative_to(PROJECT))
        for path in sorted((PROJECT / "snippets").rglob("*.md"))
        if "{list-table}" in (text := path.read_text(encoding="utf-8"))
        and re.search(r"^\s*- Bioavailability\s*$", text, re.M)
    ]
    assert tables == [str(PK_TABLE.relative_to(PROJECT))]
    routes = ROUTES.read_text(encoding="utf-8")
    assert "{numref}`pharmacology-routes-pk-table`" in routes, "Routes must point readers to the one table"


def test_oral_bioavailability_range_matches_the_table():
    table = PK_TABLE.read_text(encoding="utf-8")
    oral = re.search(r"\* - Oral\n\s+- ≈(\d+–\d+)%", table)
    assert oral, "the table has no oral row with a range"
    for path in (
        ROUTES,
        PROJECT / "snippets" / "routes" / "oral-numbers.md",
        PROJECT / "docs" / "part-1-foundations" / "pharmacology.md",
    ):
        text = path.read_text(encoding="utf-8")
        assert f"about {oral[1]}%" in text, (
            f"{path.relative_to(PROJECT)} does not quote the table's oral range {oral[1]}%"
        )


def test_time_course_of_benefit_cites_primary_trials():
    """The 24-hour peak and fading are cited to trials and a meta-analysis, not to an introduction."""
    for name in ("pharmacology.md", "mechanisms.md"):
        text = (PROJECT / "docs" / "part-1-foundations" / name).read_text(encoding="utf-8")
        assert "shiroma2020" not in cited_keys(text), f"{name} cites shiroma2020 for the time course"
