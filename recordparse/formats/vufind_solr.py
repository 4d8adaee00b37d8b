"""VuFind Solr documents: select responses (``wt=json``, ``wt=xml``), add-documents, JSON Lines.

VuFind keeps one Solr document per record in its ``biblio`` core. The same document reaches us in
several wrappings, and :func:`map_document` is the one mapping of its fields for all of them (the
VuFind record-page parser calls it with the Staff View fields too):

- a select response, ``{"responseHeader": .., "response": {"docs": [..]}, "highlighting": ..}``,
  sometimes saved with the raw HTTP status and header lines in front of the body (VuFind's own
  test fixtures look like that);
- JSON Lines or a JSON array of bare documents (an export);
- the XML select response (``<result name="response"><doc><str name="id">``) and the Solr
  add-document XML that VuFind's import XSLs write (``<add><doc><field name="id">``).

Schema facts the mapping relies on (format note ``doaj-vufind.md`` §4): multi-valued fields are
lists and single-valued ones scalars, but old documents have a scalar ``author``, a bare-string
``spelling`` and ``recordtype`` instead of ``record_format``; ``title_fullStr``, ``author_facet``,
``spellingShingle``, ``work_keys_str_mv`` and the ``*Str`` fields are copyField derivatives and are
never read as a second source; ``first_indexed``/``last_indexed`` are indexing times, not
publication dates. A document built by ``doaj.xsl`` from DOAJ keeps DOI, volume, pages and
affiliations only inside its single ``spelling`` string; that blob is handed to
:mod:`recordparse.formats.spelling`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Final

from ..builder import RecordBuilder
from ..errors import Failure, RecordError, RecordParseError
from ..jsonstream import JsonItem, JsonStream, is_mapping, iter_json_lines
from ..normalize.identifiers import DOI_PATTERN, normalize_doi
from ..normalize.names import make_corporate, split_name
from ..normalize.text import clean, has_html
from ..record import Position, Record
from ..sources import Input
from ..xmlsafe import XmlSplitter, local_name, parse_chunk
from .base import Parser, RawRecord, flag_decoding, flag_repairs
from .oai import note_doaj_synthesised_date

__all__ = [
    "FIELD_MAP",
    "FORMAT_TYPES",
    "SolrJsonParser",
    "SolrXmlParser",
    "is_doaj_document",
    "map_document",
]

#: VuFind Solr field -> Record field (for the documentation; :func:`map_document` follows it).
#: Fields not listed are kept in ``extra`` under their own name.
FIELD_MAP: Final[dict[str, str]] = {
    "id": "id",
    "title": "title",
    "title_short": "title (short title + title_sub, when title is absent)",
    "title_sub": "title (with title_short, when title is absent)",
    "title_full": "title (when title and title_short are absent)",
    "author": "authors (first, in stored order)",
    "author_corporate": "authors (after author; name only, never split)",
    "author2": "authors (after author and author_corporate)",
    "description": "abstract (first value; HTML stripped, raw kept in extra)",
    "publisher": "publisher (first value)",
    "publishDate": "date_published (first value, at its precision; DOAJ's day 01 flagged)",
    "container_title": "journal",
    "series": "journal (DOAJ documents only; extra otherwise)",
    "container_volume": "volume",
    "container_issue": "issue",
    "container_start_page": "start_page",
    "issn": "issns",
    "format": "type (via FORMAT_TYPES; raw in extra['type'])",
    "language": "language (BCP 47; further languages in extra['languages'])",
    "topic": "keywords",
    "topic_facet": "subjects (values not already in topic)",
    "genre": "subjects",
    "era": "subjects",
    "geographic": "subjects",
    "url": "urls",
    "institution": "institution (first value)",
    "spelling": "extra; a DOAJ document's single string goes to formats.spelling",
}

#: VuFind ``format`` values (case-insensitive) -> CSL type. Values not listed (``Electronic``,
#: ``Microfilm``: carriers, not genres) leave the type to the next format value.
FORMAT_TYPES: Final[dict[str, str]] = {
    "article": "article-journal",
    "journal article": "article-journal",
    "book": "book",
    "ebook": "book",
    "book chapter": "chapter",
    "chapter": "chapter",
    "journal": "periodical",
    "serial": "periodical",
    "newspaper": "periodical",
    "periodical": "periodical",
    "thesis": "thesis",
    "dissertation": "thesis",
    "conference proceeding": "paper-conference",
    "conference paper": "paper-conference",
    "report": "report",
    "manuscript": "manuscript",
    "map": "map",
    "atlas": "map",
    "musical score": "musical_score",
    "sound recording": "song",
    "music recording": "song",
    "video": "motion_picture",
    "motion picture": "motion_picture",
    "photo": "graphic",
    "image": "graphic",
    "dataset": "dataset",
    "data set": "dataset",
    "software": "software",
    "website": "webpage",
    "preprint": "article",
}

# Title variants: not kept in extra when the chosen title already contains them.
_TITLE_VARIANTS: Final = ("title_short", "title_sub", "title_full", "title_auth")

_DOAJ_OPEN: Final = "DOAJ lists only open-access journals"
_DOAJ_ID = re.compile(r"^doaj[._-]art-|^doaj_", re.I)
_DOAJ_INSTITUTION = re.compile(r"directory\s+(?:of\s+)?open\s+access\s+journals?", re.I)
_DOAJ_HEX = re.compile(r"([0-9a-f]{32})$", re.I)
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/10\.", re.I)
_DATESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_DATE_END: Final = frozenset("?-).")
_NAME_DATES = re.compile(r",?\s*(?:\(?\d{3,4}\??-(?:\d{3,4}\??)?\)?|b\.\s*\d{4}|d\.\s*\d{4})\.?$")


# --------------------------------------------------------------------------------------------
# One document -> builder


def _texts(value: Any) -> list[str]:
    """The non-empty string values of a field, scalar or list (``["a", ""]`` -> ``["a"]``).

    Nulls, objects and arrays inside a list are left out; other scalars become their text."""
    if value is None:
        return []
    if type(value) is str:  # the common scalar
        return [value] if value.strip() else []
    out: list[str] = []
    for v in value if isinstance(value, (list, tuple)) else (value,):
        if type(v) is str:  # the common list item, tested before the general case
            if v.strip():
                out.append(v)
        elif v is not None and not isinstance(v, (dict, list)):
            text = str(v)
            if text.strip():
                out.append(text)
    return out


class _Fields:
    """The document with a record of which fields were mapped; the rest goes to ``extra``.

    A field is read once: the mapping functions pass its values on rather than read it again,
    and skip the fields a document does not have (most of the schema, in any one document)."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.doc = doc
        self.used: set[str] = set()

    def texts(self, name: str) -> list[str]:
        self.used.add(name)
        value = self.doc.get(name)
        return [] if value is None else _texts(value)

    def first(self, name: str) -> str | None:
        values = self.texts(name)
        return values[0] if values else None

    def peek(self, name: str) -> list[str]:
        value = self.doc.get(name)
        return [] if value is None else _texts(value)

    def has(self, name: str) -> bool:
        """Whether the document has the field at all (reading an absent one gives ``[]``)."""
        return name in self.doc


