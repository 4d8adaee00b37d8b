"""OAI-PMH: ``ListRecords`` and ``GetRecord`` responses, harvested page folders, bare ``<record>`` elements.

An OAI-PMH response is an envelope (``responseDate``, ``request``, the records, a
``resumptionToken`` or an ``error``) around records, each a ``header`` (identifier, datestamp,
setSpecs, maybe ``status="deleted"``) and a ``metadata`` element in one of many formats. This module
splits the records out of the envelope with :class:`~recordparse.xmlsafe.XmlSplitter` and maps each
one by the namespace of its metadata root, through :data:`METADATA_MAPPERS`. Adding a format (DSpace
``dim``, ``qdc``) is one line in that table: ``namespace URI -> "module:function"``, where the
function is ``function(metadata_element, builder, header_info) -> None``.

What a harvest mirror needs is kept on every record, so nothing has to be re-read from the page:

- ``extra["oai_datestamp"]``, ``extra["oai_response_date"]``, ``extra["oai_request"]`` (base URL
  and arguments), ``extra["oai_request_token"]`` (the token that fetched this page) and
  ``extra["oai_resumption_token"]`` (the token this page issued, with ``completeListSize``,
  ``cursor`` and ``expirationDate`` when given; ``value`` is empty on the last page). The issued
  token stands after the records, so records are held back until the end of their page: at most
  :data:`LOOKAHEAD_RECORDS` records or :data:`LOOKAHEAD_BYTES` bytes. Records of a longer page are
  released early and do not carry the issued token.
- A withdrawn record (``<header status="deleted">``) is a tombstone, not an error: it comes out as
  a :class:`~recordparse.record.Record` with ``extra["oai_status"] == "deleted"``, its id,
  datestamp and sets, type ``None`` and access ``unknown``. A mirror can count and delete them, and
  ``read(..., errors="raise")`` does not stop on them.
- Pages read one after another (a folder of harvested pages, in file-name order) are checked as a
  chain: a page whose ``request`` carries a resumptionToken that no earlier page of the same base URL
  issued means a page is missing, reported as a ``Failure`` of kind ``missing_page`` before the
  page's records. The parser instance remembers issued tokens (bounded) across inputs and calls.
- ``<error code="noRecordsMatch">`` is an empty result, not a failure; any other OAI error becomes
  a ``Failure`` of kind ``oai_error`` whose reason starts with the error code (and no
  ``missing_page`` check is made for an error response: the error is the finding).

The parser is :attr:`~recordparse.Parser.splittable`: ``split`` only frames records and keeps the
page chain, so the parallel readers run it once in the planning process and map byte ranges in
workers; ``split_tail`` keeps the held-back records of a page in its final range, so a parallel
read gives the same Records as a serial one.

Harvested XML is often not well-formed (undeclared ``xsi:``, ``&nbsp;``, a raw ``&`` in a URL);
:func:`~recordparse.xmlsafe.parse_chunk` repairs exactly those bytes, never through lxml's recover
mode, and every repair is flagged on the record as ``xml_repaired``. Records whose bytes were
decoded otherwise than the page declares (UTF-8 under an ISO-8859-1 declaration, windows-1252
in a UTF-8 page) are flagged ``encoding_guessed``.

Two metadata formats are mapped here and in :mod:`recordparse.formats.doaj_xml`: DOAJ's
``oai_doaj`` (shared with the DOAJ upload XML parser) and ``oai_dc`` from DOAJ or any repository.
"""

from __future__ import annotations

import base64
import binascii
import functools
import importlib
import re
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Generator, Iterator
from typing import Any, ClassVar, Final

import attrs
from lxml import etree

from ..builder import RecordBuilder
from ..errors import Failure, RecordError, RecordParseError
from ..normalize.access import AccessSignal, apply_access, classify_text, from_vocabulary
from ..normalize.dates import parse_date
from ..normalize.identifiers import normalize_orcid
from ..normalize.text import clean, has_html
from ..record import Position, Record
from ..sources import Input
from ..xmlsafe import (
    XmlChunk,
    XmlSplitter,
    frame_spans,
    local_name,
    parse_chunk,
    parse_document,
    text_of,
)
from .base import Parser, RawRecord, flag_decoding, flag_repairs

__all__ = [
    "CSL_TYPES",
    "DC_FIELD_MAP",
    "LOOKAHEAD_BYTES",
    "LOOKAHEAD_RECORDS",
    "METADATA_MAPPERS",
    "OAI_NAMESPACE",
    "MetadataMapper",
    "OaiHeader",
    "OaiPage",
    "OaiPmhParser",
    "append_extra",
    "csl_type",
    "decode_doaj_set",
    "doaj_access_signal",
    "is_doaj_identifier",
    "map_oai_dc",
    "note_doaj_synthesised_date",
    "parse_doaj_citation",
    "set_text_field",
]

OAI_NAMESPACE: Final = "http://www.openarchives.org/OAI/2.0/"
OAI_DC_NAMESPACE: Final = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DOAJ_NAMESPACES: Final = (
    "http://doaj.org/features/oai_doaj/1.0/",  # what the records carry
    "https://doaj.org/features/oai_doaj/1.0/",  # what ListMetadataFormats advertises
)

#: Metadata root namespace URI -> ``"module:function"`` mapping that format onto a builder.
#: A metadata root in no namespace is looked up by its local name (``doajArticle``). Each function
#: is called as ``function(metadata_element, builder, header_info)`` and returns nothing; the OAI
#: header (id, datestamp, sets, deletion) and the envelope are handled by :class:`OaiPmhParser`.
METADATA_MAPPERS: dict[str, str] = {
    OAI_DOAJ_NAMESPACES[0]: "recordparse.formats.doaj_xml:map_doaj_article",
    OAI_DOAJ_NAMESPACES[1]: "recordparse.formats.doaj_xml:map_doaj_article",
    "doajArticle": "recordparse.formats.doaj_xml:map_doaj_article",
    OAI_DC_NAMESPACE: "recordparse.formats.oai:map_oai_dc",
    "http://www.dspace.org/xmlns/dspace/dim": "recordparse.formats.dspace:map_dim",
    "http://dspace.org/qualifieddc/": "recordparse.formats.dspace:map_qdc",
    "http://purl.org/dc/terms/": "recordparse.formats.dspace:map_qdc",
    "http://www.loc.gov/MARC21/slim": "recordparse.formats.marc:map_marcxml",
}

