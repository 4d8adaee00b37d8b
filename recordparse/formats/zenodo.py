"""Zenodo and InvenioRDM record JSON: ``zenodo-json``.

Two generations of the same repository software answer ``/api/records``:

- **legacy Zenodo** (before October 2023): ``metadata.access_right`` (``open`` | ``embargoed`` |
  ``restricted`` | ``closed``), ``embargo_date``, ``access_conditions``, ``license{id}``,
  ``creators[{name, affiliation, orcid}]``, ``resource_type{type, subtype, title}``,
  ``journal{title, volume, issue, pages}``, top-level ``doi`` / ``conceptdoi``;
- **InvenioRDM** (current Zenodo and every other InvenioRDM instance): an ``access`` object
  (``record``, ``files``, ``embargo{active, until, reason}``, ``status``), ``pids.doi``,
  ``metadata.creators[{person_or_org, affiliations}]``, ``resource_type{id}``, ``subjects``,
  ``rights[]``, ``languages[{id}]``, ``custom_fields`` (``journal:journal`` ...).

Inputs may be one record, a search response (records under ``hits.hits``, streamed one by one), a
top-level array, or JSON Lines. Both generations map to the same Record; which one a record is
comes from its own keys, so a file may even mix them.

Choices a user should know about:

- ``license`` holds the licence identifier as the source gives it (``other-open``, ``MIT``,
  ``cc-by-4.0``); ``rights`` is kept for a rights *statement* (InvenioRDM ``copyright``), which
  legacy Zenodo does not have.
- Access comes from the source's own vocabulary (``access_right`` or ``access.status``) and, for
  InvenioRDM, also from the structural fields (``access.record``/``files``/``embargo``,
  ``files.enabled``); when those disagree the record carries an ``access_conflict`` flag. A past
  embargo date is kept: the access validator reports it as ``embargo_expired``.
- An EDTF interval publication date (``2018/2020-09``) gives its start, with the interval kept
  in ``extra`` and an ``ambiguous_field`` flag.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar

from ..builder import RecordBuilder
from ..errors import Failure
from ..jsonstream import JsonItem, JsonStream, iter_json_lines
from ..normalize.access import AccessSignal, apply_access, from_vocabulary
from ..normalize.dates import parse_date
from ..normalize.text import clean, has_html, split_pages, strip_html
from ..record import Person, Position, Record
from ..sources import Input
from .base import Parser, RawRecord, json_raw_records

__all__ = ["RESOURCE_TYPES", "ZenodoJsonParser", "is_rdm", "looks_like_json_lines"]

#: Resource type id (InvenioRDM ``resource_type.id``, or legacy ``type-subtype``) -> CSL type.
#: Ids from the InvenioRDM and Zenodo resource-type vocabularies; CSL names from CSL 1.0.2.
RESOURCE_TYPES: dict[str, str] = {
    "publication": "article",
    "publication-article": "article-journal",
    "publication-annotationcollection": "collection",
    "publication-book": "book",
    "publication-section": "chapter",
    "publication-conferencepaper": "paper-conference",
    "publication-conferenceproceeding": "book",
    "publication-datamanagementplan": "report",
    "publication-datapaper": "article-journal",
    "publication-deliverable": "report",
    "publication-dissertation": "thesis",
    "publication-journal": "periodical",
    "publication-milestone": "report",
    "publication-patent": "patent",
    "publication-peerreview": "review",
    "publication-preprint": "article",
    "publication-proposal": "report",
    "publication-report": "report",
    "publication-softwaredocumentation": "report",
    "publication-standard": "standard",
    "publication-taxonomictreatment": "article",
    "publication-technicalnote": "report",
    "publication-thesis": "thesis",
    "publication-workingpaper": "report",
    "publication-other": "document",
    "poster": "speech",
    "presentation": "speech",
    "lesson": "speech",
    "event": "event",
    "dataset": "dataset",
    "image": "graphic",
    "image-figure": "figure",
    "image-plot": "figure",
    "image-diagram": "figure",
    "image-drawing": "graphic",
    "image-photo": "graphic",
    "image-other": "graphic",
    "video": "motion_picture",
    "audio": "song",
    "software": "software",
    "software-computationalnotebook": "software",
    "workflow": "software",
    "model": "dataset",
    "physicalobject": "document",
    "other": "document",
}

#: Plain string fields (dotted source path -> Record field) of each generation.
LEGACY_PLAIN: dict[str, str] = {
    "metadata.title": "title",
    "metadata.imprint_publisher": "publisher",
    "metadata.thesis_university": "institution",
    "metadata.journal.title": "journal",
    "metadata.journal.volume": "volume",
    "metadata.journal.issue": "issue",
    "metadata.journal_title": "journal",
    "metadata.journal_volume": "volume",
    "metadata.journal_issue": "issue",
}
RDM_PLAIN: dict[str, str] = {
    "metadata.title": "title",
    "metadata.publisher": "publisher",
    "metadata.copyright": "rights",
    "custom_fields.journal:journal.title": "journal",
    "custom_fields.journal:journal.volume": "volume",
    "custom_fields.journal:journal.issue": "issue",
    "custom_fields.thesis:university": "institution",
}

_SEARCH = re.compile(rb'"hits"\s*:\s*\{')
_LEGACY_MARK = re.compile(rb'"access_right"\s*:\s*"(?:open|embargoed|restricted|closed)"')
_RDM_ACCESS = re.compile(rb'"access"\s*:\s*\{[^{}]*"(?:record|files)"\s*:\s*"(?:public|restricted)"')
_RDM_MARKS = (
    re.compile(rb'"person_or_org"\s*:'),
    re.compile(rb'"pids"\s*:\s*\{'),
    re.compile(rb'"resource_type"\s*:\s*\{\s*"id"'),
    re.compile(rb'"is_published"\s*:'),
)
_ZENODO_MARKS = (re.compile(rb'"conceptrecid"\s*:'), re.compile(rb"zenodo\.org/"))


def _get(data: Any, path: str) -> Any:
    """The value at a dotted path (``metadata.journal.title``), or None."""
    node = data
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _localised(value: Any) -> str | None:
    """A plain string from an InvenioRDM title object (``{"en": "Software"}``) or a string."""
    if isinstance(value, Mapping):
        text = value.get("en") or next((v for v in value.values() if isinstance(v, str)), None)
        return clean(text)
    return clean(value) if isinstance(value, str) else None


def _truthy(value: Any) -> bool | None:
    """Zenodo's booleans, which are sometimes strings (``"is_last": "True"``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def is_rdm(data: Mapping[str, Any]) -> bool:
    """True for an InvenioRDM record, False for a legacy Zenodo one."""
    if isinstance(data.get("access"), Mapping) or isinstance(data.get("pids"), Mapping):
        return True
    creators = _as_list(_get(data, "metadata.creators"))
    return any(isinstance(c, Mapping) and "person_or_org" in c for c in creators)


