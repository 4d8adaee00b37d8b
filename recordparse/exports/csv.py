"""CSV with one flat row per record, and flat rows of validator flags.

A spreadsheet wants one value per cell, so the Record is flattened (:func:`flatten`): lists
(authors, affiliations, ISSNs, URLs, keywords, subjects, access evidence) are joined with
``"; "`` (:data:`SEPARATOR`), the access object becomes ``access.status``, ``access.embargo_end``
and ``access.evidence``, and ``extra`` is one JSON string column, so nothing the source said is
dropped. ``source`` and ``record`` tell where the record was read. The columns and their order
(:data:`COLUMNS`) are fixed, whatever the records contain, so files from different runs line up.

The :mod:`csv` module does the quoting (fields with commas, quotes or line breaks are quoted);
rows end with ``\\r\\n`` as RFC 4180 asks. Missing values are empty cells.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any, Final

from ..record import Flag, Record

__all__ = ["COLUMNS", "FLAG_COLUMNS", "SEPARATOR", "CsvWriter", "FlagCsvWriter", "flag_rows", "flatten"]

#: What list values are joined with in a flat cell.
SEPARATOR: Final = "; "

#: The flat columns, in output order (also the columns of :func:`recordparse.to_dataframe`).
COLUMNS: Final = (
    "id",
    "format",
    "type",
    "title",
    "abstract",
    "authors",
    "affiliations",
    "date_published",
    "date_deposited",
    "publisher",
    "journal",
    "issns",
    "volume",
    "issue",
    "start_page",
    "end_page",
    "article_number",
    "doi",
    "urls",
    "keywords",
    "subjects",
    "language",
    "access.status",
    "access.embargo_end",
    "access.evidence",
    "rights",
    "license",
    "institution",
    "extra",
    "source",
    "record",
)

#: The columns of ``recordparse check --output-format csv``: one row per flag.
FLAG_COLUMNS: Final = (
    "id",
    "source",
    "record",
    "access.status",
    "access.embargo_end",
    "severity",
    "code",
    "field",
    "message",
    "evidence",
)


def _joined(values: Iterable[str]) -> str | None:
    text = SEPARATOR.join(v for v in values if v)
    return text or None


def _unique(values: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen


def flatten(record: Record) -> dict[str, Any]:
    """The record as ``{column: value}`` for every name in :data:`COLUMNS`.

    Values are strings, except ``record`` (the 1-based record number, an ``int``) and ``None``
    for anything absent (an empty list is absent too).
    """
    extra = record.to_dict()["extra"]
    position = record.position
    row: dict[str, Any] = {
        "id": record.id,
        "format": record.format,
        "type": record.type,
        "title": record.title,
        "abstract": record.abstract,
        "authors": _joined(p.name for p in record.authors),
        "affiliations": _joined(_unique(a for p in record.authors for a in p.affiliations)),
        "date_published": record.date_published,
        "date_deposited": record.date_deposited,
        "publisher": record.publisher,
        "journal": record.journal,
        "issns": _joined(record.issns),
        "volume": record.volume,
        "issue": record.issue,
        "start_page": record.start_page,
        "end_page": record.end_page,
        "article_number": record.article_number,
        "doi": record.doi,
        "urls": _joined(record.urls),
        "keywords": _joined(record.keywords),
        "subjects": _joined(record.subjects),
        "language": record.language,
        "access.status": record.access.status,
        "access.embargo_end": record.access.embargo_end,
        "access.evidence": _joined(record.access.evidence),
        "rights": record.rights,
        "license": record.license,
        "institution": record.institution,
        "extra": json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None,
        "source": position.source if position else None,
        "record": position.record if position else None,
    }
    return row


def _cells(row: dict[str, Any], columns: Sequence[str]) -> list[str]:
    return ["" if row.get(c) is None else str(row[c]) for c in columns]


class CsvWriter:
    """Writes a header and one flat row per record (see :func:`flatten`), as they come.

    ``out`` should be opened with ``newline=""`` when it is a file, as for any :mod:`csv` output.
    """

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self._writer = csv.writer(out)
        self._writer.writerow(COLUMNS)
        self.count = 0

    def write(self, record: Record) -> None:
        self._writer.writerow(_cells(flatten(record), COLUMNS))
        self.count += 1

    def close(self) -> None:
        """Nothing to finish: every row is complete when written."""


def flag_rows(record: Record, flags: Sequence[Flag]) -> list[dict[str, Any]]:
    """Rows of :data:`FLAG_COLUMNS` for one checked record: one per flag, or one row with empty
    flag cells when the record has none (so every record appears in the sheet)."""
    position = record.position
    base: dict[str, Any] = {
        "id": record.id,
        "source": position.source if position else None,
        "record": position.record if position else None,
        "access.status": record.access.status,
        "access.embargo_end": record.access.embargo_end,
    }
    if not flags:
        return [dict(base)]
    return [
        {
            **base,
            "severity": flag.severity,
            "code": flag.code,
            "field": flag.field,
            "message": flag.message,
            "evidence": _joined(flag.evidence),
        }
        for flag in flags
    ]


class FlagCsvWriter:
    """Writes ``recordparse check`` results as CSV: a header, then :func:`flag_rows` per record."""

    def __init__(self, out: IO[str]) -> None:
        self._writer = csv.writer(out)
        self._writer.writerow(FLAG_COLUMNS)

    def write(self, record: Record, flags: Sequence[Flag]) -> None:
        for row in flag_rows(record, flags):
            self._writer.writerow(_cells(row, FLAG_COLUMNS))
