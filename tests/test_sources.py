"""Opening sources: every container kind, decoding, limits, and positions."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import tarfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recordparse import LimitExceeded, SourceError
from recordparse.sources import (
    Input,
    Limits,
    RecordParseWarning,
    detect_encoding,
    iter_lines,
    open_inputs,
)

TEXT = "first line\nsecond ligne é\nthird\n"


def names_and_bytes(source: object, **kw: object) -> list[tuple[str, bytes]]:
    return [(i.name, i.stream.read()) for i in open_inputs(source, **kw)]  # type: ignore[arg-type]


def test_bytes_path_and_file_objects_give_the_same_bytes(tmp_path: Path) -> None:
    raw = TEXT.encode()
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    assert names_and_bytes(raw) == [("<bytes>", raw)]
    assert names_and_bytes(path) == [(str(path), raw)]
    assert names_and_bytes(io.BytesIO(raw))[0][1] == raw
    assert names_and_bytes(io.StringIO(TEXT))[0][1] == raw


@pytest.mark.parametrize(
    "compress",
    [gzip.compress, bz2.compress, lzma.compress, lambda b: gzip.compress(b[:10]) + gzip.compress(b[10:])],
    ids=["gzip", "bz2", "xz", "multi-member-gzip"],
)
def test_compressed_inputs_are_opened_by_magic_not_name(tmp_path: Path, compress) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "misleading.txt"
    path.write_bytes(compress(TEXT.encode()))
    [(_, data)] = names_and_bytes(path)
    assert data == TEXT.encode()


def test_directories_are_walked_in_sorted_order_and_archives_expanded(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("two")
    (tmp_path / "a.txt").write_text("one")
    (tmp_path / ".hidden").write_text("never")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("inner/x.txt", "zip-x")
        zf.writestr("__MACOSX/._x.txt", "junk")
    (tmp_path / "c.zip").write_bytes(buf.getvalue())
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w:gz") as tf:
        for member, content in (("d/1.txt", b"tar-1"), ("../evil.txt", b"evil")):
            info = tarfile.TarInfo(member)
            info.size = len(content)
            tf.addfile(info, io.BytesIO(content))
        link = tarfile.TarInfo("link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tf.addfile(link)
    (tmp_path / "d.tar.gz").write_bytes(tbuf.getvalue())
    got = [(Path(n).name if "!" not in n else n.split("!", 1)[1], d) for n, d in names_and_bytes(tmp_path)]
    assert got == [
        ("a.txt", b"one"),
        ("2.txt", b"two"),
        ("inner/x.txt", b"zip-x"),
        ("d/1.txt", b"tar-1"),
        ("../evil.txt", b"evil"),  # read as data, never extracted anywhere
    ]


def test_decompression_bomb_is_stopped_by_the_ratio_limit() -> None:
    bomb = gzip.compress(b"\0" * (40 * 1024 * 1024))
    limits = Limits(ratio_after=1024 * 1024, max_ratio=100)
    with pytest.raises(LimitExceeded, match="ratio"):
        for inp in open_inputs(bomb, limits=limits):
            while inp.stream.read(1 << 20):
                pass


def _drain(source: Any, limits: Limits) -> int:
    total = 0
    for inp in open_inputs(source, limits=limits):
        while chunk := inp.stream.read(1 << 20):
            total += len(chunk)
    return total


@pytest.mark.parametrize("archive", ["gzip", "tar", "zip"])
def test_nested_compression_is_bounded_by_the_ratio_to_the_source(archive: str) -> None:
    # gzip of gzip of zeros: the inner layer expands 1028 times and the outer 149 times, each
    # under a limit of 1100, but the source's bytes expand 150,000 times
    zeros = bytes(32 * 1024 * 1024)
    inner = gzip.compress(zeros, 9)
    limits = Limits(ratio_after=1024 * 1024, max_ratio=1100)
    assert _drain(inner, limits) == len(zeros)  # one layer alone is within the limit
    if archive == "gzip":
        nested = gzip.compress(inner, 9)
    elif archive == "tar":  # a .tar.gz whose member is itself gzipped
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            info = tarfile.TarInfo("zeros.gz")
            info.size = len(inner)
            tar.addfile(info, io.BytesIO(inner))
        nested = gzip.compress(buffer.getvalue(), 9)
    else:  # a zip whose deflated member is itself gzipped
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("zeros.gz", inner)
        nested = buffer.getvalue()
    with pytest.raises(LimitExceeded, match="compression ratio"):
        _drain(nested, limits)


def test_truncated_gzip_is_reported_with_the_source_name(tmp_path: Path) -> None:
    path = tmp_path / "cut.gz"
    import random

    noise = random.Random(1).randbytes(20000)
    path.write_bytes(gzip.compress(noise)[:5000])
    with pytest.raises(SourceError, match=r"cut\.gz"):
        for inp in open_inputs(path):
            inp.stream.read()


def test_missing_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="nope"):
        list(open_inputs(tmp_path / "nope"))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbfabc", "utf-8"),
        ("abc".encode("utf-16"), "utf-16-le"),
        ("<a>é</a>".encode("utf-16-be"), "utf-16-be"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><a>\xe9</a>', "cp1252"),
        (b"plain ascii", "utf-8"),
        ("caf\u00e9".encode(), "utf-8"),
        (b"caf\xe9 \x93quoted\x94", "cp1252"),
    ],
)
def test_detect_encoding(data: bytes, expected: str) -> None:
    assert detect_encoding(data)[0] == expected


def test_lines_have_numbers_and_byte_offsets_and_crlf_is_one_ending() -> None:
    data = "a\r\nbé\r\n\r\nc".encode()
    [inp] = open_inputs(data)
    lines = [(ln.number, ln.offset, ln.text) for ln in iter_lines(inp)]
    assert lines == [(1, 0, "a"), (2, 3, "bé"), (3, 8, ""), (4, 10, "c")]


def test_mixed_encodings_fall_back_per_line_with_a_warning() -> None:
    data = "utf8 é\n".encode() + b"cp1252 \x93q\x94\n"
    [inp] = open_inputs(data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lines = list(iter_lines(inp))
    assert [ln.text for ln in lines] == ["utf8 é", "cp1252 \u201cq\u201d"]
    assert [ln.fallback for ln in lines] == [False, True]
    assert any(issubclass(w.category, RecordParseWarning) and "line 2" in str(w.message) for w in caught)


def test_overlong_line_is_a_limit_error() -> None:
    [inp] = open_inputs(b"x" * 5000 + b"\n")
    with pytest.raises(LimitExceeded, match="line 1"):
        list(iter_lines(inp, limits=Limits(max_line=1000)))


class _Trickle(io.RawIOBase):
    """A stream that hands out its bytes a few at a time (``read1`` gets short reads)."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self._data, self._sizes, self._at = data, sizes or [1], 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        size = min(len(buffer), self._sizes[self._at % len(self._sizes)], len(self._data))
        self._at += 1
        buffer[:size] = self._data[:size]
        self._data = self._data[size:]
        return size


