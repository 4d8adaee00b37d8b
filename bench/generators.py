"""Large, realistic inputs for every format family, generated on the fly (never committed).

Each generator writes ``n`` records into a directory and returns the path to read. The records are
varied and deterministic (a seeded :class:`random.Random`): real element order and namespaces, a
mix of languages and scripts, inverted and glued author names, HTML and ``&#13;`` in abstracts,
empty elements, ORCID ids, deleted OAI records, embargoed and restricted EPrints documents, as the
format notes in ``shared/formats`` describe them.
"""

from __future__ import annotations

import base64
import io
import json
import random
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

__all__ = ["FAMILIES", "Generated", "generate"]

_GIVEN = (
    "Anna", "Karen", "José", "María", "Wei", "Zhiliang", "Jonathan", "Elizabeth", "Shulin", "Søren",
    "Łukasz", "Ngozi", "Aiko", "Dmitri", "Fatma", "Kris Michael", "Ana Paula", "Jean-Pierre", "Hiroshi",
    "Olúwaségun", "Priya", "Mehmet", "Ingrid", "Paolo", "Thi Thu", "Alexandre", "Vanessa Esperanza",
)
_FAMILY = (
    "Jia", "Gill", "Cherubini", "Futterleib", "Oller-Arlandis", "Sanz-Valero", "Müller", "Nguyen",
    "García López", "Kowalski", "Okafor", "Tanaka", "Ivanov", "Yılmaz", "Andersen", "Rossi", "da Silva",
    "van der Berg", "O'Brien", "Chevalier", "Muçaj", "Ragoonanan", "Mahadeo", "Gorlick", "Shpal", "Li",
)
_WORDS = (
    "analysis", "clinical", "cohort", "immune", "therapy", "cytokine", "protein", "expression", "model",
    "regional", "education", "students", "climate", "water", "soil", "nitrogen", "policy", "health",
    "outcomes", "randomised", "trial", "review", "systematic", "evidence", "network", "learning",
    "prevalence", "factors", "associated", "children", "adults", "risk", "survey", "cross-sectional",
    "methods", "results", "conclusion", "significant", "data", "sample", "measurement", "effects",
    "tumor", "cells", "response", "treatment", "patients", "hospital", "rural", "urban", "economic",
    "development", "sustainable", "energy", "biomass", "catalyst", "synthesis", "spectroscopy",
    "estudio", "análisis", "saúde", "pacientes", "évaluation", "qualité", "Entwicklung", "Bildung",
)
_JOURNALS = (
    ("Frontiers in Immunology", "Frontiers Media S.A.", "1664-3224", None),
    ("Scientia Medica", "Pontifícia Universidade Católica do Rio Grande do Sul", "1806-5562", "1980-6108"),
    ("Cadernos de Saúde Pública", "Fundação Oswaldo Cruz", "0102-311X", "1678-4464"),
    ("Jounal of Negative and No Positive Results", "Asociación Para el Progreso de la Biomedicina", "2529-850X", "2529-850X"),
    ("PLoS ONE", "Public Library of Science (PLoS)", None, "1932-6203"),
    ("BMC Public Health", "BMC", None, "1471-2458"),
    ("Revista de Saúde Pública", "Universidade de São Paulo", "0034-8910", "1518-8787"),
    ("Sustainability", "MDPI AG", None, "2071-1050"),
)
_LANGS = (("eng", "EN", "English"), ("por", "PT", "Portuguese"), ("spa", "ES", "Spanish"), ("deu", "DE", "German"))
_SUBJECTS = (("LCC", "Medicine", "R"), ("LCC", "Public aspects of medicine", "RA1-1270"), ("LCC", "Science", "Q"),
             ("LCC", "Education", "L"), ("LCC", "Environmental sciences", "GE1-350"))
_HOSTS = ("https://www.frontiersin.org/articles/", "http://www.scielo.br/scielo.php?script=sci_arttext&pid=",
          "https://doi.org/", "https://journals.plos.org/plosone/article?id=")


