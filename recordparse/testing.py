"""Helpers for plugin authors: an in-memory registry and a conformance suite for any parser.

:func:`make_registry` builds a :class:`~recordparse.Registry` holding just the parsers under
test, so that nothing installed on the machine changes a test's result.

:class:`ParserConformance` checks the parser contract that :func:`recordparse.read` relies on.
Subclass it in a pytest module, name the subclass ``Test...``, and set ``parser`` and ``samples``::

    from pathlib import Path
    from recordparse.testing import ParserConformance
    from my_plugin import MyParser

    class TestMyParser(ParserConformance):
        parser = MyParser()
        samples = sorted(Path(__file__).parent.joinpath("samples").glob("*.xml"))

Each ``test_*`` method checks one part of the contract:

- declarations: ``name`` (lower case, hyphens), ``title``, ``media_types``, and a ``field_map``
  of source fields to (descriptions of) the Record fields they fill;
- ``sniff`` never raises and returns a number in 0..1 on random and hostile bytes, and scores
  each sample above the median of the other parsers' scores;
- ``split`` streams: the first record arrives before the rest of the input is read (checked with
  a stream that fails when read past the middle of record 3; a parser that must keep records back
  until it sees what follows them declares how many in ``split_tail``);
- positions: record numbers 1..n in order, lines and byte offsets non-decreasing and inside the
  input;
- the error policy: a sample cut in the middle of its last record still gives every earlier
  record unchanged, and nothing is lost (records + failures >= the records of the whole sample);
- every record survives ``Record.from_dict(record.to_dict())`` and its ``to_dict`` is strict JSON.

The checks are also plain functions (``check_declarations(parser)`` ...) for use outside pytest.
A check that fails raises :class:`AssertionError` saying what broke; a check that cannot apply
(no sample with two records, offsets not reported) is skipped with the reason when pytest runs
it.
"""

from __future__ import annotations

import io
import json
import random
import re
import statistics
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from .errors import Failure
from .formats.base import Parser, RawRecord
from .reading import iter_outcomes
from .record import Record
from .registry import Registry
from .sources import HEAD_SIZE, Input, open_inputs

__all__ = [
    "ParserConformance",
    "ReadPastLimit",
    "Sample",
    "check_declarations",
    "check_error_policy",
    "check_positions",
    "check_round_trip",
    "check_sniff_robust",
    "check_sniff_samples",
    "check_streaming",
    "load_sample",
    "make_registry",
]

_NAME = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
_MEDIA_TYPE = re.compile(r"^[a-z]+/[A-Za-z0-9.+_-]+$")


def make_registry(*parsers: Parser | type[Parser], builtins: bool = False) -> Registry:
    """A registry with just ``parsers`` (plus the built-ins with ``builtins=True``) and never any
    installed plugin."""
    registry = Registry(builtins=builtins, plugins=False)
    for parser in parsers:
        registry.add_parser(parser)
    return registry


class ReadPastLimit(AssertionError):
    """Raised by the streaming check's input when a parser reads further than it needs."""


def _skip(reason: str) -> NoReturn:
    """Skip the current test under pytest; elsewhere, say why the check could not run."""
    try:
        import pytest
    except ImportError:  # pragma: no cover - only without pytest
        raise AssertionError(f"check not applicable: {reason}") from None
    pytest.skip(reason)


# --------------------------------------------------------------------------------------------
# Samples


