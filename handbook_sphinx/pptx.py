"""The decks as PowerPoint files: a ``pptx`` builder (``make slides-pptx``).

Many trainers must present from PowerPoint or merge slides into decks of
their own. This builder reads the same deck sources as the revealjs builder
(``slides/``, ``-t decks``) and writes ``<deck>.pptx`` for each deck in
``handbook_decks``, on the house template ``theme/pptx/handbook.pptx``
(``tools/make_pptx_template.py``; layouts "Title", "Content", "Two content",
"Section"):

- one slide per slide of the deck: the ``#`` title slide, then one per
  ``##`` section, with the same titles;
- paragraphs and bullet lists (nested lists as levels), box titles in bold,
  tables as PowerPoint tables, figures as pictures (SVG rasterised by CairoSVG
  at 300 dpi of their size on the slide) with the figure's alt text, captions;
- a quiz's answer in its own box that appears on the next click, as the
  fragment does on screen;
- QR codes (``handbook_sphinx.qr_codes``) as PNG drawn by segno, with alt text;
- the "Read more" footer, linked, and a slide number;
- the speaker notes in the notes pane, followed by the read-more link;
- every link absolute on the published site (``html_baseurl``), as in the
  deck PDFs;
- citations as plain numbers (``decks.PlainSlideCitations``).

Text is never below 18 pt on a slide (24 px at 1280×720) and never shrunk
to fit. A ``.pptx`` is a zip: entries are written in a fixed order with the
time from ``SOURCE_DATE_EPOCH`` and the document's dates from it too, so the
same commit gives byte-identical files.

Other builders: the node types here are docutils' and this project's own;
this module adds no node, only the builder. It is loaded for the decks only
(``conf.py``).
"""

from __future__ import annotations

import io
import math
import os
import re
import time
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urljoin

from docutils import nodes
from sphinx.builders import Builder
from sphinx.locale import __
from sphinx.util import logging

from handbook_sphinx import add_shared_config_value

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "theme" / "pptx" / "handbook.pptx"
EMU_PER_PT = 12700
EMU_PER_INCH = 914400
# Sizes in points; a 13.333 in slide is 960 pt for 1280 px, so 18 pt is 24 px.
TEXT_PT = 24
BOX_PT = 20
TABLE_PT = 18
CAPTION_PT = 18
FOOTER_PT = 14
PRINT_DPI = 300
NAVY, GREY, ANSWER_FILL, ANSWER_LINE = "1F3A5F", "48566B", "FFF7EC", "B86F1C"
# One GUID for every slide-number field: PowerPoint needs one, any will do.
SLIDE_NUMBER_FIELD_ID = "{6B1B7A4E-3C0B-4C5A-9E55-5D0A1C7F2B11}"


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None


@dataclass
class Para:
    runs: list[Run]
    level: int = 0
    bullet: bool = False
    size: int = TEXT_PT
    bold: bool = False
    colour: str | None = None

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Table:
    caption: list[Run]
    widths: list[int]
    rows: list[list[tuple[list[Para], int, int]]]  # cells: (paragraphs, extra columns, extra rows)
    header_rows: int


@dataclass
class Picture:
    png: bytes
    width: int
    height: int
    alt: str
    caption: list[Para] = field(default_factory=list)


@dataclass
class Answer:
    paras: list[Para]


Block = Para | Table | Picture | Answer


@dataclass
class Slide:
    title: str
    blocks: list[Block]
    columns: list[list[Block]] | None
    notes: str
    read_more: tuple[str, str] | None
    is_title: bool


# -- Reproducible zip ----------------------------------------------------------


def source_date_epoch() -> int:
    return int(os.environ.get("SOURCE_DATE_EPOCH") or time.time())


def save_reproducibly(presentation, target: Path, epoch: int) -> None:
    """Save ``presentation`` with every zip entry dated ``epoch`` (UTC), in a fixed order, atomically."""
    buffer = io.BytesIO()
    presentation.save(buffer)
    stamp = time.gmtime(max(epoch, 315532800))[:6]  # zip dates start in 1980
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(tmp, "w") as out:
            names = source.namelist()
            # [Content_Types].xml first, as Office writes it; then as python-pptx ordered them.
            names.sort(key=lambda name: name != "[Content_Types].xml")
            for name in names:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.create_system = 3
                info.external_attr = 0o644 << 16
                out.writestr(info, source.read(name))
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


