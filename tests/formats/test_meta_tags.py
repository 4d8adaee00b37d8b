"""meta-tags: any landing page with Highwire, Dublin Core, JSON-LD or Open Graph metadata."""

from __future__ import annotations

import pytest

import recordparse
from recordparse import Failure, Record, RecordParseWarning
from recordparse.formats.meta_tags import MetaTagsParser, csl_type_for_label
from tests.conftest import FIXTURES, TODAY

PAGES = FIXTURES / "meta-tags"


def parse(name: str) -> Record:
    return recordparse.parse(PAGES / name)


def flags(record: Record) -> dict[str, list[recordparse.Flag]]:
    out: dict[str, list[recordparse.Flag]] = {}
    for flag in recordparse.check(record, today=TODAY):
        out.setdefault(flag.code, []).append(flag)
    return out


def page(head: str, body: str = "") -> bytes:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>".encode()


def test_ojs_article_page() -> None:
    record = parse("ojs-article.html")
    assert record.format == "meta-tags"
    assert record.title == "Groundwater recharge under irrigated vineyards in the Barossa Valley"
    oconnor, zhang, ortega = record.authors
    assert oconnor.name == "Sarah J. O'Connor"
    # each citation_author_institution belongs to the citation_author before it
    assert oconnor.affiliations == ("University of Adelaide", "Goyder Institute for Water Research")
    assert zhang.affiliations == ("CSIRO Land and Water",)
    assert ortega.affiliations == ()
    assert record.doi == "10.31234/ajwr.v25i2.4127"
    assert record.type == "article-journal"
    assert (record.journal, record.volume, record.issue) == ("Australian Journal of Water Resources", "25", "2")
    assert (record.start_page, record.end_page) == ("112", "131")
    assert list(record.issns) == ["1324-1583"]
    assert record.date_published == "2021-03-15"
    assert record.language == "en"
    assert list(record.keywords) == ["groundwater recharge", "chloride mass balance", "viticulture"]
    assert list(record.subjects) == []  # OJS repeats its keywords as DC.Subject
    assert record.abstract is not None and record.abstract.startswith("Deep drainage beneath")
    assert record.license == "https://creativecommons.org/licenses/by/4.0/"
    assert record.rights == "Copyright (c) 2021 Sarah J. O'Connor, Wei Zhang, Rafael Ortega-Vidal"
    assert record.id == "https://journals.example.edu.au/ajwr/article/view/4127"
    assert "https://journals.example.edu.au/ajwr/article/download/4127/3391" in record.urls
    assert record.extra["citation_journal_abbrev"] == "Aust. J. Water Resour."
    assert record.extra["generator"] == "Open Journal Systems 3.3.0.13"


def test_pdf_url_and_navigation_words_prove_nothing_about_access() -> None:
    record = parse("ojs-article.html")
    # citation_pdf_url is present, the menu has "Open Access" and the footer "Open Access
    # journal": none of them is a statement about this item's files.
    assert record.access.status == "unknown"
    assert record.access.evidence == ()
    assert flags(record) == {}


def test_pure_like_page_with_dublin_core_only() -> None:
    record = parse("pure-dc-only.html")
    assert record.title == "Snowmelt timing controls summer low flows in Alpine catchments"
    assert [a.name for a in record.authors] == ["Bianchi, Lucia", "Fraser, Callum", "Weiss, Thomas A."]
    assert record.date_published == "2019-05"
    assert record.doi == "10.1016/j.jhydrol.2019.03.041"
    assert record.type == "article-journal"
    assert record.extra["type"] == "Contribution to journal/Article"
    assert record.publisher == "Elsevier"
    assert record.language == "en"
    assert list(record.subjects) == ["Hydrology", "Climate change impacts"]
    assert record.license == "CC BY 4.0"
    assert (record.access.status, record.access.evidence) == ("open", ("dc.rights=info:eu-repo/semantics/openAccess",))
    assert record.extra["dc.source"] == "Journal of Hydrology, 572, 416-428"


