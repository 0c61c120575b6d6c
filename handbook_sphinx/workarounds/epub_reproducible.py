"""The EPUB file is the same, byte for byte, for the same commit: fixed entry dates and order.

Upstream: none filed yet. Sphinx's ``build_epub`` (``sphinx/builders/
_epub_base.py``) writes each file with ``ZipFile.write``, which stores the
file's modification time, in local time, and its permission bits, in the
order the output folder was walked. So two builds of one commit differ, and
differ again between time zones. Related: sphinx-doc/sphinx#14168 (the same
code fails on files dated before 1980). Checked against Sphinx 9.0.4.

The patch: when the epub build finishes, the EPUB is written again with the
same entries and content, each dated ``SOURCE_DATE_EPOCH`` (UTC), with fixed
permissions, ``mimetype`` first and stored (as EPUB requires), then the
container, the package and the NCX, then every other entry in name order.
It is replaced atomically.

- epub: as above. html, typst, revealjs, pptx: nothing.

Still needed while: ``test_sphinx_epub_still_keeps_file_times``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZIP_STORED, ZipFile, ZipInfo

from . import disabled

NAME = "epub_reproducible"
FIRST = ("mimetype", "META-INF/container.xml", "content.opf", "toc.ncx")
# ZIP dates start in 1980.
ZIP_EPOCH = 315532800


def entry_date() -> tuple[int, int, int, int, int, int]:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    seconds = int(epoch) if epoch.isdigit() else int(time.time())
    return time.gmtime(max(seconds, ZIP_EPOCH))[:6]


def rewrite(epub: Path) -> None:
    """Write ``epub`` again with fixed dates, permissions and order."""
    with ZipFile(epub) as source:
        entries = {info.filename: source.read(info) for info in source.infolist() if not info.is_dir()}
    names = [name for name in FIRST if name in entries] + sorted(set(entries) - set(FIRST))
    when = entry_date()
    temporary = epub.with_name(f".{epub.name}.tmp")
    with ZipFile(temporary, "w") as target:
        for name in names:
            info = ZipInfo(name, date_time=when)
            info.compress_type = ZIP_STORED if name == "mimetype" else ZIP_DEFLATED
            info.create_system = 3  # Unix
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name])
    temporary.replace(epub)


def rewrite_epub(app, exception) -> None:
    if exception is not None or not app.builder.name.startswith("epub"):
        return
    epub = Path(app.outdir) / f"{app.config.epub_basename}.epub"
    if epub.is_file():
        rewrite(epub)


def setup(app) -> dict:
    if not disabled(NAME):
        app.connect("build-finished", rewrite_epub)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