def _keep_rest(name: str, values: list[str], builder: RecordBuilder) -> None:
    """Keep the values after the first, which was mapped (a second publisher, ...)."""
    if len(values) > 1:
        builder.keep(name, values[1:] if len(values) > 2 else values[1])


#: The fields whose values can show that a document came from DOAJ, with the test of a value.
_DOAJ_TESTS: Final[tuple[tuple[str, Callable[[str], object]], ...]] = (
    ("collection", lambda v: v.strip().upper() == "DOAJ"),
    ("id", lambda v: _DOAJ_ID.match(v.strip())),
    ("institution", lambda v: _DOAJ_INSTITUTION.search(v)),
)


def _doaj_signs(doc: Mapping[str, Any]) -> list[str]:
    """The field values that show a document came from DOAJ, as ``name: value`` evidence."""
    return [
        f"{name}: {value}"
        for name, test in _DOAJ_TESTS
        if name in doc
        for value in _texts(doc[name])
        if test(value)
    ]


def is_doaj_document(doc: Mapping[str, Any]) -> bool:
    """True when a VuFind document was indexed from DOAJ (by ``doaj.xsl`` or alike).

    Signs, any one suffices: ``collection`` DOAJ, an id made from the DOAJ OAI identifier
    (``doaj.art-``, ``doaj-art-``, ``doaj_``), an institution named like the Directory of Open
    Access Journals (``Directory Open Access Journal`` on the seed site).
    """
    return bool(_doaj_signs(doc))


