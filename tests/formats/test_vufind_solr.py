"""VuFind Solr documents: select responses (JSON, raw HTTP, XML), add-documents, JSON Lines, arrays."""

from __future__ import annotations

import json
import sys
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

import recordparse
from recordparse import Failure, Record, RecordBuilder
from recordparse.formats.vufind_solr import SolrJsonParser, SolrXmlParser, map_document
from recordparse.normalize.languages import to_bcp47
from tests.conftest import FIXTURES, shared_path

SOLR = FIXTURES / "vufind-solr"
REALDATA = ("doaj-vufind",)


class SpellingSpy:
    """Stands in for ``recordparse.formats.spelling`` and records what it was handed."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def apply_spelling(self, doc: Mapping[str, Any], builder: RecordBuilder) -> None:
        self.calls.append(dict(doc))


@pytest.fixture
def spelling(monkeypatch: pytest.MonkeyPatch) -> SpellingSpy:
    spy = SpellingSpy()
    module = types.ModuleType("recordparse.formats.spelling")
    module.apply_spelling = spy.apply_spelling  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "recordparse.formats.spelling", module)
    return spy


def read_all(path: Path | bytes, fmt: str | None = None) -> list[Record | Failure]:
    return list(recordparse.read(path, fmt, errors="collect"))


def records(path: Path | bytes, fmt: str | None = None) -> list[Record]:
    out = read_all(path, fmt)
    assert all(isinstance(r, Record) for r in out), [str(r) for r in out if isinstance(r, Failure)]
    return [r for r in out if isinstance(r, Record)]


def by_id(recs: list[Record]) -> dict[str | None, Record]:
    return {r.id: r for r in recs}


# --------------------------------------------------------------------------------------------
# Real VuFind documents (../shared/realdata/doaj-vufind/vufind-solr-*)


@pytest.mark.parametrize(
    "name",
    [
        "vufind-solr-select-single-record",
        "vufind-solr-select-testbug1",
        "vufind-solr-doc-dspace-nvli",
    ],
)
def test_real_solr_documents_match_expected(name: str) -> None:
    path = shared_path("realdata", *REALDATA, f"{name}.json")
    expected = json.loads(path.with_name(f"{name}.expected.json").read_text(encoding="utf-8"))
    record = recordparse.parse(path)  # auto-detected
    assert record.format == "vufind-solr-json"
    assert record.id == expected["id"]
    assert record.title == expected["title"]
    assert [p.name for p in record.authors] == expected["authors"]
    assert [p.name for p in record.authors] == expected.get("authors_primary", []) + expected.get(
        "authors_secondary", []
    )
    assert record.publisher == expected.get("publisher")
    assert record.date_published == expected["date_published"]
    assert list(record.issns) == expected.get("issns", [])
    assert list(record.keywords) == expected.get("keywords", [])
    assert (record.urls[0] if record.urls else None) == expected.get("url")
    assert list(record.urls) == expected.get("urls", list(record.urls))
    # Convention differs: expected keeps the language name verbatim, the Record has BCP 47.
    assert record.language == to_bcp47(expected["language"][0])
    if "series" in expected:  # a MARC book series is not a journal: kept under its own name
        assert record.journal is None
        assert record.extra["series"] == expected["series"]
    if "format" in expected:  # the VuFind format is kept verbatim as extra["type"]
        assert record.extra["type"] == expected["format"][0]
    if name == "vufind-solr-select-single-record":
        assert record.extra["isbn"] == expected["isbns"]
    if name == "vufind-solr-doc-dspace-nvli":
        # Recovered from the XSLT-built spelling string: the DOI is bounded by the URL after it.
        assert record.doi == expected["doi"]
        assert record.extra["oai_datestamp"] == expected["oai_datestamp"]
        # Convention differs: the ISBN is glued between unrelated digits in spelling
        # ("...1-10978-1-4244-2912-710.1109...") and is not guessed; the blob is kept whole.
        assert expected["isbns"][0] in record.extra["spelling"][0]
    assert record.access.status == "unknown"  # none of them is a DOAJ document


def test_real_testbug1_highlighting_score_and_marc_spelling_list() -> None:
    path = shared_path("realdata", *REALDATA, "vufind-solr-select-testbug1.json")
    record = recordparse.parse(path)
    assert record.type == "periodical"
    assert record.extra["highlighting"] == {
        "id": ["{{{{START_HILITE}}}}000105196{{{{END_HILITE}}}}"]
    }
    assert record.extra["score"] == 3.8332133
    assert record.extra["_version_"] == 1481401674999267328
    # SolrMarc spelling: one string per MARC field, kept as given, never segmented
    assert len(record.extra["spelling"]) == 12
    assert record.extra["dateSpan"] == ["1922-1975"]
    assert record.extra["fullrecord"].startswith("01238casaa2200")


# --------------------------------------------------------------------------------------------
# Select responses


def test_select_response_json_streams_every_doc_in_order(spelling: SpellingSpy) -> None:
    recs = records(SOLR / "select-multi-record.json")
    assert [r.id for r in recs] == [
        "991234567890123",
        "doaj-art-3f6c2a9e8d1b4c7fa0e5b9d2c4a6e8f1",
        "vtls000123456",
    ]
    assert [r.position.record for r in recs if r.position] == [1, 2, 3]
    first = recs[0].position
    assert first is not None and first.line is not None and first.line > 20  # after the header


def test_marc_document_maps_every_bibliographic_field(spelling: SpellingSpy) -> None:
    rec = by_id(records(SOLR / "select-multi-record.json"))["991234567890123"]
    assert rec.type == "paper-conference"
    assert rec.extra["type"] == ["Conference Proceeding", "Electronic"]
    assert rec.title == "Groundwater recharge under changing land use : a Bayesian approach /"
    names = [p.name for p in rec.authors]
    assert names == [
        "Okafor, Chidi N.",
        "International Society for Hydrological Modelling. Conference (8th : 2015 : Uppsala)",
        "Lindqvist, Maja",
        "Haddad, Samir, 1961-",
    ]
    corporate = rec.authors[1]
    assert (corporate.given, corporate.family) == (None, None)
    haddad = rec.authors[3]
    assert (haddad.given, haddad.family) == ("Samir", "Haddad")  # life dates left out of the split
    assert rec.extra["author2_role"] == ["aut", "edt"]
    assert (rec.journal, rec.volume, rec.start_page) == (
        "Proceedings of the 8th ISHM Conference",
        "2",
        "145",
    )
    assert rec.extra["container_reference"] == "Vol. 2 (2015), p. 145-162"
    assert rec.extra["isbn"] == ["9789151303215", "9151303218"]
    assert rec.extra["oclc_num"] == ["930481156"]
    assert rec.extra["edition"] == "1st ed."
    assert rec.extra["physical"] == ["p. 145-162 : ill. ; 30 cm"]
    assert rec.extra["contents"] == [
        "Introduction -- Study area -- Methods -- Results -- Discussion."
    ]
    assert rec.extra["series"] == ["Hydrology research reports ;"]
    assert list(rec.keywords) == [
        "Groundwater recharge Mathematical models",
        "Land use Environmental aspects",
    ]
    assert list(rec.subjects) == [
        "Groundwater recharge", "Mathematical models", "Land use", "Environmental aspects",
        "Conference papers and proceedings", "21st century", "Sweden",
    ]  # fmt: skip
    assert rec.doi == "10.5555/ishm.2015.145"  # from the doi.org URL
    assert rec.language == "en"
    assert rec.extra["languages"] == ["en", "sv"]
    assert rec.date_published == "2015"
    assert rec.publisher == "Uppsala University,"
    assert rec.institution == "Uppsala University Library"


def test_derived_fields_are_kept_but_never_read_twice(spelling: SpellingSpy) -> None:
    rec = by_id(records(SOLR / "select-multi-record.json"))["991234567890123"]
    assert len(rec.authors) == 4  # author_facet and author2Str did not add anybody
    for name in ("author_facet", "author_sort", "author2Str", "spellingShingle", "title_sort", "title_fullStr",
                 "title_full_unstemmed", "fullrecord", "first_indexed", "last_indexed", "_version_"):  # fmt: skip
        assert name in rec.extra, name
    assert rec.extra["fullrecord"].endswith("\u001e\u001d")  # MARC kept byte for byte
    # title_short/title_sub are parts of the title; title_full adds the statement of responsibility
    assert "title_short" not in rec.extra and "title_sub" not in rec.extra
    assert rec.extra["title_full"].endswith("Chidi N. Okafor, Maja Lindqvist.")
    # indexing times are not publication or deposit dates
    assert rec.date_deposited is None
    # SolrMarc spelling (one string per MARC field) is kept and never segmented
    assert len(rec.extra["spelling"]) == 7
    assert all(call["id"] != rec.id for call in spelling.calls)


def test_highlighting_attached_to_its_own_document_only(spelling: SpellingSpy) -> None:
    recs = by_id(records(SOLR / "select-multi-record.json"))
    marc = recs["991234567890123"]
    assert marc.extra["highlighting"]["title"][0].startswith("{{{{START_HILITE}}}}Groundwater")
    assert marc.extra["score"] == 4.117
    assert "highlighting" not in recs["vtls000123456"].extra  # its entry is empty
    for rec in recs.values():  # response-level blocks are not per-record data
        assert "facet_counts" not in rec.extra and "spellcheck" not in rec.extra


def test_doaj_document_is_open_and_hands_its_blob_to_spelling(spelling: SpellingSpy) -> None:
    rec = by_id(records(SOLR / "select-multi-record.json"))[
        "doaj-art-3f6c2a9e8d1b4c7fa0e5b9d2c4a6e8f1"
    ]
    assert rec.access.status == "open"
    assert "collection: DOAJ" in rec.access.evidence
    assert "DOAJ lists only open-access journals" in rec.access.evidence
    assert rec.type == "article-journal"
    assert rec.journal == "Revista de Investigaciones Altoandinas"  # series, for DOAJ
    assert list(rec.issns) == ["2306-8582", "2313-2957"]
    # HTML stripped in the title, the marked-up form kept
    assert rec.title == "Calidad del agua en humedales altoandinos: Daphnia pulex como bioindicador"
    assert rec.extra["title"].count("<i>") == 1
    assert rec.abstract is not None and "\r" not in rec.abstract and "<i>" not in rec.abstract
    assert rec.language == "es"
    # DOAJ's publicationDate day is always 01: kept verbatim, the invented part marked
    assert rec.date_published == "2019-07-01"
    assert rec.extra["date_published_synthesised"] == ["day"]
    assert any(f["code"] == "synthesised_date" for f in rec.flags)
    assert rec.extra["doaj_id"] == "3f6c2a9e8d1b4c7fa0e5b9d2c4a6e8f1"
    [call] = [c for c in spelling.calls if c["id"] == rec.id]
    assert call["spelling"][0].startswith(rec.id + "2019-08-12T10:22:31Z")


def test_doaj_blob_segmented_by_the_spelling_module() -> None:
    """With the real spelling module: what only the blob holds reaches the Record."""
    pytest.importorskip("recordparse.formats.spelling")
    rec = by_id(records(SOLR / "select-multi-record.json"))[
        "doaj-art-3f6c2a9e8d1b4c7fa0e5b9d2c4a6e8f1"
    ]
    assert rec.doi == "10.18271/ria.2019.478"
    assert (rec.volume, rec.issue, rec.start_page, rec.end_page) == ("21", "3", "145", "156")
    assert rec.extra["oai_datestamp"] == "2019-08-12T10:22:31Z"
    assert [p.affiliations for p in rec.authors] == [
        ("Universidad Nacional del Altiplano, Puno, Perú",),
        ("Instituto del Mar del Perú (IMARPE)",),
        (),
    ]
    # add-documents: the blob comes from allfields
    added = by_id(records(SOLR / "add-doaj.xml"))
    assert added["doaj-art-84d1c2e0f4b24bf1a3c07e1d9a5b6f02"].doi == "10.19230/jonnpr.1311"
    assert len([f for f in rec.flags if f["code"] == "synthesised_date"]) == 1


def test_old_document_scalar_author_recordtype_bare_spelling(spelling: SpellingSpy) -> None:
    rec = by_id(records(SOLR / "select-multi-record.json"))["vtls000123456"]
    [author] = rec.authors
    assert author.name == "Hallström, Per, 1866-1960."
    assert (author.given, author.family) == ("Per", "Hallström")
    assert rec.extra["recordtype"] == "marc"
    assert rec.type == "book"
    assert rec.extra["spelling"].startswith("Hallström, Per, 1866-1960. Levande dikt")
    assert rec.extra["title_full"] == "Levande dikt / af Per Hallström."
    assert rec.institution == "Lund University Libraries"  # scalar institution
    assert rec.extra["collection"] == "Main Stacks"


def test_raw_http_response_gives_the_same_records(spelling: SpellingSpy) -> None:
    plain = records(SOLR / "select-multi-record.json")
    raw = records(SOLR / "select-multi-record.http")
    assert [r.to_dict() for r in raw] == [r.to_dict() for r in plain]
    # positions count the 4 header lines and the blank line
    assert raw[0].position is not None and raw[0].position.line == 6
    body_start = (SOLR / "select-multi-record.http").read_bytes().index(b"{")
    assert raw[0].position.byte_offset is not None and raw[0].position.byte_offset > body_start


def test_select_response_xml_typed_values() -> None:
    recs = records(SOLR / "select-multi-record.xml")
    assert [r.format for r in recs] == ["vufind-solr-xml"] * 2
    thesis, book = recs
    assert thesis.id == "uu-diva-2:1601244"
    assert thesis.type == "thesis"
    assert [p.name for p in thesis.authors] == ["Berglund, Elin", "Nyström, Karin"]
    assert thesis.date_published == "2021-11"
    assert thesis.language == "sv"
    assert (
        thesis.abstract
        == "Uppsatsen undersöker hur kalhyggen påverkar vattenkvaliteten i tre avrinningsområden."
    )
    assert "<b>tre</b>" in thesis.extra["description"][0]
    assert thesis.extra["_version_"] == 1721556789012345344
    assert thesis.extra["score"] == pytest.approx(3.2041)
    assert thesis.extra["peer_reviewed_boolean"] is False
    assert thesis.extra["first_indexed"] == "2022-01-10T08:00:00Z"
    assert book.extra["hierarchy_sequence_int"] == 3
    assert [p.name for p in book.authors] == ["Hallström, Per, 1866-1960."]
    assert book.position is not None and book.position.record == 2 and book.position.line == 58


def test_add_documents_repeated_fields_and_allfields_blob(spelling: SpellingSpy) -> None:
    recs = records(SOLR / "add-doaj.xml")
    assert recordparse.detect(SOLR / "add-doaj.xml")[0].name == "vufind-solr-xml"
    first, second = recs
    assert [p.name for p in first.authors] == [
        "Ana Martínez-López",
        "Rubén D. Castillo",
        "Lucía Quispe Mamani",
    ]
    assert list(first.keywords) == ["humedales", "bioindicadores", "Daphnia", "calidad del agua"]
    assert first.language == "es"  # "spa" passed through doaj.xsl's language map unmapped
    assert first.access.status == "open"
    assert first.abstract is not None and first.abstract.endswith("un 40 % menores.")
    assert list(second.issns) == ["2529-850X"]  # issn and eissn were the same
    assert second.language is None  # the 2017 feed had no language
    # add-documents have no spelling (a copyField): allfields is the same blob
    blobs = {c["id"]: c["spelling"] for c in spelling.calls}
    assert blobs[second.id].startswith(second.id + "2017-04-06T18:22:55Z")
    assert first.extra["allfields"] == blobs[first.id]


def test_json_lines_of_documents(spelling: SpellingSpy) -> None:
    recs = records(SOLR / "docs.jsonl")
    assert [r.position.line for r in recs if r.position] == [1, 2, 3]
    doaj, thesis, old = recs
    assert doaj.access.status == "open"
    assert "institution: Directory Open Access Journal" in doaj.access.evidence
    assert doaj.date_published == "2021-01-01"
    # day 01 and month 01: DOAJ's filler for both, so only the year is certain
    assert doaj.extra["date_published_synthesised"] == ["day", "month"]
    assert len([f for f in doaj.flags if f["code"] == "synthesised_date"]) == 1
    assert thesis.extra["oai_datestamp"] == "2022-01-10T07:55:02Z"
    assert thesis.abstract == "Uppsatsen undersöker hur kalhyggen påverkar vattenkvaliteten."
    assert thesis.extra["description"][1].startswith("This thesis")
    assert thesis.extra["title_sub"] == "en fallstudie"
    assert old.id == "vtls000123456"


def test_json_array_of_documents(spelling: SpellingSpy) -> None:
    recs = records(SOLR / "docs-array.json")
    assert [r.id for r in recs] == [
        "uu-diva-2:1601244",
        "doaj.art-7b2e91c04d5f4a8e9c3d2b1a0f9e8d7c",
    ]
    assert recs[1].extra["doaj_id"] == "7b2e91c04d5f4a8e9c3d2b1a0f9e8d7c"


def test_broken_json_line_fails_alone(spelling: SpellingSpy) -> None:
    lines = (SOLR / "docs.jsonl").read_bytes().splitlines()
    data = b"\n".join([lines[0], b'{"id": "broken", "title": "cut off', lines[2]]) + b"\n"
    out = read_all(data, "vufind-solr-json")
    assert [type(o).__name__ for o in out] == ["Record", "Failure", "Record"]
    failure = out[1]
    assert isinstance(failure, Failure) and failure.line == 2


def test_solr_error_response_is_reported_not_lost() -> None:
    data = (
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n\r\n"
        b'{"responseHeader":{"status":400,"QTime":1},'
        b'"error":{"msg":"undefined field foo","code":400}}'
    )
    [failure] = read_all(data, "vufind-solr-json")
    assert isinstance(failure, Failure)
    assert failure.reason == "Solr returned an error (status 400): undefined field foo"
    assert failure.line == 4


def test_map_document_accepts_staff_view_lists() -> None:
    """The VuFind record-text parser hands over Staff View fields, every value a list."""
    builder = RecordBuilder("vufind-text")
    map_document(
        {
            "id": ["991234"],
            "author": ["Mills, James, 1932-"],
            "title": ["Report to the commissioner. -"],
            "format": ["Book"],
            "publishDate": ["1972"],
            "language": ["English"],
            "_version_": ["1446540071117258752"],
        },
        builder,
    )
    rec = builder.build()
    assert (rec.id, rec.title, rec.type, rec.date_published, rec.language) == (
        "991234", "Report to the commissioner. -", "book", "1972", "en",
    )  # fmt: skip
    assert rec.extra["_version_"] == ["1446540071117258752"]


# --------------------------------------------------------------------------------------------
# Sniffing


ZENODO_LIKE = (
    b'{"conceptrecid": "1", "doi": "10.5281/zenodo.2", "metadata": {"title": "x", "creators": []}}'
)
DOAJ_LIKE = b'{"id": "0005e11ec616453f854070069385e057", "bibjson": {"title": "x", "journal": {}}}'


def test_sniff_tells_solr_json_from_other_json() -> None:
    parser = SolrJsonParser()
    assert parser.sniff((SOLR / "select-multi-record.json").read_bytes()[:65536]) >= 0.9
    assert parser.sniff((SOLR / "select-multi-record.http").read_bytes()[:65536]) >= 0.9
    assert parser.sniff((SOLR / "docs.jsonl").read_bytes()[:65536]) >= 0.8
    assert parser.sniff(DOAJ_LIKE) == 0.0
    assert parser.sniff(ZENODO_LIKE) == 0.0
    assert parser.sniff(b"\x00\xff garbage") == 0.0


def test_sniff_tells_solr_xml_from_other_xml() -> None:
    parser = SolrXmlParser()
    assert parser.sniff((SOLR / "select-multi-record.xml").read_bytes()) >= 0.9
    assert parser.sniff((SOLR / "add-doaj.xml").read_bytes()) >= 0.9
    oai = b'<?xml version="1.0"?><OAI-PMH><ListRecords><record><header/></record></ListRecords></OAI-PMH>'
    assert parser.sniff(oai) == 0.0


def test_lone_surrogates_in_a_document_or_its_highlighting_are_replaced() -> None:
    # a document's own text decides whether its record is scanned; highlighting read from
    # outside it always is
    data = (
        b'{"responseHeader": {"status": 0}, "response": {"numFound": 3, "docs": [\n'
        b'{"id": "1", "title": "Bad \\udc00 title"},\n'
        b'{"id": "2", "title": "Clean title"},\n'
        b'{"id": "3", "title": "Also clean"}]},\n'
        b'"highlighting": {"2": {"title": ["<em>Clean</em> \\ud800"]}}}\n'
    )
    recs = by_id(records(data, "vufind-solr-json"))
    assert recs["1"].title == "Bad \ufffd title"
    assert recs["2"].extra["highlighting"] == {"title": ["<em>Clean</em> \ufffd"]}
    for ident in ("1", "2"):
        assert any(f.code == "invalid_unicode" for f in recordparse.check(recs[ident])), ident
    assert "_flags" not in recs["3"].extra
