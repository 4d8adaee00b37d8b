"""EPrints 3: ``eprints-xml``, ``eprints-html``, ``eprints-text`` and ``eprints-simple``.

EPrints shows one item in four forms, all read into the same Record through one field table
(:data:`EPRINT_FIELD_MAP`, keyed by the EPrints field name that the EP3 XML element, the Simple
export key and the ``eprints.*`` meta tag all share):

- ``eprints-xml``: EP3 XML exports (``<eprints xmlns="http://eprints.org/ep2/data/2.0">`` with one
  or many ``<eprint>``), streamed element by element;
- ``eprints-html``: abstract (summary) pages: ``eprints.*``, ``citation_*`` and ``DC.*`` meta
  tags, plus the visible document blocks and access lines;
- ``eprints-text``: text renderings of abstract pages (citation paragraph, document blocks,
  abstract, ``Label: value`` metadata table ending with ``URI:``), possibly several in one file;
- ``eprints-simple``: the Simple Metadata export (``key: value`` lines, repeated keys, records
  separated by blank lines).

Access: the main full text decides. Per document (EP3 XML ``<document>``, or a document block on
a page) the reading is ``open`` for public security, ``embargoed`` for a non-public document with
an embargo date (``date_embargo``, or ``Restricted to ... until <date>``) and ``restricted`` for
any other non-public security (site-local values such as Caltech's ``internal`` included).
Documents derived by EPrints itself (relations ``isVolatileVersionOf``/``isIndexCodesVersionOf``:
index codes, thumbnails, previews) never count. A document is *main* unless its ``content`` is
``coverimage``, ``supplemental``, ``presentation``, ``bibliography``, ``metadata`` or ``other``, or
its description names a part of the work (front matter, abstract, title page, table of contents,
appendix, supplement). Any public main document makes the item open (a green accepted version
beside a restricted publisher PDF is open); otherwise the earliest embargo end among the main
documents (the day the first one opens), otherwise restricted. Without any main document all
non-derived documents count. A public front matter beside a restricted whole thesis is therefore
restricted. ``full_text_status`` (or the page's own ``Full text not available``/``Request a copy``
lines) decides only when there are no documents; when it disagrees with the documents the record
carries an ``access_conflict`` flag with both readings. ``citation_pdf_url`` proves nothing on
EPrints (it is emitted for restricted documents too) and is kept in ``extra``.

Other choices: ``date`` becomes ``date_published`` only with ``date_type`` ``published``; other
dates stay in ``extra`` with their type. ``publisher: Unpublished`` is a publication status, kept
in ``extra``. ``pagerange`` ``Art. No. 130923`` is an article number. ``id_number`` and related
URLs of type ``doi`` give the DOI when they hold one. Titles keep Caltech's ``^()``/``_()``
super/subscript markup as given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, NamedTuple

import attrs
from lxml import etree

from ..builder import RecordBuilder
from ..errors import Failure, LimitExceeded
from ..normalize.access import AccessSignal, classify_text, decide, flag_conflicts, from_vocabulary
from ..normalize.dates import end_of_period, parse_date
from ..normalize.identifiers import find_doi, normalize_doi
from ..normalize.names import make_corporate
from ..normalize.text import clean, has_html, split_pages
from ..record import Access, Position, Record
from ..sources import Input, Limits, TextLine, iter_lines
from ..xmlsafe import XmlChunk, XmlSplitter, frame_spans, local_name, parse_chunk
from .base import PageParser, Parser, RawRecord, flag_decoding, flag_repairs

__all__ = [
    "DATE_TYPE_NAMES",
    "EPRINT_FIELD_MAP",
    "EPRINT_TYPES",
    "EPRINT_TYPE_NAMES",
    "EP_NAMESPACE",
    "PAGE_LABELS",
    "DocumentView",
    "EprintsHtmlParser",
    "EprintsSimpleParser",
    "EprintsTextParser",
    "EprintsXmlParser",
    "PageParts",
    "check_record_size",
    "combine_documents",
    "cut_page",
    "document_view",
    "is_main_document",
    "map_eprint_fields",
    "map_page",
    "meta_tags",
    "page_lines",
    "parse_simple",
    "settle_access",
    "settle_page_access",
    "split_keywords",
    "split_rendered_names",
]

#: The namespace of EP3 XML exports.
EP_NAMESPACE = "http://eprints.org/ep2/data/2.0"

#: EPrints field name (EP3 XML element, Simple key, ``eprints.*`` meta name) -> Record field.
#: Fields not listed here are kept in ``extra`` under their own name.
EPRINT_FIELD_MAP: dict[str, str] = {
    "eprintid": "id",
    "type": "type",
    "title": "title",
    "abstract": "abstract",
    "creators": "authors",
    "creators_name": "authors",
    "corp_creators": "authors (organisations, after the people)",
    "date": "date_published (date_type published only)",
    "datestamp": "date_deposited",
    "publication": "journal",
    "publisher": "publisher (not 'Unpublished')",
    "volume": "volume",
    "number": "issue",
    "pagerange": "start_page, end_page / article_number",
    "issn": "issns",
    "doi": "doi",
    "id_number": "doi (when it is a DOI)",
    "official_url": "urls",
    "related_url": "urls, doi (type doi)",
    "related_url_url": "urls, doi (type doi)",
    "document_url": "urls",
    "keywords": "keywords",
    "subjects": "subjects",
    "rights": "rights",
    "institution": "institution",
    "full_text_status": "access",
    "documents": "access, language, license",
}

#: EPrints ``type`` (pub_lib namedset) -> CSL type.
EPRINT_TYPES: dict[str, str] = {
    "article": "article-journal",
    "book_section": "chapter",
    "monograph": "report",
    "conference_item": "paper-conference",
    "book": "book",
    "thesis": "thesis",
    "patent": "patent",
    "artefact": "document",
    "exhibition": "event",
    "composition": "musical_score",
    "performance": "performance",
    "image": "graphic",
    "video": "motion_picture",
    "audio": "song",
    "dataset": "dataset",
    "experiment": "dataset",
    "teaching_resource": "document",
    "other": "document",
}

#: Rendered type names on abstract pages (lower case, without the parenthesised subtype) -> type.
EPRINT_TYPE_NAMES: dict[str, str] = {
    "article": "article",
    "articles": "article",
    "book section": "book_section",
    "monograph": "monograph",
    "conference or workshop item": "conference_item",
    "book": "book",
    "thesis": "thesis",
    "patent": "patent",
    "artefact": "artefact",
    "show/exhibition": "exhibition",
    "exhibition": "exhibition",
    "composition": "composition",
    "performance": "performance",
    "image": "image",
    "video": "video",
    "audio": "audio",
    "dataset": "dataset",
    "experiment": "experiment",
    "teaching resource": "teaching_resource",
    "other": "other",
}

#: ``date_type`` values and their rendered names -> the stored value.
DATE_TYPE_NAMES: dict[str, str] = {
    "published": "published",
    "publication": "published",
    "published_online": "published_online",
    "published online": "published_online",
    "online publication": "published_online",
    "submitted": "submitted",
    "submission": "submitted",
    "completed": "completed",
    "completion": "completed",
}

#: Metadata-table labels of abstract pages (lower case; UTas variants included) -> field name.
PAGE_LABELS: dict[str, str] = {
    "item type": "type",
    "creators": "creators_name",
    "authors/creators": "creators_name",
    "authors": "creators_name",
    "title": "title",
    "status": "ispublished",
    "subjects": "subjects",
    "divisions": "divisions",
    "full text status": "full_text_status",
    "uncontrolled keywords": "keywords",
    "keywords": "keywords",
    "date": "date",
    "date type": "date_type",
    "journal or publication title": "publication",
    "publication title": "publication",
    "publisher": "publisher",
    "volume": "volume",
    "number": "number",
    "page range": "pagerange",
    "number of pages": "pages",
    "issn": "issn",
    "isbn": "isbn",
    "identification number": "id_number",
    "doi / id number": "id_number",
    "doi/id number": "id_number",
    "official url": "official_url",
    "related urls": "related_url",
    "refereed": "refereed",
    "additional information": "note",
    "institution": "institution",
    "department": "department",
    "thesis type": "thesis_type",
    "event title": "event_title",
    "event location": "event_location",
    "event dates": "event_dates",
    "event type": "event_type",
    "place of publication": "place_of_pub",
    "editors": "editors_name",
    "title of book": "book_title",
    "series name": "series",
    "funders": "funders",
    "projects": "projects",
    "copyright holders": "copyright_holders",
    "copyright information": "copyright_holders",
    "corporate creators": "corp_creators",
    "depositing user": "userid",
    "date deposited": "datestamp",
    "last modified": "lastmod",
    "item statistics": "item_statistics",
    "uri": "uri",
}

#: Rendered ``ispublished`` values -> stored value.
_ISPUBLISHED_NAMES: dict[str, str] = {
    "published": "pub",
    "in press": "inpress",
    "submitted": "submitted",
    "unpublished": "unpub",
}

#: Headings that introduce the abstract on a page (the EPrints phrase in its translations).
_ABSTRACT_HEADINGS = frozenset(
    {"abstract", "zusammenfassung", "kurzfassung", "résumé", "resume", "resumen", "resumo",
     "riassunto", "sommario", "samenvatting"}
)

#: Relations that mark a document EPrints derived from another one (never full text).
_DERIVED_RELATIONS = ("isvolatileversionof", "isindexcodesversionof", "isthumbnailversionof")
#: ``content`` values that are not the work itself.
_PARTIAL_CONTENT = frozenset(
    {"coverimage", "supplemental", "presentation", "bibliography", "metadata", "other"}
)
#: Document descriptions (format descriptions, rendered content) naming a part of the work.
_PARTIAL_WORDS = re.compile(
    r"\b(front[\s_-]?matter|cover[\s_-]?image|cover[\s_-]?page|supplement(?:al|ary)?|appendi(?:x|ces)"
    r"|title[\s_-]?page|table[\s_-]of[\s_-]contents|contents[\s_-]?page|abstract|bibliography"
    r"|presentation|index[\s_-]?codes|thumbnail|preview)\b",
    re.IGNORECASE,
)
_DOWNLOAD_SIZE = re.compile(r"\(\s*\d+(?:[.,]\d+)?\s*[kKMGT]?i?[bB]\s*\)")
_ARTICLE_NUMBER = re.compile(
    r"^(?:art(?:icle)?\.?\s*(?:no\.?|nr\.?|number|n[ºo°]\.?)|article|e-?locator)\s*:?\s*(\S+)$",
    re.IGNORECASE,
)
_CITATION_YEAR = re.compile(r"\(\s*(\d{4})[a-z]?\s*\)|\b(\d{4})\s*,")
_HTML_LIMIT = Limits().max_record


# --------------------------------------------------------------------------------------------
# Field mapping shared by every EPrints form.


def _text(value: Any) -> str | None:
    """The text of a scalar field value (dict/list values have none)."""
    if isinstance(value, str):
        return clean(value)
    return None


def _first(values: Sequence[Any]) -> str | None:
    for value in values:
        text = _text(value)
        if text:
            return text
    return None


def _set_plain(builder: RecordBuilder, field: str, name: str, values: Sequence[Any]) -> None:
    """Set a single-valued Record field; further different values stay in ``extra``."""
    if len(values) <= 1:  # the usual case (absent or given once): nothing to compare
        if values and isinstance(values[0], str):
            builder.set(field, values[0])  # cleans it (once), and ignores an empty text
        return
    texts = [t for t in (_text(v) for v in values) if t]
    if not texts:
        return
    builder.set(field, texts[0])
    for other in texts[1:]:
        if other != builder.get(field):
            builder.keep(name, other)


def split_keywords(value: str) -> list[str]:
    """Split a keywords string: on ``;`` when it has any, else on commas, else on new lines."""
    if ";" in value:
        parts = value.split(";")
    elif "," in value:
        parts = value.split(",")
    else:
        parts = value.splitlines()
    return [p for p in (clean(x) for x in parts) if p]


def _person_parts(item: Any) -> tuple[str | None, str | None, str | None, str | None]:
    """``(family, given, orcid, id)`` of an EP3 creators item or a ``Family, Given`` string."""
    if type(item) is dict or isinstance(item, Mapping):  # a plain dict is the usual item
        name = item.get("name")
        family = given = None
        if type(name) is dict or isinstance(name, Mapping):
            family, given = _text(name.get("family")), _text(name.get("given"))
        elif isinstance(name, str):
            family, given = _split_family_given(name)
        return family, given, _text(item.get("orcid")), _text(item.get("id"))
    if isinstance(item, str):
        family, given = _split_family_given(item)
        return family, given, None, None
    return None, None, None, None


def _split_family_given(text: str) -> tuple[str | None, str | None]:
    family, _, given = text.partition(",")
    return clean(family), clean(given)


def _add_people(builder: RecordBuilder, items: Sequence[Any]) -> None:
    ids: list[str] = []
    for item in items:
        family, given, orcid, ident = _person_parts(item)
        if not family and not given:
            continue
        name = f"{family}, {given}" if family and given else (family or given or "")
        builder.add_person(name, given=given, family=family, orcid=orcid)
        if ident:
            ids.append(ident)
    if ids:
        builder.keep("creators_id", ids)


def _set_date(builder: RecordBuilder, fields: Mapping[str, Sequence[Any]]) -> None:
    date = _first(fields.get("date", ()))
    if not date:
        return
    raw_type = _first(fields.get("date_type", ())) or ""
    date_type = DATE_TYPE_NAMES.get(raw_type.lower(), raw_type.lower() or None)
    if date_type == "published":
        builder.set_date("date_published", date, source_field="date")
        return
    builder.keep("date", date)
    if raw_type:
        builder.keep("date_type", raw_type)


def _set_pages(builder: RecordBuilder, values: Sequence[Any]) -> None:
    text = _first(values)
    if not text:
        return
    number = _ARTICLE_NUMBER.match(text)
    if number:
        builder.set("article_number", number.group(1))
        return
    start, end = split_pages(text)
    if start is None:
        builder.keep("pagerange", text)
        return
    builder.set("start_page", start)
    if end:
        builder.set("end_page", end)


def _set_publisher(builder: RecordBuilder, fields: Mapping[str, Sequence[Any]]) -> None:
    for value in fields.get("publisher", ()):
        text = _text(value)
        if not text:
            continue
        if text.casefold() == "unpublished":
            # A publication status some sites type into the publisher field (ispublished unpub).
            builder.keep("publisher", text)
            continue
        _set_plain(builder, "publisher", "publisher", [text])


def _set_identifiers(builder: RecordBuilder, fields: Mapping[str, Sequence[Any]]) -> None:
    for value in fields.get("doi", ()):
        text = _text(value)
        if text:
            builder.set_doi(text, source_field="doi")
    for item in _related_urls(fields):
        url, kind = _text(item.get("url")), (_text(item.get("type")) or "").lower()
        if not url:
            continue
        builder.add_url(url)
        if kind == "doi" and find_doi(url):
            builder.set_doi(url, source_field="related_url")
    for value in fields.get("id_number", ()):
        text = _text(value)
        if not text:
            continue
        if normalize_doi(text) and re.match(r"^(?:doi:?\s*|https?://(?:dx\.)?doi\.org/)?10\.", text, re.I):
            builder.set_doi(text, source_field="id_number")
        else:
            builder.keep("id_number", text)
    for name in ("official_url", "document_url"):
        for value in fields.get(name, ()):
            text = _text(value)
            if text:
                builder.add_url(text)


def _related_urls(fields: Mapping[str, Sequence[Any]]) -> list[Mapping[str, Any]]:
    """Related URLs as ``{url, type, description}``, from EP3 items or Simple's parallel keys."""
    items = [i for i in fields.get("related_url", ()) if isinstance(i, Mapping)]
    urls = [v for v in fields.get("related_url_url", ()) if isinstance(v, str)]
    types = [v for v in fields.get("related_url_type", ()) if isinstance(v, str)]
    for i, url in enumerate(urls):
        items.append({"url": url, "type": types[i] if i < len(types) else None})
    items.extend({"url": v} for v in fields.get("related_url", ()) if isinstance(v, str))
    return items


