"""MARC 21 bibliographic records in MARCXML (``http://www.loc.gov/MARC21/slim``) inside OAI-PMH.

``metadataPrefix=marc21`` (or ``MARC21``) is what library catalogues, Alma, Koha, FOLIO and most
repositories serve to VuFind. :func:`map_marcxml` is the metadata mapper that
:data:`recordparse.formats.oai.METADATA_MAPPERS` names for that namespace; the OAI envelope and
header (id, datestamp, deletions) are the OAI parser's.

Where things go agrees with the MARC-derived VuFind Solr documents that
:mod:`recordparse.formats.vufind_solr` reads: ``author``/``author_corporate``/``author2`` (1XX,
7XX) become authors, ``container_*`` (773) journal, volume, issue and pages, ``isbn``/``oclc_num``/
``edition``/``physical``/``series``/``contents`` are kept in ``extra``, ``genre`` (655) goes to
subjects, and the record type is VuFind's format wording (``Book``, ``Journal``, ``Article``,
``Thesis``...) turned into a CSL type through :data:`~recordparse.formats.vufind_solr.FORMAT_TYPES`.

MARC conventions handled here:

- ISBD punctuation (``Title /``, ``Zanichelli,``, ``Smith, John,``) ends many subfields. Titles,
  names, publishers and places are cleaned of it (a final period only when it is not part of an
  abbreviation or an initial); the raw fields stay in ``extra``. Cataloguer placeholders
  (``[s.n.]``, ``[publisher not identified]``, ``[S.l.]``) are not values.
- Nothing is dropped: every field that is not carried whole into the Record is kept in ``extra``
  under its tag, as a list of MARC-in-JSON fields ``{"ind1", "ind2", "subfields": [{code: value}]}``
  (control fields and the leader as their raw strings). A field is left out of ``extra`` only when
  its indicators are blank and every subfield it has is one the mapping carries whole (see
  :data:`MARC_FIELD_MAP`).
- The publication date comes from 264 second indicator 1, then 260, 264 (production,
  distribution, manufacture, copyright), the 502 year, the 773 year and last 008/07-10; where it
  came from is kept in ``extra["date_published_source"]``.
- Access is read from 506 (first indicator, ``$a`` text, ``$f`` standardized terms, COAR URIs in
  ``$u``/``$2``, ``$g`` availability date) and 856 (``$7`` access status, ``$z`` notes) and
  combined by :func:`recordparse.normalize.access.decide`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

import attrs

from ..builder import RecordBuilder
from ..normalize.access import AccessSignal, apply_access, classify_text, from_vocabulary
from ..normalize.dates import parse_date
from ..normalize.identifiers import isbn_valid, normalize_doi, normalize_isbn, normalize_orcid
from ..normalize.names import make_corporate
from ..normalize.text import clean, split_pages
from ..xmlsafe import local_name, text_of
from .oai import OaiHeader, append_extra, set_text_field
from .vufind_solr import FORMAT_TYPES

__all__ = [
    "BIB_LEVELS",
    "MARC_FIELD_MAP",
    "MARC_NAMESPACE",
    "RECORD_TYPES",
    "DataField",
    "MarcRecord",
    "format_wording",
    "map_marcxml",
    "parse_related_parts",
    "read_marcxml",
    "strip_isbd",
]

MARC_NAMESPACE: Final = "http://www.loc.gov/MARC21/slim"

#: MARC tag (and subfields) -> where it goes. Tags not listed are kept in ``extra`` under the tag.
MARC_FIELD_MAP: Final[dict[str, str]] = {
    "leader/06-07": "type (VuFind format wording in extra.type, CSL via FORMAT_TYPES); MARC's "
    "names in extra.marc_type; raw extra.leader",
    "001": "id when the OAI header has none; extra.001",
    "008/07-10": "date_published (last resort); raw extra.008",
    "008/35-37": "language",
    "008/24-27, 008/26, 008/29": "type refinements (thesis, report; dataset/software; conference)",
    "020 $a": "extra.isbns (normalised; invalid ones in extra.invalid_isbns)",
    "022 $a": "issns (022 $l: extra.issn_l)",
    "024 (ind1 7, $2 doi) $a": "doi",
    "035 (OCoLC) $a": "extra.oclc_num",
    "041 $a": "language (more: extra.languages); raw codes in extra.language_raw",
    "050, 082, 084": "extra.classifications (LCC:, DDC:, $2:)",
    "100, 110, 111": "authors (first; personal: $a name, $u affiliation, $0/$1 ORCID; dates in extra.author_details)",
    "700, 710, 711": "authors (in field order; advisors and other non-authors: extra.contributors)",
    "710 $4 dgg": "institution (degree granting institution)",
    "245 $a $b $n $p": "title (ISBD punctuation cleaned); raw extra.245",
    "880 linked to 245": "extra.titles (title in the original script); raw extra.880",
    "250": "extra.edition",
    "260, 264 $a": "extra.place",
    "260, 264 $b": "publisher",
    "260, 264 $c": "date_published",
    "300": "extra.physical",
    "440, 490, 800, 810, 811, 830": "extra.series",
    "502": "type thesis; $c institution; $b extra.degree",
    "505": "extra.contents",
    "506": "access (ind1, $a, $f, $g, $u, $2)",
    "520": "abstract (ind1 3 'Abstract' preferred)",
    "540": "rights ($a); license ($u licence URL, else $f)",
    "600, 610, 611, 630, 648, 650, 651, 655": "subjects ('$a -- $x -- $z' joined)",
    "653 $a": "keywords",
    "773 $t (or $p)": "journal",
    "773 $g (or $q)": "volume, issue, start_page, end_page, article_number",
    "773 $x": "issns",
    "856 $u": "urls (full text first; doi.org links also doi); full-text links in extra.fulltext_links",
    "856 $7, $z": "access",
}

#: Leader/06 type of record -> MARC's name for it.
RECORD_TYPES: Final[dict[str, str]] = {
    "a": "language material",
    "c": "notated music",
    "d": "manuscript notated music",
    "e": "cartographic material",
    "f": "manuscript cartographic material",
    "g": "projected medium",
    "i": "nonmusical sound recording",
    "j": "musical sound recording",
    "k": "two-dimensional nonprojectable graphic",
    "m": "computer file",
    "o": "kit",
    "p": "mixed materials",
    "r": "three-dimensional artifact or naturally occurring object",
    "t": "manuscript language material",
}

#: Leader/07 bibliographic level -> MARC's name for it.
BIB_LEVELS: Final[dict[str, str]] = {
    "a": "monographic component part",
    "b": "serial component part",
    "c": "collection",
    "d": "subunit",
    "i": "integrating resource",
    "m": "monograph/item",
    "s": "serial",
}

#: Leader/06 -> VuFind format wording, for the types the bibliographic level does not decide.
_FORMAT_BY_TYPE: Final[dict[str, str]] = {
    "c": "Musical Score",
    "d": "Musical Score",
    "e": "Map",
    "f": "Map",
    "g": "Video",
    "i": "Sound Recording",
    "j": "Music Recording",
    "k": "Photo",
    "o": "Kit",
    "p": "Mixed Materials",
    "r": "Physical Object",
    "t": "Manuscript",
}

#: Leader/07 -> VuFind format wording for language material (leader/06 ``a``).
_FORMAT_BY_LEVEL: Final[dict[str, str]] = {
    "m": "Book",
    "s": "Journal",
    "a": "Article",
    "b": "Article",
    "c": "Collection",
    "d": "Book",
    "i": "Website",
}

#: 008/26 type of computer file -> VuFind format wording (leader/06 ``m``).
_COMPUTER_FILES: Final[dict[str, str]] = {
    "a": "Dataset",  # numeric data
    "e": "Dataset",  # bibliographic data
    "b": "Software",  # computer program
    "f": "Software",  # font
    "g": "Software",  # game
}

#: Leader/07 values of a component part (an article or a chapter described on its own).
_COMPONENT = frozenset("ab")

# --------------------------------------------------------------------------------------------
# Reading MARCXML


def _is_code(code: str, codes: str) -> bool:
    """True when ``code`` is one of the one-character codes in ``codes`` (a subfield without a
    code, or with a malformed one, is none of them)."""
    return len(code) == 1 and code in codes


@attrs.frozen
class DataField:
    """One MARC data field: tag, indicators (blank is ``" "``) and subfields in source order."""

    tag: str
    ind1: str = " "
    ind2: str = " "
    subfields: tuple[tuple[str, str], ...] = ()

    def values(self, codes: str) -> list[str]:
        """The cleaned, non-empty values of the subfields whose code is in ``codes``, in order."""
        out: list[str] = []
        for code, value in self.subfields:
            if _is_code(code, codes):
                text = clean(value)
                if text:
                    out.append(text)
        return out

    def first(self, code: str) -> str | None:
        found = self.values(code)
        return found[0] if found else None

    @property
    def codes(self) -> set[str]:
        return {code for code, _ in self.subfields}

    def joined(self, codes: str) -> str | None:
        """The values of ``codes`` joined by spaces (ISBD punctuation inside kept)."""
        return clean(" ".join(self.values(codes)))

    def to_json(self) -> dict[str, Any]:
        """MARC-in-JSON: ``{"ind1", "ind2", "subfields": [{code: value}, ...]}``, values verbatim."""
        return {
            "ind1": self.ind1,
            "ind2": self.ind2,
            "subfields": [{code: value} for code, value in self.subfields],
        }


@attrs.frozen
class MarcRecord:
    """A MARC record as read from MARCXML: leader, control fields and data fields in order."""

    leader: str | None
    controls: tuple[tuple[str, str], ...]
    fields: tuple[DataField, ...]

    def control(self, tag: str) -> str | None:
        for t, value in self.controls:
            if t == tag:
                return value
        return None

    def position(self, tag: str, start: int, end: int) -> str:
        """Characters ``start..end-1`` of a control field (or ``"leader"``); '' when too short."""
        value = self.leader if tag == "leader" else self.control(tag)
        if value is None or len(value) < end:
            return ""
        return value[start:end]


def _indicator(value: str | None) -> str:
    text = (value or " ")[:1]
    return text if text.strip() else " "


def _record_element(metadata: Any) -> Any:
    """The ``<record>`` in a metadata root: the root itself or the first one of a ``<collection>``."""
    if local_name(metadata.tag) != "collection":
        return metadata
    for child in metadata:
        if local_name(child.tag) == "record":
            return child
    return metadata


def read_marcxml(element: Any) -> MarcRecord:
    """A :class:`MarcRecord` from a MARCXML ``<record>`` (or ``<collection>``) element, in any
    namespace or none. Control field values and the leader are kept exactly (positions matter)."""
    record = _record_element(element)
    leader: str | None = None
    controls: list[tuple[str, str]] = []
    fields: list[DataField] = []
    for child in record:
        name = local_name(child.tag)
        if name == "leader":
            leader = text_of(child)
        elif name == "controlfield":
            controls.append(((child.get("tag") or "").strip(), text_of(child)))
        elif name == "datafield":
            subfields = tuple(
                ((sub.get("code") or "").strip(), text_of(sub))
                for sub in child
                if local_name(sub.tag) == "subfield"
            )
            fields.append(
                DataField(
                    (child.get("tag") or "").strip(),
                    _indicator(child.get("ind1")),
                    _indicator(child.get("ind2")),
                    subfields,
                )
            )
    return MarcRecord(leader, tuple(controls), tuple(fields))


# --------------------------------------------------------------------------------------------
# ISBD punctuation

_TRAILING_ISBD = re.compile(r"[\s/:;=,]+$")
#: Words that keep their final period: abbreviations common in catalogue data.
_ABBREVIATIONS: Final = frozenset(
    {
        "etc", "inc", "ltd", "co", "corp", "jr", "sr", "st", "ed", "eds", "vol", "vols", "no",
        "nos", "dept", "univ", "bros", "dr", "prof", "mr", "mrs", "ms", "ca", "approx",
        "ill", "col", "p", "pp", "v", "s", "ff", "al", "hrsg", "bd", "aufl", "verl",
        "fig", "pt", "rev", "enl", "repr", "comp", "trans", "tr", "gmbh", "ag", "sa", "bv",
    }
)  # fmt: skip
#: Cataloguer placeholders for a missing value (lower case, brackets and punctuation removed).
_PLACEHOLDERS: Final = frozenset(
    {
        "s.n", "s. n", "sine nomine", "s.l", "s. l", "sine loco", "n.d", "s.d", "o.o", "o.j",
        "publisher not identified", "distributor not identified", "producer not identified",
        "manufacturer not identified", "place of publication not identified",
        "place of distribution not identified", "place of production not identified",
        "place of manufacture not identified", "date of publication not identified",
        "date of production not identified", "date of distribution not identified",
        "date of manufacture not identified", "verlag nicht ermittelbar",
        "erscheinungsort nicht ermittelbar",
    }
)  # fmt: skip


def _keeps_period(text: str) -> bool:
    """True when the final period of ``text`` belongs to an abbreviation, an initial or ``...``."""
    if text.endswith(".."):
        return True
    word = re.split(r"[\s(\[\-]", text[:-1])[-1]
    if not word:
        return False
    if len(word) == 1 or "." in word:  # an initial (J.), or U.S.A., Ph.D.
        return True
    return word.casefold() in _ABBREVIATIONS


def strip_isbd(value: str | None, *, period: bool = True) -> str | None:
    """``value`` without the ISBD punctuation that ends MARC subfields (`` /``, `` :``, ``;``,
    ``=``, ``,``) and, with ``period``, without a final period that is not an abbreviation's."""
    text = clean(value)
    if not text:
        return None
    text = _TRAILING_ISBD.sub("", text)
    if period and text.endswith(".") and not _keeps_period(text):
        text = text[:-1].rstrip()
        text = _TRAILING_ISBD.sub("", text)
    return text or None


