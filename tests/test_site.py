"""The hosted site (`make site`): offline and private, searchable, no broken links, accessible.

The site is served by a plain local static server rooted at ``_build/site``.
Two tours load every handbook page in Chromium, one in light and one in dark
mode (the light tour also loads every deck and shows each slide); every
request that would leave the local origin is aborted and recorded, and
axe-core (npm, pinned in package-lock.json, installed by ``make node-deps``)
checks each page, and each slide on its own.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from check_site_links import SiteChecker, site_pages
from handbook_build import DECKS, PROJECT

pytestmark = pytest.mark.handbook
browser_test = pytest.mark.browser

AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
# Impacts that fail a page; moderate and minor findings do not.
FAILING_IMPACTS = ("serious", "critical")
# The one place an axe rule is switched off: rule id -> why.
AXE_DISABLED_RULES: dict[str, str] = {}
MODES = ("light", "dark")
SEARCH_WORD = "esketamine"


@dataclass
class Visit:
    """What one page did in the browser."""

    path: str
    problems: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    theme: str = ""
    background: str = ""


def handbook_paths(site: Path) -> list[str]:
    """URL paths of every handbook page: each .html outside slides/ (and the asset folders), 404 included."""
    pages = (page.relative_to(site) for page in site_pages(site))
    return [page.as_posix() for page in pages if page.parts[0] != "slides"]


def deck_paths(site: Path) -> list[str]:
    return sorted(page.relative_to(site).as_posix() for page in (site / "slides").glob("*.html"))


class Recorder:
    """Aborts and records each request that leaves the local origin; records console errors and failed loads.

    Problems go to the visit being made (``current``): a request that one page
    makes late may be listed under the next page, but is never lost; anything
    outside a visit goes to ``stray``.
    """

    def __init__(self, context, origin: str):
        self.origin = origin.rstrip("/")
        self.current: Visit | None = None
        self.stray: list[str] = []
        context.route("**/*", self._route)

    def note(self, message: str) -> None:
        (self.current.problems if self.current else self.stray).append(message)

    def local(self, url: str) -> bool:
        return url == self.origin or url.startswith((f"{self.origin}/", "data:", "blob:", "about:"))

    def _route(self, route) -> None:
        if self.local(route.request.url):
            route.continue_()
        else:
            self.note(f"off-origin request: {route.request.url}")
            route.abort("blockedbyclient")

    def _console(self, message) -> None:
        if message.type == "error":
            self.note(f"console error: {message.text} ({message.location.get('url', '')})")

    def _failed(self, request) -> None:
        # A foreign request is already recorded, and aborted on purpose. A load
        # the browser cancels because the tour moved on (net::ERR_ABORTED, e.g.
        # the favicon) is no failure: a missing file shows as its HTTP 404.
        if self.local(request.url) and request.failure != "net::ERR_ABORTED":
            self.note(f"failed request: {request.url} ({request.failure})")

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.note(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on(
            "response", lambda response: response.status >= 400 and self.note(f"HTTP {response.status}: {response.url}")
        )


def _axe(page, context: str = "document") -> list[dict]:
    """axe-core's violations on the page, or within the element the JS expression ``context`` gives."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in AXE_DISABLED_RULES}}
    return page.evaluate(
        f"""async options => (await axe.run({context}, options)).violations.map(v => ({{
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({{target: n.target.join(' '), impact: n.impact}}))}}))""",
        options,
    )


SLIDES = """() => Reveal.getSlides().map(slide => {
    const {h, v} = Reveal.getIndices(slide);
    return {h, v: v || 0, title: ((slide.querySelector('h1,h2') || {}).textContent || '').trim()};
})"""
SHOW_SLIDE = """([h, v]) => {
    Reveal.slide(h, v);
    // Every fragment shown (quiz answers are fragments), so that axe checks them too.
    Reveal.getCurrentSlide().querySelectorAll('.fragment').forEach(f => f.classList.add('visible'));
}"""
# Fragments fade in over 0.2 s: axe must not measure a colour halfway through.
NO_TRANSITIONS = ".reveal .slides *, .reveal .slides *::before { transition: none !important; }"