def _set_text(builder: RecordBuilder, field: str, raw: str, source: str) -> None:
    """Set a text field with HTML stripped, keeping the marked-up source form in ``extra``."""
    builder.set(field, raw, html=True)
    if has_html(raw):
        builder.keep(source, raw)


def _map_title(f: _Fields, builder: RecordBuilder) -> None:
    title = f.first("title")
    short = f.peek("title_short")
    sub = f.peek("title_sub")
    full = f.peek("title_full")
    if title is None and short:
        title = short[0] + (" " + sub[0] if sub else "")
    elif title is None and full:
        title = full[0]
    if title is None:
        return
    _set_text(builder, "title", title, "title")
    chosen = clean(title)
    if not chosen:
        return
    for name, values in zip(_TITLE_VARIANTS, (short, sub, full, f.peek("title_auth")), strict=True):
        # a variant contained in the chosen title (a copy, or a part it was built from) adds
        # nothing; one that differs (title_full with its statement of responsibility) is kept.
        # (A plain copy of the title, the usual case, needs no clean-up to tell.)
        if values and all(v == title or (clean(v) or "") in chosen for v in values):
            f.used.add(name)


def _add_personal(builder: RecordBuilder, name: str) -> None:
    """A personal heading; MARC life dates (``Knight, George Wilson, 1897-``) are kept in the
    name but left out of the given/family split."""
    stripped = name.strip()
    last = stripped[-1:]
    # life dates end in a digit, ``?``, ``-``, ``)`` or ``.``: other names skip the search
    if not (last.isdecimal() or last in _DATE_END):
        builder.add_person(name, given=None, family=None)
        return
    core = _NAME_DATES.sub("", stripped).strip()
    given, family = split_name(core) if core and core != stripped else (None, None)
    builder.add_person(name, given=given, family=family)


def _map_authors(f: _Fields, builder: RecordBuilder) -> None:
    # VuFind's own order (getDeduplicatedAuthors): primary, corporate, secondary.
    for name in f.texts("author"):
        _add_personal(builder, name)
    if f.has("author_corporate"):
        for name in f.texts("author_corporate"):
            person = make_corporate(name)
            if person is not None:
                builder.people.append(person)
    if f.has("author2"):
        for name in f.texts("author2"):
            _add_personal(builder, name)


def _map_description(f: _Fields, builder: RecordBuilder) -> None:
    values = f.texts("description")
    if not values:
        return
    builder.set("abstract", values[0], html=True)
    if len(values) > 1 or has_html(values[0]):
        # as given: the marked-up form, or the values after the first
        builder.keep("description", f.doc["description"])


def _map_date(f: _Fields, builder: RecordBuilder, doaj: bool) -> None:
    values = f.texts("publishDate")
    if not values:
        return
    raw = values[0].strip()
    iso = builder.set_date("date_published", raw, source_field="publishDate")
    _keep_rest("publishDate", values, builder)
    if doaj:
        # doaj.xsl copies DOAJ's publicationDate verbatim: its day is always 01 (and its month
        # 01 when DOAJ had none). The OAI module is the one place that marks that.
        note_doaj_synthesised_date(builder, raw, iso)


_PLAIN_FIELDS: Final = (
    ("publisher", "publisher"),
    ("container_title", "journal"),
    ("container_volume", "volume"),
    ("container_issue", "issue"),
    ("container_start_page", "start_page"),
    ("institution", "institution"),
)


def _map_plain(f: _Fields, builder: RecordBuilder) -> None:
    for source, field in _PLAIN_FIELDS:
        if f.has(source):
            values = f.texts(source)
            if values:
                builder.set(field, values[0])
                _keep_rest(source, values, builder)


def _map_series(f: _Fields, builder: RecordBuilder, doaj: bool) -> None:
    # doaj.xsl puts the journal title in `series`; in MARC records it is a book series.
    if doaj and builder.get("journal") is None:
        values = f.texts("series")
        if values:
            builder.set("journal", values[0])
            _keep_rest("series", values, builder)


def _map_type(f: _Fields, builder: RecordBuilder) -> None:
    formats = f.texts("format")
    if not formats:
        return
    builder.keep("type", formats if len(formats) > 1 else formats[0])
    for value in formats:
        csl = FORMAT_TYPES.get(value.strip().casefold())
        if csl:
            builder.set("type", csl)
            return