def _unbracket(text: str) -> str:
    """``London`` from ``[London]`` (a value the cataloguer supplied); partial brackets stay."""
    if text.startswith("[") and text.endswith("]") and text.count("[") == 1:
        return text[1:-1].strip()
    return text


def _transcribed(value: str | None) -> str | None:
    """A place or publisher as transcribed: ISBD punctuation and whole-value brackets removed,
    ``None`` for placeholders such as ``[s.n.]`` and ``[publisher not identified]``."""
    text = strip_isbd(value)
    if not text:
        return None
    text = strip_isbd(_unbracket(text)) or ""
    if text.casefold().strip(" .[]") in _PLACEHOLDERS:
        return None
    return text or None


# --------------------------------------------------------------------------------------------
# Dates

_DATE_MARKERS = re.compile(r"©|℗|\bcop\.\s*|\bca\.\s*|\b[cp](?=\d{4})|[\[\]?]")
_RANGE = re.compile(r"^(\d{4})\s*-\s*(\d{2}|\d{4})?\s*\.?$")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _transcribed_date(value: str) -> tuple[str | None, bool]:
    """The date of a 260/264 ``$c`` (``c2019.``, ``[2019?]``, ``©2019``, ``1922-1975.``,
    ``p2010, c2009``): ISO at its precision and whether the cataloguer marked it uncertain."""
    text = clean(value) or ""
    if text.casefold().strip(" .[]") in _PLACEHOLDERS:
        return None, False
    uncertain = "?" in text
    stripped = clean(_DATE_MARKERS.sub("", text)) or ""
    first = stripped.split(",")[0].strip(" .;:")
    span = _RANGE.match(first)
    # 1922-1975, 1922-, 1975-76: a span's first year; 2019-05 is a month
    if span and (
        span.group(2) is None
        or len(span.group(2)) == 4
        or int(span.group(2)) > int(span.group(1)[2:])
    ):
        return span.group(1), uncertain
    iso = parse_date(first)
    if iso is None:
        years = _YEAR.findall(first)
        iso = years[0] if len(set(years)) == 1 else None
    return iso, uncertain