#: Records held back per page so that they can carry the token the page issues at its end.
LOOKAHEAD_RECORDS: Final = 1000
#: Bytes of record XML held back per page (whichever bound is reached first).
LOOKAHEAD_BYTES: Final = 16 * 1024 * 1024
#: Issued resumption tokens remembered per base URL for the missing-page check.
_MAX_TOKENS: Final = 100_000

_DOAJ_ID = re.compile(r"^oai:doaj[.\-]", re.I)


@attrs.frozen
class OaiHeader:
    """An OAI record header: what every metadata mapper may want to know about the record.

    ``set_specs`` are the raw setSpec values; ``deleted`` is True for ``status="deleted"``.
    """

    identifier: str | None
    datestamp: str | None = None
    set_specs: tuple[str, ...] = ()
    deleted: bool = False

    @property
    def is_doaj(self) -> bool:
        """True for a record DOAJ itself produced (``oai:doaj.org/article:...``)."""
        return is_doaj_identifier(self.identifier)


#: The signature of a metadata mapper (see :data:`METADATA_MAPPERS`).
MetadataMapper = Callable[[Any, RecordBuilder, OaiHeader | None], None]


def is_doaj_identifier(identifier: str | None) -> bool:
    """True for DOAJ OAI identifiers (``oai:doaj.org/article:<id>``, older ``oai:doaj-...``)."""
    return bool(identifier and _DOAJ_ID.match(identifier))


# --------------------------------------------------------------------------------------------
# Helpers shared with the DOAJ mappers


def append_extra(builder: RecordBuilder, key: str, value: Any) -> None:
    """Append ``value`` to the list ``extra[key]`` (repeatable source fields stay lists)."""
    current = builder.extra.get(key)
    if isinstance(current, list):
        current.append(value)
    else:  # absent, or one value the builder kept itself (an identifier that is not a DOI)
        builder.extra[key] = [value] if current is None else [current, value]


def set_text_field(
    builder: RecordBuilder, field: str, value: str | None, cleaned: str | None = None
) -> str | None:
    """Set a title or abstract with HTML stripped; keep the raw text as ``<field>_html`` when it
    had markup (DOAJ abstracts carry ``<i>``, ``<br>`` as text).

    ``cleaned`` is ``clean(value)`` when the caller has it already: cleaning a long abstract
    costs microseconds (a scan of every character), so it is not done twice."""
    if value is None:
        return None
    if "<" not in value and "&" not in value:
        # no tag and no entity: stripping HTML is cleaning, and there is no raw form to keep
        return builder.set(field, value)
    text = builder.set(field, value, html=True)
    raw = cleaned if cleaned is not None else clean(value)
    if text is not None and raw is not None and has_html(raw) and raw != text:
        builder.keep(f"{field}_html", raw)
    return text


def note_doaj_synthesised_date(builder: RecordBuilder, raw: str, iso: str | None) -> None:
    """Mark DOAJ's synthesised publication day (always 01) and month (01 when unknown).

    DOAJ builds ``publicationDate`` and ``dc:date`` from year and month and always writes day
    ``01``; a missing month also becomes ``01``. The value is kept verbatim; this records which
    parts are DOAJ's invention in ``extra["date_published_synthesised"]`` and flags it.
    """
    if iso is None or len(iso) != 10 or not iso.endswith("-01"):
        return
    parts = ["day", "month"] if iso[5:7] == "01" else ["day"]
    builder.keep("date_published_synthesised", parts)
    message = (
        "DOAJ always writes day 01 and month 01 when the month is unknown: only the year is certain"
        if len(parts) == 2
        else "DOAJ always writes day 01: only year and month are given"
    )
    builder.flag("synthesised_date", message, [raw], field="date_published", severity="info")


#: Source type wording (lower case; for URIs the last path segment) -> CSL type. ``None`` means
#: the wording is known but says nothing specific (DCMI ``Text``, ``other``).
CSL_TYPES: Final[dict[str, str | None]] = {
    "article": "article-journal",
    "journal article": "article-journal",
    "journalarticle": "article-journal",
    "contributiontoperiodical": "article-journal",
    "research article": "article-journal",
    "peer-reviewed article": "article-journal",
    "review": "review",
    "review article": "article-journal",
    "bookreview": "review-book",
    "book review": "review-book",
    "compte rendu": "review-book",
    "reseña": "review-book",
    "resenha": "review-book",
    "editorial": "article-journal",
    "letter": "article-journal",
    "book": "book",
    "monograph": "book",
    "bookpart": "chapter",
    "book part": "chapter",
    "book chapter": "chapter",
    "chapter": "chapter",
    "conferenceobject": "paper-conference",
    "conference object": "paper-conference",
    "conference paper": "paper-conference",
    "conferencepaper": "paper-conference",
    "conferencecontribution": "paper-conference",
    "conferenceposter": "paper-conference",
    "conferenceproceedings": "book",
    "thesis": "thesis",
    "doctoralthesis": "thesis",
    "masterthesis": "thesis",
    "bachelorthesis": "thesis",
    "dissertation": "thesis",
    "report": "report",
    "reportpart": "report",
    "technical report": "report",
    "workingpaper": "report",
    "working paper": "report",
    "preprint": "article",
    "dataset": "dataset",
    "software": "software",
    "lecture": "speech",
    "patent": "patent",
    "image": "graphic",
    "still image": "graphic",
    "moving image": "motion_picture",
    "video": "motion_picture",
    "map": "map",
    "text": None,
    "other": None,
    "annotation": None,
}

#: info:eu-repo version and review wordings: not types, kept in ``extra["version"]``.
_VERSIONS: Final = frozenset(
    {
        "publishedversion",
        "acceptedversion",
        "submittedversion",
        "draft",
        "updatedversion",
        "peerreviewed",
        "nonpeerreviewed",
    }
)


_SPACES = re.compile(r"\s+")
_ARTICLE_WORD = re.compile(r"\b(?:artigo|art[ií]culo|articolo|artikel|article)\b")
_THESIS_WORD = re.compile(r"\b(?:thesis|tesis|tese|th[eè]se|dissertation|tesi)\b")


@functools.lru_cache(maxsize=1024)
def _type_key(value: str) -> str:
    """The lookup key of a type wording. Memoised: a dump uses a few dozen type wordings."""
    text = value.strip()
    if text.lower().startswith(("info:eu-repo/", "http://", "https://")):
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return _SPACES.sub(" ", text).lower()


