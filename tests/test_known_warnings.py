"""Every suppressed warning in tests/known-warnings.txt still fires without its suppression."""

from __future__ import annotations

import subprocess

import pytest
from handbook_build import PROJECT

pytestmark = pytest.mark.handbook

BUILDERS = {"decks": ("-b", "revealjs", "-t", "decks", "slides"), "html": ("-b", "html", "docs")}


def known_warnings() -> list[tuple[str, str]]:
    lines = (PROJECT / "tests" / "known-warnings.txt").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split()[:2]) for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("build, kind", known_warnings())
def test_known_warning_still_fires(handbook, tmp_path, build, kind):
    *options, source = BUILDERS[build]
    result = subprocess.run(
        [
            str(PROJECT / ".venv/bin/sphinx-build"),
            *options,
            "-c",
            ".",
            "-q",
            "-D",
            "suppress_warnings=none",
            "-D",
            f"handbook_inventory={handbook.html / 'objects.inv'}",
            source,
            str(tmp_path / "out"),
        ],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert f"[{kind}]" in result.stderr, f"{build} {kind} no longer fires: remove it from known-warnings.txt"