# -- Doctree to slides ---------------------------------------------------------


def _is(node: nodes.Node, name: str) -> bool:
    """Match a node class by name, for classes defined by extensions (notes, answers)."""
    return type(node).__name__ == name


class SlideReader:
    """Reads one resolved deck doctree into ``Slide`` records."""

    def __init__(self, builder: PptxBuilder, docname: str) -> None:
        self.builder = builder
        self.docname = docname
        config = builder.config
        # A deck's links are relative to its page on the site (slides/<deck>.html).
        self.page_url = f"{config.html_baseurl}{docname}.html"

    # Links -------------------------------------------------------------------

    def absolute(self, node: nodes.reference) -> str | None:
        uri = node.get("refuri")
        if not uri:
            return None
        if uri.startswith("#"):
            return None  # into the deck itself: nothing to follow on a slide
        return urljoin(self.page_url, uri)

    # Inline text -------------------------------------------------------------

    def runs(self, node: nodes.Node, bold=False, italic=False, link=None) -> list[Run]:
        out: list[Run] = []
        for child in node.children:
            if isinstance(child, nodes.Text):
                text = re.sub(r"\s*\n\s*", " ", str(child))
                if text:
                    out.append(Run(text, bold, italic, link))
            elif isinstance(child, nodes.raw):
                if "<br" in child.astext():
                    out.append(Run("\v", bold, italic, link))
            elif isinstance(child, nodes.strong):
                out += self.runs(child, True, italic, link)
            elif isinstance(child, nodes.emphasis):
                out += self.runs(child, bold, True, link)
            elif isinstance(child, nodes.reference):
                out += self.runs(child, bold, italic, self.absolute(child) or link)
            elif isinstance(child, nodes.image | nodes.target | nodes.comment | nodes.system_message):
                continue
            elif isinstance(child, nodes.Element):
                out += self.runs(child, bold, italic, link)
        return out

    # Blocks ------------------------------------------------------------------

    def blocks(self, node: nodes.Node, level: int = 0, size: int = TEXT_PT) -> list[Block]:
        out: list[Block] = []
        for child in node.children:
            out += self.block(child, level, size)
        return out

    def block(self, node: nodes.Node, level: int, size: int) -> list[Block]:
        if _is(node, "revealjs_notes") or isinstance(node, nodes.section | nodes.title):
            return []
        if isinstance(node, nodes.comment | nodes.target | nodes.system_message | nodes.substitution_definition):
            return []
        if _is(node, "answer"):
            from handbook_sphinx.answers import LABEL

            label = Para([Run(LABEL)], size=BOX_PT, bold=True)
            return [Answer([label, *(b for b in self.blocks(node, 0, BOX_PT) if isinstance(b, Para))])]
        if isinstance(node, nodes.paragraph):
            if "read-more" in node["classes"]:
                return []
            runs = self.runs(node)
            return [Para(runs, level=level, size=size)] if "".join(r.text for r in runs).strip() else []
        if isinstance(node, nodes.bullet_list | nodes.enumerated_list):
            out: list[Block] = []
            for number, item in enumerate(node.children, 1):
                first = True
                for block in self.blocks(item, level + 1, size):
                    if first and isinstance(block, Para) and block.level == level + 1:
                        if isinstance(node, nodes.enumerated_list):
                            block.runs.insert(0, Run(f"{number}. "))
                        else:
                            block.bullet = True
                        first = False
                    out.append(block)
            return out
        if isinstance(node, nodes.Admonition):
            out = []
            title = node.next_node(nodes.title)
            if title is not None and title.parent is node:
                out.append(Para(self.runs(title), level=level, size=BOX_PT, bold=True, colour=NAVY))
            return out + self.blocks(node, level, BOX_PT)
        if isinstance(node, nodes.rubric):
            return [Para(self.runs(node), level=level, size=size, bold=True, colour=NAVY)]
        if isinstance(node, nodes.table):
            return [self.table(node)]
        if isinstance(node, nodes.figure):
            image = node.next_node(nodes.image)
            caption = node.next_node(nodes.caption)
            picture = self.picture(image) if image is not None else None
            if picture is None:
                return []
            if caption is not None:
                picture.caption = [Para(self.runs(caption), size=CAPTION_PT, colour=GREY)]
            return [picture]
        if isinstance(node, nodes.image):
            picture = self.picture(node)
            return [picture] if picture else []
        if isinstance(node, nodes.container):
            if "deck-bibliography" in node["classes"]:
                return []  # the numbered list is printed in the handout, not projected
            if "deck-qr" in node["classes"]:
                image = node.next_node(nodes.image)
                picture = self.picture(image)
                picture.caption = [
                    Para(self.runs(p), size=CAPTION_PT, colour=GREY)
                    for p in node.findall(nodes.paragraph)
                    if "deck-qr-url" in p["classes"]
                ]
                return [picture]
            return self.blocks(node, level, size)
        if isinstance(node, nodes.definition_list):
            out = []
            for item in node.children:
                for part in item.children:
                    if isinstance(part, nodes.term):
                        out.append(Para(self.runs(part), level=level, size=size, bold=True))
                    else:
                        out += self.blocks(part, level + 1, size)
            return out
        if isinstance(node, nodes.Element):
            return self.blocks(node, level, size)
        return []

    def table(self, node: nodes.table) -> Table:
        title = node.next_node(nodes.title)
        caption = self.runs(title) if title is not None and title.parent is node else []
        group = node.next_node(nodes.tgroup)
        widths = [int(spec.get("colwidth", 1)) for spec in group.findall(nodes.colspec)]
        rows: list[list[tuple[list[Para], int, int]]] = []
        header_rows = 0
        for part in group.children:
            if not isinstance(part, nodes.thead | nodes.tbody):
                continue
            for row in part.children:
                cells = []
                for entry in row.children:
                    paras = [b for b in self.blocks(entry, 0, TABLE_PT) if isinstance(b, Para)]
                    if isinstance(part, nodes.thead):
                        for para in paras:
                            para.bold = True
                    cells.append((paras, entry.get("morecols", 0), entry.get("morerows", 0)))
                rows.append(cells)
                header_rows += isinstance(part, nodes.thead)
        return Table(caption, widths, rows, header_rows)

    def picture(self, node: nodes.image) -> Picture:
        from handbook_sphinx.qr_codes import qr_png

        alt = node.get("alt", "")
        if node.get("handbook_qr_url"):
            png = qr_png(node["handbook_qr_url"])
            return Picture(png, *_png_size(png), alt)
        uri = node["uri"]
        if uri.startswith("data:"):
            raise ValueError(f"{self.docname}: an image given as a data URI, which the PowerPoint build cannot read")
        path = (Path(self.builder.srcdir) / unquote(uri)).resolve()
        if path.suffix.lower() == ".svg":
            import cairosvg

            # Rendered once at its own size to learn its shape, then at print resolution.
            probe = cairosvg.svg2png(url=str(path))
            width, height = _png_size(probe)
            target = round(13.333 * PRINT_DPI)  # the slide's width at print resolution
            png = cairosvg.svg2png(url=str(path), output_width=target, output_height=round(target * height / width))
        else:
            png = path.read_bytes()
        return Picture(png, *_png_size(png), alt)

    # Slides ------------------------------------------------------------------

    def slides(self, doctree: nodes.document) -> list[Slide]:
        out: list[Slide] = []
        top = doctree.next_node(nodes.section)
        if top is None:
            return out
        for index, section in enumerate(s for s in top.findall(nodes.section)):
            out.append(self.slide(section, is_title=index == 0))
        return out

    def slide(self, section: nodes.section, is_title: bool) -> Slide:
        title = section.next_node(nodes.title).astext()
        notes = "\n\n".join(
            note.astext().strip() for note in section.children if _is(note, "revealjs_notes") and note.astext().strip()
        )
        read_more = None
        columns = None
        blocks: list[Block] = []
        for child in section.children:
            if isinstance(child, nodes.paragraph) and "read-more" in child["classes"]:
                link = child.next_node(nodes.reference)
                if link is not None:
                    read_more = (link.astext(), self.absolute(link) or "")
                continue
            if isinstance(child, nodes.container) and "two-col" in child["classes"] and columns is None:
                columns = [self.blocks(part) if isinstance(part, nodes.Element) else [] for part in child.children]
                continue
            blocks += self.block(child, 0, TEXT_PT)
        return Slide(title, blocks, columns, notes, read_more, is_title)


