"""DSpace 6 and 7+: ``dspace-html`` (item pages), ``dspace-text`` (full item record renderings),
and the OAI-PMH ``dim`` and ``qdc`` metadata mappers (:func:`map_dim`, :func:`map_qdc`).

Every form reaches the same table, :data:`DSPACE_FIELD_MAP` (qualified Dublin Core field name ->
Record field): ``dim`` fields and full-item-record rows carry the field names themselves; page
head tags (``DC.*``, ``DCTERMS.*``, matched case-insensitively) and ``qdc`` elements are first
translated to them through :data:`HEAD_TO_DC` (``DCTERMS.issued`` -> ``dc.date.issued``,
``DCTERMS.dateAccepted`` -> ``dc.date.accessioned``, ``DC.creator`` -> ``dc.contributor.author``).

Pages of DSpace 6 (JSPUI, XMLUI) and DSpace 7+ (Angular) add ``citation_*`` tags and visible
access words:

- ``citation_pdf_url`` is emitted only when anonymous users can read the file, so on DSpace it is
  a real open signal (unlike EPrints);
- ``citation_date`` / ``citation_publication_date`` fall back to ``dc.date.available`` or
  ``dc.date.accessioned``: ``DCTERMS.issued`` wins when present, a citation date equal to an
  accession date is not taken as the publication date, and ``extra["date_published_source"]``
  says where ``date_published`` came from;
- ``citation_keywords`` of DSpace 6 also holds ``dc.type``: keywords come from ``DC.subject`` when
  the page has it, otherwise from ``citation_keywords`` without the type value;
- visible words: file rows (JSPUI ``Restricted Access`` / ``Request a copy``, XMLUI lock icons and
  ``isAllowed=n`` links, DSpace 7 ``Restricted bitstream`` and ``Embargo until {date}`` badges),
  item badges (``Open Access``, ``Embargo``, ``Restricted``, ``Metadata only`` and their
  translations) and XMLUI headings (``This item is restricted``).

Files are read as on EPrints: any readable file makes the item's files open, otherwise the
earliest dated embargo, otherwise restricted; that reading is combined with the item-level words
and the metadata fields (``dc.rights.accessRights``, ``info:eu-repo`` rights, ``*.embargo.*``
dates), most restrictive first, with an ``access_conflict`` flag on disagreement. DSpace 7 shows
no access words by default: a page without any signal is ``unknown``, never ``open``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar
from urllib.parse import urlsplit

import attrs

from ..builder import RecordBuilder
from ..errors import Failure
from ..normalize.access import AccessSignal, apply_access, classify_text, from_vocabulary
from ..normalize.dates import parse_date
from ..normalize.identifiers import find_doi, normalize_doi
from ..normalize.text import clean, has_html
from ..record import Position, Record
from ..sources import Input, TextLine, iter_lines
from ..xmlsafe import local_name, text_of
from .base import PageParser, Parser, RawRecord
from .eprints import (
    DocumentView,
    check_record_size,
    combine_documents,
    is_main_document,
    meta_tags,
    page_lines,
)
from .oai import OaiHeader, csl_type

__all__ = [
    "DIM_NAMESPACE",
    "DSPACE_FIELD_MAP",
    "HEAD_TO_DC",
    "QDC_NAMESPACES",
    "DcValue",
    "DspaceHtmlParser",
    "DspaceTextParser",
    "map_dc_fields",
    "map_dim",
    "map_qdc",
]

#: Namespace of DSpace's internal metadata format (OAI ``dim``).
DIM_NAMESPACE = "http://www.dspace.org/xmlns/dspace/dim"
#: Root namespaces of DSpace ``qdc``: ``qdc:qualifieddc`` (DSpace 5/6) and ``dcterms:record``
#: (the XOAI crosswalk of later versions).
QDC_NAMESPACES = ("http://dspace.org/qualifieddc/", "http://purl.org/dc/terms/")

#: Qualified DC field (lower case) -> Record field. ``dc.subject.<scheme>`` (other than
#: ``other``) are classified subjects; any field with ``embargo`` in its name is an embargo end
#: date. Fields not listed are kept in ``extra`` under their own name.
DSPACE_FIELD_MAP: dict[str, str] = {
    "dc.title": "title",
    "dc.contributor.author": "authors",
    "dc.creator": "authors",
    "dc.author": "authors",
    "dc.description.abstract": "abstract",
    "dc.date.issued": "date_published",
    "dc.date.accessioned": "date_deposited",
    "dc.identifier.doi": "doi",
    "dc.identifier": "doi / urls (by value)",
    "dc.identifier.other": "doi (by value)",
    "dc.identifier.uri": "urls, id (the handle)",
    "dc.identifier.url": "urls",
    "dc.identifier.issn": "issns",
    "dc.identifier.eissn": "issns",
    "dc.publisher": "publisher",
    "dc.relation.ispartof": "journal",
    "dc.citation.journaltitle": "journal",
    "oaire.citation.title": "journal",
    "dc.citation.volume": "volume",
    "oaire.citation.volume": "volume",
    "dc.citation.issue": "issue",
    "oaire.citation.issue": "issue",
    "dc.citation.spage": "start_page",
    "dc.citation.startpage": "start_page",
    "oaire.citation.startpage": "start_page",
    "dc.citation.epage": "end_page",
    "dc.citation.endpage": "end_page",
    "oaire.citation.endpage": "end_page",
    "dc.subject": "keywords",
    "dc.subject.other": "keywords",
    "dc.subject.*": "subjects",
    "dc.type": "type",
    "dc.language.iso": "language",
    "dc.language": "language",
    "dc.rights": "rights (info:eu-repo/COAR values: access)",
    "dc.rights.uri": "license",
    "dc.rights.license": "license",
    "dc.rights.accessrights": "access",
    "dcterms.accessrights": "access",
    "*embargo*": "access (embargo end)",
    "thesis.degree.grantor": "institution",
    "dc.degree.grantor": "institution",
    "etdms.degree.grantor": "institution",
}

#: Head tag / qdc element name (lower case) -> qualified DC field, per DSpace's
#: ``xhtml-head-item.properties`` and ``qdc`` crosswalk. ``DC.<x>`` not listed means ``dc.<x>``.
HEAD_TO_DC: dict[str, str] = {
    "dc.creator": "dc.contributor.author",
    "dcterms.issued": "dc.date.issued",
    "dcterms.available": "dc.date.available",
    "dcterms.dateaccepted": "dc.date.accessioned",
    "dcterms.created": "dc.date.created",
    "dcterms.datecopyrighted": "dc.date.copyright",
    "dcterms.abstract": "dc.description.abstract",
    "dcterms.tableofcontents": "dc.description.tableofcontents",
    "dcterms.bibliographiccitation": "dc.identifier.citation",
    "dcterms.extent": "dc.format.extent",
    "dcterms.medium": "dc.format.medium",
    "dcterms.ispartof": "dc.relation.ispartof",
    "dcterms.haspart": "dc.relation.haspart",
    "dcterms.isformatof": "dc.relation.isformatof",
    "dcterms.alternative": "dc.title.alternative",
    "dcterms.uri": "dc.identifier.uri",
    "dcterms.spatial": "dc.coverage.spatial",
    "dcterms.temporal": "dc.coverage.temporal",
    "dcterms.accessrights": "dc.rights.accessRights",
    "dcterms.license": "dc.rights.uri",
    "dcterms.rightsholder": "dc.rights.holder",
    "dc.covarage": "dc.coverage",
}

_CLASSIFIED_SUBJECT = re.compile(r"^dc\.subject\.(?!other$)[a-z0-9_-]+$")


@attrs.frozen
class DcValue:
    """One qualified DC value: its qualified DC ``field``, the value, its language, and the
    ``source`` name when the source spelt the field differently (``DCTERMS.issued``)."""

    field: str
    value: str
    language: str | None = None
    source: str | None = None

    @property
    def name(self) -> str:
        """The name the source used: what ``extra`` and evidence are keyed by."""
        return self.source or self.field


# --------------------------------------------------------------------------------------------
# The shared field mapping


def _target(field: str) -> str | None:
    key = field.lower()
    if "embargo" in key:
        return "embargo"
    found = DSPACE_FIELD_MAP.get(key)
    if found:
        return re.match(r"[a-z_]+", found).group(0)  # type: ignore[union-attr]
    if _CLASSIFIED_SUBJECT.match(key):
        return "subjects"
    return None


#: A handle in a handle.net or ``/handle/`` URL; a DSpace 7 item UUID in an ``/items/`` URL.
_HANDLE = re.compile(r"(?:hdl\.handle\.net/|/handle/)(\d+(?:\.\d+)*/[\w.-]+)")
_ITEM_UUID = re.compile(r"/items/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", re.I)


def _looks_like_doi(text: str) -> bool:
    return bool(re.match(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?10\.\d{4,9}/", text, re.I))


class _DcMapper:
    """Applies :data:`DSPACE_FIELD_MAP` to a builder and collects the access signals."""

    def __init__(self, builder: RecordBuilder) -> None:
        self.builder = builder
        self.signals: list[AccessSignal] = []
        self.types: list[str] = []

    def add(self, item: DcValue) -> None:
        value = item.value
        text = clean(value)
        if not text:
            return
        target = _target(item.field)
        handler = getattr(self, f"_h_{target}", None) if target else None
        if handler is None:
            self.builder.keep(item.name, text)
            return
        handler(item, text)

    # -- handlers (one per Record field) -----------------------------------------------------
    def _single(self, field: str, item: DcValue, text: str) -> None:
        if self.builder.get(field) is None:
            self.builder.set(field, text)
        elif self.builder.get(field) != text:
            self.builder.keep(item.name, text)

    def _h_title(self, item: DcValue, text: str) -> None:
        self._single("title", item, text)

    def _h_authors(self, item: DcValue, text: str) -> None:
        self.builder.add_person(text)

    def _h_abstract(self, item: DcValue, text: str) -> None:
        if self.builder.get("abstract") is not None:
            self.builder.keep(item.name, item.value)
            return
        markup = has_html(item.value)
        self.builder.set("abstract", item.value, html=markup)
        if markup:
            self.builder.keep(item.name, item.value)

    def _h_date_published(self, item: DcValue, text: str) -> None:
        if self.builder.get("date_published") is None:
            self.builder.set_date("date_published", text, source_field=item.name)
            self.builder.keep("date_published_source", item.name)
        else:
            self.builder.keep(item.name, text)

    def _h_date_deposited(self, item: DcValue, text: str) -> None:
        if self.builder.get("date_deposited") is None:
            self.builder.set_date("date_deposited", text, source_field=item.name)
        self.builder.keep(item.name, text)

    def _h_doi(self, item: DcValue, text: str) -> None:
        if _looks_like_doi(text) and normalize_doi(text):
            self.builder.set_doi(text, source_field=item.name)
        elif text.lower().startswith(("http://", "https://")):
            self.builder.add_url(text)
        else:
            self.builder.keep(item.name, text)

    def _h_urls(self, item: DcValue, text: str) -> None:
        self.builder.add_url(text)
        if "doi.org/" in text.lower() and find_doi(text):
            self.builder.set_doi(text, source_field=item.name)
        ident = _HANDLE.search(text) or _ITEM_UUID.search(text)
        if ident and self.builder.get("id") is None:
            self.builder.set("id", ident.group(1))

    def _h_issns(self, item: DcValue, text: str) -> None:
        self.builder.add_issn(text)

    def _h_publisher(self, item: DcValue, text: str) -> None:
        self._single("publisher", item, text)

    def _h_journal(self, item: DcValue, text: str) -> None:
        self._single("journal", item, text)

    def _h_volume(self, item: DcValue, text: str) -> None:
        self._single("volume", item, text)

    def _h_issue(self, item: DcValue, text: str) -> None:
        self._single("issue", item, text)

    def _h_start_page(self, item: DcValue, text: str) -> None:
        self._single("start_page", item, text)

    def _h_end_page(self, item: DcValue, text: str) -> None:
        self._single("end_page", item, text)

    def _h_institution(self, item: DcValue, text: str) -> None:
        self._single("institution", item, text)

    def _h_keywords(self, item: DcValue, text: str) -> None:
        for word in text.split(";") if ";" in text else [text]:
            self.builder.add_keyword(word)

    def _h_subjects(self, item: DcValue, text: str) -> None:
        self.builder.add_subject(text)
        self.builder.keep(item.name, text)

    def _h_type(self, item: DcValue, text: str) -> None:
        self.types.append(text)
        csl = csl_type(text)
        if csl and self.builder.get("type") is None:
            self.builder.set("type", csl)
        self.builder.keep("type", text)

    def _h_language(self, item: DcValue, text: str) -> None:
        self.builder.set_language(text, source_field=item.name)

    def _h_rights(self, item: DcValue, text: str) -> None:
        signal = from_vocabulary(text, field=item.name)
        if signal is not None:
            self.signals.append(signal)
            self.builder.keep(item.name, text)
            return
        self._single("rights", item, text)

    def _h_license(self, item: DcValue, text: str) -> None:
        signal = from_vocabulary(text, field=item.name)
        if signal is not None:
            self.signals.append(signal)
            self.builder.keep(item.name, text)
            return
        self._single("license", item, text)

    def _h_access(self, item: DcValue, text: str) -> None:
        self.builder.keep(item.name, text)
        signal = from_vocabulary(text, field=item.name) or classify_text(text)
        if signal is not None:
            self.signals.append(
                AccessSignal(signal.status, signal.embargo_end, f"{item.name}={text}")
            )

    def _h_embargo(self, item: DcValue, text: str) -> None:
        """An embargo field holds an end date (or ``forever``); periods such as ``6 months``
        and reasons say nothing about the end and are only kept."""
        self.builder.keep(item.name, text)
        signal = from_vocabulary("embargo", scheme="dspace", date=text, field=item.name)
        if signal is not None and signal.embargo_end is not None:
            self.signals.append(AccessSignal("embargoed", signal.embargo_end, f"{item.name}={text}"))


def map_dc_fields(builder: RecordBuilder, values: Iterable[DcValue]) -> tuple[list[AccessSignal], list[str]]:
    """Map qualified DC values onto ``builder``; return the access signals they carry and the
    ``dc.type`` values seen (callers decide access and use the types to clean keywords)."""
    mapper = _DcMapper(builder)
    for value in values:
        mapper.add(value)
    return mapper.signals, mapper.types


def head_to_dc(name: str) -> str:
    """The qualified DC field of a head tag or qdc element name (``DCTERMS.issued`` ->
    ``dc.date.issued``, ``DC.subject`` -> ``dc.subject``)."""
    key = name.lower()
    if key in HEAD_TO_DC:
        return HEAD_TO_DC[key]
    if key.startswith("dcterms."):
        return "dc." + key[len("dcterms."):]
    return key


# --------------------------------------------------------------------------------------------
# OAI-PMH dim and qdc


def map_dim(metadata: Any, builder: RecordBuilder, header: OaiHeader | None) -> None:
    """Map a DSpace ``<dim:dim>`` metadata element (``<dim:field mdschema element qualifier
    lang>``) onto ``builder``, including access from rights and embargo fields."""
    values: list[DcValue] = []
    for field in metadata.iter():
        if not isinstance(field.tag, str) or local_name(field.tag) != "field":
            continue
        parts = [field.get("mdschema") or "dc", field.get("element") or ""]
        if field.get("qualifier"):
            parts.append(field.get("qualifier"))
        values.append(DcValue(".".join(p for p in parts if p), text_of(field), field.get("lang")))
    _map_oai_values(builder, values)


def map_qdc(metadata: Any, builder: RecordBuilder, header: OaiHeader | None) -> None:
    """Map DSpace ``qdc`` (``<qdc:qualifieddc>`` or ``<dcterms:record>`` with ``dc:`` and
    ``dcterms:`` children) onto ``builder`` through :data:`HEAD_TO_DC`."""
    values: list[DcValue] = []
    for child in metadata:
        if not isinstance(child.tag, str):
            continue
        namespace = child.tag[1:].split("}", 1)[0] if child.tag.startswith("{") else ""
        prefix = "dcterms" if "purl.org/dc/terms" in namespace else "dc"
        source = f"{prefix}:{local_name(child.tag)}"
        values.append(DcValue(head_to_dc(f"{prefix}.{local_name(child.tag)}"), text_of(child), source=source))
    _map_oai_values(builder, values)


def _map_oai_values(builder: RecordBuilder, values: Sequence[DcValue]) -> None:
    signals, _ = map_dc_fields(builder, values)
    if signals:
        apply_access(builder, signals)


# --------------------------------------------------------------------------------------------
# Item pages

#: ``citation_*`` tag -> qualified DC field, used only when the head has no DC value for it.
_CITATION_TO_DC: dict[str, str] = {
    "citation_title": "dc.title",
    "citation_author": "dc.contributor.author",
    "citation_journal_title": "dc.relation.ispartof",
    "citation_volume": "dc.citation.volume",
    "citation_issue": "dc.citation.issue",
    "citation_firstpage": "dc.citation.spage",
    "citation_lastpage": "dc.citation.epage",
    "citation_doi": "dc.identifier.doi",
    "citation_issn": "dc.identifier.issn",
    "citation_isbn": "dc.identifier.isbn",
    "citation_language": "dc.language.iso",
    "citation_publisher": "dc.publisher",
    "citation_dissertation_institution": "thesis.degree.grantor",
    "citation_technical_report_institution": "dc.publisher",
    "citation_abstract_html_url": "dc.identifier.uri",
}
_CITATION_DATES = ("citation_publication_date", "citation_date")
_BITSTREAM_HREF = re.compile(r"/(?:bitstream|bitstreams|retrieve)/", re.IGNORECASE)
_LOCK_CLASS = re.compile(r"(?:glyphicon-lock|fa-lock|icon-lock|\block\b)", re.IGNORECASE)
_FILE_SECTION = re.compile(r"file-section|file-list|item-page-file|files-section|file_list", re.IGNORECASE)


def _dc_from_head(metas: Sequence[tuple[str, str]]) -> list[DcValue]:
    out: list[DcValue] = []
    for name, content in metas:
        key = name.lower()
        if key.startswith(("dc.", "dcterms.")):
            out.append(DcValue(head_to_dc(name), content, source=name))
    return out


def _date_part(value: str | None) -> str | None:
    return parse_date(value) if value else None


class _Page:
    """What the item page's head says, indexed for the citation fallbacks."""

    def __init__(self, metas: Sequence[tuple[str, str]]) -> None:
        self.metas = metas
        self.tags: dict[str, list[str]] = {}
        for name, content in metas:
            if content.strip():
                self.tags.setdefault(name.lower(), []).append(content.strip())
        self.dc = _dc_from_head(metas)
        self.dc_fields = {v.field.lower() for v in self.dc}

    def first(self, tag: str) -> str | None:
        values = self.tags.get(tag)
        return values[0] if values else None


