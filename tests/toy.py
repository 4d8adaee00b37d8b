"""A tiny line-based parser used to test the reading machinery without any real format."""

from __future__ import annotations

from collections.abc import Iterator

from recordparse import Failure, Parser, Position, RawRecord, Record, RecordBuilder
from recordparse.sources import Input, iter_lines


class ToyParser(Parser):
    """``TOY id|title`` lines; a line ``TOY !`` is a record that cannot be mapped."""

    name = "toy"
    title = "Toy records, one per line"
    patterns = ("*.toy",)

    def sniff(self, head: bytes) -> float:
        return 0.9 if head.lstrip().startswith(b"TOY ") else 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        number = 0
        for line in iter_lines(inp):
            if not line.text.strip():
                continue
            number += 1
            yield RawRecord(line.text, Position(inp.name, number, line.number, line.offset))

    def map(self, raw: RawRecord) -> Record:
        body = str(raw.data)
        if not body.startswith("TOY ") or body == "TOY !":
            raise self.fail(raw, "not a toy record")
        ident, _, title = body[4:].partition("|")
        builder = RecordBuilder(self.name)
        builder.set("id", ident)
        builder.set("title", title)
        return builder.build()
