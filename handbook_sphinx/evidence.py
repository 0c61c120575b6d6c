"""Evidence as data: ``data/trials.yaml`` → an evidence table and a plot.

The key trial results live in ONE YAML file. Two directives turn it into
output at build time, so changing one number changes the handbook, the PDF
and the decks alike:

- ``{evidence-table}``: a table, one row per result, each with its citation;
  a normal docutils table with the label ``evidence-table`` (html, epub,
  latex and revealjs render it like any table).
- ``{evidence-figure}``: a matplotlib bar chart of the active-arm and
  comparator rates, written as SVG into the build's ``_generated`` folder
  (under the doctree directory, so parallel builds never share a file) and
  shown as a figure labelled ``evidence-figure``. LaTeX receives it through
  the SVG→PDF converter like every other figure.

Every row is validated before anything is drawn. A missing field, a
non-numeric or out-of-range rate, a duplicate id or an unknown citation key
is a warning at ``data/trials.yaml:<line>``; ``-W`` fails the build.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

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
# What a pair of rates counts. For relapse, LOWER is better; the figure groups
# results by measure and says so, so rows of different kinds never line up as
# one league table.
MEASURES = ("response", "remission", "relapse")


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
    ketamine_rate: float
    comparator_rate: float
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
                value = float(value)
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


def _pct(value: float) -> str:
    return f"{value:.0f} %" if value == int(value) else f"{value:.1f} %"


class EvidenceTableDirective(_EvidenceDirective):
    """A table of every trial result, in file order."""

    what = "evidence table"

    def run(self) -> list[nodes.Node]:
        trials = self.load()
        if trials is None:
            return []
        header = ["Trial", "n", "Design and population", "Comparator", "Outcome", "Active arm", "Comparator arm"]
        lines = [
            "```{list-table} Key trial results from the evidence data file. Rates are for each trial's own population, scale and time point; do not compare them across rows.",
            ":name: evidence-table",
            ":header-rows: 1",
            ":class: evidence-table",
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
                t.outcome + (f" ({t.note})" if t.note else ""),
                _pct(t.ketamine_rate),
                _pct(t.comparator_rate),
            ]
            lines.append("* - " + "\n  - ".join(cell.replace("\n", " ") for cell in cells))
        lines.append("```")
        return self.parse_text_to_nodes("\n".join(lines))


class EvidenceFigureDirective(_EvidenceDirective):
    """A bar chart of active-arm versus comparator rates by trial."""

    what = "evidence figure"

    def run(self) -> list[nodes.Node]:
        trials = self.load()
        if trials is None:
            return []
        svg = render_chart(trials)
        out_dir = Path(self.env.doctreedir) / "_generated"
        out_dir.mkdir(parents=True, exist_ok=True)
        target = out_dir / f"evidence-figure-{hashlib.sha256(svg).hexdigest()[:12]}.svg"
        if not target.exists():
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(svg)
            tmp.replace(target)
        doc_dir = Path(self.env.doc2path(self.env.docname)).parent
        uri = os.path.relpath(target, doc_dir).replace(os.sep, "/")
        alt = "Bar chart of response or remission rates by trial, active arm versus comparator: " + "; ".join(
            f"{t.trial}, {t.outcome.lower()}: {_pct(t.ketamine_rate)} versus {_pct(t.comparator_rate)} with {t.comparator}"
            for t in trials
        )
        cites = ", ".join(sorted({t.citation for t in trials}))
        text = "\n".join(
            [
                f"```{{figure}} {uri}",
                ":name: evidence-figure",
                f":alt: {alt}.",
                ":class: evidence-figure",
                ":width: 100%",
                "",
                "Active-arm and comparator rates in key trials, drawn from the evidence data file. "
                f"Each pair comes from one trial with its own outcome and time point {{cite:p}}`{cites}`.",
                "```",
            ]
        )
        result = self.parse_text_to_nodes(text)
        for image in (img for node in result for img in node.findall(nodes.image)):
            image["handbook_generated"] = True
        return result


def render_chart(trials: list[Trial]) -> bytes:
    """Draw the chart as SVG bytes, identical for identical data."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    style = {
        "svg.hashsalt": "ketamine-handbook",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "font.size": 12,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with plt.rc_context(style):
        height = 1.2 + 0.55 * len(trials)
        fig, ax = plt.subplots(figsize=(10, height))
        labels = [f"{t.trial}\n{t.outcome}" for t in trials][::-1]
        active = [t.ketamine_rate for t in trials][::-1]
        comparator = [t.comparator_rate for t in trials][::-1]
        comp_names = [t.comparator for t in trials][::-1]
        ys = range(len(trials))
        bar = 0.38
        ax.barh([y + bar / 2 for y in ys], active, bar, color="#2a7f8f", label="Ketamine or esketamine arm")
        ax.barh([y - bar / 2 for y in ys], comparator, bar, color="#b86f1c", label="Comparator arm")
        for y, a, c, name in zip(ys, active, comparator, comp_names, strict=True):
            ax.text(a + 1, y + bar / 2, _pct(a), va="center", fontsize=10)
            ax.text(c + 1, y - bar / 2, f"{_pct(c)} ({name})", va="center", fontsize=10, color="#5f6b76")
        ax.set_yticks(list(ys), labels, fontsize=10)
        ax.set_xlim(0, 115)
        ax.set_xticks(range(0, 101, 20))
        ax.set_xlabel("Participants meeting the outcome (%)")
        ax.legend(loc="lower right", frameon=False, fontsize=10)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    # EPUB readers (and epubcheck) reject the external SVG 1.1 DTD.
    return re.sub(rb"<!DOCTYPE[^>]*>\s*", b"", buffer.getvalue())


def setup(app) -> dict:
    # handbook_confdir (where data/ lives) is the snippets module's option.
    app.setup_extension("handbook_sphinx.snippets")
    app.add_config_value("handbook_evidence_data", "data/trials.yaml", "env", types=frozenset({str}))
    app.add_directive("evidence-table", EvidenceTableDirective)
    app.add_directive("evidence-figure", EvidenceFigureDirective)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
