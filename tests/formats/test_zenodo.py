"""zenodo-json: legacy Zenodo REST records, InvenioRDM records, search responses, JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import recordparse
from recordparse import Failure, Record
from recordparse.formats.zenodo import ZenodoJsonParser
from tests.conftest import FIXTURES, TODAY, shared_path

ZENODO = FIXTURES / "zenodo"


def parse(name: str) -> Record:
    return recordparse.parse(ZENODO / name)


def flag_codes(record: Record) -> list[str]:
    return [f.code for f in recordparse.check(record, today=TODAY)]


# -- real records ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["zenodo-api-1194353", "zenodo-api-7752775"])
def test_real_legacy_records_give_their_expected_values(name: str) -> None:
    path = shared_path("realdata", "ir", f"{name}.json")
    expected = json.loads(path.with_name(f"{name}.expected.json").read_text(encoding="utf-8"))
    record = recordparse.parse(path)  # auto-detected
    assert record.format == "zenodo-json"
    assert record.title == expected["title"]
    assert [a.name for a in record.authors] == expected["authors"]
    assert record.date_published == expected["date_published"]
    assert record.type == expected["type"]
    assert record.publisher == expected["publisher"]
    assert record.journal == expected["journal"]
    assert record.doi == expected["doi"]
    assert list(record.keywords) == expected["keywords"]
    assert record.access.status == expected["access"]
    assert record.access.embargo_end == expected["embargo_end"]
    # The expected files call the licence id ("other-open", "MIT") "rights": it is the only
    # rights information a legacy Zenodo record has. By the Record's convention a source with
    # no rights statement has its licence as `rights`; `license` holds the licence alone,
    # verbatim (not mapped to SPDX).
    assert record.license == expected["rights"]
    assert record.rights == expected["rights"]


def test_real_records_given_family_and_inverted_names_both_split() -> None:
    xenon = recordparse.parse(shared_path("realdata", "ir", "zenodo-api-1194353.json"))
    van = next(a for a in xenon.authors if a.name == "Rob V. van Nieuwpoort")
    assert (van.given, van.family) == ("Rob V.", "van Nieuwpoort")
    assert xenon.authors[0].affiliations == ("Netherlands eScience Center",)
    fenner = recordparse.parse(shared_path("realdata", "ir", "zenodo-api-7752775.json")).authors[0]
    assert (fenner.given, fenner.family) == ("Martin", "Fenner")
    assert fenner.orcid == "https://orcid.org/0000-0003-1419-2405"


def test_is_last_string_quirk_becomes_a_boolean() -> None:
    latest = recordparse.parse(shared_path("realdata", "ir", "zenodo-api-7752775.json"))
    older = recordparse.parse(shared_path("realdata", "ir", "zenodo-api-1194353.json"))
    assert latest.extra["relations"]["version"][0]["is_last"] == "True"  # kept verbatim
    assert latest.extra["is_latest_version"] is True
    assert older.extra["is_latest_version"] is False
    assert older.extra["conceptdoi"] == "10.5281/zenodo.597993"


def test_html_description_is_stripped_and_kept_raw() -> None:
    record = recordparse.parse(shared_path("realdata", "ir", "zenodo-api-1194353.json"))
    assert record.abstract is not None
    assert record.abstract.startswith("What problem does Xenon solve? Many applications")
    assert "<p>" not in record.abstract
    assert record.extra["description"].startswith("<p>What problem does Xenon solve?</p>")


# -- legacy Zenodo -----------------------------------------------------------------------------


def test_legacy_open_article() -> None:
    record = parse("legacy-open.json")
    assert record.id == "4061544"
    assert record.type == "article-journal"
    assert record.extra["type"] == "Journal article"
    assert record.title == "Shoreline retreat on the Danish North Sea coast, 1977–2019"
    assert [a.name for a in record.authors] == ["Holm, Kirsten", "Müller, Jörg", "Østergaard, Nils"]
    assert record.authors[0].orcid == "https://orcid.org/0000-0002-1825-0097"
    assert record.abstract == (
        "We quantify shoreline retreat along the Danish North Sea coast between 1977 and 2019 from "
        "aerial photographs & LiDAR surveys. Mean retreat was 1.3 m/yr; hotspots coincide with "
        "groyne fields."
    )
    assert (record.journal, record.volume, record.issue) == ("Journal of Coastal Research", "36", "4")
    assert (record.start_page, record.end_page) == ("211", "229")
    assert record.date_published == "2020-07-01"
    assert record.date_deposited == "2020-09-30"
    assert record.language == "en"
    assert list(record.keywords) == ["coastal erosion", "LiDAR", "North Sea"]
    assert list(record.subjects) == ["Coast changes"]
    assert record.license == "CC-BY-4.0"
    assert list(record.urls) == ["https://zenodo.org/record/4061544"]
    assert record.access.status == "open"
    assert record.access.evidence == ("access_right=open",)
    assert flag_codes(record) == []


def test_legacy_embargoed_with_future_date() -> None:
    record = parse("legacy-embargoed.json")
    assert (record.access.status, record.access.embargo_end) == ("embargoed", "2027-06-30")
    assert record.type == "dataset"
    assert record.language == "sl"
    codes = flag_codes(record)
    assert "embargoed" in codes
    assert "embargo_expired" not in codes


def test_legacy_embargo_with_past_date_is_flagged_expired() -> None:
    record = parse("legacy-embargo-expired.json")
    # The source still says "embargoed"; the parser keeps what it says and the date, and the
    # access validator, judging against TODAY, reports that the embargo has ended.
    assert (record.access.status, record.access.embargo_end) == ("embargoed", "2021-03-01")
    codes = flag_codes(record)
    assert "embargo_expired" in codes
    assert "embargoed" not in codes


def test_legacy_restricted_keeps_access_conditions_as_evidence() -> None:
    record = parse("legacy-restricted.json")
    assert record.access.status == "restricted"
    assert record.access.evidence[0] == "access_right=restricted"
    assert "members of the ESS collaboration on request" in record.access.evidence[1]
    assert record.extra["access_conditions"].startswith("<p>Access is granted")
    assert record.date_published == "2021-09"  # month precision, as given
    assert record.license is None
    assert "restricted" in flag_codes(record)


def test_legacy_closed_is_metadata_only() -> None:
    record = parse("legacy-closed.json")
    assert record.access.status == "metadata_only"
    assert record.type == "thesis"
    assert record.institution == "Universidad de Granada"
    assert record.language == "es"
    assert record.date_published == "2016"
    assert record.extra["thesis_supervisors"] == [{"name": "Pérez, Juan"}]
    assert "metadata_only" in flag_codes(record)


# A JSON Lines export with one damaged line: test data, not a bundled fixture, so that the
# README's main job over fixtures/ reads cleanly.
BROKEN = Path(__file__).resolve().parent.parent / "data" / "zenodo-legacy-records-broken-line.jsonl"


def test_json_lines_stream_with_a_broken_line() -> None:
    outcomes = list(recordparse.read(BROKEN, errors="collect"))
    assert len(outcomes) == 3
    first, broken, last = outcomes
    assert isinstance(first, Record) and first.id == "4061544"
    assert isinstance(broken, Failure)
    assert (broken.record, broken.line) == (2, 2)
    assert isinstance(last, Record) and last.id == "1048111"
    assert last.position is not None and last.position.line == 3


# -- InvenioRDM -------------------------------------------------------------------------------


def test_rdm_open_article() -> None:
    record = parse("rdm-open.json")
    assert record.id == "10650129"
    assert record.doi == "10.5281/zenodo.10650129"
    assert record.type == "article-journal"
    assert record.extra["type"] == "Journal article"
    nielsen, ioannidis, team = record.authors
    assert (nielsen.name, nielsen.given, nielsen.family) == ("Nielsen, Lars Holm", "Lars Holm", "Nielsen")
    assert nielsen.orcid == "https://orcid.org/0000-0002-1825-0097"
    assert ioannidis.affiliations == ("CERN", "National Technical University of Athens")
    assert (team.name, team.given, team.family) == ("InvenioRDM Project Team", None, None)
    assert list(record.keywords) == ["persistent identifiers", "research data management"]
    assert list(record.subjects) == ["Computer and information sciences"]
    assert record.license == "cc-by-4.0"
    assert record.publisher == "Zenodo"
    assert (record.journal, record.volume, record.issue) == ("Data Science Journal", "22", "1")
    assert (record.start_page, record.end_page) == ("31", "44")
    assert list(record.issns) == ["1683-1470"]
    assert record.language == "en"
    assert record.date_published == "2023-11-06"
    assert record.extra["conceptdoi"] == "10.5281/zenodo.10650128"
    assert record.access.status == "open"
    assert flag_codes(record) == []


def test_rdm_embargoed_until_date_with_interval_publication_date() -> None:
    record = parse("rdm-embargoed.json")
    assert (record.access.status, record.access.embargo_end) == ("embargoed", "2027-01-31")
    assert any("Pending publication" in e for e in record.access.evidence)
    assert record.date_published == "2024-01"
    assert record.extra["publication_date"] == "2024-01/2024-03"
    assert {"embargoed", "ambiguous_field"} <= set(flag_codes(record))


def test_rdm_public_record_with_restricted_files() -> None:
    record = parse("rdm-restricted-files.json")
    assert record.access.status == "restricted"
    assert "access.record=public, access.files=restricted" in record.access.evidence
    assert record.rights == "© 2023 Aarhus University Hospital"
    assert record.license is None
    assert "access_conflict" not in flag_codes(record)


def test_rdm_metadata_only() -> None:
    record = parse("rdm-metadata-only.json")
    assert record.access.status == "metadata_only"
    assert "files.enabled=false" in record.access.evidence
    assert record.date_published == "2019-03"


def test_rdm_status_disagreeing_with_file_access_is_a_conflict() -> None:
    data = json.loads((ZENODO / "rdm-open.json").read_text(encoding="utf-8"))
    data["access"]["files"] = "restricted"  # status still says "open"
    record = recordparse.parse(json.dumps(data).encode(), format="zenodo-json")
    assert record.access.status == "restricted"
    conflicts = [f for f in recordparse.check(record, today=TODAY) if f.code == "access_conflict"]
    assert len(conflicts) == 1
    assert set(conflicts[0].evidence) == {"access.status=open", "access.record=public, access.files=restricted"}


def test_search_response_streams_its_hits_in_order() -> None:
    records = list(recordparse.read(ZENODO / "rdm-search-3hits.json"))
    assert [r.id for r in records] == ["10650129", "10711882", "8341290"]
    assert [r.access.status for r in records] == ["open", "embargoed", "restricted"]
    assert [r.position.record for r in records if r.position] == [1, 2, 3]
    lines = [r.position.line for r in records if r.position and r.position.line]
    assert lines == sorted(lines) and len(set(lines)) == 3


def test_search_response_with_no_hits_gives_no_records() -> None:
    empty = b'{"hits": {"hits": [], "total": 0}, "links": {"self": "https://zenodo.org/api/records?q=x"}}'
    assert list(recordparse.read(empty, format="zenodo-json")) == []


def test_record_mentioning_hits_inside_is_still_one_record() -> None:
    data = json.loads((ZENODO / "legacy-closed.json").read_text(encoding="utf-8"))
    data["stats"] = {"hits": {"total": 12}}
    record = recordparse.parse(json.dumps(data).encode(), format="zenodo-json")
    assert record.id == "1048111"
    assert record.extra["stats"] == {"hits": {"total": 12}}


def test_top_level_array_of_records() -> None:
    data = [json.loads((ZENODO / n).read_text(encoding="utf-8")) for n in ("legacy-open.json", "rdm-open.json")]
    records = list(recordparse.read(json.dumps(data).encode(), format="zenodo-json"))
    assert [r.id for r in records] == ["4061544", "10650129"]


def test_object_without_metadata_fails_alone() -> None:
    outcomes = list(recordparse.read(b'[{"id": 1}, ' + (ZENODO / "legacy-closed.json").read_bytes() + b"]",
                                     format="zenodo-json", errors="collect"))
    assert isinstance(outcomes[0], Failure) and outcomes[0].kind == "mapping"
    assert isinstance(outcomes[1], Record) and outcomes[1].id == "1048111"


# -- sniffing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(ZENODO.glob("*.json*")), ids=lambda p: Path(p).name)
def test_fixtures_are_detected(path: Path) -> None:
    assert recordparse.detect(path)[0].name == "zenodo-json"


@pytest.mark.parametrize(
    ("head", "low"),
    [
        (b"<html><head></head></html>", True),
        (b'{"bibjson": {"title": "x"}, "id": "abc"}', True),
        (b'{"metadata": {"access_right": "open", "title": "x"}}', False),
        (b'{"access": {"record": "public", "files": "restricted"}, "metadata": {}}', False),
    ],
)
def test_sniff(head: bytes, low: bool) -> None:
    score: Any = ZenodoJsonParser().sniff(head)
    assert (score == 0.0) if low else (score >= 0.8)