class _Faker:
    """Deterministic record values with the quirks real harvests have."""

    def __init__(self, seed: int) -> None:
        self.r = random.Random(seed)

    def words(self, lo: int, hi: int) -> str:
        return " ".join(self.r.choice(_WORDS) for _ in range(self.r.randint(lo, hi)))

    def title(self) -> str:
        text = self.words(6, 16)
        text = text[0].upper() + text[1:]
        if self.r.random() < 0.05:
            text = f"<i>In vitro</i> {text}"
        return text

    def abstract(self) -> str:
        sentences = [self.words(10, 28).capitalize() + "." for _ in range(self.r.randint(4, 10))]
        if self.r.random() < 0.2:
            sentences[0] = "Aim: " + sentences[0]
            sentences[-1] = "Conclusion: " + sentences[-1]
        text = " ".join(sentences)
        if self.r.random() < 0.1:
            text = text.replace(". ", ".\r\n", 2)
        if self.r.random() < 0.05:
            text = "<p>" + text + "</p>"
        return text

    def person(self) -> tuple[str, str, str]:
        given, family = self.r.choice(_GIVEN), self.r.choice(_FAMILY)
        roll = self.r.random()
        if roll < 0.1:
            display = f"{family}, {given}"
        elif roll < 0.12:
            display = f"{given}{family}"
        else:
            display = f"{given}  {family}" if roll < 0.14 else f"{given} {family}"
        return display, given, family

    def orcid(self) -> str | None:
        if self.r.random() < 0.3:
            d = [self.r.randint(0, 9) for _ in range(15)]
            total = 0
            for digit in d:
                total = (total + digit) * 2
            check = (12 - total % 11) % 11
            s = "".join(map(str, d)) + ("X" if check == 10 else str(check))
            return f"https://orcid.org/{s[0:4]}-{s[4:8]}-{s[8:12]}-{s[12:16]}"
        return None

    def hexid(self) -> str:
        return f"{self.r.getrandbits(128):032x}"

    def doi(self) -> str:
        return f"10.{self.r.randint(1000, 99999)}/{self.r.choice(('fimmu', 'jonnpr', 'journal.pone', 'su'))}.{self.r.randint(2000, 2024)}.{self.r.randint(1, 999999)}"

    def date(self) -> tuple[int, int]:
        return self.r.randint(1995, 2024), self.r.randint(1, 12)

    def keywords(self) -> list[str]:
        out = [self.words(1, 3) for _ in range(self.r.randint(0, 6))]
        if out and self.r.random() < 0.1:
            out[-1] += ";"
        return out


class Generated:
    """What a generator wrote: the ``path`` to read, its record count and total bytes."""

    def __init__(self, path: Path, records: int, files: list[Path]) -> None:
        self.path = path
        self.records = records
        self.files = files

    @property
    def bytes(self) -> int:
        return sum(f.stat().st_size for f in self.files)


# --------------------------------------------------------------------------------------------
# OAI-PMH

_OAI_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">'
    "<responseDate>2024-05-02T10:11:12Z</responseDate>"
    '<request verb="ListRecords" metadataPrefix="{prefix}">https://doaj.org/oai.article</request><ListRecords>\n'
)
_OAI_TAIL = (
    '<resumptionToken completeListSize="{total}" cursor="0">{token}</resumptionToken></ListRecords></OAI-PMH>\n'
)


def _sets(f: _Faker) -> str:
    out = []
    for scheme, term, _ in f.r.sample(_SUBJECTS, f.r.randint(1, 3)):
        code = base64.urlsafe_b64encode(f"{scheme}:{term}".encode()).decode().replace("=", "~")
        out.append(f"<setSpec>{code}</setSpec>")
    return "".join(out)


def _e(tag: str, text: str | None, attrs: str = "") -> str:
    if text is None:
        return ""
    return f"<{tag}{attrs}>{escape(text)}</{tag}>"


