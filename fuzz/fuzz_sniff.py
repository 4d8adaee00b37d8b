"""Fuzz sniffing and dispatch: ``detect`` ranking and ``read()`` with no format named.

Every built-in ``sniff`` must return a number in 0..1 and never raise (the registry turns an
exception into a warning, which this target treats as a crash); the ranking is sorted best
first; and ``read(data, errors="collect")`` with auto-detection passes the oracle of
:mod:`common`.
"""

from __future__ import annotations

import math
import sys
import warnings

import atheris  # type: ignore[import-untyped]

with atheris.instrument_imports(include=["recordparse"]):
    import common

    from recordparse.sources import HEAD_SIZE

    PARSERS = list(common.registry().parsers(include_plugins=False))


def test_one_input(data: bytes) -> None:
    head = data[:HEAD_SIZE]
    for parser in PARSERS:
        score = parser.sniff(head)
        assert isinstance(score, (int, float)) and not isinstance(score, bool), (parser.name, score)
        assert not math.isnan(score) and 0.0 <= score <= 1.0, (parser.name, score)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a sniffer that raised is reported as a warning
        ranked = common.registry().rank(head, "")
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True), scores
    common.read_checked(data, None)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