def _set_type(builder: RecordBuilder, values: Sequence[Any]) -> None:
    raw = _first(values)
    if not raw:
        return
    code = raw.lower().strip()
    if code not in EPRINT_TYPES:
        code = EPRINT_TYPE_NAMES.get(re.sub(r"\s*\(.*\)\s*$", "", code), code)
    csl = EPRINT_TYPES.get(code)
    if csl:
        builder.set("type", csl)
    builder.keep("type", raw)


def _set_abstract(builder: RecordBuilder, values: Sequence[Any]) -> None:
    texts = [v for v in values if isinstance(v, str) and v.strip()]
    if not texts:
        return
    raw = texts[0]
    markup = has_html(raw)
    builder.set("abstract", raw, html=markup)
    if markup:
        builder.keep("abstract", raw)
    for other in texts[1:]:
        builder.keep("abstract", other)


def _set_keywords(builder: RecordBuilder, values: Sequence[Any]) -> None:
    for value in values:
        if isinstance(value, str):
            for word in split_keywords(value):
                builder.add_keyword(word)


def _set_subjects(builder: RecordBuilder, values: Sequence[Any]) -> None:
    for value in values:
        if isinstance(value, str):
            builder.add_subject(value)  # cleaned there; a blank value adds nothing


_ISSN_SEPARATOR = re.compile(r"[,;]")


def _set_issns(builder: RecordBuilder, values: Sequence[Any]) -> None:
    for value in values:
        text = _text(value)
        if text:
            for part in _ISSN_SEPARATOR.split(text):
                builder.add_issn(part)


