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


# The pre-commit hooks that fix whitespace, run through their own scripts on a
# copy of every tracked text file (identify's "text" tag, as pre-commit's
# `types: [text]`), with the hooks' exclusion (.svg). They exit 1 when they
# had to fix something.
WHITESPACE_HOOKS = ["trailing-whitespace-fixer", "end-of-file-fixer"]
HOOK_EXCLUDE = (".svg",)


@pytest.mark.parametrize("hook", WHITESPACE_HOOKS)
def test_whitespace_hooks_pass_on_every_tracked_file(hook, tmp_path):
    from identify.identify import tags_from_path

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    copies = []
    for name in tracked:
        source = ROOT / name
        if not source.is_file() or name.endswith(HOOK_EXCLUDE) or "text" not in tags_from_path(str(source)):
            continue
        copy = tmp_path / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(source.read_bytes())
        copies.append(name)
    assert len(copies) > 100
    result = subprocess.run([str(BIN / hook), *copies], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 0, f"{hook} would change:\n{result.stdout}{result.stderr}"
