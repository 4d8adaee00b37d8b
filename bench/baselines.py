"""The baselines recordparse is measured against, each extracting the same fields by hand.

- XML: ``lxml.etree.iterparse`` over the file with a ``tag`` filter, reading the fields of each
  record and then clearing it and its preceding siblings (the bounded-memory idiom);
- JSON: a streaming stdlib reader (``json.JSONDecoder.raw_decode`` over a sliding text buffer,
  the same approach as ``recordparse.jsonstream``) that walks to the array and reads each item's
  fields;
- pages: a bare ``lxml.html.document_fromstring`` of each page, nothing extracted;
- OAI-PMH: Sickle's record parsing (``sickle.models.Record`` on each ``<record>`` element).

Each function takes a path and returns the number of records it read.
"""

from __future__ import annotations

import codecs
import json
import os
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree
from lxml import html as lxml_html

OAI = "{http://www.openarchives.org/OAI/2.0/}"
DOAJ = "{http://doaj.org/features/oai_doaj/1.0/}"
DC = "{http://purl.org/dc/elements/1.1/}"
EP = "{http://eprints.org/ep2/data/2.0}"


def _text(el: Any) -> str | None:
    """The element's whole text, whitespace-normalised: the value recordparse reads."""
    if el is None:
        return None
    text = el.text if len(el) == 0 else "".join(el.itertext())
    return " ".join(text.split()) or None if text else None


def _texts(parent: Any, path: str) -> list[str]:
    return [t for t in (_text(e) for e in parent.iterfind(path)) if t]


def _iter_records(path: Path, tag: str) -> Iterator[Any]:
    with path.open("rb") as handle:
        for _, el in etree.iterparse(handle, events=("end",), tag=tag, resolve_entities=False, no_network=True):
            yield el
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]


def _header(rec: Any) -> dict[str, Any]:
    header = rec.find(OAI + "header")
    return {
        "id": _text(header.find(OAI + "identifier")),
        "datestamp": _text(header.find(OAI + "datestamp")),
        "sets": _texts(header, OAI + "setSpec"),
        "deleted": header.get("status") == "deleted",
    }


def iterparse_oai_doaj(path: Path) -> int:
    n = 0
    for rec in _iter_records(path, OAI + "record"):
        out = _header(rec)
        art = rec.find(f"{OAI}metadata/{DOAJ}doajArticle")
        if art is not None:
            for name in ("language", "publisher", "journalTitle", "issn", "eissn", "publicationDate", "volume",
                         "issue", "startPage", "endPage", "doi", "publisherRecordId", "title", "abstract"):
                out[name] = _text(art.find(DOAJ + name))
            affs = {a.get("affiliationId"): _text(a) for a in art.iterfind(f"{DOAJ}affiliationsList/{DOAJ}affiliationName")}
            out["authors"] = [
                {"name": _text(a.find(DOAJ + "name")), "orcid": _text(a.find(DOAJ + "orcid_id")),
                 "affiliation": affs.get(_text(a.find(DOAJ + "affiliationId")))}
                for a in art.iterfind(f"{DOAJ}authors/{DOAJ}author")
            ]
            out["urls"] = _texts(art, DOAJ + "fullTextUrl")
            out["keywords"] = _texts(art, f"{DOAJ}keywords/{DOAJ}keyword")
        n += 1
    return n


def iterparse_oai_dc(path: Path) -> int:
    n = 0
    for rec in _iter_records(path, OAI + "record"):
        out = _header(rec)
        dc = rec.find(f"{OAI}metadata/{{http://www.openarchives.org/OAI/2.0/oai_dc/}}dc")
        if dc is not None:
            for name in ("title", "identifier", "date", "relation", "description", "creator", "publisher", "type",
                         "subject", "language", "source"):
                out[name] = _texts(dc, DC + name)
            out["orcids"] = [c.get("id") for c in dc.iterfind(DC + "creator")]
        n += 1
    return n


def iterparse_ep3(path: Path) -> int:
    n = 0
    for rec in _iter_records(path, EP + "eprint"):
        out: dict[str, Any] = {"uri": rec.get("id")}
        for name in ("eprintid", "type", "title", "abstract", "date", "date_type", "publication", "volume", "number",
                     "pagerange", "publisher", "issn", "doi", "full_text_status", "keywords", "datestamp", "official_url"):
            out[name] = _text(rec.find(EP + name))
        out["creators"] = [
            {"family": _text(i.find(f"{EP}name/{EP}family")), "given": _text(i.find(f"{EP}name/{EP}given")),
             "orcid": _text(i.find(EP + "orcid"))}
            for i in rec.iterfind(f"{EP}creators/{EP}item")
        ]
        out["documents"] = [
            {"security": _text(d.find(EP + "security")), "content": _text(d.find(EP + "content")),
             "embargo": _text(d.find(EP + "date_embargo")), "url": _text(d.find(f"{EP}files/{EP}file/{EP}url"))}
            for d in rec.iterfind(f"{EP}documents/{EP}document")
        ]
        n += 1
    return n


