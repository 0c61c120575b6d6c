"""The real handbook's PDF: tagged PDF/UA-1, complete, numbered like the site, forms on one page each."""

from __future__ import annotations

import re

import pytest
from handbook_build import PROJECT, normalise

pytestmark = pytest.mark.handbook


def form_labels() -> dict[str, list[str]]:
    """Each printable form's field labels, read from its source: the first cells of its grid rows, its last line."""
    forms: dict[str, list[str]] = {}
    for source in sorted((PROJECT / "docs").rglob("*.md")):
        text = source.read_text(encoding="utf-8")
        match = re.search(r"^(:{3,})\{container\} handbook-form\n(.*?)^\1\s*$", text, re.S | re.M)
        if not match:
            continue
        body = match.group(2)
        labels = []
        for cell in re.findall(r"^\* - (.+)$", body, re.M)[1:]:
            # The label: the cell's words up to its first blank, tick box or colon.
            cell = re.split(r"[:_]|\\_", re.sub(r"\{[a-z:]+\}`[^`]*`|[*`☐]", "", cell))[0].strip()
            if len(cell) > 3:
                labels.append(cell)
        lines = [
            line.strip() for line in body.splitlines() if line.strip() and not line.startswith(("`", ":", "*", " "))
        ]
        if lines:  # a form that ends with a line of text (a form ending with its sign-off grid has none)
            labels.append(re.sub(r"[*_\\]", "", lines[-1]).split(":")[0].strip())
        forms[source.stem] = labels
    return forms


def words_of(text: str) -> set[str]:
    """A text's words, whatever order pdftotext reads a table's wrapped cells in."""
    return set(re.findall(r"\w+", normalise(text).replace("_", " ")))


def assert_forms_one_page_each(pages: list[str]) -> None:
    forms = form_labels()
    assert forms, "no handbook-form container in docs/"
    page_words = [words_of(page) for page in pages]
    for name, labels in forms.items():
        # The labels run from the grid's first row to the form's last line: one page holds them all.
        holding = [i for i, words in enumerate(page_words) if all(words_of(label) <= words for label in labels)]
        assert len(holding) == 1, (name, holding, labels)


def test_pdf_is_tagged_and_declares_pdf_ua_1(handbook):
    import pikepdf

    pdf = pikepdf.open(handbook.pdf)
    assert pdf.Root.MarkInfo.Marked is True
    assert "/StructTreeRoot" in pdf.Root
    assert str(pdf.Root.Lang) == "en-GB"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(pdf.docinfo.Title) == "Ketamine Therapy for Mood Disorders"
    with pdf.open_metadata() as xmp:
        assert xmp["pdfuaid:part"] == "1"
        assert xmp["dc:title"] == "Ketamine Therapy for Mood Disorders"


def structure(pdf) -> list:
    import pikepdf

    found, stack = [], [pdf.Root.StructTreeRoot.K]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(reversed(list(item)))
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
            found.append(item)
            if "/K" in item:
                stack.append(item.K)
    return found


def test_every_figure_has_alt_text_and_every_table_header_cells(handbook):
    import pikepdf

    pdf = pikepdf.open(handbook.pdf)
    elements = structure(pdf)
    figures = [e for e in elements if e.S == "/Figure"]
    # The drawn figures (not their slide forms, which only the decks show), the evidence chart, and one QR
    # code per chapter.
    svgs = [svg for svg in (PROJECT / "snippets").rglob("*.svg") if not svg.name.endswith(".slide.svg")]
    assert len(figures) >= len(svgs) + 1
    assert all(str(e.get("/Alt", "")).strip() for e in figures)
    tables = [e for e in elements if e.S == "/Table"]
    assert len(tables) >= 20
    for table in tables:
        assert any(e.S == "/TH" for e in structure_of(table)), "a table without header cells"


def structure_of(element) -> list:
    import pikepdf

    found, stack = [], [element.get("/K")]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(list(item))
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
            found.append(item)
            if "/K" in item:
                stack.append(item.K)
    return found


def test_every_chapter_title_glossary_references_and_index_are_in_the_text(handbook):
    text = normalise(" ".join(handbook.pdf_pages))
    for page in handbook.chapter_pages():
        if page.name == "index.html" and page.parent == handbook.html:
            continue
        h1 = normalise(handbook.soup(page).select_one("article h1").get_text().rstrip("#"))
        assert h1 in text, h1
    for heading in ("Contents", "List of Figures", "List of Tables", "Glossary", "References", "Index"):
        assert heading in text