def _oai_doaj_record(f: _Faker) -> str:
    ident = f.hexid()
    header = (
        '<header xmlns:oai_doaj="http://doaj.org/features/oai_doaj/1.0/">'
        f"<identifier>oai:doaj.org/article:{ident}</identifier>"
        f"<datestamp>{f.r.randint(2017, 2024)}-0{f.r.randint(1, 9)}-1{f.r.randint(0, 9)}T18:22:55Z</datestamp>{_sets(f)}</header>"
    )
    if f.r.random() < 0.01:
        return f'<record><header status="deleted">{header[header.index(">") + 1:-9]}</header></record>'
    journal, publisher, issn, eissn = f.r.choice(_JOURNALS)
    year, month = f.date()
    p = "oai_doaj:"
    parts = [
        _e(p + "language", f.r.choice(_LANGS)[0]) if f.r.random() < 0.7 else "",
        _e(p + "publisher", publisher),
        _e(p + "journalTitle", journal),
        _e(p + "issn", issn),
        _e(p + "eissn", eissn),
        _e(p + "publicationDate", f"{year}-{month:02d}-01"),
        _e(p + "volume", str(f.r.randint(1, 40))),
        _e(p + "issue", f.r.choice(("1", "2", "suppl1", "special issue"))) if f.r.random() < 0.8 else "",
    ]
    start = f.r.randint(1, 900)
    parts += [_e(p + "startPage", f"{start} " if f.r.random() < 0.05 else str(start)),
              _e(p + "endPage", str(start + f.r.randint(2, 20))), _e(p + "doi", f.doi())]
    if f.r.random() < 0.3:
        parts.append(_e(p + "publisherRecordId", str(f.r.randint(100000, 999999))))
    parts.append(_e(p + "title", f.title()))
    authors, affs = [], []
    for i in range(f.r.randint(1, 8)):
        name, _, _ = f.person()
        orcid = f.orcid()
        authors.append(
            f"<{p}author>{_e(p + 'name', name)}{_e(p + 'affiliationId', str(i))}{_e(p + 'orcid_id', orcid)}</{p}author>"
        )
        affs.append(f'<{p}affiliationName affiliationId="{i}">Department of {f.words(1, 3)}, University of {f.r.choice(_FAMILY)}</{p}affiliationName>')
    parts.append(f"<{p}authors>{''.join(authors)}</{p}authors><{p}affiliationsList>{''.join(affs)}</{p}affiliationsList>")
    parts.append(_e(p + "abstract", f.abstract()).replace("\r", "&#13;"))
    parts.append(f'<{p}fullTextUrl format="{f.r.choice(("pdf", "PDF", "HTML", "text/html"))}">{escape(f.r.choice(_HOSTS) + f.hexid()[:12])}</{p}fullTextUrl>')
    kws = f.keywords()
    if kws:
        parts.append(f"<{p}keywords>{''.join(_e(p + 'keyword', k) for k in kws)}</{p}keywords>")
    metadata = (
        '<metadata xmlns:oai_doaj="http://doaj.org/features/oai_doaj/1.0/"><oai_doaj:doajArticle '
        'xsi:schemaLocation="http://doaj.org/features/oai_doaj/1.0/ https://doaj.org/static/doaj/doajArticles.xsd">'
        + "".join(parts) + "</oai_doaj:doajArticle></metadata>"
    )
    return f"<record>{header}{metadata}</record>"


def _oai_dc_record(f: _Faker) -> str:
    ident = f.hexid()
    header = (
        "<header>"
        f"<identifier>oai:doaj.org/article:{ident}</identifier>"
        f"<datestamp>{f.r.randint(2013, 2024)}-12-10T02:01:04Z</datestamp>{_sets(f)}</header>"
    )
    journal, publisher, issn, eissn = f.r.choice(_JOURNALS)
    year, month = f.date()
    doi = f.doi()
    parts = [_e("dc:title", f.title())]
    parts += [_e("dc:identifier", x) for x in (issn, eissn, doi) if x]
    parts.append(_e("dc:identifier", f"https://doaj.org/article/{ident}"))
    parts.append(_e("dc:date", f"{year}-{month:02d}-01T00:00:00Z"))
    parts.append(_e("dc:relation", f.r.choice(_HOSTS) + ident[:12]))
    parts += [_e("dc:relation", f"https://doaj.org/toc/{x}") for x in (issn, eissn) if x]
    parts.append(_e("dc:description", f.abstract()))
    for _ in range(f.r.randint(1, 8)):
        name, _, _ = f.person()
        orcid = f.orcid()
        parts.append(_e("dc:creator", name, f" id={quoteattr(orcid)}" if orcid else ""))
    parts.append(_e("dc:publisher", publisher))
    parts.append(_e("dc:type", "article"))
    parts += [_e("dc:subject", k) for k in f.keywords()]
    _scheme, term, code = f.r.choice(_SUBJECTS)
    parts.append(_e("dc:subject", term, ' xsi:type="dcterms:LCC"') + _e("dc:subject", code, ' xsi:type="dcterms:LCC"'))
    parts.append(_e("dc:language", f.r.choice(_LANGS)[1]))
    start = f.r.randint(1, 900)
    parts.append(_e("dc:source", f"{journal}, Vol {f.r.randint(1, 40)}, Iss {f.r.randint(1, 12)}, Pp {start}-{start + 9} ({year})"))
    metadata = (
        '<metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">'
        + "".join(parts) + "</oai_dc:dc></metadata>"
    )
    return f"<record>{header}{metadata}</record>"