def csl_type(value: str | None) -> str | None:
    """The CSL type of a source type wording (``info:eu-repo/semantics/article``, ``Thesis``,
    ``doctoralThesis``, ``Artículo``), or None when it names no specific type."""
    if not value:
        return None
    key = _type_key(value)
    if key in CSL_TYPES:
        return CSL_TYPES[key]
    if _ARTICLE_WORD.search(key):
        return "article-journal"
    if _THESIS_WORD.search(key):
        return "thesis"
    return None


# --------------------------------------------------------------------------------------------
# Header and setSpecs


_BASE64_SET = re.compile(r"[A-Za-z0-9_\-]+=*")


@functools.lru_cache(maxsize=4096)
def decode_doaj_set(spec: str) -> str | None:
    """``LCC:Medicine`` from DOAJ's ``TENDOk1lZGljaW5l`` (urlsafe base64, ``~`` for ``=``);
    None when ``spec`` is not such an encoding. Memoised: a harvest repeats a few hundred sets."""
    text = spec.strip().replace("~", "=")
    if not text or len(text) % 4 or not _BASE64_SET.fullmatch(text):
        return None
    try:
        decoded = base64.urlsafe_b64decode(text).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not decoded.isprintable():
        return None
    return decoded


def read_header(header: Any) -> OaiHeader:
    """The :class:`OaiHeader` of a ``<header>`` element (any namespace or none)."""
    identifier_el = datestamp_el = None
    specs: list[str] = []
    for child in header:  # one pass: the first identifier and datestamp, every setSpec
        name = local_name(child.tag)
        if name == "setSpec":
            text = child.text if len(child) == 0 else "".join(child.itertext())  # text_of()
            spec = clean(text) if text else None
            if spec:
                specs.append(spec)
        elif name == "identifier":
            if identifier_el is None:
                identifier_el = child
        elif name == "datestamp" and datestamp_el is None:
            datestamp_el = child
    identifier = clean(text_of(identifier_el))
    datestamp = clean(text_of(datestamp_el))
    deleted = (header.get("status") or "").strip().lower() == "deleted"
    return OaiHeader(identifier, datestamp, tuple(specs), deleted)


def _map_sets(builder: RecordBuilder, header: OaiHeader, doaj: bool) -> None:
    """DOAJ setSpecs (``doaj``: a DOAJ record) become subjects (scheme kept in
    ``extra["oai_sets"]``); others stay raw."""
    for spec in header.set_specs:
        decoded = decode_doaj_set(spec) if doaj else None
        if decoded is None:
            append_extra(builder, "oai_setspec", spec)
            continue
        append_extra(builder, "oai_sets", decoded)
        term = decoded.split(":", 1)[1] if ":" in decoded else decoded
        builder.add_subject(term)


# --------------------------------------------------------------------------------------------
# The envelope


@attrs.define
class OaiPage:
    """What the envelope of one response says, shared by the page's raw records.

    ``resumption`` is filled in when the end of the page has been read.
    """

    splitter: XmlSplitter
    response_date: str | None = None
    request: dict[str, str] = attrs.field(factory=dict)
    request_token: str | None = None
    resumption: dict[str, str] | None = None
    errors: list[tuple[str, str]] = attrs.field(factory=list)

    @property
    def base_url(self) -> str:
        return self.request.get("url", "")


@functools.lru_cache(maxsize=8)
def _envelope_pattern(name: str) -> re.Pattern[str]:
    # The content may not contain another start or end tag of the same name, and nothing is
    # given back once read (``*+``): an unclosed tag repeated 50,000 times scans linearly, where
    # a lazy ``.*?`` rescanned to the end for each of them (quadratic: minutes for 1 MiB).
    same = rf"(?:[\w.-]+:)?{name}\b"
    return re.compile(rf"<{same}[^<>]*?(?:/>|>(?:[^<]|<(?!/?{same}))*+</(?:[\w.-]+:)?{name}\s*>)")


def _envelope_elements(text: str, name: str, position: Position) -> list[Any]:
    """Every ``name`` element in the envelope text (what lies outside the records), each parsed
    on its own with the hardened parser; one that does not parse is left out."""
    found: list[Any] = []
    for m in _envelope_pattern(name).finditer(text):
        try:
            found.append(parse_document(m.group(0).encode("utf-8"), position))
        except RecordError:
            continue
    return found


def _attributes(element: Any) -> dict[str, str]:
    return {local_name(k): str(v).strip() for k, v in element.attrib.items()}


def _read_head(page: OaiPage, text: str, position: Position) -> None:
    for element in _envelope_elements(text, "responseDate", position)[:1]:
        page.response_date = clean(text_of(element))
    for element in _envelope_elements(text, "request", position)[:1]:
        page.request = _attributes(element)
        page.request["url"] = clean(text_of(element)) or ""
        page.request_token = page.request.get("resumptionToken") or None


def _read_tail(page: OaiPage, text: str, position: Position) -> None:
    tokens = _envelope_elements(text, "resumptionToken", position)
    if tokens:
        element = tokens[-1]
        page.resumption = {"value": clean(text_of(element)) or "", **_attributes(element)}
    for element in _envelope_elements(text, "error", position):
        page.errors.append((element.get("code") or "unknown", clean(text_of(element)) or ""))


# --------------------------------------------------------------------------------------------
# The parser


_RECORD_ID = re.compile(rb"<(?:[\w.-]+:)?identifier\s*>\s*([^<]{1,500}?)\s*<")
#: The first identifier element's text, read greedily (see :func:`_record_id`).
_RECORD_ID_TEXT = re.compile(rb"<(?:[\w.-]+:)?identifier\s*>([^<]*)<")


def _record_id(data: bytes) -> str | None:
    """The record's identifier as :data:`_RECORD_ID` finds it, for failure reports.

    Its lazy group tries the rest of the pattern after every byte of the identifier; the
    greedy read of the same text, stripped, is the same value when it is 1 to 500 bytes long
    once stripped (or all whitespace). Otherwise the lazy pattern decides (it may skip to a
    later identifier element).
    """
    m = _RECORD_ID_TEXT.search(data)
    if m is not None:
        text = m.group(1)
        if text and len(text.strip()) <= 500:
            return text.strip().decode("utf-8", "replace").strip()
    m = _RECORD_ID.search(data)
    return m.group(1).decode("utf-8", "replace").strip() if m else None
_OAI_ROOT = re.compile(rb"<(?:[\w.-]+:)?OAI-PMH[\s>]")
_BARE_RECORD = re.compile(rb"<(?:[\w.-]+:)?record[\s>]")
_HEADER = re.compile(rb"<(?:[\w.-]+:)?header[\s>]")
_OAI_IDENTIFIER = re.compile(rb"<(?:[\w.-]+:)?identifier\s*>\s*oai:")


