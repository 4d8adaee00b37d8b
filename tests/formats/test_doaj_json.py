"""DOAJ article JSON: API records, search responses, data-dump batches, Elasticsearch scroll hits."""

from __future__ import annotations

import io
import json
import tarfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

import recordparse
from recordparse import Failure, Record
from recordparse.formats.doaj_json import DoajJsonParser
from recordparse.formats.vufind_solr import SolrJsonParser
from recordparse.normalize.languages import to_bcp47
from recordparse.normalize.text import has_html, strip_html
from recordparse.sources import open_inputs
from tests.conftest import FIXTURES, shared_path

DOAJ = FIXTURES / "doaj-json"
REAL = ("realdata", "doaj-vufind")
REAL_NAMES = [
    "doaj-api-v2-article-0005e11e",
    "doaj-api-v2-article-73f781ad",
    "doaj-api-v2-search-00000b68",
    "doaj-api-v2-search-00000d91",
    "doaj-api-v2-search-00001149",
    "doaj-api-v2-search-00001185",
    "doaj-api-v2-search-00001331",
    "doaj-api-v2-search-000019e3",
    "doaj-api-v2-search-75d32e8b",
    "doaj-api-v2-search-aeb1e089",
    "doaj-api-v2-search-fb986eaa",
    "doaj-es-2014-0000178c",
    "doaj-es-2014-000028c7",
    "doaj-es-2014-00003556",
    "doaj-es-2014-0000407b",
    "doaj-es-2014-00004cca",
    "doaj-es-2014-00006106",
]
PLAIN_KEYS = ("id", "doi", "journal", "publisher", "volume", "issue", "date_published")


def records(source: Any, fmt: str | None = None) -> list[Record]:
    out = list(recordparse.read(source, fmt, errors="collect"))
    assert all(isinstance(r, Record) for r in out), [str(r) for r in out if isinstance(r, Failure)]
    return [r for r in out if isinstance(r, Record)]


# --------------------------------------------------------------------------------------------
# Real DOAJ records (../shared/realdata/doaj-vufind/doaj-api-*, doaj-es-*)


def test_every_real_doaj_json_sample_is_listed() -> None:
    folder = shared_path(*REAL)
    found = sorted(
        p.stem
        for p in folder.glob("doaj-*.json")
        if not p.stem.endswith(".expected") and p.stem.startswith(("doaj-api", "doaj-es"))
    )
    assert found == sorted(REAL_NAMES)


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_doaj_records_match_expected(name: str) -> None:
    path = shared_path(*REAL, f"{name}.json")
    expected = json.loads(path.with_name(f"{name}.expected.json").read_text(encoding="utf-8"))
    record = recordparse.parse(path)  # auto-detected
    assert record.format == "doaj-json"
    for key in PLAIN_KEYS:
        assert getattr(record, key) == expected.get(key), key
    assert [p.name for p in record.authors] == expected["authors"]
    assert list(record.issns) == expected.get("issns", [])
    assert list(record.keywords) == expected.get("keywords", [])
    assert (record.urls[0] if record.urls else None) == expected.get("url")
    for key in ("pissn", "eissn"):
        assert record.extra.get(key) == expected.get(key), key
    # Convention differs: expected keeps HTML in titles; the Record strips it and keeps the
    # marked-up title in extra["title"].
    assert record.title == strip_html(expected["title"])
    if has_html(expected["title"]):
        assert record.extra["title"] == expected["title"]
    # Convention differs: expected lists the journal languages verbatim (EN, Portuguese); the
    # Record has the first as BCP 47 and the raw list in extra["journal.language"].
    assert record.language == to_bcp47(expected["language"][0])
    assert record.extra["journal.language"] == expected["language"]
    # "n/a" is a placeholder: kept verbatim as the source gives it, and flagged.
    for key in ("start_page", "end_page"):
        assert getattr(record, key) == expected.get(key), key
        if expected.get(key) == "n/a":
            assert any(f["code"] == "placeholder_value" and f["field"] == key for f in record.flags)
    assert record.access.status == "open"
    assert "DOAJ indexes only open-access journals" in record.access.evidence


