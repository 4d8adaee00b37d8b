"""The access validator: embargo end dates judged against a pinned today."""

from __future__ import annotations

import datetime as _dt

import pytest

from recordparse.record import Access, Record
from recordparse.validators import CheckContext
from recordparse.validators.access import check_access
from tests.conftest import TODAY


def _codes(access: Access, today: _dt.date = TODAY) -> list[tuple[str, str]]:
    record = Record(format="test", access=access)
    return [(f.code, f.severity) for f in check_access(record, CheckContext(today=today))]


@pytest.mark.parametrize(
    ("access", "expected"),
    [
        (Access("embargoed", "2027-02-06", ("until 6 February 2027",)), [("embargoed", "info")]),
        (Access("embargoed", "2026-11-20"), [("embargo_expired", "warning")]),
        (Access("embargoed", "2026-11-21"), [("embargoed", "info")]),  # lifts at the end of the day
        (Access("embargoed", "2026"), [("embargoed", "info")]),  # a bare year: to 31 December
        (Access("embargoed", "2025"), [("embargo_expired", "warning")]),
        (Access("embargoed", "2026-10"), [("embargo_expired", "warning")]),
        (Access("embargoed", None), [("embargoed", "warning")]),
        (Access("embargoed", "someday"), [("embargoed", "warning")]),
        (Access("restricted", "permanent"), [("embargoed", "info"), ("restricted", "info")]),
        (Access("restricted", None), [("restricted", "info")]),
        (Access("metadata_only", None), [("metadata_only", "info")]),
        (Access("open", None), []),
        (Access("unknown", None), []),
    ],
)
def test_access_flags(access: Access, expected: list[tuple[str, str]]) -> None:
    assert _codes(access) == expected


def test_flags_carry_the_evidence() -> None:
    access = Access("restricted", "permanent", ("File(s) under permanent embargo", "Restricted"))
    flags = list(check_access(Record(format="test", access=access), CheckContext(today=TODAY)))
    assert all(f.evidence == access.evidence and f.field == "access" for f in flags)
    assert "permanent" in flags[0].message
