"""Multi-record inputs stream: memory does not grow with the number of records.

Each format of the DOAJ / VuFind family gets a generated input of 50,000 records (written to a
temporary file, never committed), parsed in a child process whose peak resident memory above
its own baseline is compared with the same for 5,000 records.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SMALL, LARGE = 5_000, 50_000


def _oai(n: int) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>\n'
    for i in range(n):
        yield (
            f'<record><header><identifier>oai:doaj.org/article:{i:032x}</identifier><datestamp>2020-01-01T00:00:00Z</datestamp></header>'
            '<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>Title {i}</dc:title><dc:creator>Author {i}</dc:creator><dc:identifier>10.1234/x.{i}</dc:identifier>"
            "<dc:date>2020-01-01T00:00:00Z</dc:date><dc:language>EN</dc:language></oai_dc:dc></metadata></record>\n"
        )
    yield "</ListRecords></OAI-PMH>\n"


def _doaj_batch(n: int) -> Iterator[str]:
    yield "["
    for i in range(n):
        rec = {"id": f"{i:032x}", "bibjson": {"title": f"Title {i}", "year": "2020", "month": "3", "author": [{"name": f"Author {i}"}],
                                            "identifier": [{"type": "doi", "id": f"10.1234/x.{i}"}], "journal": {"title": "J", "language": ["EN"]}}}
        yield ("" if i == 0 else ",\n") + json.dumps(rec)
    yield "]"


def _solr_json(n: int) -> Iterator[str]:
    yield f'{{"responseHeader":{{"status":0,"QTime":1}},"response":{{"numFound":{n},"start":0,"docs":['
    for i in range(n):
        doc = {"id": f"rec{i}", "title": f"Title {i}", "author": [f"Author {i}"], "format": ["Book"], "publishDate": ["1999"]}
        yield ("" if i == 0 else ",\n") + json.dumps(doc)
    yield "]}}"


def _solr_xml(n: int) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<response><result name="response" numFound="{n}" start="0">\n'
    for i in range(n):
        yield f'<doc><str name="id">rec{i}</str><str name="title">Title {i}</str><arr name="author"><str>Author {i}</str></arr><arr name="format"><str>Book</str></arr></doc>\n'
    yield "</result></response>\n"


def _vufind_text(n: int) -> Iterator[str]:
    for i in range(n):
        yield (
            f"Title number {i}\n\nBibliographic Details\nMain Author: Author {i}\nFormat: Book\nLanguage: English\nPublished: Publisher 1999\n\n"
            f"_version_ {1000 + i}\nauthor Author {i}\nformat Book\nid rec{i}\nlanguage English\npublishDate 1999\ntitle Title number {i}\n\n"
        )


def _doaj_upload(n: int) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<records>\n'
    for i in range(n):
        yield (f"<record><language>eng</language><journalTitle>J</journalTitle><publicationDate>2020-01-01</publicationDate>"
               f"<title language=\"eng\">Title {i}</title><fullTextUrl format=\"html\">http://example.org/{i}</fullTextUrl></record>\n")
    yield "</records>\n"


FORMATS: dict[str, Callable[[int], Iterator[str]]] = {
    "oai-pmh": _oai,
    "doaj-json": _doaj_batch,
    "vufind-solr-json": _solr_json,
    "vufind-solr-xml": _solr_xml,
    "vufind-text": _vufind_text,
    "doaj-xml": _doaj_upload,
}

_CHILD = textwrap.dedent(
    """
    import resource, sys
    import recordparse
    from recordparse.registry import default_registry
    default_registry().get(sys.argv[2])  # import the parser before the baseline
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    n = sum(1 for r in recordparse.read(sys.argv[1], sys.argv[2], errors="collect") if isinstance(r, recordparse.Record))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(n, (peak - base) * 1024)
    """
)


def _grow(path: Path, fmt: str) -> tuple[int, int]:
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path), fmt], capture_output=True, text=True, check=True, timeout=300)
    n, grown = out.stdout.split()
    return int(n), int(grown)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_memory_is_flat_in_the_number_of_records(tmp_path: Path, fmt: str) -> None:
    results = {}
    for n in (SMALL, LARGE):
        path = tmp_path / f"{fmt}-{n}.dat"
        with path.open("w", encoding="utf-8") as handle:
            handle.writelines(FORMATS[fmt](n))
        results[n] = _grow(path, fmt)
        assert results[n][0] == n, f"{fmt}: {results[n][0]} of {n} records read"
    small, large = results[SMALL][1], results[LARGE][1]
    mib = 1024 * 1024
    # ten times the records may not cost more than a few MiB more (allocator noise), and never 64 MiB
    assert large < small + 8 * mib, f"{fmt}: {small / mib:.1f} MiB for {SMALL}, {large / mib:.1f} MiB for {LARGE}"
    assert large < 64 * mib