def _oai(prefix: str, make: Callable[[_Faker], str]) -> Callable[[Path, int, int], Generated]:
    def generate_oai(directory: Path, n: int, seed: int) -> Generated:
        f = _Faker(seed)
        path = directory / f"listrecords-{prefix}.xml"
        with path.open("w", encoding="utf-8") as out:
            out.write(_OAI_HEAD.format(prefix=prefix))
            for _ in range(n):
                out.write(make(f))
                out.write("\n")
            out.write(_OAI_TAIL.format(total=n, token=""))
        return Generated(path, n, [path])

    return generate_oai


def oai_pages(directory: Path, n: int, seed: int, per_page: int = 100) -> Generated:
    """A harvest folder: ``n`` oai_doaj records as ListRecords pages chained by resumptionTokens."""
    f = _Faker(seed)
    folder = directory / "oai-pages"
    folder.mkdir(exist_ok=True)
    files = []
    token: str | None = None
    for page, first in enumerate(range(0, n, per_page)):
        path = folder / f"page-{page:05d}.xml"
        head = _OAI_HEAD.format(prefix="oai_doaj")
        if token:
            head = head.replace('metadataPrefix="oai_doaj">', f'resumptionToken="{token}">')
        count = min(per_page, n - first)
        last = first + count >= n
        token = "" if last else f"{page + 1}:{f.hexid()[:16]}"
        with path.open("w", encoding="utf-8") as out:
            out.write(head)
            for _ in range(count):
                out.write(_oai_doaj_record(f))
                out.write("\n")
            out.write(_OAI_TAIL.format(total=n, token=token))
        files.append(path)
    return Generated(folder, n, files)


# --------------------------------------------------------------------------------------------
# DOAJ JSON

def _doaj_article(f: _Faker) -> dict[str, object]:
    journal, publisher, issn, eissn = f.r.choice(_JOURNALS)
    year, month = f.date()
    ident = f.hexid()
    identifiers = [{"type": t, "id": v} for t, v in (("pissn", issn), ("eissn", eissn), ("doi", f.doi())) if v]
    authors = []
    for _ in range(f.r.randint(1, 8)):
        name, _, _ = f.person()
        author: dict[str, str] = {"name": name, "affiliation": f"University of {f.r.choice(_FAMILY)}"}
        orcid = f.orcid()
        if orcid:
            author["orcid_id"] = orcid
        authors.append(author)
    lang = f.r.choice(_LANGS)
    start = f.r.randint(1, 900)
    bibjson: dict[str, object] = {
        "title": f.title(),
        "abstract": f.abstract(),
        "year": str(year) if f.r.random() < 0.95 else str(year)[2:],
        "month": f.r.choice((str(month), f"{month:02d}", "March", "November", "0")),
        "start_page": str(start),
        "end_page": str(start + f.r.randint(2, 20)),
        "identifier": identifiers,
        "author": authors,
        "journal": {
            "title": journal + (" " if f.r.random() < 0.05 else ""),
            "publisher": publisher,
            "volume": str(f.r.randint(1, 40)),
            "number": str(f.r.randint(1, 12)),
            "country": f.r.choice(("BR", "CH", "ES", "US", "GB")),
            "language": [lang[1]],
            "issns": [x for x in (issn, eissn) if x],
        },
        "keywords": f.keywords(),
        "link": [{"type": "fulltext", "url": f.r.choice(_HOSTS) + ident[:12], "content_type": f.r.choice(("PDF", "HTML"))}],
        "subject": [{"scheme": s, "term": t, "code": c} for s, t, c in f.r.sample(_SUBJECTS, 2)],
    }
    return {
        "id": ident,
        "created_date": f"{year}-0{f.r.randint(1, 9)}-02T16:00:11Z",
        "last_updated": "2024-03-21T17:27:46Z",
        "bibjson": bibjson,
        "admin": {"ticked": f.r.random() < 0.5, "seal": False},
    }