def _citation_values(page: _Page) -> list[DcValue]:
    """``citation_*`` tags for the fields the DC head tags did not give."""
    out: list[DcValue] = []
    for tag, field in _CITATION_TO_DC.items():
        if field.lower() in page.dc_fields or (field == "dc.contributor.author" and _has_authors(page)):
            continue
        out.extend(DcValue(field, v, source=tag) for v in page.tags.get(tag, []))
    return out


def _has_authors(page: _Page) -> bool:
    return bool(page.dc_fields & {"dc.contributor.author", "dc.creator", "dc.author"})


def _citation_date(builder: RecordBuilder, page: _Page) -> None:
    """``date_published`` from ``citation_publication_date``/``citation_date`` when the head has
    no ``DCTERMS.issued``; a value equal to an accession date is kept in ``extra`` only."""
    if builder.get("date_published") is not None:
        return
    for tag in _CITATION_DATES:
        value = page.first(tag)
        if not value:
            continue
        iso = _date_part(value)
        accession = {
            _date_part(v.value)
            for v in page.dc
            if v.field.lower() in ("dc.date.accessioned", "dc.date.available")
        }
        if iso and iso in accession:
            builder.keep(tag, value)
            builder.flag(
                "ambiguous_field",
                f"{tag} equals the accession date; not taken as the publication date",
                [value],
                field="date_published",
                severity="info",
            )
            return
        builder.set_date("date_published", value, source_field=tag)
        builder.keep(
            "date_published_source",
            f"{tag} (DSpace falls back to dc.date.available/accessioned without dc.date.issued)",
        )
        return


