"""SVG figures converted to PDF for LaTeX carry the build date, not the time of conversion.

The LaTeX builder cannot read SVG, so sphinxcontrib-cairosvgconverter turns
each SVG figure into a PDF on every build, and cairo (1.16) stamps each PDF
with the current time as its ``/CreationDate``. LuaLaTeX copies that
stamp into the handbook PDF with each figure, so two builds of the same
commit differed, and latexmk saw five "changed" figures on every build and
ran a LuaLaTeX pass even when nothing had changed.

This converter runs just before CairoSVG's own (same conversion) and then
writes the build date into the stamp: ``SOURCE_DATE_EPOCH`` (the Makefile
sets it to the commit time), or else the SVG's own modification time. The
date keeps its length, so the PDF's byte offsets stay valid.

- latex: figures converted to PDF are stamped as above; PNG conversions
  carry no date and are left as they are.
- html, epub and revealjs read SVG themselves: nothing is converted, so
  this does nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from sphinxcontrib.cairosvgconverter import CairoSVGConverter

CREATION_DATE = re.compile(rb"(/CreationDate \(D:)\d{14}")


class DatedCairoSVGConverter(CairoSVGConverter):
    """CairoSVG's SVG → PDF conversion, with the build date in the PDF's creation date."""

    # Sphinx applies the lower priority first; CairoSVG's own converter then
    # finds the image converted already.
    default_priority = CairoSVGConverter.default_priority - 1

    def convert(self, _from, _to) -> bool:
        if not super().convert(_from, _to):
            return False
        if Path(_to).suffix == ".pdf":
            stamp(Path(_to), source_date(Path(_from)))
        return True


def source_date(source: Path) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else int(source.stat().st_mtime)
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def stamp(pdf: Path, when: dt.datetime) -> None:
    """Write ``when`` into the PDF's creation date, in place."""
    data = pdf.read_bytes()
    digits = when.strftime("%Y%m%d%H%M%S").encode()
    dated = CREATION_DATE.sub(lambda match: match[1] + digits, data)
    if dated != data:
        pdf.write_bytes(dated)


def setup(app) -> dict:
    app.add_post_transform(DatedCairoSVGConverter)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
