"""EPrints: eprints-xml, eprints-html, eprints-text and eprints-simple."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import recordparse
from recordparse import Failure, Record
from recordparse.formats.eprints import (
    EprintsHtmlParser,
    EprintsSimpleParser,
    EprintsTextParser,
    EprintsXmlParser,
    split_keywords,
    split_rendered_names,
)
from tests.conftest import FIXTURES, TODAY, shared_path

EPRINTS = FIXTURES / "eprints"


def read_all(path: Path) -> list[Record]:
    return list(recordparse.read(path))


def by_id(path: Path) -> dict[str, Record]:
    return {r.id: r for r in read_all(path) if r.id}


def flag_codes(record: Record) -> list[str]:
    return [f.code for f in recordparse.check(record, today=TODAY)]


def access(record: Record) -> tuple[str, str | None]:
    return record.access.status, record.access.embargo_end


# -- real records ------------------------------------------------------------------------------


@pytest.mark.parametrize("eprint", ["106567", "109661"])
def test_real_ep3_exports_give_their_expected_values(eprint: str) -> None:
    path = shared_path("realdata", "ir", f"eprints-ep3-caltechauthors-{eprint}.xml")
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    record = recordparse.parse(path)  # auto-detected
    assert record.format == "eprints-xml"
    assert record.id == eprint
    assert record.title == expected["title"]  # Caltech's ^()/_() markup kept as given
    assert [a.name for a in record.authors] == expected["authors"]
    assert record.date_published == expected["date_published"]
    # The expected files give EPrints' own type word; the Record's type is its CSL type and the
    # source word is kept in extra["type"].
    assert record.extra["type"] == expected["type"]
    assert record.type == "article-journal"
    assert record.publisher == expected["publisher"]
    assert record.journal == expected["journal"]
    assert record.doi == expected["doi"]
    assert list(record.keywords) == expected["keywords"]
    assert record.access.status == expected["access"]
    assert record.access.embargo_end == expected["embargo_end"]
    assert record.rights == expected["rights"]
    assert record.volume == expected["_extra"]["volume"]
    assert record.issns == (expected["_extra"]["issn"],)
    assert "access_conflict" not in flag_codes(record)


def test_real_ep3_pagerange_forms() -> None:
    pages = recordparse.parse(shared_path("realdata", "ir", "eprints-ep3-caltechauthors-106567.xml"))
    assert (pages.start_page, pages.end_page, pages.article_number) == ("139", "144", None)
    assert pages.extra["refereed"] == "TRUE"
    number = recordparse.parse(shared_path("realdata", "ir", "eprints-ep3-caltechauthors-109661.xml"))
    # "Art. No. 130923" is an article number, not a one-page range.
    assert (number.start_page, number.end_page, number.article_number) == (None, None, "130923")


def test_real_ep3_access_comes_from_the_public_green_versions() -> None:
    record = recordparse.parse(shared_path("realdata", "ir", "eprints-ep3-caltechauthors-109661.xml"))
    evidence = " | ".join(record.access.evidence)
    # The published PDF is security=internal; the accepted version is public: open.
    assert "accepted: security=public" in evidence
    assert "indexcodes" not in evidence
    documents = record.extra["documents"]
    assert [d["security"] for d in documents if not d["derived"]] == ["internal", "public", "public"]
    assert sum(d["derived"] for d in documents) == 3
    assert record.authors[1].orcid == "https://orcid.org/0000-0003-3108-8271"
    assert record.date_deposited == "2021-06-30"


# -- EP3 XML fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ep3() -> dict[str, Record]:
    return by_id(EPRINTS / "ep3-multi.xml")


def test_ep3_multi_record_file_streams_every_eprint_in_order() -> None:
    records = read_all(EPRINTS / "ep3-multi.xml")
    assert [r.id for r in records] == [str(n) for n in range(4101, 4108)]
    assert [r.position.record for r in records if r.position] == list(range(1, 8))
    assert records[1].position is not None and records[1].position.line == 89


def test_ep3_open_article(ep3: dict[str, Record]) -> None:
    record = ep3["4101"]
    assert access(record) == ("open", None)
    assert [a.name for a in record.authors] == ["Hartley, Rosalind M.", "Ó Briain, Cathal", "van der Berg, Pieter"]
    assert record.authors[0].orcid == "https://orcid.org/0000-0002-1825-0097"
    assert (record.date_published, record.date_deposited) == ("2019-07", "2019-08-02")
    assert (record.volume, record.issue, record.start_page, record.end_page) == ("184", "3", "45", "62")
    assert record.doi == "10.1016/j.csr.2019.07.004"  # from id_number "doi:..."
    assert record.subjects == ("GC", "QE")
    assert record.extra["divisions"] == "sch_oce"
    assert record.license == "cc_by_4"
    assert record.language == "en"
    assert record.urls[0] == "https://eprints.example.ac.uk/id/eprint/4101"


def test_ep3_dated_embargo_from_date_embargo(ep3: dict[str, Record]) -> None:
    record = ep3["4102"]
    assert access(record) == ("embargoed", "2027-02-06")
    assert "embargoed" in flag_codes(record)
    assert record.type == "chapter"
    assert record.doi == "10.4324/9780429000000-6"  # related_url of type doi
    assert list(record.keywords) == ["colonial archives", "customs", "West Africa"]
    assert record.extra["isbn"] == "9780367000000"


def test_ep3_expired_embargo_keeps_its_date_and_is_flagged(ep3: dict[str, Record]) -> None:
    record = ep3["4103"]
    assert access(record) == ("embargoed", "2024-03-01")
    codes = flag_codes(record)
    assert "embargo_expired" in codes and "embargoed" not in codes
    assert record.article_number == "e1123"
    assert record.type == "paper-conference"


def test_ep3_local_security_value_is_restricted(ep3: dict[str, Record]) -> None:
    record = ep3["4104"]
    assert access(record) == ("restricted", None)
    assert any("security=internal" in e for e in record.access.evidence)
    # date_type "completed": not a publication date, kept with its type.
    assert record.date_published is None
    assert (record.extra["date"], record.extra["date_type"]) == ("2017-12", "completed")
    assert record.type == "report"


def test_ep3_no_documents_is_metadata_only_and_unpublished_is_no_publisher(ep3: dict[str, Record]) -> None:
    record = ep3["4105"]
    assert access(record) == ("metadata_only", None)
    assert "metadata_only" in flag_codes(record)
    assert record.publisher is None
    assert record.extra["publisher"] == "Unpublished"
    assert record.extra["ispublished"] == "unpub"


def test_ep3_public_status_with_restricted_main_document_conflicts(ep3: dict[str, Record]) -> None:
    record = ep3["4106"]
    assert access(record) == ("restricted", None)
    conflict = next(f for f in record.flags if f["code"] == "access_conflict")
    assert any("security=staffonly" in e for e in conflict["evidence"])
    assert "full_text_status=public" in conflict["evidence"]


def test_ep3_public_front_matter_beside_restricted_whole_thesis_is_restricted(ep3: dict[str, Record]) -> None:
    record = ep3["4107"]
    assert access(record) == ("restricted", None)
    assert any("02whole.pdf" in e for e in record.access.evidence)
    assert not any("01front.pdf" in e for e in record.access.evidence)


def test_ep3_broken_record_fails_alone() -> None:
    text = (EPRINTS / "ep3-multi.xml").read_text(encoding="utf-8")
    broken = text.replace("<title>Archives of the Gold Coast customs service</title>", "<title>Archives <b>of</title>", 1)
    outcomes = list(recordparse.read(broken.encode("utf-8"), "eprints-xml", errors="collect"))
    assert len(outcomes) == 7
    failure = outcomes[1]
    assert isinstance(failure, Failure)
    assert failure.record == 2 and failure.line == 109
    assert [o.id for o in outcomes if isinstance(o, Record)] == ["4101", "4103", "4104", "4105", "4106", "4107"]


def test_ep3_truncated_file_reports_the_cut_record() -> None:
    data = (EPRINTS / "ep3-multi.xml").read_bytes()
    cut = data[: data.index(b"<title>Bilingual signage")]
    outcomes = list(recordparse.read(cut, "eprints-xml", errors="collect"))
    assert [o.id for o in outcomes if isinstance(o, Record)] == ["4101", "4102", "4103", "4104", "4105"]
    assert isinstance(outcomes[-1], Failure) and outcomes[-1].kind == "truncated"


# -- Simple export -------------------------------------------------------------------------------


def test_simple_export_with_three_records() -> None:
    records = read_all(EPRINTS / "simple-3.txt")
    assert [r.format for r in records] == ["eprints-simple"] * 3
    assert [r.id for r in records] == ["2291", "2292", "2293"]
    first, thesis, paper = records
    assert [a.name for a in first.authors] == ["Sale, AHJ", "Kerr, Thomas", "Ng"]
    assert (first.authors[0].family, first.authors[0].given) == ("Sale", "AHJ")
    # A multi-line abstract with a blank line inside stays one value of one record.
    assert first.abstract is not None and first.abstract.endswith("token and permission families.")
    assert first.doi == "10.5555/acj.1998.30.2.61"
    assert list(first.keywords) == ["concurrency", "distributed shared memory", "mutual exclusion"]
    assert access(first) == ("open", None)
    assert "http://eprints.example.edu.au/2291/1/sale_acj_1998.pdf" in first.urls
    assert access(thesis) == ("metadata_only", None)
    assert thesis.publisher is None and thesis.institution == "University of Tasmania"
    assert [a.name for a in thesis.authors] == ["Kavanagh, W D(William Dudley)"]
    assert access(paper) == ("restricted", None)
    assert paper.doi == "10.1000/hic2012.112"
    assert paper.start_page == "112"
    positions = [(r.position.record, r.position.line) for r in records if r.position]
    assert positions == [(1, 1), (2, 41), (3, 57)]


def test_simple_export_line_before_any_key_fails_that_record() -> None:
    data = b"This is not a key line\ntitle: x\n\neprintid: 9\ntitle: y\ncreators_name: A, B\n"
    outcomes = list(recordparse.read(data, "eprints-simple", errors="collect"))
    assert isinstance(outcomes[0], Failure)
    assert isinstance(outcomes[1], Record) and outcomes[1].id == "9"


def test_simple_export_document_urls_alone_say_nothing_about_access() -> None:
    # The Simple export lists restricted documents too: without full_text_status, unknown.
    data = b"eprintid: 12\ntitle: x\ncreators_name: A, B\ndocument_url: http://e.org/12/1/a.pdf\n"
    record = recordparse.parse(data, "eprints-simple")
    assert access(record) == ("unknown", None)
    assert record.urls == ("http://e.org/12/1/a.pdf",)


# -- HTML abstract pages -------------------------------------------------------------------------


def page(name: str) -> Record:
    return recordparse.parse(EPRINTS / name)


def test_html_open_page_maps_head_tags() -> None:
    record = page("summary-open.html")
    assert record.format == "eprints-html"
    assert record.id == "5512"
    assert [a.name for a in record.authors] == ["Campbell, Fiona", "Okafor, Chidi", "Müller, Jürgen"]
    assert record.date_published == "2023-02"
    assert record.date_deposited == "2023-03-09"
    assert record.doi == "10.1016/j.soilbio.2023.108911"
    assert list(record.keywords) == ["nitrification", "archaea", "soil pH"]
    assert record.issns == ("0038-0717",)
    assert record.license == "cc_by_4"  # DC.rights is the document licence, not an access word
    assert access(record) == ("open", None)
    # The whole citation in DC.identifier and the two DC.type values are kept, not mapped.
    assert record.extra["DC.type"] == ["Article", "PeerReviewed"]
    assert any("(2023) Ammonia oxidisers" in v for v in record.extra["DC.identifier"])
    assert record.abstract is not None and "& find pH" in record.abstract
    assert "https://eprints.example.ac.uk/id/eprint/5512" in record.urls


@pytest.mark.parametrize(
    ("name", "status", "end"),
    [
        ("summary-embargo.html", "embargoed", "2027-02-06"),
        ("summary-expired.html", "embargoed", "2024-03-01"),
        ("summary-restricted.html", "restricted", None),
        ("summary-nofulltext.html", "metadata_only", None),
        ("summary-conflict.html", "restricted", None),
        ("summary-thesis-mixed.html", "restricted", None),
    ],
)
def test_html_access_states(name: str, status: str, end: str | None) -> None:
    record = page(name)
    assert access(record) == (status, end)


def test_html_pdf_url_of_a_restricted_document_proves_nothing() -> None:
    record = page("summary-embargo.html")
    assert record.extra["citation_pdf_url"].endswith("evans_gcb_aam.pdf")
    assert record.access.status == "embargoed"
    assert any("Restricted to Repository staff only until 6 February 2027" in e for e in record.access.evidence)


def test_html_expired_embargo_is_flagged_expired() -> None:
    codes = flag_codes(page("summary-expired.html"))
    assert "embargo_expired" in codes and "embargoed" not in codes


def test_html_nofulltext_request_button_does_not_make_it_restricted() -> None:
    record = page("summary-nofulltext.html")
    assert "access_conflict" not in [f["code"] for f in record.flags]
    assert "Full text not available from this repository" in record.access.evidence


def test_html_conflict_and_mixed_thesis_are_flagged() -> None:
    for name in ("summary-conflict.html", "summary-thesis-mixed.html"):
        record = page(name)
        assert "access_conflict" in flag_codes(record), name
    mixed = page("summary-thesis-mixed.html")
    assert any("Whole Thesis" in e for e in mixed.access.evidence)


@pytest.mark.parametrize("lang", ["de", "fr", "es", "pt", "it", "nl"])
def test_html_localised_pages_with_localised_dates(lang: str) -> None:
    record = page(f"summary-{lang}.html")
    assert access(record) == ("embargoed", "2027-01-01")
    assert record.language == lang


# -- text renderings -----------------------------------------------------------------------------


def test_text_utas_pages_split_and_map() -> None:
    records = read_all(EPRINTS / "utas-pages.txt")
    assert [r.format for r in records] == ["eprints-text"] * 3
    thesis, article, old = records
    assert thesis.id == "13456"
    assert thesis.title == "The Cascades Female Factory, 1828–1856"  # heading's full stop dropped
    assert [a.name for a in thesis.authors] == ["Rootes, G"]
    assert thesis.type == "thesis" and thesis.extra["type"] == "Thesis (Research Master)"
    assert thesis.date_deposited == "2012-04-20"
    # UTas: public front matter, whole thesis "Full text restricted".
    assert access(thesis) == ("restricted", None)
    assert thesis.extra["copyright_holders"].startswith("Copyright 2004 the author")
    assert thesis.abstract is not None and "convictrecords" in thesis.abstract
    assert [a.name for a in article.authors] == ["Sharples, Chris", "Walford, Hannah", "Roberts, Luke"]
    assert article.doi == "10.2112/JCOASTRES-D-19-00112.1"
    assert article.date_published == "2020-07"
    assert (article.journal, article.volume, article.issue, article.start_page, article.end_page) == (
        "Journal of Coastal Research", "36", "4", "711", "728")
    assert access(article) == ("open", None)
    assert old.title == "The hydrology of the Derwent estuary"
    assert access(old) == ("metadata_only", None)
    assert old.keywords == ()


def test_text_footers_stay_with_their_page() -> None:
    records = read_all(EPRINTS / "utas-pages.txt")
    lines = [r.position.line for r in records if r.position]
    assert lines == [1, 42, 79]


def test_text_enlighten_pages() -> None:
    records = {r.id: r for r in read_all(EPRINTS / "enlighten-pages.txt")}
    embargo = records["292051"]
    assert access(embargo) == ("embargoed", "2027-02-06")
    assert embargo.type == "paper-conference"
    # A row with a label no table knows is its own field, not the previous row's value.
    assert embargo.extra["Glasgow Author(s) Enlighten ID"] == "Macdonald, Dr Ewan"
    assert embargo.extra["refereed"] == "Yes"
    assert [a.name for a in embargo.authors] == ["Macdonald, E.", "Singh, P."]
    assert access(records["288000"]) == ("embargoed", "2024-03-01")
    assert "embargo_expired" in flag_codes(records["288000"])
    report = records["201111"]
    assert access(report) == ("restricted", None)
    assert [a.name for a in report.authors] == ["Estates and Buildings"]
    conflict = records["201500"]
    assert access(conflict) == ("restricted", None)
    assert "access_conflict" in flag_codes(conflict)


def test_text_page_cut_short_is_reported_not_dropped() -> None:
    data = (EPRINTS / "enlighten-pages.txt").read_bytes()
    cut = data[: data.index(b"Item Type:\tArticles\nAuthors:\tMacDonald")]
    outcomes = list(recordparse.read(cut, "eprints-text", errors="collect"))
    assert len(outcomes) == 4
    assert isinstance(outcomes[-1], Failure)
    assert [o.id for o in outcomes[:3] if isinstance(o, Record)] == ["292051", "288000", "201111"]


# -- helpers -------------------------------------------------------------------------------------


def test_rendered_names_are_paired_on_commas() -> None:
    assert split_rendered_names("Sale, AHJ, Smith, J and Jones, K") == ["Sale, AHJ", "Smith, J", "Jones, K"]
    assert split_rendered_names("Kavanagh, W D(William Dudley)") == ["Kavanagh, W D(William Dudley)"]


def test_keywords_split_on_semicolons_before_commas() -> None:
    assert split_keywords("Perfluorooctane sulfonate (PFOS); Photocatalysis") == [
        "Perfluorooctane sulfonate (PFOS)", "Photocatalysis"]
    assert split_keywords("Robotics, robust control") == ["Robotics", "robust control"]


# -- sniffing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("ep3-multi.xml", "eprints-xml"),
        ("simple-3.txt", "eprints-simple"),
        ("summary-open.html", "eprints-html"),
        ("summary-restricted.html", "eprints-html"),
        ("utas-pages.txt", "eprints-text"),
    ],
)
def test_specific_parser_wins_detection(name: str, fmt: str) -> None:
    ranked = recordparse.detect(EPRINTS / name)
    assert ranked[0].name == fmt
    assert ranked[0].score >= 0.8
    generic = [c.score for c in ranked if c.name == "meta-tags"]
    assert all(score < ranked[0].score for score in generic)


@pytest.mark.parametrize(
    "parser", [EprintsXmlParser(), EprintsHtmlParser(), EprintsTextParser(), EprintsSimpleParser()]
)
def test_sniffers_score_zero_on_other_formats(parser: recordparse.Parser) -> None:
    others = [
        b'<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords/></OAI-PMH>',
        b'<html><head><meta name="citation_title" content="x"><meta name="Generator" content="DSpace 6.3"></head></html>',
        b'{"metadata": {"title": "x"}}',
        b"dc.contributor.author\tSmith, J\nen\ndc.title\tX\tdc.date.issued\t2020\n",
        b"Main Authors: Smith, J\nFormat: Article\nLanguage: English\n",
        b"# Notes\nEP3 XML: <eprints xmlns=\"http://eprints.org/ep2/data/2.0\"><eprint> ...\n",
    ]
    for data in others:
        assert parser.sniff(data) == 0.0
