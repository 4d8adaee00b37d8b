"""The DOAJ ``spelling`` blob: segmentation units, and the recovery rate measured on rebuilt pages.

``test_recovery_rate`` rebuilds, for every oai_doaj record in the shared real data and in
``fixtures/vufind-text/oai_doaj/``, what VuFind would show: the harvester injects the id
(``doaj.art-`` + the DOAJ id) and the datestamp, ``doaj.xsl`` makes the Solr fields and
``spelling`` = ``normalize-space()`` of the whole file, and the record page prints the public view
and the Staff View in ``ksort`` order. The page is parsed back (auto-detected) and every value that
only the blob holds is compared with the XML.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import recordparse
from recordparse import Position, RecordBuilder
from recordparse.formats.spelling import (
    apply_spelling,
    segment_spelling,
    split_affiliations,
    split_citation_run,
)
from recordparse.normalize.text import clean
from recordparse.xmlsafe import local_name, parse_document
from tests.conftest import FIXTURES, SHARED

OAI_FIXTURES = FIXTURES / "vufind-text" / "oai_doaj"

# VuFind's translation_maps/language_map.properties (MARC 639-2/B codes); others pass through.
LANGUAGE_MAP = {
    "eng": "English", "ger": "German", "fre": "French", "spa": "Spanish", "por": "Portuguese",
    "rum": "Romanian", "ita": "Italian", "pol": "Polish",
}  # fmt: skip


# --------------------------------------------------------------------------------------------
# doaj.xsl + the harvester, as the format note (§4.2) describes them


def _child(element: Any, name: str) -> Any:
    return next((c for c in element if local_name(c.tag) == name), None)


def _children(element: Any, name: str) -> list[Any]:
    return [c for c in element.iter() if local_name(c.tag) == name]


def _text(element: Any) -> str:
    return "".join(element.itertext()) if element is not None else ""


def _normalize_space(text: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", text).strip(" ")


def _title_sort(title: str) -> str:
    lowered = re.sub(r"^(the|a|an) ", "", title.lower())
    return _normalize_space(re.sub(r"[^\w\s]", " ", lowered))


def _work_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in folded if c.isalnum() and not unicodedata.combining(c))


def solr_document(record: Any, *, inject_setspecs: bool = False) -> dict[str, Any]:
    """The Solr document VuFind's doaj.xsl builds from one harvested oai_doaj ``<record>``."""
    header = _child(record, "header")
    article = next(e for e in record.iter() if local_name(e.tag) == "doajArticle")
    identifier = _text(_child(header, "identifier")).strip()
    stamp = _text(_child(header, "datestamp")).strip()
    ident = "doaj.art-" + identifier.rsplit(":", 1)[-1]
    injected = ident + stamp
    if inject_setspecs:
        injected += "".join(_text(s) for s in _children(header, "setSpec"))
    blob = _normalize_space(injected + _text(article))

    def one(name: str) -> str | None:
        found = _children(article, name)
        return _text(found[0]) if found and _text(found[0]).strip() else None

    authors = [_normalize_space(_text(n)) for a in _children(article, "author") for n in _children(a, "name")]
    title = _normalize_space(one("title") or "")
    topics = [_text(k) for k in _children(article, "keyword")]
    doc: dict[str, Any] = {
        "_version_": str(int(hashlib.sha1(ident.encode()).hexdigest()[:15], 16)),
        "collection": ["DOAJ"],
        "first_indexed": "2024-04-12T20:54:01Z",
        "format": ["Article"],
        "id": ident,
        "institution": ["Directory Open Access Journal"],
        "last_indexed": "2024-04-12T20:54:01Z",
        "record_format": "Article",
        "spelling": [blob],
        "title": title,
        "title_full": title,
        "title_fullStr": [title],
        "title_full_unstemmed": title,
        "title_short": title,
        "title_sort": _title_sort(title),
    }
    if authors:
        doc["author"] = authors
        doc["author_facet"] = authors
        doc["author_sort"] = authors[0]
        doc["work_keys_str_mv"] = [f"AT {_work_key(a)} {_work_key(title)}" for a in authors]
    language = one("language")
    if language:
        doc["language"] = [LANGUAGE_MAP.get(language, language)]
    for field, element in (("publisher", "publisher"), ("series", "journalTitle"), ("publishDate", "publicationDate")):
        value = one(element)
        if value:
            doc[field] = [value]
    issns = [v for v in (one("issn"), one("eissn")) if v]
    if issns:
        doc["issn"] = issns
    abstract = one("abstract")
    if abstract:
        doc["description"] = abstract
    url = one("fullTextUrl")
    if url:
        doc["url"] = [url if "://" in url else "http://" + url]
    if topics:
        doc["topic"] = topics
    doc["spellingShingle"] = [*authors, title, *doc.get("series", []), *topics]
    return doc