def _copy_of(facets: list[str], topics: list[str]) -> bool:
    """Whether ``topic_facet`` is a copy of ``topic`` (XSLT imports), which adds nothing; an
    exact copy, the usual case, is told without cleaning every term."""
    return bool(facets) and (
        facets == topics or {clean(v) for v in facets} <= {clean(t) for t in topics}
    )


def _map_lists(f: _Fields, builder: RecordBuilder) -> None:
    for value in f.texts("issn"):
        builder.add_issn(value)
    for value in f.texts("language"):
        builder.set_language(value)
    topics = f.texts("topic")
    for value in topics:
        builder.add_keyword(value)
    facets = f.texts("topic_facet")
    if not _copy_of(facets, topics):
        for value in facets:
            builder.add_subject(value)
    for name in ("genre", "era", "geographic"):
        if f.has(name):
            for value in f.texts(name):
                builder.add_subject(value)
    for value in f.texts("url"):
        builder.add_url(value)
        if _DOI_URL.match(value.strip()):
            builder.set_doi(value, source_field="url")


def _blob_facts(blob: str, doc: Mapping[str, Any], builder: RecordBuilder) -> None:
    """What an XSLT-built ``spelling`` string of a non-DOAJ document gives without segmenting.

    The harvester injects the record id and a 20-character datestamp at its start; a DOI is
    taken only when its end is fixed by a URL of the same document that follows it (the blob has
    no separators, so anything else would be a guess).
    """
    ident = next(iter(_texts(doc.get("id"))), None)
    if ident and blob.startswith(ident):
        stamp = _DATESTAMP.match(blob, len(ident))
        if stamp:
            builder.keep("oai_datestamp", stamp.group(0))
    urls = _texts(doc.get("url"))
    for match in DOI_PATTERN.finditer(blob):
        start = match.start()
        ends = [i for u in urls if (i := blob.find(u, start + 8)) > start]
        if not ends:
            builder.flag(
                "ambiguous_field",
                "a DOI inside spelling whose end cannot be told",
                [blob[start : start + 80]],
                field="doi",
                severity="info",
            )
            continue
        doi = normalize_doi(blob[start : min(ends)])
        if doi and builder.set_doi(doi, source_field="spelling"):
            builder.flag(
                "recovered_value",
                "DOI read from the spelling field",
                [doi],
                field="doi",
                severity="info",
            )


def _map_spelling(f: _Fields, builder: RecordBuilder, doaj: bool) -> None:
    """Keep ``spelling``; segment a single XSLT-built string (never SolrMarc's list).

    Add-documents carry no ``spelling`` (Solr fills it by copyField from ``allfields``), so
    there ``allfields`` is the same blob and is read in its place.
    """
    doc = f.doc
    values = f.peek("spelling")
    if values:
        builder.keep("spelling", doc.get("spelling"))
        f.used.add("spelling")
    else:
        values = f.peek("allfields")
        if len(values) == 1:
            doc = {**doc, "spelling": values[0]}
    if len(values) != 1:
        return  # SolrMarc: one string per MARC field; nothing to segment
    if doaj:
        from .spelling import apply_spelling  # looked up per call: tests stand in for it

        apply_spelling(doc, builder)
    else:
        _blob_facts(values[0], doc, builder)


def map_document(doc: Mapping[str, Any], builder: RecordBuilder) -> None:
    """Map one VuFind Solr document (stored fields; lists or scalars) into ``builder``.

    Every field not mapped, including the derived search fields, is kept in ``extra`` under its
    own name. A DOAJ-derived document gets access ``open`` (DOAJ lists only open-access journals)
    and its single ``spelling`` string is segmented by :mod:`recordparse.formats.spelling`.
    """
    f = _Fields(doc)
    signs = _doaj_signs(doc)
    doaj = bool(signs)
    ident = f.first("id")
    if ident is not None:
        builder.set("id", ident)
    _map_title(f, builder)
    _map_authors(f, builder)
    _map_description(f, builder)
    _map_date(f, builder, doaj)
    _map_plain(f, builder)
    _map_series(f, builder, doaj)
    _map_type(f, builder)
    _map_lists(f, builder)
    if doaj:
        builder.set_access("open", evidence=[*signs, _DOAJ_OPEN])
        hexid = _DOAJ_HEX.search(ident or "")
        if hexid:
            builder.keep("doaj_id", hexid.group(1).lower())
    _map_spelling(f, builder, doaj)
    for name, value in doc.items():
        if name not in f.used:
            builder.keep(name, value)


