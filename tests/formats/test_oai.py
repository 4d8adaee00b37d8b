"""OAI-PMH: DOAJ's real oai_doaj / oai_dc records, harvested page folders, tombstones, errors.

The real records come from ../shared/realdata/doaj-vufind (skipped when absent). Their expected
files keep source values verbatim; where the Record's convention differs the test says so:
``language`` is BCP 47 in the Record (``ger`` -> ``de``) and the raw codes are in
``extra["language_raw"]``; ``url`` is the first of ``Record.urls``; ``pissn``/``eissn`` and
``oai_datestamp`` are in ``extra``.
"""

from __future__ import annotations

import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

import recordparse
from recordparse import Failure, Record, RecordBuilder, RecordError
from recordparse.formats import oai
from recordparse.formats.oai import (
    LOOKAHEAD_RECORDS,
    OaiHeader,
    OaiPmhParser,
    csl_type,
    decode_doaj_set,
    parse_doaj_citation,
)
from recordparse.normalize.languages import to_bcp47
from recordparse.normalize.text import strip_html
from tests.conftest import FIXTURES, SHARED, TODAY, shared_path

OAI = FIXTURES / "oai"
# Harvests that must report failures (a missing page, an OAI error): test data, kept out of
# fixtures/ so that the README's main job over fixtures/ reads cleanly.
FAILING_OAI = Path(__file__).resolve().parent.parent / "data" / "oai"
REALDATA = ("realdata", "doaj-vufind")


def _records(source: Any, parser: OaiPmhParser | None = None) -> list[Record | Failure]:
    """Every outcome of ``source`` with a fresh parser (its page-chain memory starts empty)."""
    return list(recordparse.read(source, parser or OaiPmhParser(), errors="collect"))


def _only_records(outcomes: list[Record | Failure]) -> list[Record]:
    assert not [o for o in outcomes if isinstance(o, Failure)], outcomes
    return [o for o in outcomes if isinstance(o, Record)]


def _flag_codes(record: Record) -> list[str]:
    return [f["code"] for f in record.flags]


# --------------------------------------------------------------------------------------------
# Real records (every doaj-oai-* and doaj-docs-* file), auto-detected


def _realdata_names() -> list[str]:
    folder = SHARED.joinpath(*REALDATA)
    if not folder.is_dir():
        return ["<absent>"]
    return sorted(p.stem for p in folder.glob("doaj-oai-*.xml")) + sorted(
        p.stem for p in folder.glob("doaj-docs-*.xml")
    )


def test_realdata_covers_both_families() -> None:
    folder = shared_path(*REALDATA)
    names = _realdata_names()
    assert folder.is_dir()
    assert sum(n.startswith("doaj-oai-") for n in names) == 7
    assert sum(n.startswith("doaj-docs-") for n in names) == 2


@pytest.mark.parametrize("name", _realdata_names())
def test_realdata_record_matches_expected(name: str) -> None:
    folder = shared_path(*REALDATA)
    path = folder / f"{name}.xml"
    expected = json.loads((folder / f"{name}.expected.json").read_text(encoding="utf-8"))

    assert recordparse.detect(path)[0].name == "oai-pmh"
    record = recordparse.parse(path)

    assert record.format == "oai-pmh"
    assert record.id == expected["id"]
    # Expected titles keep HTML verbatim; the Record strips it (none of these titles has any).
    assert record.title == strip_html(expected["title"])
    assert [a.name for a in record.authors] == expected["authors"]
    for key in ("doi", "journal", "publisher", "volume", "issue", "start_page", "end_page"):
        assert getattr(record, key) == expected.get(key), key
    assert list(record.issns) == expected.get("issns", [])
    assert record.date_published == expected["date_published"]
    assert list(record.keywords) == expected.get("keywords", [])
    assert record.urls[0] == expected["url"]
    assert record.extra["oai_datestamp"] == expected["oai_datestamp"]
    for key in ("pissn", "eissn"):
        assert record.extra.get(key) == expected.get(key), key
    if "orcids" in expected:
        assert [a.orcid for a in record.authors] == expected["orcids"]
    # Convention difference: expected languages are the raw codes or names, the Record is BCP 47.
    if "language" in expected:
        assert record.extra["language_raw"] == expected["language"]
        assert record.language == to_bcp47(expected["language"][0])
    else:
        assert record.language is None
        assert "language_raw" not in record.extra
    # DOAJ lists open-access journals only.
    assert record.access.status == "open"
    assert any("DOAJ" in e for e in record.access.evidence)
    assert record.type == "article-journal"


