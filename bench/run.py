"""Run every benchmark: ``python -m bench`` (or ``python bench/run.py``).

Inputs are generated on the fly in a temporary directory (``--keep DIR`` to keep them), sized by
``--size`` records (default 20,000; ``--quick`` is 2,000). Every measurement runs in a fresh
subprocess (:mod:`bench.measure`) so that peak memory is its own. For each family the same input
is read by recordparse and by the baselines; the ratio recordparse/baseline in records per second
is the figure, checked against the targets of issue 6. Then the same inputs are read with
``jobs=N`` (``--jobs``, default 2) for the parallel speed-up: the fastest of ``--repeat`` runs
with ``jobs=1`` and with ``jobs=N`` each, taken in turns (the cores are shared), so both sides
meet the same load; the single-stream families are read once more at a quarter of the size to
show that peak memory does not grow with the input.

``--assume-splittable oai-pmh,doaj-json`` declares formats splittable for the runs (a what-if
for formats whose parsers do not declare it yet). ``--profile FAMILY`` instead profiles
recordparse on that family's input (cProfile, in process) and prints where the time goes.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # ``python bench/run.py`` from anywhere
    sys.path.insert(0, str(ROOT))

from bench.generators import Generated, generate  # noqa: E402

MIB = 1024 * 1024


@dataclass
class Bench:
    """One family: its generator, the recordparse format, the baselines and the target."""

    family: str
    format: str
    baselines: tuple[str, ...] = ()
    ratio_target: float | None = 0.8
    rate_target: float | None = None
    parallel: bool = False
    flat: bool = True
    note: str = ""
    results: dict[str, Any] = field(default_factory=dict)


BENCHES = (
    Bench("oai_doaj", "oai-pmh", ("iterparse_oai_doaj", "sickle"), parallel=True),
    Bench("oai_dc", "oai-pmh", ("iterparse_oai_dc", "sickle")),
    Bench("oai_pages", "oai-pmh", ("iterparse_oai_doaj",), ratio_target=None, parallel=True, flat=False,
          note="a harvest folder of 100-record pages"),
    Bench("doaj_dump", "doaj-json", ("stream_doaj_dump",), parallel=True, flat=False),
    Bench("doaj_batch", "doaj-json", ("stream_doaj_batch",)),
    Bench("solr_json", "vufind-solr-json", ("stream_solr",)),
    Bench("vufind_text", "vufind-text", (), ratio_target=None, rate_target=10_000.0, parallel=True),
    Bench("pages", "eprints-html", ("bare_html",), flat=False),
    Bench("ep3", "eprints-xml", ("iterparse_ep3",), parallel=True),
)


def _uncompressed_bytes(gen: Generated) -> int:
    if gen.path.name.endswith(".tar.gz"):
        with tarfile.open(gen.path, "r:gz") as archive:
            return sum(m.size for m in archive if m.isfile())
    return gen.bytes


def _measure(impl: str, path: Path, fmt: str, jobs: int = 1) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run(
        [sys.executable, "-m", "bench.measure", impl, str(path), fmt, str(jobs)],
        capture_output=True, text=True, cwd=str(ROOT), env=env, check=False,
    )
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _sickle_installed() -> bool:
    try:
        import sickle  # noqa: F401
    except ImportError:
        return False
    return True


def _row(label: str, impl: str, result: dict[str, Any], nbytes: int) -> str:
    if "error" in result:
        return f"  {label:<12} {impl:<22} error: {result['error']}"
    rate = result["records"] / result["seconds"] if result["seconds"] else 0.0
    mbs = nbytes / MIB / result["seconds"] if result["seconds"] else 0.0
    result["rate"] = rate
    fails = f"  ({result['failures']} failures)" if result.get("failures") else ""
    cpu = f"{result['cpu']:>6.1f}" if result.get("cpu") is not None else f"{'-':>6}"
    return (
        f"  {label:<12} {impl:<22} {result['records']:>8} {result['seconds']:>8.2f} {rate:>9.0f} "
        f"{mbs:>7.1f} {result['peak_kib'] / 1024:>9.1f} {cpu}{fails}"
    )


def _parallel_pair(
    path: Path, fmt: str, jobs: int, repeat: int, first: dict[str, Any] | None = None, impl: str = "recordparse"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fastest of ``repeat`` runs of ``impl`` with ``jobs=1`` (``first`` being one, when
    given) and with ``jobs``, taken in turns, for the speed-up: the cores are shared, and one
    run of each taken at different moments compares the load of those moments as much as the
    two reads."""
    singles = [first if first is not None else _measure(impl, path, fmt)]
    parallels = [_measure(impl, path, fmt, jobs)]
    for _ in range(repeat - 1):
        singles.append(_measure(impl, path, fmt))
        parallels.append(_measure(impl, path, fmt, jobs))

    def best(runs: list[dict[str, Any]]) -> dict[str, Any]:
        good = [r for r in runs if "error" not in r]
        return dict(min(good, key=lambda r: r["seconds"])) if good else runs[0]

    return best(singles), best(parallels)


