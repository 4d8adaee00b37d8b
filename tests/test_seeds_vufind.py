"""Seed 000: the VuFind page of a DOAJ article, end to end (auto-detected, and through the CLI)."""

from __future__ import annotations

import io
import json

import recordparse
from recordparse.cli import main
from tests.conftest import shared_path

SEED = ("seeds", "000_e60a16e7c7a329d4.txt")

TITLE = "IL12 immune therapy clinical trial review: Novel strategies for avoiding CRS-associated cytokines"
PEDIATRIC = "Department of Pediatric Research, University of Texas MD Anderson Cancer Center, Houston, TX, United States"
STEM_CELL = (
    "Department of Stem Cell Transplantation and Cellular Therapy, University of Texas MD Anderson Cancer Center, "
    "Houston, TX, United States"
)
AUTHORS = [
    "Zhiliang Jia", "Dristhi Ragoonanan", "Kris Michael Mahadeo", "Jonathan Gill", "Richard Gorlick",
    "Elizabeth Shpal", "Shulin Li",
]  # fmt: skip
ABSTRACT_END = (
    "Of note, this product also boosts the impact of CAR-T or TCR-T cell efficacy against solid tumors, providing "
    "an alternative approach to utilize CAR-T to overcome tumor resistance."
)


def _check(record: recordparse.Record) -> None:
    assert record.format == "vufind-text"
    assert record.id == "doaj.art-d689a33e15a14aa58d32800f895edb1a"
    assert record.title == TITLE
    assert [a.name for a in record.authors] == AUTHORS
    for author in record.authors:
        expected = STEM_CELL if author.name == "Elizabeth Shpal" else PEDIATRIC
        assert author.affiliations == (expected,)
    assert record.doi == "10.3389/fimmu.2022.952231"
    assert record.volume == "13"
    assert record.article_number == "952231"
    assert record.issue is None and record.start_page is None and record.end_page is None
    assert record.issns == ("1664-3224",)
    assert record.journal == "Frontiers in Immunology"
    assert record.publisher == "Frontiers Media S.A."
    assert record.date_published == "2022-09-01"
    assert record.language == "en"
    assert record.keywords == ("IL-12", "clinical trial", "CRS", "cytokines", "T cells")
    assert record.urls == ("https://www.frontiersin.org/articles/10.3389/fimmu.2022.952231/full",)
    assert record.abstract is not None
    assert record.abstract.startswith("Interleukin 12 (IL-12) is a naturally occurring cytokine")
    assert record.abstract.endswith(ABSTRACT_END)
    assert not record.abstract.endswith("...")
    assert record.access.status == "open"
    assert any("DOAJ" in e for e in record.access.evidence)
    assert record.extra["oai_datestamp"] == "2022-12-22T03:17:02Z"
    # nothing about the citation is a guess here: the URL fixes the DOI's end and the
    # record id repeats its last digits (Frontiers)
    assert not [f for f in record.flags if f["code"] == "ambiguous_field"]


def test_seed_000_parses_auto_detected() -> None:
    path = shared_path(*SEED)
    assert recordparse.detect(path)[0].name == "vufind-text"
    _check(recordparse.parse(path))


def test_seed_000_through_the_cli() -> None:
    path = shared_path(*SEED)
    out, err = io.StringIO(), io.StringIO()
    assert main(["parse", "--quiet", str(path)], stdout=out, stderr=err) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    _check(recordparse.Record.from_dict(json.loads(lines[0])))
