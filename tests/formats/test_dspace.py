"""DSpace: dspace-html (DSpace 6 JSPUI/XMLUI, DSpace 7), dspace-text, and the OAI dim/qdc mappers."""

from __future__ import annotations

import pytest

import recordparse
from recordparse import Record, RecordBuilder
from recordparse.formats.dspace import (
    DcValue,
    DspaceHtmlParser,
    DspaceTextParser,
    head_to_dc,
    map_dc_fields,
)
from recordparse.formats.oai import METADATA_MAPPERS
from tests.conftest import FIXTURES, TODAY

DSPACE = FIXTURES / "dspace"


def page(name: str) -> Record:
    return recordparse.parse(DSPACE / name)


def access(record: Record) -> tuple[str, str | None]:
    return record.access.status, record.access.embargo_end


def flag_codes(record: Record) -> list[str]:
    return [f.code for f in recordparse.check(record, today=TODAY)]


# -- DSpace 6 JSPUI ------------------------------------------------------------------------------


def test_jspui_open_page() -> None:
    record = page("jspui-open.html")
    assert record.format == "dspace-html"
    assert record.id == "10068/812345"
    assert record.title == "Wave energy converters in the Pentland Firth: a resource assessment"
    assert [a.name for a in record.authors] == ["Gillespie, Alasdair", "Ross, Morag E."]
    # DCTERMS.issued wins over citation_date, and the record says where the date came from.
    assert record.date_published == "2016-11"
    assert record.extra["date_published_source"] == "DCTERMS.issued"
    # DCTERMS.dateAccepted is dc.date.accessioned: the deposit, not an acceptance.
    assert record.date_deposited == "2017-01-12"
    assert record.type == "article-journal" and record.extra["type"] == "Article"
    assert record.doi == "10.1016/j.renene.2016.08.012"
    assert record.language == "en"
    # citation_keywords carries dc.type on DSpace 6: keywords come from DC.subject only.
    assert list(record.keywords) == ["wave energy", "tidal stream", "resource assessment"]
    # citation_pdf_url on DSpace = readable by anonymous users.
    assert access(record) == ("open", None)
    assert record.access.evidence[-1].startswith("citation_pdf_url: ")


def test_jspui_restricted_access_row() -> None:
    record = page("jspui-restricted.html")
    assert access(record) == ("restricted", None)
    assert any("Restricted Access" in e for e in record.access.evidence)
    assert "restricted" in flag_codes(record)
    # No DCTERMS.issued: citation_date is the accession date and is not taken as publication.
    assert record.date_published is None
    assert record.extra["citation_date"] == "2018-03-02"
    assert record.type == "dataset"


def test_jspui_mixed_thesis_front_matter_open_whole_thesis_restricted() -> None:
    record = page("jspui-thesis-mixed.html")
    # citation_pdf_url points at the public front matter: it is not the thesis.
    assert access(record) == ("restricted", None)
    assert any("NicLeoid_2015_thesis.pdf" in e for e in record.access.evidence)


def test_citation_keywords_lose_the_type_dspace_6_appends() -> None:
    html = (
        b'<html><head><meta name="Generator" content="DSpace 6.3" />'
        b'<meta name="DC.type" content="Thesis" /><meta name="citation_title" content="Waulking songs" />'
        b'<meta name="citation_keywords" content="Gaelic song; oral tradition; Thesis" /></head><body></body></html>'
    )
    record = recordparse.parse(html)
    assert record.format == "dspace-html"
    assert list(record.keywords) == ["Gaelic song", "oral tradition"]
    assert record.extra["citation_keywords"] == "Gaelic song; oral tradition; Thesis"
    assert record.type == "thesis"


# -- DSpace 6 XMLUI ------------------------------------------------------------------------------


def test_xmlui_embargo_notice_and_locked_file() -> None:
    record = page("xmlui-embargo.html")
    assert access(record) == ("embargoed", "2027-02-06")
    assert record.id == "1842/40001"
    assert record.type == "thesis"
    assert any("isAllowed=n" in e for e in record.access.evidence)


def test_xmlui_restricted_by_rights_vocabulary_and_lock() -> None:
    record = page("xmlui-restricted.html")
    assert access(record) == ("restricted", None)
    assert "DC.rights=info:eu-repo/semantics/restrictedAccess" in record.access.evidence
    assert record.rights is None  # an access term is not a rights statement


def test_xmlui_open() -> None:
    record = page("xmlui-open.html")
    assert access(record) == ("open", None)
    assert record.date_published == "2021-06-30"


# -- DSpace 7 ------------------------------------------------------------------------------------