@functools.lru_cache(maxsize=64)
def _mapper(ref: str) -> MetadataMapper:
    """The mapper function a :data:`METADATA_MAPPERS` entry names (imported on first use)."""
    module, _, name = ref.partition(":")
    func: MetadataMapper = getattr(importlib.import_module(module), name)
    return func


#: metadata root tag -> (namespace, local name); a harvest has a handful of metadata formats
_METADATA_KEYS: dict[str, tuple[str, str]] = {}


def _metadata_key(element: Any) -> tuple[str, str]:
    tag = element.tag
    key = _METADATA_KEYS.get(tag)
    if key is None:
        qname = etree.QName(element)
        key = (qname.namespace or "", qname.localname)
        if len(_METADATA_KEYS) < 1000:
            _METADATA_KEYS[tag] = key
    return key


class OaiPmhParser(Parser):
    """OAI-PMH ``ListRecords``/``GetRecord`` responses and bare ``<record>`` documents."""

    name = "oai-pmh"
    title = "OAI-PMH responses (ListRecords, GetRecord) and bare OAI records: oai_doaj, oai_dc"
    media_types = ("application/xml", "text/xml")
    patterns = ("*.xml", "*.oai", "*.oai.xml")
    # split() is framing only and keeps the page chain in the planning process; the records held
    # back for the page's token are the last ones of the page, so the final range keeps them.
    splittable = True
    split_tail = LOOKAHEAD_RECORDS
    field_map: ClassVar[dict[str, str]] = {
        "header/identifier": "id",
        "header/datestamp": "extra.oai_datestamp",
        "header/setSpec (DOAJ, base64 scheme:term)": "subjects + extra.oai_sets",
        "header/setSpec (other repositories)": "extra.oai_setspec",
        "header/@status=deleted": "extra.oai_status",
        "responseDate": "extra.oai_response_date",
        "request": "extra.oai_request",
        "request/@resumptionToken": "extra.oai_request_token",
        "resumptionToken": "extra.oai_resumption_token",
        "about": "extra.oai_about",
        "metadata": "by namespace, see METADATA_MAPPERS",
    }

    def __init__(self) -> None:
        self._issued: dict[str, OrderedDict[str, None]] = {}
        self._lock = threading.Lock()

    def begin(self) -> None:
        """Forget the tokens of earlier reads: a resumption chain is checked within one read."""
        with self._lock:
            self._issued.clear()

    def __getstate__(self) -> dict[str, Any]:
        """Picklable for worker processes: the remembered tokens travel, the lock does not."""
        with self._lock:
            return {"_issued": {url: OrderedDict(t) for url, t in self._issued.items()}}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._issued = state["_issued"]
        self._lock = threading.Lock()

    # -- sniffing ----------------------------------------------------------------------------
    def sniff(self, head: bytes) -> float:
        try:
            return self._sniff(head)
        except Exception:  # a sniffer never raises
            return 0.0

    def _sniff(self, head: bytes) -> float:
        enveloped = OAI_NAMESPACE.encode() in head and bool(_OAI_ROOT.search(head))
        bare = bool(
            _BARE_RECORD.search(head) and _HEADER.search(head) and _OAI_IDENTIFIER.search(head)
        )
        if not enveloped and not bare:
            return 0.0
        if b"doaj.org/features/oai_doaj" in head or re.search(rb">\s*oai:doaj[.\-]", head):
            return 0.95 if enveloped else 0.9
        specific = [ns for ns in METADATA_MAPPERS if "://" in ns and ns != OAI_DC_NAMESPACE]
        if any(ns.encode() in head for ns in specific):
            return 0.85 if enveloped else 0.8
        if OAI_DC_NAMESPACE.encode() in head:
            return 0.55 if enveloped else 0.45
        return 0.5 if enveloped else 0.35

    # -- splitting ---------------------------------------------------------------------------
    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        splitter = XmlSplitter(inp, tags={"record"}, parser_name=self.name)
        page: OaiPage | None = None
        held: deque[RawRecord | Failure] = deque()
        held_bytes = 0
        last = 0  # the number of the last record seen: page-level errors are reported after it
        try:
            for item in splitter:
                if page is None:
                    page = self._open_page(inp, splitter)
                    yield from self._check_chain(page, inp)
                if isinstance(item, XmlChunk):
                    held.append(self._raw(item, page, inp))
                    last = item.number
                    held_bytes += len(item.data)
                else:
                    held.append(item)
                    last = item.position.record
                while held and (len(held) > LOOKAHEAD_RECORDS or held_bytes > LOOKAHEAD_BYTES):
                    released = held.popleft()
                    if isinstance(released, RawRecord):
                        held_bytes -= len(released.data.data)
                    yield released
        except RecordParseError:
            # the input broke off (a corrupt compressed tail, a limit): the records held back
            # for the page's tail were read whole, so they are not lost with it
            yield from held
            raise
        page = yield from self._close_page(page, inp, splitter)
        yield from held
        yield from self._errors(page, inp, last)

    def frame_positions(self, inp: Input) -> Iterator[Position | Failure]:
        """Framing only, for the parallel planner (see :meth:`Parser.frame_positions`): the
        positions :meth:`split` gives its records, found by :func:`recordparse.xmlsafe.frame_spans`
        without cutting the records out or reading their identifiers, with the same page checks
        (resumption chain, OAI errors) in the same places. The records ``split`` holds back for
        the page's tail come out in the order it releases them, so no look-ahead is needed."""
        splitter = XmlSplitter(inp, tags={"record"}, parser_name=self.name)
        page: OaiPage | None = None
        last = 0
        for number, line, offset in frame_spans(splitter):
            if page is None:
                page = self._open_page(inp, splitter)
                yield from self._check_chain(page, inp)
            last = number
            yield Position(inp.name, number, line, offset)
        page = yield from self._close_page(page, inp, splitter)
        yield from self._errors(page, inp, last)

    def _close_page(
        self, page: OaiPage | None, inp: Input, splitter: XmlSplitter
    ) -> Generator[Failure, None, OaiPage]:
        """After the page's last record: read what follows the records (resumption token, OAI
        errors) into the page, and remember it for the resumption chain. A page without records
        (an empty list, or an OAI error, which is the finding itself) is opened here, and its
        place in the chain checked unless it holds an error. Returns the page."""
        if page is None:
            page = self._open_page(inp, splitter)
            _read_tail(page, splitter.outside_text(), Position(inp.name, 1))
            if not page.errors:
                yield from self._check_chain(page, inp)
        else:
            _read_tail(page, splitter.outside_text(), Position(inp.name, 1))
        self._remember(page)
        return page

    def _raw(self, chunk: XmlChunk, page: OaiPage, inp: Input) -> RawRecord:
        record_id = _record_id(chunk.data)
        position = Position(inp.name, chunk.number, chunk.line, chunk.offset)
        return RawRecord(chunk, position, record_id=record_id, context=page)

    def _open_page(self, inp: Input, splitter: XmlSplitter) -> OaiPage:
        page = OaiPage(splitter)
        _read_head(page, splitter.outside_text(), Position(inp.name, 1))
        return page

    def _check_chain(self, page: OaiPage, inp: Input) -> Iterator[Failure]:
        token = page.request_token
        if not token:
            return
        with self._lock:
            known = token in self._issued.get(page.base_url, {})
        if known:
            return
        where = page.base_url or "this repository"
        yield Failure(
            Position(inp.name, 1),
            f"a page is missing before this one: it was requested with resumptionToken {token!r}, "
            f"which no earlier page of {where} issued",
            kind="missing_page",
            snippet=token[:200],
            parser=self.name,
        )

    def _remember(self, page: OaiPage) -> None:
        token = (page.resumption or {}).get("value")
        if not token:
            return
        with self._lock:
            tokens = self._issued.setdefault(page.base_url, OrderedDict())
            tokens[token] = None
            tokens.move_to_end(token)
            while len(tokens) > _MAX_TOKENS:
                tokens.popitem(last=False)

    def _errors(self, page: OaiPage, inp: Input, after: int = 0) -> Iterator[Failure]:
        for code, message in page.errors:
            if code == "noRecordsMatch":
                continue  # an empty result, not a failure
            yield Failure(
                Position(inp.name, after + 1),
                f"{code}: {message}" if message else code,
                kind="oai_error",
                parser=self.name,
            )

    # -- mapping -----------------------------------------------------------------------------
    def map(self, raw: RawRecord) -> Record:
        chunk: XmlChunk = raw.data
        page: OaiPage = raw.context
        repairs: list[str] = []
        decoding: list[str] = []
        element = parse_chunk(chunk, page.splitter, raw.position, self.name, repairs, decoding=decoding)
        header_el, metadata, about = _record_parts(element)
        if header_el is None:
            raise self.fail(raw, "record has no <header>", kind="syntax")
        header = read_header(header_el)
        builder = RecordBuilder(self.name, may_hold_surrogates=False)
        if header.identifier:
            builder.set("id", header.identifier)
        builder.keep("oai_datestamp", header.datestamp)
        doaj = header.is_doaj
        _map_sets(builder, header, doaj)
        _keep_page(builder, page)
        flag_repairs(builder, repairs)
        flag_decoding(builder, decoding)
        if header.deleted:
            builder.keep("oai_status", "deleted")
            return builder.build()
        roots = [c for c in metadata if isinstance(c.tag, str)] if metadata is not None else []
        if not roots:
            raise self.fail(raw, "record has no metadata and is not marked deleted")
        self._map_metadata(raw, roots[0], builder, header)
        if about is not None:
            builder.keep("oai_about", clean(text_of(about)))
        if doaj and builder.access is None:
            apply_access(builder, [doaj_access_signal(header)])
        return builder.build()

    def _map_metadata(
        self, raw: RawRecord, root: Any, builder: RecordBuilder, header: OaiHeader
    ) -> None:
        namespace, local = _metadata_key(root)
        ref = METADATA_MAPPERS.get(namespace) if namespace else METADATA_MAPPERS.get(local)
        if ref is None:
            fmt = f"{{{namespace}}}{local}" if namespace else local
            raise self.fail(raw, f"no mapper for metadata format {fmt} (see METADATA_MAPPERS)")
        builder.keep("oai_metadata_format", namespace or local)
        _mapper(ref)(root, builder, header)


