"""Generic repository and journal landing pages: ``meta-tags``.

Any HTML page that describes one scholarly item in its ``<head>`` becomes a Record, so a page from
a platform nobody wrote a parser for still yields one. The page is read whole (it is one record),
decoded with :func:`recordparse.sources.read_text` (BOM, transport charset, ``<meta charset>``,
UTF-8, windows-1252 fallback) and parsed with :func:`recordparse.xmlsafe.safe_html`; decoding
notes and what lxml reported as lost become flags on the record.

Sources, in priority order for the same field (the first family with a value wins):

1. Highwire Press ``citation_*`` (Google Scholar's tags);
2. bepress ``bepress_citation_*``, EPrints ``eprints.*``, PRISM ``prism.*`` (accepted by Google
   Scholar beside Highwire);
3. Dublin Core ``DC.*`` / ``DCTERMS.*`` in any case, with prefixes declared by
   ``<link rel="schema.X" href="http://purl.org/dc/...">`` honoured;
4. schema.org JSON-LD (``ScholarlyArticle``, ``Dataset``, ``Thesis`` ... also inside ``@graph``
   or a ``WebPage``'s ``mainEntity``);
5. Open Graph (``og:*``) and plain ``<meta name="description">`` / ``<title>``, as a last resort.

:attr:`MetaTagsParser.field_map` lists every source name in that order. When two families give
different DOIs or different titles the record carries a ``value_conflict`` flag.

Access is read only from explicit statements: controlled values in ``DC.rights`` /
``dc.rights.accessRights`` / ``DCTERMS.accessRights``, JSON-LD ``isAccessibleForFree`` and
``conditionsOfAccess``, and short visible texts (badges, labels, banners; never the whole body,
nor navigation, header, footer or sidebar text) that :func:`recordparse.normalize.access.classify_text` recognises. A
``citation_pdf_url`` proves nothing (EPrints emits one for restricted files too); a page without
any statement is ``unknown``.

Sniffing scores low on purpose (0.4 at most) so that a platform-specific parser wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

import attrs

from ..builder import RecordBuilder
from ..jsonstream import loads
from ..normalize.access import AccessSignal, apply_access, classify_text, from_vocabulary
from ..normalize.dates import parse_date
from ..normalize.identifiers import normalize_doi, normalize_issn, normalize_orcid
from ..normalize.text import clean, has_html, is_truncated, split_pages, strip_html, untruncate
from ..record import Person, Record
from .base import PageParser, RawRecord

__all__ = ["SOURCES", "MetaTagsParser", "csl_type_for_label"]

_DC_ELEMENTS = "purl.org/dc/elements/1.1"
_DC_TERMS = "purl.org/dc/terms"

#: Record field -> source names, highest priority first. ``ld:`` names are schema.org JSON-LD
#: properties of the page's main item; every other name is a ``<meta>`` name or property,
#: lower-cased, with Dublin Core prefixes resolved to ``dc.`` / ``dcterms.``.
SOURCES: dict[str, tuple[str, ...]] = {
    "title": (
        "citation_title", "bepress_citation_title", "eprints.title", "prism.title",
        "dc.title", "dcterms.title", "ld:name", "ld:headline", "og:title", "html:title",
    ),
    "abstract": (
        "citation_abstract", "bepress_citation_abstract", "eprints.abstract", "dcterms.abstract",
        "dc.description", "dcterms.description", "ld:abstract", "ld:description",
        "og:description", "description",
    ),
    "date_published": (
        "citation_publication_date", "citation_date", "citation_cover_date", "bepress_citation_date",
        "eprints.date", "prism.publicationdate", "prism.coverdate", "dcterms.issued", "dc.date",
        "dcterms.date", "dc.date.issued", "ld:datepublished", "article:published_time",
    ),
    "date_deposited": (
        "eprints.datestamp", "citation_online_date", "bepress_citation_online_date",
        "dcterms.dateaccepted", "dcterms.datesubmitted",
    ),
    "publisher": (
        "citation_publisher", "bepress_citation_publisher", "eprints.publisher", "dc.publisher",
        "dcterms.publisher", "ld:publisher",
    ),
    "journal": (
        "citation_journal_title", "bepress_citation_journal_title", "eprints.publication",
        "prism.publicationname", "ld:periodical",
    ),
    "volume": (
        "citation_volume", "bepress_citation_volume", "eprints.volume", "prism.volume",
        "ld:volumenumber",
    ),
    "issue": (
        "citation_issue", "bepress_citation_issue", "eprints.number", "prism.number",
        "ld:issuenumber",
    ),
    "start_page": (
        "citation_firstpage", "bepress_citation_firstpage", "eprints.pagerange",
        "prism.startingpage", "ld:pagestart", "ld:pagination",
    ),
    "end_page": ("citation_lastpage", "bepress_citation_lastpage", "prism.endingpage", "ld:pageend"),
    "doi": (
        "citation_doi", "bepress_citation_doi", "eprints.doi", "eprints.id_number", "prism.doi",
        "dc.identifier.doi", "dc.identifier", "dcterms.identifier", "ld:identifier",
    ),
    "issns": (
        "citation_issn", "citation_eissn", "bepress_citation_issn", "eprints.issn", "prism.issn",
        "prism.eissn", "ld:issn",
    ),
    "language": (
        "citation_language", "bepress_citation_language", "dc.language", "dcterms.language",
        "dc.language.iso", "ld:inlanguage", "og:locale",
    ),
    "keywords": (
        "citation_keywords", "bepress_citation_keywords", "eprints.keywords", "ld:keywords",
        "keywords",
    ),
    "subjects": ("dc.subject", "dcterms.subject", "eprints.subjects", "ld:about"),
    "institution": (
        "citation_dissertation_institution", "citation_technical_report_institution",
        "bepress_citation_dissertation_institution", "eprints.institution",
    ),
    "rights": ("dc.rights", "dcterms.rights", "eprints.copyright_holders", "ld:copyrightnotice"),
    "license": ("dcterms.license", "ld:license", "html:license"),
    "urls": (
        "citation_abstract_html_url", "citation_public_url", "bepress_citation_abstract_html_url",
        "html:canonical", "og:url", "ld:url", "citation_pdf_url", "bepress_citation_pdf_url",
        "eprints.document_url",
    ),
    "authors": (
        "citation_author", "citation_authors", "bepress_citation_author", "eprints.creators_name",
        "dc.creator", "dcterms.creator", "ld:author", "ld:creator",
    ),
    "type": ("dc.type", "dcterms.type", "eprints.type", "ld:@type", "og:type"),
    "access": (
        "dc.rights.accessrights", "dcterms.accessrights", "dc.accessrights", "dc.rights",
        "dcterms.rights", "ld:isaccessibleforfree", "ld:conditionsofaccess", "page text",
    ),
}

#: Family of a source name, in priority order (lower number wins).
_FAMILIES = (
    ("citation_", 1, "Highwire"),
    ("bepress_citation_", 2, "bepress"),
    ("eprints.", 2, "EPrints"),
    ("prism.", 2, "PRISM"),
    ("dc.", 3, "Dublin Core"),
    ("dcterms.", 3, "Dublin Core"),
    ("ld:", 4, "JSON-LD"),
    ("og:", 5, "Open Graph"),
    ("article:", 5, "Open Graph"),
)

#: Tags whose value is free text that may carry HTML or double-escaped entities.
_TEXT_FIELDS = ("title", "abstract", "publisher", "journal", "institution", "rights")

#: Highwire/DSpace tags that say "this is a thesis" etc. regardless of any type label.
_TYPE_CLUES = (
    ("citation_dissertation_institution", "thesis"),
    ("citation_dissertation_name", "thesis"),
    ("bepress_citation_dissertation_institution", "thesis"),
    ("citation_technical_report_institution", "report"),
    ("citation_technical_report_number", "report"),
    ("citation_conference_title", "paper-conference"),
    ("bepress_citation_conference", "paper-conference"),
    ("citation_journal_title", "article-journal"),
    ("bepress_citation_journal_title", "article-journal"),
    ("citation_book_title", "chapter"),
    ("citation_inbook_title", "chapter"),
)

#: schema.org types -> CSL.
LD_TYPES: dict[str, str] = {
    "scholarlyarticle": "article-journal",
    "article": "article",
    "newsarticle": "article-newspaper",
    "report": "report",
    "thesis": "thesis",
    "book": "book",
    "chapter": "chapter",
    "dataset": "dataset",
    "datacatalog": "dataset",
    "softwaresourcecode": "software",
    "softwareapplication": "software",
    "map": "map",
    "imageobject": "graphic",
    "photograph": "graphic",
    "videoobject": "motion_picture",
    "audioobject": "song",
    "presentationdigitaldocument": "speech",
    "collection": "collection",
    "review": "review",
    "periodical": "periodical",
}
#: JSON-LD node types that describe the page or site rather than the item.
_LD_NOT_ITEM = frozenset(
    {"webpage", "itempage", "website", "breadcrumblist", "organization", "person", "searchaction",
     "imageobject", "listitem", "sitenavigationelement", "wpheader", "wpfooter", "place"}
)

#: Label words -> CSL type, first match wins (labels are folded to lower case first).
_LABEL_TYPES = tuple(
    (re.compile(pattern), csl)
    for pattern, csl in (
        (r"\b(?:non ?)?peer ?reviewed\b|^(?:text|other|info:eu-repo/semantics/other)$", ""),
        (r"thes[ie]s|dissertation|doktorarbeit|masterarbeit|diplomarbeit|tesis|tese\b|tesi\b|proefschrift|habilitation", "thesis"),
        (r"book ?(?:chapter|section|part)|part of book|chapter|kapitel|cap[ií]tulo|chapitre|bookpart", "chapter"),
        (r"conference|proceeding|konferenz|congr[eè]s|workshop paper|tagungsband", "paper-conference"),
        (r"preprint|pre-print|submitted version", "article"),
        (r"working ?paper|report|bericht|informe|rapport|technical ?documentation", "report"),
        (r"journal|article|artikel|art[ií]culo|artigo|articolo|contribution to", "article-journal"),
        (r"data ?set|datensatz|conjunto de datos|research data", "dataset"),
        (r"software|program code|computer program", "software"),
        (r"\bbook\b|monograph|buch|libro|livre|\bedited volume", "book"),
        (r"poster|presentation|lecture|speech|vortrag|talk\b", "speech"),
        (r"patent", "patent"),
        (r"\breview\b", "review"),
        (r"\bimage\b|photograph|\bfigure\b|drawing", "graphic"),
        (r"video|film|moving image", "motion_picture"),
        (r"audio|sound recording|\bsound\b", "song"),
        (r"\bmap\b|cartographic", "map"),
    )
)
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def csl_type_for_label(label: str | None) -> str | None:
    """A CSL type for a free type label (``Journal Article``, ``Doctoral Thesis``,
    ``info:eu-repo/semantics/bookPart``, ``Contribution to journal/Article``) or None.

    ``PeerReviewed`` / ``NonPeerReviewed`` (EPrints' second ``DC.type``) and bare ``Text`` or
    ``Other`` say nothing about the kind of work and give None.
    """
    text = clean(label)
    if not text:
        return None
    if text.startswith("info:eu-repo/"):
        text = text.rsplit("/", 1)[-1]
    text = _CAMEL.sub(" ", text).lower()
    for pattern, csl in _LABEL_TYPES:
        if pattern.search(text):
            return csl or None
    return None


def _family(key: str) -> tuple[int, str]:
    for prefix, rank, name in _FAMILIES:
        if key.startswith(prefix):
            return rank, name
    return 6, "HTML"


def _flatten_field_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for field, names in SOURCES.items():
        for name in names:
            out.setdefault(name, field)
    return out


# --------------------------------------------------------------------------------------------
# The page, read once into a flat table of tags


@attrs.define
class Page:
    """What the parser read from one page: every ``<meta>`` value under its normalised name (in
    document order, with the name as the page spelled it), the main JSON-LD item, link targets,
    short visible texts, and notes about damage."""

    tags: dict[str, list[tuple[str, str]]] = attrs.field(factory=dict)
    order: list[tuple[str, str]] = attrs.field(factory=list)
    ld: dict[str, Any] = attrs.field(factory=dict)
    texts: list[str] = attrs.field(factory=list)
    notes: list[str] = attrs.field(factory=list)
    used: set[str] = attrs.field(factory=set)

    def add(self, key: str, original: str, value: str) -> None:
        self.tags.setdefault(key, []).append((original, value))
        self.order.append((key, value))

    def values(self, key: str) -> list[str]:
        return [v for _, v in self.tags.get(key, ())]

    def original(self, key: str) -> str:
        """The name the page itself used for a normalised key."""
        entries = self.tags.get(key)
        return entries[0][0] if entries else key

    def first(self, names: Iterable[str]) -> tuple[str, str] | None:
        """(name, value) of the first name in priority order that has a value."""
        for name in names:
            for value in self.values(name):
                if value:
                    return name, value
        return None


#: Page-technical ``<meta>`` names that describe the web page, not the item (not kept).
_TECHNICAL = frozenset(
    {"viewport", "robots", "googlebot", "referrer", "theme-color", "color-scheme", "format-detection",
     "csrf-token", "csrf-param", "google-site-verification", "msvalidate.01", "mobile-web-app-capable",
     "apple-mobile-web-app-capable", "apple-mobile-web-app-status-bar-style", "msapplication-tilecolor",
     "msapplication-tileimage", "msapplication-config", "handheldfriendly"}
)

_SKIP_TEXT = frozenset(
    {"script", "style", "noscript", "template", "nav", "header", "footer", "select", "option",
     "textarea", "head", "title", "button", "svg", "form", "aside"}
)
_SKIP_ROLES = frozenset({"navigation", "banner", "contentinfo", "menu", "menubar", "search", "complementary"})
_MAX_BADGE = 160
_MAX_ELEMENTS = 20000


def _collect_meta(root: Any, page: Page) -> None:
    dc_prefixes = {"dc": "dc", "dcterms": "dcterms"}
    for link in root.iter("link"):
        rel = (link.get("rel") or "").strip().lower()
        href = (link.get("href") or "").strip()
        if rel.startswith("schema."):
            prefix = rel[len("schema."):]
            if _DC_TERMS in href:
                dc_prefixes[prefix] = "dcterms"
            elif _DC_ELEMENTS in href:
                dc_prefixes[prefix] = "dc"
        elif rel == "canonical" and href:
            page.add("html:canonical", "link rel=canonical", href)
        elif rel == "license" and href:
            page.add("html:license", "link rel=license", href)
    for anchor in root.iter("a"):
        if "license" in (anchor.get("rel") or "").lower().split() and anchor.get("href"):
            page.add("html:license", "a rel=license", anchor.get("href"))
    for meta in root.iter("meta"):
        original = (meta.get("name") or meta.get("property") or meta.get("itemprop") or "").strip()
        content = meta.get("content")
        if not original or content is None or original.lower() in _TECHNICAL:
            continue
        page.add(_normal_key(original, dc_prefixes), original, content)
    title = root.find(".//title")
    if title is not None and clean(title.text_content()):
        page.add("html:title", "title", title.text_content())


def _normal_key(name: str, dc_prefixes: Mapping[str, str]) -> str:
    key = name.lower().replace("dc:", "dc.", 1).replace("dcterms:", "dcterms.", 1)
    prefix, dot, rest = key.partition(".")
    if dot and prefix in dc_prefixes:
        return f"{dc_prefixes[prefix]}.{rest}"
    return key


def _collect_texts(root: Any, page: Page) -> None:
    """Short visible texts (badges, labels, banners, loose sentences) for access wordings,
    outside navigation, headers, footers and sidebars."""
    body = root.find("body")
    if body is None:
        return
    seen: set[str] = set()
    # Hidden-ness is inherited: it is decided once per element from its parent, never by
    # walking all ancestors again (that was quadratic: seconds for a page nested 2,000 deep).
    hidden: set[Any] = set()
    for count, element in enumerate(body.iter()):
        if count >= _MAX_ELEMENTS:
            break
        if not isinstance(element.tag, str):
            continue
        if (_hidden(element) if count == 0 else _hidden_node(element) or element.getparent() in hidden):
            hidden.add(element)
            continue
        # the element's whole text (a badge), and its own loose text nodes (a sentence between
        # tags, as EPrints writes "Full text not available from this repository.")
        loose = [element.text, *(child.tail for child in element)]
        for candidate in (element.text_content(), *loose):
            text = clean(candidate)
            if text and len(text) <= _MAX_BADGE and text not in seen:
                seen.add(text)
                page.texts.append(text)


def _hidden(element: Any) -> bool:
    return any(_hidden_node(node) for node in (element, *element.iterancestors()))


def _hidden_node(node: Any) -> bool:
    """``node`` itself is navigation, header, footer, sidebar, script or marked hidden."""
    if not isinstance(node.tag, str):
        return False
    if node.tag.lower() in _SKIP_TEXT or (node.get("role") or "").lower() in _SKIP_ROLES:
        return True
    return node.get("hidden") is not None or node.get("aria-hidden") == "true"


# --------------------------------------------------------------------------------------------
# JSON-LD


def _ld_types(node: Mapping[str, Any]) -> list[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    # "ScholarlyArticle", "schema:ScholarlyArticle" and "https://schema.org/ScholarlyArticle" alike
    return [re.split(r"[/:#]", k)[-1].lower() for k in kinds if isinstance(k, str)]


def _ld_nodes(value: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _ld_nodes(item)
    elif isinstance(value, Mapping):
        yield value
        if "@graph" in value:
            yield from _ld_nodes(value["@graph"])
        main = value.get("mainEntity")
        if isinstance(main, (Mapping, list)):
            yield from _ld_nodes(main)


def _collect_ld(root: Any, page: Page) -> None:
    """The page's main schema.org item: the first node that is not the page, site or a person."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = loads(script.text or "")
        except ValueError as exc:
            page.notes.append(f"unreadable JSON-LD block: {exc}")
            continue
        for node in _ld_nodes(data):
            kinds = _ld_types(node)
            if kinds and not set(kinds) <= _LD_NOT_ITEM:
                page.ld = dict(node)
                _ld_tags(page.ld, page)
                return


def _ld_text(value: Any) -> list[str]:
    """Strings from a JSON-LD value: a string, a list, or nodes with name/url/@id/value."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, (str, int, float)):
        text = clean(str(value))
        return [text] if text else []
    if isinstance(value, list):
        return [t for item in value for t in _ld_text(item)]
    if isinstance(value, Mapping):
        for key in ("name", "value", "url", "@id", "alternateName"):
            if value.get(key):
                return _ld_text(value[key])
    return []


def _ld_tags(node: Mapping[str, Any], page: Page) -> None:
    """Flatten the main item's simple properties into ``ld:<property>`` tags."""
    for key, value in node.items():
        lowered = key.lower()
        if lowered in ("author", "creator", "ispartof", "identifier", "sameas", "@id"):
            continue
        original = f"json-ld.{key}"
        if lowered == "keywords" and isinstance(value, str):
            for word in value.split(","):
                page.add("ld:keywords", original, word)
            continue
        if lowered == "isaccessibleforfree":
            page.add("ld:isaccessibleforfree", original, str(value).lower())
            continue
        if lowered == "license" and isinstance(value, Mapping):
            value = value.get("url") or value.get("@id") or value.get("name")
        for text in _ld_text(value):
            page.add(f"ld:{lowered}", original, text)
    _ld_container(node.get("isPartOf"), page, depth=0)
    for candidate in _ld_identifiers(node):
        page.add("ld:identifier", "json-ld.identifier", candidate)


def _ld_container(value: Any, page: Page, depth: int) -> None:
    """Walk ``isPartOf``: PublicationIssue -> PublicationVolume -> Periodical."""
    if depth > 4:
        return
    for node in value if isinstance(value, list) else [value]:
        if not isinstance(node, Mapping):
            continue
        kinds = set(_ld_types(node))
        if "publicationissue" in kinds:
            for text in _ld_text(node.get("issueNumber")):
                page.add("ld:issuenumber", "json-ld.isPartOf.issueNumber", text)
        if "publicationvolume" in kinds:
            for text in _ld_text(node.get("volumeNumber")):
                page.add("ld:volumenumber", "json-ld.isPartOf.volumeNumber", text)
        if kinds & {"periodical", "publicationissue", "publicationvolume"} and node.get("issn"):
            for text in _ld_text(node.get("issn")):
                page.add("ld:issn", "json-ld.isPartOf.issn", text)
        if "periodical" in kinds:
            for text in _ld_text(node.get("name")):
                page.add("ld:periodical", "json-ld.isPartOf.name", text)
        _ld_container(node.get("isPartOf"), page, depth + 1)


def _ld_identifiers(node: Mapping[str, Any]) -> list[str]:
    """DOI-bearing values among ``identifier``, ``sameAs``, ``@id`` and ``url``."""
    out: list[str] = []
    for key in ("identifier", "sameAs", "@id", "url"):
        value = node.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, Mapping):
                prop = str(item.get("propertyID", "")).lower()
                text = clean(item.get("value") or item.get("@id") or item.get("url"))
                if text and (prop == "doi" or _doi_shaped(text)):
                    out.append(text)
            elif isinstance(item, str) and _doi_shaped(item):
                out.append(item)
    return out


