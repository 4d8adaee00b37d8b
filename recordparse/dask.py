"""Past one machine: a :mod:`dask.bag` of Records, one partition per byte range.

:func:`read_bag` plans with :func:`recordparse.splitting.plan`, exactly as ``read(..., jobs=N)``
does: the client picks each input's parser and runs its cheap ``split`` over splittable inputs to
find record boundaries, then every range becomes one partition that a Dask worker reads with
:func:`recordparse.splitting.run_task`. The bag's items are the same Records (and, with
``errors="collect"``, Failures) in the same order with the same positions as
:func:`recordparse.read` gives in one process.

Workers re-open the files themselves, so they must see the same paths as the client (a shared
or network file system). Compressed files and archive members cannot be cut without
decompressing them first: each becomes one partition that its worker decompresses from the
start of the container (decompress a dump once, beforehand, for finer partitions).

Install with ``pip install "recordparse[dask]"``. :func:`to_dataframe` needs ``dask[dataframe]``.
"""

from __future__ import annotations

import glob
import logging
import os
from collections.abc import Iterable, Sequence
from typing import Any

from .errors import Failure
from .exports.dataframe import to_dataframe as _frame
from .formats.base import Parser
from .reading import ErrorPolicy
from .registry import Registry
from .sources import Limits
from .splitting import DEFAULT_BLOCKSIZE, Outcome, Task, plan, run_task

__all__ = ["expand_paths", "read_bag", "tasks", "to_dataframe"]

log = logging.getLogger("recordparse")

_POLICIES = ("raise", "skip", "collect")


def _dask() -> tuple[Any, Any]:
    try:
        import dask
        import dask.bag
    except ImportError as exc:
        raise ImportError('recordparse.dask needs Dask: pip install "recordparse[dask]"') from exc
    return dask, dask.bag


def expand_paths(paths_or_globs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[str]:
    """Paths and glob patterns (``**`` recursive) as a list of existing paths, each pattern's
    matches sorted; a pattern or path that matches nothing raises :class:`FileNotFoundError`."""
    items = [paths_or_globs] if isinstance(paths_or_globs, (str, os.PathLike)) else list(paths_or_globs)
    out: list[str] = []
    for item in items:
        text = os.fspath(item)
        if os.path.exists(text):
            out.append(text)
            continue
        matches = sorted(glob.glob(text, recursive=True)) if glob.has_magic(text) else []
        if not matches:
            raise FileNotFoundError(f"{text}: no such file or directory")
        out.extend(matches)
    return out


def tasks(
    paths_or_globs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    format: str | Parser | None = None,
    *,
    blocksize: int = DEFAULT_BLOCKSIZE,
    registry: Registry | None = None,
    limits: Limits | None = None,
) -> list[Task]:
    """Every task that reads the paths, in input order (one per partition); see the module
    docstring. This is also the list to hand to PySpark's ``mapPartitions`` (``docs/scale.md``)."""
    out: list[Task] = []
    for path in expand_paths(paths_or_globs):
        out.extend(u for u in plan(path, format, registry=registry, limits=limits, blocksize=blocksize) if isinstance(u, Task))
    return out


def _partition(task: Task, errors: ErrorPolicy) -> list[Outcome]:
    """One partition: a task's outcomes under the error policy of :func:`recordparse.read`."""
    outcomes = run_task(task)
    if errors == "collect":
        return outcomes
    kept: list[Outcome] = []
    for item in outcomes:
        if isinstance(item, Failure):
            if errors == "raise":
                raise item.to_error()
            log.warning("skipped: %s", item)
            continue
        kept.append(item)
    return kept


def read_bag(
    paths_or_globs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    format: str | Parser | None = None,
    *,
    blocksize: int = DEFAULT_BLOCKSIZE,
    errors: ErrorPolicy = "raise",
    registry: Registry | None = None,
    limits: Limits | None = None,
) -> Any:
    """A :class:`dask.bag.Bag` of the Records of every path (files, directories, globs).

    ``format`` and ``errors`` mean what they mean for :func:`recordparse.read`; with
    ``errors="raise"`` computing the bag raises the first failure's
    :class:`~recordparse.RecordError`. ``blocksize`` is the size in bytes of one partition's
    byte range. Planning happens here, in the client (it reads each splittable file once);
    reading and mapping happen when the bag is computed.
    """
    if errors not in _POLICIES:
        raise ValueError(f"errors must be one of {_POLICIES}, not {errors!r}")
    dask, bag = _dask()
    planned = tasks(paths_or_globs, format, blocksize=blocksize, registry=registry, limits=limits)
    if not planned:
        return bag.from_sequence([], npartitions=1)
    parts = [dask.delayed(_partition, pure=True)(task, errors) for task in planned]
    return bag.from_delayed(parts)


def to_dataframe(records: Any) -> Any:
    """A :class:`dask.dataframe.DataFrame` of a bag of Records, with the flat columns of the CSV
    export (:func:`recordparse.exports.to_dataframe` applied to each partition).

    Needs ``dask[dataframe]`` and pandas. A Failure in the bag raises :class:`TypeError` when
    computed: read with ``errors="raise"`` or ``"skip"``.
    """
    dask, _ = _dask()
    try:
        import dask.dataframe as dd
    except ImportError as exc:
        raise ImportError('recordparse.dask.to_dataframe needs dask.dataframe: pip install "dask[dataframe]"') from exc
    meta = _frame([])
    parts = [dask.delayed(_frame, pure=True)(part) for part in records.to_delayed()]
    return dd.from_delayed(parts, meta=meta, verify_meta=False)
