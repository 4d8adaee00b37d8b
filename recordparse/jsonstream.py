"""Streaming JSON: the items of one array inside a large document, and JSON Lines.

A DOAJ data-dump batch is one JSON array of up to 100,000 articles; a Solr select response keeps
its documents under ``response.docs``. :class:`JsonStream` reads such documents incrementally:
it walks the enclosing objects key by key, decodes every other value whole (they are small:
headers, facets) into :attr:`JsonStream.context`, and yields the items of the wanted array one
at a time with their position, using the stdlib decoder (C speed; integers stay exact).

A broken item does not end the stream where the format allows resynchronising: the stream skips
to the next line that starts a new item and reports the skipped item as a
:class:`~recordparse.errors.Failure`.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator, Sequence
from typing import Any

import attrs

from .errors import Failure, LimitExceeded, RecordError, RecordParseError, snippet
from .record import Position
from .sources import Input, Limits, decode_text, detect_encoding, iter_lines

__all__ = ["JsonItem", "JsonStream", "iter_json_lines", "loads"]

_CHUNK = 1 << 20
_WS = " \t\r\n"
_DECODER = json.JSONDecoder()


@attrs.frozen
class JsonItem:
    """One decoded JSON value with its 1-based item ``number``, ``line`` and byte ``offset``."""

    value: Any
    number: int
    line: int
    offset: int


def loads(text: str | bytes) -> Any:
    """``json.loads`` that raises only ``ValueError`` (also for too-deep nesting)."""
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


class _EndOfInput(RecordParseError):
    pass


class JsonStream:
    """Incremental reader over one JSON document. See the module docstring."""

    def __init__(self, inp: Input, *, limits: Limits | None = None, parser_name: str | None = None) -> None:
        self.inp = inp
        self.limits = limits or Limits()
        self.parser_name = parser_name
        encoding, bom, _ = detect_encoding(inp.head, inp.encoding)
        self._encoding = encoding
        self._decoder = codecs.getincrementaldecoder(encoding)("strict")
        self._stream = inp.stream
        if bom:
            self._stream.read(bom)
        self._buf = ""
        self._pos = 0
        self._eof = False
        self._line = 1
        self._offset = bom  # line and byte offset of self._buf[0]
        self._fell_back = False
        self._mark = (0, 1, bom)  # (buffer index, line, byte offset) last computed
        #: Top-level (and enclosing) keys read while looking for the array, with their values.
        self.context: dict[str, Any] = {}

    # -- buffer ------------------------------------------------------------------------------
    def _fill(self) -> bool:
        if self._eof:
            return False
        raw = self._stream.read(_CHUNK)
        if not raw:
            self._eof = True
            tail = self._decoder.decode(b"", final=True) if not self._fell_back else ""
            self._buf += tail
            return bool(tail)
        try:
            text = self._decoder.decode(raw) if not self._fell_back else decode_text(raw, "cp1252")[0]
        except UnicodeDecodeError:
            self._fell_back = True
            text, _ = decode_text(raw, self._encoding)
        self._buf += text
        return True

    def _compact(self) -> None:
        if self._pos > _CHUNK:
            line, offset = self._where()
            self._buf = self._buf[self._pos :]
            self._pos = 0
            self._mark = (0, line, offset)
            self._line, self._offset = line, offset

    def _where(self) -> tuple[int, int]:
        """(line, byte offset) of the current position, counted on from the last mark."""
        index, line, offset = self._mark
        pos = self._pos
        if pos < index:  # never expected: positions only move forward
            index, line, offset = 0, self._line, self._offset
        done = self._buf[index:pos]
        enc = self._encoding if not self._fell_back else "cp1252"
        line += done.count("\n")
        offset += len(done.encode(enc, "replace")) if not done.isascii() else len(done)
        self._mark = (pos, line, offset)
        return line, offset

    def _skip_ws(self) -> str:
        while True:
            buf = self._buf
            n = len(buf)
            pos = self._pos
            while pos < n and buf[pos] in _WS:
                pos += 1
            self._pos = pos
            if pos < n:
                return buf[pos]
            if not self._fill():
                return ""

    def _error(self, reason: str, number: int | None = None) -> RecordError:
        line, offset = self._where()
        return RecordError(
            Position(self.inp.name, number or 1, line, offset),
            reason,
            kind="syntax",
            snippet_text=snippet(self._buf[self._pos : self._pos + 120]),
            parser=self.parser_name,
        )

    def _expect(self, char: str) -> None:
        if self._skip_ws() != char:
            found = self._buf[self._pos : self._pos + 1] or "end of input"
            raise self._error(f"expected {char!r}, found {found!r}")
        self._pos += 1

    def _value(self) -> Any:
        """Decode the next value, refilling the buffer while it is incomplete."""
        self._skip_ws()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._eof or (exc.pos < len(self._buf) - 1 and not _incomplete(exc)):
                    raise
                if len(self._buf) - self._pos > self.limits.max_record:
                    raise LimitExceeded(self.inp.name, f"a JSON value larger than {self.limits.max_record} bytes") from None
                if not self._fill():
                    raise
                continue
            except RecursionError:
                raise json.JSONDecodeError("nested too deeply", self._buf, self._pos) from None
            # a number at the buffer's end may continue in the next chunk
            if end >= len(self._buf) and isinstance(value, (int, float)) and self._fill():
                continue
            self._pos = end
            return value

    # -- public ------------------------------------------------------------------------------
    def first_char(self) -> str:
        """The first significant character of the document (``{`` or ``[``; '' when empty)."""
        return self._skip_ws()

    def items(self, path: Sequence[str] = ()) -> Iterator[JsonItem | Failure]:
        """Yield the items of the array at ``path`` (keys of nested objects).

        With ``path=()`` a top-level array yields its items and a top-level object yields itself.
        If the path is not in the document nothing is yielded and :attr:`context` holds what was
        read. A syntax error that cannot be skipped yields one ``Failure`` and ends the stream.
        """
        try:
            yield from self._items(list(path))
        except RecordError as exc:
            yield exc.to_failure()
        except json.JSONDecodeError as exc:
            yield self._error(f"invalid JSON: {exc.msg}").to_failure()

    def _items(self, path: list[str]) -> Iterator[JsonItem | Failure]:
        first = self._skip_ws()
        if not first:
            return
        if not path:
            if first == "[":
                yield from self._array_items()
            else:
                line, offset = self._where()
                yield JsonItem(self._value(), 1, line, offset)
                self._trailing()
            return
        self._expect("{")
        key_wanted = path[0]
        while True:
            c = self._skip_ws()
            if c == "}":
                self._pos += 1
                return
            if c == ",":
                self._pos += 1
                continue
            key = self._value()
            if not isinstance(key, str):
                raise self._error("object key expected")
            self._expect(":")
            if key == key_wanted:
                if len(path) == 1:
                    if self._skip_ws() == "[":
                        yield from self._array_items()
                    else:
                        self.context[key] = self._value()
                else:
                    yield from self._items(path[1:])
            else:
                self.context[key] = self._value()

    def _trailing(self) -> None:
        c = self._skip_ws()
        if c:
            raise self._error("extra data after the JSON document")

    def _array_items(self) -> Iterator[JsonItem | Failure]:
        self._expect("[")
        number = 0
        while True:
            c = self._skip_ws()
            if c == "]":
                self._pos += 1
                return
            if c == ",":
                self._pos += 1
                continue
            if not c:
                number += 1
                raise self._error("the input ends inside the array (truncated)", number)
            number += 1
            line, offset = self._where()
            try:
                value = self._value()
            except json.JSONDecodeError as exc:
                failure = Failure(
                    Position(self.inp.name, number, line, offset),
                    f"invalid JSON: {exc.msg}",
                    kind="truncated" if self._eof and exc.pos >= len(self._buf) - 1 else "syntax",
                    snippet=snippet(self._buf[self._pos : self._pos + 120]),
                    parser=self.parser_name,
                )
                yield failure
                if not self._resync():
                    return
                continue
            yield JsonItem(value, number, line, offset)
            self._compact()

    def _resync(self) -> bool:
        """Skip to the next line that starts an array item (``{`` after a newline)."""
        while True:
            idx = self._buf.find("\n", self._pos + 1)
            while idx >= 0:
                j = idx + 1
                while j < len(self._buf) and self._buf[j] in " \t\r,":
                    j += 1
                if j < len(self._buf) and self._buf[j] in "{[":
                    self._pos = j
                    return True
                if j < len(self._buf) and self._buf[j] == "]":
                    self._pos = j
                    return True
                idx = self._buf.find("\n", idx + 1)
            self._pos = len(self._buf)
            self._compact()
            if not self._fill():
                return False


def _incomplete(exc: json.JSONDecodeError) -> bool:
    return exc.msg.startswith(("Unterminated string", "Expecting", "Unterminated"))


def iter_json_lines(
    inp: Input, *, limits: Limits | None = None, parser_name: str | None = None
) -> Iterator[JsonItem | Failure]:
    """Yield each non-blank line of a JSON Lines input decoded, or a Failure for a bad line."""
    number = 0
    for line in iter_lines(inp, limits=limits):
        text = line.text.strip()
        if not text:
            continue
        number += 1
        try:
            value = loads(text)
        except ValueError as exc:
            yield Failure(
                Position(inp.name, number, line.number, line.offset),
                f"invalid JSON line: {exc}",
                kind="syntax",
                snippet=snippet(text),
                parser=parser_name,
            )
            continue
        yield JsonItem(value, number, line.number, line.offset)