@given(
    st.lists(st.sampled_from([b"", b"ab", b"x" * 9, b"y" * 12, b"z" * 40, "été".encode(), b"\xe9", b"q\r"]), max_size=12),
    st.booleans(),
    st.lists(st.integers(min_value=1, max_value=50), min_size=1, max_size=5),
)
def test_long_lines_are_skipped_and_reported_in_place_when_asked(
    lines: list[bytes], final_newline: bool, sizes: list[int]
) -> None:
    data = b"\n".join(lines) + (b"\n" if final_newline and lines else b"")
    stream = io.BufferedReader(_Trickle(data, sizes), buffer_size=8)
    inp = Input(name="t.jsonl", stream=stream, head=b"")
    out: list[tuple[object, ...]] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RecordParseWarning)  # the windows-1252 lines are expected
        for line in iter_lines(
            inp, limits=Limits(max_line=10), on_long_line=lambda number, offset: out.append(("long", number, offset))
        ):
            out.append((line.number, line.offset, line.text))
    expected: list[tuple[object, ...]] = []
    offset = 0
    raws = data.split(b"\n")
    if raws and not raws[-1]:
        raws.pop()
    for number, raw in enumerate(raws, start=1):
        if len(raw) > 10:
            expected.append(("long", number, offset))
        else:
            body = raw.rstrip(b"\r")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = body.decode("cp1252")
            expected.append((number, offset, text))
        offset += len(raw) + 1
    assert out == expected


def test_a_long_json_line_costs_only_its_own_record() -> None:
    import recordparse

    def article(ident: str, title: str) -> bytes:
        return b'{"id": "%s", "bibjson": {"title": "%s"}}\n' % (ident.encode(), title.encode())

    data = article("a", "First") + article("b", "x" * 3000) + article("c", "Third")
    outcomes = list(recordparse.read(data, "doaj-json", errors="collect", limits=Limits(max_line=1000)))
    assert [getattr(o, "title", None) for o in outcomes] == ["First", None, "Third"]
    failure = outcomes[1]
    assert isinstance(failure, recordparse.Failure) and failure.kind == "limit"
    assert (failure.position.record, failure.position.line, failure.position.byte_offset) == (2, 2, len(article("a", "First")))
    assert outcomes[2].position is not None and outcomes[2].position.record == 3


def test_a_zip_larger_than_its_memory_limit_is_refused_with_a_clear_error() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr("big.txt", b"x" * 50_000)
    with pytest.raises(LimitExceeded, match="max_zip"):
        list(open_inputs(buf.getvalue(), limits=Limits(max_zip=10_000)))
