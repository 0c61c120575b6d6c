"""Build the house PowerPoint template, theme/pptx/handbook.pptx.

The PowerPoint decks (``make slides-pptx``, handbook_sphinx/pptx.py) are
made on this template; trainers can also use it for slides of their own.
It is python-pptx's default template made 16:9 and restyled in the
handbook's colours, with four named layouts and nothing else:

- "Title": a deck's title slide (title, subtitle block; the QR code is added
  beside it);
- "Content": a title and one content area;
- "Two content": a title and two columns;
- "Section": a section divider.

Text is Arial (on every lectern computer; LibreOffice uses the metrically
identical Liberation Sans), never below 18 pt on a slide (24 px at
1280×720), and never shrunk to fit: the text areas have autofit off.

The template is committed; run this script after changing it, and the test
in tests/test_decks_pptx.py fails while the committed file differs from
what the script builds.

usage: python tools/make_pptx_template.py [OUTPUT]
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lxml import etree  # noqa: E402
from pptx import Presentation  # noqa: E402
from pptx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from pptx.util import Emu, Inches  # noqa: E402

from handbook_sphinx.pptx import save_reproducibly  # noqa: E402

TEMPLATE = ROOT / "theme" / "pptx" / "handbook.pptx"
# The template's own date: fixed, so the committed file is reproducible.
TEMPLATE_DATE = datetime(2026, 11, 1, tzinfo=UTC)

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
NS = {"a": A, "p": P}

NAVY, TEAL, LINK, GREY, INK = "1F3A5F", "2A7F8F", "1D6B78", "48566B", "1D2733"
FONT = "Arial"
LAYOUTS = {
    "Title Slide": "Title",
    "Title and Content": "Content",
    "Two Content": "Two content",
    "Section Header": "Section",
}

# Geometry of a 13.333 × 7.5 in slide (inches): left, top, width, height.
MARGIN = 0.5
WIDTH = 13.333 - 2 * MARGIN
TITLE = (MARGIN, 0.3, WIDTH, 1.0)
BODY = (MARGIN, 1.45, WIDTH, 5.3)
COLUMN = (WIDTH - 0.33) / 2
FOOTER_ROW = 6.95
GEOMETRY = {
    "Title": {"ctrTitle": (0.6, 1.5, 12.1, 1.6), "subTitle": (0.6, 3.25, 9.3, 3.3)},
    "Content": {"title": TITLE, "body": BODY},
    "Two content": {
        "title": TITLE,
        "body": (MARGIN, 1.45, COLUMN, 5.3),
        "body2": (MARGIN + COLUMN + 0.33, 1.45, COLUMN, 5.3),
    },
    "Section": {"title": (0.6, 3.6, 12.1, 1.4), "body": (0.6, 2.3, 12.1, 1.2)},
}
FOOTERS = {
    "dt": (MARGIN, FOOTER_ROW, 2.5, 0.4),
    "ftr": (3.5, FOOTER_ROW, 6.3, 0.4),
    "sldNum": (10.8, FOOTER_ROW, 2.03, 0.4),
}


def place(shape, box: tuple[float, float, float, float]) -> None:
    shape.left, shape.top, shape.width, shape.height = (Inches(v) for v in box)


def key_of(shape) -> str:
    """The placeholder's kind as GEOMETRY and FOOTERS name it."""
    kind = shape._element.ph_type.name
    names = {"CENTER_TITLE": "ctrTitle", "SUBTITLE": "subTitle", "DATE": "dt", "FOOTER": "ftr", "TITLE": "title"}
    names |= {"SLIDE_NUMBER": "sldNum", "BODY": "body", "OBJECT": "body"}
    return names.get(kind, "")


def restyle_text_styles(master) -> None:
    styles = master._element.find("p:txStyles", NS)
    title = styles.find("p:titleStyle/a:lvl1pPr", NS)
    title.set("algn", "l")
    _font(title.find("a:defRPr", NS), size=3600, colour=NAVY, bold=True)
    body_sizes = {1: 2400, 2: 2000}
    for level in range(1, 10):
        para = styles.find(f"p:bodyStyle/a:lvl{level}pPr", NS)
        if para is not None:
            _font(para.find("a:defRPr", NS), size=body_sizes.get(level, 1800), colour=INK)
    for level in range(1, 10):
        para = styles.find(f"p:otherStyle/a:lvl{level}pPr", NS)
        if para is not None:
            _font(para.find("a:defRPr", NS), size=1800, colour=INK)