def test_index_has_each_headword_once_with_pages_in_order(handbook):
    pages = handbook.pdf_pages
    # The index's first page (later pages start with "Index" too: the running head).
    start = min(i for i, page in enumerate(pages) if i > len(pages) // 2 and page.strip().startswith("Index"))
    index = " ".join(pages[start:])
    entries = re.findall(r"([A-Za-z][\w’'()/ -]*?), ((?:\d+, )*\d+)", index)
    assert len(entries) > 100
    heads = [name.strip() for name, _ in entries]
    lowered = [h.casefold() for h in heads]
    assert len(set(lowered)) > 0.9 * len(lowered)
    for name, numbers in entries:
        locators = [int(n) for n in numbers.split(", ")]
        assert locators == sorted(set(locators)), (name, locators)
    # Glossary terms and the text's own entries are one headword, written as the text writes it.
    assert "Abuse liability," not in index


# Headwords a reader looked up and did not find (reader notes, item 8), with what each must lead to.
LOOKED_UP = {
    "habit-forming": ["ketamine"],
    "addiction": ["ketamine"],
    "dependence": ["ketamine"],
    "Spravato": ["see esketamine"],
    "glutamate surge": [],
    "synthesis": ["of ketamine"],
    "CI-581": [],
    "CRPS": ["see complex regional pain syndrome"],
    "opioid antagonist": ["naltrexone"],
    "Williams 2018": ["naltrexone crossover trial"],
    "induction": ["of anaesthesia", "esketamine dosing"],
    "contraindications": ["in the labels, by region"],
    "FDA": ["see Food and Drug Administration"],
    "Food and Drug Administration": ["esketamine approval"],
    "Schedule III": ["esketamine"],
}


def test_looked_up_headwords_are_in_both_indexes_once(handbook):
    page = handbook.soup(handbook.html / "genindex.html")
    heads = {}
    for li in page.select("table.indextable td > ul > li"):
        heads.setdefault(" ".join(li.find(string=True).split()), []).append(" ".join(li.get_text(" ").split()))
    lowered = [h.casefold() for h in heads]
    # No two headwords differ only in case ("Naltrexone" from the glossary, "naltrexone" from the text).
    assert len(set(lowered)) == len(lowered), sorted(h for h in heads if lowered.count(h.casefold()) > 1)
    for head, wanted in LOOKED_UP.items():
        assert len(heads.get(head, [])) == 1, head
        for text in wanted:
            assert text in heads[head][0], (head, text)
    # Naltrexone leads to the mechanisms chapter and to the ketamine-in-care section.
    naltrexone = page.find(string=re.compile(r"^\s*naltrexone\s*$")).find_parent("li")
    targets = {a["href"].split("#")[0] for a in naltrexone.select("a")}
    assert {"part-1-foundations/mechanisms.html", "part-2-clinical-use/ketamine-in-care.html"} <= targets
    pages = handbook.pdf_pages
    start = min(i for i, text in enumerate(pages) if i > len(pages) // 2 and text.strip().startswith("Index"))
    index = normalise(" ".join(pages[start:]))
    for head in LOOKED_UP:
        assert len(re.findall(rf"(?<![\w-]){re.escape(head)}(?=[, ])", index)) >= 1, head
    assert "Spravato, see esketamine" in index and "CRPS, see complex regional pain syndrome" in index


def test_cross_references_carry_pages_without_nested_parentheses(handbook):
    text = normalise(" ".join(handbook.pdf_pages))
    assert len(re.findall(r", p\. \d+", text)) > 40
    assert not re.search(r"\([^()]*\([^()]*\bpage \d+\)\)", text)


def test_tables_and_figures_have_the_same_numbers_in_the_pdf_and_on_the_site(handbook):
    page = handbook.soup(handbook.html / "part-2-clinical-use" / "trd-evidence.html")
    table = page.select_one("table#evidence-table caption .caption-number").get_text(strip=True)
    figure = page.select_one("#evidence-figure .caption-number").get_text(strip=True)
    assert table == "Table 5.3" and figure == "Figure 5.1"
    text = normalise(" ".join(handbook.pdf_pages))
    assert "Table 5.3 Key trial results" in text
    assert "Figure 5.1 Response, remission and relapse of depression" in text


def test_each_chapter_opener_links_its_web_page(handbook):
    import pikepdf

    pdf = pikepdf.open(handbook.pdf)
    uris = {
        str(annot.A.URI)
        for page in pdf.pages
        for annot in page.get("/Annots", [])
        if annot.get("/A") is not None and "/URI" in annot.A
    }
    chapters = [p for p in (PROJECT / "docs").rglob("*.md") if p.name != "index.md" and p.parent.name != "back-matter"]
    for chapter in chapters:
        docname = chapter.relative_to(PROJECT / "docs").with_suffix("").as_posix()
        assert any(uri.endswith(f"/{docname}.html") for uri in uris), docname


def test_printable_forms_take_one_page_each(handbook):
    assert_forms_one_page_each(handbook.pdf_pages)


def test_a_shared_snippet_is_in_the_pdf(handbook):
    source = (PROJECT / "snippets" / "trd-evidence" / "key-points.md").read_text(encoding="utf-8")
    line = next(item[2:] for item in source.splitlines() if item.startswith("- ") and "{" not in item)
    assert normalise(re.sub(r"[*_`]", "", line)) in normalise(" ".join(handbook.pdf_pages))


def test_pdfua_finds_no_error_or_warning(handbook, tmp_path):
    import pdfua
    from pypdf import PdfWriter

    report = pdfua.validate(str(handbook.pdf))
    assert [str(f) for f in report.findings] == []
    assert report.exit_code == 0
    # The control: an untagged PDF fails the same check.
    blank = tmp_path / "untagged.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.write(blank)
    assert pdfua.validate(str(blank)).exit_code != 0


def test_reference_numbers_stand_apart_from_the_authors(handbook):
    """The reference list's number column holds "[999]" and a space: a three-digit label never runs into the name."""
    # The reference list's pages: from the first with its running head up to the index.
    pages = handbook.pdf_pages
    first = min(i for i, page in enumerate(pages) if page.strip().startswith("References"))
    end = next(i for i in range(first, len(pages)) if pages[i].strip().startswith("Index"))
    listing = " ".join(pages[first:end])
    entries = re.findall(r"\[(\d+)\](\s?)(?=[A-Z])", listing)
    numbers = {int(n) for n, _ in entries}
    assert max(numbers) >= 100, "no three-digit reference number: the test would prove nothing"
    assert [n for n, space in entries if not space] == []
