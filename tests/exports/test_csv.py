"""CSV export: fixed flat columns, lists joined with "; ", extra as JSON, proper quoting."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from recordparse import Failure, Flag, Position, write_records
from recordparse.exports.csv import COLUMNS, FLAG_COLUMNS, FlagCsvWriter, flag_rows, flatten

from .records import ALL, ARTICLE, EMPTY, THESIS


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_header_is_the_fixed_columns_even_without_records() -> None:
    out = io.StringIO()
    assert write_records([], out, to="csv") == 0
    assert next(csv.reader(io.StringIO(out.getvalue()))) == list(COLUMNS)
    assert COLUMNS.index("access.status") < COLUMNS.index("access.embargo_end") < COLUMNS.index("access.evidence")


def test_article_flattened() -> None:
    out = io.StringIO()
    write_records(ALL, out, to="csv")
    rows = _rows(out.getvalue())
    assert len(rows) == len(ALL)
    row = rows[0]
    assert row["title"] == ARTICLE.title  # quotes and the comma survive quoting
    assert row["abstract"] == ARTICLE.abstract  # so does the line break
    assert row["authors"] == "Huber, Anna; Keller, Tom; Alpine Monitoring Network"
    assert row["affiliations"] == "Universität Innsbruck; ETH Zürich"
    assert row["issns"] == "1234-5679; 2345-6781"
    assert row["urls"] == "https://eprints.example.ac.uk/4411/; https://doi.org/10.5281/zenodo.3547712"
    assert row["keywords"] == "soil moisture; grazing"
    assert row["subjects"] == "QH301 Biology"
    assert (row["access.status"], row["access.embargo_end"]) == ("embargoed", "2027-06-30")
    assert row["access.evidence"] == "Full text embargoed until 30 June 2027; info:eu-repo/semantics/embargoedAccess"
    assert json.loads(row["extra"]) == ARTICLE.to_dict()["extra"]
    assert (row["source"], row["record"]) == ("harvest/page-001.xml", "7")


def test_missing_values_are_empty_cells() -> None:
    out = io.StringIO()
    write_records([EMPTY, THESIS], out, to="csv")
    empty, thesis = _rows(out.getvalue())
    assert empty["format"] == "meta-tags"
    assert empty["access.status"] == "unknown"
    assert all(empty[c] == "" for c in COLUMNS if c not in ("format", "access.status"))
    assert thesis["access.embargo_end"] == "permanent"
    assert thesis["institution"] == "Universidad de Granada"


def test_flatten_gives_none_for_absent_values() -> None:
    row = flatten(EMPTY)
    assert list(row) == list(COLUMNS)
    assert row["authors"] is None and row["extra"] is None and row["record"] is None
    assert flatten(ARTICLE)["record"] == 7


def test_rows_end_with_crlf_and_file_output_is_not_doubled(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_records([ARTICLE], path, to="csv")
    raw = path.read_bytes()
    assert raw.count(b"\r\n") == 2  # header and row; the abstract's own \n stays inside quotes
    assert b"\r\r\n" not in raw


def test_failures_are_refused() -> None:
    failure = Failure(Position("x.json", 2), "broken")
    with pytest.raises(TypeError, match="errors='skip'"):
        write_records([ARTICLE, failure], io.StringIO(), to="csv")  # type: ignore[list-item]


def test_unknown_export_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="known: jsonl, csv, csl-json"):
        write_records([], io.StringIO(), to="xlsx")


def test_flag_rows() -> None:
    flags = [
        Flag("embargoed", "info", "embargoed until 2027-06-30", ("Full text embargoed until 30 June 2027",), "access"),
        Flag("invalid_issn", "warning", "ISSN 2345-6781 fails its check digit", ("2345-6781",), "issns"),
    ]
    rows = flag_rows(ARTICLE, flags)
    assert [r["code"] for r in rows] == ["embargoed", "invalid_issn"]
    assert rows[1]["evidence"] == "2345-6781"
    assert rows[0]["source"] == "harvest/page-001.xml" and rows[0]["record"] == 7
    bare = flag_rows(EMPTY, [])
    assert len(bare) == 1 and "code" not in bare[0]

    out = io.StringIO()
    writer = FlagCsvWriter(out)
    writer.write(ARTICLE, flags)
    writer.write(EMPTY, [])
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert table[0] == list(FLAG_COLUMNS)
    assert len(table) == 4
    assert table[3][FLAG_COLUMNS.index("access.status")] == "unknown"
