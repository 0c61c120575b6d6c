"""Evidence as data: data/trials.yaml drawn as a table and a figure, and redrawn when a number changes.

The figure is one panel per measure (response, remission, relapse, suicidal
ideation), drawn in four layouts: print (PDF, EPUB), wide (site on a wide
screen), narrow (site on a phone) and, one drawing per panel, slide (the
decks). Its text is checked at the size each layout is shown.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

# The project's extensions, as the builds import them (conf.py puts the project on the path).
PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))
from handbook_sphinx import evidence_chart  # noqa: E402

pytestmark = pytest.mark.usefixtures("machinery_env")
EVIDENCE_ROOT = pytest.mark.sphinx("html", testroot="evidence", warningiserror=True)

ROWS = [
    [
        "Alpha 2010 [1]",
        "18",
        "Crossover RCT; Bipolar depression",
        "Placebo",
        "Response at day 3",
        "71 %",
        "6 %",
    ],
    [
        "Beta 2023 [2]",
        "403",
        "Open-label RCT; Treatment-resistant depression",
        "ECT",
        # The outcome, then its caveat as a paragraph of its own (checked in italics below).
        "Remission at week 3 self-rated scale",
        "55.4 %",
        "41.2 %",
    ],
    [
        "Gamma 2019 [3]",
        "120",
        "Randomised withdrawal RCT; Stable remitters",
        "Placebo spray",
        "Relapse by week 24",
        "26.7 %",
        "45.3 %",
    ],
    [
        "Delta 2022 [4]",
        "156",
        "Double-blind RCT; Suicidal inpatients",
        "Saline",
        "Remission of suicidal ideation, day 3",
        "63.0 %",
        "31.6 %",
    ],
]
HEADERS = ["Trial", "n", "Design and population", "Comparator", "Outcome", "Active arm", "Comparator arm"]
SVG = "{http://www.w3.org/2000/svg}"
# Where each layout is shown, as (width in the unit of its font sizes, smallest text allowed there):
# print at 15 cm (the narrowest the PDF sets it), 7 pt; the phone column of a 360 px screen (312 px)
# and the wide layout in a 660 px column, 12 CSS px.
SHOWN_AT = {"print": (150 / 25.4 * 72, 7.0), "narrow": (312, 12.0), "wide": (660, 12.0)}


def _table_rows(page) -> list[list[str]]:
    table = page.select_one("table#evidence-table")
    return [
        [td.get_text(" ", strip=True).replace("[ ", "[").replace(" ]", "]") for td in tr.find_all("td")]
        for tr in table.select("tbody tr")
    ]


def _figure(app, soup):
    """The chart as the site shows it: its <img> and the files of its wide and narrow layouts."""
    page_path = app.outdir / "docs" / "part-2" / "evidence.html"
    figure = soup(page_path).select_one("figure#evidence-figure")
    img = figure.select_one("picture img")
    source = figure.select_one("picture source")
    files = {
        "wide": (page_path.parent / img["src"]).resolve(),
        "narrow": (page_path.parent / source["srcset"]).resolve(),
    }
    return figure, img, files


def _generated(app, layout: str) -> Path:
    (path,) = (Path(app.doctreedir) / "_generated").glob(f"evidence-figure-{layout}-*.svg")
    return path


def _panels(svg: Path) -> dict[str, str]:
    """Each panel's text, by measure."""
    root = ET.parse(svg).getroot()
    return {
        group.get("id").removeprefix("panel-"): " ".join(" ".join(t.itertext()) for t in group.iter(f"{SVG}text"))
        for group in root.iter(f"{SVG}g")
        if group.get("class") == "panel"
    }


def _panel_columns(svg: Path) -> set[str]:
    """The x positions at which panels start (each panel's heading): one per column of panels."""
    root = ET.parse(svg).getroot()
    return {next(group.iter(f"{SVG}text")).get("x") for group in root.iter(f"{SVG}g") if group.get("class") == "panel"}


def _smallest_text_as_shown(svg: Path, shown_width: float) -> float:
    root = ET.parse(svg).getroot()
    view_width = float(root.get("viewBox").split()[2])
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    assert sizes and all(t.get("font-size") for t in root.iter(f"{SVG}text")), "every text states its size"
    return min(sizes) * shown_width / view_width


