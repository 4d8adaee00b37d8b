"""The Record model: exact keys, round trip, frozen values, COAR URIs."""

from __future__ import annotations

import json
import pickle

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recordparse import Access, Person, Position, Record
from recordparse.record import ACCESS_STATUSES, COAR_URIS, RECORD_KEYS


def sample() -> Record:
    return Record(
        format="test",
        id="x1",
        type="article-journal",
        title="A title",
        authors=[Person("Jia, Zhiliang", "Zhiliang", "Jia", ["Dept A"], "https://orcid.org/0000-0002-1825-0097")],
        date_published="2022-09",
        issns=["1664-3224"],
        doi="10.3389/fimmu.2022.952231",
        keywords=["IL-12"],
        language="en",
        access=Access("restricted", "permanent", ["Repository Status: Restricted"]),
        extra={"datestamp": "2022-12-22T03:17:02Z", "nested": {"a": [1, 2]}},
        position=Position("f.txt", 1, 1, 0),
    )


def test_to_dict_has_exactly_the_documented_keys() -> None:
    data = sample().to_dict()
    assert list(data) == list(RECORD_KEYS)
    assert data["authors"][0] == {
        "name": "Jia, Zhiliang",
        "given": "Zhiliang",
        "family": "Jia",
        "affiliations": ["Dept A"],
        "orcid": "https://orcid.org/0000-0002-1825-0097",
    }
    assert data["access"]["coar_uri"] == "http://purl.org/coar/access_right/c_16ec"
    json.dumps(data)  # JSON-ready


def test_round_trip_through_dict_and_json() -> None:
    record = sample()
    again = Record.from_dict(json.loads(json.dumps(record.to_dict())))
    assert again == record
    assert again.to_dict() == record.to_dict()


def test_records_are_frozen_and_position_is_not_identity() -> None:
    record = sample()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        record.title = "other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        record.extra["x"] = 1  # type: ignore[index]
    assert attrs.evolve(record, position=None) == record


def test_records_pickle_with_their_position() -> None:
    record = sample()
    again = pickle.loads(pickle.dumps(record))
    assert again == record and again.position == record.position


def test_access_status_is_checked_and_maps_to_coar() -> None:
    with pytest.raises(ValueError):
        Access("closed")
    assert {s: Access(s).coar_uri for s in ACCESS_STATUSES} == dict(COAR_URIS)
    assert Access().status == "unknown" and Access().coar_uri is None


def test_from_dict_rejects_unknown_keys() -> None:
    data = sample().to_dict()
    data["bogus"] = 1
    with pytest.raises(ValueError, match="bogus"):
        Record.from_dict(data)


_text = st.one_of(st.none(), st.text(max_size=30))
_strings = st.lists(st.text(min_size=1, max_size=20), max_size=4)


@given(
    title=_text,
    doi=_text,
    keywords=_strings,
    names=st.lists(st.text(min_size=1, max_size=20), max_size=3),
    status=st.sampled_from(ACCESS_STATUSES),
    extra=st.dictionaries(st.text(max_size=10), st.one_of(st.integers(), st.text(max_size=10), st.lists(st.integers(), max_size=3)), max_size=4),
)
def test_round_trip_property(title, doi, keywords, names, status, extra) -> None:  # type: ignore[no-untyped-def]
    record = Record(
        format="p", title=title, doi=doi, keywords=keywords,
        authors=[Person(n) for n in names], access=Access(status), extra=extra,
    )
    assert Record.from_dict(json.loads(json.dumps(record.to_dict()))) == record
