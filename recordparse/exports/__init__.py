"""Exports: records out as JSON Lines, CSV, CSL-JSON or a pandas DataFrame.

The writers share one small interface, ``write(record)`` then ``close()``, so a stream of
records goes out as it is read, never held in memory (:func:`write_records` drives them).
:data:`WRITERS` names them; ``recordparse parse --to NAME`` uses the same names.

- ``jsonl`` (:mod:`.jsonl`): one :meth:`~recordparse.Record.to_dict` object per line, lossless;
- ``csv`` (:mod:`.csv`): one flat row per record, fixed columns, lists joined with ``"; "``;
- ``csl-json`` (:mod:`.csl_json`): a JSON array of CSL items for citation processors and Zotero.

:func:`~recordparse.exports.dataframe.to_dataframe` builds a DataFrame with the CSV's columns
(pandas is the optional ``pandas`` extra). :mod:`.report` renders the one-page HTML compliance
report of ``recordparse check --html-report``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import IO, Final, Protocol

from ..record import Record
from .csl_json import CslJsonWriter, to_csl
from .csv import CsvWriter, flatten
from .dataframe import to_dataframe
from .jsonl import JsonLinesWriter

__all__ = [
    "WRITERS",
    "CslJsonWriter",
    "CsvWriter",
    "JsonLinesWriter",
    "RecordWriter",
    "flatten",
    "open_writer",
    "to_csl",
    "to_dataframe",
    "write_records",
]


class RecordWriter(Protocol):
    """What every writer does: take records one at a time, then finish the output."""

    def write(self, record: Record) -> None: ...

    def close(self) -> None: ...


#: Export name -> writer class (``recordparse parse --to NAME``).
WRITERS: Final[dict[str, Callable[[IO[str]], RecordWriter]]] = {
    "jsonl": JsonLinesWriter,
    "csv": CsvWriter,
    "csl-json": CslJsonWriter,
}


def open_writer(to: str, out: IO[str]) -> RecordWriter:
    """The writer called ``to`` (a key of :data:`WRITERS`) over the text stream ``out``."""
    try:
        factory = WRITERS[to]
    except KeyError:
        raise ValueError(f"unknown export {to!r}; known: {', '.join(WRITERS)}") from None
    return factory(out)


def write_records(
    records: Iterable[Record],
    out: IO[str] | str | os.PathLike[str],
    *,
    to: str = "jsonl",
) -> int:
    """Write ``records`` to ``out`` as ``to`` (``jsonl``, ``csv`` or ``csl-json``); returns
    how many were written.

    ``out`` is a text stream or a path (written as UTF-8; for CSV with ``newline=""``, as the
    :mod:`csv` module needs). Records are written as they come from the iterable, so
    ``write_records(recordparse.read(dump, errors="skip"), "dump.csv", to="csv")`` streams.
    """
    if isinstance(out, (str, os.PathLike)):
        with open(out, "w", encoding="utf-8", newline="") as handle:
            return write_records(records, handle, to=to)
    writer = open_writer(to, out)
    count = 0
    for record in records:
        if not isinstance(record, Record):
            raise TypeError(
                f"write_records takes Records, not {type(record).__name__} "
                "(read with errors='skip' or filter out the failures first)"
            )
        writer.write(record)
        count += 1
    writer.close()
    return count