def doaj_dump(directory: Path, n: int, seed: int, batch: int = 10_000) -> Generated:
    """The DOAJ public data dump: a ``.tar.gz`` of ``article_batch_N.json`` arrays (``,\\n``-joined)."""
    f = _Faker(seed)
    path = directory / "doaj_article_data_2024-05-01.tar.gz"
    with tarfile.open(path, "w:gz", compresslevel=6) as archive:
        for number, first in enumerate(range(0, n, batch), start=1):
            count = min(batch, n - first)
            body = "[" + ",\n".join(json.dumps(_doaj_article(f), ensure_ascii=False) for _ in range(count)) + "]"
            data = body.encode("utf-8")
            info = tarfile.TarInfo(f"doaj_article_data_2024-05-01/article_batch_{number}.json")
            info.size = len(data)
            info.mtime = 1714521600
            archive.addfile(info, io.BytesIO(data))
    return Generated(path, n, [path])


def doaj_batch(directory: Path, n: int, seed: int) -> Generated:
    """One uncompressed ``article_batch_1.json`` array of ``n`` articles."""
    f = _Faker(seed)
    path = directory / "article_batch_1.json"
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for i in range(n):
            if i:
                out.write(",\n")
            out.write(json.dumps(_doaj_article(f), ensure_ascii=False))
        out.write("]")
    return Generated(path, n, [path])


# --------------------------------------------------------------------------------------------
# VuFind

def _solr_doc(f: _Faker) -> dict[str, object]:
    art = _doaj_article(f)
    bib: dict[str, object] = art["bibjson"]  # type: ignore[assignment]
    journal: dict[str, object] = bib["journal"]  # type: ignore[assignment]
    authors = [a["name"] for a in bib["author"]]  # type: ignore[attr-defined]
    title = str(bib["title"])
    ident = f"doaj.art-{art['id']}"
    year, month = f.date()
    date = f"{year}-{month:02d}-01"
    spelling = ident + "2022-12-22T03:17:02Z" + "eng" + str(journal["publisher"]) + str(journal["title"]) + title
    doc: dict[str, object] = {
        "_version_": f.r.getrandbits(60),
        "author": authors,
        "author_facet": authors,
        "author_sort": authors[0],
        "collection": ["DOAJ"],
        "description": bib["abstract"],
        "first_indexed": "2024-04-12T20:54:01Z",
        "format": ["Article"],
        "id": ident,
        "institution": ["Directory Open Access Journal"],
        "issn": journal["issns"],
        "language": [f.r.choice(_LANGS)[2]],
        "last_indexed": "2024-04-12T20:54:01Z",
        "publishDate": [date],
        "publisher": [journal["publisher"]],
        "record_format": "Article",
        "series": [journal["title"]],
        "spelling": spelling,
        "title": title,
        "title_full": title,
        "title_short": title,
        "title_sort": title.lower(),
        "topic": bib["keywords"],
        "topic_facet": bib["keywords"],
        "url": [link["url"] for link in bib["link"]],  # type: ignore[attr-defined]
        "work_keys_str_mv": [f"AT {a.lower().replace(' ', '')} {title.lower().replace(' ', '')[:60]}" for a in authors],
    }
    return doc