def test_realdata_docs_examples_are_repaired_and_flagged() -> None:
    folder = shared_path(*REALDATA)
    dc = recordparse.parse(folder / "doaj-docs-oai_dc-article-example.xml")
    repairs = next(f for f in dc.flags if f["code"] == "xml_repaired")["evidence"]
    assert "escaped a bare '&'" in repairs
    assert any("xsi" in r for r in repairs)
    # The raw & survived (recover mode would have dropped "&pid=...").
    assert dc.urls[0].endswith("sci_arttext&pid=S0102-311X2006000800010")
    # Classified dc:subjects are subjects with their scheme kept, not keywords.
    assert "Internal medicine" in dc.subjects and "Public Health" in dc.subjects
    assert "LCSH:RC31-1245" in dc.extra["classifications"]
    assert "RC31-1245" not in dc.subjects
    assert dc.extra["date_published_synthesised"] == ["day", "month"]
    assert "ambiguous_field" in _flag_codes(dc)  # three journal languages, not the article's

    doaj = recordparse.parse(folder / "doaj-docs-oai_doaj-example.xml")
    assert any("xsi" in r for f in doaj.flags if f["code"] == "xml_repaired" for r in f["evidence"])
    # Unprefixed authors/affiliationsList (no namespace) are read like prefixed ones.
    assert doaj.authors[3].affiliations == ("University of Novi Sad, ACIMSR, Novi Sad, Serbia",)
    assert doaj.article_number == "648"
    assert doaj.extra["oai_sets"][-1] == "test:term"
    assert "Medicine" in doaj.subjects


def test_realdata_abstract_carriage_returns_cleaned() -> None:
    folder = shared_path(*REALDATA)
    record = recordparse.parse(folder / "doaj-oai-2017-84d14892.xml")
    assert record.abstract is not None
    assert "\r" not in record.abstract and "\n" not in record.abstract
    assert "Settings and Design: A descriptive study" in record.abstract
    assert record.issns == ("2529-850X",)  # issn == eissn: one ISSN, no conflict flag
    assert "value_conflict" not in _flag_codes(record)


# --------------------------------------------------------------------------------------------
# Harvested pages


def test_harvest_folder_two_pages_with_tokens() -> None:
    outcomes = _records(OAI / "harvest")
    records = _only_records(outcomes)
    assert len(records) == 5
    first = records[0]
    assert (
        first.title
        == "Vaccine hesitancy among community health workers in two Brazilian state capitals"
    )
    assert first.extra["title_html"].startswith("Vaccine hesitancy among <i>community")
    assert first.abstract is not None and "\r" not in first.abstract
    assert "higher where trust in the health system was low." in first.abstract
    assert [a.name for a in first.authors] == [
        "Mariana Teixeira Lopes",
        "Paulo Henrique Vasconcelos",
        "Ana Beatriz de Souza",
    ]
    assert first.authors[0].orcid == "https://orcid.org/0000-0002-1825-0097"
    same = "Universidade de São Paulo, Faculdade de Saúde Pública, São Paulo, SP, Brasil"
    assert [a.affiliations for a in first.authors] == [(same,), (same,), ()]
    assert first.issns == ("0034-8910", "1518-8787")
    assert first.article_number == "S0034-89102023000100084"
    assert first.language == "en" and first.extra["language_raw"] == ["eng"]
    assert first.urls == ("https://www.scielo.br/j/rsp/a/Qw3kLm9TzR/?format=pdf&lang=en",)
    assert first.extra["fullTextUrl_format"] == "PDF"
    assert first.keywords == (
        "Vaccination Hesitancy",
        "Community Health Workers;",
        "; Cross-Sectional Studies",
    )
    assert first.subjects == ("Medicine", "Public aspects of medicine")
    assert first.extra["oai_sets"] == ["LCC:Medicine", "LCC:Public aspects of medicine"]
    assert first.date_published == "2023-11-01"
    assert first.extra["date_published_synthesised"] == ["day"]
    assert first.extra["oai_response_date"] == "2024-03-05T10:15:02Z"
    assert first.extra["oai_request"]["url"] == "https://doaj.org/oai.article"
    token = "MTcwOTYzMzcwMjAwMDpvYWlfZG9hajo6MjAyNC0wMy0wMTozOjE"
    for record in records[:3]:
        assert record.extra["oai_resumption_token"] == {
            "value": token,
            "completeListSize": "5",
            "cursor": "0",
            "expirationDate": "2024-03-05T11:15:02Z",
        }
    for record in records[3:]:
        assert record.extra["oai_request_token"] == token
        assert record.extra["oai_resumption_token"] == {
            "value": "",
            "completeListSize": "5",
            "cursor": "3",
        }


