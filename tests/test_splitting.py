"""Planning byte ranges and reading them back (recordparse.splitting), in this process.

Every test compares with :func:`recordparse.read` in one process: the same Records and Failures,
in the same order, with the same positions (source, record number, line, byte offset).
"""

from __future__ import annotations

import gzip
import io
import itertools
import tarfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import recordparse
from bench.generators import generate
from recordparse import Failure, Parser, Position, RawRecord, Record, RecordBuilder
from recordparse.formats import oai
from recordparse.registry import Registry, default_registry
from recordparse.sources import Input, iter_lines
from recordparse.splitting import Release, SplitMismatch, Task, plan, run_task, spool_to


class LineParser(Parser):
    """``REC id|title`` lines after a ``HEADER`` line; ``REC !`` cannot be mapped and a line that
    is neither a record nor the header is a split failure."""

    name = "test-lines"
    title = "test records, one per line"
    splittable = True

    def sniff(self, head: bytes) -> float:
        return 0.9 if head.lstrip(b"\xef\xbb\xbf").startswith(b"HEADER") else 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        number = 0
        for line in iter_lines(inp):
            text = line.text.strip()
            if not text or text.startswith("HEADER"):
                continue
            number += 1
            position = Position(inp.name, number, line.number, line.offset)
            if not text.startswith("REC "):
                yield Failure(position, "not a record line", parser=self.name)
                continue
            yield RawRecord(text, position, context=inp.head[:12])

    def map(self, raw: RawRecord) -> Record:
        ident, _, title = str(raw.data)[4:].partition("|")
        if ident == "!":
            raise self.fail(raw, "unmappable record")
        builder = RecordBuilder(self.name)
        builder.set("id", ident)
        builder.set("title", title)
        builder.keep("head", raw.context.decode("utf-8", "replace"))
        return builder.build()


class ModeParser(LineParser):
    """Not range-safe: a ``MODE pairs`` line makes every later record two lines long, and a
    range that starts after it does not see it."""

    name = "test-mode"

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        number = 0
        pairs = False
        pending: tuple[str, Position] | None = None
        for line in iter_lines(inp):
            text = line.text.strip()
            if text == "MODE pairs":
                pairs = True
                continue
            if not text.startswith("REC "):
                continue
            if pending is not None:
                yield RawRecord(pending[0] + " " + text[4:], pending[1], context=b"")
                pending = None
                continue
            number += 1
            position = Position(inp.name, number, line.number, line.offset)
            if pairs:
                pending = (text, position)
            else:
                yield RawRecord(text, position, context=b"")


def registry() -> Registry:
    reg = Registry(builtins=False, plugins=False)
    reg.add_parser(LineParser)
    reg.add_parser(ModeParser)
    return reg


def lines_file(tmp_path: Path, count: int = 400, *, bom: bool = False, crlf: bool = False) -> Path:
    rows = ["HEADER test export", ""]
    for i in range(1, count + 1):
        if i % 97 == 0:
            rows.append(f"garbage {i}")
        elif i % 53 == 0:
            rows.append("REC !")
        else:
            rows.append(f"REC id{i}|Title number {i} été")
        if i % 10 == 0:
            rows.append("")
    text = ("\r\n" if crlf else "\n").join(rows) + "\n"
    path = tmp_path / "records.txt"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def outcomes_of(tasks: list[Task | Release]) -> list[Any]:
    return [o for t in tasks if isinstance(t, Task) for o in run_task(t)]


def same(got: list[Any], expected: list[Any]) -> None:
    """Equal outcomes with equal positions (Record equality leaves positions out)."""
    assert len(got) == len(expected)
    for a, b in zip(got, expected, strict=True):
        assert type(a) is type(b)
        assert a == b
        assert a.position == b.position