_PERSISTENT = re.compile(r"^(?:urn:nbn:|https?://hdl\.handle\.net/|hdl:|info:hdl/)", re.I)
_DOI_SHAPED = re.compile(r"^\s*(?:doi\s*:\s*|https?://(?:dx\.)?doi\.org/|info:doi/|10\.\d{4,9}/)", re.I)


def _doi_shaped(text: str) -> bool:
    return bool(_DOI_SHAPED.match(text))


# --------------------------------------------------------------------------------------------
# The parser


class MetaTagsParser(PageParser):
    """Any landing page with Highwire, bepress, EPrints, PRISM, Dublin Core, JSON-LD or Open
    Graph metadata (see the module docstring for the priority among them)."""

    name = "meta-tags"
    title = "HTML landing page with citation_*/DC/PRISM/EPrints meta tags, schema.org JSON-LD or Open Graph"
    media_types = ("text/html", "application/xhtml+xml")
    patterns = ("*.html", "*.htm", "*.xhtml")
    field_map: ClassVar[dict[str, str]] = _flatten_field_map()

    def sniff(self, head: bytes) -> float:
        """0.4 with Highwire-family and DC tags, 0.35 with either, 0.2 for scholarly JSON-LD
        only, 0.15 for Open Graph only; 0 for anything that is not an HTML page.

        Kept low (with the ``*.html`` name bonus still under the registry's "confident" 0.5) so
        that platform-specific page parsers and plugins win over this generic one.
        """
        low = head.lower()
        if b"<html" not in low and not low.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<!doctype html"):
            return 0.0
        highwire = re.search(rb"""<meta[^>]+(?:name|property)\s*=\s*["']?(?:citation_|bepress_citation_|eprints\.|prism\.)""", low)
        dc = re.search(rb"""<meta[^>]+(?:name|property)\s*=\s*["']?(?:dc|dcterms)[.:]""", low)
        if highwire and dc:
            return 0.4
        if highwire or dc:
            return 0.35
        if b"application/ld+json" in low and re.search(
            rb'"@type"\s*:\s*\[?\s*"(?:scholarlyarticle|dataset|thesis|book|chapter|report|creativework|softwaresourcecode)"', low
        ):
            return 0.2
        if re.search(rb"""<meta[^>]+property\s*=\s*["']?og:title""", low):
            return 0.15
        return 0.0

    def map(self, raw: RawRecord) -> Record:
        b = RecordBuilder(self.name)
        root = self.parse_page(raw, b)
        page = Page()
        _collect_meta(root, page)
        _collect_ld(root, page)
        _collect_texts(root, page)
        if not page.tags:
            raise self.fail(raw, "no meta tags or JSON-LD describing an item on this page")
        for note in page.notes:
            b.flag("invalid_json_ld", note, [note], severity="warning")
        _map_page(b, page)
        return b.build()


