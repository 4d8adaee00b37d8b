"""to_dataframe: the CSV's flat columns in a DataFrame; a clear error without pandas."""

from __future__ import annotations

import subprocess
import sys

import pytest

import recordparse
from recordparse import Failure, Position
from recordparse.exports.csv import COLUMNS

from .records import ALL, ARTICLE, THESIS


def test_columns_and_values() -> None:
    pytest.importorskip("pandas", reason="pandas is the optional 'pandas' extra")
    frame = recordparse.to_dataframe(iter(ALL))
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == len(ALL)
    assert frame.loc[0, "authors"] == "Huber, Anna; Keller, Tom; Alpine Monitoring Network"
    assert frame.loc[0, "access.embargo_end"] == "2027-06-30"
    assert frame.loc[1, "access.embargo_end"] == "permanent"
    assert frame["record"].tolist()[:1] == [7] and str(frame["record"].dtype) == "Int64"
    assert frame["authors"].isna().tolist() == [False, False, True, True]
    assert frame["access.status"].tolist() == ["embargoed", "restricted", "unknown", "unknown"]


def test_empty_input_gives_the_columns() -> None:
    pytest.importorskip("pandas", reason="pandas is the optional 'pandas' extra")
    frame = recordparse.to_dataframe([])
    assert list(frame.columns) == list(COLUMNS) and len(frame) == 0


def test_failures_are_refused() -> None:
    pytest.importorskip("pandas", reason="pandas is the optional 'pandas' extra")
    with pytest.raises(TypeError, match="not Failure"):
        recordparse.to_dataframe([ARTICLE, Failure(Position("x", 1), "bad")])  # type: ignore[list-item]


def test_without_pandas_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # what an absent package looks like to import
    with pytest.raises(ImportError, match=r'pip install "recordparse\[pandas\]"'):
        recordparse.to_dataframe([THESIS])


def test_import_recordparse_does_not_import_pandas() -> None:
    code = "import sys, recordparse; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
