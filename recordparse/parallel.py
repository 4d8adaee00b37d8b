"""``read(..., jobs=N)``: parse in N processes (this one and N - 1 workers), output in input order.

This process plans (:func:`recordparse.splitting.plan`): it picks each input's parser, frames
splittable inputs to find record boundaries (with the parser's framing-only
``frame_positions`` where it has one, else its ``split``) and cuts them into byte ranges;
compressed files and archive members are first written once to a temporary directory so
that they can be cut too. Workers (a :class:`~concurrent.futures.ProcessPoolExecutor` started
with ``fork`` when that is safe, else ``forkserver`` or ``spawn``: see :func:`_context`) receive
small :class:`~recordparse.splitting.Task` descriptions, re-open the files themselves, and write
the Records and Failures of their range to a file, pickled in slices as they are mapped (see
:func:`_work` for why not through the executor's pipe). A parser whose ``split`` is costly and
declares ``ship_raw_records`` is split once, here, and its raw records are sent to the workers
to map (``raws`` tasks), instead of being split again.

This process is one of the N: while ``2 * (N - 1)`` tasks wait for the workers or run there, it
reads the next range itself instead of waiting. A worker's finished task counts no longer, even
before its outcomes are handed out, so the workers are kept fed while this process is busy.
Planning alone leaves much of a core idle, and the Records it reads itself are never pickled.
(Two workers beside a busy planner on two cores would also make three processes share two
cores.)

Sending Records between processes is the price of the workers, and this process unpickles every
one of theirs, so it is kept cheap: Records pickle compactly (one tuple of field values, see
:mod:`recordparse.record`), and a batch is unpickled one slice of :data:`PICKLE_SLICE` at a time,
with the cyclic garbage collector paused (:func:`~recordparse.splitting.gc_paused`), each slice
handed out before the next is unpickled, so that the collector does not scan a whole range's
Records over and over while they wait (the worker likewise pickles each slice as soon as it is
mapped). :func:`parallel_lines` goes further for ``recordparse
parse --jobs``: the workers also encode each Record (as its JSON line), so that this process only
writes text.

Outcomes are handed out in input order as soon as the oldest task is done, and at most
``2 * (N - 1) + WINDOW_EXTRA`` tasks are in flight or waiting, so memory stays flat whatever
the input size: that many ranges of ``blocksize`` bytes, as Records. A whole-input task (a format
that cannot be cut) always goes to a worker; its outcomes, like a range's, are streamed back from
the worker's file. Results equal a single-process read: the same Records, Failures and
positions.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeAlias

import attrs

from .errors import Failure
from .formats.base import Parser
from .record import Record
from .registry import BUILTIN_PARSERS, Registry
from .sources import Limits
from .splitting import (
    DEFAULT_BLOCKSIZE,
    Outcome,
    Release,
    Task,
    gc_paused,
    iter_task,
    plan,
    run_task,
    spool_to,
)

__all__ = ["effective_jobs", "parallel_lines", "parallel_outcomes"]

#: Tasks this process may read itself ahead of the oldest worker task before it waits for it
#: (each holds a range's Records until the tasks before it are handed out: this bounds memory).
WINDOW_EXTRA = 2

#: Turns a Record into what the caller wants from it, in the worker (module-level: picklable).
Encode = Callable[[Record], Any]


def effective_jobs(jobs: int) -> int:
    """``jobs`` itself, or every core for ``0``; negative values are an error."""
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (all cores) or more, not {jobs}")
    return jobs or os.cpu_count() or 1


def _context() -> multiprocessing.context.BaseContext:
    """``fork`` on Linux when the caller runs no other thread, else ``forkserver`` where there
    is one, else ``spawn``.

    A forked worker starts in milliseconds with everything the caller imported (recordparse,
    lxml, the formats), where a fork server first spends a few tenths of a second of CPU
    importing them again: that is a read's whole start-up cost. Forking is only safe while no
    other thread can hold a lock the child would inherit, hence the thread check (the pool
    forks its workers before it starts its own thread). The fork server imports recordparse
    and the built-in format modules once; every worker forked from it starts with them loaded.
    """
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        modules = sorted({ref.partition(":")[0] for ref in BUILTIN_PARSERS.values()})
        ctx.set_forkserver_preload(["recordparse.parallel", *modules])
        return ctx
    return multiprocessing.get_context("spawn")


@attrs.frozen
class _Spilled:
    """A worker's outcomes, written to ``path`` as a sequence of pickled lists."""

    path: str


#: One place in the read's window, in input order: a worker's task (a Task before it is
#: submitted), outcomes decided by the planner or read in this process, or a spooled file to
#: remove once every task before it has been handed out.
_Slot: TypeAlias = "Future[_Spilled] | Release | list[Any] | Task"