# --------------------------------------------------------------------------------------------
# Mapping


def _map_page(b: RecordBuilder, page: Page) -> None:
    _strings(b, page)
    _abstract(b, page)
    _dates(b, page)
    _authors(b, page)
    _identifiers(b, page)
    _lists(b, page)
    _pages(b, page)
    _type(b, page)
    _access(b, page)
    _ids_and_urls(b, page)
    _leftovers(b, page)


def _strings(b: RecordBuilder, page: Page) -> None:
    for field in ("title", "publisher", "journal", "volume", "issue", "institution", "license"):
        found = page.first(SOURCES[field])
        if found is None:
            continue
        name, value = found
        if field == "publisher" and value.strip().lower() == "unpublished" and name.startswith("eprints."):
            continue  # EPrints' status word, not a publisher (ir-pages.md, pitfall 8)
        b.set(field, value, html=field in _TEXT_FIELDS)
        page.used.add(name)
    _conflicts(b, page, "title", SOURCES["title"], _title_key)


def _title_key(value: str) -> str:
    return re.sub(r"[\W_]+", "", (strip_html(value) or "").casefold())


def _conflicts(b: RecordBuilder, page: Page, field: str, names: Iterable[str], key: Any) -> None:
    """``value_conflict`` when the best values of two source families disagree."""
    best: dict[str, tuple[str, str]] = {}
    for name in names:
        if name == "html:title":
            continue
        for value in page.values(name):
            family = _family(name)[1]
            if value.strip() and family not in best:
                best[family] = (name, value)
    keys = [(family, name, value, key(value)) for family, (name, value) in best.items()]
    keys = [k for k in keys if k[3]]
    for i, (_, name_a, value_a, key_a) in enumerate(keys):
        for _, name_b, value_b, key_b in keys[i + 1 :]:
            if key_a not in key_b and key_b not in key_a:
                b.flag(
                    "value_conflict",
                    f"the page gives two different {field}s",
                    [f"{name_a}: {clean(value_a)}", f"{name_b}: {clean(value_b)}"],
                    field=field,
                )
                return