#: Fields the handlers below consume (everything else goes to ``extra``).
_CONSUMED = frozenset(
    {
        "eprintid", "type", "title", "abstract", "creators", "creators_name", "creators_id",
        "creators_orcid", "date", "date_type", "datestamp", "publication", "publisher", "volume",
        "number", "pagerange", "issn", "doi", "id_number", "official_url", "related_url",
        "related_url_url", "related_url_type", "document_url", "keywords", "subjects", "rights",
        "institution", "full_text_status", "corp_creators",
    }
)


def map_eprint_fields(builder: RecordBuilder, fields: Mapping[str, Sequence[Any]]) -> None:
    """Map EPrints fields (name -> values, in the shape of EP3 XML or the Simple export).

    Creators are EP3 items (``{name: {family, given}, id, orcid}``) or ``Family, Given`` strings
    with parallel ``creators_id``/``creators_orcid`` lists; related URLs are EP3 items or
    Simple's ``related_url_url``/``related_url_type``. Unmapped fields go to ``extra``.
    """
    _set_plain(builder, "id", "eprintid", fields.get("eprintid", ()))
    _set_type(builder, fields.get("type", ()))
    _set_plain(builder, "title", "title", fields.get("title", ()))
    _set_abstract(builder, fields.get("abstract", ()))
    creators = list(fields.get("creators", ())) or _simple_creators(fields)
    _add_people(builder, creators)
    for value in fields.get("corp_creators", ()):
        for name in value if isinstance(value, list) else [value]:
            organisation = make_corporate(name) if isinstance(name, str) else None
            if organisation is not None:
                builder.people.append(organisation)
    _set_date(builder, fields)
    for value in fields.get("datestamp", ()):
        builder.set_date("date_deposited", _text(value), source_field="datestamp")
    _set_plain(builder, "journal", "publication", fields.get("publication", ()))
    _set_publisher(builder, fields)
    _set_plain(builder, "volume", "volume", fields.get("volume", ()))
    _set_plain(builder, "issue", "number", fields.get("number", ()))
    _set_pages(builder, fields.get("pagerange", ()))
    _set_issns(builder, fields.get("issn", ()))
    _set_identifiers(builder, fields)
    _set_keywords(builder, fields.get("keywords", ()))
    _set_subjects(builder, fields.get("subjects", ()))
    _set_plain(builder, "rights", "rights", fields.get("rights", ()))
    _set_plain(builder, "institution", "institution", fields.get("institution", ()))
    for name, values in fields.items():
        if name in _CONSUMED or name == "documents":
            continue
        if len(values) == 1 and type(values[0]) is str:  # the usual unmapped field: one text
            if values[0]:
                builder.keep(name, values[0])
            continue
        kept = [v for v in values if v not in (None, "", [], {})]
        if kept:
            builder.keep(name, kept[0] if len(kept) == 1 else kept)


def _simple_creators(fields: Mapping[str, Sequence[Any]]) -> list[Any]:
    """Creators from Simple-style parallel lists (``creators_name``, ``creators_id``, ...)."""
    names = [v for v in fields.get("creators_name", ()) if isinstance(v, str)]
    ids = list(fields.get("creators_id", ()))
    orcids = list(fields.get("creators_orcid", ()))
    out: list[Any] = []
    for i, name in enumerate(names):
        family, given = _split_family_given(name)
        out.append(
            {
                "name": {"family": family, "given": given},
                "id": ids[i] if i < len(ids) else None,
                "orcid": orcids[i] if i < len(orcids) else None,
            }
        )
    return out


# --------------------------------------------------------------------------------------------
# Access: documents decide, full_text_status cross-checks.


@attrs.frozen
class DocumentView:
    """One document as far as access goes: what it is (``label``), whether it is main full text
    and whether EPrints derived it, and the access reading of its security."""

    label: str
    signal: AccessSignal
    main: bool = True
    derived: bool = False


def _embargo_key(signal: AccessSignal) -> str:
    last = end_of_period(signal.embargo_end or "")
    return last.isoformat() if last else "9999"


def combine_documents(documents: Iterable[DocumentView]) -> AccessSignal | None:
    """One reading for a set of files: any readable main file makes the item open.

    Derived documents are left out; without main documents every other one counts. Otherwise the
    earliest dated embargo (when the first main file opens) wins, then the most restrictive of
    the rest (``decide``). Returns None when there is no document to judge.
    """
    candidates = [d for d in documents if not d.derived]
    mains = [d for d in candidates if d.main] or candidates
    if not mains:
        return None
    for doc in mains:
        if doc.signal.status == "open":
            return doc.signal
    dated = [d.signal for d in mains if d.signal.embargo_end and d.signal.embargo_end != "permanent"]
    if dated:
        return min(dated, key=_embargo_key)
    access, _ = decide([d.signal for d in mains])
    for doc in mains:
        if doc.signal.status == access.status and doc.signal.embargo_end == access.embargo_end:
            return doc.signal
    return mains[0].signal


def settle_access(
    builder: RecordBuilder,
    primary: Sequence[AccessSignal],
    secondary: Sequence[AccessSignal] = (),
) -> Access:
    """Set the builder's access from ``primary`` (or ``secondary`` when there is no primary
    signal) and flag an ``access_conflict`` when any two of all the signals disagree.

    The evidence lists every signal, so a reader sees both the document reading and the
    status field it was checked against.
    """
    deciding = list(primary) or list(secondary)
    access, conflicts = decide(deciding)
    overall = access
    if primary and secondary:  # else all the signals are the deciding ones, decided above
        overall, conflicts = decide([*primary, *secondary])
    if not conflicts and primary and secondary:
        conflicts = _disagreeing(primary, secondary)
    builder.set_access(access.status, embargo_end=access.embargo_end, evidence=overall.evidence)
    flag_conflicts(builder, access, conflicts)
    return access


def _disagreeing(
    primary: Sequence[AccessSignal], secondary: Sequence[AccessSignal]
) -> list[AccessSignal]:
    """Signals whose reading differs between the two groups. Embargoed and restricted are one
    reading here: ``full_text_status`` has no word for an embargo."""
    ours = {_CLOSED.get(s.status, s.status) for s in primary}
    theirs = [
        s for s in secondary if _CLOSED.get(s.status, s.status) not in ours and s.status != "unknown"
    ]
    if not theirs:
        return []
    return [*primary, *theirs]


_CLOSED = {"embargoed": "restricted"}


def _evidence_label(*parts: str | None) -> str:
    return ", ".join(p for p in parts if p)


#: The scalar fields of an EP3 document that ``extra["documents"]`` keeps, in that order.
_DOCUMENT_KEEP = ("docid", "pos", "format", "formatdesc", "content", "security", "date_embargo",
                  "main", "license", "language", "mime_type", "placement")


class _Ep3Document(NamedTuple):
    """What access, language, licence and ``extra["documents"]`` read of one EP3 document,
    read from its dict once (each step used to clean the same values again)."""

    #: cleaned text of each non-empty scalar field of :data:`_DOCUMENT_KEEP`, in that order
    texts: dict[str, str]
    #: ``<files>`` item URLs (None for an item without one)
    urls: list[str | None]
    #: relation types
    relations: list[str]
    #: derived by EPrints itself (index codes, thumbnails, previews)
    derived: bool
    #: main full text rather than a part of the work (:func:`is_main_document`)
    main: bool


def _ep3_document(doc: Mapping[str, Any]) -> _Ep3Document:
    """The facts of one EP3 document dict (as :func:`_xml_value` or :func:`_xml_document`
    gives it) that the later steps read."""
    texts: dict[str, str] = {}
    for key in _DOCUMENT_KEEP:
        value = doc.get(key)
        if isinstance(value, str):  # _text() inlined: twelve keys a document, a third absent
            text = clean(value)
            if text:
                texts[key] = text
    files = doc.get("files")
    urls = [_text(f.get("url")) for f in files if isinstance(f, Mapping)] if isinstance(files, list) else []
    relations = _relation_types(doc)
    return _Ep3Document(
        texts=texts,
        urls=urls,
        relations=relations,
        derived=any(k.rsplit("/", 1)[-1].lower() in _DERIVED_RELATIONS for k in relations),
        main=is_main_document(texts.get("content"), texts.get("formatdesc")),
    )


def _document_signal(doc: _Ep3Document) -> AccessSignal:
    """The access reading of one EP3 ``<document>``."""
    texts = doc.texts
    security = texts.get("security") or "public"
    label = _evidence_label(
        f"document {texts.get('docid') or texts.get('pos') or '?'}", texts.get("main"), texts.get("content")
    )
    evidence = f"{label}: security={security}"
    embargo = texts.get("date_embargo")
    if security.lower() != "public" and embargo:
        iso = parse_date(embargo)
        if iso:
            return AccessSignal("embargoed", iso, f"{evidence}, date_embargo={embargo}")
    return AccessSignal(_security_status(security), None, evidence)


