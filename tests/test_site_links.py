"""tools/check_site_links.py on a tiny site: it finds each kind of broken link, and nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from check_site_links import BrokenLink, check_site, main

PAGES = {
    "index.html": """<html><head><link rel="stylesheet" href="_static/site.css?v=1"></head><body>
        <h1 id="top-heading">Home</h1>
        <a href="part/chapter.html#dose">good: file and id</a>
        <a href="part/chapter.html#no-such-section">broken fragment</a>
        <a href="part/missing.html">broken file</a>
        <a href="#top-heading">good: same page</a>
        <a href="#nowhere">broken: same page</a>
        <a href="part/">good: a folder with an index</a>
        <a href="/part/chapter.html#old-anchor">good: root-relative, a name</a>
        <a href="/downloads/book.pdf">broken: root-relative file</a>
        <a href="../outside.html">broken: leaves the site</a>
        <a href="https://example.org/missing.html#x">external: skipped</a>
        <a href="mailto:someone@example.org">external: skipped</a>
        <a href="slides/deck.html#/1">good: second slide</a>
        <a href="slides/deck.html#/9">broken: no tenth slide</a>
        <a href="slides/deck.html#/dosing">good: slide id</a>
        <img src="_images/figure.svg" srcset="_images/figure.svg 1x, _images/figure@2x.png 2x" alt="">
        <script src="_static/missing.js"></script>
        </body></html>""",
    "part/index.html": '<html><body><a href="../index.html#top">good: #top</a></body></html>',
    "part/chapter.html": """<html><body><section id="dose"><a name="old-anchor"></a>
        <a href="../index.html">good: up</a><a href="">good: empty</a></section></body></html>""",
    "slides/deck.html": """<html><body><div class="reveal"><div class="slides">
        <section><h1>Title</h1></section><section id="dosing"><h2>Dosing</h2></section>
        </div></div></body></html>""",
    # A theme's template fragment is an asset, not a page: never walked.
    "_static/macros.html": '<a href="{{ pathto("x") }}">template</a>',
    "_static/site.css": "body {}",
    "_images/figure.svg": "<svg/>",
}


@pytest.fixture
def site(tmp_path) -> Path:
    root = tmp_path / "site"
    for name, text in PAGES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (tmp_path / "outside.html").write_text("<html></html>", encoding="utf-8")
    return root


def test_finds_each_broken_link_and_only_those(site):
    assert check_site(site) == [
        BrokenLink("index.html", "#nowhere", "no id 'nowhere' in index.html"),
        BrokenLink("index.html", "../outside.html", "outside the site"),
        BrokenLink("index.html", "/downloads/book.pdf", "no such file"),
        BrokenLink("index.html", "_images/figure@2x.png", "no such file"),
        BrokenLink("index.html", "_static/missing.js", "no such file"),
        BrokenLink("index.html", "part/chapter.html#no-such-section", "no id 'no-such-section' in part/chapter.html"),
        BrokenLink("index.html", "part/missing.html", "no such file"),
        BrokenLink("index.html", "slides/deck.html#/9", "no id '/9' in slides/deck.html"),
    ]


def test_a_clean_site_passes(site):
    (site / "index.html").write_text(
        '<html><body><a href="part/chapter.html#dose">x</a><a href="/slides/deck.html#/dosing">y</a></body></html>',
        encoding="utf-8",
    )
    assert check_site(site) == []


def test_with_the_sites_own_address_absolute_urls_under_it_are_checked_too(site):
    (site / "part/index.html").write_text(
        """<html><head>
        <link rel="canonical" href="https://example.org/handbook/part/index.html">
        <meta property="og:url" content="https://example.org/handbook/part/gone.html">
        <meta property="og:image" content="https://example.org/handbook/_images/figure.svg">
        <meta property="og:title" content="Part: not an address">
        </head><body><a href="https://example.org/handbook/part/chapter.html#nowhere">x</a>
        <a href="https://example.org/elsewhere.html">another site under the same host</a></body></html>""",
        encoding="utf-8",
    )
    assert [link for link in check_site(site) if link.page == "part/index.html"] == []
    assert [link for link in check_site(site, "https://example.org/handbook") if link.page == "part/index.html"] == [
        BrokenLink(
            "part/index.html",
            "https://example.org/handbook/part/chapter.html#nowhere",
            "no id 'nowhere' in part/chapter.html",
        ),
        BrokenLink("part/index.html", "https://example.org/handbook/part/gone.html", "no such file"),
    ]


def test_main_lists_broken_links_and_exits_1(site, capsys):
    assert main([str(site)]) == 1
    out = capsys.readouterr().out
    assert "index.html: part/missing.html (no such file)" in out
    assert out.rstrip().endswith("8 broken")


def test_main_exits_0_on_a_clean_site_and_2_without_one(site, tmp_path, capsys):
    (site / "index.html").write_text('<html><a href="part/">ok</a></html>', encoding="utf-8")
    assert main([str(site)]) == 0
    assert capsys.readouterr().out.strip().endswith(": 0 broken")
    assert main([str(tmp_path / "nothing-built")]) == 2


def test_under_a_path_prefix_root_relative_urls_resolve_below_it(site):
    """A project site lives under /<repository>/: its root-relative links start there, and nothing else is ours."""
    (site / "part/index.html").write_text(
        """<html><body><a href="/handbook/part/chapter.html#dose">good</a>
        <a href="/handbook/slides/deck.html#/9">broken slide</a><a href="/part/chapter.html">outside the prefix</a>
        </body></html>""",
        encoding="utf-8",
    )
    assert [link for link in check_site(site, "https://example.org/handbook/") if link.page == "part/index.html"] == [
        BrokenLink("part/index.html", "/handbook/slides/deck.html#/9", "no id '/9' in slides/deck.html"),
        BrokenLink("part/index.html", "/part/chapter.html", "outside the site's path /handbook/"),
    ]
