"""Unchanged decks are not re-read on every build, and are re-read when the handbook's labels change.

Upstream: attakei/sphinx-revealjs#74 (open since 2021; the maintainer asked
for a reproduction: ``tests/test_workarounds.py`` has one). Checked against
sphinx-revealjs 3.2.1 and Sphinx 9.0.4.

The problem: at builder init, sphinx-revealjs appends its internal static
path to ``revealjs_static_path`` and adds ``scrollActivationWidth`` to
``revealjs_script_conf`` in place (``builders.py``, ``init``). The config
pickled with the environment then never equals the next run's, so every
deck build re-reads every deck.

The patch: apply both changes at ``config-inited``, before Sphinx compares
the config, so a no-op deck build reads nothing.

Its consequence, handled here too: a deck's links into the handbook
(``{read-more}``, ``{ref}`` and ``{term}`` in snippets) resolve through the
handbook's ``objects.inv`` only when a deck is read. Once unchanged decks are
no longer re-read, a renamed handbook label would leave a dead link behind.
So the decks are re-read whenever the content of ``objects.inv`` changes
(its SHA-256, kept in the environment: every HTML build rewrites the file,
so its time stamp says nothing).

Acts only in the deck build (this module is set up by ``handbook_sphinx.decks``).

Still needed while: ``test_revealjs_still_rereads_unchanged_decks``.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import disabled

NAME = "revealjs_rereads"


def inventory_path(app) -> Path:
    inventory = Path(app.config.handbook_inventory)
    return inventory if inventory.is_absolute() else Path(app.confdir) / inventory


def apply_builder_config_early(app, config) -> None:
    """Make the two changes sphinx-revealjs makes at builder init, so the config compares equal."""
    from sphinx_revealjs.utils import get_internal_static_path

    internal = str(get_internal_static_path())
    if internal not in config.revealjs_static_path:
        config.revealjs_static_path = [*config.revealjs_static_path, internal]
    if isinstance(config.revealjs_script_conf, dict):
        config.revealjs_script_conf.setdefault("scrollActivationWidth", None)


def drop_duplicate_static_path(app) -> None:
    """The builder appends the internal path once more at init; keep one of each."""
    paths = list(dict.fromkeys(app.config.revealjs_static_path))
    app.config.revealjs_static_path = paths
    app.config.html_static_path = paths


def reread_when_inventory_changes(app, env, added, changed, removed) -> list[str]:
    """Every deck, when the handbook's objects.inv differs from the one the decks were read against."""
    inventory = inventory_path(app)
    digest = hashlib.sha256(inventory.read_bytes()).hexdigest() if inventory.is_file() else None
    if getattr(env, "handbook_inventory_digest", None) == digest:
        return []
    env.handbook_inventory_digest = digest
    return sorted(env.found_docs - set(added) - set(changed))


def setup(app) -> dict:
    if not disabled(NAME):
        app.connect("config-inited", apply_builder_config_early, priority=400)
        app.connect("builder-inited", drop_duplicate_static_path)
        app.connect("env-get-outdated", reread_when_inventory_changes)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