def test_real_single_article_pages_from_bibjson_journal() -> None:
    record = recordparse.parse(shared_path(*REAL, "doaj-api-v2-article-73f781ad.json"))
    assert (record.start_page, record.end_page) == ("215", "223")
    assert record.extra["languages"] == ["en", "es", "pt"]


def test_real_e_locator_and_article_number_in_number() -> None:
    plos = recordparse.parse(shared_path(*REAL, "doaj-api-v2-search-75d32e8b.json"))
    assert (plos.start_page, plos.article_number, plos.date_published) == (
        "e0227130",
        "e0227130",
        "2020",
    )
    assert plos.extra["month"] == "0"
    mdpi = recordparse.parse(shared_path(*REAL, "doaj-api-v2-search-fb986eaa.json"))
    assert (mdpi.issue, mdpi.start_page, mdpi.article_number) == ("656", "656", "656")
    assert any(f["code"] == "ambiguous_field" and f["field"] == "start_page" for f in mdpi.flags)


def test_real_issns_from_journal_issns_and_identical_pissn_eissn() -> None:
    union = recordparse.parse(shared_path(*REAL, "doaj-api-v2-search-00000d91.json"))
    assert list(union.issns) == ["0101-3335", "1984-7726"]
    assert "eissn" not in union.extra  # only the journal listed it
    same = recordparse.parse(shared_path(*REAL, "doaj-api-v2-search-00001185.json"))
    assert list(same.issns) == ["1672-5123"]
    assert same.extra["pissn"] == same.extra["eissn"] == "1672-5123"


# --------------------------------------------------------------------------------------------
# Fixtures


def test_search_response_streams_results() -> None:
    recs = records(DOAJ / "search-response.json")
    assert [r.id for r in recs] == [
        "4c1f0e9b7a6d4e2f8b3a5c7d9e1f2a3b",
        "8d2e4f6a1b3c45d7e9f0a2b4c6d8e0f1",
        "b7c9d1e3f5a7492b8c0d2e4f6a8b0c2d",
    ]
    assert [r.position.record for r in recs if r.position] == [1, 2, 3]
    for rec in recs:  # the envelope (total, page, query) is not record data
        assert "total" not in rec.extra and "query" not in rec.extra


def test_html_doi_url_inverted_names_month_name() -> None:
    rec = records(DOAJ / "search-response.json")[0]
    assert rec.title == "New host records of Dendroctonus bark beetles on Pinus contorta"
    assert rec.extra["title"].startswith("New host records of <i>Dendroctonus</i>")
    assert rec.abstract == (
        "Dendroctonus bark beetles attack Pinus contorta at high elevation. "
        "We report three new host records and a revised key."
    )
    assert "<br/>" in rec.extra["abstract"]
    assert rec.doi == "10.3390/f12030311"  # given as https://doi.org/...
    assert rec.journal == "Forests"  # trailing space in the source
    assert rec.date_published == "2021-03"  # month "March"
    first, second = rec.authors
    assert (first.name, first.given, first.family) == ("Mercado, Javier E.", "Javier E.", "Mercado")
    assert first.orcid == "https://orcid.org/0000-0002-3468-1219"
    assert first.affiliations == (
        "Department of Ecology, Montana State University, Bozeman, MT 59717, USA",
    )
    assert second.name == "Ortiz-Santana, Beatriz"  # double space cleaned
    assert rec.license == "CC BY"
    assert "journal.license.open_access: true" in rec.access.evidence
    assert rec.subjects == ("LCC:Plant ecology",)
    assert rec.extra["subject.code"] == ["LCC:QK900-989"]
    assert rec.extra["link.content_type"] == ["text/html"]
    assert rec.extra["created_date"] == "2021-03-30T14:02:50Z"
    assert rec.date_deposited is None  # DOAJ's record creation is not a deposit


