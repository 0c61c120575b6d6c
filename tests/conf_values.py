"""The values conf.py computes, for tests that compare outputs against them."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
if "SOURCE_DATE_EPOCH" not in os.environ:
    # The Makefile's default: the date of the last commit.
    epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=PROJECT, capture_output=True, text=True).stdout
    os.environ["SOURCE_DATE_EPOCH"] = epoch.strip() or "0"

from handbook_sphinx.changes.editions import load_editions  # noqa: E402
from handbook_sphinx.dates import build_date, long_date  # noqa: E402

# The newest edition in editions.yaml, "1.1.0 (draft)" before its release.
release = load_editions(PROJECT / "editions.yaml").current.display
today = long_date(build_date())
