"""recordparse: scholarly repository record dumps in, one typed :class:`Record` out.

>>> import recordparse
>>> record = recordparse.parse("page.txt")            # doctest: +SKIP
>>> for record in recordparse.read("harvest/"):       # doctest: +SKIP
...     print(record.doi, record.access.status)

The public API is re-exported here; everything else is an implementation detail.
"""

from __future__ import annotations

from .builder import RecordBuilder
from .errors import (
    Failure,
    FormatError,
    LimitExceeded,
    NoRecordError,
    PluginError,
    RecordError,
    RecordParseError,
    SourceError,
    TooManyRecordsError,
    UnknownFormatError,
)
from .exports import to_dataframe, write_records
from .formats.base import Parser, RawRecord
from .reading import detect, parse, read
from .record import ACCESS_STATUSES, COAR_URIS, Access, Flag, Person, Position, Record
from .registry import Candidate, Registry, default_registry
from .sources import Input, Limits, RecordParseWarning
from .validators import CheckContext, check

__version__ = "0.1.0"

__all__ = [
    "ACCESS_STATUSES",
    "COAR_URIS",
    "Access",
    "Candidate",
    "CheckContext",
    "Failure",
    "Flag",
    "FormatError",
    "Input",
    "LimitExceeded",
    "Limits",
    "NoRecordError",
    "Parser",
    "Person",
    "PluginError",
    "Position",
    "RawRecord",
    "Record",
    "RecordBuilder",
    "RecordError",
    "RecordParseError",
    "RecordParseWarning",
    "Registry",
    "SourceError",
    "TooManyRecordsError",
    "UnknownFormatError",
    "__version__",
    "check",
    "default_registry",
    "detect",
    "parse",
    "read",
    "to_dataframe",
    "write_records",
]
