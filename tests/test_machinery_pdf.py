"""The PDF builder (handbook_sphinx/typst) on a small root: forms, numbering, references, index, QR codes, failures."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.usefixtures("machinery_env")

PDF_NAME = "ketamine-therapy-handbook.pdf"
SHORT_FORM = ["Short-form patient label", "Short field one", "Short field three", "Signed (name, role, date and time)"]
LONG_FORM = ["Long form: record of observations", "Long field 01", "Long field 22", "Signature block", "Photocopiable"]


def pdf_pages(pdf: Path) -> list[str]:
    """Each page's text, whitespace collapsed (pdftotext, as a reader's copy and paste sees it)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", " ", page) for page in text.split("\f")[:-1]]


def built(paper: str = "a4", **overrides):
    return pytest.mark.sphinx(
        "typst",
        testroot="pdf",
        srcdir=f"pdf-{paper}",
        freshenv=True,
        warningiserror=True,
        confoverrides={"typst_paper": paper, **overrides},
    )


@pytest.mark.parametrize("paper", [pytest.param(p, marks=built(p), id=p) for p in ("a4", "letter")])
def test_each_form_is_one_page_with_its_fields(app, warnings_of, paper):
    app.build()
    assert warnings_of(app) == []
    pages = pdf_pages(app.outdir / PDF_NAME)
    for labels in (SHORT_FORM, LONG_FORM):
        holding = [i for i, page in enumerate(pages) if any(label in page for label in labels)]
        assert len(holding) == 1, (paper, labels[0], holding)
        assert all(label in pages[holding[0]] for label in labels), (paper, labels)
    # The long form does not fit under its chapter's introduction: it starts a page of its own.
    long_page = next(i for i, page in enumerate(pages) if "Long field 01" in page)
    assert "An introduction to the long form" not in pages[long_page]
    assert "An introduction to the long form" in pages[long_page - 1]


@built()
def test_paper_size_is_the_configured_one(app):
    from pypdf import PdfReader

    app.build()
    box = PdfReader(app.outdir / PDF_NAME).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


@built("letter")
def test_letter_paper(app):
    from pypdf import PdfReader

    app.build()
    box = PdfReader(app.outdir / PDF_NAME).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


@built()
def test_tables_are_numbered_by_chapter_across_parts_in_the_pdf_and_the_site(app, make_app, soup):
    app.build()
    text = " ".join(pdf_pages(app.outdir / PDF_NAME))
    assert "Table 1.1 Doses used in the first trials" in text
    assert "Table 2.1 Routes of administration" in text
    assert "and Table 2.1 lists the routes" in text
    app.cleanup()
    html = make_app("html", srcdir=app.srcdir, freshenv=True, warningiserror=True)
    html.build()
    page = soup(html.outdir / "docs" / "part-two" / "chapter.html")
    caption = page.select_one("table#second-chapter-routes-table caption .caption-number")
    assert caption.get_text(strip=True) == "Table 2.1"
    first = soup(html.outdir / "docs" / "part-one" / "chapter.html")
    assert "Table 2.1" in first.select_one("a[href$='#second-chapter-routes-table']").get_text()


@built()
def test_cross_references_give_the_page_without_nested_parentheses(app):
    app.build()
    text = " ".join(pdf_pages(app.outdir / PDF_NAME))
    assert re.search(r"returns to doses \(The second chapter, p\. \d+\)", text)
    assert re.search(r"as the first chapter showed \(Doses, p\. \d+\)", text)
    assert not re.search(r"\([^()]*\([^()]*page", text)


@built()
def test_a_semicolon_after_italics_or_a_link_is_printed(app):
    # Typst takes a semicolon straight after an embedded expression ("#emph[dose];") as its end and drops it.
    app.build()
    text = " ".join(pdf_pages(app.outdir / PDF_NAME))
    assert "A dose; then its unit" in text
    assert re.search(r"and Doses, p\. \d+; then the table", text)


