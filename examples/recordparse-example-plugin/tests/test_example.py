"""The plugin's own tests: recordparse's conformance suite, then what a user would check."""

from __future__ import annotations

from pathlib import Path

import recordparse
from recordparse.testing import ParserConformance, make_registry

from recordparse_example.parser import RisParser
from recordparse_example.validator import check_missing_doi

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


class TestRisConformance(ParserConformance):
    parser = RisParser()
    samples = sorted(SAMPLES.glob("*.ris"))


def test_records_read_from_ris() -> None:
    registry = make_registry(RisParser)
    records = list(recordparse.read(SAMPLES / "library.ris", registry=registry))
    assert [r.id for r in records] == [f"eprints-{n}" for n in (4411, 4412, 4413, 4414)]
    article, thesis, report, _ = records
    assert article.type == "article-journal"
    assert article.doi == "10.5281/zenodo.3547712"
    assert article.date_published == "2021-03-15"
    assert [a.name for a in article.authors] == ["Huber, Anna", "Keller, Tom"]
    assert article.abstract is not None and article.abstract.endswith("ungrazed meadows.")
    assert (thesis.type, thesis.publisher) == ("thesis", "Universidad de Granada")
    assert thesis.extra["M3"] == "Doctoral thesis"
    assert report.authors[0].name == "Example University, Estates Office"


def test_a_file_cut_short_reports_the_last_record() -> None:
    data = (SAMPLES / "library.ris").read_bytes()
    cut = data[: data.rindex(b"JO  - ")]
    registry = make_registry(RisParser)
    outcomes = list(recordparse.read(cut, "ris", errors="collect", registry=registry))
    assert [type(o).__name__ for o in outcomes] == ["Record", "Record", "Record", "Failure"]
    assert outcomes[-1].record == 4 and outcomes[-1].kind == "truncated"


def test_missing_doi() -> None:
    records = list(recordparse.read(SAMPLES / "library.ris", registry=make_registry(RisParser)))
    flagged = [r.id for r in records if list(check_missing_doi(r, None))]
    assert flagged == ["eprints-4414"]