def solr_json(directory: Path, n: int, seed: int) -> Generated:
    """A VuFind Solr select response (``wt=json``) with ``n`` documents built as doaj.xsl does."""
    f = _Faker(seed)
    path = directory / "select.json"
    with path.open("w", encoding="utf-8") as out:
        header = {"status": 0, "QTime": 12, "params": {"q": "*:*", "wt": "json", "rows": str(n)}}
        out.write(f'{{"responseHeader":{json.dumps(header, separators=(",", ":"))},')
        out.write(f'"response":{{"numFound":{n},"start":0,"numFoundExact":true,"docs":[\n')
        for i in range(n):
            if i:
                out.write(",\n")
            out.write(json.dumps(_solr_doc(f), ensure_ascii=False))
        out.write("]}}\n")
    return Generated(path, n, [path])


def _text_page(f: _Faker) -> str:
    doc = _solr_doc(f)
    title = str(doc["title"])
    abstract = str(doc["description"])
    teaser = abstract if len(abstract) <= 300 else abstract[:300].strip() + "..."
    authors: list[str] = doc["author"]  # type: ignore[assignment]
    lines = [title, "", teaser, ""]
    if len(abstract) > 300:
        lines += ["Full description", ""]
    lines += [
        "Bibliographic Details",
        f"Main Authors: {', '.join(authors)}" if len(authors) > 1 else f"Main Author: {authors[0]}",
        "Format: Article",
        f"Language:{doc['language'][0]}",  # type: ignore[index]
        f"Published: {doc['publisher'][0]} {doc['publishDate'][0]}",  # type: ignore[index]
        f"Series:{doc['series'][0]}",  # type: ignore[index]
        "Subjects:",
        f"Online Access:{doc['url'][0]}",  # type: ignore[index]
    ]
    for name in sorted(doc):
        value = doc[name]
        values = value if isinstance(value, list) else [value]
        values = [str(v) for v in values] or [""]
        lines.append(f"{name} {values[0]}")
        lines.extend(values[1:])
    return "\n".join(lines)


def vufind_text(directory: Path, n: int, seed: int) -> Generated:
    """A VuFind record text dump: ``n`` record pages (public view + Staff View) one after another,
    separated by blank lines."""
    f = _Faker(seed)
    path = directory / "vufind-records.txt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            if i:
                out.write("\n\n\n")
            out.write(_text_page(f))
        out.write("\n")
    return Generated(path, n, [path])


# --------------------------------------------------------------------------------------------
# Repository pages and EPrints

def _page(f: _Faker, number: int) -> str:
    title = f.title().replace("<i>", "").replace("</i>", "")
    year, month = f.date()
    journal, publisher, issn, eissn = f.r.choice(_JOURNALS)
    people = [f.person() for _ in range(f.r.randint(1, 6))]
    doi = f.doi()
    abstract = f.abstract().replace("<p>", "").replace("</p>", "")
    restricted = f.r.random() < 0.3
    metas = [
        f'<meta name="eprints.eprintid" content="{number}" />',
        '<meta name="eprints.type" content="article" />',
        f'<meta name="eprints.full_text_status" content="{"restricted" if restricted else "public"}" />',
        f'<meta name="citation_title" content={quoteattr(title)} />',
    ]
    metas += [f'<meta name="citation_author" content={quoteattr(fam + ", " + giv)} />' for _, giv, fam in people]
    metas += [
        f'<meta name="citation_publication_date" content="{year}/{month:02d}" />',
        f'<meta name="citation_online_date" content="{year}/{month:02d}/15" />',
        f'<meta name="citation_journal_title" content={quoteattr(journal)} />',
        f'<meta name="citation_issn" content="{issn or eissn}" />',
        f'<meta name="citation_volume" content="{f.r.randint(1, 40)}" />',
        f'<meta name="citation_firstpage" content="{f.r.randint(1, 300)}" />',
        f'<meta name="citation_doi" content="{doi}" />',
        f'<meta name="citation_pdf_url" content="https://eprints.example.ac.uk/{number}/1/paper.pdf" />',
        f'<meta name="citation_abstract_html_url" content="https://eprints.example.ac.uk/{number}/" />',
        '<meta name="citation_language" content="en" />',
        f'<meta name="DC.title" content={quoteattr(title)} />',
        f'<meta name="DC.description" content={quoteattr(abstract)} />',
        f'<meta name="DC.publisher" content={quoteattr(publisher)} />',
        '<meta name="DC.type" content="Article" /><meta name="DC.type" content="PeerReviewed" />',
        f'<meta name="DC.identifier" content={quoteattr(f"{people[0][2]}, {people[0][1]} ({year}) {title}. {journal}.")} />',
    ]
    access = (
        f"<p>Restricted to Repository staff only until {f.r.randint(1, 28)} February {year + 3}.</p>"
        if restricted
        else '<p><a href="paper.pdf">Download (382kB)</a> | Preview</p>'
    )
    # The bulk of a real repository page: navigation, scripts, styles and a long metadata table.
    nav = "".join(f'<li><a href="/view/subjects/{i}.html">{f.words(1, 3)}</a></li>' for i in range(330))
    table = "".join(f"<tr><th>{f.words(1, 2)}:</th><td>{escape(f.words(3, 12))}</td></tr>" for _ in range(160))
    script = "<script>var ep = {" + ",".join(f'"k{i}": "{f.words(2, 4)}"' for i in range(420)) + "};</script>"
    return (
        '<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head>'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />'
        f"<title>{escape(title)} - Example ePrints</title>{''.join(metas)}"
        '<link rel="stylesheet" href="/style/auto.css" />' + script + "</head><body>"
        f'<div id="header"><ul class="nav">{nav}</ul></div><div class="ep_summary_content">'
        f"<h1>{escape(title)}</h1><p>{escape(', '.join(p[0] for p in people))} ({year}) <em>{escape(title)}.</em> "
        f"{escape(journal)}.</p>{access}<h2>Abstract</h2><p>{escape(abstract)}</p>"
        f'<table class="ep_block">{table}<tr><th>URI:</th><td>https://eprints.example.ac.uk/{number}</td></tr></table>'
        "</div></body></html>\n"
    )