def _citation_keywords(builder: RecordBuilder, page: _Page, types: Sequence[str]) -> None:
    """Keywords from ``citation_keywords`` when the head has no ``DC.subject``; DSpace 6 appends
    ``dc.type`` to them, which is dropped when the page tells the type."""
    raw = page.tags.get("citation_keywords", [])
    if not raw:
        return
    if "dc.subject" in page.dc_fields:
        builder.keep("citation_keywords", raw[0] if len(raw) == 1 else raw)
        return
    type_names = {t.casefold() for t in types}
    dropped: list[str] = []
    for value in raw:
        for word in (clean(w) for w in value.split(";")):
            if not word:
                continue
            if word.casefold() in type_names:
                dropped.append(word)
                continue
            builder.add_keyword(word)
    if dropped:
        builder.keep("citation_keywords", raw[0] if len(raw) == 1 else raw)


@attrs.define
class _FileRow:
    """One bitstream on the page: its link, the row around it, and what can be read of it."""

    href: str
    lines: list[str]
    structural: AccessSignal | None = None


def _classes(node: Any) -> str:
    return (node.get("class") or "") if isinstance(node.tag, str) else ""


def _tagname(node: Any) -> str:
    return local_name(node.tag).lower() if isinstance(node.tag, str) else ""


def _row_of(link: Any) -> Any:
    """The largest ancestor (up to four levels) that holds this bitstream link and no other."""
    row = link
    for level, ancestor in enumerate(link.iterancestors()):
        if level >= 4 or _tagname(ancestor) in ("body", "html", "table", "tbody"):
            break
        others = [
            a for a in ancestor.iter("a")
            if a is not link and _BITSTREAM_HREF.search(a.get("href") or "")
            and _href_key(a.get("href") or "") != _href_key(link.get("href") or "")
        ]
        if others:
            break
        row = ancestor
        if _tagname(ancestor) in ("tr", "li"):
            break
    return row


