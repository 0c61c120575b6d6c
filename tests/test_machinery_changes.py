"""Editions and "What changed": a test repository with one edition and four changes, errors, determinism."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import BUILD_EPOCH, PROJECT, PYTHON, ROOTS

sys.path.insert(0, str(PROJECT))
from handbook_sphinx.changes import compare as comparing  # noqa: E402
from handbook_sphinx.changes.editions import EditionsError, load_editions  # noqa: E402
from handbook_sphinx.changes.text import abbreviate, sentences, word_diff  # noqa: E402

# Git with no user or system configuration, and fixed identities and dates.
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Editor",
    "GIT_AUTHOR_EMAIL": "editor@example.org",
    "GIT_COMMITTER_NAME": "Editor",
    "GIT_COMMITTER_EMAIL": "editor@example.org",
    "GIT_AUTHOR_DATE": "2026-05-01T12:00:00Z",
    "GIT_COMMITTER_DATE": "2026-05-01T12:00:00Z",
}
NEXT_EDITION = """
- version: 1.1.0
  date: unreleased
  summary: The second edition of the test handbook.
"""
# The four edits the issue names: a sentence of a passage, a number in the
# evidence data, a BibTeX field, a slide.
EVIDENCE_EDIT = ("ketamine_rate: 55.4", "ketamine_rate: 55.6")
BIB_EDIT = ("pages   = {2315--2325}", "pages   = {2315--2326}")
SLIDE_EDIT = ("Keep the list for later.", "Keep the list for the summary.")
PASSAGE_EDITS = {
    "screening/cautions": ("before the first dose and again", "before every dose and again"),
    "history/points": ("approved in 1970.", "approved in the United States in 1970."),
}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], env=GIT_ENV, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} should be in {path} once"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def repo(tmp_path) -> Path:
    """tests/roots/test-changes as a git repository: edition 1.0.0 committed, 1.1.0 open."""
    base = tmp_path / "roots"
    base.mkdir()
    shutil.copy2(ROOTS / "project_conf.py", base / "project_conf.py")
    repo = base / "repo"
    shutil.copytree(ROOTS / "test-changes", repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Edition 1.0.0")
    first = git(repo, "rev-parse", "HEAD")
    (repo / "editions.yaml").write_text(
        f"- version: 1.0.0\n  date: 2026-05-01\n  commit: {first}\n  summary: First edition.\n{NEXT_EDITION}",
        encoding="utf-8",
    )
    git(repo, "commit", "-q", "-am", "Open edition 1.1.0")
    return repo


def four_changes(repo: Path, passage: str) -> None:
    edit(repo / "snippets" / f"{passage}.md", *PASSAGE_EDITS[passage])
    edit(repo / "data" / "trials.yaml", *EVIDENCE_EDIT)
    edit(repo / "data" / "references.bib", *BIB_EDIT)
    edit(repo / "slides" / "part-1.md", *SLIDE_EDIT)


def run_changes(root: Path, *args: str, out: Path | None = None) -> subprocess.CompletedProcess:
    """What `make changes` runs, on ``root``."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "HANDBOOK_PROJECT": str(PROJECT)}
    env.pop("HANDBOOK_SITE_URL", None)
    command = [str(PYTHON if PYTHON.exists() else sys.executable), "-m", "handbook_sphinx.changes"]
    command += ["--root", str(root), "--out", str(out or root / "_build" / "changes"), *args]
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, check=False)


def items(stdout: str) -> list[str]:
    """The listing's item lines (not the summary, field details or the PDF line)."""
    return [line for line in stdout.splitlines() if line and not line.startswith(("Edition ", "    ", "PDF: "))]


