"""Opening sources: paths, bytes, file objects, directories and archives, with bounded decompression.

A *source* is what a caller hands to :func:`recordparse.read`. It opens into one or more
:class:`Input` objects: one per file, per archive member, per nested compressed layer. An Input
is a binary stream of decompressed bytes plus a name that tells where it came from
(``dump.tar.gz!batch_1.json``). Containers are recognised by their magic bytes, never by their
names, and lxml or any other parser never sees a file name: only bytes that recordparse read.

Decompression is bounded (total bytes and compression ratio); hitting a bound raises
:class:`~recordparse.errors.LimitExceeded`, a corrupt or truncated stream raises
:class:`~recordparse.errors.SourceError` at the point where it is noticed.

This module also decodes text: :func:`detect_encoding` decides from a BOM, a declared charset or a
strict UTF-8 check, and :func:`iter_lines` yields numbered lines with their byte offsets.
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import itertools
import lzma
import os
import re
import tarfile
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, NamedTuple, cast

import attrs

from .errors import LimitExceeded, RecordParseError, SourceError

__all__ = [
    "HEAD_SIZE",
    "Input",
    "Limits",
    "RecordParseWarning",
    "TextLine",
    "declared_label",
    "decode_mixed",
    "decode_text",
    "decode_utf8_else_cp1252",
    "detect_encoding",
    "iter_lines",
    "open_inputs",
    "read_all",
    "read_text",
]

#: How many bytes of each input are available to :meth:`Parser.sniff <recordparse.Parser.sniff>`.
HEAD_SIZE = 64 * 1024
_CHUNK = 64 * 1024
_MAX_NESTING = 4


class RecordParseWarning(UserWarning):
    """Something was read but deserves attention (an encoding fallback, a recovered value)."""


@attrs.frozen
class Limits:
    """Safety bounds applied while opening sources. None of them is unlimited by default.

    ``max_bytes``: decompressed bytes per input; ``max_ratio``: decompressed/compressed ratio,
    checked once ``ratio_after`` bytes were produced; ``max_line``: bytes in one line of a
    line-based format; ``max_record``: bytes in one record of a framed format; ``max_zip``:
    bytes of a zip archive, which must be held in memory to read its central directory (zip
    cannot be streamed, and nothing is ever written to disk).
    """

    max_bytes: int = 64 * 1024**3
    # Real dumps compress 5-20 times (very repetitive ones 50-100); deflate cannot exceed about
    # 1030, so a limit of 1000 let every gzip bomb through to ``max_bytes``.
    max_ratio: float = 200.0
    ratio_after: int = 16 * 1024**2
    max_line: int = 16 * 1024**2
    max_record: int = 64 * 1024**2
    max_zip: int = 512 * 1024**2


class _Counting(io.RawIOBase):
    """Counts the bytes read through it (the compressed side of a decompressor)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        return n


class _Bounded(io.RawIOBase):
    """Reads a decompressor, enforcing :class:`Limits` and normalising its exceptions.

    The compression ratio is checked against ``counter`` (this layer's compressed bytes) and
    against ``source`` (the bytes read from the source itself, below every layer): each layer
    of ``gzip(gzip(...))`` may stay under ``max_ratio`` while together they multiply far past
    it, which is how nested bombs pass a check made layer by layer."""

    def __init__(
        self,
        name: str,
        inner: IO[bytes],
        counter: _Counting | None,
        limits: Limits,
        source: _Counting | None = None,
    ) -> None:
        self._name = name
        self._inner = inner
        # one decompressor read per call: a buffered read(n) that fails half-way drops the
        # bytes it had already decoded (the records before a corrupt tail)
        self._read = getattr(inner, "read1", inner.read)
        # each counter once: the outermost layer's own count is the source's
        self._counters = tuple({id(c): c for c in (counter, source) if c is not None}.values())
        self._limits = limits
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._read(len(buffer))
        except (
            EOFError, OSError, zlib.error, lzma.LZMAError, ValueError, tarfile.TarError,
            zipfile.BadZipFile, NotImplementedError, RuntimeError,
        ) as exc:
            reason = str(exc) or type(exc).__name__
            if "crc" in reason.lower() or "incorrect length" in reason.lower():
                reason += "; every record read from this compressed stream may be damaged"
            raise SourceError(
                self._name, f"corrupt or truncated compressed data after {self.produced} bytes: {reason}"
            ) from None
        n = len(data)
        buffer[:n] = data
        self.produced += n
        limits = self._limits
        if self.produced > limits.max_bytes:
            raise LimitExceeded(
                self._name, f"decompressed size exceeds the limit of {limits.max_bytes} bytes"
            )
        if self.produced > limits.ratio_after:
            for counter in self._counters:
                ratio = self.produced / max(counter.count, 1)
                if ratio > limits.max_ratio:
                    raise LimitExceeded(
                        self._name,
                        f"compression ratio {ratio:.0f} exceeds the limit of {limits.max_ratio:.0f} "
                        "(a decompression bomb?)",
                    )
        return n