#: document security value -> access status (:func:`_security_status`)
_SECURITY_STATUS: dict[str, str] = {}


def _security_status(security: str) -> str:
    """The access status of a document ``security`` value (``eprints-security`` vocabulary;
    any other value is ``restricted``). Memoised, bounded: an export uses a handful of
    security levels, read for every document."""
    status = _SECURITY_STATUS.get(security)
    if status is None:
        signal = from_vocabulary(security, scheme="eprints-security")
        status = signal.status if signal else "restricted"
        if len(_SECURITY_STATUS) < 1000:
            _SECURITY_STATUS[security] = status
    return status


def _relation_types(doc: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    relation = doc.get("relation")
    items = relation if isinstance(relation, list) else [relation] if relation else []
    for item in items:
        if isinstance(item, Mapping):
            kind = _text(item.get("type"))
            if kind:
                out.append(kind)
    return out


def is_main_document(content: str | None, description: str | None) -> bool:
    """False for a document that is only a part of the work or an addition to it (by its
    ``content`` value, or by words in its description or rendered label)."""
    if content and content.lower().replace(" ", "") in _PARTIAL_CONTENT:
        return False
    return not (description and _PARTIAL_WORDS.search(description))


def _xml_documents(documents: Sequence[_Ep3Document]) -> list[DocumentView]:
    """The documents' views for :func:`combine_documents`, which leaves derived documents out:
    they get none (an export has several a file: thumbnails, previews, index codes)."""
    views: list[DocumentView] = []
    for doc in documents:
        if doc.derived:
            continue
        signal = _document_signal(doc)
        views.append(DocumentView(label=signal.evidence, signal=signal, main=doc.main, derived=doc.derived))
    return views


def _document_summary(doc: _Ep3Document) -> dict[str, Any]:
    """What ``extra["documents"]`` keeps of one EP3 document."""
    out: dict[str, Any] = dict(doc.texts)
    if any(doc.urls):
        out["urls"] = [u for u in doc.urls if u]
    if doc.relations:
        out["relations"] = list(doc.relations)
    out["derived"] = doc.derived
    return out


def _status_signals(fields: Mapping[str, Sequence[Any]]) -> list[AccessSignal]:
    out: list[AccessSignal] = []
    for value in fields.get("full_text_status", ()):
        text = _text(value)
        if text:
            signal = _full_text_signal(text.lower())
            if signal:
                out.append(signal)
    return out


#: lower-case ``full_text_status`` value -> its signal (None: not in the vocabulary)
_FULL_TEXT_SIGNALS: dict[str, AccessSignal | None] = {}


def _full_text_signal(value: str) -> AccessSignal | None:
    """The signal of a ``full_text_status`` value. Memoised, bounded: the field has three
    values (public, restricted, none) and the signal is immutable and depends on the value
    alone."""
    try:
        return _FULL_TEXT_SIGNALS[value]
    except KeyError:
        signal = from_vocabulary(value, scheme="eprints-full-text", field="full_text_status")
        if len(_FULL_TEXT_SIGNALS) < 1000:
            _FULL_TEXT_SIGNALS[value] = signal
        return signal


def _main_document_facts(builder: RecordBuilder, documents: Sequence[_Ep3Document]) -> None:
    """Language and licence of the readable main documents, when they agree."""
    mains = [d for d in documents if not d.derived and d.main]
    public = [d for d in mains if (d.texts.get("security") or "").lower() == "public"] or mains
    languages = {t for t in (d.texts.get("language") for d in public) if t}
    if len(languages) == 1:
        builder.set_language(languages.pop(), source_field="document_language")
    licences = {t for t in (d.texts.get("license") for d in public) if t and t.lower() != "other"}
    if len(licences) == 1:
        builder.set("license", licences.pop())


# --------------------------------------------------------------------------------------------
# EP3 XML


#: element tag -> local name; "" for comments and processing instructions (whose ``tag`` is a
#: function). Memoised: an export uses a few dozen tags, read for every element.
class _TagNames(dict[Any, str]):
    """Element tag -> local name ("" for a comment or processing instruction), worked out the
    first time a tag is met: ``names[tag]`` is then a plain dict lookup in the loops that read
    every element of an export. Bounded: past 10,000 tags, new ones are worked out each time."""

    def __missing__(self, tag: Any) -> str:
        name = local_name(tag)
        if len(self) < 10_000:
            self[tag] = name
        return name


_EP3_NAMES = _TagNames()


def _xml_value(element: Any) -> Any:
    """An EP3 element as plain data: text, a list (``<item>`` children) or a dict (a repeated
    child name collects its values in a list).

    Written for speed, as this reads every element of an export: a leaf child's value is read
    in the loop rather than by a call, and the two usual shapes, only ``<item>`` children (a
    list) or children of distinct names (a dict), are built as the children are read. At the
    first child that breaks them (a repeated name, items beside other names) the values read
    so far and the remaining children go to :func:`_mixed_value` (each child is read once)."""
    if len(element) == 0:  # a leaf (most elements): no child to look at
        return element.text or ""
    known = _EP3_NAMES
    out: dict[str, Any] = {}
    items: list[Any] | None = None
    children = iter(element)
    for child in children:
        name = known[child.tag]
        if not name:
            continue
        value = (child.text or "") if len(child) == 0 else _xml_value(child)
        if name == "item" and not out:
            if items is None:
                items = []
            items.append(value)
        elif items is None and name not in out:
            out[name] = value
        else:
            names = ["item"] * len(items) if items is not None else list(out)
            values = items if items is not None else list(out.values())
            names.append(name)
            values.append(value)
            return _mixed_value(names, values, children)
    if items is not None:
        return items
    return out if out else (element.text or "")


def _mixed_value(names: list[str], values: list[Any], rest: Iterator[Any]) -> Any:
    """The value of an element whose first children (``names``, ``values``) are neither all
    ``<item>``s nor all distinct, reading its ``rest`` children: a dict where a repeated
    name collects its values in a list."""
    known = _EP3_NAMES
    for child in rest:
        name = known[child.tag]
        if name:
            names.append(name)
            values.append((child.text or "") if len(child) == 0 else _xml_value(child))
    out: dict[str, Any] = {}  # (never all items: the first children were not)
    for name, value in zip(names, values, strict=True):
        if name in out:
            current = out[name]
            out[name] = [*current, value] if isinstance(current, list) else [current, value]
        else:
            out[name] = value
    return out


#: Fields of an EP3 ``<document>`` that :func:`_ep3_document` reads.
_DOCUMENT_READ = frozenset({*_DOCUMENT_KEEP, "relation", "files"})


def _xml_document(element: Any) -> dict[str, Any] | None:
    """The fields of one ``<document>`` that :func:`_ep3_document` reads, as :func:`_xml_value`
    gives them, without converting the rest (file records, revision numbers: half a record's
    elements). ``files`` is left out unless it is a list of ``<item>``s, the one shape read.
    None when the element is not a plain dict of distinct names (a repeated name, or only
    ``<item>`` children): :func:`_xml_value` then reads it whole."""
    out: dict[str, Any] = {}
    seen: set[str] = set()
    known = _EP3_NAMES
    for child in element:
        name = known[child.tag]
        if not name:
            continue
        if name in seen:
            return None
        seen.add(name)
        if name not in _DOCUMENT_READ:
            continue
        if name == "files":
            if _holds_items(child):  # else not a list: its file records are never read
                out[name] = _xml_value(child)
        elif len(child) == 0:
            out[name] = child.text or ""
        else:
            out[name] = _xml_value(child)
    if not seen or seen == {"item"}:
        return None
    return out


def _holds_items(element: Any) -> bool:
    """Whether :func:`_xml_value` makes a list of ``element``: it has child elements, all
    ``<item>``s. Reads only the children's names."""
    names = [name for name in (_EP3_NAMES[child.tag] for child in element) if name]
    return bool(names) and names.count("item") == len(names)


def _xml_documents_field(element: Any) -> list[Any]:
    """The documents of a ``<documents>`` element (each a dict, as far as it is one).

    The usual shape, ``<document>`` children that are each a plain dict, is read by
    :func:`_xml_document`; anything else by :func:`_xml_value` as a whole."""
    docs: list[Any] = []
    for child in element:
        name = _EP3_NAMES[child.tag]
        if not name:
            continue
        doc = _xml_document(child) if name == "document" else None
        if doc is None:
            break
        docs.append(doc)
    else:
        if docs:
            return docs
    value = _xml_value(element)
    if isinstance(value, dict) and "document" in value:
        inner = value["document"]
        return inner if isinstance(inner, list) else [inner]
    return value if isinstance(value, list) else [value] if isinstance(value, dict) else []


def _xml_fields(element: Any) -> dict[str, list[Any]]:
    """The children of an ``<eprint>`` as field name -> values."""
    fields: dict[str, list[Any]] = {}
    known = _EP3_NAMES
    for child in element:
        name = known[child.tag]
        if not name:
            continue
        if len(child) == 0:  # most fields: one text
            values = fields.get(name)
            if values is None:
                fields[name] = [child.text or ""]
            else:
                values.append(child.text or "")
            continue
        if name == "documents":
            fields.setdefault(name, []).extend(_xml_documents_field(child))
            continue
        value = _xml_value(child)
        if isinstance(value, list):
            fields.setdefault(name, []).extend(value)
        else:
            fields.setdefault(name, []).append(value)
    return fields


class EprintsXmlParser(Parser):
    """EP3 XML exports: ``<eprints xmlns="http://eprints.org/ep2/data/2.0"><eprint>...``."""

    name = "eprints-xml"
    title = "EPrints 3 XML export (EP3 XML, one or many eprints)"
    media_types = ("application/xml", "text/xml")
    patterns = ("*.xml", "*.ep3", "*.ep3.xml")
    field_map: ClassVar[dict[str, str]] = EPRINT_FIELD_MAP
    #: ``split`` only frames ``<eprint>`` chunks; the root start tag is the range prologue.
    splittable = True

    def sniff(self, head: bytes) -> float:
        if not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            return 0.0
        if EP_NAMESPACE.encode() in head and b"<eprint" in head:
            return 0.95
        if re.search(rb"<eprints[\s>]", head) and b"<eprintid>" in head:
            return 0.8
        return 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        splitter = XmlSplitter(inp, tags={"eprint"}, parser_name=self.name)
        for chunk in splitter:
            if isinstance(chunk, Failure):
                yield chunk
                continue
            position = Position(inp.name, chunk.number, chunk.line, chunk.offset)
            yield RawRecord(chunk, position, context=splitter)

    def frame_positions(self, inp: Input) -> Iterator[Position | Failure]:
        """Framing only, for the parallel planner: ``split``'s positions without its chunks
        (see :meth:`Parser.frame_positions` and :func:`recordparse.xmlsafe.frame_spans`)."""
        splitter = XmlSplitter(inp, tags={"eprint"}, parser_name=self.name)
        for number, line, offset in frame_spans(splitter):
            yield Position(inp.name, number, line, offset)

    def map(self, raw: RawRecord) -> Record:
        chunk: XmlChunk = raw.data
        repairs: list[str] = []
        decoding: list[str] = []
        element = parse_chunk(chunk, raw.context, raw.position, self.name, repairs, decoding=decoding)
        fields = _xml_fields(element)
        builder = RecordBuilder(self.name, may_hold_surrogates=False)
        flag_repairs(builder, repairs)
        flag_decoding(builder, decoding)
        builder.add_url(element.get("id"))  # cleaned there; None or blank adds nothing
        map_eprint_fields(builder, fields)
        documents = [_ep3_document(d) for d in fields.get("documents", ()) if isinstance(d, Mapping)]
        if documents:
            builder.keep("documents", [_document_summary(d) for d in documents])
            _main_document_facts(builder, documents)
        docs_signal = combine_documents(_xml_documents(documents))
        settle_access(builder, [docs_signal] if docs_signal else [], _status_signals(fields))
        return builder.build()


# --------------------------------------------------------------------------------------------
# Simple Metadata export

_SIMPLE_KEY = re.compile(r"^([a-z][a-z0-9_]*): ?(.*)$")
#: Keys only the Simple export (and the eprints.* meta tags) uses.
_SIMPLE_MARKERS = (
    b"eprintid", b"creators_name", b"full_text_status", b"ispublished", b"date_type",
    b"document_url", b"eprint_status", b"metadata_visibility", b"datestamp", b"official_url",
)


def check_record_size(inp: Input, lines: Sequence[TextLine], limit: int = _HTML_LIMIT) -> None:
    """Raise :class:`~recordparse.errors.LimitExceeded` when the lines held for one record pass
    ``limit`` bytes: no record of these formats is that long, so the input is not one of them
    and would otherwise be held in memory whole. Checked every 1024 lines."""
    if len(lines) % 1024 == 0 and lines and lines[-1].offset - lines[0].offset > limit:
        raise LimitExceeded(inp.name, f"record starting at line {lines[0].number} is larger than {limit} bytes")


def parse_simple(text: str) -> dict[str, list[Any]]:
    """``key: value`` lines to field name -> values; other lines continue the previous value."""
    fields: dict[str, list[Any]] = {}
    key: str | None = None
    for line in text.split("\n"):
        match = _SIMPLE_KEY.match(line)
        if match:
            key = match.group(1)
            fields.setdefault(key, []).append(match.group(2))
        elif key is not None:
            values = fields[key]
            values[-1] = f"{values[-1]}\n{line}"
    for values in fields.values():
        for i, value in enumerate(values):
            values[i] = value.strip("\n")
    return fields


class EprintsSimpleParser(Parser):
    """The EPrints Simple Metadata export: ``key: value`` lines, blank line between records."""

    name = "eprints-simple"
    title = "EPrints Simple Metadata export (key: value lines)"
    media_types = ("text/plain",)
    patterns = ("*.txt",)
    field_map: ClassVar[dict[str, str]] = EPRINT_FIELD_MAP

    def sniff(self, head: bytes) -> float:
        if head.lstrip()[:1] in (b"<", b"{", b"["):
            return 0.0
        keys = set(re.findall(rb"(?m)^([a-z][a-z0-9_]*): ", head))
        found = sum(1 for k in _SIMPLE_MARKERS if k in keys)
        if found >= 3:
            return 0.9
        if found == 2 and b"title" in keys:
            return 0.6
        return 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        lines: list[TextLine] = []
        blank = False
        number = 0
        for line in iter_lines(inp):
            if not line.text.strip():
                blank = bool(lines)
                if lines:
                    lines.append(line)
                continue
            if blank and _SIMPLE_KEY.match(line.text):
                number += 1
                yield self._raw(inp, lines, number)
                lines = []
            blank = False
            lines.append(line)
            check_record_size(inp, lines)
        if lines:
            number += 1
            yield self._raw(inp, lines, number)

    @staticmethod
    def _raw(inp: Input, lines: list[TextLine], number: int) -> RawRecord:
        text = "\n".join(line.text for line in lines).rstrip("\n")
        first = lines[0]
        return RawRecord(text, Position(inp.name, number, first.number, first.offset))

    def map(self, raw: RawRecord) -> Record:
        text: str = raw.data
        first = text.split("\n", 1)[0]
        if not _SIMPLE_KEY.match(first):
            raise self.fail(raw, f"not a 'key: value' line: {first[:80]!r}", kind="syntax")
        fields = parse_simple(text)
        builder = RecordBuilder(self.name, may_hold_surrogates=False)
        map_eprint_fields(builder, fields)
        settle_access(builder, _simple_document_signals(fields), _status_signals(fields))
        return builder.build()


def _simple_document_signals(fields: Mapping[str, Sequence[Any]]) -> list[AccessSignal]:
    """The Simple export lists every document's URL, restricted ones too: none means no full
    text in the repository; some say nothing about whether they can be read."""
    if fields.get("document_url"):
        return []
    if fields.get("full_text_status"):
        return []
    return [AccessSignal("metadata_only", None, "no document_url")]


# --------------------------------------------------------------------------------------------
# Pages (HTML and text): lines, document blocks, metadata table.

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "option", "p", "pre", "section", "table", "tbody", "td",
        "th", "thead", "tr", "ul",
    }
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "svg", "select"})


