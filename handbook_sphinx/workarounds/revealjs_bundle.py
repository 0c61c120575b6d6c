"""The decks publish only the parts of sphinx-revealjs's bundled reveal.js that they load.

Upstream: none filed; sphinx-revealjs has no option to copy less than its
whole reveal.js tree. Checked against sphinx-revealjs 3.2.1 (reveal.js 5.2.0).

The problem: the builder copies every theme, plugin and Sass source; the
themes other than ours, the math plugin and the sources name third-party
hosts (web fonts, MathJax, KaTeX). Nothing loads them, but a published site
must not carry files that would fetch from elsewhere if anything did.

The patch: when the deck build finishes, remove what no deck loads: the
other themes, the unused plugins, the Sass sources, the ES module build and
the source maps. It relies on the bundle's folder layout (``dist/theme``,
``plugin/<name>``), so ``test_the_deck_bundle_keeps_what_the_decks_load``
lists what is kept: an upgrade that moves things fails there.

- revealjs: as above. Other builders: nothing (this module is set up by
  ``handbook_sphinx.decks``, which only the deck build loads).

Still needed while: ``test_revealjs_still_bundles_files_naming_other_hosts``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from . import disabled

NAME = "revealjs_bundle"


def prune_unused_revealjs_files(app, exception) -> None:
    """Remove the parts of the bundled reveal.js that no deck loads.

    sphinx-revealjs copies its whole reveal.js tree. The themes other than
    ours, the math plugin and the Sass sources name third-party hosts (web
    fonts, MathJax, KaTeX); nothing loads them, but a published site should
    not carry files that would fetch from elsewhere if anything did.
    """
    if exception is not None or app.builder.name != "revealjs":
        return
    root = Path(app.outdir) / "_static" / "revealjs"
    keep_theme = f"{app.config.revealjs_style_theme}.css"
    used_plugins = {Path(plugin["src"]).parts[2] for plugin in app.config.revealjs_script_plugins if "src" in plugin}
    doomed = [root / "css", *root.glob("dist/*.map"), root / "dist" / "reveal.esm.js"]
    doomed += [path for path in (root / "dist" / "theme").glob("*.css") if path.name != keep_theme]
    doomed += [path for path in (root / "plugin").iterdir() if path.is_dir() and path.name not in used_plugins]
    for path in doomed:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def setup(app) -> dict:
    if not disabled(NAME):
        app.connect("build-finished", prune_unused_revealjs_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
