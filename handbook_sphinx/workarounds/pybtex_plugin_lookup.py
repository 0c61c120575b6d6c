"""Look pybtex's plaintext backend up once per process, not once per citation.

sphinxcontrib-bibtex resolves each ``{cite}`` by calling
``pybtex.plugin.find_plugin("pybtex.backends", "plaintext")``, and pybtex
answers that by scanning the entry points of every installed distribution
(``importlib.metadata``), about 3.5 ms each time in this venv. The handbook
cites about 960 times, so every build of the handbook, the PDF, the EPUB and
the decks spent seconds on the same lookup. Registering the class that
lookup returns as a pybtex runtime plugin (pybtex's public
``register_plugin``) makes every later lookup a dictionary hit; the class is
the same one, so the output is unchanged.

Upstream: none filed yet; the fix belongs in sphinxcontrib-bibtex, which
could look the backend up once (``domain.py``, once per citation in 2.7.0).
Checked against sphinxcontrib-bibtex 2.7.0 and pybtex 0.26.1.

Acts at setup in every builder (html, epub, typst, pptx, revealjs); writes no
nodes and renders nothing. The registration is process-wide, as pybtex's
registry is.

Still needed while: ``test_pybtex_still_scans_entry_points_on_every_lookup``.
"""

from __future__ import annotations

import pybtex.plugin

from . import disabled

NAME = "pybtex_plugin_lookup"
PLUGINS = (("pybtex.backends", "plaintext"),)


def setup(app) -> dict:
    if disabled(NAME):
        return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
    for group, name in PLUGINS:
        pybtex.plugin.register_plugin(group, name, pybtex.plugin.find_plugin(group, name), force=True)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