#: node.tag -> lower-case local name ("" for comments and the like), memoised: a page has a
#: few dozen distinct tags and thousands of elements
_TAG_NAMES: dict[Any, str] = {}


def _tag_name(tag: Any) -> str:
    name = _TAG_NAMES.get(tag)
    if name is None:
        name = local_name(tag).lower() if isinstance(tag, str) else ""
        if len(_TAG_NAMES) < 10_000:
            _TAG_NAMES[tag] = name
    return name


def _tag(node: Any) -> str:
    return _tag_name(node.tag)


#: What :func:`page_lines` does with a node, by kind: an element that breaks lines, one whose
#: subtree is left out, any other element, and a comment or processing instruction.
_BLOCK, _SKIP, _INLINE, _NODE = "block", "skip", "inline", "node"
#: node.tag -> kind (memoised like :data:`_TAG_NAMES`)
_TAG_KINDS: dict[Any, str] = {}


def _tag_kind(tag: Any) -> str:
    name = _tag_name(tag)
    kind = _SKIP if name in _SKIP_TAGS else _BLOCK if name in _BLOCK_TAGS else _INLINE if name else _NODE
    if len(_TAG_KINDS) < 10_000:
        _TAG_KINDS[tag] = kind
    return kind


def page_lines(element: Any) -> list[str]:
    """The visible text of an HTML element as lines: block elements and ``<br>`` break lines
    (line breaks inside text do not), scripts and styles are left out, whitespace is cleaned,
    empty lines dropped.

    One walk over the subtree's start and end events; the text is joined with a break mark and
    cleaned line by line. (An XSLT transform would do the walk in C, 0.2 ms a page faster, but
    recordparse keeps libxslt out of reach of hostile pages: ``tests/adversarial/test_audit.py``.)
    The walk is the cost of a page (it meets every element twice), so it does little per
    event: one look-up classifies a tag (:func:`_tag_kind`), a skipped element's subtree is
    not walked at all (``skip_subtree``; its end event still comes, for its tail), and the
    lines are cleaned by ``map`` over the non-empty pieces.
    """
    parts: list[str] = []
    append = parts.append
    kinds = _TAG_KINDS
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        tag = node.tag
        kind = kinds.get(tag)
        if kind is None:
            kind = _tag_kind(tag)
        if event == "start":
            if kind is _SKIP:
                walker.skip_subtree()  # the next event is this element's end
                continue
            if kind is _BLOCK:
                append(_BREAK)
            if kind is not _NODE:
                text = node.text
                if text:
                    append(text)
            continue
        if kind is _BLOCK:
            append(_BREAK)
        if node is not element:
            tail = node.tail
            if tail:
                append(tail)
    return [line for line in map(clean, filter(None, "".join(parts).split(_BREAK))) if line]


