"""``missing-doi``: a journal article should carry its DOI, which funders' reports link to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from recordparse import Flag, Record


def check_missing_doi(record: Record, ctx: Any) -> Iterator[Flag]:
    """``missing_doi`` (warning) for a journal article without a DOI, whatever its format."""
    if record.type == "article-journal" and not record.doi:
        yield Flag(
            code="missing_doi",
            severity="warning",
            message="journal article without a DOI",
            evidence=(record.title or record.id or "",),
            field="doi",
        )