def _href_key(href: str) -> str:
    try:
        path = urlsplit(href).path
    except ValueError:  # "http://[broken": urlsplit refuses an unclosed IPv6 host
        path = href.partition("?")[0].partition("#")[0]
    return path.rstrip("/")


def _file_rows(root: Any) -> list[tuple[Any, _FileRow]]:
    rows: list[tuple[Any, _FileRow]] = []
    for link in root.iter("a"):
        href = link.get("href") or ""
        if not _BITSTREAM_HREF.search(href) or "thumbnail" in href.lower():
            continue
        if not clean(text_of(link)) and link.find(".//img") is not None:
            continue  # a thumbnail image link
        row = _row_of(link)
        if any(r is row for r, _ in rows):
            continue
        structural = _structural_signal(link, row, href)
        rows.append((row, _FileRow(href, page_lines(row), structural)))
    return rows


def _structural_signal(link: Any, row: Any, href: str) -> AccessSignal | None:
    """XMLUI marks unreadable files with ``isAllowed=n`` and a lock icon; ``isAllowed=y`` is a
    file the visitor may read."""
    try:
        query = urlsplit(href).query.lower()
    except ValueError:  # "http://[broken": urlsplit refuses an unclosed IPv6 host
        query = href.partition("?")[2].partition("#")[0].lower()
    if "isallowed=n" in query:
        return AccessSignal("restricted", None, f"{href} (isAllowed=n)")
    for node in row.iter():
        if _LOCK_CLASS.search(_classes(node)):
            return AccessSignal("restricted", None, f"{href} (lock icon)")
    if "isallowed=y" in query:
        return AccessSignal("open", None, f"{href} (isAllowed=y)")
    return None