def test_second_record_quirks() -> None:
    record = _only_records(_records(OAI / "harvest" / "page-001.xml"))[1]
    assert record.issns == ("0120-3916",)  # issn == eissn is a known DOAJ quirk
    assert record.extra["pissn"] == record.extra["eissn"] == "0120-3916"
    assert "value_conflict" not in _flag_codes(record)
    assert record.start_page == record.end_page == "e12034"
    assert record.date_published == "2022-01-01"
    assert record.extra["date_published_synthesised"] == ["day", "month"]
    assert "synthesised_date" in _flag_codes(record)
    assert record.abstract is not None and "<br>" not in record.abstract
    assert record.extra["abstract_html"].count("<br>") == 1


def test_deleted_record_is_a_countable_tombstone() -> None:
    records = list(recordparse.read(OAI / "harvest", OaiPmhParser(), errors="raise"))
    deleted = [r for r in records if r.extra.get("oai_status") == "deleted"]
    assert len(deleted) == 1
    tomb = deleted[0]
    assert tomb.id == "oai:doaj.org/article:7f4c2b9e1d0a43e8b6c5d4e3f2a1b0c9"
    assert tomb.extra["oai_datestamp"] == "2024-03-04T07:55:21Z"
    assert tomb.type is None and tomb.title is None
    assert tomb.access.status == "unknown"
    assert sum(1 for r in records if r.extra.get("oai_status") != "deleted") == 4


def test_harvest_folder_auto_detected_with_default_registry() -> None:
    records = list(recordparse.read(OAI / "harvest"))
    assert len(records) == 5
    assert {r.format for r in records} == {"oai-pmh"}


def test_missing_middle_page_is_a_failure_before_the_page() -> None:
    outcomes = _records(FAILING_OAI / "harvest-gap")
    kinds = ["failure:" + o.kind if isinstance(o, Failure) else "record" for o in outcomes]
    assert kinds == ["record", "record", "failure:missing_page", "record", "record"]
    failure = outcomes[2]
    assert isinstance(failure, Failure)
    assert failure.source.endswith("page-003.xml")
    assert "9f0e4d2c1b8a7f6e5d4c3b2a19080706" in failure.reason
    assert "https://journals.example.edu/index.php/jgs/oai" in failure.reason
    with pytest.raises(RecordError) as raised:
        list(recordparse.read(FAILING_OAI / "harvest-gap", OaiPmhParser()))
    assert raised.value.kind == "missing_page"


def test_page_chain_is_checked_within_one_read_and_never_leaks_into_the_next() -> None:
    outcomes = list(recordparse.read(OAI / "harvest", errors="collect"))
    assert not any(isinstance(o, Failure) and o.kind == "missing_page" for o in outcomes)
    list(recordparse.read(OAI / "harvest" / "page-001.xml", errors="collect"))
    alone = list(recordparse.read(OAI / "harvest" / "page-002.xml", errors="collect"))
    assert isinstance(alone[0], Failure) and alone[0].kind == "missing_page"


def test_getrecord_with_https_namespace_spelling() -> None:
    record = recordparse.parse(OAI / "getrecord-doaj-https-namespace.xml")
    assert record.extra["oai_metadata_format"] == "https://doaj.org/features/oai_doaj/1.0/"
    assert record.extra["oai_request"]["verb"] == "GetRecord"
    assert record.journal == "Frontiers in Microbiology"
    assert record.article_number == "1387215"
    assert record.doi == "10.3389/fmicb.2024.1387215"
    assert record.language == "de" and record.extra["language_raw"] == ["deu"]
    assert record.authors[0].orcid == "https://orcid.org/0000-0003-1415-9269"
    assert record.subjects == ("Science", "Biology (General)")
    assert "oai_resumption_token" not in record.extra


# --------------------------------------------------------------------------------------------
# Plain oai_dc from other repositories