class _Replaying(io.BufferedIOBase):
    """The stream of one layer: replays the sniffed head, then reads on, one chunk at a time.

    An error from below (a corrupt gzip tail, a failed CRC, a truncated archive) is raised only
    after every byte decoded before it has been returned. ``io.BufferedReader`` cannot promise
    that: a ``read(n)`` whose second raw read fails drops the bytes of the first, so the records
    in front of the damage would be lost instead of read.
    """

    def __init__(self, head: bytes, rest: IO[bytes], error: RecordParseError | None = None) -> None:
        self._buf = head
        self._pos = 0  # bytes of _buf already returned
        self._read_rest = getattr(rest, "read1", rest.read)
        self._error = error
        self._eof = False

    def readable(self) -> bool:
        return True

    def _chunk(self) -> bytes:
        """The next chunk from below; b"" at the end or once an error is pending."""
        if self._eof or self._error is not None:
            return b""
        try:
            chunk: bytes = self._read_rest(_CHUNK)
        except RecordParseError as exc:
            self._error = exc
            return b""
        if not chunk:
            self._eof = True
        return chunk

    def _more(self) -> bool:
        """Append one chunk to the buffer; False at the end or once an error is pending."""
        chunk = self._chunk()
        if not chunk:
            return False
        self._buf = self._buf[self._pos :] + chunk
        self._pos = 0
        return True

    def _take(self, end: int) -> bytes:
        """Return the buffer up to index ``end``; at the end of the data, raise a pending error."""
        pos = self._pos
        if end <= pos and self._error is not None:
            raise self._error
        self._pos = end
        return self._buf[pos:end]

    def read(self, size: int | None = -1) -> bytes:
        """``read(n)`` returns what was decoded before an error and raises it on the next call;
        ``read()`` (everything) raises it at once, as the whole cannot be had."""
        if size is None or size < 0:
            while self._more():
                pass
            if self._error is not None:
                raise self._error
            return self._take(len(self._buf))
        if size == 0:
            return b""
        have = len(self._buf) - self._pos
        if have < size:  # gather the chunks and join once (appending each would copy the lot)
            parts = [self._buf[self._pos :]]
            while have < size and (chunk := self._chunk()):
                parts.append(chunk)
                have += len(chunk)
            self._buf, self._pos = b"".join(parts), 0
        return self._take(min(len(self._buf), self._pos + size))

    def read1(self, size: int = -1) -> bytes:
        if self._pos >= len(self._buf):
            self._more()
        available = len(self._buf) - self._pos
        return self._take(self._pos + (available if size < 0 else min(size, available)))

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        pos = self._pos
        found = self._buf.find(b"\n", pos)
        if found >= 0 and (size is None or size < 0 or found < pos + size):
            self._pos = found + 1  # the common case, kept short: one call per line
            return self._buf[pos : found + 1]
        return self._readline(size)

    def _readline(self, size: int | None) -> bytes:
        limit = size if size is not None and size >= 0 else -1
        searched = self._pos  # the buffer holds no newline before this index
        while True:
            found = self._buf.find(b"\n", searched)
            if found >= 0:
                end = found + 1
                break
            if limit >= 0 and len(self._buf) - self._pos >= limit:
                end = len(self._buf)
                break
            done = len(self._buf) - self._pos
            if not self._more():
                end = len(self._buf)
                break
            searched = self._pos + done  # _more() moved the unread bytes to the front
        if limit >= 0:
            end = min(end, self._pos + limit)
        return self._take(end)

    def check_end(self) -> None:
        """Raise the error that cut the stream short, if any (for single-shot readers)."""
        if self._pos >= len(self._buf) and self._error is not None:
            raise self._error