def _file_view(row: _FileRow) -> DocumentView | None:
    """The reading of one file row: its words first (a dated embargo before other closed words,
    an explicit open badge last), then the link's own markers."""
    signals = [s for s in (classify_text(line) for line in row.lines) if s]
    closed = [s for s in signals if s.status != "open"]
    dated = [s for s in closed if s.embargo_end]
    chosen = (dated or closed or [])[:1] or ([row.structural] if row.structural else []) or signals[:1]
    if not chosen:
        return None
    signal = chosen[0]
    label = row.lines[0] if row.lines else row.href
    said = "; ".join(dict.fromkeys(s.evidence for s in (closed or chosen)))
    return DocumentView(
        label=label,
        signal=AccessSignal(signal.status, signal.embargo_end, f"{label}: {said}"),
        main=is_main_document(None, " ".join(row.lines[:2]) or row.href),
    )


def _placement(node: Any, rows: Sequence[Any]) -> str:
    """``row`` inside a file row, ``files`` elsewhere in a file section, else ``item``."""
    for ancestor in [node, *node.iterancestors()]:
        if any(ancestor is r for r in rows):
            return "row"
    for ancestor in [node, *node.iterancestors()]:
        if _FILE_SECTION.search(_classes(ancestor)) or _FILE_SECTION.search(_tagname(ancestor)):
            return "files"
    return "item"


