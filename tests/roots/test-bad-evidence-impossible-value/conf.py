import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from project_conf import project_conf  # noqa: E402

globals().update(project_conf(__file__, tags))  # noqa: F821

# The table is not drawn (the data has errors), so the trials' entries are
# cited nowhere; this root tests the data file, not the bibliography.
handbook_cite_every_reference = False