# --------------------------------------------------------------------------------------------
# Sniffing

#: Field names that occur in VuFind documents and hardly anywhere else.
_VUFIND_MARKERS: Final = frozenset(
    {
        "_version_", "record_format", "recordtype", "spelling", "spellingShingle", "title_full",
        "title_fullStr", "title_full_unstemmed", "title_short", "title_sort", "title_auth",
        "author_facet", "author_sort", "author2", "author2Str", "first_indexed", "last_indexed",
        "work_keys_str_mv", "publishDate", "topic_facet", "fullrecord", "marc_error",
        "callnumber-first", "dewey-hundreds", "illustrated", "allfields",
    }
)  # fmt: skip
_JSON_KEY = re.compile(r'"([A-Za-z_][\w-]*)"\s*:')
_XML_NAME = re.compile(r'\bname\s*=\s*"([A-Za-z_][\w-]*)"')
_RESPONSE = re.compile(r'"response"\s*:\s*\{')
_RESPONSE_HEADER = re.compile(r'"responseHeader"\s*:\s*\{')
_BOM = "\ufeff"


def _head_text(head: bytes) -> str:
    return head.decode("utf-8", "replace").lstrip(_BOM)


def _body_after_http(text: str) -> str:
    """The text after an HTTP status line and headers (VuFind's raw-response fixtures)."""
    if not text.startswith("HTTP/"):
        return text
    match = re.search(r"\r?\n\r?\n", text)
    return text[match.end() :] if match else ""


def _markers(names: Iterable[str]) -> int:
    return len(_VUFIND_MARKERS.intersection(names))


def _sniff_json(head: bytes) -> float:
    body = _body_after_http(_head_text(head)).lstrip()
    if not body.startswith(("{", "[")) or '"bibjson"' in body:
        return 0.0
    found = _markers(_JSON_KEY.findall(body))
    if _RESPONSE_HEADER.search(body) or (_RESPONSE.search(body) and '"docs"' in body):
        return 0.95 if found else 0.8
    if found >= 3:
        return 0.85
    return 0.3 if found == 2 else 0.0


def _sniff_xml(head: bytes) -> float:
    text = _head_text(head).lstrip()
    if not text.startswith("<"):
        return 0.0
    found = _markers(_XML_NAME.findall(text))
    if re.search(r"<response[\s>]", text) and re.search(r"<result\b[^>]*\bname=\"response\"", text):
        return 0.95 if found or "<doc" in text else 0.7
    if re.search(r"<add[\s>]", text) and re.search(r"<doc[\s>]", text) and "<field " in text:
        return 0.9 if found else 0.75
    return 0.0


# --------------------------------------------------------------------------------------------
# JSON


#: RawRecord.context of a document whose JSON text has no \uD800-\uDFFF escape, so that its
#: record cannot hold a lone surrogate (:attr:`JsonItem.may_hold_surrogates`); a document
#: given highlighting gets that as its context instead.
_NO_SURROGATES: Final = "no-surrogate-escapes"

#: Documents held back to attach the highlighting that Solr writes after ``response``.
_HIGHLIGHT_BUFFER = 1000
_MAX_HEADER_LINES = 100
_MAX_HEADER_LINE = 8192


def _skip_http_headers(inp: Input) -> tuple[Input, int, int]:
    """Read past an HTTP status line and headers; return the body input, lines and bytes skipped.

    Only the header lines are read; the body stays in the stream. A ``charset`` in
    ``Content-Type`` becomes the body's declared encoding.
    """
    if not inp.head.lstrip(_BOM.encode()).startswith(b"HTTP/"):
        return inp, 0, 0
    consumed = 0
    lines = 0
    encoding = inp.encoding
    while lines < _MAX_HEADER_LINES:
        line = inp.stream.readline(_MAX_HEADER_LINE)
        if not line:
            break
        consumed += len(line)
        lines += 1
        if not line.strip():
            break
        charset = re.search(rb"^content-type:.*?charset=([\w.:-]+)", line, re.I)
        if charset:
            encoding = charset.group(1).decode("ascii")
    body = Input(
        name=inp.name,
        stream=inp.stream,
        head=inp.head[consumed:],
        filename=inp.filename,
        encoding=encoding,
    )
    return body, lines, consumed


