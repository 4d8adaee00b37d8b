"""Never a crash: every parser, on arbitrary bytes and on mutated versions of its own fixtures,
yields only Records and Failures under ``errors="collect"`` (the oracle of
:func:`strategies.check_outcomes`), and auto-detection does too."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recordparse.registry import BUILTIN_PARSERS

from .strategies import budget, check_outcomes, fixtures_by_format, mutated, outcomes

PARSERS = sorted(BUILTIN_PARSERS)


@pytest.mark.parametrize("name", PARSERS)
@budget(1.0)
@given(data=st.binary(max_size=4096))
def test_every_parser_survives_arbitrary_bytes(name: str, data: bytes) -> None:
    check_outcomes(outcomes(data, name))


@pytest.mark.parametrize("name", PARSERS)
@budget(1.0)
@given(data=st.data())
def test_every_parser_survives_its_mutated_fixtures(name: str, data: st.DataObject) -> None:
    sources = fixtures_by_format().get(name)
    if not sources:
        pytest.skip(f"no fixture of {name}")
    check_outcomes(outcomes(data.draw(mutated(sources)), name))


@budget(1.0)
@given(data=st.data())
def test_auto_detection_survives_mutated_fixtures(data: st.DataObject) -> None:
    sources = tuple(s for group in fixtures_by_format().values() for s in group)
    check_outcomes(outcomes(data.draw(mutated(sources))))
