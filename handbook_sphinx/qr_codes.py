"""QR codes from paper and projector back to the published site.

A QR code is drawn with segno (pure Python) as SVG and embedded in the page
as a data URI, so no file is written and nothing is fetched. Its alt text
names the URL, which the page also prints beside it for those who cannot
scan. Each is an ordinary ``image`` node carrying the URL it encodes in
``handbook_qr_url``:

- html, revealjs: ``<img src="data:image/svg+xml,...">`` with the alt text;
- pptx (``handbook_sphinx.pptx``): a PNG drawn by segno from that URL, crisp
  at any size, with the same alt text;
- typst, epub: this module's nodes are made only by the decks' directives,
  which those builders never read.
"""

from __future__ import annotations

import segno
from docutils import nodes

# M (15 % recovery) survives a projector's glare and a photocopy, and keeps
# a handbook URL to a version-4 code that a phone reads from the back row.
ERROR_LEVEL = "m"


def qr_code(url: str) -> segno.QRCode:
    """The QR code for ``url``: the same symbol on every build."""
    return segno.make_qr(url, error=ERROR_LEVEL, boost_error=False)


def alt_text(url: str) -> str:
    return f"QR code linking to {url}"


def qr_image(url: str, classes: list[str] | None = None) -> nodes.image:
    """An image node showing the QR code for ``url``, alt text naming it."""
    uri = qr_code(url).svg_data_uri(scale=1, border=4, dark="#000", light="#fff")
    return nodes.image(uri=uri, alt=alt_text(url), classes=["qr-code", *(classes or [])], handbook_qr_url=url)


def qr_png(url: str, scale: int = 20) -> bytes:
    """The QR code for ``url`` as PNG bytes (PowerPoint and LibreOffice do not all show SVG)."""
    import io

    out = io.BytesIO()
    qr_code(url).save(out, kind="png", scale=scale, border=4, dark="#000", light="#fff")
    return out.getvalue()
