"""The site on a phone: what the HTML needs so that ``theme/static/handbook.css`` can adapt it.

CSS does the layout (cards, scroll cues, sticky columns, heading sizes); this
module adds what CSS cannot know from the HTML alone.

- **The chart in its phone layout.** The evidence chart is drawn in a
  narrow layout too; ``image_variants`` (its own module) gives the site a
  ``<picture>`` that shows it on narrow screens.

- **Column headers on the cells of record tables.** A table with the class
  ``record-table`` (one record a row, e.g. a trial) becomes a stack of cards
  on a phone; each body cell gets ``data-label="<its column header>"`` for
  the CSS to print before it, and the table's parts explicit ARIA roles, so
  a screen reader still meets a table when CSS displays it as blocks.

- **The width at which an SVG figure's text is legible.** Each SVG image in
  a page gets ``--legible-width``: the width at which its smallest text is
  ``LEGIBLE_PX`` CSS px. On a phone the CSS never draws the figure narrower
  than that (it scrolls sideways inside its link, which opens it full size).

The last two are written into the site's pages only (the ``html`` builder);
the EPUB and the decks are not laid out for phones this way.
"""

from __future__ import annotations

import html
import math
import posixpath
import re
import xml.etree.ElementTree as ElementTree
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from sphinx.util import logging

logger = logging.getLogger(__name__)

# The smallest text a figure may show on a phone, in CSS px (issue 21).
LEGIBLE_PX = 12
RECORD_TABLE_CLASS = "record-table"


# -- The width at which an SVG's text is legible ----------------------------------

_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px|pt|em|%)?\s*$")
_FONT_SHORTHAND_SIZE = re.compile(r"(?:^|\s)([0-9]*\.?[0-9]+)(px|pt|em|%)?(?:/\S+)?\s+['\"A-Za-z]")
_TRANSFORM = re.compile(r"(matrix|scale)\s*\(([^)]*)\)")


def _font_size(value: str, inherited: float) -> float | None:
    match = _LENGTH.match(value)
    if not match:
        return None
    number, unit = float(match.group(1)), match.group(2)
    return {"pt": number * 4 / 3, "em": number * inherited, "%": number * inherited / 100}.get(unit, number)


def _element_font_size(element, inherited: float) -> float:
    size = None
    if element.get("font-size"):
        size = _font_size(element.get("font-size"), inherited)
    for declaration in (element.get("style") or "").split(";"):
        name, _, value = declaration.partition(":")
        name = name.strip()
        if name == "font-size":
            size = _font_size(value, inherited) or size
        elif name == "font":
            shorthand = _FONT_SHORTHAND_SIZE.search(value)
            if shorthand:
                size = _font_size(shorthand.group(1) + (shorthand.group(2) or ""), inherited) or size
    return size if size else inherited


def _transform_scale(value: str) -> float:
    scale = 1.0
    for kind, arguments in _TRANSFORM.findall(value or ""):
        numbers = [float(n) for n in re.split(r"[\s,]+", arguments.strip()) if n]
        if kind == "scale" and numbers:
            scale *= math.sqrt(abs(numbers[0] * (numbers[1] if len(numbers) > 1 else numbers[0])))
        elif kind == "matrix" and len(numbers) >= 4:
            scale *= math.sqrt(abs(numbers[0] * numbers[3] - numbers[1] * numbers[2]))
    return scale


@lru_cache(maxsize=256)
def _smallest_text(path: str, stamp: tuple[int, int]) -> tuple[float, float] | None:
    """(viewBox width, smallest text size in its units) of the SVG at ``path``, or None without text."""
    root = ElementTree.parse(path).getroot()
    box = (root.get("viewBox") or "").replace(",", " ").split()
    width = float(box[2]) if len(box) == 4 else (_font_size(root.get("width") or "", 16) or 0.0)
    smallest = math.inf

    def walk(element, size: float, scale: float) -> None:
        nonlocal smallest
        size = _element_font_size(element, size)
        scale *= _transform_scale(element.get("transform"))
        tag = element.tag.rsplit("}", 1)[-1]
        if tag in ("text", "tspan", "textPath") and (element.text or "").strip():
            smallest = min(smallest, size * scale)
        for child in element:
            walk(child, size, scale)

    walk(root, 16.0, 1.0)
    return (width, smallest) if width and smallest < math.inf else None


