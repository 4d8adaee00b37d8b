"""``ris``: RIS, the tagged export format of reference managers and most repository software.

A RIS file is a sequence of records. Each line is a two-character tag, two spaces, a hyphen and
a space, then the value (``AU  - Huber, Anna``); a record starts with ``TY`` (its type) and ends
with ``ER``. Repeated tags are repeated values (one ``AU`` per author, one ``KW`` per keyword).
Some exports wrap long values onto lines without a tag; those continue the previous value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from recordparse import Failure, Input, Parser, Position, RawRecord, Record, RecordBuilder

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_MAX_LINE = 1024 * 1024

#: RIS reference types -> CSL item types (the RIS type is kept in ``extra["TY"]``).
TYPES = {
    "JOUR": "article-journal",
    "EJOUR": "article-journal",
    "THES": "thesis",
    "RPRT": "report",
    "BOOK": "book",
    "CHAP": "chapter",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "DATA": "dataset",
    "COMP": "software",
}

Tags = list[tuple[str, str]]


class RisParser(Parser):
    """RIS records, streamed one ``TY`` ... ``ER`` block at a time."""

    name = "ris"
    title = "RIS tagged reference export"
    media_types = ("application/x-research-info-systems",)
    patterns = ("*.ris",)
    field_map: ClassVar[dict[str, str]] = {
        "TY": "type",
        "ID": "id",
        "AU": "authors",
        "A1": "authors",
        "TI": "title",
        "T1": "title",
        "T2": "journal",
        "JO": "journal",
        "JF": "journal",
        "PY": "date_published",
        "Y1": "date_published",
        "VL": "volume",
        "IS": "issue",
        "SP": "start_page",
        "EP": "end_page",
        "SN": "issns",
        "DO": "doi",
        "UR": "urls",
        "L1": "urls",
        "KW": "keywords",
        "AB": "abstract",
        "N2": "abstract",
        "LA": "language",
        "PB": "publisher",
    }

    def sniff(self, head: bytes) -> float:
        """0.9 when the first line is a ``TY`` tag; 0.6 when ``TY`` and ``ER`` lines appear
        later (a file with a preamble); 0 otherwise."""
        text = head.decode("utf-8", "replace").lstrip("\ufeff \r\n\t")
        if re.match(r"TY  - [A-Z]+", text):
            return 0.9
        if re.search(r"(?m)^TY  - [A-Z]+", text) and re.search(r"(?m)^ER  -", text):
            return 0.6
        return 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        """One RawRecord per ``TY`` ... ``ER`` block; a block the file ends inside is a Failure."""
        tags: Tags = []
        start = Position(inp.name, 1)
        number = offset = line_no = 0
        while raw := inp.stream.readline(_MAX_LINE):
            line_no += 1
            text = raw.decode("utf-8", "replace").rstrip("\r\n").lstrip("\ufeff")
            match = _TAG.match(text)
            if match and match.group(1) == "TY":
                if tags:  # a new record began before ER: the previous one is cut short
                    yield self._cut_short(start, "record not closed by ER")
                number += 1
                start = Position(inp.name, number, line_no, offset)
                tags = [("TY", (match.group(2) or "").strip())]
            elif match and match.group(1) == "ER" and tags:
                yield RawRecord(tags, start, record_id=_first(tags, "ID"))
                tags = []
            elif match and tags:
                tags.append((match.group(1), (match.group(2) or "").strip()))
            elif text.strip() and tags:
                key, value = tags[-1]
                tags[-1] = (key, f"{value} {text.strip()}")
            offset += len(raw)
        if tags:
            yield self._cut_short(start, "the file ends inside a record (no ER line)")

    def _cut_short(self, position: Position, reason: str) -> Failure:
        return Failure(position, reason, kind="truncated", parser=self.name)

    def map(self, raw: RawRecord) -> Record:
        tags: Tags = raw.data
        if not any(tag in ("TI", "T1", "ID", "DO") for tag, _ in tags):
            raise self.fail(raw, "a record needs a title, an ID or a DOI")
        b = RecordBuilder(self.name)
        for tag, value in tags:
            if not value:
                continue
            if tag == "TY":
                b.set("type", TYPES.get(value, "document"))
                b.keep("TY", value)
            elif tag in ("AU", "A1"):
                b.add_person(value)
            elif tag in ("PY", "Y1"):
                b.set_date("date_published", _ris_date(value), source_field=tag)
            elif tag in ("DO", "SN", "UR", "L1", "KW", "LA"):
                _add_listed(b, tag, value)
            elif tag in self.field_map:
                field = self.field_map[tag]
                b.set(field, value, html=field == "abstract")
            else:
                b.keep(tag, value)
        return b.build()


def _add_listed(b: RecordBuilder, tag: str, value: str) -> None:
    """The tags whose values go through the builder's identifier, list or language methods."""
    if tag == "DO":
        b.set_doi(value, source_field="DO")
    elif tag == "SN":
        if _ISSN.match(value):
            b.add_issn(value)
        else:
            b.keep("SN", value)  # an ISBN: RIS uses SN for both
    elif tag in ("UR", "L1"):
        b.add_url(value)
    elif tag == "KW":
        b.add_keyword(value)
    else:
        b.set_language(value, source_field="LA")


def _ris_date(value: str) -> str:
    """``2021/03/15/`` (RIS: year/month/day/other) -> ``2021-03-15``, at the given precision."""
    parts = [p for p in value.split("/")[:3] if p.strip()]
    return "-".join(p.strip() for p in parts) or value


def _first(tags: Tags, tag: str) -> str | None:
    return next((value for key, value in tags if key == tag), None)