def _font(rpr, size: int, colour: str, bold: bool = False) -> None:
    rpr.set("sz", str(size))
    if bold:
        rpr.set("b", "1")
    fill = rpr.find("a:solidFill", NS)
    if fill is not None:
        for child in list(fill):
            fill.remove(child)
    else:
        fill = etree.SubElement(rpr, f"{{{A}}}solidFill")
        rpr.insert(0, fill)
    etree.SubElement(fill, f"{{{A}}}srgbClr", val=colour)


def left_aligned(shape) -> None:
    """The title slide's subtitle block reads from the left, like the deck's."""
    for level in shape._element.iter(f"{{{A}}}lvl1pPr"):
        level.set("algn", "l")
        level.set("marL", "0")
        level.set("indent", "0")


def no_autofit(element) -> None:
    """Text areas keep their size and their text's size: no shrink-to-fit."""
    for body_pr in element.iter(f"{{{A}}}bodyPr"):
        for fit in list(body_pr):
            if etree.QName(fit).localname in {"normAutofit", "spAutoFit", "noAutofit"}:
                body_pr.remove(fit)
        etree.SubElement(body_pr, f"{{{A}}}noAutofit")


def small_footers(layout_or_master) -> None:
    for shape in layout_or_master.placeholders:
        key = key_of(shape)
        if key in FOOTERS:
            place(shape, FOOTERS[key])
            lst = shape._element.find(".//a:lstStyle", NS)
            if lst is not None:
                for rpr in lst.iter(f"{{{A}}}defRPr"):
                    _font(rpr, size=1400, colour=GREY)


def restyle_theme(presentation) -> None:
    theme = presentation.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(theme.blob)
    for latin in root.iterfind(".//a:fontScheme/*/a:latin", NS):
        latin.set("typeface", FONT)
    colours = {"dk2": NAVY, "accent1": TEAL, "accent2": "B86F1C", "hlink": LINK, "folHlink": NAVY}
    scheme = root.find(".//a:clrScheme", NS)
    scheme.set("name", "Ketamine Therapy Handbook")
    for name, value in colours.items():
        slot = scheme.find(f"a:{name}", NS)
        for child in list(slot):
            slot.remove(child)
        etree.SubElement(slot, f"{{{A}}}srgbClr", val=value)
    theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def build() -> Presentation:
    presentation = Presentation()
    presentation.slide_width = Emu(12192000)  # 13.333 in: 16:9
    presentation.slide_height = Emu(6858000)  # 7.5 in
    master = presentation.slide_master
    for layout in list(master.slide_layouts):
        if layout.name not in LAYOUTS:
            master.slide_layouts.remove(layout)
    for layout in master.slide_layouts:
        name = LAYOUTS[layout.name]
        layout._element.cSld.set("name", name)
        bodies = 0
        for shape in layout.placeholders:
            key = key_of(shape)
            if key in FOOTERS:
                continue
            if key == "body":
                key, bodies = ("body" if bodies == 0 else "body2"), bodies + 1
            place(shape, GEOMETRY[name][key])
            if key == "subTitle":
                left_aligned(shape)
        small_footers(layout)
        no_autofit(layout._element)
    for shape in master.placeholders:
        key = key_of(shape)
        if key in ("title", "body"):
            place(shape, GEOMETRY["Content"][key])
    small_footers(master)
    no_autofit(master._element)
    restyle_text_styles(master)
    restyle_theme(presentation)
    props = presentation.core_properties
    props.title = "Ketamine Therapy for Mood Disorders: slide template"
    props.author = props.last_modified_by = "The Ketamine Therapy Handbook authors"
    props.created = props.modified = TEMPLATE_DATE.replace(tzinfo=None)
    props.revision = 1
    props.subject = props.keywords = props.comments = props.category = ""
    return presentation


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=TEMPLATE)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    save_reproducibly(build(), args.output, int(TEMPLATE_DATE.timestamp()))
    print(f"template: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