def tour(browser, base: str, site: Path, mode: str) -> dict[str, Visit]:
    """Load every handbook page in ``mode`` (and in light mode every deck, slide by slide), once each."""
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(PROJECT)} is missing: run `make node-deps`", pytrace=False)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # axe-core goes into every page before its own scripts: a third faster than a script tag after load.
    context.add_init_script(path=str(AXE))
    if mode == "dark":
        # What a reader who chose the dark theme has: pydata-sphinx-theme reads these before it paints.
        context.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    recorder = Recorder(context, base)
    page = context.new_page()
    recorder.watch(page)
    visits: dict[str, Visit] = {}
    try:
        for path in handbook_paths(site):
            visit = recorder.current = visits[path] = Visit(path)
            page.goto(f"{base}/{path}")
            visit.theme, visit.background = page.evaluate(
                "() => [document.documentElement.dataset.theme || '', getComputedStyle(document.body).backgroundColor]"
            )
            visit.violations = _axe(page)
        for path in deck_paths(site) if mode == "light" else []:
            visit = recorder.current = visits[path] = Visit(path)
            page.goto(f"{base}/{path}")
            page.wait_for_function("() => window.Reveal && Reveal.isReady()")
            page.add_style_tag(content=NO_TRANSITIONS)
            visit.violations = [{**v, "where": "first slide, whole page"} for v in _axe(page)]
            for slide in page.evaluate(SLIDES):
                page.evaluate(SHOW_SLIDE, [slide["h"], slide["v"]])
                where = f"slide {slide['h'] + 1}.{slide['v'] + 1} {slide['title']!r}"
                visit.violations += [{**v, "where": where} for v in _axe(page, "Reveal.getCurrentSlide()")]
        # A request the last page made late still lands in its visit.
        page.wait_for_load_state("networkidle")
    finally:
        recorder.current = None
        context.close()
    if recorder.stray:
        visits["(between pages)"] = Visit("(between pages)", problems=recorder.stray)
    return visits


@pytest.fixture(scope="module")
def light_tour(browser, served_site, handbook) -> dict[str, Visit]:
    return tour(browser, served_site, handbook.site, "light")


@pytest.fixture(scope="module")
def dark_tour(browser, served_site, handbook) -> dict[str, Visit]:
    return tour(browser, served_site, handbook.site, "dark")


def failing_violations(visits: dict[str, Visit], mode: str) -> list[str]:
    """The serious and critical violations, one block per rule: each page (or slide) and the elements at fault."""
    by_rule: dict[str, list[str]] = defaultdict(list)
    for visit in visits.values():
        for violation in visit.violations:
            nodes = [n for n in violation["nodes"] if (n["impact"] or violation["impact"]) in FAILING_IMPACTS]
            if not nodes:
                continue
            rule = f"{violation['id']} ({violation['impact']}, {mode}): {violation['help']}"
            where = visit.path + (f" {violation['where']}" if "where" in violation else "")
            targets = "; ".join(n["target"] for n in nodes[:6]) + (
                f"; … {len(nodes) - 6} more" if len(nodes) > 6 else ""
            )
            by_rule[rule].append(f"    {where}: {targets}")
    return [f"{rule}\n" + "\n".join(lines) for rule, lines in sorted(by_rule.items())]


# -- Links --------------------------------------------------------------------


def test_every_internal_link_in_the_site_resolves(handbook):
    """Files and #fragments on every page of the site (tools/check_site_links.py): relative, root-relative, and
    absolute under the site's own address (canonical links, OpenGraph images)."""
    broken, checked, pages = SiteChecker(handbook.site, handbook.site_url).check()
    assert pages >= len(handbook.chapter_pages()) + len(DECKS) + 3  # + genindex, search, 404
    assert checked > 1000
    assert broken == [], f"{len(broken)} broken links:\n" + "\n".join(map(str, broken))


# -- Offline and private ------------------------------------------------------