def render_page(doc: dict[str, Any], *, public: bool = True) -> str:
    """The record page as text: public view (like the seed) and the Staff View in ksort order."""
    lines: list[str] = []
    if public:
        description = _normalize_space(doc.get("description", ""))
        lines += [doc["title"], ""]
        if description:
            cut = len(description) > 300
            lines += [description[:300].strip() + "..." if cut else description, ""]
            if cut:
                lines += ["Full description", ""]
        authors = doc.get("author", [])
        lines.append("Bibliographic Details")
        if authors:
            lines.append(f"Main Author{'s' if len(authors) > 1 else ''}: {', '.join(authors)}")
        lines.append("Format: Article")
        if doc.get("language"):
            lines.append(f"Language:{doc['language'][0]}")
        lines.append(f"Published: {doc.get('publisher', [''])[0]} {doc.get('publishDate', [''])[0]}".rstrip())
        if doc.get("series"):
            lines.append(f"Series:{doc['series'][0]}")
        lines.append("Subjects:")
        lines.append(f"Online Access:{doc['url'][0]}")
    for name in sorted(doc):
        value = doc[name]
        values = value if isinstance(value, list) else re.split(r"\r\n|\r|\n", value)
        lines.append(f"{name} {values[0]}")
        lines.extend(values[1:])
    return "\n".join(lines) + "\n"


def truth(record: Any) -> dict[str, Any]:
    """What the oai_doaj XML says, for the values only the blob keeps."""
    header = _child(record, "header")
    article = next(e for e in record.iter() if local_name(e.tag) == "doajArticle")

    def one(name: str) -> str | None:
        found = _children(article, name)
        return clean(_text(found[0])) if found else None

    affiliations = {a.get("affiliationId"): clean(_text(a)) for a in _children(article, "affiliationName")}
    authors = []
    for author in _children(article, "author"):
        ids = [_text(i).strip() for i in _children(author, "affiliationId")]
        orcid = _children(author, "orcid_id")
        authors.append(
            {
                "name": clean(_text(_children(author, "name")[0])),
                "affiliations": tuple(affiliations[i] for i in ids if i in affiliations),
                "orcid": _text(orcid[0]).strip() if orcid else None,
            }
        )
    return {
        "oai_datestamp": _text(_child(header, "datestamp")).strip(),
        "volume": one("volume"),
        "issue": one("issue"),
        "start_page": one("startPage"),
        "end_page": one("endPage"),
        "doi": one("doi"),
        "article_number": one("publisherRecordId"),
        "authors": authors,
    }


def oai_doaj_records() -> Iterator[tuple[str, Any]]:
    """Every oai_doaj ``<record>`` of the shared real data (when present) and of the fixtures."""
    files = sorted(OAI_FIXTURES.glob("*.xml"))
    real = SHARED / "realdata" / "doaj-vufind"
    if real.is_dir():
        files = [*sorted(real.glob("doaj-oai-*.xml")), real / "doaj-docs-oai_doaj-example.xml", *files]
    for path in files:
        root = parse_document(path.read_bytes(), Position(path.name, 1), "test")
        records = [e for e in root.iter() if local_name(e.tag) == "record"] or [root]
        for number, record in enumerate(records, start=1):
            if any(local_name(e.tag) == "doajArticle" for e in record.iter()):
                yield f"{path.name}#{number}", record


# --------------------------------------------------------------------------------------------
# Units


def test_citation_run_of_the_seed_uses_url_and_article_number() -> None:
    readings = split_citation_run(
        "1310.3389/fimmu.2022.952231952231",
        url="https://www.frontiersin.org/articles/10.3389/fimmu.2022.952231/full",
        year=2022,
    )
    assert len(readings) == 1
    assert dict(readings[0].values) == {"volume": "13", "doi": "10.3389/fimmu.2022.952231", "article_number": "952231"}


def test_citation_run_with_pages_and_issue() -> None:
    readings = split_citation_run("4212913410.19230/jonnpr.1311", url="http://www.jonnpr.com/pdf/1311.pdf", year=2017)
    assert readings[0].values == {"volume": "4", "issue": "2", "start_page": "129", "end_page": "134", "doi": "10.19230/jonnpr.1311"}


def test_citation_run_e_locators_and_spaces() -> None:
    readings = split_citation_run("17suppl1e6892 e6892 10.5867/medwave.2017.6892", url="http://www.medwave.cl/x/6892")
    assert len(readings) == 1
    assert readings[0].values == {
        "volume": "17", "issue": "suppl1", "start_page": "e6892", "end_page": "e6892", "doi": "10.5867/medwave.2017.6892",
    }  # fmt: skip


