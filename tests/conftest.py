"""Shared test set-up: sphinx.testing over the roots in tests/roots, a fixed build date, output readers."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.util.console import strip_colors

# sphinx.testing's app/make_app fixtures for the machinery tests; the real
# handbook's session fixtures (tests/handbook_fixtures.py) for the others.
pytest_plugins = ("sphinx.testing.fixtures", "handbook_fixtures")

TESTS = Path(__file__).resolve().parent
PROJECT = TESTS.parent
ROOTS = TESTS / "roots"
PYTHON = PROJECT / ".venv" / "bin" / "python"
# 1 June 2026 00:00 UTC. The roots' review dates are written against it, so a
# root never goes stale, or into the future, as the calendar moves on.
BUILD_EPOCH = "1780272000"
# One warning: "<file>:<line>: WARNING: ..." up to the next such line (a
# message may run over several lines, e.g. a YAML parser's report).
_WARNING_START = re.compile(r"^(?=(?:\S[^\n]*?: )?(?:WARNING|ERROR|CRITICAL): )", re.M)


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture(scope="session")
def sphinx_test_tempdir(tmp_path_factory) -> Path:
    """Where sphinx.testing copies roots and builds, beside the roots' shared project_conf.py."""
    base = tmp_path_factory.getbasetemp() / "sphinx-roots"
    base.mkdir(exist_ok=True)
    shutil.copy2(ROOTS / "project_conf.py", base / "project_conf.py")
    return base


@pytest.fixture
def machinery_env(monkeypatch) -> dict[str, str]:
    """The environment of every machinery build: a fixed date, and where the project is."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", BUILD_EPOCH)
    monkeypatch.setenv("HANDBOOK_PROJECT", str(PROJECT))
    return {"SOURCE_DATE_EPOCH": BUILD_EPOCH, "HANDBOOK_PROJECT": str(PROJECT)}


def _warnings(app) -> list[str]:
    """The build's warnings, one string each, with the root's own path cut off the front."""
    text = strip_colors(app.warning.getvalue()).replace(f"{app.srcdir}{os.sep}", "")
    return [entry.strip() for entry in _WARNING_START.split(text) if entry.strip()]


@pytest.fixture
def warnings_of():
    """``warnings_of(app)``: the app's warnings as a list, paths relative to its root."""
    return _warnings


@pytest.fixture
def soup():
    """``soup(path)``: a built HTML file, parsed."""

    def parse(path: Path) -> BeautifulSoup:
        return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")

    return parse


@pytest.fixture
def sphinx_cli(machinery_env, tmp_path):
    """``sphinx_cli(root)``: ``python -m sphinx -W --keep-going -b html <root> <out>`` on a root as it stands."""

    def run(root: str | Path, *options: str, builder: str = "html") -> subprocess.CompletedProcess:
        source = root if isinstance(root, Path) else ROOTS / f"test-{root}"
        env = {**os.environ, "SOURCE_DATE_EPOCH": BUILD_EPOCH, "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("HANDBOOK_PROJECT", None)  # a root finds the project by itself
        return subprocess.run(
            [
                str(PYTHON if PYTHON.exists() else sys.executable),
                "-m",
                "sphinx",
                "-W",
                "--keep-going",
                "-b",
                builder,
                *options,
                str(source),
                str(tmp_path / "cli" / builder),
            ],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    return run


@pytest.fixture
def deck_app(make_app):
    """``deck_app(app, fresh=True, strict=True, **overrides)``: a deck build of ``app``'s root, not yet run.

    It reads the handbook's ``objects.inv`` from ``app``'s build; ``fresh`` starts from a new environment,
    ``strict`` turns warnings into errors.
    """

    def create(app, fresh: bool = True, strict: bool = True, **overrides):
        app.cleanup()  # unregister the handbook app's nodes and directives first
        return make_app(
            "revealjs",
            srcdir=app.srcdir,
            builddir=app.outdir.parent,
            tags=["decks"],
            freshenv=fresh,
            warningiserror=strict,
            confoverrides={"handbook_inventory": str(app.outdir / "objects.inv"), **overrides},
        )

    return create


@pytest.fixture
def decks_of(deck_app):
    """``decks_of(app, **overrides)``: build the decks of ``app``'s root after ``app`` built its handbook."""

    def build(app, **overrides):
        decks = deck_app(app, **overrides)
        decks.build()
        return decks

    return build