def watched_page(browser, base: str, name: str):
    """A fresh context and page whose problems (foreign or failed requests, errors) land in one visit."""
    context = browser.new_context()
    recorder = Recorder(context, base)
    page = context.new_page()
    recorder.watch(page)
    recorder.current = visit = Visit(name)
    return context, page, visit


@browser_test
def test_the_recorder_catches_requests_that_leave_the_site(browser, served_site):
    """The interception the tours rely on: a foreign request is aborted and recorded, so is a missing local file."""
    context, page, visit = watched_page(browser, served_site, "index.html")
    page.goto(f"{served_site}/index.html")
    loaded = page.evaluate(
        """() => new Promise(done => {
            const img = new Image();
            img.onload = () => done(true);
            img.onerror = () => done(false);
            img.src = 'https://example.org/pixel.png';
        })"""
    )
    page.evaluate("() => fetch('no-such-file.css').catch(() => 0)")
    page.wait_for_load_state("networkidle")
    context.close()
    assert loaded is False
    assert "off-origin request: https://example.org/pixel.png" in visit.problems
    assert f"HTTP 404: {served_site}/no-such-file.css" in visit.problems
    assert not [problem for problem in visit.problems if "example.org" not in problem and "no-such-file" not in problem]


@browser_test
@pytest.mark.parametrize("mode", MODES)
def test_every_page_and_deck_loads_offline_with_no_errors(request, handbook, mode):
    """No request leaves the local origin, no console error, no failed load: every page, 404 included, and every deck."""
    visits = request.getfixturevalue(f"{mode}_tour")
    expected = handbook_paths(handbook.site) + (deck_paths(handbook.site) if mode == "light" else [])
    assert {"index.html", "404.html", "genindex.html", "search.html"} <= set(expected)
    assert len(handbook_paths(handbook.site)) >= len(handbook.chapter_pages()) + 3
    if mode == "light":
        assert {f"slides/{deck}.html" for deck in DECKS} <= set(expected)
    assert sorted(path for path in visits if not path.startswith("(")) == sorted(expected)
    problems = [f"{visit.path}: {problem}" for visit in visits.values() for problem in visit.problems]
    assert problems == []


@browser_test
def test_dark_mode_is_dark_and_light_mode_is_light(light_tour, dark_tour):
    """The dark tour really ran in the dark theme (and the light one in the light theme), or its axe run proves nothing."""

    def luminance(css: str) -> float:
        red, green, blue = (int(c) for c in re.findall(r"\d+", css)[:3])
        return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255

    visits = [(v, "light") for p, v in light_tour.items() if not p.startswith(("slides/", "("))]
    visits += [(v, "dark") for p, v in dark_tour.items() if not p.startswith("(")]
    assert len(visits) == 2 * len([path for path in dark_tour if not path.startswith("(")])
    wrong = [
        f"{visit.path} [{mode}]: theme {visit.theme!r}, background {visit.background}"
        for visit, mode in visits
        if visit.theme != mode or (luminance(visit.background) < 0.5) != (mode == "dark")
    ]
    assert wrong == []


@browser_test
def test_a_missing_page_at_any_depth_gets_a_working_404_page(browser, served_site, handbook):
    """A host serves 404.html for any missing path: its root-relative assets and links must work from any depth."""
    missing = f"{served_site}/part-2-clinical-use/no/such/page.html"
    context, page, visit = watched_page(browser, served_site, missing)
    response = page.goto(missing)
    page.wait_for_load_state("networkidle")
    stylesheets = page.evaluate("() => [...document.styleSheets].filter(s => s.cssRules.length).length")
    links = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
    context.close()
    assert response.status == 404
    # The page's own 404 is the point; any other failed load is a broken asset link.
    assert [problem for problem in visit.problems if not problem.endswith((missing, f"({missing})"))] == []
    assert stylesheets >= 3
    # Every link that leads elsewhere on the site (a "#main-content" skip link stays on this page).
    local = [unquote(urlsplit(link).path) for link in links if link.startswith(f"{served_site}/")]
    local = [path for path in local if path != urlsplit(missing).path]
    assert len(local) >= 10
    checker = SiteChecker(handbook.site, handbook.site_url)
    assert [path for path in local if checker.check_link(handbook.site / "index.html", path)] == []