_BREAK = "\x00"


_LABEL_RE = re.compile(
    r"^(?P<label>" + "|".join(re.escape(k) for k in sorted(PAGE_LABELS, key=len, reverse=True))
    + r")\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)


#: The length of the longest label of :data:`PAGE_LABELS`.
_LONGEST_LABEL = max(map(len, PAGE_LABELS))

#: A ``Label: value`` row with a label the tables do not know (site-local fields).
_OTHER_LABEL = re.compile(r"^([A-Z][^:]{1,48}?)\s*:\s+(\S.*)$")


def _label_of(line: str) -> tuple[str, str] | None:
    """``(field, value)`` of a ``Label: value`` row with a known label, else None.

    Fast path: a label holds no colon, so a row's label is the text before its first colon; for
    an ASCII label on a one-line row a dict look-up of it answers what :data:`_LABEL_RE` would
    (its ``\\s`` and case-folding then mean rstrip() and lower()). Other lines take the regex:
    case-folding pairs some non-ASCII letters with ASCII ones, and ``.`` stops at a new line.
    """
    label, colon, value = line.partition(":")
    if not colon:
        return None
    stem = label.rstrip()
    if len(stem) > _LONGEST_LABEL:  # the regex matches a label character for character
        return None
    if stem.isascii() and "\n" not in line:
        field = PAGE_LABELS.get(stem.lower())
        return None if field is None else (field, value.strip())
    match = _LABEL_RE.match(line)
    if not match:
        return None
    return PAGE_LABELS[match.group("label").lower()], match.group("value").strip()


#: Rows that open the metadata table when met before the abstract heading.
_TABLE_STARTERS = frozenset(
    {"type", "creators_name", "title", "datestamp", "uri", "full_text_status", "userid",
     "divisions", "subjects", "publication", "ispublished"}
)


@attrs.define
class PageParts:
    """An abstract page cut into its parts (lines already cleaned)."""

    before: list[str] = attrs.field(factory=list)
    abstract: list[str] = attrs.field(factory=list)
    table: list[tuple[str, str]] = attrs.field(factory=list)
    after: list[str] = attrs.field(factory=list)


def cut_page(lines: Sequence[str]) -> PageParts:
    """Split page lines into the part before the abstract, the abstract, the metadata table
    (``Label: value`` rows, a value may continue on following lines or sit on the next line
    after an empty label) and what follows the ``URI:`` row."""
    parts = PageParts()
    state = "before"
    for line in lines:
        if state == "after":  # the footer: no row is read there
            parts.after.append(line)
            continue
        row = _label_of(line) if ":" in line else None  # (a row has a colon; most lines do not)
        if row and (state == "abstract" or (state == "before" and row[0] in _TABLE_STARTERS)):
            state = "table"
        if state == "before" and line.strip().lower().rstrip(":") in _ABSTRACT_HEADINGS:
            state = "abstract"
            continue
        if state == "before" and row and row[0] == "official_url":
            parts.table.append(row)
            continue
        if state == "before":
            parts.before.append(line)
        elif state == "abstract":
            parts.abstract.append(line)
        elif state == "table":
            other = None if row else _OTHER_LABEL.match(line)
            if row:
                parts.table.append(row)
                if row[0] == "uri" and row[1]:
                    state = "after"
            elif other:
                # A row whose label no table knows: its own field, never the previous row's value.
                parts.table.append((f"label:{other.group(1).strip()}", other.group(2).strip()))
            elif parts.table:
                name, value = parts.table[-1]
                parts.table[-1] = (name, f"{value}\n{line}" if value else line)
                if name == "uri":
                    state = "after"
        else:
            parts.after.append(line)
    return parts


def _table_fields(table: Sequence[tuple[str, str]], builder: RecordBuilder) -> dict[str, list[Any]]:
    """Rendered table values to stored-value form (types, date types, names, lists)."""
    fields: dict[str, list[Any]] = {}
    for name, value in table:
        if not value.strip():
            continue
        if name.startswith("label:"):
            builder.keep(name[6:], clean(value))
            continue
        if name == "creators_name":
            fields.setdefault("creators_name", []).extend(split_rendered_names(value, builder))
        elif name in ("subjects", "divisions", "related_url"):
            fields.setdefault(name, []).extend(v for v in (clean(x) for x in value.split("\n")) if v)
        elif name == "ispublished":
            fields.setdefault(name, []).append(_ISPUBLISHED_NAMES.get(value.strip().lower(), value))
        else:
            fields.setdefault(name, []).append(value if name == "note" else clean(value) or "")
    return fields


def split_rendered_names(value: str, builder: RecordBuilder | None = None) -> list[str]:
    """``Sale, AHJ, Smith, J and Jones, K`` -> three ``Family, Given`` names.

    EPrints joins ``Family, Given`` names with ``, `` and a final ``and``: the commas are paired
    up. An odd number of comma-separated parts cannot be paired safely; the parts are then kept
    as they are and the builder is told (``ambiguous_field``).
    """
    names: list[str] = []
    for piece in re.split(r"\s+and\s+|\s*;\s*|\n", value):
        parts = [p for p in (clean(x) for x in piece.split(",")) if p]
        if len(parts) <= 2:
            if parts:
                names.append(", ".join(parts))
            continue
        if len(parts) % 2:
            names.extend(parts)
            if builder is not None:
                builder.flag("ambiguous_field", "creator names cannot be paired safely", [piece], field="authors")
            continue
        names.extend(f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2))
    return names


def _line_blocks(lines: Sequence[str]) -> tuple[list[list[str]], list[str]]:
    """Document blocks (each ending at its ``Download (size)`` line and the lines that belong to
    it) and the remaining page-level lines, from the part of a page before the abstract."""
    blocks: list[list[str]] = []
    loose: list[str] = []
    current: list[str] = []
    closed = False
    for line in lines:
        if closed and not _block_tail(line):
            blocks.append(current)
            current, closed = [], False
        current.append(line)
        if _DOWNLOAD_SIZE.search(line):
            closed = True
    if closed:
        blocks.append(current)
    elif current:
        loose.extend(current)
    if blocks:
        # Lines before the first document (title, citation) are page-level, not document lines.
        head, first = _split_block_head(blocks[0])
        loose = head + loose
        blocks[0] = first
    return blocks, loose


def _block_tail(line: str) -> bool:
    """Lines that follow a ``Download`` line within the same document block."""
    if line.startswith("|") or line.lower().startswith(("available under", "preview")):
        return True
    signal = classify_text(line)
    return signal is not None and signal.status != "open"


def _split_block_head(block: list[str]) -> tuple[list[str], list[str]]:
    """Cut the title/citation lines off the first document block. Walking up from its
    ``Download`` line, the block starts at a format line (``PDF (Front Matter)``), or just below
    the citation paragraph (the first line up that carries a year)."""
    download = next(i for i, line in enumerate(block) if _DOWNLOAD_SIZE.search(line))
    start = 0
    for i in range(download, -1, -1):
        if _looks_like_format(block[i]):
            start = i
            break
        if i < download and _CITATION_YEAR.search(block[i]):
            start = i + 1
            break
    return block[:start], block[start:]


_FORMAT_WORDS = re.compile(
    r"^(?:pdf|text|html|microsoft|word|rtf|image|video|audio|archive|zip|spreadsheet|excel|"
    r"powerpoint|presentation|other|xml|plain|postscript|epub|mp4|mp3|jpeg|png|tiff|"
    r"application/|text/|image/|video/|audio/)",
    re.IGNORECASE,
)


def _looks_like_format(line: str) -> bool:
    return bool(_FORMAT_WORDS.match(line.strip()))