def _json_shape(head: bytes) -> str:
    """``response``, ``array``, ``lines`` or ``object``: how the JSON input is laid out."""
    text = head.decode("utf-8", "replace").lstrip(_BOM).lstrip()
    if text.startswith("["):
        return "array"
    if _RESPONSE.search(text) or _RESPONSE_HEADER.search(text):
        return "response"
    first, newline, rest = text.partition("\n")
    if newline and rest.strip():
        try:
            json.loads(first)
        except ValueError:
            return "object"
        return "lines"
    return "object"


def _doc_id(value: Any) -> str | None:
    if is_mapping(value):
        ids = _texts(value.get("id"))
        return ids[0] if ids else None
    return None


class SolrJsonParser(Parser):
    """VuFind Solr documents as JSON: select responses, raw HTTP responses, arrays, JSON Lines."""

    name = "vufind-solr-json"
    title = "VuFind Solr documents as JSON (select responses, arrays, JSON Lines)"
    media_types = ("application/json", "application/x-ndjson", "application/jsonl")
    patterns = ("*.json", "*.jsonl", "*.ndjson")
    field_map = FIELD_MAP
    #: Each document maps alone; the last ``_HIGHLIGHT_BUFFER`` stay in the final range, which
    #: holds the highlighting a response of that many documents or fewer attaches to them.
    splittable = True
    split_tail = _HIGHLIGHT_BUFFER

    def sniff(self, head: bytes) -> float:
        try:
            return _sniff_json(head)
        except Exception:
            return 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        body, skipped_lines, skipped_bytes = _skip_http_headers(inp)
        shape = _json_shape(body.head)
        stream: JsonStream | None = None
        items: Iterator[JsonItem | Failure]
        if shape == "lines":
            items = iter_json_lines(body, parser_name=self.name)
        else:
            stream = JsonStream(body, parser_name=self.name)
            items = stream.items(("response", "docs") if shape == "response" else ())
        wants_highlighting = shape == "response" and (
            b'"highlighting"' in body.head or b'"hl"' in body.head
        )
        held: list[RawRecord | Failure] = []
        try:
            for item in items:
                outcome = self._raw(inp, item, skipped_lines, skipped_bytes)
                if not wants_highlighting:
                    yield outcome
                    continue
                held.append(outcome)
                if len(held) >= _HIGHLIGHT_BUFFER:
                    wants_highlighting = False  # too many to hold: stream on without highlighting
                    yield from held
                    held.clear()
        except RecordParseError:
            yield from held  # read whole before the input broke off: not lost with it
            raise
        if held:
            highlighting = stream.context.get("highlighting") if stream is not None else None
            yield from _with_highlighting(held, highlighting)
        if stream is not None and "error" in stream.context:
            yield _solr_error(inp, stream.context, skipped_lines + 1, self.name)

    def _raw(
        self, inp: Input, item: JsonItem | Failure, lines: int, offset: int
    ) -> RawRecord | Failure:
        if isinstance(item, Failure):
            if not lines:
                return item
            pos = item.position
            return Failure(
                Position(
                    inp.name, pos.record, (pos.line or 0) + lines, (pos.byte_offset or 0) + offset
                ),
                item.reason,
                kind=item.kind,
                snippet=item.snippet,
                parser=item.parser,
            )
        position = Position(inp.name, item.number, item.line + lines, item.offset + offset)
        if not is_mapping(item.value):
            return Failure(
                position,
                "not a Solr document (a JSON object was expected)",
                kind="syntax",
                parser=self.name,
            )
        return RawRecord(
            item.value,
            position,
            record_id=_doc_id(item.value),
            context=None if item.may_hold_surrogates else _NO_SURROGATES,
        )

    def map(self, raw: RawRecord) -> Record:
        if not is_mapping(raw.data):
            raise self.fail(raw, "not a Solr document")
        # The scan for lone surrogates is needed only when the document's JSON text had a
        # \uD800-\uDFFF escape, or when highlighting (read from outside it) is attached.
        builder = RecordBuilder(self.name, may_hold_surrogates=raw.context != _NO_SURROGATES)
        map_document(raw.data, builder)
        if is_mapping(raw.context) and raw.context.get("highlighting"):
            builder.keep("highlighting", raw.context["highlighting"])
        return builder.build()


