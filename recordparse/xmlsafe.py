"""Safe, streaming XML and HTML for every parser: one hardened lxml configuration, used everywhere.

Security (see ``reliability.md`` in the project's format notes): every XML parser is built by
:func:`safe_parser` with ``resolve_entities=False, no_network=True, load_dtd=False,
dtd_validation=False, attribute_defaults=False, huge_tree=False, decompress=False`` and a
deny-all resolver; lxml never sees a file name or URL, only bytes recordparse read itself; no
XInclude, XSLT or schema processing is ever applied to input.

Streaming: :class:`XmlSplitter` scans the raw bytes for the elements that make up records
(``<record>`` in OAI-PMH, ``<doc>`` in Solr, ``<eprint>`` in EPrints) and hands each one over as an
:class:`XmlChunk` with its record number, line and byte offset. Each chunk is then parsed on its
own by :func:`parse_chunk`, inside a wrapper that re-declares the namespaces of the enclosing
document. So a broken record fails alone, memory stays flat whatever the file size, and byte
ranges can be given to parallel workers.

Repairs: undeclared HTML named entities (``&nbsp;``), bare ``&`` and undeclared namespace prefixes
(``xsi:``) are common in harvested dumps and fatal to a conforming parser; lxml's recover mode
silently drops text around them. :func:`repair_xml` fixes exactly those bytes and says what it
did, so parsers can flag the record instead of losing data.
"""

from __future__ import annotations

import codecs
import functools
import html.entities
import io
import re
import threading
from collections.abc import Collection, Iterator
from typing import Any

import attrs
from lxml import etree
from lxml import html as lxml_html

from .errors import Failure, LimitExceeded, RecordError, snippet
from .record import Position
from .sources import Input, Limits, declared_label, decode_utf8_else_cp1252, detect_encoding

__all__ = [
    "XmlChunk",
    "XmlSplitter",
    "local_name",
    "parse_chunk",
    "parse_document",
    "repair_xml",
    "safe_html",
    "safe_parser",
    "text_of",
]

_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "attribute_defaults": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    "recover": False,
    "decompress": False,
}

_XSI = b"http://www.w3.org/2001/XMLSchema-instance"
_KNOWN_PREFIXES = {
    b"xsi": _XSI,
    b"xml": None,  # predeclared
    b"xlink": b"http://www.w3.org/1999/xlink",
    b"dc": b"http://purl.org/dc/elements/1.1/",
    b"dcterms": b"http://purl.org/dc/terms/",
    b"oai_dc": b"http://www.openarchives.org/OAI/2.0/oai_dc/",
    b"oai_doaj": b"http://doaj.org/features/oai_doaj/1.0/",
}


class _DenyAll(etree.Resolver):  # type: ignore[misc]
    """Answers every external load (DTD, entity, XInclude) with nothing."""

    def resolve(self, url: str, pubid: str, context: Any) -> Any:
        return self.resolve_string("", context)


_local = threading.local()


