"""``read``, ``parse`` and ``detect``: pick a parser for each input and apply the error policy.

Every candidate record in the input comes out exactly once: as a :class:`~recordparse.Record`, or
as a failure. What happens to a failure depends on ``errors``:

- ``"raise"`` (default): the first failure raises :class:`~recordparse.errors.RecordError`;
- ``"skip"``: failures are logged (logger ``recordparse``) and left out;
- ``"collect"``: failures are yielded in place as :class:`~recordparse.errors.Failure` objects.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any, Literal, overload

from .errors import (
    Failure,
    NoRecordError,
    RecordError,
    RecordParseError,
    TooManyRecordsError,
    UnknownFormatError,
)
from .formats.base import Parser, RawRecord
from .record import Position, Record
from .registry import Candidate, Registry, default_registry
from .sources import Input, Limits, open_inputs

__all__ = ["ErrorPolicy", "detect", "frame", "iter_outcomes", "parse", "read"]

log = logging.getLogger("recordparse")

ErrorPolicy = Literal["raise", "skip", "collect"]
_POLICIES = ("raise", "skip", "collect")


def _parser_for(
    inp: Input, format: str | Parser | None, registry: Registry
) -> Parser:
    if isinstance(format, Parser):
        return format
    if format:
        return registry.get(format, inp.name)
    return registry.choose(inp.head, inp.filename, inp.name)


def _with_position(record: Record, position: Position) -> Record:
    if record.position is None:
        object.__setattr__(record, "position", position)
    return record


def iter_outcomes(
    inp: Input, parser: Parser
) -> Iterator[Record | Failure]:
    """Split and map one input; every candidate record becomes a Record or a Failure."""
    for raw in frame(inp, parser):
        yield raw if isinstance(raw, Failure) else _map_one(parser, raw)


def frame(inp: Input, parser: Parser) -> Iterator[RawRecord | Failure]:
    """The parser's ``split`` of one input, with the failure rules every reader shares.

    If splitting cannot go on (a fatal syntax error, a corrupt compressed stream, a bug in the
    parser), one Failure covers the unread rest, placed after the last record that was read.
    The parallel planner frames inputs through this too, so both count records alike.
    """
    last = Position(inp.name, 0)
    try:
        for raw in parser.split(inp):
            last = raw.position
            yield raw
    except RecordError as exc:
        yield exc.to_failure()
    except RecordParseError as exc:
        yield Failure(
            Position(inp.name, last.record + 1, None, None),
            f"{exc}; records after #{last.record} not read",
            kind="truncated",
            parser=parser.name,
        )
    except Exception as exc:
        # A bug in a parser's split (a plugin's, say): reported with the parser's name; the
        # other inputs, read by other parsers, go on.
        yield Failure(
            Position(inp.name, last.record + 1, None, None),
            f"the {parser.name} parser failed: {type(exc).__name__}: {exc}; records after #{last.record} not read",
            kind="internal",
            parser=parser.name,
        )


def _map_one(parser: Parser, raw: RawRecord) -> Record | Failure:
    try:
        return _with_position(parser.map(raw), raw.position)
    except RecordError as exc:
        return exc.to_failure()
    except RecordParseError as exc:
        return Failure(raw.position, str(exc), kind="mapping", record_id=raw.record_id, parser=parser.name)
    except Exception as exc:
        # A parser bug or an input it did not foresee: reported against the record, never lost.
        return Failure(
            raw.position,
            f"cannot map record: {type(exc).__name__}: {exc}",
            kind="mapping",
            record_id=raw.record_id,
            parser=parser.name,
        )


@overload
def read(
    source: Any,
    format: str | Parser | None = ...,
    *,
    errors: Literal["raise", "skip"] = ...,
    registry: Registry | None = ...,
    limits: Limits | None = ...,
    jobs: int = ...,
) -> Iterator[Record]: ...
@overload
def read(
    source: Any,
    format: str | Parser | None = ...,
    *,
    errors: Literal["collect"],
    registry: Registry | None = ...,
    limits: Limits | None = ...,
    jobs: int = ...,
) -> Iterator[Record | Failure]: ...
def read(
    source: Any,
    format: str | Parser | None = None,
    *,
    errors: ErrorPolicy = "raise",
    registry: Registry | None = None,
    limits: Limits | None = None,
    jobs: int = 1,
) -> Iterator[Record] | Iterator[Record | Failure]:
    """Stream every record of ``source``.

    ``source`` is a path (file or directory), ``bytes``, or a binary or text file object;
    compressed files and archives are opened transparently. ``format`` names the parser (see
    ``recordparse formats``) and bypasses sniffing; without it each input is sniffed.
    ``errors`` is the policy described in this module.

    ``jobs=N`` parses a path (file or directory) in N processes (``0``: one per core), with
    the same records, failures and positions in the same order (:mod:`recordparse.parallel`);
    other sources are read in this process.
    """
    if errors not in _POLICIES:
        raise ValueError(f"errors must be one of {_POLICIES}, not {errors!r}")
    reg = registry or default_registry()
    if isinstance(format, str):
        format = reg.get(format, _source_name(source))  # an unknown name fails now, not per input
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (one per core) or more, not {jobs}")
    if jobs != 1 and isinstance(source, (str, os.PathLike)):
        from .parallel import parallel_outcomes

        return _apply_policy(parallel_outcomes(source, format, reg, limits, jobs), errors)
    return _apply_policy(_outcomes(source, format, reg, limits), errors)


def _source_name(source: Any) -> str:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return "<bytes>"
    return str(getattr(source, "name", source))


def _outcomes(
    source: Any, format: str | Parser | None, registry: Registry, limits: Limits | None
) -> Iterator[Record | Failure]:
    inputs = open_inputs(source, limits=limits)
    begun: set[int] = set()
    while True:
        try:
            inp = next(inputs)
        except StopIteration:
            return
        except RecordParseError as exc:
            name = getattr(exc, "source", None) or str(source)
            yield Failure(Position(str(name), 1), str(exc), kind="source")
            return
        try:
            parser = _parser_for(inp, format, registry)
        except UnknownFormatError as exc:
            reason = f"{exc.reason}; known formats: {', '.join(exc.known)}"
            yield Failure(Position(inp.name, 1, 1, 0), reason, kind="format")
            continue
        except RecordParseError as exc:
            yield Failure(Position(inp.name, 1, 1, 0), str(exc), kind="format")
            continue
        if id(parser) not in begun:
            begun.add(id(parser))
            parser.begin()
        yield from iter_outcomes(inp, parser)


def _apply_policy(
    outcomes: Iterator[Record | Failure], errors: ErrorPolicy
) -> Iterator[Any]:
    for item in outcomes:
        if isinstance(item, Failure):
            if errors == "raise":
                err = item.to_error()
                raise err
            if errors == "skip":
                log.warning("skipped: %s", item)
                continue
        yield item


def parse(
    source: Any,
    format: str | Parser | None = None,
    *,
    registry: Registry | None = None,
    limits: Limits | None = None,
) -> Record:
    """Read exactly one Record from ``source``; raise if there is none or more than one."""
    found: Record | None = None
    for record in read(source, format, errors="raise", registry=registry, limits=limits):
        if found is not None:
            raise TooManyRecordsError(
                f"{record.position.source if record.position else source}: more than one record; use recordparse.read()"
            )
        found = record
    if found is None:
        raise NoRecordError(f"{source if isinstance(source, str) else type(source).__name__}: no record found")
    return found


def detect(
    source: Any, *, registry: Registry | None = None, limits: Limits | None = None
) -> list[Candidate]:
    """Rank the formats that could read ``source`` (its first input), best first.

    Raises :class:`~recordparse.errors.UnknownFormatError` (listing the known formats) when
    nothing scores, and :class:`~recordparse.errors.SourceError` when the source cannot be read.
    """
    reg = registry or default_registry()
    for inp in open_inputs(source, limits=limits):
        ranked = reg.rank(inp.head, inp.filename)
        if not ranked:
            reason = "empty input" if not inp.head.strip() else "no format recognised this input"
            raise UnknownFormatError(inp.name, reason, reg.names(include_plugins=False))
        return ranked
    raise UnknownFormatError(str(source), "no input found", reg.names(include_plugins=False))