#: Outcomes pickled together. The worker pickles each slice as soon as it is mapped, and the
#: caller unpickles one slice at a time as it hands them out: the Records of a whole range never
#: sit in either process as objects, where the cyclic collector would scan them again and again
#: (that cost the caller ~10 us a Record). A pickle's memo also holds everything pickled so far,
#: and for a whole 2 MiB range its lookups cost more than the sharing saves (slices pickle in
#: 0.6-0.8 of the time).
PICKLE_SLICE = 128


def _work(task: Task, spill_dir: str, encode: Encode | None = None) -> _Spilled:
    """The worker's entry point: a task's outcomes, pickled in slices as they are mapped and
    written one slice after another to a file in ``spill_dir``, whose name is all it returns.
    ``encode``, when given, replaces each Record by ``encode(record)`` (Failures stay as they
    are).

    A file, not the executor's result pipe: a range's outcomes are a few MiB, and the pipe
    carries them 64 KiB at a time, each piece read by the caller's result thread, which waits
    for the interpreter lock up to the switch interval (5 ms) while the caller maps a range of
    its own. The worker sat blocked for 8-30 ms after every task that way (about a tenth of
    its time with ``parse --jobs``); written to a file, which stays in the page cache, its
    outcomes leave at memory speed and it goes straight on to its next task. A whole input's
    outcomes are not held in the worker's memory either.
    """
    outcomes: Iterator[Any] = iter_task(task)
    if encode is not None:
        outcomes = (o if isinstance(o, Failure) else encode(o) for o in outcomes)
    piece: list[Any] = []
    with tempfile.NamedTemporaryFile(dir=spill_dir, prefix="spill-", delete=False) as spill:
        try:
            for outcome in outcomes:
                piece.append(outcome)
                if len(piece) == PICKLE_SLICE:
                    spill.write(_pickled(piece))
                    piece = []
            if piece:
                spill.write(_pickled(piece))
        except BaseException:
            spill.close()
            os.unlink(spill.name)
            raise
    return _Spilled(spill.name)


def _ship(task: Task, workdir: str) -> str:
    """A ``raws`` task (a few MiB of raw records) written to a file for a worker: the same
    reason as in :func:`_work`, the other way round. Through the executor's call queue, its
    feeder thread writes it 64 KiB at a time, waiting for the interpreter lock between the
    pieces while this process maps a range, and the worker waited for its next task."""
    with tempfile.NamedTemporaryFile(dir=workdir, prefix="raws-", delete=False) as handle:
        pickle.dump(task, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return handle.name


def _work_shipped(path: str, spill_dir: str, encode: Encode | None = None) -> _Spilled:
    """:func:`_work` on the task :func:`_ship` wrote to ``path`` (removed once read)."""
    with open(path, "rb") as handle:
        task: Task = pickle.load(handle)
    os.unlink(path)
    return _work(task, spill_dir, encode)


def _pickled(piece: list[Any]) -> bytes:
    """One slice of outcomes pickled, with the collector paused (pickling allocates a tuple per
    object and forms no cycles)."""
    with gc_paused():
        return pickle.dumps(piece, protocol=pickle.HIGHEST_PROTOCOL)


def _encoded(outcomes: list[Outcome], encode: Encode | None) -> list[Any]:
    if encode is None:
        return outcomes
    return [o if isinstance(o, Failure) else encode(o) for o in outcomes]


def _unspill(spilled: _Spilled) -> Iterator[Any]:
    try:
        with open(spilled.path, "rb") as handle:
            while True:
                try:
                    with gc_paused():
                        batch = pickle.load(handle)
                except EOFError:
                    return
                yield from batch
    finally:
        # with the read abandoned, the collector may have removed the directory first
        _remove(spilled.path)


def parallel_outcomes(
    source: Any,
    format: str | Parser | None,
    registry: Registry,
    limits: Limits | None,
    jobs: int,
    *,
    blocksize: int = DEFAULT_BLOCKSIZE,
) -> Iterator[Outcome]:
    """Every outcome of ``source`` (a file or directory path) read by ``jobs`` processes."""
    return _parallel(source, format, registry, limits, jobs, blocksize, None)


def parallel_lines(
    source: Any,
    format: str | Parser | None,
    registry: Registry,
    limits: Limits | None,
    jobs: int,
    encode: Callable[[Record], str],
    *,
    blocksize: int = DEFAULT_BLOCKSIZE,
) -> Iterator[str | Failure]:
    """Like :func:`parallel_outcomes`, but each Record comes as ``encode(record)``, computed
    in the worker (``encode`` must be picklable: a module-level function such as
    :func:`recordparse.exports.jsonl.record_line`). Outcomes the planner decided itself (a
    file no format reads, say) are encoded here."""
    for item in _parallel(source, format, registry, limits, jobs, blocksize, encode):
        yield item if isinstance(item, (str, Failure)) else encode(item)


def _parallel(
    source: Any,
    format: str | Parser | None,
    registry: Registry,
    limits: Limits | None,
    jobs: int,
    blocksize: int,
    encode: Encode | None,
) -> Iterator[Any]:
    """The read loop: ``jobs - 1`` worker processes, and this one (see the module docstring)."""
    jobs = effective_jobs(jobs)
    workers = max(jobs - 1, 1)
    depth = 2 * workers  # unfinished worker tasks before this process maps a range itself
    limit = depth + WINDOW_EXTRA  # slots in the window before this process waits for the oldest
    with tempfile.TemporaryDirectory(prefix="recordparse-") as workdir:
        context = _context()
        started = not _start_early(context)
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_worker_start)
        window: deque[_Slot] = deque()

        def submit(task: Task) -> Future[_Spilled]:
            if task.kind == "raws":
                return pool.submit(_work_shipped, _ship(task, workdir), workdir, encode)
            return pool.submit(_work, task, workdir, encode)

        try:
            for unit in plan(
                source,
                format,
                registry=registry,
                limits=limits,
                blocksize=blocksize,
                spool=spool_to(workdir),
                ship_raws=True,
            ):
                if isinstance(unit, Release) or unit.kind == "done":
                    window.append(unit if isinstance(unit, Release) else list(unit.outcomes))
                elif jobs > 1 and unit.kind in ("range", "raws") and _busy(window) >= depth:
                    window.append(_inline(unit, encode))  # a bounded range: never a whole input
                else:
                    while started and _busy(window) >= depth:
                        yield from _hand_out(window, wait=True)
                    # The first submit waits for a fork server to start (it imports lxml and
                    # the formats: a few tenths of a second); plan the first tasks meanwhile.
                    window.append(submit(unit) if started else unit)
                    if not started and _busy(window) >= depth:
                        started = _submit_held(window, submit)
                yield from _hand_out(window, wait=False)
                while len(window) > limit:
                    started = _submit_held(window, submit)
                    yield from _hand_out(window, wait=True)
            _submit_held(window, submit)
            while window:
                yield from _hand_out(window, wait=True)
        finally:
            for item in window:
                if isinstance(item, Future):
                    item.cancel()
            pool.shutdown(wait=True, cancel_futures=True)