class ZenodoJsonParser(Parser):
    """Zenodo legacy and InvenioRDM record JSON (single records, search responses, JSON Lines)."""

    name = "zenodo-json"
    title = "Zenodo / InvenioRDM record JSON (legacy REST, InvenioRDM, search responses, JSON Lines)"
    media_types = ("application/json", "application/vnd.inveniordm.v1+json", "application/x-ndjson")
    patterns = ("*.json", "*.jsonl", "*.ndjson")
    field_map: ClassVar[dict[str, str]] = {
        "id": "id",
        **LEGACY_PLAIN,
        **RDM_PLAIN,
        "doi": "doi",
        "metadata.doi": "doi",
        "pids.doi.identifier": "doi",
        "created": "date_deposited",
        "links.html": "urls",
        "links.self_html": "urls",
        "metadata.description": "abstract",
        "metadata.creators": "authors",
        "metadata.publication_date": "date_published",
        "metadata.resource_type": "type",
        "metadata.keywords": "keywords",
        "metadata.subjects": "subjects",
        "metadata.language": "language",
        "metadata.languages": "language",
        "metadata.license": "license",
        "metadata.rights": "license",
        "metadata.journal.pages": "start_page",
        "metadata.journal_pages": "start_page",
        "custom_fields.journal:journal.pages": "start_page",
        "custom_fields.journal:journal.issn": "issns",
        "metadata.access_right": "access",
        "metadata.embargo_date": "access",
        "metadata.access_conditions": "access",
        "access": "access",
        "files.enabled": "access",
    }

    # -- sniffing ----------------------------------------------------------------------------
    def sniff(self, head: bytes) -> float:
        """0.9 with Zenodo's ``access_right`` or an InvenioRDM ``access`` object, less on
        weaker InvenioRDM or Zenodo marks; 0 for anything that is not JSON."""
        start = head.lstrip()[:1]
        if start not in (b"{", b"["):
            return 0.0
        if _LEGACY_MARK.search(head) or _RDM_ACCESS.search(head):
            return 0.9
        rdm = sum(1 for mark in _RDM_MARKS if mark.search(head))
        if rdm >= 2:
            return 0.75
        if any(mark.search(head) for mark in _ZENODO_MARKS):
            return 0.5
        return 0.0

    # -- splitting ---------------------------------------------------------------------------
    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        """One RawRecord per record: a single document, ``hits.hits[]``, an array, or lines."""
        if looks_like_json_lines(inp):
            yield from json_raw_records(iter_json_lines(inp, parser_name=self.name), inp)
            return
        stream = JsonStream(inp, parser_name=self.name)
        first = stream.first_char()
        if first == "[":
            yield from json_raw_records(stream.items(()), inp)
            return
        if first != "{":
            yield Failure(Position(inp.name, 1, 1, 0), "not a JSON object or array", parser=self.name)
            return
        if not _SEARCH.search(inp.head):
            yield from json_raw_records(stream.items(()), inp)
            return
        found = False
        for item in stream.items(("hits", "hits")):
            found = True
            yield from json_raw_records((item,), inp)
        if not found and "metadata" in stream.context:
            # "hits" was only a word inside the record: the whole document is one record.
            yield from json_raw_records((JsonItem(dict(stream.context), 1, 1, 0),), inp)

    # -- mapping -----------------------------------------------------------------------------
    def map(self, raw: RawRecord) -> Record:
        data = raw.data
        if not isinstance(data, Mapping):
            raise self.fail(raw, f"a record must be a JSON object, not {type(data).__name__}")
        metadata = data.get("metadata")
        if not isinstance(metadata, Mapping):
            raise self.fail(raw, "no 'metadata' object: not a Zenodo or InvenioRDM record")
        b = RecordBuilder(self.name)
        if data.get("id") is not None:
            b.set("id", str(data["id"]))
        if is_rdm(data):
            _map_rdm(b, data)
        else:
            _map_legacy(b, data)
        return b.build()


