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
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TypeGuard

import attrs

from .errors import Failure, LimitExceeded, RecordError, RecordParseError, snippet
from .record import Position
from .sources import (
    Input,
    Limits,
    decode_text,
    decode_utf8_else_cp1252,
    detect_encoding,
    iter_lines,
)

__all__ = ["JsonItem", "JsonStream", "is_mapping", "iter_json_lines", "loads"]

_CHUNK = 1 << 20
_WS = " \t\r\n"


def _finite_float(text: str) -> float | str:
    """A JSON number as a float, or its source text when a float cannot hold it (``1e999``)."""
    value = float(text)
    return value if math.isfinite(value) else text


# ``NaN``, ``Infinity`` and overflowing numbers are kept as their source text: as floats they
# would make every JSON export of the record invalid JSON (``NaN`` is not JSON).
_DECODER = json.JSONDecoder(parse_constant=str, parse_float=_finite_float)


# A decoded JSON string can hold a lone surrogate (U+D800..U+DFFF, not a character) only by way
# of a \uD800-\uDFFF escape: the text decoders never make one (they replace or reject what is not
# a character). One C-speed search over an item's source text tells whether it has such an
# escape; an escaped backslash followed by ``ud8..`` is a harmless false alarm.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


@attrs.frozen
class JsonItem:
    """One decoded JSON value with its 1-based item ``number``, ``line`` and byte ``offset``.

    ``may_hold_surrogates`` is False when the item's source text has no ``\\uD800``-``\\uDFFF``
    escape, so no string in ``value`` holds a lone surrogate and the record built from it needs
    no scan for them (``RecordBuilder(..., may_hold_surrogates=False)``).
    """

    value: Any
    number: int
    line: int
    offset: int
    may_hold_surrogates: bool = True


def is_mapping(value: Any) -> TypeGuard[Mapping[str, Any]]:
    """``isinstance(value, Mapping)``, with the decoder's ``dict`` (nearly every JSON object)
    tested first: the ABC check costs several times a type test, and mapping one record asks
    it some twenty times."""
    return type(value) is dict or (value is not None and isinstance(value, Mapping))


def loads(text: str | bytes) -> Any:
    """``json.loads`` that raises only ``ValueError`` (also for too-deep nesting)."""
    try:
        return json.loads(text, parse_constant=str, parse_float=_finite_float)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


class _EndOfInput(RecordParseError):
    pass


