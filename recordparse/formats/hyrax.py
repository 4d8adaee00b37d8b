"""Samvera Hyrax work JSON: ``hyrax-json``.

Hyrax answers ``/concern/<work type>/<id>.json`` with the work's id and every model property
(``show.json.jbuilder``: ``id`` plus the class's fields) and an ETag ``version``. Most properties
are multi-valued and come as lists, often with empty strings left by the edit form (``[""]``);
``depositor``, ``date_uploaded`` and ``date_modified`` are single values. Exports and harvesters
built on Hyrax (Bulkrax, migration scripts) add the access fields ``visibility``,
``embargo_release_date``, ``visibility_during_embargo``, ``visibility_after_embargo``,
``lease_expiration_date``, ``visibility_during_lease`` and ``visibility_after_lease``.

Inputs may be one work, a top-level array of works, or JSON Lines.

Access (Hydra access controls, see ``ir-pages.md`` section 4):

- ``open`` is open; ``authenticated`` (shown under the institution's name) and ``restricted``
  (shown as "Private") are restricted;
- an embargo is read from ``embargo_release_date`` whatever the current ``visibility`` says,
  because a work under embargo reports its *during-embargo* visibility (``restricted``) there;
- a lease means the work is readable now: the status comes from the during-lease visibility
  (``open`` unless stated otherwise) and the lease end is kept in ``extra``.

Hyrax stores multi-valued properties as unordered RDF sets, so the order of ``creator`` is the
order the JSON gives, which need not be the order on the title page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from ..builder import RecordBuilder
from ..errors import Failure
from ..jsonstream import JsonItem, JsonStream, iter_json_lines
from ..normalize.access import AccessSignal, apply_access, classify_text, from_vocabulary
from ..normalize.dates import parse_date
from ..normalize.text import clean, has_html
from ..record import Record
from ..sources import Input
from .base import Parser, RawRecord, json_raw_records
from .meta_tags import csl_type_for_label
from .zenodo import looks_like_json_lines

__all__ = ["RESOURCE_TYPES", "HyraxJsonParser"]

#: Hyrax's default ``resource_type`` labels (lower case) -> CSL type; other labels go through
#: :func:`~recordparse.formats.meta_tags.csl_type_for_label`.
RESOURCE_TYPES: dict[str, str] = {
    "article": "article-journal",
    "audio": "song",
    "book": "book",
    "capstone project": "thesis",
    "conference proceeding": "paper-conference",
    "dataset": "dataset",
    "dissertation": "thesis",
    "image": "graphic",
    "journal": "periodical",
    "map or cartographic material": "map",
    "masters thesis": "thesis",
    "part of book": "chapter",
    "poster": "speech",
    "presentation": "speech",
    "project": "report",
    "report": "report",
    "research paper": "report",
    "software or program code": "software",
    "video": "motion_picture",
    "other": "document",
}

#: Multi-valued properties whose first value is a plain Record field.
PLAIN: dict[str, str] = {
    "title": "title",
    "publisher": "publisher",
    "rights_statement": "rights",
    "license": "license",
    "institution": "institution",
}

_MARKS = tuple(
    re.compile(rb'"' + key + rb'"\s*:')
    for key in (
        b"date_uploaded",
        b"depositor",
        b"embargo_id",
        b"lease_id",
        b"admin_set_id",
        b"representative_id",
        b"thumbnail_id",
        b"rendering_ids",
        b"rights_statement",
        b"access_control_id",
        b"arkivo_checksum",
        b"embargo_release_date",
        b"visibility_during_embargo",
        b"lease_expiration_date",
    )
)
_VISIBILITY = re.compile(rb'"visibility"\s*:\s*"(?:open|authenticated|restricted|embargo|lease)"')
_DOI_LIKE = re.compile(r"^\s*(?:doi\s*:|https?://(?:dx\.)?doi\.org/|10\.\d{4,9}/)", re.I)
_ISSN_LIKE = re.compile(r"^\s*e?issn\s*:?\s*", re.I)

_EMBARGO_FIELDS = ("embargo_release_date", "visibility_during_embargo", "visibility_after_embargo")
_LEASE_FIELDS = ("lease_expiration_date", "visibility_during_lease", "visibility_after_lease")


def values(data: Mapping[str, Any], key: str) -> list[str]:
    """The non-empty string values of a Hyrax property (a list, a scalar or missing)."""
    raw = data.get(key)
    items: Iterable[Any] = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for item in items:
        text = clean(item) if isinstance(item, (str, int, float)) and not isinstance(item, bool) else None
        if text and text not in out:
            out.append(text)
    return out


def _first(data: Mapping[str, Any], key: str) -> str | None:
    found = values(data, key)
    return found[0] if found else None


class HyraxJsonParser(Parser):
    """Samvera Hyrax work JSON (``/concern/<type>/<id>.json``), one work, an array, or lines."""

    name = "hyrax-json"
    title = "Samvera Hyrax work JSON (/concern/<type>/<id>.json)"
    media_types = ("application/json", "application/x-ndjson")
    patterns = ("*.json", "*.jsonl", "*.ndjson")
    field_map: ClassVar[dict[str, str]] = {
        "id": "id",
        **PLAIN,
        "creator": "authors",
        "abstract": "abstract",
        "description": "abstract",
        "keyword": "keywords",
        "subject": "subjects",
        "date_created": "date_published",
        "date_uploaded": "date_deposited",
        "language": "language",
        "identifier": "doi",
        "doi": "doi",
        "resource_type": "type",
        "visibility": "access",
        "embargo_release_date": "access",
        "visibility_during_embargo": "access",
        "visibility_after_embargo": "access",
        "lease_expiration_date": "access",
        "visibility_during_lease": "access",
        "access_right": "access",
    }

    def sniff(self, head: bytes) -> float:
        """0.9 with three or more Hyrax property names (or two plus a Hyrax visibility), 0.6
        with two; 0 for anything that is not JSON."""
        if head.lstrip()[:1] not in (b"{", b"["):
            return 0.0
        marks = sum(1 for mark in _MARKS if mark.search(head))
        if _VISIBILITY.search(head):
            marks += 1
        if marks >= 3:
            return 0.9
        return 0.6 if marks == 2 else 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        """One RawRecord per work: a single object, the items of an array, or JSON Lines."""
        if looks_like_json_lines(inp):
            items: Iterable[JsonItem | Failure] = iter_json_lines(inp, parser_name=self.name)
        else:
            items = JsonStream(inp, parser_name=self.name).items(())
        yield from json_raw_records(items, inp)

    def map(self, raw: RawRecord) -> Record:
        data = raw.data
        if not isinstance(data, Mapping):
            raise self.fail(raw, f"a Hyrax work must be a JSON object, not {type(data).__name__}")
        if not values(data, "title") and not data.get("id"):
            raise self.fail(raw, "neither 'id' nor 'title': not a Hyrax work")
        b = RecordBuilder(self.name)
        used = {"id", *PLAIN}
        if data.get("id") is not None:
            b.set("id", str(data["id"]))
        for key, field in PLAIN.items():
            found = values(data, key)
            if found:
                b.set(field, found[0])
            if len(found) > 1:
                b.keep(key, found)
        used |= _people(b, data)
        used |= _text(b, data)
        used |= _dates(b, data)
        used |= _identifiers(b, data)
        used |= _resource_type(b, data)
        used |= _access(b, data)
        for key, value in data.items():
            if key not in used:
                b.keep(key, value)
        return b.build()


def _people(b: RecordBuilder, data: Mapping[str, Any]) -> set[str]:
    for name in values(data, "creator"):
        b.add_person(name)
    return {"creator"}


def _text(b: RecordBuilder, data: Mapping[str, Any]) -> set[str]:
    """Abstract (``abstract``, else ``description``), keywords, subjects, languages."""
    abstracts = values(data, "abstract")
    descriptions = values(data, "description")
    source, found = ("abstract", abstracts) if abstracts else ("description", descriptions)
    if found:
        b.set("abstract", found[0], html=True)
        if has_html(found[0]):
            b.keep(source, found[0])  # the HTML form, as the source gave it
    rest = (abstracts[1:] + descriptions) if abstracts else descriptions[1:]
    if rest:
        b.keep("description", rest)
    for keyword in values(data, "keyword"):
        b.add_keyword(keyword)
    for subject in values(data, "subject"):
        b.add_subject(subject)
    for language in values(data, "language"):
        b.set_language(language)
    return {"abstract", "description", "keyword", "subject", "language"}


def _dates(b: RecordBuilder, data: Mapping[str, Any]) -> set[str]:
    """``date_created`` (free text, first readable one) and ``date_uploaded``."""
    created = values(data, "date_created")
    for value in created:
        if b.set_date("date_published", value, source_field="date_created"):
            break
    if len(created) > 1:
        b.keep("date_created", created)
    b.set_date("date_deposited", _first(data, "date_uploaded"), source_field="date_uploaded")
    return {"date_created", "date_uploaded"}


def _identifiers(b: RecordBuilder, data: Mapping[str, Any]) -> set[str]:
    """DOIs and ISSNs out of ``identifier`` (and a ``doi`` property); the rest kept as given."""
    for doi in values(data, "doi"):
        b.set_doi(doi, source_field="doi")
    others: list[str] = []
    for ident in values(data, "identifier"):
        if _DOI_LIKE.match(ident):
            b.set_doi(ident, source_field="identifier")
        elif _ISSN_LIKE.match(ident):
            b.add_issn(_ISSN_LIKE.sub("", ident))
        else:
            others.append(ident)
    if others:
        b.keep("identifier", others)
    return {"doi", "identifier"}


def _resource_type(b: RecordBuilder, data: Mapping[str, Any]) -> set[str]:
    types = values(data, "resource_type")
    if not types:
        return {"resource_type"}
    label = types[0]
    csl = RESOURCE_TYPES.get(label.lower()) or csl_type_for_label(label)
    if csl:
        b.set("type", csl)
    b.keep("type", label if len(types) == 1 else types)
    return {"resource_type"}


def _access(b: RecordBuilder, data: Mapping[str, Any]) -> set[str]:
    """Visibility, embargo, lease and a free-text ``access_right`` -> access signals."""
    signals: list[AccessSignal] = []
    visibility = _first(data, "visibility")
    release = _first(data, "embargo_release_date")
    lease_end = _first(data, "lease_expiration_date")
    if release and visibility in (None, "embargo", "restricted", "authenticated"):
        signals.append(_embargo_signal(data, visibility, release))
    elif lease_end and visibility in (None, "lease", "open"):
        signals.append(_lease_signal(data, visibility, lease_end))
    elif visibility:
        found = from_vocabulary(visibility, scheme="hyrax", field="visibility")
        if found is None:
            b.keep("visibility", visibility)
        else:
            signals.append(_labelled(found, visibility, data))
        if release:  # an embargo date beside a visibility that is not an embargo's
            signals.append(_embargo_signal(data, None, release))
    for right in values(data, "access_right"):
        found = from_vocabulary(right, field="access_right") or classify_text(right)
        if found is not None:
            signals.append(found)
        b.keep("access_right", right)
    for key in (*_EMBARGO_FIELDS, *_LEASE_FIELDS):
        found_values = values(data, key)
        if found_values:
            b.keep(key, found_values[0])
    if signals:
        apply_access(b, signals)
    return {"visibility", "access_right", *_EMBARGO_FIELDS, *_LEASE_FIELDS}


def _embargo_signal(data: Mapping[str, Any], visibility: str | None, release: str) -> AccessSignal:
    parts = [f"visibility={visibility}"] if visibility else []
    parts.append(f"embargo_release_date={release}")
    for key in ("visibility_during_embargo", "visibility_after_embargo"):
        value = _first(data, key)
        if value:
            parts.append(f"{key}={value}")
    return AccessSignal("embargoed", parse_date(release), ", ".join(parts))


def _lease_signal(data: Mapping[str, Any], visibility: str | None, lease_end: str) -> AccessSignal:
    """A lease: readable now as its during-lease visibility says (open unless stated)."""
    during = _first(data, "visibility_during_lease") or "open"
    parts = [f"visibility={visibility or 'lease'}", f"lease_expiration_date={lease_end}"]
    for key in ("visibility_during_lease", "visibility_after_lease"):
        value = _first(data, key)
        if value:
            parts.append(f"{key}={value}")
    found = from_vocabulary(during, scheme="hyrax")
    status = found.status if found is not None and found.status != "embargoed" else "restricted"
    return AccessSignal(status, None, ", ".join(parts))


def _labelled(signal: AccessSignal, visibility: str, data: Mapping[str, Any]) -> AccessSignal:
    """Hyrax shows ``authenticated`` under the institution's name and ``restricted`` as
    "Private"; say so in the evidence, naming the institution when the work does."""
    if visibility == "authenticated":
        institution = _first(data, "institution")
        label = f'"{institution}"' if institution else "the institution's name"
        note = f"labelled {label} in Hyrax: logged-in institution users only"
    elif visibility == "restricted":
        note = 'labelled "Private" in Hyrax'
    else:
        return signal
    return AccessSignal(signal.status, signal.embargo_end, f"{signal.evidence} ({note})")