def sickle_oai(path: Path) -> int:
    """Sickle's parsing of each record (its ``Record`` model: header plus metadata dict)."""
    from sickle.models import Record as SickleRecord

    n = 0
    for rec in _iter_records(path, OAI + "record"):
        parsed = SickleRecord(rec)
        _ = parsed.header.identifier, None if parsed.deleted else parsed.metadata
        n += 1
    return n


# --------------------------------------------------------------------------------------------
# JSON

_DECODER = json.JSONDecoder()


def _stream_items(handle: IO[str], path: tuple[str, ...]) -> Iterator[Any]:
    """Items of the array at ``path`` (keys of nested objects), decoded one at a time."""
    buf = handle.read(1 << 20)
    pos = 0

    def fill() -> bool:
        nonlocal buf, pos
        more = handle.read(1 << 20)
        if not more:
            return False
        buf = buf[pos:] + more
        pos = 0
        return True

    def skip() -> str:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n,:":
                pos += 1
            if pos < len(buf):
                return buf[pos]
            if not fill():
                return ""

    def value() -> Any:
        nonlocal pos
        skip()
        while True:
            try:
                item, end = _DECODER.raw_decode(buf, pos)
            except json.JSONDecodeError:
                if not fill():
                    raise
                continue
            pos = end
            return item

    for key in path:  # walk into {"key": ... {"key": [
        if skip() != "{":
            raise ValueError("no object")
        pos += 1
        while True:
            if skip() in ("}", ""):
                raise ValueError(f"no key {key!r}")
            name = value()
            if name == key:
                break
            value()
    if skip() != "[":
        raise ValueError("no array")
    pos += 1
    while True:
        c = skip()
        if c in ("]", ""):
            return
        yield value()
        if pos > 1 << 20:
            buf, pos = buf[pos:], 0


def _doaj_fields(art: dict[str, Any]) -> dict[str, Any]:
    bib = art.get("bibjson", {})
    journal = bib.get("journal", {})
    ids = {i.get("type"): i.get("id") for i in bib.get("identifier", [])}
    return {
        "id": art.get("id"), "title": bib.get("title"), "abstract": bib.get("abstract"),
        "year": bib.get("year"), "month": bib.get("month"), "doi": ids.get("doi"),
        "issns": [ids.get("pissn"), ids.get("eissn")], "journal": journal.get("title"),
        "publisher": journal.get("publisher"), "volume": journal.get("volume"), "issue": journal.get("number"),
        "language": journal.get("language"), "start": bib.get("start_page"), "end": bib.get("end_page"),
        "authors": [(a.get("name"), a.get("affiliation"), a.get("orcid_id")) for a in bib.get("author", [])],
        "keywords": bib.get("keywords"), "urls": [link.get("url") for link in bib.get("link", [])],
        "subjects": [s.get("term") for s in bib.get("subject", [])],
    }


def stream_doaj_dump(path: Path) -> int:
    n = 0
    with tarfile.open(path, "r|gz") as archive:
        for member in archive:
            extracted = archive.extractfile(member) if member.isfile() else None
            if extracted is None:
                continue
            for art in _stream_items(codecs.getreader("utf-8")(extracted), ()):
                _doaj_fields(art)
                n += 1
    return n


def stream_doaj_batch(path: Path) -> int:
    n = 0
    with path.open(encoding="utf-8") as handle:
        for art in _stream_items(handle, ()):
            _doaj_fields(art)
            n += 1
    return n


def stream_solr(path: Path) -> int:
    n = 0
    with path.open(encoding="utf-8") as handle:
        for doc in _stream_items(handle, ("response", "docs")):
            _ = {k: doc.get(k) for k in ("id", "title", "author", "description", "publishDate", "publisher",
                                          "series", "issn", "language", "topic", "url", "institution", "spelling")}
            n += 1
    return n


# --------------------------------------------------------------------------------------------
# Pages

def bare_html(path: Path) -> int:
    n = 0
    for name in sorted(os.listdir(path)):
        data = (path / name).read_bytes()
        lxml_html.document_fromstring(data)
        n += 1
    return n


def _each_file(read: Callable[[Path], int]) -> Callable[[Path], int]:
    """``read`` applied to a file, or to every file of a folder in name order."""

    def run(path: Path) -> int:
        if path.is_dir():
            return sum(read(path / name) for name in sorted(os.listdir(path)))
        return read(path)

    return run


#: name -> function(path) -> records read
BASELINES: dict[str, Callable[[Path], int]] = {
    "iterparse_oai_doaj": _each_file(iterparse_oai_doaj),
    "iterparse_oai_dc": iterparse_oai_dc,
    "iterparse_ep3": iterparse_ep3,
    "sickle": sickle_oai,
    "stream_doaj_dump": stream_doaj_dump,
    "stream_doaj_batch": stream_doaj_batch,
    "stream_solr": stream_solr,
    "bare_html": bare_html,
}