def pages(directory: Path, n: int, seed: int) -> Generated:
    """``n`` repository abstract pages (EPrints style, about 60 KB each), one file each."""
    f = _Faker(seed)
    folder = directory / "pages"
    folder.mkdir(exist_ok=True)
    files = []
    for i in range(n):
        path = folder / f"page-{i:06d}.html"
        path.write_text(_page(f, 100000 + i), encoding="utf-8")
        files.append(path)
    return Generated(folder, n, files)


def _ep3(f: _Faker, number: int) -> str:
    year, month = f.date()
    journal, publisher, issn, eissn = f.r.choice(_JOURNALS)
    base = f"https://authors.example.edu/id/eprint/{number}"
    creators = "".join(
        f"<item><name><family>{escape(fam)}</family><given>{escape(giv)}</given></name>"
        f"<id>{escape(fam)}-{escape(giv)}</id>{_e('orcid', (f.orcid() or '')[18:] or None)}</item>"
        for _, giv, fam in (f.person() for _ in range(f.r.randint(1, 8)))
    )
    docs = []
    roll = f.r.random()
    for pos in (1, 2):
        docid = f.r.randint(100000, 999999)
        if pos == 1:
            security = "public" if roll < 0.6 else ("staffonly" if roll < 0.8 else "validuser")
            embargo = _e("date_embargo", f"{year + 2}-0{f.r.randint(1, 9)}-01") if roll >= 0.8 else ""
            extra = f"<content>{f.r.choice(('published', 'accepted', 'submitted'))}</content>{embargo}"
            filename, mime = "paper.pdf", "application/pdf"
        else:
            security, extra, filename, mime = "public", (
                "<relation><item><type>http://eprints.org/relation/isVolatileVersionOf</type>"
                f"<uri>https://authors.example.edu/id/document/{docid - 1}</uri></item><item>"
                "<type>http://eprints.org/relation/isIndexCodesVersionOf</type>"
                f"<uri>https://authors.example.edu/id/document/{docid - 1}</uri></item></relation>"
            ), "indexcodes.txt", "text/plain"
        docs.append(
            f"\n      <document id='https://authors.example.edu/id/document/{docid}'><docid>{docid}</docid>"
            f"<rev_number>{f.r.randint(1, 5)}</rev_number><files><file id='https://authors.example.edu/id/file/{docid * 3}'>"
            f"<fileid>{docid * 3}</fileid><datasetid>document</datasetid><objectid>{docid}</objectid>"
            f"<filename>{filename}</filename><mime_type>{mime}</mime_type><hash>{f.hexid()}</hash><hash_type>MD5</hash_type>"
            f"<filesize>{f.r.randint(1000, 5000000)}</filesize><mtime>2021-01-22 15:38:42</mtime>"
            f"<url>https://authors.example.edu/{number}/{pos}/{filename}</url></file></files><eprintid>{number}</eprintid>"
            f"<pos>{pos}</pos><placement>{pos}</placement><mime_type>{mime}</mime_type><format>{mime}</format>"
            f"<language>en</language><security>{security}</security><license>other</license><main>{filename}</main>{extra}</document>"
        )
    kws = f.keywords()
    doi = f.doi()
    fields = [
        f"<eprintid>{number}</eprintid>", f"<rev_number>{f.r.randint(5, 40)}</rev_number>",
        f"<documents>{''.join(docs)}\n    </documents>",
        "<eprint_status>archive</eprint_status>", f"<userid>{f.r.randint(1, 900)}</userid>",
        f"<dir>disk0/00/{number:08d}</dir>", f"<datestamp>{year}-{month:02d}-10 00:32:45</datestamp>",
        f"<lastmod>2023-0{f.r.randint(1, 9)}-11 17:45:51</lastmod>", "<type>article</type>",
        "<metadata_visibility>show</metadata_visibility>", f"<creators>{creators}</creators>",
        _e("title", f.title()), "<ispublished>pub</ispublished>", _e("full_text_status", "public" if roll < 0.6 else "restricted"),
        _e("keywords", "; ".join(kws) if kws else None), _e("note", f.words(5, 20) if f.r.random() < 0.3 else None),
        _e("abstract", f.abstract()), f"<date>{year}-{month:02d}</date>", "<date_type>published</date_type>",
        _e("publication", journal), _e("volume", str(f.r.randint(1, 40))), _e("number", str(f.r.randint(1, 12))),
        _e("pagerange", f"Art. No. {f.r.randint(100000, 999999)}" if f.r.random() < 0.2 else f"{f.r.randint(1, 200)}-{f.r.randint(201, 400)}"),
        _e("publisher", publisher), _e("issn", issn or eissn), "<refereed>TRUE</refereed>",
        f"<related_url><item><url>https://doi.org/{escape(doi)}</url><type>doi</type></item></related_url>",
        _e("doi", doi), f"<official_url>{base}</official_url>",
    ]
    return f"  <eprint id='{base}'>\n    " + "\n    ".join(x for x in fields if x) + "\n  </eprint>\n"


