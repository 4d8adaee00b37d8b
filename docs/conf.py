"""Sphinx configuration of the recordparse documentation.

Build: ``python -m sphinx -W -b html docs docs/_build/html`` (needs the ``docs`` extra).
The per-format pages under ``formats/`` are generated from the parsers' own declarations by
``_ext/recordparse_docs.py`` at every build; they are not kept in the repository.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

import recordparse  # noqa: E402  (after the path is set)

project = "recordparse"
author = "recordparse developers"
copyright = "recordparse developers"
release = recordparse.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "myst_parser",
    "recordparse_docs",
]

# Most pages are reStructuredText; the scale and robustness guides are Markdown (MyST).
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_heading_anchors = 3
root_doc = "index"
exclude_patterns = ["_build", "README.md", "Thumbs.db", ".DS_Store"]
templates_path: list[str] = []

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": False}
autoclass_content = "class"

html_theme = "alabaster"
html_title = f"recordparse {release}"
html_static_path: list[str] = []
html_theme_options = {
    "description": "Scholarly repository records in, one typed Record out.",
    "fixed_sidebar": True,
    "page_width": "1240px",
    "sidebar_width": "240px",
}