def run(
    size: int, jobs: int, only: Sequence[str], workdir: Path, assume: str = "", repeat: int = 1
) -> list[Bench]:
    benches = [b for b in BENCHES if not only or b.family in only]
    print(f"recordparse benchmarks: --size {size}, jobs={jobs}, inputs in {workdir}")
    if assume:
        os.environ["RECORDPARSE_BENCH_SPLITTABLE"] = assume
        print(f"  (assuming splittable: {assume})")
    print(f"  {'family':<12} {'implementation':<22} {'records':>8} {'seconds':>8} {'records/s':>9} {'MB/s':>7} {'peak MiB':>9} {'CPU s':>6}")
    sickle = _sickle_installed()
    if not sickle:
        print("  (sickle is not installed: 'pip install sickle' to measure it; skipped)")
    for bench in benches:
        folder = workdir / bench.family
        folder.mkdir(parents=True, exist_ok=True)
        gen = generate(bench.family, folder, size)
        nbytes = _uncompressed_bytes(gen)
        bench.results["input"] = {"records": gen.records, "bytes": nbytes}
        own = _measure("recordparse", gen.path, bench.format)
        bench.results["recordparse"] = own
        print(_row(bench.family, "recordparse", own, nbytes))
        for base in bench.baselines:
            if base == "sickle" and not sickle:
                continue
            result = _measure(base, gen.path, bench.format)
            bench.results[base] = result
            print(_row("", base, result, nbytes))
        if bench.parallel and jobs > 1:
            single, result = _parallel_pair(gen.path, bench.format, jobs, repeat, own)
            bench.results["jobs=1"] = single
            bench.results[f"jobs={jobs}"] = result
            print(_row("", f"recordparse jobs={jobs}", result, nbytes))
            if repeat > 1:
                print(_row("", f"best jobs=1 of {repeat}", single, nbytes))
            # the main job: parse --to jsonl, whose workers also encode the lines
            single, result = _parallel_pair(gen.path, bench.format, jobs, repeat, impl="recordparse-cli")
            bench.results["cli jobs=1"] = single
            bench.results[f"cli jobs={jobs}"] = result
            print(_row("", "parse --to jsonl", single, nbytes))
            print(_row("", f"parse --jobs {jobs}", result, nbytes))
        if bench.flat:
            small_dir = workdir / f"{bench.family}-quarter"
            small_dir.mkdir(exist_ok=True)
            small = generate(bench.family, small_dir, max(size // 4, 1))
            result = _measure("recordparse", small.path, bench.format)
            bench.results["quarter"] = result
            print(_row("", "recordparse 1/4 size", result, _uncompressed_bytes(small)))
    return benches


def _speedup(bench: Bench, label: str, single: dict[str, Any], par: dict[str, Any], jobs: int) -> list[str]:
    """The speed-up lines of one pair of runs (``read`` or ``parse``) with one job and ``jobs``."""
    if "rate" not in par or not single.get("seconds"):
        return []
    speedup = par["rate"] / (single["records"] / single["seconds"])
    verdict = "ok" if speedup >= 1.8 else "BELOW 1.8"
    lines = [f"  {bench.family:<12} {label} speed-up {speedup:>{27 - len(label)}.2f} {verdict}"]
    if single.get("cpu") and par.get("cpu"):
        # CPU seconds of one process over all processes' CPU seconds: the speed-up this run
        # would reach on ``jobs`` otherwise idle cores is about jobs times this.
        efficiency = single["cpu"] / par["cpu"]
        lines.append(
            f"  {bench.family:<12} {label} CPU efficiency {efficiency:>{21 - len(label)}.2f} "
            f"(on {jobs} idle cores: about {min(jobs * efficiency, jobs):.2f}x)"
        )
    return lines


def summary(benches: list[Bench], jobs: int) -> list[str]:
    lines = ["", "Ratios (records/s of recordparse over the baseline; targets from issue 6):"]
    for bench in benches:
        own = bench.results.get("recordparse", {})
        if "rate" not in own:
            continue
        for base in bench.baselines:
            other = bench.results.get(base, {})
            if "rate" not in other:
                continue
            ratio = own["rate"] / other["rate"]
            target = bench.ratio_target if base != "sickle" else None
            verdict = "" if target is None else (" ok" if ratio >= target else f" BELOW {target}")
            # the same ratio in CPU seconds: steadier than wall time when the cores are shared
            cpu = ""
            if own.get("cpu") and other.get("cpu"):
                cpu = f"  (CPU time: {other['cpu'] / own['cpu']:.2f})"
            lines.append(f"  {bench.family:<12} vs {base:<20} {ratio:6.2f}{verdict}{cpu}")
        if bench.rate_target is not None:
            verdict = "ok" if own["rate"] >= bench.rate_target else f"BELOW {bench.rate_target:.0f}"
            lines.append(f"  {bench.family:<12} records/s {own['rate']:>26.0f} {verdict}")
        for label, key in ((f"jobs={jobs}", "jobs"), (f"parse --jobs {jobs}", "cli jobs")):
            lines += _speedup(bench, label, bench.results.get(f"{key}=1", own), bench.results.get(f"{key}={jobs}", {}), jobs)
        quarter = bench.results.get("quarter", {})
        if "peak_kib" in quarter and "peak_kib" in own:
            full, part = own["peak_kib"] / 1024, quarter["peak_kib"] / 1024
            verdict = "ok" if full < 64 and full <= part * 1.5 + 8 else "NOT FLAT or over 64 MiB"
            lines.append(f"  {bench.family:<12} peak MiB at 1/4 and full size {part:6.1f} {full:6.1f} {verdict}")
    return lines


def profile(family: str, size: int, workdir: Path) -> None:
    import cProfile
    import pstats

    import recordparse

    bench = next(b for b in BENCHES if b.family == family)
    folder = workdir / family
    folder.mkdir(parents=True, exist_ok=True)
    gen = generate(family, folder, size)
    profiler = cProfile.Profile()
    profiler.enable()
    count = sum(1 for _ in recordparse.read(gen.path, bench.format, errors="collect"))
    profiler.disable()
    print(f"{family}: {count} outcomes")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=20_000, help="records per family (default 20000)")
    parser.add_argument("--quick", action="store_true", help="2,000 records per family")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel runs (default 2)")
    parser.add_argument("--repeat", type=int, default=2, help="runs with jobs=1 and jobs=N, in turns, whose best give the speed-up (default 2)")
    parser.add_argument("--only", nargs="*", default=[], metavar="FAMILY", help="run only these families")
    parser.add_argument("--keep", type=Path, help="generate the inputs here and keep them")
    parser.add_argument("--json", type=Path, help="also write all results to this JSON file")
    parser.add_argument("--profile", metavar="FAMILY", help="profile recordparse on one family instead")
    parser.add_argument("--assume-splittable", default="", metavar="FORMATS", help="comma-separated formats to declare splittable for the runs")
    args = parser.parse_args(argv)
    size = 2000 if args.quick else args.size
    with tempfile.TemporaryDirectory(prefix="recordparse-bench-") as tmp:
        workdir = args.keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        if args.profile:
            profile(args.profile, size, workdir)
            return 0
        benches = run(size, args.jobs, args.only, workdir, args.assume_splittable, max(args.repeat, 1))
    lines = summary(benches, args.jobs)
    print("\n".join(lines))
    if args.json:
        args.json.write_text(json.dumps({b.family: b.results for b in benches}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