def ep3(directory: Path, n: int, seed: int) -> Generated:
    """An EP3 XML export of ``n`` eprints (documents with security, embargoes, derived files)."""
    f = _Faker(seed)
    path = directory / "export-ep3.xml"
    with path.open("w", encoding="utf-8") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n<eprints xmlns='http://eprints.org/ep2/data/2.0'>\n")
        for i in range(n):
            out.write(_ep3(f, 100000 + i))
        out.write("</eprints>\n")
    return Generated(path, n, [path])


#: family name -> (generator, record scale: generated records = size * scale)
FAMILIES: dict[str, tuple[Callable[[Path, int, int], Generated], float]] = {
    "oai_doaj": (_oai("oai_doaj", _oai_doaj_record), 1.0),
    "oai_dc": (_oai("oai_dc", _oai_dc_record), 1.0),
    "oai_pages": (oai_pages, 1.0),
    "doaj_dump": (doaj_dump, 1.0),
    "doaj_batch": (doaj_batch, 1.0),
    "solr_json": (solr_json, 1.0),
    "vufind_text": (vufind_text, 1.0),
    "pages": (pages, 0.02),
    "ep3": (ep3, 0.5),
}


def generate(family: str, directory: Path, size: int, seed: int = 6) -> Generated:
    """Write ``family`` inputs for about ``size`` records (scaled per family) into ``directory``."""
    make, scale = FAMILIES[family]
    return make(directory, max(1, int(size * scale)), seed)


def iter_families() -> Iterator[str]:
    return iter(FAMILIES)
