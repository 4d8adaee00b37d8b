"""The command line: output, exit statuses, and one-line errors instead of tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from recordparse.cli import EXIT_FLAGS, EXIT_OK, EXIT_RECORD_FAILURES, EXIT_USAGE, main

from .conftest import shared_path


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_unrecognised_input_is_one_line_per_failure_and_exit_1(tmp_path: Path) -> None:
    path = tmp_path / "mystery.bin"
    path.write_bytes(b"\x00\x01 nothing anyone would parse")
    code, out, err = run("parse", str(path))
    assert code == EXIT_RECORD_FAILURES and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith(f"recordparse: {path}: record 1") and "known formats:" in lines[0]
    assert lines[-1] == "recordparse: 0 records, 1 failed"
    assert "Traceback" not in err


def test_missing_path_and_unknown_format_are_usage_errors(tmp_path: Path) -> None:
    code, _, err = run("parse", str(tmp_path / "absent.xml"))
    assert code == EXIT_USAGE and "no such file" in err
    (tmp_path / "x.txt").write_text("x")
    code, _, err = run("parse", "--format", "no-such-format", str(tmp_path / "x.txt"))
    assert code == EXIT_USAGE and "known formats" in err and "Traceback" not in err


def test_bad_option_and_version() -> None:
    assert run("check", "--today", "tomorrow", ".")[0] == EXIT_USAGE
    proc = subprocess.run([sys.executable, "-m", "recordparse", "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and proc.stdout.startswith("recordparse ")


def test_formats_lists_the_builtin_parsers() -> None:
    code, out, _ = run("formats", "--no-plugins")
    assert code == EXIT_OK
    names = {line.split()[0] for line in out.splitlines()}
    assert {"oai-pmh", "doaj-json", "vufind-text", "figshare-text"} <= names


def test_parse_and_check_the_seeds() -> None:
    seeds = shared_path("seeds")
    code, out, err = run("parse", "-q", str(seeds / "000_e60a16e7c7a329d4.txt"), str(seeds / "001_fb623fb9dff5973c.txt"))
    assert code == EXIT_OK, err
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["format"] for r in records] == ["vufind-text", "figshare-text"]
    assert records[0]["doi"] == "10.3389/fimmu.2022.952231"
    assert records[1]["access"]["embargo_end"] == "permanent"
    code, out, _ = run("check", str(seeds / "001_fb623fb9dff5973c.txt"), "--today", "2026-11-21")
    assert code == EXIT_OK  # the flags of a permanent embargo are informational
    assert "embargoed" in out and "restricted" in out and "Summary (1 records read" in out
    code, out, _ = run("check", "--json", "--fail-on", "info", str(seeds / "001_fb623fb9dff5973c.txt"))
    assert code == EXIT_FLAGS
    codes = {f["code"] for f in json.loads(out)["flags"]}
    assert {"embargoed", "restricted"} <= codes


@pytest.mark.parametrize("policy", ["collect", "raise"])
def test_parse_keeps_going_or_stops(tmp_path: Path, policy: str) -> None:
    (tmp_path / "a.bin").write_bytes(b"\x00junk")
    (tmp_path / "b.bin").write_bytes(b"\x00more junk")
    code, _, err = run("parse", "--errors", policy, str(tmp_path))
    failures = [ln for ln in err.splitlines() if "record 1" in ln]
    assert code == EXIT_RECORD_FAILURES
    assert len(failures) == (2 if policy == "collect" else 1)
