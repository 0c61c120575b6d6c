"""Images copied into ``_images/`` get the same names in every build: clean, incremental or parallel.

Upstream: none filed that we found; the same class of problem, output that
depends on the order of a parallel build, is sphinx-doc/sphinx#6714 (closed)
and #11887 (closed, the search index). Checked against Sphinx 9.0.4.

The problem: two images with the same file name in different folders (the
handbook has ``snippets/history/timeline.svg`` and
``snippets/esketamine/timeline.svg``) are copied as ``timeline.svg`` and
``timeline1.svg``. Sphinx's ``FilenameUniqDict`` hands out the names in the
order the images are first seen: the reading order in a serial build, the
order the processes finish in a parallel one (``-j``), and the order of the
re-read documents in an incremental one. So the same sources could give the
history chapter either drawing's name, and a page and the site differ
between builds.

The patch: once every document is read (``env-updated``), the names are
handed out again in the order of the images' source paths, and the pages
showing an image whose name changed are written again.

- html, epub, revealjs: the same ``_images/`` names and links in every build.
- typst, pptx: they read images from their sources; nothing changes.

Still needed while: ``test_sphinx_still_names_images_by_reading_order``.
"""

from __future__ import annotations

from . import disabled

NAME = "stable_image_names"


def rename_in_path_order(app, env) -> list[str]:
    images = env.images
    before = {filename: unique for filename, (_docs, unique) in images.items()}
    entries = sorted(images.items())
    images.clear()
    images._existing = set()  # FilenameUniqDict's names in use (sphinx/util/_files.py)
    for filename, (docs, _unique) in entries:
        for docname in sorted(docs):
            images.add_file(docname, filename)
    changed = {filename for filename, (_docs, unique) in images.items() if before.get(filename) != unique}
    return sorted({docname for filename in changed for docname in images[filename][0]})


def setup(app) -> dict:
    if not disabled(NAME):
        app.connect("env-updated", rename_in_path_order)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
