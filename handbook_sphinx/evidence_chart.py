"""The evidence chart, drawn as SVG from the trial results: one panel per outcome.

Response, remission and relapse of depression are different questions (for
relapse, LOWER is better), and a suicidal-ideation outcome is a question about
another symptom, so they never share an axis: each outcome gets its own panel,
with its own heading that says which direction is better, its own 0–100 %
scale, and the trials in the data file's order (never sorted into a league
table). Inside a panel each trial is a pair of bars, the active arm above
its comparator, each labelled with its rate (and the comparator's name); the
row's label names the trial with its drug and route, its size (n) and its outcome.

One drawing, four layouts (``LAYOUTS``), each sized for where it is seen:

- ``print`` (PDF, EPUB): 155 mm wide at 1 unit = 1 pt, labels left of the
  bars, no text under 8 pt, so at least 7.3 pt even when set at 15 cm;
- ``wide`` (site on a wide screen): the panels two by two, 1100 units
  wide, no text under 20 units (12 px in a 660 px column, 13.8 px in the
  site's 757 px column at 1280 px);
- ``narrow`` (site on a phone): the panels stacked, labels above the bars,
  300 units wide with no text under 12 units, so at least 12.4 CSS px in the
  312 px column of a 360 px phone;
- ``slide`` (the decks): ONE panel a drawing (``render`` is given one
  outcome's results; a deck shows one panel a slide), 1280 units wide with
  no text under 26 units, so 25 px on a 1280 × 720 slide, the key beside the
  panel's heading and the rows packed, so that a five-trial panel and the
  figure's caption fit on one slide.

The SVG is written by hand, not by a plotting library: the same data give
the same bytes, there is no DOCTYPE (EPUB readers reject it), and every text
is a ``<text>`` with an explicit ``font-size``, which the tests read. Text is
measured with the DejaVu Sans files matplotlib ships (pinned, so measurements
do not depend on the machine); readers without that font fall back to
narrower sans faces, so the text still fits.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol
from xml.sax.saxutils import escape

# The measures in the order their panels are drawn, with their headings. The
# first three are outcomes of depression; a suicidal-ideation result (response
# or remission of the ideation, as its outcome says) gets a panel of its own.
PANELS = {
    "response": ("Response", "higher is better"),
    "remission": ("Remission", "higher is better"),
    "relapse": ("Relapse", "lower is better"),
    "suicidal-ideation": ("Suicidal ideation", "higher is better"),
}
ACTIVE_LABEL = "Ketamine or esketamine arm"
COMPARATOR_LABEL = "Comparator arm"
TEAL, AMBER = "#2a7f8f", "#b86f1c"
INK, MUTED, NAVY, GRID = "#1a1a1a", "#48566b", "#1f3a5f", "#c9d1da"
FONT_FAMILY = "'DejaVu Sans', Arial, Helvetica, sans-serif"
TICKS = (0, 25, 50, 75, 100)


class Result(Protocol):
    trial: str
    measure: str
    outcome: str
    comparator: str
    ketamine_rate: float
    comparator_rate: float


@dataclass(frozen=True)
class Layout:
    """Sizes in SVG user units; ``unit`` is what one unit is in the width/height attributes."""

    name: str
    width: float
    columns: int  # panels side by side (at most)
    label_left: float  # width of the label column beside the bars; 0 puts labels above the bars
    heading: float  # font sizes
    text: float
    bar: float  # bar thickness
    unit: str = ""
    pad: float = 0.0
    row_gap: float = 0.55  # space above and below each trial's row, in text sizes
    key_beside_heading: bool = False  # the key on the first panel's heading line, right-aligned
    label_n: bool = True  # each row's label gives the trial's size (n); the slide panels leave it to the table

    @property
    def smallest_text(self) -> float:
        return min(self.heading, self.text)


LAYOUTS = {
    "print": Layout(
        "print", width=439.0, columns=1, label_left=190.0, heading=9.5, text=8.0, bar=6.5, unit="pt", pad=2
    ),
    "wide": Layout("wide", width=1100.0, columns=2, label_left=0.0, heading=25.0, text=20.0, bar=16.0, pad=8),
    "narrow": Layout("narrow", width=300.0, columns=1, label_left=0.0, heading=15.0, text=12.0, bar=10.0, pad=2),
    "slide": Layout(
        "slide",
        width=1280.0,
        columns=1,
        label_left=700.0,
        heading=28.0,
        text=26.0,
        bar=22.0,
        pad=8,
        row_gap=0.3,
        key_beside_heading=True,
        label_n=False,
    ),
}


# -- Text measurement -----------------------------------------------------------


@cache
def _font(bold: bool):
    import matplotlib
    from matplotlib.ft2font import FT2Font

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name))


@cache
def text_width(text: str, size: float, bold: bool = False) -> float:
    """The advance width of ``text`` in DejaVu Sans at ``size`` units."""
    from matplotlib.ft2font import LoadFlags

    font = _font(bold)
    font.set_size(100, 72)  # measure large, scale down: fewer rounding steps
    font.set_text(text, 0.0, flags=LoadFlags.NO_HINTING)
    return font.get_width_height()[0] / 64 * size / 100


def wrap(words: Sequence[tuple[str, bool]], width: float, size: float) -> list[list[tuple[str, bool]]]:
    """Greedy word wrap of (word, bold) pairs into lines no wider than ``width``."""
    lines: list[list[tuple[str, bool]]] = [[]]
    used = 0.0
    space = text_width(" ", size)
    for word, bold in words:
        w = text_width(word, size, bold)
        if lines[-1] and used + space + w > width:
            lines.append([])
            used = 0.0
        used += (space if lines[-1] else 0.0) + w
        lines[-1].append((word, bold))
    return lines


# -- SVG writing ----------------------------------------------------------------


def _n(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros, so the bytes are stable."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _text(x: float, y: float, size: float, content: str, *, fill: str = INK, anchor: str = "", bold=False) -> str:
    attrs = f'x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}"'
    if bold:
        attrs += ' font-weight="bold"'
    if fill != INK:
        attrs += f' fill="{fill}"'
    if anchor:
        attrs += f' text-anchor="{anchor}"'
    return f"<text {attrs}>{escape(content)}</text>"


def _line_of_words(x: float, y: float, size: float, words: list[tuple[str, bool]]) -> str:
    """One line of mixed bold and regular words, as one <text> with a <tspan> per run."""
    runs: list[tuple[str, bool]] = []
    for word, bold in words:
        if runs and runs[-1][1] == bold:
            runs[-1] = (f"{runs[-1][0]} {word}", bold)
        else:
            runs.append((f" {word}" if runs else word, bold))
    spans = "".join(
        f'<tspan font-weight="bold">{escape(text)}</tspan>' if bold else escape(text) for text, bold in runs
    )
    return f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}">{spans}</text>'


def percent(value: int | float) -> str:
    """A rate as the table, the chart and its alt text print it, with the decimals the data file gives.

    ``71`` prints "71 %", ``55.4`` "55.4 %", and ``63.0`` "63.0 %": a rate written
    with one decimal, to match the other arm's, keeps it.
    """
    return f"{value:.1f} %" if isinstance(value, float) else f"{value:.0f} %"


def lower_first(text: str) -> str:
    """Lower-case a first letter that is capital only for the sentence: "Placebo spray" → "placebo spray", "ECT" stays."""
    return text[0].lower() + text[1:] if text[:1].isupper() and text[1:2].islower() else text


def _value_labels(result: Result) -> tuple[str, str]:
    return percent(result.ketamine_rate), f"{percent(result.comparator_rate)} ({lower_first(result.comparator)})"


def _unbreakable(words: list[str]) -> list[str]:
    """Words joined where a line must not break: "week 8", "day 3", "24 h", "180 mg"."""
    joined: list[str] = []
    for word in words:
        unit = word.strip("()[],.;:")
        if joined and (word[:1].isdigit() or (joined[-1][-1:].isdigit() and len(unit) <= 3 and unit.isalpha())):
            joined[-1] = f"{joined[-1]} {word}"
        else:
            joined.append(word)
    return joined


def _label_words(result: Result, with_n: bool = True) -> list[tuple[str, bool]]:
    """A row's label: the trial with its drug and route (bold), its size, then what the rates measure.

    "KADS (subcutaneous ketamine) n = 106; remission (MADRS ≤ 10), week 4". The size is
    one unbreakable word; without ``with_n``, or for a result without ``n`` (a bare test
    double), the label goes without it: "KADS (subcutaneous ketamine) Remission (MADRS ≤ 10), week 4".
    """
    words = [(word, True) for word in _unbreakable(result.trial.split())]
    n = getattr(result, "n", None) if with_n else None
    outcome = result.outcome
    if n is not None:
        words.append((f"n\u00a0=\u00a0{n};", False))
        outcome = lower_first(outcome)
    return words + [(word, False) for word in _unbreakable(outcome.split())]


@dataclass
class _Panel:
    measure: str
    rows: list[Result]


def _scale(layout: Layout, panels: list[_Panel], bars_width: float) -> float:
    """Units per percentage point, shared by every panel: as long as the longest bar plus its label allows."""
    size, gap = layout.text, layout.text * 0.3
    scale = bars_width / 100
    for panel in panels:
        for row in panel.rows:
            for rate, label in zip((row.ketamine_rate, row.comparator_rate), _value_labels(row), strict=True):
                if rate > 0:
                    scale = min(scale, (bars_width - gap - text_width(label, size)) / rate)
    if scale <= 0:
        raise ValueError("the evidence chart's value labels do not fit its width")
    return scale


def _draw_panel(layout: Layout, panel: _Panel, x0: float, y0: float, width: float, scale: float) -> tuple[str, float]:
    """One outcome's panel at (x0, y0), ``width`` wide: its SVG group and its height."""
    size = layout.text
    line = size * 1.25
    label_left = layout.label_left
    bars_x = x0 + (label_left + size * 0.75 if label_left else 0.0)
    title, direction = PANELS[panel.measure]
    parts = [f'<g id="panel-{panel.measure}" class="panel">']
    # The heading says which way is better; on its own line if the panel is too narrow for both.
    y = y0 + layout.heading
    heading = f'<text x="{_n(x0)}" y="{_n(y)}" font-size="{_n(layout.heading)}" fill="{NAVY}" font-weight="bold">'
    direction_text = f"({direction})"
    one_line = text_width(f"{title} ", layout.heading, True) + text_width(direction_text, layout.heading)
    if one_line <= width:
        parts.append(
            f'{heading}{escape(title)} <tspan font-weight="normal" fill="{MUTED}">{escape(direction_text)}</tspan></text>'
        )
    else:
        parts.append(f"{heading}{escape(title)}</text>")
        y += layout.heading * 1.2
        parts.append(_text(x0, y, layout.heading, direction_text, fill=MUTED))
    y += layout.heading * 0.6
    rows_top = y
    body: list[str] = []
    for row in panel.rows:
        y += size * layout.row_gap
        label_width = label_left if label_left else width
        lines = wrap(_label_words(row, layout.label_n), label_width, size)
        label_height = len(lines) * line
        bars_height = 2 * layout.bar + layout.bar * 0.25
        if label_left:
            row_height = max(label_height, bars_height)
            label_y = y + (row_height - label_height) / 2
            bars_y = y + (row_height - bars_height) / 2
        else:
            row_height = label_height + size * 0.25 + bars_height
            label_y, bars_y = y, y + label_height + size * 0.25
        for index, words in enumerate(lines):
            body.append(_line_of_words(x0, label_y + index * line + size * 0.95, size, words))
        active_label, comparator_label = _value_labels(row)
        for offset, rate, colour, label in (
            (0.0, row.ketamine_rate, TEAL, active_label),
            (layout.bar * 1.25, row.comparator_rate, AMBER, comparator_label),
        ):
            top = bars_y + offset
            length = rate * scale
            body.append(
                f'<rect x="{_n(bars_x)}" y="{_n(top)}" width="{_n(length)}" height="{_n(layout.bar)}" fill="{colour}"/>'
            )
            body.append(_text(bars_x + length + size * 0.3, top + layout.bar / 2 + size * 0.36, size, label))
        y += row_height + size * layout.row_gap
    rows_bottom = y
    # The panel's own 0–100 % scale: grid lines behind the bars, tick labels under them.
    grid = []
    for tick in TICKS:
        x = bars_x + tick * scale
        grid.append(
            f'<line x1="{_n(x)}" y1="{_n(rows_top)}" x2="{_n(x)}" y2="{_n(rows_bottom)}" stroke="{GRID}" '
            f'stroke-width="{_n(max(0.5, size / 16))}"/>'
        )
    y = rows_bottom + size * 1.05
    ticks = []
    for tick in TICKS:
        label = f"{tick} %" if tick == TICKS[-1] else str(tick)
        # Centred under its grid line, but never past the panel's edges.
        half = text_width(label, size) / 2
        x = min(max(bars_x + tick * scale, x0 + half), x0 + width - half)
        ticks.append(_text(x, y, size, label, fill=MUTED, anchor="middle"))
    parts += grid + body + ticks + ["</g>"]
    return "\n".join(parts), y + size * 0.4 - y0