@attrs.define
class _Date:
    rank: int
    iso: str
    raw: str
    source: str
    uncertain: bool = False


# --------------------------------------------------------------------------------------------
# 773 $g: "Vol. 12, no. 3 (2020), p. 45-67"

_NUM = r"(?:[A-Za-z]{0,3}\d[\w/.\-–]*?|[IVXLCDM]+)(?=[\s,;:()\]]|$)"
_GROUPS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    (
        "article_number",
        re.compile(
            r"(?<![\w])(?:art(?:icle)?|e-?location)\.?\s*(?:no\.?|nr\.?|number|id)?\s*"
            rf"(?P<value>{_NUM})",
            re.I,
        ),
    ),
    (
        "volume",
        re.compile(
            r"(?<![\w])(?:vol(?:ume)?s?|bd|band|jg|jahrg(?:ang)?|t|tome?|tomo|anno|årg|v)\.?\s*"
            rf"(?P<value>{_NUM})",
            re.I,
        ),
    ),
    (
        "issue",
        re.compile(
            r"(?<![\w])(?:nos?|nr|num(?:ber|ero|éro)?|núm|nº|n|iss(?:ue)?|h(?:eft)?|fasc|cuad)\.?\s*"
            rf"(?P<value>{_NUM})",
            re.I,
        ),
    ),
    (
        "pages",
        re.compile(
            r"(?<![\w])(?:pp?|s|seiten?|pages?|pag|str)\.?\s*"
            r"(?P<value>[A-Za-z]{0,3}\d+[A-Za-z]?(?:\s*[-–]\s*[A-Za-z]{0,3}\d+[A-Za-z]?)?)",
            re.I,
        ),
    ),
)
_PAREN_YEAR = re.compile(r"\((?:[^()]*?\s)?(?P<value>\d{4})\)")
_KEYED_PART = re.compile(r"^\s*(?P<key>[a-z]+)\s*:\s*(?P<value>\S.*?)\s*$", re.I)
_KEYS: Final = {
    "volume": "volume", "vol": "volume", "year": "year", "number": "issue", "issue": "issue",
    "no": "issue", "pages": "pages", "page": "pages", "article": "article_number",
}  # fmt: skip
_COMPACT_PART = re.compile(
    r"^\s*(?P<volume>\d+)\s*\((?P<issue>[\w/\-]+)\)\s*[:,]\s*(?P<pages>\w+(?:\s*[-–]\s*\w+)?)\s*$"
)
_GERMAN_PART = re.compile(
    r"^\s*(?P<volume>\d+)\s*\((?P<year>\d{4})\)\s*,\s*(?P<issue>\d[\w/\-]*)\s*,"
)
_ENUMERATION = re.compile(
    r"^\s*(?P<volume>[^:<]+?)(?::(?P<issue>[^:<]+?))?(?::[^<]*)?(?:<(?P<pages>[^<>]+)>?)?\s*$"
)
_MAX_PARTS = 300


