"""Fuzz the TEXT formats (``text`` family of :data:`common.FAMILIES`) through ``read()``.

Run with ``python fuzz/run.py --targets text``, or directly:
``python fuzz/fuzz_text.py CORPUS_DIR -max_total_time=60``.
"""

from __future__ import annotations

import _formats

if __name__ == "__main__":
    _formats.main("text")
