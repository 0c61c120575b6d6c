"""The site on a phone (issue 21): every handbook page at 360 × 740 and 390 × 844 in Chromium.

On each page: the page never scrolls sideways; every table caption is whole
and in view; text in figures (SVG text measured at the size it is drawn) and
in tables is at least 12 CSS px; a table or figure that scrolls shows a cue
at the edge it can scroll to; axe-core, with WCAG 2.2's target-size rule on,
finds nothing serious or critical, in light and in dark mode. The record
tables (the trial tables) become cards, the evidence chart is drawn for the
phone, and titles fit the first screen.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from test_site import AXE, AXE_DISABLED_RULES, MODES, Visit, failing_violations, handbook_paths

pytestmark = pytest.mark.handbook
browser_test = pytest.mark.browser

PHONES = {"360x740": (360, 740), "390x844": (390, 844)}
LEGIBLE_PX = 12
# On a phone, axe also checks WCAG 2.2's 24 × 24 px target size (off by default in axe-core).
PHONE_AXE_RULES = {"target-size": {"enabled": True}}
# A title of at most this size leaves the first lines of text on the first screen.
TITLE_MAX_PX = 30

# Run in each page: what a reader of a phone meets. Sizes in CSS px.
MEASURE = """async () => {
  const legible = el => el.checkVisibility({visibilityProperty: true, opacityProperty: true});
  const ownText = el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const name = el => (el.closest('[id]') ? '#' + el.closest('[id]').id + ' ' : '') + el.tagName.toLowerCase()
    + ' "' + el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
  const scroller = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return a;
    }
    return null;
  };
  const result = {scrollWidth: document.scrollingElement.scrollWidth, innerWidth, innerHeight,
                  captions: [], text: [], cues: [], title: null};

  // Table captions: whole, inside their scroll container and the screen.
  for (const caption of document.querySelectorAll('.bd-article table > caption')) {
    const r = caption.getBoundingClientRect();
    const box = scroller(caption);
    const c = box ? box.getBoundingClientRect() : {left: 0, right: innerWidth};
    const left = Math.max(0, c.left), right = Math.min(innerWidth, c.right);
    result.captions.push({name: name(caption), left: r.left, right: r.right, visibleLeft: left, visibleRight: right,
                          clipped: r.left < left - 0.5 || r.right > right + 0.5});
  }

  // Text size in tables and figures: HTML text as computed, SVG text as drawn.
  const add = (kind, px, where) => result.text.push({kind, px: Math.round(px * 100) / 100, where});
  for (const el of document.querySelectorAll('.bd-article table *, .bd-article figure *')) {
    if (!ownText(el) || !legible(el) || el.closest('svg')) continue;
    add(el.closest('table') ? 'table' : 'figure', parseFloat(getComputedStyle(el).fontSize), name(el));
  }
  const drawings = [];
  for (const img of document.querySelectorAll('.bd-article figure img')) {
    const src = img.currentSrc || img.src;
    const r = img.getBoundingClientRect();
    if (!/\\.svg$/i.test(new URL(src).pathname) || !r.width) continue;
    const holder = document.createElement('div');
    holder.style.cssText = `position:absolute;left:-99999px;top:0;width:${r.width}px;height:${r.height}px`;
    holder.innerHTML = await (await fetch(src)).text();
    const svg = holder.querySelector('svg');
    svg.setAttribute('width', r.width);
    svg.setAttribute('height', r.height);
    document.body.appendChild(holder);
    drawings.push([svg, `${img.closest('figure').id || 'figure'} (${src.split('/').pop()}, ${Math.round(r.width)} px wide)`, holder]);
  }
  for (const svg of document.querySelectorAll('.bd-article figure svg')) drawings.push([svg, svg.closest('figure').id, null]);
  for (const [svg, where, holder] of drawings) {
    let smallest = Infinity;
    for (const t of svg.querySelectorAll('text, tspan')) {
      if (!ownText(t)) continue;
      const m = t.getScreenCTM();
      if (!m) continue;
      smallest = Math.min(smallest, parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)));
    }
    if (smallest < Infinity) add('figure', smallest, 'SVG text in ' + where);
    if (holder) holder.remove();
  }

  // Each table or figure that scrolls sideways shows a shadow at the edge it can scroll to.
  const shade = (el, which) => {
    const style = getComputedStyle(el, which);
    return style.content === 'none' ? 0 : parseFloat(style.opacity);
  };
  const frame = () => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));
  for (const box of document.querySelectorAll('.bd-article .pst-scrollable-table-container, .bd-article figure > a')) {
    if (box.scrollWidth <= box.clientWidth + 1) continue;
    const cue = {name: name(box.querySelector('caption, img') || box), atStart: [shade(box, '::before'), shade(box, '::after')]};
    const first = box.querySelector('tbody > tr > :first-child');
    box.scrollLeft = box.scrollWidth;
    await frame();
    cue.atEnd = [shade(box, '::before'), shade(box, '::after')];
    if (first && !box.querySelector('table.record-table')) {
      cue.firstColumnOffset = first.getBoundingClientRect().left - box.getBoundingClientRect().left;
    }
    box.scrollLeft = 0;
    result.cues.push(cue);
  }

  const h1 = document.querySelector('.bd-article h1');
  if (h1) {
    const next = h1.parentElement.querySelector(':scope > h1 ~ p:not(.chapter-dates), :scope > h1 ~ * p');
    result.title = {px: parseFloat(getComputedStyle(h1).fontSize), text: h1.textContent.trim().replace(/#$/, ''),
                    nextTop: next ? next.getBoundingClientRect().top + window.scrollY : null};
  }
  return result;
}"""


@dataclass
class PhoneVisit(Visit):
    measured: dict = field(default_factory=dict)


def phone_tour(browser, base: str, site, size: tuple[int, int], mode: str) -> dict[str, PhoneVisit]:
    """Every handbook page at one phone size in one colour mode: the measurements and axe's violations."""
    if not AXE.is_file():
        pytest.fail("node_modules/axe-core/axe.min.js is missing: run `make node-deps`", pytrace=False)
    width, height = size
    # Not is_mobile: a mobile viewport widens itself to fit a page that overflows, which would hide the overflow.
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(path=str(AXE))
    if mode == "dark":
        context.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    page = context.new_page()
    options = {
        "resultTypes": ["violations"],
        "rules": {**{rule: {"enabled": False} for rule in AXE_DISABLED_RULES}, **PHONE_AXE_RULES},
    }
    visits: dict[str, PhoneVisit] = {}
    try:
        for path in handbook_paths(site):
            page.goto(f"{base}/{path}")
            page.wait_for_load_state("load")
            visit = visits[path] = PhoneVisit(path)
            visit.theme = page.evaluate("() => document.documentElement.dataset.theme || ''")
            if mode == "light":  # the layout is the same in both modes; measured once
                visit.measured = page.evaluate(MEASURE)
            visit.violations = page.evaluate(
                """async options => (await axe.run(document, options)).violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact}))}))""",
                options,
            )
    finally:
        context.close()
    return visits