def _worker_start() -> None:
    """Runs first in every worker: what it inherited from this process (forked) or imported at
    start goes to the cyclic collector's permanent generation (:func:`gc.freeze`). None of it is
    garbage, so the worker's full collections no longer walk it, and a forked worker no longer
    writes to (and so copies) every page it shares with this process when one runs."""
    gc.freeze()


def _inline(task: Task, encode: Encode | None) -> list[Any]:
    """One range (or batch of raw records) read in this process: the workers have enough
    queued and this process is one of the ``jobs``. Its Records are never pickled."""
    return _encoded(run_task(task), encode)


def _start_early(context: multiprocessing.context.BaseContext) -> bool:
    """Start the fork server now (this returns at once), so that it imports in parallel with
    the caller's planning of the first tasks instead of after it; True if there is one."""
    if context.get_start_method() != "forkserver":
        return False
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return True


def _submit_held(
    window: deque[_Slot],
    submit: Callable[[Task], Future[_Spilled]],
) -> bool:
    """Submit the tasks planned before the workers were started, in place; returns True."""
    for index, item in enumerate(window):
        if isinstance(item, Task):
            window[index] = submit(item)
    return True


def _busy(window: deque[_Slot]) -> int:
    """How many tasks the workers have to do: submitted and not finished, or held until they
    start. A finished task waiting in the window to be handed out no longer counts: the caller
    keeps the workers fed whatever it is doing with the outcomes before it."""
    return sum(1 for item in window if isinstance(item, Task) or (isinstance(item, Future) and not item.done()))


def _hand_out(window: deque[_Slot], *, wait: bool) -> Iterator[Any]:
    """Hand out the outcomes at the head of the window that are ready, in order: planned
    outcomes, tasks read here, finished worker tasks; with ``wait``, wait for the first worker
    task that is not finished yet (and stop after it)."""
    while window:
        item = window[0]
        if isinstance(item, Task) or (isinstance(item, Future) and not item.done() and not wait):
            break  # a task held until the workers start, or one not finished yet
        window.popleft()
        if isinstance(item, Release):
            _remove(item.path)
            continue
        if isinstance(item, list):
            yield from item
            continue
        assert isinstance(item, Future), "held tasks are submitted before the window drains"
        result = item.result()
        yield from _unspill(result)
        wait = False


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
