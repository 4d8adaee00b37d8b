"""Consistency: the findings a parser recorded while mapping, as flags.

Parsers record what they saw but could not settle (``ambiguous_field``: a value recovered from
run-together text with more than one possible split; ``value_conflict``: the same value given
twice and differently; ``access_conflict``: two access signals that disagree; ``invalid_doi`` or
``invalid_issn`` for a source value that could not become a DOI or ISSN at all) in
``extra["_flags"]``; this validator reports them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..record import Flag, Record

__all__ = ["check_consistency"]

def check_consistency(record: Record, ctx: Any = None) -> Iterator[Flag]:
    for entry in record.flags:
        code = str(entry.get("code", "parser_note"))
        yield Flag(
            code,
            str(entry.get("severity", "warning")),
            str(entry.get("message", "")),
            tuple(str(e) for e in entry.get("evidence", ()) or ()),
            entry.get("field"),
        )