def test_dspace_oai_dc_embargo_open_and_closed() -> None:
    thesis, article, report = _only_records(_records(OAI / "listrecords-dspace-oai_dc-embargo.xml"))

    assert thesis.type == "thesis"
    assert thesis.extra["type"] == "info:eu-repo/semantics/doctoralThesis"
    assert thesis.access.status == "embargoed"
    assert thesis.access.embargo_end == "2027-03-15"
    assert set(thesis.access.evidence) == {
        "dc:rights=info:eu-repo/semantics/embargoedAccess",
        "dc:date=info:eu-repo/date/embargoEnd/2027-03-15",
    }
    codes = [f.code for f in recordparse.check(thesis, today=TODAY)]
    assert "embargoed" in codes
    assert thesis.date_published == "2024-03-15"  # not the accession timestamps
    assert thesis.extra["dc:date"] == ["2024-06-28T09:12:44Z", "2024-06-28T09:12:44Z", "2024-03-15"]
    assert thesis.license == "http://creativecommons.org/licenses/by-nc-nd/4.0/"
    assert thesis.abstract is not None
    assert thesis.abstract.startswith("Esta tese desenvolve um modelo acoplado de drenagem urbana")
    assert thesis.abstract.endswith("dimensionamento de coletores pluviais.")
    assert thesis.extra["dc:description"] == [
        "Tese de Doutoramento em Engenharia Civil apresentada à Faculdade de Ciências e Tecnologia."
    ]
    assert "Engenharia Civil" in thesis.subjects
    assert "Urban hydrology" in thesis.keywords
    assert thesis.extra["dc:contributor"] == ["Pereira, João Manuel"]
    assert thesis.extra["oai_setspec"] == ["com_10316_21", "col_10316_412"]
    assert thesis.subjects == ("Engenharia Civil",)  # plain setSpecs are not decoded
    assert thesis.urls == ("https://hdl.handle.net/10316/108842",)
    assert thesis.language == "pt"

    assert article.access.status == "open"
    assert article.doi == "10.1016/j.jhydrol.2021.126702"
    assert article.issns == ("0022-1694",)
    assert article.date_published == "2021"
    assert article.type == "article-journal"
    assert article.extra["version"] == "info:eu-repo/semantics/publishedVersion"
    assert article.extra["classifications"] == ["ddc:627"]
    assert article.keywords == ("flood frequency analysis",)

    assert report.access.status == "metadata_only"
    assert report.type == "thesis"
    assert report.date_published == "2019-07"
    assert report.extra["oai_about"] == "https://estudogeral.example.org/oai"


def test_ojs_oai_dc_citation_and_licence() -> None:
    record = _only_records(_records(FAILING_OAI / "harvest-gap" / "page-001.xml"))[0]
    assert record.journal == "Journal of Geoscience Studies"
    assert (record.volume, record.issue, record.start_page, record.end_page) == (
        "12",
        "1",
        "33",
        "51",
    )
    assert record.issns == ("2310-4481",)
    assert record.doi == "10.5281/jgs.v12i1.1187"
    assert record.license == "https://creativecommons.org/licenses/by/4.0"
    assert record.rights == "Copyright (c) 2024 Hanna Tesfaye, Chidi Okonkwo"
    assert record.access.status == "unknown"  # a licence URL alone says nothing about access
    assert (
        record.abstract
        == "We estimate diffuse recharge with a soil-water balance model calibrated on chloride profiles."
    )
    assert record.extra["titles"] == [
        {"title": "ለላይኛው አዋሽ ተፋሰስ የከርሰ ምድር ውሃ ግምት", "language": "am-ET"}
    ]
    assert record.urls[0].endswith("/article/view/1187/902")  # the galley (relation) first


def test_undeclared_entities_and_raw_ampersand_are_repaired_not_dropped() -> None:
    first, second = _only_records(_records(OAI / "listrecords-broken-entities.xml"))
    assert first.title == "Migración y trabajo agrícola en el Bajío, 1940-1970"
    assert first.abstract == (
        "El artículo reconstruye las redes de contratación. Se usan archivos municipales & parroquiales."
    )
    assert (
        first.urls[0]
        == "https://revistas.example.mx/index.php/rhs/article/download/3310/2875?inline=1&lang=es"
    )
    evidence = next(f for f in first.flags if f["code"] == "xml_repaired")["evidence"]
    assert "escaped a bare '&'" in evidence
    assert "rewrote the HTML entity &nbsp; as a character reference" in evidence
    assert len(evidence) == len(set(evidence))
    assert [a.name for a in second.authors] == ["López, Andrés"]
    assert "xml_repaired" in _flag_codes(second)
    assert (first.volume, first.issue, first.start_page) == ("9", "17", "211")


