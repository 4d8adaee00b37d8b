"""``vufind-text``: VuFind record pages as text (public view, Staff View, dumps of many pages)."""

from __future__ import annotations

import warnings
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

import recordparse
from recordparse import Failure, RecordParseWarning
from recordparse.formats import vufind_text
from recordparse.formats.vufind_text import (
    VuFindTextParser,
    parse_staff_view,
    split_author_list,
    split_published,
)
from tests.conftest import FIXTURES, shared_path

HERE = FIXTURES / "vufind-text"


def _records(path: Path) -> list[recordparse.Record]:
    return list(recordparse.read(path))


def _flags(record: recordparse.Record, code: str) -> list[dict[str, object]]:
    return [f for f in record.flags if f["code"] == code]


# --------------------------------------------------------------------------------------------
# A dump of several pages


def test_dump_is_split_into_pages_with_their_positions() -> None:
    path = HERE / "dump-mixed.txt"
    records = _records(path)
    assert [r.id for r in records] == [
        "doaj.art-9a8b7c6d5e4f40312a1b2c3d4e5f6a7b",
        "000482915",
        "art-2014-0912345",
        "doaj.art-c4d2e0f8a6b44c2e9d7f5b3a1c9e7d5f",
    ]
    data = path.read_bytes()
    lines = data.split(b"\n")
    for number, record in enumerate(records, start=1):
        pos = record.position
        assert pos is not None and pos.record == number
        assert pos.line is not None and pos.byte_offset is not None
        title = (record.title or "").rstrip(" /").encode()
        assert data[pos.byte_offset :].startswith(title)
        assert lines[pos.line - 1].startswith(title)


def test_dump_doaj_page_with_truncated_summary() -> None:
    record = _records(HERE / "dump-mixed.txt")[0]
    assert record.title == "Prevalence of intestinal parasites among schoolchildren in Jimma Town, Southwest Ethiopia"
    assert record.abstract is not None and record.abstract.endswith("were associated with infection.")
    assert "summary_teaser" not in record.extra
    assert record.doi == "10.1186/s13104-021-05512-8"
    assert record.journal == "BMC Research Notes"
    assert record.access.status == "open"
    first = record.authors[0]
    assert first.name == "Abdulhakim Abamecha"
    assert first.orcid == "https://orcid.org/0000-0002-4185-1930"
    assert first.affiliations == ("School of Medical Laboratory Sciences, Faculty of Health Sciences, Jimma University",)
    assert record.authors[2].affiliations == ("Department of Biology, College of Natural Sciences, Jimma University",)
    # "14116" is 14/1/1-6 or 1/4/1-16: the choice is flagged, never silent
    fields = {f["field"] for f in _flags(record, "ambiguous_field")}
    assert {"volume", "issue", "end_page"} <= fields


def test_dump_marc_book_page_with_all_public_labels() -> None:
    record = _records(HERE / "dump-mixed.txt")[1]
    assert record.type == "book"
    assert [a.name for a in record.authors] == [
        "Knight, G. Wilson 1897-1985",
        "University of Toronto. Department of English",
        "Eliot, T. S. 1888-1965",
        "Muir, Kenneth",
    ]
    assert record.date_published == "1948"
    assert record.extra["publication_place"] == "London"
    assert record.extra["author_roles"] == {"Muir, Kenneth": "Editor"}
    assert record.extra["edition"] == "2nd ed."
    assert record.extra["physical"] == ["xii, 336 p. ; 22 cm."]
    assert record.extra["isbn"] == ["9780416690601"]
    # SolrMarc's spelling is one string per MARC field: kept, never segmented
    assert len(record.extra["spelling"]) == 5
    assert "oai_datestamp" not in record.extra and record.doi is None
    assert record.access.status == "unknown"
    # page and Staff View agree (ISBD punctuation, "Family, Given" names, subject separators)
    assert not _flags(record, "value_conflict")


def test_dump_marc_article_page_with_published_in_and_doi_label() -> None:
    record = _records(HERE / "dump-mixed.txt")[2]
    assert record.title == "Climate variability and maize yields in Malawi /"
    assert record.journal == "Journal of Southern African Studies"
    assert (record.volume, record.issue, record.start_page) == ("40", "3", "601")
    assert record.doi == "10.1080/03057070.2014.912345"
    assert record.issns == ("0305-7070",)
    assert [a.name for a in record.authors] == ["Chirwa, Ephraim W.", "Dorward, Andrew"]
    assert not _flags(record, "value_conflict")


