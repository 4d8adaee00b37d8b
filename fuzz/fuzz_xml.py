"""Fuzz the XML formats (``xml`` family of :data:`common.FAMILIES`) through ``read()``.

Run with ``python fuzz/run.py --targets xml``, or directly:
``python fuzz/fuzz_xml.py CORPUS_DIR -max_total_time=60``.
"""

from __future__ import annotations

import _formats

if __name__ == "__main__":
    _formats.main("xml")
