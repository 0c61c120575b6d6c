"""requirements.lock holds every pin of pyproject.toml, at the same version, each package with hashes."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LOCKED = re.compile(
    r"^(?P<name>[A-Za-z0-9_.-]+)==(?P<version>\S+) \\\n((?:\s+--hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)", re.M
)


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_the_lock_has_every_pin_at_its_version_with_hashes():
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {}
    for requirement in project["dependencies"] + project["optional-dependencies"]["dev"]:
        name, version = requirement.split("==")
        pins[normal(name.split("[")[0])] = version
    lock = (PROJECT / "requirements.lock").read_text(encoding="utf-8")
    locked = {normal(match["name"]): match["version"] for match in LOCKED.finditer(lock)}
    # Every locked package carries its hashes (pip install --require-hashes needs them all).
    assert len(locked) == len(re.findall(r"^[A-Za-z0-9_.-]+==\S+", lock, re.M))
    stale = {name: (version, locked.get(name)) for name, version in pins.items() if locked.get(name) != version}
    assert stale == {}, "pyproject.toml and requirements.lock disagree: run `make lock`"
