"""Cut sources into tasks at record boundaries, and run one task: the core of every parallel reader.

:func:`plan` runs in one process (the caller's, or the Dask/Spark driver). For each input it picks
the parser exactly as :func:`recordparse.read` does and then:

- for a parser that is :attr:`~recordparse.Parser.splittable`, it runs the parser's own ``split``
  (cheap framing, no mapping) over the input, or its framing-only ``frame_positions`` where it
  has one (positions without raw records; see :func:`_scan`), and cuts the stream into byte
  ranges of about ``blocksize`` bytes at the offsets of the raw records (smaller near the end of
  a large input: :func:`_block`). Each range becomes a :class:`Task` that
  names the file, the range, the envelope before the first record (the *prologue*: an OAI-PMH
  page's ``responseDate`` and ``request``, a Solr response's header) and the positions its records
  must have. Failures that ``split`` reports are decided here, once, in input order, and state a
  parser keeps across inputs (OAI-PMH's resumption-token chain) evolves exactly as in one process;
- for any other parser the whole input is one task (per-file parallelism).

:func:`run_task` runs anywhere the file can be opened: it re-opens the file, reads the prologue
and the range, splits and maps them with the same parser, checks that it found exactly the raw
records the plan saw, and shifts record numbers, lines and byte offsets to those of the whole
input. So positions, failures and Records are the same as in a single-process read, and a task is
a few hundred bytes to send, whatever the size of the input.

A parser whose ``split`` costs a good part of a whole read (VuFind text pages, cut by looking at
every line) would pay it twice that way: once in the plan, once in the worker. With ``ship_raws``
(:mod:`recordparse.parallel` sets it), a parser that declares ``ship_raw_records = True`` is
instead split once, by the planner, exactly as in one process, and its raw records travel to the
workers, in batches of about ``blocksize`` bytes of input (task kind ``raws``): the workers
only map them. Such a parser's ``RawRecord`` s must pickle, and ``map`` must not depend
on what one parser instance saw before.

Compressed files and archive members cannot be opened at an offset. :mod:`recordparse.parallel`
passes a *spool* callback that writes each such input once to a temporary file (which can then be
cut like any other); without one (Dask, Spark: the workers may not share the driver's temporary
directory) such an input is one task that names the container and the member's index in it.
"""

from __future__ import annotations

import contextlib
import gc
import io
import os
import pickle
from collections import deque
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal, cast

import attrs

from .errors import Failure, RecordParseError, UnknownFormatError
from .formats.base import Parser, RawRecord
from .reading import _map_one, _parser_for, frame, iter_outcomes
from .record import Position, Record
from .registry import Registry, default_registry
from .sources import HEAD_SIZE, Input, Limits, _walk, detect_encoding, open_inputs

__all__ = [
    "DEFAULT_BLOCKSIZE",
    "MAX_RANGE_RECORDS",
    "Release",
    "SplitMismatch",
    "Task",
    "gc_paused",
    "plan",
    "run_task",
]

#: Bytes of input per range task (a range ends at the first record boundary past this).
DEFAULT_BLOCKSIZE = 2 * 1024 * 1024
#: Records per range task at most, whatever their size (bounds a task's result in memory).
MAX_RANGE_RECORDS = 4000
#: Near an input's end, ranges shrink to this share of what is left (see :func:`_block`) ...
TAIL_SHARE = 8
#: ... but not below this many bytes.
MIN_TAIL_BLOCK = 256 * 1024
#: An envelope before the first record larger than this is not copied into every range.
MAX_PROLOGUE = 4 * 1024 * 1024

Outcome = Record | Failure
TaskKind = Literal["range", "whole", "member", "done", "raws"]
#: Writes an input's decompressed bytes to a file and returns its path (see :func:`plan`).
Spool = Callable[[Input], str]


class SplitMismatch(RecordParseError):
    """A worker's re-split of a range disagreed with the plan: the parser is not range-safe.

    This is a bug in a parser that declares ``splittable = True``; the message names it.
    """


