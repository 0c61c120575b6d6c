"""The authoring habits of .pre-commit-config.yaml hold on the whole repo.

pre-commit itself needs its hook environments (and the seed articles beside
the repo for the originality hook), so the suite runs the same pinned tools
straight from the project's venv instead.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "--force-exclude", "."],
        ["ruff", "format", "--check", "--force-exclude", "."],
        ["codespell", "."],
    ],
    ids=["ruff-lint", "ruff-format", "codespell"],
)
def test_repo_passes(command):
    result = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}"


def test_no_trailing_whitespace_or_missing_final_newline():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    offenders = []
    for name in tracked:
        path = ROOT / name
        if path.suffix in {".svg", ".png", ".ico", ".pdf", ".ttf", ".pptx"} or not path.is_file():
            continue
        text = path.read_bytes()
        if text and not text.endswith(b"\n"):
            offenders.append(f"{name}: no newline at end of file")
        for number, line in enumerate(text.split(b"\n"), 1):
            if line.rstrip(b" \t\r") != line:
                offenders.append(f"{name}:{number}: trailing whitespace")
                break
    assert not offenders, "\n".join(offenders)
