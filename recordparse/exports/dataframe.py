"""``to_dataframe``: records as a pandas DataFrame with the flat columns of the CSV export.

pandas is an optional dependency (``pip install "recordparse[pandas]"``); it is imported only
when :func:`to_dataframe` is called, so ``import recordparse`` never pays for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

from ..record import Record
from .csv import COLUMNS, flatten

__all__ = ["to_dataframe"]

_MISSING = (
    'recordparse.to_dataframe needs pandas, which is not installed; install the "pandas" extra: '
    'pip install "recordparse[pandas]"'
)


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError as exc:
        raise ImportError(_MISSING) from exc


def to_dataframe(records: Iterable[Record]) -> Any:
    """A :class:`pandas.DataFrame` with one row per record and the columns of
    :data:`recordparse.exports.csv.COLUMNS` (lists joined with ``"; "``, ``extra`` as JSON,
    absent values as missing; ``record``, the record number, as a nullable integer).

    ``records`` may be any iterable, such as :func:`recordparse.read`'s stream. A
    :class:`~recordparse.Failure` in it raises :class:`TypeError`: read with ``errors="skip"``
    or filter the failures first, so that none is dropped unnoticed. Raises :class:`ImportError`
    naming the ``pandas`` extra when pandas is not installed.
    """
    pandas = _pandas()
    rows = []
    for item in records:
        if not isinstance(item, Record):
            raise TypeError(
                f"to_dataframe takes Records, not {type(item).__name__} "
                "(read with errors='skip' or filter out the failures first)"
            )
        rows.append(flatten(item))
    frame = pandas.DataFrame.from_records(rows, columns=list(COLUMNS))
    frame["record"] = frame["record"].astype("Int64")  # whole numbers, missing where unknown
    return frame
