"""`make bench`: how long the builds take, and how much memory, with a table of targets.

hyperfine times each build (wall, user and system seconds over several
runs); GNU time (``/usr/bin/time``) gives the peak memory of one more run.
Everything runs in a scratch copy of the project under
``<BUILDDIR>/bench/work`` (the sources as they are now, committed or not),
never in the real tree. Absolute seconds depend on the machine and its load;
the targets are ratios measured in the same run.

What is measured: cold ``make html``, ``pdf`` (Typst), ``epub`` and ``site``;
a no-op and a one-chapter edit of ``make html``; a no-op deck build; the
PowerPoint decks (``make slides-pptx``, its own doctrees removed, the handbook
built); ``make changes`` (the comparison with the previous edition and its
PDF; the scratch copy reads the real repository's history, read-only,
through ``GIT_DIR``); and the cold HTML build of synthetic handbooks of 20, 60 and 160 chapters
(``tools/synthetic_book.py``), to show how the build scales. Which documents
a build re-reads is asserted by the tests, not here.

Writes ``<BUILDDIR>/bench/bench.md`` (also printed) and ``bench.json``.

usage: python tools/bench.py [--builddir DIR] [--runs N] [--no-scaling]
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handbook_sphinx.facts import load  # noqa: E402  (handbook.toml: what a copy of the project needs)

EDITED = "docs/part-1-foundations/history.md"
SCALING = (20, 60, 160)
# name, limit, numerator, denominator: each target is a ratio of two measurements' mean wall times.
TARGETS = (
    ("Cold make pdf (Typst) vs cold make html", 1.5, "cold pdf", "cold html"),
    ("One-chapter edit vs no-op make html", 1.5, "html: one chapter edited", "html no-op"),
    ("Deck no-op vs HTML no-op", 1.5, "decks no-op", "html no-op"),
    ("Cold make site (-j2) vs cold make pdf, its longest part", 1.5, "cold site", "cold pdf"),
    ("HTML per chapter at 160 vs at 60 chapters", 1.3, "scaling 160 per chapter", "scaling 60 per chapter"),
)


def scratch(work: Path) -> None:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for part in load().build_inputs:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, work / part, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, work / part)
    for linked in (".venv", "node_modules"):
        if (ROOT / linked).exists():
            (work / linked).symlink_to(ROOT / linked)
    # The copy has no git history: the build date is the real tree's last commit,
    # and the earlier editions are read from the real repository (GIT_DIR, read-only).
    epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True).stdout
    (work / ".epoch").write_text(epoch.strip() or "0")
    git_dir = subprocess.run(["git", "rev-parse", "--absolute-git-dir"], cwd=ROOT, capture_output=True, text=True)
    (work / ".git-dir").write_text(git_dir.stdout.strip())


def hyperfine(work: Path, out: Path, name: str, command: str, runs: int, prepare: str | None = None) -> dict:
    """One measurement: hyperfine's mean, σ, min, user and system seconds."""
    json_file = out / f"{name.replace(' ', '-').replace(':', '')}.json"
    args = [
        "hyperfine",
        "--runs",
        str(runs),
        "--export-json",
        str(json_file),
        "--command-name",
        name,
        "--style",
        "none",
    ]
    if prepare:
        args += ["--prepare", prepare]
    subprocess.run([*args, command], cwd=work, check=True, stdout=subprocess.DEVNULL)
    result = json.loads(json_file.read_text())["results"][0]
    return {key: result[key] for key in ("mean", "stddev", "min", "user", "system")}


def peak_memory(work: Path, command: str) -> float:
    """Peak resident memory (MiB) of the command and every process it waited for, from GNU time."""
    report = subprocess.run(["/usr/bin/time", "-v", "bash", "-c", command], cwd=work, capture_output=True, text=True)
    kib = next(line for line in report.stderr.splitlines() if "Maximum resident set size" in line).split()[-1]
    return int(kib) / 1024


