"""The common record model: :class:`Record`, :class:`Person`, :class:`Access`, :class:`Position`.

Every parser, whatever its source format, produces the same frozen value objects, so that a field
means the same thing everywhere: ``doi`` is always a bare ``10.x/y``, ``date_published`` is always an
ISO 8601 string at exactly the precision the source gave, ``language`` is always a BCP 47 tag.
Whatever a parser could not map is kept in ``extra`` under its source name.

Findings a parser makes while mapping (an ambiguous split, two values that disagree, a synthesised
date part) are stored as plain dictionaries in ``extra["_flags"]`` so that they survive
:meth:`Record.to_dict` / :meth:`Record.from_dict`; the validators turn them into :class:`Flag`
objects without re-parsing anything.
"""

from __future__ import annotations

import operator
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeVar

import attrs

__all__ = [
    "ACCESS_STATUSES",
    "COAR_URIS",
    "RECORD_KEYS",
    "Access",
    "Flag",
    "FrozenDict",
    "Person",
    "Position",
    "Record",
]

#: The access statuses a :class:`Access` may carry (COAR access rights plus ``unknown``).
ACCESS_STATUSES: Final = ("open", "embargoed", "restricted", "metadata_only", "unknown")

#: COAR access-rights vocabulary URIs for each status (``unknown`` has none).
COAR_URIS: Final[Mapping[str, str | None]] = types.MappingProxyType(
    {
        "open": "http://purl.org/coar/access_right/c_abf2",
        "embargoed": "http://purl.org/coar/access_right/c_f1cf",
        "restricted": "http://purl.org/coar/access_right/c_16ec",
        "metadata_only": "http://purl.org/coar/access_right/c_14cb",
        "unknown": None,
    }
)

#: Exactly the keys of :meth:`Record.to_dict`, in order.
RECORD_KEYS: Final = (
    "id",
    "format",
    "type",
    "title",
    "abstract",
    "authors",
    "date_published",
    "date_deposited",
    "publisher",
    "journal",
    "issns",
    "volume",
    "issue",
    "start_page",
    "end_page",
    "article_number",
    "doi",
    "urls",
    "keywords",
    "subjects",
    "language",
    "access",
    "rights",
    "license",
    "institution",
    "extra",
)


