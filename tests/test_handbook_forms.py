"""The printable ward forms (Appendices A and B): every required field in the built HTML, each on one printed page.

Each appendix holds exactly one ``handbook-form`` container: a heading line with
the form's version and the notice that local protocols govern, a patient-label
line, then ``form-grid`` tables. The tests hold each form to the form contract
(no citations inside the form, tick columns headed Yes, No and N/A, write-in
cells left empty but for the row of printed default limits, one tick for each
decision) and look at the PDF itself: on A4 and on US Letter each form is one
page, inside the paper's printable area, with no line printed over another, no
type under 7.5 pt, the boxed trigger panel at 9.5 pt or more and write-in rows
at least 5 mm tall.
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
    # The patient's identity, written in boxes in the first row, and the page for a continuation sheet.
    "Patient name",
    "Date of birth",
    "ID number",
    "Page ___ of ___",
    "Sign-off",
    "Name",
    "Role",
    "Signature",
    "Date",
    "Time",
)

SCREENING_FIELDS = (
    # The rules a nurse needs to use the form alone, printed on it.
    "How to answer",
    "N/A only if every part of a row is for another product, region or setting",
    # What a Yes means, in each table's header.
    "Contraindications: a Yes means do not give that product",
    "Cautions: a Yes calls for a benefit–risk decision, recorded below",
    # Product and region first: every other row is answered for them.
    "Tick one of each",
    "Esketamine",
    "IV racemic ketamine (off-label)",
    "N/A",
    "Indication and current episode",
    "Antidepressant trials in current episode",
    # Contraindications: the vascular ones for both products, each row naming its product or region.
    "Both products: hypersensitivity",
    "Both products: a rise in blood pressure or intracranial pressure would be a serious hazard",
    "Both products: aortic, intracranial or peripheral aneurysm; arteriovenous malformation",
    "Both products: previous intracerebral haemorrhage",
    "All except US esketamine: cardiovascular event, e.g. myocardial infarction, within 6 weeks",
    # The UK Ketalar SmPC's own contraindications, for every intravenous patient.
    "IV: severe coronary or myocardial disease; stroke; brain injury; eclampsia or pre-eclampsia",
    "hypertensive encephalopathy",
    "Respiratory disease",
    "hyperthyroidism",
    "Psychosis, current or past; past mania or hypomania (bipolar disorder)",
    "mania or hypomania",
    "Substance use disorder, including alcohol",
    "Suicidal thoughts",
    "Hepatic impairment",
    "US esketamine: Child-Pugh B, longer monitoring; C not recommended",
    "liver tests",
    "Urinary symptoms",
    # Age changes the dose and the guide (an action, not a caution); pregnancy, contraception and
    # breastfeeding: three rows; one action for pregnancy with either product.
    "Age, pregnancy and breastfeeding: a Yes calls for the action in the row",
    # Both labels are for adults; the intravenous trials enrolled adults.
    "Aged under 18: do not give either product; refer",
    "Aged 65 or over: EU, UK esketamine, start at 28 mg; BP guide 150/90",
    "Pregnant (record test result): do not give either product; defer or refer",
    "Could become pregnant, no contraception",
    # EU, UK SmPC 4.6: not recommended without contraception; the form defers or asks for a signed decision.
    "EU, UK esketamine, not recommended (SmPC 4.6): defer, or prescriber’s signed benefit–risk decision; US and IV: counsel",
    # The Ketalar label's raised intraocular pressure and seizure-like movements: a caution for infusions.
    "IV: glaucoma or raised eye pressure; epilepsy or past seizures (Ketalar: eye pressure may rise)",
    "Breastfeeding (US esketamine: not recommended; EU, UK: weigh against treatment; IV: prescriber decides)",
    "Current medicines",
    "Both products: benzodiazepine, opioid",
    "stimulant (amphetamine, methylphenidate, modafinil, armodafinil) or MAOI",
    # The European product information's further medicines that raise blood pressure.
    "EU, UK also thyroid hormone, theophylline or other xanthine, ergometrine, vasopressin: watch BP",
    # Ketalar 7.1 as the label words it: an alternative is considered, the seizure threshold may fall.
    "IV: theophylline or aminophylline: seizure threshold may fall; consider an alternative",
    "nasal corticosteroid",
    "sympathomimetic",
    # Both blood-pressure guides, where the reading is written.
    "Baseline BP (mmHg): above 140/90 (EU, UK from 65: 150/90), tell the prescriber",
    # The service's own near-normal ranges, the same as Form B's pre-dose row (NEWS2 scores 0 or 1).
    "HR /min (51–110)",
    "SpO₂ % (≥ 94, air)",
    "RR /min (12–20)",
    # The US label's hepatic actions, named as the US label's; sympathomimetics with examples a nurse recognises.
    "Hepatic impairment (US esketamine: Child-Pugh B, longer monitoring; C not recommended)",
    "IV: sympathomimetic (amphetamine, methylphenidate, decongestant), vasopressin: monitor vital signs closely",
    "SpO₂",
    "REMS",
    "enrolled",
    "decision to prescribe taken by a psychiatrist",
    "off-label use explained",
    # The antidepressant the indication requires, and fasting before an infusion by region.
    "Esketamine: oral antidepressant prescribed with it (EU, UK TRD: SSRI or SNRI; US TRD: optional)",
    "IV: fasting explained (US label: NPO guidelines; EU, UK: local sedation policy)",
    "IV: anaesthesia-experienced physician",
    "EU: national SmPC checked",
    "UK: hospital, anaesthetist",
    "Consent",
    "Escort home arranged",
    "Before the first dose: every row that applies is Yes",
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
    "N/A only if every part of a row is for another product, region or setting",
    "Session",
    "Dose",
    "Escalation contact",
    "Yes is safe",
    "N/A",
    # The pre-dose guide, named once: the number for "high" after the dose and at discharge.
    "BP guide: not above 140/90 (EU, UK from 65: 150/90)",
    "no food 2 h",
    "nasal steroid, decongestant",
    # Fasting before an infusion: the US Ketalar label's rule, or the local sedation policy.
    "IV: fasted (US: NPO guidelines; EU, UK: local policy)",
    # Medicines as they are now, with the closer checks the label asks for.
    "Sedative, opioid, alcohol today: none, or closer sedation, SpO₂ checks; intoxicated: withhold",
    "No new medicines, drug use or urinary symptoms; stimulant, MAOI: none, or closer BP checks set",
    "No new medicines, drug use or urinary symptoms",
    "Not pregnant",
    # Pregnancy leaves no choice: the action sits in the check itself; breastfeeding, a decision by
    # region, is a check of its own, so a No says which one failed.
    "Not pregnant (test where relevant); if pregnant: no dose, stop treatment, counsel",
    "Not breastfeeding, or decision recorded",
    # The day's suicide-risk review is a check of its own: a raised risk is a No, seen by the prescriber.
    "Suicide risk reviewed today, not raised (if raised: No; prescriber sees first)",
    # The label's driving rule, not "today": an evening session ends at midnight.
    "Outpatient: escort; no driving until next day after restful sleep",
    # Breathing and pulse before the dose, not only blood pressure (the service's rule, NEWS2 score 0 or 1).
    "BP guide: not above 140/90 (EU, UK from 65: 150/90); SpO₂ ≥ 94% on air (or set), RR 12–20, HR 51–110, alert",
    # A weight-based Schedule 2 infusion: an independent check of the dose and the pump.
    "IV: fasted (US: NPO guidelines; EU, UK: local policy); dose, pump rate second-checked, initials",
    # Readiness for the airway and for resuscitation, for both products.
    "Both: oximeter, oxygen, suction, airway kit, AED ready",
    # Bag-mask ventilation is on the panel only because someone trained in it is present.
    "Both: oximeter, oxygen, suction, airway kit, AED ready; BLS staff, one trained in bag-mask ventilation",
    # Infusions: continuous oximetry (the Ketalar label's continuous monitoring), ECG where the label asks for it.
    "IV: continuous SpO₂ to the end and until responsive; ECG if hypertension, heart failure",
    # What Form A found reaches the bedside.
    "Form A flags acted on: longer stay, SpO₂ limit, BP plan, help to stand (65 or over)",
    # The UK Ketalar SmPC's hospital setting; the REMS's prescriber on site, checked before the dose too.
    "IV: anaesthesia-experienced doctor (UK: hospital, anaesthetist); US outpatient esketamine: prescriber on site",
    "Dose decision: tick one",
    "Give",
    "Withhold",
    "Reason",
    "Prescriber, signature",
    "Time 0 = first nasal device or start of infusion",
    "esketamine BP at +40 and 40 min after the last device (+50 with three)",
    "Lot or batch",
    "CD register, witness",
    "Wastage, witness",
    # The boxed panel: the label's triggers, the form's own by score and sign, and what to do at once.
    "Act at once, at any reading",
    "Emergency team now; send for the AED",
    "chest pain, breathlessness, sudden severe headache, visual disturbance, seizure",
    "focal neurological deficit",
    "Until help comes",
    # ERC 2021: slow, gasping breathing in an unresponsive patient is cardiac arrest; no pulse check decides it.
    "Until help comes: unresponsive, not breathing normally (incl. slow gasping): CPR, AED",
    # Bag-mask ventilation of a patient who still responds is for the trained person.
    "Responds, slow or shallow breaths: airway, oxygen, bag-mask if trained",
    # During an infusion, the first act in an emergency.
    "focal neurological deficit. IV: stop the infusion.",
    # Trained staff who feel a definite pulse ventilate rather than compress.
    "Trained staff feel pulse, no breaths: ventilate, recheck each min",
    "In doubt: CPR",
    # "High" has a number: above the pre-dose guide, the service's own rule.
    "BP above the BP guide from +110 min (US label: prompt help from a BP expert)",
    "slow or shallow breathing",
    "MOAA/s 2 or 1",
    "Airway, oxygen, continuous SpO₂; IV: stop or slow the infusion",
    "MOAA/s 3: continuous SpO₂, staff at the bedside",
    "Vomiting when drowsy: on the side, suction",
    "Distressing dissociation",
    "5 ready response to name",
    "2 only to prodding, shaking",
    "1 only to painful trapezius squeeze",
    # Printed default limits, labelled as the service's own rule, and a row for the prescriber's signed change.
    "Service’s own rule: call if",
    "Prescriber’s change, signed",
    "From time 0",
    "Before dose",
    "+40 min",
    "+50 min",
    "+110 min",
    "After +110, while BP is above the guide: every 15 min, then on a copy of this grid, labelled",
    # Oxygen can hide slow breathing from the oximeter (NEWS2 scores oxygen for that reason).
    "On oxygen: watch RR and MOAA/s, not SpO₂ alone",
    "Before discharge",
    "BP",
    "HR",
    "SpO₂",
    "RR",
    "MOAA/s",
    "CADSS",
    "Escalation",
    "Initials",
    "Discharge: all Yes, or prescriber override",
    # The observation time for each product: the REMS's 2 h; for an infusion, the service's default.
    "US esketamine (REMS): ≥ 2 h since first device",
    "IV: ≥ 60 min after infusion end (service’s rule)",
    # Discharge: near-normal vital signs (NEWS2 score 0 or 1), not the limits for calling for help.
    "Discharge ranges: the service’s rule",
    # The CADSS is an interview: the form names when it is done.
    "CADSS: +40 and before discharge",
    "BP within guide or prescriber signs; HR 51–110, RR 12–20",
    "Stable, MOAA/s 5, not dissociated; suicide risk not raised",
    "Breathing normal, off oxygen, SpO₂ ≥ 94% (or set)",
    # Only certified outpatient settings submit the form and need a prescriber on site.
    "US outpatient (REMS): prescriber on site; form done",
    "Outpatient: escort present",
    "no driving until the next day",
    "UK esketamine: Readiness to Leave checklist completed",
    "Discharging clinician",
    "Prescriber override (reason in last grid row)",
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
        if "From time 0" in table.select_one("thead").get_text()
    )
    points = [normalise(row.find(["td", "th"]).get_text()) for row in grid.select("tbody tr")]
    # The limits come first, above the readings: the service's defaults, then the prescriber's change.
    assert points[:2] == ["Service’s own rule: call if", "Prescriber’s change, signed"], points
    points = points[2:]
    assert points[0] == "Before dose" and points[-1] == "Before discharge"
    minutes = [int(m.group(1)) for p in points if (m := re.fullmatch(r"\+(\d+) min", p))]
    assert minutes == sorted(minutes) and 40 in minutes, points


def question_columns(table) -> list[int]:
    """The columns that print a question: the first, and any headed like it (a checklist set two across)."""
    headers = [normalise(th.get_text()) for th in table.select("thead th")]
    return [i for i, header in enumerate(headers) if i == 0 or header == headers[0]]


DEFAULT_LIMITS_ROW = "Service’s own rule: call if"


@pytest.mark.parametrize("page", ["screening-checklist", "monitoring-record"])
def test_write_in_cells_are_empty(handbook, page):
    """Only a question column may carry printed text; every other body cell is for writing or ticking.

    The one exception is the row of printed default limits on the session record (tested below).
    """
    for table in the_form(handbook, page).select("table"):
        questions = question_columns(table)
        for row in table.select("tbody tr"):
            cells = row.find_all(["td", "th"])
            if normalise(cells[0].get_text()) == DEFAULT_LIMITS_ROW:
                continue
            filled = [cell.get_text(strip=True) for i, cell in enumerate(cells) if i not in questions]
            assert not any(filled), f"{page}: printed text in a write-in cell: {filled}"


def test_default_limits_are_printed_as_the_services_own(handbook):
    """No limit can be left blank: a number for every vital sign, marked as the service's rule, changeable when signed."""
    grid = next(
        table
        for table in the_form(handbook, "monitoring-record").select("table")
        if "From time 0" in table.select_one("thead").get_text()
    )
    headers = [normalise(th.get_text()) for th in grid.select("thead th")]
    rows = [[normalise(cell.get_text()) for cell in row.find_all(["td", "th"])] for row in grid.select("tbody tr")]
    defaults = dict(zip(headers, rows[0], strict=True))
    assert defaults["From time 0"] == DEFAULT_LIMITS_ROW, defaults
    for vital in ("BP", "HR", "SpO₂", "RR"):
        assert re.search(r"\d", defaults[vital]), f"no default limit printed for {vital}: {defaults}"
    # Upper and lower limits for blood pressure, heart rate and breathing; the lower ones matter too.
    for vital in ("BP", "HR", "RR"):
        assert "≥" in defaults[vital] and "≤" in defaults[vital], (vital, defaults[vital])
    # The next row is the prescriber's, blank for writing, and it is signed.
    assert rows[1][0] == "Prescriber’s change, signed" and not any(rows[1][1:]), rows[1]


