"""Typst source to a tagged PDF/UA-1 file: the fonts, the date and the one call both PDFs make.

The handbook (``builder.py``) and the What-changed pack for the committee
(``handbook_sphinx/changes/typst_pdf.py``) are both set in the same font
files, dated the same way, and compiled with the same options. Each caller
reports failures its own way (a Sphinx warning at the author's line, or one
line from ``make changes``).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

from handbook_sphinx.dates import build_date

# The font files the book is set in, from Debian packages that
# tools/ensure-system-packages installs (group "pdf"): TeX Gyre Pagella and
# Heros (fonts-texgyre), DejaVu for the glyphs they lack (fonts-dejavu-core).
TEXGYRE = Path("/usr/share/texmf/fonts/opentype/public/tex-gyre")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = [
    *(
        TEXGYRE / f"texgyre{face}-{style}.otf"
        for face in ("pagella", "heros")
        for style in ("regular", "bold", "italic", "bolditalic")
    ),
    *(
        DEJAVU / name
        for name in (
            "DejaVuSerif.ttf",
            "DejaVuSerif-Bold.ttf",
            "DejaVuSans.ttf",
            "DejaVuSans-Bold.ttf",
            "DejaVuSansMono.ttf",
            "DejaVuSansMono-Bold.ttf",
        )
    ),
]


def link_fonts(folder: Path) -> list[str]:
    """Fill ``folder`` (emptied first) with links to the font files; return the ones missing from the system."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    missing = [str(path) for path in FONT_FILES if not path.is_file()]
    for path in FONT_FILES:
        if path.is_file():
            (folder / path.name).symlink_to(path)
    return missing


def timestamp() -> int:
    """The PDF's creation date: SOURCE_DATE_EPOCH, else midnight UTC of the build date (the same in every zone)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return int(epoch)
    return int(dt.datetime.combine(build_date(), dt.time(), tzinfo=dt.UTC).timestamp())


def compile_pdf_ua(source: Path, output: Path, fonts: Path) -> list:
    """Compile ``source`` to ``output`` as PDF/UA-1 with only the fonts in ``fonts``; return Typst's warnings.

    Raises ``typst.TypstError`` when Typst cannot write the PDF; ``output`` may then be partly written.
    """
    import typst

    font_paths = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(fonts)])
    _, warnings = typst.compile_with_warnings(
        str(source),
        output=str(output),
        root=str(source.parent),
        font_paths=font_paths,
        pdf_standards=["ua-1"],
        timestamp=timestamp(),
    )
    return list(warnings)
