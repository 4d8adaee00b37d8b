"""Streaming JSON arrays and JSON Lines with positions and resynchronisation."""

from __future__ import annotations

import json
import tracemalloc

from recordparse import Failure
from recordparse.jsonstream import JsonItem, JsonStream, iter_json_lines
from recordparse.sources import open_inputs


def items(data: bytes, path: tuple[str, ...] = ()) -> tuple[list[JsonItem | Failure], dict[str, object]]:
    [inp] = open_inputs(data)
    stream = JsonStream(inp)
    return list(stream.items(path)), stream.context


def test_top_level_array_items_with_lines_and_byte_offsets() -> None:
    data = '[{"a":"é"},\n{"b":2},\n{"c":3}]'.encode()
    out, _ = items(data)
    assert [(i.value, i.number, i.line, i.offset) for i in out if isinstance(i, JsonItem)] == [
        ({"a": "é"}, 1, 1, 1), ({"b": 2}, 2, 2, 13), ({"c": 3}, 3, 3, 22)
    ]
    assert data[22:23] == b"{"


def test_nested_path_and_context() -> None:
    data = b'{"responseHeader":{"status":0},"response":{"numFound":2,"docs":[{"id":"1"},{"id":"2"}]},"highlighting":{"1":{}}}'
    out, ctx = items(data, ("response", "docs"))
    assert [i.value["id"] for i in out if isinstance(i, JsonItem)] == ["1", "2"]
    assert ctx["responseHeader"] == {"status": 0} and ctx["numFound"] == 2 and "highlighting" in ctx


def test_a_broken_item_fails_alone_and_the_stream_resyncs() -> None:
    out, _ = items(b'[{"a":1},\n{"b": oops},\n{"c":3}]')
    assert [type(i).__name__ for i in out] == ["JsonItem", "Failure", "JsonItem"]
    assert out[1].record == 2 and out[1].line == 2  # type: ignore[union-attr]


def test_truncated_array_reports_the_cut() -> None:
    out, _ = items(b'[{"a":1},\n{"b":2')
    assert isinstance(out[-1], Failure) and out[-1].line == 2


def test_big_integers_stay_exact_and_single_objects_yield_once() -> None:
    out, _ = items(b'{"n": 18446744073709551616}')
    assert [i.value for i in out] == [{"n": 2**64}]  # type: ignore[union-attr]


def test_json_lines_skip_blank_lines_and_report_bad_ones() -> None:
    [inp] = open_inputs(b'{"a":1}\n\n{bad}\n{"c":3}\n')
    out = list(iter_json_lines(inp))
    assert [type(o).__name__ for o in out] == ["JsonItem", "Failure", "JsonItem"]
    assert out[1].line == 3  # type: ignore[union-attr]


def test_memory_does_not_grow_with_the_number_of_items() -> None:
    def peak(n: int) -> int:
        data = ("[" + ",\n".join(json.dumps({"id": i, "t": "x" * 200}) for i in range(n)) + "]").encode()
        [inp] = open_inputs(data)
        tracemalloc.start()
        count = sum(1 for _ in JsonStream(inp).items())
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == n
        return top

    # both inputs are larger than the read buffer: the peak is set by the buffer, not by n
    small, large = peak(20_000), peak(100_000)
    assert large < small * 1.3