class JsonStream:
    """Incremental reader over one JSON document. See the module docstring."""

    def __init__(self, inp: Input, *, limits: Limits | None = None, parser_name: str | None = None) -> None:
        self.inp = inp
        self.limits = limits or inp.limits or Limits()
        self.parser_name = parser_name
        encoding, bom, note = detect_encoding(inp.head, inp.encoding)
        if encoding == "cp1252" and note and note.startswith("not valid UTF-8"):
            encoding = "utf-8"  # mixed: see _fill, which keeps every valid UTF-8 line intact
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
        self._start = 0  # buffer index where the value last decoded starts
        self._count = 0  # items yielded (or failed) so far: numbers never restart or go back
        self._ended = False  # a broken item ended the stream: nothing after it is read
        #: Top-level (and enclosing) keys read while looking for the array, with their values.
        self.context: dict[str, Any] = {}

    # -- buffer ------------------------------------------------------------------------------
    def _fill(self) -> bool:
        """Append the next chunk of text to the buffer; False at the end of the input.

        The text already read, up to the start of the current line, is dropped first: the
        buffer is copied once per chunk (appending to it copies it anyway), and it holds no
        more than that line's read part (at most a chunk), the value being read and one chunk."""
        if self._eof:
            return False
        raw = self._stream.read(_CHUNK)
        if not raw:
            self._eof = True
            try:
                tail = self._decoder.decode(b"", final=True) if not self._fell_back else ""
            except UnicodeDecodeError:  # the input ends inside a character (odd UTF-16 length)
                tail = "\ufffd"
            self._buf += tail
            return bool(tail)
        try:
            text = self._decoder.decode(raw) if not self._fell_back else decode_text(raw, "cp1252")[0]
        except UnicodeDecodeError:
            if self._encoding == "utf-8":
                text = self._mixed(raw)
            else:
                self._fell_back = True
                text, _ = decode_text(raw, self._encoding)
        self._drop_read()
        self._buf += text
        return True

    def _mixed(self, raw: bytes) -> str:
        """Decode a UTF-8 chunk that holds bytes that are not UTF-8: only those bytes are read
        as windows-1252 (:func:`decode_utf8_else_cp1252`), every valid character and every later
        chunk stays UTF-8, so one bad record does not turn the rest into mojibake. (Byte offsets
        after such a byte are counted as UTF-8, so they may be off by a byte or two.)"""
        data = self._decoder.getstate()[0] + raw
        self._decoder.reset()
        # a character cut by the chunk's end is left for the next chunk
        keep = _cut_character(data)
        text = decode_utf8_else_cp1252(data[: len(data) - keep])
        try:
            return text + self._decoder.decode(data[len(data) - keep :])
        except UnicodeDecodeError:  # not the start of a character after all (0xF5..0xFF)
            self._decoder.reset()
            return text + decode_utf8_else_cp1252(data[len(data) - keep :])

    def _compact(self) -> None:
        if self._pos > _CHUNK:
            line, offset = self._where()
            self._buf = self._buf[self._pos :]
            self._pos = 0
            self._mark = (0, line, offset)
            self._line, self._offset = line, offset

    def _drop_read(self) -> None:
        """Drop the buffer's text before the current line, so that an item's column, which
        resynchronising after a broken item relies on, stays known; but never keep more than
        a chunk of read text (a line that long, or no line break: drop up to the position)."""
        pos = self._pos
        cut = self._buf.rfind("\n", max(0, pos - _CHUNK), pos) + 1 or pos
        if not cut:
            return
        line, offset = self._where()
        kept = self._buf[cut:pos]
        self._buf = self._buf[cut:]
        self._pos = pos - cut
        self._mark = (self._pos, line, offset)
        self._line, self._offset = line, offset - self._byte_length(kept)

    def _byte_length(self, text: str) -> int:
        """How many bytes of the input ``text`` was decoded from."""
        if text.isascii():
            return len(text)
        return len(text.encode(self._encoding if not self._fell_back else "cp1252", "replace"))

    def _where(self) -> tuple[int, int]:
        """(line, byte offset) of the current position, counted on from the last mark."""
        index, line, offset = self._mark
        pos = self._pos
        if pos < index:  # never expected: positions only move forward
            index, line, offset = 0, self._line, self._offset
        buf = self._buf
        line += _newlines(buf, index, pos)
        # str.isascii() is a flag lookup: in an ASCII buffer a character is a byte
        offset += pos - index if buf.isascii() else self._byte_length(buf[index:pos])
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
            Position(self.inp.name, number or self._count + 1, line, offset),
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

    def _escapes_surrogate(self) -> bool:
        """Whether the value just decoded has a ``\\uD800``-``\\uDFFF`` escape in its text
        (``buf[_start:_pos]``). Most items have no backslash at all, which one ``find`` tells
        (many times faster than the search, which then starts at the first backslash)."""
        first = self._buf.find("\\", self._start, self._pos)
        return first >= 0 and _SURROGATE_ESCAPE.search(self._buf, first, self._pos) is not None

    def _value(self) -> Any:
        """Decode the next value, refilling the buffer while it is incomplete."""
        self._skip_ws()
        while True:
            try:
                value, end = _DECODER.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                # an error in the last characters may be a value cut by the chunk's end (a
                # ``\\u00e9`` escape cut in two): read on before believing it
                if self._eof or (exc.pos < len(self._buf) - 6 and not _incomplete(exc)):
                    raise
                if len(self._buf) - self._pos > self.limits.max_record:
                    raise LimitExceeded(self.inp.name, f"a JSON value larger than {self.limits.max_record} bytes") from None
                if not self._fill():
                    raise
                continue
            except RecursionError:
                raise json.JSONDecodeError("nested too deeply", self._buf, self._pos) from None
            except ValueError as exc:  # an integer of more than 4300 digits (CPython's limit)
                raise json.JSONDecodeError(str(exc), self._buf, self._pos) from None
            # a number at the buffer's end may continue in the next chunk, also when what is
            # there already reads as a shorter number (``4.`` of ``4.117``, ``1e`` of ``1e5``)
            if isinstance(value, (int, float)) and _NUMBER_TAIL.fullmatch(self._buf, end) and self._fill():
                continue
            self._start = self._pos  # where the value's text starts: _fill may have moved it
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
                yield from self._documents()
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
                if self._ended:
                    return
            else:
                self.context[key] = self._value()

    def _documents(self) -> Iterator[JsonItem | Failure]:
        """Top-level values one after another: a single document, or JSON Lines (concatenated
        documents) that the parser did not recognise as such, for instance because the first
        line is broken or starts with a BOM. A broken document is one Failure; reading goes on
        at the next line that starts (at column 0) a new one, so it costs no other record."""
        while self._skip_ws():
            line, offset = self._where()
            try:
                value = self._value()
            except json.JSONDecodeError as exc:
                self._count += 1
                truncated = self._eof and exc.pos >= len(self._buf) - 1
                text = snippet(self._buf[self._pos : self._pos + 120])
                resumed = not truncated and self._resync(0)
                yield Failure(
                    Position(self.inp.name, self._count, line, offset),
                    f"invalid JSON: {exc.msg}" + ("" if resumed else "; nothing after it could be read"),
                    kind="truncated" if truncated else "syntax",
                    snippet=text,
                    parser=self.parser_name,
                )
                if not resumed:
                    return
                continue
            self._count += 1
            yield JsonItem(value, self._count, line, offset, self._escapes_surrogate())

    def _array_items(self) -> Iterator[JsonItem | Failure]:
        self._expect("[")
        # The column at which items start, learned from the items that parsed: resynchronising
        # after a broken item only lands on a line whose item starts at that same column, so a
        # nested object of a pretty-printed item is never taken for the next item.
        item_column: int | None = None
        while True:
            c = self._skip_ws()
            if c == "]":
                self._pos += 1
                return
            if c == ",":
                self._pos += 1
                continue
            if not c:
                raise self._error("the input ends inside the array (truncated)", self._count + 1)
            self._count += 1
            number = self._count
            line, offset = self._where()
            column = self._pos - (self._buf.rfind("\n", 0, self._pos) + 1)
            try:
                value = self._value()
            except json.JSONDecodeError as exc:
                truncated = self._eof and exc.pos >= len(self._buf) - 1
                text = snippet(self._buf[self._pos : self._pos + 120])
                if item_column is None:  # the first item: the others start where it started
                    item_column = column if line > 1 else 0
                resumed = not truncated and self._resync(item_column)
                yield Failure(
                    Position(self.inp.name, number, line, offset),
                    f"invalid JSON: {exc.msg}" + ("" if resumed else "; nothing after it could be read"),
                    kind="truncated" if truncated else "syntax",
                    snippet=text,
                    parser=self.parser_name,
                )
                if not resumed:
                    self._ended = True  # the failure above covers the rest of the input
                    return
                continue
            # an item right after ``[`` on the first line: the rest follow ``,\n`` at column 0
            item_column = column if line > 1 else 0
            yield JsonItem(value, number, line, offset, self._escapes_surrogate())

    def _resync(self, column: int) -> bool:
        """Skip to the next line whose item (``{``/``[`` after optional ``,``) starts at ``column``,
        or to the array's closing ``]``."""
        while True:
            idx = self._buf.find("\n", self._pos + 1)
            while idx >= 0:
                j = idx + 1
                while j < len(self._buf) and self._buf[j] in " \t\r,":
                    j += 1
                if j < len(self._buf) and self._buf[j] in "{[" and j - idx - 1 == column:
                    self._pos = j
                    return True
                if j < len(self._buf) and self._buf[j] == "]" and j - idx - 1 < max(column, 1):
                    self._pos = j
                    return True
                idx = self._buf.find("\n", idx + 1)
            self._pos = len(self._buf)
            self._compact()
            if not self._fill():
                return False