def _strings(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(values or ())


class FrozenDict(dict[str, Any]):
    """A read-only dict: ``extra`` stays JSON-ready and picklable while the Record is frozen."""

    def _readonly(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("Record.extra is read-only; build a new Record with attrs.evolve")

    __setitem__ = __delitem__ = _readonly
    clear = pop = popitem = setdefault = update = _readonly
    __ior__ = _readonly

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        raise TypeError("unhashable type: 'FrozenDict'")


def _freeze_mapping(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return value if isinstance(value, FrozenDict) else FrozenDict(value or {})


def _thaw(value: Any) -> Any:
    """Turn mapping proxies and tuples back into plain JSON-ready dicts and lists.

    Strings, ``None``, tuples and dicts (nearly every value) are told apart by their exact type
    first: ``isinstance(value, Mapping)`` asks the ABC machinery, which costs more than the rest
    of the conversion, and :meth:`Record.to_dict` (every line of ``parse``'s output) calls this
    for every value of a Record."""
    kind = type(value)
    if kind is str or value is None:
        return value
    if kind is tuple or kind is list:
        return [v if type(v) is str else _thaw(v) for v in value]
    if kind is FrozenDict or kind is dict or isinstance(value, Mapping):
        return {str(k): v if type(v) is str else _thaw(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_thaw(v) for v in value]
    return value


@attrs.frozen
class Position:
    """Where a record (or a failure) was found.

    ``source`` names the input, archive members joined with ``!`` (``dump.tar.gz!batch_1.json``);
    ``record`` is the 1-based record number within that source; ``line`` is 1-based and
    ``byte_offset`` counts bytes of the decompressed stream from 0. Either may be ``None`` when
    the format cannot tell.
    """

    source: str
    record: int
    line: int | None = None
    byte_offset: int | None = None

    def __str__(self) -> str:
        parts = [f"{self.source}: record {self.record}"]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.byte_offset is not None:
            parts.append(f"byte {self.byte_offset}")
        return ", ".join(parts)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle compactly: see "Compact pickling" below."""
        return (_restore_position, (_position_values(self),))


@attrs.frozen
class Person:
    """One author, once, with the affiliations and ORCID the source gave for them."""

    name: str
    given: str | None = None
    family: str | None = None
    affiliations: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    orcid: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "given": self.given,
            "family": self.family,
            "affiliations": list(self.affiliations),
            "orcid": self.orcid,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Person:
        return cls(
            name=data["name"],
            given=data.get("given"),
            family=data.get("family"),
            affiliations=data.get("affiliations") or (),
            orcid=data.get("orcid"),
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle compactly: see "Compact pickling" below."""
        return (_restore_person, (_person_values(self),))


def _check_status(_: Any, __: Any, value: str) -> None:
    if value not in ACCESS_STATUSES:
        raise ValueError(f"access status must be one of {ACCESS_STATUSES}, not {value!r}")


@attrs.frozen
class Access:
    """Whether the content (not the metadata) can be read, and why we think so.

    ``status`` is one of :data:`ACCESS_STATUSES`; ``embargo_end`` is an ISO date, ``"permanent"``
    for an embargo that never lifts, or ``None``; ``evidence`` quotes the source texts or fields
    that decided the status.
    """

    status: str = attrs.field(default="unknown", validator=_check_status)
    embargo_end: str | None = None
    evidence: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    @property
    def coar_uri(self) -> str | None:
        """The COAR access-rights URI of :attr:`status` (``None`` for ``unknown``)."""
        return COAR_URIS[self.status]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "embargo_end": self.embargo_end,
            "evidence": list(self.evidence),
            "coar_uri": self.coar_uri,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Access:
        data = data or {}
        return cls(
            status=data.get("status") or "unknown",
            embargo_end=data.get("embargo_end"),
            evidence=data.get("evidence") or (),
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle compactly: see "Compact pickling" below."""
        return (_restore_access, (_access_values(self),))


def _persons(values: Iterable[Person | Mapping[str, Any]] | None) -> tuple[Person, ...]:
    return tuple(v if isinstance(v, Person) else Person.from_dict(v) for v in values or ())


def _access(value: Access | Mapping[str, Any] | None) -> Access:
    return value if isinstance(value, Access) else Access.from_dict(value)


@attrs.frozen
class Record:
    """One scholarly record, whatever format it came from.

    Build it with keyword arguments; every field but ``format`` is optional. Lists are stored as
    tuples and ``extra`` as a read-only mapping, so a Record can be shared freely between threads
    and processes. ``position`` tells where the record was read; it is not part of equality or of
    :meth:`to_dict`.

    ``rights`` is the source's rights statement, or its licence when that is all it gives;
    ``license`` is the licence alone (a name, identifier or URL as the source gives it).
    """

    format: str
    id: str | None = None
    type: str | None = None
    title: str | None = None
    abstract: str | None = None
    authors: tuple[Person, ...] = attrs.field(default=(), converter=_persons)
    date_published: str | None = None
    date_deposited: str | None = None
    publisher: str | None = None
    journal: str | None = None
    issns: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    volume: str | None = None
    issue: str | None = None
    start_page: str | None = None
    end_page: str | None = None
    article_number: str | None = None
    doi: str | None = None
    urls: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    subjects: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    language: str | None = None
    access: Access = attrs.field(factory=Access, converter=_access)
    rights: str | None = None
    license: str | None = None
    institution: str | None = None
    extra: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_freeze_mapping, hash=False
    )
    position: Position | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def flags(self) -> tuple[dict[str, Any], ...]:
        """Findings the parser recorded while mapping (``extra["_flags"]``)."""
        return tuple(self.extra.get("_flags", ()))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data with exactly the keys of :data:`RECORD_KEYS`."""
        out: dict[str, Any] = {}
        for key in RECORD_KEYS:
            value = getattr(self, key)
            if key == "authors":
                value = [p.to_dict() for p in value]
            elif key == "access":
                value = value.to_dict()
            else:
                value = _thaw(value)
            out[key] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Record:
        """Rebuild a Record from :meth:`to_dict` output (unknown keys are rejected)."""
        unknown = set(data) - set(RECORD_KEYS)
        if unknown:
            raise ValueError(f"unknown Record keys: {sorted(unknown)}")
        kwargs = {k: data[k] for k in RECORD_KEYS if k in data and data[k] is not None}
        if "format" not in kwargs:
            raise ValueError("a Record needs a 'format'")
        return cls(**kwargs)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle compactly: see "Compact pickling" below."""
        return (_restore_record, (_record_values(self),))


# --------------------------------------------------------------------------------------------
# Compact pickling
#
# Parallel reads (``jobs=N``) send every Record from a worker to the caller's process, which
# unpickles them all while the workers share its cores, so pickling is on the critical path.
# attrs' default state is a dict of every field (27 for a Record) that ``__setstate__`` walks
# name by name; instead each model class pickles as a module-level restore function and one
# tuple of its field values in declaration order. The values were converted and validated when
# the object was first built, so the restore function sets them back as they are, without
# running the converters (``_strings``, ``_persons``, ...) or validators again.

_T = TypeVar("_T")
_SET = object.__setattr__


def _restorer(cls: type[_T]) -> Callable[[tuple[Any, ...]], _T]:
    """The function that rebuilds a ``cls`` from the tuple :func:`_values_of` made.

    Its body is generated with one line per field (``set(obj, "title", values[3])``), as attrs
    generates ``__init__``: unrolled, it runs in about half the time of a loop over the names,
    and the caller of a parallel read runs it for every Record, Person, Access and Position.
    A tuple of another length (a pickle from a version with other fields) raises ValueError.
    """
    names = [field.name for field in attrs.fields(cls)]  # type: ignore[arg-type]
    name = f"_restore_{cls.__name__.lower()}"
    lines = [f"def {name}(values):", f"    if len(values) != {len(names)}:", "        raise ValueError(values)"]
    lines += ["    obj = new(cls)", *(f"    set(obj, {field!r}, values[{i}])" for i, field in enumerate(names))]
    lines.append("    return obj")
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls, "set": _SET}
    exec(compile("\n".join(lines), f"<restore {cls.__name__}>", "exec"), namespace)
    restore: Callable[[tuple[Any, ...]], _T] = namespace[name]
    restore.__module__ = __name__
    return restore


def _values_of(cls: type[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """A fast getter of ``cls``'s field values as one tuple, in declaration order."""
    names = [field.name for field in attrs.fields(cls)]
    return operator.attrgetter(*names)  # with two names or more it returns a tuple


_restore_position = _restorer(Position)
_restore_person = _restorer(Person)
_restore_access = _restorer(Access)
_restore_record = _restorer(Record)
_position_values = _values_of(Position)
_person_values = _values_of(Person)
_access_values = _values_of(Access)
_record_values = _values_of(Record)


@attrs.frozen
class Flag:
    """A validator's finding about one record.

    ``code`` is a stable machine name (``embargoed``, ``invalid_issn``, ...), ``severity`` one of
    ``info``, ``warning`` or ``error``; ``evidence`` quotes what led to the flag.
    """

    code: str
    severity: str
    message: str
    evidence: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    field: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "evidence": list(self.evidence),
            "field": self.field,
        }
