"""Chapter front matter: the review and evidence dates shown under each chapter title."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.usefixtures("machinery_env")

DATES = "Last reviewed 14 March 2026 · Literature cut-off 30 September 2025"


@pytest.mark.sphinx("html", testroot="chapter-meta", warningiserror=True)
def test_html_dates_paragraph_follows_the_chapter_title(app, soup, warnings_of):
    app.build()
    assert warnings_of(app) == []
    page = soup(app.outdir / "docs" / "part-a" / "chapter.html")
    dates = page.select("p.chapter-dates")
    assert [p.get_text() for p in dates] == [DATES]
    title = dates[0].find_previous_sibling()
    assert title.name == "h1" and title.get_text(strip=True).startswith("Dated chapter")
    assert dates[0].find_next_sibling("p").get_text() == "The opening paragraph of the chapter."
    # Only the chapter title carries the dates, not its sections.
    assert dates[0].find_parent("section").find_parent("section") is None


@pytest.mark.sphinx("html", testroot="chapter-meta", warningiserror=True)
def test_every_handbook_page_shows_its_own_dates(app, soup):
    app.build()
    index = soup(app.outdir / "docs" / "index.html").select("p.chapter-dates")
    assert [p.get_text() for p in index] == ["Last reviewed 1 May 2026 · Literature cut-off 31 December 2025"]


@pytest.mark.sphinx("typst", testroot="chapter-meta", warningiserror=True)
def test_pdf_dates_follow_the_chapter_heading(app, warnings_of):
    app.build()
    assert warnings_of(app) == []
    source = (app.outdir / "main.typ").read_text(encoding="utf-8")
    dates = DATES.replace("-", "\\-")
    assert source.count(f"#dates[{dates}]") == 1
    heading = re.search(r"#heading\(level: 1, [^\n]*\[Dated~chapter\][^\n]*\n\n#dates\[(?P<dates>[^\]]*)\]", source)
    assert heading and heading["dates"] == dates
    assert source.index(dates) < source.index("The opening paragraph of the chapter.")


def test_long_dates_are_english_whatever_the_locale():
    """sphinx-build calls setlocale(LC_ALL, ""), so a month name from strftime's %B would follow LANG."""
    import datetime as dt

    from handbook_sphinx.dates import long_date

    class LocalisedDate(dt.date):
        """A date whose strftime answers as a German locale would."""

        def __format__(self, spec):
            return super().__format__(spec.replace("%B", "März"))

        def strftime(self, spec):
            return super().strftime(spec.replace("%B", "März"))

    assert long_date(LocalisedDate(2026, 3, 5)) == "5 March 2026"
    assert long_date(dt.date(2026, 11, 29)) == "29 November 2026"
