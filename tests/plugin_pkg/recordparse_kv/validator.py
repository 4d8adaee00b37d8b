"""The plugin's validator: an open record should say under which licence it may be reused."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from recordparse import Flag, Record


def check_open_license(record: Record, ctx: Any) -> Iterator[Flag]:
    """``open_without_license`` (warning) for an open record that names no licence."""
    if record.access.status == "open" and not record.license:
        yield Flag("open_without_license", "warning", "open access, but no licence is given", record.access.evidence, "license")