@EVIDENCE_ROOT
def test_table_has_one_row_per_trial_result(app, soup, warnings_of):
    app.build()
    assert warnings_of(app) == []
    page = soup(app.outdir / "docs" / "part-2" / "evidence.html")
    assert [th.get_text(strip=True) for th in page.select("table#evidence-table thead th")] == HEADERS
    assert _table_rows(page) == ROWS
    outcome = page.select("table#evidence-table tbody tr")[1].find_all("td")[4]
    assert [p.get_text(strip=True) for p in outcome.find_all("p")] == ["Remission at week 3", "self-rated scale"]
    assert outcome.find_all("p")[1].em.get_text() == "self-rated scale"
    # Each row's citation resolves into the bibliography.
    references = soup(app.outdir / "docs" / "references.html")
    for link in page.select("table#evidence-table tbody span.bibtex-citation a"):
        target, _, anchor = link["href"].partition("#")
        assert target == "../references.html" and references.find(id=anchor) is not None


@EVIDENCE_ROOT
def test_table_caption_speaks_to_the_reader_and_rows_become_cards_on_a_phone(app, soup):
    app.build()
    table = soup(app.outdir / "docs" / "part-2" / "evidence.html").select_one("table#evidence-table")
    caption = table.caption.get_text(" ", strip=True)
    assert "data file" not in caption
    assert "response, remission or relapse rate" in caption and "For relapse, lower is better." in caption
    assert "of depression or, where the outcome says so, of suicidal ideation" in caption
    # A record table: each body cell carries its column header for the phone's cards, and roles keep it a table.
    assert "record-table" in table["class"] and table["role"] == "table"
    for row in table.select("tbody tr"):
        assert [td["data-label"] for td in row.find_all("td")] == HEADERS
        assert {td["role"] for td in row.find_all("td")} == {"cell"}


@EVIDENCE_ROOT
def test_figure_alt_text_lists_every_result_grouped_as_drawn(app, soup):
    app.build()
    _, img, _ = _figure(app, soup)
    alt = img["alt"]
    assert alt.startswith(
        "Bar charts of response, remission or relapse rates of depression, and of suicidal-ideation outcomes, "
        "in key trials, one panel per outcome"
    )
    titles = ("Response", "Remission", "Relapse", "Suicidal ideation")
    response, remission, relapse, ideation = (alt.index(f"{title} (") for title in titles)
    assert response < alt.index("Alpha 2010") < remission < alt.index("Beta 2023") < relapse < alt.index("Gamma 2019")
    assert relapse < ideation < alt.index("Delta 2022")
    assert "Response (higher is better): Alpha 2010, response at day 3: 71 % versus 6 % with placebo." in alt
    assert "Remission (higher is better): Beta 2023, remission at week 3: 55.4 % versus 41.2 % with ECT." in alt
    assert "Relapse (lower is better): Gamma 2019, relapse by week 24: 26.7 % versus 45.3 % with placebo spray." in alt
    assert (
        "Suicidal ideation (higher is better): Delta 2022, remission of suicidal ideation, day 3: "
        "63.0 % versus 31.6 % with saline." in alt
    )


@EVIDENCE_ROOT
def test_figure_is_one_panel_per_measure_in_every_layout(app, soup):
    app.build()
    figure, _, files = _figure(app, soup)
    caption = figure.figcaption.get_text(" ", strip=True)
    assert "one panel per outcome" in caption and "For relapse, lower is better" in caption
    assert "suicidal-ideation outcomes" in caption
    assert "data file" not in caption
    for layout in ("print", "wide", "narrow"):
        svg = files.get(layout) or _generated(app, layout)
        drawing = svg.read_bytes()
        assert drawing.startswith(b"<?xml") and b"<!DOCTYPE" not in drawing, layout
        assert b"DejaVu Sans" in drawing and b"sans-serif" in drawing, layout
        panels = _panels(svg)
        assert list(panels) == ["response", "remission", "relapse", "suicidal-ideation"], layout
        assert "lower is better" in panels["relapse"] and "higher is better" not in panels["relapse"], layout
        assert "higher is better" in panels["response"] and "higher is better" in panels["remission"], layout
        # Each result sits in its own measure's panel, never beside another kind.
        assert "Alpha 2010" in panels["response"] and "71 %" in panels["response"], layout
        assert "Beta 2023" in panels["remission"] and "41.2 % (ECT)" in panels["remission"], layout
        assert "Gamma 2019" in panels["relapse"] and "45.3 % (placebo spray)" in panels["relapse"], layout
        assert "Gamma" not in panels["response"] + panels["remission"], layout
        # A suicidal-ideation result has its own panel, apart from the depression outcomes.
        assert "Delta 2022" in panels["suicidal-ideation"] and "31.6 % (saline)" in panels["suicidal-ideation"]
        assert "higher is better" in panels["suicidal-ideation"], layout
        assert "Delta" not in panels["response"] + panels["remission"] + panels["relapse"], layout
        # Wide: two panels a row; print and phone: one column.
        assert len(_panel_columns(svg)) == (2 if layout == "wide" else 1), layout


