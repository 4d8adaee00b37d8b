"""Shared test fixtures: paths to the bundled fixtures and to ../shared (skipped when absent)."""

from __future__ import annotations

import datetime as _dt
import os
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = Path(os.environ.get("RECORDPARSE_SHARED", ROOT.parent / "shared"))

settings.register_profile("ci", max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("deep", max_examples=20000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

#: The date tests judge embargoes against, so results never depend on the day they run.
TODAY = _dt.date(2026, 11, 21)


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def today() -> _dt.date:
    return TODAY


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test with a clear reason when it is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: the shared seeds and real data are not beside this checkout")
    return path


@pytest.fixture
def shared_dir() -> Path:
    return shared_path()
