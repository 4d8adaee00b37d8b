"""Access flags: ``embargoed``, ``restricted``, ``metadata_only``, ``embargo_expired``.

The parser decided :class:`~recordparse.Access` from the source's own signals; this validator
states it as flags a compliance officer can filter on, and judges embargo end dates against
``ctx.today``. A year-only end date means the end of that year; an end date in the past gives
``embargo_expired`` (the item should be open now) instead of ``embargoed``. A permanent embargo
is flagged ``embargoed`` with the end ``permanent``. Conflicts between signals that the parser
recorded (``access_conflict``) are reported by the consistency validator.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from typing import Any

from ..normalize.dates import end_of_period
from ..record import Flag, Record

__all__ = ["check_access"]


def check_access(record: Record, ctx: Any) -> Iterator[Flag]:
    """``embargoed`` / ``embargo_expired`` from the embargo end, then ``restricted`` or
    ``metadata_only`` from the status (a permanent embargo on a restricted item gives both)."""
    access = record.access
    today: _dt.date = getattr(ctx, "today", None) or _dt.date.today()
    yield from _embargo_flags(access.status, access.embargo_end, access.evidence, today)
    if access.status == "restricted":
        yield Flag("restricted", "info", "content restricted", access.evidence, "access")
    elif access.status == "metadata_only":
        yield Flag("metadata_only", "info", "metadata only: no content in the repository", access.evidence, "access")


def _embargo_flags(
    status: str, end: str | None, evidence: tuple[str, ...], today: _dt.date
) -> Iterator[Flag]:
    if end == "permanent":
        yield Flag("embargoed", "info", "under permanent embargo (it never lifts)", evidence, "access")
        return
    if not end:
        if status == "embargoed":
            yield Flag("embargoed", "warning", "embargoed, end date unknown", evidence, "access")
        return
    last = end_of_period(end)
    if last is None:
        # Fail closed: an end date nobody can read never makes the item open.
        yield Flag("embargoed", "warning", f"embargoed, end date unreadable: {end!r}", evidence, "access")
    elif last < today:
        yield Flag(
            "embargo_expired",
            "warning",
            f"embargo ended {end}; the item should be open now (status: {status})",
            evidence,
            "access",
        )
    else:
        yield Flag("embargoed", "info", f"embargoed until {end}", evidence, "access")