def safe_parser() -> Any:
    """The hardened :class:`lxml.etree.XMLParser` for this thread (created once per thread)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(**_PARSER_OPTIONS)
        parser.resolvers.add(_DenyAll())
        _local.parser = parser
    return parser


_LOCAL_NAMES: dict[object, str] = {}


def local_name(tag: object) -> str:
    """``record`` from ``{http://...}record`` (and '' for comments and PIs)."""
    try:  # memoised: parsers ask for the same few tags millions of times
        return _LOCAL_NAMES[tag]
    except (KeyError, TypeError):
        return _new_local_name(tag)


def _new_local_name(tag: object) -> str:
    if not isinstance(tag, str):
        return ""  # a comment, PI or entity (never stored: their tags are factory functions)
    name = tag.rpartition("}")[2]
    if len(_LOCAL_NAMES) < 10_000:
        _LOCAL_NAMES[tag] = name
    return name


def text_of(element: Any) -> str:
    """All text inside ``element`` (its descendants' too), without tail text."""
    if element is None:
        return ""
    if len(element) == 0:  # no children (the common case): itertext() would yield .text only
        return element.text or ""
    return "".join(element.itertext())


# --------------------------------------------------------------------------------------------
# Repairs

_BUILTIN_ENTITIES = frozenset({b"amp", b"lt", b"gt", b"quot", b"apos"})
_AMP = re.compile(rb"&(#[0-9]{1,7};|#x[0-9a-fA-F]{1,6};|[A-Za-z_][A-Za-z0-9._-]{0,31};)?")
_PREFIX_USE = re.compile(
    rb"</?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*\s*=\s*[\"']"
)
# An ``&`` that :func:`_entity_fix` would change (not a character or built-in entity reference):
# most records have only ``&#13;`` and ``&amp;``, and then the substitution is skipped.
_NEEDS_FIX = re.compile(rb"&(?!#[0-9]{1,7};|#x[0-9a-fA-F]{1,6};|(?:amp|lt|gt|quot|apos);)")
_NS_DECL = re.compile(rb"""xmlns(?::([\w.-]+))?\s*=\s*(["'])(.*?)\2""", re.S)


def _entity_fix(match: re.Match[bytes], notes: list[str]) -> bytes:
    ref = match.group(1)
    if ref is None:
        notes.append("escaped a bare '&'")
        return b"&amp;"
    if ref.startswith(b"#"):
        return match.group(0)
    name = ref[:-1]
    if name in _BUILTIN_ENTITIES:
        return match.group(0)
    char = html.entities.html5.get(name.decode("ascii") + ";")
    if char is None:
        notes.append(f"escaped an unknown entity &{name.decode('ascii')};")
        return b"&amp;" + ref
    notes.append(f"rewrote the HTML entity &{name.decode('ascii')}; as a character reference")
    return b"".join(b"&#%d;" % ord(c) for c in char)


def repair_xml(data: bytes, declared: Collection[bytes] = ()) -> tuple[bytes, list[str]]:
    """Fix the byte-level faults harvested XML commonly has; return the bytes and what was done.

    - a bare ``&`` becomes ``&amp;``; an HTML named entity (``&nbsp;``) its numeric reference;
    - an element or attribute prefix used but declared neither in ``data`` nor in ``declared``
      is reported (the wrapper of :func:`parse_chunk` declares it).

    Data is only touched where a conforming parser would fail anyway.
    """
    notes: list[str] = []
    amp = data.find(b"&")  # bytes.find runs at memchr speed: the regex starts at the first "&"
    if amp >= 0 and _NEEDS_FIX.search(data, amp):
        data = _AMP.sub(lambda m: _entity_fix(m, notes), data)
    return data, notes


def _undeclared_prefixes(data: bytes, declared: Collection[bytes]) -> list[bytes]:
    if b":" not in data:
        return []
    used = {a or b for a, b in _PREFIX_USE.findall(data)}
    used.discard(b"xmlns")
    used.discard(b"xml")
    if not used:
        return []
    local = {m.group(1) for m in _NS_DECL.finditer(data) if m.group(1)}
    return sorted(p for p in used if p not in local and p not in declared)


# --------------------------------------------------------------------------------------------
# Splitting


@attrs.frozen
class XmlChunk:
    """One record element's bytes (UTF-8 unless the document declared otherwise), with its
    1-based record ``number``, the ``line`` its start tag is on and its byte ``offset``."""

    data: bytes
    number: int
    line: int
    offset: int


class _Transcoder(io.RawIOBase):
    """Re-encodes a UTF-16/32 stream as UTF-8 so that byte patterns can be searched."""

    def __init__(self, raw: Any, encoding: str) -> None:
        self._raw = raw
        self._decoder = codecs.getincrementaldecoder(encoding)("replace")
        self._pending = b""
        self._eof = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._eof:
            chunk = self._raw.read(65536)
            if not chunk:
                self._eof = True
                self._pending = self._decoder.decode(b"", final=True).encode("utf-8")
            else:
                self._pending = self._decoder.decode(chunk).encode("utf-8")
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


_BLOCK = 1 << 20
_OUTSIDE_LIMIT = 1 << 20


class XmlSplitter:
    """Stream the elements with local name in ``tags`` out of an XML input, as :class:`XmlChunk`.

    Nested elements of the same name (a MARCXML ``<record>`` inside an OAI ``<record>``) stay in
    their outer chunk. Comments and CDATA sections are skipped when scanning. Text outside the
    chunks (the envelope: ``responseDate``, ``resumptionToken``, errors) is kept, up to 1 MiB,
    for :meth:`outside_text`. A record cut off by the end of the input is yielded as a
    :class:`~recordparse.errors.Failure` of kind ``truncated``.
    """

    def __init__(
        self,
        inp: Input,
        tags: Collection[str],
        *,
        limits: Limits | None = None,
        parser_name: str | None = None,
    ) -> None:
        self.inp = inp
        self.tags = frozenset(tags)
        self.limits = limits or inp.limits or Limits()
        self.parser_name = parser_name
        self.encoding, bom, note = detect_encoding(inp.head, inp.encoding)
        #: Why the document is read as UTF-8 against its XML declaration (valid UTF-8 bytes
        #: in its head), for the records whose bytes it concerns (see parse_chunk).
        self.encoding_note: str | None = None
        #: The encoding the document says it is in, as written (for the notes).
        self.declared = declared_label(inp.head, inp.encoding) or self.encoding
        if self.encoding == "cp1252" and note and note.startswith("not valid UTF-8"):
            # some bytes that are not UTF-8 in a UTF-8 document: decided record by record in
            # parse_chunk, so that one windows-1252 record does not turn every other into mojibake
            self.encoding = "utf-8"
        elif note:
            self.encoding_note = note + ": read as UTF-8"
        stream: Any = inp.stream
        if self.encoding.startswith(("utf-16", "utf-32")):
            stream = io.BufferedReader(_Transcoder(stream, self.encoding))
            self.encoding = "utf-8"
            bom = 0
        self._stream = stream
        self._skip = bom
        self.root_start: bytes | None = None
        self.declarations: dict[bytes, bytes] = {}
        self.notes: list[str] = []
        self._outside = bytearray()
        names = b"|".join(re.escape(t.encode()) for t in sorted(self.tags))
        self._open = re.compile(rb"<(?:[\w.-]+:)?(" + names + rb")(?=[\s/>])[^<>]*?(/?)>|<!--|<!\[CDATA\[")
        self._any = re.compile(rb"<(/?)(?:[\w.-]+:)?(" + names + rb")(?=[\s/>])[^<>]*?(/?)>|<!--|<!\[CDATA\[")
        self._root = re.compile(rb"<([A-Za-z_][\w.:-]*)(?=[\s/>])[^<>]*>")
        self._close = re.compile(rb"</(?:[\w.-]+:)?(" + names + rb")(?=[\s/>])[^<>]*?>")
        # any of the names where it could end a tag name: EP3's "eprint" also stands in
        # <eprintid>, <eprint_status> and in every URL of the repository, which never can
        self._name = re.compile(rb"(?:" + names + rb")(?=[\s/>])")

    def outside_text(self) -> str:
        """The bytes outside the record elements seen so far, decoded (bounded to 1 MiB)."""
        return bytes(self._outside).decode(self.encoding, "replace")

    def _note_outside(self, data: bytes) -> None:
        if not data or data.isspace():  # the newline between two records: nothing to note
            return
        if self.root_start is None:
            self._find_root(data)
        for m in _NS_DECL.finditer(data):
            prefix = m.group(1) or b""
            self.declarations.setdefault(prefix, m.group(3))
        if b"<!DOCTYPE" in data and "DOCTYPE ignored" not in self.notes:
            self.notes.append("DOCTYPE ignored")
        room = _OUTSIDE_LIMIT - len(self._outside)
        if room > 0 and data and not data.isspace():  # indentation between records is not kept
            self._outside += data[:room]

    def _find_root(self, data: bytes) -> None:
        pos = 0
        while True:
            m = self._root.search(data, pos)
            if m is None:
                return
            if not m.group(0).startswith((b"<?", b"<!")):
                self.root_start = m.group(0)
                return
            pos = m.end()

    def __iter__(self) -> Iterator[XmlChunk | Failure]:
        return self._scan(cut=True)

    def _scan(self, *, cut: bool) -> Iterator[XmlChunk | Failure]:
        """The chunks (see the class docstring); with ``cut=False`` their ``data`` is left
        empty: :func:`frame_spans` needs only where each record is, not its bytes."""
        stream = self._stream
        if self._skip:
            stream.read(self._skip)
        buf = b""
        base = self._skip  # absolute offset of buf[0]
        line = 1
        number = 0
        eof = False
        max_record = self.limits.max_record

        def fill() -> bool:
            nonlocal buf, eof
            if eof:
                return False
            more = stream.read(_BLOCK)
            if not more:
                eof = True
                return False
            buf += more
            return True

        fill()
        pos = 0
        while True:
            m = self._open.search(buf, pos)
            if m is None:
                if eof:
                    self._note_outside(buf[pos:])
                    return
                # keep a tail that may hold a partial start tag
                keep = max(pos, len(buf) - 4096)
                self._note_outside(buf[pos:keep])
                line += buf.count(b"\n", pos, keep)
                base += keep
                buf = buf[keep:]
                pos = 0
                fill()
                continue
            if m.group(0) in (b"<!--", b"<![CDATA["):
                end_marker = b"-->" if m.group(0) == b"<!--" else b"]]>"
                stop = buf.find(end_marker, m.end())
                while stop < 0:
                    # bounded like a record, and each new block searched once (not from the
                    # start of the comment again): an unclosed comment cannot eat the memory
                    if len(buf) - m.start() > max_record:
                        where = line + buf.count(b"\n", pos, m.start())
                        raise LimitExceeded(
                            self.inp.name,
                            f"a comment or CDATA section at line {where} is larger than {max_record} bytes",
                        )
                    searched = max(m.end(), len(buf) - len(end_marker))
                    if not fill():
                        break
                    stop = buf.find(end_marker, searched)
                if stop < 0:
                    self._note_outside(buf[pos:])
                    return
                self._note_outside(buf[pos : stop + len(end_marker)])
                line += buf.count(b"\n", pos, stop)
                pos = stop + len(end_marker)
                continue
            start = m.start()
            self._note_outside(buf[pos:start])
            line += buf.count(b"\n", pos, start)
            number += 1
            if m.group(2) == b"/":  # <record/>
                yield XmlChunk(m.group(0), number, line, base + start)
                pos = m.end()
                continue
            end = self._find_end(buf, m.end())
            while end is None:
                if len(buf) - start > max_record:
                    raise LimitExceeded(
                        self.inp.name,
                        f"record {number} at line {line} is larger than {max_record} bytes",
                    )
                if not fill():
                    break
                end = self._find_end(buf, m.end())
            if end is None:
                yield Failure(
                    Position(self.inp.name, number, line, base + start),
                    "the input ends inside this record (truncated)",
                    kind="truncated",
                    snippet=snippet(buf[start : start + 200]),
                    parser=self.parser_name,
                )
                return
            yield XmlChunk(buf[start:end] if cut else b"", number, line, base + start)
            line += buf.count(b"\n", start, end)
            pos = end
            if pos > _BLOCK:
                base += pos
                buf = buf[pos:]
                pos = 0

    def _quick_end(self, buf: bytes, pos: int) -> int | None:
        """The end of the record that starts before ``pos`` when the first tag after ``pos``
        with one of the names is the record's own closing tag and no comment or CDATA section
        comes before it (nearly every record); None when that is not certain.

        Equal to the depth scan of :meth:`_find_end` in that case (its first token is then this
        closing tag) at a fraction of the cost: a literal search for the name and ``bytes.find``
        of ``!`` skip through the bytes, where the depth scan's pattern is tried at every ``<``.
        Occurrences of the name that are not a tag of that name (in text, in an attribute, in a
        longer name such as EP3's ``<eprintid>`` inside ``<eprint>``) are passed over; a nested
        start tag of the same name leaves the decision to the depth scan.
        """
        search, close_match, any_match = self._name.search, self._close.match, self._any.match
        at = pos
        while True:
            name = search(buf, at)  # a literal: faster than bytes.find here
            if name is None:
                return None
            first = name.start()
            lt = buf.rfind(b"<", pos, first)
            if lt < 0:
                return None
            close = close_match(buf, lt)
            if close is not None and close.start(1) == first:
                bang = buf.find(b"!", pos, lt)  # memchr speed; "<!" is sought from the first "!" only
                if bang >= 0 and buf.find(b"<!", bang - 1, lt) >= 0:
                    return None  # a comment or CDATA section comes first (buf[pos - 1] is ">")
                return close.end()
            tag = any_match(buf, lt)
            if tag is not None and tag.start(2) == first:
                return None  # a nested start tag of the same name: the depth scan decides
            at = name.end()

    def _find_end(self, buf: bytes, pos: int) -> int | None:
        end = self._quick_end(buf, pos)
        if end is not None:
            return end
        depth = 1
        while True:
            m = self._any.search(buf, pos)
            if m is None:
                return None
            token = m.group(0)
            if token in (b"<!--", b"<![CDATA["):
                end_marker = b"-->" if token == b"<!--" else b"]]>"
                end = buf.find(end_marker, m.end())
                if end < 0:
                    return None
                pos = end + len(end_marker)
                continue
            if m.group(1) == b"/":
                depth -= 1
                if depth == 0:
                    return m.end()
            elif m.group(3) != b"/":
                depth += 1
            pos = m.end()


# --------------------------------------------------------------------------------------------
# Parsing

_WRAP = b"recordparse-wrapper"


def _syntax_error(
    exc: Exception, position: Position, data: bytes, parser_name: str | None, line_base: int, prefix: int = 0
) -> RecordError:
    log = getattr(exc, "error_log", None)
    entry = None
    if log is not None:
        for e in log:
            if e.level_name in ("FATAL", "ERROR"):
                entry = e
                break
    message = " ".join((entry.message if entry is not None else str(exc)).split())  # libxml2 ends it with \n
    line = position.line
    if entry is not None and entry.line and line is not None:
        line = line + entry.line - line_base
    reason = f"XML syntax error: {message}"
    if entry is not None and entry.column:
        column = entry.column - (prefix if entry.line == line_base else 0)
        reason += f" (column {max(column, 1)})"
    return RecordError(
        Position(position.source, position.record, line, position.byte_offset),
        reason,
        kind="syntax",
        snippet_text=snippet(data[:200]),
        parser=parser_name,
    )


def _fed(data: bytes) -> Any:
    """``data`` parsed with feed() + close() on the hardened parser; None when it does not parse.

    The same tree as ``etree.fromstring(data, safe_parser())`` (the same documents parse, with
    the same result), about 8% faster for a 3 KB record: lxml's one-shot path costs more per
    call. Its error messages differ for some limits (push mode reports a huge text node as a
    buffer limit), so a failure is left to :func:`_parse` to report. lxml resets the parser
    after a failed feed, ready for the next document.
    """
    parser = safe_parser()
    try:
        parser.feed(data)
        return parser.close()
    except (etree.XMLSyntaxError, ValueError, LookupError):
        return None


def _parse(data: bytes, position: Position, parser_name: str | None, line_base: int, prefix: int = 0) -> Any:
    etree.clear_error_log()
    root = _fed(data)
    if root is not None:
        return root
    etree.clear_error_log()  # the error is reported as etree.fromstring reports it
    try:
        return etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc, position, data, parser_name, line_base, prefix) from None
    except (ValueError, LookupError) as exc:  # bad encoding declarations and the like
        raise RecordError(position, f"XML error: {exc}", kind="encoding", snippet_text=snippet(data[:200]), parser=parser_name) from None


