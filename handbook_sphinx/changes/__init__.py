"""Editions and "What changed in this edition" (``{what-changed}``).

``editions.yaml`` lists the handbook's editions; conf.py prints the newest
one's version on every output (``editions``). The ``{what-changed}``
directive compares the working tree with the edition before the newest, by
meaning (``compare``, ``text``), reading that edition's sources from git
(``history``), and renders the comparison as the page it stands on
(``page``). ``make changes`` (``cli``) writes the same comparison as a
standalone PDF for the governance committee (``typst_pdf``).

What each builder renders:

- html: the page, every change in full, each chapter's changes in a fold
  (``<details>``: open for the safety-relevant ones, closed for the others),
  with links to each changed place, to deck slides (relative to the page, for
  the published site's ``/slides/``) and to the standalone PDF in
  ``/downloads/``;
- epub and the PDF (typst): the page as an appendix, with the
  safety-relevant changes in full and every other change in one line (what,
  where, how many sentences), pointing to the site's page for the full text
  (linked absolutely through ``html_baseurl``); links to deck slides are
  absolute; no folds;
- revealjs: the directive is not used in the decks.

Freshness: the page depends on every source file it compares and on
``editions.yaml`` and ``data/safety-relevant.yaml`` (``note_dependency``); a
file added or removed, or a change in the history this copy has (none,
shallow, full), re-reads it too
(``env-get-outdated``). The earlier edition is a fixed commit.

Failure: a wrong commit in editions.yaml or a stale safety entry is a
warning (``-W`` fails the build). A copy without full history (a shallow
clone, a source archive) builds a page that says the comparison needs the
full history, and logs one line; it never shows a stale comparison.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from handbook_sphinx.changes import page, wording
from handbook_sphinx.changes.compare import SAFETY_FILE, SafetyRulesError
from handbook_sphinx.changes.comparison import compare_edition
from handbook_sphinx.changes.editions import EDITIONS_FILE, EditionsError, load_editions
from handbook_sphinx.changes.history import HistoryError, MissingHistory, history_state, read_worktree

logger = logging.getLogger(__name__)


class WhatChangedDirective(SphinxDirective):
    """The comparison of this edition with the previous one, as the body of the page it stands on."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        root = Path(self.config.handbook_confdir)
        for name in (EDITIONS_FILE, SAFETY_FILE):
            self.env.note_dependency(str(root / name))
        files = read_worktree(root)
        for path in files:
            self.env.note_dependency(str(root / path))
        store = _store(self.env)
        store[self.env.docname] = (tuple(sorted(files)), history_state(root))
        try:
            editions = load_editions(root / EDITIONS_FILE)
        except EditionsError as error:
            logger.warning("%s", error, location=self.get_location(), type="handbook", subtype="editions")
            return []
        if editions.previous is None:
            return [nodes.paragraph(wording.FIRST_EDITION, wording.FIRST_EDITION)]
        try:
            report = compare_edition(
                root,
                None,
                editions,
                lettered_parts=self.config.handbook_lettered_parts,
                unnumbered_parts=self.config.handbook_unnumbered_parts,
            )
        except MissingHistory as error:
            logger.info("what changed: %s; the page says the comparison needs the full history", error)
            text = wording.NO_HISTORY.format(name=editions.previous.version)
            return [nodes.paragraph(text, text, classes=["changes-no-history"])]
        except (HistoryError, SafetyRulesError) as error:
            logger.warning("%s", error, location=self.get_location(), type="handbook", subtype="editions")
            return []
        pdf = "downloads/" + wording.pdf_name(report, editions.current.version)
        return page.render(report, self.env.docname, pdf)


def _store(env) -> dict:
    if not hasattr(env, "handbook_what_changed"):
        env.handbook_what_changed = {}
    return env.handbook_what_changed


def _purge(app, env, docname: str) -> None:
    _store(env).pop(docname, None)


def _merge(app, env, docnames, other) -> None:
    _store(env).update({name: value for name, value in _store(other).items() if name in docnames})


def _outdated(app, env, added, changed, removed) -> list[str]:
    """Pages whose comparison would differ although no file they depend on changed."""
    pages = _store(env)
    if not pages:
        return []
    root = Path(app.config.handbook_confdir)
    now = (tuple(sorted(read_worktree(root))), history_state(root))
    return [docname for docname, seen in pages.items() if seen != now and docname not in changed]


def resolve_site_links(app, doctree: nodes.document, docname: str) -> None:
    """Links to files of the published site (relative on the site, absolute in print); the site's or the print form.

    At ``doctree-resolved``, when the builder (and so each page's address) is known.
    """
    references = [node for node in doctree.findall(nodes.reference) if page.SITE_PATH in node]
    folds = list(doctree.findall(page.fold))
    if not references and not folds:
        return
    builder = app.builder
    site = builder.format == "html" and not builder.name.startswith("epub") and builder.name != "singlehtml"
    leave_out = page.PRINT_ONLY if site else page.SITE_ONLY
    for node in list(doctree.findall(nodes.Element)):
        if leave_out in node["classes"] and node.parent is not None:
            node.parent.remove(node)
    if not site:
        # Print: the safety-relevant changes in full, every other change in its one line.
        for node in folds:
            if node.get("in_print") == "unwrap":
                node.replace_self(node.children)
            else:
                node.parent.remove(node)
    for node in references:
        if node.parent is None:
            continue
        path = node[page.SITE_PATH]
        if site:
            # A deck slide's fragment (#/6) has a slash that relative_uri would read as a folder.
            target, hash_mark, fragment = path.partition("#")
            node["refuri"] = relative_uri(builder.get_target_uri(docname), target) + hash_mark + fragment
        else:
            base = app.config.html_baseurl or ""
            node["refuri"] = (base if base.endswith("/") else base + "/") + path
        del node[page.SITE_PATH]


def setup(app) -> dict:
    plain = (page.visit_fold_plain, page.depart_fold_plain)
    app.add_node(
        page.fold,
        html=(page.visit_fold_html, page.depart_fold_html),
        typst=plain,
        text=plain,
        man=plain,
        texinfo=plain,
    )
    app.add_directive("what-changed", WhatChangedDirective)
    app.connect("doctree-resolved", resolve_site_links)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