def _declared_page(declared: str, titles: list[str], encoding: str) -> bytes:
    """An oai_dc ListRecords page whose XML declaration says ``declared``, with one record per
    title, the whole page encoded as ``encoding`` (ASCII padding puts the later records past
    the first 64 KiB, where the document's encoding was decided)."""
    records = "".join(
        f"<record><header><identifier>oai:repo.example.org:{n}</identifier>"
        "<datestamp>2023-05-02</datestamp></header><metadata>"
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{title}</dc:title><dc:description>{'Resumo do trabalho. ' * 120}</dc:description>"
        "</oai_dc:dc></metadata></record>\n"
        for n, title in enumerate(titles, 1)
    )
    page = (
        f'<?xml version="1.0" encoding="{declared}"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>\n'
        f"{records}</ListRecords></OAI-PMH>\n"
    )
    return page.encode(encoding)


def _decoding_notes(record: Record) -> list[str]:
    return [f["message"] for f in record.flags if f["code"] == "encoding_guessed"]


LATE = [f"Plain title {n}" for n in range(1, 41)] + ["Migração café Müller"]


def test_a_declaration_that_later_bytes_contradict_is_decided_record_by_record() -> None:
    # Declared ISO-8859-1, but the repository writes UTF-8; the first 64 KiB are ASCII.
    records = _only_records(_records(_declared_page("ISO-8859-1", LATE, "utf-8")))
    assert len(records[0:40]) == 40 and not any(_decoding_notes(r) for r in records[:40])
    last = records[-1]
    assert last.title == "Migração café Müller"
    assert _decoding_notes(last) == ["declared ISO-8859-1 but the bytes are valid UTF-8: read as UTF-8"]
    assert "xml_repaired" not in _flag_codes(last)


def test_a_true_declaration_is_honoured_and_not_flagged() -> None:
    last = _only_records(_records(_declared_page("ISO-8859-1", LATE, "latin-1")))[-1]
    assert last.title == "Migração café Müller" and not _decoding_notes(last)


def test_a_contradicted_declaration_in_the_head_flags_the_records_it_concerns() -> None:
    first, *rest = _only_records(_records(_declared_page("windows-1252", LATE[-1:] + LATE[:3], "utf-8")))
    assert first.title == "Migração café Müller"
    assert _decoding_notes(first) == ["declared windows-1252 but the bytes are valid UTF-8: read as UTF-8"]
    assert [_decoding_notes(r) for r in rest] == [[], [], []]  # ASCII: nothing was decided


def test_windows_1252_bytes_in_a_utf8_page_are_a_decoding_note_not_a_repair() -> None:
    page = _declared_page("UTF-8", LATE, "utf-8").replace("Migração café".encode(), "Migração café".encode("cp1252"))
    last = _only_records(_records(page))[-1]
    assert last.title == "Migração café Müller"
    assert _decoding_notes(last) == ["bytes that are not valid UTF-8 were read as windows-1252"]
    assert "xml_repaired" not in _flag_codes(last)


# --------------------------------------------------------------------------------------------
# Envelope: errors, nested records, unknown formats


def test_truncated_page_keeps_the_records_before_the_cut() -> None:
    data = (OAI / "harvest" / "page-001.xml").read_bytes()
    cut = data[: data.index(b"<oai_doaj:title>Mapping informal")]
    outcomes = _records(cut)
    assert [type(o).__name__ for o in outcomes] == ["Record", "Record", "Failure"]
    failure = outcomes[2]
    assert isinstance(failure, Failure)
    assert (failure.kind, failure.record) == ("truncated", 3)
    # The page's token was never reached: the two records do not pretend to carry one.
    assert all("oai_resumption_token" not in o.extra for o in outcomes[:2] if isinstance(o, Record))


def test_oai_error_is_a_failure_with_its_code() -> None:
    outcomes = _records(FAILING_OAI / "error-badresumptiontoken.xml")
    assert len(outcomes) == 1
    failure = outcomes[0]
    assert isinstance(failure, Failure)
    assert failure.kind == "oai_error"
    assert failure.reason.startswith("badResumptionToken: ")


