"""A parser whose compiled helper was never built: importing this module fails, as a plugin
with a missing extension module does in real life."""

from __future__ import annotations

from ._speedups import fast_split  # type: ignore[import-not-found]  # noqa: F401  (never built)