@pytest.fixture(scope="module")
def phone_visits(browser, served_site, handbook):
    """``phone_visits(phone, mode)``: the tour at that size and mode, made once per module."""
    tours: dict[tuple[str, str], dict[str, PhoneVisit]] = {}

    def get(phone: str, mode: str) -> dict[str, PhoneVisit]:
        if (phone, mode) not in tours:
            tours[phone, mode] = phone_tour(browser, served_site, handbook.site, PHONES[phone], mode)
        return tours[phone, mode]

    return get


def _measured(phone_visits, phone: str) -> dict[str, dict]:
    visits = phone_visits(phone, "light")
    assert len(visits) > 20
    return {path: visit.measured for path, visit in visits.items()}


@browser_test
@pytest.mark.parametrize("phone", PHONES)
def test_no_page_scrolls_sideways_on_a_phone(phone_visits, phone):
    pages = _measured(phone_visits, phone)
    wide = {
        path: f"{m['scrollWidth']} px > {m['innerWidth']} px"
        for path, m in pages.items()
        if m["scrollWidth"] > m["innerWidth"]
    }
    assert wide == {}


@browser_test
@pytest.mark.parametrize("phone", PHONES)
def test_every_table_caption_is_whole_and_in_view_on_a_phone(phone_visits, phone):
    pages = _measured(phone_visits, phone)
    captions = [caption for m in pages.values() for caption in m["captions"]]
    assert len(captions) >= 15  # the handbook's numbered tables
    clipped = [
        f"{path}: {c['name']} spans {c['left']:.0f}–{c['right']:.0f} px, visible {c['visibleLeft']:.0f}–"
        f"{c['visibleRight']:.0f} px"
        for path, m in pages.items()
        for c in m["captions"]
        if c["clipped"]
    ]
    assert clipped == []


