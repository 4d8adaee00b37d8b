"""hyrax-json: Samvera Hyrax work JSON (one work, arrays, JSON Lines) and its access model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import recordparse
from recordparse import Record
from recordparse.formats.hyrax import HyraxJsonParser
from tests.conftest import FIXTURES, TODAY

HYRAX = FIXTURES / "hyrax"


def parse(name: str) -> Record:
    return recordparse.parse(HYRAX / name)


def flag_codes(record: Record) -> list[str]:
    return [f.code for f in recordparse.check(record, today=TODAY)]


def test_open_work_maps_the_hyrax_properties() -> None:
    record = parse("open.json")
    assert record.format == "hyrax-json"
    assert record.id == "x633f100f"
    assert record.title == "Hydrothermal alteration of basalts at the Galápagos Spreading Center"
    assert [a.name for a in record.authors] == ["Ramírez, Ana", "Okafor, Chinedu", "Lindgren, Per"]
    assert record.type == "article-journal"
    assert record.extra["type"] == "Article"
    assert record.abstract == (
        "We report whole-rock and mineral chemistry for 46 dredged basalts. "
        "Alteration is dominated by smectite and zeolite assemblages."
    )
    assert "<i>smectite</i>" in record.extra["description"]
    assert list(record.keywords) == ["hydrothermal alteration", "basalt", "Galápagos"]  # "" dropped
    assert list(record.subjects) == ["Geochemistry", "Petrology"]
    assert record.doi == "10.1016/j.chemgeo.2018.11.004"
    assert list(record.issns) == ["0009-2541"]
    assert record.extra["identifier"] == ["local:GEO-2019-0114"]
    assert record.language == "en"
    assert record.date_published == "2018-11"
    assert record.date_deposited == "2019-05-14"
    assert record.publisher == "Elsevier"
    assert record.license == "https://creativecommons.org/licenses/by/4.0/"
    assert record.rights == "http://rightsstatements.org/vocab/InC/1.0/"
    assert record.extra["contributor"] == ["National Science Foundation (U.S.)"]
    assert record.extra["related_url"] == ["https://www.earthchem.org/petdb"]
    assert record.extra["depositor"] == "jdoe@example.edu"
    assert (record.access.status, record.access.evidence) == ("open", ("visibility=open",))
    assert flag_codes(record) == []


def test_authenticated_is_restricted_and_names_the_institution_label() -> None:
    record = parse("authenticated.json")
    assert record.access.status == "restricted"
    (evidence,) = record.access.evidence
    assert evidence.startswith("visibility=authenticated")
    assert '"Oregon State University"' in evidence
    assert record.institution == "Oregon State University"
    assert "restricted" in flag_codes(record)


def test_authenticated_without_an_institution_says_so() -> None:
    data = json.loads((HYRAX / "authenticated.json").read_text(encoding="utf-8"))
    del data["institution"]
    record = recordparse.parse(json.dumps(data).encode(), format="hyrax-json")
    assert record.access.status == "restricted"
    assert "the institution's name" in record.access.evidence[0]


def test_restricted_visibility_is_private() -> None:
    record = parse("private.json")
    assert record.access.status == "restricted"
    assert record.access.evidence == ('visibility=restricted (labelled "Private" in Hyrax)',)
    assert record.type == "song"
    assert record.date_published == "1994"  # "circa 1994": the year only
    assert record.extra["rights_notes"] == ["Contains personal data; not for public release."]


def test_embargo_with_release_date() -> None:
    record = parse("embargo.json")
    assert (record.access.status, record.access.embargo_end) == ("embargoed", "2027-05-19")
    assert "visibility_after_embargo=open" in record.access.evidence[0]
    assert record.type == "thesis"
    assert record.abstract == "Flume experiments show that bar migration controls bedload pulses."
    assert record.extra["abstract"].endswith("<b>bedload</b> pulses.")
    assert record.extra["embargo_id"] == "8ad0d2b4-1f7e-4a8c-9d62-3c1f2a7e5b90"
    codes = flag_codes(record)
    assert "embargoed" in codes and "embargo_expired" not in codes


def test_lease_is_open_now_with_the_lease_end_kept() -> None:
    record = parse("lease.json")
    assert (record.access.status, record.access.embargo_end) == ("open", None)
    assert "lease_expiration_date=2027-03-31" in record.access.evidence[0]
    assert record.extra["lease_expiration_date"] == "2027-03-31"
    assert record.extra["visibility_after_lease"] == "authenticated"
    assert record.type == "speech"
    assert flag_codes(record) == []


def test_json_lines_hyrax_native_embargo_and_a_conflict() -> None:
    native, odd, auth = recordparse.read(HYRAX / "works.jsonl")
    # While embargoed, Hyrax reports the during-embargo visibility: still one embargo, no conflict.
    assert (native.access.status, native.access.embargo_end) == ("embargoed", "2027-05-19")
    assert "access_conflict" not in flag_codes(native)
    # "open" beside an embargo date that has passed: both readings are kept and flagged.
    assert (odd.access.status, odd.access.embargo_end) == ("embargoed", "2025-01-01")
    assert {"access_conflict", "embargo_expired"} <= set(flag_codes(odd))
    assert auth.access.status == "restricted"
    assert [r.position.line for r in (native, odd, auth) if r.position] == [1, 2, 3]


def test_array_of_works_and_a_non_object_item() -> None:
    work = json.loads((HYRAX / "private.json").read_text(encoding="utf-8"))
    outcomes = list(recordparse.read(json.dumps([work, "x633f100f"]).encode(), format="hyrax-json", errors="collect"))
    assert isinstance(outcomes[0], Record) and outcomes[0].id == "k930bx04r"
    assert isinstance(outcomes[1], recordparse.Failure) and outcomes[1].kind == "mapping"


def test_work_without_visibility_has_unknown_access() -> None:
    data = json.loads((HYRAX / "open.json").read_text(encoding="utf-8"))
    del data["visibility"]  # plain show.json: Hyrax does not serialise visibility
    record = recordparse.parse(json.dumps(data).encode(), format="hyrax-json")
    assert record.access.status == "unknown"


@pytest.mark.parametrize("path", sorted(HYRAX.glob("*.json*")), ids=lambda p: Path(p).name)
def test_fixtures_are_detected(path: Path) -> None:
    assert recordparse.detect(path)[0].name == "hyrax-json"


def test_sniff_ignores_other_json() -> None:
    parser = HyraxJsonParser()
    assert parser.sniff((FIXTURES / "zenodo" / "rdm-open.json").read_bytes()[:65536]) == 0.0
    assert parser.sniff(b"<html></html>") == 0.0
    assert parser.sniff(b'{"id": "x", "depositor": "a", "date_uploaded": "2020"}') == 0.6