def test_no_records_match_is_an_empty_result() -> None:
    assert _records(OAI / "error-norecordsmatch.xml") == []
    assert list(recordparse.read(OAI / "error-norecordsmatch.xml", errors="raise")) == []


def test_nested_marcxml_record_does_not_split_the_oai_record() -> None:
    # MARCXML's own <record> inside the OAI <record> stays in its outer record, which maps
    # through the MARC 21 mapper
    outcomes = _records(OAI / "listrecords-marcxml-nested.xml")
    assert len(outcomes) == 2
    for record, ident, line in zip(outcomes, ("991002345", "991002346"), (6, 19), strict=True):
        assert isinstance(record, Record)
        assert record.id == f"oai:catalogue.example.ac.uk:{ident}"
        assert record.position is not None and record.position.line == line
        assert record.extra["oai_metadata_format"] == "http://www.loc.gov/MARC21/slim"


def _map_test_format(metadata: Any, builder: RecordBuilder, header: OaiHeader | None) -> None:
    builder.set("title", metadata.findtext("{http://example.org/ns/test}name"))
    builder.keep("seen_identifier", header.identifier if header else None)


def test_metadata_mappers_table_is_the_extension_point(monkeypatch: pytest.MonkeyPatch) -> None:
    ns = "http://example.org/ns/test"
    monkeypatch.setitem(oai.METADATA_MAPPERS, ns, f"{__name__}:_map_test_format")
    data = (
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><GetRecord><record><header>'
        "<identifier>oai:x.example:1</identifier><datestamp>2024-01-01</datestamp></header>"
        f'<metadata><t:item xmlns:t="{ns}"><t:name>A mapped title</t:name></t:item></metadata>'
        "</record></GetRecord></OAI-PMH>"
    ).encode()
    record = recordparse.parse(data, OaiPmhParser())
    assert record.title == "A mapped title"
    assert record.extra["seen_identifier"] == "oai:x.example:1"
    assert record.extra["oai_metadata_format"] == ns


# --------------------------------------------------------------------------------------------
# Small pieces and sniffing


def test_doaj_set_decoding() -> None:
    assert decode_doaj_set("TENDOk1lZGljaW5l") == "LCC:Medicine"
    assert decode_doaj_set("TENDOlNvY2lhbCBTY2llbmNlcw~~") == "LCC:Social Sciences"
    assert decode_doaj_set("col_10316_412") is None
    assert decode_doaj_set("driver") is None


def test_doaj_citation_parsing() -> None:
    assert parse_doaj_citation("Medwave, Vol 17, Iss suppl1, Pp e6873-e6873 (2017)") == {
        "journal": "Medwave",
        "volume": "17",
        "issue": "suppl1",
        "start_page": "e6873",
        "end_page": "e6873",
        "year": "2017",
    }
    assert parse_doaj_citation("Cuadernos Geográficos, Vol 55, p 360 (2016)") == {
        "journal": "Cuadernos Geográficos",
        "volume": "55",
        "start_page": "360",
        "year": "2016",
    }
    assert parse_doaj_citation("Vol 5, Iss 2 (2020)") == {
        "volume": "5",
        "issue": "2",
        "year": "2020",
    }
    assert parse_doaj_citation("Journal of Things (2020)") is None
    assert parse_doaj_citation("x" * 5000) is None
    # commas and brackets inside the journal's name stay in it
    assert parse_doaj_citation("Anais (Série B), Vol 4, p 77 (2019)") == {
        "journal": "Anais (Série B)",
        "volume": "4",
        "start_page": "77",
        "year": "2019",
    }
    assert parse_doaj_citation("Estudos, Pp, Vol 9") == {"journal": "Estudos, Pp", "volume": "9"}