@pytest.mark.parametrize("page", ["screening-checklist", "monitoring-record"])
def test_every_answer_has_a_not_applicable_column(handbook, page):
    """A row that names another product or region is answered N/A, never forced into Yes or No."""
    for table in the_form(handbook, page).select("table"):
        headers = [normalise(th.get_text()) for th in table.select("thead th")]
        if "Yes" in headers:
            assert headers.count("Yes") == headers.count("No") == headers.count("N/A"), (page, headers)


@pytest.mark.parametrize("page", ["screening-checklist", "monitoring-record"])
def test_product_region_and_patient_come_first(handbook, page):
    """The first row: product and region ticked, and boxes for whose form it is, so a filed page says so."""
    first = the_form(handbook, page).select("table")[0]
    headers = [normalise(th.get_text()) for th in first.select("thead th")]
    assert headers[0] == "Tick one of each", headers
    assert {"Esketamine", "US", "EU", "UK"} <= set(headers) and any(h.startswith("IV racemic") for h in headers)
    assert headers[-3:] == ["Patient name", "Date of birth", "ID number"], headers
    rows = first.select("tbody tr")
    assert len(rows) == 1 and not rows[0].get_text(strip=True), "the first row is left empty for writing"


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
    """A reading 40 min after the last of three devices, then every 15 min to nearly 2 h, then blank rows."""
    grid = next(
        table
        for table in the_form(handbook, "monitoring-record").select("table")
        if "From time 0" in table.select_one("thead").get_text()
    )
    points = [normalise(row.find(["td", "th"]).get_text()) for row in grid.select("tbody tr")]
    minutes = [int(m.group(1)) for p in points if (m := re.fullmatch(r"\+(\d+) min", p))]
    # 40 min after the first device (the REMS reading) and after the third, 10 min later (84 mg).
    assert {40, 50} <= set(minutes), minutes
    after_peak = [m for m in minutes if m >= 50]
    steps = {b - a for a, b in itertools.pairwise(after_peak)}
    assert steps == {15}, f"readings after the last device's peak are not every 15 min: {after_peak}"
    assert max(minutes) >= 110, minutes
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