#: A reference to an entity other than the five predefined ones: the only source of the
#: entity nodes :func:`_check_entities` looks for.
_ENTITY_REFERENCE = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)[A-Za-z_:\x80-\xff]")


def _check_entities(root: Any, notes: list[str]) -> None:
    for node in root.iter(etree.Entity):
        notes.append(f"unexpanded entity reference {node.text} left out")
        break


def _wrap(data: bytes, decls: dict[bytes, bytes], encoding: str) -> tuple[bytes, int]:
    """``data`` inside the wrapper element that declares ``decls``; returns it and the length
    of the opening (to correct error columns)."""
    opening = _opening(tuple(decls.items()), encoding)
    return b"".join((opening, data, _CLOSING)), len(opening)


_CLOSING = b"</" + _WRAP + b">"


@functools.lru_cache(maxsize=256)
def _opening(decls: tuple[tuple[bytes, bytes], ...], encoding: str) -> bytes:
    """The XML declaration and the wrapper's start tag (the same for every chunk of a file)."""
    attrs_bytes = b"".join(
        (b' xmlns="' if not p else b" xmlns:" + p + b'="') + uri + b'"' for p, uri in decls
    )
    enc = encoding.encode("ascii", "replace")
    return b'<?xml version="1.0" encoding="' + enc + b'"?><' + _WRAP + attrs_bytes + b">"


