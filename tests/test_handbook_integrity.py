"""Build integrity: reproducible outputs, nothing stale after a failure, paper sizes, EPUB validity."""

from __future__ import annotations

import filecmp
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from handbook_build import (
    DECK_DOWNLOADS,
    DECKS,
    EPUB_NAME,
    PDF_NAME,
    PROJECT,
    changes_pdf_name,
    normalise,
    pdf_pages,
    run_make,
)
from test_handbook_pdf import assert_forms_one_page_each

from handbook_sphinx.facts import load

pytestmark = pytest.mark.handbook


def different_files(left: Path, right: Path) -> list[str]:
    diffs: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        diffs.extend(f"{prefix}{name} (only one side)" for name in cmp.left_only + cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        diffs.extend(f"{prefix}{name}" for name in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(left, right), "")
    return diffs


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory) -> Path:
    """A throwaway copy of the project, for builds that break things on purpose."""
    root = tmp_path_factory.mktemp("project") / "handbook"
    root.mkdir()
    for part in load().build_inputs:  # handbook.toml; the venv is shared by symlink
        source = PROJECT / part
        if source.is_dir():
            shutil.copytree(source, root / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / part)
    (root / ".venv").symlink_to(PROJECT / ".venv")
    # Mark the venv as installed for this copy's Makefile (same pins).
    return root


def make_in(root: Path, builddir: Path, *targets: str) -> subprocess.CompletedProcess:
    env_epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=PROJECT, capture_output=True, text=True)
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            *targets,
            f"BUILDDIR={builddir}",
            f"SOURCE_DATE_EPOCH={env_epoch.stdout.strip() or 0}",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


# UTC+14: the build machine's date differs from UTC's for most of the day.
OTHER_TIME_ZONE = "Pacific/Kiritimati"


@pytest.fixture(scope="module")
def built_in_another_time_zone(handbook, tmp_path_factory) -> Path:
    """`make site` once more, into another folder, on a clock in another time zone."""
    second = tmp_path_factory.mktemp("elsewhere") / "_build"
    result = run_make(second, "site", extra_env={"TZ": OTHER_TIME_ZONE, "HANDBOOK_SITE_URL": handbook.site_url})
    assert result.returncode == 0, result.stderr[-3000:]
    return second


# Every published output, byte for byte: the PDF (Typst), the deck PDFs
# (Chromium, then pikepdf), the PowerPoint files, the committee's PDF, and
# the site that holds them all. No file is exempt.
@pytest.mark.parametrize("output", ["html", "epub", "pdf", "slides", "slides-pdf", "slides-pptx", "changes", "site"])
def test_a_build_in_another_time_zone_is_byte_identical(handbook, built_in_another_time_zone, output):
    first, second = handbook.builddir / output, built_in_another_time_zone / output
    assert list(first.iterdir()), f"{output}: nothing was built"
    assert different_files(first, second) == []


def test_a_failed_build_leaves_no_stale_output(project_copy, tmp_path):
    builddir = tmp_path / "_build"
    good = make_in(project_copy, builddir, "site")
    assert good.returncode == 0, good.stderr[-3000:]
    assert (builddir / "html" / "index.html").is_file() and (builddir / "pdf" / PDF_NAME).is_file()
    assert (builddir / "site" / "index.html").is_file()

    chapter = project_copy / "docs" / "part-1-foundations" / "history.md"
    original = chapter.read_text(encoding="utf-8")
    chapter.write_text(original + "\nSee {ref}`no-such-section`.\n", encoding="utf-8")
    try:
        html = make_in(project_copy, builddir, "html")
        assert html.returncode != 0
        assert "no-such-section" in html.stderr
        assert not (builddir / "html").exists()
        pdf = make_in(project_copy, builddir, "pdf")
        assert pdf.returncode != 0
        assert not (builddir / "pdf" / PDF_NAME).exists()
        site = make_in(project_copy, builddir, "site")
        assert site.returncode != 0
        assert not (builddir / "site").exists() and not (builddir / ".site.tmp").exists()
    finally:
        chapter.write_text(original, encoding="utf-8")


CHAPTER = "docs/part-1-foundations/history.md"
MISSING_SNIPPET = "\n```{snippet} history/not-there\n```\n"


def _bad_review_date(text: str) -> str:
    return re.sub(r"^reviewed: .*$", "reviewed: 2026-13-40", text, count=1, flags=re.M)


@pytest.mark.parametrize(
    ("target", "source", "breakage", "reported"),
    [
        ("html", CHAPTER, lambda text: text + MISSING_SNIPPET, "history/not-there"),
        ("html", CHAPTER, _bad_review_date, "2026-13-40"),
        ("epub", CHAPTER, lambda text: text + MISSING_SNIPPET, "history/not-there"),
        ("pdf", CHAPTER, lambda text: text + MISSING_SNIPPET, "history/not-there"),
        ("slides", "slides/part-1-foundations.md", lambda text: text + MISSING_SNIPPET, "history/not-there"),
    ],
    ids=["html-snippet", "html-date", "epub", "pdf", "slides"],
)
def test_a_failed_build_fails_again_when_run_unchanged(project_copy, tmp_path, target, source, breakage, reported):
    """A read-time warning is not remembered as "read": the second run reports it and fails too."""
    builddir = tmp_path / "_build"
    path = project_copy / source
    original = path.read_text(encoding="utf-8")
    path.write_text(breakage(original), encoding="utf-8")
    try:
        for attempt in ("first", "second"):
            result = make_in(project_copy, builddir, target)
            assert result.returncode != 0, f"{attempt} make {target} passed:\n{result.stderr[-2000:]}"
            assert reported in result.stderr, f"{attempt} make {target}:\n{result.stderr[-2000:]}"
    finally:
        path.write_text(original, encoding="utf-8")


