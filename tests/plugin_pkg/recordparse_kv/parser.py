"""``kv-export``: a repository's plain-text export of ``key = value`` lines.

The export writes one record per paragraph (records are separated by blank lines), one field per
line, a repeated key for a repeated field (``creator``, ``keyword``, ``issn``), and wraps long
values onto continuation lines that start with whitespace. Lines starting with ``#`` are comments;
the first one names the export (``# kv-export 1.0``)::

    # kv-export 1.0 -- Example University Repository
    id = 4411
    title = Soil moisture under grazing
    creator = Huber, Anna ; 0000-0002-1825-0097
    access = embargoed
    embargo.end = 2027-06-30
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from recordparse import Failure, Input, Parser, Position, RawRecord, Record, RecordBuilder

_PAIR = re.compile(r"^([a-z][a-z0-9_.]*)\s*=\s?(.*)$")
_ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_MAX_LINE = 1024 * 1024

#: The export's ``type`` values -> CSL types.
TYPES = {"article": "article-journal", "thesis": "thesis", "dataset": "dataset", "report": "report"}
#: The export's ``access`` values -> recordparse access statuses.
ACCESS = {"open": "open", "embargoed": "embargoed", "restricted": "restricted", "closed": "metadata_only"}

Pairs = list[tuple[str, str]]


class KeyValueParser(Parser):
    """The ``key = value`` export, streamed paragraph by paragraph."""

    name = "kv-export"
    title = "Example repository key = value export"
    media_types = ("text/plain",)
    patterns = ("*.kv",)
    field_map: ClassVar[dict[str, str]] = {
        "id": "id",
        "title": "title",
        "abstract": "abstract",
        "creator": "authors",
        "type": "type",
        "date.issued": "date_published",
        "date.deposited": "date_deposited",
        "journal": "journal",
        "volume": "volume",
        "issue": "issue",
        "pages": "start_page",
        "doi": "doi",
        "issn": "issns",
        "url": "urls",
        "keyword": "keywords",
        "language": "language",
        "access": "access",
        "embargo.end": "access",
        "license": "license",
    }

    def sniff(self, head: bytes) -> float:
        """0.95 with the ``# kv-export`` banner; 0.6 when the first lines are all ``key = value``
        and one of them is ``id``; 0 otherwise."""
        text = head[:4096].decode("utf-8", "replace").lstrip("\ufeff")
        lines = [line for line in text.splitlines() if line.strip()][:20]
        if lines and lines[0].startswith("# kv-export"):
            return 0.95
        fields = [line for line in lines if not line.startswith("#")]
        pairs = [m.group(1) for line in fields if (m := _PAIR.match(line))]
        if fields and len(pairs) >= 0.8 * len(fields) and "id" in pairs:
            return 0.6
        return 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        """One RawRecord per paragraph, read line by line."""
        lines: list[tuple[int, str]] = []
        start = (1, 0)
        number = offset = line_no = 0
        while raw := inp.stream.readline(_MAX_LINE):
            line_no += 1
            text = raw.decode("utf-8", "replace").rstrip("\r\n").lstrip("\ufeff")
            if not text.strip():
                if lines:
                    number += 1
                    yield self._frame(lines, Position(inp.name, number, *start))
                    lines = []
            elif not text.startswith("#"):
                if not lines:
                    start = (line_no, offset)
                lines.append((line_no, text))
            offset += len(raw)
        if lines:
            yield self._frame(lines, Position(inp.name, number + 1, *start))

    def _frame(self, lines: list[tuple[int, str]], position: Position) -> RawRecord | Failure:
        pairs: Pairs = []
        for line_no, text in lines:
            if text[:1].isspace() and pairs:
                key, value = pairs[-1]
                pairs[-1] = (key, f"{value} {text.strip()}")
                continue
            match = _PAIR.match(text)
            if match is None:
                return Failure(position, f"line {line_no} is not 'key = value': {text[:60]!r}", parser=self.name)
            pairs.append((match.group(1), match.group(2).strip()))
        record_id = next((value for key, value in pairs if key == "id"), None)
        return RawRecord(pairs, position, record_id=record_id)

    def map(self, raw: RawRecord) -> Record:
        pairs: Pairs = raw.data
        if not any(key in ("id", "title") for key, _ in pairs):
            raise self.fail(raw, "a record needs an id or a title")
        b = RecordBuilder(self.name)
        status: str | None = None
        end: str | None = None
        for key, value in pairs:
            if key in ("id", "title", "journal", "volume", "issue", "license"):
                b.set(key, value)
            elif key == "abstract":
                b.set("abstract", value, html=True)
            elif key == "creator":
                name, _, orcid = value.partition(";")
                b.add_person(name.strip(), orcid=orcid.strip() or None)
            elif key == "type" and value in TYPES:
                b.set("type", TYPES[value])
                b.keep("type", value)
            elif key in ("date.issued", "date.deposited"):
                field = "date_published" if key == "date.issued" else "date_deposited"
                b.set_date(field, value, source_field=key)
            elif key == "pages":
                first, _, last = value.partition("-")
                b.set("start_page", first)
                b.set("end_page", last)
            elif key == "doi":
                b.set_doi(value)
            elif key == "issn":
                b.add_issn(value)
            elif key == "url":
                b.add_url(value)
            elif key == "keyword":
                b.add_keyword(value)
            elif key == "language":
                b.set_language(value)
            elif key == "access" and value in ACCESS:
                status = ACCESS[value]
            elif key == "embargo.end" and _ISO_DATE.match(value):
                end = value
            else:
                b.keep(key, value)
        if status is not None:
            evidence = [f"access = {pairs_value(pairs, 'access')}"]
            if end:
                evidence.append(f"embargo.end = {end}")
            b.set_access(status, embargo_end=end if status == "embargoed" else None, evidence=evidence)
        return b.build()


def pairs_value(pairs: Pairs, key: str) -> str | None:
    """The first value of ``key``."""
    return next((value for k, value in pairs if k == key), None)
