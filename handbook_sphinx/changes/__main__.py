"""``python -m handbook_sphinx.changes``: see ``cli``."""

import sys

from handbook_sphinx.changes.cli import main

sys.exit(main())