def _record_parts(record: Any) -> tuple[Any, Any, Any]:
    """The first ``header``, ``metadata`` and ``about`` children of a ``record`` (one pass)."""
    header = metadata = about = None
    for child in record:
        name = local_name(child.tag)
        if name == "header":
            if header is None:
                header = child
        elif name == "metadata":
            if metadata is None:
                metadata = child
        elif name == "about" and about is None:
            about = child
    return header, metadata, about


def _keep_page(builder: RecordBuilder, page: OaiPage) -> None:
    """The envelope's values, on every record of the page (called on a builder that holds none
    of these names yet).

    The request and the issued token are flat dicts of attribute strings, never nested: they go
    into ``extra`` directly, a copy per record, where :meth:`RecordBuilder.keep` would walk each
    for nesting depth on every record of the page (twice the cost of the rest of this).
    """
    builder.keep("oai_response_date", page.response_date)
    if page.request:
        builder.extra["oai_request"] = dict(page.request)
    builder.keep("oai_request_token", page.request_token)
    if page.resumption is not None:
        builder.extra["oai_resumption_token"] = dict(page.resumption)


def doaj_access_signal(header: OaiHeader) -> AccessSignal:
    """DOAJ indexes open-access journals only: a record DOAJ serves is open.

    Mappers that read access signals of their own combine this one with them (so that a
    disagreement is flagged ``access_conflict``); otherwise the parser applies it alone.
    """
    return AccessSignal(
        "open", None, f"DOAJ: {header.identifier} (DOAJ lists open-access journals only)"
    )


# --------------------------------------------------------------------------------------------
# oai_dc

#: dc element -> the Record field(s) it fills (the handlers below decide each value).
DC_FIELD_MAP: Final[dict[str, str]] = {
    "title": "title (more: extra.titles)",
    "creator": "authors (@id ORCID)",
    "contributor": "extra.dc:contributor",
    "subject": "keywords; classified (xsi:type, SCHEME:term on DOAJ): subjects + extra.classifications",
    "description": "abstract (more: extra.dc:description)",
    "publisher": "publisher",
    "date": "date_published; info:eu-repo/date/embargoEnd -> access.embargo_end",
    "type": "type (CSL) + extra.type; versions -> extra.version",
    "format": "extra.dc:format",
    "identifier": "doi / issns / urls (DOAJ article URL too); others extra.dc:identifier",
    "source": "journal, volume, issue, start_page, end_page (DOAJ and OJS citations); ISSN -> issns",
    "language": "language (BCP 47) + extra.language_raw",
    "relation": "urls (full text); doaj.org/toc -> extra.journal_urls; others extra.dc:relation",
    "coverage": "extra.dc:coverage",
    "rights": "access (info:eu-repo, COAR), license (licence URLs), rights",
    "provenance": "license (DOAJ 'Journal Licence(s): ...') + extra.dc:provenance",
}

