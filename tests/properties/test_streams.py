"""Metamorphic and accounting properties of reading: the output does not depend on how the bytes
arrive (read size, compression, archive), every candidate record is accounted for, a prefix of
a dump gives a prefix of the output, Records survive a round trip, and numbers stay exact."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
import tarfile
import zipfile
from typing import Any

from hypothesis import assume, given
from hypothesis import strategies as st

from recordparse import Access, Failure, Person, Record, jsonstream, sources, xmlsafe
from recordparse.exports.jsonl import JsonLinesWriter

from .strategies import TEXT, budget, comparable, fixtures_by_format, outcomes

ALL = tuple(s for group in fixtures_by_format().values() for s in group)
#: The fixtures with two or more records, each with a byte offset.
MULTI = tuple(
    s for s in ALL
    if len([o for o in outcomes(s) if isinstance(o, Record) and o.position and o.position.byte_offset is not None]) >= 2
)


class _ShortReads(io.RawIOBase):
    def __init__(self, data: bytes, size: int) -> None:
        self._data = memoryview(data)
        self._pos = 0
        self._size = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = min(len(buffer), self._size, len(self._data) - self._pos)
        buffer[:n] = self._data[self._pos : self._pos + n]
        self._pos += n
        return n


@budget(1.0)
@given(st.sampled_from(ALL), st.integers(1, 9000))
def test_output_does_not_depend_on_the_read_size(data: bytes, size: int) -> None:
    whole = comparable(outcomes(io.BytesIO(data)))
    saved = (xmlsafe._BLOCK, jsonstream._CHUNK, sources._CHUNK)
    try:
        xmlsafe._BLOCK, jsonstream._CHUNK, sources._CHUNK = max(size, 64), size, max(size, 8)
        got = comparable(outcomes(io.BufferedReader(_ShortReads(data, size), buffer_size=max(size, 8))))
    finally:
        xmlsafe._BLOCK, jsonstream._CHUNK, sources._CHUNK = saved
    assert got == whole


def _zip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("dump/part-1", data)
    return out.getvalue()


def _tgz(data: bytes) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        info = tarfile.TarInfo("part-1")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


_WRAPPERS = {
    "gzip": gzip.compress,
    "multi-member gzip": lambda d: gzip.compress(d[: len(d) // 2]) + gzip.compress(d[len(d) // 2 :]),
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zip": _zip,
    "tar.gz": _tgz,
}


@budget(1.0)
@given(st.sampled_from(ALL), st.sampled_from(sorted(_WRAPPERS)))
def test_compression_and_archives_are_transparent(data: bytes, wrapper: str) -> None:
    plain = comparable(outcomes(data))
    wrapped = comparable(outcomes(_WRAPPERS[wrapper](data)))
    assert wrapped == plain


def _work(n: int) -> dict[str, Any]:
    return {"id": f"w{n}", "title": [f"Work {n}"], "creator": [f"Author {n}"], "date_created": ["2021"]}


@budget(1.0)
@given(st.integers(1, 60), st.data())
def test_json_lines_every_line_is_one_outcome_in_order(n: int, data: st.DataObject) -> None:
    broken = data.draw(st.sets(st.integers(1, n), max_size=n))
    lines = []
    for i in range(1, n + 1):
        line = json.dumps(_work(i))
        lines.append(line[: len(line) // 2] if i in broken else line)
    got = outcomes(("\n".join(lines) + "\n").encode(), "hyrax-json")
    assert len(got) == n
    for i, item in enumerate(got, start=1):
        if i in broken:
            assert isinstance(item, Failure) and item.record == i and item.line == i
        else:
            assert isinstance(item, Record) and item.id == f"w{i}" and item.position is not None
            assert item.position.record == i


_OAI_RECORD = (
    "<record><header><identifier>oai:x:{n}</identifier><datestamp>2024-01-01</datestamp></header><metadata>"
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<dc:title>{title}</dc:title></oai_dc:dc></metadata></record>\n"
)


@budget(1.0)
@given(st.integers(1, 60), st.data())
def test_oai_pmh_every_record_is_one_outcome_in_order(n: int, data: st.DataObject) -> None:
    broken = data.draw(st.sets(st.integers(1, n), max_size=n))
    body = "".join(
        _OAI_RECORD.format(n=i, title=f"T{i}</dc:titel>" if i in broken else f"T{i} &amp; &nbsp;") for i in range(1, n + 1)
    )
    doc = f'<?xml version="1.0"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>\n{body}</ListRecords></OAI-PMH>'
    got = outcomes(doc.encode(), "oai-pmh")
    assert len(got) == n
    for i, item in enumerate(got, start=1):
        assert isinstance(item, Failure if i in broken else Record), (i, item)
        assert (item.record if isinstance(item, Failure) else item.position.record) == i  # type: ignore[union-attr]


#: Formats whose records have no end marker: a record ends where the next one is recognised.
_NO_END_MARKERS = frozenset({"figshare-text", "eprints-text", "eprints-simple", "dspace-text", "vufind-text"})


@budget(1.0)
@given(st.sampled_from(MULTI), st.floats(0.05, 0.95))
def test_a_prefix_of_a_dump_gives_a_prefix_of_its_records(data: bytes, fraction: float) -> None:
    full = [o for o in outcomes(data) if isinstance(o, Record)]
    cut = int(len(data) * fraction)
    before = [o for o in full if o.position and o.position.byte_offset is not None and o.position.byte_offset < cut]
    got = [o for o in outcomes(data[:cut]) if isinstance(o, Record)]

    def core(record: Record) -> dict[str, Any]:
        return {k: v for k, v in record.to_dict().items() if k != "extra"}

    # every record that ended before the cut comes out unchanged (the cut one may not); in the
    # text formats a page ends only where the next is recognised, which takes a few of its
    # lines, so the record before the cut one may also take in the cut one's first lines
    unsure = 2 if full[0].format in _NO_END_MARKERS else 1
    assert [core(r) for r in got[: len(before) - unsure]] == [core(r) for r in before[:-unsure]]


_SAFE_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
_RECORDS = st.builds(
    Record,
    format=st.sampled_from(["oai-pmh", "doaj-json", "x-test"]),
    id=st.one_of(st.none(), _SAFE_TEXT),
    title=st.one_of(st.none(), _SAFE_TEXT),
    authors=st.lists(st.builds(Person, name=_SAFE_TEXT.filter(bool), orcid=st.one_of(st.none(), st.just("0000-0002-1825-0097"))), max_size=3),
    date_published=st.one_of(st.none(), st.dates().map(lambda d: d.isoformat()[: 4 + 3 * (d.day % 3)])),
    keywords=st.lists(_SAFE_TEXT, max_size=3),
    access=st.builds(Access, status=st.sampled_from(["open", "embargoed", "restricted", "metadata_only", "unknown"])),
    extra=st.dictionaries(st.text(max_size=8), st.one_of(_SAFE_TEXT, st.integers(), st.lists(st.integers(), max_size=3)), max_size=4),
)


@given(_RECORDS)
def test_records_round_trip_through_json_lines(record: Record) -> None:
    out = io.StringIO()
    writer = JsonLinesWriter(out)
    writer.write(record)
    writer.close()
    line = out.getvalue()
    assert line.endswith("\n") and line.count("\n") == 1
    again = Record.from_dict(json.loads(line))
    assert again == record
    assert Record.from_dict(again.to_dict()) == again


@budget(1.0)
@given(st.integers(min_value=2**63, max_value=2**200) | st.integers(max_value=-(2**63), min_value=-(2**200)))
def test_large_json_integers_are_kept_exactly(number: int) -> None:
    doc = json.dumps({"id": "w1", "title": ["T"], "file_size": number}).encode()
    [record] = outcomes(doc + b"\n", "hyrax-json")
    assert isinstance(record, Record)
    assert number in _values(record.extra), record.extra


def _values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _values(item)]
    if isinstance(value, list):
        return [v for item in value for v in _values(item)]
    return [value]


@budget(1.0)
@given(TEXT.filter(lambda t: t.strip() != ""), st.sampled_from(["utf-8", "utf-16", "windows-1252", "iso-8859-1"]))
def test_xml_with_a_true_declaration_reads_the_same_in_any_encoding(title: str, encoding: str) -> None:
    title = "".join(c for c in title if c.isalnum() or c in " .,-")
    assume(title.strip())
    try:
        encoded = title.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    if not encoding.startswith("utf"):
        # bytes that are also valid UTF-8 ("Â¹") are read as UTF-8 whatever the declaration:
        # recordparse trusts such bytes over a label, as mislabelled dumps are the common case
        try:
            encoded.decode("utf-8")
            assume(encoded.isascii())
        except UnicodeDecodeError:
            pass
    doc = (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>\n'
        + _OAI_RECORD.format(n=1, title=title)
        + "</ListRecords></OAI-PMH>"
    )
    reference = comparable(outcomes(doc.replace(encoding, "utf-8", 1).encode("utf-8"), "oai-pmh"))
    assert comparable(outcomes(doc.encode(encoding), "oai-pmh")) == reference