def _pages(parts: dict[str, str], value: str) -> None:
    start, end = split_pages(value)
    if start:
        parts["start_page"] = start
        if end:
            parts["end_page"] = end


def parse_related_parts(*values: str) -> dict[str, str]:
    """Volume, issue, pages, article number and year from 773 ``$g`` values.

    Reads labelled citations (``Vol. 12, no. 3 (2020), p. 45-67``; ``Jg. 12 (2020), H. 3,
    S. 45-67``; ``v. 5 n. 2 pp. 10-20``), the ``key:value`` subfields some national libraries write
    (``volume:12``, ``year:2020``, ``number:3``, ``pages:45-67``), and unlabelled forms
    (``12(3):45-67``, ``12 (2020), 3, S. 45-67``). Only what is found is returned; the keys are
    ``volume``, ``issue``, ``start_page``, ``end_page``, ``article_number`` and ``year``.
    """
    parts: dict[str, str] = {}
    for raw in values:
        text = clean(raw) or ""
        if not text or len(text) > _MAX_PARTS:
            continue
        keyed = _KEYED_PART.match(text)
        if keyed and keyed.group("key").lower() in _KEYS:
            key = _KEYS[keyed.group("key").lower()]
            if key == "pages":
                _pages(parts, keyed.group("value"))
            else:
                parts.setdefault(key, keyed.group("value"))
            continue
        _labelled(text, parts)
    return parts


def _labelled(text: str, parts: dict[str, str]) -> None:
    compact = _COMPACT_PART.match(text)
    if compact:
        parts.setdefault("volume", compact.group("volume"))
        parts.setdefault("issue", compact.group("issue"))
        _pages(parts, compact.group("pages"))
        return
    german = _GERMAN_PART.match(text)
    if german:
        for key in ("volume", "year", "issue"):
            parts.setdefault(key, german.group(key))
    rest = text
    for key, pattern in _GROUPS:
        m = pattern.search(rest)
        if m is None:
            continue
        # blank out what was read: the "no." of "article no. 5" is not an issue number
        rest = rest[: m.start()] + " " * (m.end() - m.start()) + rest[m.end() :]
        value = m.group("value").rstrip(".")
        if key == "pages":
            if "start_page" not in parts:
                _pages(parts, value)
        else:
            parts.setdefault(key, value)
    year = _PAREN_YEAR.search(text)
    if year:
        parts.setdefault("year", year.group("value"))


def _enumeration(value: str) -> dict[str, str]:
    """773 ``$q`` enumeration and first page (``12:3<45``)."""
    m = _ENUMERATION.match(value)
    if m is None:
        return {}
    parts = {k: v.strip() for k in ("volume", "issue") if (v := m.group(k)) and v.strip()}
    if m.group("pages"):
        parts["start_page"] = m.group("pages").strip()
    return parts


# --------------------------------------------------------------------------------------------
# Mapping state


@attrs.define
class _State:
    """What one record's fields leave to be decided after all fields were read."""

    marc: MarcRecord
    raw: dict[str, list[Any]] = attrs.field(factory=dict)
    dates: list[_Date] = attrs.field(factory=list)
    signals: list[AccessSignal] = attrs.field(factory=list)
    abstracts: list[tuple[int, str, DataField]] = attrs.field(factory=list)
    series: list[str] = attrs.field(factory=list)
    links: list[tuple[bool, str]] = attrs.field(factory=list)
    thesis: bool = False
    host_is_book: bool = False

    def keep_raw(self, field: DataField) -> None:
        self.raw.setdefault(field.tag, []).append(field.to_json())

    def add_date(self, rank: int, raw: str | None, source: str) -> None:
        if not raw:
            return
        iso, uncertain = _transcribed_date(raw)
        if iso:
            self.dates.append(_Date(rank, iso, raw, source, uncertain))


_Handler = Callable[[DataField, RecordBuilder, _State], None]


@attrs.frozen
class _Rule:
    """How one tag is mapped: ``handler``, and the subfield codes it carries whole (a field with
    blank indicators and only those codes is not kept raw in ``extra``; ``""``: always kept)."""

    handler: _Handler
    whole: str = ""

    def carried_whole(self, field: DataField) -> bool:
        if not self.whole or field.ind1 != " " or field.ind2 != " ":
            return False
        return bool(field.subfields) and field.codes <= set(self.whole)


# --------------------------------------------------------------------------------------------
# Control fields


def _map_controls(marc: MarcRecord, b: RecordBuilder) -> None:
    """The leader and control fields, raw under their tags (a repeated 006/007 as a list)."""
    if marc.leader is not None:
        b.keep("leader", marc.leader)
    grouped: dict[str, list[str]] = {}
    for tag, value in marc.controls:
        grouped.setdefault(tag or "controlfield", []).append(value)
    for tag, values in grouped.items():
        b.extra[tag] = values[0] if len(values) == 1 else values
    first_001 = marc.control("001")
    if clean(first_001):
        b.set("id", first_001)  # only when the OAI header gave none: the OAI identifier stays
    _map_008(marc, b)


