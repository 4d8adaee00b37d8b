"""DOAJ upload XML (``<records><record>``, doajArticles.xsd), and the mapping it shares with oai_doaj."""

from __future__ import annotations

import re

import pytest

import recordparse
from recordparse import Failure, Record
from recordparse.formats.doaj_xml import DoajXmlParser
from recordparse.formats.oai import OaiPmhParser
from tests.conftest import FIXTURES

UPLOAD = FIXTURES / "doaj-xml" / "upload-batch.xml"


@pytest.fixture(scope="module")
def records() -> list[Record]:
    return list(recordparse.read(UPLOAD))


def test_upload_is_auto_detected(records: list[Record]) -> None:
    assert recordparse.detect(UPLOAD)[0].name == "doaj-xml"
    assert len(records) == 2
    assert {r.format for r in records} == {"doaj-xml"}


def test_multilingual_record(records: list[Record]) -> None:
    record = records[0]
    assert record.id == record.article_number == "RSE-2023-49-2-04"
    assert record.title == "L’enseignement explicite de la lecture au premier cycle du primaire"
    assert record.extra["title_language"] == "fre"
    assert record.extra["titles"] == [
        {
            "title": "Explicit reading instruction in the first cycle of elementary school",
            "language": "eng",
        }
    ]
    assert record.abstract is not None and record.abstract.startswith(
        "Cette recherche collaborative"
    )
    assert record.extra["abstracts"][0]["language"] == "eng"
    assert record.extra["abstracts"][0]["abstract"].startswith("This collaborative study")
    # Upload ISSNs may lack the hyphen: hyphenated in issns, kept as given in extra.
    assert record.issns == ("0718-1892", "1705-0065")
    assert record.extra["pissn"] == "07181892"
    assert record.doi == "10.7202/1109876ar"
    # Upload dates are the publisher's: precision kept, nothing flagged as synthesised.
    assert record.date_published == "2023-10"
    assert "synthesised_date" not in [f["code"] for f in record.flags]
    assert record.language == "fr" and record.extra["language_raw"] == ["fre"]
    assert record.type == "article-journal" and record.extra["type"] == "article"
    assert record.keywords == (
        "lecture",
        "enseignement explicite",
        "reading",
        "explicit instruction",
    )
    assert record.extra["keywords_by_language"] == {
        "fre": ["lecture", "enseignement explicite"],
        "eng": ["reading", "explicit instruction"],
    }
    assert record.urls == ("https://www.erudit.org/fr/revues/rse/2023-v49-n2-rse09012/1109876ar/",)
    # An upload is not yet a DOAJ record: access is not guessed.
    assert record.access.status == "unknown"


def test_authors_and_affiliations_by_id(records: list[Record]) -> None:
    record = records[0]
    uqam = "Université du Québec à Montréal"
    crifpe = "Centre de recherche interuniversitaire sur la formation et la profession enseignante"
    assert [(a.name, a.affiliations) for a in record.authors] == [
        ("Gagnon, Marie-Ève", (uqam,)),
        ("Tremblay, Louis", (uqam, crifpe)),
        ("Nguyen, Thi Lan", ()),
    ]
    assert record.authors[0].given == "Marie-Ève" and record.authors[0].family == "Gagnon"
    assert record.authors[0].orcid == "https://orcid.org/0000-0002-9079-593X"
    assert record.extra["author_emails"] == [
        {"name": "Gagnon, Marie-Ève", "email": "marie-eve.gagnon@uqam.ca"}
    ]
    assert record.extra["affiliation_ids_unresolved"] == ["3"]
    assert record.extra["affiliations_unassigned"] == ["Université Laval"]


