"""Seed 001: the University of Tasmania Figshare item page, end to end (auto-detected)."""

from __future__ import annotations

import recordparse
from recordparse import Record
from tests.conftest import TODAY, shared_path


def _seed() -> Record:
    return recordparse.parse(shared_path("seeds", "001_fb623fb9dff5973c.txt"))


def test_seed_001_is_detected_as_a_figshare_text_page() -> None:
    path = shared_path("seeds", "001_fb623fb9dff5973c.txt")
    assert recordparse.detect(path)[0].name == "figshare-text"


def test_seed_001_bibliographic_fields() -> None:
    record = _seed()
    assert record.format == "figshare-text"
    assert record.title == "Cytokines: Signalling improved immunotherapy?"
    assert [a.name for a in record.authors] == ["Alana De Luca", "Alan Lyons", "Andrew Flies"]
    assert [(a.given, a.family) for a in record.authors] == [
        ("Alana", "De Luca"),
        ("Alan", "Lyons"),
        ("Andrew", "Flies"),
    ]
    assert record.type == "article-journal"
    assert record.extra["type"] == "journal contribution"
    assert record.journal == "Current Oncology Reports"
    assert record.publisher == "Springer Healthcare"
    assert record.institution == "University Of Tasmania"
    assert record.extra["Department/School"] == "Tasmanian School of Medicine"
    assert record.extra["Place of publication"] == "United States"
    assert record.rights == (
        "Copyright The Author(s), under exclusive licence to Springer Science+Business Media, "
        "LLC, part of Springer Nature 2021"
    )
    assert record.subjects == (
        "Efficacy of medications",
        "Treatment of human diseases and conditions",
        "Expanding knowledge in the biomedical and clinical sciences",
    )
    # nothing invented
    assert (record.doi, record.volume, record.issue, record.article_number) == (None, None, None, None)
    assert record.issns == ()
    assert record.extra["empty_fields"] == ["Article number"]
    assert "unlabelled" not in record.extra


def test_seed_001_dates() -> None:
    record = _seed()
    assert record.date_deposited == "2023-05-20"  # "posted on" is the deposit, not the publication
    assert record.date_published is None
    assert record.extra["posted on"] == "2023-05-20, 20:58"


def test_seed_001_abstract_keeps_all_sections() -> None:
    abstract = _seed().abstract
    assert abstract is not None
    assert abstract.startswith("Purpose of review: Immune checkpoint immunotherapies (ICI)")
    assert " Recent Finding: ICI often fails" in abstract
    assert abstract.endswith("for many immunotherapeutic drugs.")
    assert "Publication title" not in abstract


def test_seed_001_access_is_permanently_embargoed_and_restricted() -> None:
    record = _seed()
    assert record.access.status == "restricted"
    assert record.access.embargo_end == "permanent"
    assert "File(s) under permanent embargo" in record.access.evidence
    assert any("Restricted" in e for e in record.access.evidence if "embargo" not in e)
    flags = recordparse.check(record, today=TODAY)
    codes = [f.code for f in flags]
    assert "embargoed" in codes and "restricted" in codes
    embargoed = next(f for f in flags if f.code == "embargoed")
    assert "permanent" in embargoed.message
    assert "access_conflict" not in codes