def legible_width(path: Path) -> int | None:
    """The rendered width (CSS px) at which the SVG's smallest text is ``LEGIBLE_PX``; None if it has no text."""
    try:
        stat = path.stat()
        found = _smallest_text(str(path), (stat.st_mtime_ns, stat.st_size))
    except (OSError, ElementTree.ParseError):
        return None
    if not found:
        return None
    width, smallest = found
    return math.ceil(width * LEGIBLE_PX / smallest)


# -- The page's HTML ---------------------------------------------------------------

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b([^>]*)>")
_TABLE = re.compile(r"<table\b[^>]*>.*?</table>", re.S)
_IMG = re.compile(r"<img\b[^>]*>")


def _attribute(attributes: str, name: str) -> str | None:
    match = re.search(rf'\s{name}="([^"]*)"', attributes)
    return html.unescape(match.group(1)) if match else None


def _add_attributes(tag: str, extra: str) -> str:
    """``<td class="x">`` + ``data-label="y"`` → ``<td class="x" data-label="y">``."""
    end = -2 if tag.endswith("/>") else -1
    return f"{tag[:end].rstrip()} {extra}{tag[end:]}"


ROLES = {"table": "table", "thead": "rowgroup", "tbody": "rowgroup", "tr": "row"}


def label_record_table(table: str) -> str:
    """Give each body cell of one ``<table>`` its column's header as ``data-label``, and every part its ARIA role."""
    headers: list[str] = []
    out: list[str] = []
    position = 0
    section = ""
    column = 0
    header_cells: list[str] = []
    for match in _TAG.finditer(table):
        closing, name, attributes = match.group(1), match.group(2).lower(), match.group(3)
        out.append(table[position : match.start()])
        position = match.end()
        tag = match.group(0)
        if closing:
            if name == "thead":
                section = ""
            out.append(tag)
            continue
        if name in ("thead", "tbody"):
            section = name
        if name == "tr":
            column = 0
            if section == "thead":
                header_cells = []
                headers = header_cells  # the last header row names the columns
        if name in ROLES and " role=" not in attributes:
            tag = _add_attributes(tag, f'role="{ROLES[name]}"')
        if name in ("th", "td"):
            span = int(_attribute(attributes, "colspan") or 1)
            if section == "thead":
                end = table.find(f"</{name}>", match.end())
                text = re.sub(r"<[^>]+>", "", table[match.end() : end])
                header_cells.extend([" ".join(html.unescape(text).split())] * span)
                tag = _add_attributes(tag, 'role="columnheader"')
            else:
                role = "rowheader" if name == "th" else "cell"
                extra = f'role="{role}"'
                if column < len(headers) and headers[column]:
                    extra += f' data-label="{html.escape(headers[column])}"'
                tag = _add_attributes(tag, extra)
            column += span
        out.append(tag)
    out.append(table[position:])
    return "".join(out)


def _record_tables(body: str) -> str:
    def rewrite(match: re.Match) -> str:
        table = match.group(0)
        opening = _TAG.match(table)
        classes = (_attribute(opening.group(3), "class") or "").split()
        return label_record_table(table) if RECORD_TABLE_CLASS in classes else table

    return _TABLE.sub(rewrite, body)


def _legible_figures(app, pagename: str, body: str) -> str:
    """Give every SVG ``<img>`` its ``--legible-width`` (unless its writer already did)."""
    builder = app.builder
    sources = {Path(name).name: uri for uri, name in builder.images.items()}
    page_dir = posixpath.dirname(pagename)

    def rewrite(match: re.Match) -> str:
        tag = match.group(0)
        src = _attribute(tag, "src") or ""
        if "--legible-width" in tag or not src.lower().endswith(".svg") or "://" in src:
            return tag
        target = posixpath.normpath(posixpath.join(page_dir, unquote(src)))
        if posixpath.dirname(target) != builder.imagedir or posixpath.basename(target) not in sources:
            return tag
        width = legible_width(Path(builder.srcdir) / sources[posixpath.basename(target)])
        if not width:
            return tag
        style = _attribute(tag, "style")
        if style is None:
            return _add_attributes(tag, f'style="--legible-width: {width}px"')
        return tag.replace(f'style="{style}"', f'style="{style.rstrip("; ")}; --legible-width: {width}px"', 1)

    return _IMG.sub(rewrite, body)


def adapt_page(app, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name != "html" or "body" not in context:
        return
    context["body"] = _legible_figures(app, pagename, _record_tables(context["body"]))


def setup(app) -> dict:
    app.connect("html-page-context", adapt_page)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
