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


def test_items_say_whether_their_text_has_a_surrogate_escape() -> None:
    # only an item with a \ud800-\udfff escape may decode to a lone surrogate; a pair of them, a
    # BMP escape (\u00e9) or a literal non-ASCII character does not need the builder's scan
    data = b'[{"a":"\\ud800x"},\n{"b":"\\u00e9 \\u2603 \xc3\xa9"},\n{"c":"\\uD83D\\uDE00"},\n{"d":1}]'
    out, _ = items(data)
    assert [(i.value, i.may_hold_surrogates) for i in out if isinstance(i, JsonItem)] == [
        ({"a": "\ud800x"}, True), ({"b": "é ☃ é"}, False), ({"c": "😀"}, True), ({"d": 1}, False)
    ]
    [inp] = open_inputs(b'{"a":"\\udfff"}\n{"b":"\\u0041"}\n')
    assert [i.may_hold_surrogates for i in iter_json_lines(inp) if isinstance(i, JsonItem)] == [
        True, False
    ]


def test_surrogate_escapes_are_found_in_an_item_cut_by_the_read_buffer() -> None:
    # the item spans two 1 MiB reads: its whole text is searched, not the last read alone
    big = "x" * (1 << 20)
    data = ("[" + json.dumps({"t": big}) + ",\n" + '{"t": "' + big + '\\udc00"}' + "]").encode()
    out, _ = items(data)
    assert [i.may_hold_surrogates for i in out if isinstance(i, JsonItem)] == [False, True]


def test_memory_stays_flat_when_every_item_is_on_one_long_line() -> None:
    def peak(n: int) -> int:
        data = ("[\n" + ",".join(json.dumps({"id": i, "t": "x" * 200}) for i in range(n)) + "]").encode()
        [inp] = open_inputs(data)
        tracemalloc.start()
        count, last = 0, None
        for item in JsonStream(inp).items():
            count, last = count + 1, item
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert count == n and isinstance(last, JsonItem) and last.line == 2
        assert data.startswith(b'{"id": %d,' % (n - 1), last.offset)
        return top

    small, large = peak(20_000), peak(100_000)
    assert large < small * 1.3


def test_positions_stay_right_across_many_reads_with_non_ascii_text() -> None:
    # items of multi-byte text cut by the 1 MiB reads at every place: each byte offset still
    # points at its item's "{" and each line number is its own
    rows = [json.dumps({"n": i, "t": "é☃" * (i % 700)}, ensure_ascii=False) for i in range(3000)]
    data = ("[" + ",\n".join(rows) + "]").encode()
    out, _ = items(data)
    got = [(i.value["n"], i.line, data[i.offset : i.offset + 6]) for i in out if isinstance(i, JsonItem)]
    assert got == [(n, n + 1, b'{"n": ') for n in range(3000)]