def _item_signals(root: Any, rows: Sequence[Any], title: str | None) -> tuple[list[AccessSignal], list[DocumentView]]:
    """Access words outside the file rows: item badges, alerts and headings (the title excepted);
    badges inside a file section are file readings."""
    item: list[AccessSignal] = []
    files: list[DocumentView] = []
    seen: set[str] = set()
    body = root.find("body")
    for node in (body if body is not None else root).iter():
        tag, classes = _tagname(node), _classes(node).lower()
        badge = "access-status" in tag or "embargo" in tag or "badge" in classes or "access-status" in classes
        notice = tag in ("h1", "h2", "h3", "h4") or "alert" in classes
        if not (badge or notice):
            continue
        text = " ".join(page_lines(node))
        if not text or text in seen or len(text) > 300 or (title and text.casefold() == title.casefold()):
            continue
        seen.add(text)
        signal = classify_text(text)
        if signal is None:
            continue
        where = _placement(node, rows)
        if where == "row":
            continue  # read with its file row
        if badge and where == "files":
            files.append(DocumentView(label=text, signal=signal))
        else:
            item.append(signal)
    return item, files


def _pdf_view(page: _Page, rows: Sequence[_FileRow]) -> list[DocumentView]:
    """``citation_pdf_url`` marks its file readable by anonymous users; the file keeps what its
    row says it is (a front matter stays a front matter)."""
    url = page.first("citation_pdf_url")
    if not url:
        return []
    signal = AccessSignal("open", None, f"citation_pdf_url: {url}")
    target = _href_key(url)
    for row in rows:
        key = _href_key(row.href)
        if key and (key.endswith(target) or target.endswith(key)):
            label = " ".join(row.lines[:2]) or row.href
            return [DocumentView(label=label, signal=signal, main=is_main_document(None, label))]
    name = target.rsplit("/", 1)[-1]
    return [DocumentView(label=url, signal=signal, main=is_main_document(None, name))]


def _body_abstract(root: Any) -> str | None:
    """DSpace 7 item pages show the abstract in ``ds-item-page-abstract-field``."""
    for node in root.iter():
        if "abstract-field" in _tagname(node):
            lines = page_lines(node)
            if lines and lines[0].rstrip(":").casefold() in ("abstract", "zusammenfassung", "résumé", "resumen", "resumo", "riassunto", "samenvatting"):
                lines = lines[1:]
            return "\n".join(lines) or None
    return None


