import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from project_conf import project_conf  # noqa: E402

globals().update(project_conf(__file__, tags))  # noqa: F821
extensions = [*extensions, "widget_extension"]  # noqa: F821
exclude_patterns = [*exclude_patterns, "widget_extension.py"]  # noqa: F821
