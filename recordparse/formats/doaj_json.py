"""DOAJ article JSON in every shape DOAJ hands it out: API, search results, data dump, ES scroll.

One article is ``{id, created_date, last_updated, admin{..}, bibjson{title, abstract, year, month,
start_page, end_page, identifier[], author[], journal{..}, keywords[], link[], subject[]}}``
(format note ``doaj-vufind.md`` §3). It arrives as:

- a single article from ``GET /api/vN/articles/{id}`` (v1 to v4), which moves ``start_page`` and
  ``end_page`` into ``bibjson.journal`` (both places are read);
- a search response ``{total, page, pageSize, results[..]}``;
- the public data dump: a ``.tar.gz`` of ``article_batch_N.json`` files, each one JSON array of up
  to 100,000 articles (the sources layer opens the archive; each array is streamed here);
- Elasticsearch scroll hits ``{_index, _type, _id, _source{..}}`` from the 2014 dumps, with an
  extra ``index{}`` block, ``journal.license[]`` and language names, one per line or wrapped in a
  search response ``{hits: {hits: [..]}}``;
- JSON Lines of articles or of hits.

Value quirks handled: month as a number, a name or ``"0"``; two-digit years; DOIs given as URLs;
``n/a`` as a page; article numbers in ``start_page``; HTML in titles and abstracts; HTML entities
in names; ISSNs listed only in ``journal.issns``. DOAJ indexes only open-access journals, so every
article is ``open`` with that as evidence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any, Final

from ..builder import RecordBuilder
from ..errors import Failure
from ..jsonstream import JsonItem, JsonStream, iter_json_lines
from ..jsonstream import is_mapping as _is_mapping
from ..normalize.dates import month_number, year_month
from ..normalize.identifiers import normalize_orcid
from ..normalize.text import clean, has_html
from ..record import Position, Record
from ..sources import Input
from .base import Parser, RawRecord

__all__ = ["FIELD_MAP", "DoajJsonParser"]

#: DOAJ JSON path -> Record field (documentation; the mapping below follows it). Everything
#: else is kept in ``extra``: top-level keys under their name, ``bibjson.journal`` keys as
#: ``journal.<key>``.
FIELD_MAP: Final[dict[str, str]] = {
    "id": "id",
    "bibjson.title": "title (HTML stripped; marked-up form in extra['title'])",
    "bibjson.abstract": "abstract (HTML stripped; marked-up form in extra['abstract'])",
    "bibjson.year + bibjson.month": "date_published (YYYY or YYYY-MM)",
    "bibjson.identifier[type=doi]": "doi",
    "bibjson.identifier[type=pissn]": "issns (first; also extra['pissn'])",
    "bibjson.identifier[type=eissn]": "issns (second; also extra['eissn'])",
    "bibjson.journal.issns": "issns (those the identifiers lack)",
    "bibjson.author[].name": "authors",
    "bibjson.author[].affiliation": "authors[].affiliations",
    "bibjson.author[].orcid_id": "authors[].orcid",
    "bibjson.journal.title": "journal",
    "bibjson.journal.publisher": "publisher",
    "bibjson.journal.volume": "volume",
    "bibjson.journal.number": "issue",
    "bibjson.start_page | bibjson.journal.start_page": "start_page (article_number when it is one)",
    "bibjson.end_page | bibjson.journal.end_page": "end_page",
    "bibjson.keywords": "keywords",
    "bibjson.subject[]": "subjects (scheme:term)",
    "bibjson.link[type=fulltext].url": "urls",
    "bibjson.journal.language": "language (first; raw list in extra['journal.language'])",
    "bibjson.journal.license[]": "license",
}

_OPEN_EVIDENCE: Final = "DOAJ indexes only open-access journals"
_PLACEHOLDER_PAGES: Final = frozenset({"n/a", "n.a.", "na", "none", "null", "-", "--", "?"})
_E_LOCATOR = re.compile(r"^[eE]\d{3,}$")
_HIT_KEYS: Final = ("_index", "_type", "_id", "_score", "sort")
#: RawRecord.context of an item whose JSON text has no \uD800-\uDFFF escape (JsonItem.may_hold_surrogates)
_NO_SURROGATES: Final = "no-surrogate-escapes"
_RESULTS = re.compile(r'"results"\s*:\s*\[')
_HITS = re.compile(r'"hits"\s*:\s*\{')


# --------------------------------------------------------------------------------------------
# Mapping


def _text(value: Any) -> str | None:
    """A scalar JSON value as clean text; None for null, objects, arrays and blank text."""
    if type(value) is str:  # nearly every value: one type test, then clean
        return clean(value)
    if value is None or isinstance(value, (dict, list)):
        return None
    return clean(value)


def _scalar(value: Any) -> bool:
    """Whether ``value`` is what :func:`_text` reads (not null, not an object or array).

    The builder's ``set``/``add_*`` clean their value themselves, so a scalar is handed to them
    as it is rather than cleaned twice."""
    return value is not None and not isinstance(value, (dict, list))


#: The identifier and link types DOAJ writes, spelled as it writes them: :func:`_kind` finds
#: these with one lookup instead of cleaning and lower-casing each one.
_KINDS: Final = {"doi": "doi", "pissn": "pissn", "eissn": "eissn", "fulltext": "fulltext"}


def _kind(value: Any) -> str:
    """A ``type`` value as clean lower-case text, '' when there is none."""
    known = _KINDS.get(value) if type(value) is str else None
    return known if known is not None else (_text(value) or "").lower()


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if _is_mapping(v)] if isinstance(value, list) else []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    return [t for v in value if (t := _text(v))] if isinstance(value, list) else []


def _scalars(value: Any) -> list[Any]:
    """The scalar values of a list (or a single scalar), uncleaned, for a builder ``add_*``
    that cleans them and drops blanks itself (what :func:`_strings` would keep)."""
    if isinstance(value, list):
        return [v for v in value if _scalar(v)]
    return [value] if isinstance(value, str) else []


def _set_text(builder: RecordBuilder, field: str, raw: Any) -> None:
    if not isinstance(raw, str) or not raw.strip():
        return
    builder.set(field, raw, html=True)
    if has_html(raw):
        builder.keep(field, raw)


def _map_date(bib: Mapping[str, Any], builder: RecordBuilder) -> None:
    year, month = _text(bib.get("year")), _text(bib.get("month"))
    if year is None:
        if month is not None:
            builder.keep("month", month)
        return
    iso = year_month(year, month)
    if iso is None:
        builder.keep("year", year)
        builder.flag(
            "unparsed_date",
            "bibjson.year is not a year",
            [year],
            field="date_published",
            severity="info",
        )
        if month is not None:
            builder.keep("month", month)
        return
    builder.set_iso_date("date_published", iso)
    if month is not None and month_number(month) is None:
        builder.keep("month", month)  # "0", "Spring": not a month, so the date is the year alone
    if len(year) == 2:
        builder.flag(
            "synthesised_date",
            "a two-digit year was given the century",
            [f"year: {year}", f"date_published: {iso}"],
            field="date_published",
            severity="info",
        )


def _map_identifiers(
    bib: Mapping[str, Any], journal: Mapping[str, Any], builder: RecordBuilder
) -> None:
    issns: dict[str, list[str]] = {"pissn": [], "eissn": []}
    others: list[Mapping[str, Any]] = []
    for ident in _dicts(bib.get("identifier")):
        kind = _kind(ident.get("type"))
        value = _text(ident.get("id"))
        if value is None:
            continue
        if kind == "doi":
            builder.set_doi(value, source_field="identifier.doi")
        elif kind in issns:
            issns[kind].append(value)
        else:
            others.append(ident)
    # print before electronic, whatever order the identifier list has
    for kind in ("pissn", "eissn"):
        for value in issns[kind]:
            builder.add_issn(value)
        if issns[kind]:
            builder.keep(kind, issns[kind][0] if len(issns[kind]) == 1 else issns[kind])
    added = builder.issns
    for value in _strings(journal.get("issns")):
        if value not in added:  # usually the identifiers' own ISSNs, already normalised
            builder.add_issn(value)
    if others:
        builder.keep("identifier", list(others))


def _map_authors(bib: Mapping[str, Any], builder: RecordBuilder) -> None:
    emails: list[dict[str, str]] = []
    bad_orcids: list[str] = []
    for author in _dicts(bib.get("author")):
        raw_name = author.get("name")
        raw_affiliation = author.get("affiliation")
        orcid = author.get("orcid_id")
        if orcid is not None:  # (absent keys spare the call: _text(None) is None)
            orcid = _text(orcid)
        # A name or affiliation string goes to the builder as it is: make_person cleans both and
        # makes no person of a blank name, so cleaning them here first would do it twice. Other
        # values (null, numbers, objects) take the general path through _text.
        person = None
        if type(raw_name) is str and type(raw_affiliation) in (str, type(None)):
            affiliations = [raw_affiliation] if raw_affiliation else ()
            person = builder.add_person(raw_name, affiliations=affiliations, orcid=orcid)
            # the cleaned name is needed only without a person (None for a blank name, which is
            # kept in extra; text for one that only decoding its HTML entities made blank) and
            # for the e-mail list; otherwise the raw (non-blank) name stands in for it
            name = _text(raw_name) if person is None or "email" in author else raw_name
        else:
            name = _text(raw_name)
            if name is not None:
                affiliation = _text(raw_affiliation)
                affiliations = [affiliation] if affiliation else ()
                person = builder.add_person(name, affiliations=affiliations, orcid=orcid)
        # the person's ORCID is the normalised one: None when it could not be read
        if orcid and (person.orcid if person else normalize_orcid(orcid)) is None:
            bad_orcids.append(orcid)
        if name is None:
            builder.keep("author", dict(author))
            continue
        email = author.get("email")
        if email is not None and (email := _text(email)):
            emails.append({"name": name, "email": email})
    if emails:
        builder.keep("author.email", emails)
    if bad_orcids:
        builder.keep("author.orcid_id", bad_orcids)


def _page(value: Any, name: str, builder: RecordBuilder) -> str | None:
    """A page value as the source gives it; a placeholder such as ``n/a`` is kept verbatim
    (it is what the source says) and flagged, so nobody mistakes it for a page number."""
    if value is None:
        return None
    text = _text(value)
    if text is None:
        return None
    if text.lower() in _PLACEHOLDER_PAGES:
        builder.flag(
            "placeholder_value",
            f"{name} is a placeholder, not a page",
            [f"{name}: {text}"],
            field=name.rpartition(".")[2],
            severity="info",
        )
    return text


#: Page fields: the Record field (its bibjson name too) and its name inside bibjson.journal.
_PAGE_FIELDS: Final = (("start_page", "journal.start_page"), ("end_page", "journal.end_page"))


def _map_pages(bib: Mapping[str, Any], journal: Mapping[str, Any], builder: RecordBuilder) -> None:
    # The single-article API puts the pages in bibjson.journal, search results and dumps in
    # bibjson itself: read both and report a disagreement.
    for name, inner_name in _PAGE_FIELDS:
        outer = _page(bib.get(name), name, builder)
        inner = _page(journal.get(name), inner_name, builder)
        if outer and inner and outer != inner:
            builder.flag(
                "value_conflict",
                f"bibjson.{name} and bibjson.{inner_name} differ",
                [f"bibjson.{name}: {outer}", f"bibjson.{inner_name}: {inner}"],
                field=name,
            )
        value = outer or inner
        if value:
            builder.set(name, value)
    _note_article_number(builder)


def _note_article_number(builder: RecordBuilder) -> None:
    """An e-locator (``e0227130``), or a start page that repeats the issue number with no end
    page (MDPI's ``number`` 656, ``start_page`` 656), is an article number: kept as start_page
    too, since that is where the source put it."""
    start = builder.get("start_page")
    if not start or builder.get("end_page"):
        return
    issue = builder.get("issue")
    if _E_LOCATOR.match(start):
        evidence = [f"start_page: {start}"]
    elif issue and start == issue:
        evidence = [f"start_page: {start}", f"journal.number: {issue}"]
    else:
        return
    builder.set("article_number", start)
    builder.flag(
        "ambiguous_field",
        "start_page holds an article number",
        evidence,
        field="start_page",
        severity="info",
    )


_JOURNAL_FIELDS: Final = (
    ("title", "journal"),
    ("publisher", "publisher"),
    ("volume", "volume"),
    ("number", "issue"),
)
_JOURNAL_MAPPED: Final = frozenset(
    {"title", "publisher", "volume", "number", "language", "license", "issns", "start_page",
     "end_page"}
)  # fmt: skip


def _map_journal(journal: Mapping[str, Any], builder: RecordBuilder) -> None:
    for name, field in _JOURNAL_FIELDS:
        value = journal.get(name)
        if _scalar(value):
            builder.set(field, value)
    languages = _strings(journal.get("language"))
    for value in languages:
        builder.set_language(value, source_field="journal.language")
    if languages:
        builder.keep("journal.language", languages)
    licenses = _dicts(journal.get("license"))
    for entry in licenses:
        label = _text(entry.get("type")) or _text(entry.get("title"))
        if label:
            builder.set("license", label)
            break
    if licenses:
        builder.keep("journal.license", [dict(e) for e in licenses])
    for key, value in journal.items():
        if key not in _JOURNAL_MAPPED:
            builder.keep(f"journal.{key}", value)


def _map_terms(bib: Mapping[str, Any], builder: RecordBuilder) -> None:
    for keyword in _scalars(bib.get("keywords")):
        builder.add_keyword(keyword)
    codes: list[str] = []
    for subject in _dicts(bib.get("subject")):
        scheme = _text(subject.get("scheme"))
        term = _text(subject.get("term"))
        code = _text(subject.get("code"))
        if term:
            builder.add_subject(f"{scheme}:{term}" if scheme else term)
        if code:
            entry = f"{scheme}:{code}" if scheme else code
            if entry not in codes:
                codes.append(entry)
    if codes:
        builder.keep("subject.code", codes)


def _map_links(bib: Mapping[str, Any], builder: RecordBuilder) -> None:
    content_types: list[str] = []
    other: list[dict[str, Any]] = []
    for link in _dicts(bib.get("link")):
        url = _text(link.get("url"))
        kind = _kind(link.get("type")) or "fulltext"
        if url and kind == "fulltext":
            builder.add_url(url)
            ctype = _text(link.get("content_type"))
            if ctype:
                content_types.append(ctype)
        else:
            other.append(dict(link))
    if content_types:
        builder.keep("link.content_type", content_types)
    if other:
        builder.keep("link", other)


def _map_access(
    article: Mapping[str, Any], journal: Mapping[str, Any], builder: RecordBuilder
) -> None:
    evidence = [_OPEN_EVIDENCE]
    admin = article.get("admin")
    in_doaj = admin.get("in_doaj") if _is_mapping(admin) else None
    if in_doaj is True:
        evidence.append("admin.in_doaj: true")
    for entry in _dicts(journal.get("license")):
        if entry.get("open_access") is True:
            evidence.append("journal.license.open_access: true")
            break
    builder.set_access("open", evidence=evidence)
    if in_doaj is False:
        builder.flag(
            "access_conflict",
            "the article comes from DOAJ but DOAJ no longer lists its journal",
            [_OPEN_EVIDENCE, "admin.in_doaj: false"],
            field="access",
        )


_BIB_MAPPED: Final = frozenset(
    {"title", "abstract", "year", "month", "start_page", "end_page", "identifier", "author",
     "journal", "keywords", "link", "subject"}
)  # fmt: skip


def map_article(article: Mapping[str, Any], builder: RecordBuilder) -> None:
    """Map one DOAJ article (the object holding ``bibjson``) into ``builder``."""
    bib = article.get("bibjson")
    if not _is_mapping(bib):
        raise ValueError("no bibjson object: not a DOAJ article")
    found = bib.get("journal")
    journal: Mapping[str, Any] = found if _is_mapping(found) else {}
    ident = article.get("id")
    if _scalar(ident):
        builder.set("id", ident)
    builder.set("type", "article-journal")
    _set_text(builder, "title", bib.get("title"))
    _set_text(builder, "abstract", bib.get("abstract"))
    _map_authors(bib, builder)
    _map_date(bib, builder)
    _map_identifiers(bib, journal, builder)
    _map_journal(journal, builder)
    _map_pages(bib, journal, builder)
    _map_terms(bib, builder)
    _map_links(bib, builder)
    _map_access(article, journal, builder)
    for key, value in bib.items():
        if key not in _BIB_MAPPED:
            builder.keep(key, value)
    for key, value in article.items():
        if key == "es_type":
            builder.keep("type", value)
        elif key not in ("id", "bibjson"):
            builder.keep(key, value)


def _unwrap_hit(data: Mapping[str, Any], builder: RecordBuilder) -> Mapping[str, Any]:
    """The article inside an Elasticsearch hit; the hit's own keys go to ``extra``."""
    source = data.get("_source")
    if not _is_mapping(source):
        return data
    for key in _HIT_KEYS:
        if key == "_type" and data.get(key) is not None:
            builder.keep("type", data[key])
        elif data.get(key) is not None:
            builder.keep(key, data[key])
    hit_id, article_id = _text(data.get("_id")), _text(source.get("id"))
    if hit_id and article_id and hit_id != article_id:
        builder.flag(
            "value_conflict",
            "the hit's _id and the article id differ",
            [hit_id, article_id],
            field="id",
        )
    if not article_id and hit_id:
        builder.set("id", hit_id)
    return source


# --------------------------------------------------------------------------------------------
# Sniffing and splitting


def _head_text(head: bytes) -> str:
    return head.decode("utf-8", "replace").lstrip("\ufeff").lstrip()


def _sniff(head: bytes) -> float:
    text = _head_text(head)
    if not text.startswith(("{", "[")) or not re.search(r'"bibjson"\s*:\s*\{', text):
        return 0.0
    return 0.95


def _shape(head: bytes) -> tuple[str, tuple[str, ...]]:
    """How the input is laid out: ``("stream", path)`` for one JSON document, or ``("lines", ())``."""
    text = _head_text(head)
    if text.startswith("["):
        return "stream", ()
    before_bibjson = text.split('"bibjson"', 1)[0]
    if _RESULTS.search(before_bibjson):
        return "stream", ("results",)
    if _HITS.search(before_bibjson):
        return "stream", ("hits", "hits")
    first, newline, rest = text.partition("\n")
    if newline and rest.strip():
        try:
            json.loads(first)
        except ValueError:
            return "stream", ()
        return "lines", ()
    return "stream", ()


class DoajJsonParser(Parser):
    """DOAJ article JSON: API records (v1-v4), search responses, data-dump batches, ES scroll hits."""

    name = "doaj-json"
    title = "DOAJ article JSON (API, search results, public data dump, Elasticsearch scroll)"
    media_types = ("application/json", "application/x-ndjson")
    patterns = ("article_batch_*.json", "*.json", "*.jsonl", "*.ldj", "*.ndjson")
    field_map = FIELD_MAP
    #: Each array item or JSON line maps alone; the envelope before the first is the prologue.
    splittable = True

    def sniff(self, head: bytes) -> float:
        try:
            return _sniff(head)
        except Exception:
            return 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        shape, path = _shape(inp.head)
        items: Iterator[JsonItem | Failure]
        if shape == "lines":
            items = iter_json_lines(inp, parser_name=self.name)
        else:
            items = JsonStream(inp, parser_name=self.name).items(path)
        for item in items:
            if isinstance(item, Failure):
                yield item
                continue
            position = Position(inp.name, item.number, item.line, item.offset)
            if not _is_mapping(item.value):
                yield Failure(
                    position,
                    "not a DOAJ article (a JSON object was expected)",
                    kind="syntax",
                    parser=self.name,
                )
                continue
            yield RawRecord(
                item.value,
                position,
                record_id=_record_id(item.value),
                context=None if item.may_hold_surrogates else _NO_SURROGATES,
            )

    def map(self, raw: RawRecord) -> Record:
        if not _is_mapping(raw.data):
            raise self.fail(raw, "not a DOAJ article")
        # the scan for lone surrogates is needed only when the item's text had such an escape
        builder = RecordBuilder(self.name, may_hold_surrogates=raw.context != _NO_SURROGATES)
        article = _unwrap_hit(raw.data, builder)
        bib = article.get("bibjson")
        if not _is_mapping(bib):
            raise self.fail(raw, "no bibjson object: not a DOAJ article")
        if _is_journal_record(bib):
            raise self.fail(raw, "a DOAJ journal record (journal data dump), not an article")
        map_article(article, builder)
        return builder.build()


def _is_journal_record(bib: Mapping[str, Any]) -> bool:
    """Journal records share ``bibjson`` but have ISSNs, APC and a publisher object at its top."""
    if "journal" in bib:
        return False
    return any(key in bib for key in ("pissn", "eissn", "apc", "editorial")) or _is_mapping(
        bib.get("publisher")
    )


def _record_id(value: Mapping[str, Any]) -> str | None:
    source = value.get("_source")
    ident = source.get("id") if _is_mapping(source) else value.get("id")
    return _text(ident) or _text(value.get("_id"))