class DspaceHtmlParser(PageParser):
    """DSpace 6 (JSPUI, XMLUI) and DSpace 7+ (Angular) item pages."""

    name = "dspace-html"
    title = "DSpace item page, HTML (DSpace 6 JSPUI/XMLUI, DSpace 7+)"
    media_types = ("text/html", "application/xhtml+xml")
    patterns = ("*.html", "*.htm")
    field_map: ClassVar[dict[str, str]] = {
        **{f"DC/DCTERMS head tag -> {k}": v for k, v in DSPACE_FIELD_MAP.items()},
        **{k: f"{v} (when the DC head tags lack it)" for k, v in _CITATION_TO_DC.items()},
        "citation_publication_date / citation_date": "date_published (unless an accession date)",
        "citation_keywords": "keywords (without dc.type)",
        "citation_pdf_url": "access (open), urls",
        "file rows, badges, headings": "access",
    }

    def sniff(self, head: bytes) -> float:
        lower = head[:65536].lower()
        if b"<html" not in lower and b"<meta" not in lower and b"<ds-app" not in lower:
            return 0.0
        if b'name="eprints.' in lower:
            return 0.0
        if re.search(rb'<meta[^>]+content=["\']dspace', lower) and b"generator" in lower:
            return 0.95
        if b"<ds-app" in lower or b"_ngcontent-dspace" in lower or b"<ds-item-page" in lower:
            return 0.9
        markers = sum(1 for m in (b"/handle/", b"/bitstream/", b"/bitstreams/", b"dspace") if m in lower)
        if markers >= 2:
            return 0.75
        return 0.0

    def map(self, raw: RawRecord) -> Record:
        builder = RecordBuilder(self.name)
        root = self.parse_page(raw, builder)
        page = _Page(meta_tags(root))
        signals, types = map_dc_fields(builder, [*page.dc, *_citation_values(page)])
        _citation_date(builder, page)
        _citation_keywords(builder, page, types)
        if builder.get("abstract") is None:
            abstract = _body_abstract(root)
            if abstract:
                builder.set("abstract", abstract)
        self._keep_other_tags(builder, page)
        self._access(builder, root, page, signals)
        return builder.build()

    @staticmethod
    def _keep_other_tags(builder: RecordBuilder, page: _Page) -> None:
        used = set(_CITATION_TO_DC) | set(_CITATION_DATES) | {"citation_keywords", "citation_pdf_url"}
        for name, content in page.metas:
            key = name.lower()
            if key.startswith(("dc.", "dcterms.")) or key in used or not content.strip():
                continue
            builder.keep(name, content)
        pdf = page.first("citation_pdf_url")
        if pdf:
            builder.add_url(pdf)

    @staticmethod
    def _access(builder: RecordBuilder, root: Any, page: _Page, metadata: list[AccessSignal]) -> None:
        rows = _file_rows(root)
        row_views = [(row, _file_view(row)) for _, row in rows]
        item, badge_files = _item_signals(root, [node for node, _ in rows], builder.get("title"))
        views = [v for _, v in row_views if v] + badge_files + _pdf_view(page, [r for r, _ in row_views])
        if row_views:
            builder.keep("files", [r.lines[0] if r.lines else r.href for r, _ in row_views])
        files = combine_documents(views)
        apply_access(builder, [*metadata, *item, *([files] if files else [])])


# --------------------------------------------------------------------------------------------
# Full item record, text

_ROW = re.compile(r"^\s*(?P<field>(?:dc|dcterms|local|thesis|oaire|datacite|etdms|person|relation|"
                  r"dspace|eperson|crisitem|cris|glamjournal|mods|uketd|eprint)\.[A-Za-z][\w.-]*)"
                  r"(?:\s+(?P<rest>.*))?$")
_LANGUAGE_CELL = re.compile(r"^(?:[a-z]{2,3}(?:[_-][A-Za-z]{2,4})?|\*|-|N/A)$")
_LOCALE_TOKEN = re.compile(r"^(?:[a-z]{2,3}[_-][A-Z]{2}|\*|-)$")
_SECTION_END = re.compile(
    r"^(?:files in this item|this item appears in the following collection|appears in collections"
    r"|collections?\s*:|collections?$|show simple item record|simple item record|files\s*$|view/open"
    r"|items in dspace are protected|file\s+description\s+size)",
    re.IGNORECASE,
)
_RECORD_HEADER = re.compile(
    r"^(?:full metadata record|show full item record|full item record|full item page"
    r"|dc field\s+value\s+language|please use this identifier to cite or link to this item)\b",
    re.IGNORECASE,
)


def _split_row(field: str, rest: str) -> DcValue:
    """``value<TAB>language`` (or two or more spaces as the separator); with single spaces only a
    trailing locale token (``en_US``, ``*``, ``-``) is taken as the language column."""
    rest = rest.rstrip()
    cells = [c for c in re.split(r"\t+|\s{2,}", rest) if c.strip()] if re.search(r"\t|\s{2,}", rest) else []
    if len(cells) >= 2 and _LANGUAGE_CELL.match(cells[-1].strip()):
        return DcValue(field, " ".join(cells[:-1]), _language(cells[-1]))
    if cells:
        return DcValue(field, " ".join(cells), None)
    words = rest.rsplit(" ", 1)
    if len(words) == 2 and _LOCALE_TOKEN.match(words[1]):
        return DcValue(field, words[0], _language(words[1]))
    return DcValue(field, rest, None)


def _language(cell: str) -> str | None:
    text = cell.strip()
    return None if text in ("*", "-", "N/A") else text