def test_dspace7_page_without_badges_is_unknown_never_open() -> None:
    record = page("dspace7-unknown.html")
    assert access(record) == ("unknown", None)
    assert record.access.evidence == ()
    assert record.title == "Sediment cores from Loch Ness, 2019 campaign"
    assert record.abstract == "Grain-size and XRF scans of twelve cores."  # from the page body
    assert record.id == "3f6c2a9e-8d1b-4c55-9a7e-000000000001"


def test_dspace7_open_badge_and_pdf_url() -> None:
    record = page("dspace7-open.html")
    assert access(record) == ("open", None)
    assert "Open Access" in record.access.evidence
    assert record.journal == "Ibis" and record.doi == "10.1111/ibi.12999"
    # Without dc.date.issued in the head, the citation date is used and the record says so.
    assert record.date_published == "2021"
    assert record.extra["date_published_source"].startswith("citation_publication_date")


@pytest.mark.parametrize(
    ("name", "status", "end"),
    [
        ("dspace7-embargo.html", "embargoed", "2027-02-06"),
        ("dspace7-restricted.html", "restricted", None),
        ("dspace7-metadata-only.html", "metadata_only", None),
        ("dspace7-conflict.html", "restricted", None),
    ],
)
def test_dspace7_badges(name: str, status: str, end: str | None) -> None:
    assert access(page(name)) == (status, end)


def test_dspace7_open_pdf_beside_restricted_badge_is_a_conflict() -> None:
    record = page("dspace7-conflict.html")
    conflict = next(f for f in record.flags if f["code"] == "access_conflict")
    assert "Restricted" in conflict["evidence"]
    assert any(e.startswith("citation_pdf_url") for e in conflict["evidence"])


@pytest.mark.parametrize(
    ("lang", "item_badge"),
    [
        ("de", "Embargo"),
        ("fr", "Restriction temporaire"),
        ("es", "Embargo"),
        ("pt", "Acesso embargado"),
        ("it", "Embargo"),
        ("nl", "Onder embargo"),
    ],
)
def test_dspace7_localised_embargo_badges(lang: str, item_badge: str) -> None:
    record = page(f"dspace7-embargo-{lang}.html")
    assert access(record) == ("embargoed", "2027-01-01")
    assert item_badge in record.access.evidence
    assert record.language == lang


# -- full item record (text) ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def full_records() -> list[Record]:
    return list(recordparse.read(DSPACE / "full-item-records.txt"))


def test_full_item_records_split_per_page(full_records: list[Record]) -> None:
    assert [r.format for r in full_records] == ["dspace-text"] * 3
    assert [r.id for r in full_records] == ["10068/812400", "1842/40001", "20.500.12345/3f6c"]
    assert [r.position.line for r in full_records if r.position] == [1, 29, 56]


def test_full_item_record_jspui(full_records: list[Record]) -> None:
    record = full_records[0]
    assert [a.name for a in record.authors] == ["Crowe, Hamish", "Ó Súilleabháin, Niamh"]
    assert (record.date_published, record.date_deposited) == ("2017", "2018-03-02")
    assert record.language == "en"
    assert record.subjects == ("ASFA::Fisheries management",)
    assert list(record.keywords) == ["fisheries", "fishing effort"]
    assert access(record) == ("restricted", None)
    assert "dc.rights.accessRights=restricted access" in record.access.evidence
    # A multi-line value continues on the next lines; its language column is not part of it.
    provenance = record.extra["dc.description.provenance"]
    assert provenance.startswith("Submitted by Hamish Crowe") and provenance.endswith("(MD5)")


def test_full_item_record_expired_embargo_fields(full_records: list[Record]) -> None:
    record = full_records[1]
    assert access(record) == ("embargoed", "2024-03-01")
    codes = flag_codes(record)
    assert "embargo_expired" in codes and "embargoed" not in codes
    assert record.doi == "10.7488/era/901"
    assert record.abstract is not None and record.abstract.endswith("for twelve weeks.")
    assert record.extra["dc.contributor.advisor"] == "Kumar, Rohan"


def test_full_item_record_dspace7_spaced_columns(full_records: list[Record]) -> None:
    record = full_records[2]
    assert access(record) == ("open", None)
    assert (record.journal, record.volume, record.issue, record.start_page, record.end_page) == (
        "Ibis", "163", "4", "1201", "1215")
    assert record.issns == ("0019-1019",)
    assert record.license == "https://creativecommons.org/licenses/by/4.0/"
    assert record.extra["type"] == ["Article", "info:eu-repo/semantics/article"]


# -- OAI dim and qdc -----------------------------------------------------------------------------


