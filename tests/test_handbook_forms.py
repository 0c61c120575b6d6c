"""The printable ward forms (Appendices A and B): every required field in the built HTML, each on one printed page.

Each appendix holds exactly one ``handbook-form`` container: a heading line with
the form's version and the notice that local protocols govern, a patient-label
line, then ``form-grid`` tables. The tests hold each form to the form contract
(no citations inside the form, tick columns headed Yes, No and N/A, write-in
cells left empty, one tick for each decision) and look at the PDF itself: on A4
and on US Letter each form is one page, inside the paper's printable area, with
no line printed over another.
"""

from __future__ import annotations

import html
import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from handbook_build import PROJECT, normalise, pdf_pages

pytestmark = pytest.mark.handbook

# A printed form's page (8-9 pt, rows down to 5 mm) holds about this many table
# rows, headers included; the PDF tests below are the real measure.
MAX_ROWS = 48

COMMON_FIELDS = (
    "Version",
    "Local protocols govern",
    "Patient label",
    "date of birth",
    "Sign-off",
    "Name",
    "Role",
    "Signature",
    "Date",
    "Time",
)

SCREENING_FIELDS = (
    # Product and region first: every other row is answered for them.
    "Tick one of each",
    "Esketamine",
    "IV racemic ketamine (off-label)",
    "N/A",
    "Indication and current episode",
    "Antidepressant trials in current episode",
    # Contraindications of both products, each row naming its product or region.
    "Both products: hypersensitivity",
    "Both products: a rise in blood pressure would be a serious hazard",
    "aneurysmal vascular disease",
    "arteriovenous malformation (named in the US label)",
    "intracerebral haemorrhage",
    "myocardial infarction, within 6 weeks",
    "intracranial pressure would be a serious risk",
    "hypertensive encephalopathy",
    "Respiratory disease",
    "hyperthyroidism",
    "Psychosis",
    "mania or hypomania",
    "Substance use disorder, including alcohol",
    "Suicidal thoughts",
    "Hepatic impairment",
    "Child-Pugh C not recommended; B longer monitoring",
    "liver tests",
    "Urinary symptoms",
    # Pregnancy, contraception and breastfeeding: three rows, each with its action.
    "Pregnant (record test result): not recommended; if on treatment, stop and counsel",
    "Could become pregnant, no contraception",
    "Breastfeeding (US: not recommended; EU, UK: weigh breastfeeding against treatment)",
    "Current medicines",
    "Benzodiazepine, opioid",
    "psychostimulant",
    "monoamine oxidase inhibitor",
    "theophylline",
    "nasal corticosteroid",
    "sympathomimetic",
    "Baseline BP",
    "above the guide, tell the prescriber",
    "SpO₂",
    "Respiratory rate",
    "REMS",
    "enrolled",
    "decision to prescribe taken by a psychiatrist",
    "off-label status explained",
    "Consent",
    "Escort home arranged",
    "Decision: tick one",
    "Proceed",
    "Defer",
    "Refer",
    "Reason",
    "Assessor",
    "Prescriber",
)

SESSION_FIELDS = (
    "Tick one of each",
    "Session no.",
    "Dose",
    "Escalation contact",
    "Yes is safe",
    "N/A",
    "BP not above 140/90 (EU, UK from 65: 150/90)",
    "no food 2 h",
    "nasal steroid or decongestant",
    "No new opioids, sedatives, stimulants, MAOIs",
    "No other new medicines, alcohol or drugs",
    "Not pregnant",
    "Pregnant: do not dose; stop treatment and counsel",
    "No new urinary symptoms",
    "suicide risk",
    "Escort home confirmed",
    # Readiness for the airway and for resuscitation.
    "Pulse oximeter on and working",
    "IV: airway-skilled clinician present",
    "IV: oxygen, suction, airway equipment ready",
    "resuscitation kit and CPR-trained staff present",
    "Dose decision: tick one",
    "Give",
    "Withhold",
    "Reason",
    "Prescriber on site: name and signature",
    "1st device or infusion",
    "Lot or batch number",
    "CD register: entry, witness",
    "Wastage and witness",
    # The label's qualitative triggers and the sedation scale, printed on the form itself.
    "Emergency care now",
    "chest pain, shortness of breath, sudden severe headache, visual disturbance, seizure",
    "focal neurological deficit",
    "loss of consciousness (MOAA/s 0)",
    "experienced in managing blood pressure",
    "slow or shallow breathing",
    "responds only to shaking or pain, or not at all (MOAA/s 2 or less)",
    "IV: stop or slow the infusion, then call",
    "5 responds readily to name spoken in normal tone",
    "2 only after mild prodding or shaking",
    "1 only after painful trapezius squeeze",
    "0 no response after painful trapezius squeeze",
    # Numerical limits are the service's own: a row of blanks, never numbers.
    "Service limit",
    "From start",
    "Before dose",
    "+40 min",
    "+115 min",
    "continuation sheet",
    "about 4 h",
    "Before discharge",
    "BP",
    "HR",
    "SpO₂",
    "RR",
    "MOAA/s",
    "CADSS",
    "Escalation",
    "Initials",
    "Discharge",
    "at least 2 h since the first device",
    "US: BP falling; clinically stable for at least 2 h",
    "EU, UK, IV: clinically stable",
    "Breathing normal",
    "Sedation and dissociation resolved (MOAA/s 5)",
    "Escort present",
    "no driving until the next day",
    "REMS Patient Monitoring Form",
    "UK: Readiness to Leave checklist completed",
    "Observer",
    "Discharging clinician",
    "Escort",
)