# --------------------------------------------------------------------------------------------
# Splitting helpers


def looks_like_json_lines(inp: Input) -> bool:
    """JSON Lines: a ``.jsonl``/``.ndjson`` name, or a first line that is a whole object with
    another object on a following line."""
    name = inp.filename.lower()
    if name.endswith((".jsonl", ".ndjson", ".jsonl.gz")):
        return True
    head = inp.head.lstrip()
    if not head.startswith(b"{"):
        return False
    first, _, rest = head.partition(b"\n")
    if not rest.strip():
        return False
    try:
        value = json.loads(first.decode("utf-8", "replace"))
    except ValueError:
        return False
    return isinstance(value, dict) and rest.lstrip().startswith(b"{")


# --------------------------------------------------------------------------------------------
# Shared mapping helpers


def _plain(b: RecordBuilder, data: Mapping[str, Any], table: Mapping[str, str]) -> set[str]:
    """Set the plain string fields of ``table``; returns the top-level names used."""
    used: set[str] = set()
    for path, field in table.items():
        value = _get(data, path)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            b.set(field, str(value))
            used.add(path)
    return used


def _type(b: RecordBuilder, key: str | None, label: str | None) -> None:
    """CSL type from a resource-type id; the source's own wording goes to ``extra["type"]``."""
    if not key:
        return
    csl = RESOURCE_TYPES.get(key) or RESOURCE_TYPES.get(key.split("-", 1)[0])
    if csl:
        b.set("type", csl)
    b.keep("type", label or key)