@EVIDENCE_ROOT
def test_figure_text_is_legible_where_each_layout_is_shown(app, soup):
    """At least 7 pt in print (at 15 cm wide) and 12 CSS px on a 360 px phone and in a 660 px column."""
    app.build()
    _, _, files = _figure(app, soup)
    files["print"] = _generated(app, "print")
    root = ET.parse(files["print"]).getroot()
    assert root.get("width").endswith("pt")  # 1 unit = 1 pt at its natural size, 155 mm
    for layout, (width, floor) in SHOWN_AT.items():
        assert _smallest_text_as_shown(files[layout], width) >= floor, layout


def test_the_check_can_fail_on_small_text(tmp_path):
    """The legibility check sees a label drawn too small for print."""
    small = evidence_chart.Layout("small", width=439.0, columns=1, label_left=190.0, heading=7.0, text=6.5, bar=5.0)
    results = [
        type(
            "R",
            (),
            dict(
                trial="A",
                measure="relapse",
                outcome="Relapse",
                comparator="Placebo",
                ketamine_rate=1.0,
                comparator_rate=2.0,
            ),
        )
    ]
    svg = tmp_path / "small.svg"
    svg.write_bytes(evidence_chart.render(results, small))
    assert _smallest_text_as_shown(svg, SHOWN_AT["print"][0]) < SHOWN_AT["print"][1]
    assert list(_panels(svg)) == ["relapse"]


@EVIDENCE_ROOT
def test_site_shows_the_phone_layout_on_narrow_screens_and_the_wide_one_elsewhere(app, soup):
    app.build()
    figure, img, files = _figure(app, soup)
    source = figure.select_one("picture source")
    assert source["media"] == "(max-width: 48em)" and source["type"] == "image/svg+xml"
    assert files["wide"].name.startswith("evidence-figure-wide-") and files["narrow"].name.startswith(
        "evidence-figure-narrow-"
    )
    # A tap opens the wide drawing full size; the print layout is not copied into the site.
    assert figure.select_one("a.image-reference")["href"] == img["src"]
    assert not list((app.outdir / "_images").glob("evidence-figure-print-*"))
    # On a phone the chart is never drawn narrower than its text needs (12 px).
    assert re.fullmatch(r"--legible-width: \d+px", img["style"])
    assert int(re.search(r"\d+", img["style"]).group()) <= 312


@pytest.mark.sphinx("typst", testroot="evidence", warningiserror=True)
def test_pdf_gets_the_print_layout(app):
    app.build()
    typ = (Path(app.outdir) / "main.typ").read_text(encoding="utf-8")
    shown = re.findall(r'image\("images/([^"]+)"', typ)
    assert [Path(name).stem.rsplit("-", 1)[0] for name in shown] == ["evidence-figure-print"]
    assert sorted(p.name.rsplit("-", 1)[0] for p in (Path(app.outdir) / "images").glob("evidence-figure-*")) == [
        "evidence-figure-print"
    ]


@pytest.mark.sphinx("epub", testroot="evidence", warningiserror=True)
def test_epub_gets_the_print_layout(app, soup):
    app.build()
    page = soup(app.outdir / "docs" / "part-2" / "evidence.xhtml")
    images = [img["src"] for img in page.select("figure#evidence-figure img")]
    assert len(images) == 1 and "evidence-figure-print-" in images[0]
    assert page.select("picture") == []
    assert sorted(p.name.rsplit("-", 1)[0] for p in (app.outdir / "_images").glob("evidence-figure-*")) == [
        "evidence-figure-print"
    ]


@EVIDENCE_ROOT
def test_decks_show_one_outcome_a_slide(app, decks_of, soup, warnings_of):
    app.build()
    decks = decks_of(app)
    assert warnings_of(decks) == []
    deck = soup(decks.outdir / "slides" / "index.html")
    assert deck.select("picture") == []
    shown = {}
    for section in deck.select("section section"):
        title = section.find("h2").get_text(strip=True) if section.find("h2") else ""
        if title in ("Response", "Remission", "Relapse", "Suicidal ideation"):
            (img,) = section.select("figure#evidence-figure img") or section.select("figure img")
            shown[title.lower().replace(" ", "-")] = img
    assert list(shown) == ["response", "remission", "relapse", "suicidal-ideation"]
    for measure, img in shown.items():
        assert re.search(rf"evidence-figure-slide-{measure}-[0-9a-f]+\.svg$", img["src"]), measure
        svg = (decks.outdir / "slides" / img["src"]).resolve()
        assert list(_panels(svg)) == [measure]  # one outcome a slide
        # The whole width of a 1280 × 720 slide (1280 CSS px, scaled by reveal.js to 1228.8 px): 24 px or more.
        assert _smallest_text_as_shown(svg, 1280 * 0.96) >= 24.0, measure
        assert b"<!DOCTYPE" not in svg.read_bytes()
    # Each slide's alt text describes its own panel, and only it.
    assert shown["response"]["alt"].startswith("Bar chart of response rates of depression in key trials")
    assert "Alpha 2010, response at day 3: 71 % versus 6 % with placebo." in shown["response"]["alt"]
    assert "Beta 2023" not in shown["response"]["alt"] and "Gamma 2019" not in shown["response"]["alt"]
    assert "Gamma 2019, relapse by week 24: 26.7 % versus 45.3 % with placebo spray." in shown["relapse"]["alt"]
    ideation = shown["suicidal-ideation"]["alt"]
    assert ideation.startswith("Bar chart of suicidal-ideation outcomes in key trials")
    assert "Delta 2022, remission of suicidal ideation, day 3: 63.0 % versus 31.6 % with saline." in ideation
    assert "Alpha 2010" not in ideation and "Gamma 2019" not in ideation


