"""One exception tree under :class:`RecordParseError`, and :class:`Failure`, an error as a value.

Every failure recordparse reports names what went wrong and where: the source (archive members
joined with ``!``), the record number, and the line and byte offset where the format can tell.
``str(exc)`` is one line a person can act on; the structured parts are attributes.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from .record import Position

__all__ = [
    "Failure",
    "FormatError",
    "LimitExceeded",
    "NoRecordError",
    "PluginError",
    "RecordError",
    "RecordParseError",
    "SourceError",
    "TooManyRecordsError",
    "UnknownFormatError",
    "one_line",
]

_SNIPPET_LIMIT = 200
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped (``\\n``), so that an
    error message built from input (an archive member name, a parser's message) stays one line."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


def snippet(text: str | bytes | None, limit: int = _SNIPPET_LIMIT) -> str | None:
    """A short, escaped excerpt for error messages (never more than ``limit`` characters)."""
    if text is None:
        return None
    if isinstance(text, bytes):
        text = text[: limit * 4].decode("utf-8", "replace")
    text = text[:limit]
    return text.encode("unicode_escape").decode("ascii")[:limit]


class RecordParseError(Exception):
    """Base class of every exception recordparse raises on purpose."""


class SourceError(RecordParseError):
    """A source could not be opened, decompressed or decoded at all."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(one_line(f"{source}: {reason}"))


class LimitExceeded(SourceError):
    """A safety limit (decompressed size, ratio, record size, line length) was hit."""


class UnknownFormatError(RecordParseError):
    """No parser could be chosen for a source, or the named one does not exist."""

    def __init__(self, source: str, reason: str, known: list[str]) -> None:
        self.source = source
        self.reason = reason
        self.known = known
        super().__init__(one_line(f"{source}: {reason}; known formats: {', '.join(known)}"))


class FormatError(RecordParseError):
    """A parser declaration is invalid (duplicate name, missing attributes)."""


class PluginError(RecordParseError):
    """A third-party plugin failed to load or misbehaved; names the plugin and its package."""

    def __init__(self, name: str, distribution: str | None, reason: str) -> None:
        self.name = name
        self.distribution = distribution
        self.reason = reason
        where = f" (from {distribution})" if distribution else ""
        super().__init__(one_line(f"plugin {name!r}{where}: {reason}"))


class RecordError(RecordParseError):
    """One record (or the framing around it) could not be read.

    Carries the :class:`~recordparse.record.Position`, the record id when known, a ``kind``
    (``syntax``, ``encoding``, ``truncated``, ``mapping``, ``limit``, ``deleted`` ...), the
    ``reason`` and a short escaped ``snippet`` of the offending input.
    """

    def __init__(
        self,
        position: Position,
        reason: str,
        *,
        kind: str = "syntax",
        record_id: str | None = None,
        snippet_text: str | None = None,
        parser: str | None = None,
    ) -> None:
        self.position = position
        self.reason = reason
        self.kind = kind
        self.record_id = record_id
        self.snippet = snippet_text
        self.parser = parser
        super().__init__(self._message())

    def _message(self) -> str:
        ident = f" ({self.record_id})" if self.record_id else ""
        fmt = f" [{self.parser}]" if self.parser else ""
        return one_line(f"{self.position}{ident}{fmt}: {self.kind}: {self.reason}")

    def to_failure(self) -> Failure:
        return Failure(
            position=self.position,
            reason=self.reason,
            kind=self.kind,
            record_id=self.record_id,
            snippet=self.snippet,
            parser=self.parser,
        )


class NoRecordError(RecordParseError):
    """:func:`recordparse.parse` found no record in its source."""


class TooManyRecordsError(RecordParseError):
    """:func:`recordparse.parse` found more than one record in its source."""


@attrs.frozen
class Failure:
    """A record that could not be read, yielded in its place with ``errors="collect"``.

    It carries the same facts as :class:`RecordError`; :meth:`to_error` turns it back into the
    exception, :meth:`to_dict` into JSON-ready data for logs.
    """

    position: Position
    reason: str
    kind: str = "syntax"
    record_id: str | None = None
    snippet: str | None = None
    parser: str | None = None

    @property
    def source(self) -> str:
        return self.position.source

    @property
    def record(self) -> int:
        return self.position.record

    @property
    def line(self) -> int | None:
        return self.position.line

    @property
    def byte_offset(self) -> int | None:
        return self.position.byte_offset

    def to_error(self) -> RecordError:
        return RecordError(
            self.position,
            self.reason,
            kind=self.kind,
            record_id=self.record_id,
            snippet_text=self.snippet,
            parser=self.parser,
        )

    def __str__(self) -> str:
        return str(self.to_error())

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.position.source,
            "record": self.position.record,
            "line": self.position.line,
            "byte_offset": self.position.byte_offset,
            "kind": self.kind,
            "reason": self.reason,
            "record_id": self.record_id,
            "snippet": self.snippet,
            "parser": self.parser,
        }
