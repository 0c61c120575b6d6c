"""The project's own conf.py, loaded for a test root; only the root's layout is adapted.

Each root mirrors the project: ``docs/`` (the handbook), ``slides/`` (the
decks), ``snippets/`` and ``data/`` beside its ``conf.py``. The root is both
source and configuration folder, so the handbook and the decks are told apart
by the ``decks`` tag, as the Makefile tells them apart by source folder. A
root's conf.py is::

    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from project_conf import project_conf

    globals().update(project_conf(__file__, tags))

followed by whatever its scenario overrides. The root stays buildable on its
own: ``python -m sphinx -W --keep-going -b html tests/roots/test-x out``.
"""

from __future__ import annotations

import inspect
import os
from pathlib import Path

# tests/roots/project_conf.py lives two folders below the project; conftest.py
# sets HANDBOOK_PROJECT when the roots are copied out of the tree.
PROJECT = Path(os.environ.get("HANDBOOK_PROJECT") or Path(__file__).resolve().parents[2])


def project_conf(root_conf: str, tags) -> dict:
    """Every setting of the project's conf.py, for the root whose conf.py is ``root_conf``."""
    conf = PROJECT / "conf.py"
    namespace = {"__file__": str(conf), "__name__": "handbook_conf", "tags": tags}
    exec(compile(conf.read_text(encoding="utf-8"), str(conf), "exec"), namespace)
    settings = {k: v for k, v in namespace.items() if not k.startswith("__") and not inspect.ismodule(v)}

    root = Path(root_conf).resolve().parent
    decks = tags.has("decks")
    # Paths conf.py writes relative to the project still point into the project.
    for name in ("templates_path", "html_static_path", "revealjs_static_path"):
        settings[name] = [str(PROJECT / path) for path in settings[name]]
    for name in ("html_favicon", "html_logo"):
        settings[name] = str(PROJECT / settings[name])
    # The root's own snippets/, data/ and bibliography.
    settings["handbook_confdir"] = str(root)
    settings["bibtex_bibfiles"] = ["data/references.bib"]
    # The editorial gate's list of tertiary sites is the project's, not data.
    settings["handbook_tertiary_domains"] = str(PROJECT / settings["handbook_tertiary_domains"])
    # One source folder holds both trees; each build reads its own.
    settings["root_doc"] = "slides/index" if decks else "docs/index"
    settings["exclude_patterns"] = [*settings["exclude_patterns"], "snippets", "data", "docs" if decks else "slides"]
    # Machinery roots need no book theme (sphinx.testing swaps alabaster for basic).
    settings["html_theme"] = "alabaster"
    settings["html_theme_options"] = {}
    return settings
