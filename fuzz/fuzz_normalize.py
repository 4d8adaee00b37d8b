"""Fuzz the shared normalisers: dates, access wordings and vocabularies, names, identifiers,
languages and text clean-up.

Each function must return its documented type and never raise on any string (``end_of_period``
and ``split_pages`` included), and the results keep their promises: dates are ISO at year, month
or day precision and parse to themselves again; an embargo end is ISO or ``permanent``; a DOI,
an ISSN, a language tag and cleaned text are fixed points of their normaliser.
"""

from __future__ import annotations

import re
import sys

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports(include=["recordparse", "dateutil"]):
    from recordparse.normalize import access, dates, identifiers, languages, names, text

_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_SCHEMES = [None, *sorted(access.SCHEMES)]


def _date(value: str, fdp: atheris.FuzzedDataProvider) -> None:
    dayfirst = fdp.PickValueInList([None, True, False])
    iso = dates.parse_date(value, dayfirst=dayfirst)
    assert iso is None or _ISO.match(iso), iso
    if iso is not None:
        assert dates.parse_date(iso) == iso, (value, iso)
        assert dates.end_of_period(iso) is not None, iso
    dates.end_of_period(value)
    ym = dates.year_month(value, fdp.ConsumeUnicodeNoSurrogates(8))
    assert ym is None or _ISO.match(ym), ym
    month = dates.month_number(value)
    assert month is None or 1 <= month <= 12, month
    year = dates.expand_year(value)
    assert year is None or 1000 <= year <= 2999, year


def _access(value: str, fdp: atheris.FuzzedDataProvider) -> None:
    signals = []
    found = access.classify_text(value)
    if found is not None:
        signals.append(found)
    scheme = fdp.PickValueInList(_SCHEMES)
    vocab = access.from_vocabulary(value, date=fdp.ConsumeUnicodeNoSurrogates(24), scheme=scheme)
    if vocab is not None:
        signals.append(vocab)
    for signal in signals:
        end = signal.embargo_end
        assert end is None or end == access.PERMANENT or _ISO.match(end), end
    result, _ = access.decide(signals)
    if any(s.status != "open" and s.status != "unknown" for s in signals):
        assert result.status != "open", (signals, result)  # fail closed
    access.find_date(value)


def _names(value: str, fdp: atheris.FuzzedDataProvider) -> None:
    person = names.make_person(value)
    if person is not None:
        assert person.name and person.name == person.name.strip(), person
    names.split_name(value)
    names.undouble(value)
    names.make_corporate(value)
    names.unique_people([person, names.make_person(value[::-1])])


def _identifiers(value: str, fdp: atheris.FuzzedDataProvider) -> None:
    doi = identifiers.normalize_doi(value)
    if doi is not None:
        assert doi.startswith("10."), doi
        assert identifiers.normalize_doi(doi) == doi, (value, doi)
    identifiers.find_doi(value)
    issn = identifiers.normalize_issn(value)
    if issn is not None:
        assert identifiers.normalize_issn(issn) == issn, (value, issn)
        identifiers.issn_valid(issn)
    orcid = identifiers.normalize_orcid(value)
    if orcid is not None:
        identifiers.orcid_valid(orcid)
    isbn = identifiers.normalize_isbn(value)
    if isbn is not None:
        identifiers.isbn_valid(isbn)


def _language(value: str, fdp: atheris.FuzzedDataProvider) -> None:
    tag = languages.to_bcp47(value)
    if tag is not None:
        assert languages.to_bcp47(tag) == tag, (value, tag)


def _text(value: str, fdp: atheris.FuzzedDataProvider) -> None:
    cleaned = text.clean(value)
    assert cleaned is None or text.clean(cleaned) == cleaned, (value, cleaned)
    text.strip_html(value)
    text.has_html(value)
    text.is_truncated(value)
    text.untruncate(value, fdp.ConsumeUnicodeNoSurrogates(64))
    start, end = text.split_pages(value)
    text.expand_end_page(start, end)
    text.clean_list([value, value.upper()])


_CHECKS = [_date, _access, _names, _identifiers, _language, _text]


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    check = fdp.PickValueInList(_CHECKS)
    value = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 200))
    check(value, fdp)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
