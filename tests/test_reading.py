"""read / parse / detect and the error policy, driven by a toy parser in a private registry."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import recordparse
from recordparse import (
    Failure,
    FormatError,
    NoRecordError,
    Record,
    RecordError,
    Registry,
    TooManyRecordsError,
    UnknownFormatError,
)

from .toy import ToyParser

DATA = b"TOY 1|one\nTOY !\nTOY 3|three\n"


@pytest.fixture
def registry() -> Registry:
    reg = Registry(builtins=False, plugins=False)
    reg.add_parser(ToyParser)
    return reg


def test_collect_yields_failures_in_place_with_their_position(registry: Registry) -> None:
    out = list(recordparse.read(DATA, errors="collect", registry=registry))
    assert [type(o).__name__ for o in out] == ["Record", "Failure", "Record"]
    failure = out[1]
    assert isinstance(failure, Failure)
    assert (failure.source, failure.record, failure.line, failure.byte_offset) == ("<bytes>", 2, 2, 10)
    assert "not a toy record" in str(failure) and "record 2" in str(failure)
    first = out[0]
    assert isinstance(first, Record) and first.position is not None
    assert (first.position.record, first.position.line, first.position.byte_offset) == (1, 1, 0)


def test_skip_logs_and_raise_raises(registry: Registry, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="recordparse"):
        ids = [r.id for r in recordparse.read(DATA, errors="skip", registry=registry)]
    assert ids == ["1", "3"]
    assert "record 2" in caplog.text
    reader = recordparse.read(DATA, registry=registry)
    assert next(reader).id == "1"
    with pytest.raises(RecordError) as info:
        next(reader)
    assert info.value.position.record == 2 and info.value.position.line == 2


def test_named_format_bypasses_sniffing(registry: Registry) -> None:
    rec = recordparse.parse(b"TOY 9|nine", format="toy", registry=registry)
    assert rec.title == "nine" and rec.format == "toy"
    with pytest.raises(UnknownFormatError, match="known formats: toy"):
        recordparse.parse(b"TOY 9|nine", format="nope", registry=registry)


def test_parse_wants_exactly_one_record(registry: Registry) -> None:
    with pytest.raises(TooManyRecordsError):
        recordparse.parse(b"TOY 1|a\nTOY 2|b\n", registry=registry)
    with pytest.raises(NoRecordError):
        recordparse.parse(b"\n\n", format="toy", registry=registry)


def test_detect_ranks_and_unknown_input_lists_formats(registry: Registry) -> None:
    [cand] = recordparse.detect(DATA, registry=registry)
    assert (cand.name, cand.score) == ("toy", 0.9)
    with pytest.raises(UnknownFormatError, match="known formats: toy"):
        recordparse.detect(b"something else", registry=registry)
    out = list(recordparse.read(b"something else", errors="collect", registry=registry))
    assert len(out) == 1 and isinstance(out[0], Failure) and out[0].kind == "format"


def test_file_patterns_add_to_the_score(tmp_path: Path, registry: Registry) -> None:
    path = tmp_path / "x.toy"
    path.write_bytes(DATA)
    assert recordparse.detect(path, registry=registry)[0].score == pytest.approx(0.95)


def test_a_sniffer_that_raises_counts_as_zero(registry: Registry) -> None:
    class Broken(ToyParser):
        name = "broken"

        def sniff(self, head: bytes) -> float:
            raise RuntimeError("boom")

    registry.add_parser(Broken)
    with pytest.warns(recordparse.RecordParseWarning, match="broken"):
        ranked = recordparse.detect(DATA, registry=registry)
    assert [c.name for c in ranked] == ["toy"]


def test_duplicate_names_are_refused(registry: Registry) -> None:
    with pytest.raises(FormatError, match="already registered"):
        registry.add_parser(ToyParser)


def test_directory_of_mixed_files_is_read_in_order_and_nothing_is_lost(tmp_path: Path, registry: Registry) -> None:
    (tmp_path / "a.toy").write_bytes(b"TOY a|A\n")
    (tmp_path / "b.txt").write_bytes(b"not toy at all\n")
    (tmp_path / "c.toy").write_bytes(b"TOY c|C\nTOY !\n")
    out = list(recordparse.read(tmp_path, errors="collect", registry=registry))
    summary = [(type(o).__name__, Path(o.position.source).name if o.position else None) for o in out]
    assert summary == [("Record", "a.toy"), ("Failure", "b.txt"), ("Record", "c.toy"), ("Failure", "c.toy")]


def test_bad_errors_argument() -> None:
    with pytest.raises(ValueError, match="errors"):
        recordparse.read(b"", errors="ignore")  # type: ignore[call-overload]
