"""Misbehaving parsers (as a plugin might be) never break detection or the built-in formats.

``tests/test_plugins.py`` covers loading plugins through entry points; here the parsers are
registered directly, each broken in one way: ``sniff`` raises or returns NaN, infinity, a
negative number, a string or None; ``split`` or ``map`` raise an exception that is not
recordparse's. Detection must still pick the right built-in format, every failure must name the
broken parser, and a directory with files for both goes on past the broken one.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import recordparse
from recordparse import (
    Failure,
    Input,
    Parser,
    Position,
    RawRecord,
    Record,
    RecordBuilder,
    RecordParseWarning,
    Registry,
)

from .cases import xml_doc


def _sniffer(name: str, result: Any) -> Parser:
    class Sniffer(Parser):
        title = "a parser whose sniff misbehaves"
        media_types = ("text/plain",)

        def sniff(self, head: bytes) -> float:
            if isinstance(result, BaseException):
                raise result
            return result  # type: ignore[no-any-return]

        def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
            yield RawRecord(inp.head, Position(inp.name, 1))

        def map(self, raw: RawRecord) -> Record:
            return RecordBuilder(self.name).build()

    Sniffer.name = name
    return Sniffer()


SNIFFS = {
    "raises": RuntimeError("sniffer bug"),
    "recursion": RecursionError("too deep"),
    "nan": float("nan"),
    "infinity": float("inf"),
    "negative": -1.0,
    "none": None,
    "above-one": 7.5,
}


@pytest.mark.parametrize("kind", sorted(SNIFFS))
def test_a_misbehaving_sniff_never_wins_nor_breaks_detection(kind: str) -> None:
    registry = Registry(plugins=False)
    registry.add_parser(_sniffer(f"hostile-{kind}", SNIFFS[kind]))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ranked = recordparse.detect(xml_doc("oai-pmh"), registry=registry)
        records = list(recordparse.read(xml_doc("oai-pmh"), registry=registry))
    assert ranked[0].name == "oai-pmh"
    assert [r.format for r in records] == ["oai-pmh"] * 3
    broken = [c for c in ranked if c.name == f"hostile-{kind}"]
    assert not broken or 0.0 <= broken[0].score <= 1.0
    if isinstance(SNIFFS[kind], BaseException):
        messages = [str(w.message) for w in caught if issubclass(w.category, RecordParseWarning)]
        assert any(f"hostile-{kind}" in m and "sniff raised" in m for m in messages), messages


class _BrokenSplit(Parser):
    name = "broken-split"
    title = "split raises a plain exception after one record"
    media_types = ("text/plain",)

    def sniff(self, head: bytes) -> float:
        return 1.0 if head.startswith(b"BROKEN") else 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        yield RawRecord(inp.head, Position(inp.name, 1, 1, 0))
        raise KeyError("a bug in the plugin")

    def map(self, raw: RawRecord) -> Record:
        builder = RecordBuilder(self.name)
        builder.set("title", "first")
        return builder.build()


class _BrokenMap(_BrokenSplit):
    name = "broken-map"
    title = "map raises a plain exception"

    def sniff(self, head: bytes) -> float:
        return 1.0 if head.startswith(b"MAPBUG") else 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        yield RawRecord(inp.head, Position(inp.name, 1, 1, 0))
        yield RawRecord(inp.head, Position(inp.name, 2, 1, 0))

    def map(self, raw: RawRecord) -> Record:
        if raw.position.record == 1:
            raise RuntimeError("map bug")
        return super().map(raw)


def test_broken_split_and_map_are_failures_naming_the_parser_and_the_run_goes_on(tmp_path: Path) -> None:
    registry = Registry(plugins=False)
    registry.add_parser(_BrokenSplit)
    registry.add_parser(_BrokenMap)
    (tmp_path / "a.txt").write_bytes(b"BROKEN input")
    (tmp_path / "b.txt").write_bytes(b"MAPBUG input")
    (tmp_path / "c.xml").write_bytes(xml_doc("oai-pmh"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = list(recordparse.read(tmp_path, errors="collect", registry=registry))
    summary = [(type(o).__name__, o.format if isinstance(o, Record) else o.parser) for o in out]
    assert summary == [
        ("Record", "broken-split"),
        ("Failure", "broken-split"),
        ("Failure", "broken-map"),
        ("Record", "broken-map"),
        ("Record", "oai-pmh"),
        ("Record", "oai-pmh"),
        ("Record", "oai-pmh"),
    ]
    split_failure, map_failure = out[1], out[2]
    assert isinstance(split_failure, Failure) and isinstance(map_failure, Failure)
    assert "broken-split parser failed: KeyError" in split_failure.reason and split_failure.record == 2
    assert "records after #1 not read" in split_failure.reason
    assert map_failure.reason == "cannot map record: RuntimeError: map bug" and map_failure.record == 1