@pytest.mark.parametrize(("bom", "crlf"), [(False, False), (True, False), (False, True)])
def test_ranges_read_back_as_one_read(tmp_path: Path, bom: bool, crlf: bool) -> None:
    path = lines_file(tmp_path, bom=bom, crlf=crlf)
    reg = registry()
    tasks = [t for t in plan(path, "test-lines", registry=reg, blocksize=1500) if isinstance(t, Task)]
    ranges = [t for t in tasks if t.kind == "range"]
    assert len(ranges) > 5
    assert ranges[0].start == 0 and all(t.start == p.end for p, t in itertools.pairwise(ranges))
    got = outcomes_of(tasks)
    expected = list(recordparse.read(path, "test-lines", errors="collect", registry=reg))
    same(got, expected)
    failures = [o for o in got if isinstance(o, Failure)]
    assert {f.reason for f in failures} == {"not a record line", "unmappable record"}
    # the prologue (the header) is what every range's records see first
    assert all(r.extra["head"].lstrip("\ufeff").startswith("HEADER") for r in got if isinstance(r, Record))


def test_max_records_bounds_a_range(tmp_path: Path) -> None:
    path = lines_file(tmp_path, count=300)
    tasks = [t for t in plan(path, "test-lines", registry=registry(), max_records=25) if isinstance(t, Task)]
    assert max(t.records for t in tasks) <= 25
    same(outcomes_of(tasks), list(recordparse.read(path, "test-lines", errors="collect", registry=registry())))


def test_split_tail_keeps_the_last_records_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = lines_file(tmp_path, count=300)
    monkeypatch.setattr(LineParser, "split_tail", 120)
    tasks = [t for t in plan(path, "test-lines", registry=registry(), blocksize=500) if isinstance(t, Task)]
    # every task holding one of the last 120 records reads on to the end of the input ...
    assert all(t.end is None for t in tasks if t.numbers[-1] > 300 - 120)
    # ... yet they are ranges of the usual size, not one big final task
    assert sum(t.end is None for t in tasks) > 1 and max(t.records for t in tasks) < 120
    assert len(tasks) > 3
    same(outcomes_of(tasks), list(recordparse.read(path, "test-lines", errors="collect", registry=registry())))


def test_a_parser_that_is_not_range_safe_is_caught(tmp_path: Path) -> None:
    path = lines_file(tmp_path)
    text = path.read_text(encoding="utf-8").replace("REC id30|", "MODE pairs\nREC id30|")
    path.write_text(text, encoding="utf-8")
    reg = registry()
    tasks = [t for t in plan(path, "test-mode", registry=reg, blocksize=1500) if isinstance(t, Task)]
    with pytest.raises(SplitMismatch, match="test-mode"):
        outcomes_of(tasks)


def test_unsplittable_formats_are_whole_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LineParser, "splittable", False)
    path = lines_file(tmp_path)
    tasks = list(plan(path, "test-lines", registry=registry(), blocksize=100))
    assert [t.kind for t in tasks if isinstance(t, Task)] == ["whole"]
    same(outcomes_of(tasks), list(recordparse.read(path, "test-lines", errors="collect", registry=registry())))


def test_archive_members_and_compressed_files(tmp_path: Path) -> None:
    source = lines_file(tmp_path).read_bytes()
    folder = tmp_path / "dump"
    folder.mkdir()
    with tarfile.open(folder / "a.tar.gz", "w:gz") as archive:
        for name in ("part1.txt", "part2.txt"):
            info = tarfile.TarInfo(f"export/{name}")
            info.size = len(source)
            archive.addfile(info, io.BytesIO(source))
    (folder / "b.txt.gz").write_bytes(gzip.compress(source))
    (folder / "c.bin").write_bytes(b"\x00\x01 nothing anyone reads")
    reg = registry()
    expected = list(recordparse.read(folder, errors="collect", registry=reg))
    # without a spool (Dask, Spark): one task per member, read from the container
    members = [t for t in plan(folder, registry=reg, blocksize=1500) if isinstance(t, Task)]
    assert [t.kind for t in members] == ["member", "member", "member", "done"]
    same(outcomes_of(members), expected)
    # with a spool (read(jobs=N)): members become plain files, cut into ranges
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    spooled = list(plan(folder, registry=reg, blocksize=1500, spool=spool_to(str(spool_dir))))
    assert sum(isinstance(t, Release) for t in spooled) == 3
    assert sum(isinstance(t, Task) and t.kind == "range" for t in spooled) > 10
    same(outcomes_of(spooled), expected)
    first = next(o for o in expected if isinstance(o, Record))
    assert first.position is not None and first.position.source.endswith("a.tar.gz!export/part1.txt")


