"""The parser contract: split a stream into raw records, then map each raw record to a Record.

A parser is a class with a few declarations and three methods::

    class MyParser(Parser):
        name = "my-format"                      # unique; what users pass as format=
        title = "My repository's JSON export"
        media_types = ("application/json",)
        patterns = ("*.myjson",)                # file-name globs, a hint for sniffing

        def sniff(self, head: bytes) -> float:  # 0.0 (no) .. 1.0 (certainly mine); never raises
            ...
        def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
            ...                                 # stream raw records with their positions
        def map(self, raw: RawRecord) -> Record:
            ...                                 # one raw record -> one Record (may raise)

:func:`recordparse.read` drives them: every raw record becomes a Record or a
:class:`~recordparse.errors.Failure`, so one broken record never costs the good ones and nothing
is lost silently. ``split`` yields a Failure for a candidate record it cannot frame; it raises
:class:`~recordparse.errors.RecordParseError` when it cannot go on at all (the reader then reports
the rest of the input as one failure).
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

import attrs

from ..builder import RecordBuilder
from ..errors import Failure, RecordError
from ..jsonstream import JsonItem
from ..record import Position, Record
from ..sources import Input, Limits, read_text
from ..xmlsafe import safe_html

__all__ = ["PageParser", "Parser", "RawRecord", "json_raw_records"]


@attrs.frozen
class RawRecord:
    """One record as split from the stream, before mapping: ``data`` is whatever the parser's
    ``split`` produced (text, a dict, an XML element), ``position`` where it starts, ``record_id``
    its identifier when the splitter already knows it, ``context`` anything the splitter learned
    about the surrounding document (an OAI response date, a dump's batch name)."""

    data: Any
    position: Position
    record_id: str | None = None
    context: Any = None


class Parser(abc.ABC):
    """Base class of every parser, built-in or plugin. See the module docstring."""

    #: Unique format name, lower-case with hyphens (``vufind-text``).
    name: ClassVar[str] = ""
    #: A one-line human description.
    title: ClassVar[str] = ""
    #: Media types this parser reads.
    media_types: ClassVar[tuple[str, ...]] = ()
    #: File-name globs (``*.xml``) that make this parser a likelier choice; never decisive.
    patterns: ClassVar[tuple[str, ...]] = ()
    #: Source field name -> Record field, for documentation; parsers may use it to map.
    field_map: ClassVar[dict[str, str]] = {}
    #: Whether the parallel readers (``read(..., jobs=N)``, :mod:`recordparse.dask`) may cut one
    #: input of this format into byte ranges at the record boundaries ``split`` reports.
    #:
    #: Declare ``True`` only when all of this holds: ``split`` is cheap framing (the main process
    #: runs it over the whole input to find the boundaries, keeping any state across inputs
    #: exactly as a single process would); every :class:`RawRecord` has a ``byte_offset``; and
    #: splitting the bytes before the first record (the envelope) followed by the bytes from any
    #: record's offset on yields the same raw records, which map to the same Records. The default
    #: ``False`` gives each input whole to one worker (per-file parallelism).
    splittable: ClassVar[bool] = False
    #: For a splittable parser whose last records depend on what follows them (OAI-PMH holds up
    #: to 1000 records back to attach the resumptionToken that stands after them): how many
    #: records at the end of an input must stay in the final byte range, which reads to the end.
    split_tail: ClassVar[int] = 0
    #: For a splittable parser whose ``split`` costs a good part of a whole read (VuFind text
    #: pages, cut by looking at every line): parallel reads split the input once, in the main
    #: process, and send the raw records to the workers, which only map them. Declare ``True``
    #: only when every :class:`RawRecord` pickles and ``map`` does not depend on what this
    #: parser instance saw before.
    ship_raw_records: ClassVar[bool] = False

    def begin(self) -> None:
        """Called once per :func:`recordparse.read` call, before this parser's first input.

        Parsers that keep state across the inputs of one read (the OAI-PMH resumption chain
        across a folder of harvested pages) reset it here, so that one read never depends on
        what an earlier, unrelated read saw. The default does nothing.
        """
        return None

    @abc.abstractmethod
    def sniff(self, head: bytes) -> float:
        """Score how likely ``head`` (the first bytes of a decompressed input) is this format.

        0.0 means no; 1.0 means certain. Must not raise: :func:`recordparse.detect` treats an
        exception as 0 and reports it.
        """

    @abc.abstractmethod
    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        """Stream the raw records of ``inp`` in order, each with its :class:`Position`."""

    @abc.abstractmethod
    def map(self, raw: RawRecord) -> Record:
        """Map one raw record to a :class:`Record`; raise :class:`RecordError` if it cannot."""

    def frame_positions(self, inp: Input) -> Iterator[Position | Failure] | None:
        """Framing only, for the parallel planner of a :attr:`splittable` parser: the
        :class:`Position` of each raw record ``split(inp)`` would yield, and its Failures, in the
        same order and with the same effect on this parser's state, without building the raw
        records; or None (the default) when there is no cheaper way than ``split`` itself.

        The planner needs only record boundaries, and runs over every input in the main process
        while the workers wait for their ranges, so this is worth having where ``split`` copies or
        decodes each record. Where an implementation cannot be sure of agreeing with ``split`` it
        may raise any exception, at any point: the planner then reads the input again with
        ``split`` and goes on from the first item not yet seen (the items already yielded must be
        right; the workers check every position against ``split`` as well).
        """
        return None

    # ----------------------------------------------------------------------------------------
    def fail(self, raw: RawRecord, reason: str, kind: str = "mapping") -> RecordError:
        """Build the :class:`RecordError` for ``raw`` (for ``raise self.fail(raw, ...)``)."""
        return RecordError(
            raw.position, reason, kind=kind, record_id=raw.record_id, parser=self.name
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def json_raw_records(
    items: Iterable[JsonItem | Failure], inp: Input, id_key: str = "id"
) -> Iterator[RawRecord | Failure]:
    """Decoded JSON items as raw records at their positions (failures pass through), with
    ``value[id_key]`` as the record id when the item is an object that has one."""
    for item in items:
        if isinstance(item, Failure):
            yield item
            continue
        value = item.value
        record_id = value.get(id_key) if isinstance(value, Mapping) else None
        yield RawRecord(
            value,
            Position(inp.name, item.number, item.line, item.offset),
            record_id=str(record_id) if record_id is not None else None,
        )


def flag_repairs(builder: RecordBuilder, repairs: Iterable[str]) -> None:
    """Flag ``xml_repaired`` once, with each distinct repair :func:`~recordparse.xmlsafe.parse_chunk`
    made as evidence (a record is never repaired silently): every XML format, one code."""
    evidence = list(dict.fromkeys(repairs))
    if evidence:
        builder.flag(
            "xml_repaired",
            "the record's XML was not well-formed and was repaired before parsing",
            evidence,
            severity="warning",
        )


def flag_decoding(builder: RecordBuilder, notes: Iterable[str]) -> None:
    """Flag ``encoding_guessed`` for each distinct note on how the record's bytes were decoded
    where that is not what the source declared (a windows-1252 fallback, a declaration that the
    bytes contradict): pages and XML formats alike, one code."""
    for note in dict.fromkeys(notes):
        builder.flag("encoding_guessed", note, [note], severity="info")


class PageParser(Parser):
    """Base of the parsers whose input is one web page: the page is one record.

    It reads and decodes the page itself (:func:`~recordparse.sources.read_text`: BOM, declared
    charset, strict UTF-8, windows-1252 per line) up to the input's record limit, and
    :meth:`parse_page` parses it with :func:`~recordparse.xmlsafe.safe_html`, so every page
    format reports the same findings under the same codes: ``encoding_guessed`` when decoding
    needed a fallback, ``html_content_lost`` for every part of the page lxml dropped (huge text
    nodes, nesting past its depth limit).
    """

    #: Build lxml.html elements (True) or plain, faster lxml.etree elements (False).
    html_elements: ClassVar[bool] = True

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        limit = (inp.limits or Limits()).max_record
        text, note = read_text(inp, limit)
        yield RawRecord(text, Position(inp.name, 1, 1, 0), context=note)

    def parse_page(self, raw: RawRecord, builder: RecordBuilder) -> Any:
        """The page's root element; decoding notes and lost content become flags on ``builder``."""
        try:
            root, warnings = safe_html(str(raw.data), html_elements=self.html_elements)
        except ValueError as exc:
            raise self.fail(raw, str(exc), kind="syntax") from None
        if raw.context:
            flag_decoding(builder, [str(raw.context)])
        for warning in warnings:
            builder.flag("html_content_lost", warning, [warning], severity="warning")
        return root
