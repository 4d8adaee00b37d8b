"""Dates keep the source's precision and never invent a month or day."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recordparse.normalize.dates import (
    end_of_period,
    expand_year,
    month_number,
    parse_date,
    year_month,
)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2021", "2021"),
        ("2022-09", "2022-09"),
        ("2022-09-01", "2022-09-01"),
        ("2022-12-22T03:17:02Z", "2022-12-22"),
        ("2010/5/12", "2010-05-12"),
        ("March 2022", "2022-03"),
        ("5 March 2020", "2020-03-05"),
        ("March 5, 2020", "2020-03-05"),
        ("6 February 2027.", "2027-02-06"),
        ("1. Januar 2027", "2027-01-01"),
        ("1 janvier 2027", "2027-01-01"),
        ("1 de enero de 2027", "2027-01-01"),
        ("1 de janeiro de 2027", "2027-01-01"),
        ("1 gennaio 2027", "2027-01-01"),
        ("1 januari 2027", "2027-01-01"),
        ("13/04/2021", "2021-04-13"),
        ("03/04/2021", "2021"),  # day and month could be swapped: keep only the year
        ("01.02.2021", "2021-02-01"),  # dotted dates are day-first
        ("Spring 2030", "2030"),
        ("c. 1850", "1850"),
        ("[1922]", "1922"),
        ("2018/2020-09", "2018"),
        ("2021-02-30", None),
        ("0000-00-00", None),
        ("n/a", None),
        ("", None),
        ("1h" + "9" * 40, None),  # dateutil raises decimal.InvalidOperation here
    ],
)
def test_parse_date(text: str, iso: str | None) -> None:
    assert parse_date(text) == iso


def test_year_month_from_doaj_fields() -> None:
    assert year_month("2020", "4") == "2020-04"
    assert year_month("2020", "November") == "2020-11"
    assert year_month("2020", "0") == "2020"
    assert year_month("2020", None) == "2020"
    assert year_month("99", "01") == "1999-01"
    assert year_month("nope", "1") is None


def test_month_numbers_in_seven_languages() -> None:
    assert [month_number(m) for m in ("Mar", "März", "mars", "marzo", "março", "maart", "03")] == [3] * 7
    assert month_number("13") is None and month_number("Smarch") is None


def test_expand_year_pivot() -> None:
    today = dt.date(2026, 11, 21)
    assert expand_year("27", today=today) == 2027
    assert expand_year("28", today=today) == 1928
    assert expand_year("1999") == 1999


def test_end_of_period() -> None:
    assert end_of_period("2027") == dt.date(2027, 12, 31)
    assert end_of_period("2024-02") == dt.date(2024, 2, 29)
    assert end_of_period("2027-01-05") == dt.date(2027, 1, 5)


@given(st.text(max_size=80))
def test_parse_date_never_raises_and_returns_iso(text: str) -> None:
    result = parse_date(text)
    assert result is None or (len(result) in (4, 7, 10) and result[:4].isdigit())


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2999, 12, 31)))
def test_iso_dates_round_trip_and_are_idempotent(day: dt.date) -> None:
    iso = day.isoformat()
    assert parse_date(iso) == iso
    assert parse_date(iso[:7]) == iso[:7]
    assert parse_date(iso[:4]) == iso[:4]
    assert parse_date(parse_date(iso)) == iso


@given(st.integers(1000, 2999))
def test_a_bare_year_is_never_completed(year: int) -> None:
    assert parse_date(str(year)) == str(year)
