"""``read(..., jobs=N)``: parse in N worker processes, with output in input order.

The caller's process plans (:func:`recordparse.splitting.plan`): it picks each input's parser,
runs the parser's cheap ``split`` over splittable inputs to find record boundaries and cuts them
into byte ranges; compressed files and archive members are first written once to a temporary
directory so that they can be cut too. Workers (a :class:`~concurrent.futures.ProcessPoolExecutor`
started with ``forkserver``, or ``spawn`` where that is missing) receive small
:class:`~recordparse.splitting.Task` descriptions, re-open the files themselves, and send back the
pickled Records and Failures of their range.

At most ``2 * jobs`` tasks are in flight and results are handed out in input order as soon as the
oldest task is done, so memory stays flat whatever the input size: about ``2 * jobs`` ranges of
``blocksize`` bytes, as Records. A whole-input task (a format that cannot be cut) with many
records writes its outcomes to a temporary file instead of holding them, and the reader streams
them back. Results equal a single-process read: the same Records, Failures and positions.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import tempfile
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

import attrs

from .formats.base import Parser
from .registry import BUILTIN_PARSERS, Registry
from .sources import Limits
from .splitting import (
    DEFAULT_BLOCKSIZE,
    Outcome,
    Release,
    Task,
    iter_task,
    plan,
    run_task,
    spool_to,
)

__all__ = ["effective_jobs", "parallel_outcomes"]

#: Whole-input results longer than this are written to a file by the worker, not returned.
SPILL_AFTER = 2000


def effective_jobs(jobs: int) -> int:
    """``jobs`` itself, or every core for ``0``; negative values are an error."""
    if jobs < 0:
        raise ValueError(f"jobs must be 0 (all cores) or more, not {jobs}")
    return jobs or os.cpu_count() or 1


def _context() -> multiprocessing.context.BaseContext:
    """``forkserver`` where there is one, else ``spawn``. The fork server imports recordparse
    and the built-in format modules (and so lxml) once; every worker forked from it starts with
    them loaded instead of importing them again."""
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        modules = sorted({ref.partition(":")[0] for ref in BUILTIN_PARSERS.values()})
        ctx.set_forkserver_preload(["recordparse.parallel", *modules])
        return ctx
    return multiprocessing.get_context("spawn")


@attrs.frozen
class _Spilled:
    """A worker's outcomes written to ``path`` as a sequence of pickled lists."""

    path: str
    count: int


def _work(task: Task, spill_dir: str) -> list[Outcome] | _Spilled:
    """The worker's entry point: a range's outcomes, or a long whole input spilled to a file."""
    if task.kind == "range":
        return run_task(task)
    batch: list[Outcome] = []
    spill: Any = None
    count = 0
    try:
        for outcome in iter_task(task):
            batch.append(outcome)
            count += 1
            if len(batch) >= SPILL_AFTER:
                if spill is None:
                    spill = tempfile.NamedTemporaryFile(dir=spill_dir, prefix="spill-", delete=False)  # noqa: SIM115
                pickle.dump(batch, spill, protocol=pickle.HIGHEST_PROTOCOL)
                batch = []
        if spill is None:
            return batch
        pickle.dump(batch, spill, protocol=pickle.HIGHEST_PROTOCOL)
        return _Spilled(spill.name, count)
    finally:
        if spill is not None:
            spill.close()


def _unspill(spilled: _Spilled) -> Iterator[Outcome]:
    try:
        with open(spilled.path, "rb") as handle:
            while True:
                try:
                    batch = pickle.load(handle)
                except EOFError:
                    return
                yield from batch
    finally:
        os.unlink(spilled.path)


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
    jobs = effective_jobs(jobs)
    with tempfile.TemporaryDirectory(prefix="recordparse-") as workdir:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_context())
        window: deque[Future[list[Outcome] | _Spilled] | Release | list[Outcome]] = deque()
        in_flight = 0
        try:
            for unit in plan(
                source, format, registry=registry, limits=limits, blocksize=blocksize, spool=spool_to(workdir)
            ):
                if isinstance(unit, Release) or unit.kind == "done":
                    window.append(unit if isinstance(unit, Release) else list(unit.outcomes))
                    continue
                window.append(pool.submit(_work, unit, workdir))
                in_flight += 1
                while in_flight >= 2 * jobs:
                    in_flight -= yield from _drain(window)
            while window:
                in_flight -= yield from _drain(window)
        finally:
            for item in window:
                if isinstance(item, Future):
                    item.cancel()
            pool.shutdown(wait=True, cancel_futures=True)


def _drain(
    window: deque[Future[list[Outcome] | _Spilled] | Release | list[Outcome]],
) -> Generator[Outcome, None, int]:
    """Hand out everything up to and including the oldest task; return 1 if it was one."""
    done = 0
    while window:
        item = window.popleft()
        if isinstance(item, Release):
            _remove(item.path)
            continue
        if isinstance(item, list):
            yield from item
            continue
        result = item.result()
        if isinstance(result, _Spilled):
            yield from _unspill(result)
        else:
            yield from result
        done = 1
        break
    return done


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
