"""tools/ensure-system-packages under `make -j`: concurrent calls install one at a time, and update once.

A fake apt-get stands in for the real one. Like apt without a lock timeout,
it fails when another install holds the dpkg lock; the test runs four
installs at once, as `make -j deps` on a fresh machine does.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SCRIPT = PROJECT / "tools" / "ensure-system-packages"

FAKE_APT = """#!/bin/bash
state="$FAKE_APT_STATE"
if [ "$1" = update ]; then echo update >> "$state/updates"; sleep 0.2; exit 0; fi
if ! mkdir "$state/dpkg-lock" 2>/dev/null; then
  echo "E: Could not get lock /var/lib/dpkg/lock-frontend" >&2; exit 100
fi
sleep 0.3
for package in "$@"; do
  case "$package" in
    epubcheck) ln -sf "$(command -v true)" "$FAKE_APT_BIN/epubcheck" ;;
    nodejs) ln -sf "$(command -v true)" "$FAKE_APT_BIN/node" ;;
    npm) ln -sf "$(command -v true)" "$FAKE_APT_BIN/npm" ;;
  esac
done
echo "$*" >> "$state/installs"
rmdir "$state/dpkg-lock"
"""


@pytest.fixture
def fake_machine(tmp_path):
    """A PATH with the shell tools the script needs, a fake apt-get, and none of the packages."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "touch", "flock", "sleep", "mkdir", "rmdir", "ln", "true", "cat"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    # The script installs only as root: this machine says it is root.
    fake_id = bin_dir / "id"
    fake_id.write_text("#!/bin/bash\necho 0\n", encoding="utf-8")
    fake_id.chmod(0o755)
    apt = bin_dir / "apt-get"
    apt.write_text(FAKE_APT, encoding="utf-8")
    apt.chmod(0o755)
    state = tmp_path / "state"
    (state / "lists").mkdir(parents=True)
    env = {
        "PATH": str(bin_dir),
        "FAKE_APT_STATE": str(state),
        "FAKE_APT_BIN": str(bin_dir),
        "HANDBOOK_APT_LISTS": str(state / "lists"),
        "HANDBOOK_APT_LOCK": str(state / "handbook-apt.lock"),
    }
    return env, state


def test_concurrent_installs_take_turns_and_update_once(fake_machine):
    env, state = fake_machine
    groups = ["epub", "node", "epub", "node"]
    runs = [
        subprocess.Popen(
            [env["PATH"] + "/bash", str(SCRIPT), group],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for group in groups
    ]
    results = [(run.wait(), run.stderr.read()) for run in runs]
    assert [code for code, _ in results] == [0, 0, 0, 0], results
    assert (state / "updates").read_text().splitlines() == ["update"]
    installs = (state / "installs").read_text().splitlines()
    assert sorted(line.split()[-1] for line in installs) == ["epubcheck", "npm"]
