"""The known warnings (handbook.toml): conf.py suppresses exactly those, and each still fires without it.

As CPython's Doc/tools/check-warnings.py with its .nitignore, the check fails
both ways: when conf.py suppresses a warning that is not listed, and when a
listed warning no longer fires (then delete the entry).
"""

from __future__ import annotations

import subprocess

import pytest
from handbook_build import FACTS, PROJECT
from sphinx.config import eval_config_file
from sphinx.util.tags import Tags

BUILDERS = {"decks": ("-b", "revealjs", "-t", "decks", "slides"), "handbook": ("-b", "html", "docs")}


@pytest.mark.parametrize("build", sorted(BUILDERS))
def test_conf_suppresses_exactly_the_listed_warnings(build):
    namespace = eval_config_file(PROJECT / "conf.py", Tags(["decks"] if build == "decks" else []))
    listed = [warning.type for warning in FACTS.known_warnings if warning.build == build]
    assert sorted(namespace["suppress_warnings"]) == sorted(listed)


def test_every_listed_warning_has_a_build_and_a_reason():
    for warning in FACTS.known_warnings:
        assert warning.build in BUILDERS and len(warning.reason.split()) >= 5, warning


@pytest.mark.handbook
@pytest.mark.parametrize("warning", FACTS.known_warnings, ids=lambda warning: f"{warning.build}-{warning.type}")
def test_known_warning_still_fires(handbook, tmp_path, warning):
    *options, source = BUILDERS[warning.build]
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
    assert f"[{warning.type}]" in result.stderr, f"{warning.type} no longer fires: remove it from handbook.toml"


@pytest.mark.parametrize(
    ("module", "deprecated_use"),
    [
        ("sphinx_revealjs.builders", "self.app.registry"),
        ("myst_parser.mocking", "sphinx_env.app.events"),
    ],
)
def test_every_ignored_upstream_deprecation_still_happens(module, deprecated_use):
    """pyproject.toml ignores two upstream reads of Sphinx's deprecated `.app`; this fails once upstream stops."""
    import importlib
    import inspect

    source = inspect.getsource(importlib.import_module(module))
    assert deprecated_use in source, f"{module} no longer uses {deprecated_use}: delete its filterwarnings line"
