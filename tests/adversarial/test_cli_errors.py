"""The command line on hostile input: no traceback, one line per failure, a telling exit status.

Each case runs ``python -m recordparse`` in a subprocess (as a user would), on a directory or file
of bad input, and checks that:

- stderr has no traceback and every line starts with ``recordparse:``;
- every failure line names the source and the record number;
- stdout is strict JSON Lines (no ``NaN``, no lone surrogate) that reads back as Records;
- the exit status is 0 when nothing failed and not 0 when anything did;
- the canary secret appears nowhere.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from recordparse import Record

from .cases import Env, _oai_bomb, jsonl, xml_doc

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, RECORDPARSE_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "recordparse", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="strict",
        cwd=cwd,
        env=env,
        timeout=60,
        check=False,
    )


def _strict_json(line: str) -> object:
    def refuse(name: str) -> object:
        raise ValueError(f"{name} is not JSON")

    return json.loads(line, parse_constant=refuse)


def _hostile_directory(env: Env, directory: Path) -> Path:
    directory.mkdir()
    (directory / "a-good.jsonl").write_bytes(jsonl(3))
    (directory / "b-xxe.xml").write_bytes(
        xml_doc("oai-pmh", doctype=f'<!DOCTYPE r [<!ENTITY ee SYSTEM "{env.canary.url}">]>\n', title="&ee;")
    )
    (directory / "c-bomb.xml.gz").write_bytes(_oai_bomb())
    (directory / "d-garbage.bin").write_bytes(b"\x00\x01\x02 nothing\n\x1b[31m")
    (directory / "e-surrogates.jsonl").write_bytes(b'{"id":"x\\ud800","title":["t\\udfff"],"n":NaN,"m":1e999}\n')
    (directory / "f-truncated.jsonl.gz").write_bytes(gzip.compress(jsonl(500))[:-300])
    (directory / "g-deep.json").write_bytes(b'{"id":"d","title":["T"],"x":' + b"[" * 50_000 + b"]" * 50_000 + b"}")
    (directory / "g2-deep-value.jsonl").write_bytes(b'{"id":"v","title":["T"],"x":' + b"[" * 600 + b"]" * 600 + b"}\n")
    (directory / "h-broken-line\nname.jsonl").write_bytes(b'{"id":"w1","title":["T"]}\n{"id": \n')
    return directory


def test_parse_a_hostile_directory(env: Env, tmp_path: Path) -> None:
    directory = _hostile_directory(env, tmp_path / "dump")
    proc = _cli("parse", "--format", "hyrax-json", str(directory), cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode != 0
    assert not env.canary.leaked(proc.stdout + proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert lines and all(line.startswith("recordparse:") for line in lines), lines
    failures = [line for line in lines if ": record " in line]
    assert failures and all(str(directory) in line for line in failures), failures
    assert lines[-1].startswith("recordparse: ") and " failed" in lines[-1]
    records = [Record.from_dict(_strict_json(line)) for line in proc.stdout.splitlines()]  # type: ignore[arg-type]
    assert {"w1", "w2", "w3"} <= {r.id for r in records}
    assert any(r.id == "x\ufffd" for r in records)  # the lone surrogate, replaced and flagged


@pytest.mark.parametrize("target", ["jsonl", "csv", "csl-json"])
def test_every_writer_survives_hostile_records(env: Env, tmp_path: Path, target: str) -> None:
    directory = _hostile_directory(env, tmp_path / "dump")
    proc = _cli("parse", "--to", target, str(directory), cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode != 0
    assert not env.canary.leaked(proc.stdout + proc.stderr)
    assert proc.stdout.strip()


def test_check_on_hostile_input_reports_without_a_traceback(env: Env, tmp_path: Path) -> None:
    directory = _hostile_directory(env, tmp_path / "dump")
    proc = _cli("check", "--today", "2026-11-21", str(directory), cwd=tmp_path)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode != 0
    assert not env.canary.leaked(proc.stdout + proc.stderr)


def test_exit_status_is_zero_only_when_nothing_failed(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_bytes(jsonl(2))
    assert _cli("parse", "--format", "hyrax-json", str(good), cwd=tmp_path).returncode == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(jsonl(2) + b"{broken\n")
    proc = _cli("parse", "--format", "hyrax-json", str(bad), cwd=tmp_path)
    assert proc.returncode != 0
    [failure] = [line for line in proc.stderr.splitlines() if ": record " in line]
    assert failure.startswith(f"recordparse: {bad}: record 3, line 3, byte ")


def test_a_gzip_bomb_on_stdin_stops_with_a_clear_error(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.gz"
    bomb.write_bytes(_oai_bomb())
    with bomb.open("rb") as stdin:
        proc = subprocess.run(
            [sys.executable, "-m", "recordparse", "parse", "-"],
            stdin=stdin,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=dict(os.environ, RECORDPARSE_DISABLE_PLUGIN_AUTOLOAD="1", PYTHONPATH=str(ROOT)),
            timeout=60,
            check=False,
        )
    assert "Traceback" not in proc.stderr
    assert proc.returncode != 0
    assert "compression ratio" in proc.stderr and "limit" in proc.stderr