def _publication_date(b: RecordBuilder, value: Any) -> None:
    text = clean(value) if isinstance(value, str) else None
    if not text:
        return
    iso = b.set_date("date_published", text, source_field="publication_date")
    if iso and "/" in text:
        b.keep("publication_date", text)
        b.flag(
            "ambiguous_field",
            "the publication date is an interval; its start is used",
            [text, iso],
            field="date_published",
            severity="info",
        )


def _description(b: RecordBuilder, value: Any) -> None:
    if isinstance(value, str) and b.set("abstract", value, html=True) and has_html(value):
        b.keep("description", value)


def _pages(b: RecordBuilder, value: Any, source: str) -> None:
    text = clean(value)
    if not text:
        return
    start, end = split_pages(text)
    if start is None:
        b.keep(source, text)
        return
    b.set("start_page", start)
    if end:
        b.set("end_page", end)


def _leftovers(b: RecordBuilder, data: Mapping[str, Any], used: set[str]) -> None:
    """Keep every top-level and ``metadata`` field that was not mapped, under its own name."""
    for key, value in data.items():
        if key == "metadata" or key in used:
            continue
        b.keep(key, value)
    metadata = data.get("metadata")
    if isinstance(metadata, Mapping):
        for key, value in metadata.items():
            if f"metadata.{key}" not in used:
                b.keep(key, value)


def _top(paths: Iterable[str]) -> set[str]:
    """``metadata.journal.title`` -> ``metadata.journal``; ``links.html`` -> ``links``."""
    out: set[str] = set()
    for path in paths:
        parts = path.split(".")
        out.add(".".join(parts[:2]) if parts[0] == "metadata" else parts[0])
    return out


# --------------------------------------------------------------------------------------------
# Legacy Zenodo


def _map_legacy(b: RecordBuilder, data: Mapping[str, Any]) -> None:
    md: Mapping[str, Any] = data["metadata"]
    used = _top(_plain(b, data, LEGACY_PLAIN))
    used |= {"id", "doi", "created", "metadata.doi", "metadata.creators", "metadata.description"}
    b.set_doi(data.get("doi"), source_field="doi")
    b.set_doi(md.get("doi"), source_field="doi")
    b.set_date("date_deposited", data.get("created"), source_field="created")
    html_link = _get(data, "links.html")
    if html_link:
        b.add_url(html_link)
    for creator in _as_list(md.get("creators")):
        if isinstance(creator, Mapping):
            affiliation = clean(creator.get("affiliation"))
            b.add_person(
                creator.get("name"),
                affiliations=[affiliation] if affiliation else (),
                orcid=clean(creator.get("orcid")),
            )
    _description(b, md.get("description"))
    _publication_date(b, md.get("publication_date"))
    used |= {"metadata.publication_date", "metadata.resource_type", "metadata.keywords"}
    rtype = md.get("resource_type")
    if isinstance(rtype, Mapping):
        kind = clean(rtype.get("type"))
        sub = clean(rtype.get("subtype"))
        key = f"{kind}-{sub}" if kind and sub else kind
        _type(b, key, clean(rtype.get("title")))
    for keyword in _as_list(md.get("keywords")):
        b.add_keyword(keyword)
    used |= _legacy_subjects(b, md)
    if md.get("language"):
        b.set_language(md["language"])
        used.add("metadata.language")
    used |= _legacy_license(b, md)
    used |= _legacy_journal(b, md)
    _latest_version(b, _get(data, "metadata.relations.version"))
    _legacy_access(b, md)
    used |= {"metadata.access_right", "metadata.embargo_date", "metadata.access_conditions"}
    _leftovers(b, data, used)


def _legacy_subjects(b: RecordBuilder, md: Mapping[str, Any]) -> set[str]:
    subjects = _as_list(md.get("subjects"))
    for subject in subjects:
        term = subject.get("term") if isinstance(subject, Mapping) else subject
        b.add_subject(term)
    return {"metadata.subjects"} if subjects else set()


def _legacy_license(b: RecordBuilder, md: Mapping[str, Any]) -> set[str]:
    lic = md.get("license")
    if isinstance(lic, Mapping):
        ident = lic.get("id") or lic.get("$ref")
        if isinstance(ident, str) and "/" in ident:
            ident = ident.rstrip("/").rsplit("/", 1)[-1]  # {"$ref": ".../licenses/cc-by-4.0"}
        b.set("license", ident)
        if set(lic) - {"id", "$ref"}:
            b.keep("license", dict(lic))
    elif isinstance(lic, str):
        b.set("license", lic)
    return {"metadata.license"} if lic else set()


