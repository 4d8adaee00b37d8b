"""Fuzz the archive and compression layer (gzip, bz2, xz, zip, tar) on in-memory bytes.

The first byte picks a mode: the raw bytes (the fuzzer mutates real archive headers from the
seeds), or the rest of the input wrapped by this target as gzip, multi-member gzip, bz2, a zip
or a tar whose member name also comes from the input. Every mode must keep the promises:
``open_inputs`` raises nothing but recordparse's own errors, never yields more than the
configured limits allow, and ``read(..., errors="collect")`` passes the oracle of :mod:`common`.
Nothing is ever written to disk.
"""

from __future__ import annotations

import bz2
import gzip
import io
import sys
import tarfile
import zipfile

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports(include=["recordparse"]):
    import common

    from recordparse import Limits, RecordParseError
    from recordparse.sources import open_inputs

LIMITS = Limits(max_bytes=8 << 20, max_ratio=200.0, ratio_after=1 << 20, max_line=1 << 20, max_record=1 << 20)


def _zip(name: str, body: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name or "x", body)
    return out.getvalue()


def _tar(name: str, body: bytes) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        info = tarfile.TarInfo(name or "x")
        info.size = len(body)
        archive.addfile(info, io.BytesIO(body))
    return out.getvalue()


def _wrap(data: bytes) -> bytes:
    if not data:
        return data
    mode, rest = data[0] % 6, data[1:]
    if mode == 0:
        return rest
    if mode == 1:
        return gzip.compress(rest)
    if mode == 2:
        half = len(rest) // 2
        return gzip.compress(rest[:half]) + gzip.compress(rest[half:])
    if mode == 3:
        return bz2.compress(rest)
    cut = rest.find(b"\n")
    name = rest[:cut].decode("utf-8", "replace") if 0 <= cut < 200 else "member.xml"
    body = rest[cut + 1 :] if 0 <= cut < 200 else rest
    name = name.replace("\x00", "")
    return _zip(name, body) if mode == 4 else _tar(name, body)


def _drain(data: bytes) -> None:
    try:
        for inp in open_inputs(data, limits=LIMITS):
            total = len(inp.head)
            while chunk := inp.stream.read(1 << 16):
                total += len(chunk)
            assert total <= LIMITS.max_bytes + (1 << 17), (inp.name, total)
            assert "\n" not in inp.name, inp.name
    except RecordParseError as exc:
        assert "\n" not in str(exc), str(exc)


def test_one_input(data: bytes) -> None:
    wrapped = _wrap(data)
    _drain(wrapped)
    common.read_checked(wrapped, None, LIMITS)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
