"""Figshare for Institutions: item pages as text (``figshare-text``) or HTML (``figshare-html``),
and API v2 article JSON (``figshare-api``).

**Item pages** (a portal such as figshare.utas.edu.au or smithsonian.figshare.com) read top to
bottom: the portal name (sometimes followed by ``Browse``); the *access line* (an embargo banner
such as ``File(s) under permanent embargo``, or the file name and size ``thesis.pdf (16.28 MB)``,
or ``2 files``); the title; ``Download (16.28 MB)``; the item type in lower case (missing from some
captures); ``posted on 2023-05-20, 20:58 authored by A, B``; the description; then label/value
blocks. The labels are the institution's custom fields, so they differ per portal: a label is
recognised because it is a standard Figshare or commonly seen field (:data:`KNOWN_LABELS`), because
another page of the same input showed it in that position, or by its shape (a short heading line
followed by a value). Choices a user should know about:

- ``posted on`` is the Posted Date (the system's date for the current version): it goes to
  ``date_deposited``, never to ``date_published``. ``date_published`` comes only from a timeline
  or custom ``Publication date``.
- Authors with a Figshare profile are rendered twice (``Alan LyonsAlan Lyons``); this is undone,
  and a name without a profile that contains a comma (``Byard, RW``) stays one author.
- Text renderings lose labels. A value left without a label is placed by the portal's field
  order (:data:`PORTAL_FIELD_ORDERS`, plus the order learned from earlier pages of the same
  input) when the missing labels and the values' shapes leave exactly one reading; otherwise it
  is kept in ``extra["unlabelled"]`` (in page order) with an ``ambiguous_field`` flag.
- The portal's institution becomes ``institution``; a school or department stays in ``extra``
  under its label.
- ``rights`` holds a rights *statement* only (``Rights statement``, ``Publisher statement``
  labels or custom fields); the licence (``Licence`` label, API ``license.name``) goes to
  ``license``. An item with a licence and no statement has ``rights`` None, as in the other
  parsers (zenodo-json): the two are different facts and a user filtering on either should not
  find the other in it.
- Access is decided by :func:`recordparse.normalize.access.decide` from the banner (and a date
  next to it), the file line, ``Repository Status``, and, for the API, ``is_embargoed`` with
  ``embargo_date`` (``'0'`` or none = permanent), ``is_confidential``, ``is_metadata_record``,
  ``download_disabled`` and a missing ``files`` key. ``embargo_type`` alone never means an
  embargo. A page with neither a banner nor a file line nor a ``Download`` button reads as
  ``metadata_only`` (ir-pages.md 8.4). Figshare's wording for a dated embargo on the page is not
  documented: a date after the banner (``until 1 March 2027``) is used, and a countdown (``4
  month(s) 3 day(s) until file(s) become available``) is kept in ``extra`` because the capture
  date is unknown.

**HTML pages** are read through what a reader sees: the body is turned into the same lines as a
text rendering (hidden elements left out) and parsed as above; ``citation_*``/``DC.*`` meta tags
and schema.org JSON-LD fill in what the visible text lacks (title, authors, DOI, keywords). No
CSS class name is relied on. Meta dates are kept in ``extra`` (Figshare's meta dates are posting
dates as far as anyone can tell).

**API v2** (``GET /v2/articles/{id}``): one ArticleComplete object, an array of them, or JSON
Lines. ``timeline.publisherPublication`` (else ``timeline.firstOnline``) gives
``date_published``; ``published_date`` (the posted date of the current version) gives
``date_deposited`` and is kept in ``extra``; ``custom_fields`` are kept in ``extra`` under their
names and the well-known ones (Publisher, Publication title, Volume ...) are mapped like the
page labels.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, ClassVar

import attrs

from ..builder import RecordBuilder
from ..errors import Failure
from ..jsonstream import JsonItem, JsonStream, iter_json_lines, loads
from ..normalize.access import AccessSignal, apply_access, classify_text, find_date, from_vocabulary
from ..normalize.dates import parse_date
from ..normalize.identifiers import find_doi, normalize_issn
from ..normalize.names import undouble
from ..normalize.text import clean, expand_end_page, has_html, split_pages
from ..record import Position, Record
from ..sources import Input, iter_lines
from .base import PageParser, Parser, RawRecord, json_raw_records

__all__ = [
    "DEFINED_TYPES",
    "FIELD_LABELS",
    "KNOWN_LABELS",
    "PORTAL_FIELD_ORDERS",
    "FigshareApiParser",
    "FigshareHtmlParser",
    "FigshareTextParser",
    "split_authors",
]

# ---------------------------------------------------------------------------------------------
# Vocabularies

#: Figshare item types: ``defined_type`` code -> (``defined_type_name``, CSL type).
DEFINED_TYPES: dict[int, tuple[str, str]] = {
    1: ("figure", "figure"),
    2: ("media", "motion_picture"),
    3: ("dataset", "dataset"),
    5: ("poster", "speech"),
    6: ("journal contribution", "article-journal"),
    7: ("presentation", "speech"),
    8: ("thesis", "thesis"),
    9: ("software", "software"),
    11: ("online resource", "webpage"),
    12: ("preprint", "article"),
    13: ("book", "book"),
    14: ("conference contribution", "paper-conference"),
    15: ("chapter", "chapter"),
    16: ("peer review", "review"),
    17: ("educational resource", "document"),
    18: ("report", "report"),
    19: ("standard", "standard"),
    20: ("composition", "musical_score"),
    21: ("funding", "document"),
    22: ("physical object", "document"),
    23: ("data management plan", "report"),
    24: ("workflow", "software"),
    25: ("monograph", "book"),
    26: ("performance", "performance"),
    27: ("event", "event"),
    28: ("service", "document"),
    29: ("model", "document"),
}
_TYPE_BY_NAME: dict[str, str] = {name: csl for name, csl in DEFINED_TYPES.values()}

#: Page label or custom field name (case-insensitive) -> where its value goes. Targets:
#: a Record field, ``pages`` (a page range), ``issn``, ``subjects_split`` (``; ``-separated
#: subjects), ``access`` (a status value), ``extra`` (kept under the label), ``date_published``.
FIELD_LABELS: dict[str, str] = {
    "publication title": "journal",
    "published in": "journal",
    "journal": "journal",
    "journal title": "journal",
    "volume": "volume",
    "issue": "issue",
    "pagination": "pages",
    "pages": "pages",
    "page range": "pages",
    "article number": "article_number",
    "issn": "issn",
    "eissn": "issn",
    "e-issn": "issn",
    "print issn": "issn",
    "online issn": "issn",
    "publisher": "publisher",
    "rights statement": "rights",
    "publisher statement": "rights",
    "rights": "rights",
    "licence": "license",
    "license": "license",
    "keywords": "keywords",
    "categories": "subjects",
    "fields of research": "subjects",
    "socio-economic objectives": "subjects_split",
    "doi": "doi",
    "language": "language",
    "publication date": "date_published",
    "date of publication": "date_published",
    "repository status": "access",
}

#: Labels that are recognised (so a page can be read) but kept in ``extra`` under their name.
_EXTRA_LABELS = (
    "Department/School",
    "School",
    "Department",
    "Faculty",
    "Place of publication",
    "Publication status",
    "Funding",
    "History",
    "References",
    "Related materials",
    "Related Materials",
    "ISBN",
    "eISBN",
    "Event title",
    "Event venue",
    "Event dates",
    "Event type",
    "Degree type",
    "Thesis type",
    "Supervisors",
    "Institution",
    "Grant ID",
    "Project",
    "Group",
    "Version",
    "Copyright date",
    "Notes",
    "Resource title",
    "Resource DOI",
    "Submission date",
    "First online date",
    "Acceptance date",
    "Posted date",
    "Revision date",
)

#: Every label the page reader recognises without help (lower case).
KNOWN_LABELS: frozenset[str] = frozenset(FIELD_LABELS) | frozenset(x.lower() for x in _EXTRA_LABELS)

#: Field order of known portals (from their pages), used to place values whose label was lost.
#: Keyed by the portal name, case-insensitive.
PORTAL_FIELD_ORDERS: dict[str, tuple[str, ...]] = {
    "university of tasmania": (
        "Publication title",
        "Volume",
        "Issue",
        "Pagination",
        "Article number",
        "ISSN",
        "Department/School",
        "Publisher",
        "Place of publication",
        "Rights statement",
        "Repository Status",
        "Socio-economic Objectives",
    ),
}

_TRAILER = frozenset({"usage metrics"})
#: A text page longer than this many lines is cut (a real item page has a few hundred at most).
_MAX_PAGE_LINES = 20_000
_EXPORTS = "exports"
_UI_NOISE = frozenset({"browse", "cite", "share", "embed", "collect", "download all", "preview"})
_BULLET = re.compile(r"^\s*[•·▪◦‣∙*-]\s*")
_POSTED = re.compile(
    r"^posted\s+on\s+(?P<date>\d{4}-\d{2}-\d{2})(?:\s*[,-]\s*(?P<time>\d{1,2}:\d{2}(?::\d{2})?))?"
    r"(?:\s+authored\s+by\s*(?P<authors>.*))?$",
    re.IGNORECASE,
)
_FILE_LINE = re.compile(
    r"^(?P<name>\S.*?)\s*\((?P<size>\d+(?:[.,]\d+)?\s*(?:bytes|[kKMGT]?i?B))\)$"
)
_FILE_COUNT = re.compile(r"^(?P<n>\d+)\s+files?$", re.IGNORECASE)
_DOWNLOAD = re.compile(r"^download(?:\s+all)?\s*(?:\((?P<size>[^)]*)\))?$", re.IGNORECASE)
_UNTIL_AVAILABLE = re.compile(r"until\s+file\(s\)\s+become\s+available", re.IGNORECASE)
_COUNTDOWN_UNITS = re.compile(r"(?:\d+\s*(?:year|month|day)\(?s?\)?\s*)+$", re.IGNORECASE)


def _has_countdown(text: str) -> bool:
    """``1 year(s) 3 month(s) 12 day(s) until file(s) become available`` anywhere in ``text``.

    Found from its fixed end, looking back over at most 200 characters: searching for the
    repeated units from every position was quadratic (19 s on a line of 30,000 digits)."""
    for m in _UNTIL_AVAILABLE.finditer(text):
        if _COUNTDOWN_UNITS.search(text, max(0, m.start() - 200), m.start()):
            return True
    return False
_REASON = re.compile(r"^(?:embargo\s+)?reason(?:\s*:\s*|\s+)(?P<reason>\S.*)$", re.IGNORECASE)
_INSTITUTION_WORDS = re.compile(
    r"\b(?:university|universit[äéàa]t?|universidad|universidade|universit[eé]|institute|institut|"
    r"college|museum|library|repository|smithsonian|figshare|school|centre|center|council|"
    r"society|hospital|foundation|laborator(?:y|ies)|agency|data)\b",
    re.IGNORECASE,
)
_TIMELINE_INLINE = re.compile(
    r"^(?P<label>(?:submission|first online|acceptance|publication|posted|revision) date)"
    r"\s*:?\s+(?P<date>\d.{3,30})$",
    re.IGNORECASE,
)
_LABEL_SHAPE = re.compile(r"^[A-Z][^.!?;:•]{0,48}$")


def _fold(text: str) -> str:
    return text.strip().casefold()


def _strip_bullet(text: str) -> str:
    return _BULLET.sub("", text).strip()


# ---------------------------------------------------------------------------------------------
# Authors


def split_authors(text: str) -> tuple[list[str], list[str]]:
    """Split a Figshare ``authored by`` list into names, undoing doubled renderings.

    Returns ``(names, ambiguous)``. A profile name is rendered twice (``Alan LyonsAlan Lyons``);
    such a doubling is found at the start of the remaining text and ends at ``, `` or at the
    end, so a doubled name with a comma (``Byard, RWByard, RW``) is one name. A name without a
    profile is taken up to the next ``, ``; a single word followed by initials (``Byard, RW``) is
    one inverted name. A single word followed by a single word is joined too but reported in
    ``ambiguous`` (it could be two mononymous authors).
    """
    names: list[str] = []
    ambiguous: list[str] = []
    rest = clean(text) or ""
    while rest:
        doubled = _doubled_prefix(rest)
        if doubled is not None:
            names.append(rest[:doubled])
            rest = rest[2 * doubled :].lstrip(", ")
            continue
        token, _, tail = rest.partition(", ")
        nxt, _, after = tail.partition(", ")
        if " " not in token and nxt and _doubled_prefix(tail) is None:
            if re.fullmatch(r"(?:[A-Z]\.?\s?-?){1,4}", nxt):
                names.append(f"{token}, {nxt}")
                rest = after
                continue
            if re.fullmatch(r"[A-Z][^\s,]+", nxt) and " " not in nxt:
                names.append(f"{token}, {nxt}")
                ambiguous.append(f"{token}, {nxt}")
                rest = after
                continue
        names.append(token)
        rest = tail
    return [n for n in (clean(x) for x in names) if n], ambiguous


def _doubled_prefix(text: str) -> int | None:
    """Length of ``X`` when ``text`` starts with ``X+X`` followed by ``, `` or the end."""
    ends = [m.start() for m in re.finditer(", ", text)] + [len(text)]
    for end in ends:
        if end % 2 or end < 4:
            continue
        length = end // 2
        half = text[:length]
        if text[length:end] == half and undouble(text[:end]) == half:
            return length
    return None


# ---------------------------------------------------------------------------------------------
# Page structure (shared by the text and HTML readers)


@attrs.frozen
class _Line:
    number: int
    text: str
    gap: int  # blank lines before this line


@attrs.define
class _Field:
    label: str
    values: list[str]
    line: int
    inferred: bool = False  # placed by field order, the label was not on the page


@attrs.define
class _Page:
    portal: str | None = None
    access_lines: list[str] = attrs.Factory(list)
    title: str | None = None
    download: str | None = None
    item_type: str | None = None
    posted: str | None = None
    posted_time: str | None = None
    authors: str | None = None
    abstract: list[str] = attrs.Factory(list)
    fields: list[_Field] = attrs.Factory(list)
    unlabelled: list[str] = attrs.Factory(list)
    ambiguous: list[tuple[str, list[str]]] = attrs.Factory(list)


def _nonblank(lines: Sequence[tuple[int, str]]) -> list[_Line]:
    out: list[_Line] = []
    gap = 0
    for number, raw in lines:
        text = raw.strip()
        if not text:
            gap += 1
            continue
        out.append(_Line(number, text, gap))
        gap = 0
    return out


def _is_access_line(text: str) -> bool:
    if _FILE_LINE.match(text) or _FILE_COUNT.match(text) or _has_countdown(text):
        return True
    signal = classify_text(text)
    return signal is not None and signal.status != "open"


def _looks_like_portal(text: str, known: Iterable[str] = ()) -> bool:
    folded = _fold(text)
    if any(folded == _fold(k) for k in known):
        return True
    return len(text) <= 80 and ";" not in text and bool(_INSTITUTION_WORDS.search(text))


def _parse_header(head: list[_Line], page: _Page) -> None:
    """Portal, access lines, title, Download and item type: the lines before ``posted on``."""
    items = [ln.text for ln in head if _fold(ln.text) not in _UI_NOISE]
    if items and _fold(items[-1]) in _TYPE_BY_NAME:
        page.item_type = items.pop()
    if items and _DOWNLOAD.match(items[-1]):
        page.download = items.pop()
    if items:
        page.title = items.pop()
    if items and not _is_access_line(items[0]):
        page.portal = items.pop(0)
    page.access_lines = items


def _is_known(label: str, learned: Iterable[str]) -> bool:
    folded = _fold(label)
    return folded in KNOWN_LABELS or any(folded == _fold(x) for x in learned)


def _label_like(text: str) -> bool:
    return bool(_LABEL_SHAPE.match(text)) and len(text.split()) <= 6 and not _BULLET.match(text)


def _abstract_end(body: list[_Line], learned: Sequence[str]) -> int:
    """Index of the first line after the description (a label or the trailer)."""
    for i, line in enumerate(body):
        if _is_known(line.text, learned) or _fold(line.text) in _TRAILER:
            return i
        if i > 0 and line.gap > 0 and _label_like(line.text) and _fields_follow(body, i, learned):
            return i
    return len(body)


def _fields_follow(body: list[_Line], start: int, learned: Sequence[str]) -> bool:
    """True when the lines from ``start`` look like label/value blocks, not prose."""
    seen = 0
    for line in body[start:]:
        if _is_known(line.text, learned) or _fold(line.text) in _TRAILER:
            return seen >= 1
        if len(line.text) > 120:
            return False
        seen += 1
    return seen >= 2


def parse_page(lines: Sequence[tuple[int, str]], learned: Sequence[str] = ()) -> _Page | None:
    """Read the structure of one item page from ``(line number, text)`` pairs.

    Returns None when the page has no ``posted on`` line (it is not an item page). Values whose
    label was lost are placed by :func:`_place_orphans` using ``learned`` (the portal's field
    order) or kept as unlabelled.
    """
    rows = _nonblank(lines)
    posted_at = next((i for i, ln in enumerate(rows) if _POSTED.match(ln.text)), None)
    if posted_at is None:
        return None
    page = _Page()
    _parse_header(rows[:posted_at], page)
    m = _POSTED.match(rows[posted_at].text)
    assert m is not None
    page.posted, page.posted_time, page.authors = m.group("date"), m.group("time"), m.group("authors")
    body = rows[posted_at + 1 :]
    order = _field_order(page.portal, learned)
    end = _abstract_end(body, order)
    page.abstract = [ln.text for ln in body[:end]]
    _parse_fields(body[end:], page, order)
    return page


def _field_order(portal: str | None, learned: Sequence[str]) -> list[str]:
    order = list(PORTAL_FIELD_ORDERS.get(_fold(portal), ())) if portal else []
    return merge_order(order, learned)


def merge_order(order: Sequence[str], seen: Sequence[str]) -> list[str]:
    """Merge a label sequence seen on a page into a known order (new labels after their
    predecessor on that page)."""
    out = list(order)
    folded = [_fold(x) for x in out]
    previous = -1
    for label in seen:
        key = _fold(label)
        if key in folded:
            previous = folded.index(key)
            continue
        previous += 1
        out.insert(previous, label)
        folded.insert(previous, key)
    return out


def _parse_fields(rows: list[_Line], page: _Page, order: Sequence[str]) -> None:
    """Label/value blocks after the description, up to the ``Usage metrics`` trailer."""
    segments: list[tuple[_Line | None, list[_Line]]] = [(None, [])]
    for line in rows:
        if _fold(line.text) in _TRAILER:
            break
        inline = _TIMELINE_INLINE.match(line.text)
        if inline and parse_date(inline.group("date")):
            # "Publication date 2021-03-04": a timeline entry with its date on the same line
            segments.append((_Line(line.number, inline.group("label"), line.gap), []))
            segments[-1][1].append(_Line(line.number, inline.group("date"), 0))
            continue
        if _is_known(line.text, order):
            segments.append((line, []))
        else:
            segments[-1][1].append(line)
    present = {_fold(label.text) for label, _ in segments if label is not None}
    for index, (label, loose) in enumerate(segments):
        following = segments[index + 1][0] if index + 1 < len(segments) else None
        values, rest = _take_value(label, loose)
        if label is not None:
            page.fields.append(_Field(label.text, values, label.number))
        _place_orphans(page, rest, label, following, order, present)


def _shape_ok(label: str, value: str) -> bool:
    """Whether ``value`` could be the value of ``label`` (used for lost and empty labels)."""
    target = FIELD_LABELS.get(_fold(label), "extra")
    text = _strip_bullet(value)
    if target == "issn":
        return normalize_issn(text) is not None
    if target in ("volume", "issue"):
        return len(text) <= 15 and any(c.isdigit() for c in text)
    if target == "pages":
        return split_pages(text) != (None, None)
    if target == "article_number":
        return bool(re.fullmatch(r"[A-Za-z]{0,4}\d[\w.-]{0,20}", text))
    if target == "doi":
        return find_doi(text) is not None
    if target == "date_published" or _fold(label).endswith(" date"):
        return parse_date(text) is not None
    return True


def _take_value(label: _Line | None, loose: list[_Line]) -> tuple[list[str], list[_Line]]:
    """The value lines of ``label`` from the loose lines after it, and the lines left over.

    The value is the first block (lines with no blank between them) when it follows the label
    closely (at most two blank lines) and fits the label; an empty label is followed by a long
    run of blank lines or by a line that cannot be its value.
    """
    if label is None or not loose:
        return [], loose
    first = loose[0]
    if first.gap > 2 or not _shape_ok(label.text, first.text):
        return [], loose
    taken = [first]
    for line in loose[1:]:
        if line.gap > 0:
            break
        taken.append(line)
    return [ln.text for ln in taken], loose[len(taken) :]


def _place_orphans(
    page: _Page,
    loose: list[_Line],
    before: _Line | None,
    after: _Line | None,
    order: Sequence[str],
    present: set[str],
) -> None:
    """Place values left without a label between the labels ``before`` and ``after``.

    The candidates are the labels of the portal's field order that lie between the two and do
    not occur on the page; they are used only when, after dropping those no value fits, exactly
    one label is left per value, in order. Without candidates, unknown ``label``/``value``
    pairs are read by shape; what remains is kept as unlabelled and flagged.
    """
    if not loose:
        return
    candidates = _candidates(order, before.text if before else None, after.text if after else None)
    candidates = [c for c in candidates if _fold(c) not in present]
    fitting = [c for c in candidates if any(_shape_ok(c, ln.text) for ln in loose)]
    if fitting and len(fitting) == len(loose) and all(
        _shape_ok(c, ln.text) for c, ln in zip(fitting, loose, strict=True)
    ):
        for label, line in zip(fitting, loose, strict=True):
            page.fields.append(_Field(label, [line.text], line.number, inferred=True))
        return
    if not candidates:
        loose = _pair_structurally(page, loose)
        if not loose:
            return
    texts = [ln.text for ln in loose]
    page.unlabelled.extend(texts)
    page.ambiguous.append((", ".join(texts), fitting or candidates))


def _candidates(order: Sequence[str], before: str | None, after: str | None) -> list[str]:
    folded = [_fold(x) for x in order]
    if not folded:
        return []
    start = folded.index(_fold(before)) + 1 if before and _fold(before) in folded else 0
    if before and _fold(before) not in folded:
        return []
    stop = folded.index(_fold(after)) if after and _fold(after) in folded else len(folded)
    if after and _fold(after) not in folded:
        return []
    return list(order[start:stop])


def _pair_structurally(page: _Page, loose: list[_Line]) -> list[_Line]:
    """Read unknown ``label`` / ``value`` pairs (a portal's own custom fields); returns the
    lines that are not such a pair."""
    left: list[_Line] = []
    i = 0
    while i < len(loose):
        line = loose[i]
        if i + 1 < len(loose) and _label_like(line.text) and loose[i + 1].gap <= 2:
            values = [loose[i + 1].text]
            j = i + 2
            while j < len(loose) and loose[j].gap == 0:
                values.append(loose[j].text)
                j += 1
            page.fields.append(_Field(line.text, values, line.number))
            i = j
            continue
        left.append(line)
        i += 1
    return left


# ---------------------------------------------------------------------------------------------
# Page -> Record


def _page_access(page: _Page) -> tuple[list[AccessSignal], dict[str, Any]]:
    """Access signals from the header (banner, file line) and what to keep in ``extra``."""
    signals: list[AccessSignal] = []
    extra: dict[str, Any] = {}
    lines = page.access_lines
    for i, text in enumerate(lines):
        if _FILE_LINE.match(text) or _FILE_COUNT.match(text):
            extra.setdefault("files", []).append(text)
            signals.append(AccessSignal("open", None, text))
            continue
        if _has_countdown(text):
            extra["embargo_countdown"] = text
            continue
        reason = _REASON.match(text)
        if reason and reason.group("reason"):
            extra["embargo_reason"] = reason.group("reason")
            continue
        signal = classify_text(text)
        if signal is None:
            if i > 0 and find_date(text):
                continue  # a date next to the banner, read with it below
            extra.setdefault("access_lines", []).append(text)
            continue
        if signal.status == "embargoed" and signal.embargo_end is None:
            signal = _dated_banner(signal, lines[i + 1 :])
        signals.append(signal)
    if not signals and page.download is None and page.title is not None:
        signals.append(
            AccessSignal("metadata_only", None, "no file, file count or embargo banner on the page")
        )
    if page.download:
        extra["download"] = page.download
    return signals, extra


def _dated_banner(banner: AccessSignal, following: Sequence[str]) -> AccessSignal:
    """An embargo banner with the end date found on one of the access lines after it."""
    for text in following:
        if _REASON.match(text) or _has_countdown(text):
            continue
        nearby = classify_text(f"{banner.evidence} {text}")
        if nearby is not None and nearby.embargo_end:
            return AccessSignal(banner.status, nearby.embargo_end, f"{banner.evidence} {text}")
        if classify_text(text) is not None:
            break  # another access wording: the date, if any, belongs to it
    return banner


def _apply_field(builder: RecordBuilder, field: _Field, signals: list[AccessSignal]) -> None:
    """Map one label/value block (page label or API custom field) through :data:`FIELD_LABELS`."""
    values = [v for v in (_strip_bullet(x) for x in field.values) if v]
    label = field.label
    target = FIELD_LABELS.get(_fold(label), "extra")
    if not values:
        builder.extra.setdefault("empty_fields", []).append(label)
        return
    text = " ".join(values)
    if target in ("journal", "volume", "issue", "article_number", "publisher", "rights", "license"):
        if builder.get(target) is not None and builder.get(target) != clean(text):
            builder.flag("value_conflict", f"{label} differs from an earlier {target}", [builder.get(target), text], field=target)
        builder.set(target, text)
    elif target == "pages":
        _apply_pages(builder, label, text)
    elif target == "issn":
        for value in values:
            builder.add_issn(value)
    elif target == "keywords":
        for value in values:
            for word in value.split("; "):
                builder.add_keyword(word)
    elif target in ("subjects", "subjects_split"):
        for value in values:
            for term in value.split(";") if target == "subjects_split" else [value]:
                builder.add_subject(term)
    elif target == "doi":
        builder.set_doi(text, source_field=label)
    elif target == "language":
        builder.set_language(text, source_field=label)
    elif target == "date_published":
        builder.set_date("date_published", text, source_field=label)
    elif target == "access":
        for value in values:
            signal = classify_text(f"{label}: {value}")
            if signal is not None:
                signals.append(signal)
        builder.keep(label, values[0] if len(values) == 1 else values)
        return
    if target == "extra" or field.inferred:
        builder.keep(label, values[0] if len(values) == 1 else values)


def _apply_pages(builder: RecordBuilder, label: str, text: str) -> None:
    start, end = split_pages(text)
    if start is None:
        builder.keep(label, text)
        return
    full = expand_end_page(start, end)
    builder.set("start_page", start)
    builder.set("end_page", full)
    if full != end:
        builder.keep(label, text)


def _set_type(builder: RecordBuilder, name: str | None, code: object = None) -> None:
    wording = clean(name)
    csl = _TYPE_BY_NAME.get(wording.casefold()) if wording else None
    if csl is None and isinstance(code, int) and code in DEFINED_TYPES:
        csl = DEFINED_TYPES[code][1]
    if csl is not None:
        builder.set("type", csl)
    if wording:
        builder.keep("type", wording)


def _build_page(builder: RecordBuilder, page: _Page) -> list[AccessSignal]:
    """Everything a page shows, into ``builder``; returns the access signals found."""
    builder.set("title", page.title)
    _set_type(builder, page.item_type)
    if page.portal:
        builder.set("institution", page.portal)
    if page.posted:
        builder.set_date("date_deposited", page.posted, source_field="posted on")
        builder.keep("posted on", f"{page.posted}, {page.posted_time}" if page.posted_time else page.posted)
    if page.authors:
        names, ambiguous = split_authors(page.authors)
        for name in names:
            builder.add_person(name)
        if ambiguous:
            builder.flag("ambiguous_field", "author names read as inverted 'Family, Given'; they could be two authors", ambiguous, field="authors")
    if page.abstract:
        builder.set("abstract", " ".join(page.abstract))
    signals, access_extra = _page_access(page)
    for key, value in access_extra.items():
        builder.keep(key, value)
    for field in page.fields:
        _apply_field(builder, field, signals)
        if field.inferred:
            builder.extra.setdefault("inferred_labels", []).append(field.label)
    if page.unlabelled:
        builder.keep("unlabelled", list(page.unlabelled))
    for texts, candidates in page.ambiguous:
        builder.flag(
            "ambiguous_field",
            "value(s) without a label" + (f"; could be: {', '.join(candidates)}" if candidates else ""),
            [texts, *candidates],
            field="extra",
        )
    return signals


# ---------------------------------------------------------------------------------------------
# figshare-text


#: How the targets of :data:`FIELD_LABELS` read in the generated documentation.
_TARGET_NAMES = {
    "pages": "start_page, end_page (abbreviated ends written in full)",
    "issn": "issns",
    "subjects_split": "subjects (split on ';')",
    "access": "access (with the banner)",
}


def _page_start(buffer: list[tuple[int, int, str]], previous_posted: int, posted: int, portals: Sequence[str]) -> int:
    """Index in ``buffer`` where the page whose ``posted on`` line is at ``posted`` begins."""
    rows = [i for i in range(previous_posted + 1, posted) if buffer[i][2].strip()]
    k = len(rows) - 1
    if k >= 0 and _fold(buffer[rows[k]][2]) in _TYPE_BY_NAME:
        k -= 1
    if k >= 0 and _DOWNLOAD.match(buffer[rows[k]][2].strip()):
        k -= 1
    if k < 0:
        return posted
    start = rows[k]  # the title
    k -= 1
    while k >= 0 and _is_access_line(buffer[rows[k]][2].strip()):
        start = rows[k]
        k -= 1
    while k >= 0 and _fold(buffer[rows[k]][2]) in _UI_NOISE:
        k -= 1
    if k >= 0 and _looks_like_portal(buffer[rows[k]][2].strip(), portals):
        start = rows[k]
    return start


class FigshareTextParser(Parser):
    """Figshare item pages saved as text, one or several pages per file."""

    name = "figshare-text"
    title = "Figshare for Institutions item page, text rendering"
    media_types = ("text/plain",)
    patterns = ("*.txt",)
    field_map: ClassVar[dict[str, str]] = {
        "portal name": "institution",
        "title line": "title",
        "item type line": "type (CSL); wording in extra['type']",
        "posted on DATE": "date_deposited",
        "authored by": "authors",
        "description": "abstract",
        "access line / banner, Repository Status": "access",
        **{label: _TARGET_NAMES.get(target, target) for label, target in FIELD_LABELS.items()},
    }

    def sniff(self, head: bytes) -> float:
        try:
            text = head.decode("utf-8", "replace")
        except Exception:  # pragma: no cover - decode with "replace" does not raise
            return 0.0
        stripped = text.lstrip("\ufeff \t\r\n")
        if stripped[:1] in ("<", "{", "["):
            return 0.0
        # ``[ \t]*`` after ``^``: ``\s*`` would run over blank lines, quadratic on many of them
        posted = re.search(r"(?im)^[ \t]*posted on \d{4}-\d{2}-\d{2}(?:[ \t]*[,-][ \t]*\d{1,2}:\d{2})?(?: authored by|[ \t]*$)", text)
        if not posted:
            return 0.0
        score = 0.8
        markers = ("File(s) under", "Repository Status", "Usage metrics", "Socio-economic Objectives", "Download (", "authored by")
        score += 0.04 * sum(1 for m in markers if m in text)
        return min(score, 0.98)

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        buffer: list[tuple[int, int, str]] = []  # (line number, byte offset, text)
        posted: int | None = None
        exports = False
        number = 0
        portals: list[str] = []
        orders: dict[str, list[str]] = {}
        for line in iter_lines(inp):
            buffer.append((line.number, line.offset, line.text))
            text = line.text.strip()
            folded = text.casefold()
            if folded == _EXPORTS:
                exports = True
            elif exports and text == "DC":
                number += 1
                yield self._emit(inp, buffer, number, portals, orders)
                buffer, posted, exports = [], None, False
                continue
            if len(buffer) >= _MAX_PAGE_LINES:
                # No page is this long: stop buffering (memory stays bounded on foreign input).
                number += 1
                yield self._emit(inp, buffer, number, portals, orders)
                buffer, posted, exports = [], None, False
                continue
            if _POSTED.match(text):
                here = len(buffer) - 1
                if posted is not None:
                    start = _page_start(buffer, posted, here, portals)
                    number += 1
                    yield self._emit(inp, buffer[:start], number, portals, orders)
                    buffer = buffer[start:]
                    here -= start
                    exports = False
                posted = here
        if any(t.strip() for _, _, t in buffer):
            number += 1
            yield self._emit(inp, buffer, number, portals, orders)

    def _emit(
        self,
        inp: Input,
        buffer: list[tuple[int, int, str]],
        number: int,
        portals: list[str],
        orders: dict[str, list[str]],
    ) -> RawRecord | Failure:
        first = next(((n, o) for n, o, t in buffer if t.strip()), (buffer[0][0], buffer[0][1]) if buffer else (None, None))
        position = Position(inp.name, number, first[0], first[1])
        lines = [(n, t) for n, _, t in buffer]
        page = parse_page(lines)
        if page is None:
            return Failure(
                position,
                "no 'posted on DATE authored by' line: not a Figshare item page",
                kind="syntax",
                snippet=next((t.strip() for t in (x[2] for x in buffer) if t.strip()), None),
                parser=self.name,
            )
        portal = _fold(page.portal or "")
        if page.portal and page.portal not in portals:
            portals.append(page.portal)
        learned = orders.setdefault(portal, [])
        seen = [f.label for f in page.fields if not f.inferred and _is_known(f.label, ())]
        orders[portal] = merge_order(learned, seen)[:200]
        return RawRecord(lines, position, context=tuple(orders[portal]))

    def map(self, raw: RawRecord) -> Record:
        learned: Sequence[str] = raw.context or ()
        page = parse_page(raw.data, learned)
        if page is None:
            raise self.fail(raw, "no 'posted on DATE authored by' line: not a Figshare item page")
        if not page.title:
            raise self.fail(raw, "no title line before 'posted on'")
        builder = RecordBuilder(self.name)
        signals = _build_page(builder, page)
        apply_access(builder, signals)
        return builder.build()


# ---------------------------------------------------------------------------------------------
# figshare-html

_BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "body", "dd", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"]
)
#: Block elements whose siblings are items of one value (list items, table rows): one line each.
_LINE_TAGS = frozenset({"li", "dt", "dd", "tr"})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "svg", "head", "button", "select", "iframe"})
#: Signs of a Figshare page (in the lower-cased head): its static assets, its generator or site
#: name, its download host, its article URLs, and the "posted on" line.
_HTML_MARKERS = tuple(
    re.compile(p)
    for p in (
        rb"static\.figshare\.com|figshare\.com/(?:static|web)/",
        rb"<meta[^>]+(?:generator|application-name)[^>]+figshare|content=\"figshare",
        rb"ndownloader",
        rb"/articles/[a-z_]+/[^/\"\s]+/\d{5,}",
        rb"posted on \d{4}-\d{2}-\d{2}",
    )
)


def _hidden(element: Any) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = (element.get("style") or "").replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _visible_lines(root: Any) -> list[str]:
    """The page body as a reader sees it: block elements on their own lines, hidden text left out."""
    parts: list[str] = []
    soft, hard = "\x00", "\x01"  # line break / paragraph break markers

    def text(value: str | None) -> None:
        if value:
            parts.append(re.sub(r"[\s\u00a0]+", " ", value.replace(soft, "").replace(hard, "")))

    # Iterative, not recursive: lxml keeps pages nested up to 2,048 deep, deeper than Python's
    # recursion limit. Each element is visited once on the way in and once (``closing``) out.
    body = root.find(".//body")
    stack: list[tuple[Any, str | None]] = [(body if body is not None else root, None)]
    while stack:
        element, closing = stack.pop()
        if closing is not None:
            parts.append(closing)
            text(element.tail)
            continue
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in _SKIP_TAGS or _hidden(element):
            text(element.tail)
            continue
        mark = soft if tag in _LINE_TAGS or tag == "br" else hard if tag in _BLOCK_TAGS else ""
        parts.append(mark)
        text(element.text)
        stack.append((element, mark))
        stack.extend((child, None) for child in reversed(element))
    joined = "".join(parts)
    joined = re.sub(
        r"[ \x00\x01]*[\x00\x01][ \x00\x01]*",
        lambda m: "\n\n" if hard in m.group(0) else "\n",
        joined,
    )
    return [line.strip() for line in joined.strip().split("\n")]


def _meta(root: Any) -> dict[str, list[str]]:
    """``<meta name|property=... content=...>`` values by lower-case name, in page order."""
    found: dict[str, list[str]] = {}
    for element in root.iter("meta"):
        key = (element.get("name") or element.get("property") or "").strip().lower()
        value = clean(element.get("content"))
        if key and value:
            found.setdefault(key, []).append(value)
    return found


def _json_ld(root: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for element in root.iter("script"):
        if (element.get("type") or "").lower() != "application/ld+json" or not element.text:
            continue
        try:
            data = loads(element.text)
        except ValueError:
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        out.extend(x for x in items if isinstance(x, dict))
    return out


class FigshareHtmlParser(PageParser):
    """Figshare item pages saved as HTML (one page per file)."""

    name = "figshare-html"
    title = "Figshare for Institutions item page, HTML"
    media_types = ("text/html", "application/xhtml+xml")
    patterns = ("*.html", "*.htm")
    field_map: ClassVar[dict[str, str]] = {
        **FigshareTextParser.field_map,
        "citation_title / og:title / JSON-LD name": "title (when the visible text has none)",
        "citation_author / JSON-LD author": "authors (when the visible text has none)",
        "citation_doi / JSON-LD identifier": "doi",
        "citation_keywords / JSON-LD keywords": "keywords",
        "citation_publication_date, citation_online_date, JSON-LD datePublished": "extra",
        "link rel=canonical / og:url": "urls; id from its last number",
    }
    def sniff(self, head: bytes) -> float:
        lowered = head[:65536].lower()
        if b"<html" not in lowered and b"<!doctype html" not in lowered:
            return 0.0
        found = sum(1 for marker in _HTML_MARKERS if marker.search(lowered))
        # One marker is what any page linking to a Figshare item has; a Figshare page has several.
        return {0: 0.0, 1: 0.3, 2: 0.75}.get(found, min(0.85 + 0.04 * (found - 3), 0.97))

    def map(self, raw: RawRecord) -> Record:
        builder = RecordBuilder(self.name)
        root = self.parse_page(raw, builder)
        meta = _meta(root)
        ld = _json_ld(root)
        lines = list(enumerate(_visible_lines(root), start=1))
        page = parse_page(lines) or _Page()
        signals = _build_page(builder, page)
        _apply_meta(builder, meta, ld, root)
        if builder.get("title") is None:
            raise self.fail(raw, "no title in the page text, meta tags or JSON-LD")
        apply_access(builder, signals)
        return builder.build()


def _ld_item(ld: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON-LD object that describes the item (not the site or its breadcrumbs)."""
    skip = ("organization", "website", "webpage", "breadcrumblist")
    return next((x for x in ld if str(x.get("@type", "")).lower() not in skip), {})


def _ld_names(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    out: list[str] = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            out.append(name)
    return out


def _ld_strings(value: object, key: str = "value") -> list[str]:
    items = value if isinstance(value, list) else [value] if value else []
    out: list[str] = []
    for item in items:
        text = item.get(key) if isinstance(item, dict) else item
        if isinstance(text, str):
            out.append(text)
    return out


def _apply_meta(builder: RecordBuilder, meta: Mapping[str, list[str]], ld: list[dict[str, Any]], root: Any) -> None:
    """Fill in from meta tags and JSON-LD what the visible text did not give."""
    item = _ld_item(ld)
    first = {k: v[0] for k, v in meta.items()}
    ld_name = item.get("name") if isinstance(item.get("name"), str) else None
    builder.set("title", first.get("citation_title") or first.get("dc.title") or ld_name or first.get("og:title"))
    if not builder.people:
        authors = meta.get("citation_author") or meta.get("dc.creator") or _ld_names(item.get("author"))
        for name in authors:
            builder.add_person(undouble(name))
    dois = [*meta.get("citation_doi", []), *meta.get("dc.identifier", []), *_ld_strings(item.get("identifier"))]
    for value in dois:
        doi = find_doi(value)
        if doi:
            builder.set_doi(doi)
    _meta_keywords(builder, meta.get("citation_keywords", []), item.get("keywords"))
    description = item.get("description") or first.get("dc.description") or first.get("description")
    if builder.get("abstract") is None and isinstance(description, str):
        builder.set("abstract", description, html=has_html(description))
    if builder.get("publisher") is None:
        builder.set("publisher", first.get("citation_publisher") or first.get("dc.publisher"))
    if builder.get("institution") is None:
        builder.set("institution", first.get("og:site_name"))
    if builder.get("license") is None and isinstance(item.get("license"), str):
        builder.set("license", item["license"])
    for key in ("citation_publication_date", "citation_online_date", "citation_date", "dc.date"):
        builder.keep(key, first.get(key))
    builder.keep("datePublished", item.get("datePublished"))
    _meta_urls(builder, [_canonical(root), first.get("og:url"), item.get("url")])
    for url in meta.get("citation_pdf_url", []):
        builder.keep("citation_pdf_url", url)  # not a sign of open access (ir-pages.md 10.4)


def _meta_keywords(builder: RecordBuilder, tags: list[str], ld_keywords: object) -> None:
    words: list[str] = []
    for value in tags:
        words.extend(value.split(";"))
    if isinstance(ld_keywords, str):
        words.extend(ld_keywords.split(","))
    elif isinstance(ld_keywords, list):
        words.extend(str(k) for k in ld_keywords)
    for word in words:
        builder.add_keyword(word)


def _canonical(root: Any) -> str | None:
    for element in root.iter("link"):
        if (element.get("rel") or "").lower() == "canonical" and element.get("href"):
            return str(element.get("href"))
    return None


def _meta_urls(builder: RecordBuilder, urls: Iterable[object]) -> None:
    """Page URLs; the Figshare article id is the number that ends the page URL."""
    for url in urls:
        if not isinstance(url, str) or not url.strip():
            continue
        builder.add_url(url)
        match = re.search(r"/(\d{4,})(?:/\d+)?/?$", url)
        if match and builder.get("id") is None:
            builder.set("id", match.group(1))


# ---------------------------------------------------------------------------------------------
# figshare-api

_API_KEYS = (
    b'"defined_type"',
    b'"defined_type_name"',
    b'"figshare_url"',
    b'"is_embargoed"',
    b'"embargo_type"',
    b'"custom_fields"',
    b'"url_public_html"',
    b'"is_metadata_record"',
    b'"group_id"',
)
#: ArticleComplete keys mapped to Record fields (the rest is kept in ``extra`` as is).
_API_HANDLED = frozenset(
    {
        "id", "title", "doi", "description", "authors", "tags", "categories", "license",
        "defined_type", "defined_type_name", "timeline", "published_date", "custom_fields",
        "url_public_html", "figshare_url", "files", "is_embargoed", "embargo_date",
        "embargo_type", "embargo_title", "embargo_reason", "embargo_options", "is_confidential",
        "confidential_reason", "is_metadata_record", "metadata_reason", "download_disabled",
    }
)


def _looks_like_json_lines(head: bytes) -> bool:
    text = head.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if not text.startswith("{"):
        return False
    first, sep, rest = text.partition("\n")
    if not sep or not rest.lstrip().startswith("{"):
        return False
    try:
        json.loads(first)
    except ValueError:
        return False
    return True


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


class FigshareApiParser(Parser):
    """Figshare API v2 article records (ArticleComplete), one, a list, or JSON Lines."""

    name = "figshare-api"
    title = "Figshare API v2 article JSON"
    media_types = ("application/json", "application/x-ndjson")
    patterns = ("*.json", "*.jsonl", "*.ndjson")
    field_map: ClassVar[dict[str, str]] = {
        "id": "id",
        "title": "title",
        "doi": "doi",
        "description": "abstract (HTML kept in extra['description'])",
        "authors[].full_name / orcid_id": "authors",
        "tags": "keywords",
        "categories[].title": "subjects",
        "license.name": "license",
        "defined_type / defined_type_name": "type (CSL); wording in extra['type']",
        "timeline.publisherPublication | timeline.firstOnline": "date_published",
        "published_date": "date_deposited (posted date of this version)",
        "url_public_html, figshare_url": "urls",
        "custom_fields[name=...]": "by name as on pages (Publisher, Publication title ...), else extra",
        "is_embargoed, embargo_date, is_confidential, is_metadata_record, download_disabled, files": "access",
    }

    def sniff(self, head: bytes) -> float:
        stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if stripped[:1] not in (b"{", b"["):
            return 0.0
        hits = sum(1 for key in _API_KEYS if key in head)
        if hits >= 3:
            return 0.95
        if hits == 2:
            return 0.8
        if hits == 1 and b"figshare" in head:
            return 0.6
        return 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        if _looks_like_json_lines(inp.head):
            items: Iterator[JsonItem | Failure] = iter_json_lines(inp, parser_name=self.name)
        else:
            items = JsonStream(inp, parser_name=self.name).items(())
        yield from json_raw_records(items, inp)

    def map(self, raw: RawRecord) -> Record:
        data = raw.data
        if not isinstance(data, dict):
            raise self.fail(raw, f"expected a JSON object (a Figshare article), got {type(data).__name__}")
        if not clean(data.get("title")):
            raise self.fail(raw, "article has no title")
        builder = RecordBuilder(self.name)
        if data.get("id") is not None:
            builder.set("id", str(data["id"]))
        builder.set("title", data.get("title"))
        builder.set_doi(data.get("doi"))
        _api_description(builder, data.get("description"))
        _api_authors(builder, data.get("authors"))
        for tag in data.get("tags") or ():
            builder.add_keyword(tag)
        _api_categories(builder, data.get("categories"))
        _set_type(builder, data.get("defined_type_name"), data.get("defined_type"))
        builder.keep("defined_type", data.get("defined_type"))
        _api_dates(builder, data)
        for key in ("url_public_html", "figshare_url"):
            if isinstance(data.get(key), str):
                builder.add_url(data[key])
        builder.keep("portal", _portal_host(data))
        signals: list[AccessSignal] = []
        _api_custom_fields(builder, data.get("custom_fields"), signals)
        _api_license(builder, data.get("license"))
        signals = [*_api_access(builder, data), *signals]
        for key, value in data.items():
            if key not in _API_HANDLED:
                builder.keep(key, value)
        apply_access(builder, signals)
        return builder.build()


def _portal_host(data: Mapping[str, Any]) -> str | None:
    """The institutional portal's host (``smithsonian.figshare.com``), from the public page URL."""
    for key in ("url_public_html", "figshare_url"):
        url = data.get(key)
        match = re.match(r"^https?://([^/]+)/", url) if isinstance(url, str) else None
        if match and match.group(1).lower() not in ("figshare.com", "www.figshare.com"):
            return match.group(1).lower()
    return None


def _api_description(builder: RecordBuilder, description: object) -> None:
    if not isinstance(description, str) or not description.strip():
        return
    builder.set("abstract", description, html=True)
    if has_html(description):
        builder.keep("description", description)


def _api_authors(builder: RecordBuilder, authors: object) -> None:
    ids: list[dict[str, Any]] = []
    for author in authors if isinstance(authors, list) else ():
        if not isinstance(author, dict):
            continue
        name = clean(author.get("full_name")) or " ".join(
            x for x in (clean(author.get("first_name")), clean(author.get("last_name"))) if x
        )
        if not name:
            continue
        builder.add_person(
            name,
            orcid=clean(author.get("orcid_id")),
            given=clean(author.get("first_name")),
            family=clean(author.get("last_name")),
        )
        ident = {k: author[k] for k in ("id", "url_name", "is_active") if author.get(k) not in (None, "")}
        if ident:
            ids.append({"full_name": name, **ident})
    builder.keep("author_ids", ids)


def _api_categories(builder: RecordBuilder, categories: object) -> None:
    kept: list[Any] = []
    for category in categories if isinstance(categories, list) else ():
        if isinstance(category, dict):
            builder.add_subject(category.get("title"))
            kept.append(category)
        elif isinstance(category, str):
            builder.add_subject(category)
            kept.append(category)
    builder.keep("categories", kept)


def _api_dates(builder: RecordBuilder, data: Mapping[str, Any]) -> None:
    timeline = data.get("timeline") if isinstance(data.get("timeline"), dict) else {}
    assert isinstance(timeline, dict)
    for key in ("publisherPublication", "firstOnline"):
        if timeline.get(key):
            builder.set_date("date_published", timeline[key], source_field=f"timeline.{key}")
            break
    builder.keep("timeline", timeline)
    posted = data.get("published_date") or timeline.get("posted")
    builder.set_date("date_deposited", posted, source_field="published_date")
    builder.keep("published_date", data.get("published_date"))


def _api_custom_fields(builder: RecordBuilder, fields: object, signals: list[AccessSignal]) -> None:
    for entry in fields if isinstance(fields, list) else ():
        if not isinstance(entry, dict) or not clean(entry.get("name")):
            continue
        name = str(clean(entry.get("name")))
        value = entry.get("value")
        values = [str(v) for v in value] if isinstance(value, list) else [] if value is None else [str(value)]
        values = [v for v in (clean(x) for x in values) if v]
        if FIELD_LABELS.get(_fold(name), "extra") == "extra":
            builder.keep(name, values[0] if len(values) == 1 else values)
            continue
        field = _Field(name, values, 0)
        _apply_field(builder, field, signals)
        builder.keep(name, values[0] if len(values) == 1 else values)


def _api_license(builder: RecordBuilder, license_: object) -> None:
    if isinstance(license_, dict):
        builder.set("license", license_.get("name"))
        builder.keep("license", license_)
    elif isinstance(license_, str):
        builder.set("license", license_)


def _api_access(builder: RecordBuilder, data: Mapping[str, Any]) -> list[AccessSignal]:
    """Access signals from the ArticleComplete flags (ir-pages.md 1.3, 1.4, 8.4)."""
    signals: list[AccessSignal] = []
    for key in (
        "is_embargoed", "embargo_date", "embargo_type", "embargo_title", "embargo_reason",
        "embargo_options", "is_confidential", "confidential_reason", "is_metadata_record",
        "metadata_reason", "download_disabled",
    ):
        if key in data:
            builder.keep(key, data[key])
    if _truthy(data.get("is_embargoed")):
        date = data.get("embargo_date")
        date_text = "0" if date in (None, "", 0, "0") else str(date)
        parts = [f"is_embargoed=true, embargo_date={json.dumps(date)}"]
        for key in ("embargo_type", "embargo_title", "embargo_reason"):
            if clean(data.get(key)):
                parts.append(f"{key}={clean(data.get(key))}")
        options = data.get("embargo_options")
        if isinstance(options, list) and options:
            kinds = sorted({str(o.get("type")) for o in options if isinstance(o, dict) and o.get("type")})
            parts.append(f"embargo_options={'/'.join(kinds) or len(options)}")
        signal = from_vocabulary("embargoed", date=date_text, scheme="zenodo")
        assert signal is not None
        signals.append(AccessSignal("embargoed", signal.embargo_end, ", ".join(parts)))
    if _truthy(data.get("is_confidential")):
        reason = clean(data.get("confidential_reason"))
        signals.append(AccessSignal("restricted", None, "is_confidential=true" + (f", confidential_reason={reason}" if reason else "")))
    if _truthy(data.get("is_metadata_record")):
        reason = clean(data.get("metadata_reason"))
        signals.append(AccessSignal("metadata_only", None, "is_metadata_record=true" + (f", metadata_reason={reason}" if reason else "")))
    if _truthy(data.get("download_disabled")):
        signals.append(AccessSignal("restricted", None, "download_disabled=true"))
    files = data.get("files")
    complete = any(k in data for k in ("is_embargoed", "is_confidential", "is_metadata_record", "custom_fields"))
    if files is None and "files" not in data and complete and not signals:
        signals.append(AccessSignal("restricted", None, "no 'files' key (file embargo or confidential item)"))
    elif isinstance(files, list):
        builder.keep("files", files)
        if files and not signals:
            names = ", ".join(str(f.get("name")) for f in files[:5] if isinstance(f, dict))
            signals.append(AccessSignal("open", None, f"files: {names}" if names else f"files: {len(files)}"))
        elif not files and not signals:
            signals.append(AccessSignal("metadata_only", None, "files: [] (no files)"))
    return signals