def _check_end(stream: IO[bytes]) -> None:
    """After a single large read: raise the error that ended the stream early, so that a
    corrupt compressed tail never passes for a short document."""
    check = getattr(stream, "check_end", None)
    if check is not None:
        check()


def _peek(stream: IO[bytes], size: int) -> tuple[bytes, BinaryIO]:
    """Read up to ``size`` bytes and return them with a stream that still starts at byte 0.

    An error after some bytes were read is kept for the stream to raise after them."""
    read = getattr(stream, "read1", stream.read)
    chunks: list[bytes] = []
    got = 0
    error: RecordParseError | None = None
    while got < size:
        try:
            chunk = read(size - got)
        except RecordParseError as exc:
            if not chunks:
                raise
            error = exc
            break
        if not chunk:
            break
        chunks.append(chunk)
        got += len(chunk)
    head = b"".join(chunks)
    return head, cast(BinaryIO, _Replaying(head, stream, error))


@attrs.define
class Input:
    """One decompressed byte stream with its name and its first bytes for sniffing.

    ``filename`` is the last path component (or archive member name) used for pattern matching;
    ``encoding`` is set when the transport declared one (a text file object); ``limits`` are the
    :class:`Limits` the source was opened with, which the splitters (:func:`iter_lines`,
    ``XmlSplitter``, ``JsonStream``) apply when not given limits of their own.
    """

    name: str
    stream: BinaryIO
    head: bytes
    filename: str = ""
    encoding: str | None = None
    limits: Limits | None = None


def _kind(head: bytes) -> str | None:
    if head[:2] == b"\x1f\x8b":
        return "gzip"
    if head[:3] == b"BZh":
        return "bz2"
    if head[:6] == b"\xfd7zXZ\x00":
        return "xz"
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "tar"
    if head[:4] == b"\x28\xb5\x2f\xfd":
        return "zstd"
    return None


def _unwrap(
    name: str,
    filename: str,
    raw: IO[bytes],
    limits: Limits,
    depth: int,
    encoding: str | None,
    source: _Counting | None = None,
) -> Iterator[Input]:
    """The inputs in ``raw``, unwrapping compression and archives. ``source`` counts the bytes
    read from the source itself once a compressed layer was met (see :class:`_Bounded`)."""
    head, stream = _peek(raw, HEAD_SIZE)
    kind = _kind(head)
    if kind is None:
        yield Input(name=name, stream=stream, head=head, filename=filename, encoding=encoding, limits=limits)
        return
    if depth >= _MAX_NESTING:
        raise LimitExceeded(name, f"archives nested more than {_MAX_NESTING} deep")
    if kind == "zstd":
        raise SourceError(name, "zstd-compressed input is not supported; decompress it first")
    if kind in ("gzip", "bz2", "xz"):
        counter = _Counting(stream)
        compressed = io.BufferedReader(counter, buffer_size=_CHUNK)
        inner: Any
        if kind == "gzip":
            inner = gzip.GzipFile(fileobj=compressed)
        elif kind == "bz2":
            inner = bz2.BZ2File(compressed)
        else:
            inner = lzma.LZMAFile(compressed)  # noqa: SIM115 - closed with the stream it wraps
        source = source or counter
        bounded = io.BufferedReader(_Bounded(name, inner, counter, limits, source), buffer_size=_CHUNK)
        stem = re.sub(r"\.(gz|gzip|bz2|xz|tgz)$", "", filename, flags=re.I)
        if filename.lower().endswith(".tgz"):
            stem += ".tar"
        yield from _unwrap(name, stem, bounded, limits, depth + 1, None, source)
    elif kind == "zip":
        yield from _zip_members(name, stream, limits, depth, source)
    else:
        yield from _tar_members(name, stream, limits, depth, source)