class Sample:
    """One sample input, decompressed: its ``name`` and ``data`` bytes."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.data = data

    def input(self, stream: Any = None) -> Input:
        """A fresh :class:`Input` over the sample (or over ``stream``, serving the same bytes)."""
        filename = Path(self.name).name if not self.name.startswith("<") else ""
        return Input(
            name=self.name,
            stream=stream if stream is not None else io.BytesIO(self.data),
            head=self.data[:HEAD_SIZE],
            filename=filename,
        )

    def __repr__(self) -> str:
        return f"<Sample {self.name} ({len(self.data)} bytes)>"


def load_sample(sample: str | Path | bytes | Sample) -> Sample:
    """A :class:`Sample` from a path (compressed files are opened as recordparse opens them; the
    first input of an archive is used), raw bytes, or a Sample."""
    if isinstance(sample, Sample):
        return sample
    if isinstance(sample, bytes):
        return Sample("<sample>", sample)
    for inp in open_inputs(sample):
        return Sample(inp.name, inp.stream.read())
    raise AssertionError(f"{sample}: no input in this sample")


def _outcomes(parser: Parser, sample: Sample, data: bytes | None = None) -> list[Record | Failure]:
    inp = Sample(sample.name, sample.data if data is None else data).input()
    return list(iter_outcomes(inp, parser))


def _records(parser: Parser, sample: Sample) -> list[Record]:
    outcomes = _outcomes(parser, sample)
    failures = [o for o in outcomes if isinstance(o, Failure)]
    assert not failures, f"{sample.name}: a conformance sample must read cleanly; got {failures[0]}"
    return [o for o in outcomes if isinstance(o, Record)]


# --------------------------------------------------------------------------------------------
# Checks


def check_declarations(parser: Parser) -> None:
    """``name``, ``title``, ``media_types``, ``patterns`` and ``field_map`` are declared and
    well-formed: ``field_map`` maps non-empty source field names to non-empty targets (a Record
    field such as ``authors``, optionally with a note on how: the documentation shows it as is)."""
    assert isinstance(parser, Parser), f"{parser!r} does not derive from recordparse.Parser"
    assert _NAME.match(parser.name or ""), f"name {parser.name!r}: lower case words joined by hyphens"
    assert isinstance(parser.title, str) and parser.title.strip(), f"{parser.name}: no title"
    assert isinstance(parser.media_types, tuple) and parser.media_types, f"{parser.name}: no media_types"
    for media in parser.media_types:
        assert _MEDIA_TYPE.match(media), f"{parser.name}: {media!r} is not a media type"
    assert isinstance(parser.patterns, tuple), f"{parser.name}: patterns must be a tuple of globs"
    assert all(isinstance(p, str) and p for p in parser.patterns), f"{parser.name}: empty pattern"
    assert isinstance(parser.field_map, dict), f"{parser.name}: field_map must be a dict"
    for source, target in parser.field_map.items():
        assert isinstance(source, str) and source.strip(), f"{parser.name}: empty source field in field_map"
        assert isinstance(target, str) and target.strip(), f"{parser.name}: field_map[{source!r}] has no target"


def _hostile_inputs(samples: Sequence[Sample]) -> Iterator[bytes]:
    rng = random.Random(20261121)
    yield b""
    yield b"\x00" * 64
    yield b"\xff\xfe\x00\x00"
    yield b"\xef\xbb\xbf"
    yield b"{" * 500
    yield b"[" + b'{"a":' * 200
    yield b"<" * 300 + b"?xml"
    yield b"<?xml version='1.0' encoding='nonsense'?><a>"
    yield b"<html><head><meta charset='utf-16'>"
    yield "é€\u2028\ufffd".encode("utf-16")
    for size in (1, 7, 100, 4096, HEAD_SIZE):
        yield bytes(rng.getrandbits(8) for _ in range(size))
        yield "".join(chr(rng.randint(32, 126)) for _ in range(size)).encode()
    for sample in samples:
        data = sample.data[:HEAD_SIZE]
        for cut in (1, 2, len(data) // 3, len(data) // 2, len(data) - 1):
            yield data[:cut]
        mixed = bytearray(data)
        for _ in range(max(1, len(mixed) // 50)):
            if mixed:
                mixed[rng.randrange(len(mixed))] = rng.getrandbits(8)
        yield bytes(mixed)


def check_sniff_robust(parser: Parser, samples: Sequence[Sample] = ()) -> None:
    """``sniff`` returns a float in 0..1 and never raises, on random, empty, truncated and
    damaged input."""
    for blob in _hostile_inputs(samples):
        try:
            score = parser.sniff(blob)
        except Exception as exc:
            raise AssertionError(f"{parser.name}: sniff raised {type(exc).__name__}: {exc} on {blob[:40]!r}") from exc
        assert isinstance(score, (int, float)) and not isinstance(score, bool), (
            f"{parser.name}: sniff returned {score!r}, not a number"
        )
        assert 0.0 <= score <= 1.0, f"{parser.name}: sniff returned {score} on {blob[:40]!r}"


def check_sniff_samples(parser: Parser, samples: Sequence[Sample], others: Sequence[Parser]) -> None:
    """On each sample, ``parser`` scores above the median score of ``others``."""
    for sample in samples:
        head = sample.data[:HEAD_SIZE]
        score = parser.sniff(head)
        rivals = [p.sniff(head) for p in others if p.name != parser.name]
        median = statistics.median(rivals) if rivals else 0.0
        assert score > median, (
            f"{parser.name}: sniff gives {score} on {sample.name}, not above the other parsers' median {median}"
        )


class _Guarded(io.RawIOBase):
    """Serves ``data`` in short reads and raises :class:`ReadPastLimit` past ``limit``."""

    def __init__(self, data: bytes, limit: int) -> None:
        self._data = data
        self._limit = limit
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._pos >= len(self._data):
            return 0
        if self._pos >= self._limit:
            raise ReadPastLimit(f"read past byte {self._limit} before yielding the first record")
        n = min(len(buffer), self._limit - self._pos)
        buffer[:n] = self._data[self._pos : self._pos + n]
        self._pos += n
        return n


def _limit_for(records: Sequence[Record], size: int, hold: int) -> int | None:
    """Where a streaming parser must have yielded record 1: the middle of record ``3 + hold``
    (of the last record when there are exactly ``2 + hold``), which leaves room for a look-ahead
    into the next record plus the ``hold`` records a parser may keep back."""
    index = hold + 2
    if len(records) < index:
        return None
    offsets: list[int | None] = [r.position.byte_offset if r.position else None for r in records[: index + 2]]
    offsets.append(size)
    start, end = (offsets[index - 1], size) if len(records) == index else (offsets[index], offsets[index + 1])
    if start is None or end is None:
        return None
    return start + max(1, (end - start) // 2)


def check_streaming(parser: Parser, samples: Sequence[Sample]) -> None:
    """``split`` yields the first record before it reads the whole input.

    Uses every sample with enough records that report byte offsets. The input serves short reads
    and raises :class:`ReadPastLimit` when read past the middle of record 3 (record 2 when there
    are only two), so a parser that buffers the input fails. A parser whose records depend on
    what follows them (OAI-PMH keeps records back until it sees the page's resumptionToken)
    declares how many it may hold back in ``split_tail``; the limit moves that many records on.
    """
    hold = int(getattr(parser, "split_tail", 0) or 0)
    tried = 0
    for sample in samples:
        records = _records(parser, sample)
        limit = _limit_for(records, len(sample.data), hold)
        if limit is None or limit >= len(sample.data):
            continue
        tried += 1
        inp = sample.input(_Guarded(sample.data, limit))
        try:
            first = next(iter(parser.split(inp)))
        except ReadPastLimit as exc:
            raise AssertionError(f"{parser.name} on {sample.name}: {exc}; split must stream") from None
        assert isinstance(first, RawRecord), f"{parser.name} on {sample.name}: first item is {first!r}"
        assert first.position.record == 1, f"{parser.name}: the first raw record is numbered {first.position.record}"
    if not tried:
        held = f" (it holds back up to {hold} records)" if hold else ""
        _skip(f"{parser.name}: no sample has {hold + 2} or more records with byte offsets{held}, so streaming cannot be checked")


def _line_count(data: bytes) -> int:
    return data.count(b"\n") + 1


def check_positions(parser: Parser, samples: Sequence[Sample]) -> None:
    """Records are numbered 1..n in order; lines and byte offsets never go back and stay inside
    the input; the source name is the input's."""
    for sample in samples:
        records = _records(parser, sample)
        numbers = [r.position.record if r.position else None for r in records]
        assert numbers == list(range(1, len(records) + 1)), f"{parser.name} on {sample.name}: record numbers {numbers}"
        last_line, last_offset = 0, -1
        for record in records:
            pos = record.position
            assert pos is not None and pos.source == sample.name, f"{parser.name}: position {pos} names another source"
            if pos.line is not None:
                assert 1 <= pos.line <= _line_count(sample.data), f"{parser.name}: line {pos.line} outside {sample.name}"
                assert pos.line >= last_line, f"{parser.name}: line goes back at {pos}"
                last_line = pos.line
            if pos.byte_offset is not None:
                assert 0 <= pos.byte_offset < len(sample.data), f"{parser.name}: offset outside {sample.name} at {pos}"
                assert pos.byte_offset >= last_offset, f"{parser.name}: byte offset goes back at {pos}"
                last_offset = pos.byte_offset


def _identity(record: Record) -> tuple[Any, ...]:
    return (record.id, record.title, record.doi, tuple(p.name for p in record.authors))


def check_error_policy(parser: Parser, samples: Sequence[Sample]) -> None:
    """A sample cut in the middle of its last record: reading it raises nothing, the records
    before the cut come out unchanged, and records + failures >= the records of the whole sample
    (the damaged one is a Failure, or a record read from what was left; never lost)."""
    for sample in samples:
        records = _records(parser, sample)
        if not records:
            continue
        last = records[-1].position
        start = last.byte_offset if last is not None and last.byte_offset is not None else None
        if start is None:
            start = 0 if len(records) == 1 else None
        if start is None:
            continue
        cut = start + max(1, (len(sample.data) - start) // 2)
        outcomes = _outcomes(parser, sample, sample.data[:cut])
        got = [o for o in outcomes if isinstance(o, Record)]
        failures = [o for o in outcomes if isinstance(o, Failure)]
        assert len(got) + len(failures) >= len(records), (
            f"{parser.name}: {sample.name} cut at byte {cut} gave {len(got)} records and {len(failures)} failures; "
            f"{len(records)} candidates were there"
        )
        before = [_identity(r) for r in records[:-1]]
        assert [_identity(r) for r in got[: len(before)]] == before, (
            f"{parser.name}: the records before the damage in {sample.name} did not all come out"
        )
        for failure in failures:
            assert failure.source == sample.name and failure.record >= 1, f"{parser.name}: failure without a position: {failure}"


def check_round_trip(parser: Parser, samples: Sequence[Sample]) -> None:
    """``Record.from_dict(r.to_dict()) == r`` and ``to_dict`` is strict JSON for every record."""
    for sample in samples:
        for record in _records(parser, sample):
            data = record.to_dict()
            try:
                text = json.dumps(data, allow_nan=False)
            except (TypeError, ValueError) as exc:
                raise AssertionError(f"{parser.name}: to_dict of {record.id} is not JSON: {exc}") from exc
            again = Record.from_dict(json.loads(text))
            assert again == record, f"{parser.name}: {record.id} changes in a to_dict/from_dict round trip"


# --------------------------------------------------------------------------------------------
# The pytest base class


class ParserConformance:
    """Base class of a conformance test: set ``parser`` (an instance or class) and ``samples``
    (paths, bytes or :class:`Sample` objects; compressed files are fine). ``others`` are the
    parsers ``sniff`` must beat on the samples; by default the built-in parsers.

    The class name does not start with ``Test``, so pytest collects only your subclass. To
    compute the parser or the samples when the tests run rather than at import, override
    :meth:`get_parser`, :meth:`get_samples` or :meth:`get_others` instead.
    """

    parser: Parser | type[Parser]
    samples: Sequence[str | Path | bytes | Sample] = ()
    others: Sequence[Parser] | None = None

    def get_parser(self) -> Parser:
        """The parser under test (``parser``, instantiated when it is a class)."""
        parser = self.parser
        return parser() if isinstance(parser, type) else parser

    def get_samples(self) -> list[Sample]:
        """The loaded ``samples``; skips the test when there are none."""
        samples = [load_sample(s) for s in self.samples]
        if not samples:
            _skip(f"{type(self).__name__} has no samples")
        return samples

    def get_others(self) -> list[Parser]:
        """The parsers ``sniff`` must beat: ``others``, or the built-in parsers."""
        if self.others is not None:
            return list(self.others)
        return list(Registry(plugins=False).parsers(include_plugins=False))

    def test_declarations(self) -> None:
        check_declarations(self.get_parser())

    def test_sniff_is_robust(self) -> None:
        check_sniff_robust(self.get_parser(), self.get_samples())

    def test_sniff_prefers_samples(self) -> None:
        check_sniff_samples(self.get_parser(), self.get_samples(), self.get_others())

    def test_split_streams(self) -> None:
        check_streaming(self.get_parser(), self.get_samples())

    def test_positions(self) -> None:
        check_positions(self.get_parser(), self.get_samples())

    def test_error_policy(self) -> None:
        check_error_policy(self.get_parser(), self.get_samples())

    def test_round_trip(self) -> None:
        check_round_trip(self.get_parser(), self.get_samples())