def _map_008(marc: MarcRecord, b: RecordBuilder) -> None:
    language = marc.position("008", 35, 38).strip(" |")
    if language and language.lower() not in ("und", "mul"):
        _add_language(b, language)


def _add_language(b: RecordBuilder, code: str) -> None:
    """A MARC language code: the first sets ``language``; every distinct raw code is kept."""
    raw = b.extra.setdefault("language_raw", [])
    if code not in raw:
        raw.append(code)
    b.set_language(code, source_field="language_unrecognised")


# --------------------------------------------------------------------------------------------
# Identifiers

_OCLC = re.compile(r"^\(OCoLC\)\s*(?:ocm|ocn|on)?\s*0*(\d+)\s*$", re.I)


def _isbn(f: DataField, b: RecordBuilder, s: _State) -> None:
    for value in f.values("a"):
        isbn = normalize_isbn(value)
        if isbn is None:
            append_extra(b, "invalid_isbns", value)
            b.flag("invalid_isbn", "020 $a is not an ISBN", [value], field="extra.isbns")
            continue
        if isbn not in b.extra.get("isbns", []):
            append_extra(b, "isbns", isbn)
        if not isbn_valid(isbn):
            b.flag("invalid_isbn", "ISBN check digit is wrong", [value], field="extra.isbns")


def _issn(f: DataField, b: RecordBuilder, s: _State) -> None:
    for value in f.values("a"):
        b.add_issn(value)
    for value in f.values("l"):
        b.keep("issn_l", value)


def _other_identifier(f: DataField, b: RecordBuilder, s: _State) -> None:
    """024 with ``$2 doi`` (first indicator 7); an unlabelled 024 only when it reads as a DOI."""
    labelled = f.ind1 == "7" and (f.first("2") or "").lower() == "doi"
    for value in f.values("a"):
        if labelled or (
            f.ind1 in "8 " and value.lower().startswith(("10.", "doi:")) and normalize_doi(value)
        ):
            b.set_doi(value, source_field="024")


def _system_number(f: DataField, b: RecordBuilder, s: _State) -> None:
    for value in f.values("a"):
        m = _OCLC.match(value)
        if m:
            append_extra(b, "oclc_num", m.group(1))


def _language(f: DataField, b: RecordBuilder, s: _State) -> None:
    for value in f.values("a"):
        codes = [value]
        if f.ind2 != "7" and len(value) > 3 and len(value) % 3 == 0 and value.isalpha():
            codes = [value[i : i + 3] for i in range(0, len(value), 3)]  # pre-2001 "engfre"
        for code in codes:
            _add_language(b, code)


def _classification(scheme: str) -> _Handler:
    def handler(f: DataField, b: RecordBuilder, s: _State) -> None:
        name = scheme or (f.first("2") or "").split(" ")[0] or f.tag
        main = f.values("a")
        item = f.first("b") if scheme == "LCC" else None
        for value in main:
            append_extra(b, "classifications", f"{name}:{value}" + (f" {item}" if item else ""))

    return handler


# --------------------------------------------------------------------------------------------
# Names

#: Relator terms and codes of people who did not author the work (thesis advisors, former
#: owners...): kept in ``extra["contributors"]``, not in ``authors``.
_NOT_AUTHORS: Final = frozenset(
    {
        "ths", "dgs", "opn", "dgg", "dgc", "fmo", "dnr", "own", "bsl", "pbl", "prt", "cph",
        "his", "asn", "sgn", "pra", "rsp", "thesis advisor", "degree supervisor", "opponent",
        "degree granting institution", "degree committee member", "former owner", "donor",
        "owner", "bookseller", "publisher", "printer", "copyright holder", "host institution",
        "associated name", "signer", "praeses", "respondent", "akademischer betreuer",
        "doktorvater", "gutachter",
    }
)  # fmt: skip
_GRANTING = frozenset({"dgg", "degree granting institution"})
_PLAIN_AUTHOR = frozenset({"author", "aut"})


def _relators(f: DataField) -> list[str]:
    """Relator terms (``$e``; ``$j`` for meetings) and codes (``$4``, also as id.loc.gov URIs)."""
    terms = [strip_isbd(v) or "" for v in f.values("e" if f.tag[1:] != "11" else "j")]
    codes = [v.rstrip("/").rsplit("/", 1)[-1] for v in f.values("4")]
    return [t.casefold() for t in terms + codes if t]


def _ids(f: DataField) -> tuple[str | None, list[str]]:
    orcid: str | None = None
    others: list[str] = []
    for value in f.values("01"):
        found = normalize_orcid(value) if "orcid" in value.lower() else None
        if found and orcid is None:
            orcid = found
        elif found is None:
            others.append(value)
    return orcid, others


def _personal_name(f: DataField) -> str | None:
    name = " ".join(v for v in (strip_isbd(f.first("a")), strip_isbd(f.first("b"))) if v)
    return name or None


def _corporate_name(f: DataField) -> str | None:
    """A body with its subordinate units (``World Health Organization. Regional Office for
    Europe``), a meeting's name, or a family name (X00 first indicator 3)."""
    codes = {"10": "ab", "11": "aeq"}.get(f.tag[1:], "a")
    return strip_isbd(f.joined(codes))


