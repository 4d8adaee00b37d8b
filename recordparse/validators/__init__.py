"""Validators: functions that look at one Record and return :class:`~recordparse.Flag` objects.

A validator never re-parses: it reads the Record's fields, its :class:`~recordparse.Access` and
the findings the parser stored in ``extra["_flags"]``. Built-in validators are ``access``,
``identifiers`` and ``consistency``; plugins add more through the ``recordparse.validators``
entry-point group. :func:`check` runs them all.
"""

from __future__ import annotations

import datetime as _dt

import attrs

from ..errors import PluginError
from ..record import Flag, Record

__all__ = ["CheckContext", "check"]


@attrs.frozen
class CheckContext:
    """What validators may depend on besides the record: the date that counts as today."""

    today: _dt.date = attrs.field(factory=_dt.date.today)


def check(
    record: Record,
    *,
    today: _dt.date | None = None,
    registry: object | None = None,
) -> list[Flag]:
    """Run every registered validator on ``record`` and return their flags in order.

    ``today`` pins the date embargo ends are judged against (tests and reproducible reports set
    it). A plugin validator that raises is reported as a ``validator_error`` flag naming it.
    """
    from ..registry import Registry, default_registry

    reg = registry if isinstance(registry, Registry) else default_registry()
    ctx = CheckContext(today=today or _dt.date.today())
    flags: list[Flag] = []
    for name, func in reg.validators():
        try:
            flags.extend(func(record, ctx))
        except Exception as exc:
            if reg.is_plugin(name) or name not in ("access", "identifiers", "consistency"):
                err = PluginError(name, None, f"validator raised {type(exc).__name__}: {exc}")
                flags.append(Flag("validator_error", "error", str(err), (), None))
            else:
                raise
    return flags