@built()
def test_hard_line_breaks_keep_a_quiz_option_on_each_line(app):
    # MyST's hard break (a line ending in "\\") is raw HTML and LaTeX; the PDF needs its own.
    app.build()
    lines = subprocess.run(
        ["pdftotext", str(app.outdir / PDF_NAME), "-"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert "a) A low one." in lines and "b) A high one" in lines and "c) None." in lines


@built()
def test_index_merges_entries_that_differ_only_in_case(app):
    app.build()
    pages = pdf_pages(app.outdir / PDF_NAME)
    index = pages[-1]
    assert index.count("dosing") == 1 and "Dosing" not in index
    assert re.search(r"dosing, \d+ by route, \d+ weight-based, \d+", index)


@built(html_baseurl="https://example.org/handbook/")
def test_each_chapter_opener_carries_a_qr_code_to_its_web_page(app):
    import pikepdf
    import segno

    app.build()
    urls = {
        "docs/part-one/chapter": "https://example.org/handbook/docs/part-one/chapter.html",
        "docs/part-two/chapter": "https://example.org/handbook/docs/part-two/chapter.html",
        "docs/appendices/short-form": "https://example.org/handbook/docs/appendices/short-form.html",
        "docs/appendices/long-form": "https://example.org/handbook/docs/appendices/long-form.html",
    }
    for docname, url in urls.items():
        drawn = (app.outdir / "qr" / (docname.replace("/", "--") + ".svg")).read_bytes()
        expected = segno.make(url, error="m", micro=False)
        assert expected.designator.endswith("-M")
        # The code the PDF shows is the one segno draws for exactly this URL.
        import io

        buffer = io.BytesIO()
        expected.save(buffer, kind="svg", scale=1, border=2, dark="#1F3A5F", xmldecl=False, svgns=True, nl=False)
        assert drawn == buffer.getvalue(), docname
    pdf = pikepdf.open(app.outdir / PDF_NAME)
    linked = {
        str(annot.A.URI)
        for page in pdf.pages
        for annot in page.get("/Annots", [])
        if annot.get("/A") is not None and annot.A.get("/URI") is not None
    }
    assert set(urls.values()) <= linked
    alts = [str(alt) for alt in figure_alts(pdf)]
    for url in urls.values():
        assert any(url in alt for alt in alts), url


def structure_elements(pdf):
    """Every element of the PDF's structure tree, depth first."""
    import pikepdf

    stack = [pdf.Root.StructTreeRoot.K]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Array):
            stack.extend(reversed(list(item)))
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
            yield item
            if "/K" in item:
                stack.append(item.K)


def figure_alts(pdf) -> list[str]:
    return [str(e.get("/Alt", "")) for e in structure_elements(pdf) if e.S == "/Figure"]


@built()
def test_pdf_is_tagged_pdf_ua_1(app):
    import pikepdf

    app.build()
    pdf = pikepdf.open(app.outdir / PDF_NAME)
    assert pdf.Root.MarkInfo.Marked is True
    assert "/StructTreeRoot" in pdf.Root
    assert str(pdf.Root.Lang) == "en-GB"
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    with pdf.open_metadata() as xmp:
        assert xmp["pdfuaid:part"] == "1"
        assert xmp["dc:title"] == "Ketamine Therapy for Mood Disorders"
    kinds = {str(e.S) for e in structure_elements(pdf)}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/Figure"} <= kinds
    assert all(alt.strip() for alt in figure_alts(pdf))


def test_two_builds_in_different_time_zones_are_byte_identical(rootdir, tmp_path):
    outputs = []
    for zone in ("UTC", "Pacific/Kiritimati"):
        out = tmp_path / zone.replace("/", "-")
        result = subprocess.run(
            [
                str(Path(".venv/bin/sphinx-build").resolve()),
                "-b",
                "typst",
                "-q",
                "-W",
                str(rootdir / "test-pdf"),
                str(out),
            ],
            env={"PATH": "/usr/bin:/bin", "TZ": zone, "SOURCE_DATE_EPOCH": "1780272000"},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        outputs.append((out / PDF_NAME).read_bytes())
    assert outputs[0] == outputs[1]


# Bad input: each fails the -W build with a warning at the author's file and line, and no PDF is written.
BAD = {
    "bad-alt": [
        "docs/index.md:8: WARNING: image 'docs/chart.svg' has no alt text",
        "snippets/figures/no-alt.md:3: WARNING: image 'snippets/figures/diagram.svg' has no alt text",
        "WARNING: the PDF was not written: 2 problem(s) in the book (reported above), 2 of them image(s) without "
        "alt text, which PDF/UA requires [handbook.typst]",
    ],
    "bad-image": [
        "docs/index.md:8: WARNING: image file not readable: docs/missing-chart.svg [image.not_readable]",
        "WARNING: the PDF was not written: 1 problem(s) in the book (reported above) [handbook.typst]",
    ],
    "bad-unknown-node": [
        "docs/index.md:8: WARNING: the PDF (Typst) builder has no rendering for the widget node: add a visit_widget "
        "method to handbook_sphinx/typst/translator.py or a typst visitor where the node is defined [handbook.typst]",
        "WARNING: the PDF was not written: 1 problem(s) in the book (reported above) [handbook.typst]",
    ],
}


@pytest.mark.parametrize("root", list(BAD))
def test_bad_input_fails_the_pdf_at_its_file_and_line(sphinx_cli, rootdir, root, tmp_path):
    result = sphinx_cli(root, builder="typst")
    assert result.returncode == 1, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    reported = result.stderr.replace(f"{rootdir / f'test-{root}'}/", "")
    for line in BAD[root]:
        assert line in reported, reported
    assert not list((tmp_path / "cli" / "typst").glob("*.pdf"))


def test_a_good_root_writes_the_pdf(sphinx_cli, tmp_path):
    """The control for the failures above: the same command on a correct root writes the PDF."""
    result = sphinx_cli("pdf", builder="typst")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "cli" / "typst" / PDF_NAME).read_bytes()[:5] == b"%PDF-"
    shutil.rmtree(tmp_path / "cli")