class DspaceTextParser(Parser):
    """DSpace "full item record" pages as text: ``dc.field  value  language`` rows."""

    name = "dspace-text"
    title = "DSpace full item record, text rendering"
    media_types = ("text/plain",)
    patterns = ("*.txt",)
    field_map: ClassVar[dict[str, str]] = {
        **DSPACE_FIELD_MAP,
        "file section lines": "access",
    }

    def sniff(self, head: bytes) -> float:
        text = head[:65536].decode("utf-8", "replace")
        if text.lstrip()[:1] in ("<", "{", "["):
            return 0.0
        # ``[ \t]*`` after ``^``: ``\s*`` would run over blank lines, quadratic on many of them
        rows = re.findall(r"(?m)^[ \t]*(dc\.[a-z]+(?:\.[A-Za-z]+)?)[\t ]+\S", text)
        distinct = set(rows)
        if len(distinct) >= 3 and distinct & {"dc.title", "dc.contributor.author", "dc.identifier.uri", "dc.date.accessioned"}:
            return 0.9
        if len(distinct) >= 2 and re.search(r"(?im)^(?:full metadata record|show full item record|full item record)", text):
            return 0.7
        return 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        lines: list[TextLine] = []
        table_seen = table_done = False
        number = 0
        for line in iter_lines(inp):
            text = line.text.strip()
            is_row = bool(_ROW.match(text))
            header = bool(_RECORD_HEADER.match(text))
            if (table_done and is_row) or (header and table_seen):
                carried = _page_heading(lines, header)
                number += 1
                yield self._raw(inp, lines[: len(lines) - len(carried)], number)
                lines, table_seen, table_done = carried, False, False
            lines.append(line)
            check_record_size(inp, lines)
            if is_row:
                table_seen = True
            elif table_seen and _SECTION_END.match(text):
                table_done = True
        if any(line.text.strip() for line in lines):
            number += 1
            yield self._raw(inp, lines, number)

    @staticmethod
    def _raw(inp: Input, lines: list[TextLine], number: int) -> RawRecord:
        first = next((line for line in lines if line.text.strip()), lines[0])
        return RawRecord("\n".join(line.text for line in lines), Position(inp.name, number, first.number, first.offset))

    def map(self, raw: RawRecord) -> Record:
        values, before, after = _read_full_record(str(raw.data))
        if not values:
            raise self.fail(raw, "no 'dc.field value' rows in this page")
        builder = RecordBuilder(self.name, may_hold_surrogates=False)
        signals, _ = map_dc_fields(builder, values)
        title = builder.get("title")
        words = _text_signals([*before, *after], title)
        if after:
            builder.keep("files", [line for line in after if not _SECTION_END.match(line)][:50])
        apply_access(builder, [*signals, *words])
        return builder.build()


_TOGGLE = re.compile(r"^show (?:simple|full) item record$", re.IGNORECASE)


def _page_heading(lines: Sequence[TextLine], at_header: bool) -> list[TextLine]:
    """The last lines of the previous page that open the next one: before a page header, the
    line just above it (a title or site name); before the first field row, a trailing
    ``Show simple item record`` toggle and the title line above it."""
    end = len(lines)
    if not at_header:
        if not end or not _TOGGLE.match(lines[end - 1].text.strip()):
            return []
        end -= 1
    start = end
    if end:
        above = lines[end - 1].text.strip()
        if above and not _ROW.match(above) and not _SECTION_END.match(above):
            start = end - 1
    return list(lines[start:])


def _read_full_record(text: str) -> tuple[list[DcValue], list[str], list[str]]:
    """Rows of the field table (a line that is not a row continues the previous value), the lines
    before it and the lines after it (file section, collections)."""
    values: list[DcValue] = []
    before: list[str] = []
    after: list[str] = []
    state = "before"
    for raw_line in text.split("\n"):
        line = raw_line.rstrip()
        match = _ROW.match(line)
        if match and state != "after":
            state = "table"
            values.append(_split_row(match.group("field"), match.group("rest") or ""))
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if state == "before":
            if not _RECORD_HEADER.match(stripped):
                before.append(stripped)
        elif state == "table" and not _SECTION_END.match(stripped):
            last = values[-1]
            cells = line.rsplit("\t", 1)
            language = last.language
            if len(cells) == 2 and _LANGUAGE_CELL.match(cells[1].strip()):
                stripped, language = cells[0].strip(), _language(cells[1]) or language
            values[-1] = DcValue(last.field, f"{last.value}\n{stripped}", language)
        else:
            state = "after"
            after.append(stripped)
    return values, before, after


def _text_signals(lines: Sequence[str], title: str | None) -> list[AccessSignal]:
    """Access words around the table (``Restricted Access``, ``This item is restricted``,
    badges); lines holding the title are skipped."""
    out: list[AccessSignal] = []
    for line in lines:
        if title and title.casefold() in line.casefold():
            continue
        signal = classify_text(line)
        if signal is not None and signal not in out:
            out.append(signal)
    return out

