"""The Makefile's variables reach sphinx-build as documented (a stub sphinx-build records each call)."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def make_calls(tmp_path):
    """``make_calls(target, VAR=value, ...)``: run ``make`` with a stub sphinx-build; the argument lists it got."""
    log = tmp_path / "calls.txt"
    stub = tmp_path / "sphinx-build"
    stub.write_text(f'#!/bin/sh\necho "$*" >> {shlex.quote(str(log))}\n', encoding="utf-8")
    stub.chmod(0o755)

    def run(target: str, **variables: str) -> list[list[str]]:
        assignments = [f"{name}={value}" for name, value in variables.items()]
        result = subprocess.run(
            [
                "make",
                "--no-print-directory",
                "-o",
                "python-deps",
                target,
                f"SPHINXBUILD={stub}",
                f"BUILDDIR={tmp_path / '_build'}",
                *assignments,
            ],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return [line.split() for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []

    return run


def option_values(args: list[str], name: str) -> list[str]:
    """The values given to ``-D name=...`` in one call's arguments."""
    return [
        args[i + 1].split("=", 1)[1]
        for i, arg in enumerate(args[:-1])
        if arg == "-D" and args[i + 1].startswith(f"{name}=")
    ]


@pytest.mark.parametrize(("draft", "expected"), [(None, []), ("0", []), ("", []), ("1", ["1"])])
def test_draft_turns_on_stale_reviews_only_when_it_is_1(make_calls, draft, expected):
    variables = {} if draft is None else {"DRAFT": draft}
    (call,) = make_calls("html", **variables)
    assert option_values(call, "handbook_allow_stale_reviews") == expected


def test_deck_pdfs_0_reaches_the_handbook_build_only(make_calls):
    # The decks' build does not load the module that reads handbook_deck_pdfs:
    # an override it does not know is a warning, and -W fails the build.
    html, slides = make_calls("slides", DECK_PDFS="0")
    assert option_values(html, "handbook_deck_pdfs") == ["0"]
    assert "revealjs" in slides and option_values(slides, "handbook_deck_pdfs") == []