_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_SCHEME_TERM = re.compile(r"^([A-Z][A-Z0-9_]*):\s*(\S.*)$")
_EU_CLASS = re.compile(r"^info:eu-repo/classification/([^/]+)/(.+)$", re.I)
_ISSN_ONLY = re.compile(r"^\s*(?:e?issn\s*:?\s*)?\d{4}\s*-?\s*\d{3}[\dXx]\s*$", re.I)
_URL = re.compile(r"^https?://\S+$", re.I)
_LICENSE_URL = re.compile(
    r"creativecommons\.org/(?:licenses|publicdomain)|opensource\.org/licenses|/licen[cs]es?/", re.I
)
_EMBARGO_END = re.compile(r"^info:eu-repo/date/embargoEnd/", re.I)
_EU_DATE = re.compile(r"^info:eu-repo/date/([A-Za-z]+)/(.+)$")
_HAS_TIME = re.compile(r"\d[T ]\d{1,2}:\d{2}")
_JOURNAL_LICENCE = re.compile(r"^Journal Licen[cs]e\(s\):\s*(.+)$", re.I)
#: What follows the journal in a DOAJ citation: ``, Vol V, Iss I, Pp s-e (YYYY)``, each part optional.
_DOAJ_CITATION_TAIL = re.compile(
    r"(?:(?:^|, )Vol (?P<volume>.+?))?"
    r"(?:(?:^|, )Iss (?P<issue>.+?))?"
    r"(?:(?:^|, )(?P<pp>Pp|p) (?P<pages>[^,()]+?))?"
    r"(?:(?:^| )\((?P<year>\d{4})\))?$"
)
#: The whole citation: the journal is the shortest prefix that the tail can follow.
_DOAJ_CITATION = re.compile(r"^(?P<journal>.*?)" + _DOAJ_CITATION_TAIL.pattern)
#: Where a part of the tail can begin. Sought with ``search`` from one past the last start, so
#: overlapping starts are found too; a plain pattern, where a zero-width lookahead was tried
#: (and cost twice the time) at every character.
_DOAJ_CITATION_PART = re.compile(r", (?:Vol|Iss|Pp|p) | \(")
_OJS_CITATION = re.compile(
    r"^(?P<journal>[^;]+?);\s*(?:Vol\.?|Volume|v\.)\s*(?P<volume>[^\s,;()]+)"
    r"(?:,?\s*(?:No\.?|Núm\.?|Nº|n\.|Iss\.?|Issue)\s*(?P<issue>[^\s,;()]+))?"
    r"(?:\s*\((?P<year>\d{4})\))?(?:[:][^;]*)?"
    r"(?:;\s*(?P<pages>[\w]+(?:\s*[-–]\s*[\w]+)?))?\s*$",
    re.I,
)


_PAGE_SPAN = re.compile(r"^(.+?)\s*[-–]\s*(.+)$")
_LOWER_OR_SPACE = re.compile(r"[a-z\s]")
_DIGIT = re.compile(r"\d")
_ISSN_LABEL = re.compile(r"^\s*e?issn\s*:?\s*", re.I)
_DOI_URL = re.compile(r"^https?://(dx\.)?doi\.org/")
_DOAJ_TOC = re.compile(r"^https?://(www\.)?doaj\.org/toc/", re.I)
#: element tag -> (local name, handler or None, whether the handler takes the text as read),
#: filled as tags are met
_DC_BY_TAG: dict[
    str, tuple[str, Callable[[Any, str, RecordBuilder, _DcState], None] | None, bool]
] = {}
#: Elements whose handler gets the text as read, not cleaned: their values mostly go straight to
#: a builder method, which cleans them (titles, abstracts, free-term subjects), so cleaning them
#: here as well did it twice; for a long abstract each clean() scans every character.
_DC_RAW: Final = frozenset({"title", "description", "subject"})

#: Citations longer than this are not parsed (they are kept in extra): bounds regex work.
_MAX_CITATION = 500


def parse_doaj_citation(text: str) -> dict[str, str] | None:
    """Journal, volume, issue, pages and year from DOAJ's ``dc:source`` citation
    (``Journal, Vol V, Iss I, Pp s-e (YYYY)``; ``p s`` when one page is known); None when the
    text has none of the ``Vol``/``Iss``/``Pp`` parts."""
    if len(text) > _MAX_CITATION:
        return None
    groups = _doaj_citation_groups(text.strip())
    if not (groups["volume"] or groups["issue"] or groups["pages"]):
        return None
    return _citation_parts(groups)


def _doaj_citation_groups(text: str) -> dict[str, str | None]:
    """The groups :data:`_DOAJ_CITATION` gives for ``text``, found without its slow part.

    The lazy journal group makes that pattern try its tail at every character of the journal
    name. The tail can only begin at the start, at ``, Vol ``/``, Iss ``/``, Pp ``/``, p ``/
    `` (`` or match empty at the end, so it is tried at those positions only, in the same order:
    the first that matches gives the same groups. A line break (where the journal's ``.`` stops)
    takes the whole pattern.
    """
    if "\n" in text:
        m = _DOAJ_CITATION.match(text)
        return m.groupdict() if m else dict.fromkeys(_DOAJ_CITATION.groupindex)
    tail = _DOAJ_CITATION_TAIL.match(text)
    if tail is None:
        part = _DOAJ_CITATION_PART.search(text, 1)
        while part is not None:
            tail = _DOAJ_CITATION_TAIL.match(text, part.start())
            if tail is not None:
                break
            part = _DOAJ_CITATION_PART.search(text, part.start() + 1)
        else:  # no part: the whole text is the journal (the tail matches empty at the end)
            return {"journal": text, **dict.fromkeys(_DOAJ_CITATION_TAIL.groupindex)}
    return {"journal": text[: tail.start()], **tail.groupdict()}


def _parse_ojs_citation(text: str) -> dict[str, str] | None:
    """``Journal; Vol. 12 No. 1 (2024); 33-51``, the citation OJS writes into ``dc:source``."""
    if len(text) > _MAX_CITATION:
        return None
    m = _OJS_CITATION.match(text.strip())
    return _citation_parts(m.groupdict()) if m else None