def measure(work: Path, out: Path, runs: int, scaling: bool) -> dict[str, dict]:
    make = f"SOURCE_DATE_EPOCH=$(cat {work / '.epoch'}) GIT_DIR=$(cat {work / '.git-dir'}) make -s --no-print-directory"
    build = work / "_bench"
    results: dict[str, dict] = {}

    def cold(target: str, extra: str = "") -> None:
        folder = build / f"cold-{target}"
        command = f"{make} {target} {extra} BUILDDIR={folder}"
        results[f"cold {target}"] = hyperfine(work, out, f"cold {target}", command, runs, f"rm -rf {folder}")
        shutil.rmtree(folder, ignore_errors=True)
        results[f"cold {target}"]["peak_mib"] = peak_memory(work, command)

    for target in ("html", "pdf", "epub"):
        cold(target)
    cold("site", "-j2")
    warm = f"BUILDDIR={build / 'warm'}"
    subprocess.run(f"{make} slides {warm}", shell=True, cwd=work, check=True)
    results["html no-op"] = hyperfine(work, out, "html no-op", f"{make} html {warm}", runs)
    results["html: one chapter edited"] = hyperfine(
        work, out, "html one chapter edited", f"{make} html {warm}", runs, f"touch {shlex.quote(EDITED)}"
    )
    results["decks no-op"] = hyperfine(work, out, "decks no-op", f"{make} slides -o html {warm}", runs)
    pptx = f"rm -rf {build / 'warm/slides-pptx'} {build / 'warm/doctrees/slides-pptx'}"
    results["slides-pptx"] = hyperfine(work, out, "slides-pptx", f"{make} slides-pptx -o html {warm}", runs, pptx)
    results["changes"] = hyperfine(work, out, "changes", f"{make} changes {warm}", runs)
    if scaling:
        for chapters in SCALING:
            book = build / f"book-{chapters}"
            subprocess.run(
                [str(work / ".venv/bin/python"), "tools/synthetic_book.py", str(chapters), book], cwd=work, check=True
            )
            command = (
                f"SOURCE_DATE_EPOCH=$(cat .epoch) .venv/bin/sphinx-build -q -b html -c . {book}/docs {book}/out"
                " -D handbook_require_review_dates=0"
            )
            result = hyperfine(work, out, f"scaling {chapters}", command, runs, f"rm -rf {book}/out")
            results[f"scaling {chapters}"] = result
            results[f"scaling {chapters} per chapter"] = {key: value / chapters for key, value in result.items()}
    return results


def report(results: dict[str, dict]) -> str:
    lines = [
        "# Build benchmark",
        "",
        "Wall time over the runs (mean ± σ), CPU time of the mean run, peak memory.",
        "",
        "| Measurement | Wall (s) | User + system (s) | Peak memory (MiB) |",
        "|---|---|---|---|",
    ]
    for name, r in results.items():
        if not name.endswith("per chapter"):
            peak = f"{r['peak_mib']:.0f}" if "peak_mib" in r else "—"
            lines.append(
                f"| {name} | {r['mean']:.2f} ± {r['stddev'] or 0:.2f} | {r['user'] + r['system']:.2f} | {peak} |"
            )
    lines += ["", "## Targets", "", "| Target | Measured | Limit | Met |", "|---|---|---|---|"]
    for name, limit, top, bottom in TARGETS:
        if top in results and bottom in results:
            ratio = results[top]["mean"] / results[bottom]["mean"]
            lines.append(f"| {name} | {ratio:.2f}× | ≤ {limit}× | {'yes' if ratio <= limit else 'NO'} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--builddir", type=Path, default=ROOT / "_build")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-scaling", action="store_true")
    args = parser.parse_args()
    out = args.builddir.resolve() / "bench"
    work = out / "work"
    scratch(work)
    results = measure(work, out, args.runs, not args.no_scaling)
    text = report(results)
    (out / "bench.md").write_text(text, encoding="utf-8")
    (out / "bench.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(work / "_bench", ignore_errors=True)
    print(text)


if __name__ == "__main__":
    main()