def parse_chunk(
    chunk: XmlChunk,
    splitter: XmlSplitter,
    position: Position | None = None,
    parser_name: str | None = None,
    repairs: list[str] | None = None,
    *,
    decoding: list[str] | None = None,
) -> Any:
    """Parse one :class:`XmlChunk` with the document's namespace declarations; return its element.

    Repairs (:func:`repair_xml`, undeclared prefixes) are appended to ``repairs`` when given.
    How the record's bytes were decoded, where that is not what the document declares, is
    appended to ``decoding`` (or, without it, to ``repairs``): bytes that are not UTF-8 in a
    UTF-8 document are read as windows-1252, and the bytes of a document declared in another
    encoding (ISO-8859-1, windows-1252, ...) are read as UTF-8 when they are valid UTF-8, as
    the whole document is when its first 64 KiB show it (mislabelled harvests are common, and
    valid multi-byte UTF-8 is all but impossible in ISO-8859-1 text). That is decided record by
    record, so a record past the first 64 KiB is not turned into mojibake, and only records
    with bytes outside ASCII, which the decision concerns, get the note.
    Raises :class:`~recordparse.errors.RecordError` with the line in the source file.
    """
    pos = position or Position(splitter.inp.name, chunk.number, chunk.line, chunk.offset)
    notes: list[str] = []
    decoded = decoding if decoding is not None else notes
    data = chunk.data
    encoding = splitter.encoding
    if not data.isascii():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            if encoding == "utf-8":
                data = decode_utf8_else_cp1252(data).encode("utf-8")
                decoded.append("bytes that are not valid UTF-8 were read as windows-1252")
        else:
            if encoding != "utf-8":
                decoded.append(f"declared {splitter.declared} but the bytes are valid UTF-8: read as UTF-8")
                encoding = "utf-8"
            elif splitter.encoding_note:
                decoded.append(splitter.encoding_note)
    data, fixes = repair_xml(data)
    notes.extend(fixes)
    name = parser_name or splitter.parser_name
    decls = splitter.declarations
    # Most chunks use only declared prefixes: parse them as they are, and look for
    # undeclared prefixes (a regex scan of the whole chunk) only when that fails.
    wrapped, opening = _wrap(data, decls, encoding)
    etree.clear_error_log()
    root = _fed(wrapped)
    if root is None:
        undeclared = _undeclared_prefixes(data, decls)
        if undeclared:
            decls = dict(decls)
            for prefix in undeclared:
                decls[prefix] = _KNOWN_PREFIXES.get(prefix) or b"urn:recordparse:undeclared:" + prefix
                notes.append(f"declared the undeclared namespace prefix {prefix.decode('ascii')}:")
            wrapped, opening = _wrap(data, decls, encoding)
        root = _parse(wrapped, pos, name, 1, opening)  # raises the syntax error, with its line
    if len(root) == 0:
        raise RecordError(pos, "empty record element", kind="syntax", parser=parser_name)
    element = root[0]
    amp = data.find(b"&")  # the regex starts at the first "&" (bytes.find is far faster)
    if amp >= 0 and _ENTITY_REFERENCE.search(data, amp) is not None:  # else no entity nodes
        _check_entities(element, notes)
    if repairs is not None:
        repairs.extend(notes)
    return element