@browser_test
@pytest.mark.parametrize("phone", PHONES)
def test_text_in_figures_and_tables_is_legible_on_a_phone(phone_visits, phone, record_property, capsys):
    """The smallest text in each page's figures and tables is reported; below 12 CSS px fails."""
    pages = _measured(phone_visits, phone)
    smallest: dict[str, dict] = {}
    for path, m in pages.items():
        for entry in m["text"]:
            kind = entry["kind"]
            key = f"{path} [{kind}]"
            if key not in smallest or entry["px"] < smallest[key]["px"]:
                smallest[key] = entry
    report = [f"{key}: {entry['px']:.1f} px ({entry['where']})" for key, entry in sorted(smallest.items())]
    record_property(f"smallest-text-{phone}", json.dumps({key: entry["px"] for key, entry in smallest.items()}))
    with capsys.disabled():
        print(f"\nSmallest text in figures and tables at {phone}:\n  " + "\n  ".join(report))
    assert any("[figure]" in key for key in smallest) and any("[table]" in key for key in smallest)
    # Every SVG figure was measured as drawn, the evidence chart in its phone layout.
    svg = [entry["where"] for m in pages.values() for entry in m["text"] if entry["where"].startswith("SVG text")]
    assert len(svg) >= 5 and any("evidence-figure-narrow" in where for where in svg), svg
    too_small = [
        f"{key}: {entry['px']:.1f} px ({entry['where']})" for key, entry in smallest.items() if entry["px"] < LEGIBLE_PX
    ]
    assert too_small == []


@browser_test
@pytest.mark.parametrize("phone", PHONES)
def test_what_scrolls_sideways_shows_a_cue_and_keeps_its_first_column(phone_visits, phone):
    """A shadow at each edge with more to see (none at the other), and a row's first cell stays in view."""
    cues = [(path, cue) for path, m in _measured(phone_visits, phone).items() for cue in m["cues"]]
    assert len(cues) >= 4  # the wide SVG figures at least
    wrong = []
    for path, cue in cues:
        (start_before, end_before), (start_after, end_after) = cue["atStart"], cue["atEnd"]
        if not (start_before < 0.1 and end_before > 0.9 and start_after > 0.9 and end_after < 0.1):
            wrong.append(f"{path} {cue['name']}: shadows {cue['atStart']} at the start, {cue['atEnd']} at the end")
        if abs(cue.get("firstColumnOffset", 0)) > 1:
            wrong.append(f"{path} {cue['name']}: first column scrolled {cue['firstColumnOffset']:.0f} px away")
    assert wrong == []


@browser_test
@pytest.mark.parametrize("phone", PHONES)
def test_titles_leave_room_for_text_on_the_first_screen(phone_visits, phone, handbook):
    pages = _measured(phone_visits, phone)
    chapters = {str(page.relative_to(handbook.html)) for page in handbook.chapter_pages()}
    problems = []
    for path in sorted(chapters & set(pages)):
        title = pages[path]["title"]
        if title["px"] > TITLE_MAX_PX:
            problems.append(f"{path}: title {title['px']} px")
        if title["nextTop"] is not None and title["nextTop"] > pages[path]["innerHeight"] * 0.75:
            problems.append(f"{path}: text starts at {title['nextTop']:.0f} px, below three quarters of the screen")
    assert problems == []


