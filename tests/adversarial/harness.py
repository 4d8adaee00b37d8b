"""Run hostile inputs where they can do no harm, and watch what they try.

- :func:`run_isolated` runs a function in a forked child with an address-space limit
  (``RLIMIT_AS``) and a wall-clock timeout, and returns what it reported plus the child's peak
  memory growth. A bomb that escaped every limit, or a read from a FIFO that blocks forever,
  shows up as ``timeout`` or ``memory`` instead of taking the test run down.
- :class:`Canary` is a file holding a random secret: any output or error that contains it proves
  a local file was read through an external entity, DTD or XInclude.
- :class:`Listener` is a TCP listener on 127.0.0.1 that counts connections: any count above
  zero proves a network fetch was attempted.
- :func:`outcomes_of` reads a source under ``errors="collect"`` and turns the outcomes, warnings
  and any escaped exception into plain data that can cross the process boundary.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import resource
import secrets
import select
import socket
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

import recordparse
from recordparse import Failure, Limits, Record

__all__ = ["Canary", "Child", "Listener", "Report", "outcomes_of", "run_isolated"]

_MB = 1024 * 1024


@attrs.frozen
class Report:
    """What :func:`outcomes_of` saw: each outcome as a dict, warnings, and an escaped exception."""

    outcomes: list[dict[str, Any]]
    warnings: list[str]
    raised: str | None = None
    traceback: str | None = None

    @property
    def records(self) -> list[dict[str, Any]]:
        return [o for o in self.outcomes if o["outcome"] == "record"]

    @property
    def failures(self) -> list[dict[str, Any]]:
        return [o for o in self.outcomes if o["outcome"] == "failure"]

    def text(self) -> str:
        """Everything a user could see, as one string (for canary searches)."""
        return json.dumps(attrs.asdict(self), ensure_ascii=False)

    def flags(self) -> list[dict[str, Any]]:
        return [f for r in self.records for f in r["extra"].get("_flags", [])]


def _record_data(record: Record) -> dict[str, Any]:
    data = record.to_dict()
    data["outcome"] = "record"
    data["position"] = attrs.asdict(record.position) if record.position else None
    return data


def _failure_data(failure: Failure) -> dict[str, Any]:
    data = failure.to_dict()
    data["outcome"] = "failure"
    data["message"] = str(failure)
    return data


def outcomes_of(
    source: Any, format: str | None = None, *, limits: Limits | None = None
) -> Report:
    """Read ``source`` with ``errors="collect"`` and report everything that came out."""
    outcomes: list[dict[str, Any]] = []
    registry = recordparse.Registry(plugins=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            for item in recordparse.read(source, format, errors="collect", registry=registry, limits=limits):
                if isinstance(item, Record):
                    outcomes.append(_record_data(item))
                elif isinstance(item, Failure):
                    outcomes.append(_failure_data(item))
                else:
                    outcomes.append({"outcome": f"unexpected {type(item).__name__}"})
        except Exception as exc:
            return Report(outcomes, [str(w.message) for w in caught], f"{type(exc).__name__}: {exc}", traceback.format_exc())
    return Report(outcomes, [str(w.message) for w in caught])


@attrs.frozen
class Child:
    """The result of :func:`run_isolated`: ``status`` is ``ok``, ``error`` (the function raised),
    ``timeout`` or ``memory`` (killed, or MemoryError under the address-space limit)."""

    status: str
    value: Any = None
    error: str | None = None
    seconds: float = 0.0
    rss_growth_mb: float = 0.0


def _vm_size() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


def _rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _child(conn: Any, func: Callable[..., Any], args: tuple[Any, ...], memory_mb: int) -> None:
    start_rss = _rss()
    limit = _vm_size() + memory_mb * _MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    started = time.monotonic()
    try:
        value = func(*args)
        status, error = "ok", None
    except MemoryError:
        value, status, error = None, "memory", "MemoryError"
    except BaseException as exc:  # report everything, the parent decides
        value, status, error = None, "error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
    seconds = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    growth = max(0, peak - start_rss) / _MB
    try:
        conn.send(Child(status, value, error, seconds, growth))
    except Exception as exc:  # an unpicklable value
        conn.send(Child("error", None, f"cannot send the result: {exc}", seconds, growth))
    conn.close()


def run_isolated(
    func: Callable[..., Any], *args: Any, timeout: float = 10.0, memory_mb: int = 512
) -> Child:
    """Run ``func(*args)`` in a forked child limited to ``memory_mb`` more address space than it
    started with, for at most ``timeout`` seconds."""
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, func, args, memory_mb), daemon=True)
    started = time.monotonic()
    with warnings.catch_warnings():
        # pytest's own threads make Python warn about fork(); the child only runs ``func``
        warnings.simplefilter("ignore", DeprecationWarning)
        process.start()
    child.close()
    try:
        if parent.poll(timeout):
            result: Child = parent.recv()
            process.join(5)
            return result
        return Child("timeout", seconds=time.monotonic() - started)
    except EOFError:
        process.join(5)
        code = process.exitcode
        return Child("memory" if code in (-9, -6) else "error", error=f"child exited with {code}")
    finally:
        if process.is_alive():
            process.kill()
            process.join(5)
        parent.close()


class Canary:
    """A file whose random content must never appear in any output or error message."""

    def __init__(self, directory: Path) -> None:
        self.secret = "CANARY-" + secrets.token_hex(16)
        self.path = directory / "secret.txt"
        self.path.write_text(self.secret + "\n", encoding="ascii")
        self.url = self.path.resolve().as_uri()

    def leaked(self, text: str) -> bool:
        return self.secret in text


class Listener:
    """A TCP socket listening on 127.0.0.1 that counts the connections made to it.

    Nobody accepts while a case runs, so a client that connected (the kernel completes the
    handshake into the backlog) then waits for an answer that never comes, and the child's
    timeout catches it. :meth:`count` accepts what is pending without blocking: called after a
    child finished, it sees every connection that child made.
    """

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.setblocking(False)
        self.port: int = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.host = f"127.0.0.1:{self.port}"
        self._count = 0

    def count(self) -> int:
        """Connections made so far."""
        while select.select([self._sock], [], [], 0)[0]:
            try:
                conn, _ = self._sock.accept()
            except BlockingIOError:
                break
            self._count += 1
            conn.close()
        return self._count

    def close(self) -> None:
        self._sock.close()