def _details(f: DataField, name: str, relators: list[str], ids: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {"tag": f.tag, "name": name}
    for key, code in (("dates", "d"), ("titles", "c"), ("fuller_form", "q")):
        value = strip_isbd(f.joined(code), period=False) if f.tag[1:] == "00" else None
        if value:
            found[key] = value
    if any(r not in _PLAIN_AUTHOR for r in relators):
        found["relators"] = relators
    if ids:
        found["ids"] = ids
    return found


def _name(f: DataField, b: RecordBuilder, s: _State) -> None:
    personal = f.tag[1:] == "00" and f.ind1 != "3"
    name = _personal_name(f) if personal else _corporate_name(f)
    if not name:
        return
    relators = _relators(f)
    orcid, ids = _ids(f)
    if relators and all(r in _NOT_AUTHORS for r in relators):
        append_extra(b, "contributors", {"name": name, "roles": relators})
        if any(r in _GRANTING for r in relators):
            b.set("institution", name)
        return
    affiliations = f.values("u")
    if personal:
        b.add_person(name, affiliations=affiliations, orcid=orcid)
    else:
        person = make_corporate(name, affiliations=affiliations)
        if person is not None:
            b.people.append(person)
    details = _details(f, name, relators, ids)
    if len(details) > 2:
        append_extra(b, "author_details", details)


# --------------------------------------------------------------------------------------------
# Title, edition, imprint, description


def _title_text(f: DataField) -> str | None:
    """245 (or 880-245) ``$a $b $n $p`` as a clean title: ``Title : subtitle /`` -> ``Title: subtitle``."""
    parts: list[str] = []
    for code, value in f.subfields:
        if not _is_code(code, "abnp"):
            continue
        text = clean(value)
        if not text:
            continue
        if parts and code == "b":
            parts[-1] = re.sub(r"\s+:$", ":", parts[-1])
        parts.append(text)
    return strip_isbd(" ".join(parts))


def _title(f: DataField, b: RecordBuilder, s: _State) -> None:
    title = _title_text(f)
    if title is None:
        return
    if b.get("title") is None:
        set_text_field(b, "title", title)
    else:
        append_extra(b, "titles", {"title": title, "tag": f.tag})


def _edition(f: DataField, b: RecordBuilder, s: _State) -> None:
    value = strip_isbd(f.joined("ab"))
    if value:
        append_extra(b, "edition", value)


#: 264 second indicator -> rank of its date as the publication date (lower wins).
_IMPRINT_RANK: Final = {"1": 0, "0": 2, "2": 3, "3": 3, "4": 4}


def _imprint(f: DataField, b: RecordBuilder, s: _State) -> None:
    """260 and 264: place and publisher from a publication statement (260, 264 second indicator
    1), a date from any of them, ranked by :data:`_IMPRINT_RANK`."""
    rank = 1 if f.tag == "260" else _IMPRINT_RANK.get(f.ind2, 3)
    if rank <= 1:
        for place in (p for p in (_transcribed(v) for v in f.values("a")) if p):
            if place not in b.extra.get("place", []):
                append_extra(b, "place", place)
        for publisher in (p for p in (_transcribed(v) for v in f.values("b")) if p):
            if b.get("publisher") is None:
                b.set("publisher", publisher)
            elif publisher != b.get("publisher"):
                append_extra(b, "publishers", publisher)
    for value in f.values("c"):
        s.add_date(rank, value, f"{f.tag} $c" + (f" (ind2 {f.ind2})" if f.tag == "264" else ""))


def _physical(f: DataField, b: RecordBuilder, s: _State) -> None:
    value = strip_isbd(f.joined("abcefg"))
    if value:
        append_extra(b, "physical", value)


def _series(f: DataField, b: RecordBuilder, s: _State) -> None:
    """A series statement or added entry (``Title ; number``); 800-811 name the series in ``$t``."""
    codes = "tnp" if f.tag in ("800", "810", "811") else "anp"
    title = strip_isbd(f.joined(codes))
    if not title:
        return
    number = strip_isbd(f.first("v"))
    s.series.append(f"{title} ; {number}" if number else title)


# --------------------------------------------------------------------------------------------
# Notes

_THESIS_NOTE = re.compile(
    r"^(?P<kind>[^(\-–]*?)\s*(?:\((?P<degree>[^)]+)\))?\s*[-–]{1,2}\s*(?P<institution>[^,]+?)"
    r"(?:,\s*(?P<year>\d{4}))?\.?\s*$"
)


def _dissertation(f: DataField, b: RecordBuilder, s: _State) -> None:
    s.thesis = True
    degree = strip_isbd(f.first("b"))
    institution = strip_isbd(f.first("c"))
    year = f.first("d")
    note = f.first("a")
    if note and not (institution or degree):
        m = _THESIS_NOTE.match(note)
        if m:
            degree = degree or strip_isbd(m.group("degree"))
            institution = institution or strip_isbd(m.group("institution"))
            year = year or m.group("year")
    if institution:
        b.set("institution", institution)
    if degree:
        b.keep("degree", degree)
    s.add_date(5, year, "502 $d")


def _contents(f: DataField, b: RecordBuilder, s: _State) -> None:
    value = strip_isbd(f.joined("agrt"), period=False)
    if value:
        append_extra(b, "contents", value)


#: 506 ``$f`` terms of the DLF/OCLC "star" list that :func:`from_vocabulary` does not know.
_STAR_TERMS: Final[dict[str, str]] = {
    "unrestricted": "open",
    "unrestricted online access": "open",
    "online access with authorization": "restricted",
    "restricted online access": "restricted",
    "no online access": "metadata_only",
}


def _term_signal(value: str, where: str) -> AccessSignal | None:
    found = from_vocabulary(value, field=where)
    if found is not None:
        return found
    status = _STAR_TERMS.get((clean(value) or "").casefold().rstrip("."))
    if status is not None:
        return AccessSignal(status, None, f"{where}={clean(value)}")
    return classify_text(value)


def _access_note(f: DataField, b: RecordBuilder, s: _State) -> None:
    found: list[AccessSignal] = []
    for code in "fu2":
        for value in f.values(code):
            signal = (
                _term_signal(value, f"506${code}")
                if code != "u" or "coar" in value.lower()
                else None
            )
            if signal is not None:
                found.append(signal)
    for value in f.values("a"):
        signal = classify_text(value)
        if signal is not None:
            found.append(signal)
    if not found and f.ind1 in "01":
        status = "open" if f.ind1 == "0" else "restricted"
        text = f.joined("a")
        label = "no restrictions" if f.ind1 == "0" else "restrictions apply"
        found.append(
            AccessSignal(
                status, None, f"506 ind1={f.ind1} ({label})" + (f": {text}" if text else "")
            )
        )
    until = f.first("g")
    end = parse_date(until) if until else None
    for signal in found:
        if end and signal.status in ("embargoed", "restricted") and signal.embargo_end is None:
            signal = AccessSignal("embargoed", end, f"{signal.evidence} (506$g={until})")
        s.signals.append(signal)


#: 520 first indicator -> preference as the abstract (lower wins); reviews and content advice
#: (1, 4) are not abstracts.
_ABSTRACT_RANK: Final = {"3": 0, " ": 1, "2": 2, "0": 3, "8": 4}


def _summary(f: DataField, b: RecordBuilder, s: _State) -> None:
    rank = _ABSTRACT_RANK.get(f.ind1)
    text = f.joined("ab")
    if rank is not None and text:
        s.abstracts.append((rank, text, f))


_LICENSE_URL = re.compile(
    r"creativecommons\.org/(?:licenses|publicdomain)|opensource\.org/licenses|/licen[cs]es?/", re.I
)


def _terms_of_use(f: DataField, b: RecordBuilder, s: _State) -> None:
    urls = [u for u in f.values("u") if _LICENSE_URL.search(u)]
    standard = f.first("f")
    if urls:
        b.set("license", urls[0])
    elif standard:
        b.set("license", standard)
    statement = f.joined("a") or standard
    if statement:
        if b.get("rights") is None:
            b.set("rights", statement)
        else:
            append_extra(b, "rights_statements", statement)


# --------------------------------------------------------------------------------------------
# Subjects

_SUBDIVISIONS = "vxyz"
_SUBJECT_SKIP = "012345678e"


def _subject_text(f: DataField) -> str | None:
    heading: list[str] = []
    subdivisions: list[str] = []
    for code, value in f.subfields:
        text = clean(value)
        if not text or not code or _is_code(code, _SUBJECT_SKIP):
            continue
        if _is_code(code, _SUBDIVISIONS):
            subdivisions.append(strip_isbd(text) or text)
        elif subdivisions:
            subdivisions[-1] += " " + text
        else:
            heading.append(text)
    main = strip_isbd(" ".join(heading))
    parts = [p for p in (main, *subdivisions) if p]
    return " -- ".join(parts) or None


def _subject(f: DataField, b: RecordBuilder, s: _State) -> None:
    text = _subject_text(f)
    if text:
        b.add_subject(text)


def _keyword(f: DataField, b: RecordBuilder, s: _State) -> None:
    for value in f.values("a"):
        b.add_keyword(strip_isbd(value, period=False))


# --------------------------------------------------------------------------------------------
# Host item (773) and links (856)


def _host(f: DataField, b: RecordBuilder, s: _State) -> None:
    journal = strip_isbd(f.first("t")) or strip_isbd(f.first("p"))
    if journal:
        b.set("journal", journal)
    for value in f.values("x"):
        b.add_issn(value)
    isbns = f.values("z")
    if isbns and not f.values("x"):
        s.host_is_book = True
    for value in isbns:
        isbn = normalize_isbn(value)
        if isbn:
            append_extra(b, "host_isbns", isbn)
    parts = parse_related_parts(*f.values("g"))
    if not any(k in parts for k in ("volume", "issue", "start_page")):
        for value in f.values("q"):
            parts = {**_enumeration(value), **parts}
    for key in ("volume", "issue", "start_page", "end_page", "article_number"):
        if parts.get(key):
            b.set(key, parts[key])
    s.add_date(6, parts.get("year"), "773 $g")


_FULL_TEXT = re.compile(r"full[\s-]?text|volltext|texto completo|texte int[ée]gral|\bpdf\b", re.I)
#: 856 ``$3``/``$y``/``$z`` wordings of a link that is about the resource, not the resource.
_NOT_FULL_TEXT = re.compile(
    r"table of contents|\bcontents\b|inhaltsverzeichnis|\bcover\b|description|\babstract\b|"
    r"sample|review|rezension|klappentext|\bthumbnail\b|\btoc\b",
    re.I,
)
#: 856 ``$7`` access status codes.
_LINK_STATUS: Final = {"0": "open", "1": "restricted", "a": "embargoed"}


def _link(f: DataField, b: RecordBuilder, s: _State) -> None:
    urls = f.values("u")
    said = " ".join(f.values("3yz"))
    fulltext = (f.ind2 == "0" or bool(_FULL_TEXT.search(said))) and not _NOT_FULL_TEXT.search(said)
    for url in urls:
        s.links.append((fulltext, url))
        if re.match(r"^https?://(?:dx\.)?doi\.org/10\.", url, re.I):
            b.set_doi(url, source_field="856")
        if fulltext:
            details = {"url": url, "ind2": f.ind2}
            details.update({f"${c}": v for c in "3yz7" if (v := f.joined(c))})
            append_extra(b, "fulltext_links", details)
    status = _LINK_STATUS.get(f.first("7") or "")
    if status and urls:
        s.signals.append(AccessSignal(status, None, f"856$7={f.first('7')} ({urls[0]})"))
    for note in f.values("z"):
        signal = from_vocabulary(note, field="856$z") or classify_text(note)
        if signal is not None:
            s.signals.append(signal)


# --------------------------------------------------------------------------------------------
# 880: the same fields in their original script

_SCRIPTS: Final = {
    "(3": "Arab", "(B": "Latn", "$1": "Hani", "(N": "Cyrl", "(S": "Grek", "(2": "Hebr",
}  # fmt: skip


def _vernacular(f: DataField, b: RecordBuilder, s: _State) -> None:
    link = f.first("6") or ""
    m = re.match(r"^(\d{3})-\d+(?:/(\(?[\w$]\w?))?", link)
    if m is None or m.group(1) != "245":
        return
    title = _title_text(f)
    if title:
        entry = {"title": title, "tag": "880"}
        script = _SCRIPTS.get(m.group(2) or "")
        if script:
            entry["script"] = script
        append_extra(b, "titles", entry)


# --------------------------------------------------------------------------------------------
# The table and the mapper

_RULES: Final[dict[str, _Rule]] = {
    "020": _Rule(_isbn, "a"),
    "022": _Rule(_issn, "al"),
    "024": _Rule(_other_identifier),
    "035": _Rule(_system_number),
    "041": _Rule(_language, "a"),
    "050": _Rule(_classification("LCC")),
    "082": _Rule(_classification("DDC")),
    "084": _Rule(_classification("")),
    "100": _Rule(_name),
    "110": _Rule(_name),
    "111": _Rule(_name),
    "245": _Rule(_title),
    "250": _Rule(_edition, "ab"),
    "260": _Rule(_imprint),
    "264": _Rule(_imprint),
    "300": _Rule(_physical, "abcefg"),
    "440": _Rule(_series),
    "490": _Rule(_series),
    "502": _Rule(_dissertation),
    "505": _Rule(_contents),
    "506": _Rule(_access_note),
    "520": _Rule(_summary, "ab"),
    "540": _Rule(_terms_of_use),
    "600": _Rule(_subject),
    "610": _Rule(_subject),
    "611": _Rule(_subject),
    "630": _Rule(_subject),
    "648": _Rule(_subject),
    "650": _Rule(_subject),
    "651": _Rule(_subject),
    "655": _Rule(_subject),
    "653": _Rule(_keyword, "a"),
    "700": _Rule(_name),
    "710": _Rule(_name),
    "711": _Rule(_name),
    "773": _Rule(_host),
    "800": _Rule(_series),
    "810": _Rule(_series),
    "811": _Rule(_series),
    "830": _Rule(_series),
    "856": _Rule(_link),
    "880": _Rule(_vernacular),
}


def map_marcxml(metadata: Any, builder: RecordBuilder, header: OaiHeader | None) -> None:
    """Map a MARCXML ``<record>`` (the metadata of an OAI record) onto ``builder``.

    Fields are read in record order (authors keep it); what needs every field (date, type,
    abstract, access, URL order) is decided at the end. ``header`` is not needed: the OAI parser
    has already set the id from it.
    """
    marc = read_marcxml(metadata)
    state = _State(marc=marc)
    _map_controls(marc, builder)
    for field in marc.fields:
        rule = _RULES.get(field.tag)
        if rule is not None:
            rule.handler(field, builder, state)
        if rule is None or not rule.carried_whole(field):
            state.keep_raw(field)
    _finish(marc, builder, state)


def _finish(marc: MarcRecord, b: RecordBuilder, s: _State) -> None:
    _choose_abstract(b, s)
    for tag in sorted(s.raw):
        b.extra[tag] = s.raw[tag]
    _choose_date(marc, b, s)
    _choose_type(marc, b, s)
    for fulltext in (True, False):
        for is_fulltext, url in s.links:
            if is_fulltext is fulltext:
                b.add_url(url)
    series: list[str] = []
    for value in s.series:
        if value.casefold() not in (v.casefold() for v in series):
            series.append(value)
    if series:
        b.keep("series", series)
    if s.signals:
        apply_access(b, s.signals)


def _choose_abstract(b: RecordBuilder, s: _State) -> None:
    if not s.abstracts:
        return
    chosen = min(s.abstracts, key=lambda a: a[0])
    set_text_field(b, "abstract", chosen[1])
    for _, _, field in s.abstracts:
        if field is not chosen[2] and _RULES["520"].carried_whole(field):
            s.keep_raw(field)  # another abstract is not in the Record: kept after all


def _choose_date(marc: MarcRecord, b: RecordBuilder, s: _State) -> None:
    date1 = marc.position("008", 7, 11)
    if re.fullmatch(r"\d{4}", date1) and date1 != "9999":
        s.dates.append(_Date(7, date1, date1, "008/07-10"))
    if not s.dates:
        return
    chosen = min(s.dates, key=lambda d: d.rank)
    b.set_iso_date("date_published", chosen.iso)
    b.keep("date_published_source", chosen.source)
    if chosen.uncertain:
        b.flag(
            "ambiguous_field",
            "the cataloguer marked the publication date as probable",
            [chosen.raw],
            field="date_published",
            severity="info",
        )
    single = marc.position("008", 6, 7) == "s"
    if single and chosen.rank < 7 and date1.isdigit() and not chosen.iso.startswith(date1):
        b.flag(
            "value_conflict",
            f"{chosen.source} and 008/07-10 give different publication years",
            [chosen.raw, f"008/07-10: {date1}"],
            field="date_published",
            severity="info",
        )


def format_wording(
    marc: MarcRecord, *, thesis: bool = False, host_is_book: bool = False
) -> str | None:
    """VuFind's format wording for a record (``Book``, ``Journal``, ``Article``, ``Thesis``...),
    from leader/06-07, 008 and whether a 502 note (``thesis``) or a host with an ISBN and no
    ISSN (``host_is_book``) was seen; None when the leader names no type."""
    record_type = marc.position("leader", 6, 7)
    level = marc.position("leader", 7, 8)
    textual = record_type in ("a", "t")
    contents = marc.position("008", 24, 28) if textual and level not in ("s", "i") else ""
    if thesis or (textual and "m" in contents):
        return "Thesis"
    if textual and "t" in contents:
        return "Report"
    if record_type == "a":
        wording = _FORMAT_BY_LEVEL.get(level)
        if level in _COMPONENT:
            if marc.position("008", 29, 30) == "1":
                return "Conference Paper"
            if level == "a" and host_is_book:
                return "Book Chapter"
        if level == "s" and marc.position("008", 21, 22) == "n":
            return "Newspaper"
        return wording
    if record_type == "m":
        return _COMPUTER_FILES.get(marc.position("008", 26, 27), "Software")
    return _FORMAT_BY_TYPE.get(record_type)


def _choose_type(marc: MarcRecord, b: RecordBuilder, s: _State) -> None:
    record_type = RECORD_TYPES.get(marc.position("leader", 6, 7))
    if record_type:
        level = BIB_LEVELS.get(marc.position("leader", 7, 8))
        b.keep("marc_type", f"{record_type}, {level}" if level else record_type)
    wording = format_wording(marc, thesis=s.thesis, host_is_book=s.host_is_book)
    if wording is None:
        return
    b.keep("type", wording)
    csl = FORMAT_TYPES.get(wording.casefold())
    if csl:
        b.set("type", csl)
