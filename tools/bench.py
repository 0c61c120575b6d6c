"""Build-speed benchmark: every target, incremental builds, scaling and floors, in one run.

``make bench`` runs this script. Everything is measured in ONE run on the
same machine, so that ratios between measurements stay meaningful when the
machine is busy; absolute seconds are not comparable between runs.

It works only in scratch copies under ``<BUILDDIR>/bench/work/`` and never
touches the real sources; it removes the scratch build outputs at the end and
keeps each run's log in ``work/logs/``. Each measurement is repeated (``--runs``, default
3) and reported as min and median of the wall time, with the peak resident
memory of the largest single process (``os.wait4`` on each child: Linux
reports the maximum over the child and the descendants it waited for, so a
``make`` that runs ``sphinx-build`` reports the larger of the two).

Measured:

- cold builds of ``make html``, ``pdf``, ``epub``, ``slides``,
  ``slides-pdf`` and ``all`` (``-j2``) in a fresh build folder each run;
- incremental builds: a no-op ``make html``; an edit to one chapter's body;
  an edit to one shared snippet (handbook and decks), with the documents
  each re-read, parsed from Sphinx's "reading sources" lines; a no-op deck
  rebuild; a no-op ``make pdf``;
- the PDF (Typst): pages, seconds per page, and the share of Typst's
  compilation versus Sphinx (reading, assembling, writing main.typ);
- ``make all`` as the Makefile has it, with a timeline of what it started
  when, and the same with the PDF started first (a scratch Makefile);
- scaling: synthetic handbooks of 10, 40 and 160 chapters made from the
  real chapters by repetition with renamed labels and snippets, built with
  the handbook's theme, with the stock navigation
  (``handbook_cached_navigation = False``) and with plain alabaster;
- a floor: the same sources parsed to doctrees by myst-parser alone.

Writes ``<BUILDDIR>/bench/bench.md`` (the table, also printed) and
``bench.json``. Speed targets live here, never in ``make test``.

It also writes a cProfile of the largest handbook HTML build to
``<BUILDDIR>/bench/profile-html-<chapters>.txt`` (not with ``--quick``).

usage: python tools/bench.py [--runs N] [--quick] [--no-profile] [--builddir DIR] [--only SECTION ...]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What a scratch copy needs to build every output the way the Makefile does.
PROJECT_FILES = ("Makefile", "conf.py", "pyproject.toml", "editions.yaml")
# Copied when present: what `make all`'s dependency targets check.
OPTIONAL_FILES = ("package.json", "package-lock.json")
# Linked, not copied: installed once by `make all` in the real tree.
LINKED_DIRS = ("node_modules",)
PROJECT_DIRS = ("docs", "snippets", "slides", "data", "theme", "handbook_sphinx", "tools")
PDFNAME = "ketamine-therapy-handbook"
COLD_TARGETS = ("html", "pdf", "epub", "slides", "slides-pdf", "all")
# The Makefile's options without -q: the "reading sources" lines are how
# re-read documents are counted.
SPHINXOPTS = "-n -W --keep-going"
SECTIONS = ("cold", "incremental", "scaling")
# Chapters per part in the synthetic handbooks, about the real parts' size.
PART_SIZE = 5

# Targets: the limit of each ratio, as the issue states them.
LIMIT_MARGINAL = 1.3
LIMIT_THEME = 1.3
LIMIT_EDIT = 1.5
LIMIT_DECK_NOOP = 1.5
LIMIT_ALL = 1.3
# The PDF (Typst) against the HTML site, both cold, as issue 17 states it.
LIMIT_PDF_HTML = 1.5


# -- Running and timing one subprocess ---------------------------------------


@dataclasses.dataclass
class Sample:
    """One timed subprocess."""

    wall: float
    cpu: float
    max_rss_mb: float
    returncode: int
    lines: list[tuple[float, str]]

    @property
    def text(self) -> str:
        return "\n".join(line for _, line in self.lines)


def run(command: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> Sample:
    """Run ``command`` to completion; wall time, CPU time and peak RSS of its largest process."""
    log.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    )
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append((time.perf_counter() - start, line.rstrip("\n")))
    # wait4, not Popen.wait: it returns this child's own resource usage.
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    process.stdout.close()
    log.write_text(
        f"$ {' '.join(command)}\n# cwd {cwd}\n"
        + "\n".join(f"[{t:8.3f}] {line}" for t, line in lines)
        + f"\n# exit {process.returncode}, {wall:.3f} s\n",
        encoding="utf-8",
    )
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,  # KiB on Linux
        returncode=process.returncode,
        lines=lines,
    )


def checked(sample: Sample, what: str, log: Path) -> Sample:
    if sample.returncode != 0:
        tail = "\n".join(line for _, line in sample.lines[-30:])
        raise SystemExit(f"bench: {what} failed (exit {sample.returncode}); log: {log}\n{tail}")
    return sample


@dataclasses.dataclass
class Measurement:
    """Several samples of the same thing."""

    name: str
    samples: list[Sample] = dataclasses.field(default_factory=list)
    extra: dict = dataclasses.field(default_factory=dict)

    @property
    def walls(self) -> list[float]:
        return [s.wall for s in self.samples]

    @property
    def min(self) -> float:
        return min(self.walls)

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def max_rss_mb(self) -> float:
        return max(s.max_rss_mb for s in self.samples)

    @property
    def cpu_median(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "wall_s": [round(w, 3) for w in self.walls],
            "min_s": round(self.min, 3),
            "median_s": round(self.median, 3),
            "cpu_median_s": round(self.cpu_median, 3),
            "max_rss_mb": round(self.max_rss_mb, 1),
            **self.extra,
        }


# -- What Sphinx says it read -------------------------------------------------

READING = re.compile(r"^reading sources\.\.\. \[\s*\d+%\] (?P<doc>\S+)")
BUILDER = re.compile(r"^building \[(?P<builder>[\w-]+)\]")
RUNNING_SPHINX = re.compile(r"^Running Sphinx v")


def documents_read(sample: Sample) -> dict[str, list[str]]:
    """builder name → the documents that sphinx-build run re-read, for each sphinx-build in the output."""
    read: dict[str, list[str]] = {}
    builder = None
    current: list[str] = []
    for _, line in sample.lines:
        if RUNNING_SPHINX.match(line):
            builder, current = None, []
        elif match := BUILDER.match(line):
            if match["builder"] != "mo":
                builder = match["builder"]
                current = read.setdefault(builder, [])
        elif (match := READING.match(line)) and builder is not None:
            current.append(match["doc"])
    return {name: sorted(set(docs)) for name, docs in read.items()}


# -- Scratch copies -------------------------------------------------------------


def fresh_copy(source: Path, destination: Path, directories) -> None:
    """``destination`` emptied, then the project's top files and ``directories`` copied from ``source``.

    File times are kept, so make sees the venv as current."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "_build", ".*")
    for name in PROJECT_FILES:
        shutil.copy2(source / name, destination / name)
    for name in directories:
        shutil.copytree(source / name, destination / name, ignore=ignore)