def test_dim_and_qdc_are_registered_with_the_oai_parser() -> None:
    assert METADATA_MAPPERS["http://www.dspace.org/xmlns/dspace/dim"] == "recordparse.formats.dspace:map_dim"
    assert METADATA_MAPPERS["http://dspace.org/qualifieddc/"] == "recordparse.formats.dspace:map_qdc"


def test_oai_dim_records() -> None:
    records = list(recordparse.read(DSPACE / "oai-dim.xml"))
    assert [r.format for r in records] == ["oai-pmh"] * 4
    article, thesis, deleted, dataset = records
    assert article.id == "oai:dspace.example.edu:10068/812345"
    assert article.doi == "10.1016/j.renene.2016.08.012"
    assert (article.journal, article.volume, article.start_page, article.end_page) == (
        "Renewable Energy", "101", "1120", "1131")
    assert article.subjects == ("621.31",)
    assert access(article) == ("open", None)
    assert access(thesis) == ("embargoed", "2027-02-06")
    assert thesis.institution == "University of Edinburgh"
    assert thesis.type == "thesis"
    # "2 years" is a period, not an end date: kept, and no second embargo reading.
    assert thesis.extra["local.embargo.terms"] == "2 years"
    assert deleted.extra["oai_status"] == "deleted"
    assert access(dataset) == ("restricted", None)
    assert dataset.rights == "Copyright Marine Scotland. All rights reserved."


def test_oai_qdc_record() -> None:
    record = recordparse.parse(DSPACE / "oai-qdc.xml")
    assert [a.name for a in record.authors] == ["Grant, Callum", "Munro, Isla"]
    assert record.abstract == "Dissolved organic carbon fell after rewetting of Sphagnum lawns."
    assert record.extra["dcterms:abstract"].startswith("Dissolved organic carbon fell after rewetting of <i>")
    assert (record.date_published, record.date_deposited) == ("2021-06-30", "2021-07-02")
    assert record.doi == "10.1002/eco.2301"
    assert record.journal == "Ecohydrology"
    assert access(record) == ("open", None)


# -- the one field table -------------------------------------------------------------------------


def test_head_tags_and_dim_fields_reach_the_same_table() -> None:
    assert head_to_dc("DCTERMS.issued") == "dc.date.issued"
    assert head_to_dc("dcterms.dateAccepted") == "dc.date.accessioned"
    assert head_to_dc("DC.creator") == "dc.contributor.author"
    from_head = RecordBuilder("t")
    map_dc_fields(from_head, [DcValue(head_to_dc("DCTERMS.issued"), "2019-05", source="DCTERMS.issued")])
    from_dim = RecordBuilder("t")
    map_dc_fields(from_dim, [DcValue("dc.date.issued", "2019-05")])
    assert from_head.build().date_published == from_dim.build().date_published == "2019-05"


def test_embargo_fields_read_dates_and_permanent_but_not_periods() -> None:
    builder = RecordBuilder("t")
    signals, _ = map_dc_fields(
        builder,
        [
            DcValue("dc.embargo.terms", "6 months"),
            DcValue("dc.date.embargoedUntil", "forever"),
            DcValue("local.embargo.lift", "2030-01-01"),
        ],
    )
    assert [(s.status, s.embargo_end) for s in signals] == [
        ("embargoed", "permanent"),
        ("embargoed", "2030-01-01"),
    ]


# -- sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("jspui-open.html", "dspace-html"),
        ("xmlui-embargo.html", "dspace-html"),
        ("dspace7-unknown.html", "dspace-html"),
        ("full-item-records.txt", "dspace-text"),
        ("oai-dim.xml", "oai-pmh"),
    ],
)
def test_specific_parser_wins_detection(name: str, fmt: str) -> None:
    ranked = recordparse.detect(DSPACE / name)
    assert ranked[0].name == fmt
    generic = [c.score for c in ranked if c.name == "meta-tags"]
    assert all(score < ranked[0].score for score in generic)


@pytest.mark.parametrize("parser", [DspaceHtmlParser(), DspaceTextParser()])
def test_sniffers_score_zero_on_other_formats(parser: recordparse.Parser) -> None:
    eprints = (FIXTURES / "eprints" / "summary-open.html").read_bytes()
    others = [
        eprints,
        b'<html><head><meta name="citation_title" content="x"><meta name="DC.title" content="x"></head></html>',
        (FIXTURES / "eprints" / "simple-3.txt").read_bytes(),
        b'{"metadata": {"title": "x"}}',
        b"Item Type: Article\nDate Deposited: 01 Jan 2020\nURI: http://x/id/eprint/1\n",
    ]
    for data in others:
        assert parser.sniff(data) == 0.0
