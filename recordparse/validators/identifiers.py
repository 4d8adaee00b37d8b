"""Identifier checks: DOI form, ISSN and ORCID check digits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..normalize.identifiers import issn_valid, normalize_doi, orcid_valid
from ..record import Flag, Record

__all__ = ["check_identifiers"]


def check_identifiers(record: Record, ctx: Any = None) -> Iterator[Flag]:
    """``invalid_doi``, ``invalid_issn`` and ``invalid_orcid`` flags."""
    if record.doi and normalize_doi(record.doi) != record.doi:
        yield Flag("invalid_doi", "warning", f"DOI {record.doi!r} is not of the form 10.NNNN/suffix", (record.doi,), "doi")
    for issn in record.issns:
        if not issn_valid(issn):
            yield Flag("invalid_issn", "warning", f"ISSN {issn} fails its check digit", (issn,), "issns")
    for person in record.authors:
        if person.orcid and not orcid_valid(person.orcid):
            yield Flag("invalid_orcid", "warning", f"ORCID of {person.name} fails its check digit", (person.orcid,), "authors")
