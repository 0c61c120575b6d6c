"""Check that every internal link in a built site resolves: files, and #fragments.

    .venv/bin/python tools/check_site_links.py _build/site

Walks every ``.html`` page under the site folder and checks each ``href``,
``src``, ``srcset`` and ``poster`` that stays on the site:

- a relative URL resolves against the page, a root-relative one (``/…``)
  against the site folder, as a static server rooted at the site serves it
  (under the path of ``--base-url``, e.g. ``/<repository>/``, when given);
- the target must be a file inside the site (a folder counts when it holds an
  ``index.html``, as a static server serves it);
- a ``#fragment`` must name an ``id`` (or an ``<a name>``) in the target page;
  a reveal.js route (``deck.html#/3`` or ``#/slide-id``) names a slide's index
  or id.

URLs with a scheme or a host (``https:``, ``mailto:``, ``data:``, ``//host``)
are skipped: external links are ``make linkcheck``'s business. Given the
site's own address (``--base-url``, conf.py's ``html_baseurl``), absolute URLs
under it are checked as well, in links and in ``<meta property="og:…">``
(canonical links, social-card images). Query strings
(``?v=…``) are ignored. Files in ``_static/``, ``_sources/`` and ``_images/``
are assets, not pages, so they are not walked (theme template fragments live
there). Prints one line per broken link and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

# Attributes whose value is one URL, and the one that holds a list of them.
URL_ATTRIBUTES = ("href", "src", "poster")
SRCSET = "srcset"
ASSET_FOLDERS = {"_static", "_sources", "_images"}
# OpenGraph properties whose content is an address.
OPENGRAPH_URLS = {"og:url", "og:image", "og:image:url", "og:image:secure_url"}


@dataclass(frozen=True, order=True)
class BrokenLink:
    page: str  # the page the link is on, relative to the site root
    url: str  # the URL as written
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.url} ({self.reason})"


def site_pages(root: Path) -> list[Path]:
    """Every HTML page of the site, outside the asset folders, in a stable order."""
    return sorted(
        path
        for path in root.rglob("*.html")
        if path.is_file() and not ASSET_FOLDERS.intersection(path.relative_to(root).parts[:-1])
    )


def _urls(tag) -> list[str]:
    urls = [tag[name] for name in URL_ATTRIBUTES if isinstance(tag.get(name), str)]
    if tag.name == "meta" and tag.get("property") in OPENGRAPH_URLS and isinstance(tag.get("content"), str):
        urls.append(tag["content"])  # absolute: checked only under the base URL
    if isinstance(tag.get(SRCSET), str):
        # "a.png 1x, b.png 2x": each candidate is a URL and an optional descriptor.
        urls += [candidate.split()[0] for candidate in tag[SRCSET].split(",") if candidate.strip()]
    return [url.strip() for url in urls]


class SiteChecker:
    def __init__(self, root: Path, base_url: str | None = None):
        self.root = Path(root).resolve()
        # The address the site is published at: absolute URLs under it are the site's own,
        # and so are root-relative ones under its path (/<repository>/ for a project site).
        self.base_url = base_url.rstrip("/") + "/" if base_url else None
        self.prefix = urlsplit(self.base_url).path if self.base_url else "/"

    @cache  # noqa: B019  (one checker per run; the cache holds each page's soup once)
    def _soup(self, path: Path) -> BeautifulSoup:
        return BeautifulSoup(path.read_text(encoding="utf-8", errors="replace"), "html.parser")

    @cache  # noqa: B019
    def _anchors(self, path: Path) -> frozenset[str]:
        soup = self._soup(path)
        ids = {tag["id"] for tag in soup.find_all(id=True)}
        ids |= {tag["name"] for tag in soup.find_all("a", attrs={"name": True})}
        return frozenset(ids)

    @cache  # noqa: B019
    def _slides(self, path: Path) -> int:
        """How many horizontal slides a reveal.js deck has (0 for other pages)."""
        slides = self._soup(path).select_one("div.reveal > div.slides")
        return len(slides.find_all("section", recursive=False)) if slides else 0

    def _target(self, page: Path, path: str) -> Path | None:
        """The file a URL path names, or None when it is outside the site."""
        base = self.root if path.startswith("/") else page.parent
        # ".." is resolved as a browser does, without following symbolic links.
        resolved = Path(os.path.normpath(base / unquote(path).lstrip("/")))
        if resolved != self.root and self.root not in resolved.parents:
            return None
        if resolved.is_dir() or path.endswith("/"):
            resolved = resolved / "index.html"
        return resolved

    def _fragment_ok(self, target: Path, fragment: str) -> bool:
        if fragment in ("", "top"):  # "#" and "#top" scroll to the top of any page
            return True
        if fragment.startswith("/") and self._slides(target):
            route = fragment.strip("/").split("/")[0]
            if route.isdigit():
                return int(route) < self._slides(target)
            return route in self._anchors(target)
        return fragment in self._anchors(target)

    def check_link(self, page: Path, url: str) -> str | None:
        """Why ``url`` on ``page`` is broken, or None when it resolves (or is not ours to check)."""
        if self.base_url and url.startswith(self.base_url):
            url = self.prefix + url.removeprefix(self.base_url)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc:
            return None
        path = parts.path
        if path.startswith("/"):
            if not path.startswith(self.prefix):
                return f"outside the site's path {self.prefix}"
            path = "/" + path.removeprefix(self.prefix)
        if not path:
            target = page
        else:
            target = self._target(page, path)
            if target is None:
                return "outside the site"
            if not target.is_file():
                return "no such file"
        if parts.fragment and target.suffix in (".html", ".htm"):
            fragment = unquote(parts.fragment)
            if not self._fragment_ok(target, fragment):
                return f"no id {fragment!r} in {target.relative_to(self.root).as_posix()}"
        return None

    def check(self) -> tuple[list[BrokenLink], int, int]:
        """(broken links, links checked, pages walked)."""
        broken: list[BrokenLink] = []
        checked = 0
        pages = site_pages(self.root)
        for page in pages:
            name = page.relative_to(self.root).as_posix()
            for tag in self._soup(page).find_all(True):
                for url in _urls(tag):
                    if not url:
                        continue
                    checked += 1
                    reason = self.check_link(page, url)
                    if reason:
                        broken.append(BrokenLink(name, url, reason))
        return sorted(set(broken)), checked, len(pages)


def check_site(root: Path, base_url: str | None = None) -> list[BrokenLink]:
    """Every broken internal link in the site at ``root`` (published at ``base_url``)."""
    return SiteChecker(root, base_url).check()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "site", nargs="?", default="_build/site", type=Path, help="the built site (default: _build/site)"
    )
    parser.add_argument("--base-url", help="the address the site is published at (conf.py's html_baseurl)")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"{args.site}: no index.html here; build the site first (make site)", file=sys.stderr)
        return 2
    broken, checked, pages = SiteChecker(args.site, args.base_url).check()
    for link in broken:
        print(link)
    print(f"{checked} links checked on {pages} pages: {len(broken)} broken")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