def copy_project(destination: Path) -> Path:
    """A scratch copy of everything a build reads."""
    fresh_copy(ROOT, destination, PROJECT_DIRS)
    for name in OPTIONAL_FILES:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, destination / name)
    for name in LINKED_DIRS:
        if (ROOT / name).exists():
            (destination / name).symlink_to(ROOT / name)
    return destination


BENCH_CONF = """

# -- Benchmark variants: appended by tools/bench.py to this scratch copy only --
import os as _bench_os  # noqa: E402

if _bench_os.environ.get("HANDBOOK_BENCH_THEME") == "alabaster":
    # The plain theme with its own defaults: the book theme's options are unknown to it.
    html_theme = "alabaster"
    html_theme_options = {}
"""


class Workspace:
    """The scratch folders of one benchmark run and how to run make in them."""

    def __init__(self, base: Path, venv: Path, source_date_epoch: str):
        self.base = base
        self.venv = venv
        self.logs = base / "logs"
        self.env = {
            **os.environ,
            "SOURCE_DATE_EPOCH": source_date_epoch,
            # Sphinx's own lines arrive in order, with their time.
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "BUILDDIR", "SPHINXOPTS", "O"):
            self.env.pop(name, None)
        self._log_count = 0

    def log(self, what: str) -> Path:
        self._log_count += 1
        slug = re.sub(r"[^\w.-]+", "-", what)
        return self.logs / f"{self._log_count:03d}-{slug}.log"

    def make(
        self, project: Path, target: str, builddir: Path, *, extra: tuple[str, ...] = (), env: dict | None = None
    ) -> tuple[Sample, Path]:
        command = [
            "make",
            "--no-print-directory",
            "-C",
            str(project),
            target,
            f"BUILDDIR={builddir}",
            f"VENV={self.venv}",
            f"SPHINXOPTS={SPHINXOPTS}",
            # The venv is installed already (make bench depends on python-deps).
            "-o",
            f"{self.venv}/.installed",
            *extra,
        ]
        log = self.log(f"{project.name}-{target}")
        sample = run(command, cwd=project, env={**self.env, **(env or {})}, log=log)
        return checked(sample, f"make {target} in {project}", log), log

    def python(self, args: list[str], what: str, cwd: Path) -> Sample:
        log = self.log(what)
        return checked(run([str(self.venv / "bin" / "python"), *args], cwd=cwd, env=self.env, log=log), what, log)


# -- Synthetic handbooks ------------------------------------------------------------

TOCTREE_START = re.compile(r"^(`{3,}|:{3,})\{toctree\}")
FENCE_END = re.compile(r"^(`{3,}|:{3,})\s*$")
LABEL_DEFINITION = re.compile(r"^\((?P<label>[\w-]+)\)=[ \t]*$", re.M)
NAME_OPTION = re.compile(r"^(?P<lead>:name:[ \t]+)(?P<label>[\w-]+)[ \t]*$", re.M)
REFERENCE_ROLE = re.compile(r"\{(?P<role>ref|numref)\}`(?P<body>[^`]*)`")
SNIPPET_USE = re.compile(r"^(?P<lead>(?:`{3,}|:{3,})\{snippet\}[ \t]+)(?P<folder>[\w-]+)/", re.M)
# Directives whose label is fixed, so only one copy of a chapter may show them.
FIXED_LABEL_BLOCK = re.compile(r"^(`{3,})\{evidence-(?:table|figure)\}[^\n]*\n\1[ \t]*$", re.M)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def toctree_entries(index: Path) -> list[str]:
    entries, inside = [], False
    for line in index.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if TOCTREE_START.match(stripped):
            inside = True
        elif inside and FENCE_END.match(stripped):
            inside = False
        elif inside and stripped and not stripped.startswith(":"):
            entries.append(stripped)
    return entries