def _abstract(b: RecordBuilder, page: Page) -> None:
    """The first abstract in priority order, unless it is a teaser that a later one completes."""
    candidates = [(n, v) for n in SOURCES["abstract"] for v in page.values(n) if clean(v)]
    if not candidates:
        return
    name, value = candidates[0]
    if is_truncated(strip_html(value)):
        for other_name, other in candidates[1:]:
            if untruncate(strip_html(value), strip_html(other)):
                name, value = other_name, other
                break
    b.set("abstract", value, html=True)
    if has_html(value):
        b.keep(page.original(name), value)
    page.used.add(name)


def _dates(b: RecordBuilder, page: Page) -> None:
    deposited = page.first(SOURCES["date_deposited"])
    if deposited:
        b.set_date("date_deposited", deposited[1], source_field=deposited[0])
        page.used.add(deposited[0])
    published = page.first(SOURCES["date_published"])
    if not published:
        return
    name, value = published
    issued = page.first(("dcterms.issued", "dc.date.issued", "prism.publicationdate", "ld:datepublished"))
    if (
        deposited
        and issued
        and name.startswith("citation_")
        and parse_date(value) == parse_date(deposited[1])
        and parse_date(issued[1]) not in (None, parse_date(value))
    ):
        # DSpace falls back to the accession date for citation_date (ir-pages.md, pitfall 5).
        b.flag(
            "ambiguous_field",
            f"{name} equals the deposit date; {issued[0]} is used as the publication date",
            [f"{name}: {value}", f"{issued[0]}: {issued[1]}"],
            field="date_published",
            severity="info",
        )
        name, value = issued
    b.set_date("date_published", value, source_field=name)
    page.used.add(name)


