"""figshare-text, figshare-html and figshare-api: Figshare for Institutions pages and API records."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import recordparse
from recordparse import Failure, Record
from recordparse.formats.figshare import (
    FigshareApiParser,
    FigshareHtmlParser,
    FigshareTextParser,
    split_authors,
)
from tests.conftest import FIXTURES, TODAY, shared_path

FIGSHARE = FIXTURES / "figshare"


def parse(name: str) -> Record:
    return recordparse.parse(FIGSHARE / name)


def read_all(name: str) -> list[Record | Failure]:
    return list(recordparse.read(FIGSHARE / name, errors="collect"))


def codes(record: Record) -> list[str]:
    return [f.code for f in recordparse.check(record, today=TODAY)]


def access(record: Record) -> tuple[str, str | None]:
    return record.access.status, record.access.embargo_end


# -- real data --------------------------------------------------------------------------------


def test_real_smithsonian_api_record() -> None:
    path = shared_path("realdata", "ir", "figshare-api-smithsonian-10042703.json")
    expected = json.loads(path.with_name("figshare-api-smithsonian-10042703.expected.json").read_text("utf-8"))
    record = recordparse.parse(path)  # auto-detected
    assert record.format == "figshare-api"
    assert record.title == expected["title"]
    assert [a.name for a in record.authors] == expected["authors"]
    # timeline.firstOnline, not the posted date of version 5 (published_date)
    assert record.date_published == expected["date_published"] == "2019-10-28"
    assert record.type == expected["type"]
    assert record.publisher == expected["publisher"]
    assert record.journal == expected["journal"]
    assert record.doi == expected["doi"]
    assert list(record.keywords) == expected["keywords"]
    assert (record.access.status, record.access.embargo_end) == (expected["access"], expected["embargo_end"])
    # is_embargoed=false beside embargo_type="file": not an embargo
    assert record.extra["embargo_type"] == "file"
    # The expected file's "rights" is the licence name: the item has no rights statement, so by
    # the Record's convention the licence is its rights too, and `license` holds it alone.
    assert record.license == expected["rights"]
    assert record.rights == expected["rights"]
    extra = expected["_extra"]
    # expected "published_date_field" is the source's published_date, kept under its own name
    assert record.extra["published_date"] == extra["published_date_field"]
    assert record.date_deposited == "2024-03-08"
    assert record.extra["version"] == extra["version"]
    assert list(record.subjects) == extra["categories"]
    assert record.extra["portal"] == extra["portal"]
    assert record.authors[0].orcid is not None and record.authors[0].orcid.endswith("0000-0003-2035-6699")
    assert record.id == "10042703"
    assert codes(record) == []


# -- text pages: access states ----------------------------------------------------------------


def test_open_thesis_page() -> None:
    record = parse("utas_open_thesis.txt")
    assert record.format == "figshare-text"
    assert record.type == "thesis"
    assert record.title.startswith("Going to the mechanics' institute")
    assert [a.name for a in record.authors] == ["Stefan Petrow"]
    assert access(record) == ("open", None)
    assert record.access.evidence == ("whole_PetrowStefan1995_thesis.pdf (16.28 MB)", "Repository Status: Open")
    assert record.extra["Publication status"] == "Unpublished"
    assert record.rights.startswith("Copyright 1995 the author Thesis (PhD)")
    assert record.institution == "University of Tasmania"
    # two paragraphs, joined with one space
    assert record.abstract.endswith("serve than by the colonial middle class that ran them.")
    assert "programmes. It argues" in record.abstract
    assert codes(record) == []


def test_dated_embargo_takes_the_date_next_to_the_banner() -> None:
    record = parse("utas_embargo_dated.txt")
    assert access(record) == ("embargoed", "2027-03-01")
    assert record.access.evidence == ("File(s) under embargo until 1 March 2027", "Repository Status: Restricted")
    assert record.extra["embargo_reason"] == "Publisher-imposed embargo period"
    assert codes(record) == ["embargoed"]
    # the label/value blocks around an empty Article number
    assert (record.journal, record.volume, record.issue) == ("Wildlife Research", "50", "4")
    assert (record.start_page, record.end_page) == ("312", "325")
    assert record.extra["Pagination"] == "312-25"  # the abbreviated source form
    assert record.article_number is None
    assert record.extra["empty_fields"] == ["Article number"]
    assert record.issns == ("1035-3712",)
    assert record.extra["Department/School"] == "School of Natural Sciences"
    assert [a.name for a in record.authors] == ["Rodrigo Hamede", "Menna Jones", "Clare Hawkins"]


def test_expired_embargo_is_kept_and_flagged() -> None:
    record = parse("utas_embargo_expired.txt")
    assert access(record) == ("embargoed", "2024-01-31")
    assert codes(record) == ["embargo_expired"]
    assert [a.name for a in record.authors] == ["Hamish Maxwell-Stewart", "Byard, RW"]
    assert (record.start_page, record.end_page) == ("521", "539")


def test_restricted_page() -> None:
    record = parse("utas_restricted.txt")
    assert access(record) == ("restricted", None)
    assert record.access.evidence == ("Full text restricted", "Repository Status: Restricted")
    assert (record.start_page, record.end_page) == ("e45", "e52")
    assert codes(record) == ["restricted"]


def test_page_without_file_or_banner_is_metadata_only() -> None:
    record = parse("utas_metadata_only.txt")
    assert access(record) == ("metadata_only", None)
    assert record.type == "report"
    assert record.publisher == "Derwent Estuary Program"
    assert record.extra["Place of publication"] == "Hobart, Tasmania"
    assert codes(record) == ["metadata_only"]


def test_confidential_page() -> None:
    record = parse("utas_confidential.txt")
    assert access(record) == ("restricted", None)
    assert record.access.evidence[0] == "Confidential"
    assert record.extra["embargo_reason"] == "Contains identifiable participant data"
    assert record.type == "dataset"


def test_crlf_bom_and_stray_whitespace_read_like_the_plain_page() -> None:
    crlf = parse("utas_crlf.txt")
    plain = parse("utas_embargo_dated.txt")
    assert crlf.to_dict() == plain.to_dict()
    assert crlf.position is not None and crlf.position.line == 1


# -- text pages: layout ------------------------------------------------------------------------


def test_other_portal_with_its_own_labels() -> None:
    record = parse("lboro_custom_labels.txt")
    assert record.institution == "Loughborough University"
    assert [a.name for a in record.authors] == ["Jane Doe", "Wei Zhang", "Rob V. van Nieuwpoort"]
    assert record.journal == "Acta Materialia"
    assert (record.volume, record.start_page, record.end_page) == ("265", "119612", None)
    assert record.publisher == "Elsevier"
    assert record.date_published == "2024-01-05"  # the Publication date label
    assert record.date_deposited == "2024-02-09"  # posted on
    assert record.issns == ("1359-6454", "1873-2453")
    assert record.language == "en"
    assert record.license == "CC BY 4.0"
    assert record.rights.startswith("This is an Open Access Article.")  # Publisher statement
    assert record.doi == "10.1016/j.actamat.2024.119612"
    assert record.keywords == ("additive manufacturing", "grain boundary engineering", "316L")
    assert record.subjects == ("Materials engineering not elsewhere classified",)
    # labels no parser table knows are read by their shape, with their values
    assert record.extra["Rights holder"] == "© The Authors"
    assert record.extra["Depositor"] == "Dr Jane Doe. Deposit date: 8 February 2024"
    assert record.extra["School"] == "Aeronautical, Automotive, Chemical and Materials Engineering"
    assert record.extra["Acceptance date"] == "2023-12-18"
    assert record.extra["Funding"] == "Engineering and Physical Sciences Research Council (EP/T012345/1)"
    assert access(record) == ("open", None)
    assert "unlabelled" not in record.extra
    assert record.flags == ()


def test_lost_labels_placed_by_field_order_or_kept_unlabelled() -> None:
    record = parse("utas_lost_labels.txt")
    # "12" and "3" sit where Volume and Issue belong and fit them
    assert (record.volume, record.issue) == ("12", "3")
    assert record.extra["inferred_labels"] == ["Volume", "Issue"]
    # "Blackwell" could be the Department/School or the Publisher: not guessed
    assert record.publisher is None
    assert record.extra["unlabelled"] == ["Blackwell"]
    flag = next(f for f in record.flags if f["code"] == "ambiguous_field")
    assert flag["evidence"] == ["Blackwell", "Department/School", "Publisher"]
    assert record.extra["Place of publication"] == "Oxford"
    assert access(record) == ("restricted", "permanent")


def test_multi_page_dump_is_split_into_records() -> None:
    records = read_all("utas_multipage.txt")
    assert all(isinstance(r, Record) for r in records)
    assert [r.title for r in records if isinstance(r, Record)] == [
        "Oyster reef restoration in south-east Tasmania: a first assessment",
        "Forensic age estimation from convict records",
        "Seaweed farming trials at Okehampton Bay",
    ]
    first, second, third = (r for r in records if isinstance(r, Record))
    assert first.position is not None and (first.position.record, first.position.line) == (1, 1)
    assert second.position is not None and second.position.line == 64
    assert third.position is not None and third.position.record == 3
    assert access(first) == ("open", None)
    assert (first.start_page, first.end_page) == ("211", "218")
    # a countdown cannot be turned into a date without the capture date
    assert access(second) == ("embargoed", None)
    assert second.extra["embargo_countdown"].startswith("1 year(s) 3 month(s) 12 day(s)")
    assert [a.name for a in second.authors] == ["Byard, RW", "Hamish Maxwell-Stewart"]
    assert (second.start_page, second.end_page) == ("1021", "1029")
    assert third.institution == "University Of Tasmania"
    assert access(third) == ("metadata_only", None)
    assert third.rights == "Copyright 2021 University of Tasmania"  # no final newline


def test_a_text_that_is_not_an_item_page_fails_with_its_position() -> None:
    data = b"University of Tasmania\n\nSome title\n\nposted on 2023-05-20, 20:58 authored by A B\n\nText.\n"
    assert recordparse.parse(data, format="figshare-text").title == "Some title"
    bad = list(recordparse.read(b"just some notes\nwithout a posted line\n", format="figshare-text", errors="collect"))
    assert len(bad) == 1 and isinstance(bad[0], Failure)
    assert bad[0].line == 1 and "posted on" in bad[0].reason


@pytest.mark.parametrize(
    ("text", "names", "ambiguous"),
    [
        ("Alana De Luca, Alan LyonsAlan Lyons, Andrew FliesAndrew Flies", ["Alana De Luca", "Alan Lyons", "Andrew Flies"], []),
        ("Byard, RW, Hamish Maxwell-StewartHamish Maxwell-Stewart", ["Byard, RW", "Hamish Maxwell-Stewart"], []),
        ("Byard, RWByard, RW, Anna Anna", ["Byard, RW", "Anna Anna"], []),
        ("Smith, J.A., Jo Lee", ["Smith, J.A.", "Jo Lee"], []),
        ("Smith, John, Jo Lee", ["Smith, John", "Jo Lee"], ["Smith, John"]),
        ("", [], []),
    ],
)
def test_split_authors(text: str, names: list[str], ambiguous: list[str]) -> None:
    assert split_authors(text) == (names, ambiguous)


# -- HTML pages --------------------------------------------------------------------------------


def test_html_page_reads_like_the_text_rendering() -> None:
    record = parse("utas_open_page.html")
    assert record.format == "figshare-html"
    assert record.id == "23045127"
    assert record.title == "Oyster reef restoration in south-east Tasmania: a first assessment"
    # the hidden copy of a profile name is left out, not doubled
    assert [a.name for a in record.authors] == ["Caleb Gardner", "Jane Jones"]
    assert record.journal == "Ecological Management & Restoration"
    assert (record.volume, record.issue, record.start_page, record.end_page) == ("20", "3", "211", "218")
    assert record.subjects == ("Coastal and estuarine systems and management", "Fisheries - aquaculture")
    assert record.abstract == (
        "Six trial reefs were built in 2017 and monitored for two years. "
        "Oyster recruitment was highest on reefs built from recycled shell & limestone."
    )
    assert access(record) == ("open", None)
    assert record.date_deposited == "2023-05-19"
    assert record.date_published is None  # the citation_publication_date is kept, not trusted
    assert record.extra["citation_publication_date"] == "2023/05/19"
    assert record.extra["citation_pdf_url"].endswith("/ndownloader/files/40512345")


def test_html_embargo_page_with_meta_and_json_ld() -> None:
    record = parse("smithsonian_embargo_page.html")
    assert access(record) == ("embargoed", "2027-06-30")
    assert record.access.evidence == ("File(s) under embargo until 30 June 2027",)
    assert record.doi == "10.25573/data.24871532.v1"
    assert record.keywords == ("coral bleaching", "Caribbean", "sea surface temperature")
    assert record.license == "CC BY 4.0"
    assert record.rights == "CC BY 4.0"  # no rights statement: the licence stands as rights
    assert record.type == "dataset"
    assert record.institution == "Smithsonian Institution"
    assert record.extra["datePublished"] == "2024-02-14T16:20:11Z"
    assert [a.name for a in record.authors] == ["Ana Maria Lopez", "Steven Paton"]


def test_html_page_with_only_meta_tags_falls_back_to_them() -> None:
    page = (
        b"<!DOCTYPE html><html><head><meta name='generator' content='figshare'>"
        b"<link rel='stylesheet' href='https://static.figshare.com/web/main.css'>"
        b"<meta name='citation_title' content='A title from meta'>"
        b"<meta name='citation_author' content='Jo Lee'>"
        b"<link rel='canonical' href='https://example.figshare.com/articles/dataset/x/12345678'>"
        b"</head><body><div id='app'></div></body></html>"
    )
    record = recordparse.parse(page)
    assert record.format == "figshare-html"
    assert (record.title, record.id) == ("A title from meta", "12345678")
    assert [a.name for a in record.authors] == ["Jo Lee"]
    assert access(record) == ("unknown", None)


def test_html_sniff_beats_meta_tags_on_figshare_and_loses_elsewhere() -> None:
    parser = FigshareHtmlParser()
    figshare = (FIGSHARE / "utas_open_page.html").read_bytes()
    assert parser.sniff(figshare) >= 0.85
    assert recordparse.detect(FIGSHARE / "utas_open_page.html")[0].name == "figshare-html"
    dspace = (
        b"<!DOCTYPE html><html><head><meta name='citation_title' content='T'>"
        b"<meta name='citation_author' content='A'>"
        b"<meta name='citation_pdf_url' content='https://repo.example.org/bitstream/1/2/x.pdf'>"
        b"</head><body><a href='https://figshare.com/articles/dataset/Data/1234567'>data</a></body></html>"
    )
    assert parser.sniff(dspace) < 0.4
    assert recordparse.detect(dspace)[0].name != "figshare-html"
    assert parser.sniff(b"posted on 2023-05-20, 20:58 authored by X") == 0.0  # not HTML


def test_unreadable_html_is_a_failure() -> None:
    results = list(recordparse.read(b"   ", format="figshare-html", errors="collect"))
    assert len(results) == 1 and isinstance(results[0], Failure)


# -- API ---------------------------------------------------------------------------------------


def test_api_article_with_custom_fields() -> None:
    record = parse("api_article.json")
    assert record.id == "23045127"
    assert record.type == "article-journal"
    assert record.extra["type"] == "journal contribution"
    assert record.date_published == "2021-03-04"  # timeline.publisherPublication
    assert record.date_deposited == "2023-05-21"
    assert record.doi is None  # "" in the source
    assert (record.journal, record.volume, record.issue) == ("Journal of Forensic Sciences", "66", "3")
    assert (record.start_page, record.end_page) == ("1021", "1029")
    assert record.issns == ("0022-1198", "1556-4029")
    assert record.publisher == "Wiley-Blackwell"
    assert record.rights == "Copyright 2021 American Academy of Forensic Sciences"
    assert record.license == "CC0"
    # a list-valued custom field stays a list in extra
    assert record.extra["Department/School"] == ["School of Humanities", "Tasmanian School of Medicine"]
    assert record.extra["Place of publication"] == "United States"
    assert record.subjects == (
        "Forensic biology",
        "Australian history",
        "Expanding knowledge in history, heritage and archaeology",
        "Justice and the law",
    )
    assert [(a.name, a.given, a.family) for a in record.authors] == [
        ("Byard, RW", "RW", "Byard"),
        ("Hamish Maxwell-Stewart", "Hamish", "Maxwell-Stewart"),
    ]
    assert record.abstract == (
        "Ages recorded on arrival are compared with skeletal age estimates from a colonial cemetery. "
        "Convicts under-reported their age by 2.1 years on average."
    )
    assert record.extra["description"].startswith("<p>Ages recorded")
    assert access(record) == ("open", None)
    assert record.access.evidence == ("files: Byard_2021_AAM.pdf", "Repository Status: Open")
    assert record.extra["portal"] == "figshare.utas.edu.au"


def test_api_list_gives_one_record_per_article() -> None:
    records = read_all("api_list.json")
    assert [r.id for r in records if isinstance(r, Record)] == ["23045127", "24871532"]
    assert records[1].position is not None and records[1].position.record == 2


@pytest.mark.parametrize(
    ("name", "expected", "flags"),
    [
        ("api_embargoed.json", ("embargoed", "2027-06-30"), ["embargoed"]),
        ("api_permanent.json", ("restricted", "permanent"), ["embargoed", "restricted"]),
        ("api_confidential.json", ("restricted", None), ["restricted"]),
        ("api_metadata_record.json", ("metadata_only", None), ["metadata_only"]),
    ],
)
def test_api_access_states(name: str, expected: tuple[str, str | None], flags: list[str]) -> None:
    record = parse(name)
    assert access(record) == expected
    assert codes(record) == flags


def test_api_access_evidence() -> None:
    embargoed = parse("api_embargoed.json")
    assert embargoed.access.evidence == (
        'is_embargoed=true, embargo_date="2027-06-30", embargo_type=file, embargo_title=File(s) under embargo, '
        "embargo_reason=Data under analysis for publication, embargo_options=logged_in",
    )
    confidential = parse("api_confidential.json")
    assert confidential.access.evidence == ("is_confidential=true, confidential_reason=Contains identifiable participant data",)
    permanent = parse("api_permanent.json")
    assert permanent.access.evidence[1] == "Repository Status: Restricted"


def test_api_json_lines() -> None:
    records = read_all("api_articles.jsonl")
    assert [r.id for r in records if isinstance(r, Record)] == ["23046000", "24871533"]
    permanent, lifted = records
    assert isinstance(permanent, Record) and isinstance(lifted, Record)
    assert access(permanent) == ("restricted", "permanent")  # is_embargoed with embargo_date null
    # is_embargoed=false with an old embargo_date: the embargo has lifted
    assert access(lifted) == ("open", None)
    assert lifted.extra["embargo_date"] == "2024-01-01"


def _article(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FIGSHARE / "api_embargoed.json").read_text("utf-8"))
    data.update(changes)
    return data


def test_api_missing_files_key_and_other_flags() -> None:
    # no embargo flags and no files key: the files are withheld (file embargo or confidential)
    data = _article(is_embargoed=False)
    record = recordparse.parse(json.dumps(data).encode(), format="figshare-api")
    assert access(record) == ("restricted", None)
    assert "no 'files' key" in record.access.evidence[0]
    disabled = recordparse.parse(json.dumps(_article(is_embargoed=False, download_disabled=True, files=[{"name": "a.csv"}])).encode())
    assert access(disabled) == ("restricted", None)
    empty = recordparse.parse(json.dumps(_article(is_embargoed=False, files=[])).encode())
    assert access(empty) == ("metadata_only", None)
    # embargo_type alone is not an embargo
    typed = recordparse.parse(json.dumps(_article(is_embargoed=False, embargo_type="article", files=[{"name": "a.csv"}])).encode())
    assert access(typed) == ("open", None)


def test_api_conflicting_signals_are_flagged() -> None:
    data = _article(custom_fields=[{"name": "Repository Status", "value": "Open"}])
    record = recordparse.parse(json.dumps(data).encode())
    assert access(record) == ("embargoed", "2027-06-30")
    assert "access_conflict" in codes(record)


def test_api_defined_type_code_without_name() -> None:
    data = _article(defined_type=14, defined_type_name=None)
    assert recordparse.parse(json.dumps(data).encode()).type == "paper-conference"


def test_api_broken_item_does_not_cost_the_others() -> None:
    good = json.dumps(_article())
    results = list(recordparse.read(io.BytesIO(f"[{good},\n{{\"id\": 1, \"title\": }},\n{good}]".encode()), format="figshare-api", errors="collect"))
    assert [type(r).__name__ for r in results] == ["Record", "Failure", "Record"]
    untitled = list(recordparse.read(json.dumps({"id": 5, "defined_type": 3}).encode(), format="figshare-api", errors="collect"))
    assert isinstance(untitled[0], Failure) and "no title" in untitled[0].reason


def test_api_sniff() -> None:
    parser = FigshareApiParser()
    assert parser.sniff((FIGSHARE / "api_article.json").read_bytes()) >= 0.9
    assert parser.sniff(b'{"metadata": {"access_right": "open"}, "conceptdoi": "10.5281/zenodo.1"}') == 0.0
    assert parser.sniff(b"University of Tasmania\nposted on 2023-05-20") == 0.0


def test_text_sniff() -> None:
    parser = FigshareTextParser()
    seedlike = (FIGSHARE / "utas_embargo_dated.txt").read_bytes()
    assert parser.sniff(seedlike) >= 0.9
    assert parser.sniff(b"<html><body>posted on 2023-05-20, 20:58 authored by A</body></html>") == 0.0
    assert parser.sniff(b"Title: x\nAuthor: y\n") == 0.0
    assert parser.sniff(b"\xff\xfe\x00garbage") == 0.0


def test_every_fixture_parses_without_failures() -> None:
    for path in sorted(Path(FIGSHARE).iterdir()):
        for result in recordparse.read(path, errors="collect"):
            assert isinstance(result, Record), f"{path.name}: {result}"
            assert result.format.startswith("figshare-")
            assert result.title


def test_field_order_is_learned_from_earlier_pages_of_the_same_portal() -> None:
    page = (
        "Example University\n\n1 files\n\n{title}\n\njournal contribution\n"
        "posted on 2024-01-02, 10:00 authored by Jo Lee\n\nA description.\n\n"
        "Published in\n\nActa Example\n\n{publisher}\n\nVersion\n\nAM (Accepted Manuscript)\n\n"
    )
    first = page.format(title="First", publisher="Publisher\n\nExample Press")
    second = page.format(title="Second", publisher="Other Press")  # the Publisher label was lost
    records = list(recordparse.read((first + second).encode(), format="figshare-text"))
    assert [r.publisher for r in records] == ["Example Press", "Other Press"]
    assert records[1].extra["inferred_labels"] == ["Publisher"]
    # the second page alone cannot place the value
    alone = recordparse.parse(second.encode(), format="figshare-text")
    assert alone.publisher is None
    assert alone.extra["unlabelled"] == ["Other Press"]


def test_foreign_text_is_cut_into_bounded_failures() -> None:
    data = b"line\n" * 45_000
    results = list(recordparse.read(data, format="figshare-text", errors="collect"))
    assert len(results) == 3
    assert all(isinstance(r, Failure) for r in results)


@settings(max_examples=60)
@given(st.lists(st.sampled_from([
    "", "  ", "University of Tasmania", "File(s) under embargo", "until 1 March 2027", "Title line",
    "Download (1 MB)", "journal contribution", "posted on 2023-05-20, 20:58 authored by A BA B, C",
    "Publication title", "Volume", "12", "Pagination", "521-39", "• Restricted", "Repository Status",
    "Usage metrics", "Exports", "DC", "x" * 300, "Socio-economic Objectives", "a; b",
]), max_size=40))
def test_text_pages_never_crash_the_reader(lines: list[str]) -> None:
    data = "\n".join(lines).encode()
    for result in recordparse.read(data, format="figshare-text", errors="collect"):
        assert isinstance(result, (Record, Failure))
        if isinstance(result, Failure):
            assert "cannot map record" not in result.reason  # no parser bug surfaced as a failure


def test_history_timeline_dates() -> None:
    data = (
        b"University of Tasmania\n\nA title\n\njournal contribution\n"
        b"posted on 2023-05-20, 20:58 authored by Jo Lee\n\nA description.\n\n"
        b"History\n\nAcceptance date 2020-12-01\n\nPublication date\n\n2021-03-04\n\n"
        b"Publisher\n\nWiley\n"
    )
    record = recordparse.parse(data, format="figshare-text")
    assert record.date_published == "2021-03-04"
    assert record.extra["Acceptance date"] == "2020-12-01"
    assert record.date_deposited == "2023-05-20"
    assert record.publisher == "Wiley"
    assert record.extra["empty_fields"] == ["History"]
