"""MARC 21 (MARCXML) records in OAI-PMH harvests: the ``marc21`` metadata mapper."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

import recordparse
from recordparse import Record, RecordBuilder
from recordparse.formats.marc import (
    MARC_NAMESPACE,
    map_marcxml,
    parse_related_parts,
    read_marcxml,
    strip_isbd,
)
from recordparse.formats.oai import METADATA_MAPPERS
from recordparse.record import Position
from recordparse.xmlsafe import parse_document
from tests.conftest import FIXTURES, TODAY

OAI = FIXTURES / "oai"
PAGE = OAI / "marc21-listrecords-page.xml"
TYPES = OAI / "marc21-listrecords-types.xml"
DATASET = OAI / "marc21-getrecord-dataset.xml"
NESTED = OAI / "listrecords-marcxml-nested.xml"


def records(path: Path) -> dict[str, Record]:
    return {r.id or "": r for r in recordparse.read(path, errors="raise")}


@pytest.fixture(scope="module")
def page() -> dict[str, Record]:
    return records(PAGE)


def names(record: Record) -> list[str]:
    return [a.name for a in record.authors]


def flag_codes(record: Record) -> list[str]:
    return [f.code for f in recordparse.check(record, today=TODAY)]


# -- building small records in the tests --------------------------------------------------------


def f008(date1: str = "2019", material: str = " " * 17, lang: str = "eng", dtype: str = "s") -> str:
    value = f"190312{dtype}{date1:<4}    enk{material}{lang} d"
    assert len(value) == 40
    return value


def marcxml(
    spec: str, leader: str = "00000nam a2200000 i 4500", controls: tuple[tuple[str, str], ...] = ()
) -> bytes:
    """A MARCXML record from lines such as ``245 10 ‡aTitle /‡cBy me.`` (``_`` is a blank indicator)."""
    parts = [f'<record xmlns="{MARC_NAMESPACE}">', f"<leader>{leader}</leader>"]
    parts += [
        f'<controlfield tag="{tag}">{escape(value)}</controlfield>' for tag, value in controls
    ]
    for line in filter(None, (ln.strip() for ln in spec.strip().splitlines())):
        tag, ind1, ind2 = line[:3], line[4].replace("_", " "), line[5].replace("_", " ")
        subs = "".join(
            f'<subfield code="{s[0]}">{escape(s[1:])}</subfield>' for s in line[7:].split("‡")[1:]
        )
        parts.append(f'<datafield tag="{tag}" ind1="{ind1}" ind2="{ind2}">{subs}</datafield>')
    parts.append("</record>")
    return "".join(parts).encode("utf-8")


def marc(
    spec: str, leader: str = "00000nam a2200000 i 4500", *, f008_value: str | None = None
) -> Record:
    controls = (("008", f008_value),) if f008_value else ()
    element = parse_document(marcxml(spec, leader, controls), Position("test", 1))
    builder = RecordBuilder("oai-pmh")
    map_marcxml(element, builder, None)
    return builder.build()


# -- registration and detection -----------------------------------------------------------------


def test_marc_namespace_is_registered_with_the_oai_parser() -> None:
    assert METADATA_MAPPERS[MARC_NAMESPACE] == "recordparse.formats.marc:map_marcxml"


@pytest.mark.parametrize("path", [PAGE, TYPES, DATASET, NESTED], ids=lambda p: p.name)
def test_marc21_harvests_are_detected_as_oai_pmh(path: Path) -> None:
    ranked = recordparse.detect(path)
    assert ranked[0].name == "oai-pmh"
    assert ranked[0].score >= 0.8  # a specific metadata format, not plain oai_dc


def test_existing_nested_marcxml_fixture_now_maps() -> None:
    found = list(recordparse.read(NESTED, errors="raise"))
    assert [r.id for r in found] == [
        "oai:catalogue.example.ac.uk:991002345",
        "oai:catalogue.example.ac.uk:991002346",
    ]
    # prefixed (marc:record) and default-namespace records read alike; ISBD " /" is cleaned
    assert [r.title for r in found] == [
        "Rivers of the Scottish Borders",
        "Tweed salmon fisheries, 1800-1900",
    ]
    assert {r.type for r in found} == {"book"}
    first = found[0]
    assert first.format == "oai-pmh"
    assert first.extra["001"] == "991002345"
    assert first.extra["leader"] == "00000nam a2200000 i 4500"
    assert first.extra["245"] == [
        {"ind1": "1", "ind2": "0", "subfields": [{"a": "Rivers of the Scottish Borders /"}]}
    ]
    assert first.extra["oai_metadata_format"] == MARC_NAMESPACE
    assert first.position is not None and first.position.line == 6


def test_getrecord_with_collection_wrapper_parses_on_its_own() -> None:
    record = recordparse.parse(DATASET)  # auto-detected, exactly one record
    assert record.id == "oai:datashare.example.ac.uk:10283/4567"
    assert record.extra["001"] == "10283-4567"  # the OAI identifier stays the id
    assert record.type == "dataset" and record.extra["type"] == "Dataset"  # leader m, 008/26 a
    # $h [electronic resource] is a medium, not part of the title
    assert record.title == "Tweed catchment water temperature logger data, 2015-2021"
    assert record.doi == "10.7488/ds/3456"
    # no 260/264: the year comes from 008/07-10, and the record says so
    assert record.date_published == "2022"
    assert record.extra["date_published_source"] == "008/07-10"
    assert record.access.status == "open"
    assert record.access.evidence == ("856$7=0 (https://doi.org/10.7488/ds/3456)",)
    assert record.license == "https://creativecommons.org/licenses/by/4.0/"
    assert record.rights == "Creative Commons Attribution 4.0 International (CC BY 4.0)"
    assert names(record) == ["Scott, Hamish", "River Tweed Commission"]
    assert record.authors[0].affiliations == ("River Tweed Commission",)
    assert record.subjects == ("Water temperature -- Scotland -- Tweed River -- Databases",)
    # 256 is not mapped: kept whole under its tag
    assert record.extra["256"] == [
        {"ind1": " ", "ind2": " ", "subfields": [{"a": "Data (1 file : CSV, 41 MB)"}]}
    ]
    # the only 520 (blank indicators, $a only) is all in the abstract: not repeated in extra
    assert "520" not in record.extra


# -- the ListRecords page -----------------------------------------------------------------------


def test_page_keeps_order_envelope_and_tombstone(page: dict[str, Record]) -> None:
    assert len(page) == 8
    deleted = page["oai:alma.example.ac.uk:9911111110003341"]
    assert deleted.extra["oai_status"] == "deleted" and deleted.title is None
    token = page["oai:alma.example.ac.uk:9912402780003341"].extra["oai_resumption_token"]
    assert token["value"] == "marc21@2024-06-12@@@8" and token["completeListSize"] == "120"


def test_book(page: dict[str, Record]) -> None:
    record = page["oai:alma.example.ac.uk:9912345670003341"]
    assert record.type == "book" and record.extra["type"] == "Book"
    assert record.extra["marc_type"] == "language material, monograph/item"
    assert record.title == "Tweed salmon: a history of the river and its fisheries, 1800-1900"
    assert names(record) == ["MacLeod, Fiona", "Baird, Ewan T."]
    macleod, baird = record.authors
    assert (macleod.family, macleod.given) == ("MacLeod", "Fiona")
    assert macleod.orcid == "https://orcid.org/0000-0002-1825-0097"  # from $1
    assert baird.affiliations == ("University of Edinburgh",)  # from $u
    # life dates left the name but are kept, with the other authority id
    assert record.extra["author_details"] == [
        {
            "tag": "100",
            "name": "MacLeod, Fiona",
            "dates": "1971-",
            "ids": ["http://id.loc.gov/authorities/names/n2012345678"],
        }
    ]
    # 264 second indicator 1 wins over the copyright date (264 _4 ©2019)
    assert record.date_published == "2019"
    assert record.extra["date_published_source"] == "264 $c (ind2 1)"
    assert record.publisher == "Routledge"
    assert record.extra["place"] == ["Abingdon, Oxon", "New York, NY"]
    assert record.extra["isbns"] == ["9781138315464", "9780429455186"]  # $z (cancelled) is not one
    assert record.extra["oclc_num"] == ["1045678123"]
    assert record.extra["edition"] == ["Second edition"]
    assert record.extra["physical"] == ["xiv, 312 pages : illustrations, maps ; 24 cm"]
    # 490 and its traced 830 name the same series once
    assert record.extra["series"] == ["Routledge studies in environmental history ; 14"]
    assert record.extra["contents"] == [
        "Introduction -- The river and its people -- Netting the Tweed -- "
        "Poachers, bailiffs and the law -- Conclusion."
    ]
    assert record.extra["classifications"] == ["LCC:SH255.T84 M33 2019", "DDC:639.2/75609413"]
    assert record.subjects == (
        "Salmon fisheries -- Scotland -- Tweed River -- History -- 19th century",
        "Fishery management -- Scotland -- History",
        "Tweed River (Scotland and England) -- Environmental conditions",
        "Salmon fisheries",
    )
    assert record.keywords == ("river history", "salmon netting")
    assert record.language == "en"
    assert record.abstract is not None and record.abstract.startswith("Drawing on estate papers")
    # a table-of-contents link (856 42) is a URL, not the full text
    assert record.urls == ("http://catdir.loc.gov/catdir/toc/example/2018012345.html",)
    assert "fulltext_links" not in record.extra
    assert record.access.status == "unknown"
    # unmapped tags and lossy ones are kept raw; 020 $z and the RDA 33X fields survive
    assert {"a": "rdacontent"} not in record.extra["336"][0]["subfields"]
    assert record.extra["336"][0]["subfields"] == [{"a": "text"}, {"b": "txt"}, {"2": "rdacontent"}]
    assert record.extra["020"][2] == {
        "ind1": " ",
        "ind2": " ",
        "subfields": [{"z": "9781138315400"}],
    }
    assert record.extra["504"][0]["subfields"][0]["a"].startswith("Includes bibliographical")


def test_journal_article_with_host_item(page: dict[str, Record]) -> None:
    record = page["oai:pure.example.ac.uk:publications/5f1c2a9e-0b7d-4c55-9a41-2d6d2c8f0e11"]
    assert record.type == "article-journal" and record.extra["type"] == "Article"  # leader nab
    assert record.journal == "Scottish geographical journal"
    assert (record.volume, record.issue, record.start_page, record.end_page) == (
        "12",
        "3",
        "45",
        "67",
    )
    assert record.issns == ("1470-2541",)
    assert record.doi == "10.1080/14702541.2020.1789123"  # 024 7_ $2 doi (and the 856 agrees)
    assert names(record) == ["Okonkwo, Adaeze N.", "Ross, Jamie", "Kowalczyk, Marta"]
    assert record.authors[0].orcid == "https://orcid.org/0000-0001-5109-3700"
    assert record.authors[2].orcid == "https://orcid.org/0000-0003-4213-8713"  # $0 (orcid)...
    assert record.keywords == ("sediment", "spawning gravel", "Salmo salar")
    # HTML in the abstract is stripped, the marked-up form kept
    assert record.abstract is not None and "<i>" not in record.abstract
    assert "Salmo salar eggs" in record.abstract and "permeability. Sites below" in record.abstract
    assert "<i>Salmo salar</i>" in record.extra["abstract_html"]
    assert record.urls == ("https://doi.org/10.1080/14702541.2020.1789123",)
    assert record.extra["fulltext_links"] == [
        {
            "url": "https://doi.org/10.1080/14702541.2020.1789123",
            "ind2": "0",
            "$z": "Full text available from publisher",
        }
    ]
    assert record.extra["language_raw"] == ["eng"]  # 008 and 041 say the same once
    assert "value_conflict" not in [f["code"] for f in record.flags]


def test_thesis_under_embargo(page: dict[str, Record]) -> None:
    record = page["oai:era.example.ac.uk:1842/40123"]
    assert record.type == "thesis" and record.extra["type"] == "Thesis"
    assert record.institution == "University of Edinburgh"  # 502 $c
    assert record.extra["degree"] == "Ph.D."
    assert record.access.status == "embargoed"
    assert record.access.embargo_end == "2027-06-30"
    assert record.access.evidence == ("Embargoed until 2027-06-30",)
    assert "embargoed" in flag_codes(record)
    # the degree supervisor is not an author
    assert names(record) == ["Fraser, Catriona Jane"]
    assert record.extra["contributors"] == [
        {"name": "Armstrong, John D.", "roles": ["degree supervisor"]}
    ]
    # a production statement (264 _0) dates the thesis but names no publisher
    assert record.date_published == "2023" and record.publisher is None
    assert "Academic theses" in record.subjects  # 655 genre


def test_manuscript_thesis_restricted_to_campus(page: dict[str, Record]) -> None:
    record = page["oai:alma.example.ac.uk:9912399870003341"]
    assert record.type == "thesis"  # leader t (manuscript) with a 502 note
    assert record.title == "Fish passage at low-head weirs on the Ettrick Water: a field study"
    # 502 $a "Thesis (M.Sc.)--University of Stirling, 2021." read apart
    assert record.institution == "University of Stirling"
    assert record.extra["degree"] == "M.Sc."
    assert record.access.status == "restricted" and record.access.embargo_end is None
    assert record.access.evidence == (
        "506$f=Restricted access",
        "Access restricted to campus users.",
    )
    assert names(record) == ["Nowak, Piotr"]
    assert [c["roles"] for c in record.extra["contributors"]] == [
        ["thesis advisor"],
        ["degree granting institution"],
    ]


def test_corporate_report_with_open_access_link(page: dict[str, Record]) -> None:
    record = page["oai:alma.example.ac.uk:9912400120003341"]
    assert record.type == "report"  # 008/24-27 't' technical report
    assert names(record) == [
        "World Health Organization. Regional Office for Europe",
        "United Nations Children's Fund",
    ]
    assert all(a.given is None and a.family is None for a in record.authors)  # never split
    assert record.publisher == "WHO Regional Office for Europe"
    assert record.date_published == "2021"  # [2021]: supplied by the cataloguer
    assert record.access.status == "open"
    assert record.access.evidence == (
        "506$f=Unrestricted online access",
        "506$u=http://purl.org/coar/access_right/c_abf2",
        "Open access",
        "856$7=0 (https://iris.who.int/handle/10665/345678)",
        "856$z=Open access",
    )
    assert record.license == "https://creativecommons.org/licenses/by-nc-sa/3.0/igo/"
    assert record.rights is not None and record.rights.startswith("This work is available under")
    assert record.urls == (
        "https://iris.who.int/handle/10665/345678",
        "https://iris.who.int/bitstream/handle/10665/345678/9789289055345-eng.pdf",
    )
    assert record.extra["fulltext_links"][0] == {
        "url": "https://iris.who.int/handle/10665/345678",
        "ind2": "0",
        "$3": "Full text",
        "$z": "Open access",
        "$7": "0",
    }
    assert record.extra["006"] == "m     o  d        " and record.extra["007"] == "cr |||||||||||"
    assert not flag_codes(record)


def test_non_latin_880_fields_are_kept(page: dict[str, Record]) -> None:
    record = page["oai:alma.example.ac.uk:9912401450003341"]
    assert record.title == "Zhongguo jin dai shui li shi"  # the romanised 245
    assert record.extra["titles"] == [{"title": "中国近代水利史", "tag": "880", "script": "Hani"}]
    assert record.language == "zh" and record.extra["language_raw"] == ["chi"]
    assert names(record) == ["Wang, Xiaoming"]  # the 880 name is the same person, not a second one
    linked = [f["subfields"][0]["6"] for f in record.extra["880"]]
    assert linked == ["100-01/$1", "245-02/$1", "250-03/$1", "264-04/$1"]
    assert record.extra["880"][3]["subfields"][2] == {"b": "中华书局,"}
    assert record.publisher == "Zhonghua shu ju"


def test_serial_with_corporate_author_and_unknown_publisher(page: dict[str, Record]) -> None:
    record = page["oai:alma.example.ac.uk:9912402780003341"]
    assert record.type == "periodical" and record.extra["type"] == "Journal"
    assert record.title == "Bollettino della Società idrografica toscana"
    assert names(record) == ["Società idrografica toscana"]
    assert record.publisher is None  # [s.n.] is a placeholder, not a publisher
    assert record.extra["place"] == ["Firenze"]
    assert record.date_published == "1922"  # the first year of 1922-1975
    assert record.issns == ("0392-1875",)
    assert record.language == "it"
    assert [f["subfields"][0]["a"] for f in record.extra["500"]] == [
        "Description based on: Anno 1, n. 1 (1922).",
        "Latest issue consulted: Anno 54, n. 4 (1975).",
    ]


# -- record types from the leader ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "csl", "wording"),
    [
        ("map", "map", "Map"),
        ("score", "musical_score", "Musical Score"),
        ("video", "motion_picture", "Video"),
        ("music", "song", "Music Recording"),
        ("photo", "graphic", "Photo"),
        ("software", "software", "Software"),
        ("newspaper", "periodical", "Newspaper"),
        ("website", "webpage", "Website"),
        ("chapter", "chapter", "Book Chapter"),
        ("conference", "paper-conference", "Conference Paper"),
        ("kit", None, "Kit"),
        ("thesis008", "thesis", "Thesis"),
    ],
)
def test_types_from_leader_and_008(name: str, csl: str | None, wording: str) -> None:
    record = records(TYPES)[f"oai:catalogue.example.org:types-{name}"]
    assert record.type == csl
    assert record.extra["type"] == wording


def test_chapter_host_gives_container_and_pages() -> None:
    record = records(TYPES)["oai:catalogue.example.org:types-chapter"]
    assert record.journal == "Rivers and society"
    assert (record.start_page, record.end_page) == ("101", "124")
    assert record.extra["host_isbns"] == ["9781138695801"]
    assert record.issns == ()


def test_record_without_leader_has_no_type() -> None:
    element = parse_document(
        f'<record xmlns="{MARC_NAMESPACE}"><datafield tag="245" ind1="0" ind2="0">'
        '<subfield code="a">Untitled notes.</subfield></datafield></record>'.encode(),
        Position("test", 1),
    )
    builder = RecordBuilder("oai-pmh")
    map_marcxml(element, builder, None)
    record = builder.build()
    assert record.type is None and "type" not in record.extra
    assert record.title == "Untitled notes"


# -- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("imprint", "expected"),
    [
        ("260 __ ‡aLondon :‡bMacmillan,‡cc1998.", "1998"),
        ("260 __ ‡a[S.l. :‡bs.n.],‡c[1998?]", "1998"),
        ("260 __ ‡aParis :‡bGallimard,‡cp2010, c2009.", "2010"),
        ("260 __ ‡aBologna :‡bZanichelli,‡c1975-76.", "1975"),
        ("264 _1 ‡aEdinburgh :‡bBirlinn,‡c2019-05-03.", "2019-05-03"),
        ("264 _1 ‡aEdinburgh :‡bBirlinn,‡c2019-05.", "2019-05"),
        ("264 _4 ‡c©2001", "2001"),
    ],
)
def test_transcribed_imprint_dates(imprint: str, expected: str) -> None:
    record = marc(f"245 00 ‡aA title.\n{imprint}", f008_value=f008("2001", dtype="t"))
    assert record.date_published == expected


def test_probable_date_is_flagged_and_placeholders_are_not_values() -> None:
    record = marc("245 00 ‡aA title.\n260 __ ‡a[S.l. :‡bs.n.],‡c[1998?]")
    assert record.date_published == "1998"
    assert record.publisher is None and "place" not in record.extra
    flag = next(f for f in record.flags if f["code"] == "ambiguous_field")
    assert flag["evidence"] == ["[1998?]"] and flag["field"] == "date_published"


def test_publisher_not_identified_and_unreadable_date_fall_back_to_008() -> None:
    record = marc(
        "245 00 ‡aA title.\n264 _1 ‡a[Place of publication not identified] :‡b[publisher not identified],"
        "‡c[date of publication not identified]",
        f008_value=f008("1987"),
    )
    assert record.publisher is None
    assert record.date_published == "1987" and record.extra["date_published_source"] == "008/07-10"


def test_imprint_year_disagreeing_with_008_single_date_is_flagged() -> None:
    record = marc("245 00 ‡aA title.\n264 _1 ‡aOxford :‡bOUP,‡c2018.", f008_value=f008("2019"))
    assert record.date_published == "2018"
    flag = next(f for f in record.flags if f["code"] == "value_conflict")
    assert flag["evidence"] == ["2018.", "008/07-10: 2019"]


def test_unknown_digits_in_008_are_not_a_date() -> None:
    record = marc("245 00 ‡aA title.", f008_value=f008("19uu", dtype="q"))
    assert record.date_published is None


# -- access -------------------------------------------------------------------------------------


def test_506_availability_date_dates_a_restriction() -> None:
    record = marc("245 00 ‡aA thesis.\n506 1_ ‡aRestricted access.‡g20270630")
    assert record.access.status == "embargoed"
    assert record.access.embargo_end == "2027-06-30"
    assert record.access.evidence == ("Restricted access. (506$g=20270630)",)


def test_506_first_indicator_alone_is_a_signal() -> None:
    closed = marc("245 00 ‡aMinutes.\n506 1_ ‡aAvailable to members of the Board.")
    assert closed.access.status == "restricted"
    assert closed.access.evidence == (
        "506 ind1=1 (restrictions apply): Available to members of the Board.",
    )
    assert (
        marc(
            "245 00 ‡aMinutes.\n506 0_ ‡aAccess copy available to the general public."
        ).access.status
        == "open"
    )


def test_open_link_beside_an_embargo_note_is_a_conflict() -> None:
    record = marc(
        "245 00 ‡aA thesis.\n506 1_ ‡aEmbargoed until 2027-06-30.\n856 40 ‡uhttps://example.org/t.pdf‡70"
    )
    assert (record.access.status, record.access.embargo_end) == ("embargoed", "2027-06-30")
    assert "access_conflict" in [f["code"] for f in record.flags]


def test_856_embargoed_access_status() -> None:
    record = marc("245 00 ‡aA paper.\n856 40 ‡uhttps://example.org/p.pdf‡7a")
    assert record.access.status == "embargoed"


def test_540_standard_licence_without_url() -> None:
    record = marc("245 00 ‡aData.\n540 __ ‡fCC BY 4.0‡2cc")
    assert record.license == "CC BY 4.0" and record.rights == "CC BY 4.0"


# -- names, abstracts, languages, identifiers ---------------------------------------------------


def test_relator_codes_as_uris_and_orcid_in_subfield_0() -> None:
    record = marc(
        "100 1_ ‡aCarberry, Josiah,‡d1904-‡0(orcid)0000-0002-1825-0097\n"
        "245 10 ‡aPsychoceramics.\n"
        "700 1_ ‡aBrown, Ann.‡4http://id.loc.gov/vocabulary/relators/ths\n"
        "700 1_ ‡aGreen, Tom,‡eeditor."
    )
    assert names(record) == ["Carberry, Josiah", "Green, Tom"]
    assert record.authors[0].orcid == "https://orcid.org/0000-0002-1825-0097"
    assert record.extra["contributors"] == [{"name": "Brown, Ann", "roles": ["ths"]}]
    assert record.extra["author_details"][1] == {
        "tag": "700",
        "name": "Green, Tom",
        "relators": ["editor"],
    }


def test_abstract_prefers_first_indicator_3_and_keeps_the_other() -> None:
    record = marc(
        "245 00 ‡aReport.\n520 __ ‡aShort publisher blurb.\n520 3_ ‡aThe real abstract.‡bWith an expansion."
    )
    assert record.abstract == "The real abstract. With an expansion."
    # the blurb is not in the Record, so it stays in extra even though it is a plain $a
    assert [f["subfields"] for f in record.extra["520"]] == [
        [{"a": "The real abstract."}, {"b": "With an expansion."}],
        [{"a": "Short publisher blurb."}],
    ]


def test_old_concatenated_041_codes() -> None:
    record = marc("041 0_ ‡aengfre\n245 00 ‡aBilingual.", f008_value=f008(lang="mul"))
    assert record.language == "en"
    assert record.extra["languages"] == ["en", "fr"]
    assert record.extra["language_raw"] == ["eng", "fre"]


def test_isbn_with_bad_check_digit_is_kept_and_flagged() -> None:
    record = marc("020 __ ‡a9781138315465 (pbk.)\n245 00 ‡aA book.")
    assert record.extra["isbns"] == ["9781138315465"]
    assert [f["code"] for f in record.flags] == ["invalid_isbn"]


def test_unlabelled_024_doi() -> None:
    assert marc("024 8_ ‡a10.5281/zenodo.123456\n245 00 ‡aSoftware.").doi == "10.5281/zenodo.123456"
    assert marc("024 8_ ‡a4006381333931\n245 00 ‡aPen.").doi is None


def test_unmapped_fields_are_never_dropped() -> None:
    spec = "245 00 ‡aA title.\n590 __ ‡aLocal note: signed by the author.\n999 ff ‡iitem1‡lMAIN"
    record = marc(spec)
    assert record.extra["590"] == [
        {"ind1": " ", "ind2": " ", "subfields": [{"a": "Local note: signed by the author."}]}
    ]
    assert record.extra["999"] == [
        {"ind1": "f", "ind2": "f", "subfields": [{"i": "item1"}, {"l": "MAIN"}]}
    ]


def test_every_field_of_the_page_is_in_the_record_or_kept(page: dict[str, Record]) -> None:
    """Never drop a field: a field is missing from extra only when its indicators are blank and
    every subfield it has is one the mapping carries whole into the Record."""
    carried = {
        "020": "a",
        "022": "al",
        "041": "a",
        "250": "ab",
        "300": "abcefg",
        "520": "ab",
        "653": "a",
    }
    text = PAGE.read_bytes()
    for chunk in text.split(b"<record>")[1:]:
        if b"<metadata>" not in chunk:
            continue
        ident = chunk.split(b"<identifier>")[1].split(b"</identifier>")[0].decode()
        body = chunk.split(b"<metadata>")[1].split(b"</metadata>")[0]
        marc_record = read_marcxml(parse_document(body, Position("test", 1)))
        record = page[ident]
        for field in marc_record.fields:
            kept = field.to_json() in record.extra.get(field.tag, [])
            whole = field.ind1 == field.ind2 == " " and field.codes <= set(
                carried.get(field.tag, "-")
            )
            assert kept or whole, (ident, field.tag)


# -- helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Rivers of the Scottish Borders /", "Rivers of the Scottish Borders"),
        ("Zanichelli,", "Zanichelli"),
        (
            "Bollettino della Unione matematica italiana.",
            "Bollettino della Unione matematica italiana",
        ),
        ("Smith, J. R.,", "Smith, J. R."),
        ("Wiley & Sons, Inc.,", "Wiley & Sons, Inc."),
        ("Thesis (Ph.D.)", "Thesis (Ph.D.)"),
        ("2nd ed.", "2nd ed."),
        ("And then there were none...", "And then there were none..."),
        ("Title :", "Title"),
        (" / ", None),
    ],
)
def test_strip_isbd(value: str, expected: str | None) -> None:
    assert strip_isbd(value) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            ("Vol. 12, no. 3 (2020), p. 45-67",),
            {"volume": "12", "issue": "3", "year": "2020", "start_page": "45", "end_page": "67"},
        ),
        (
            ("Jg. 12 (2020), H. 3, S. 45-67",),
            {"volume": "12", "issue": "3", "year": "2020", "start_page": "45", "end_page": "67"},
        ),
        (
            ("12 (2020), 3, S. 45-67",),
            {"volume": "12", "issue": "3", "year": "2020", "start_page": "45", "end_page": "67"},
        ),
        (("12(3):45-67",), {"volume": "12", "issue": "3", "start_page": "45", "end_page": "67"}),
        (
            ("volume:44", "year:2019", "number:3", "pages:1-23"),
            {"volume": "44", "year": "2019", "issue": "3", "start_page": "1", "end_page": "23"},
        ),
        (
            ("v. 5, n. 2 (jul./dez. 2018), p. e1234",),
            {"volume": "5", "issue": "2", "year": "2018", "start_page": "e1234"},
        ),
        (
            ("Vol. 590 (2020), article no. 125123",),
            {"volume": "590", "year": "2020", "article_number": "125123"},
        ),
        (("Band XII, Heft 4",), {"volume": "XII", "issue": "4"}),
        (("Spring issue",), {}),
    ],
)
def test_parse_related_parts(values: tuple[str, ...], expected: dict[str, Any]) -> None:
    assert parse_related_parts(*values) == expected