def test_dump_page_after_a_separator_with_uncut_summary() -> None:
    record = _records(HERE / "dump-mixed.txt")[3]
    assert record.title == "Nuevos registros de murciélagos (Chiroptera) para la Reserva Nacional de Lachay, Lima"
    assert record.abstract == "Se reportan cuatro especies de murciélagos por primera vez para la Reserva Nacional de Lachay."
    assert (record.volume, record.issue, record.start_page, record.end_page) == ("26", "3", "377", "384")
    assert record.issns == ("1561-0837", "1727-9933")
    assert record.language == "es"
    assert record.authors[0].affiliations == ("Department of Mammalogy, American Museum of Natural History, New York, USA",)
    assert not _flags(record, "ambiguous_field")


# --------------------------------------------------------------------------------------------
# Pages with one view only


def test_public_view_only_page_keeps_the_teaser_out_of_the_abstract() -> None:
    record = recordparse.parse(HERE / "public-only.txt")
    assert record.id is None
    assert record.title == "Sleep spindle density predicts overnight memory consolidation in older adults"
    assert record.abstract is None
    assert record.extra["summary_teaser"].endswith("predicted retention...")
    assert [a.name for a in record.authors] == ["Hannah Whitcombe", "Tomasz Krawczyk"]
    assert record.type == "article-journal"
    assert record.publisher == "Frontiers Media S.A."
    assert record.date_published == "2023-02-01"
    assert record.language == "en"
    assert record.urls == ("https://www.frontiersin.org/articles/10.3389/fnins.2023.1098712/full",)
    assert record.extra["series"] == ["Frontiers in Neuroscience"]


def test_public_view_only_page_with_uncut_summary_uses_it_as_abstract() -> None:
    text = (HERE / "dump-mixed.txt").read_text(encoding="utf-8").split("--------------------")[-1]
    public = text.lstrip("-\n").split("\n_version_")[0] + "\n"
    record = recordparse.parse(public.encode("utf-8"))
    assert record.abstract == "Se reportan cuatro especies de murciélagos por primera vez para la Reserva Nacional de Lachay."
    assert "summary_teaser" not in record.extra


def test_staff_view_only_page_tells_fields_from_continuations() -> None:
    record = recordparse.parse(HERE / "staff-only.txt")
    assert record.id == "doaj.art-3b4d6f8a0c2e4b5d7f9a1b3d5f7c9e2a"
    # topic values "url shortening" and "language independence" are not the url/language fields
    assert record.keywords == ("url shortening", "language independence", "reproducibility")
    assert record.urls == ("https://openresearchsoftware.metajnl.com/articles/10.5334/jors.401",)
    # a description line starting with "format" is still the description
    assert record.abstract is not None and record.abstract.endswith("without the package.")
    assert "format and storage" in record.abstract
    assert record.type == "article-journal"
    assert record.doi == "10.5334/jors.401"
    assert record.authors[0].orcid == "https://orcid.org/0000-0002-9079-593X"
    assert record.authors[1].affiliations == ("School of Computing, Newcastle University, Newcastle upon Tyne, UK",)


# --------------------------------------------------------------------------------------------
# Line endings, stray whitespace, encodings


def test_crlf_and_trailing_whitespace_give_identical_records() -> None:
    path = HERE / "crlf-trailing-space.txt"
    raw = path.read_bytes()
    assert b"\r\n" in raw and b"  \r\n" in raw
    clean = b"\n".join(line.rstrip() for line in raw.split(b"\r\n"))
    with_crlf = recordparse.parse(path)
    plain = recordparse.parse(clean)
    assert with_crlf.to_dict() == plain.to_dict()
    assert with_crlf.doi == "10.3389/fnins.2023.1098712" and with_crlf.article_number == "1098712"
    assert with_crlf.authors[0].affiliations == ("School of Psychology, University of Nottingham, Nottingham, United Kingdom",)


def test_cp1252_page_is_decoded_and_flagged() -> None:
    with pytest.warns(RecordParseWarning, match="windows-1252"):
        record = recordparse.parse(HERE / "cp1252.txt")
    assert record.title == "Les rôles de l’État dans la gestion de l’eau – étude comparée"
    assert [a.name for a in record.authors] == ["Lefèvre, Hélène"]
    assert record.type == "thesis"
    assert record.date_published == "2018"
    assert record.keywords == ("Eau – Gestion – Québec (Province)",)
    assert _flags(record, "encoding_fallback")


