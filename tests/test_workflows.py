"""The CI and publishing workflows, parsed: what they run, in which order, on which tree.

A string grep would be satisfied by a comment; these read the YAML.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parent.parent
WORKFLOWS = PROJECT / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40}$")


def workflow(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def runs(step: dict) -> list[str]:
    """The shell lines of a step, without comments and blank lines."""
    lines = (line.strip() for line in step.get("run", "").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


@pytest.mark.parametrize("name", sorted(path.name for path in WORKFLOWS.glob("*.yml")))
def test_every_workflow_pins_its_actions_and_grants_nothing_by_default(name):
    data = workflow(name)
    assert data["permissions"] == {}
    for job in data["jobs"].values():
        for step in steps(job):
            if "uses" in step:
                assert PINNED.match(step["uses"]), step["uses"]


def test_pages_tests_the_very_tree_it_publishes():
    build = workflow("pages.yml")["jobs"]["build"]
    commands = [(index, line) for index, step in enumerate(steps(build)) for line in runs(step)]
    # One address for the build and the tests: set once for the rest of the job, overridden by no step.
    (address,) = [index for index, line in commands if re.match(r'echo "HANDBOOK_SITE_URL=.*>> "\$GITHUB_ENV"$', line)]
    assert not [step for step in steps(build) if "HANDBOOK_SITE_URL" in step.get("env", {})]
    builds = [index for index, line in commands if line.startswith("make ") and "test" not in line]
    tests = [index for index, line in commands if re.fullmatch(r"make test(\s.*)?", line)]
    assert len(builds) == 1 and len(tests) == 1, commands
    (test_step,) = (steps(build)[index] for index in tests)
    # The tests read the build above instead of building their own.
    assert test_step["env"]["HANDBOOK_BUILDDIR"] == "_build"
    assert address < builds[0] < tests[0]
    (upload,) = [step for step in steps(build) if step.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert upload["with"]["path"] == "_build/site"
    assert steps(build).index(upload) > tests[0]


def test_a_weekly_build_uses_todays_date():
    data = workflow("weekly.yml")
    assert [entry["cron"] for entry in data["on"]["schedule"]]
    lines = [line for job in data["jobs"].values() for step in steps(job) for line in runs(step)]
    assert any(re.search(r"SOURCE_DATE_EPOCH=\$\(date \+%s\)", line) for line in lines), lines
    assert any(line.startswith("make all") for line in lines), lines


def test_pull_requests_run_the_fast_tests():
    data = workflow("checks.yml")
    assert "pull_request" in data["on"]
    lines = [line for job in data["jobs"].values() for step in steps(job) for line in runs(step)]
    assert "make test-fast" in lines


def test_read_the_docs_builds_the_site_without_deck_pdfs_and_offers_the_pdf_and_epub():
    config = yaml.safe_load((PROJECT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    commands = config["build"]["commands"]
    # Read the Docs clones shallow: the full history first, for "What changed in this edition".
    (unshallow,) = [index for index, command in enumerate(commands) if "git fetch --unshallow" in command]
    assert unshallow < commands.index("make site DECK_PDFS=0")
    copies = [command.split() for command in commands if command.startswith("cp ")]
    assert ["cp", "-r", "_build/site/.", "$READTHEDOCS_OUTPUT/html/"] in copies
    assert ["cp", "_build/pdf/*.pdf", "$READTHEDOCS_OUTPUT/pdf/"] in copies
    assert ["cp", "_build/epub/*.epub", "$READTHEDOCS_OUTPUT/epub/"] in copies


@pytest.mark.parametrize("name", ["pages.yml", "weekly.yml", "checks.yml"])
def test_every_workflow_checks_out_the_full_history(name):
    """ "What changed" and the editions test read earlier editions' commits from git."""
    checkouts = [
        step
        for job in workflow(name)["jobs"].values()
        for step in steps(job)
        if step.get("uses", "").startswith("actions/checkout@")
    ]
    assert checkouts and all(step["with"]["fetch-depth"] == 0 for step in checkouts)
