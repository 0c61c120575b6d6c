"""Render the handbook's sidebar navigation once per build, not once per page.

sphinx-book-theme draws the whole book's navigation in every page's sidebar
(``sbt-sidebar-nav.html`` calls pydata-sphinx-theme's
``generate_toctree_html``). Stock, that resolves the global toctree, renders
it to HTML and reworks it with BeautifulSoup again for each page, so the
build grows with chapters × pages: at 160 chapters navigation was more than
half of the HTML build.

With the book's navigation options (``collapse_navbar`` false: every branch
is drawn on every page), the only things that differ between pages are the
links, relative to the page, and the marks of where the reader is: the
``current active`` classes on the current page's item and its ancestors,
``current`` on the lists that hold them and on the page's own link (whose
``href`` is ``#``), and ``open`` on the branches of current items. So the
stock code runs ONCE per build, for a page that is in no toctree; its HTML
is cut into pieces around those links and marks, and each page only fills
them in. The output is the stock HTML, byte for byte
(``tests/test_machinery_navigation.py`` compares them).

- html builder with a pydata-based theme (the handbook): the sidebar's
  navigation comes from the cached template. Any other call of
  ``generate_toctree_html`` (``startdepth`` > 0, ``collapse`` true,
  ``show_nav_level`` 0, a document with ``:tocdepth:``) falls back to the
  stock function, since there the tree's shape depends on the page.
- epub, revealjs (the decks) and every other theme: the theme's context
  has no ``generate_toctree_html``, so this module does nothing.
- typst and other non-HTML builders: nothing; they render no sidebar.

``handbook_cached_navigation = False`` turns it off (the benchmark uses it to
measure the stock navigation in the same run). Writes no nodes and keeps no
state in the environment, so it is safe for parallel reading and writing:
each writer process fills its own cache.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import re
from typing import Any
from urllib.parse import urlsplit

from handbook_sphinx import truthy

# The page the template is rendered for: no toctree lists it, so nothing in
# the stock output is marked current. Never a real document (see _template).
TEMPLATE_PAGE = "_handbook_navigation_template"
# Attribute values are replaced by these tokens before the soup is
# serialised, so the template's pieces are the stock serialisation itself.
TOKEN = "\x00{}\x00"
TOKEN_ATTRIBUTE = re.compile(r' (?P<name>[\w-]+)="\x00(?P<slot>\d+)\x00"')
# Only the html builder: dirhtml and singlehtml compute links their own way.
BUILDERS = frozenset({"html"})


@dataclasses.dataclass
class _Element:
    """One <li>, <ul>, <a> or <details> of the navigation whose attributes change with the page."""

    tag: str
    parent: int | None  # the nearest enclosing element of these four kinds
    classes: list[str]
    document: str | None = None  # what an <a> links to
    opened: bool = False  # a <details> that is open on every page (show_nav_level)


@dataclasses.dataclass
class SidebarTemplate:
    """The stock navigation HTML cut around the attributes that depend on the page."""

    pieces: list[str]  # len(slots) + 1 pieces of fixed HTML around the slots
    slots: list[tuple[int, str]]  # (element, attribute name) for each slot
    elements: list[_Element]
    links: dict[str, list[int]]  # document → its <a> elements

    def render(self, builder, pagename: str) -> str:
        current: set[int] = set()
        for link in self.links.get(pagename, ()):
            element: int | None = link
            while element is not None:
                current.add(element)
                element = self.elements[element].parent
        out = [self.pieces[0]]
        for (index, name), piece in zip(self.slots, self.pieces[1:], strict=True):
            out.append(self._attribute(builder, pagename, index, name, current))
            out.append(piece)
        return "".join(out)

    def _attribute(self, builder, pagename: str, index: int, name: str, current: set[int]) -> str:
        element = self.elements[index]
        if name == "href":
            # What Sphinx writes for a toctree link: relative to the page, "#" for the page itself.
            return f' href="{_escape(builder.get_relative_uri(pagename, element.document) or "#")}"'
        if element.tag == "details":
            parent = element.parent
            return ' open="open"' if element.opened or (parent is not None and parent in current) else ""
        classes = element.classes
        if index in current:
            if element.tag == "li":
                # Sphinx adds "current" after the level class, pydata "active" after it,
                # and "has-children" comes last, added when the theme folds branches.
                plain = [c for c in classes if c != "has-children"]
                classes = [*plain, "current", "active", *(["has-children"] if "has-children" in classes else [])]
            else:
                # On <ul> and <a>, Sphinx's "current" comes before the classes the writer and theme add.
                classes = ["current", *classes]
        return f' class="{_escape(" ".join(classes))}"' if classes else ""


def _escape(value: str) -> str:
    # As BeautifulSoup's "minimal" formatter serialises the stock output; classes
    # and Sphinx's URL-quoted links never hold a quote.
    return html.escape(value, quote=False)


class SidebarCache:
    """The navigation templates of one build, one per set of sidebar options."""

    def __init__(self) -> None:
        self.templates: dict[tuple, SidebarTemplate | None] = {}

    def clear(self, app=None, env=None) -> None:
        self.templates.clear()

    def template(self, app, options: dict[str, Any], show_nav_level: int) -> SidebarTemplate | None:
        key = (show_nav_level, tuple(sorted(options.items())))
        if key not in self.templates:
            self.templates[key] = _template(app, options, show_nav_level)
        return self.templates[key]


def _template(app, options: dict[str, Any], show_nav_level: int) -> SidebarTemplate | None:
    """Render the stock navigation once, for a page in no toctree, and cut it into a template."""
    builder, env = app.builder, app.env
    if (
        truthy(options.get("collapse", False))
        or int(show_nav_level) < 1
        or TEMPLATE_PAGE in env.all_docs
        or any("tocdepth" in env.metadata.get(doc, {}) for doc in env.all_docs)
        or not hasattr(builder, "_get_local_toctree")
    ):
        return None  # the tree's shape depends on the page here: stock it is
    from pydata_sphinx_theme.toctree import add_toctree_functions

    # The stock functions, for the template page: the same calls a page's
    # context makes (Sphinx's own "toctree" helper, then pydata's rework).
    context: dict[str, Any] = {"toctree": lambda **kwargs: builder._get_local_toctree(TEMPLATE_PAGE, **kwargs)}
    add_toctree_functions(app, TEMPLATE_PAGE, "page.html", context, None)
    soup = context["generate_toctree_html"]("sidebar", startdepth=0, show_nav_level=show_nav_level, **options)
    # A toctree may also list genindex, modindex or search, which are no source documents.
    from sphinx.domains.std import StandardDomain

    generated = [doc for doc, _ in getattr(StandardDomain, "_virtual_doc_names", {}).values()]
    return _cut(soup, {builder.get_relative_uri(TEMPLATE_PAGE, doc): doc for doc in [*env.all_docs, *generated]})


def _cut(soup, link_to_document: dict[str, str]) -> SidebarTemplate | None:
    """Replace the page-dependent attributes of the stock soup by slots; None for a shape not foreseen."""
    elements: list[_Element] = []
    slots: list[tuple[int, str]] = []
    links: dict[str, list[int]] = {}
    index_of: dict[int, int] = {}
    kinds = ["li", "ul", "a", "details"]

    def slot(index: int, tag, name: str) -> None:
        tag[name] = TOKEN.format(len(slots))
        slots.append((index, name))

    for tag in soup.find_all(kinds):
        parent_tag = tag.find_parent(kinds)
        index = len(elements)
        index_of[id(tag)] = index
        element = _Element(
            tag=tag.name,
            parent=None if parent_tag is None else index_of[id(parent_tag)],
            classes=list(tag.get("class", [])),
        )
        elements.append(element)
        if tag.name == "a":
            href = tag.get("href", "")
            element.document = link_to_document.get(href)
            if element.document is None:
                if urlsplit(href).scheme or href.startswith("//"):
                    continue  # an external link: the same on every page
                return None  # a relative link to something that is no document
            if list(tag.attrs) != ["class", "href"]:
                return None
            links.setdefault(element.document, []).append(index)
            slot(index, tag, "class")
            slot(index, tag, "href")
        elif tag.name == "details":
            if set(tag.attrs) - {"open"}:
                return None
            element.opened = tag.get("open") == "open"
            slot(index, tag, "open")
        else:
            if set(tag.attrs) - {"class"}:
                return None
            slot(index, tag, "class")

    # The slots are numbered in the order they were made; cut the HTML where they are.
    text = str(soup)
    pieces, order, position = [], [], 0
    for match in TOKEN_ATTRIBUTE.finditer(text):
        number = int(match["slot"])
        if slots[number][1] != match["name"]:
            return None
        pieces.append(text[position : match.start()])
        order.append(slots[number])
        position = match.end()
    pieces.append(text[position:])
    if len(order) != len(slots) or any("\x00" in piece for piece in pieces):
        return None
    return SidebarTemplate(pieces=pieces, slots=order, elements=elements, links=links)


def _builders_own_toctree(helper) -> bool:
    """Whether the page's ``toctree`` helper is the html builder's own.

    An extension may give a page another one: sphinx-notfound-page makes the
    404 page's links absolute that way. The template's links are the
    builder's, so such a page keeps the stock navigation.
    """
    return getattr(helper, "__module__", "") == "sphinx.builders.html" and getattr(
        helper, "__qualname__", ""
    ).startswith("StandaloneHTMLBuilder.handle_page.")


def use_cached_sidebar(app, pagename: str, templatename: str, context: dict, doctree, *, cache: SidebarCache) -> None:
    """Give the page's templates a ``generate_toctree_html`` that fills the build's template in."""
    stock = context.get("generate_toctree_html")
    if stock is None or not _builders_own_toctree(context.get("toctree")):
        return

    @functools.cache
    def generate_toctree_html(kind: str, startdepth: int = 1, show_nav_level: int = 1, **options):
        if kind == "sidebar" and int(startdepth) == 0:
            template = cache.template(app, options, int(show_nav_level))
            if template is not None:
                return template.render(app.builder, pagename)
        return stock(kind, startdepth, show_nav_level, **options)

    context["generate_toctree_html"] = generate_toctree_html


def install(app) -> None:
    """Run ``use_cached_sidebar`` right after the theme adds its toctree functions to each page's context."""
    if app.builder.name not in BUILDERS or not app.config.handbook_cached_navigation:
        return
    try:
        from pydata_sphinx_theme.toctree import add_toctree_functions
    except ImportError:
        return
    # The theme's own listener and the one that renders each sidebar template
    # to drop empty ones share a priority; ours must come between them, so it
    # goes right after the theme's in the list (the list keeps its order).
    listeners = app.events.listeners["html-page-context"]
    position = next((i for i, lsn in enumerate(listeners) if lsn.handler is add_toctree_functions), None)
    if position is None:
        return  # not a pydata-based theme (alabaster, epub, the decks' theme)
    cache = SidebarCache()
    app.connect("env-updated", cache.clear)
    listener_id = app.connect(
        "html-page-context", functools.partial(use_cached_sidebar, cache=cache), priority=listeners[position].priority
    )
    ours = next(lsn for lsn in listeners if lsn.id == listener_id)
    listeners.remove(ours)
    listeners.insert(position + 1, ours)


def setup(app) -> dict:
    app.add_config_value("handbook_cached_navigation", True, "html", types=frozenset({bool}))
    # builder-inited comes after the theme's extensions have connected their listeners.
    app.connect("builder-inited", install)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