def _member_ok(member_name: str) -> bool:
    parts = member_name.replace("\\", "/").split("/")
    base = parts[-1]
    return bool(base) and not base.startswith(".") and "__MACOSX" not in parts


def _zip_members(
    name: str, stream: BinaryIO, limits: Limits, depth: int, source: _Counting | None
) -> Iterator[Input]:
    # zipfile needs a seekable file: spool the archive in memory (zip central directories sit
    # at the end, so a zip cannot be streamed); the size limit bounds that buffer.
    data = stream.read(limits.max_zip + 1)
    _check_end(stream)
    if len(data) > limits.max_zip:
        raise LimitExceeded(
            name, f"zip archive larger than {limits.max_zip} bytes (Limits.max_zip); unpack it or raise the limit"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        # NotImplementedError: a (damaged) directory asks for a zip version zipfile lacks
        raise SourceError(name, f"corrupt zip archive: {exc}") from None
    for info in infos:
        if not _member_ok(info.filename) or info.is_dir():  # is_dir() fails on an empty name
            continue
        member = f"{name}!{info.filename}"
        try:
            opened = archive.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, ValueError, EOFError) as exc:
            # a damaged directory can also give a negative seek (ValueError) or EOFError
            raise SourceError(member, f"cannot open zip member: {exc}") from None
        counting = _StaticCounter(max(info.compress_size, 1))
        # a zip read straight from the source: its own size is the source's bytes
        outer = source or _StaticCounter(len(data))
        bounded = io.BufferedReader(_Bounded(member, opened, counting, limits, outer), buffer_size=_CHUNK)
        yield from _unwrap(member, Path(info.filename).name, bounded, limits, depth + 1, None, outer)


class _StaticCounter(_Counting):
    """A compressed-byte count known in advance (zip members)."""

    def __init__(self, count: int) -> None:
        self.count = count


def _tar_members(
    name: str, stream: BinaryIO, limits: Limits, depth: int, source: _Counting | None
) -> Iterator[Input]:
    try:
        with tarfile.open(fileobj=stream, mode="r|") as archive:
            yield from _tar_stream(name, archive, limits, depth, source)
    except (tarfile.TarError, EOFError, OSError, zlib.error, ValueError) as exc:
        raise SourceError(name, f"corrupt tar archive: {exc}") from None


def _tar_stream(
    name: str, archive: tarfile.TarFile, limits: Limits, depth: int, source: _Counting | None
) -> Iterator[Input]:
    """Regular-file members only: links, devices and odd names are never opened."""
    for info in archive:
        if not info.isfile() or not _member_ok(info.name):
            continue
        member = f"{name}!{info.name}"
        extracted = archive.extractfile(info)
        if extracted is None:
            continue
        bounded = io.BufferedReader(_Bounded(member, extracted, None, limits, source), buffer_size=_CHUNK)
        yield from _unwrap(member, Path(info.name).name, bounded, limits, depth + 1, None, source)


class _TextAsBytes(io.RawIOBase):
    """Encodes a text file object to UTF-8 on the fly."""

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            chunk = self._text.read(_CHUNK)
            if not chunk:
                return 0
            self._pending = chunk.encode("utf-8", "surrogatepass")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def _walk(root: Path) -> Iterator[Path]:
    """Files below ``root`` in sorted path order (``a.txt``, ``b/1.txt``, ``c.zip``); hidden
    entries and symbolic links to directories are skipped."""
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        raise SourceError(str(root), f"cannot list directory: {exc.strerror or exc}") from None
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from _walk(Path(entry.path))
        elif entry.is_file():
            yield Path(entry.path)


