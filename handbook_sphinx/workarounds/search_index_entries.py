"""The search index keeps every page's index entries after an incremental build.

Upstream: sphinx-doc/sphinx#12599 (open). Checked against Sphinx 9.0.4.

The problem: on an incremental HTML build, Sphinx loads the previous
``searchindex.js`` for the pages it does not write again, but
``IndexBuilder.load`` restores their words and titles, not their index
entries (``{index}`` terms, glossary terms). The index written at the end
then holds only the entries of the pages just written: after ``make html``
with one chapter edited, or none, the site's search no longer finds the
other chapters' index terms, and ``searchindex.js`` differs from a clean
build's. In the same code path, a word that no page holds any more stays in
the index with an empty list of pages.

The patch: after the builder loads the previous index, the entries of the
pages it keeps are read back from the same file; before the index is
written, each page's entries are put in one order (page name, then entry)
and words with no pages are dropped, so a clean and an incremental build
write the same bytes.

- html (the handbook): as above. epub, typst, revealjs, pptx: no search index, nothing.

Still needed while: ``test_sphinx_search_index_still_loses_index_entries``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from . import disabled

NAME = "search_index_entries"
FROZEN = re.compile(r"^Search\.setIndex\((?P<json>.*)\)\s*$", re.S)


def frozen_entries(path: Path) -> dict[str, list[tuple[str, str, str]]]:
    """docname → [(entry, id, "main" or "")] as the frozen index at ``path`` holds them."""
    try:
        data = json.loads(FROZEN.match(path.read_text(encoding="utf-8"))["json"])
    except (OSError, TypeError, ValueError):
        return {}
    entries: dict[str, list[tuple[str, str, str]]] = {}
    for entry, uses in data.get("indexentries", {}).items():
        for doc, entry_id, main in uses:
            entries.setdefault(data["docnames"][doc], []).append((entry, entry_id, "main" if main else ""))
    return entries


def patch_builder(app) -> None:
    builder = app.builder
    if builder.name != "html" or not hasattr(builder, "load_indexer") or not hasattr(builder, "dump_search_index"):
        return
    load_indexer, dump_search_index = builder.load_indexer, builder.dump_search_index

    def load_with_entries(docnames) -> None:
        load_indexer(docnames)
        kept = set(builder.env.all_docs) - set(docnames)
        restored = frozen_entries(Path(builder.outdir) / builder.searchindex_filename)
        for docname in kept & set(restored):
            builder.indexer._index_entries.setdefault(docname, restored[docname])

    def dump_in_order() -> None:
        if builder.indexer is not None:
            for mapping in (builder.indexer._mapping, builder.indexer._title_mapping):
                for word in [word for word, docs in mapping.items() if not docs]:
                    del mapping[word]
            entries = builder.indexer._index_entries
            ordered = {doc: sorted(entries[doc], key=lambda e: (e[0].lower(), e[1], e[2])) for doc in sorted(entries)}
            entries.clear()
            entries.update(ordered)
        dump_search_index()

    builder.load_indexer = load_with_entries
    builder.dump_search_index = dump_in_order


def setup(app) -> dict:
    if not disabled(NAME):
        app.connect("builder-inited", patch_builder)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