def test_month_zero_e_locator_entities_and_journal_issns() -> None:
    rec = records(DOAJ / "search-response.json")[1]
    assert rec.date_published == "2020"
    assert rec.extra["month"] == "0"
    assert (rec.start_page, rec.article_number, rec.end_page) == ("e0227130", "e0227130", None)
    assert [p.name for p in rec.authors] == ["José García-Peña", "Peralta, Guadalupe"]
    assert rec.title == "Plant–soil feedbacks after invasion"
    assert list(rec.issns) == ["1932-6203", "1932-6211"]
    assert rec.extra["pissn"] == "1932-6203"
    assert rec.language == "en"
    assert rec.extra["languages"] == ["en", "es"]


def test_placeholder_pages_are_kept_verbatim_and_flagged() -> None:
    rec = records(DOAJ / "search-response.json")[2]
    assert (rec.start_page, rec.end_page) == ("n/a", "n/a")
    flags = {(f.code, f.field) for f in recordparse.check(rec)}
    assert {("placeholder_value", "start_page"), ("placeholder_value", "end_page")} <= flags
    assert rec.date_published == "2020-11"
    assert rec.abstract is None


def test_single_article_v4_pages_in_bibjson_journal() -> None:
    rec = recordparse.parse(DOAJ / "article-v4.json")
    assert (rec.volume, rec.issue, rec.start_page, rec.end_page) == ("23", "2", "1", "14")
    assert rec.title == "Reprodução de Astyanax lacustris em reservatórios do Paraná"
    assert (
        rec.abstract
        == "Foram coletados 312 exemplares entre 2019 e 2021. A desova ocorreu na primavera."
    )
    assert [p.orcid for p in rec.authors] == [
        "https://orcid.org/0000-0001-5109-3700",
        "https://orcid.org/0000-0002-1825-0097",  # a bare ORCID in the source
    ]
    assert list(rec.issns) == ["0102-6798", "2596-3325"]
    assert rec.doi == "10.34019/2596-3325.2022.v23.37841"
    assert rec.language == "pt"
    assert rec.extra["admin"]["publisher_record_id"] == "RBZ-2022-0051"
    assert "admin.in_doaj: true" in rec.access.evidence
    assert rec.subjects == ("LCC:Zoology",)


def test_pages_in_both_places_that_disagree_are_flagged() -> None:
    article = {
        "id": "ab" * 16,
        "bibjson": {
            "title": "t",
            "start_page": "12",
            "journal": {"title": "J", "start_page": "13", "end_page": "20"},
        },
    }
    rec = recordparse.parse(json.dumps(article).encode(), "doaj-json")
    assert (rec.start_page, rec.end_page) == ("12", "20")
    [flag] = [f for f in rec.flags if f["code"] == "value_conflict"]
    assert flag["evidence"] == ["bibjson.start_page: 12", "bibjson.journal.start_page: 13"]


def test_journal_record_is_refused_not_mapped_as_an_article() -> None:
    journal = {
        "id": "cd" * 16,
        "bibjson": {
            "title": "Scientia Medica",
            "pissn": "1806-5562",
            "publisher": {"name": "PUCRS"},
        },
    }
    [failure] = list(recordparse.read(json.dumps(journal).encode(), "doaj-json", errors="collect"))
    assert isinstance(failure, Failure)
    assert "journal record" in failure.reason
    assert failure.record_id == "cd" * 16