def _legacy_journal(b: RecordBuilder, md: Mapping[str, Any]) -> set[str]:
    used: set[str] = set()
    journal = md.get("journal")
    if isinstance(journal, Mapping):
        _pages(b, journal.get("pages"), "journal_pages")
        used.add("metadata.journal")
        rest = {k: v for k, v in journal.items() if k not in ("title", "volume", "issue", "pages")}
        if rest:
            b.keep("journal", rest)
    if md.get("journal_pages"):
        _pages(b, md["journal_pages"], "journal_pages")
        used.add("metadata.journal_pages")
    return used


def _latest_version(b: RecordBuilder, versions: Any) -> None:
    """``extra["is_latest_version"]`` as a real boolean (Zenodo sometimes sends ``"True"``)."""
    for entry in _as_list(versions):
        if isinstance(entry, Mapping) and "is_last" in entry:
            flag = _truthy(entry["is_last"])
            if flag is not None:
                b.keep("is_latest_version", flag)
            return


def _legacy_access(b: RecordBuilder, md: Mapping[str, Any]) -> None:
    signals: list[AccessSignal] = []
    right = clean(md.get("access_right"))
    end = clean(md.get("embargo_date"))
    if right:
        found = from_vocabulary(right, date=end, scheme="zenodo", field="access_right")
        if found is None:
            b.keep("access_right", right)
        else:
            signals.append(found)
    conditions = md.get("access_conditions")
    if isinstance(conditions, str) and clean(conditions):
        b.keep("access_conditions", conditions)
        # Supporting evidence only: the conditions say who may ask, not whether one may read.
        signals.append(AccessSignal("unknown", None, f"access_conditions={strip_html(conditions)}"))
    if end and (not right or right.lower() != "embargoed"):
        b.keep("embargo_date", end)
    if signals:
        apply_access(b, signals)


# --------------------------------------------------------------------------------------------
# InvenioRDM


def _map_rdm(b: RecordBuilder, data: Mapping[str, Any]) -> None:
    md: Mapping[str, Any] = data["metadata"]
    used = _top(_plain(b, data, RDM_PLAIN))
    used |= {"id", "pids", "created", "metadata.creators", "metadata.description"}
    pids = _mapping(data.get("pids"))
    b.set_doi(_get(pids, "doi.identifier"), source_field="pids.doi")
    rest_pids = {k: v for k, v in pids.items() if k != "doi"}
    if rest_pids:
        b.keep("pids", rest_pids)
    concept = _get(data, "parent.pids.doi.identifier")
    if concept:
        b.keep("conceptdoi", concept)
    b.set_date("date_deposited", data.get("created"), source_field="created")
    link = _get(data, "links.self_html")
    if link:
        b.add_url(link)
    for creator in _as_list(md.get("creators")):
        if isinstance(creator, Mapping):
            _rdm_person(b, creator)
    _description(b, md.get("description"))
    _publication_date(b, md.get("publication_date"))
    used |= {"metadata.publication_date", "metadata.resource_type", "metadata.subjects"}
    rtype = md.get("resource_type")
    if isinstance(rtype, Mapping):
        _type(b, clean(rtype.get("id")), _localised(rtype.get("title")))
    for subject in _as_list(md.get("subjects")):
        _rdm_subject(b, subject)
    for language in _as_list(md.get("languages")):
        code = language.get("id") if isinstance(language, Mapping) else language
        b.set_language(code, source_field="languages")
    if md.get("languages"):
        used.add("metadata.languages")
    used |= _rdm_rights(b, md)
    used |= _rdm_custom_fields(b, data.get("custom_fields"))
    latest = _truthy(_get(data, "versions.is_latest"))
    if latest is not None:
        b.keep("is_latest_version", latest)
    _rdm_access(b, data)
    used |= {"access"}
    _leftovers(b, data, used)