# Columns that take a tick, so their body cells must stay empty.
TICK_HEADERS = ("Yes", "No", "N/A", "Give", "Withhold", "Proceed", "Defer", "Refer", "US", "EU", "UK")


def the_form(handbook, page: str):
    soup = handbook.soup(handbook.html / "appendices" / f"{page}.html")
    forms = soup.select(".handbook-form")
    assert len(forms) == 1, f"{page}: expected one handbook-form container, found {len(forms)}"
    return forms[0]


@pytest.mark.parametrize(
    ("page", "fields"),
    [("screening-checklist", SCREENING_FIELDS), ("monitoring-record", SESSION_FIELDS)],
)
def test_form_has_every_required_field(handbook, page, fields):
    text = normalise(the_form(handbook, page).get_text(" "))
    missing = [field for field in (*COMMON_FIELDS, *fields) if normalise(field) not in text]
    assert not missing, f"{page}: missing fields {missing}"


@pytest.mark.parametrize("page", ["screening-checklist", "monitoring-record"])
def test_form_keeps_to_the_print_contract(handbook, page):
    form = the_form(handbook, page)
    tables = form.select("table")
    assert tables and all("form-grid" in table.get("class", []) for table in tables), page
    assert all(table.select_one("thead") for table in tables), f"{page}: every form table needs a header row"
    rows = form.select("tr")
    assert len(rows) <= MAX_ROWS, f"{page}: {len(rows)} table rows; one printed page holds {MAX_ROWS}"
    # Sources belong in the appendix introduction, not in the form.
    assert not form.select('a[href*="references"]'), f"{page}: a citation inside the form"
    # One unambiguous answer column: no tick-box glyph beside the Yes/No columns.
    assert "☐" not in form.get_text(), f"{page}: tick-box glyph inside the form"


@pytest.mark.parametrize("page", ["screening-checklist", "monitoring-record"])
def test_yes_no_columns_are_empty_for_writing(handbook, page):
    form = the_form(handbook, page)
    checked = 0
    for table in form.select("table"):
        headers = [normalise(th.get_text()) for th in table.select("thead th")]
        ticks = [i for i, header in enumerate(headers) if header in TICK_HEADERS]
        for row in table.select("tbody tr"):
            cells = row.find_all(["td", "th"])
            for i in ticks:
                assert not cells[i].get_text(strip=True), f"{page}: tick cell filled in: {row.get_text(' ')}"
                checked += 1
    assert checked > 0, f"{page}: no Yes/No tick columns found"


def test_time_grid_is_anchored_to_the_first_dose(handbook):
    grid = next(
        table
        for table in the_form(handbook, "monitoring-record").select("table")
        if "From start" in table.select_one("thead").get_text()
    )
    points = [normalise(row.find(["td", "th"]).get_text()) for row in grid.select("tbody tr")]
    # The service writes its limits in the first row, above the readings.
    assert points[0] == "Service limit", points
    points = points[1:]
    assert points[0] == "Before dose" and points[-1] == "Before discharge"
    minutes = [int(m.group(1)) for p in points if (m := re.fullmatch(r"\+(\d+) min", p))]
    assert minutes == sorted(minutes) and 40 in minutes, points


def question_columns(table) -> list[int]:
    """The columns that print a question: the first, and any headed like it (a checklist set two across)."""
    headers = [normalise(th.get_text()) for th in table.select("thead th")]
    return [i for i, header in enumerate(headers) if i == 0 or header == headers[0]]