# --------------------------------------------------------------------------------------------
# The two views disagreeing; page boundaries


def test_views_that_disagree_are_flagged() -> None:
    text = (HERE / "crlf-trailing-space.txt").read_bytes().decode("utf-8").replace("\r\n", "\n")
    text = text.replace("Published: Frontiers Media S.A. 2023-02-01", "Published: Frontiers Media S.A. 2021-02-01", 1)
    text = text.replace("Main Authors: Hannah Whitcombe", "Main Authors: Hanna Whitcomb", 1)
    record = recordparse.parse(text.encode("utf-8"))
    conflicts = {f["field"] for f in _flags(record, "value_conflict")}
    assert {"date_published", "authors"} <= conflicts
    # the Staff View wins
    assert record.date_published == "2023-02-01"
    assert record.authors[0].name == "Hannah Whitcombe"


def test_staff_views_back_to_back_are_two_pages() -> None:
    staff = (HERE / "staff-only.txt").read_text(encoding="utf-8")
    second = staff.replace("3b4d6f8a0c2e4b5d7f9a1b3d5f7c9e2a", "00112233445566778899aabbccddeeff")
    records = list(recordparse.read((staff + second).encode("utf-8")))
    assert [r.id for r in records] == [
        "doaj.art-3b4d6f8a0c2e4b5d7f9a1b3d5f7c9e2a",
        "doaj.art-00112233445566778899aabbccddeeff",
    ]
    # without _version_ the restart is found by the second id
    no_version = "\n".join(line for line in second.splitlines() if not line.startswith("_version_")) + "\n"
    records = list(recordparse.read((staff + no_version).encode("utf-8")))
    assert [r.id for r in records][1] == "doaj.art-00112233445566778899aabbccddeeff"
    assert records[0].keywords == ("url shortening", "language independence", "reproducibility")


def test_public_views_back_to_back_are_two_pages() -> None:
    public = (HERE / "public-only.txt").read_text(encoding="utf-8")
    records = list(recordparse.read((public + "\n" + public).encode("utf-8")))
    assert len(records) == 2
    assert records[1].title == records[0].title
    assert records[1].position is not None and records[1].position.line == public.count("\n") + 2


def test_page_with_nothing_recognisable_fails_alone() -> None:
    outcomes = list(recordparse.read(b"Bibliographic Details\n", format="vufind-text", errors="collect"))
    assert len(outcomes) == 1 and isinstance(outcomes[0], Failure)
    assert outcomes[0].line == 1 and "no title" in outcomes[0].reason
    assert list(recordparse.read(b"\n\n   \n", format="vufind-text", errors="collect")) == []


# --------------------------------------------------------------------------------------------
# Units


def test_staff_view_order_check() -> None:
    doc = parse_staff_view(
        ["_version_ 17", "author A", "B", "description first", "second line", "id x1", "topic IL-12",
         "clinical trial", "author C", "language English", "url http://example.org/a"]
    )  # fmt: skip
    assert doc["author"] == ["A", "B"]
    assert doc["description"] == "first\nsecond line"
    assert doc["topic"] == ["IL-12", "clinical trial", "author C", "language English"]
    assert doc["url"] == ["http://example.org/a"]
    assert doc["id"] == "x1"


def test_staff_view_prefers_the_reading_whose_values_fit() -> None:
    # "url shortening" under topic could start the url field; the real url line comes later
    doc = parse_staff_view(["topic url shortening", "ageing", "url https://example.org/x"])
    assert doc == {"topic": ["url shortening", "ageing"], "url": ["https://example.org/x"]}


def test_staff_view_keeps_every_field_over_a_stray_line_under_the_last() -> None:
    # a dump's next title line left under work_keys_str_mv fits it badly (-0.8), but dropping a
    # field would lose more: every field line stays one, the stray line is a continuation
    doc = parse_staff_view(["_version_ 1", "id x", "title T", "work_keys_str_mv AT x t", "A stray title line"])
    assert doc == {"_version_": "1", "id": "x", "title": "T", "work_keys_str_mv": ["AT x t", "A stray title line"]}


