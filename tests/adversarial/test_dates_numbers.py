"""Dates and numbers from hostile sources: dateutil's surprises never reach a Record, and very
large JSON integers are kept exactly.

dateutil raises ``decimal.InvalidOperation`` (not a ``ValueError``) for ``1h`` followed by 40
nines and ``OverflowError`` for ``2147483648``; it completes a bare ``2030`` with today's month
and day. Each value goes through a real parser (OAI-PMH XML and Hyrax JSON) and must come out at
the precision the source gave, or as no date with the source text kept and flagged.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any

import pytest

from recordparse import Record
from recordparse.normalize.dates import parse_date

from .cases import JSON_DIRS, lines_of, xml_doc
from .harness import outcomes_of

DATES = [
    ("2030", "2030"),
    ("2030-06", "2030-06"),
    ("June 2030", "2030-06"),
    ("03/04/2021", "2021"),  # day and month could be swapped: only the year is certain
    ("Spring 2030", "2030"),
    ("c. 1850", "1850"),
    ("1h" + "9" * 40, None),  # decimal.InvalidOperation inside dateutil
    ("2147483648", None),  # OverflowError inside dateutil
    ("9" * 5000, None),
    ("0000-00-00", None),
    ("2021-02-30", None),
    ("x" * 100_000, None),  # long: never handed to dateutil
]


def _oai_with_date(value: str) -> bytes:
    return xml_doc("oai-pmh", n=1).replace(b"<dc:date>2021</dc:date>", f"<dc:date>{value}</dc:date>".encode())


def _hyrax_with_date(value: str) -> bytes:
    return json.dumps({"id": "w1", "title": ["T"], "date_created": [value]}).encode() + b"\n"


@pytest.mark.parametrize(("value", "expected"), DATES, ids=[d[0][:16] for d in DATES])
@pytest.mark.parametrize("fmt", ["oai-pmh", "hyrax-json"])
def test_dates_keep_the_source_precision_or_are_kept_as_text(value: str, expected: str | None, fmt: str) -> None:
    data = _oai_with_date(value) if fmt == "oai-pmh" else _hyrax_with_date(value)
    report = outcomes_of(data, fmt)
    assert report.raised is None and not report.failures, report.failures
    [record] = report.records
    assert record["date_published"] == expected
    today = _dt.date.today()
    assert f"-{today.month:02d}-{today.day:02d}" not in (record["date_published"] or "")
    if expected is None and len(value) < 1000:
        assert any(f["code"] == "unparsed_date" for f in record["extra"]["_flags"])
        assert value in json.dumps(record["extra"])


def test_parse_date_is_fast_on_long_input() -> None:
    import time

    started = time.monotonic()
    for _ in range(100):
        assert parse_date("1 " * 50_000) is None
    assert time.monotonic() - started < 2


def _values(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [v for item in value.values() for v in _values(item)]
    if isinstance(value, list):
        return [v for item in value for v in _values(item)]
    return [value]


@pytest.mark.parametrize("fmt", sorted(JSON_DIRS))
def test_very_large_integers_are_kept_exactly_in_every_json_format(fmt: str) -> None:
    if not lines_of(fmt):
        pytest.skip(f"no {fmt} fixture")
    record = json.loads(lines_of(fmt)[0])
    record["x_big"] = 2**64 + 1
    record["x_negative"] = -(2**63) - 1
    report = outcomes_of(json.dumps(record).encode() + b"\n", fmt)
    [got] = report.records
    values = _values(got["extra"])
    assert 2**64 + 1 in values and -(2**63) - 1 in values
    again = Record.from_dict({k: v for k, v in got.items() if k not in ("outcome", "position")})
    assert 2**64 + 1 in _values(dict(again.extra))