@pytest.mark.parametrize("page", ["screening-checklist", "monitoring-record"])
def test_write_in_cells_are_empty(handbook, page):
    """Only a question column may carry printed text; every other body cell is for writing or ticking."""
    for table in the_form(handbook, page).select("table"):
        questions = question_columns(table)
        for row in table.select("tbody tr"):
            cells = row.find_all(["td", "th"])
            filled = [cell.get_text(strip=True) for i, cell in enumerate(cells) if i not in questions]
            assert not any(filled), f"{page}: printed text in a write-in cell: {filled}"


@pytest.mark.parametrize("page", ["screening-checklist", "monitoring-record"])
def test_every_answer_has_a_not_applicable_column(handbook, page):
    """A row that names another product or region is answered N/A, never forced into Yes or No."""
    for table in the_form(handbook, page).select("table"):
        headers = [normalise(th.get_text()) for th in table.select("thead th")]
        if "Yes" in headers:
            assert headers.count("Yes") == headers.count("No") == headers.count("N/A"), (page, headers)


@pytest.mark.parametrize("page", ["screening-checklist", "monitoring-record"])
def test_product_and_region_are_ticked_first(handbook, page):
    first = the_form(handbook, page).select("table")[0]
    headers = [normalise(th.get_text()) for th in first.select("thead th")]
    assert headers[0] == "Tick one of each", headers
    assert {"Esketamine", "US", "EU", "UK"} <= set(headers) and any(h.startswith("IV racemic") for h in headers)


@pytest.mark.parametrize(
    ("page", "decision", "options"),
    [
        ("screening-checklist", "Decision: tick one", ["Proceed", "Defer", "Refer"]),
        ("monitoring-record", "Dose decision: tick one", ["Give", "Withhold"]),
    ],
)
def test_decisions_take_one_tick_in_one_row(handbook, page, decision, options):
    """One row, one column per option: two ticks cannot both stand unnoticed in separate rows."""
    table = next(t for t in the_form(handbook, page).select("table") if decision in t.select_one("thead").get_text())
    headers = [normalise(th.get_text()) for th in table.select("thead th")]
    assert headers[0] == decision and headers[1 : 1 + len(options)] == options, headers
    assert len(table.select("tbody tr")) == 1


@pytest.mark.parametrize(
    "row",
    [
        "US esketamine: setting REMS-certified",
        "EU, UK esketamine: decision to prescribe taken by a psychiatrist",
    ],
)
def test_regional_requirements_have_rows_of_their_own(handbook, row):
    """The REMS (US) and the psychiatrist's decision (EU, UK) are separate rows, each answerable alone."""
    rows = [
        normalise(tr.find(["td", "th"]).get_text())
        for tr in the_form(handbook, "screening-checklist").select("tbody tr")
    ]
    holding = [r for r in rows if r.startswith(row)]
    assert len(holding) == 1 and not any(("REMS" in r and "psychiatrist" in r) for r in rows), holding


def test_time_grid_covers_the_blood_pressure_rise(handbook):
    """Readings every 15 min after the 40-min peak, to about 2 h, then blank rows to carry them on."""
    grid = next(
        table
        for table in the_form(handbook, "monitoring-record").select("table")
        if "From start" in table.select_one("thead").get_text()
    )
    points = [normalise(row.find(["td", "th"]).get_text()) for row in grid.select("tbody tr")]
    minutes = [int(m.group(1)) for p in points if (m := re.fullmatch(r"\+(\d+) min", p))]
    after_peak = [m for m in minutes if m >= 40]
    steps = {b - a for a, b in itertools.pairwise(after_peak)}
    assert steps == {15}, f"readings after the 40-min peak are not every 15 min: {after_peak}"
    assert max(minutes) >= 115, minutes
    continuation = [p for p in points if p == "+___ min"]
    assert len(continuation) >= 2 and points.index(continuation[0]) > points.index(f"+{max(minutes)} min"), points


def test_pre_dose_checks_make_yes_the_safe_answer(handbook):
    """The pre-dose table says which answer is safe, and no row asks about a problem with Yes."""
    form = the_form(handbook, "monitoring-record")
    table = next(t for t in form.select("table") if "Before the dose" in t.select_one("thead").get_text())
    assert "Yes is safe" in normalise(table.select_one("thead").get_text())
    questions = question_columns(table)
    assert len(questions) == 2, "the pre-dose checks are set two across"
    for row in table.select("tbody tr"):
        cells = row.find_all(["td", "th"])
        for i in questions:
            question = normalise(cells[i].get_text())
            # Each check is phrased as the safe state: "No new ...", "Not ...", "... confirmed" and so on.
            assert not re.match(r"(Could be|Any |New |Medicines changed|Alcohol or drug use|Pregnant)", question), (
                question
            )