def test_citation_run_that_stays_ambiguous_gives_alternatives() -> None:
    # 2-4-122-123 or 24-12-21-23: both are ordinary citations
    readings = split_citation_run("2412212310.19230/jonnpr.1208", url="http://www.jonnpr.com/pdf/1208.pdf", year=2017)
    values = [dict(r.values) for r in readings]
    assert {"volume": "2", "issue": "4", "start_page": "122", "end_page": "123", "doi": "10.19230/jonnpr.1208"} in values
    assert len(values) > 1


def test_doi_end_without_evidence_is_not_certain() -> None:
    readings = split_citation_run("510.4000/abc.1234", url="https://example.org/view/77", year=2020)
    assert readings[0].values["doi"] == "10.4000/abc.1234"
    assert any(r.values.get("article_number") for r in readings[1:])


def test_affiliations_split_at_glued_capitals() -> None:
    text = "Dept A, Univ X, Houston, TX, United StatesDept B, Univ X, Houston, TX, United States"
    assert split_affiliations(text, 2) == [["Dept A, Univ X, Houston, TX, United States", "Dept B, Univ X, Houston, TX, United States"]]


def test_affiliations_split_at_a_space_when_the_text_repeats() -> None:
    text = (
        "Facultad de Medicina, Pontificia Universidad Católica de Chile, Santiago, Chile "
        "Facultad de Medicina, Pontificia Universidad Católica de Chile, Santiago, ChileProyecto Epistemonikos, Santiago, Chile"
    )
    best = split_affiliations(text, 3)
    assert best[0][2] == "Proyecto Epistemonikos, Santiago, Chile"
    assert best[0][0] == best[0][1] == "Facultad de Medicina, Pontificia Universidad Católica de Chile, Santiago, Chile"


def test_affiliations_glued_name_particle_is_not_a_join() -> None:
    text = "Department of Biology, McGill University, Montreal, CanadaSchool of Medicine, Laval University, Quebec, Canada"
    assert split_affiliations(text, 2) == [
        ["Department of Biology, McGill University, Montreal, Canada", "School of Medicine, Laval University, Quebec, Canada"]
    ]


def test_affiliations_with_a_false_join_are_ambiguous() -> None:
    # "DeepMind" is a lower-to-upper join inside a name: with 2 parts wanted, 2 joins compete
    text = "Google DeepMind, London, United KingdomSchool of Informatics, University of Edinburgh, Edinburgh, United Kingdom"
    readings = split_affiliations(text, 2)
    assert ["Google DeepMind, London, United Kingdom", "School of Informatics, University of Edinburgh, Edinburgh, United Kingdom"] in readings
    assert len(readings) > 1


def test_multi_valued_spelling_is_not_segmented() -> None:
    builder = RecordBuilder("test")
    doc = {"id": "123", "spelling": ["Smith, John", "A history of things", "London : Dent, 1999."]}
    assert apply_spelling(doc, builder) is False
    record = builder.build()
    assert record.volume is None and record.doi is None and "oai_datestamp" not in record.extra


def test_blob_without_injected_id_and_datestamp_is_not_segmented() -> None:
    assert segment_spelling("A title A. Author 2019 10.1234/x", {"id": "abc"}) is None


def test_setspecs_and_language_code_are_read() -> None:
    blob = "doaj-art-1a2bDOAJ2017-04-06T18:22:55ZTENDOk1lZGljaW5lgerPublisher XJournal Y2017-04-0110.1/x.2Title Z"
    blob = blob.replace("DOAJ", "")
    doc = {"id": "doaj-art-1a2b", "publisher": ["Publisher X"], "series": ["Journal Y"], "language": ["German"],
           "publishDate": ["2017-04-01"], "title": "Title Z"}  # fmt: skip
    parts = segment_spelling(blob, doc)
    assert parts is not None
    assert parts.set_specs == ["LCC:Medicine"]
    assert parts.language_code == "ger"
    assert parts.datestamp == "2017-04-06T18:22:55Z"


# --------------------------------------------------------------------------------------------
# The measurement

PER_RECORD = ("oai_datestamp", "volume", "issue", "start_page", "end_page", "doi", "article_number")
#: Floor for the share of blob-only values recovered exactly. Justification: the values whose
#: reading is certain (datestamp, DOI start, ORCIDs, affiliations split at glued capitals) are
#: most of them; what stays open is digit runs like 24-12-21-23 vs 2-4-122-123, which no rule can
#: settle and which are flagged. Measured 95.6% (18.2% flagged) on 26 records when written; 0.9
#: leaves room for new fixtures without letting a real regression through.
RECOVERY_FLOOR = 0.9