def real_chapters(docs: Path) -> list[Path]:
    """The handbook's chapters in reading order; the back matter (glossary, references) is shared, not a chapter."""
    chapters = []
    for part in toctree_entries(docs / "index.md"):
        folder = part.split("/")[0]
        if folder == "back-matter":
            continue
        chapters += [docs / folder / f"{entry}.md" for entry in toctree_entries(docs / folder / "index.md")]
    return chapters


@dataclasses.dataclass(frozen=True)
class Copy:
    chapter: str  # the real chapter's name, which prefixes its labels and names its snippet folder
    number: int  # 0 keeps the real names

    @property
    def name(self) -> str:
        return self.chapter if self.number == 0 else f"{self.chapter}-copy{self.number}"


def make_synthetic_handbook(source: Path, destination: Path, chapters: int) -> Path:
    """A scratch project whose handbook has ``chapters`` chapters, repeated from the real ones.

    Copy k of a chapter renames its labels and its snippet folder with
    ``-copyk``; references follow the copy of their target in the same
    round, or the first copy, and become plain text when that chapter is
    not in the book, so the synthetic book builds without a warning.
    """
    fresh_copy(source, destination, ("data", "theme", "handbook_sphinx", "tools"))
    with (destination / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(BENCH_CONF)
    (destination / "slides").mkdir()

    docs = source / "docs"
    pool = real_chapters(docs)
    names = [path.stem for path in pool]
    # Longest first: "screening-checklist-x" belongs to screening-checklist, not screening.
    by_length = sorted(names, key=len, reverse=True)
    copies = [Copy(names[i % len(names)], i // len(names)) for i in range(chapters)]
    present = {(c.chapter, c.number) for c in copies}

    def owner(label: str) -> str | None:
        return next((name for name in by_length if label == name or label.startswith(name + "-")), None)

    def defined_labels(chapter_path: Path) -> set[str]:
        texts = [chapter_path.read_text(encoding="utf-8")]
        folder = source / "snippets" / chapter_path.stem
        texts += [p.read_text(encoding="utf-8") for p in folder.rglob("*.md")] if folder.is_dir() else []
        return {
            m["label"] for text in texts for pattern in (LABEL_DEFINITION, NAME_OPTION) for m in pattern.finditer(text)
        }

    real_labels = {path.stem: defined_labels(path) for path in pool}
    shared = ["back-matter/index", "back-matter/glossary", "back-matter/references", "back-matter/what-changed"]
    part_count = -(-chapters // PART_SIZE)
    labels = {"home", "back-matter", "glossary", "references", "what-changed"}
    labels |= {f"part-{i + 1}" for i in range(part_count)}
    for copy in copies:
        labels |= {rename(label, copy) for label in real_labels[copy.chapter]}

    def retarget(label: str, number: int) -> str | None:
        """Where a reference written in copy ``number`` points in the synthetic book (None: nowhere)."""
        chapter = owner(label)
        if chapter is not None and label in real_labels.get(chapter, ()):
            for candidate in (number, 0):
                if (chapter, candidate) in present:
                    return rename(label, Copy(chapter, candidate))
            return None
        return label if label in labels else None

    def rewrite(text: str, copy: Copy) -> str:
        def reference(match: re.Match) -> str:
            body = match["body"]
            explicit = re.fullmatch(r"(?P<title>.*?)\s*<(?P<label>[^<>]+)>", body, re.S)
            title, label = (explicit["title"], explicit["label"]) if explicit else (None, body)
            target = retarget(label.strip(), copy.number)
            if target is None:
                return (title or label).replace("%s", "1")
            return f"{{{match['role']}}}`{title} <{target}>`" if explicit else f"{{{match['role']}}}`{target}`"

        text = LABEL_DEFINITION.sub(lambda m: f"({rename(m['label'], copy)})=", text)
        text = NAME_OPTION.sub(lambda m: m["lead"] + rename(m["label"], copy), text)
        text = REFERENCE_ROLE.sub(reference, text)
        text = SNIPPET_USE.sub(
            lambda m: m["lead"] + (copy.name if m["folder"] == copy.chapter else m["folder"]) + "/", text
        )
        if copy.number:
            text = FIXED_LABEL_BLOCK.sub("The evidence data are drawn in the first copy of this chapter.", text)
        return text

    target_docs = destination / "docs"
    front_matter = FRONT_MATTER.match((docs / "index.md").read_text(encoding="utf-8"))[0]
    part_entries = []
    for part in range(part_count):
        folder = f"part-{part + 1:03d}"
        members = copies[part * PART_SIZE : (part + 1) * PART_SIZE]
        part_entries.append(f"{folder}/index")
        (target_docs / folder).mkdir(parents=True)
        toctree = "\n".join(member.name for member in members)
        (target_docs / folder / "index.md").write_text(
            f"{front_matter}\n(part-{part + 1})=\n# Part {part + 1}\n\nChapters repeated from the handbook.\n\n"
            f"```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n",
            encoding="utf-8",
        )
        for member in members:
            chapter_path = next(path for path in pool if path.stem == member.chapter)
            (target_docs / folder / f"{member.name}.md").write_text(
                rewrite(chapter_path.read_text(encoding="utf-8"), member), encoding="utf-8"
            )
            snippets = source / "snippets" / member.chapter
            if snippets.is_dir():
                shutil.copytree(snippets, destination / "snippets" / member.name)
                for snippet in (destination / "snippets" / member.name).rglob("*.md"):
                    snippet.write_text(rewrite(snippet.read_text(encoding="utf-8"), member), encoding="utf-8")
    (destination / "snippets").mkdir(exist_ok=True)
    for doc in shared:
        (target_docs / doc).parent.mkdir(parents=True, exist_ok=True)
        text = (docs / f"{doc}.md").read_text(encoding="utf-8")
        (target_docs / f"{doc}.md").write_text(rewrite(text, Copy("", 0)), encoding="utf-8")
    entries = "\n".join([*part_entries, "back-matter/index"])
    (target_docs / "index.md").write_text(
        f"{front_matter}\n(home)=\n# Synthetic handbook of {chapters} chapters\n\n"
        f"```{{toctree}}\n:maxdepth: 2\n:caption: Contents\n\n{entries}\n```\n",
        encoding="utf-8",
    )
    return destination


def rename(label: str, copy: Copy) -> str:
    if copy.number == 0 or not (label == copy.chapter or label.startswith(copy.chapter + "-")):
        return label
    return copy.name + label[len(copy.chapter) :]


# -- The myst-parser floor ------------------------------------------------------


def parse_only(docs: Path) -> int:
    """Parse every Markdown source under ``docs`` to a doctree with myst-parser and docutils, no Sphinx."""
    from docutils.core import publish_doctree
    from myst_parser.parsers.docutils_ import Parser

    settings = {
        "report_level": 5,
        "halt_level": 5,
        "warning_stream": False,
        "myst_enable_extensions": ["colon_fence", "deflist", "fieldlist"],
    }
    parser = Parser()
    count = 0
    for source in sorted(docs.rglob("*.md")):
        publish_doctree(
            source.read_text(encoding="utf-8"), source_path=str(source), parser=parser, settings_overrides=settings
        )
        count += 1
    print(f"parsed {count} documents")
    return 0


# -- Measurements ---------------------------------------------------------------

TYPST_START = re.compile(r"^writing main\.typ")
TYPST_DONE = re.compile(r"^compiling the PDF with Typst")


def pdf_phases(sample: Sample) -> dict:
    """Seconds in Sphinx (to main.typ) and in Typst's compilation, from one ``make pdf``'s timed lines.

    Sphinx prints "writing main.typ... done" when main.typ is written, and
    "compiling the PDF with Typst... PDF written" when the PDF is.
    """
    start = next((t for t, line in sample.lines if TYPST_START.match(line)), None)
    done = next((t for t, line in sample.lines if TYPST_DONE.match(line)), None)
    typst_s = (done - start) if start is not None and done is not None else float("nan")
    sphinx_s = start if start is not None else float("nan")
    return {"sphinx_s": round(sphinx_s, 3), "typst_s": round(typst_s, 3)}


# What `make all` starts, in the order it starts them: the evidence for its wall time.
TIMELINE_EVENTS = (
    (re.compile(r"sphinx-build -b html "), "html"),
    (re.compile(r"sphinx-build -b epub "), "epub"),
    (re.compile(r"sphinx-build -b typst "), "pdf"),
    (re.compile(r"sphinx-build -b revealjs "), "decks"),
    (re.compile(r"tools/deck_pdf\.py "), "deck PDFs"),
    (re.compile(r"^PDF: "), "PDF done"),
)


def timeline(sample: Sample) -> list[tuple[float, str]]:
    events = []
    for t, line in sample.lines:
        events += [(round(t, 1), name) for pattern, name in TIMELINE_EVENTS if pattern.search(line)]
    return [*events, (round(sample.wall, 1), "done")]


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(path).pages)


def round_robin(runs: int, jobs: dict) -> dict[str, Measurement]:
    """Run each job ``runs`` times, interleaved, so that a busy spell hits every job alike."""
    results = {name: Measurement(name) for name in jobs}
    for run_number in range(runs):
        for name, job in jobs.items():
            sample = job(run_number)
            results[name].samples.append(sample)
            print(f"  {name:<34} run {run_number + 1}/{runs}: {sample.wall:7.2f} s", flush=True)
    return results


def measure_cold(ws: Workspace, project: Path, runs: int) -> dict[str, Measurement]:
    print("cold builds", flush=True)
    pdf_details: list[dict] = []

    def cold(target: str):
        def job(run_number: int) -> Sample:
            builddir = ws.base / "cold" / target
            shutil.rmtree(builddir, ignore_errors=True)
            sample, _ = ws.make(project, target, builddir)
            if target == "pdf":
                pdf_details.append({**pdf_phases(sample), "pages": pdf_pages(builddir / "pdf" / f"{PDFNAME}.pdf")})
            return sample

        return job

    jobs = {target: cold(target) for target in COLD_TARGETS}
    pdf_first = pdf_first_project(project)
    if pdf_first is not None:

        def proposed(run_number: int) -> Sample:
            builddir = ws.base / "cold" / "all-pdf-first"
            shutil.rmtree(builddir, ignore_errors=True)
            return ws.make(pdf_first, "all", builddir)[0]

        jobs[PDF_FIRST] = proposed
    results = round_robin(runs, jobs)
    for name in ("all", PDF_FIRST):
        if name in results:
            median_run = sorted(results[name].samples, key=lambda s: s.wall)[len(results[name].samples) // 2]
            results[name].extra["timeline"] = timeline(median_run)
    if pdf_details:
        pdf = results["pdf"]
        pages = pdf_details[0]["pages"]
        pdf.extra = {
            "runs": pdf_details,
            "pages": pages,
            "seconds_per_page": round(pdf.median / pages, 3),
            "typst_share": round(
                statistics.median(d["typst_s"] / s.wall for d, s in zip(pdf_details, pdf.samples, strict=True)), 3
            ),
            "sphinx_share": round(
                statistics.median(d["sphinx_s"] / s.wall for d, s in zip(pdf_details, pdf.samples, strict=True)), 3
            ),
        }
    return results


PDF_FIRST = "all, PDF started first (proposed)"
# The site recipe as it stands, and the same with the PDF started first: its
# phony pdf-deps prerequisite otherwise costs it its place in the -j2 queue
# behind html and epub. (The Makefile starts the PDF first already; the
# variant is measured only while it does not.)
SITE_RECIPE = "$(MAKE) --no-print-directory html pdf epub $(SITEDECKS)"
SITE_RECIPE_PDF_FIRST = "$(MAKE) --no-print-directory -o pdf-deps -o browser-deps pdf html epub $(SITEDECKS)"


def patched_project(project: Path, suffix: str, old: str, new: str) -> Path | None:
    """A copy of the project whose Makefile has ``new`` for ``old``; None once the Makefile no longer has ``old``."""
    makefile = (project / "Makefile").read_text(encoding="utf-8")
    if old not in makefile:
        return None
    other = project.with_name(project.name + suffix)
    if other.exists():
        shutil.rmtree(other)
    shutil.copytree(project, other, symlinks=True)
    (other / "Makefile").write_text(makefile.replace(old, new), encoding="utf-8")
    shutil.copystat(project / "Makefile", other / "Makefile")
    return other


def pdf_first_project(project: Path) -> Path | None:
    return patched_project(project, "-pdf-first", SITE_RECIPE, SITE_RECIPE_PDF_FIRST)


def measure_pdf_noop(ws: Workspace, project: Path, runs: int) -> dict[str, Measurement]:
    """``make pdf`` again with nothing changed: Sphinx re-reads nothing; Typst compiles again."""
    print("PDF no-op rebuilds", flush=True)
    builddir = ws.base / "incremental" / "pdf"
    shutil.rmtree(builddir, ignore_errors=True)
    ws.make(project, "pdf", builddir)  # the cold build this no-op follows, not timed
    results = round_robin(runs, {"pdf no-op": lambda run_number: ws.make(project, "pdf", builddir)[0]})
    for m in results.values():
        m.extra["read"] = [documents_read(s).get("typst", []) for s in m.samples]
    return results


def snippet_shown_by_chapter_and_deck(project: Path) -> tuple[str, list[str], list[str]]:
    """A snippet that a chapter and a deck both show: its name, and the documents that show it."""
    sys.path.insert(0, str(project))
    try:
        from handbook_sphinx.traceability import traceability
    finally:
        sys.path.pop(0)
    table = traceability(project, "docs", "slides")
    name, use = next((n, u) for n, u in table.items() if u["chapters"] and u["decks"])
    strip = lambda paths: sorted(p.removesuffix(".md") for p in paths)  # noqa: E731
    return name, strip(use["chapters"]), strip(use["decks"])


def measure_incremental(ws: Workspace, project: Path, runs: int) -> dict[str, Measurement]:
    print("incremental builds", flush=True)
    builddir = ws.base / "incremental"
    shutil.rmtree(builddir, ignore_errors=True)
    ws.make(project, "slides", builddir)  # the handbook and the decks, built once
    chapter = real_chapters(project / "docs")[len(real_chapters(project / "docs")) // 2]
    chapter_doc = chapter.relative_to(project / "docs").with_suffix("").as_posix()
    snippet, snippet_chapters, snippet_decks = snippet_shown_by_chapter_and_deck(project)
    snippet_path = project / "snippets" / f"{snippet}.md"

    def append(path: Path, text: str) -> None:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\n{text}\n")

    def html(label: str):
        return lambda: ws.make(project, "html", builddir)[0]

    def decks():
        # -o html: the decks' own sphinx-build only, as `make slides` runs it after the handbook.
        return ws.make(project, "slides", builddir, extra=("-o", "html"))[0]

    edits: dict[str, list] = {"chapter": [], "snippet-html": [], "snippet-decks": []}

    def chapter_edit(run_number: int) -> Sample:
        append(chapter, f"Benchmark edit {run_number + 1} of this chapter's body.")
        sample = html("chapter")()
        edits["chapter"].append(documents_read(sample).get("html", []))
        return sample

    def snippet_edit_html(run_number: int) -> Sample:
        append(snippet_path, f"Benchmark edit {run_number + 1} of this snippet.")
        sample = html("snippet")()
        edits["snippet-html"].append(documents_read(sample).get("html", []))
        return sample

    def snippet_edit_decks(run_number: int) -> Sample:
        sample = decks()
        edits["snippet-decks"].append(documents_read(sample).get("revealjs", []))
        return sample

    results = round_robin(
        runs,
        {
            "html no-op": lambda _: html("no-op")(),
            "decks no-op": lambda _: decks(),
            "html: one chapter edited": chapter_edit,
            "html no-op after the edit": lambda _: html("no-op")(),
            "html: one snippet edited": snippet_edit_html,
            "decks: the same snippet edited": snippet_edit_decks,
        },
    )
    for name in ("html no-op", "html no-op after the edit"):
        results[name].extra["read"] = [documents_read(s).get("html", []) for s in results[name].samples]
    results["decks no-op"].extra["read"] = [
        documents_read(s).get("revealjs", []) for s in results["decks no-op"].samples
    ]
    results["html: one chapter edited"].extra |= {"read": edits["chapter"], "expected": [chapter_doc]}
    results["html: one snippet edited"].extra |= {
        "read": edits["snippet-html"],
        "expected": snippet_chapters,
        "snippet": snippet,
    }
    results["decks: the same snippet edited"].extra |= {
        "read": edits["snippet-decks"],
        "expected": snippet_decks,
        "snippet": snippet,
    }
    return results


VARIANTS = {
    # name: (environment, extra make arguments)
    "handbook": ({}, ()),
    "stock navigation": ({}, ("O=-D handbook_cached_navigation=0",)),
    "alabaster": ({"HANDBOOK_BENCH_THEME": "alabaster"}, ()),
}


def measure_scaling(
    ws: Workspace, project: Path, runs: int, sizes: list[int], stock_runs: int, profile: bool = False
) -> dict:
    print("scaling", flush=True)
    books = {size: make_synthetic_handbook(project, ws.base / "books" / f"book-{size}", size) for size in sizes}
    documents = {size: len(list((book / "docs").rglob("*.md"))) for size, book in books.items()}

    def build(size: int, variant: str):
        env, extra = VARIANTS[variant]

        def job(run_number: int) -> Sample:
            builddir = ws.base / "scaling" / f"{variant.replace(' ', '-')}-{size}"
            shutil.rmtree(builddir, ignore_errors=True)
            return ws.make(books[size], "html", builddir, extra=extra, env=env)[0]

        return job

    def parse(size: int):
        def job(run_number: int) -> Sample:
            return ws.python([str(Path(__file__).resolve()), "--parse-only", "docs"], f"myst-{size}", books[size])

        return job

    jobs = {}
    for size in sizes:
        jobs[f"handbook {size}"] = build(size, "handbook")
        jobs[f"alabaster {size}"] = build(size, "alabaster")
        jobs[f"myst-parser {size}"] = parse(size)
    results = round_robin(runs, jobs)
    profile_path = ws.base.parent / f"profile-html-{sizes[-1]}.txt"
    if profile:
        profile_build(ws, books[sizes[-1]], profile_path)
    if stock_runs:
        results |= round_robin(
            stock_runs, {f"stock navigation {size}": build(size, "stock navigation") for size in sizes}
        )
    return {"documents": documents, "results": results, "profile": str(profile_path) if profile else None}


def profile_build(ws: Workspace, book: Path, out: Path) -> None:
    """The handbook HTML build of ``book`` under cProfile: the top functions, by cumulative and by own time."""
    import io
    import pstats

    builddir = ws.base / "profile"
    shutil.rmtree(builddir, ignore_errors=True)
    raw = builddir / "html.prof"
    builddir.mkdir(parents=True)
    command = ["-m", "cProfile", "-o", str(raw), "-m", "sphinx", "-b", "html", "-d", str(builddir / "doctrees")]
    ws.python([*command, "docs", str(builddir / "html"), "-c", ".", *SPHINXOPTS.split(), "-q"], "profile", book)
    text = io.StringIO()
    stats = pstats.Stats(str(raw), stream=text)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    out.write_text(text.getvalue().replace(str(ws.venv), "<venv>"), encoding="utf-8")
    print(f"  profile of the {book.name} handbook build: {out}", flush=True)


# -- Report ---------------------------------------------------------------------


def marginal(times: dict[int, float], sizes: list[int]) -> tuple[float, float, float]:
    small, middle, large = sizes
    low = (times[middle] - times[small]) / (middle - small)
    high = (times[large] - times[middle]) / (large - middle)
    return low, high, high / low if low > 0 else float("inf")


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def fmt(seconds: float) -> str:
    return f"{seconds:.2f}"


def report(data: dict) -> tuple[str, list[dict]]:
    lines = [
        "# Build benchmark",
        "",
        f"{data['date']} · commit {data['commit']} · {data['machine']} · {data['runs']} run(s) per measurement, "
        f"min and median wall seconds · load average {data['load_before']} before, {data['load_after']} after · "
        f"bench took {data['total_s'] / 60:.1f} min.",
        "",
        "Peak RSS is the largest single process of the build (make, sphinx-build or Chromium). "
        "Ratios use the min of each measurement, all taken in this run.",
        "",
    ]
    targets: list[dict] = []

    def target(name: str, measured: str, limit: str, ok: bool) -> None:
        targets.append({"target": name, "measured": measured, "limit": limit, "met": ok})

    cold = data.get("cold")
    incremental = data.get("incremental")
    scaling = data.get("scaling")

    if scaling:
        results, sizes = scaling["results"], scaling["sizes"]
        if len(sizes) == 3:
            book = {size: results[f"handbook {size}"].min for size in sizes}
            low, high, ratio = marginal(book, sizes)
            target(
                f"HTML cost per added chapter stays flat: ({sizes[2]}−{sizes[1]}) vs ({sizes[1]}−{sizes[0]}) chapters",
                f"{ratio:.2f}× ({high:.3f} vs {low:.3f} s/chapter)",
                f"≤ {LIMIT_MARGINAL}×",
                ratio <= LIMIT_MARGINAL,
            )
        largest = sizes[-1]
        theme = results[f"handbook {largest}"].min / results[f"alabaster {largest}"].min
        target(
            f"HTML theme cost at {largest} chapters: handbook / alabaster",
            f"{theme:.2f}×",
            f"≤ {LIMIT_THEME}×",
            theme <= LIMIT_THEME,
        )
    if incremental:
        noop = incremental["html no-op"]
        edit = incremental["html: one chapter edited"]
        reads = edit.extra["read"]
        target(
            "One-chapter edit re-reads exactly that chapter",
            ", ".join(sorted({f"{len(r)} ({' '.join(r)})" for r in map(tuple, reads)})),
            f"1 ({edit.extra['expected'][0]})",
            all(list(r) == edit.extra["expected"] for r in reads),
        )
        ratio = edit.min / noop.min
        target("One-chapter edit vs no-op rebuild", f"{ratio:.2f}×", f"≤ {LIMIT_EDIT}×", ratio <= LIMIT_EDIT)
        for name in ("html: one snippet edited", "decks: the same snippet edited"):
            m = incremental[name]
            target(
                f"Snippet edit ({m.extra['snippet']}) re-reads exactly what shows it: {name.split(':')[0]}",
                "; ".join(sorted({" ".join(r) or "nothing" for r in m.extra["read"]})),
                " ".join(m.extra["expected"]),
                all(list(r) == m.extra["expected"] for r in m.extra["read"]),
            )
        decks = incremental["decks no-op"]
        target(
            "Deck no-op re-reads nothing",
            ", ".join(sorted({str(len(r)) for r in decks.extra["read"]})),
            "0",
            all(not r for r in decks.extra["read"]),
        )
        ratio = decks.min / noop.min
        target("Deck no-op vs HTML no-op", f"{ratio:.2f}×", f"≤ {LIMIT_DECK_NOOP}×", ratio <= LIMIT_DECK_NOOP)
        if "pdf no-op" in incremental:
            pdf_noop = incremental["pdf no-op"]
            target(
                "PDF no-op re-reads nothing",
                ", ".join(sorted({str(len(r)) for r in pdf_noop.extra["read"]})),
                "0",
                all(not r for r in pdf_noop.extra["read"]),
            )
    if cold:
        singles = {name: m for name, m in cold.items() if name in COLD_TARGETS and name != "all"}
        slowest = max(singles.values(), key=lambda m: m.min)
        ratio = cold["all"].min / slowest.min
        target(
            f"Parallel make all vs its slowest single target ({slowest.name})",
            f"{ratio:.2f}×",
            f"≤ {LIMIT_ALL}×",
            ratio <= LIMIT_ALL,
        )
        ratio = cold["pdf"].min / cold["html"].min
        target("Cold make pdf vs cold make html", f"{ratio:.2f}×", f"≤ {LIMIT_PDF_HTML}×", ratio <= LIMIT_PDF_HTML)

    lines += ["## Targets", "", "| Target | Measured | Limit | Result |", "|---|---|---|---|"]
    lines += [f"| {t['target']} | {t['measured']} | {t['limit']} | {verdict(t['met'])} |" for t in targets]
    lines.append("")

    def measurement_rows(measurements, extra_header="", extra=lambda m: ""):
        rows = [
            f"| Build | min s | median s | CPU s (median) | peak RSS MB{extra_header} |",
            "|---|---|---|---|---" + ("|---" if extra_header else "") + "|",
        ]
        for m in measurements:
            rows.append(
                f"| {m.name} | {fmt(m.min)} | {fmt(m.median)} | {fmt(m.cpu_median)} | {m.max_rss_mb:.0f}"
                + (f" | {extra(m)}" if extra_header else "")
                + " |"
            )
        return rows

    if cold:
        lines += ["## Cold builds (make <target> into an empty build folder)", ""]
        lines += measurement_rows(cold.values())
        pdf = cold["pdf"].extra
        lines += [
            "",
            "`slides` includes `html`, its prerequisite; `slides-pdf` includes both; `all` is `make all` (-j2).",
            "",
            "### PDF",
            "",
            f"- pages: {pdf['pages']}; {pdf['seconds_per_page']:.3f} s per page (median build)",
            f"- time in Sphinx (reading, assembling, writing main.typ): {pdf['sphinx_share']:.0%}; "
            f"in Typst (compiling the PDF): {pdf['typst_share']:.0%}",
            "",
        ]
        for name in ("all", PDF_FIRST):
            if name in cold:
                events = "; ".join(f"{t:.1f} s {event}" for t, event in cold[name].extra["timeline"])
                lines += [f"Timeline of `{name}` (median run): {events}.", ""]
        if PDF_FIRST in cold:
            ratio = cold[PDF_FIRST].min / max(m.min for n, m in cold.items() if n in COLD_TARGETS and n != "all")
            lines += [
                f"`{PDF_FIRST}` is `make all` with the `site` recipe's sub-make called as "
                f"`{SITE_RECIPE_PDF_FIRST}` in a scratch copy: {ratio:.2f}× its slowest single target.",
                "",
            ]
    if incremental:
        lines += ["## Incremental builds", ""]

        def reads(m: Measurement) -> str:
            counts = sorted({len(r) for r in m.extra.get("read", [])})
            return "/".join(map(str, counts))

        lines += measurement_rows(incremental.values(), " | documents re-read", reads)
        lines.append("")
        lines.append("")
    if scaling:
        results, sizes, documents = scaling["results"], scaling["sizes"], scaling["documents"]
        variants = ["handbook", "stock navigation", "alabaster", "myst-parser"]
        shown = [v for v in variants if f"{v} {sizes[0]}" in results]
        lines += [
            "## Scaling: synthetic handbooks (make html, cold), min / median s",
            "",
            "| Chapters | documents | " + " | ".join(shown) + " |",
            "|---|---|" + "---|" * len(shown),
        ]
        for size in sizes:
            cells = [f"{fmt(results[f'{v} {size}'].min)} / {fmt(results[f'{v} {size}'].median)}" for v in shown]
            lines.append(f"| {size} | {documents[size]} | " + " | ".join(cells) + " |")
        if len(sizes) == 3:
            for label, index in (
                (f"s per chapter {sizes[0]}→{sizes[1]}", 0),
                (f"s per chapter {sizes[1]}→{sizes[2]}", 1),
            ):
                cells = [f"{marginal({s: results[f'{v} {s}'].min for s in sizes}, sizes)[index]:.3f}" for v in shown]
                lines.append(f"| {label} | | " + " | ".join(cells) + " |")
            cells = [f"{marginal({s: results[f'{v} {s}'].min for s in sizes}, sizes)[2]:.2f}×" for v in shown]
            lines.append("| marginal ratio | | " + " | ".join(cells) + " |")
        largest = sizes[-1]
        cells = [f"{results[f'{v} {largest}'].min / results[f'alabaster {largest}'].min:.2f}×" for v in shown]
        lines.append(f"| vs alabaster at {largest} | | " + " | ".join(cells) + " |")
        lines += [
            "",
            "The synthetic books repeat the real chapters (with their snippets, citations and terms) under renamed "
            f'labels, {PART_SIZE} chapters per part, plus the glossary and references. "stock navigation" is the '
            'handbook with `handbook_cached_navigation = False`; "myst-parser" parses the same sources to doctrees '
            "without Sphinx (its unknown directives become error nodes).",
            "",
            "Peak RSS, handbook build at each size: "
            + ", ".join(f"{size}: {results[f'handbook {size}'].max_rss_mb:.0f} MB" for size in sizes)
            + ".",
            "",
        ]
        if scaling.get("profile"):
            lines += [f"A cProfile of the {sizes[-1]}-chapter handbook build: `{scaling['profile']}`.", ""]
    return "\n".join(lines), targets


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument("--quick", action="store_true", help="one run each, small synthetic books: a smoke test")
    parser.add_argument("--builddir", type=Path, default=Path(os.environ.get("BUILDDIR", "_build")))
    parser.add_argument("--venv", type=Path, default=Path(os.environ.get("VENV", ".venv")))
    parser.add_argument("--sizes", help="synthetic handbook sizes in chapters, e.g. 10,40,160")
    parser.add_argument("--stock-runs", type=int, help="runs of the stock-navigation builds (default 1)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="measure only these sections")
    parser.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        help="profile the largest handbook HTML build (cProfile) into bench/ (default: yes, except with --quick)",
    )
    parser.add_argument("--parse-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse_only:
        return parse_only(args.parse_only)

    runs = 1 if args.quick else args.runs
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else ([5, 10, 20] if args.quick else [10, 40, 160])
    stock_runs = args.stock_runs if args.stock_runs is not None else 1
    sections = args.only or SECTIONS
    out = (args.builddir if args.builddir.is_absolute() else ROOT / args.builddir).resolve() / "bench"
    venv = (args.venv if args.venv.is_absolute() else ROOT / args.venv).resolve()
    if not (venv / "bin" / "sphinx-build").exists():
        raise SystemExit(f"bench: no sphinx-build in {venv}: run make python-deps first")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    epoch = (
        os.environ.get("SOURCE_DATE_EPOCH")
        or subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    )
    shutil.rmtree(out / "work", ignore_errors=True)
    ws = Workspace(out / "work", venv, epoch or str(int(time.time())))
    started = time.perf_counter()
    data: dict = {
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "commit": commit.stdout.strip() or "?",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "runs": runs,
        "load_before": load_average(),
    }
    project = copy_project(ws.base / "project")
    if "incremental" in sections:
        # Its own copy: the edits it makes must not reach the other measurements.
        edited = copy_project(ws.base / "project-edited")
        data["incremental"] = measure_incremental(ws, edited, runs) | measure_pdf_noop(ws, project, runs)
    if "scaling" in sections:
        profile = args.profile if args.profile is not None else not args.quick
        scaling = measure_scaling(ws, project, runs, sizes, stock_runs, profile)
        data["scaling"] = {"sizes": sizes, **scaling}
    if "cold" in sections:
        data["cold"] = measure_cold(ws, project, runs)
    data["total_s"] = time.perf_counter() - started
    data["load_after"] = load_average()

    table, targets = report(data)
    out.mkdir(parents=True, exist_ok=True)
    (out / "bench.md").write_text(table, encoding="utf-8")
    as_json = {
        **{k: v for k, v in data.items() if k not in {"cold", "incremental", "scaling"}},
        "targets": targets,
        "cold": [m.as_json() for m in data.get("cold", {}).values()],
        "incremental": [m.as_json() for m in data.get("incremental", {}).values()],
    }
    if "scaling" in data:
        as_json["scaling"] = {
            "sizes": sizes,
            "documents": data["scaling"]["documents"],
            "results": [m.as_json() for m in data["scaling"]["results"].values()],
            "profile": data["scaling"]["profile"],
        }
    (out / "bench.json").write_text(json.dumps(as_json, indent=2) + "\n", encoding="utf-8")
    # The build outputs are several hundred MB; the logs say what each run did.
    for name in ("cold", "incremental", "scaling", "profile"):
        shutil.rmtree(ws.base / name, ignore_errors=True)
    print()
    print(table)
    print(f"bench: wrote {out / 'bench.md'} and {out / 'bench.json'}; logs in {ws.logs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
