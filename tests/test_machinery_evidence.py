"""Evidence as data: data/trials.yaml drawn as a table and a figure, and redrawn when a number changes."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("machinery_env")

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
        "Remission at week 3 (self-rated scale)",
        "55.4 %",
        "41.2 %",
    ],
]


def _table_rows(page) -> list[list[str]]:
    table = page.select_one("table#evidence-table")
    return [
        [td.get_text(" ", strip=True).replace("[ ", "[").replace(" ]", "]") for td in tr.find_all("td")]
        for tr in table.select("tbody tr")
    ]


def _figure(app, soup):
    page_path = app.outdir / "docs" / "part-2" / "evidence.html"
    img = soup(page_path).select_one("figure#evidence-figure img")
    svg = (page_path.parent / img["src"]).resolve()
    return img, svg


@pytest.mark.sphinx("html", testroot="evidence", warningiserror=True)
def test_table_has_one_row_per_trial_result(app, soup, warnings_of):
    app.build()
    assert warnings_of(app) == []
    page = soup(app.outdir / "docs" / "part-2" / "evidence.html")
    assert [th.get_text(strip=True) for th in page.select("table#evidence-table thead th")] == [
        "Trial",
        "n",
        "Design and population",
        "Comparator",
        "Outcome",
        "Active arm",
        "Comparator arm",
    ]
    assert _table_rows(page) == ROWS
    # Each row's citation resolves into the bibliography.
    references = soup(app.outdir / "docs" / "references.html")
    for link in page.select("table#evidence-table tbody span.bibtex-citation a"):
        target, _, anchor = link["href"].partition("#")
        assert target == "../references.html" and references.find(id=anchor) is not None


@pytest.mark.sphinx("html", testroot="evidence", warningiserror=True)
def test_figure_alt_text_lists_every_trial(app, soup):
    app.build()
    img, svg = _figure(app, soup)
    alt = img["alt"]
    assert alt.startswith("Bar chart of response or remission rates by trial")
    assert "Alpha 2010, response at day 3: 71 % versus 6 %" in alt
    assert "Beta 2023, remission at week 3: 55.4 % versus 41.2 %" in alt
    assert svg.parent == (app.outdir / "_images").resolve()
    drawing = svg.read_text(encoding="utf-8")
    assert drawing.lstrip().startswith(("<?xml", "<svg"))
    for label in ("Alpha 2010", "Beta 2023", "71 %", "55.4 %", "41.2 %"):
        assert label in drawing


@pytest.mark.sphinx("html", testroot="evidence", srcdir="evidence-edit", warningiserror=True)
def test_changing_one_number_changes_table_and_figure(app, make_app, soup, warnings_of):
    app.build()
    old_img, old_svg = _figure(app, soup)
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
    assert rows[1] == ROWS[1]
    new_img, new_svg = _figure(rebuild, soup)
    assert "Alpha 2010, response at day 3: 64 % versus 6 %" in new_img["alt"]
    assert "71 %" not in new_img["alt"]
    assert new_svg != old_svg
    drawing = new_svg.read_text(encoding="utf-8")
    assert "64 %" in drawing and "71 %" not in drawing