def parse_document(
    data: bytes,
    position: Position,
    parser_name: str | None = None,
    repairs: list[str] | None = None,
) -> Any:
    """Parse a whole (small) XML document safely and return its root element.

    Applies :func:`repair_xml`; an undeclared prefix is declared on a wrapper. Raises
    :class:`~recordparse.errors.RecordError` with the source line on failure.
    """
    notes: list[str] = []
    data, fixes = repair_xml(data)
    notes.extend(fixes)
    undeclared = _undeclared_prefixes(data, ())
    if undeclared:
        body = re.sub(rb"^\s*<\?xml[^>]*\?>", b"", data, count=1)
        decls = b"".join(
            b" xmlns:" + p + b'="' + (_KNOWN_PREFIXES.get(p) or b"urn:recordparse:undeclared:" + p) + b'"'
            for p in undeclared
        )
        notes.extend(f"declared the undeclared namespace prefix {p.decode('ascii')}:" for p in undeclared)
        encoding, _, _ = detect_encoding(data[:4096])
        head = b'<?xml version="1.0" encoding="' + encoding.encode("ascii") + b'"?>'
        root = _parse(head + b"<" + _WRAP + decls + b">" + body + b"</" + _WRAP + b">", position, parser_name, 1)
        if len(root) == 0:
            raise RecordError(position, "empty XML document", kind="syntax", parser=parser_name)
        root = root[0]
    else:
        root = _parse(data, position, parser_name, 1)
    _check_entities(root, notes)
    if repairs is not None:
        repairs.extend(notes)
    return root


