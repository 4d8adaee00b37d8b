"""DOI, ISSN, ORCID and ISBN normalisation and check digits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recordparse.normalize.identifiers import (
    find_doi,
    isbn_valid,
    issn_valid,
    normalize_doi,
    normalize_isbn,
    normalize_issn,
    normalize_orcid,
    orcid_valid,
)


@pytest.mark.parametrize(
    "value",
    [
        "10.3389/fimmu.2022.952231",
        "doi:10.3389/fimmu.2022.952231",
        "DOI: 10.3389/fimmu.2022.952231",
        "https://doi.org/10.3389/fimmu.2022.952231",
        "http://dx.doi.org/10.3389/fimmu.2022.952231",
        "https://doi.org/10.3389%2Ffimmu.2022.952231",
        "10.3389/fimmu.2022.952231.",
    ],
)
def test_doi_forms(value: str) -> None:
    assert normalize_doi(value) == "10.3389/fimmu.2022.952231"


def test_doi_case_kept_and_non_dois_refused() -> None:
    assert normalize_doi("10.1109/LCSYS.2021.3050609") == "10.1109/LCSYS.2021.3050609"
    assert normalize_doi("not a doi") is None
    assert find_doi("https://www.frontiersin.org/articles/10.3389/fimmu.2022.952231/full") == "10.3389/fimmu.2022.952231/full"


def test_issn() -> None:
    assert normalize_issn("1664-3224") == "1664-3224"
    assert normalize_issn("2529850x") == "2529-850X"
    assert normalize_issn("12345") is None
    assert issn_valid("1664-3224") and issn_valid("2529-850X") and issn_valid("0041-7084")
    assert not issn_valid("1664-3225")


def test_orcid() -> None:
    assert normalize_orcid("0000-0002-1825-0097") == "https://orcid.org/0000-0002-1825-0097"
    assert normalize_orcid("https://orcid.org/000000021825009X") == "https://orcid.org/0000-0002-1825-009X"
    assert orcid_valid("https://orcid.org/0000-0002-1825-0097")
    assert not orcid_valid("0000-0002-1825-0098")


def test_isbn() -> None:
    assert normalize_isbn("978-3-16-148410-0 (pbk.)") == "9783161484100"
    assert isbn_valid("9783161484100") and isbn_valid("0-306-40615-2")
    assert not isbn_valid("9783161484101")


@given(st.integers(0, 9_999_999))
def test_issn_check_digit_property(n: int) -> None:
    body = f"{n:07d}"
    total = sum(int(d) * w for d, w in zip(body, range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    issn = f"{body[:4]}-{body[4:]}{'X' if check == 10 else check}"
    assert issn_valid(issn)
    assert normalize_issn(issn.replace("-", "")) == issn
    assert normalize_issn(normalize_issn(issn)) == issn


@given(st.text(max_size=60))
def test_identifier_normalisers_never_raise_and_are_idempotent(text: str) -> None:
    for norm in (normalize_doi, normalize_issn, normalize_orcid, normalize_isbn):
        once = norm(text)
        assert once is None or norm(once) == once