def _legend(layout: Layout, x0: float, y0: float) -> tuple[str, float]:
    size = layout.text
    x = x0
    parts = ['<g id="legend">']
    for colour, label in ((TEAL, ACTIVE_LABEL), (AMBER, COMPARATOR_LABEL)):
        parts.append(
            f'<rect x="{_n(x)}" y="{_n(y0 + size * 0.12)}" width="{_n(size)}" height="{_n(size * 0.8)}" fill="{colour}"/>'
        )
        parts.append(_text(x + size * 1.35, y0 + size * 0.85, size, label))
        x += size * 2.6 + text_width(label, size)
    parts.append("</g>")
    if x - x0 - size * 1.25 > layout.width - 2 * layout.pad:  # one swatch a line
        parts = ['<g id="legend">']
        for index, (colour, label) in enumerate(((TEAL, ACTIVE_LABEL), (AMBER, COMPARATOR_LABEL))):
            top = y0 + index * size * 1.4
            parts.append(
                f'<rect x="{_n(x0)}" y="{_n(top + size * 0.12)}" width="{_n(size)}" height="{_n(size * 0.8)}" '
                f'fill="{colour}"/>'
            )
            parts.append(_text(x0 + size * 1.35, top + size * 0.85, size, label))
        parts.append("</g>")
        return "\n".join(parts), size * 2.8
    return "\n".join(parts), size * 1.4