def open_inputs(source: Any, *, limits: Limits | None = None) -> Iterator[Input]:
    """Yield every :class:`Input` of ``source``.

    ``source`` may be a path (``str`` or :class:`os.PathLike`) to a file or directory (walked in
    sorted order, hidden files skipped), ``bytes``, or a binary or text file object. Archives
    (zip, tar) yield one Input per regular-file member; gzip, bz2 and xz layers are removed.
    """
    limits = limits or Limits()
    if isinstance(source, (bytes, bytearray, memoryview)):
        yield from _unwrap("<bytes>", "", io.BytesIO(bytes(source)), limits, 0, None)
        return
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            for file in _walk(path):
                yield from _open_path(file, limits)
            return
        yield from _open_path(path, limits)
        return
    if hasattr(source, "read"):
        name = str(getattr(source, "name", "<stream>"))
        filename = Path(name).name if not name.startswith("<") else ""
        probe = source.read(0)
        if isinstance(probe, str):
            enc_stream = io.BufferedReader(_TextAsBytes(source), buffer_size=_CHUNK)
            yield from _unwrap(name, filename, enc_stream, limits, 0, "utf-8")
        else:
            yield from _unwrap(name, filename, source, limits, 0, None)
        return
    raise SourceError(repr(source)[:80], "not a path, bytes or file object")


