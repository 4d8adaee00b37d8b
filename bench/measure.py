"""One measurement in a fresh interpreter: ``python -m bench.measure IMPL PATH [FORMAT] [JOBS]``.

``IMPL`` is ``recordparse`` (``recordparse.read``), ``recordparse-cli`` (``recordparse parse --to
jsonl`` into a file beside the input) or a baseline name from :mod:`bench.baselines`. Prints one
JSON object: records, failures, seconds, and the peak resident memory above the resident memory just before
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


def _recordparse_cli(path: Path, fmt: str | None, jobs: int, out: Path) -> int:
    """``recordparse parse --to jsonl [--jobs N]`` (the main job) into ``out``; returns the
    failures it reported. The lines are counted afterwards, outside the timed run."""
    import io

    from recordparse.cli import main

    err = io.StringIO()
    args = ["parse", "-q", "--to", "jsonl", "--jobs", str(jobs), *(["-f", fmt] if fmt else []), str(path)]
    with out.open("w", encoding="utf-8") as handle:
        main(args, stdout=handle, stderr=err)
    return len(err.getvalue().splitlines())


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


#: The CPU sampler (see :class:`_CpuWatch`): says ``ready``, then polls every descendant of the
#: pid it is given (but itself) every 0.1 s until stdin says stop, then prints their last CPU
#: seconds by pid.
_SAMPLER = """
import json, os, select, sys
import psutil
root, me, seen = psutil.Process(int(sys.argv[1])), os.getpid(), {}
print("ready", flush=True)
def sample():
    for proc in root.children(recursive=True):
        if proc.pid == me:
            continue
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        seen[proc.pid] = times.user + times.system
while not select.select([sys.stdin], [], [], 0.1)[0]:
    sample()
sample()
print(json.dumps(seen))
"""


class _CpuWatch:
    """CPU seconds of this process and of all its descendants, with psutil.

    Worker processes started by a fork server are its children, which ``os.times`` never
    counts, so a sampler polls them. It is a process, not a thread: recordparse forks its
    workers directly only when the caller runs no other thread (:mod:`recordparse.parallel`),
    and a thread here would make every measured run take the fork-server path instead.
    """

    def __init__(self) -> None:
        import os
        import subprocess

        try:
            import psutil  # type: ignore[import-untyped]
        except ImportError:
            self.psutil = None
            return
        self.psutil = psutil
        self.sampler = subprocess.Popen(
            [sys.executable, "-c", _SAMPLER, str(os.getpid())],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.sampler.stdout is not None
        self.sampler.stdout.readline()  # started before the measured run, not during it

    def stop(self) -> float | None:
        if self.psutil is None:
            return None
        out, _ = self.sampler.communicate("stop\n")
        seen: dict[str, float] = json.loads(out)
        own = self.psutil.Process().cpu_times()
        total: float = own.user + own.system + sum(seen.values())
        return total


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
    out = path.with_name(path.name + ".jsonl")
    records = 0
    if impl == "recordparse":
        records, failures = _recordparse(path, fmt, jobs)
    elif impl == "recordparse-cli":
        failures = _recordparse_cli(path, fmt, jobs, out)
    else:
        records, failures = BASELINES[impl](path), 0
    seconds = time.perf_counter() - start
    cpu = watch.stop()
    if impl == "recordparse-cli":  # its lines are counted outside the timed run
        with out.open("rb") as lines:
            records = sum(1 for _ in lines)
        out.unlink()
    cpu = None if cpu is None else cpu - cpu_start
    peak = _status_kib("VmHWM") if precise else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"records": records, "failures": failures, "seconds": seconds, "peak_kib": max((peak or 0) - (base or 0), 0), "cpu": cpu}
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