def _rdm_person(b: RecordBuilder, creator: Mapping[str, Any]) -> None:
    person = creator.get("person_or_org")
    if not isinstance(person, Mapping):
        return
    affiliations = [
        name
        for a in _as_list(creator.get("affiliations"))
        if isinstance(a, Mapping) and (name := clean(a.get("name")))
    ]
    orcid = next(
        (
            i.get("identifier")
            for i in _as_list(person.get("identifiers"))
            if isinstance(i, Mapping) and str(i.get("scheme", "")).lower() == "orcid"
        ),
        None,
    )
    name = clean(person.get("name"))
    if person.get("type") == "organizational":
        if name:
            b.people.append(Person(name=name, affiliations=tuple(affiliations)))
        return
    given = clean(person.get("given_name"))
    family = clean(person.get("family_name"))
    if not name and (given or family):
        name = f"{family}, {given}" if family and given else (family or given)
    b.add_person(name, affiliations=affiliations, orcid=orcid, given=given, family=family)


def _rdm_subject(b: RecordBuilder, subject: Any) -> None:
    """A subject with a scheme or vocabulary id is classified; one without is a free keyword."""
    if not isinstance(subject, Mapping):
        b.add_keyword(subject)
        return
    term = subject.get("subject") or subject.get("id")
    if subject.get("scheme") or subject.get("id"):
        b.add_subject(term)
    else:
        b.add_keyword(term)


def _rdm_rights(b: RecordBuilder, md: Mapping[str, Any]) -> set[str]:
    rights = [r for r in _as_list(md.get("rights")) if isinstance(r, Mapping)]
    if not rights:
        return set()
    first = rights[0]
    b.set("license", first.get("id") or _localised(first.get("title")))
    b.keep("rights", rights)
    return {"metadata.rights"}


def _rdm_custom_fields(b: RecordBuilder, custom: Any) -> set[str]:
    if not isinstance(custom, Mapping):
        return set()
    journal = custom.get("journal:journal")
    if isinstance(journal, Mapping):
        _pages(b, journal.get("pages"), "journal_pages")
        for issn in _as_list(journal.get("issn")):
            b.add_issn(issn)
    rest = {k: v for k, v in custom.items() if k not in ("journal:journal", "thesis:university")}
    if rest:
        b.keep("custom_fields", rest)
    return {"custom_fields"}


def _rdm_access(b: RecordBuilder, data: Mapping[str, Any]) -> None:
    """Two readings: the computed ``access.status`` and the structural fields behind it."""
    signals: list[AccessSignal] = []
    access = _mapping(data.get("access"))
    embargo = _mapping(access.get("embargo"))
    until = clean(embargo.get("until"))
    status = clean(access.get("status"))
    if status:
        found = from_vocabulary(status, date=until, scheme="invenio", field="access.status")
        if found is None:
            b.keep("access.status", status)
        else:
            signals.append(found)
    structural = _rdm_structure(access, embargo, until, data.get("files"))
    if structural is not None:
        signals.append(structural)
    if embargo:
        b.keep("embargo", dict(embargo))
    for key in ("record", "files"):
        if access.get(key):
            b.keep(f"access.{key}", access[key])
    if signals:
        apply_access(b, signals)


def _rdm_structure(
    access: Mapping[str, Any], embargo: Mapping[str, Any], until: str | None, files: Any
) -> AccessSignal | None:
    """The reading of ``access.record``/``files``/``embargo`` and
    ``files.enabled``, or None when the record says nothing structural."""
    record = clean(access.get("record"))
    file_access = clean(access.get("files"))
    enabled = _truthy(files.get("enabled")) if isinstance(files, Mapping) else None
    if _truthy(embargo.get("active")):
        reason = clean(embargo.get("reason"))
        text = f"access.embargo.active=true, until={until or 'not given'}"
        end = parse_date(until) if until else None
        return AccessSignal("embargoed", end, text + (f", reason={reason}" if reason else ""))
    if enabled is False:
        return AccessSignal("metadata_only", None, "files.enabled=false")
    if record == "restricted":
        return AccessSignal("restricted", None, "access.record=restricted")
    if file_access == "restricted":
        return AccessSignal("restricted", None, f"access.record={record or 'not given'}, access.files=restricted")
    if record == "public" and file_access == "public":
        return AccessSignal("open", None, "access.record=public, access.files=public")
    return None
