"""The shared XML layer: streaming split, positions, repairs, and refusal of external content."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recordparse import Failure, RecordError
from recordparse.sources import Input, open_inputs
from recordparse.xmlsafe import XmlChunk, XmlSplitter, parse_chunk, parse_document, safe_html

PAGE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>\n'
    b"<record><a>one&nbsp;two</a><metadata><record xmlns=\"http://www.loc.gov/MARC21/slim\">marc</record></metadata></record>\n"
    b"<!-- <record>not a record</record> -->\n"
    b"<record><a>x<b></a></record>\n"
    b"<record><a>three &amp; <![CDATA[</record>]]></a></record>\n"
    b"<resumptionToken>tok-2</resumptionToken></ListRecords></OAI-PMH>\n"
)


def split(data: bytes, tag: str = "record") -> tuple[XmlSplitter, list[XmlChunk | Failure]]:
    [inp] = open_inputs(data)
    splitter = XmlSplitter(inp, {tag})
    return splitter, list(splitter)


def test_records_split_with_positions_nested_and_commented_records_kept_apart() -> None:
    splitter, chunks = split(PAGE)
    assert [(c.number, c.line) for c in chunks if isinstance(c, XmlChunk)] == [(1, 3), (2, 5), (3, 6)]
    first = chunks[0]
    assert isinstance(first, XmlChunk)
    assert PAGE[first.offset : first.offset + 8] == b"<record>"
    assert "tok-2" in splitter.outside_text()


def test_each_chunk_parses_alone_and_a_broken_one_fails_alone_with_its_line() -> None:
    splitter, chunks = split(PAGE)
    notes: list[str] = []
    first = parse_chunk(chunks[0], splitter, repairs=notes)  # type: ignore[arg-type]
    assert first.tag == "{http://www.openarchives.org/OAI/2.0/}record"
    assert first[0].text == "one\u00a0two" and any("nbsp" in n for n in notes)
    assert first[1][0].tag == "{http://www.loc.gov/MARC21/slim}record"
    with pytest.raises(RecordError) as info:
        parse_chunk(chunks[1], splitter)  # type: ignore[arg-type]
    assert info.value.position.line == 5 and info.value.position.record == 2
    third = parse_chunk(chunks[2], splitter)  # type: ignore[arg-type]
    assert third[0].text == "three & </record>"


def test_a_record_cut_by_the_end_of_input_is_a_truncated_failure() -> None:
    _, chunks = split(b"<r><record>ok</record><record>cut")
    assert isinstance(chunks[0], XmlChunk)
    assert isinstance(chunks[1], Failure) and chunks[1].kind == "truncated" and chunks[1].record == 2


def test_undeclared_prefix_is_declared_and_reported() -> None:
    notes: list[str] = []
    root = parse_document(b'<record><a xsi:type="x">1</a></record>', _pos(), repairs=notes)
    assert root.tag == "record" and any("xsi" in n for n in notes)


def _pos():  # type: ignore[no-untyped-def]
    from recordparse import Position

    return Position("<test>", 1, 1, 0)


@pytest.mark.parametrize(
    "doc",
    [
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><r>&e;</r>',
        b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd"><r>x</r>',
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><r>x</r>',
        b'<r xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd" parse="text"/></r>',
    ],
)
def test_external_content_is_never_read(doc: bytes) -> None:
    try:
        root = parse_document(doc, _pos())
    except RecordError:
        return
    assert "root:" not in "".join(root.itertext())


def test_billion_laughs_is_refused() -> None:
    ents = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doc = f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l0 "ha">{ents}]><r>&l9;</r>'.encode()
    try:
        root = parse_document(doc, _pos())
    except RecordError:
        return
    assert len("".join(root.itertext())) < 1000


def test_gzip_named_xml_is_decompressed_by_recordparse_only(tmp_path: Path) -> None:
    path = tmp_path / "page.xml"
    path.write_bytes(gzip.compress(PAGE))
    for inp in open_inputs(path):  # an Input's stream is valid while its generator is at it
        assert len([c for c in XmlSplitter(inp, {"record"}) if isinstance(c, XmlChunk)]) == 3


def test_html_data_loss_is_reported() -> None:
    page = "<html><body>" + "<div>" * 3000 + "deep" + "</div>" * 3000 + "<p>AFTER</p></body></html>"
    _, warnings = safe_html(page)
    assert warnings and "lost" in warnings[0]
    root, ok = safe_html("<html><head><title>t</title></head><body><p>fine</p></body></html>")
    assert ok == [] and root.findtext(".//p") == "fine"


_PIECES = [
    b"<eprint>", b"</eprint>", b"<eprint/>", b"<eprintid>1</eprintid>", b"<ep:eprint x='1'>", b"</ep:eprint>",
    b"<url>https://x/id/eprint/5</url>", b"<a href='/eprint/'>", b"</a>", b"<!-- </eprint> -->",
    b"<![CDATA[</eprint>]]>", b"eprint", b"<eprints>", b"</eprints >", b"text", b"<", b">", b"</eprint >",
    b"<?pi </eprint>?>", b"\n", b"</eprintid>",
]


def _splitter(tags: set[str]) -> XmlSplitter:
    return XmlSplitter(Input(name="x", stream=io.BytesIO(b"<r/>"), head=b"<r/>"), tags=tags)


def test_the_end_search_passes_over_longer_names_and_names_in_text() -> None:
    # EP3: <eprintid> and /id/eprint/ URLs come before every record's closing tag
    splitter = _splitter({"eprint"})
    buf = b"<eprintid>1</eprintid><url>https://x/id/eprint/5</url></eprint><eprint>"
    assert splitter._quick_end(buf, 0) == buf.index(b"<eprint>")


@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.integers(min_value=0, max_value=200),
       st.sampled_from([{"eprint"}, {"record"}, {"eprint", "record"}]))
def test_the_quick_end_search_agrees_with_the_depth_scan(pieces: list[bytes], pos: int, tags: set[str]) -> None:
    splitter = _splitter(tags)
    buf = b"".join(pieces)
    pos = min(pos, len(buf))
    quick = splitter._quick_end(buf, pos)
    if quick is not None:
        splitter._quick_end = lambda _buf, _pos: None  # type: ignore[method-assign]
        assert splitter._find_end(buf, pos) == quick