def safe_html(text: str, *, huge: bool = True, html_elements: bool = True) -> tuple[Any, list[str]]:
    """Parse an HTML page (already decoded by recordparse) and report what lxml dropped.

    Returns ``(root, warnings)``. lxml's HTML parser recovers silently: text nodes over its
    limit and content nested too deep simply vanish, leaving only a FATAL entry in
    ``parser.error_log``. Those entries become warnings here, so a parser can flag the record
    instead of handing out a quietly shorter abstract. Raises ``ValueError`` for an empty page.

    ``html_elements=False`` gives the same tree as plain :mod:`lxml.etree` elements instead of
    :mod:`lxml.html` ones (whose class is looked up in Python for every element a walk
    touches): for parsers that only walk the tree and read text and attributes.
    """
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text, count=1)
    if not text.strip():
        raise ValueError("empty HTML page")
    options: dict[str, Any] = {
        "recover": True,
        "no_network": True,
        "remove_comments": True,
        "remove_pis": True,
        "huge_tree": huge,
        "default_doctype": False,
    }
    parser = lxml_html.HTMLParser(**options) if html_elements else etree.HTMLParser(**options)
    etree.clear_error_log()
    try:
        if html_elements:
            root = lxml_html.document_fromstring(text, parser=parser)
        else:  # what lxml.html.document_fromstring does, with the plain parser
            root = etree.fromstring(text, parser)
            if root is None:
                raise etree.ParserError("Document is empty")
    except (etree.ParserError, etree.XMLSyntaxError) as exc:
        raise ValueError(f"unreadable HTML: {exc}") from None
    warnings: list[str] = []
    for entry in parser.error_log:
        if entry.level_name == "FATAL" or (entry.level_name == "ERROR" and "encoding" in entry.message.lower()):
            warnings.append(f"HTML line {entry.line}: {entry.message.strip()} (content may be lost)")
    return root, warnings


