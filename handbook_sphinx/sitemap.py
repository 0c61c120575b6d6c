"""``sitemap.xml`` and ``robots.txt`` for the published site.

The sitemap lists every handbook page and every deck under ``html_baseurl``
(conf.py, Site options), with a chapter's ``reviewed`` date as its
``lastmod``: the date its content last changed in substance, which a commit
date is not. The search, index and 404 pages are left out.

- html: writes both files into the output folder when the build finishes.
- epub, typst, singlehtml: nothing (no site to map).
- revealjs: this module is not loaded; the decks are listed by the handbook's
  sitemap, at ``slides/<deck>.html``.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from sphinx.util import logging

from handbook_sphinx.dates import parse_date

logger = logging.getLogger(__name__)

LEFT_OUT = {"search", "genindex", "404"}


def write_sitemap(app, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    base = app.config.html_baseurl
    if not base:
        logger.warning("html_baseurl is empty: the sitemap needs the site's address", type="handbook", subtype="site")
        return
    base = base if base.endswith("/") else base + "/"
    entries: list[tuple[str, str | None]] = []
    for docname in sorted(app.env.found_docs):
        if docname in LEFT_OUT:
            continue
        reviewed = parse_date(app.env.metadata.get(docname, {}).get("reviewed"))
        entries.append((base + app.builder.get_target_uri(docname), reviewed.isoformat() if reviewed else None))
    for name, _title in app.config.handbook_decks:
        entries.append((f"{base}slides/{name}.html", None))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in entries:
        stamp = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{escape(loc)}</loc>{stamp}</url>")
    lines.append("</urlset>")
    outdir = Path(app.outdir)
    (outdir / "sitemap.xml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (outdir / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n", encoding="utf-8")


def setup(app) -> dict:
    # handbook_decks (the decks' pages in the sitemap) is the site_links module's option.
    app.setup_extension("handbook_sphinx.site_links")
    app.connect("build-finished", write_sitemap)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
