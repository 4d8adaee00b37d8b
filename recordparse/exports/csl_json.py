"""CSL-JSON: records as citation items for citeproc processors, Zotero and reference managers.

:func:`to_csl` maps one Record to one CSL item using only variables of the CSL 1.0.2 input
schema (``csl-data.json``, which rejects unknown keys):

============================  ===============================================================
CSL variable                  from
============================  ===============================================================
``id``                        ``Record.id``, else the DOI, else ``<format>-<n>``; made unique
``type``                      ``Record.type`` when it is a CSL type, else ``document``
``title``, ``abstract``       the same fields
``author``                    ``{family, given}`` when the family name is known, else
                              ``{literal}`` (organisations, names that could not be split)
``issued``                    ``date_published`` as ``date-parts`` at the source's precision:
                              ``2021`` gives ``[[2021]]``, ``2021-03`` ``[[2021, 3]]``
``container-title``           ``journal``
``publisher``                 ``publisher``; for a thesis without one, the ``institution``
                              (CSL puts the degree-granting body there)
``volume``, ``issue``         the same fields
``page``                      ``start_page-end_page`` (or the start page alone)
``number``                    ``article_number``
``DOI``, ``URL``              the bare DOI; the first URL
``ISSN``                      every ISSN, joined with ``", "``
``keyword``                   keywords, then subjects, joined with ``", "``
``language``                  the BCP 47 tag
============================  ===============================================================

:class:`CslJsonWriter` streams a JSON array, one item per line.
"""

from __future__ import annotations

import json
import re
from typing import IO, Any, Final

from ..record import Person, Record

__all__ = ["CSL_TYPES", "CslJsonWriter", "date_parts", "to_csl"]

#: The item types of the CSL 1.0.2 data schema.
CSL_TYPES: Final = frozenset(
    {
        "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
        "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
        "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
        "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
        "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
        "personal_communication", "post", "post-weblog", "regulation", "report", "review",
        "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
    }
)

#: The type of an item whose Record type is missing or not a CSL type.
FALLBACK_TYPE: Final = "document"

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:[T ].*)?$")


def date_parts(iso: str | None) -> dict[str, Any] | None:
    """A CSL date from an ISO date at any precision: ``{"date-parts": [[2021, 3]]}``.

    A value that is not ISO 8601 (which a Record should never hold) is passed on as ``raw``
    for the citation processor to try.
    """
    if not iso:
        return None
    match = _ISO.match(iso)
    if match is None:
        return {"raw": iso}
    parts = [int(p) for p in match.groups() if p is not None]
    return {"date-parts": [parts]}


def _name(person: Person) -> dict[str, str]:
    if person.family:
        name = {"family": person.family}
        if person.given:
            name["given"] = person.given
        return name
    return {"literal": person.name}


def _joined(values: list[str]) -> str | None:
    unique: list[str] = []
    for value in values:
        if value and value not in unique:
            unique.append(value)
    return ", ".join(unique) or None


def _page(record: Record) -> str | None:
    if record.start_page and record.end_page and record.end_page != record.start_page:
        return f"{record.start_page}-{record.end_page}"
    return record.start_page or record.end_page


def _item_id(record: Record) -> str | None:
    return record.id or record.doi


def to_csl(record: Record, *, item_id: str | None = None) -> dict[str, Any]:
    """One CSL-JSON item for ``record`` (see the module docstring for the mapping).

    ``item_id`` overrides the item's ``id``; without it the record's own identifier is used, or
    its DOI, or ``<format>-<record number>``.
    """
    number = record.position.record if record.position else 1
    publisher = record.publisher
    if publisher is None and record.type == "thesis":
        publisher = record.institution
    values: dict[str, Any] = {
        "id": item_id or _item_id(record) or f"{record.format}-{number}",
        "type": record.type if record.type in CSL_TYPES else FALLBACK_TYPE,
        "title": record.title,
        "author": [_name(p) for p in record.authors] or None,
        "issued": date_parts(record.date_published),
        "container-title": record.journal,
        "publisher": publisher,
        "volume": record.volume,
        "issue": record.issue,
        "page": _page(record),
        "number": record.article_number,
        "DOI": record.doi,
        "ISSN": _joined(list(record.issns)),
        "URL": record.urls[0] if record.urls else None,
        "abstract": record.abstract,
        "keyword": _joined([*record.keywords, *record.subjects]),
        "language": record.language,
    }
    return {key: value for key, value in values.items() if value is not None}


class CslJsonWriter:
    """Streams records as one CSL-JSON array (one item per line); :meth:`close` ends the array.

    Item ids are made unique within the array: a repeated id gets ``-2``, ``-3`` ... appended.
    """

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.count = 0
        self._ids: set[str] = set()

    def _unique_id(self, record: Record) -> str:
        base = _item_id(record) or f"{record.format}-{self.count + 1}"
        candidate, n = base, 1
        while candidate in self._ids:
            n += 1
            candidate = f"{base}-{n}"
        self._ids.add(candidate)
        return candidate

    def write(self, record: Record) -> None:
        item = to_csl(record, item_id=self._unique_id(record))
        self.out.write("[\n" if self.count == 0 else ",\n")
        self.out.write(json.dumps(item, ensure_ascii=False))
        self.count += 1

    def close(self) -> None:
        self.out.write("[]\n" if self.count == 0 else "\n]\n")
