"""One fuzz target body for a family of parsers (XML, HTML, JSON or text formats).

The first byte of the input picks the parser (:func:`common.pick`), the rest is the input to
``read(..., format=that parser, errors="collect")``; :func:`common.read_checked` applies the
oracle. Every parser of the family is imported inside atheris' instrumentation so that the
fuzzer gets coverage feedback from recordparse's own code.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports(include=["recordparse"]):
    import common  # noqa: I001  (imported under instrumentation on purpose)
    import recordparse.reading  # noqa: F401


def make_target(family: str) -> Callable[[bytes], None]:
    """The ``TestOneInput`` for ``family`` (parsers resolved now, under instrumentation)."""
    names = common.FAMILIES[family]
    with atheris.instrument_imports(include=["recordparse"]):
        for name in names:
            common.registry().get(name)

    def test_one_input(data: bytes) -> None:
        name, body = common.pick(data, names)
        common.read_checked(body, name)

    return test_one_input


def main(family: str) -> None:
    atheris.Setup(sys.argv, make_target(family))
    atheris.Fuzz()