@browser_test
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("phone", PHONES)
def test_no_serious_accessibility_violations_on_a_phone(phone_visits, phone, mode):
    """axe-core at the phone size, with the target-size rule (24 × 24 px) on, in light and dark mode."""
    visits = phone_visits(phone, mode)
    assert {visit.theme for visit in visits.values()} == {mode}
    failing = failing_violations(visits, f"{mode}, {phone}")
    assert failing == [], f"serious or critical axe violations under {len(failing)} rules:\n" + "\n".join(failing)


DRAWERS = {
    "navigation": (".primary-toggle", ".bd-sidebar-primary"),
    "contents": (".secondary-toggle", ".bd-sidebar-secondary"),
}


@browser_test
@pytest.mark.parametrize("drawer", DRAWERS)
def test_navigation_drawers_have_tap_targets_of_24_px(browser, served_site, drawer):
    """The page's own tour cannot see the drawers (closed); open each and let axe check its links and buttons."""
    toggle, panel = DRAWERS[drawer]
    context = browser.new_context(viewport={"width": 360, "height": 740})
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.goto(f"{served_site}/part-2-clinical-use/trd-evidence.html")
    page.locator(toggle).first.click()
    page.wait_for_function(
        f"() => document.querySelector('{panel}').getBoundingClientRect().right > 100 "
        f"&& document.querySelector('{panel}').getBoundingClientRect().left < 260"
    )
    page.wait_for_timeout(400)  # the drawer slides in
    results = page.evaluate(
        f"""async () => {{
            const r = await axe.run(document.querySelector('{panel}'), {{runOnly: ['target-size']}});
            const list = x => x.flatMap(v => v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary));
            return {{passes: r.passes.flatMap(v => v.nodes).length, violations: list(r.violations),
                     incomplete: list(r.incomplete)}};
        }}"""
    )
    context.close()
    assert results["passes"] >= 8, results  # the drawer's links were measured, not skipped as hidden
    assert results["violations"] == [] and results["incomplete"] == []


# -- What the phone layout is made of ----------------------------------------------

CARDS = """() => [...document.querySelectorAll('.bd-article table.record-table')].map(table => ({
  id: table.id,
  display: getComputedStyle(table.querySelector('tbody tr')).display,
  headers: [...table.querySelectorAll('thead th')].map(th => th.textContent.trim()),
  labels: [...table.querySelector('tbody tr').children].map(td => {
      const content = getComputedStyle(td, '::before').content;
      return content === 'none' ? null : JSON.parse(content);
  }),
  // Where a cell's second paragraph (the evidence table's caveat) sits: beside the label, not under it.
  second: (() => { const p = table.querySelector('tbody td[data-label] > p + p');
      return p ? getComputedStyle(p).gridColumnStart : null; })(),
}))"""
CHART = """() => { const img = document.querySelector('#evidence-figure img');
  return {src: img.currentSrc, link: img.closest('a').href, width: img.getBoundingClientRect().width}; }"""


@browser_test
def test_trial_tables_are_cards_on_a_phone_and_tables_on_a_desktop(browser, served_site):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{served_site}/part-2-clinical-use/trd-evidence.html")
    phone = {table["id"]: table for table in page.evaluate(CARDS)}
    chart_on_phone = page.evaluate(CHART)
    page.set_viewport_size({"width": 1280, "height": 900})
    # The <picture> swaps its source after the resize: until the new image has loaded, currentSrc is empty.
    page.wait_for_function(
        "() => { const img = document.querySelector('#evidence-figure img'); return img.complete && img.currentSrc; }"
    )
    desktop = {table["id"]: table for table in page.evaluate(CARDS)}
    chart_on_desktop = page.evaluate(CHART)
    context.close()

    table = phone["evidence-table"]
    assert table["display"] == "block"
    # Each cell is labelled with its column's header; the first names the card.
    assert table["labels"] == [None, *table["headers"][1:]]
    assert table["headers"][:2] == ["Trial", "n"]
    assert table["second"] == "2"
    assert desktop["evidence-table"]["display"] == "table-row"
    # The chart: drawn for the phone, for a wide screen on a desktop, and a tap opens it full size.
    assert "evidence-figure-narrow-" in chart_on_phone["src"]
    assert "evidence-figure-wide-" in chart_on_desktop["src"]
    assert chart_on_phone["link"] == chart_on_desktop["link"] == chart_on_desktop["src"]
