"""DOAJ article XML: the ``oai_doaj`` OAI metadata format and the DOAJ upload schema.

Both are the same element set (``doajArticles.xsd``): the OAI feed writes it in the
``oai_doaj`` namespace under ``<oai_doaj:doajArticle>``, publishers upload it with no namespace as
``<records><record>...``. :func:`map_doaj_article` maps either, matching children by local name
only, so the documentation example's unprefixed ``authors``/``affiliationsList`` and the upload
files' plain elements read alike. It serves :class:`~recordparse.formats.oai.OaiPmhParser`
(through its ``METADATA_MAPPERS`` table) and :class:`DoajXmlParser`.

What the format does that a reader must undo:

- authors point to affiliations by ``affiliationId``; the list comes after the authors and is
  never de-duplicated;
- ``issn`` (print) and ``eissn`` (electronic) may be equal (a known DOAJ quirk, not a conflict)
  and uploads may omit the hyphen; both are kept in ``extra`` as given;
- in the OAI feed, ``publicationDate`` always has day 01 (and month 01 when DOAJ had no month):
  kept verbatim, flagged ``synthesised_date``; upload dates are the publisher's and are not;
- ``language`` is a three-letter code (``ger``, ``deu``): BCP 47 in ``language``, raw in
  ``extra["language_raw"]``;
- uploads may carry several ``title``/``abstract``/``keywords`` elements with a ``language``
  attribute: the first title and abstract are the record's, the others go to ``extra``;
- empty elements (``<volume/>``, ``<email/>``, ``<fullTextUrl/>``) mean "no value";
- keywords are kept as DOAJ has them (stray ``;`` and cut words included).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Final

from ..builder import RecordBuilder
from ..errors import Failure
from ..normalize.access import apply_access
from ..normalize.text import clean
from ..record import Position, Record
from ..sources import Input
from ..xmlsafe import XmlChunk, XmlSplitter, local_name, parse_chunk, text_of
from .base import Parser, RawRecord, flag_decoding, flag_repairs
from .oai import (
    OaiHeader,
    append_extra,
    csl_type,
    doaj_access_signal,
    note_doaj_synthesised_date,
    set_text_field,
)

__all__ = ["DOAJ_FIELD_MAP", "DoajXmlParser", "map_doaj_article"]

#: doajArticle element -> Record field. Elements not listed are kept in ``extra`` by local name.
DOAJ_FIELD_MAP: Final[dict[str, str]] = {
    "language": "language (BCP 47) + extra.language_raw",
    "publisher": "publisher",
    "journalTitle": "journal",
    "issn": "issns + extra.pissn",
    "eissn": "issns + extra.eissn",
    "publicationDate": "date_published",
    "volume": "volume",
    "issue": "issue",
    "startPage": "start_page",
    "endPage": "end_page",
    "doi": "doi",
    "publisherRecordId": "article_number",
    "documentType": "type (CSL) + extra.type",
    "title": "title (others: extra.titles)",
    "authors/author": "authors (name, affiliationId -> affiliationsList, orcid_id)",
    "affiliationsList/affiliationName": "authors[].affiliations",
    "abstract": "abstract (others: extra.abstracts)",
    "fullTextUrl": "urls + extra.fullTextUrl_format",
    "keywords/keyword": "keywords",
}

#: The plain one-value elements: local name -> Record field.
_SIMPLE: Final[dict[str, str]] = {
    "publisher": "publisher",
    "journalTitle": "journal",
    "volume": "volume",
    "issue": "issue",
    "startPage": "start_page",
    "endPage": "end_page",
    "publisherRecordId": "article_number",
}

_LANG = "language"

#: How the main loop of :func:`map_doaj_article` treats a child element, by its full tag: a
#: ``_SIMPLE`` field name, one of the markers below, or a handler. Filled as tags are met (a file
#: uses one or two namespaces, so a few dozen entries), so each child costs one dict lookup
#: instead of a local-name lookup and up to three table lookups; bounded like the other tag memos.
_AUTHORS: Final = "authors"
_SKIP: Final = "affiliationsList"  # read before the loop, by _affiliations()
_KEEP: Final = "keep"
#: (action, argument): ("set", Record field), ("call", handler), ("keep", local name),
#: (_AUTHORS, _) or (_SKIP, _)
_ChildKind = tuple[str, Any]
_CHILD_KINDS: dict[str, _ChildKind] = {}


def _child_kind(tag: str) -> _ChildKind:
    """What :func:`map_doaj_article` does with a child whose tag is ``tag`` (memoised)."""
    name = local_name(tag)
    field = _SIMPLE.get(name)
    kind: _ChildKind
    if field is not None:
        kind = ("set", field)
    elif name in (_AUTHORS, _SKIP):
        kind = (name, name)
    else:
        handler = _HANDLERS.get(name)
        kind = ("call", handler) if handler is not None else (_KEEP, name)
    if len(_CHILD_KINDS) < 1000:
        _CHILD_KINDS[tag] = kind
    return kind


def map_doaj_article(article: Any, builder: RecordBuilder, header: OaiHeader | None) -> None:
    """Map a ``doajArticle`` (oai_doaj) or an upload ``record`` element onto ``builder``.

    ``header`` is the OAI header for feed records and None for uploads: only feed records have
    DOAJ's synthesised publication day and are known to be in DOAJ (hence open access).
    """
    affiliations = _affiliations(article)
    used: set[str] = set()
    kinds = _CHILD_KINDS
    for child in article:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        action, arg = kinds.get(tag) or _child_kind(tag)
        if action == "set":
            # text_of() inlined (a leaf's text is .text); builder.set cleans the value itself
            text = child.text if len(child) == 0 else "".join(child.itertext())
            builder.set(arg, text or "")
        elif action == "call":
            arg(child, builder, header)
        elif action == _AUTHORS:
            _authors(child, builder, affiliations, used)
        elif action == _KEEP:
            builder.keep(arg, clean(text_of(child)))
    unassigned = [text for key, text in affiliations.items() if key not in used and text]
    builder.keep("affiliations_unassigned", unassigned)
    if builder.get("type") is None:
        builder.set("type", "article-journal")  # DOAJ holds journal articles only
    if header is not None and header.is_doaj and builder.access is None:
        apply_access(builder, [doaj_access_signal(header)])


def _affiliations(article: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    # "{*}name": that local name in any namespace or none, matched in C
    for group in article.iterchildren("{*}affiliationsList"):
        for entry in group.iterchildren("{*}affiliationName"):
            key = entry.get("affiliationId")
            text = entry.text if len(entry) == 0 else "".join(entry.itertext())  # text_of()
            found[key.strip() if key else ""] = (clean(text) if text else None) or ""
    return found


def _authors(
    group: Any, builder: RecordBuilder, affiliations: dict[str, str], used: set[str]
) -> None:
    for author in group.iterchildren("{*}author"):
        name = ""
        orcid: str | None = None
        email: str | None = None
        affs: list[str] = []
        for part in author:
            kind = local_name(part.tag)
            text = part.text if len(part) == 0 else "".join(part.itertext())  # text_of()
            value = clean(text) if text else None
            if value is None:
                continue
            if kind == "name":
                name = value
            elif kind in ("orcid_id", "orchid_id"):  # the v1.1 XSD spells it orchid_id
                orcid = value
            elif kind == "email":
                email = value
            elif kind == "affiliationId":
                used.add(value)
                if affiliations.get(value):
                    affs.append(affiliations[value])
                elif value not in affiliations:
                    append_extra(builder, "affiliation_ids_unresolved", value)
        person = builder.add_person(name, affiliations=affs, orcid=orcid)
        if orcid and (person is None or person.orcid is None):
            append_extra(builder, "invalid_orcids", orcid)
        if email:
            append_extra(builder, "author_emails", {"name": name, "email": email})


def _language(el: Any, b: RecordBuilder, header: OaiHeader | None) -> None:
    value = clean(text_of(el))
    if value:
        append_extra(b, "language_raw", value)
        b.set_language(value, source_field="language_unrecognised")


def _issn(key: str) -> Callable[[Any, RecordBuilder, OaiHeader | None], None]:
    def handle(el: Any, b: RecordBuilder, header: OaiHeader | None) -> None:
        value = clean(text_of(el))
        if value:
            b.keep(key, value)
            b.add_issn(value)

    return handle


def _publication_date(el: Any, b: RecordBuilder, header: OaiHeader | None) -> None:
    value = clean(text_of(el))
    if not value:
        return
    iso = b.set_date("date_published", value, source_field="publicationDate")
    if header is not None:
        note_doaj_synthesised_date(b, value, iso)


def _doi(el: Any, b: RecordBuilder, header: OaiHeader | None) -> None:
    b.set_doi(clean(text_of(el)), source_field="doi")


def _document_type(el: Any, b: RecordBuilder, header: OaiHeader | None) -> None:
    value = clean(text_of(el))
    if value:
        b.keep("type", value)
        found = csl_type(value)
        if found:
            b.set("type", found)


def _multilingual(
    field: str, plural: str
) -> Callable[[Any, RecordBuilder, OaiHeader | None], None]:
    """The first ``title``/``abstract`` is the record's; the others, with their ``language``
    attribute, go to ``extra[plural]``."""

    def handle(el: Any, b: RecordBuilder, header: OaiHeader | None) -> None:
        # Each clean() of a long abstract scans all of it: it is cleaned once here and the
        # result handed on (a text without markup is cleaned by builder.set alone).
        raw = text_of(el)
        if b.get(field) is not None:
            value = clean(raw)
            if value is not None:
                append_extra(b, plural, {field: value, "language": el.get(_LANG)})
        elif "<" in raw or "&" in raw:  # markup: set_text_field keeps the raw form too
            value = clean(raw)
            if value is None:
                return
            set_text_field(b, field, raw, cleaned=value)
            b.keep(f"{field}_language", el.get(_LANG))
        elif b.set(field, raw) is not None:  # what set_text_field does with no markup
            b.keep(f"{field}_language", el.get(_LANG))

    return handle


def _full_text_url(el: Any, b: RecordBuilder, header: OaiHeader | None) -> None:
    url = clean(text_of(el))
    if url:
        b.add_url(url)
        fmt = el.get("format")
        if fmt:
            b.keep("fullTextUrl_format", fmt)


def _keywords(el: Any, b: RecordBuilder, header: OaiHeader | None) -> None:
    language = el.get(_LANG)
    words = [w for w in (clean(text_of(k)) for k in el.iterchildren("{*}keyword")) if w]
    for word in words:
        b.add_keyword(word)
    if language and words:
        b.extra.setdefault("keywords_by_language", {}).setdefault(language, []).extend(words)


_HANDLERS: Final[dict[str, Callable[[Any, RecordBuilder, OaiHeader | None], None]]] = {
    "language": _language,
    "issn": _issn("pissn"),
    "eissn": _issn("eissn"),
    "publicationDate": _publication_date,
    "doi": _doi,
    "documentType": _document_type,
    "title": _multilingual("title", "titles"),
    "abstract": _multilingual("abstract", "abstracts"),
    "fullTextUrl": _full_text_url,
    "keywords": _keywords,
}


# --------------------------------------------------------------------------------------------

_UPLOAD_ROOT = re.compile(rb"<records[\s>]")
_UPLOAD_MARKERS = re.compile(
    rb"<(?:journalTitle|fullTextUrl|publicationDate|affiliationsList)[\s>/]"
)


class DoajXmlParser(Parser):
    """DOAJ article upload XML (``<records><record>``, no namespace, ``doajArticles.xsd``)."""

    name = "doaj-xml"
    title = "DOAJ article upload XML (doajArticles.xsd: <records><record>)"
    media_types = ("application/xml", "text/xml")
    patterns = ("*.xml",)
    field_map: ClassVar[dict[str, str]] = {"publisherRecordId": "id", **DOAJ_FIELD_MAP}

    def sniff(self, head: bytes) -> float:
        try:
            if b"http://www.openarchives.org/OAI/2.0/" in head:
                return 0.0
            if _UPLOAD_ROOT.search(head) and _UPLOAD_MARKERS.search(head):
                return 0.9
            return 0.0
        except Exception:  # a sniffer never raises
            return 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        splitter = XmlSplitter(inp, tags={"record"}, parser_name=self.name)
        for item in splitter:
            if isinstance(item, Failure):
                yield item
                continue
            position = Position(inp.name, item.number, item.line, item.offset)
            yield RawRecord(item, position, context=splitter)

    def map(self, raw: RawRecord) -> Record:
        chunk: XmlChunk = raw.data
        repairs: list[str] = []
        decoding: list[str] = []
        element = parse_chunk(chunk, raw.context, raw.position, self.name, repairs, decoding=decoding)
        builder = RecordBuilder(self.name, may_hold_surrogates=False)
        flag_repairs(builder, repairs)
        flag_decoding(builder, decoding)
        map_doaj_article(element, builder, None)
        if builder.get("article_number"):
            builder.set("id", builder.get("article_number"))
        return builder.build()
