"""Identifiers: DOI, ISSN (with its check digit), ORCID (with its check digit), ISBN."""

from __future__ import annotations

import functools
import re
import urllib.parse

__all__ = [
    "find_doi",
    "isbn_valid",
    "issn_valid",
    "normalize_doi",
    "normalize_isbn",
    "normalize_issn",
    "normalize_orcid",
    "orcid_valid",
]

DOI_PATTERN = re.compile(r"10\.\d{4,9}/[^\s\"'<>]+")
_DOI_PREFIX = re.compile(
    r"^(?:doi\s*:?\s*|(?:https?://)?(?:dx\.|www\.)?doi\.org/|info:doi/|urn:doi:)", re.I
)
_ISSN = re.compile(r"^\s*(\d{4})\s*[-‐‑–—]?\s*(\d{3}[\dxX])\s*$")
_ORCID = re.compile(r"(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])", re.I)


def normalize_doi(value: str | None) -> str | None:
    """A bare DOI (``10.1234/abc``) from a bare, ``doi:`` or URL form; None if there is none.

    The case of the suffix is kept (DOIs compare case-insensitively); URL-escapes are decoded
    and trailing punctuation is dropped.
    """
    if not value:
        return None
    text = value.strip()
    text = _DOI_PREFIX.sub("", text)
    if "%" in text:
        text = urllib.parse.unquote(text)
    match = DOI_PATTERN.search(text)
    if not match:
        return None
    doi = match.group(0).rstrip(".,;)]}")
    if doi.endswith("/"):  # "10.1000/)" left nothing after the prefix: not a DOI
        return None
    return doi


def find_doi(text: str | None) -> str | None:
    """The first DOI anywhere in ``text`` (a URL, a citation), or None."""
    if not text:
        return None
    if "%2F" in text or "%2f" in text:
        text = urllib.parse.unquote(text)
    match = DOI_PATTERN.search(text)
    return normalize_doi(match.group(0)) if match else None


def normalize_issn(value: str | None) -> str | None:
    """``1234-567X`` from ``1234567x``, ``1234 567X`` ...; None when it is not 8 characters.

    The check digit is *not* verified here (see :func:`issn_valid`): an ISSN with a bad check
    digit is still an ISSN the source gave, and it is kept and flagged.
    """
    if not value:
        return None
    match = _ISSN.match(value)
    if not match:
        return None
    return f"{match.group(1)}-{match.group(2).upper()}"


def issn_valid(issn: str) -> bool:
    """True when the ISSN's check digit is right (mod 11, weights 8..2)."""
    norm = normalize_issn(issn)
    if not norm:
        return False
    digits = norm.replace("-", "")
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    expected = "X" if check == 10 else str(check)
    return digits[7] == expected


def orcid_valid(orcid: str) -> bool:
    """True when the ORCID's ISO 7064 11,2 check digit is right."""
    match = _ORCID.search(orcid or "")
    if not match:
        return False
    digits = "".join(match.groups()).upper()
    total = 0
    for d in digits[:15]:
        total = (total + int(d)) * 2
    check = (12 - total % 11) % 11
    return digits[15] == ("X" if check == 10 else str(check))


def normalize_orcid(value: str | None) -> str | None:
    """``https://orcid.org/0000-0002-1825-0097`` from a bare, hyphen-less or URL form."""
    if not value:
        return None
    return _normalize_orcid(value)


@functools.lru_cache(maxsize=4096)
def _normalize_orcid(value: str) -> str | None:
    """:func:`normalize_orcid`, memoised: an author's ORCID recurs on each of their records."""
    match = _ORCID.search(value)
    if not match:
        return None
    return "https://orcid.org/" + "-".join([g.upper() for g in match.groups()])


def normalize_isbn(value: str | None) -> str | None:
    """Digits (and a final X) of an ISBN-10 or ISBN-13, or None."""
    if not value:
        return None
    compact = re.sub(r"[\s-]", "", value.split("(")[0]).upper()
    match = re.match(r"^(97[89]\d{10}|\d{9}[\dX])(?![\dX])", compact)
    return match.group(1) if match else None


def isbn_valid(isbn: str) -> bool:
    """True when an ISBN-10 or ISBN-13's check digit is right."""
    norm = normalize_isbn(isbn)
    if not norm:
        return False
    if len(norm) == 10:
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(norm))
        return total % 11 == 0
    if "X" in norm:
        return False
    total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(norm))
    return total % 10 == 0