def render(results: Sequence[Result], layout: Layout | str, description: str = "") -> bytes:
    """The chart of ``results`` in ``layout`` as SVG bytes; the same input gives the same bytes."""
    if isinstance(layout, str):
        layout = LAYOUTS[layout]
    panels = [_Panel(m, [r for r in results if r.measure == m]) for m in PANELS]
    panels = [panel for panel in panels if panel.rows]
    if not panels:
        raise ValueError("the evidence chart has no results to draw")
    columns = min(layout.columns, len(panels))
    gap = layout.text * 2.0
    inner = layout.width - 2 * layout.pad
    column_width = (inner - gap * (columns - 1)) / columns
    bars_width = column_width - (layout.label_left + layout.text * 0.75 if layout.label_left else 0.0)
    scale = _scale(layout, panels, bars_width)

    if layout.key_beside_heading:
        # One line for the key, right-aligned on the first heading's baseline.
        key_width = sum(
            layout.text * 2.6 + text_width(label, layout.text) for label in (ACTIVE_LABEL, COMPARATOR_LABEL)
        )
        key_width -= layout.text * 1.25
        key_top = layout.pad + layout.heading - layout.text * 0.85
        legend, _ = _legend(layout, layout.width - layout.pad - key_width, key_top)
        y = layout.pad
    else:
        legend, y = _legend(layout, layout.pad, layout.pad)
        y += layout.pad + layout.text * 0.6
    groups: list[str] = []
    bottom = y
    for start in range(0, len(panels), columns):
        row_bottom = y
        for index, panel in enumerate(panels[start : start + columns]):
            x = layout.pad + index * (column_width + gap)
            group, height = _draw_panel(layout, panel, x, y, column_width, scale)
            groups.append(group)
            row_bottom = max(row_bottom, y + height)
        y = row_bottom + layout.text * 1.2
        bottom = row_bottom
    height = math.ceil(bottom + layout.pad)
    if len(panels) == 1:  # a slide panel
        title = f"{PANELS[panels[0].measure][0]}: key trials, active arm against comparator"
    else:
        title = "Depression and suicidal-ideation outcomes in key trials, active arm against comparator"
    unit = layout.unit
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(layout.width)}{unit}" height="{height}{unit}" '
        f'viewBox="0 0 {_n(layout.width)} {height}" role="img" aria-labelledby="chart-title chart-desc" '
        f'font-family="{FONT_FAMILY}" data-layout="{layout.name}">'
    )
    body = [
        '<?xml version="1.0" encoding="utf-8"?>',
        head,
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(description or title)}</desc>',
        f'<rect width="{_n(layout.width)}" height="{height}" fill="#ffffff"/>',
        legend,
        *groups,
        "</svg>",
        "",
    ]
    return "\n".join(body).encode("utf-8")