@pytest.mark.sphinx("html", testroot="evidence", srcdir="evidence-no-panel", warningiserror=True)
def test_a_slide_that_names_no_panel_is_a_warning_at_its_line(app, decks_of, warnings_of):
    deck = app.srcdir / "slides" / "index.md"
    deck.write_text(deck.read_text(encoding="utf-8").replace(":panel: response\n", ""), encoding="utf-8")
    app.build()
    decks = decks_of(app)
    assert warnings_of(decks) == [
        "slides/index.md:8: WARNING: this figure is drawn for slides in 4 panels (response, remission, relapse, "
        "suicidal-ideation): "
        "choose the one this slide shows with the {snippet} option :panel: [handbook.image-variants]"
    ]
    assert decks.statuscode == 1


@pytest.mark.sphinx("html", testroot="evidence", srcdir="evidence-edit", warningiserror=True)
def test_changing_one_number_changes_table_and_figure(app, make_app, soup, warnings_of):
    app.build()
    old_figure, old_img, old_files = _figure(app, soup)
    old_print = _generated(app, "print")
    assert "71 % versus 6 %" in old_img["alt"]

    data = app.srcdir / "data" / "trials.yaml"
    data.write_text(
        data.read_text(encoding="utf-8").replace("ketamine_rate: 71\n", "ketamine_rate: 64\n"), encoding="utf-8"
    )
    app.cleanup()
    rebuild = make_app("html", srcdir=app.srcdir, warningiserror=True)
    rebuild.build()
    assert warnings_of(rebuild) == []

    page = soup(rebuild.outdir / "docs" / "part-2" / "evidence.html")
    rows = _table_rows(page)
    assert rows[0] == [*ROWS[0][:5], "64 %", "6 %"]
    assert rows[1:] == ROWS[1:]
    _, new_img, new_files = _figure(rebuild, soup)
    assert "Alpha 2010, response at day 3: 64 % versus 6 % with placebo" in new_img["alt"]
    assert "71 %" not in new_img["alt"]
    for layout in ("wide", "narrow"):
        assert new_files[layout] != old_files[layout]
        drawing = new_files[layout].read_text(encoding="utf-8")
        assert "64 %" in drawing and "71 %" not in drawing
    # A new print drawing beside the old one (each build's files are named by their content).
    (new_print,) = set((Path(rebuild.doctreedir) / "_generated").glob("evidence-figure-print-*.svg")) - {old_print}
    assert "64 %" in new_print.read_text(encoding="utf-8")


DRAW = """
import sys
from handbook_sphinx import evidence_chart
results = [
    type("R", (), dict(trial=f"T{i}", measure=m, outcome=f"{m.title()} at week {i}", comparator="Placebo",
                       ketamine_rate=10.0 * i, comparator_rate=5.5 * i))
    for i, m in enumerate(["response", "remission", "relapse", "suicidal-ideation", "response"], start=1)
]
sys.stdout.buffer.write(b"\\0".join(evidence_chart.render(results, layout) for layout in evidence_chart.LAYOUTS))
"""


def test_same_data_draws_the_same_bytes():
    """In separate processes, in different time zones and locales: byte for byte the same drawings."""
    drawings = [
        subprocess.run(
            [sys.executable, "-c", DRAW],
            cwd=PROJECT,
            env={"TZ": zone, "LC_ALL": locale, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
        ).stdout
        for zone, locale, seed in (("UTC", "C.UTF-8", "1"), ("Pacific/Auckland", "C", "2"))
    ]
    assert drawings[0] == drawings[1]
    assert drawings[0].count(b"<svg") == len(evidence_chart.LAYOUTS)