def document_view(lines: Sequence[str]) -> DocumentView:
    """A page's document block: restriction lines make it restricted (or embargoed with a date);
    a block without any is a public document (the page prints one for every non-public file)."""
    signals = [s for s in (classify_text(line) for line in lines) if s and s.status != "open"]
    label = " ".join(lines[:2])
    signal: AccessSignal
    if signals:
        dated = [s for s in signals if s.embargo_end]
        signal = dated[0] if dated else signals[0]
        signal = AccessSignal(signal.status, signal.embargo_end, f"{label}: {signal.evidence}")
    else:
        signal = AccessSignal("open", None, f"{label}: no restriction shown")
    head = " ".join(lines[:2])
    return DocumentView(label=label, signal=signal, main=is_main_document(None, head))


def _page_signals(
    loose: Sequence[str], exclude: Iterable[str]
) -> list[AccessSignal]:
    """Access lines outside document blocks (``Full text not available ...``, ``Request a copy``,
    ``Full text restricted``). Open wordings are ignored: on EPrints only documents open an item.
    Lines holding the title or citation are skipped."""
    skip = [e.casefold() for e in exclude if e and len(e) >= 8]
    out: list[AccessSignal] = []
    for line in loose:
        folded = line.casefold()
        if any(s in folded for s in skip):
            continue
        signal = classify_text(line)
        if signal and signal.status != "open" and signal not in out:
            out.append(signal)
    return out


def _page_title(parts: PageParts, fields: Mapping[str, Sequence[Any]]) -> tuple[str | None, str | None]:
    """The title and the citation line of a text page.

    A ``Title:`` row wins. Otherwise the heading is the first line that a later line (the
    citation paragraph) repeats; a heading's trailing full stop is dropped.
    """
    before = parts.before
    title = _first(fields.get("title", ()))
    citation = None
    if title:
        citation = next((line for line in before if title in line and line != title), None)
        return title, citation
    for i, line in enumerate(before):
        stem = line.rstrip(".").strip()
        if len(stem) < 5:
            continue
        later = next((x for x in before[i + 1 : i + 4] if stem in x and x != line), None)
        if later:
            return stem, later
    return None, None


def _citation_authors(citation: str) -> list[str]:
    """Authors from a citation paragraph: the part before ``(YYYY)``."""
    match = _CITATION_YEAR.search(citation)
    if not match:
        return []
    return split_rendered_names(citation[: match.start()])


def map_page(builder: RecordBuilder, lines: Sequence[str]) -> None:
    """Map the visible lines of an abstract page (a text rendering): metadata table, title and
    citation, abstract, and access from the document blocks and page lines."""
    parts = cut_page(lines)
    fields = _table_fields(parts.table, builder)
    title, citation = _page_title(parts, fields)
    if title and not fields.get("title"):
        fields["title"] = [title]
    if citation:
        builder.keep("citation", citation)
        if not any(fields.get(k) for k in ("creators_name", "corp_creators")):
            authors = _citation_authors(citation)
            if authors:
                fields["creators_name"] = authors
    if parts.abstract and not fields.get("abstract"):
        fields["abstract"] = ["\n".join(parts.abstract)]
    uri = _first(fields.pop("uri", []))
    if uri:
        builder.add_url(uri)
        match = re.search(r"/(?:id/eprint/)?(\d+)/?$", uri)
        if match and not fields.get("eprintid"):
            fields["eprintid"] = [match.group(1)]
    map_eprint_fields(builder, fields)
    settle_page_access(builder, parts.before, None, fields, [t for t in (title, citation) if t])


def settle_page_access(
    builder: RecordBuilder,
    before: Sequence[str],
    blocks: Sequence[Sequence[str]] | None,
    fields: Mapping[str, Sequence[Any]],
    exclude: Sequence[str],
) -> None:
    """Access of an abstract page: the document blocks (given, or found in the lines before the
    abstract) decide; without any, the page lines do (``Full text not available ...``); the
    ``full_text_status`` field is checked against them. Lines holding ``exclude`` (title,
    citation) are not read for access words."""
    if blocks:
        loose = _remove_lines(list(before), blocks)
    else:
        blocks, loose = _line_blocks(before)
    views = [document_view(b) for b in blocks]
    if views:
        builder.keep("documents", [v.signal.evidence for v in views])
    docs = combine_documents(views)
    page = _page_signals(loose, exclude)
    settle_access(builder, [docs] if docs else page, [*_status_signals(fields), *(page if docs else [])])


# --------------------------------------------------------------------------------------------
# HTML abstract pages


def meta_tags(root: Any) -> list[tuple[str, str]]:
    """Every ``<meta name|property=... content=...>`` as ``(name, content)``, in page order."""
    out: list[tuple[str, str]] = []
    for meta in root.iter("meta"):
        name = meta.get("name") or meta.get("property")
        content = meta.get("content")
        if name and content is not None:
            out.append((name.strip(), content))
    return out


def _meta_fields(metas: Sequence[tuple[str, str]]) -> dict[str, list[Any]]:
    """The ``eprints.*`` tags as EPrints fields."""
    fields: dict[str, list[Any]] = {}
    for name, content in metas:
        if name.lower().startswith("eprints."):
            fields.setdefault(name[8:], []).append(content)
    return fields