def _citation_parts(groups: dict[str, str | None]) -> dict[str, str]:
    parts: dict[str, str] = {}
    for key, value in groups.items():
        if value and key != "pp":
            value = value.strip()
            if value:
                parts[key] = value
    pages = parts.pop("pages", None)
    if pages:
        span = _PAGE_SPAN.match(pages)
        if span:
            parts["start_page"], parts["end_page"] = span.group(1), span.group(2)
        else:
            parts["start_page"] = pages
    return parts


@attrs.define
class _DcState:
    """Values of one oai_dc record that are decided only after all elements were seen."""

    doaj: bool
    header: OaiHeader | None = None
    dates: list[str] = attrs.field(factory=list)
    publication_dates: list[str] = attrs.field(factory=list)
    signals: list[AccessSignal] = attrs.field(factory=list)
    landing_urls: list[str] = attrs.field(factory=list)
    types: list[str] = attrs.field(factory=list)
    languages: list[str] = attrs.field(factory=list)
    #: as read, not cleaned (see _choose_abstract)
    descriptions: list[str] = attrs.field(factory=list)


def map_oai_dc(metadata: Any, builder: RecordBuilder, header: OaiHeader | None) -> None:
    """Map an ``oai_dc:dc`` element (DOAJ's or any repository's) onto ``builder``."""
    state = _DcState(doaj=bool(header and header.is_doaj), header=header)
    by_tag = _DC_BY_TAG
    for child in metadata:
        tag = child.tag
        found = by_tag.get(tag)
        if found is None:
            if not isinstance(tag, str):
                continue
            name = local_name(tag)
            found = (name, _DC_HANDLERS.get(name), name in _DC_RAW)
            if len(by_tag) < 1000:
                by_tag[tag] = found
        # text_of() inlined: a dc element is nearly always a leaf, whose text is .text
        text = child.text if len(child) == 0 else "".join(child.itertext())
        if not text:
            continue
        name, handler, raw = found
        if raw and handler is not None:
            handler(child, text, builder, state)
            continue
        value = clean(text)
        if value is None:
            continue
        if handler is None:
            builder.keep(f"dc:{name}", value)
        else:
            handler(child, value, builder, state)
    _finish_dc(builder, state)


def _set_dc_text(b: RecordBuilder, field: str, text: str) -> None:
    """Set the title or abstract from a dc element's text as read, cleaning it once.

    Without markup, ``builder.set`` cleans it (an empty text sets nothing); with markup, the
    HTML is stripped from the cleaned text, as from any other dc value."""
    if "<" not in text and "&" not in text:
        b.set(field, text)  # what set_text_field does with no markup
        return
    value = clean(text)
    if value is not None:
        set_text_field(b, field, value, cleaned=value)


def _dc_title(el: Any, text: str, b: RecordBuilder, s: _DcState) -> None:
    if b.get("title") is None:
        _set_dc_text(b, "title", text)
        return
    value = clean(text)
    if value is not None:
        lang = el.get("{http://www.w3.org/XML/1998/namespace}lang")
        append_extra(b, "titles", {"title": value, "language": lang})


def _dc_creator(el: Any, value: str, b: RecordBuilder, s: _DcState) -> None:
    ident = el.get("id") or ""
    orcid = normalize_orcid(ident) if ident else None
    b.add_person(value, orcid=orcid)
    if ident and orcid is None:
        append_extra(b, "creator_ids", {"name": value, "id": ident})


def _dc_list(key: str) -> Callable[[Any, str, RecordBuilder, _DcState], None]:
    def keep(el: Any, value: str, b: RecordBuilder, s: _DcState) -> None:
        append_extra(b, key, value)

    return keep


def _is_code(value: str) -> bool:
    """A classification code (``R``, ``RC925-935``, ``610``) rather than a term."""
    return not _LOWER_OR_SPACE.search(value) and (len(value) <= 3 or bool(_DIGIT.search(value)))


def _classified(b: RecordBuilder, scheme: str, value: str) -> None:
    append_extra(b, "classifications", f"{scheme}:{value}")
    if not _is_code(value):
        b.add_subject(value)


def _dc_subject(el: Any, text: str, b: RecordBuilder, s: _DcState) -> None:
    """A subject, from its text as read (see _DC_RAW): a free term needs no cleaning here."""
    xsi_type = el.get(_XSI_TYPE)
    if not xsi_type and ":" not in text:
        # every classified form below has a colon; most subjects are free terms, which
        # add_keyword cleans (and leaves out when empty)
        b.add_keyword(text)
        return
    value = clean(text)
    if value is None:
        return
    if xsi_type:
        _classified(b, xsi_type.split(":", 1)[-1], value)
        return
    m = _EU_CLASS.match(value)
    if m:
        _classified(b, m.group(1), m.group(2))
        return
    m = _SCHEME_TERM.match(value) if s.doaj else None
    if m:
        _classified(b, m.group(1), m.group(2))
        return
    # A DSpace classification path: Domínio/Área Científica::...::Engenharia Civil
    if "::" in value:
        append_extra(b, "classifications", value)
        b.add_subject(value.rsplit("::", 1)[-1])
        return
    b.add_keyword(value)


def _dc_description(el: Any, text: str, b: RecordBuilder, s: _DcState) -> None:
    s.descriptions.append(text)  # as read: see _choose_abstract


def _dc_publisher(el: Any, value: str, b: RecordBuilder, s: _DcState) -> None:
    if b.get("publisher") is None:
        b.set("publisher", value)
    else:
        append_extra(b, "dc:publisher", value)


def _dc_date(el: Any, value: str, b: RecordBuilder, s: _DcState) -> None:
    if "/" not in value:  # not an info:eu-repo/date/... value (a plain date: the common case)
        s.dates.append(value)
        return
    if _EMBARGO_END.match(value):
        signal = from_vocabulary(value, field="dc:date")
        if signal is not None:
            s.signals.append(signal)
        return
    m = _EU_DATE.match(value)
    if m:
        if m.group(1).lower() == "publication":
            s.publication_dates.append(m.group(2))
        else:
            b.keep(f"date_{m.group(1)}", m.group(2))
        return
    s.dates.append(value)


def _dc_type(el: Any, value: str, b: RecordBuilder, s: _DcState) -> None:
    if _type_key(value) in _VERSIONS:
        b.keep("version", value)
        return
    s.types.append(value)


def _without_issn_label(value: str) -> str:
    """``value`` without an ``ISSN:``/``eISSN`` label; most ISSNs have none (a digit first)."""
    return value if value[:1].isdecimal() else _ISSN_LABEL.sub("", value)


