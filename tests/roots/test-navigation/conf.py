import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from project_conf import project_conf  # noqa: E402

globals().update(project_conf(__file__, tags))  # noqa: F821

# The navigation under test is the book theme's, so this root keeps it.
html_theme = "sphinx_book_theme"
html_theme_options = {"home_page_in_toc": True, "navbar_persistent": []}
