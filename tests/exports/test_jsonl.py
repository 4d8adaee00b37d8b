"""JSON Lines export: one Record.to_dict per line, lossless."""

from __future__ import annotations

import io
import json
from pathlib import Path

from recordparse import Record, write_records
from recordparse.exports import JsonLinesWriter

from .records import ALL, ARTICLE


def test_each_line_is_to_dict_and_reads_back() -> None:
    out = io.StringIO()
    assert write_records(ALL, out) == len(ALL)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(ALL)
    for line, record in zip(lines, ALL, strict=True):
        data = json.loads(line)
        assert data == record.to_dict()
        assert Record.from_dict(data) == record


def test_text_is_written_as_utf8_not_escaped(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    write_records([ALL[1]], path)
    text = path.read_text(encoding="utf-8")
    assert "García López, María José" in text
    assert "\\u00ed" not in text


def test_writer_streams_one_line_per_record() -> None:
    out = io.StringIO()
    writer = JsonLinesWriter(out)
    writer.write(ARTICLE)
    assert out.getvalue().count("\n") == 1  # written at once, not held until close
    writer.close()
    assert writer.count == 1