def test_doaj_oai_dc_source_fills_journal_fields() -> None:
    data = (
        b'<record xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><header>'
        b"<identifier>oai:doaj.org/article:00112233445566778899aabbccddeeff</identifier>"
        b"<datestamp>2024-01-01T00:00:00Z</datestamp></header><metadata><oai_dc:dc>"
        b"<dc:title>T</dc:title><dc:identifier>10.1234/abc.5</dc:identifier>"
        b"<dc:identifier>https://doaj.org/article/00112233445566778899aabbccddeeff</dc:identifier>"
        b"<dc:date>2019-03-01T00:00:00Z</dc:date>"
        b"<dc:relation>https://journal.example.org/5.pdf</dc:relation>"
        b"<dc:relation>https://doaj.org/toc/1234-5679</dc:relation>"
        b"<dc:source>Acta Example, Vol 12, Iss 3, Pp 45-67 (2019)</dc:source>"
        b"<dc:rights>info:eu-repo/semantics/restrictedAccess</dc:rights>"
        b"</oai_dc:dc></metadata></record>"
    )
    record = recordparse.parse(data, OaiPmhParser())
    assert (record.journal, record.volume, record.issue) == ("Acta Example", "12", "3")
    assert (record.start_page, record.end_page) == ("45", "67")
    assert record.doi == "10.1234/abc.5"
    assert record.urls == (
        "https://journal.example.org/5.pdf",
        "https://doaj.org/article/00112233445566778899aabbccddeeff",
    )
    assert record.extra["journal_urls"] == ["https://doaj.org/toc/1234-5679"]
    assert record.date_published == "2019-03-01"
    # DOAJ says open, the record says restricted: the closed reading is kept and flagged.
    assert record.access.status == "restricted"
    assert "access_conflict" in _flag_codes(record)


def _dc_record(elements: bytes) -> Record:
    data = (
        b'<record xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/"><header>'
        b"<identifier>oai:repo.example.org:7</identifier></header><metadata><oai_dc:dc>"
        + elements
        + b"</oai_dc:dc></metadata></record>"
    )
    return recordparse.parse(data, OaiPmhParser())


def test_oai_dc_blank_values_count_for_nothing_and_markup_is_stripped_once() -> None:
    # Titles, descriptions and free-term subjects are cleaned once, where they are used: a
    # blank one must still be skipped as if absent, and markup still kept in *_html.
    record = _dc_record(
        b"<dc:title> \n </dc:title><dc:title>First  &lt;i&gt;real&lt;/i&gt;\n title</dc:title>"
        b"<dc:title>Second title</dc:title>"
        b"<dc:subject>  </dc:subject><dc:subject> soil\n  water </dc:subject>"
        b"<dc:description>\xe2\x80\x83</dc:description>"  # an em space (U+2003) alone
        b"<dc:description>An   abstract\nthat is long enough to win.</dc:description>"
    )
    assert record.title == "First real title"
    assert record.extra["title_html"] == "First <i>real</i> title"
    assert record.extra["titles"] == [{"title": "Second title", "language": None}]
    assert record.keywords == ("soil water",)
    # the blank description is no candidate: one description, no ambiguity to flag
    assert record.abstract == "An abstract that is long enough to win."
    assert "dc:description" not in record.extra and "ambiguous_field" not in _flag_codes(record)


def test_oai_dc_longest_description_is_the_abstract() -> None:
    record = _dc_record(
        b"<dc:description>Tese de  Doutoramento</dc:description>"
        b"<dc:description>&lt;p&gt;The abstract,\n longer than the note.&lt;/p&gt;</dc:description>"
    )
    assert record.abstract == "The abstract, longer than the note."
    assert record.extra["abstract_html"] == "<p>The abstract, longer than the note.</p>"
    assert record.extra["dc:description"] == ["Tese de Doutoramento"]
    assert "ambiguous_field" in _flag_codes(record)


def test_csl_types() -> None:
    assert csl_type("info:eu-repo/semantics/bookPart") == "chapter"
    assert csl_type("info:eu-repo/semantics/conferenceObject") == "paper-conference"
    assert csl_type("Artículo revisado por pares") == "article-journal"
    assert csl_type("Text") is None


def test_sniff_scores() -> None:
    parser = OaiPmhParser()
    doaj = (OAI / "harvest" / "page-001.xml").read_bytes()
    plain = (OAI / "listrecords-dspace-oai_dc-embargo.xml").read_bytes()
    upload = (FIXTURES / "doaj-xml" / "upload-batch.xml").read_bytes()
    assert parser.sniff(doaj) >= 0.9
    assert 0.3 <= parser.sniff(plain) <= 0.6
    assert parser.sniff(upload) == 0.0
    assert parser.sniff(b"\xff\xfe<garbage") == 0.0
    assert recordparse.detect(OAI / "listrecords-dspace-oai_dc-embargo.xml")[0].name == "oai-pmh"


# --------------------------------------------------------------------------------------------
# Streaming: memory does not grow with the number of records


