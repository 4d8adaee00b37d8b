""":class:`RecordBuilder`: the one place where mapped values go through the shared normalisers.

Parsers collect values into a builder and call :meth:`RecordBuilder.build`. The builder makes
every format behave alike: DOIs are bare, ISSNs hyphenated (invalid check digits kept and
flagged), languages BCP 47, dates ISO at the source's precision, people de-duplicated, and every
value the parser could not map kept in ``extra`` under its source name.

Parser findings go to ``extra["_flags"]`` as ``{code, severity, message, evidence, field}``
dictionaries; the consistency validator turns them into :class:`~recordparse.Flag` objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .normalize.dates import parse_date
from .normalize.identifiers import normalize_doi, normalize_issn
from .normalize.languages import to_bcp47
from .normalize.names import make_person, unique_people
from .normalize.text import clean, scrub_surrogates, strip_html
from .record import Access, Person, Record

__all__ = ["RecordBuilder"]

_SIMPLE = frozenset((
    "id",
    "type",
    "title",
    "abstract",
    "date_deposited",
    "publisher",
    "journal",
    "volume",
    "issue",
    "start_page",
    "end_page",
    "article_number",
    "rights",
    "license",
    "institution",
))


#: Types that hold nothing nested.
_FLAT = frozenset((str, int, float, bool, type(None)))

#: How deep a value kept in ``extra`` may be nested (real metadata stays under 10).
_MAX_DEPTH = 100


def _flat_items(items: Iterable[Any]) -> bool:
    return all(type(v) in _FLAT for v in items)


def _shallow(value: Any) -> bool:
    """True for the shapes kept values nearly always have, at most three levels deep (far
    under :data:`_MAX_DEPTH`): a list of scalars (a repeated field) or of objects of scalars
    and lists of scalars (an EP3 export's documents, with their URLs and relations), an object
    of scalars or of lists of scalars."""
    kind = type(value)
    if kind is list:
        return all(type(v) in _FLAT or (type(v) is dict and _flat_object(v)) for v in value)
    if kind is dict:
        return _flat_object(value)
    return False


def _flat_object(value: dict[Any, Any]) -> bool:
    """Whether every value of ``value`` is a scalar or a list of scalars (two levels)."""
    return all(type(v) in _FLAT or (type(v) is list and _flat_items(v)) for v in value.values())


def _too_deep(value: Any) -> bool:
    """Whether ``value`` has dicts or lists nested more than :data:`_MAX_DEPTH` deep
    (iterative: a recursive walk would hit the recursion limit it is meant to guard)."""
    if _shallow(value):
        return False  # the common cases, decided without the walk
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > _MAX_DEPTH:
            return True
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend((v, depth + 1) for v in item)
    return False


class RecordBuilder:
    """Collects one record's values; first value set for a field wins unless ``replace=True``."""

    def __init__(self, format: str, *, may_hold_surrogates: bool = True) -> None:
        self.format = format
        #: whether mapped strings may hold lone surrogates, so that :meth:`build` must scan for
        #: them: only JSON's ``\\ud800`` escapes make them (lxml and the text decoders never
        #: do), so XML and text parsers pass ``False`` and spare every record the scan
        self.may_hold_surrogates = may_hold_surrogates
        self.values: dict[str, Any] = {}
        self.people: list[Person] = []
        self.issns: list[str] = []
        self.urls: list[str] = []
        self.keywords: list[str] = []
        self.subjects: list[str] = []
        self.extra: dict[str, Any] = {}
        self.flags: list[dict[str, Any]] = []
        self.access: Access | None = None

    # -- plain fields ------------------------------------------------------------------------
    def set(self, field: str, value: object, *, replace: bool = False, html: bool = False) -> str | None:
        """Set a plain string field (whitespace cleaned; HTML stripped with ``html=True``)."""
        if field not in _SIMPLE:
            raise KeyError(f"not a plain Record field: {field}")
        text = strip_html(value) if html else clean(value)
        if text is None:
            return None
        if replace or field not in self.values:
            self.values[field] = text
        return text

    def get(self, field: str) -> Any:
        return self.values.get(field)

    def set_doi(self, value: object, *, source_field: str = "doi") -> str | None:
        """Set the DOI from a bare, ``doi:`` or URL form; an unparseable value is kept and flagged."""
        if value is None or not str(value).strip():
            return None
        doi = normalize_doi(str(value))
        if doi is None:
            self.flag("invalid_doi", f"{source_field} is not a DOI", [str(value)], field="doi", severity="warning")
            self.keep(source_field, str(value))
            return None
        if "doi" not in self.values:
            self.values["doi"] = doi
        elif self.values["doi"].lower() != doi.lower():
            self.flag("value_conflict", "two different DOIs", [self.values["doi"], doi], field="doi")
        return doi

    def add_issn(self, value: object) -> str | None:
        """Add an ISSN (hyphenated). A value that is not ISSN-shaped is kept in ``extra`` and flagged;
        a wrong check digit is the identifiers validator's to flag."""
        text = clean(value)
        if not text:
            return None
        issn = normalize_issn(text)
        if issn is None:
            self.flag("invalid_issn", "not an ISSN", [text], field="issns", severity="warning")
            self.extra.setdefault("invalid_issns", []).append(text)
            return None
        if issn not in self.issns:
            self.issns.append(issn)
        return issn

    def set_date(self, field: str, value: object, *, source_field: str | None = None) -> str | None:
        """Set ``date_published`` or ``date_deposited`` at the precision ``value`` gives.

        A value that is not a date is kept in ``extra`` under ``source_field`` and flagged.
        """
        if value is None or not str(value).strip():
            return None
        iso = parse_date(value)
        if iso is None:
            self.keep(source_field or field, str(value))
            self.flag("unparsed_date", f"{source_field or field} is not a date", [str(value)], field=field, severity="info")
            return None
        if field not in self.values:
            self.values[field] = iso
        return iso

    def set_iso_date(self, field: str, iso: str | None) -> None:
        """Set an already-normalised ISO date (from :func:`~recordparse.normalize.dates.year_month`)."""
        if iso and field not in self.values:
            self.values[field] = iso

    def set_language(self, value: object, *, source_field: str = "language") -> str | None:
        """Set the language as BCP 47; an unrecognised value is kept in ``extra``."""
        text = clean(value)
        if not text:
            return None
        tag = to_bcp47(text)
        if tag is None:
            self.keep(source_field, text)
            return None
        if "language" not in self.values:
            self.values["language"] = tag
        elif self.values["language"] != tag:
            self.extra.setdefault("languages", [self.values["language"]])
            if tag not in self.extra["languages"]:
                self.extra["languages"].append(tag)
        return tag

    # -- lists -------------------------------------------------------------------------------
    def add_person(
        self,
        name: object,
        *,
        affiliations: Iterable[str] = (),
        orcid: str | None = None,
        given: str | None = None,
        family: str | None = None,
    ) -> Person | None:
        person = make_person(str(name) if name is not None else "", affiliations=affiliations, orcid=orcid, given=given, family=family)
        if person is not None:
            self.people.append(person)
        return person

    def add_url(self, value: object) -> None:
        text = clean(value)
        if text and text not in self.urls:
            self.urls.append(text)

    def add_keyword(self, value: object) -> None:
        text = clean(value)
        if text and text not in self.keywords:
            self.keywords.append(text)

    def add_subject(self, value: object) -> None:
        text = clean(value)
        if text and text not in self.subjects:
            self.subjects.append(text)

    # -- extra, flags, access ----------------------------------------------------------------
    def keep(self, name: str, value: Any) -> None:
        """Keep an unmapped source field in ``extra`` (a repeated name becomes a list)."""
        if value is None or value == "" or value == [] or value == {}:
            return
        if isinstance(value, (dict, list, tuple)) and _too_deep(value):
            # hostile nesting (a JSON field 500 levels deep) would break every export of the
            # record (recursion limits): the value is left out, and the record says so
            self.flag("too_deep", f"{name} is nested more than {_MAX_DEPTH} levels deep and was left out", field=None)
            value = f"(left out: nested more than {_MAX_DEPTH} levels deep)"
        if name in self.extra:
            current = self.extra[name]
            if current == value:
                return
            if not isinstance(current, list) or (isinstance(value, list) and current and not isinstance(current[0], list)):
                current = [current]
            current.append(value)
            self.extra[name] = current
        else:
            self.extra[name] = value

    def flag(
        self,
        code: str,
        message: str,
        evidence: Iterable[str] = (),
        *,
        field: str | None = None,
        severity: str = "warning",
    ) -> None:
        """Record a finding for the validators (``ambiguous_field``, ``value_conflict`` ...)."""
        entry = {"code": code, "severity": severity, "message": message, "evidence": [str(e) for e in evidence], "field": field}
        if entry not in self.flags:
            self.flags.append(entry)

    def set_access(self, status: str, *, embargo_end: str | None = None, evidence: Iterable[str] = ()) -> None:
        self.access = Access(status=status, embargo_end=embargo_end, evidence=tuple(evidence))

    # -- result ------------------------------------------------------------------------------
    def build(self) -> Record:
        if "rights" not in self.values and "license" in self.values:
            # one convention for every format: ``rights`` says what the source says about rights;
            # a source that gives only a licence has that licence as its rights statement
            self.values["rights"] = self.values["license"]
        fields: dict[str, Any] = {
            "authors": unique_people(self.people),
            "issns": self.issns,
            "urls": self.urls,
            "keywords": self.keywords,
            "subjects": self.subjects,
            "access": self.access or Access(),
            "extra": dict(self.extra),
            **self.values,
        }
        replaced = 0
        if self.may_hold_surrogates:
            (fields, self.flags), replaced = scrub_surrogates((fields, self.flags))
        if replaced:
            self.flag(
                "invalid_unicode",
                f"{replaced} lone surrogate(s) (\\u escapes that are not characters) replaced by U+FFFD",
                severity="warning",
            )
        if self.flags:
            fields["extra"]["_flags"] = list(self.flags)
        return Record(format=self.format, **fields)