# --------------------------------------------------------------------------------------------
# Framing only: record positions for the parallel planner (recordparse.splitting)


class FramingUnsure(Exception):
    """Raised by :func:`frame_spans` where it cannot be sure to agree with iterating the
    splitter itself (a record cut off, a transcoded stream): the caller then splits the input
    the ordinary way."""


def frame_spans(splitter: XmlSplitter) -> Iterator[tuple[int, int, int]]:
    """``(number, line, offset)`` of each chunk that iterating ``splitter`` would yield, in
    order, without cutting the chunks out: framing only, for the parallel planner, which needs
    the record boundaries of a whole input but not its records.

    It is the splitter's own scan (:meth:`XmlSplitter._scan` with ``cut=False``), so the text
    outside the records is noted the same way and ``outside_text()``, ``declarations`` and
    ``root_start`` end up equal. Raises :class:`FramingUnsure` where the splitter would report
    a failure (a truncated record), and for a transcoded (UTF-16/32) stream, whose offsets are
    not those of the input; the splitter's own errors (a record over the size limit) propagate.
    """
    if splitter._stream is not splitter.inp.stream:
        raise FramingUnsure("a transcoded stream")
    for item in splitter._scan(cut=False):
        if isinstance(item, Failure):
            raise FramingUnsure(item.reason)
        yield item.number, item.line, item.offset