def _by_name(metas: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, content in metas:
        out.setdefault(name.lower(), []).append(content)
    return out


#: ``citation_*`` tag -> EPrints field, used when the page has no ``eprints.*`` value for it.
_CITATION_FIELDS: dict[str, str] = {
    "citation_title": "title",
    "citation_author": "creators_name",
    "citation_journal_title": "publication",
    "citation_publisher": "publisher",
    "citation_volume": "volume",
    "citation_issue": "number",
    "citation_issn": "issn",
    "citation_isbn": "isbn",
    "citation_doi": "doi",
    "citation_keywords": "keywords",
    "citation_online_date": "datestamp",
    "citation_dissertation_institution": "institution",
    "citation_technical_report_institution": "institution",
    "citation_abstract": "abstract",
}
#: ``DC.*`` tag -> EPrints field (last resort).
_DC_FIELDS: dict[str, str] = {
    "dc.title": "title",
    "dc.creator": "creators_name",
    "dc.description": "abstract",
    "dc.publisher": "publisher",
    "dc.subject": "subjects",
}


def _fill_from(
    fields: dict[str, list[Any]], tags: Mapping[str, list[str]], table: Mapping[str, str]
) -> set[str]:
    """Copy tag values into fields that are still empty; return the tag names used."""
    used: set[str] = set()
    for tag, field in table.items():
        values = [v for v in tags.get(tag, []) if v.strip()]
        if not values:
            continue
        have = {_text(v) for v in fields.get(field, ()) if _text(v)}
        if not have:
            fields[field] = list(values)
            used.add(tag)
        elif {_text(v) for v in values} <= have:
            used.add(tag)  # the same values again: nothing to keep
    return used


def _html_fields(metas: Sequence[tuple[str, str]], builder: RecordBuilder) -> dict[str, list[Any]]:
    """EPrints fields from the head: ``eprints.*`` first, then ``citation_*``, then ``DC.*``.

    Tags that no table maps stay in ``extra`` under their own name; ``DC.identifier`` (the whole
    citation), ``DC.rights`` (document licences), ``DC.type`` (type and peer-review status) and
    ``citation_pdf_url`` (emitted for restricted documents too) are kept there as evidence.
    """
    fields = _meta_fields(metas)
    tags = _by_name(metas)
    used = _fill_from(fields, tags, _CITATION_FIELDS) | _fill_from(fields, tags, _DC_FIELDS)
    if "citation_firstpage" in tags and "pagerange" not in fields:
        first = tags["citation_firstpage"][0]
        last = (tags.get("citation_lastpage") or [""])[0]
        fields["pagerange"] = [f"{first}-{last}" if last else first]
    used |= {"citation_firstpage", "citation_lastpage"}
    if "date" not in fields and "citation_publication_date" in tags:
        fields["date"] = tags["citation_publication_date"][:1]
        fields["date_type"] = ["published"]
    used.add("citation_publication_date")
    licences = {v.strip() for v in tags.get("dc.rights", []) if v.strip()}
    if len(licences) == 1:
        builder.set("license", licences.pop())
    languages = {v.strip() for v in tags.get("dc.language", []) if v.strip()}
    if len(languages) == 1:
        builder.set_language(languages.pop(), source_field="DC.language")
    for name, content in metas:
        lower = name.lower()
        if lower.startswith("eprints.") or lower in used or not content.strip():
            continue
        builder.keep(name, content)
    return fields


def _class_holders(name: str) -> Any:
    """A compiled XPath for the ``class`` attributes (of the context element and its
    descendants, in document order) that contain ``name`` as a substring; each result's
    ``getparent()`` is its element, and the caller checks the class list. It picks the few
    candidates in C instead of reading every element's class in Python (selecting the
    attributes is cheaper in libxml2 than testing a predicate on every element)."""
    return etree.XPath(f"descendant-or-self::*/@class[contains(., '{name}')]")


_SUMMARY_CONTENT = _class_holders("ep_summary_content")
_PAGE_DOCUMENT = _class_holders("ep_summary_page_document")
_DOCUMENT_CITATION = _class_holders("ep_document_citation")


def _content_area(root: Any) -> Any:
    """The main content of an abstract page (``ep_summary_content_main``), else the body."""
    for attribute in _SUMMARY_CONTENT(root):
        classes = attribute.split()
        if "ep_summary_content_main" in classes or "ep_summary_content" in classes:
            return attribute.getparent()
    body = root.find("body")
    return body if body is not None else root


def _html_documents(area: Any) -> list[list[str]]:
    """Document blocks of an HTML page: ``ep_summary_page_document`` elements (EPrints 3.4), or
    the table rows / divs around ``ep_document_citation`` spans (3.2/3.3 themes)."""
    blocks: list[list[str]] = []
    seen: list[Any] = []
    for attribute in _PAGE_DOCUMENT(area):
        if "ep_summary_page_document" in attribute.split():
            node = attribute.getparent()
            lines = page_lines(node)
            if lines:
                blocks.append(lines)
                seen.append(node)
    if blocks:
        return blocks
    for attribute in _DOCUMENT_CITATION(area):
        if "ep_document_citation" not in attribute.split():
            continue
        span = attribute.getparent()
        container = span
        for ancestor in span.iterancestors():
            if _tag(ancestor) in ("tr", "li") or "ep_document" in (ancestor.get("class") or ""):
                container = ancestor
                break
        if any(container is s for s in seen):
            continue
        seen.append(container)
        lines = page_lines(container)
        if lines:
            blocks.append(lines)
    return blocks


def _remove_lines(lines: Sequence[str], blocks: Sequence[Sequence[str]]) -> list[str]:
    """The page lines that are not part of any document block."""
    remaining = list(lines)
    for block in blocks:
        for line in block:
            if line in remaining:
                remaining.remove(line)
    return remaining


class EprintsHtmlParser(PageParser):
    """EPrints abstract pages: head meta tags plus the visible document access lines."""

    name = "eprints-html"
    title = "EPrints abstract (summary) page, HTML"
    media_types = ("text/html", "application/xhtml+xml")
    patterns = ("*.html", "*.htm")
    field_map: ClassVar[dict[str, str]] = {
        **{f"eprints.{k}": v for k, v in EPRINT_FIELD_MAP.items() if k != "documents"},
        **{k: f"{v} (when no eprints.* tag)" for k, v in _CITATION_FIELDS.items()},
        **{k.replace("dc.", "DC."): f"{v} (last resort)" for k, v in _DC_FIELDS.items()},
        "document blocks": "access",
    }

    def sniff(self, head: bytes) -> float:
        lower = head[:65536].lower()
        if b"<html" not in lower and b"<meta" not in lower:
            return 0.0
        if b'name="eprints.' in lower or b"name='eprints." in lower:
            return 0.95
        if re.search(rb'<meta[^>]+name=["\']generator["\'][^>]+content=["\']eprints', lower) or re.search(
            rb'<meta[^>]+content=["\']eprints[^>]+name=["\']generator', lower
        ):
            return 0.9
        if b"ep_summary_content" in lower or b"ep_document_citation" in lower or b"/cgi/request_doc" in lower:
            return 0.85
        return 0.0

    html_elements = False  # plain etree elements: the page walks below touch every node

    def map(self, raw: RawRecord) -> Record:
        # Every value comes out of lxml, which never makes lone surrogates; only a decoding
        # note (raw.context, flagged by parse_page) is text of another origin.
        builder = RecordBuilder(self.name, may_hold_surrogates=bool(raw.context))
        root = self.parse_page(raw, builder)
        metas = meta_tags(root)
        fields = _html_fields(metas, builder)
        area = _content_area(root)
        parts = cut_page(page_lines(area))
        table = _table_fields(parts.table, builder)
        uri = _first(table.pop("uri", []))
        if uri:
            builder.add_url(uri)
        for name, values in table.items():
            fields.setdefault(name, values)  # rows the head tags do not carry
        map_eprint_fields(builder, fields)
        exclude = [t for t in (builder.get("title"), _first(fields.get("citation", ()))) if t]
        settle_page_access(builder, parts.before, _html_documents(area), fields, exclude)
        return builder.build()


# --------------------------------------------------------------------------------------------
# Text renderings of abstract pages

#: Footer lines of an abstract page: they close the page before them, not open the next.
_FOOTER = re.compile(
    r"^(?:actions\s*\(login required\)|item control page|repository staff only|"
    r"downloads per month over past year|view item|edit item|downloads)\b",
    re.IGNORECASE,
)
_TEXT_MARKERS = (
    "item type", "depositing user", "date deposited", "last modified", "uncontrolled keywords",
    "full text status", "authors/creators", "divisions", "official url", "page range",
    "journal or publication title", "copyright information", "refereed", "uri",
)


class EprintsTextParser(Parser):
    """Text renderings of EPrints abstract pages, one or several pages per file."""

    name = "eprints-text"
    title = "EPrints abstract page, text rendering"
    media_types = ("text/plain",)
    patterns = ("*.txt",)
    field_map: ClassVar[dict[str, str]] = {
        **{label: EPRINT_FIELD_MAP.get(field, f"extra[{field}]") for label, field in PAGE_LABELS.items()},
        "document blocks": "access",
    }

    def sniff(self, head: bytes) -> float:
        text = head[:65536].decode("utf-8", "replace")
        if text.lstrip()[:1] in ("<", "{", "["):
            return 0.0
        labels = {
            m.group(1).lower()
            # ``[ \t]*``, not ``\s*``: after ``^`` in multi-line mode, ``\s*`` runs on over every
            # following blank line and back again, quadratic on a head of blank lines (70 s)
            for m in re.finditer(r"(?im)^[ \t]*(" + "|".join(re.escape(k) for k in _TEXT_MARKERS) + r")[ \t]*:", text)
        }
        strong = labels & {"item type", "depositing user", "date deposited", "full text status"}
        score = 0.0
        if strong and len(labels) >= 3:
            score = 0.85
        elif strong and len(labels) >= 2:
            score = 0.6
        if score and ("/id/eprint/" in text or "Full text not available from this repository" in text):
            score = min(1.0, score + 0.05)
        return score

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        current: list[TextLine] = []
        pending: list[TextLine] = []
        ended = False
        number = 0
        for line in iter_lines(inp):
            if not ended:
                current.append(line)
                check_record_size(inp, current)
                row = _label_of(line.text.strip())
                if row and row[0] == "uri":
                    ended = True
                continue
            pending.append(line)
            check_record_size(inp, pending)
            row = _label_of(line.text.strip())
            if row and row[0] in ("type", "creators_name", "datestamp", "uri"):
                tail, head = _footer_split(pending)
                current.extend(tail)
                number += 1
                yield self._raw(inp, current, number)
                current, pending, ended = head, [], False
                if row[0] == "uri":
                    ended = True
        tail, head = _footer_split(pending)
        if _opens_page(head):
            # The input ends inside a further page: it is a record of its own (it will fail or
            # map partly), never silently folded into the page before.
            current.extend(tail)
        else:
            current.extend(pending)
            head = []
        for lines in (current, head):
            if any(line.text.strip() for line in lines):
                number += 1
                yield self._raw(inp, lines, number)

    @staticmethod
    def _raw(inp: Input, lines: list[TextLine], number: int) -> RawRecord:
        first = next((line for line in lines if line.text.strip()), lines[0])
        text = "\n".join(line.text for line in lines)
        return RawRecord(text, Position(inp.name, number, first.number, first.offset))

    def map(self, raw: RawRecord) -> Record:
        lines = [line for line in (clean(x) for x in str(raw.data).split("\n")) if line]
        if not any(_label_of(line) for line in lines):
            raise self.fail(raw, "no EPrints metadata table (Item Type:, URI: ...) in this page")
        builder = RecordBuilder(self.name, may_hold_surrogates=False)
        map_page(builder, lines)
        return builder.build()


def _opens_page(lines: Sequence[TextLine]) -> bool:
    """True when lines after a page's end hold the start of another page: a citation line, a
    document's ``Download (size)`` line, an abstract heading or a metadata row."""
    for line in lines:
        text = line.text.strip()
        if (
            _CITATION_YEAR.search(text)
            or _DOWNLOAD_SIZE.search(text)
            or text.lower().rstrip(":") in _ABSTRACT_HEADINGS
            or _label_of(text)
        ):
            return True
    return False


def _footer_split(pending: list[TextLine]) -> tuple[list[TextLine], list[TextLine]]:
    """Lines after a page's ``URI:`` row: up to the last footer line they close that page, the
    rest opens the next one."""
    last = -1
    for i, line in enumerate(pending):
        if _FOOTER.match(line.text.strip()):
            last = i
    return pending[: last + 1], pending[last + 1 :]
