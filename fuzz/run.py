"""Run recordparse's atheris fuzz targets, one command for all of them.

    python fuzz/run.py --minutes 10              # every target, 10 minutes each, 2 at a time
    python fuzz/run.py --targets xml,json --minutes 1 --jobs 1
    python fuzz/run.py --replay DIR_OR_FILE ...  # re-run saved inputs (crash reproducers)

Targets: ``sniff`` (detection and dispatch), ``xml``, ``html``, ``json``, ``text`` (the parser
families), ``normalize`` (dates, access, names, identifiers, languages, text) and ``archive``
(gzip, bz2, zip, tar on in-memory bytes). Each runs as its own libFuzzer process with
``-rss_limit_mb``, a per-input ``-timeout`` and ``-max_len=65536``, seeded from ``fixtures/``
and ``fuzz/tokens.dict``. Corpora, crash reproducers and ``summary.json`` go to the work
directory (``--workdir``, default ``$TMPDIR/recordparse-fuzz``), never into the repository.

Exit status: 0 when no target found a crash, 1 otherwise. The summary gives executions and
findings per target.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TARGETS: dict[str, str] = {
    "sniff": "fuzz_sniff.py",
    "xml": "fuzz_xml.py",
    "html": "fuzz_html.py",
    "json": "fuzz_json.py",
    "text": "fuzz_text.py",
    "normalize": "fuzz_normalize.py",
    "archive": "fuzz_archive.py",
}

_NORMALIZE_SEEDS = (
    "2030", "2021-02-30", "03/04/2021", "1. Januar 2027", "Spring 2030", "c. 1850", "1h" + "9" * 40,
    "2147483648", "Embargoed until 6 February 2027.", "File(s) under permanent embargo",
    "Restricted to Repository staff only until 2027", "info:eu-repo/semantics/embargoedAccess",
    "info:eu-repo/date/embargoEnd/2027-13-45", "Nur Metadaten", "https://doi.org/10.1000/xyz(1)",
    "ISSN 0317-8471", "0000-0002-1825-0097", "978-3-16-148410-0", "Smith, John; Smith, John",
    "pt-BR", "por", "Português", "<p>a &amp; b</p>", "pp. 12–19", "521-39",
)


def _archive_seeds(samples: Sequence[bytes]) -> Iterator[bytes]:
    """Real archives of small fixtures (mode byte 0: used raw) and the wrapping modes."""
    for data in samples:
        yield b"\x00" + gzip.compress(data)
        yield b"\x00" + bz2.compress(data)
        zipped = io.BytesIO()
        with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("dump/part-1.xml", data)
            archive.writestr("../evil.json", data)
        yield b"\x00" + zipped.getvalue()
        tarred = io.BytesIO()
        with tarfile.open(fileobj=tarred, mode="w:gz") as archive:
            info = tarfile.TarInfo("batch_1.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        yield b"\x00" + tarred.getvalue()
        for mode in range(1, 6):
            yield bytes([mode]) + b"member.xml\n" + data


def write_seeds(target: str, directory: Path) -> int:
    """Write the seed inputs of ``target`` into ``directory``; returns how many."""
    import common

    directory.mkdir(parents=True, exist_ok=True)
    for old in directory.iterdir():
        old.unlink()
    if target == "normalize":
        seeds: list[bytes] = [s.encode("utf-8") for s in _NORMALIZE_SEEDS]
    elif target == "sniff":
        seeds = list(common.seeds(None))
    elif target == "archive":
        small = sorted(common.seeds(None), key=len)[::6][:12]
        seeds = list(_archive_seeds(small))
    else:
        seeds = list(common.seeds(target))
    for number, data in enumerate(seeds):
        (directory / f"seed-{number:04d}").write_bytes(data)
    return len(seeds)


_EXECS = re.compile(r"stat::number_of_executed_units:\s*(\d+)")
_PROGRESS = re.compile(r"#(\d+)\s+(?:pulse|NEW|REDUCE|DONE|INITED)\b.*?cov: (\d+)")
_CORPUS = re.compile(r"corp: (\d+)/")


def run_target(target: str, seconds: int, workdir: Path, options: Sequence[str]) -> dict[str, object]:
    """Run one target for ``seconds``; returns its summary (executions, corpus size, crashes)."""
    base = workdir / target
    corpus, seeds, crashes = base / "corpus", base / "seeds", base / "crashes"
    corpus.mkdir(parents=True, exist_ok=True)
    crashes.mkdir(parents=True, exist_ok=True)
    seed_count = write_seeds(target, seeds)
    before = set(crashes.iterdir())
    command = [
        sys.executable,
        str(HERE / TARGETS[target]),
        str(corpus),
        str(seeds),
        f"-max_total_time={seconds}",
        "-rss_limit_mb=1024",
        "-timeout=10",
        "-max_len=65536",
        f"-dict={HERE / 'tokens.dict'}",
        f"-artifact_prefix={crashes}/",
        "-print_final_stats=1",
        *options,
    ]
    started = time.monotonic()
    log_path = base / "fuzz.log"
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, cwd=HERE, check=False)
    elapsed = time.monotonic() - started
    text = log_path.read_text(encoding="utf-8", errors="replace")
    execs = [int(n) for n in _EXECS.findall(text)]
    progress = [int(n) for n, _ in _PROGRESS.findall(text)]
    found = sorted(str(p) for p in set(crashes.iterdir()) - before)
    corpus_size = _CORPUS.findall(text)
    return {
        "target": target,
        "seconds": round(elapsed, 1),
        "executions": max(execs or progress or [0]),
        "seeds": seed_count,
        "corpus": int(corpus_size[-1]) if corpus_size else None,
        "exit_status": proc.returncode,
        "crashes": found,
        "log": str(log_path),
    }


def replay(paths: Sequence[str]) -> int:
    """Run saved inputs through every target's ``test_one_input``; 1 if any still fails."""
    import importlib

    failed = 0
    files = [f for p in paths for f in ([Path(p)] if Path(p).is_file() else sorted(Path(p).rglob("*")))]
    for target, script in TARGETS.items():
        module = importlib.import_module(script[:-3])
        func = getattr(module, "test_one_input", None)
        if func is None:
            import _formats

            func = _formats.make_target(target)
        for file in files:
            if not file.is_file():
                continue
            try:
                func(file.read_bytes())
            except Exception as exc:
                failed += 1
                print(f"{target}: {file}: {type(exc).__name__}: {exc}"[:400])
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=1.0, help="time per target (default 1)")
    parser.add_argument("--targets", default=",".join(TARGETS), help=f"comma-separated, from {', '.join(TARGETS)}")
    parser.add_argument("--jobs", type=int, default=2, help="targets run at the same time (default 2)")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(), "recordparse-fuzz"))
    parser.add_argument("--replay", nargs="+", metavar="PATH", help="re-run saved inputs instead of fuzzing")
    parser.add_argument("libfuzzer", nargs="*", help="extra libFuzzer options after --, e.g. -- -seed=1")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args.replay)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        parser.error(f"unknown targets {unknown}; known: {', '.join(TARGETS)}")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    seconds = max(1, int(args.minutes * 60))
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda t: run_target(t, seconds, workdir, args.libfuzzer), targets))
    (workdir / "summary.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"{'target':<10} {'seconds':>8} {'executions':>11} {'corpus':>7}  findings")
    for r in results:
        crashes = r["crashes"]
        assert isinstance(crashes, list)
        print(f"{r['target']:<10} {r['seconds']:>8} {r['executions']:>11} {r['corpus'] or '-':>7}  {len(crashes)}")
        for crash in crashes:
            print(f"    {crash}")
    print(f"summary: {workdir / 'summary.json'}")
    return 1 if any(r["crashes"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
