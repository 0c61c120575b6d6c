"""Evidence as data: ``data/trials.yaml`` → an evidence table and a plot.

The key trial results live in ONE YAML file. Two directives turn it into
output at build time, so changing one number changes the handbook, the PDF
and the decks alike:

- ``{evidence-table}``: a table, one row per result, each with its citation;
  a normal docutils table with the label ``evidence-table`` and the class
  ``record-table`` (html, epub, typst and revealjs render it like any table;
  on a phone the site shows each row as a card).
- ``{evidence-figure}``: a chart of the active-arm and comparator rates,
  one panel per measure (response, remission, relapse, suicidal ideation),
  drawn by ``evidence_chart`` in four layouts (print, wide screen, phone,
  and for slides one drawing per panel) as SVG files in the build's
  ``_generated`` folder (under the doctree directory, so parallel builds
  never share a file) and shown as a figure labelled ``evidence-figure``.
  Its ``image_variants`` node gives each builder its layout: html a
  ``<picture>`` (phone layout on narrow screens, wide otherwise), the decks
  (revealjs, pptx) the slide panel a slide names (``{snippet}``'s
  ``:panel:``), typst (the PDF), epub and every other builder a standard
  image of the print one (Typst reads the SVG as it is).

Every row is validated before anything is drawn. A missing field, a
non-numeric or out-of-range rate, a duplicate id or an unknown citation key
is a warning at ``data/trials.yaml:<line>``; ``-W`` fails the build.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from handbook_sphinx import evidence_chart
from handbook_sphinx.evidence_chart import lower_first, percent
from handbook_sphinx.image_variants import image_variants

logger = logging.getLogger(__name__)

FIELDS = {
    "id": str,
    "trial": str,
    "year": int,
    "n": int,
    "design": str,
    "population": str,
    "comparator": str,
    "measure": str,
    "outcome": str,
    "ketamine_rate": float,
    "comparator_rate": float,
    "citation": str,
    "note": str,
}
RATES = ("ketamine_rate", "comparator_rate")
# What a pair of rates counts: response, remission or relapse of depression, or
# a suicidal-ideation outcome. For relapse, LOWER is better; the figure draws
# one panel per measure and says so, so rows of different kinds never line up
# as one league table. The chart's panels are the list of measures.
MEASURES = tuple(evidence_chart.PANELS)


@dataclass(frozen=True)
class Trial:
    id: str
    trial: str
    year: int
    n: int
    design: str
    population: str
    comparator: str
    measure: str
    outcome: str
    ketamine_rate: int | float
    comparator_rate: int | float
    citation: str
    note: str
    line: int


class EvidenceError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


def load_trials(path: Path, known_keys: set[str] | None) -> tuple[list[Trial], list[EvidenceError]]:
    """Parse and validate the data file; return the good rows and every problem found."""
    errors: list[EvidenceError] = []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return [], [EvidenceError(0, f"cannot read the evidence data file: {exc.strerror}")]
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return [], [EvidenceError(mark.line + 1 if mark else 0, f"not valid YAML: {exc}")]
    if not isinstance(root, yaml.SequenceNode):
        return [], [EvidenceError(1, "the evidence data file must be a YAML list of trial results")]
    trials: list[Trial] = []
    seen: set[str] = set()
    for item in root.value:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            errors.append(EvidenceError(line, "each trial result must be a mapping of field: value"))
            continue
        raw = {key.value: value for key, value in item.value}
        lines = {key.value: key.start_mark.line + 1 for key, _ in item.value}
        row_name = raw["id"].value if "id" in raw and isinstance(raw["id"], yaml.ScalarNode) else f"at line {line}"
        values: dict[str, object] = {}
        ok = True
        for field, kind in FIELDS.items():
            if field not in raw:
                errors.append(EvidenceError(line, f"trial result {row_name!r} has no {field!r} field"))
                ok = False
                continue
            node = raw[field]
            try:
                value = yaml.SafeLoader("").construct_object(node) if isinstance(node, yaml.ScalarNode) else None
            except ValueError:  # e.g. an impossible date such as 2023-02-30
                value = node.value
            where = lines[field]
            if kind is str:
                if not isinstance(value, str) or (field != "note" and not value.strip()):
                    errors.append(EvidenceError(where, f"trial result {row_name!r}: {field!r} must be text"))
                    ok = False
                    continue
                if field == "measure" and value not in MEASURES:
                    errors.append(
                        EvidenceError(
                            where,
                            f"trial result {row_name!r}: 'measure' must be one of {', '.join(MEASURES)}, not {value!r}",
                        )
                    )
                    ok = False
                    continue
            elif kind is int:
                if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                    errors.append(
                        EvidenceError(
                            where,
                            f"trial result {row_name!r}: {field!r} must be a positive whole number, not {value!r}",
                        )
                    )
                    ok = False
                    continue
            else:
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    errors.append(
                        EvidenceError(
                            where,
                            f"trial result {row_name!r}: {field!r} must be a number (a percentage), not {value!r}",
                        )
                    )
                    ok = False
                    continue
                if not 0 <= value <= 100:
                    errors.append(
                        EvidenceError(where, f"trial result {row_name!r}: {field!r} is {value}, outside 0–100 %")
                    )
                    ok = False
                    continue
                # Kept as written: 63.0 (a float) prints "63.0 %" beside its arm's "31.6 %", 71 prints "71 %".
            values[field] = value
        unknown = sorted(set(raw) - set(FIELDS))
        if unknown:
            errors.append(EvidenceError(line, f"trial result {row_name!r} has unknown field(s): {', '.join(unknown)}"))
            ok = False
        if ok and values["id"] in seen:
            errors.append(EvidenceError(line, f"trial result id {values['id']!r} is used twice"))
            ok = False
        if ok and known_keys is not None and values["citation"] not in known_keys:
            errors.append(
                EvidenceError(
                    lines["citation"],
                    f"trial result {row_name!r}: citation key {values['citation']!r} is not in the bibliography",
                )
            )
            ok = False
        if ok:
            seen.add(values["id"])
            trials.append(Trial(line=line, **values))
    return trials, errors


def _bib_keys(env) -> set[str] | None:
    domain = env.get_domain("cite")
    bibdata = getattr(domain, "bibdata", None)
    entries = getattr(getattr(bibdata, "data", None), "entries", None)
    return set(entries) if entries is not None else None


class _EvidenceDirective(SphinxDirective):
    has_content = False
    option_spec: dict = {}

    def load(self) -> list[Trial] | None:
        path = Path(self.config.handbook_confdir) / self.config.handbook_evidence_data
        self.env.note_dependency(str(path))
        trials, errors = load_trials(path, _bib_keys(self.env))
        for error in errors:
            logger.warning(
                "evidence data: %s",
                error,
                location=f"{path}:{error.line}" if error.line else str(path),
                type="handbook",
                subtype="evidence-data",
            )
        if errors:
            logger.warning(
                "the %s is not drawn because the evidence data file has errors",
                self.what,
                location=self.get_location(),
                type="handbook",
                subtype="evidence-data",
            )
            return None
        if not trials:
            logger.warning("the evidence data file has no rows", location=self.get_location())
            return None
        return trials

    what = "evidence output"


class EvidenceTableDirective(_EvidenceDirective):
    """A table of every trial result, in file order."""

    what = "evidence table"

    def run(self) -> list[nodes.Node]:
        trials = self.load()
        if trials is None:
            return []
        header = ["Trial", "n", "Design and population", "Comparator", "Outcome", "Active arm", "Comparator arm"]
        lines = [
            "```{list-table} Key trial results: the response, remission or relapse rate in each arm, of "
            "depression or, where the outcome says so, of suicidal ideation. "
            "Rates are for each trial's own population, scale and time point; do not compare them across rows. "
            "For relapse, lower is better.",
            ":name: evidence-table",
            ":header-rows: 1",
            # record-table: one trial result a row, shown as a card on a phone (phone_layout).
            ":class: evidence-table record-table",
            ":widths: 18 7 22 14 17 11 11",
            "",
        ]
        lines.append("* - " + "\n  - ".join(header))
        for t in trials:
            cells = [
                f"{t.trial} {{cite:p}}`{t.citation}`",
                str(t.n),
                f"{t.design}; {t.population}",
                t.comparator,
                # The caveat is its own paragraph under the outcome, in italics,
                # not a parenthesis run into it.
                t.outcome + (f"\n\n*{t.note}*" if t.note else ""),
                percent(t.ketamine_rate),
                percent(t.comparator_rate),
            ]
            lines.append("* - " + "\n  - ".join(cell.replace("\n\n", "\n\n    ") for cell in cells))
        lines.append("```")
        return self.parse_text_to_nodes("\n".join(lines))


class EvidenceFigureDirective(_EvidenceDirective):
    """The chart of every result, one panel per outcome (``evidence_chart``), in three layouts.

    The figure holds an ``image_variants`` node with the chart drawn for
    print, for wide screens, for phones and, one drawing per outcome, for
    slides; before writing, each builder keeps what it shows: the site a
    ``<picture>`` of the wide and the phone layouts, the decks the slide
    panel the slide names, every other builder (PDF, EPUB and any new one) a
    standard image of the print layout.
    """

    what = "evidence figure"

    def run(self) -> list[nodes.Node]:
        trials = self.load()
        if trials is None:
            return []
        alt = chart_description(trials)
        out_dir = Path(self.env.doctreedir) / "_generated"
        out_dir.mkdir(parents=True, exist_ok=True)
        doc_dir = Path(self.env.doc2path(self.env.docname)).parent
        uris = {
            layout: self.write_svg(evidence_chart.render(trials, layout, alt), layout, out_dir, doc_dir)
            for layout in VARIANTS
        }
        # For slides, one drawing per outcome: a slide shows one panel.
        panels = {}
        for measure in MEASURES:
            rows = [t for t in trials if t.measure == measure]
            if rows:
                svg = evidence_chart.render(rows, "slide", chart_description(rows))
                panels[measure] = (self.write_svg(svg, f"slide-{measure}", out_dir, doc_dir), chart_description(rows))
        cites = ", ".join(sorted({t.citation for t in trials}))
        text = "\n".join(
            [
                f"```{{figure}} {uris['print']}",
                ":name: evidence-figure",
                f":alt: {alt}",
                ":class: evidence-figure",
                ":width: 100%",
                "",
                "Response, remission and relapse of depression, and suicidal-ideation outcomes, in key trials, "
                "one panel per outcome: each trial's active arm beside its comparator. Compare the bars within a "
                "trial, not across trials: each has its own population, scale and time point. For relapse, "
                f"lower is better {{cite:p}}`{cites}`.",
                "```",
            ]
        )
        result = self.parse_text_to_nodes(text)
        for image in [img for node in result for img in node.findall(nodes.image)]:
            variants = image_variants()
            variants.source, variants.line = self.get_source_info()
            for layout in VARIANTS:
                variant = image.deepcopy()
                variant["uri"] = uris[layout]
                variant["handbook_generated"] = True
                variant["handbook_variant"] = layout
                variants += variant
            for measure, (uri, description) in panels.items():
                variant = image.deepcopy()
                variant.update_all_atts({"uri": uri, "alt": description}, replace=True)
                variant["handbook_generated"] = True
                variant["handbook_variant"] = "slide"
                variant["handbook_panel"] = measure
                variants += variant
            image.replace_self(variants)
        return result

    @staticmethod
    def write_svg(svg: bytes, layout: str, out_dir: Path, doc_dir: Path) -> str:
        """Write ``svg`` under a name from its content (once); its path relative to the document."""
        target = out_dir / f"evidence-figure-{layout}-{hashlib.sha256(svg).hexdigest()[:12]}.svg"
        if not target.exists():
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(svg)
            tmp.replace(target)
        return os.path.relpath(target, doc_dir).replace(os.sep, "/")


VARIANTS = ("print", "wide", "narrow")
# What one slide panel's alt text says it shows, for every measure.
SINGLE_PANEL_LEADS = {
    "response": "response rates of depression",
    "remission": "remission rates of depression",
    "relapse": "relapse rates of depression",
    "suicidal-ideation": "suicidal-ideation outcomes",
}
assert set(SINGLE_PANEL_LEADS) == set(MEASURES), "every chart panel needs its slide alt-text lead"


def chart_description(trials: list[Trial]) -> str:
    """The chart's alt text: the rates grouped as drawn, one outcome at a time, with the direction that is better."""
    groups = []
    for measure, (title, direction) in evidence_chart.PANELS.items():
        rows = [t for t in trials if t.measure == measure]
        if rows:
            listed = "; ".join(
                f"{t.trial}, {lower_first(t.outcome)}: {percent(t.ketamine_rate)} versus "
                f"{percent(t.comparator_rate)} with {lower_first(t.comparator)}"
                for t in rows
            )
            groups.append(f"{title} ({direction}): {listed}.")
    if len(groups) == 1:  # one slide panel
        (measure,) = {t.measure for t in trials}
        what = SINGLE_PANEL_LEADS[measure]
        lead = f"Bar chart of {what} in key trials, active arm versus comparator. "
    else:
        lead = (
            "Bar charts of response, remission or relapse rates of depression, and of suicidal-ideation "
            "outcomes, in key trials, one panel per outcome, active arm versus comparator. "
        )
    return lead + " ".join(groups)


def setup(app) -> dict:
    # handbook_confdir (where data/ lives) is the snippets module's option.
    app.setup_extension("handbook_sphinx.snippets")
    app.add_config_value("handbook_evidence_data", "data/trials.yaml", "env", types=frozenset({str}))
    app.add_directive("evidence-table", EvidenceTableDirective)
    app.add_directive("evidence-figure", EvidenceFigureDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