def test_json_ld_only_dataset_page() -> None:
    record = parse("dataset-jsonld.html")
    assert record.type == "dataset"
    assert record.title == "Hourly air quality measurements, Lisbon 2015–2022"
    assert record.doi == "10.34622/datarepositorium/1TQ3PX"
    sousa, almeida, network = record.authors
    assert (sousa.name, sousa.orcid, sousa.affiliations) == (
        "Sousa, Inês", "https://orcid.org/0000-0002-1825-0097", ("Universidade de Lisboa",)
    )
    assert (almeida.name, almeida.given, almeida.family) == ("Almeida, Pedro", "Pedro", "Almeida")
    assert (network.name, network.family) == ("Lisbon Air Quality Network", None)
    assert record.abstract == (
        "NO2, PM10 and O3 concentrations from 12 monitoring stations, quality-controlled and gap-flagged."
    )
    assert record.date_published == "2023-02-14"
    assert record.language == "pt"
    assert list(record.keywords) == ["air quality", "nitrogen dioxide", "particulate matter", "urban climate"]
    assert record.license == "https://creativecommons.org/licenses/by/4.0/"
    assert record.publisher == "Example Data Repository"
    assert (record.access.status, record.access.evidence) == ("open", ("isAccessibleForFree=true",))
    assert record.extra["json-ld"]["temporalCoverage"] == "2015-01-01/2022-12-31"
    assert "distribution" in record.extra["json-ld"]


def test_conflicting_dois_titles_and_access() -> None:
    record = parse("conflicting.html")
    found = flags(record)
    (doi_conflict,) = [f for f in found["value_conflict"] if f.field == "doi"]
    assert doi_conflict.evidence == (
        "citation_doi: 10.1177/0898264320922222",
        "dc.identifier: https://doi.org/10.1177/0898264320911111",
    )
    title_conflict = [f for f in found["value_conflict"] if f.field == "title"]
    assert len(title_conflict) == 1
    assert "Social networks of older adults" in title_conflict[0].evidence[1]
    # Highwire wins for the values themselves.
    assert record.doi == "10.1177/0898264320922222"
    assert record.title == "Ageing and social participation in rural Ireland: evidence from TILDA"
    # JSON-LD says free, the file badge says restricted: the closed reading wins, flagged.
    assert record.access.status == "restricted"
    assert set(found["access_conflict"][0].evidence) == {"isAccessibleForFree=true", "Restricted Access"}
    assert record.id == "http://hdl.handle.net/2440/118532"
    assert record.format == "meta-tags"


def test_entity_mess_in_a_cp1252_page_without_charset() -> None:
    with pytest.warns(RecordParseWarning, match="windows-1252"):
        record = parse("entity-mess-cp1252.html")
    assert record.title == "Café society & the public sphere in 18th-century Vienna"
    assert [a.name for a in record.authors] == ["Müller, Jörg", "O’Brien, Siobhán", "Lefèvre, René"]
    assert record.journal == "Zeitschrift für Kulturgeschichte"
    assert record.abstract == (
        "The coffeehouse – not the salon – was Vienna’s “third place”, "
        "as Diemen’s Land settlers’ letters show."
    )
    assert record.date_published == "2012-11-05"
    assert (record.start_page, record.end_page) == ("77", "102")
    assert "encoding_guessed" in flags(record)


def test_german_page_with_embargo_until_a_localised_date() -> None:
    record = parse("german-embargo.html")
    assert (record.access.status, record.access.embargo_end) == ("embargoed", "2027-01-01")
    assert "Embargo bis 1. Januar 2027" in record.access.evidence
    assert record.type == "thesis"
    assert record.institution == "Universität Beispielstadt"
    assert record.language == "de"
    assert list(record.keywords) == ["Mikroplastik", "Sediment", "Elbe", "Ästuar"]
    assert record.id == "urn:nbn:de:gbv:99-opus-47110"
    assert record.date_deposited == "2024-06-12"
    found = flags(record)
    assert "embargoed" in found and "embargo_expired" not in found


def test_loose_sentence_between_tags_counts_and_sidebars_do_not() -> None:
    html = page(
        '<meta name="citation_title" content="Notes on the flora of R&#249;m">',
        "<aside><h3>Open Access</h3><p>All our journals are free to read.</p></aside>"
        "<div class='main'><p>MacLeod, M (1998) Notes on the flora of R\u00f9m.</p>"
        " Full text not available from this repository. <h2>Abstract</h2>"
        "<p>A checklist of vascular plants recorded on the island between 1990 and 1997, "
        "with notes on their habitats, abundance and the herbarium specimens that support them.</p></div>",
    )
    record = recordparse.parse(html, format="meta-tags")
    assert record.title == "Notes on the flora of R\u00f9m"
    assert record.access.status == "metadata_only"
    assert record.access.evidence == ("Full text not available from this repository",)