def _dc_identifier(el: Any, value: str, b: RecordBuilder, s: _DcState) -> None:
    if _ISSN_ONLY.match(value):
        b.add_issn(_without_issn_label(value))
        return
    low = value.lower()
    doi_like = low.startswith(("10.", "doi:", "info:doi/", "urn:doi:")) or _DOI_URL.match(low)
    if doi_like and b.set_doi(value, source_field="dc:identifier"):
        return
    if "altidentifier/doi/" in low:
        b.set_doi(value.split("/doi/", 1)[1], source_field="dc:identifier")
        return
    if _URL.match(value):
        s.landing_urls.append(value)
        return
    append_extra(b, "dc:identifier", value)


def _dc_relation(el: Any, value: str, b: RecordBuilder, s: _DcState) -> None:
    if _URL.match(value):
        if _DOAJ_TOC.match(value):
            append_extra(b, "journal_urls", value)
        else:
            b.add_url(value)  # full text (DOAJ) or a related resource: before the landing pages
        return
    append_extra(b, "dc:relation", value)


def _dc_source(el: Any, value: str, b: RecordBuilder, s: _DcState) -> None:
    b.keep("dc:source", value)
    if _ISSN_ONLY.match(value):
        b.add_issn(_without_issn_label(value))
        return
    parts = (parse_doaj_citation(value) if s.doaj else None) or _parse_ojs_citation(value)
    if parts is None:
        return
    for key in ("journal", "volume", "issue", "start_page", "end_page"):
        if parts.get(key):
            b.set(key, parts[key])
    if parts.get("year"):
        b.keep("source_year", parts["year"])


def _dc_language(el: Any, value: str, b: RecordBuilder, s: _DcState) -> None:
    s.languages.append(value)
    b.set_language(value, source_field="language_unrecognised")


def _dc_rights(el: Any, value: str, b: RecordBuilder, s: _DcState) -> None:
    signal = from_vocabulary(value, field="dc:rights")
    if signal is not None:
        s.signals.append(signal)
        return
    if _URL.match(value) and _LICENSE_URL.search(value):
        if b.get("license") is None:
            b.set("license", value)
        else:
            append_extra(b, "licenses", value)
        return
    text_signal = classify_text(value)
    if text_signal is not None:
        s.signals.append(text_signal)
    if b.get("rights") is None:
        b.set("rights", value)
    else:
        append_extra(b, "dc:rights", value)


def _dc_provenance(el: Any, value: str, b: RecordBuilder, s: _DcState) -> None:
    b.keep("dc:provenance", value)
    m = _JOURNAL_LICENCE.match(value)
    if m and b.get("license") is None:
        b.set("license", m.group(1))


_DC_HANDLERS: Final[dict[str, Callable[[Any, str, RecordBuilder, _DcState], None]]] = {
    "title": _dc_title,
    "creator": _dc_creator,
    "contributor": _dc_list("dc:contributor"),
    "subject": _dc_subject,
    "description": _dc_description,
    "publisher": _dc_publisher,
    "date": _dc_date,
    "type": _dc_type,
    "format": _dc_list("dc:format"),
    "identifier": _dc_identifier,
    "source": _dc_source,
    "language": _dc_language,
    "relation": _dc_relation,
    "coverage": _dc_list("dc:coverage"),
    "rights": _dc_rights,
    "provenance": _dc_provenance,
}


def _finish_dc(b: RecordBuilder, s: _DcState) -> None:
    for url in s.landing_urls:
        b.add_url(url)
    _choose_abstract(b, s)
    _choose_date(b, s)
    _choose_type(b, s)
    if s.languages:
        b.keep("language_raw", list(s.languages))
        if s.doaj and len(set(s.languages)) > 1:
            b.flag(
                "ambiguous_field",
                "DOAJ lists the journal's languages, not the article's: the first was taken",
                s.languages,
                field="language",
                severity="info",
            )
    if s.signals:
        extra_signal = [doaj_access_signal(s.header)] if s.header is not None and s.doaj else []
        apply_access(b, [*s.signals, *extra_signal])


def _choose_abstract(b: RecordBuilder, s: _DcState) -> None:
    """The abstract among several ``dc:description`` values: the longest.

    DSpace writes its notes (``Tese de Doutoramento em ...``, sponsorship) into ``dc:description``
    beside the abstract, in no fixed order; the others are kept in ``extra["dc:description"]``.

    The values are kept as read: a lone one (the usual case) is cleaned once, by
    :func:`_set_dc_text`; several are cleaned here first (an empty one counts for nothing).
    """
    if not s.descriptions:
        return
    if len(s.descriptions) == 1:
        _set_dc_text(b, "abstract", s.descriptions[0])
        return
    descriptions = [d for d in map(clean, s.descriptions) if d is not None]
    if not descriptions:
        return
    chosen = max(descriptions, key=len)
    set_text_field(b, "abstract", chosen, cleaned=chosen)
    others = [d for d in descriptions if d is not chosen]
    if others:
        b.keep("dc:description", others)
        b.flag(
            "ambiguous_field",
            f"{len(descriptions)} dc:description values: the longest was taken as the abstract",
            [d[:80] for d in descriptions],
            field="abstract",
            severity="info",
        )


def _choose_date(b: RecordBuilder, s: _DcState) -> None:
    """The publication date among several ``dc:date`` values.

    An ``info:eu-repo/date/publication`` value wins; otherwise dates without a time of day are
    preferred (DSpace also puts its accession and availability timestamps in ``dc:date``).
    More than one remaining candidate is flagged ``ambiguous_field``.
    """
    candidates = s.publication_dates or [d for d in s.dates if not _HAS_TIME.search(d)] or s.dates
    if not candidates:
        return
    chosen = candidates[0]
    iso = b.set_date("date_published", chosen, source_field="dc:date")
    if len(s.dates) + len(s.publication_dates) > 1:
        b.keep("dc:date", s.publication_dates + s.dates)
    if len(candidates) > 1 and len({parse_date(c) or c for c in candidates}) > 1:
        b.flag(
            "ambiguous_field",
            "several dc:date values could be the publication date: the first was taken",
            candidates,
            field="date_published",
            severity="info",
        )
    if s.doaj:
        note_doaj_synthesised_date(b, chosen, iso)


def _choose_type(b: RecordBuilder, s: _DcState) -> None:
    if not s.types:
        return
    b.keep("type", s.types[0] if len(s.types) == 1 else list(s.types))
    for value in s.types:
        found = csl_type(value)
        if found:
            b.set("type", found)
            return
