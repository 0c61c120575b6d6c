import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from project_conf import project_conf  # noqa: E402

globals().update(project_conf(__file__, tags))  # noqa: F821
# This root's documents live under docs/ (the root is the source folder).
handbook_lettered_parts = ["docs/appendices/index"]
