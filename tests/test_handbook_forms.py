"""The printable ward forms (Appendices A and B): every required field is in the built HTML.

Each appendix holds exactly one ``handbook-form`` container: a heading line with
the form's version and the notice that local protocols govern, a patient-label
line, then ``form-grid`` tables. A separate PDF builder prints each container on
one A4 and one US Letter page, so the tests also hold each form to the content
budget that makes that possible and to the form contract (no citations inside
the form, tick columns headed Yes and No, write-in cells left empty).
"""

from __future__ import annotations

import itertools
import re

import pytest
from handbook_build import normalise

pytestmark = pytest.mark.handbook

# One A4 or Letter page at about 9 pt holds this many table rows, headers included.
MAX_ROWS = 40

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
    "Aneurysmal vascular disease",
    "Arteriovenous malformation (named in the US label)",
    "intracerebral haemorrhage",
    "myocardial infarction, in the past 6 weeks",
    "Hypersensitivity",
    "intracranial pressure would be a serious risk",
    "hypertensive encephalopathy",
    "respiratory disease",
    "hyperthyroidism",
    "Psychosis",
    "mania or hypomania",
    "Substance use disorder, including alcohol",
    "Suicidal thoughts",
    "Hepatic impairment",
    "liver tests",
    "Urinary symptoms",
    "pregnant",
    "contraception",
    "Breastfeeding",
    "Current medicines that interact",
    "Benzodiazepine, opioid",
    "Psychostimulant",
    "Monoamine oxidase inhibitor",
    "Theophylline",
    "Nasal corticosteroid",
    "Baseline BP",
    "SpO₂",
    "Respiratory rate",
    "REMS",
    "enrolled",
    "decision to prescribe taken by a psychiatrist",
    "Consent",
    "Escort home arranged",
    "Proceed",
    "Defer",
    "Refer",
    "Reason",
    "Assessor",
    "Prescriber",
)

SESSION_FIELDS = (
    "Session no.",
    "Dose",
    "Escalation contact",
    "every Yes is safe",
    "140/90 mmHg (EU, UK from age 65: 150/90)",
    "no food for 2 h",
    "nasal steroid or decongestant",
    "No new or changed medicines",
    "opioids",
    "alcohol or drugs",
    "Not pregnant",
    "Pregnant: do not dose; stop treatment and counsel",
    "No new urinary symptoms",
    "suicide risk",
    "Escort home confirmed",
    "Dose decision",
    "Give",
    "Withhold",
    "Reason",
    "Prescriber name and signature",
    "1st device or infusion",
    "Lot or batch number",
    "CD register entry and witness",
    "Wastage and witness",
    # The label's qualitative triggers, printed on the form itself.
    "Emergency care now",
    "chest pain, shortness of breath, sudden severe headache, visual disturbance, seizure",
    "focal neurological deficit",
    "experienced in managing blood pressure",
    "slow or shallow breathing",
    "MOAA/s 0",
    # Numerical limits are the service's own: printed as blanks, never as numbers.
    "Service limit: BP above",
    "Service limit: SpO₂ below",
    "Service limit: RR outside",
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
    "BP falling and patient clinically stable for at least 2 h",
    "EU, UK: clinically stable",
    "Breathing normal",
    "sedation, dissociation and any breathing change resolved",
    "Escort present",
    "no driving until the next day",
    "REMS Patient Monitoring Form",
    "Observer",
    "Discharging clinician",
)

# Columns that take a tick, so their body cells must stay empty.
TICK_HEADERS = ("Yes", "No", "Give", "Withhold")


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
    assert points[0] == "Before dose" and points[-1] == "Before discharge"
    minutes = [int(m.group(1)) for p in points if (m := re.fullmatch(r"\+(\d+) min", p))]
    assert minutes == sorted(minutes) and 40 in minutes, points


@pytest.mark.parametrize("page", ["screening-checklist", "monitoring-record"])
def test_write_in_cells_are_empty(handbook, page):
    """Only the first column of a form row may carry printed text; every other body cell is for writing."""
    for table in the_form(handbook, page).select("table"):
        for row in table.select("tbody tr"):
            cells = row.find_all(["td", "th"])
            filled = [cell.get_text(strip=True) for cell in cells[1:] if cell.get_text(strip=True)]
            assert not filled, f"{page}: printed text in a write-in cell: {filled}"


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
    assert "every Yes is safe" in normalise(table.select_one("thead").get_text())
    for row in table.select("tbody tr"):
        question = normalise(row.find(["td", "th"]).get_text())
        # Each check is phrased as the safe state: "No new ...", "Not ...", "... confirmed" and so on.
        assert not re.match(r"(Could be|Any |New |Medicines changed|Alcohol or drug use)", question), question