@attrs.frozen
class Task:
    """One unit of parallel work, small to pickle.

    ``kind`` is ``range`` (records ``start``..``end`` of the plain file ``path``, read after the
    bytes ``0..prologue``), ``whole`` (the whole plain file ``path``), ``member`` (input number
    ``member`` of the container ``path``, as :func:`~recordparse.sources.open_inputs` yields
    them), ``raws`` (``raws``, the planner's raw records and split failures, to map) or ``done`` (``outcomes`` decided by the planner: a source or format failure).
    ``source`` is the input's name for positions, ``parser`` a format name of the default
    registry or a picklable parser. ``numbers``, ``lines`` and ``offsets`` are the positions of
    the range's raw records in the whole input; ``failures`` are the planner's split failures
    with the count of this range's records that precede each.
    """

    kind: TaskKind
    source: str
    path: str | None = None
    filename: str = ""
    parser: str | Parser | None = None
    member: int = 0
    prologue: int = 0
    start: int = 0
    end: int | None = None
    numbers: tuple[int, ...] = ()
    lines: tuple[int | None, ...] = ()
    offsets: tuple[int | None, ...] = ()
    failures: tuple[tuple[int, Failure], ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    limits: Limits | None = None
    raws: tuple[RawRecord | Failure, ...] = ()

    @property
    def records(self) -> int:
        """How many raw records the plan found in this range (0 for other kinds)."""
        return len(self.numbers)


@attrs.frozen
class Release:
    """Marks that every task reading the spooled file ``path`` has been planned before it."""

    path: str


# --------------------------------------------------------------------------------------------
# Planning


def plan(
    source: str | os.PathLike[str],
    format: str | Parser | None = None,
    *,
    registry: Registry | None = None,
    limits: Limits | None = None,
    blocksize: int = DEFAULT_BLOCKSIZE,
    max_records: int = MAX_RANGE_RECORDS,
    spool: Spool | None = None,
    ship_raws: bool = False,
) -> Iterator[Task | Release]:
    """Yield the tasks that read ``source`` (a file or directory path), in input order.

    Lazy: an input is split only when its tasks are asked for, so a caller that bounds the
    tasks in flight bounds memory (and spooled disk). ``spool`` turns compressed inputs and
    archive members into plain files; each such file is followed by a :class:`Release` once its
    last task has been yielded. Without ``spool`` they become ``member`` tasks. ``ship_raws``
    makes ``raws`` tasks for parsers that declare ``ship_raw_records`` (module docstring).
    """
    if blocksize < 1 or max_records < 1:
        raise ValueError("blocksize and max_records must be positive")
    reg = registry or default_registry()
    root = Path(source)
    files = _walk(root) if root.is_dir() else iter([root])
    for file in files:
        stop = yield from _plan_file(file, format, reg, limits, blocksize, max_records, spool, ship_raws)
        if stop:
            return


def _plan_file(
    file: Path,
    format: str | Parser | None,
    registry: Registry,
    limits: Limits | None,
    blocksize: int,
    max_records: int,
    spool: Spool | None,
    ship_raws: bool = False,
) -> Generator[Task | Release, None, bool]:
    """Tasks of one file's inputs; returns True when a source error ends the whole read
    (as it does in :func:`recordparse.read`)."""
    inputs = open_inputs(file, limits=limits)
    index = -1
    while True:
        try:
            inp = next(inputs)
        except StopIteration:
            return False
        except RecordParseError as exc:
            name = getattr(exc, "source", None) or str(file)
            yield _done(str(name), Failure(Position(str(name), 1), str(exc), kind="source"))
            return True
        index += 1
        try:
            parser = _parser_for(inp, format, registry)
        except UnknownFormatError as exc:
            reason = f"{exc.reason}; known formats: {', '.join(exc.known)}"
            yield _done(inp.name, Failure(Position(inp.name, 1, 1, 0), reason, kind="format"))
            continue
        except RecordParseError as exc:
            yield _done(inp.name, Failure(Position(inp.name, 1, 1, 0), str(exc), kind="format"))
            continue
        ref = _parser_ref(parser)
        if ship_raws and parser.ship_raw_records:
            yield from _raw_batches(inp, parser, ref, blocksize, max_records)
            continue
        path = _plain_path(inp)
        if path is None and spool is None:
            yield Task("member", inp.name, str(file), inp.filename, ref, member=index, limits=limits)
            continue
        spooled: str | None = None
        if path is None:
            assert spool is not None
            try:
                spooled = path = spool(inp)
            except _SpoolFailed as failed:
                stream = cast(BinaryIO, _Replay(failed.path, failed.error))
                replay = Input(inp.name, stream, inp.head, inp.filename, inp.encoding, inp.limits)
                yield Task("done", inp.name, outcomes=tuple(iter_outcomes(replay, parser)))
                yield Release(failed.path)
                continue
        if not parser.splittable or _wide(inp):
            yield Task("whole", inp.name, path, inp.filename, ref, limits=limits)
        else:
            original = inp
            if spooled is not None:
                inp = _reopen(spooled, inp)
            reopen = _reopener(file, path, spooled, original, limits)
            yield from _ranges(inp, parser, ref, path, blocksize, max_records, limits, reopen)
        if spooled is not None:
            yield Release(spooled)


def _done(source: str, failure: Failure) -> Task:
    return Task("done", source, outcomes=(failure,))


def _parser_ref(parser: Parser) -> str | Parser:
    """The parser's name when a worker's default registry gives the same class, else itself."""
    try:
        if type(default_registry().get(parser.name)) is type(parser):
            return parser.name
    except RecordParseError:
        pass
    try:
        pickle.dumps(parser)
    except Exception as exc:
        raise TypeError(
            f"parser {parser.name!r} is not in the default registry and cannot be pickled for "
            f"worker processes ({type(exc).__name__}: {exc}); use jobs=1"
        ) from None
    return parser


def _plain_path(inp: Input) -> str | None:
    """The path of ``inp`` when it is a regular file read as is (not decompressed, no member)."""
    path = inp.name
    if not os.path.isfile(path):
        return None
    try:
        with open(path, "rb") as handle:
            first = handle.read(len(inp.head))
    except OSError:
        return None
    return path if first == inp.head else None


def _wide(inp: Input) -> bool:
    """UTF-16/32 inputs are transcoded by the splitters, so their offsets are not file offsets."""
    encoding, _, _ = detect_encoding(inp.head, inp.encoding)
    return encoding.startswith(("utf-16", "utf-32"))


def _reopen(path: str, inp: Input) -> Input:
    handle = open(path, "rb")  # noqa: SIM115 - closed when the planner's split finishes
    return Input(inp.name, io.BufferedReader(_Closing(handle)), inp.head, inp.filename, inp.encoding, inp.limits)


class _Closing(io.RawIOBase):
    """Reads a file and closes it at end of file (the planner's split reads to the end)."""

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._handle.closed:
            return 0
        n = self._handle.readinto(buffer)  # type: ignore[attr-defined]
        if not n:
            self._handle.close()
        return int(n or 0)

    def close(self) -> None:
        self._handle.close()
        super().close()


class _SpoolFailed(Exception):
    """Raised by a spool callback when the input broke while being copied (corrupt gzip...)."""

    def __init__(self, path: str, error: RecordParseError) -> None:
        super().__init__(str(error))
        self.path = path
        self.error = error


def spool_to(directory: str) -> Spool:
    """A spool callback writing each input to a new file in ``directory``.

    If reading the input fails part way, the bytes read so far and the error are replayed in
    the planning process, so the outcome is exactly that of a single-process read.
    """
    counter = iter(range(1 << 62))

    def write(inp: Input) -> str:
        path = os.path.join(directory, f"input-{next(counter)}")
        with open(path, "wb") as out:
            try:
                while True:
                    block = inp.stream.read(1 << 20)
                    if not block:
                        break
                    out.write(block)
            except RecordParseError as exc:
                out.flush()
                raise _SpoolFailed(path, exc) from None
        return path

    return write


class _Replay(io.BufferedIOBase):
    """The bytes spooled before an error, then the same error.

    Every byte is returned before the error is raised (as ``sources`` does for a corrupt
    stream): no ``io.BufferedReader`` on top, which would drop the bytes of a read that the
    error interrupts.
    """

    def __init__(self, path: str, error: RecordParseError) -> None:
        self._handle = open(path, "rb")  # noqa: SIM115 - closed at the end of the replay
        self._error = error

    def readable(self) -> bool:
        return True

    def _checked(self, data: bytes, size: int | None) -> bytes:
        if not data and size != 0:
            self._handle.close()
            raise self._error
        return data

    def read(self, size: int | None = -1) -> bytes:
        return self._checked(self._handle.read(size) if not self._handle.closed else b"", size)

    def read1(self, size: int = -1) -> bytes:
        return self._checked(self._handle.read1(size) if not self._handle.closed else b"", size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._checked(self._handle.readline(size) if not self._handle.closed else b"", size)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _scan(inp: Input, parser: Parser, reopen: Reopen | None = None) -> Iterator[Position | Failure]:
    """The parser's split reduced to positions, framed by :func:`recordparse.reading.frame`
    so that the plan counts records and failures exactly as a single-process read does.

    With ``reopen`` (which opens the input again from its start), the parser's framing-only
    mode (:meth:`~recordparse.Parser.frame_positions`) gives the positions when it has one:
    the same items, without building the raw records (OAI-PMH, EP3: no record is copied out of
    the buffer; a tenth to a half of a whole-input split). If it raises, whatever the reason,
    the input is read again with ``split`` and the items after those already planned come from
    there (the last one planned is checked against it), so the plan is ``split``'s in any case.
    """
    fast = parser.frame_positions(inp) if reopen is not None and _frames_as_split(parser) else None
    if fast is None:
        for raw in frame(inp, parser):
            yield raw if isinstance(raw, Failure) else raw.position
        return
    seen = 0
    last: Position | Failure | None = None
    try:
        for item in fast:
            yield item
            seen += 1
            last = item
        return
    except Exception:  # split itself decides, below, what the input holds
        pass
    assert reopen is not None
    with reopen() as again:
        for index, raw in enumerate(frame(again, parser)):
            item = raw if isinstance(raw, Failure) else raw.position
            if index + 1 < seen:
                continue
            if index + 1 == seen:
                if item != last:
                    raise SplitMismatch(
                        f"{inp.name}: parser {parser.name!r}: its framing-only mode gave {last!r} as "
                        f"item {seen}, split gives {item!r}"
                    )
                continue
            yield item


def _frames_as_split(parser: Parser) -> bool:
    """Whether the parser's ``frame_positions`` and ``split`` come from the same class (a
    subclass that overrides ``split`` alone keeps a framing mode that no longer matches it)."""
    mro = type(parser).__mro__
    split_owner = next(c for c in mro if "split" in vars(c))
    frame_owner = next(c for c in mro if "frame_positions" in vars(c))
    return split_owner is frame_owner


#: Opens an input again from its start, for as long as the ``with`` block lasts.
Reopen = Callable[[], contextlib.AbstractContextManager[Input]]


def _reopener(file: Path, path: str, spooled: str | None, inp: Input, limits: Limits | None) -> Reopen:
    """Opens ``inp`` again from its start: the spooled copy, or the plain file as
    :func:`~recordparse.sources.open_inputs` opens it (see :func:`_scan`)."""

    @contextlib.contextmanager
    def reopen() -> Iterator[Input]:
        if spooled is not None:
            again = _reopen(spooled, inp)
            try:
                yield again
            finally:
                with contextlib.suppress(Exception):
                    again.stream.close()
            return
        inputs = open_inputs(path, limits=limits)
        try:
            first = next(inputs, None)
            if first is None or first.name != inp.name:
                raise SplitMismatch(f"{file}: cannot open {inp.name!r} again to split it")
            yield first
        finally:
            close = getattr(inputs, "close", None)  # a generator: closes the file
            if close is not None:
                close()

    return reopen


def _ranges(
    inp: Input,
    parser: Parser,
    ref: str | Parser,
    path: str,
    blocksize: int,
    max_records: int,
    limits: Limits | None,
    reopen: Reopen | None = None,
) -> Iterator[Task]:
    """Range tasks for one splittable input (see the module docstring); ``reopen``: see
    :func:`_scan`."""
    tail = max(int(parser.split_tail), 0)
    try:
        size: int | None = os.path.getsize(path)
    except OSError:
        size = None
    block = _block(blocksize, size, 0)  # bytes of the current range before it may be cut
    pending: deque[Position | Failure] = deque()
    raws = 0  # raw records in ``pending``
    start = 0  # file offset where the current range starts
    prologue: int | None = None
    cut: int | None = None  # index among pending raws of the first record of the next range
    cuttable = True

    def task(items: list[Position | Failure], end: int | None) -> Task:
        positions = [p for p in items if isinstance(p, Position)]
        failures: list[tuple[int, Failure]] = []
        seen = 0
        for item in items:
            if isinstance(item, Position):
                seen += 1
            else:
                failures.append((seen, item))
        if not positions:
            return Task("done", inp.name, outcomes=tuple(f for _, f in failures))
        return Task(
            "range",
            inp.name,
            path,
            inp.filename,
            ref,
            prologue=(prologue or 0) if start else 0,
            start=start,
            end=end,
            numbers=tuple(p.record for p in positions),
            lines=tuple(p.line for p in positions),
            offsets=tuple(p.byte_offset for p in positions),
            failures=tuple(failures),
            limits=limits,
        )

    for item in _scan(inp, parser, reopen):
        pending.append(item)
        if not isinstance(item, Position):
            continue
        raws += 1
        offset = item.byte_offset
        if prologue is None:
            prologue = offset
            cuttable = offset is not None and offset <= MAX_PROLOGUE
        if not cuttable:
            continue
        k = raws - 1
        if (
            cut is None
            and k >= 1
            and offset is not None
            and offset > start
            and (offset - start >= block or k >= max_records)
        ):
            cut = k
        if cut is not None and raws - cut >= max(tail, 1):
            items, first = _take(pending, cut)
            end = first.byte_offset
            assert end is not None
            yield task(items, end)
            start = end
            raws -= cut
            block = _block(blocksize, size, start)
            cut = _next_cut(pending, start, block, max_records)
    # The last records (``tail`` of them at least) need the rest of the input, so their tasks
    # read on to its end (``end`` None) -- but only as far as the parser needs to frame their
    # own records, which are still shared out in ranges of the usual size: one big final task
    # would leave the other workers idle while it runs.
    while cuttable and (cut := _next_cut(pending, start, _block(blocksize, size, start), max_records)) is not None:
        items, first = _take(pending, cut)
        yield task(items, None)
        assert first.byte_offset is not None
        start = first.byte_offset
    yield task(list(pending), None)


def _block(blocksize: int, size: int | None, start: int) -> int:
    """The size of the range that starts at ``start`` of a ``size``-byte input: ``blocksize``,
    shrinking to a ``TAIL_SHARE``-th of what is left near the end (not below ``MIN_TAIL_BLOCK``)
    for an input of ``4 * blocksize`` bytes or more (a smaller one is a few ranges anyway).

    The processes then finish their last ranges at about the same time: with full-size ranges
    to the end, one of them could still be reading a whole range (a tenth of a second or more)
    while the others had nothing left. Where the cuts fall changes nothing in the outcomes."""
    if size is None or size < 4 * blocksize or blocksize <= MIN_TAIL_BLOCK:
        return blocksize
    return min(blocksize, max(MIN_TAIL_BLOCK, (size - start) // TAIL_SHARE))


def _raw_batches(inp: Input, parser: Parser, ref: str | Parser, blocksize: int, max_records: int) -> Iterator[Task]:
    """``raws`` tasks: the input split here, once, and its raw records pickled in batches of
    about ``blocksize`` bytes of input or ``max_records`` records (see the module docstring)."""
    batch: list[RawRecord | Failure] = []
    records = 0
    first: int | None = None  # byte offset of the batch's first raw record

    def task() -> Task:
        return Task("raws", inp.name, parser=ref, raws=tuple(batch))

    for raw in frame(inp, parser):
        batch.append(raw)
        if isinstance(raw, Failure):
            continue
        records += 1
        offset = raw.position.byte_offset
        if first is None:
            first = offset
        if records >= max_records or (offset is not None and first is not None and offset - first >= blocksize):
            yield task()
            batch, records, first = [], 0, None
    if batch:
        yield task()


def _take(pending: deque[Position | Failure], count: int) -> tuple[list[Position | Failure], Position]:
    """Remove the items before the ``count``-th raw record; return them and that record."""
    items: list[Position | Failure] = []
    seen = 0
    while True:
        item = pending[0]
        if isinstance(item, Position):
            if seen == count:
                return items, item
            seen += 1
        items.append(pending.popleft())


def _next_cut(pending: deque[Position | Failure], start: int, blocksize: int, max_records: int) -> int | None:
    k = -1
    for item in pending:
        if not isinstance(item, Position):
            continue
        k += 1
        offset = item.byte_offset
        if k >= 1 and offset is not None and offset > start and (offset - start >= blocksize or k >= max_records):
            return k
    return None


# --------------------------------------------------------------------------------------------
# Running


def run_task(task: Task) -> list[Outcome]:
    """Read one task and return its outcomes (Records and Failures) in input order."""
    if task.kind == "done":
        return list(task.outcomes)
    parser = _resolve(task.parser)
    if task.kind == "member":
        return list(_member_outcomes(task, parser))
    if task.kind == "raws":
        return _map_raws(task)
    assert task.path is not None
    if task.kind == "whole":
        with open(task.path, "rb") as handle:
            head = handle.read(HEAD_SIZE)
            handle.seek(0)
            inp = Input(task.source, handle, head, task.filename, None, task.limits)
            return list(iter_outcomes(inp, parser))
    return _run_range(task, parser)


def iter_task(task: Task) -> Iterator[Outcome]:
    """Like :func:`run_task`, but streams the outcomes as they are mapped instead of listing
    them (a range's SplitMismatch comes at its end)."""
    if task.kind == "range":
        yield from _iter_range(task, _resolve(task.parser))
        return
    if task.kind == "raws":
        mapper = _resolve(task.parser)
        for raw in task.raws:
            yield raw if isinstance(raw, Failure) else _map_one(mapper, raw)
        return
    if task.kind == "done":
        yield from task.outcomes
        return
    parser = _resolve(task.parser)
    if task.kind == "member":
        yield from _member_outcomes(task, parser)
        return
    assert task.path is not None
    with open(task.path, "rb") as handle:
        head = handle.read(HEAD_SIZE)
        handle.seek(0)
        yield from iter_outcomes(Input(task.source, handle, head, task.filename, None, task.limits), parser)


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector, if it runs, around one ``pickle.loads`` of a batch.

    Unpickling thousands of records allocates hundreds of thousands of containers, which made
    the collector scan its generations over and over (half the unpickling time or more); the
    objects of a batch form no cycles, so pausing it frees nothing later than it would have.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _map_raws(task: Task) -> list[Outcome]:
    """The outcomes of the raw records (and split failures) a task carries, in order."""
    parser = _resolve(task.parser)
    return [raw if isinstance(raw, Failure) else _map_one(parser, raw) for raw in task.raws]


def _resolve(ref: str | Parser | None) -> Parser:
    if isinstance(ref, Parser):
        return ref
    if not ref:
        raise ValueError("task has no parser")
    return default_registry().get(ref)


def _member_outcomes(task: Task, parser: Parser) -> Iterator[Outcome]:
    """Outcomes of input number ``task.member`` of a container (read through from its start)."""
    assert task.path is not None
    for index, inp in enumerate(open_inputs(task.path, limits=task.limits)):
        if index == task.member:
            if inp.name != task.source:
                raise SplitMismatch(f"{task.path}: input #{index} is {inp.name!r}, expected {task.source!r}")
            yield from iter_outcomes(inp, parser)
            return
    raise SplitMismatch(f"{task.path}: no input #{task.member} ({task.source})")


class _Pieces(io.RawIOBase):
    """Reads byte ranges ``(start, end)`` of one file one after another (``end`` None: to EOF)."""

    def __init__(self, handle: IO[bytes], pieces: list[tuple[int, int | None]]) -> None:
        self._handle = handle
        self._pieces = deque(pieces)
        self._left: int | None = 0
        self._next()

    def _next(self) -> bool:
        if not self._pieces:
            return False
        start, end = self._pieces.popleft()
        self._handle.seek(start)
        self._left = None if end is None else end - start
        return True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while True:
            want = len(buffer) if self._left is None else min(len(buffer), self._left)
            data = self._handle.read(want) if want else b""
            if data:
                buffer[: len(data)] = data
                if self._left is not None:
                    self._left -= len(data)
                return len(data)
            if not self._next():
                return 0


def _run_range(task: Task, parser: Parser) -> list[Outcome]:
    return list(_iter_range(task, parser))


def _iter_range(task: Task, parser: Parser) -> Iterator[Outcome]:
    """A range task's outcomes in order, each as soon as it is mapped (the planner's split
    failures among them); SplitMismatch at the end if the range did not hold the planned
    records. Streaming lets a worker pickle a range slice by slice instead of holding it all."""
    assert task.path is not None
    pending = deque(task.failures)  # (records before it, failure)
    count = 0
    with open(task.path, "rb", buffering=0) as handle:
        head = handle.read(HEAD_SIZE)
        pieces: list[tuple[int, int | None]] = [(task.start, task.end)]
        if task.start and task.prologue:
            pieces.insert(0, (0, task.prologue))
        stream = io.BufferedReader(_Pieces(handle, pieces), buffer_size=1 << 16)
        inp = Input(task.source, stream, head, task.filename, None, task.limits)
        shift = _Shift(task)
        split = parser.split(inp)
        try:
            for raw in split:
                if isinstance(raw, Failure):
                    continue  # decided by the planner
                if count >= task.records:
                    break
                shift.check(count, raw.position, parser)
                while pending and pending[0][0] <= count:
                    yield pending.popleft()[1]
                yield shift.outcome(_map_one(parser, raw))
                count += 1
        except RecordParseError:
            pass  # the planner saw the same error; a shortfall is caught below
        finally:
            close = getattr(split, "close", None)
            if close is not None:
                close()
    if count != task.records:
        raise SplitMismatch(
            f"{task.source}: parser {parser.name!r} found {count} records in bytes "
            f"{task.start}..{task.end}, the plan {task.records}; it is not range-safe"
        )
    while pending:
        yield pending.popleft()[1]


class _Shift:
    """Turns positions in a range's stream (prologue + range) into positions in the whole input."""

    def __init__(self, task: Task) -> None:
        self.task = task
        self.records = 0
        self.lines: int | None = None
        self.ready = False
        self.offset_base = task.start - task.prologue if task.start else 0
        self.prologue = task.prologue if task.start else 0

    def check(self, index: int, local: Position, parser: Parser) -> None:
        task = self.task
        if not self.ready:
            self.records = task.numbers[0] - local.record
            first_line = task.lines[0]
            self.lines = first_line - local.line if first_line is not None and local.line is not None else None
            self.ready = True
        moved = self.position(local)
        expected = (task.numbers[index], task.lines[index], task.offsets[index])
        if (moved.record, moved.line, moved.byte_offset) != expected:
            raise SplitMismatch(
                f"{task.source}: parser {parser.name!r} is not range-safe: in bytes "
                f"{task.start}..{task.end} it found record {moved.record} at line {moved.line}, "
                f"byte {moved.byte_offset}; a whole read has record {expected[0]} at line "
                f"{expected[1]}, byte {expected[2]}"
            )

    def position(self, local: Position) -> Position:
        line = local.line
        if line is not None and self.lines:
            line += self.lines
        offset = local.byte_offset
        if offset is not None and offset >= self.prologue:
            offset += self.offset_base
        if not self.records and line == local.line and offset == local.byte_offset:
            return local
        return Position(local.source, local.record + self.records, line, offset)

    def outcome(self, outcome: Outcome) -> Outcome:
        if isinstance(outcome, Failure):
            return attrs.evolve(outcome, position=self.position(outcome.position))
        if outcome.position is not None:
            object.__setattr__(outcome, "position", self.position(outcome.position))
        return outcome