def _solr_error(inp: Input, context: Mapping[str, Any], line: int, parser: str) -> Failure:
    """Solr's error response (``{"responseHeader": {"status": 400}, "error": {"msg": ..}}``)."""
    error = context["error"]
    message = error.get("msg") if isinstance(error, Mapping) else error
    header = context.get("responseHeader")
    status = header.get("status") if isinstance(header, Mapping) else None
    reason = f"Solr returned an error (status {status}): {message}"
    return Failure(Position(inp.name, 1, line, None), reason, kind="source", parser=parser)


def _with_highlighting(
    held: list[RawRecord | Failure], highlighting: Any
) -> Iterator[RawRecord | Failure]:
    """Attach each document's own highlighting snippets (``highlighting[id]``) as its context."""
    for outcome in held:
        if (
            isinstance(outcome, RawRecord)
            and isinstance(highlighting, Mapping)
            and outcome.record_id
        ):
            snippets = highlighting.get(outcome.record_id)
            if snippets:
                outcome = RawRecord(
                    outcome.data, outcome.position, outcome.record_id, {"highlighting": snippets}
                )
        yield outcome


# --------------------------------------------------------------------------------------------
# XML


def _typed(element: Any) -> Any:
    """The Python value of one Solr XML value element (``str``, ``long``, ``arr``, ``lst`` ...)."""
    tag = local_name(element.tag)
    text = element.text or ""
    if tag == "arr":
        return [_typed(child) for child in element if local_name(child.tag)]
    if tag == "lst":
        return {
            child.get("name", local_name(child.tag)): _typed(child)
            for child in element
            if local_name(child.tag)
        }
    if tag == "doc":
        return element_to_doc(element)
    if tag in ("long", "int", "short"):
        try:
            return int(text.strip())
        except ValueError:
            return text
    if tag in ("float", "double"):
        try:
            return float(text.strip())
        except ValueError:
            return text
    if tag == "bool":
        return text.strip() == "true"
    return "".join(element.itertext())


def element_to_doc(element: Any) -> dict[str, Any]:
    """A ``<doc>`` element (select response or add-document) as a dict of stored fields.

    A name given more than once (``<field name="author">`` repeated in add-documents) becomes a
    list; nested ``<doc>`` children (block joins) go under ``_childDocuments_``.
    """
    doc: dict[str, Any] = {}
    for child in element:
        tag = local_name(child.tag)
        if not tag:
            continue
        if tag == "doc":
            doc.setdefault("_childDocuments_", []).append(element_to_doc(child))
            continue
        name = child.get("name") or tag
        value = _typed(child)
        if name in doc:
            current = doc[name]
            doc[name] = [*current, value] if isinstance(current, list) else [current, value]
        else:
            doc[name] = value
    return doc


class SolrXmlParser(Parser):
    """VuFind Solr documents as XML: ``wt=xml`` select responses and ``<add>`` documents."""

    name = "vufind-solr-xml"
    title = "VuFind Solr documents as XML (select responses, add-documents)"
    media_types = ("application/xml", "text/xml")
    patterns = ("*.xml",)
    field_map = FIELD_MAP

    def sniff(self, head: bytes) -> float:
        try:
            return _sniff_xml(head)
        except Exception:
            return 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        splitter = XmlSplitter(inp, tags={"doc"}, parser_name=self.name)
        for chunk in splitter:
            if isinstance(chunk, Failure):
                yield chunk
                continue
            position = Position(inp.name, chunk.number, chunk.line, chunk.offset)
            repairs: list[str] = []
            decoding: list[str] = []
            try:
                element = parse_chunk(chunk, splitter, position, self.name, repairs, decoding=decoding)
            except RecordError as exc:
                yield exc.to_failure()
                continue
            doc = element_to_doc(element)
            yield RawRecord(
                doc,
                position,
                record_id=_doc_id(doc),
                context={"repairs": repairs, "decoding": decoding} if repairs or decoding else None,
            )

    def map(self, raw: RawRecord) -> Record:
        if not isinstance(raw.data, Mapping):
            raise self.fail(raw, "not a Solr document")
        builder = RecordBuilder(self.name, may_hold_surrogates=False)
        map_document(raw.data, builder)
        if isinstance(raw.context, Mapping):
            flag_repairs(builder, raw.context.get("repairs", ()))
            flag_decoding(builder, raw.context.get("decoding", ()))
        return builder.build()
