"""The ``recordparse`` command line: ``parse``, ``check``, ``detect`` and ``formats``.

Exit status (the same for every command, so scripts can rely on it):

- ``0``: everything was read (and, for ``check``, no flag at or above ``--fail-on``);
- ``1``: some records could not be read (each failure is one line on stderr);
- ``2``: usage error, unreadable source or unknown format: nothing useful was done;
- ``3``: ``check`` found flags at or above ``--fail-on`` (default ``warning``).

Bad input never prints a traceback: every failure is one line naming the source, the record
number and, where known, the line and byte offset.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import json
import os
import sys
import time
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import IO, Any

from . import __version__
from .errors import Failure, RecordParseError
from .exports import WRITERS, open_writer
from .exports.csv import FlagCsvWriter
from .exports.jsonl import record_line
from .exports.report import ComplianceReport
from .reading import detect, read
from .record import Flag, Record
from .registry import DISABLE_ENV, Registry, default_registry
from .validators import check

__all__ = ["main"]

EXIT_OK = 0
EXIT_RECORD_FAILURES = 1
EXIT_USAGE = 2
EXIT_FLAGS = 3

_SEVERITY = {"info": 0, "warning": 1, "error": 2}


class _Progress:
    """A one-line record counter on stderr, only when stderr is a terminal."""

    def __init__(self, stream: IO[str], enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled and stream.isatty()
        self.count = 0
        self.failed = 0
        self._last = 0.0

    def tick(self, failed: bool = False) -> None:
        self.count += 1
        self.failed += failed
        if self.enabled:
            now = time.monotonic()
            if now - self._last > 0.2:
                self._last = now
                self.stream.write(f"\r{self.count} records, {self.failed} failed")
                self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 40 + "\r")
            self.stream.flush()


def _registry(args: argparse.Namespace) -> Registry:
    if getattr(args, "no_plugins", False):
        os.environ[DISABLE_ENV] = "1"
        return Registry(plugins=False)
    return default_registry()


def _read_all(args: argparse.Namespace, registry: Registry, err: IO[str]) -> Iterator[Record | Failure]:
    """Every outcome of every path; a missing path is a usage error reported once."""
    for path in args.paths:
        if path != "-" and not os.path.exists(path):
            raise _Usage(f"{path}: no such file or directory")
        source: Any = sys.stdin.buffer if path == "-" else path
        yield from read(source, args.format, errors="collect", registry=registry, jobs=getattr(args, "jobs", 1))


class _Usage(Exception):
    pass


def _jobs(value: str) -> int:
    """``--jobs``: a count of processes, 0 for one per core."""
    try:
        jobs = int(value)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (one per core) or a positive number, not {value!r}")
    return jobs


def _report_failure(failure: Failure, err: IO[str]) -> None:
    err.write(f"recordparse: {failure}\n")


def _read_lines(args: argparse.Namespace, registry: Registry) -> Iterator[str | Failure]:
    """``parse --jobs N --to jsonl``: the workers write each Record's JSON line themselves, so
    this process only plans and writes text (no Record is unpickled here). Same lines, same
    order, same failures as :func:`_read_all` with :func:`record_line`."""
    from .parallel import parallel_lines

    for path in args.paths:
        if not os.path.exists(path):
            raise _Usage(f"{path}: no such file or directory")
        parser = registry.get(args.format, path) if args.format else None  # as read() does
        yield from parallel_lines(path, parser, registry, None, args.jobs, record_line)


def _cmd_parse(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    registry = _registry(args)
    progress = _Progress(err, not args.quiet)
    failures = 0
    records = 0
    writer = open_writer(args.to, out)
    lines = args.to == "jsonl" and args.jobs != 1 and "-" not in args.paths
    items: Iterator[Record | str | Failure] = _read_lines(args, registry) if lines else _read_all(args, registry, err)
    for item in items:
        if isinstance(item, Failure):
            failures += 1
            progress.tick(True)
            _report_failure(item, err)
            if args.errors == "raise":
                break
            continue
        records += 1
        progress.tick()
        if isinstance(item, str):
            out.write(item + "\n")
        else:
            writer.write(item)
    writer.close()
    progress.done()
    if not args.quiet:
        err.write(f"recordparse: {records} records, {failures} failed\n")
    return EXIT_RECORD_FAILURES if failures else EXIT_OK


def _parse_today(value: str | None) -> _dt.date:
    if not value:
        return _dt.date.today()
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise _Usage(f"--today must be YYYY-MM-DD, not {value!r}") from None


def _label(record: Record) -> str:
    where = f"{record.position.source}#{record.position.record}" if record.position else "?"
    return f"{record.id or '(no id)'} [{where}]"


def _cmd_check(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    registry = _registry(args)
    today = _parse_today(args.today)
    fail_on = _SEVERITY[args.fail_on]
    output = "json" if args.json else args.output_format
    progress = _Progress(err, not args.quiet and output == "table")
    flag_csv = FlagCsvWriter(out) if output == "csv" else None
    report = ComplianceReport(today=today, days=args.days) if args.html_report else None
    statuses: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    ending_soon: list[tuple[str, str]] = []
    expired: list[tuple[str, str]] = []
    failures = 0
    worst = -1
    horizon = today + _dt.timedelta(days=args.days)
    for item in _read_all(args, registry, err):
        if isinstance(item, Failure):
            failures += 1
            progress.tick(True)
            _report_failure(item, err)
            if report is not None:
                report.add_failure(item)
            continue
        progress.tick()
        flags = check(item, today=today, registry=registry)
        if report is not None:
            report.add(item, flags)
        statuses[item.access.status] += 1
        for flag in flags:
            codes[flag.code] += 1
            worst = max(worst, _SEVERITY.get(flag.severity, 1))
            if flag.code == "embargo_expired" and item.access.status == "embargoed":
                expired.append((_label(item), item.access.embargo_end or ""))
        end = item.access.embargo_end
        if item.access.status == "embargoed" and end and end != "permanent":
            from .normalize.dates import end_of_period

            last = end_of_period(end)
            if last is not None and today <= last <= horizon:
                ending_soon.append((_label(item), end))
        if flag_csv is not None:
            flag_csv.write(item, flags)
        elif output == "json":
            out.write(json.dumps({"id": item.id, "source": item.position.source if item.position else None, "record": item.position.record if item.position else None, "access": item.access.to_dict(), "flags": [f.to_dict() for f in flags]}, ensure_ascii=False) + "\n")
        else:
            _print_flags(item, flags, out)
    progress.done()
    if report is not None:
        try:
            report.write(args.html_report)
        except OSError as exc:
            raise _Usage(f"cannot write the HTML report {args.html_report}: {exc.strerror or exc}") from None
    if output == "table":
        _print_summary(out, statuses, codes, ending_soon, expired, failures, args.days, today)
    if failures and worst < fail_on:
        return EXIT_RECORD_FAILURES
    if worst >= fail_on:
        return EXIT_FLAGS
    return EXIT_RECORD_FAILURES if failures else EXIT_OK


def _print_flags(record: Record, flags: Sequence[Flag], out: IO[str]) -> None:
    out.write(f"{_label(record)}  access={record.access.status}")
    if record.access.embargo_end:
        out.write(f" until={record.access.embargo_end}")
    out.write("\n")
    if not flags:
        out.write("    (no flags)\n")
    for flag in flags:
        evidence = "; ".join(flag.evidence)[:160]
        out.write(f"    {flag.severity:<7} {flag.code:<16} {flag.message}")
        out.write(f"  [{evidence}]\n" if evidence else "\n")


def _print_summary(
    out: IO[str],
    statuses: Counter[str],
    codes: Counter[str],
    ending_soon: list[tuple[str, str]],
    expired: list[tuple[str, str]],
    failures: int,
    days: int,
    today: _dt.date,
) -> None:
    total = sum(statuses.values())
    out.write(f"\nSummary ({total} records read, {failures} failed; today is {today.isoformat()})\n")
    out.write("  access status:\n")
    for status in ("open", "embargoed", "restricted", "metadata_only", "unknown"):
        out.write(f"    {status:<14} {statuses.get(status, 0)}\n")
    if codes:
        out.write("  flags:\n")
        for code, n in sorted(codes.items()):
            out.write(f"    {code:<16} {n}\n")
    out.write(f"  embargoes ending in the next {days} days: {len(ending_soon)}\n")
    for label, end in sorted(ending_soon, key=lambda x: x[1]):
        out.write(f"    {end}  {label}\n")
    out.write(f"  expired embargoes still marked embargoed: {len(expired)}\n")
    for label, end in sorted(expired, key=lambda x: x[1]):
        out.write(f"    {end}  {label}\n")


def _cmd_detect(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    registry = _registry(args)
    for path in args.paths:
        if not os.path.exists(path):
            raise _Usage(f"{path}: no such file or directory")
        ranked = detect(path, registry=registry)
        out.write(f"{path}\n")
        for cand in ranked:
            tag = " (plugin)" if cand.plugin else ""
            out.write(f"    {cand.score:.2f}  {cand.name}{tag}\n")
    return EXIT_OK


def _cmd_formats(args: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    registry = _registry(args)
    if registry.plugins_enabled:
        registry.load_plugins()
    rows: list[tuple[str, str, str]] = []
    for name in registry.names():
        try:
            parser = registry.get(name)
        except RecordParseError as exc:
            rows.append((name, "broken plugin", str(exc)))
            continue
        origin = f"plugin from {registry.distribution(name)}" if registry.is_plugin(name) else "built-in"
        rows.append((name, origin, parser.title))
    width = max((len(r[0]) for r in rows), default=10)
    for name, origin, title in rows:
        out.write(f"{name:<{width}}  {origin:<24}  {title}\n")
    return EXIT_OK


def _build_parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="recordparse",
        description="Parse scholarly repository record dumps into one common record and flag embargoed or restricted items.",
    )
    top.add_argument("--version", action="version", version=f"recordparse {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser, with_format: bool = True) -> None:
        p.add_argument("paths", nargs="+", metavar="PATH", help="files, directories or archives ('-' for stdin)")
        if with_format:
            p.add_argument("-f", "--format", help="the format name (see 'recordparse formats'); default: detect")
        p.add_argument("--no-plugins", action="store_true", help=f"do not load third-party plugins (also {DISABLE_ENV}=1)")
        p.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary line on stderr")

    p = sub.add_parser("parse", help="write the records to stdout (JSON Lines; --to csv or csl-json)")
    common(p)
    p.add_argument("--errors", choices=("collect", "raise"), default="collect", help="collect: report failures on stderr and go on (default); raise: stop at the first")
    p.add_argument("--to", choices=tuple(WRITERS), default="jsonl", help="output format: jsonl (Record.to_dict per line, default), csv (flat columns), csl-json (citation items)")
    p.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N", help="parse in N processes (0: one per core); output order and positions stay those of one process")
    p.set_defaults(func=_cmd_parse)

    p = sub.add_parser("check", help="print each record's flags and a compliance summary")
    common(p)
    p.add_argument("--output-format", choices=("table", "json", "csv"), default="table", help="table: flags per record and a summary (default); json: JSON Lines of {id, source, record, access, flags}; csv: one row per flag")
    p.add_argument("--json", action="store_true", help="the same as --output-format json")
    p.add_argument("--html-report", metavar="FILE", help="also write a one-page HTML report (status counts, embargo end dates chart) to FILE")
    p.add_argument("--today", help="judge embargo dates against this date (YYYY-MM-DD)")
    p.add_argument("--days", type=int, default=90, help="embargoes ending within this many days are listed (default 90)")
    p.add_argument("--fail-on", choices=("info", "warning", "error"), default="warning", help="exit 3 when a flag of this severity or worse is found")
    p.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N", help="parse in N processes (0: one per core); the checks run in this one")
    p.set_defaults(func=_cmd_check)

    p = sub.add_parser("detect", help="rank the formats that could read each path")
    common(p, with_format=False)
    p.set_defaults(func=_cmd_detect)

    p = sub.add_parser("formats", help="list the parsers, built-in and plugin")
    p.add_argument("--no-plugins", action="store_true", help="list only built-in formats")
    p.set_defaults(func=_cmd_formats)
    return top


def main(argv: Sequence[str] | None = None, *, stdout: IO[str] | None = None, stderr: IO[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore" if getattr(args, "quiet", False) else "default")

        def show(message: Warning | str, category: type[Warning], filename: str, lineno: int, file: Any = None, line: str | None = None) -> None:
            err.write(f"recordparse: warning: {message}\n")

        warnings.showwarning = show
        try:
            result: int = args.func(args, out, err)
            return result
        except _Usage as exc:
            err.write(f"recordparse: error: {exc}\n")
            return EXIT_USAGE
        except RecordParseError as exc:
            err.write(f"recordparse: error: {exc}\n")
            return EXIT_USAGE
        except BrokenPipeError:
            # the reader went away (``| head``): silence the interpreter's flush at exit
            with contextlib.suppress(OSError):
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            return EXIT_OK
        except KeyboardInterrupt:
            err.write("recordparse: interrupted\n")
            return 130