def test_accession_date_in_citation_date_gives_way_to_dcterms_issued() -> None:
    html = page(
        '<meta name="citation_title" content="Field notes">'
        '<meta name="citation_date" content="2015-06-01">'
        '<meta name="DCTERMS.dateAccepted" content="2015-06-01T10:22:31Z">'
        '<meta name="DCTERMS.issued" content="1987">'
    )
    record = recordparse.parse(html, format="meta-tags")
    assert record.date_published == "1987"
    assert record.date_deposited == "2015-06-01"
    assert "ambiguous_field" in flags(record)


def test_citation_keywords_drop_the_dspace_type() -> None:
    html = page(
        '<meta name="citation_title" content="A">'
        '<meta name="citation_keywords" content="Lake sediments; Article; Diatoms">'
        '<meta name="DC.type" content="Article">'
    )
    record = recordparse.parse(html, format="meta-tags")
    assert list(record.keywords) == ["Lake sediments", "Diatoms"]


def test_open_graph_is_a_last_resort() -> None:
    html = page(
        '<meta property="og:title" content="Tidal energy atlas | Example Repository">'
        '<meta name="DC.title" content="Tidal energy atlas">'
        '<meta property="og:type" content="article">'
    )
    record = recordparse.parse(html, format="meta-tags")
    assert record.title == "Tidal energy atlas"
    assert "value_conflict" not in flags(record)  # the site suffix is not a different title


def test_broken_json_ld_is_flagged_and_the_tags_still_count() -> None:
    html = page(
        '<meta name="DC.title" content="Wind atlas of Crete">'
        '<script type="application/ld+json">{"@type": "Dataset", "name": "Wind atlas",}</script>'
    )
    record = recordparse.parse(html, format="meta-tags")
    assert record.title == "Wind atlas of Crete"
    assert "invalid_json_ld" in flags(record)


def test_page_without_metadata_fails() -> None:
    (outcome,) = recordparse.read(page("<title></title>", "<p>Hello</p>"), format="meta-tags", errors="collect")
    assert isinstance(outcome, Failure)


def test_field_map_documents_the_priority() -> None:
    names = [n for n, field in MetaTagsParser.field_map.items() if field == "title"]
    assert names.index("citation_title") < names.index("dc.title") < names.index("ld:name") < names.index("og:title")


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [
        ("ojs-article.html", 0.3, 0.45),
        ("pure-dc-only.html", 0.3, 0.45),
        ("german-embargo.html", 0.3, 0.45),
        ("dataset-jsonld.html", 0.2, 0.2),
    ],
)
def test_sniff_scores_low_so_specific_parsers_win(name: str, low: float, high: float) -> None:
    score = MetaTagsParser().sniff((PAGES / name).read_bytes())
    assert low <= score <= high
    assert recordparse.detect(PAGES / name)[0].name == "meta-tags"


@pytest.mark.parametrize(
    "head",
    [b'{"title": "x"}', b'<?xml version="1.0"?><OAI-PMH><record/></OAI-PMH>', b"plain text", b""],
)
def test_sniff_is_zero_for_non_html(head: bytes) -> None:
    assert MetaTagsParser().sniff(head) == 0.0


@pytest.mark.parametrize(
    ("label", "csl"),
    [
        ("Journal Article", "article-journal"),
        ("Contribution to journal/Article", "article-journal"),
        ("doctoralThesis", "thesis"),
        ("info:eu-repo/semantics/bookPart", "chapter"),
        ("Conference Proceeding", "paper-conference"),
        ("Working Paper", "report"),
        ("Dataset", "dataset"),
        ("PeerReviewed", None),
        ("NonPeerReviewed", None),
        ("Text", None),
        ("", None),
    ],
)
def test_csl_type_for_label(label: str, csl: str | None) -> None:
    assert csl_type_for_label(label) == csl