def test_a_corrupt_compressed_file_fails_as_in_one_process(tmp_path: Path) -> None:
    data = gzip.compress(lines_file(tmp_path, count=3000).read_bytes())
    path = tmp_path / "cut.txt.gz"
    path.write_bytes(data[: len(data) // 2])
    reg = registry()
    expected = list(recordparse.read(path, errors="collect", registry=reg))
    assert isinstance(expected[-1], Failure)
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    units = list(plan(path, registry=reg, spool=spool_to(str(spool_dir))))
    assert [t.kind for t in units if isinstance(t, Task)] == ["done"]
    same(outcomes_of(units), expected)


def test_sources_that_fail_to_open_fail_as_in_one_process(tmp_path: Path) -> None:
    path = tmp_path / "broken.tar"
    path.write_bytes(b"x" * 257 + b"ustar" + b"\x00" * 300)
    reg = registry()
    expected = list(recordparse.read(path, errors="collect", registry=reg))
    same(outcomes_of(list(plan(path, registry=reg))), expected)


# --------------------------------------------------------------------------------------------
# The built-in formats, cut into ranges

FAMILIES = [
    ("oai_doaj", "oai-pmh", 1300),
    ("oai_dc", "oai-pmh", 1300),
    ("doaj_batch", "doaj-json", 300),
    ("solr_json", "vufind-solr-json", 300),
    ("ep3", "eprints-xml", 300),
    ("vufind_text", "vufind-text", 200),
]


@pytest.mark.parametrize(("family", "fmt", "size"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_builtin_formats_are_range_safe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, family: str, fmt: str, size: int
) -> None:
    """Each format, declared splittable for the test, reads back from ranges exactly as whole.

    A format that fails here must keep ``splittable = False`` (or be fixed) before it sets it.
    """
    parser = default_registry().get(fmt)
    monkeypatch.setattr(type(parser), "splittable", True)
    if fmt == "oai-pmh":
        monkeypatch.setattr(type(parser), "split_tail", oai.LOOKAHEAD_RECORDS)
    gen = generate(family, tmp_path, size)
    expected = list(recordparse.read(gen.path, errors="collect"))
    tasks = [t for t in plan(gen.path, blocksize=gen.bytes // 8) if isinstance(t, Task)]
    assert sum(t.kind == "range" for t in tasks) >= 2
    same(outcomes_of(tasks), expected)
    assert all(isinstance(o, Record) for o in expected)


# --------------------------------------------------------------------------------------------
# Framing only (Parser.frame_positions): the planner's positions without building raw records

FRAMED = [("oai_doaj", "oai-pmh", 300), ("ep3", "eprints-xml", 300)]


def ranges_of(tasks: list[Task | Release]) -> list[tuple[Any, ...]]:
    return [
        (t.kind, t.start, t.end, t.numbers, t.lines, t.offsets, t.failures, t.outcomes)
        for t in tasks
        if isinstance(t, Task)
    ]


@pytest.mark.parametrize(("family", "fmt", "size"), FRAMED, ids=[f[0] for f in FRAMED])
def test_framing_plans_what_split_plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, family: str, fmt: str, size: int) -> None:
    """The framing-only mode gives the very plan that ``split`` gives, and ranges read back."""
    gen = generate(family, tmp_path, size)
    framed = list(plan(gen.path, fmt, blocksize=gen.bytes // 6))
    with monkeypatch.context() as m:
        m.setattr(type(default_registry().get(fmt)), "frame_positions", lambda self, inp: None)
        split = list(plan(gen.path, fmt, blocksize=gen.bytes // 6))
    assert ranges_of(framed) == ranges_of(split)
    assert sum(isinstance(t, Task) and t.kind == "range" for t in framed) >= 2
    same(outcomes_of(framed), list(recordparse.read(gen.path, fmt, errors="collect")))


@pytest.mark.parametrize("after", [0, 1, 150])
def test_framing_that_gives_up_hands_over_to_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    """A framing mode that raises part way: the planner reads the input again with ``split``
    and goes on after the items already planned, so the plan does not change."""
    gen = generate("oai_doaj", tmp_path, 300)
    expected = ranges_of(list(plan(gen.path, "oai-pmh", blocksize=gen.bytes // 6)))
    real = oai.frame_spans

    def unsure(splitter: Any) -> Iterator[tuple[int, int, int]]:
        for index, span in enumerate(real(splitter)):
            if index == after:
                raise RuntimeError("not sure")
            yield span

    monkeypatch.setattr(oai, "frame_spans", unsure)
    assert ranges_of(list(plan(gen.path, "oai-pmh", blocksize=gen.bytes // 6))) == expected


class OddRecords(oai.OaiPmhParser):
    """OAI-PMH with every second record dropped: ``split`` overridden, not the framing."""

    name = "oai-odd-records"

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        for item in super().split(inp):
            if isinstance(item, RawRecord) and item.position.record % 2 == 0:
                continue
            yield item


def test_a_subclass_that_overrides_split_is_not_framed(tmp_path: Path) -> None:
    """``frame_positions`` inherited past an overridden ``split`` no longer describes it."""
    gen = generate("oai_doaj", tmp_path, 60)
    reg = Registry(builtins=False, plugins=False)
    reg.add_parser(OddRecords)
    tasks = list(plan(gen.path, "oai-odd-records", registry=reg, blocksize=gen.bytes // 4))
    numbers = [n for t in tasks if isinstance(t, Task) for n in t.numbers]
    assert numbers == list(range(1, 61, 2))


ADVERSARIAL_XML = b"""<?xml version="1.0"?>
<!-- a comment before the root -->
<root xmlns:x="urn:x">
<record id="1"><recordid>1</recordid><a href="http://h/id/record/1">record</a></record>
<record id="2"><!-- <record> in a comment --><b>:record </b></record>
<x:record><inner><record>nested</record></inner><![CDATA[ </record> ]]></x:record>
<record/>
<record id="5">text with record/ and </recordx> and <recordset/></record>
</root>
"""


def test_frame_spans_agree_with_the_splitter(tmp_path: Path) -> None:
    """Nested records, comments and CDATA inside records, prefixes, the tag name in text,
    attributes and longer names: the same spans as the splitter's chunks."""
    from recordparse.sources import open_inputs
    from recordparse.xmlsafe import XmlChunk, XmlSplitter, frame_spans

    path = tmp_path / "tricky.xml"
    body = ADVERSARIAL_XML.split(b"\n", 2)[2]
    for data in (ADVERSARIAL_XML, b'<?xml version="1.0"?>\n' + body):
        path.write_bytes(data)
        inputs = open_inputs(path)  # kept: the file closes with the generator
        splitter = XmlSplitter(next(inputs), {"record"})
        chunks = [(c.number, c.line, c.offset) for c in splitter if isinstance(c, XmlChunk)]
        outside = splitter.outside_text()
        inputs = open_inputs(path)
        framer = XmlSplitter(next(inputs), {"record"})
        spans = list(frame_spans(framer))  # the splitter's own scan: never unsure here
        assert spans == chunks
        assert len(spans) == 5
        assert framer.outside_text() == outside


def test_frame_spans_give_up_where_the_splitter_reports_a_failure(tmp_path: Path) -> None:
    from recordparse.sources import open_inputs
    from recordparse.xmlsafe import FramingUnsure, XmlSplitter, frame_spans

    path = tmp_path / "cut.xml"
    path.write_bytes(b"<OAI-PMH><ListRecords><record><header/></record>\n<record><header>")
    inputs = open_inputs(path)
    framer = XmlSplitter(next(inputs), {"record"})
    spans = []
    with pytest.raises(FramingUnsure, match="truncated"):
        for span in frame_spans(framer):
            spans.append(span)
    assert spans == [(1, 1, 22)]  # the records before the cut still came out first
