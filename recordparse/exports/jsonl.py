"""JSON Lines: one :meth:`Record.to_dict() <recordparse.Record.to_dict>` object per line.

This is the lossless export: every field, ``extra`` and the parser's findings survive, and
:meth:`Record.from_dict <recordparse.Record.from_dict>` reads each line back into an equal Record.
Non-ASCII text is written as is (UTF-8), not as ``\\u`` escapes.
"""

from __future__ import annotations

import json
from typing import IO

from ..record import Record

__all__ = ["JsonLinesWriter", "record_line"]


#: One encoder for every line: ``json.dumps`` with an option builds a new one at each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False)


def record_line(record: Record) -> str:
    """One record as one line of JSON (without the newline)."""
    return _ENCODER.encode(record.to_dict())


class JsonLinesWriter:
    """Writes records to a text stream, one JSON object per line, as they come."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0

    def write(self, record: Record) -> None:
        self.out.write(record_line(record) + "\n")
        self.count += 1

    def close(self) -> None:
        """Nothing to finish: every line is complete when written."""
