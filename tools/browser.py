"""Debian's Chromium under Playwright, as the deck printer and the browser tests use it.

Never a downloaded browser: Playwright drives /usr/bin/chromium (apt package
``chromium``). The flags keep it from reaching for Google's services, which
this machine's closed network refuses.
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("HANDBOOK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