def pdf_text(path: Path) -> str:
    """The PDF's text as a reader's copy and paste gives it (pdftotext), whitespace collapsed."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


# What readers must never see: a snippet's path, or the comparison's old stand-in for a shared passage.
MACHINERY = re.compile(r"snippets/|Shows |\b(?:screening/cautions|screening/interactions|history/points)\b")


def assert_no_machinery(text: str) -> None:
    found = MACHINERY.search(text)
    assert found is None, text[max(0, found.start() - 200) : found.end() + 200]


# -- The four changes ----------------------------------------------------------------------------


@pytest.mark.parametrize(("passage", "safety"), [("screening/cautions", True), ("history/points", False)])
def test_exactly_the_four_changes_are_listed(repo, passage, safety):
    four_changes(repo, passage)
    result = run_changes(repo)
    assert result.returncode == 0, result.stderr
    flag = "[safety] " if safety else ""
    assert items(result.stdout) == [
        f"{flag}passage changed: snippets/{passage}.md: 1 sentence changed",
        "evidence changed: beta2023-remission: 1 field changed",
        "reference changed: beta2023: 1 field changed",
        "slide changed: slides/part-1.md#1: 1 sentence changed",
    ]
    assert "    Beta 2023: Remission at week 3 · ketamine_rate: 55.4 → 55.6" in result.stdout.splitlines()
    assert "    Beta and Delta 2023 · pages: 2315–2325 → 2315–2326" in result.stdout.splitlines()
    assert result.stdout.splitlines()[0].startswith("Edition 1.1.0 (draft) compared with edition 1.0.0 of 1 May 2026.")

    pdf = repo / "_build" / "changes" / "changes-1.0.0-1.1.0.pdf"
    text = pdf_text(pdf)
    assert ("Safety-relevant (contraindications and cautions)" in text) is safety
    assert ("Safety-relevant changes" in text) is safety
    # The passage by what a reader sees, never by its file; the others one line each, named the same way.
    box = "Box: Cautions" if safety else "Box: Key points"
    lines = [
        "Beta 2023: Remission at week 3 (in The evidence): changed: Active arm (%)",
        "Beta and Delta 2023: changed: Pages",
        "Slide 2: Cautions: 1 sentence changed",
    ]
    if not safety:
        lines.append(f"{box} (in History): 1 sentence changed")
    for shown in (box, *lines, "Sign-off"):
        assert shown in text, shown
    assert_no_machinery(text)
    source = pdf.with_suffix(".typ").read_text(encoding="utf-8")
    # Every item links to its place in this edition: the section, the slide.
    assert 'link("http://localhost:8000/chapter.html#chapter-' in source
    assert 'link("http://localhost:8000/slides/part-1.html#/1")' in source
    # The safety-relevant change in full, the changed words marked on both sides; the others not in full.
    assert ('#was("the first")' in source and '#now("every")' in source) is safety
    assert "55.6" not in text and "Keep the list for the summary." not in text


NEW_TABLE = """```{list-table} Medicines that interact with ketamine
:header-rows: 1

* - Medicine
  - Action
* - Benzodiazepines
  - Check for other sedating drugs before each dose.
```
"""


def test_a_new_passage_in_a_safety_folder_is_flagged_and_a_review_date_listed(repo, tmp_path, soup):
    (repo / "snippets" / "screening" / "interactions.md").write_text(NEW_TABLE, encoding="utf-8")
    chapter = repo / "docs" / "chapter.md"
    edit(
        chapter,
        "```{snippet} screening/cautions\n```\n",
        "```{snippet} screening/cautions\n```\n\n```{snippet} screening/interactions\n```\n",
    )
    edit(chapter, "reviewed: 2026-05-01", "reviewed: 2026-06-01")
    result = run_changes(repo)
    assert result.returncode == 0, result.stderr
    assert items(result.stdout) == [
        "[safety] passage added: snippets/screening/interactions.md: added",
        "chapter changed: docs/chapter.md: 1 sentence added",
        "review changed: docs/chapter.md: 1 field changed",
    ]
    assert "    Review dates · reviewed: 1 May 2026 → 1 June 2026" in result.stdout.splitlines()
    text = pdf_text(repo / "_build" / "changes" / "changes-1.0.0-1.1.0.pdf")
    assert "Table: Medicines that interact with ketamine: new" in text
    assert "Benzodiazepines | Check for other sedating drugs before each dose." in text
    assert "Review dates: Last reviewed 1 May 2026 → 1 June 2026" in text
    assert_no_machinery(text)
    # On the site, the chapter's new sentence is the table, named by its title, in brackets.
    built = sphinx(repo, tmp_path / "html")
    assert built.returncode == 0 and "WARNING" not in built.stderr, built.stderr
    page = soup(tmp_path / "html" / "docs" / "what-changed.html")
    chapter = page.select_one("div.changes-chapter")
    assert [p.get_text(" ", strip=True) for p in chapter.select("p.changes-after")] == [
        "Added : [Table: Medicines that interact with ketamine]"
    ]
    assert_no_machinery(page.get_text(" "))


def test_the_words_that_differ_are_marked_and_the_earlier_text_shortened():
    old, new = word_diff(
        "At each session the nurse will measure blood pressure before the first dose and again at 40 minutes.",
        "At each session the nurse will measure blood pressure before every dose and again at 40 minutes.",
    )
    assert [s.text for s in new if s.marked] == ["every"]
    assert [s.text for s in old if s.marked] == ["the first"]
    shortened = "".join(s.text for s in abbreviate(old, window=3))
    assert shortened == "… blood pressure before the first dose and again …"


def test_sentences_split_where_a_reader_would():
    text = (
        "Trials used e.g. midazolam. The U.S. Food and Drug Administration approved it. Zarate et al. found 71%. Next."
    )
    assert sentences(text) == [
        "Trials used e.g. midazolam.",
        "The U.S. Food and Drug Administration approved it.",
        "Zarate et al. found 71%.",
        "Next.",
    ]


# -- Errors: one line, nothing stale -------------------------------------------------------------------


def test_an_unknown_from_is_one_line_and_leaves_nothing_behind(repo):
    out = repo / "_build" / "changes"
    out.mkdir(parents=True)
    (out / "changes-1.0.0-1.1.0.pdf").write_bytes(b"stale")
    result = run_changes(repo, "--from", "9.9.9")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("make changes: FROM=9.9.9 is neither an edition in editions.yaml")
    assert list(out.iterdir()) == []


def test_a_shallow_clone_is_one_line(repo, tmp_path):
    four_changes(repo, "screening/cautions")
    git(repo, "commit", "-q", "-am", "Four changes")
    shallow = tmp_path / "roots" / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)], env=GIT_ENV, check=True)
    result = run_changes(shallow)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "this clone is shallow" in result.stderr and "git fetch --unshallow" in result.stderr
    # make site asks for a note instead of an error: the page then says why.
    result = run_changes(shallow, "--if-history")
    assert result.returncode == 0
    assert result.stdout.startswith("make changes: skipped: this clone is shallow")
    assert list((shallow / "_build" / "changes").iterdir()) == []


def test_make_changes_with_an_unknown_from_stops_with_one_line(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "changes", "FROM=no-such-edition", f"BUILDDIR={tmp_path}"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    ours = [line for line in result.stderr.splitlines() if line.startswith("make changes:")]
    assert ours == [
        "make changes: FROM=no-such-edition is neither an edition in editions.yaml (earlier editions: 1.0.0) "
        "nor a commit in this repository"
    ]
    assert "Traceback" not in result.stderr


def test_a_safety_entry_that_matches_nothing_fails(repo):
    (repo / "data" / "safety-relevant.yaml").write_text(
        "- path: snippets/screening/\n  holds: cautions\n- path: snippets/interactions/\n  holds: interactions\n",
        encoding="utf-8",
    )
    result = run_changes(repo)
    assert result.returncode == 1
    assert result.stderr.startswith("make changes: data/safety-relevant.yaml:3: snippets/interactions/ matches no file")


# -- Determinism and the page -------------------------------------------------------------------------------


def sphinx(repo: Path, out: Path, tz: str = "UTC", builder: str = "html") -> subprocess.CompletedProcess:
    env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "TZ": tz, "PYTHONDONTWRITEBYTECODE": "1"}
    env["HANDBOOK_PROJECT"] = str(PROJECT)  # the root was copied out of the tree
    env.pop("HANDBOOK_SITE_URL", None)
    command = [str(PYTHON if PYTHON.exists() else sys.executable), "-m", "sphinx", "-W", "--keep-going", "-n"]
    command += ["-b", builder, "-d", str(out.parent / f".doctrees-{out.name}"), str(repo), str(out)]
    return subprocess.run(command, cwd=PROJECT, env=env, capture_output=True, text=True, check=False)


def test_two_runs_give_byte_identical_pages_and_pdfs(repo, tmp_path):
    four_changes(repo, "screening/cautions")
    first, second = tmp_path / "first", tmp_path / "second"
    assert run_changes(repo, out=first / "changes").returncode == 0
    assert run_changes(repo, out=second / "changes").returncode == 0
    for name in ("changes-1.0.0-1.1.0.pdf", "changes-1.0.0-1.1.0.typ"):
        assert (first / "changes" / name).read_bytes() == (second / "changes" / name).read_bytes()
    one = sphinx(repo, first / "html")
    two = sphinx(repo, second / "html", tz="Pacific/Auckland")
    assert one.returncode == 0 and "WARNING" not in one.stderr, one.stderr
    assert two.returncode == 0, two.stderr
    page = Path("docs") / "what-changed.html"
    assert (first / "html" / page).read_bytes() == (second / "html" / page).read_bytes()


def test_the_page_lists_the_changes_safety_first_with_links(repo, tmp_path, soup):
    four_changes(repo, "screening/cautions")
    result = sphinx(repo, tmp_path / "html")
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    page = soup(tmp_path / "html" / "docs" / "what-changed.html")
    sections = [h.get_text(strip=True).rstrip("¶#") for h in page.select("section section > h2")]
    assert sections == ["Safety-relevant changes", "Other changes"]
    # One section per chapter or deck, each chapter's changes in a fold: open if safety-relevant.
    chapters = [h.get_text(strip=True).rstrip("¶#") for h in page.select("section section section > h3")]
    assert chapters == [
        "Chapter 1: Screening",
        "Chapter 1: Screening",
        "Chapter 2: References",
        "Part I: Screening (training deck)",
    ]
    folds = page.select("section section section > details.changes-fold")
    assert [fold.has_attr("open") for fold in folds] == [True, False, False, False]
    assert folds[1].select_one("summary").get_text() == "1 change: about 1 minute to read"
    # The counts come first, per chapter, the chapter with safety-relevant changes at the top.
    rows = [
        [cell.get_text(strip=True) for cell in tr.select("td")] for tr in page.select("table.changes-overview tbody tr")
    ]
    assert rows == [
        ["Chapter 1: Screening", "1", "1", "1"],
        ["Chapter 2: References", "0", "1", "0"],
        ["Part I: Screening (training deck)", "0", "1", "1"],
        ["Total", "1", "3", "2"],
    ]
    safety = page.select_one("section#what-changed-safety")
    assert "Box: Cautions: 1 sentence changed" in safety.get_text(" ", strip=True)
    assert [s.get_text() for s in safety.select("p.changes-before strong")] == ["the first"]
    assert [s.get_text() for s in safety.select("p.changes-after strong")] == ["every"]
    # The earlier edition's words are marked as such (checks of current text skip them).
    assert safety.select("p.changes-before span.earlier-edition")
    hrefs = [a["href"] for a in page.select("a[href]")]
    assert "chapter.html#chapter-cautions" in hrefs
    assert "../slides/part-1.html#/1" in hrefs
    assert "../downloads/changes-1.0.0-1.1.0.pdf" in hrefs
    assert not page.select(".only-print")
    assert "Beta 2023: Remission at week 3: changed: Active arm (%)" in page.get_text(" ", strip=True)
    assert_no_machinery(page.get_text(" "))


def test_the_epub_gives_safety_changes_in_full_and_lists_the_rest(repo, tmp_path, soup):
    four_changes(repo, "screening/cautions")
    result = sphinx(repo, tmp_path / "epub", builder="epub")
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    page = soup(tmp_path / "epub" / "docs" / "what-changed.xhtml")
    # The safety-relevant change in full; the other three one line each; nothing folded.
    items = page.select("div.changes-item")
    assert len(items) == 1 and items[0].select("div.changes-detail")
    lines = [li.get_text(" ", strip=True) for li in page.select("ul.changes-lines > li")]
    assert lines == [
        "Beta 2023: Remission at week 3 (in The evidence): changed: Active arm (%)",
        "Beta and Delta 2023 : changed: Pages",
        "Slide 2: Cautions : 1 sentence changed",
    ]
    assert not page.select("details")
    assert not page.select("p.changes-download")
    note = page.select_one("p.changes-print-note.only-print")
    assert note is not None and "Every change is shown in full on the handbook’s website" in note.get_text()
    assert note.select_one("a")["href"] == "http://localhost:8000/docs/what-changed.html"
    # Deck links leave the book for the published site.
    assert "http://localhost:8000/slides/part-1.html#/1" in [a["href"] for a in page.select("a[href]")]
    assert_no_machinery(page.get_text(" "))


def test_an_edit_after_a_build_updates_the_page(repo, tmp_path, soup):
    out = tmp_path / "html"
    assert sphinx(repo, out).returncode == 0
    page = out / "docs" / "what-changed.html"
    assert "Nothing a reader sees has changed." in soup(page).get_text(" ", strip=True)
    edit(repo / "data" / "trials.yaml", *EVIDENCE_EDIT)
    assert sphinx(repo, out).returncode == 0
    assert "Beta 2023: Remission at week 3: changed: Active arm (%)" in soup(page).get_text(" ", strip=True)
    # A new file the page compares (a figure nothing shows yet) re-reads it too.
    shutil.copy2(ROOTS / "test-snippets" / "snippets" / "figures" / "diagram.svg", repo / "snippets" / "history")
    assert sphinx(repo, out).returncode == 0
    assert "Figure: a drawing without a title (the words in the drawing): new" in soup(page).get_text(" ", strip=True)


def test_a_copy_without_history_says_so_on_the_page_until_it_has_one(repo, tmp_path, soup):
    edit(repo / "data" / "trials.yaml", *EVIDENCE_EDIT)
    aside = tmp_path / "git-aside"
    shutil.move(repo / ".git", aside)
    out = tmp_path / "html"
    result = sphinx(repo, out)
    assert result.returncode == 0 and "WARNING" not in result.stderr, result.stderr
    page = out / "docs" / "what-changed.html"
    text = soup(page).get_text(" ", strip=True).replace("’", "'")
    assert "built without the project's full history, so it cannot show what changed since edition 1.0.0" in text
    # The history back, nothing else touched: the next build shows the comparison.
    shutil.move(aside, repo / ".git")
    assert sphinx(repo, out).returncode == 0
    assert "Beta 2023: Remission at week 3: changed: Active arm (%)" in soup(page).get_text(" ", strip=True)


# -- editions.yaml ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- version: 1.0\n  date: 2026-05-01\n  summary: x\n", "editions.yaml:1: version must be X.Y.Z, not '1.0'"),
        (
            "- version: 1.0.0\n  date: unreleased\n  summary: x\n- version: 1.1.0\n  date: unreleased\n  summary: y\n",
            "editions.yaml:1: 1.0.0: only the newest edition may be unreleased",
        ),
        (
            "- version: 1.0.0\n  date: 2026-05-01\n  summary: x\n- version: 1.1.0\n  date: unreleased\n  summary: y\n",
            "editions.yaml:1: 1.0.0: a released edition needs the commit it was built from",
        ),
        (
            "- version: 1.0.0\n  date: 2026-05-01\n  commit: b7471c2\n  summary: x\n",
            "editions.yaml:3: 1.0.0: commit must be",
        ),
        (
            "- version: 1.0.0\n  date: 2026-05-01\n  summary: x\n  status: draft\n",
            "editions.yaml:4: unknown field 'status'",
        ),
    ],
)
def test_a_bad_editions_file_names_its_line(tmp_path, text, message):
    path = tmp_path / "editions.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EditionsError) as caught:
        load_editions(path)
    assert str(caught.value).removeprefix(f"{tmp_path}/").startswith(message)


def test_the_version_every_output_prints_is_the_newest_edition():
    import tomllib

    editions = load_editions(PROJECT / "editions.yaml")
    pyproject = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["version"] == editions.current.version
    from conf_values import release

    assert release == editions.current.display
    assert editions.editions[0].version == "1.0.0"
    assert editions.editions[0].commit == "b7471c25ab76918099007256f8d22c9fd48aa6d4"


def test_each_edition_commit_is_in_the_history_and_matches_its_tag():
    editions = load_editions(PROJECT / "editions.yaml")
    for edition in editions.editions:
        if edition.commit is None:
            continue
        ancestor = subprocess.run(
            ["git", "-C", str(PROJECT), "merge-base", "--is-ancestor", edition.commit, "HEAD"], check=False
        )
        assert ancestor.returncode == 0, f"{edition.version}: {edition.commit} is not in this branch's history"
        tag = subprocess.run(
            ["git", "-C", str(PROJECT), "rev-parse", "--verify", "--quiet", f"refs/tags/v{edition.version}^{{commit}}"],
            capture_output=True,
            text=True,
            check=False,
        )
        if tag.returncode == 0:
            assert tag.stdout.strip() == edition.commit, f"tag v{edition.version} points elsewhere"


def test_the_safety_list_covers_todays_safety_content():
    rules = comparing.load_safety_rules((PROJECT / comparing.SAFETY_FILE).read_bytes())
    files = [p.relative_to(PROJECT).as_posix() for p in PROJECT.glob("*/**/*") if p.is_file()]
    assert comparing.stale_safety_rules(rules, files) == []
    covered = {path for path in files if any(rule.matches(path) for rule in rules)}
    for path in (
        "snippets/screening/label-contraindications-table.md",
        "snippets/screening/cautions-table.md",
        "snippets/treatment-session/bp-monitoring.md",
        "snippets/treatment-session/discharge.md",
        "snippets/esketamine/dosing.md",
        "snippets/esketamine/rems.md",
        "snippets/adverse-effects/key-points.md",
        "docs/appendices/screening-checklist.md",
        "docs/appendices/monitoring-record.md",
    ):
        assert path in covered, path
    # A new passage in a safety folder is covered without a new entry.
    assert any(rule.matches("snippets/screening/interactions.md") for rule in rules)


def test_quoted_earlier_text_leaves_out_authors_notes():
    """What changed quotes the earlier edition; an authors' note in it is never shown to readers."""
    from handbook_sphinx.changes.text import without_editorial_notes

    assert without_editorial_notes("Trial exclusion consensus caution (detail unverified).") == (
        "Trial exclusion consensus caution."
    )
    assert without_editorial_notes("The rate was 64% [not verified against the abstract].") == "The rate was 64%."
    assert without_editorial_notes("Detailed cautions remain unverified against the full text.") == ""
    assert without_editorial_notes("Blood pressure peaks at about 40 min (US label).") == (
        "Blood pressure peaks at about 40 min (US label)."
    )


def test_an_abbreviation_after_a_bracket_ends_no_sentence():
    from handbook_sphinx.changes.text import sentences

    assert sentences("Approved in 2019 (U.S. Food and Drug Administration 2019), then in the EU. Next.") == [
        "Approved in 2019 (U.S. Food and Drug Administration 2019), then in the EU.",
        "Next.",
    ]