_STAFF_FIELDS = st.sampled_from(
    ["_version_ 12", "_version_ x", "author A B", "first_indexed 2024-01-01T00:00:00Z", "first_indexed soon",
     "format Article", "id doaj.1", "id a b", "issn 1234-5678", "issn none", "title T", "title_sort Upper",
     "title_sort lower", "url https://x.org", "url none", "work_keys_str_mv AT a b", "x_date 2020-01-01"]
)  # fmt: skip
_STAFF_MORE = st.lists(
    st.sampled_from(["", "AT c d", "https://y.org", "2345-6789", "Stray words", "www.z.org", "UT e"]), max_size=3
)


@given(st.lists(st.tuples(_STAFF_FIELDS, _STAFF_MORE), max_size=12))
def test_one_pass_staff_view_agrees_with_the_dynamic_programme(fields: list[tuple[str, list[str]]]) -> None:
    # parse_staff_view reads the usual Staff View in one pass; the choice of field lines must be
    # the one the dynamic programme makes (forced here by switching the one pass off)
    lines = [line for field, more in sorted(fields) for line in (field, *more)]
    with mock.patch.object(vufind_text, "_plain_staff_document", return_value=None):
        expected = parse_staff_view(lines)
    assert parse_staff_view(lines) == expected


@pytest.mark.parametrize(
    ("text", "names", "guessed"),
    [
        ("Zhiliang Jia, Dristhi Ragoonanan, Shulin Li", ["Zhiliang Jia", "Dristhi Ragoonanan", "Shulin Li"], False),
        ("Shpal, Elizabeth J., Li, Shulin", ["Shpal, Elizabeth J.", "Li, Shulin"], False),
        ("Knight, G. Wilson, 1897-1985", ["Knight, G. Wilson, 1897-1985"], False),
        ("Smith, John, Zhiliang Jia", ["Smith, John", "Zhiliang Jia"], True),
    ],
)
def test_split_author_list(text: str, names: list[str], guessed: bool) -> None:
    assert split_author_list(text) == (names, guessed)


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Frontiers Media S.A. 2022-09-01", (None, "Frontiers Media S.A.", "2022-09-01")),
        ("London : Methuen, 1948.", ("London", "Methuen", "1948")),
        ("New York : Springer, c2019", ("New York", "Springer", "2019")),
        ("2014", (None, None, "2014")),
        ("Paris : Gallimard, 1998-2003", ("Paris", "Gallimard", "1998")),
    ],
)
def test_split_published(text: str, parts: tuple[str | None, str | None, str | None]) -> None:
    assert split_published(text) == parts


def test_sniff_scores() -> None:
    parser = VuFindTextParser()
    seed = shared_path("seeds", "000_e60a16e7c7a329d4.txt").read_bytes()
    assert parser.sniff(seed) >= 0.9
    assert parser.sniff((HERE / "public-only.txt").read_bytes()) >= 0.8
    assert parser.sniff((HERE / "staff-only.txt").read_bytes()) >= 0.8
    assert parser.sniff(b'{"response": {"docs": []}}') == 0.0
    assert parser.sniff(b"\xff\xfe garbage \x00") == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        figshare = shared_path("seeds", "001_fb623fb9dff5973c.txt").read_bytes()
    assert parser.sniff(figshare) < 0.5


def test_an_oversized_page_is_a_failure_with_its_position() -> None:
    small = VuFindTextParser(recordparse.Limits(max_record=500))
    outcomes = list(recordparse.read(HERE / "staff-only.txt", format=small, errors="collect"))
    first = outcomes[0]
    assert isinstance(first, Failure)
    assert first.kind == "limit" and first.line == 1 and first.byte_offset == 0


_LINES = st.sampled_from(
    ["_version_ 1", "author A B", "id x", "title T", "topic url x", "url http://a/b", "Bibliographic Details",
     "Main Authors: A, B", "Format:Book", "Full description", "", "----", "description d", "spelling s",
     "Some title line", "language English", "Published: X 2020"]
)  # fmt: skip


@given(st.lists(_LINES, max_size=40))
def test_any_line_soup_gives_records_or_failures(lines: list[str]) -> None:
    data = ("\n".join(lines) + "\n").encode("utf-8")
    for outcome in recordparse.read(data, format="vufind-text", errors="collect"):
        assert isinstance(outcome, (recordparse.Record, Failure))
        if isinstance(outcome, Failure):
            assert outcome.kind == "mapping" and "cannot map" not in outcome.reason
