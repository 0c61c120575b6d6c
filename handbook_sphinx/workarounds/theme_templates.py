"""The template overrides in ``theme/templates/``: what each patches upstream, and when it can go.

Templates cannot live in a Python module, so this module is their register:
each override of a theme's or Sphinx's template is listed here with the
upstream file whose behaviour it patches, the text there that shows the
problem is still present, and the upstream issue (none filed yet for these:
each has a reproduction in the site tests, see ``tests/test_site.py``).
Checked against Sphinx 9.0.4, docutils 0.22.4, pydata-sphinx-theme 0.20.0
and sphinx-book-theme 1.4.0.

The templates themselves are found by Sphinx through ``templates_path``;
this module registers nothing at build time.

Still needed while: ``test_each_template_override_still_patches_a_live_problem``
(one case per override: it fails when the upstream text is gone, and then
the override can be deleted or rewritten against the new upstream file).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TemplatePatch:
    template: str  # under theme/templates/
    package: str  # the importable package whose file shows the problem
    upstream_file: str  # relative to that package's folder
    still_there: str  # text in that file while the problem exists
    problem: str


TEMPLATE_PATCHES = (
    TemplatePatch(
        "page.html",
        "docutils",
        "writers/_html_base.py",
        'role="doc-biblioentry"',
        "citation lists hold doc-biblioentry items, deprecated in DPUB-ARIA 1.1: a list with no items "
        "(axe-core aria-required-children); the page body's entries become listitem",
    ),
    TemplatePatch(
        "search-button-field.html",
        "pydata_sphinx_theme",
        "theme/pydata_sphinx_theme/components/search-button-field.html",
        "aria-label=\"{{ _('Search') }}\"",
        'the button shows "Search Ctrl+K" but is named "Search" (WCAG 2.5.3, label-content-name-mismatch)',
    ),
    TemplatePatch(
        "search.html",
        "sphinx",
        "themes/basic/static/searchtools.js",
        "listItem.appendChild(\n            Search.makeSearchSummary(data, searchTerms, anchor),",
        "a result whose anchor is an empty element gets a null summary, and appending null throws",
    ),
    TemplatePatch(
        "sbt-sidebar-nav.html",
        "pydata_sphinx_theme",
        "toctree.py",
        'summary = soup.new_tag("summary")',
        "each sidebar toggle is a <summary> with only an icon: a control with no name (axe-core summary-name)",
    ),
)
