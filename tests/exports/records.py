"""Records shared by the export tests: built by hand with the quirks exports must survive
(commas, quotes, line breaks and non-ASCII text in values, organisations among authors, a
year-only date, an article number, a permanent embargo, an empty record)."""

from __future__ import annotations

from recordparse import Access, Person, Position, Record

ARTICLE = Record(
    format="oai-pmh",
    id="oai:eprints.example.ac.uk:4411",
    type="article-journal",
    title='Soil moisture under grazing: "a five-year plot study", revisited',
    abstract="We measured soil moisture at 64 plots.\nGrazed and ungrazed meadows differ.",
    authors=[
        Person("Huber, Anna", given="Anna", family="Huber", affiliations=("Universität Innsbruck",), orcid="https://orcid.org/0000-0002-1825-0097"),
        Person("Keller, Tom", given="Tom", family="Keller", affiliations=("Universität Innsbruck", "ETH Zürich")),
        Person("Alpine Monitoring Network"),
    ],
    date_published="2021-03",
    date_deposited="2021-04-02",
    publisher="Alpine Press",
    journal="Alpine Ecology",
    issns=("1234-5679", "2345-6781"),
    volume="12",
    issue="3",
    start_page="201",
    end_page="219",
    doi="10.5281/zenodo.3547712",
    urls=("https://eprints.example.ac.uk/4411/", "https://doi.org/10.5281/zenodo.3547712"),
    keywords=("soil moisture", "grazing"),
    subjects=("QH301 Biology",),
    language="en",
    access=Access("embargoed", "2027-06-30", ("Full text embargoed until 30 June 2027", "info:eu-repo/semantics/embargoedAccess")),
    license="CC-BY-4.0",
    extra={"type": "Article", "refereed": "TRUE", "_flags": [{"code": "ambiguous_field", "severity": "info", "message": "m", "evidence": ["a"], "field": "title"}]},
    position=Position("harvest/page-001.xml", 7, 212, 40960),
)

THESIS = Record(
    format="eprints-xml",
    id="4412",
    type="thesis",
    title="Sediment budgets of the Guadalfeo delta",
    authors=[Person("García López, María José", given="María José", family="García López")],
    date_published="2019",
    institution="Universidad de Granada",
    access=Access("restricted", "permanent", ("File(s) under permanent embargo",)),
)

REPORT = Record(
    format="figshare-api",
    id="21754",
    type="Poster",  # not a CSL type
    title="Fire safety audit",
    article_number="e0213",
    date_published="2018-11-05",
)

EMPTY = Record(format="meta-tags")

ALL = (ARTICLE, THESIS, REPORT, EMPTY)