def test_changing_one_number_in_the_evidence_data_changes_every_output(project_copy, tmp_path):
    data = project_copy / "data" / "trials.yaml"
    original = data.read_text(encoding="utf-8")
    rate = re.search(r"^(\s*ketamine_rate:\s*)(\d+(?:\.\d+)?)\s*$", original, re.M)
    new_value = "97.3"
    data.write_text(original[: rate.start(2)] + new_value + original[rate.end(2) :], encoding="utf-8")
    try:
        builddir = tmp_path / "_build"
        result = make_in(project_copy, builddir, "slides")
        assert result.returncode == 0, result.stderr[-3000:]
        pdf = make_in(project_copy, builddir, "pdf")
        assert pdf.returncode == 0, pdf.stderr[-3000:]
        page = (builddir / "html" / "part-2-clinical-use" / "trd-evidence.html").read_text(encoding="utf-8")
        deck = (builddir / "slides" / "part-2-clinical-use.html").read_text(encoding="utf-8")
        for output in (page, deck):
            assert f"{new_value} %" in output
        assert f"{new_value} %" in normalise(" ".join(pdf_pages(builddir / "pdf" / PDF_NAME)))
        svgs = list((builddir / "html" / "_images").glob("evidence-figure-*.svg"))
        assert svgs and any(new_value in svg.read_text(encoding="utf-8") for svg in svgs)
    finally:
        data.write_text(original, encoding="utf-8")


def test_letter_paper_changes_the_page_size(handbook, project_copy, tmp_path):
    from pypdf import PdfReader

    a4 = handbook.pdf_reader.pages[0].mediabox
    assert (round(float(a4.width)), round(float(a4.height))) == (595, 842)
    builddir = tmp_path / "_build"
    result = subprocess.run(
        ["make", "--no-print-directory", "pdf", f"BUILDDIR={builddir}", "PAPER=letter"],
        cwd=project_copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    letter = PdfReader(str(builddir / "pdf" / PDF_NAME)).pages[0].mediabox
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)
    # The printable forms still fit one page each on the shorter paper.
    assert_forms_one_page_each(pdf_pages(builddir / "pdf" / PDF_NAME))


def test_epub_is_valid(handbook):
    epub = next((handbook.builddir / "epub").glob("*.epub"))
    # Debian ships epubcheck as an executable jar without binfmt support here.
    result = subprocess.run(
        ["java", "-jar", shutil.which("epubcheck"), str(epub)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "No errors or warnings detected" in result.stdout + result.stderr


def test_a_parallel_build_of_the_handbook_is_clean_and_the_same(handbook, tmp_path):
    """Every extension says it is parallel-safe: sphinx-build -j 2 -W reads the real docs/ in two processes
    (Sphinx reads in parallel above five documents; the test roots never reach that) and writes the same HTML."""
    env = {**os.environ, "HANDBOOK_SITE_URL": handbook.site_url}
    result = subprocess.run(
        [
            str(PROJECT / ".venv/bin/sphinx-build"),
            "-j",
            "2",
            "-b",
            "html",
            "-c",
            ".",
            "-n",
            "-W",
            "--keep-going",
            "-q",
            "-d",
            str(tmp_path / "doctrees"),
            "docs",
            str(tmp_path / "html"),
        ],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert different_files(handbook.html, tmp_path / "html") == []


def test_the_site_without_deck_pdfs_links_only_what_it_holds(handbook, tmp_path):
    """`make site DECK_PDFS=0`, as Read the Docs builds it (no Chromium): no deck PDFs, no links to them."""
    builddir = tmp_path / "_build"
    result = run_make(builddir, "site", "DECK_PDFS=0", extra_env={"HANDBOOK_SITE_URL": handbook.site_url})
    assert result.returncode == 0, result.stderr[-3000:]
    site = builddir / "site"
    powerpoint = [
        download.file(deck) for deck in DECKS for download in DECK_DOWNLOADS if download.target == "slides-pptx"
    ]
    downloads = {path.name for path in (site / "downloads").iterdir()}
    assert downloads - {changes_pdf_name()} == {
        EPUB_NAME,
        PDF_NAME,
        *powerpoint,
    }
    assert not (builddir / "slides-pdf").exists()
    home = handbook.soup(site / "index.html").select_one("div.site-downloads")
    hrefs = {a["href"] for a in home.select("a")}
    assert hrefs == {f"slides/{deck}.html" for deck in DECKS} | {
        f"downloads/{name}" for name in (PDF_NAME, EPUB_NAME, *powerpoint)
    }
    from check_site_links import check_site

    assert check_site(site, handbook.site_url) == []
