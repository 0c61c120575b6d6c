"""Patches of other packages' behaviour or internals, one module each.

Everything in ``handbook_sphinx`` outside this folder uses only the public
APIs of Sphinx, docutils, MyST and the themes. Each module here:

- says what it patches and why, and names its upstream issue (or says why
  there is none);
- names the versions it was checked against;
- has a "still needed" test in ``tests/test_workarounds.py`` that fails once
  the upstream package no longer needs the patch: then delete the module.

``HANDBOOK_DISABLE_WORKAROUNDS=name,name`` (module names) turns modules off;
the "still needed" tests use it to build with the stock behaviour.
"""

from __future__ import annotations

import os


def disabled(name: str) -> bool:
    """Whether the workaround module ``name`` is turned off for this process."""
    wanted = os.environ.get("HANDBOOK_DISABLE_WORKAROUNDS", "")
    return name in {part.strip() for part in wanted.split(",")}
