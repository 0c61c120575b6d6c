"""The sidebar navigation rendered once per build: the stock theme's HTML on every page, and inert elsewhere."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

# The project's extensions, as the builds import them (conf.py puts the project on the path).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from handbook_sphinx import navigation  # noqa: E402

pytestmark = pytest.mark.usefixtures("machinery_env")

NAVIGATION_ROOT = pytest.mark.sphinx("html", testroot="navigation", warningiserror=True, freshenv=True)
# The leaf is three levels down: Part A > Section A2 > Leaf A2a.
LEAF = "docs/part-a/section/leaf"


def _pages(outdir: Path) -> dict[str, str]:
    return {
        page.relative_to(outdir).as_posix(): page.read_text(encoding="utf-8") for page in sorted(outdir.rglob("*.html"))
    }


def _sidebar(soup, outdir: Path, docname: str):
    return soup(outdir / f"{docname}.html").select_one("nav.bd-docs-nav")


def _current_items(nav) -> list[tuple[str, list[str]]]:
    """(link text, classes) of each navigation item marked current, outermost first."""
    return [(li.find("a").get_text(strip=True), li["class"]) for li in nav.select("li.current")]


@NAVIGATION_ROOT
def test_every_page_is_byte_for_byte_the_stock_themes(app, make_app, tmp_path, warnings_of):
    app.build()
    assert warnings_of(app) == []
    cached = _pages(app.outdir)
    app.cleanup()
    stock_app = make_app(
        "html",
        srcdir=app.srcdir,
        builddir=tmp_path / "stock",
        confoverrides={"handbook_cached_navigation": False},
        warningiserror=True,
    )
    stock_app.build()
    stock = _pages(stock_app.outdir)
    # Every page: the chapters, the root, the orphan, genindex, search, and a 404 page if the
    # project has one (sphinx-notfound-page makes its links absolute: it keeps the stock navigation).
    assert {"docs/orphan.html", "genindex.html", "search.html", f"{LEAF}.html"} <= set(stock)
    assert sorted(cached) == sorted(stock)
    for page in stock:
        assert cached[page] == stock[page], page


@NAVIGATION_ROOT
def test_navigation_is_rendered_from_one_template_per_build(app, monkeypatch):
    templates: list[object] = []
    renders: list[str] = []
    make_template, render = navigation._template, navigation.SidebarTemplate.render

    def counting_template(*args):
        templates.append(result := make_template(*args))
        return result

    def counting_render(self, builder, pagename):
        renders.append(pagename)
        return render(self, builder, pagename)

    monkeypatch.setattr(navigation, "_template", counting_template)
    monkeypatch.setattr(navigation.SidebarTemplate, "render", counting_render)
    app.build()
    assert len(templates) == 1 and templates[0] is not None
    # Every page but the 404 page, which has its own toctree helper.
    assert set(renders) == {*app.env.found_docs, "genindex", "search"}


@NAVIGATION_ROOT
def test_current_page_and_its_ancestors_are_marked_and_open(app, soup):
    app.build()
    nav = _sidebar(soup, app.outdir, LEAF)
    assert _current_items(nav) == [
        ("Part A", ["toctree-l1", "current", "active", "has-children"]),
        ("Section A2", ["toctree-l2", "current", "active", "has-children"]),
        ("Leaf A2a", ["toctree-l3", "current", "active"]),
    ]
    leaf_link = nav.select_one("li.toctree-l3.current > a")
    assert leaf_link["class"] == ["current", "reference", "internal"] and leaf_link["href"] == "#"
    # Only the links to the page itself are "current"; the ancestors' links are not.
    assert [a.get_text(strip=True) for a in nav.select("a.current")] == ["Leaf A2a"]
    # The lists holding current items are "current" too, and the current branches are open.
    assert len(nav.select("ul.current")) == 3
    part_a, part_b = nav.select("li.toctree-l1.has-children")
    assert part_a.find("details").has_attr("open") and part_a.select_one("li.toctree-l2.current details")["open"]
    assert not part_b.find("details").has_attr("open")


@NAVIGATION_ROOT
@pytest.mark.parametrize("docname", [LEAF, "docs/part-a/chapter", "docs/index", "docs/orphan", "genindex"])
def test_links_resolve_from_every_depth(app, soup, docname):
    app.build()
    page = app.outdir / f"{docname}.html"
    links = {a.get_text(strip=True): a["href"] for a in _sidebar(soup, app.outdir, docname).select("a.reference")}
    assert set(links) == {
        "Navigation handbook",
        "Part A",
        "Chapter A1",
        "Section A2",
        "Leaf A2a",
        "Part B",
        "Chapter B1",
    }
    for title, href in links.items():
        target = page if href == "#" else (page.parent / href).resolve()
        assert target.is_file(), (title, href)
        assert soup(target).find("h1").get_text(strip=True).startswith(title), (title, href)


@NAVIGATION_ROOT
@pytest.mark.parametrize(
    ("docname", "current"),
    [
        ("docs/part-a/index", ["Part A"]),  # a part page: its own item only, its branch open
        ("docs/part-b/chapter", ["Part B", "Chapter B1"]),  # under a hidden toctree
        ("docs/index", ["Navigation handbook"]),  # the root: the theme's home link, outside the toctree
        ("docs/orphan", []),
        ("search", []),
    ],
)
def test_where_the_reader_is_is_marked_on_each_page(app, soup, docname, current):
    app.build()
    nav = _sidebar(soup, app.outdir, docname)
    assert [title for title, _ in _current_items(nav)] == current
    opened = [li.find("a").get_text(strip=True) for li in nav.select("li.has-children") if li.details.has_attr("open")]
    assert opened == [title for title in current if title in {"Part A", "Part B", "Section A2"}]


@pytest.mark.parametrize("builder", ["typst", "epub", "text"])
def test_inert_outside_the_html_builder(make_app, rootdir, sphinx_test_tempdir, builder, machinery_env):
    srcdir = sphinx_test_tempdir / f"navigation-{builder}"
    if not srcdir.exists():
        shutil.copytree(rootdir / "test-navigation", srcdir)
    app = make_app(builder, srcdir=srcdir, warningiserror=True)
    handlers = [listener.handler for listener in app.events.listeners.get("html-page-context", [])]
    assert not any(getattr(handler, "func", None) is navigation.use_cached_sidebar for handler in handlers)
    app.build()
    assert app.statuscode == 0


@NAVIGATION_ROOT
def test_installed_right_after_the_theme_adds_its_toctree_functions(app):
    from pydata_sphinx_theme.toctree import add_toctree_functions

    handlers = [listener.handler for listener in app.events.listeners["html-page-context"]]
    theirs = handlers.index(add_toctree_functions)
    assert getattr(handlers[theirs + 1], "func", None) is navigation.use_cached_sidebar


def test_only_the_builders_own_toctree_helper_is_trusted():
    def toctree(**kwargs):
        return ""

    assert not navigation._builders_own_toctree(toctree)
    assert not navigation._builders_own_toctree(None)