# -- The printed forms -------------------------------------------------------------------

PRINTER_MARGIN_PT = 14  # about 5 mm: no printer prints to the edge of the sheet


def page_words(pdf: Path, page: int) -> tuple[float, float, list[tuple[float, float, float, float, str]]]:
    """One page's size and words with their boxes (pdftotext -bbox), page numbered from 1."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out)
    words = [
        (float(x0), float(y0), float(x1), float(y1), html.unescape(text))
        for x0, y0, x1, y1, text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out
        )
    ]
    return float(size.group(1)), float(size.group(2)), words


def quoting_pages(pdf: Path) -> set[int]:
    """The pages of "What changed in this edition" (0-based), which may quote a form's text in full."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)

    def entries(outline, depth=0):
        for item in outline:
            if isinstance(item, list):
                yield from entries(item, depth + 1)
            else:
                yield depth, normalise(item.title), reader.get_destination_page_number(item)

    flat = list(entries(reader.outline))
    for index, (depth, title, first) in enumerate(flat):
        if title == "What changed in this edition":
            end = next((page for d, _, page in flat[index + 1 :] if d <= depth), len(reader.pages))
            return set(range(first, end))
    return set()


def assert_form_is_printed_whole(pdf: Path) -> None:
    pages = pdf_pages(pdf)
    quoted = quoting_pages(pdf)
    for title, last in (
        ("Form A: Pre-treatment screening", "Prescriber"),
        ("Form B: Session monitoring record", "Escort"),
    ):
        # The form's own page: the What-changed appendix may quote its title line among the changes.
        holding = [i for i, text in enumerate(pages) if title in text and i not in quoted]
        assert len(holding) == 1, (pdf.name, title, holding)
        width, height, words = page_words(pdf, holding[0] + 1)
        assert words, title
        # Inside the paper's printable area: nothing ran off the foot or the sides.
        outside = [
            w[4]
            for w in words
            if w[3] > height - PRINTER_MARGIN_PT or w[2] > width - PRINTER_MARGIN_PT or w[0] < PRINTER_MARGIN_PT
        ]
        assert not outside, (pdf.name, title, outside[:10])
        # No line printed over another, as a form too long for its page would be.
        overlapping = []
        for a, b in itertools.combinations(words, 2):
            dx = min(a[2], b[2]) - max(a[0], b[0])
            dy = min(a[3], b[3]) - max(a[1], b[1])
            if dx > 1 and dy > 0.4 * min(a[3] - a[1], b[3] - b[1]):
                overlapping.append((a[4], b[4]))
        assert not overlapping, (pdf.name, title, overlapping[:10])
        # The form's last row is on the page too.
        assert last in [w[4] for w in words], (pdf.name, title, last)


def test_forms_print_whole_on_one_a4_page(handbook):
    assert_form_is_printed_whole(handbook.pdf)


@pytest.fixture(scope="module")
def letter_pdf(handbook, tmp_path_factory) -> Path:
    builddir = tmp_path_factory.mktemp("letter") / "_build"
    result = subprocess.run(
        ["make", "--no-print-directory", "pdf", f"BUILDDIR={builddir}", "PAPER=letter"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return builddir / "pdf" / "ketamine-therapy-handbook.pdf"


def test_forms_print_whole_on_one_letter_page(letter_pdf):
    assert_form_is_printed_whole(letter_pdf)


def test_a_form_too_long_for_any_page_stops_the_build(tmp_path):
    """A form that fits no page, even as a printed form, fails the PDF build with its name; it never overflows."""
    root = tmp_path / "roots" / "test-pdf"
    shutil.copytree(PROJECT / "tests" / "roots" / "test-pdf", root)
    shutil.copy(PROJECT / "tests" / "roots" / "project_conf.py", root.parent)
    form = root / "docs" / "appendices" / "long-form.md"
    text = form.read_text(encoding="utf-8")
    rows = "".join(f"* - Extra field {n:03d}\n  -\n  -\n  -\n" for n in range(80))
    form.write_text(text.replace("* - Long field 01\n", rows + "* - Long field 01\n", 1), encoding="utf-8")
    result = subprocess.run(
        [str(PROJECT / ".venv" / "bin" / "sphinx-build"), "-b", "typst", "-q", str(root), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "HANDBOOK_PROJECT": str(PROJECT)},
    )
    output = result.stdout + result.stderr
    assert "Long form' does not fit on one page" in output, output[-2000:]
    assert not (tmp_path / "out" / "ketamine-therapy-handbook.pdf").exists()