_PAGE_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">\n'
    "<responseDate>2024-01-01T00:00:00Z</responseDate>\n"
    '<request verb="ListRecords" metadataPrefix="oai_dc">https://repo.example.org/oai</request>\n'
    "<ListRecords>\n"
)
_RECORD = (
    "<record><header><identifier>oai:repo.example.org:{n}</identifier>"
    "<datestamp>2024-01-01T00:00:00Z</datestamp><setSpec>col_1</setSpec></header><metadata>"
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Record number {n}</dc:title>'
    "<dc:creator>Author, Some</dc:creator><dc:date>2020-05-17</dc:date>"
    "<dc:description>An abstract long enough to be realistic for record {n}, with some words.</dc:description>"
    "<dc:identifier>https://repo.example.org/item/{n}</dc:identifier>"
    "<dc:rights>info:eu-repo/semantics/openAccess</dc:rights></oai_dc:dc></metadata></record>\n"
)


def _write_listrecords(path: Path, count: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        out.write(_PAGE_HEAD)
        for n in range(1, count + 1):
            out.write(_RECORD.format(n=n))
        out.write(
            f'<resumptionToken completeListSize="{count}" cursor="0">next-{count}</resumptionToken>\n'
        )
        out.write("</ListRecords>\n</OAI-PMH>\n")
    return path


def _peak_while_reading(path: Path) -> tuple[int, int, list[Record]]:
    """Peak traced memory while streaming ``path``; keeps only the first and last records."""
    kept: list[Record] = []
    count = 0
    tracemalloc.start()
    try:
        last: Record | None = None
        for record in recordparse.read(path, OaiPmhParser(), errors="raise"):
            count += 1
            if count == 1:
                kept.append(record)
            last = record
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert last is not None
    kept.append(last)
    return peak, count, kept


@pytest.mark.slow  # about 45 s: tracemalloc triples the cost of 55,000 records (~4,000/s untraced)
def test_memory_does_not_grow_with_record_count(tmp_path: Path) -> None:
    small = _write_listrecords(tmp_path / "small.xml", 5_000)
    large = _write_listrecords(tmp_path / "large.xml", 50_000)
    started = time.perf_counter()
    peak_small, n_small, _ = _peak_while_reading(small)
    peak_large, n_large, (first, last) = _peak_while_reading(large)
    elapsed = time.perf_counter() - started
    assert (n_small, n_large) == (5_000, 50_000)
    # Ten times the records, the same bounded lookahead: the peak stays flat (within 25 %).
    assert peak_large < peak_small * 1.25, (peak_small, peak_large)
    assert peak_large < 64 * 1024 * 1024
    # Only the last LOOKAHEAD_RECORDS records of an overlong page can carry its token.
    assert last.extra["oai_resumption_token"]["value"] == "next-50000"
    assert "oai_resumption_token" not in first.extra
    assert last.id == "oai:repo.example.org:50000"
    assert LOOKAHEAD_RECORDS < 5_000
    print(
        f"55,000 records in {elapsed:.1f} s; peak {peak_small / 1e6:.1f} MB vs {peak_large / 1e6:.1f} MB"
    )


def _comparable(outcomes: Any) -> list[tuple[Any, ...]]:
    return [(type(o).__name__, o.to_dict(), o.position) for o in outcomes]


def test_parallel_read_equals_serial_read(tmp_path: Path) -> None:
    """``splittable``: ranges of one page map exactly as a whole read (tokens, positions), and
    the page chain is decided once, in order, by the planning process."""
    from recordparse.parallel import parallel_outcomes
    from recordparse.registry import default_registry

    path = _write_listrecords(tmp_path / "page.xml", 2_500)
    serial = _comparable(recordparse.read(path, OaiPmhParser(), errors="collect"))
    ranged = parallel_outcomes(
        path, OaiPmhParser(), default_registry(), None, 2, blocksize=64 * 1024
    )
    assert _comparable(ranged) == serial
    assert len(serial) == 2_500
    assert "oai_resumption_token" in serial[-1][1]["extra"]
    assert "oai_resumption_token" not in serial[0][1]["extra"]

    gap = FAILING_OAI / "harvest-gap"
    serial_gap = _comparable(recordparse.read(gap, OaiPmhParser(), errors="collect"))
    ranged_gap = _comparable(parallel_outcomes(gap, OaiPmhParser(), default_registry(), None, 2))
    assert ranged_gap == serial_gap
    assert [kind for kind, _, _ in serial_gap].count("Failure") == 1