def _open_path(path: Path, limits: Limits) -> Iterator[Input]:
    name = str(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise SourceError(name, f"cannot open: {exc.strerror or exc}") from None
    with handle:
        if not path.is_file():
            raise SourceError(name, "not a regular file")
        yield from _unwrap(name, path.name, handle, limits, 0, None)


# --------------------------------------------------------------------------------------------
# Decoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def _bom(head: bytes) -> tuple[str, int] | None:
    for bom, enc in _BOMS:
        if head.startswith(bom):
            return enc, len(bom)
    return None


def _canonical(label: str) -> str | None:
    try:
        name = codecs.lookup(label.decode("ascii") if isinstance(label, bytes) else label).name
    except (LookupError, UnicodeDecodeError):
        return None
    # WHATWG: latin-1 and ascii labels mean windows-1252 on the web.
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _utf8_prefix_ok(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the head is not an error.
        return exc.start >= len(head) - 3 and exc.reason == "unexpected end of data"
    return True


def declared_label(head: bytes, declared: str | None = None) -> str | None:
    """The encoding an input says it is in, as written: ``declared`` (the transport's charset)
    when given, else its XML declaration's or an HTML ``meta`` charset in ``head``."""
    if declared:
        return declared
    match = _XML_DECL.match(head) or _META_CHARSET.search(head[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def detect_encoding(head: bytes, declared: str | None = None) -> tuple[str, int, str | None]:
    """Decide how to decode a stream from its first bytes.

    Returns ``(encoding, bom_length, note)``. Order: a BOM; a UTF-16 pattern without BOM; the
    transport's ``declared`` charset; an XML declaration or HTML meta charset (honoured unless
    the bytes are valid UTF-8 and the label disagrees, which gives a note); strict UTF-8;
    windows-1252 as the fallback, with a note.
    """
    found = _bom(head)
    if found:
        return found[0], found[1], None
    if len(head) >= 4 and head[0] == 0 and head[1] != 0 and head[2] == 0:
        return "utf-16-be", 0, None
    if len(head) >= 4 and head[0] != 0 and head[1] == 0 and head[3] == 0:
        return "utf-16-le", 0, None
    if declared:
        enc = _canonical(declared)
        if enc:
            return enc, 0, None
    label = declared_label(head)
    if label:
        enc = _canonical(label)
        if enc and enc != "utf-8":
            if enc.startswith("utf-16") or enc.startswith("utf-32"):
                enc = None  # declared UTF-16 without BOM but the bytes are ASCII-compatible
            elif _utf8_prefix_ok(head) and re.search(rb"[\x80-\xff]", head):
                return "utf-8", 0, f"declared {label} but the bytes are valid UTF-8"
            else:
                return enc, 0, None
    if _utf8_prefix_ok(head):
        return "utf-8", 0, None
    return "cp1252", 0, "not valid UTF-8; decoded as windows-1252"


def decode_text(data: bytes, encoding: str = "utf-8") -> tuple[str, bool]:
    """Decode ``data``; on a UTF-8 error fall back to windows-1252 (``True`` when it did)."""
    try:
        return data.decode(encoding), False
    except UnicodeDecodeError:
        if encoding not in ("utf-8", "utf-8-sig"):
            return data.decode(encoding, "replace"), True
    try:
        return data.decode("cp1252"), True
    except UnicodeDecodeError:
        return data.decode("latin-1"), True


class TextLine(NamedTuple):
    """One line of a text input: 1-based ``number``, the ``offset`` of its first byte, its text
    without the line ending, and whether it needed the windows-1252 fallback.

    A named tuple rather than a frozen attrs class: a dump has tens of lines per record, and a
    tuple is made in a third of the time."""

    number: int
    offset: int
    text: str
    fallback: bool = False


#: Bytes :func:`iter_lines` reads at a time (then cut after the last newline in them).
_LINE_BLOCK = 256 * 1024
#: For :func:`iter_lines`, which makes a block's lines without a Python call per line: a line's
#: length plus its newline, the tuple constructor, the ``fallback`` field of valid lines.
_PLUS_ONE = (1).__add__
_NEW_TUPLE = tuple.__new__
_NO_FALLBACK = itertools.repeat(False)


def iter_lines(
    inp: Input, *, limits: Limits | None = None, on_long_line: Callable[[int, int], None] | None = None
) -> Iterator[TextLine]:
    """Yield the lines of ``inp`` with line numbers and byte offsets.

    Lines end at ``\\n`` only (``\\r\\n`` counts once; the ``\\r`` is stripped). Lines that are
    not valid in the detected encoding are decoded as windows-1252 and reported once per input as
    a :class:`RecordParseWarning`. A line longer than ``limits.max_line`` raises
    :class:`~recordparse.errors.LimitExceeded`; with ``on_long_line``, it is skipped instead
    (its bytes are read past, never held) and ``on_long_line(number, offset)`` is called
    before the next line is yielded, so that a format whose records are lines (JSON Lines) loses
    only that record.

    The stream is read in blocks (what it has ready, at most :data:`_LINE_BLOCK` bytes, so a
    slow stream's lines come as they arrive) cut after their last newline, and each block of
    whole lines is decoded by :func:`_line_texts` (one call for a valid UTF-8
    block, line by line otherwise): the same lines as reading line by line, without a
    ``readline`` and a ``decode`` call per line. Memory stays bounded by the block size plus
    ``limits.max_line`` (an unfinished line is kept only up to that length). A stream error
    (a corrupt compressed tail) is raised after the lines before it, the unfinished one included.
    """
    limits = limits or inp.limits or Limits()
    encoding, bom, note = detect_encoding(inp.head, inp.encoding)
    if encoding == "cp1252" and note and note.startswith("not valid UTF-8"):
        encoding, note = "utf-8", None  # decide line by line: mixed encodings are common
    if note:
        warnings.warn(f"{inp.name}: {note}", RecordParseWarning, stacklevel=2)
    stream = inp.stream
    if encoding.startswith(("utf-16", "utf-32")):
        yield from _iter_wide_lines(inp, encoding, bom, limits)
        return
    offset = 0
    if bom:
        stream.read(bom)
        offset = bom
    number = 0
    warned = note is not None
    max_line = limits.max_line
    unfinished: list[bytes] = []  # the start of a line whose newline was not read yet
    unfinished_size = 0
    skipping = False  # reading past a line longer than max_line (with on_long_line)
    failure: Exception | None = None

    def too_long(at_number: int, at_offset: int) -> None:
        """A line over ``max_line``: the limit error, or (with ``on_long_line``) reported."""
        if on_long_line is None:
            raise LimitExceeded(
                inp.name, f"line {at_number} at byte {at_offset} is longer than {max_line} bytes"
            )
        on_long_line(at_number, at_offset)

    read = getattr(stream, "read1", stream.read)
    while failure is None:
        try:
            chunk = read(_LINE_BLOCK)
        except Exception as exc:  # the lines read before the error come first
            if not unfinished:
                raise
            failure, chunk = exc, b""
        if skipping:
            newline = chunk.find(b"\n")
            if chunk and newline < 0:
                offset += len(chunk)
                continue
            skipping = False  # the long line ends here (or at the end of the input)
            number += 1
            offset += newline + 1 if chunk else 0
            chunk = chunk[newline + 1 :] if chunk else chunk
            if not chunk:
                continue
        end = chunk.rfind(b"\n") + 1
        if chunk and not end:
            unfinished.append(chunk)
            unfinished_size += len(chunk)
            if unfinished_size > max_line:
                too_long(number + 1, offset)
                offset += unfinished_size
                unfinished, unfinished_size, skipping = [], 0, True
            continue
        if not chunk and not unfinished:
            return
        block = b"".join([*unfinished, chunk[:end]]) if chunk else b"".join(unfinished)
        unfinished = [chunk[end:]] if end < len(chunk) else []
        unfinished_size = len(chunk) - end
        raws = block.split(b"\n")
        if not raws[-1]:
            raws.pop()  # after the block's final newline
        long_at = -1  # the first line of the block over max_line
        if len(block) > max_line and max(map(len, raws)) > max_line:
            long_at = next(i for i, raw in enumerate(raws) if len(raw) > max_line)
            if on_long_line is None:
                del raws[long_at:]  # the lines before it, then the limit error
        # each line's first byte (and, last, the end of the block's lines)
        starts = list(itertools.accumulate(map(_PLUS_ONE, map(len, raws)), initial=offset))
        slow: Iterable[TextLine] = ()
        if long_at >= 0 and on_long_line is not None:
            slow = _lines_around_long(raws, number, starts, encoding, max_line, on_long_line)
        else:
            texts, bad = _line_texts(block, raws, encoding)
            if not bad:
                # the block's lines made in C, tuple.__new__ on (number, offset, text, False)
                # each: no bytecode runs per line here (a TextLine(...) call runs the named
                # tuple's Python __new__); zip stops with the numbers (``starts`` has the end too)
                numbers = range(number + 1, number + 1 + len(raws))
                fields = zip(numbers, starts, texts, _NO_FALLBACK, strict=False)
                yield from map(_NEW_TUPLE, itertools.repeat(TextLine), fields)
            else:
                slow = (TextLine(number + i + 1, starts[i], text, i in bad) for i, text in enumerate(texts))
        for line in slow:
            if line.fallback and not warned:
                warnings.warn(
                    f"{inp.name}: line {line.number} is not valid {encoding}; decoded as windows-1252",
                    RecordParseWarning,
                    stacklevel=2,
                )
                warned = True
            yield line
        number += len(raws)
        offset = starts[-1]
        if (long_at >= 0 and on_long_line is None) or unfinished_size > max_line:
            too_long(number + 1, offset)
            offset += unfinished_size
            unfinished, unfinished_size, skipping = [], 0, True
    raise failure


def _lines_around_long(
    raws: list[bytes],
    number: int,
    starts: list[int],
    encoding: str,
    max_line: int,
    on_long_line: Callable[[int, int], None],
) -> Iterator[TextLine]:
    """The lines of a block that holds a line longer than ``max_line``, each decoded alone, with
    ``on_long_line`` called for the long ones in their place (rare: no fast path)."""
    for i, raw in enumerate(raws):
        if len(raw) > max_line:
            on_long_line(number + i + 1, starts[i])
        else:
            texts, bad = _line_texts(raw, [raw], encoding)
            yield TextLine(number + i + 1, starts[i], texts[0], bool(bad))


def _line_texts(block: bytes, raws: list[bytes], encoding: str) -> tuple[list[str], frozenset[int]]:
    """The texts of ``raws``, the lines ``block`` splits into at ``\\n`` (trailing ``\\r``
    stripped), and the indices of those that needed the windows-1252 fallback.

    Fast path: a UTF-8 block that is valid as a whole is decoded by one call and split at
    ``\\n``; a newline byte never occurs inside a UTF-8 sequence, so the texts line up with
    ``raws``. A block that is not valid (or another encoding) is decoded line by line, each line
    exactly as it would be alone, so only the bad lines fall back.
    """
    if encoding == "utf-8":
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            texts = text.split("\n")
            del texts[len(raws) :]  # the empty text after a final newline, or a cut long line
            if "\r" in text:  # each line's t.rstrip("\r"), called from C
                texts = list(map(str.rstrip, texts, itertools.repeat("\r")))
            return texts, frozenset()
    texts = []
    bad: set[int] = set()
    for i, raw in enumerate(raws):
        body = raw.rstrip(b"\r")
        try:
            texts.append(body.decode(encoding))
        except UnicodeDecodeError:
            texts.append(decode_text(body, encoding)[0])
            bad.add(i)
    return texts, frozenset(bad)


def _iter_wide_lines(
    inp: Input, encoding: str, bom: int, limits: Limits
) -> Iterator[TextLine]:
    data = inp.stream.read(limits.max_record * 4 + 1)
    _check_end(inp.stream)
    if len(data) > limits.max_record * 4:
        raise LimitExceeded(inp.name, "UTF-16/32 text input too large to decode")
    text = data[bom:].decode(encoding, "replace")
    unit = 4 if encoding.startswith("utf-32") else 2
    offset = bom
    for number, line in enumerate(text.split("\n"), start=1):
        if number > 1 or line:
            yield TextLine(number, offset, line.rstrip("\r"))
        offset += len((line + "\n").encode(encoding)) if unit else 0


def read_all(inp: Input, limit: int) -> bytes:
    """Read a whole input, refusing more than ``limit`` bytes (single-document formats)."""
    data = inp.stream.read(limit + 1)
    _check_end(inp.stream)
    if len(data) > limit:
        raise LimitExceeded(inp.name, f"document larger than {limit} bytes")
    return data


def decode_mixed(data: bytes) -> tuple[str, bool]:
    """Decode UTF-8 text in which some lines are windows-1252 (``True`` when any line was)."""
    try:
        return data.decode("utf-8"), False
    except UnicodeDecodeError:
        pass
    parts = [decode_text(line)[0] for line in data.split(b"\n")]
    return "\n".join(parts), True


def decode_utf8_else_cp1252(data: bytes) -> str:
    """Decode UTF-8 in which some bytes are windows-1252: every valid UTF-8 sequence is kept,
    only the bytes that are not UTF-8 are read as windows-1252 (one character each).

    Finer than :func:`decode_mixed`, which reads a whole line as windows-1252: a one-line JSON
    document or XML record with one stray byte keeps all its other characters. Linear time.
    """
    view = memoryview(data)
    parts: list[str] = []
    pos = 0
    while pos < len(data):
        try:
            parts.append(codecs.utf_8_decode(view[pos:], "strict", True)[0])
            break
        except UnicodeDecodeError as exc:
            parts.append(codecs.utf_8_decode(view[pos : pos + exc.start], "strict", True)[0])
            parts.append(bytes(view[pos + exc.start : pos + exc.end]).decode("cp1252", "replace"))
            pos += exc.end
    return "".join(parts)


def read_text(inp: Input, limit: int) -> tuple[str, str | None]:
    """Read and decode a whole input; returns the text and a note when decoding needed care.

    Undeclared non-UTF-8 bytes are decoded line by line, so a page that mixes UTF-8 and
    windows-1252 keeps its UTF-8 lines intact.
    """
    data = read_all(inp, limit)
    encoding, bom, note = detect_encoding(data[:HEAD_SIZE], inp.encoding)
    if encoding == "cp1252" and note and note.startswith("not valid UTF-8"):
        text, fell_back = decode_mixed(data)
    else:
        text, fell_back = decode_text(data[bom:], encoding)
    if fell_back and note is None:
        note = f"not valid {encoding}; decoded as windows-1252"
    if note:
        warnings.warn(f"{inp.name}: {note}", RecordParseWarning, stacklevel=2)
    return text, note
