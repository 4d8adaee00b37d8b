"""Properties of every shared normaliser: never an exception on any text, results in the
documented form, idempotent where a normal form is promised, and access that fails closed."""

from __future__ import annotations

import datetime as _dt
import json
import re

from hypothesis import assume, given
from hypothesis import strategies as st

from recordparse import Person
from recordparse.normalize import access, dates, identifiers, languages, names, text

from .strategies import DATE_LIKE, TEXT

ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@given(DATE_LIKE, st.sampled_from([None, True, False]))
def test_parse_date_gives_iso_or_none_and_is_idempotent(value: str, dayfirst: bool | None) -> None:
    iso = dates.parse_date(value, dayfirst=dayfirst)
    assert iso is None or ISO.match(iso), iso
    if iso is not None:
        assert dates.parse_date(iso) == iso
        assert dates.end_of_period(iso) is not None


@given(st.integers(1000, 2999), st.integers(1, 12))
def test_parse_date_never_invents_a_month_or_day(year: int, month: int) -> None:
    # dateutil completes "2030" with today's month and day; the record must not
    assert dates.parse_date(str(year)) == f"{year}"
    assert dates.parse_date(f"{year}-{month:02d}") == f"{year}-{month:02d}"
    assert dates.parse_date(f"{year}-{month:02d}-01T00:00:00Z") == f"{year}-{month:02d}-01"


@given(st.dates(min_value=_dt.date(1000, 1, 1), max_value=_dt.date(2999, 12, 31)))
def test_end_of_period_covers_the_whole_period(day: _dt.date) -> None:
    iso = day.isoformat()
    assert dates.end_of_period(iso) == day
    month_end = dates.end_of_period(iso[:7])
    assert month_end is not None and month_end >= day and month_end.month == day.month
    assert dates.end_of_period(iso[:4]) == _dt.date(day.year, 12, 31)


@given(TEXT, st.one_of(st.none(), TEXT))
def test_year_month_and_month_number_stay_in_range(year: str, month: str | None) -> None:
    found = dates.year_month(year, month)
    assert found is None or ISO.match(found), found
    number = dates.month_number(month)
    assert number is None or 1 <= number <= 12


_SIGNALS = st.builds(
    access.AccessSignal,
    st.sampled_from(["open", "embargoed", "restricted", "metadata_only", "unknown"]),
    st.one_of(st.none(), st.just(access.PERMANENT), st.dates().map(lambda d: d.isoformat()), st.integers(1000, 2999).map(str)),
    TEXT,
)


@given(st.lists(_SIGNALS, max_size=6), st.randoms())
def test_decide_does_not_depend_on_signal_order_and_fails_closed(signals: list[access.AccessSignal], rnd: object) -> None:
    decided, _ = access.decide(signals)
    shuffled = list(signals)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    again, _ = access.decide(shuffled)
    assert (decided.status, decided.embargo_end) == (again.status, again.embargo_end)
    closed = {s.status for s in signals} - {"open", "unknown"}
    if closed:
        assert decided.status != "open", (signals, decided)


@given(st.sampled_from(["Embargoed until", "Embargo bis", "Restricted to Repository staff only until", "Under embargo until"]), TEXT)
def test_an_embargo_wording_with_any_date_is_never_open(wording: str, date: str) -> None:
    signal = access.classify_text(f"{wording} {date}")
    assert signal is None or signal.status != "open", signal
    if signal is not None:
        end = signal.embargo_end
        assert end is None or end == access.PERMANENT or ISO.match(end), end


@given(TEXT, st.one_of(st.none(), TEXT), st.sampled_from([None, *sorted(access.SCHEMES)]))
def test_from_vocabulary_never_raises_and_dates_are_iso(value: str, date: str | None, scheme: str | None) -> None:
    signal = access.from_vocabulary(value, date=date, scheme=scheme)
    if signal is not None:
        assert signal.embargo_end is None or signal.embargo_end == access.PERMANENT or ISO.match(signal.embargo_end)


_DOI_SUFFIX = st.text(st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters='"<>'), min_size=1, max_size=30)


@given(st.integers(1000, 99999), _DOI_SUFFIX, st.sampled_from(["", "doi:", "https://doi.org/", "http://dx.doi.org/", "info:doi/"]))
def test_doi_normalisation_is_bare_and_idempotent(registrant: int, suffix: str, prefix: str) -> None:
    doi = identifiers.normalize_doi(f"{prefix}10.{registrant}/{suffix}")
    assume(doi is not None)
    assert doi is not None
    assert doi.startswith("10.") and not doi.lower().startswith("10.1/doi.org")
    assert identifiers.normalize_doi(doi) == doi


@given(TEXT)
def test_identifier_normalisers_never_raise_and_are_idempotent(value: str) -> None:
    for normalize in (identifiers.normalize_doi, identifiers.normalize_issn, identifiers.normalize_orcid, identifiers.normalize_isbn):
        once = normalize(value)
        if once is not None:
            assert normalize(once) == once, (normalize.__name__, value, once)
    identifiers.find_doi(value)


@given(st.integers(0, 9_999_999))
def test_issn_with_its_check_digit_is_valid(number: int) -> None:
    digits = f"{number:07d}"
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    issn = f"{digits[:4]}-{digits[4:]}{'X' if check == 10 else check}"
    assert identifiers.normalize_issn(issn.replace("-", "")) == issn
    assert identifiers.issn_valid(issn)


@given(TEXT)
def test_language_tags_are_a_fixed_point(value: str) -> None:
    tag = languages.to_bcp47(value)
    if tag is not None:
        assert languages.to_bcp47(tag) == tag
        assert re.match(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$", tag), tag


@given(st.lists(TEXT, max_size=6))
def test_people_are_cleaned_and_unique_people_is_idempotent(raw: list[str]) -> None:
    people = [names.make_person(n) for n in raw]
    for person in people:
        if person is not None:
            assert person.name and person.name == text.clean(person.name), person
    once = names.unique_people(people)
    assert names.unique_people(once) == once
    assert all(isinstance(p, Person) for p in once)


@given(TEXT)
def test_clean_is_idempotent_and_strip_html_leaves_no_tags(value: str) -> None:
    cleaned = text.clean(value)
    assert cleaned is None or (text.clean(cleaned) == cleaned and cleaned == cleaned.strip())
    stripped = text.strip_html(value)
    assert stripped is None or not re.search(r"<\s*/?\s*(p|br|div|i|b|em|sub|sup)\b[^<>]*>", stripped, re.I)
    text.split_pages(value)


@given(st.recursive(st.one_of(st.text(), st.integers()), lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=20))
def test_scrub_surrogates_makes_any_value_encodable(value: object) -> None:
    scrubbed, count = text.scrub_surrogates(value)
    json.dumps(scrubbed, ensure_ascii=False).encode("utf-8")
    if count == 0:
        assert scrubbed is value