# -- Search -------------------------------------------------------------------


def on_site(url: str) -> str:
    """An absolute URL of the served site as a root-relative one (path, query, fragment)."""
    return urlsplit(url)._replace(scheme="", netloc="").geturl()


@browser_test
def test_search_finds_pages_offline(browser, served_site, handbook):
    context, page, visit = watched_page(browser, served_site, "search.html")
    page.goto(f"{served_site}/search.html?q={SEARCH_WORD}")
    page.wait_for_selector("#search-results ul.search li a", timeout=15000)
    # Each result fetches its page for a summary; wait until they are all in.
    page.wait_for_load_state("networkidle")
    results = page.evaluate("() => [...document.querySelectorAll('#search-results ul.search li > a')].map(a => a.href)")
    summaries = page.evaluate(
        "() => [...document.querySelectorAll('#search-results ul.search li p.context')].map(p => p.textContent)"
    )
    context.close()
    assert visit.problems == []
    paths = [unquote(urlsplit(url).path) for url in results]
    assert f"{handbook.site_prefix}part-2-clinical-use/esketamine.html" in paths
    assert len(results) >= 5 and len(summaries) >= 5
    # A summary quotes the page, not the theme's colour-mode buttons (theme/templates/search.html).
    assert [summary for summary in summaries if "System Settings" in summary] == []
    checker = SiteChecker(handbook.site, handbook.site_url)
    broken = [url for url in results if checker.check_link(handbook.site / "index.html", on_site(url))]
    assert broken == []


# -- Accessibility ------------------------------------------------------------


@browser_test
@pytest.mark.parametrize("mode", MODES)
def test_every_handbook_page_has_no_serious_accessibility_violations(request, mode):
    visits = request.getfixturevalue(f"{mode}_tour")
    pages = {path: visit for path, visit in visits.items() if not path.startswith("slides/")}
    assert len(pages) > 20
    failing = failing_violations(pages, mode)
    assert failing == [], f"serious or critical axe violations under {len(failing)} rules:\n" + "\n".join(failing)


@browser_test
def test_every_slide_of_every_deck_has_no_serious_accessibility_violations(light_tour):
    decks = {path: visit for path, visit in light_tour.items() if path.startswith("slides/")}
    assert {f"slides/{deck}.html" for deck in DECKS} <= set(decks)
    failing = failing_violations(decks, "light")
    assert failing == [], f"serious or critical axe violations under {len(failing)} rules:\n" + "\n".join(failing)


def test_failing_violations_are_reported_by_rule_page_and_element():
    """Serious and critical violations fail, named by rule, impact, page (or slide) and element; others do not."""

    def violation(rule, impact, target, node_impact):
        return {
            "id": rule,
            "impact": impact,
            "help": rule.title(),
            "nodes": [{"target": target, "impact": node_impact}],
        }

    visits = {
        "a.html": Visit(
            "a.html",
            violations=[
                violation("color-contrast", "serious", "p.x", "serious"),
                violation("region", "moderate", "div", "moderate"),
                violation("summary-name", "serious", "summary", "minor"),
            ],
        ),
        "slides/d.html": Visit(
            "slides/d.html", violations=[{**violation("aria-roles", "critical", "#r", None), "where": "slide 2.1"}]
        ),
    }
    assert failing_violations(visits, "dark") == [
        "aria-roles (critical, dark): Aria-Roles\n    slides/d.html slide 2.1: #r",
        "color-contrast (serious, dark): Color-Contrast\n    a.html: p.x",
    ]


def test_disabled_axe_rules_each_have_a_reason():
    assert all(
        re.fullmatch(r"[a-z0-9-]+", rule) and len(reason.split()) >= 5 for rule, reason in AXE_DISABLED_RULES.items()
    )