def _authors(b: RecordBuilder, page: Page) -> None:
    """Authors from the best family that has any, each with the institution/ORCID tags that
    follow it (Highwire ``citation_author_institution`` / ``citation_author_orcid``)."""
    for name in SOURCES["authors"]:
        if name.startswith("ld:"):
            if _ld_people(b, page.ld.get(name[3:])):
                page.used.add(name)
                return
            continue
        if not page.values(name):
            continue
        if name == "citation_author":
            _highwire_authors(b, page)
        else:
            for value in page.values(name):
                parts = value.split(";") if name == "citation_authors" else [value]
                for part in parts:
                    b.add_person(strip_html(part))
        page.used.add(name)
        return


def _highwire_authors(b: RecordBuilder, page: Page) -> None:
    current: dict[str, Any] | None = None
    people: list[dict[str, Any]] = []
    for key, value in page.order:
        if key == "citation_author":
            current = {"name": strip_html(value), "affiliations": [], "orcid": None}
            people.append(current)
        elif current is not None and key == "citation_author_institution":
            current["affiliations"].append(strip_html(value))
        elif current is not None and key == "citation_author_orcid":
            current["orcid"] = value
    for person in people:
        b.add_person(person["name"], affiliations=[a for a in person["affiliations"] if a], orcid=person["orcid"])
    page.used.update({"citation_author_institution", "citation_author_orcid"})