def _dump(tmp_path: Path, batches: list[list[dict[str, Any]]]) -> Path:
    """A public-data-dump archive as DOAJ writes it: one directory of article_batch_N.json."""
    path = tmp_path / "doaj_article_data_2024-05-06.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for n, batch in enumerate(batches, start=1):
            data = (
                "[" + ",\n".join(json.dumps(r, ensure_ascii=False) for r in batch) + "]"
            ).encode("utf-8")
            info = tarfile.TarInfo(f"doaj_article_data_2024-05-06/article_batch_{n}.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_data_dump_tar_gz(tmp_path: Path) -> None:
    fixture = json.loads((DOAJ / "dump-records.json").read_text(encoding="utf-8"))
    archive = _dump(tmp_path, [fixture[:3], fixture[3:]])
    recs = records(archive)
    assert [r.format for r in recs] == ["doaj-json"] * 4
    assert [r.id for r in recs] == [r["id"] for r in fixture]
    positions = [r.position for r in recs if r.position]
    assert [p.record for p in positions] == [1, 2, 3, 1]
    assert positions[3].source.endswith("!doaj_article_data_2024-05-06/article_batch_2.json")
    assert [p.line for p in positions[:3]] == [1, 2, 3]  # records joined by ",\n"
    assert [r.date_published for r in recs] == [
        "2024-01",
        "2024-02",
        "2024-02",
        "2024",
    ]  # "1", "Feb", "02", ""
    assert [p.name for p in recs[3].authors] == ["Mwangi, Grace"]


def test_broken_record_in_a_batch_fails_alone() -> None:
    lines = (DOAJ / "dump-records.json").read_text(encoding="utf-8").split(",\n")
    lines[1] = lines[1][: len(lines[1]) // 2]  # cut a record in half
    out = list(recordparse.read(",\n".join(lines).encode(), "doaj-json", errors="collect"))
    assert [type(o).__name__ for o in out] == ["Record", "Failure", "Record", "Record"]
    assert isinstance(out[1], Failure) and out[1].line == 2


@pytest.mark.parametrize("name", ["es-scroll-2014.ldj", "es-scroll-page.json"])
def test_elasticsearch_scroll_hits(name: str) -> None:
    first, second = records(DOAJ / name)
    assert first.id == first.extra["_id"] == "0000178c89214dc8b82df1a25c0c478f"
    assert first.extra["_index"] == "doaj" and first.extra["type"] == "article"
    assert first.extra["index"]["language"] == ["Portuguese"]  # the 2014 index block, kept
    assert first.language == "pt"  # from the language name
    assert first.license == "CC BY"  # journal.license[] of the 2014 model
    assert first.date_published == "2005-01"  # two-digit year "05"
    assert any(f["code"] == "synthesised_date" for f in first.flags)
    assert first.extra["author.email"] == [
        {"name": "Cherubini, Karen", "email": "karen.cherubini@example.org"}
    ]
    assert first.abstract == "Objetivos: revisar a osteoporose no idoso. Fonte de dados: MEDLINE."
    assert list(first.issns) == ["1806-5562", "1980-6108"]
    assert second.doi == "10.3389/fpsyg.2013.00480"  # http://dx.doi.org/ form
    assert second.date_published == "2013-07"
    # DOAJ's journal list no longer has it: still open by DOAJ's rule, but the doubt is flagged
    assert second.access.status == "open"
    assert any(f["code"] == "access_conflict" for f in second.flags)


def test_json_lines_of_articles_with_quirks() -> None:
    first, second = records(DOAJ / "articles.jsonl")
    assert first.date_published == "1998-09"  # year "98", month "Sept"
    assert [p.name for p in first.authors] == ["Müller, Jörg", "Ramírez Soto, Carla"]
    assert first.doi == "10.5555/lip.1998.004"  # "doi:" prefix
    assert list(first.issns) == ["1386-9019"]  # unhyphenated in the source
    assert first.extra["eissn"] == "13869019"
    assert second.date_published == "2019"
    assert second.doi == "10.5555/UHI.2019.12"
    assert second.position is not None and second.position.line == 2


# --------------------------------------------------------------------------------------------
# Sniffing


def test_sniff_tells_doaj_from_solr_and_other_json() -> None:
    doaj, solr = DoajJsonParser(), SolrJsonParser()
    for name in (
        "search-response.json",
        "article-v4.json",
        "dump-records.json",
        "es-scroll-2014.ldj",
        "articles.jsonl",
    ):
        head = (DOAJ / name).read_bytes()[:65536]
        assert doaj.sniff(head) >= 0.9, name
        assert solr.sniff(head) == 0.0, name
    solr_head = (FIXTURES / "vufind-solr" / "docs.jsonl").read_bytes()[:65536]
    assert doaj.sniff(solr_head) == 0.0
    zenodo = b'{"conceptrecid": "1", "metadata": {"title": "x", "journal": {"title": "y"}}}\n'
    assert doaj.sniff(zenodo) == 0.0
    assert doaj.sniff(b"\xff\xfe\x00garbage") == 0.0


# --------------------------------------------------------------------------------------------
# Memory: a dump batch is streamed, never loaded whole


def _batch(path: Path, count: int) -> int:
    template = json.loads((DOAJ / "dump-records.json").read_text(encoding="utf-8"))
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for i in range(count):
            if i:
                out.write(",\n")
            out.write(
                json.dumps({**template[i % len(template)], "id": f"{i:032x}"}, ensure_ascii=False)
            )
        out.write("]")
    return path.stat().st_size


def _peak_split(path: Path) -> tuple[int, int]:
    parser = DoajJsonParser()
    tracemalloc.start()
    try:
        count = sum(1 for inp in open_inputs(path) for _ in parser.split(inp))
        return count, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


#: JsonStream reads 1 MiB chunks and keeps at most about two of them decoded (up to 4 bytes a
#: character in CPython's str) plus one record: a few MiB whatever the batch size. 16 MiB leaves
#: room for the decoder's copies and is well below the 41 MB a 50,000-record batch takes.
_SPLIT_BOUND = 16 * 1024 * 1024


def test_dump_batch_streams_in_bounded_memory(tmp_path: Path) -> None:
    small, large = tmp_path / "article_batch_1.json", tmp_path / "article_batch_2.json"
    _batch(small, 5_000)
    size = _batch(large, 50_000)
    n_small, peak_small = _peak_split(small)
    n_large, peak_large = _peak_split(large)
    assert (n_small, n_large) == (5_000, 50_000)
    assert peak_large < _SPLIT_BOUND < size
    # ten times the records, the same peak (1 MiB slack for allocator noise)
    assert peak_large <= peak_small * 1.25 + 1024 * 1024


@pytest.mark.slow
def test_reading_and_mapping_a_batch_does_not_accumulate(tmp_path: Path) -> None:
    """End to end (split + map + build) on 5,000 and 50,000 records: about 15 s, hence slow."""
    peaks = []
    for count in (5_000, 50_000):
        path = tmp_path / f"article_batch_{count}.json"
        _batch(path, count)
        started = time.perf_counter()
        tracemalloc.start()
        try:
            assert sum(1 for _ in recordparse.read(path, "doaj-json")) == count
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert time.perf_counter() - started < 120
    assert peaks[1] < _SPLIT_BOUND
    assert peaks[1] <= peaks[0] * 1.25 + 1024 * 1024


def test_lone_surrogate_escapes_are_replaced_and_flagged_only_where_they_are() -> None:
    # the builder's scan runs only for items whose JSON text has a \ud800-\udfff escape
    def article(ident: str, title: str) -> str:
        return '{"id": "' + ident + '", "bibjson": {"title": "' + title + '", "journal": {"title": "J"}}}'

    data = "[" + ",\n".join(
        [article("a", "Broken \\ud800 title"), article("b", "Pair \\ud83d\\ude00 ok"), article("c", "Plain é")]
    ) + "]"
    recs = {r.id: r for r in records(data.encode(), "doaj-json")}
    assert recs["a"].title == "Broken \ufffd title"
    assert [f["code"] for f in recs["a"].extra["_flags"]] == ["invalid_unicode"]
    assert recs["b"].title == "Pair 😀 ok" and "_flags" not in recs["b"].extra
    assert recs["c"].title == "Plain é" and "_flags" not in recs["c"].extra