def _flagged(record: recordparse.Record, field: str) -> bool:
    return any(f["code"] == "ambiguous_field" and f["field"] == field for f in record.flags)


def test_recovery_rate(capsys: pytest.CaptureFixture[str]) -> None:
    total = exact = flagged = 0
    silent_wrong: list[str] = []
    records = 0
    for name, element in oai_doaj_records():
        records += 1
        expected = truth(element)
        doc = solr_document(element, inject_setspecs=records % 5 == 0)
        record = recordparse.parse(render_page(doc, public=records % 3 != 0).encode("utf-8"))
        assert record.format == "vufind-text"
        got: dict[str, Any] = {f: getattr(record, f, None) for f in PER_RECORD if f != "oai_datestamp"}
        got["oai_datestamp"] = record.extra.get("oai_datestamp")
        checks = [(f, expected[f], got[f], f) for f in PER_RECORD]
        people = {p.name: p for p in record.authors}
        for author in expected["authors"]:
            person = people.get(author["name"])
            checks.append((f"{author['name']}: affiliations", author["affiliations"], person and person.affiliations, "authors"))
            checks.append((f"{author['name']}: orcid", author["orcid"], person and person.orcid, "authors"))
        for label, want, have, field in checks:
            total += 1
            is_flagged = _flagged(record, field)
            flagged += is_flagged
            if want == have or (not want and not have):
                exact += 1
            elif not is_flagged:
                silent_wrong.append(f"{name} {label}: expected {want!r}, got {have!r}")
    recovered = exact / total
    share_flagged = flagged / total
    with capsys.disabled():
        print(
            f"\nspelling recovery: {records} records, {total} blob-only values: "
            f"{recovered:.1%} recovered exactly, {share_flagged:.1%} flagged ambiguous"
        )
    assert records >= 15
    assert not silent_wrong, "\n".join(silent_wrong)
    assert recovered >= RECOVERY_FLOOR


def test_fixture_records_cover_the_tricky_cases() -> None:
    """The own fixtures hold what the brief calls tricky, so the measurement exercises it."""
    found = [truth(e) for name, e in oai_doaj_records() if name.startswith("listrecords.xml")]
    assert len(found) >= 15
    assert any(t["volume"] is None and t["doi"] for t in found)  # no volume
    assert any(t["issue"] is None and t["start_page"] for t in found)  # issue absent
    assert any((t["start_page"] or "").startswith("e") for t in found)  # e-locator
    assert any(t["article_number"] and t["doi"] and t["doi"][-1].isdigit() for t in found)
    assert any(a["affiliations"] == () for t in found for a in t["authors"])
    assert any(a["name"][-1].isdigit() for t in found for a in t["authors"])
    assert any(a["orcid"] for t in found for a in t["authors"])


def test_last_author_id_is_not_taken_from_an_affiliation_starting_with_digits() -> None:
    blob = (
        "doaj.art-00ff2020-01-02T03:04:05ZPublisher PJournal J2020-01-01310.1/j.7Title T"
        "Ann Lee0Bo Chan11st Department of Surgery, Alpha Hospital, Oslo, Norway2nd Clinic, Beta Hospital, Oslo, Norway"
        "Abstract text.http://j.example/7"
    )
    doc = {"id": "doaj.art-00ff", "publisher": ["Publisher P"], "series": ["Journal J"], "publishDate": ["2020-01-01"],
           "title": "Title T", "author": ["Ann Lee", "Bo Chan"], "description": "Abstract text.",
           "url": ["http://j.example/7"]}  # fmt: skip
    parts = segment_spelling(blob, doc)
    assert parts is not None
    assert [a.affiliation_id for a in parts.authors] == [0, 1]
    assert parts.affiliations == [
        "1st Department of Surgery, Alpha Hospital, Oslo, Norway",
        "2nd Clinic, Beta Hospital, Oslo, Norway",
    ]
    assert parts.unparsed == []


@given(st.text(alphabet="0123456789aeSX./- ", max_size=30), st.text(max_size=200))
def test_segmentation_never_raises(run: str, rest: str) -> None:
    doc = {"id": "doaj.art-ab", "title": "T", "author": ["A B"], "publishDate": ["2020-01-01"], "url": ["http://x/1"]}
    blob = f"doaj.art-ab2020-01-02T03:04:05Z2020-01-01{run}TA B0{rest}http://x/1"
    builder = RecordBuilder("test")
    apply_spelling({**doc, "spelling": blob}, builder)
    builder.build()