MIN_BODY_PT = 7.5  # the smallest type a printed form may use
MIN_PANEL_PT = 9.5  # the boxed panel of triggers and first actions
MIN_ROW_MM = 5  # a write-in row


def page_type_sizes(pdf: Path, page: int) -> list[tuple[float, str]]:
    """Every run of text on a page with the size it prints at (font size times the text and graphics scales)."""
    from pypdf import PdfReader

    runs: list[tuple[float, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = (tm[0] ** 2 + tm[1] ** 2) ** 0.5 * (cm[0] ** 2 + cm[1] ** 2) ** 0.5
            runs.append((round(size * scale, 2), text))

    PdfReader(str(pdf)).pages[page - 1].extract_text(visitor_text=visit)
    return runs


def assert_form_is_legible(pdf: Path, page: int, title: str, words) -> None:
    """Type no smaller than 7.5 pt, the trigger panel at 9.5 pt or more, write-in rows at least 5 mm tall."""
    runs = page_type_sizes(pdf, page)
    assert runs, (pdf.name, title)
    smallest = min(size for size, _ in runs)
    assert smallest >= MIN_BODY_PT, (pdf.name, title, smallest, [text for size, text in runs if size == smallest][:5])
    if title.startswith("Form B"):
        panel = [size for size, text in runs if "Emergency team now" in text or "Until help comes" in text]
        assert panel and min(panel) >= MIN_PANEL_PT, (pdf.name, title, panel)
        # The time grid's rows: the distance between one "+NN" label and the next is a row's height.
        tops = [w[1] for w in words if re.fullmatch(r"\+\d+", w[4])]
    else:
        tops = [w[1] for w in words if w[4] in ("Assessor", "Prescriber")][-2:]
    pitches = [(b - a) * 25.4 / 72 for a, b in itertools.pairwise(tops)]
    assert pitches and min(pitches) >= MIN_ROW_MM - 0.1, (pdf.name, title, [round(p, 2) for p in pitches])


def appendix_pages(pdf: Path) -> dict[str, range]:
    """Each appendix's pages (0-based), from the PDF's outline: its bookmark to the next one.

    The appendix's own bookmark is the first with its title: "What changed in this edition" has bookmarks
    named after the appendices too, for their changes, and they come later in the book."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    marks: list[tuple[str, int]] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                marks.append((normalise(item.title.replace("\xa0", " ")), reader.get_destination_page_number(item)))

    walk(reader.outline)
    marks.sort(key=lambda mark: mark[1])
    pages: dict[str, range] = {}
    for title, page in marks:
        if title.startswith("Appendix ") and title not in pages:
            pages[title] = range(page, next((p for _, p in marks if p > page), len(reader.pages)))
    return pages


def assert_form_is_printed_whole(pdf: Path) -> None:
    pages = pdf_pages(pdf)
    appendices = appendix_pages(pdf)
    for appendix, title, last in (
        ("Appendix A", "Form A: Pre-treatment screening", "Prescriber"),
        ("Appendix B", "Form B: Session monitoring record", "Escort"),
    ):
        # Within its own appendix: the back matter's list of changes may quote a form's first line.
        own = next(pages_ for name, pages_ in appendices.items() if name.startswith(appendix))
        holding = [i for i in own if title in pages[i]]
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
        assert_form_is_legible(pdf, holding[0] + 1, title, words)


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