def _png_size(png: bytes) -> tuple[int, int]:
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        from PIL import Image

        with Image.open(io.BytesIO(png)) as image:
            return image.size
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# -- Slides to PowerPoint ------------------------------------------------------


def _estimate_height(paras: list[Para], width_emu: int) -> int:
    """A text block's height, estimated: PowerPoint lays text out only when it opens the file."""
    total = 0
    width_pt = width_emu / EMU_PER_PT
    for para in paras:
        usable = max(width_pt - 27 * (para.level + para.bullet), 72)
        chars_per_line = max(usable / (para.size * 0.52), 8)
        lines = sum(max(1, math.ceil(len(part) / chars_per_line)) for part in para.text.split("\v"))
        total += lines * para.size * 1.22 + para.size * 0.35
    return int(total * EMU_PER_PT) + int(0.15 * EMU_PER_INCH)


def _colour(rgb: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(rgb)


def _fill_text_frame(frame, paras: list[Para]) -> None:
    from pptx.oxml.ns import qn

    frame.word_wrap = True
    first = True
    for para in paras:
        paragraph = frame.paragraphs[0] if first else frame.add_paragraph()
        first = False
        paragraph.level = min(para.level - 1 if para.bullet else para.level, 8) if para.level else 0
        ppr = paragraph._p.get_or_add_pPr()
        # Bullets and indents are explicit: text boxes and table cells have no
        # bullet style of their own, and plain paragraphs in a body have none.
        if para.bullet:
            indent = int(0.3 * EMU_PER_INCH)
            ppr.set("marL", str(indent * para.level))
            ppr.set("indent", str(-indent))
            ppr.append(ppr.makeelement(qn("a:buFont"), {"typeface": "Arial"}))
            ppr.append(ppr.makeelement(qn("a:buChar"), {"char": "•" if para.level < 2 else "–"}))
        else:
            ppr.set("indent", "0")
            ppr.set("marL", str(int(para.level * 0.3 * EMU_PER_INCH)))
            ppr.append(ppr.makeelement(qn("a:buNone"), {}))
        for run_data in para.runs:
            for index, piece in enumerate(run_data.text.split("\v")):
                if index:
                    paragraph.add_line_break()
                if piece:
                    _add_run(paragraph, piece, run_data, para)


def _add_run(paragraph, text: str, run_data: Run, para: Para) -> None:
    from pptx.enum.lang import MSO_LANGUAGE_ID
    from pptx.util import Pt

    run = paragraph.add_run()
    run.text = text
    font = run.font
    font.size = Pt(para.size)
    font.language_id = MSO_LANGUAGE_ID.ENGLISH_UK
    if run_data.bold or para.bold:
        font.bold = True
    if run_data.italic:
        font.italic = True
    if para.colour:
        font.color.rgb = _colour(para.colour)
    if run_data.link:
        run.hyperlink.address = run_data.link


def _text_box(slide, left: int, top: int, width: int, height: int, paras: list[Para]):
    box = slide.shapes.add_textbox(left, top, width, height)
    _fill_text_frame(box.text_frame, paras)
    return box


def _appear_on_click(slide, shape_ids: list[int]) -> None:
    """Each shape appears on the next click, in order: a reveal.js fragment, in PowerPoint."""
    from lxml import etree

    if not shape_ids:
        return
    clicks = []
    ctn = 3
    for shape_id in shape_ids:
        clicks.append(
            f'<p:par><p:cTn id="{ctn}" fill="hold"><p:stCondLst><p:cond delay="indefinite"/></p:stCondLst>'
            f'<p:childTnLst><p:par><p:cTn id="{ctn + 1}" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst>'
            f'<p:childTnLst><p:par><p:cTn id="{ctn + 2}" presetID="1" presetClass="entr" presetSubtype="0" fill="hold" '
            f'grpId="0" nodeType="clickEffect"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
            f'<p:set><p:cBhvr><p:cTn id="{ctn + 3}" dur="1" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst>'
            f'</p:cTn><p:tgtEl><p:spTgt spid="{shape_id}"/></p:tgtEl><p:attrNameLst><p:attrName>style.visibility'
            f'</p:attrName></p:attrNameLst></p:cBhvr><p:to><p:strVal val="visible"/></p:to></p:set>'
            f"</p:childTnLst></p:cTn></p:par></p:childTnLst></p:cTn></p:par></p:childTnLst></p:cTn></p:par>"
        )
        ctn += 4
    builds = "".join(f'<p:bldP spid="{shape_id}" grpId="0"/>' for shape_id in shape_ids)
    xml = (
        '<p:timing xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"><p:tnLst><p:par>'
        '<p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>'
        '<p:seq concurrent="1" nextAc="seek"><p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>'
        f"{''.join(clicks)}</p:childTnLst></p:cTn>"
        '<p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:prevCondLst>'
        '<p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:nextCondLst>'
        "</p:seq></p:childTnLst></p:cTn></p:par></p:tnLst>"
        f"<p:bldLst>{builds}</p:bldLst></p:timing>"
    )
    slide._element.append(etree.fromstring(xml))


class SlideWriter:
    """Writes ``Slide`` records onto the house template."""

    def __init__(self, title: str, config) -> None:
        from pptx import Presentation

        self.presentation = Presentation(str(TEMPLATE))
        self.layouts = {layout.name: layout for layout in self.presentation.slide_layouts}
        self.config = config
        self.title = title

    def layout(self, name: str):
        if name not in self.layouts:
            raise ValueError(f"the PowerPoint template {TEMPLATE} has no layout named {name!r}")
        return self.layouts[name]

    def add(self, data: Slide) -> None:
        if data.is_title:
            self.title_slide(data)
        elif data.columns:
            slide = self.presentation.slides.add_slide(self.layout("Two content"))
            slide.shapes.title.text = data.title
            bodies = [shape for shape in slide.placeholders if shape.placeholder_format.idx != 0]
            answers = []
            for body, column in zip(bodies, data.columns, strict=False):
                answers += self.place(slide, body, column)
            self.finish(slide, data, answers)
        else:
            slide = self.presentation.slides.add_slide(self.layout("Content"))
            slide.shapes.title.text = data.title
            body = next(shape for shape in slide.placeholders if shape.placeholder_format.idx != 0)
            answers = self.place(slide, body, data.blocks)
            self.finish(slide, data, answers)

    def title_slide(self, data: Slide) -> None:
        from pptx.util import Inches

        slide = self.presentation.slides.add_slide(self.layout("Title"))
        slide.shapes.title.text = data.title
        subtitle = next(shape for shape in slide.placeholders if shape.placeholder_format.idx != 0)
        paras = [b for b in data.blocks if isinstance(b, Para)]
        for para in paras:
            para.size = TEXT_PT
        _fill_text_frame(subtitle.text_frame, paras)
        for picture in (b for b in data.blocks if isinstance(b, Picture)):
            size = Inches(2.3)
            left, top = self.presentation.slide_width - Inches(0.5) - size, Inches(3.3)
            self.add_picture(slide, picture, left, top, size, size)
            if picture.caption:
                _text_box(slide, left - Inches(0.6), top + size, size + Inches(1.2), Inches(0.5), picture.caption)
        self.finish(slide, data, [])

    def add_picture(self, slide, picture: Picture, left: int, top: int, width: int, height: int):
        scale = min(width / picture.width, height / picture.height)
        w, h = int(picture.width * scale), int(picture.height * scale)
        shape = slide.shapes.add_picture(io.BytesIO(picture.png), left + (width - w) // 2, top, w, h)
        shape._element.nvPicPr.cNvPr.set("descr", picture.alt)
        return shape

    def place(self, slide, body, blocks: list[Block]) -> list[int]:
        """Stack the blocks in the body placeholder's area; returns the shape IDs of answers."""
        left, top, width, bottom = body.left, body.top, body.width, body.top + body.height
        groups: list[list[Block]] = []
        for block in blocks:
            if isinstance(block, Para) and groups and isinstance(groups[-1][0], Para):
                groups[-1].append(block)
            else:
                groups.append([block])
        used_body = False
        answers: list[int] = []
        heights = [self.height_of(group, width) for group in groups]
        flexible = [i for i, group in enumerate(groups) if isinstance(group[0], Picture)]
        spare = max(bottom - top - sum(h for i, h in enumerate(heights) if i not in flexible), 0)
        for i in flexible:
            heights[i] = spare // len(flexible)
        # Text after the last table or figure (a table's note, a source line)
        # sits at the bottom of the area: the table above it may be taller
        # in PowerPoint than estimated here.
        visuals = [i for i, group in enumerate(groups) if isinstance(group[0], Table | Picture)]
        tail = visuals[-1] + 1 if visuals else len(groups)
        tail_top = bottom - sum(heights[tail:])
        cursor = top
        for index, (group, height) in enumerate(zip(groups, heights, strict=True)):
            if index == tail:
                cursor = max(cursor, tail_top)
            first = group[0]
            if isinstance(first, Para):
                if not used_body:
                    # All four: a placeholder inherits its frame, and setting one
                    # coordinate alone writes a frame of zero width.
                    body.left, body.top, body.width, body.height = left, cursor, width, height
                    _fill_text_frame(body.text_frame, group)
                    used_body = True
                else:
                    _text_box(slide, left, cursor, width, height, group)
            elif isinstance(first, Answer):
                box = _text_box(slide, left, cursor, width, height, first.paras)
                box.fill.solid()
                box.fill.fore_color.rgb = _colour(ANSWER_FILL)
                box.line.color.rgb = _colour(ANSWER_LINE)
                answers.append(box.shape_id)
            elif isinstance(first, Table):
                self.add_table(slide, first, left, cursor, width, height)
            elif isinstance(first, Picture):
                caption_h = _estimate_height(first.caption, width) if first.caption else 0
                self.add_picture(slide, first, left, cursor, width, max(height - caption_h, EMU_PER_INCH))
                if first.caption:
                    _text_box(slide, left, cursor + height - caption_h, width, caption_h, first.caption)
            cursor += height
        if not used_body:
            body._element.getparent().remove(body._element)
        return answers

    def height_of(self, group: list[Block], width: int) -> int:
        first = group[0]
        if isinstance(first, Para):
            return _estimate_height(group, width)
        if isinstance(first, Answer):
            return _estimate_height(first.paras, width)
        if isinstance(first, Table):
            caption = _estimate_height([Para(first.caption, size=TABLE_PT, bold=True)], width) if first.caption else 0
            total = sum(first.widths) or 1
            rows = 0
            for row in first.rows:
                rows += max(
                    (
                        _estimate_height(paras, int(width * first.widths[min(i, len(first.widths) - 1)] / total))
                        for i, (paras, _, _) in enumerate(row)
                    ),
                    default=0,
                )
            return caption + rows
        return 0

    def add_table(self, slide, table: Table, left: int, top: int, width: int, height: int) -> None:
        from pptx.util import Inches

        if table.caption:
            caption = [Para(table.caption, size=TABLE_PT, bold=True, colour=NAVY)]
            caption_h = _estimate_height(caption, width)
            _text_box(slide, left, top, width, caption_h, caption)
            top += caption_h
            height -= caption_h
        columns = len(table.widths)
        shape = slide.shapes.add_table(len(table.rows), columns, left, top, width, max(height, Inches(0.5)))
        grid = shape.table
        grid.first_row = table.header_rows > 0
        total = sum(table.widths) or 1
        for i, share in enumerate(table.widths):
            grid.columns[i].width = int(width * share / total)
        for row in grid.rows:
            row.height = Inches(0.4)
        occupied: set[tuple[int, int]] = set()
        for r, cells in enumerate(table.rows):
            c = 0
            for paras, more_cols, more_rows in cells:
                while (r, c) in occupied:
                    c += 1
                cell = grid.cell(r, c)
                if more_cols or more_rows:
                    cell.merge(grid.cell(r + more_rows, c + more_cols))
                for rr in range(r, r + more_rows + 1):
                    for cc in range(c, c + more_cols + 1):
                        occupied.add((rr, cc))
                cell.margin_left = cell.margin_right = Inches(0.06)
                cell.margin_top = cell.margin_bottom = Inches(0.03)
                _fill_text_frame(cell.text_frame, paras or [Para([Run("")], size=TABLE_PT)])
                c += more_cols + 1

    def finish(self, slide, data: Slide, answers: list[int]) -> None:
        from pptx.util import Inches

        width = self.presentation.slide_width
        row_top, row_h = Inches(6.95), Inches(0.4)
        if data.read_more:
            text, url = data.read_more
            para = Para([Run("Read more: "), Run(text, link=url or None)], size=FOOTER_PT, colour=GREY)
            _text_box(slide, Inches(0.5), row_top, width - Inches(2.6), row_h, [para])
        self.slide_number(slide, width - Inches(2.0), row_top, Inches(1.5), row_h)
        notes = data.notes
        if data.read_more and data.read_more[1]:
            notes += f"\n\nRead more in the handbook: {data.read_more[0]}, {data.read_more[1]}"
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        _appear_on_click(slide, answers)

    def slide_number(self, slide, left: int, top: int, width: int, height: int) -> None:
        from lxml import etree

        box = slide.shapes.add_textbox(left, top, width, height)
        paragraph = box.text_frame.paragraphs[0]
        paragraph._p.get_or_add_pPr().set("algn", "r")
        field_xml = (
            f'<a:fld xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" id="{SLIDE_NUMBER_FIELD_ID}" '
            f'type="slidenum"><a:rPr lang="en-GB" sz="{FOOTER_PT * 100}"><a:solidFill><a:srgbClr val="{GREY}"/>'
            f"</a:solidFill></a:rPr><a:t>{len(self.presentation.slides)}</a:t></a:fld>"
        )
        paragraph._p.insert(1, etree.fromstring(field_xml))

    def save(self, target: Path, epoch: int, author: str) -> None:
        props = self.presentation.core_properties
        date = datetime.fromtimestamp(epoch, UTC).replace(tzinfo=None)
        props.title = self.title
        props.author = props.last_modified_by = author
        props.created = props.modified = date
        props.revision = 1
        save_reproducibly(self.presentation, target, epoch)


# -- The builder ---------------------------------------------------------------


class PptxBuilder(Builder):
    """Writes each deck of ``handbook_decks`` as ``<deck>.pptx``."""

    name = "pptx"
    format = "pptx"
    epilog = __("The PowerPoint decks are in %(outdir)s.")
    # Images are read from their sources, never converted or copied by Sphinx.
    supported_image_types = ["image/svg+xml", "image/png", "image/jpeg", "image/gif"]
    supported_remote_images = False
    supported_data_uri_images = True
    allow_parallel = False

    def init(self) -> None:
        self.decks = {name: title for name, title in self.config.handbook_decks}
        # The PowerPoint download's suffix (handbook.toml's deck_downloads).
        self.suffix = next(
            (suffix for suffix, _label, target in self.config.handbook_deck_downloads if target == "slides-pptx"),
            ".pptx",
        )

    def get_outdated_docs(self):
        # A deck's pptx depends on its snippets, figures and the handbook's
        # inventory; writing the three decks takes seconds, so always write.
        return [name for name in self.env.found_docs if name in self.decks]

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        return f"{docname}.html"

    def prepare_writing(self, docnames: set[str]) -> None:
        Path(self.outdir).mkdir(parents=True, exist_ok=True)

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        if docname not in self.decks:
            return
        target = Path(self.outdir) / f"{docname}{self.suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        try:
            reader = SlideReader(self, docname)
            writer = SlideWriter(self.decks[docname], self.config)
            for slide in reader.slides(doctree):
                writer.add(slide)
            writer.save(target, source_date_epoch(), self.config.author)
        except Exception as error:  # a bad figure or template: a warning at the deck, not a traceback
            target.unlink(missing_ok=True)
            logger.warning(
                "could not write the PowerPoint deck: %s", error, location=docname, type="handbook", subtype="pptx"
            )

    def finish(self) -> None:
        pass


def setup(app) -> dict:
    # The decks to write, with their titles, and their files' suffix (handbook.toml, through conf.py).
    add_shared_config_value(app, "handbook_decks", [], "html", frozenset({list, tuple}))
    add_shared_config_value(app, "handbook_deck_downloads", [], "html", frozenset({list, tuple}))
    app.add_builder(PptxBuilder)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
