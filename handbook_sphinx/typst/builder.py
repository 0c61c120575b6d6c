"""The PDF builder: the whole book as one Typst file, compiled in process to PDF/UA-1.

``sphinx-build -b typst docs <outdir>`` writes into ``<outdir>``:

- ``main.typ``: the book, as calls to ``handbook.typ`` (copied beside it);
- ``images/``: every figure as the author drew it (SVG stays SVG);
- ``qr/``: one QR code per chapter, linking to that chapter on the published
  site (``html_baseurl``), drawn by segno;
- ``fonts/``: links to exactly the font files the book uses, so the PDF does
  not depend on whatever else the machine has installed;
- ``<handbook_pdf_name>``: the PDF, written by the ``typst`` package (no TeX,
  no network), tagged and declared PDF/UA-1. Typst refuses to write a file
  that breaks PDF/UA-1's machine-checkable rules.

The PDF is written only when the translation had no problem; otherwise the
old PDF is removed, so a failed build leaves nothing that looks current.
The PDF's dates come from ``SOURCE_DATE_EPOCH``: the same commit gives the
same bytes in any time zone.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

from docutils import nodes
from docutils.frontend import get_default_settings
from sphinx import addnodes
from sphinx.builders import Builder
from sphinx.errors import NoUri
from sphinx.locale import __
from sphinx.util import logging
from sphinx.util.display import progress_message
from sphinx.util.osutil import ensuredir

from handbook_sphinx.chapter_meta import chapter_dates
from handbook_sphinx.dates import build_date, long_date
from handbook_sphinx.numbering import chapter_numbers

from .compile import FONT_FILES, compile_pdf_ua, link_fonts
from .translator import IndexTarget, TypstTranslator, escape, string

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "handbook.typ"

# The text faces in the order handbook.typ falls back through them.
TEXT_FONTS = ["texgyrepagella-regular.otf", "DejaVuSerif.ttf", "DejaVuSans.ttf"]
PAPERS = ("a4", "letter")


def balanced_lines(title: str) -> list[str]:
    """A title in two lines of about equal length ("Ketamine Therapy / for Mood Disorders")."""
    words = title.split()
    if len(words) < 3:
        return [title]
    splits = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    first, second = min(splits, key=lambda s: (abs(len(s[0]) - len(s[1])), -len(s[0])))
    return [first, second]


class TypstBuilder(Builder):
    """Builds the handbook PDF with Typst."""

    name = "typst"
    format = "typst"
    epilog = __("The PDF is in %(outdir)s.")
    supported_image_types = ["image/svg+xml", "image/png", "image/jpeg", "image/gif"]
    supported_remote_images = False
    default_translator_class = TypstTranslator

    def init(self) -> None:
        self.docnames: set[str] = set()
        self.chapter_numbers: dict[str, str] = {}
        self.part_docs: set[str] = set()
        self.chapter_extras: dict[str, dict[str, str]] = {}
        if self.config.typst_paper not in PAPERS:
            logger.warning(
                "typst_paper is %r: it must be one of %s",
                self.config.typst_paper,
                ", ".join(PAPERS),
                type="handbook",
                subtype="typst",
            )

    def get_outdated_docs(self) -> str:
        return "all documents"

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname not in self.docnames:
            raise NoUri(docname, typ)
        return "%" + docname

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return self.get_target_uri(to, typ)

    def prepare_writing(self, docnames) -> None:
        pass

    # -- Assembling the book -------------------------------------------------------

    def assemble_doctree(self) -> nodes.document:
        """The root's toctrees with every document inlined, references resolved."""
        root = self.config.root_doc
        self.docnames = {root}
        tree = self.env.get_doctree(root)
        book = nodes.document(tree.settings, tree.reporter)
        book["docname"] = root
        book["source"] = tree.get("source", "")
        # The root page's own words (its title is the title page's) open the
        # verso; its toctrees become the book.
        intro = nodes.container(classes=["handbook-root"])
        section = next(iter(tree.findall(nodes.section)), None)
        for child in section.children if section is not None else []:
            if isinstance(child, (nodes.title, chapter_dates)) or any(child.findall(addnodes.toctree)):
                continue
            intro += child.deepcopy()
        if section is not None:
            intro["ids"] = list(section["ids"])
        book += intro
        for toctree in tree.findall(addnodes.toctree):
            book += toctree.deepcopy()
        self.inline_toctrees(book, [root])
        book["docname"] = root
        self.env.resolve_references(book, root, self)
        for pending in list(book.findall(addnodes.pending_xref)):
            pending.replace_self(nodes.inline("", pending.astext()))
        return book

    def inline_toctrees(self, tree: nodes.Element, traversed: list[str]) -> None:
        """Replace each toctree in ``tree`` with its documents, recursively, each in a ``start_of_file``.

        What ``sphinx.util.nodes.inline_all_toctrees`` does, without its deep
        copy of every document: ``env.get_doctree`` unpickles a new tree each
        time, so there is nothing to protect, and the copies cost about a
        second of the PDF build.
        """
        for toctree in list(tree.findall(addnodes.toctree)):
            inlined = []
            for docname in map(str, toctree["includefiles"]):
                if docname in traversed:
                    continue
                traversed.append(docname)
                subtree = self.env.get_doctree(docname)
                self.inline_toctrees(subtree, traversed)
                self.docnames.add(docname)
                start = addnodes.start_of_file(docname=docname)
                start.children = subtree.children
                for section in start.findall(nodes.section):
                    section.setdefault("docname", docname)
                inlined.append(start)
            toctree.parent.replace(toctree, inlined)

    def write_documents(self, _docnames) -> None:
        outdir = Path(self.outdir)
        pdf = outdir / self.config.handbook_pdf_name
        pdf.unlink(missing_ok=True)
        with progress_message(__("assembling the book")):
            book = self.assemble_doctree()
            self.chapter_numbers = chapter_numbers(self.env)
            includes = self.env.toctree_includes
            self.part_docs = {doc for doc in includes.get(self.config.root_doc, []) if doc in includes}
            self.post_process_images(book)
            self.copy_images()
            self.write_qr_codes()
        with progress_message(__("writing main.typ")):
            book.settings = get_default_settings()
            book.settings.language_code = self.config.language
            translator = self.create_translator(book, self)
            book.walkabout(translator)
            main = self.main_source(translator)
            (outdir / "main.typ").write_text(main, encoding="utf-8")
            shutil.copyfile(TEMPLATE, outdir / "handbook.typ")
        problems = translator.problems + translator.images_without_alt
        if problems:
            logger.warning(
                "the PDF was not written: %d problem(s) in the book (reported above)%s",
                problems,
                f", {translator.images_without_alt} of them image(s) without alt text, which PDF/UA requires"
                if translator.images_without_alt
                else "",
                type="handbook",
                subtype="typst",
            )
            return
        self.check_glyphs(main)
        with progress_message(__("compiling the PDF with Typst")):
            self.compile(outdir / "main.typ", pdf)

    # -- Pieces of the output --------------------------------------------------------

    def copy_images(self) -> None:
        images = Path(self.outdir) / "images"
        ensuredir(images)
        for source, name in self.images.items():
            target = images / name
            shutil.copyfile(Path(self.srcdir) / source, target)

    def site_url(self) -> str:
        """Where the site is published (``html_baseurl``), ending in a slash."""
        base = self.config.html_baseurl or "http://localhost:8000/"
        return base if base.endswith("/") else base + "/"

    def chapter_url(self, docname: str) -> str:
        return f"{self.site_url()}{docname}.html"

    def write_qr_codes(self) -> None:
        import segno

        folder = Path(self.outdir) / "qr"
        ensuredir(folder)
        self.chapter_extras = {}
        for docname in self.chapter_numbers:
            url = self.chapter_url(docname)
            path = folder / (docname.replace("/", "--") + ".svg")
            qr = segno.make(url, error="m", micro=False)
            qr.save(str(path), kind="svg", scale=1, border=2, dark="#1F3A5F", xmldecl=False, svgns=True, nl=False)
            self.chapter_extras[docname] = {
                "qr": path.relative_to(self.outdir).as_posix(),
                "url": url,
                "alt": f"QR code linking to this chapter on the handbook's website: {url}",
            }

    def fonts_folder(self) -> Path:
        folder = Path(self.outdir) / "fonts"
        missing = link_fonts(folder)
        if missing:
            logger.warning(
                "font files missing: %s (install them with tools/ensure-system-packages pdf)",
                ", ".join(missing),
                type="handbook",
                subtype="typst",
            )
        return folder

    def check_glyphs(self, main: str) -> None:
        """Every character of the text has a glyph in one of the text faces."""
        from fontTools.ttLib import TTFont

        covered: set[int] = set()
        for name in TEXT_FONTS:
            path = next((p for p in FONT_FILES if p.name == name), None)
            if path and path.is_file():
                covered |= set(TTFont(str(path), lazy=True).getBestCmap())
        text = re.sub(r"[\x00-\x1f]", "", main)
        # Format characters (a word joiner, a soft hyphen) steer line breaking and print nothing.
        missing = sorted(
            {ch for ch in text if ord(ch) > 0x7F and ord(ch) not in covered and unicodedata.category(ch) != "Cf"}
        )
        for ch in missing:
            logger.warning(
                "the character %r (U+%04X) has no glyph in the PDF's fonts (%s): it would print as a box",
                ch,
                ord(ch),
                ", ".join(TEXT_FONTS),
                type="handbook",
                subtype="typst",
            )

    def main_source(self, translator: TypstTranslator) -> str:
        config = self.config
        body = translator.astext()
        # Links to targets the book does not contain become plain text.
        defined = translator.defined_labels

        def relink(match: re.Match) -> str:
            if match.group(2) in defined:
                return match.group(0)
            return "#nolink(" if match.group(1) == "link" else "#nopageref("

        body = re.sub(r"#(link|pageref)\(<([^>]+)>", relink, body)
        day = build_date()
        title = config.project
        lines = ", ".join(string(line) for line in balanced_lines(title))
        keywords = ", ".join(string(k) for k in config.handbook_keywords)
        out = [
            "// Written by handbook_sphinx/typst (the PDF builder); do not edit.\n",
            '#import "handbook.typ": *\n',
            f"#show: handbook.with(title: {string(title)}, subtitle: {string(config.handbook_subtitle)}, "
            f"author: {string(config.author)}, "
            f"description: {string(config.handbook_subtitle + '. ' + config.handbook_notice)}, "
            f"keywords: ({keywords},), paper: {string(config.typst_paper)})\n\n",
            f"#title-page(title-lines: ({lines},), subtitle: [{escape(config.handbook_subtitle)}], "
            f"version: [{escape(config.release)}], date: [{escape(long_date(day))}], "
            f"notice: [{escape(config.handbook_notice)}], notice-long: [{escape(config.handbook_notice_long)}], "
            f"author: [{escape(config.author)}])\n",
            self.verso(translator.root_intro),
            "#matter-heading[Contents]\n#outline(title: none, depth: 3)\n\n",
        ]
        if translator.list_of_figures:
            out.append("#matter-heading[List of Figures]\n")
            out += [
                f"#list-entry(number: [{escape(n)}], target: <{label}>)[{escape(text)}]\n"
                for n, label, text in translator.list_of_figures
            ]
        if translator.list_of_tables:
            out.append("#matter-heading[List of Tables]\n")
            out += [
                f"#list-entry(number: [{escape(n)}], target: <{label}>)[{escape(text)}]\n"
                for n, label, text in translator.list_of_tables
            ]
        out.append('\n#set page(numbering: "1")\n#counter(page).update(1)\n\n')
        out.append(body)
        out.append(self.index_source(translator.index))
        return "".join(out)

    def verso(self, intro: str) -> str:
        config = self.config
        day = build_date()
        return (
            f"#verso(title: [{escape(config.project)}], intro: [{intro}])[\n"
            f"{escape(config.handbook_subtitle)}. Version {escape(config.release)}, {escape(long_date(day))}.\n\n"
            "#line(length: 100%, stroke: 0.4pt + rule-colour)\n\n"
            f"*Disclaimer.* {escape(config.handbook_notice_long)} Racemic ketamine is not licensed for depression; "
            "where this handbook discusses its use for mood disorders, that use is off-label. Doses are quoted only "
            "as reported by trials, labels or guidelines.\n\n"
            f"*Literature cut-off.* The literature is covered up to {escape(config.handbook_evidence_cutoff)}. "
            f"Product labels and regulatory documents are cited as consulted in "
            f"{escape(config.handbook_labels_consulted)}, each by its version or revision date. "
            "Each chapter states its own review date and literature cut-off.\n\n"
            f"*Licence.* Text and figures © {day.year} {escape(config.author)}, licensed under "
            f"#box[{escape(config.handbook_licence)}].\n\n"
            f"*How to cite.* {escape(config.author)}. #emph[{escape(config.project)}: "
            f"{escape(config.handbook_subtitle)}]. Version {escape(config.release)}, {escape(long_date(day))}.\n"
            "]\n"
        )

    @staticmethod
    def index_source(entries) -> str:
        """The index: entries merged case-insensitively, sub-entries under their headword."""
        if not entries:
            return ""

        def key(text: str) -> str:
            return re.sub(r"^[^0-9A-Za-z]+", "", text).casefold()

        heads: dict[str, dict] = {}
        for head, sub, see, target in entries:
            record = heads.setdefault(key(head), {"names": [], "main": [], "refs": [], "subs": {}, "see": []})
            record["names"].append(head)
            if see:
                record["see"].append(see)
                continue
            place = record
            if sub:
                place = record["subs"].setdefault(key(sub), {"names": [], "main": [], "refs": []})
                place["names"].append(sub)
            if isinstance(target, IndexTarget):
                (place["main"] if target.main else place["refs"]).append(target.label)

        def display(names: list[str]) -> str:
            # "Abuse liability" (the glossary) and "abuse liability" (the text)
            # are one headword, written as the text writes it.
            lower = [n for n in names if n[:1].islower()]
            return (lower or names)[0]

        def labels(items: list[str]) -> str:
            unique = list(dict.fromkeys(items))
            return "(" + "".join(f"<{label}>, " for label in unique) + ")"

        out = ["\n#index-section[\n"]
        letter = None
        for head_key in sorted(heads, key=lambda k: (not k[:1].isalpha(), k)):
            record = heads[head_key]
            first = head_key[:1].upper() if head_key[:1].isalpha() else "Symbols and numbers"
            if first != letter:
                letter = first
                out.append(f"#index-letter[{escape(letter)}]\n")
            name = escape(display(record["names"]))
            if record["see"]:
                name += ", " + "; ".join(f"#emph[{escape(s)}]" for s in dict.fromkeys(record["see"]))
            out.append(f"#index-entry(main: {labels(record['main'])}, refs: {labels(record['refs'])})[{name}]\n")
            for sub_key in sorted(record["subs"]):
                sub = record["subs"][sub_key]
                out.append(
                    f"#index-entry(level: 1, main: {labels(sub['main'])}, refs: {labels(sub['refs'])})"
                    f"[{escape(display(sub['names']))}]\n"
                )
        out.append("]\n")
        return "".join(out)

    @staticmethod
    def source_of(main: Path, diagnostic: str) -> str:
        """The author's file and line behind the first main.typ line a Typst diagnostic names."""
        match = re.search(r"main\.typ:(\d+)", diagnostic)
        if not match:
            return f"{main}:1"
        lines = main.read_text(encoding="utf-8").splitlines()[: int(match.group(1))]
        for line in reversed(lines):
            if line.startswith("// @src "):
                return line[len("// @src ") :]
        return f"{main}:{match.group(1)}"

    def compile(self, main: Path, pdf: Path) -> None:
        import typst

        tmp = pdf.with_name(f".{pdf.name}.tmp")
        try:
            warnings = compile_pdf_ua(main, tmp, self.fonts_folder())
        except typst.TypstError as error:
            tmp.unlink(missing_ok=True)
            message = getattr(error, "message", None) or str(error)
            logger.warning(
                "Typst could not write the PDF: %s\n%s",
                message,
                getattr(error, "diagnostic", ""),
                location=self.source_of(main, str(getattr(error, "diagnostic", error))),
                type="handbook",
                subtype="typst",
            )
            return
        for warning in warnings:
            message = getattr(warning, "message", None) or str(warning)
            logger.warning(
                "Typst: %s\n%s",
                message,
                getattr(warning, "diagnostic", ""),
                location=self.source_of(main, str(getattr(warning, "diagnostic", warning))),
                type="handbook",
                subtype="typst",
            )
        tmp.replace(pdf)
        logger.info(__("PDF written: %s"), pdf)
        if self.site_url().startswith("http://localhost"):
            # Not a warning: a local build is a preview by design (README, "Publishing").
            logger.info(
                __(
                    "its QR codes and web links point at the local preview %s; for a PDF to distribute, set HANDBOOK_SITE_URL"
                ),
                self.site_url(),
            )