def test_empty_elements_and_old_spellings(records: list[Record]) -> None:
    record = records[1]
    assert record.id is None
    assert (record.volume, record.start_page, record.end_page) == (None, None, None)
    assert record.issue == "2"
    assert record.urls == ()
    assert record.date_published == "2023"
    assert record.authors[0].affiliations == ()
    assert record.authors[0].orcid == "https://orcid.org/0000-0001-5000-0007"  # <orchid_id>
    assert "author_emails" not in record.extra
    assert record.title == "Compte rendu : Pédagogies de l’oral"
    assert record.extra["title_html"] == "Compte rendu : <i>Pédagogies de l’oral</i>"
    assert record.type == "review-book" and record.extra["type"] == "Compte rendu"
    assert record.keywords == ("oral", "didactique;")


def test_same_article_mapped_alike_by_both_parsers() -> None:
    """One mapping serves both formats: the upload record wrapped as oai_doaj reads the same."""
    text = UPLOAD.read_text(encoding="utf-8")
    body = re.search(r"<record>(.*?)</record>", text, re.S)
    assert body is not None
    oai = (
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><GetRecord><record><header>'
        "<identifier>oai:doaj.org/article:0123456789abcdef0123456789abcdef</identifier>"
        "<datestamp>2024-01-02T03:04:05Z</datestamp></header><metadata>"
        f'<doajArticle xmlns="http://doaj.org/features/oai_doaj/1.0/">{body.group(1)}</doajArticle>'
        "</metadata></record></GetRecord></OAI-PMH>"
    ).encode()
    from_oai = recordparse.parse(oai, OaiPmhParser())
    from_upload = next(iter(recordparse.read(UPLOAD, DoajXmlParser())))
    for field in (
        "title",
        "abstract",
        "authors",
        "journal",
        "publisher",
        "issns",
        "volume",
        "issue",
        "start_page",
        "end_page",
        "doi",
        "article_number",
        "keywords",
        "language",
        "urls",
        "date_published",
        "type",
    ):
        assert getattr(from_oai, field) == getattr(from_upload, field), field
    # Only the feed record is known to be in DOAJ (open) with DOAJ's synthesised date parts.
    assert from_oai.access.status == "open" and from_upload.access.status == "unknown"


def test_repairs_are_flagged() -> None:
    data = (
        b"<records><record><journalTitle>Anales&nbsp;de Historia</journalTitle>"
        b"<publicationDate>2021</publicationDate><title>A &amp; B</title>"
        b"<fullTextUrl>https://example.org/view?id=3&lang=es</fullTextUrl></record></records>"
    )
    outcomes = list(recordparse.read(data, errors="collect"))
    assert len(outcomes) == 1 and not isinstance(outcomes[0], Failure)
    record = outcomes[0]
    assert record.format == "doaj-xml"
    assert record.journal == "Anales de Historia"
    assert record.urls == ("https://example.org/view?id=3&lang=es",)
    evidence = next(f for f in record.flags if f["code"] == "xml_repaired")["evidence"]
    assert "escaped a bare '&'" in evidence
    assert "rewrote the HTML entity &nbsp; as a character reference" in evidence


def test_broken_record_fails_alone() -> None:
    data = (
        b"<records><record><journalTitle>Good one</journalTitle><title>First</title></record>"
        b"<record><journalTitle>Broken<title>Second</title></record>"
        b"<record><journalTitle>Good two</journalTitle><title>Third</title></record></records>"
    )
    outcomes = list(recordparse.read(data, DoajXmlParser(), errors="collect"))
    assert [type(o).__name__ for o in outcomes] == ["Record", "Failure", "Record"]
    assert isinstance(outcomes[1], Failure) and outcomes[1].record == 2
    assert [o.title for o in outcomes if isinstance(o, Record)] == ["First", "Third"]


def test_sniff() -> None:
    parser = DoajXmlParser()
    assert parser.sniff(UPLOAD.read_bytes()) == 0.9
    assert parser.sniff((FIXTURES / "oai" / "harvest" / "page-001.xml").read_bytes()) == 0.0
    assert parser.sniff(b"<records><record><title>x</title></record></records>") == 0.0