def _ld_people(b: RecordBuilder, value: Any) -> bool:
    added = False
    for node in value if isinstance(value, list) else [value]:
        if isinstance(node, str) and clean(node):
            added = bool(b.add_person(node)) or added
        elif isinstance(node, Mapping):
            added = _ld_person(b, node) or added
    return added


def _ld_person(b: RecordBuilder, node: Mapping[str, Any]) -> bool:
    given = clean(node.get("givenName"))
    family = clean(node.get("familyName"))
    name = clean(node.get("name")) or (f"{family}, {given}" if family and given else family or given)
    if not name:
        return False
    affiliations = _ld_text(node.get("affiliation"))
    orcid = next(
        (o for o in (normalize_orcid(t) for t in _ld_text([node.get("@id"), node.get("identifier"), node.get("sameAs")])) if o),
        None,
    )
    if "organization" in _ld_types(node):
        b.people.append(Person(name=name, affiliations=tuple(affiliations)))
        return True
    return b.add_person(name, affiliations=affiliations, orcid=orcid, given=given, family=family) is not None


def _identifiers(b: RecordBuilder, page: Page) -> None:
    """DOIs (only DOI-shaped values count from generic identifier tags) and ISSNs."""
    dois: list[tuple[str, str]] = []
    for name in SOURCES["doi"]:
        for value in page.values(name):
            generic = name in ("dc.identifier", "dcterms.identifier", "eprints.id_number")
            if (not generic or _doi_shaped(value)) and normalize_doi(value):
                dois.append((name, value))
    if dois:
        b.set_doi(dois[0][1], source_field=dois[0][0])
        page.used.add(dois[0][0])
        _doi_conflicts(b, dois)
    for name in SOURCES["issns"]:
        for value in page.values(name):
            if normalize_issn(value):
                b.add_issn(value)
            page.used.add(name)


