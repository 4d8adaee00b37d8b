"""One measurement in a fresh interpreter: ``python -m bench.measure IMPL PATH [FORMAT] [JOBS]``.

``IMPL`` is ``recordparse`` or a baseline name from :mod:`bench.baselines`. Prints one JSON object:
records, failures, seconds, and the peak resident memory above the resident memory just before
reading (after every import), in KiB. On Linux the kernel's high-water mark is reset first
(``/proc/self/clear_refs``) so that import-time garbage does not hide the run's own peak; else
``resource.getrusage`` is used. Running each measurement in its own process keeps one run's
high-water mark out of the next.

``RECORDPARSE_BENCH_SPLITTABLE=oai-pmh,doaj-json`` declares those formats splittable for the run
(a what-if for formats that do not declare it yet; OAI-PMH also gets its look-ahead as tail).
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from pathlib import Path


def _recordparse(path: Path, fmt: str | None, jobs: int) -> tuple[int, int]:
    import recordparse

    records = failures = 0
    for outcome in recordparse.read(path, fmt or None, errors="collect", jobs=jobs):
        if isinstance(outcome, recordparse.Failure):
            failures += 1
        else:
            records += 1
    return records, failures


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


def _assume_splittable() -> None:
    import os

    from recordparse.formats import oai
    from recordparse.registry import default_registry

    for name in filter(None, os.environ.get("RECORDPARSE_BENCH_SPLITTABLE", "").split(",")):
        cls = type(default_registry().get(name))
        cls.splittable = True
        if name == "oai-pmh":
            cls.split_tail = oai.LOOKAHEAD_RECORDS


class _CpuWatch:
    """CPU seconds of this process and of all its descendants (worker processes are the
    forkserver's children, which ``os.times`` never counts), sampled by a thread with psutil."""

    def __init__(self) -> None:
        import threading

        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        try:
            import psutil
        except ImportError:
            self.psutil = None
            return
        self.psutil = psutil
        self._thread.start()

    def _sample(self) -> None:
        assert self.psutil is not None
        for proc in self.psutil.Process().children(recursive=True):
            try:
                times = proc.cpu_times()
            except self.psutil.Error:
                continue
            self.seen[proc.pid] = times.user + times.system

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self._sample()

    def stop(self) -> float | None:
        if self.psutil is None:
            return None
        self._sample()
        self._stop.set()
        self._thread.join()
        own = self.psutil.Process().cpu_times()
        return own.user + own.system + sum(self.seen.values())


def main(argv: list[str]) -> int:
    impl, path = argv[0], Path(argv[1])
    fmt = argv[2] if len(argv) > 2 and argv[2] != "-" else None
    jobs = int(argv[3]) if len(argv) > 3 else 1
    import recordparse  # noqa: F401  (imports count as baseline, not as the run)
    from bench.baselines import BASELINES
    from recordparse.registry import default_registry

    for parser in default_registry().parsers(include_plugins=False):
        _ = parser.name  # import every built-in format module before the baseline is taken
    _assume_splittable()
    gc.collect()
    precise = _reset_peak()
    base = _status_kib("VmRSS") if precise else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    watch = _CpuWatch()
    cpu_start = time.process_time()
    start = time.perf_counter()
    if impl == "recordparse":
        records, failures = _recordparse(path, fmt, jobs)
    else:
        records, failures = BASELINES[impl](path), 0
    seconds = time.perf_counter() - start
    cpu = watch.stop()
    cpu = None if cpu is None else cpu - cpu_start
    peak = _status_kib("VmHWM") if precise else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"records": records, "failures": failures, "seconds": seconds, "peak_kib": max((peak or 0) - (base or 0), 0), "cpu": cpu}
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
