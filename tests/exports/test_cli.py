"""The export options of the command line: parse --to, check --output-format and --html-report."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from recordparse.cli import main
from recordparse.exports.csv import COLUMNS, FLAG_COLUMNS


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def _zenodo(recid: int, title: str, access: str, embargo: str | None = None) -> dict[str, Any]:
    """A record as Zenodo's legacy REST API returns it (the fields these tests look at)."""
    metadata: dict[str, Any] = {
        "title": title,
        "creators": [{"name": "Huber, Anna", "affiliation": "Universität Innsbruck"}],
        "publication_date": "2021-03-01",
        "resource_type": {"type": "dataset", "title": "Dataset"},
        "access_right": access,
        "license": {"id": "CC-BY-4.0"},
    }
    if embargo:
        metadata["embargo_date"] = embargo
    return {"id": recid, "doi": f"10.5281/zenodo.{recid}", "metadata": metadata}


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    """A JSON Lines dump of three Zenodo records whose second line was cut short."""
    lines = [
        json.dumps(_zenodo(3547712, "Soil cores from 64 plots", "embargoed", "2021-03-01")),
        json.dumps(_zenodo(3547713, "Plot coordinates", "open"))[:60],
        json.dumps(_zenodo(7120335, "Interview transcripts", "embargoed", "2027-01-31")),
    ]
    path = tmp_path / "zenodo-dump.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_parse_default_is_json_lines(dump: Path) -> None:
    code, out, err = _run("parse", str(dump))
    assert code == 1
    records = [json.loads(line) for line in out.splitlines()]
    assert [(r["id"], r["access"]["status"]) for r in records] == [("3547712", "embargoed"), ("7120335", "embargoed")]
    assert _run("parse", "--to", "jsonl", str(dump))[1] == out
    assert "record 2, line 2" in err and "2 records, 1 failed" in err


def test_parse_to_csv(dump: Path) -> None:
    code, out, _ = _run("parse", "-q", "--to", "csv", str(dump))
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert list(rows[0]) == list(COLUMNS)
    assert [(r["record"], r["doi"], r["access.embargo_end"]) for r in rows] == [
        ("1", "10.5281/zenodo.3547712", "2021-03-01"),
        ("3", "10.5281/zenodo.7120335", "2027-01-31"),
    ]
    assert rows[0]["affiliations"] == "Universität Innsbruck"


def test_parse_to_csl_json(dump: Path) -> None:
    code, out, _ = _run("parse", "-q", "--to", "csl-json", str(dump))
    assert code == 1
    items = json.loads(out)  # one valid array even though a record failed
    assert [(i["id"], i["type"], i["issued"]) for i in items] == [
        ("3547712", "dataset", {"date-parts": [[2021, 3, 1]]}),
        ("7120335", "dataset", {"date-parts": [[2021, 3, 1]]}),
    ]


def test_parse_rejects_an_unknown_export(dump: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = _run("parse", "--to", "xlsx", str(dump))
    assert code == 2 and "invalid choice: 'xlsx'" in capsys.readouterr().err  # argparse's own message


def test_check_output_formats(dump: Path) -> None:
    code, out, _ = _run("check", "-q", "--today", "2026-11-21", "--output-format", "csv", str(dump))
    assert code == 3  # embargo_expired is a warning
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert list(rows[0]) == list(FLAG_COLUMNS)
    codes = {(r["id"], r["code"]) for r in rows}
    assert {("3547712", "embargo_expired"), ("7120335", "embargoed")} <= codes
    expired = next(r for r in rows if r["code"] == "embargo_expired")
    assert (expired["severity"], expired["record"], expired["access.embargo_end"]) == ("warning", "1", "2021-03-01")

    as_json = _run("check", "-q", "--today", "2026-11-21", "--output-format", "json", str(dump))[1]
    assert _run("check", "-q", "--today", "2026-11-21", "--json", str(dump))[1] == as_json
    flagged = {(row["id"], f["code"]) for row in map(json.loads, as_json.splitlines()) for f in row["flags"]}
    assert flagged == codes

    table = _run("check", "-q", "--today", "2026-11-21", str(dump))[1]
    assert "Summary (2 records read, 1 failed; today is 2026-11-21)" in table


def test_check_html_report(dump: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    code, out, _ = _run("check", "-q", "--today", "2026-11-21", "--json", "--html-report", str(report), str(dump))
    assert code == 3
    assert len(out.splitlines()) == 2
    page = report.read_text(encoding="utf-8")
    assert "2 records read from" in page and "1 could not be read" in page
    assert "embargo end dates per year" in page
    assert "Expired embargoes still marked embargoed (1)" in page


def test_check_html_report_in_a_missing_folder(dump: Path, tmp_path: Path) -> None:
    code, _, err = _run("check", "-q", "--html-report", str(tmp_path / "no" / "r.html"), str(dump))
    assert code == 2
    assert "cannot write the HTML report" in err