def _doi_conflicts(b: RecordBuilder, dois: list[tuple[str, str]]) -> None:
    first_name, first = dois[0]
    first_doi = (normalize_doi(first) or "").lower()
    for name, value in dois[1:]:
        if (normalize_doi(value) or "").lower() != first_doi:
            b.flag(
                "value_conflict",
                "the page gives two different DOIs",
                [f"{first_name}: {first}", f"{name}: {value}"],
                field="doi",
            )
            return


def _lists(b: RecordBuilder, page: Page) -> None:
    """Keywords (``;``-joined strings split), subjects, languages."""
    types = {t.casefold() for n in SOURCES["type"] for t in page.values(n)}
    for name in SOURCES["keywords"]:
        values = page.values(name)
        if not values:
            continue
        for value in values:
            for word in re.split(r"\s*;\s*", value) if ";" in value else [value]:
                text = strip_html(word)
                if text and text.casefold() not in types:  # DSpace 6 adds dc.type (pitfall 6)
                    b.add_keyword(text)
        page.used.add(name)
        break
    keywords = {k.casefold() for k in b.keywords}
    for name in SOURCES["subjects"]:
        for value in page.values(name):
            text = strip_html(value)
            if text and text.casefold() not in keywords:  # OJS repeats its keywords as DC.Subject
                b.add_subject(text)
        if page.values(name):
            page.used.add(name)
    found = page.first(SOURCES["language"])
    if found:
        b.set_language(found[1], source_field=found[0])
        page.used.add(found[0])


