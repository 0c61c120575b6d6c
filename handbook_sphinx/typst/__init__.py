"""The PDF: a Sphinx builder that writes the handbook as Typst and compiles it to PDF/UA-1.

``sphinx-build -b typst`` (``make pdf``) assembles the whole book into one
doctree, translates it to Typst markup (``translator.py``) that calls the
book's design (``handbook.typ``), and compiles it in process with the
``typst`` package (``builder.py``). See ARCHITECTURE.md, "The PDF".
"""

from __future__ import annotations

from handbook_sphinx import add_shared_config_value

from .builder import TypstBuilder


def setup(app) -> dict:
    # make pdf PAPER=letter passes -D typst_paper=letter.
    app.add_config_value("typst_paper", "a4", "env", types=frozenset({str}))
    # The PDF's keywords (its document information and XMP).
    app.add_config_value("handbook_keywords", [], "env", types=frozenset({list, tuple}))
    # The title page and its verso (conf.py); the file's name (handbook.toml).
    for name in ("handbook_subtitle", "handbook_notice", "handbook_notice_long", "handbook_licence"):
        add_shared_config_value(app, name, "", "env", frozenset({str}))
    app.add_config_value("handbook_evidence_cutoff", "", "env", types=frozenset({str}))
    app.add_config_value("handbook_labels_consulted", "", "env", types=frozenset({str}))
    add_shared_config_value(app, "handbook_pdf_name", "", "html", frozenset({str}))
    app.add_builder(TypstBuilder)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