_NUMBER_TAIL = re.compile(r"[0-9.eE+-]*")

#: Newlines :func:`_newlines` finds one by one before it counts the rest.
_FEW_NEWLINES = 8


def _newlines(text: str, start: int, end: int) -> int:
    """``text.count("\\n", start, end)``, faster for the usual item of a dump (one line).

    ``str.count`` compares every character, ``str.find`` of one character runs memchr: for an
    item with a newline or two, finding them is three times faster than counting. A
    pretty-printed item (a newline every few characters) is counted after the first few."""
    found = 0
    at = text.find("\n", start, end)
    while at != -1:
        found += 1
        if found == _FEW_NEWLINES:
            return found + text.count("\n", at + 1, end)
        at = text.find("\n", at + 1, end)
    return found


def _cut_character(data: bytes) -> int:
    """How many bytes at the end of ``data`` start a UTF-8 character that is not complete."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return 0
        if byte >= 0xC0:  # a lead byte: is its sequence complete?
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return back if back < need else 0
    return 0


def _incomplete(exc: json.JSONDecodeError) -> bool:
    return exc.msg.startswith(("Unterminated string", "Expecting", "Unterminated"))


def iter_json_lines(
    inp: Input, *, limits: Limits | None = None, parser_name: str | None = None
) -> Iterator[JsonItem | Failure]:
    """Yield each non-blank line of a JSON Lines input decoded, or a Failure for a bad line.

    A line longer than the input's ``max_line`` is one Failure (``kind="limit"``) in its
    place: its bytes are read past, never held, and the lines after it are read on."""
    number = 0
    long_lines: list[tuple[int, int]] = []  # (line, offset) reported by iter_lines, not yet yielded

    def too_long(line_number: int, offset: int) -> None:
        long_lines.append((line_number, offset))

    def long_failures() -> Iterator[Failure]:
        nonlocal number
        for line_number, offset in long_lines:
            number += 1
            yield Failure(
                Position(inp.name, number, line_number, offset),
                f"line {line_number} is longer than {(limits or inp.limits or Limits()).max_line} bytes; skipped",
                kind="limit",
                parser=parser_name,
            )
        long_lines.clear()

    for line in iter_lines(inp, limits=limits, on_long_line=too_long):
        if long_lines:
            yield from long_failures()
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
        yield JsonItem(
            value, number, line.number, line.offset, _SURROGATE_ESCAPE.search(text) is not None
        )
    yield from long_failures()