def _pages(b: RecordBuilder, page: Page) -> None:
    found = page.first(SOURCES["start_page"])
    if found:
        start, end = split_pages(found[1])
        if start:
            b.set("start_page", start)
            if end:
                b.set("end_page", end)
            page.used.add(found[0])
    found = page.first(SOURCES["end_page"])
    if found:
        b.set("end_page", found[1])
        page.used.add(found[0])


def _type(b: RecordBuilder, page: Page) -> None:
    """Structural Highwire clues first, then type labels (DC, EPrints), JSON-LD, Open Graph."""
    labels = [(n, v) for n in SOURCES["type"] for v in page.values(n)]
    page.used.update(SOURCES["type"])
    words = list(dict.fromkeys(v for _, v in labels))
    if words:
        b.keep("type", words[0] if len(words) == 1 else words)
    for name, csl in _TYPE_CLUES:
        if page.values(name):
            b.set("type", csl)
            return
    for name, value in labels:
        found = _csl_for(name, value)
        if found == "article-journal" and name == "ld:@type" and not b.get("journal"):
            found = "article"
        if found:
            b.set("type", found)
            return


def _csl_for(name: str, value: str) -> str | None:
    if name == "ld:@type":
        return LD_TYPES.get(re.split(r"[/:#]", value)[-1].lower())
    if name == "og:type":
        return {"article": "article", "book": "book"}.get(value.strip().lower())
    return csl_type_for_label(value)


def _access(b: RecordBuilder, page: Page) -> None:
    signals: list[AccessSignal] = []
    for name in SOURCES["access"][:5]:
        for value in page.values(name):
            found = from_vocabulary(value, field=name)
            if found is not None:
                signals.append(found)
                page.used.add(name)
            elif name in ("dc.rights", "dcterms.rights"):
                _rights(b, value)
                page.used.add(name)
    for value in page.values("ld:isaccessibleforfree"):
        if value in ("true", "false"):
            status = "open" if value == "true" else "restricted"
            signals.append(AccessSignal(status, None, f"isAccessibleForFree={value}"))
    for value in page.values("ld:conditionsofaccess"):
        found = classify_text(value)
        if found is not None:
            signals.append(found)
    for text in page.texts:
        found = classify_text(text)
        if found is not None and all(found.evidence != s.evidence for s in signals):
            signals.append(found)
    page.used.update({"ld:isaccessibleforfree", "ld:conditionsofaccess"})
    if signals:
        apply_access(b, signals)
    statement = None if b.get("rights") else page.first(SOURCES["rights"][2:])
    if statement:
        b.set("rights", statement[1], html=True)
        page.used.add(statement[0])


_LICENCE = re.compile(r"^(?:https?://(?:www\.)?(?:creativecommons\.org/(?:licenses|publicdomain)|opensource\.org/licenses)/|cc[ -](?:by|0|zero)\b|creative commons\b)", re.I)


def _rights(b: RecordBuilder, value: str) -> None:
    """A ``DC.rights`` value that is not an access term: a licence (Creative Commons URL or
    name) goes to ``license``, any other statement to ``rights``."""
    if _LICENCE.match(value.strip()):
        b.set("license", value)
    else:
        b.set("rights", value, html=True)


def _ids_and_urls(b: RecordBuilder, page: Page) -> None:
    """Landing page and file URLs; the id is the repository's own item id, else the page URL."""
    for name in SOURCES["urls"]:
        for value in page.values(name):
            if value.strip().lower().startswith(("http://", "https://")):
                b.add_url(value)
        if page.values(name):
            page.used.add(name)
    own = page.first(("eprints.eprintid", "citation_id", "bepress_citation_id", "dc.identifier.uri"))
    persistent = [
        v for n in ("dc.identifier", "dcterms.identifier") for v in page.values(n) if _PERSISTENT.match(v.strip())
    ]
    landing = page.first(SOURCES["urls"][:6])
    if own:
        b.set("id", own[1])
        page.used.add(own[0])
    elif persistent:
        b.set("id", persistent[0])
    elif landing:
        b.set("id", landing[1])


def _leftovers(b: RecordBuilder, page: Page) -> None:
    """Every tag not mapped, under the name the page gave it; the JSON-LD item's unmapped
    properties under ``json-ld``."""
    # identifier-like properties stay whole in extra: only some of their values became the DOI
    mapped_ld = {n[3:] for n in page.used if n.startswith("ld:")} - {"identifier", "url", "sameas", "@id"}
    for key, entries in page.tags.items():
        if key in page.used or key.startswith(("ld:", "html:title")):
            continue
        for original, value in entries:
            if clean(value):
                b.keep(original, value)
    if page.ld:
        rest = {k: v for k, v in page.ld.items() if k.lower() not in mapped_ld}
        if rest:
            b.keep("json-ld", rest)
