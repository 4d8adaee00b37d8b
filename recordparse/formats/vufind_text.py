"""VuFind record pages rendered as text: ``vufind-text``.

A VuFind record page has two parts (format note ``doaj-vufind.md`` §4.4-4.5):

1. the **public view**: the title line; the summary, hard-truncated at 300 characters and ending in
   ``...`` with a ``Full description`` link when it was cut; the ``Bibliographic Details`` table as
   ``Label: value`` or ``Label:value`` lines (a label may be empty, ``Subjects:``, with its values
   on the following lines);
2. the **Staff View**: the stored Solr fields as ``name value`` lines in PHP ``ksort`` byte order,
   a multi-valued field continuing on the following lines without its name, a long value (the
   description) possibly spanning lines.

One file may hold one page or many pages one after another (a dump); a page may have only one of
the two parts. :class:`VuFindTextParser` streams the lines and cuts pages where a new public view
begins after a Staff View (its ``Bibliographic Details`` caption, ``Full description`` link or a
core label seen again), where the Staff View restarts (``_version_``, or a field sorting before
the previous one followed by a second ``id``), and at separator lines (``----``, form feed).

A Staff View line is a field line only if its first word is a VuFind field name (or matches a
dynamic-field pattern) **and** sorts after the previous field; among the readings that satisfy
both, the one whose values fit their fields best is chosen, so a topic ``clinical trial`` or a
description line starting with ``format`` stays a continuation.

Mapping: the Staff View fields form a Solr document that goes through
:func:`recordparse.formats.vufind_solr.map_document` (which also segments a DOAJ ``spelling``
blob). The public view fills only what the Staff View lacks, through the same function (labels are
translated to Solr field names by :data:`LABEL_FIELDS`); where both give a value and they
disagree, the record gets a ``value_conflict`` flag. The truncated summary is never the abstract:
on a page without ``description`` a cut teaser is kept as ``extra["summary_teaser"]``.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, ClassVar, Final

import attrs

from ..builder import RecordBuilder
from ..errors import Failure
from ..normalize.identifiers import normalize_isbn, normalize_issn
from ..normalize.languages import to_bcp47
from ..normalize.text import clean, is_truncated, untruncate
from ..record import Position, Record
from ..sources import Input, Limits, TextLine, iter_lines
from .base import Parser, RawRecord
from .vufind_solr import map_document

__all__ = [
    "LABEL_FIELDS",
    "STAFF_FIELDS",
    "VuFindTextParser",
    "parse_staff_view",
    "split_author_list",
    "split_published",
]

# --------------------------------------------------------------------------------------------
# Staff View field names (VuFind biblio schema.xml, current and legacy names)

#: Stored field names of VuFind's biblio core, current and legacy (``recordtype``, ``authorStr``).
STAFF_FIELDS: Final = frozenset(
    {
        "_version_", "id", "fullrecord", "marc_error", "allfields", "allfields_unstemmed",
        "fulltext", "fulltext_unstemmed", "spelling", "spellingShingle", "institution",
        "collection", "building", "language", "format", "author", "author_variant", "author_role",
        "author_facet", "author_sort", "title", "title_sort", "title_sub", "title_short",
        "title_full", "title_full_unstemmed", "title_fullStr", "title_auth", "physical",
        "publisher", "publisherStr", "publishDate", "publishDateSort", "edition", "description",
        "contents", "url", "thumbnail", "lccn", "ctrlnum", "isbn", "issn", "oclc_num",
        "callnumber-first", "callnumber-subject", "callnumber-label", "callnumber-sort",
        "callnumber-raw", "callnumber-search", "dewey-hundreds", "dewey-tens", "dewey-ones",
        "dewey-full", "dewey-sort", "dewey-raw", "dewey-search", "author2", "author2_variant",
        "author2_role", "author_corporate", "author_corporate_role", "author_additional",
        "title_alt", "title_old", "title_new", "dateSpan", "series", "series2", "topic",
        "topic_unstemmed", "topic_facet", "topic_browse", "author_browse", "genre", "genre_facet",
        "geographic", "geographic_facet", "era", "era_facet", "illustrated", "long_lat",
        "long_lat_display", "long_lat_label", "container_title", "container_volume",
        "container_issue", "container_start_page", "container_reference", "hierarchytype",
        "hierarchy_top_id", "hierarchy_top_title", "hierarchy_parent_id", "hierarchy_parent_title",
        "hierarchy_sequence", "is_hierarchy_id", "is_hierarchy_title", "title_in_hierarchy",
        "hierarchy_browse", "record_format", "first_indexed", "last_indexed", "recordtype", "score",
        "author_fuller", "author2_fuller", "author2-role", "authorStr", "author2Str",
        "author-letter", "auth_author", "auth_authorStr", "auth_author2", "auth_author2Str",
        "titleStr", "auth_title", "auth_titleStr", "langcode", "callnumber", "callnumber-a",
        "callnumber-first-code", "callnumber-subject-code", "dewey-sort-browse"
    }
)

#: Suffixes of the schema's dynamic fields (``*_str_mv`` matches ``work_keys_str_mv``).
DYNAMIC_SUFFIXES: Final = (
    "_date", "_date_mv", "_isn", "_isn_mv", "_str", "_str_mv", "_txt", "_txt_mv", "_txtF",
    "_txtF_mv", "_txtP", "_txtP_mv", "_random", "_boolean", "_geo", "_geo_mv", "_autocomplete",
)  # fmt: skip

#: Single-valued fields: their continuation lines are more lines of the same value.
SINGLE_VALUED: Final = frozenset(
    {
        "_version_", "id", "fullrecord", "fulltext", "author_sort", "title", "title_sort",
        "title_sub", "title_short", "title_full", "title_full_unstemmed", "title_auth",
        "publishDateSort", "edition", "description", "thumbnail", "lccn", "callnumber-first",
        "callnumber-subject", "callnumber-label", "callnumber-sort", "dewey-sort", "illustrated",
        "container_title", "container_volume", "container_issue", "container_start_page",
        "container_reference", "hierarchytype", "is_hierarchy_id", "is_hierarchy_title",
        "record_format", "recordtype", "first_indexed", "last_indexed", "score", "authorStr",
        "titleStr"
    }
)

#: Fields whose value is one short line: a continuation line under them is unlikely.
_ONE_LINE: Final = frozenset(
    {
        "_version_", "id", "first_indexed", "last_indexed", "record_format", "recordtype",
        "title_sort", "author_sort", "callnumber-sort", "dewey-sort", "score", "hierarchytype",
        "is_hierarchy_id"
    }
)
#: Fields whose values are short words or codes, never sentences.
_SHORT: Final = frozenset(
    {
        "id", "format", "record_format", "recordtype", "collection", "institution", "building",
        "language", "publishDate", "langcode", "illustrated"
    }
)

_FIELD_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)(?:[ \t](.*))?$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(?:T[\d:.]+Z?)?$")


_DYNAMIC_SUFFIX_SET: Final = frozenset(DYNAMIC_SUFFIXES)


def is_field_name(name: str) -> bool:
    """True for a VuFind biblio field name or a name matching a dynamic-field pattern."""
    if name in STAFF_FIELDS:
        return True
    # every dynamic suffix starts with "_": try the name's tails from each "_" after the first
    # character (a suffix alone is no field name) against the set of suffixes
    cut = name.find("_", 1)
    while cut > 0:
        if name[cut:] in _DYNAMIC_SUFFIX_SET:
            return True
        cut = name.find("_", cut + 1)
    return False


def _field_line(text: str) -> tuple[str, str] | None:
    """``(name, value)`` when ``text`` reads as a Staff View field line (memoised, see
    :func:`_line_kind`)."""
    return _line_kind(text)[1]


def _read_field_line(text: str) -> tuple[str, str] | None:
    stripped = text.strip()
    name, _, value = stripped.partition(" ")
    if name in STAFF_FIELDS and "\t" not in name and "\n" not in value:
        # the usual field line: a known name (each matches _FIELD_LINE's name), one space, the
        # value; found without the regex
        return name, value.strip()
    match = _FIELD_LINE.match(stripped)
    if match is None:
        return None
    name, found = match.groups()
    if name not in STAFF_FIELDS and not is_field_name(name):
        return None
    return name, (found or "").strip()


def _single_valued(name: str) -> bool:
    return name in SINGLE_VALUED or name.endswith(("_date", "_str", "_isn", "_txt", "_boolean", "_geo"))


# --------------------------------------------------------------------------------------------
# Public view labels

#: Public-view label -> the Solr field it displays (``None``: kept in ``extra`` under the label).
#: ``Published`` is split into place, ``publisher`` and ``publishDate``; ``DOI`` has no field.
LABEL_FIELDS: Final[dict[str, str | None]] = {
    "Published in": "container_title",
    "New Title": "title_new",
    "Previous Title": "title_old",
    "Main Author": "author",
    "Main Authors": "author",
    "Main Author(s)": "author",
    "Authors": "author",
    "Corporate Author": "author_corporate",
    "Corporate Authors": "author_corporate",
    "Corporate Author(s)": "author_corporate",
    "Other Authors": "author2",
    "Format": "format",
    "Language": "language",
    "Languages": "language",
    "Published": "publisher",
    "Edition": "edition",
    "Series": "series",
    "Subjects": "topic",
    "Online Access": "url",
    "Summary": "description",
    "Abstract": "description",
    "Physical Description": "physical",
    "ISBN": "isbn",
    "ISSN": "issn",
    "DOI": None,
    "Citations": None,
    "Related Items": None,
    "Tags": None,
    "Item Description": None,
    "Publication Frequency": None,
    "Playing Time": None,
    "Audience": None,
    "Awards": None,
    "Production Credits": None,
    "Bibliography": None,
    "Access": None,
    "Finding Aid": None,
    "Publication Place": None,
    "Publication_Place": None,
    "Author Notes": None,
    "Notes": None,
}

#: Core labels shown once per page: seeing one again means a new page began.
_ONCE_LABELS: Final = frozenset(
    {"Published in", "New Title", "Previous Title", "Main Author", "Main Authors", "Main Author(s)",
     "Corporate Author", "Corporate Authors", "Corporate Author(s)", "Other Authors", "Language",
     "Languages", "Edition", "Series", "Subjects", "Online Access"}
)  # fmt: skip
_LABEL_LINE = re.compile(
    r"^(" + "|".join(re.escape(k) for k in sorted(LABEL_FIELDS, key=len, reverse=True)) + r"):(.*)$"
)
_CAPTION = "Bibliographic Details"
_FULL_DESCRIPTION = "Full description"
#: The two public-view lines that are neither label nor field line but tell the splitter things.
_MARKS: Final = frozenset({_CAPTION, _FULL_DESCRIPTION})
_SEPARATOR = re.compile(r"^\s*(?:-{3,}|={3,}|\*{3,}|_{3,}|\f+)\s*$")


_NAME_LIST_GAPS = re.compile(r",\s+")
_DATE_RANGE_GAP = re.compile(r"\s?-\s?(?=\d{4}$)")
_ROLE = re.compile(r"\s*\(([^()]{2,40})\)$")
_LIFE_DATES = re.compile(r"^(?:\d{3,4}\??-(?:\d{3,4}\??)?|b\. ?\d{4}|d\. ?\d{4}|\d{4})\.?$")
_PUB_DATE = re.compile(
    r"[\s,]*\[?(?:c|©|p)?(\d{4}(?:-\d{2}(?:-\d{2})?)?(?:\s?-\s?\d{4})?)\??\]?\.?$"
)


def _label_line(text: str) -> tuple[str, str] | None:
    """``(label, value)`` when ``text`` reads as a public-view ``Label: value`` line (memoised,
    see :func:`_line_kind`)."""
    return _line_kind(text)[0]


def _read_label_line(text: str) -> tuple[str, str] | None:
    stripped = text.strip()
    # the label is followed by ":" and holds none, so it is the text before the first ":"; a
    # dict lookup instead of trying every label (the regex stays for text with a newline,
    # where its "$" and "." would read differently)
    label, colon, value = stripped.partition(":")
    if not colon:
        return None
    if "\n" in stripped:
        match = _LABEL_LINE.match(stripped)
        return (match.group(1), match.group(2).strip()) if match else None
    return (label, value.strip()) if label in LABEL_FIELDS else None


_Kind = tuple[tuple[str, str] | None, tuple[str, str] | None]

#: Memo of :func:`_line_kind` per line text: the splitter and the mapper ask about every line
#: more than once (splitting, finding the Staff View, choosing its field lines, the record id),
#: and a dump repeats many lines. Bounded: emptied when full, short lines only.
_LINE_MEMO_SIZE: Final = 4096
_LINE_MEMO_LENGTH: Final = 400
_LINE_KINDS: dict[str, _Kind] = {}
_NEITHER: Final[_Kind] = (None, None)


def _line_kind(text: str) -> _Kind:
    """A line's readings as a label line and as a field line, found once for both questions."""
    return _LINE_KINDS.get(text) or _learn_kind(text)  # a reading is a 2-tuple: never false


def _learn_kind(text: str) -> _Kind:
    """:func:`_read_kind` of a line the memo does not have, remembered (the hot loops look in
    the memo themselves and call this on a miss)."""
    kind = _read_kind(text)
    if len(text) <= _LINE_MEMO_LENGTH:
        if len(_LINE_KINDS) >= _LINE_MEMO_SIZE:
            _LINE_KINDS.clear()
        _LINE_KINDS[text] = kind
    return kind


def _read_kind(text: str) -> _Kind:
    """Both readings of a line the memo does not have (most lines of a dump are new to it).

    A line without a tab or newline (every line of a text input) is read with two partitions
    and lookups: its first word is then the name :data:`_FIELD_LINE` would match, if any, and a
    word that is no Staff View field and has no ``_`` after its first character matches no
    dynamic field either, so a continuation line (``Paolo Yilmaz``) is answered without the
    regex. Other lines, and first words with an ``_``, take :func:`_read_label_line` and
    :func:`_read_field_line` (the same answers, found the long way).
    """
    stripped = text.strip()
    if "\t" in stripped or "\n" in stripped:
        kind = (_read_label_line(text) if ":" in text else None, _read_field_line(text))
        return _NEITHER if kind == _NEITHER else kind
    label = None
    if ":" in stripped:
        head, _, rest = stripped.partition(":")
        if head in LABEL_FIELDS:
            label = (head, rest.strip())
    name, _, value = stripped.partition(" ")
    if name in STAFF_FIELDS:
        found: tuple[str, str] | None = (name, value.strip())
    elif name.find("_", 1) < 0:
        found = None
    else:
        found = _read_field_line(stripped)
    return _NEITHER if label is None and found is None else (label, found)


def _kinds_of(lines: Sequence[str]) -> list[_Kind]:
    """:func:`_line_kind` of each line; a line already in the memo costs one dict lookup."""
    known = _LINE_KINDS.get
    return [known(line) or _learn_kind(line) for line in lines]


_NOT_ALNUM = re.compile(r"[\W_]+")
_NAME_GAPS = re.compile(r"[\s,]+")


def _loose(value: object) -> str:
    """Letters and digits only, case-folded: for telling real disagreements from formatting."""
    folded = (value if type(value) is str else str(value)).casefold()
    # [\W_] is exactly what str.isalnum() rejects: a word that is all letters and digits (the
    # usual name part) has nothing to remove, and skips the regex
    return folded if folded.isalnum() else _NOT_ALNUM.sub("", folded)


def split_author_list(text: str) -> tuple[list[str], bool]:
    """Split a ``Main Authors`` value (names joined with ``", "``) into names.

    VuFind joins names with ``", "``, so an inverted name (``Shpal, Elizabeth J.``) contains the
    separator. A one-word part followed by a name-like part is read as ``Family, Given`` (with
    MARC life dates after it kept in the name). Returns the names and whether that reading was
    a guess (the list mixed one-word and several-word parts).
    """
    parts = [p.strip() for p in _NAME_LIST_GAPS.split(clean(text) or "") if p.strip()]
    names: list[str] = []
    guessed = False
    shapes = [" " not in p for p in parts if not _LIFE_DATES.match(p)]
    inverted = len(shapes) >= 2 and all(shapes[0::2]) and len(shapes) % 2 == 0
    mixed = any(shapes) and not all(shapes) and not inverted
    i = 0
    while i < len(parts):
        part = parts[i]
        nxt = parts[i + 1] if i + 1 < len(parts) else None
        if nxt is not None and " " not in part and not _LIFE_DATES.match(nxt) and len(nxt.split()) <= 3:
            name = f"{part}, {nxt}"
            i += 2
            guessed = guessed or mixed
        else:
            name = part
            i += 1
        if i < len(parts) and _LIFE_DATES.match(parts[i]):
            name = f"{name}, {parts[i]}"
            i += 1
        names.append(name)
    return names, guessed


def split_published(text: str) -> tuple[str | None, str | None, str | None]:
    """``New York : Springer, 2019.`` -> place, publisher, date (each may be None).

    VuFind renders place, publisher and date joined by spaces (DOAJ: ``Frontiers Media S.A.
    2022-09-01``); MARC data brings its ISBD punctuation along.
    """
    value = clean(text) or ""
    date = None
    match = _PUB_DATE.search(value)
    if match:
        date = _DATE_RANGE_GAP.split(match.group(1))[0]
        value = value[: match.start()]
    value = value.strip().rstrip(",;:").strip()
    place = None
    if " : " in value:
        place, value = (v.strip() for v in value.split(" : ", 1))
    return place or None, value or None, date


# --------------------------------------------------------------------------------------------
# The Staff View


_DATE_SUFFIXES: Final = ("_date", "_date_mv")


def _time_fit(value: str) -> float:
    return 0.5 if _ISO_TIME.match(value) else -1.0


def _short_fit(value: str) -> float:
    return 0.2 if len(value) <= 80 else -0.8


@functools.lru_cache(maxsize=2048)
def _issn_fit(value: str) -> float:
    """Memoised (bounded): a journal's ISSNs come back with each of its articles in a dump."""
    return 0.3 if normalize_issn(value.split()[0] if value else "") else -0.5


#: Field name -> how well a value fits it (see :func:`_value_fit`); one lookup instead of a
#: chain of comparisons, the fits being asked for about twenty lines a page.
_FIT_RULES: Final[dict[str, Callable[[str], float]]] = {
    **dict.fromkeys(_SHORT, _short_fit),
    "id": lambda value: 0.2 if len(value) <= 80 and " " not in value else -0.8,
    "_version_": lambda value: 0.5 if value.isdigit() else -1.0,
    "first_indexed": _time_fit,
    "last_indexed": _time_fit,
    "url": lambda value: 0.3 if "://" in value or value.startswith("www.") else -0.8,
    "issn": _issn_fit,
    "isbn": lambda value: 0.3 if normalize_isbn(value) else -0.5,
    "work_keys_str_mv": lambda value: 0.3 if value.startswith(("AT ", "UT ")) else -0.8,
    "title_sort": lambda value: 0.2 if value == value.lower() else -0.3,
}


def _value_fit(name: str, value: str) -> float:
    """How well ``value`` fits field ``name`` (positive: typical, negative: unlikely): by the
    name's rule in :data:`_FIT_RULES`, as an ISO time for a name ending in ``_date`` or
    ``_date_mv`` (no name with a rule does), else 0."""
    rule = _FIT_RULES.get(name)
    if rule is not None:
        return rule(value)
    if name.endswith(_DATE_SUFFIXES):
        return _time_fit(value)
    return 0.0


def _continuation_fit(name: str, line: str) -> float:
    """How well a further line fits as a continuation of field ``name``."""
    if not line.strip():
        return 0.0
    if name in _ONE_LINE or name.endswith(("_date", "_boolean")):
        return -1.5
    if name in ("url", "work_keys_str_mv", "issn", "isbn"):
        return min(0.0, _value_fit(name, line.strip()))
    return 0.0


#: A line that reads as ``field value``: ``(at, name, value)``, ``at`` its index among the
#: page's lines (a plain tuple: the DP below makes one per field line).
_Candidate = tuple[int, str, str]


#: How a field's continuation lines score (see :func:`_continuation_fit`): not at all, -1.5 for
#: each non-empty line, or by the value each line holds.
_CONT_NONE, _CONT_LINES, _CONT_VALUES = 0, 1, 2


def _continuation_kind(name: str) -> int:
    if name in _ONE_LINE or name.endswith(("_date", "_boolean")):
        return _CONT_LINES
    if name in ("url", "work_keys_str_mv", "issn", "isbn"):
        return _CONT_VALUES
    return _CONT_NONE


#: Memo of :func:`_continuation_kind` per field name (a page has a few dozen fields, a dump
#: repeats them); bounded, dynamic field names being open-ended.
_CONT_KINDS: dict[str, int] = {}
_CONT_KINDS_SIZE: Final = 1024


#: Names :func:`_value_fit` has a rule for (besides the ``_date`` and ``_date_mv`` suffixes):
#: any other field's value fits with 0, which the DP below takes without the call.
_FITTED: Final = frozenset(_FIT_RULES)


def _best_field_lines(lines: Sequence[str], kinds: Sequence[_Kind] | None = None) -> list[_Candidate]:
    """Choose which lines are field lines: names strictly increasing in byte order, values
    fitting their fields, continuation lines fitting the field above them.

    A dynamic programme over the candidate lines: a candidate's score is the best score of an
    earlier candidate with a smaller name plus the fit of the lines between them as that
    candidate's continuation (or, with no predecessor, -0.5 per non-empty line skipped), plus
    1 and the fit of its own value. Continuation fits are 0 for most fields and -1.5 per
    non-empty line for one-line fields, so their sums come from a running count of non-empty
    lines; only ``url``, ``work_keys_str_mv``, ``issn`` and ``isbn`` sum line by line. While the
    names increase (the normal Staff View) every earlier candidate qualifies and the best of the
    plain ones is kept as a running maximum; otherwise all earlier candidates are tried.

    ``kinds`` are the lines' :func:`_line_kind` readings when the caller has them.
    """
    if kinds is None:
        kinds = _kinds_of(lines)
    cands = [(i, found[0], found[1]) for i, (_, found) in enumerate(kinds) if found]
    if not cands:
        return []
    n = len(lines)
    # nonempty[k]: the non-empty lines among lines[:k] (a running count, all in C)
    nonempty = list(itertools.accumulate(map(bool, map(str.strip, lines)), initial=0))
    names = [name for _, name, _ in cands]
    # running[ci]: None (continuations score 0), an int (the start of the continuation lines:
    # -1.5 per non-empty line from there) or the sums line by line from the start (not exact in
    # binary: summed in line order, as ever, and only as far as asked for)
    running: list[list[float] | int | None] = []
    for at, name, _ in cands:
        kind = _CONT_KINDS.get(name)
        if kind is None:
            kind = _continuation_kind(name)
            if len(_CONT_KINDS) < _CONT_KINDS_SIZE:  # bounded: field names are few
                _CONT_KINDS[name] = kind
        if kind == _CONT_NONE:
            running.append(None)
        elif kind == _CONT_LINES:
            running.append(at + 1)
        else:
            running.append([0.0])
    fits = [
        _value_fit(name, value) if name in _FITTED or name.endswith(_DATE_SUFFIXES) else 0.0
        for _, name, value in cands
    ]
    if _every_candidate_fits(lines, cands, names, fits, running, nonempty):
        return cands

    def total_at(pj: int, k: int) -> float:
        """Candidate ``pj``'s score plus the fit of the lines after it up to line ``k``."""
        run = running[pj]
        if run is None:
            return score[pj] + 0.0
        if type(run) is int:
            lines_between = nonempty[k] - nonempty[run]
            return score[pj] + (-1.5 * lines_between if lines_between else 0.0)
        sums: list[float] = run  # type: ignore[assignment]
        start = cands[pj][0] + 1
        while len(sums) <= k - start:
            sums.append(sums[-1] + _continuation_fit(names[pj], lines[start + len(sums) - 1]))
        return score[pj] + sums[k - start]

    score: list[float] = []
    back: list[int] = []
    plain_best = -1  # the first candidate scoring no continuation with the highest score so far
    # the candidates whose continuations score (never above 0), highest score first, with their
    # negated scores for bisect: the search below stops at the first that cannot reach the best
    scored: list[int] = []
    scored_keys: list[float] = []
    top_name = ""  # the greatest name so far
    for ci, (index, name, _) in enumerate(cands):
        best = -0.5 * nonempty[index]
        arg = -1
        if ci and name > top_name:
            # every earlier candidate has a smaller name: find the first one with the highest
            # total; a continuation fit is never above 0, so a candidate whose score is below
            # the highest total found cannot reach it, nor can any after it in ``scored``
            pick = plain_best
            total_found = score[plain_best] + 0.0 if plain_best >= 0 else 0.0
            for pj in scored:
                if pick >= 0 and score[pj] < total_found:
                    break
                total = total_at(pj, index)
                if pick < 0 or total > total_found or (total == total_found and pj < pick):
                    pick, total_found = pj, total
            if pick >= 0 and total_found > best:
                best, arg = total_found, pick
        else:
            for pj in range(ci):
                if names[pj] >= name:
                    continue
                total = total_at(pj, index)
                if total > best:
                    best, arg = total, pj
        own = best + 1.0 + fits[ci]
        score.append(own)
        back.append(arg)
        if running[ci] is None:
            if plain_best < 0 or own > score[plain_best]:
                plain_best = ci
        else:
            at = bisect.bisect_right(scored_keys, -own)
            scored_keys.insert(at, -own)
            scored.insert(at, ci)
        if name > top_name:
            top_name = name
    # the first candidate with the highest final total (from the end: the chain's last field
    # usually wins, and a candidate scoring below the best total found cannot reach it)
    ci, final = -1, 0.0
    for cj in range(len(cands) - 1, -1, -1):
        if ci >= 0 and score[cj] < final:
            continue
        total = total_at(cj, n)
        if ci < 0 or total >= final:
            ci, final = cj, total
    chosen: list[_Candidate] = []
    while ci != -1:
        chosen.append(cands[ci])
        ci = back[ci]
    chosen.reverse()
    return chosen


def _every_candidate_fits(
    lines: Sequence[str],
    cands: Sequence[_Candidate],
    names: Sequence[str],
    fits: Sequence[float],
    running: Sequence[list[float] | int | None],
    nonempty: Sequence[int],
) -> bool:
    """Whether the usual Staff View is at hand, for which :func:`_best_field_lines` chooses every
    candidate: names strictly increasing, each value fitting with more than -1, and every line
    between two candidates (or after the last) fitting the field above it with 0.

    Then leaving a candidate out loses its ``1 + fit > 0`` (1 + fit is at least 0.2, far above
    rounding) and can only add continuation fits <= 0 (its lines going to the field before it, or
    -0.5 each before the first field), so taking them all is the one best choice, the one the
    dynamic programme finds; this check costs a pass instead of the programme.
    """
    if not all(map(operator.lt, names, itertools.islice(names, 1, None))):
        return False
    if not all(fit > -1.0 for fit in fits):
        return False
    for ci, run in enumerate(running):
        if run is None:
            continue  # continuation lines fit with 0
        start = cands[ci][0] + 1
        stop = cands[ci + 1][0] if ci + 1 < len(cands) else len(lines)
        if type(run) is int:
            if nonempty[stop] != nonempty[start]:
                return False  # a one-line field with more lines under it
        elif any(_continuation_fit(names[ci], lines[k]) != 0.0 for k in range(start, stop)):
            return False
    return True


def parse_staff_view(lines: Sequence[str]) -> dict[str, Any]:
    """Read Staff View lines into a Solr document (lists for multi-valued fields, strings else).

    Lines before the first field line are ignored. A multi-valued field takes one value per line;
    a single-valued field (``description``) joins its lines with newlines.
    """
    return _staff_document(lines, _kinds_of(lines))


#: Per field name: how its continuation lines score (:func:`_continuation_kind`), whether it is
#: single-valued (:func:`_single_valued`) and whether :func:`_value_fit` has a rule for it (a
#: page has a few dozen fields and a dump repeats them; bounded, dynamic names being open-ended).
_NAME_INFO: dict[str, tuple[int, bool, bool]] = {}
_NAME_INFO_SIZE: Final = 1024


def _name_info(name: str) -> tuple[int, bool, bool]:
    info = _NAME_INFO.get(name)
    if info is None:
        fitted = name in _FITTED or name.endswith(_DATE_SUFFIXES)
        info = (_continuation_kind(name), _single_valued(name), fitted)
        if len(_NAME_INFO) < _NAME_INFO_SIZE:
            _NAME_INFO[name] = info
    return info


def _plain_staff_document(lines: Sequence[str], kinds: Sequence[_Kind]) -> dict[str, Any] | None:
    """The document of a usual Staff View in one pass, or None for any other.

    :func:`_best_field_lines` chooses every candidate when taking them all is the one best
    chain: names strictly increasing, every value fitting with more than -1, and the
    continuation fits under that chain summing to ``shortfall`` (<= 0) with ``lowest + shortfall
    > 0``, ``lowest`` being the least ``1 + fit`` of a field line. Any other chain leaves out at
    least one candidate, losing its ``1 + fit >= lowest``, and can at most win back the
    shortfall (continuation fits are never above 0, and lines before its first field score -0.5
    each, as under every chain); so it scores less, by at least 0.1 as every fit is a multiple
    of 0.1 (:func:`_every_candidate_fits` is the case ``shortfall == 0``). This checks those
    conditions line by line while it builds the document as :func:`_staff_document` would from
    that choice, without the candidate list, the running counts and the dynamic programme.
    None (on the first condition that fails) sends the page the long way.
    """
    doc: dict[str, Any] = {}
    name = ""  # the field being read ("" before the first field line)
    value = ""
    single = False
    more: list[str] = []  # its continuation lines, stripped
    cont = _CONT_NONE
    shortfall = 0.0
    lowest = 1.0
    for line, (_, found) in zip(lines, kinds, strict=True):
        if found is None:
            if not name:
                continue  # before the first field line: not part of the document
            if cont != _CONT_NONE:
                shortfall += _continuation_fit(name, line)
            more.append(line.strip())
            continue
        if found[0] <= name:
            return None  # names not strictly increasing (a first name is never "")
        if name:
            _put_field(doc, name, value, single, more)
            more = []
        name, value = found
        cont, single, fitted = _NAME_INFO.get(name) or _name_info(name)
        if fitted:
            fit = _value_fit(name, value)
            if fit <= -1.0:
                return None
            lowest = min(lowest, 1.0 + fit)
    if shortfall and lowest + shortfall < 0.05:
        return None
    if name:
        _put_field(doc, name, value, single, more)
    return doc


def _put_field(doc: dict[str, Any], name: str, value: str, single: bool, more: list[str]) -> None:
    """Enter one field into a Staff View document: its value on the field line, then its
    continuation lines (stripped): joined with newlines for a single-valued field, one value a
    non-empty line for a multi-valued one."""
    if not more:  # no continuation lines (most fields)
        doc[name] = value.strip() if single else ([value] if value else [])
    elif single:
        doc[name] = "\n".join([value, *more]).strip()
    else:
        doc[name] = [v for v in (value, *more) if v]


def _staff_document(lines: Sequence[str], kinds: Sequence[_Kind]) -> dict[str, Any]:
    """:func:`parse_staff_view` with the lines' :func:`_line_kind` readings already known."""
    plain = _plain_staff_document(lines, kinds)
    if plain is not None:
        return plain
    chosen = _best_field_lines(lines, kinds)
    doc: dict[str, Any] = {}
    if not chosen:
        return doc
    stops = [at for at, _, _ in chosen[1:]]
    stops.append(len(lines))
    for (at, name, value), stop in zip(chosen, stops, strict=True):
        if stop == at + 1:  # no continuation lines (most fields)
            if _single_valued(name):
                doc[name] = value.strip()
            else:
                doc[name] = [value] if value else []
            continue
        more = [line.strip() for line in lines[at + 1 : stop]]
        if _single_valued(name):
            doc[name] = "\n".join([value, *more]).strip()
        else:
            doc[name] = [v for v in (value, *more) if v]
    return doc


# --------------------------------------------------------------------------------------------
# The public view


@attrs.define
class PublicView:
    """The public part of one page: header lines and labelled values in page order."""

    title: str | None = None
    teaser: str | None = None
    full_description_link: bool = False
    labels: list[tuple[str, list[str]]] = attrs.Factory(list)
    other: list[str] = attrs.Factory(list)


def _staff_start(kinds: Sequence[_Kind]) -> int:
    """Index of the first Staff View line, or ``len(kinds)`` when the page has none (``kinds``:
    the page's lines read by :func:`_line_kind`)."""
    for i, (_, found) in enumerate(kinds):
        if found and found[0] == "_version_" and found[1].isdigit():
            return i
    for i, (label, found) in enumerate(kinds):
        if label or not found:
            continue
        following = [f[0] for _, f in kinds[i : i + 12] if f]
        if len(following) >= 3 and following == sorted(set(following)):
            return i
    return len(kinds)


def parse_public_view(lines: Sequence[str]) -> PublicView:
    """Read the title, summary teaser and ``Label: value`` lines of a page's public view."""
    return _public_view(lines, _kinds_of(lines))


def _public_view(lines: Sequence[str], kinds: Sequence[_Kind]) -> PublicView:
    """:func:`parse_public_view` with the lines' :func:`_line_kind` readings already known (the
    reading of a line is that of the line stripped)."""
    view = PublicView()
    header: list[str] = []
    current: list[str] | None = None
    for raw, (label, _) in zip(lines, kinds, strict=True):
        line = raw.strip()
        if label:
            current = [label[1]] if label[1] else []
            view.labels.append((label[0], current))
        elif line == _CAPTION:
            current = None
        elif current is not None:
            if line:
                current.append(line)
        elif line:
            header.append(line)
    if _FULL_DESCRIPTION in header:
        view.full_description_link = True
        header = [h for h in header if h != _FULL_DESCRIPTION]
    if header:
        view.title = header[0]
    if len(header) > 1:
        view.teaser = header[1]
        view.other = header[2:]
    return view


# --------------------------------------------------------------------------------------------
# Mapping one page


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if type(value) is str:  # a single-valued field (str(value) would be value itself)
        return [value] if value.strip() else []
    return [str(v) for v in (value if isinstance(value, list) else [value]) if str(v).strip()]


def _public_document(view: PublicView, builder: RecordBuilder) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The public view as Solr fields (and, per field, the label it came from).

    Values without a Solr field go to ``extra`` under their label; a ``DOI`` label sets the DOI.
    """
    doc: dict[str, list[str]] = {}
    source: dict[str, str] = {}
    published_seen = False
    for label, values in view.labels:
        field = LABEL_FIELDS.get(label)
        if label == "DOI":
            for value in values:
                builder.set_doi(value, source_field="DOI")
            continue
        if label == "Published" and published_seen:
            field = "dateSpan"  # the Description tab's "Published" is the date span
        if field is None:
            if values:
                builder.keep(label, values if len(values) > 1 else values[0])
            continue
        if not values:
            continue
        if field == "publisher":
            published_seen = True
            for value in values:
                place, publisher, date = split_published(value)
                if place:
                    builder.keep("publication_place", place)
                if publisher:
                    doc.setdefault("publisher", []).append(publisher)
                if date:
                    doc.setdefault("publishDate", []).append(date)
            source["publisher"] = source["publishDate"] = label
            continue
        if field in ("author", "author2", "author_corporate"):
            names: list[str] = []
            for value in values:
                found, guessed = split_author_list(value) if field != "author_corporate" else ([value], False)
                for name in found:
                    role = _ROLE.search(name)
                    if role:
                        builder.keep("author_roles", {name[: role.start()]: role.group(1)})
                        name = name[: role.start()]
                    names.append(name)
                if guessed:
                    builder.flag(
                        "ambiguous_field",
                        f"{label}: names joined with ', ' may be inverted (Family, Given)",
                        [value, " | ".join(found)],
                        field="authors",
                    )
            values = names
        if field == "url":
            links = [v for v in values if "://" in v or v.startswith("www.")]
            if len(links) < len(values):
                builder.keep(label, [v for v in values if v not in links])
            values = links
        doc.setdefault(field, []).extend(values)
        source[field] = label
    return doc, source


def _agree(field: str, page: Sequence[str], staff: Sequence[str]) -> bool:
    """Whether the page's values for ``field`` say the same as the Staff View's."""
    if page and set(page) <= set(staff):
        return True  # the usual page: each value is one of the Staff View's, as written
    if field == "language":
        return {to_bcp47(v) or _loose(v) for v in page} <= {to_bcp47(v) or _loose(v) for v in staff}
    if field == "publishDate":
        return any(s.strip().startswith(p.strip()) or p.strip().startswith(s.strip()) for p in page for s in staff)
    if field == "url":
        return {v.rstrip("/") for v in page} <= {v.rstrip("/") for v in staff}
    if field in ("author", "author2", "author_corporate"):
        words = [_name_words(v) for v in staff]
        return all(_name_words(p) in words for p in page)
    if field in ("isbn", "issn"):
        norm = normalize_isbn if field == "isbn" else normalize_issn
        return {norm(p) or _loose(p) for p in page} <= {norm(s) or _loose(s) for s in staff}
    loose_staff = {_loose(v) for v in staff}
    if field in ("publisher", "series", "container_title", "edition", "physical", "format"):
        return all(any(p in s or s in p for s in loose_staff) for p in map(_loose, page))
    return {_loose(v) for v in page} <= loose_staff


def _name_words(name: str) -> list[str]:
    """The words of a name, each made :func:`_loose`, sorted: the name compared regardless of
    order and punctuation. Case-folded whole (folding is per character, so the same as word by
    word), then split at white space and commas."""
    return sorted([w if w.isalnum() else _NOT_ALNUM.sub("", w) for w in _NAME_GAPS.split(name.casefold()) if w])


def _title_agrees(title: str, staff: Mapping[str, Any]) -> bool:
    if any(title in _as_list(staff.get(name)) for name in ("title", "title_full", "title_short")) and (
        title and _NOT_ALNUM.fullmatch(title.casefold()) is None
    ):
        # the usual page: the title line is a Staff View title as written, and has a letter or
        # digit (_loose(title) is not empty; this tells without making it: the match fails
        # at the first letter)
        return True
    heading = _loose(title)
    short = _as_list(staff.get("title_short"))
    sub = _as_list(staff.get("title_sub"))
    # lazily: the first form (``title``) usually agrees, and the later ones need not be made
    forms = itertools.chain(
        (_loose(v) for name in ("title", "title_full", "title_short") for v in _as_list(staff.get(name))),
        (_loose(s + " " + t) for s in short for t in sub),
    )
    return any(f and (f == heading or f.startswith(heading) or heading.startswith(f)) for f in forms)


#: Solr field -> the Record field it ends up in, for naming the field of a conflict flag.
_RECORD_FIELD: Final = {
    "author": "authors", "author2": "authors", "author_corporate": "authors", "publishDate": "date_published",
    "container_title": "journal", "series": "journal", "url": "urls", "issn": "issns", "format": "type",
    "topic": "keywords", "description": "abstract",
}  # fmt: skip


def _merge(
    staff: dict[str, Any], page: Mapping[str, list[str]], source: Mapping[str, str], builder: RecordBuilder
) -> dict[str, Any]:
    """Staff View fields, plus the public view's where the Staff View lacks them; flags
    disagreements between the two."""
    merged = dict(staff)
    for field, values in page.items():
        known = _as_list(staff.get(field))
        if not known:
            merged[field] = "\n".join(values) if _single_valued(field) else list(values)
        elif not _agree(field, values, known):
            builder.flag(
                "value_conflict",
                f"the page's {source.get(field, field)} differs from the Staff View's {field}",
                [f"{source.get(field, field)}: {'; '.join(values)}", f"{field}: {'; '.join(known)}"],
                field=_RECORD_FIELD.get(field, field),
            )
    return merged


def _teaser(view: PublicView, staff: Mapping[str, Any], merged: dict[str, Any], builder: RecordBuilder) -> None:
    """The summary under the title: a check on ``description``, or the abstract itself only when
    it was not cut."""
    teaser = view.teaser
    if not teaser:
        return
    full = _as_list(staff.get("description"))
    if full:
        if not (teaser == full[0] or untruncate(teaser, full[0]) or _loose(teaser) == _loose(full[0])):
            builder.flag(
                "value_conflict",
                "the summary on the page is not the start of the Staff View's description",
                [teaser, full[0][:300]],
                field="abstract",
            )
        return
    if "description" in merged:
        return  # a Summary/Abstract label gave the full text
    if view.full_description_link or is_truncated(teaser):
        builder.keep("summary_teaser", teaser)
    else:
        merged["description"] = teaser


def map_page(lines: Sequence[str], builder: RecordBuilder) -> bool:
    """Map one page's lines into ``builder``; False when the page held nothing recognisable."""
    kinds = _kinds_of(lines)  # each line read once for every step below
    start = _staff_start(kinds)
    view = _public_view(lines[:start], kinds[:start])
    staff = _staff_document(lines[start:], kinds[start:]) if start < len(lines) else {}
    page, source = _public_document(view, builder)
    merged = _merge(staff, page, source, builder)
    if view.title:
        if not any(staff.get(n) for n in ("title", "title_short", "title_full")):
            merged["title"] = view.title
        elif not _title_agrees(view.title, staff):
            builder.flag(
                "value_conflict",
                "the page title differs from the Staff View's title",
                [view.title, str(staff.get("title") or staff.get("title_short") or staff.get("title_full"))],
                field="title",
            )
    _teaser(view, staff, merged, builder)
    if view.other:
        builder.keep("page_text", view.other)
    if not merged:
        return False
    map_document(merged, builder)
    return True


# --------------------------------------------------------------------------------------------
# Splitting a dump into pages


@attrs.define
class _Page:
    """Lines of the page being read, with what the splitter learned about them."""

    lines: list[TextLine] = attrs.Factory(list)
    phase: str = "empty"  # empty | public | staff
    last_field: str = ""
    last_field_at: int = -1
    has_id: bool = False
    caption: bool = False
    labels: set[str] = attrs.Factory(set)
    size: int = 0
    _first_text: int | None = None  # index of the first line with text, once seen
    _scanned: int = 0  # lines before this index are known to be blank

    def content(self) -> bool:
        """Whether any line has text. Incremental (lines are only appended or cut short): asked
        once per line, a full scan was quadratic on a run of blank lines (a minute for 60,000)."""
        n = len(self.lines)
        if self._first_text is not None:
            if self._first_text < n:
                return True
            self._first_text, self._scanned = None, n  # cut before it: what is left is blank
            return False
        for i in range(min(self._scanned, n), n):
            if self.lines[i].text.strip():
                self._first_text = i
                return True
        self._scanned = n
        return False

    def first_text(self) -> int:
        """Index of the first line with text (of a page that has one)."""
        self.content()
        return self._first_text or 0

    def add(self, line: TextLine) -> None:
        self.lines.append(line)
        self.size += len(line.text)


_LINE_TEXT: Final = operator.attrgetter("text")


class _Splitter:
    """Cuts a stream of lines into pages (see the module docstring for the boundaries)."""

    #: How far ahead a Staff View restart without ``_version_`` looks for the new page's ``id``.
    LOOKAHEAD = 200

    def __init__(self, lines: Iterator[TextLine], limit: int) -> None:
        self.source = lines
        self.ahead: list[TextLine] = []
        self.page = _Page()
        self.limit = limit

    def _next(self) -> TextLine | None:
        if self.ahead:
            return self.ahead.pop(0)
        return next(self.source, None)

    def _peek(self, count: int) -> list[TextLine]:
        while len(self.ahead) < count:
            line = next(self.source, None)
            if line is None:
                break
            self.ahead.append(line)
        return self.ahead[:count]

    def pages(self) -> Iterator[_Page]:
        """The pages, each with at least one line of text.

        Each line is read as label and field line once (:func:`_line_kind`). Most lines can
        neither start a page nor change what the splitter knows, and are only appended: a line
        that is neither label nor field line (a blank line, a continuation, a public-view line
        after the first) unless it is the caption or the ``Full description`` link, and inside a
        Staff View a field after the previous one (which only moves the last field on). The
        other lines go through :meth:`_turn`, which looks for a page boundary.
        """
        source = self.source
        ahead = self.ahead
        known = _LINE_KINDS.get  # the memo first: most lines were seen before
        page = self.page
        while True:
            line = ahead.pop(0) if ahead else next(source, None)
            if line is None:
                break
            raw = line.text
            text = raw.strip()
            kind = (known(text) or _learn_kind(text)) if text else _NEITHER
            if kind is _NEITHER:  # the memo and _read_kind give this very object for "neither"
                # a separator is neither label nor field line; only a rule of "-", "=", "*" or
                # "_", or white space with a form feed, can match _SEPARATOR: the regex runs
                # for those lines alone
                if (text[0] in "-=*_" if text else "\f" in raw) and _SEPARATOR.match(raw):
                    yield from self._flush()
                    page = self.page
                    continue
                if text in _MARKS or (text and page.phase == "empty"):
                    yield from self._turn(text, None, None)
                    page = self.page
            else:
                label, found = kind
                if label is None and found is not None and page.phase == "staff" and found[0] > page.last_field:
                    # a field after the previous one: the Staff View goes on
                    page.last_field = found[0]
                    page.last_field_at = len(page.lines)
                    page.has_id = page.has_id or found[0] == "id"
                elif label is not None and page.phase != "staff" and not (
                    label[0] in _ONCE_LABELS and label[0] in page.labels
                ):
                    # a label of the public view being read (no label line is a field line
                    # too): no boundary, only one more label seen (what _feed would do)
                    page.labels.add(label[0])
                    page.phase = "public"
                else:
                    yield from self._turn(text, label, found)
                    page = self.page
            page.lines.append(line)
            page.size += len(raw)
            if page.size > self.limit:
                yield from self._flush()  # reported as too long by split(); memory stays bounded
                page = self.page
        yield from self._flush()

    def _turn(self, text: str, label: tuple[str, str] | None, found: tuple[str, str] | None) -> Iterator[_Page]:
        """Take in a line (``text`` stripped, read as ``label`` and ``found``) that may start a
        page or tell the splitter more: the page it ends, if it does, is yielded (the lines
        of the new page already read are moved to it), then the line is fed to the page it
        belongs to (the caller appends it)."""
        page = self.page
        cut = self._cut_before(text, label, found)
        if cut is not None:
            rest = page.lines[cut:]
            page.lines = page.lines[:cut]
            page.size -= sum(len(old.text) for old in rest)
            yield from self._flush()
            for old in rest:
                old_text = old.text.strip()
                self._feed(old_text, *(_line_kind(old_text) if old_text else _NEITHER))
                self.page.add(old)
        self._feed(text, label, found)

    def _flush(self) -> Iterator[_Page]:
        if self.page.content():
            yield self.page
        self.page = _Page()

    def _cut_before(
        self, text: str, label: tuple[str, str] | None, found: tuple[str, str] | None
    ) -> int | None:
        """Where a new page begins, if the line ``text`` (read as ``label`` and ``found``) shows
        that one has (index into the page)."""
        page = self.page
        if not page.content():
            return None
        if text in (_CAPTION, _FULL_DESCRIPTION) or self._public_start(label):
            if page.phase == "staff" or (text == _CAPTION and (page.caption or page.labels)):
                return self._header_start(text)
            if label and label[0] in _ONCE_LABELS and label[0] in page.labels:
                return self._header_start(text)
            return None
        if found and page.phase == "staff" and found[0] <= page.last_field and self._restarts(found):
            return len(page.lines)
        if found and page.phase == "public" and found[0] == "_version_" and page.last_field:
            return len(page.lines)
        return None

    def _public_start(self, label: tuple[str, str] | None) -> bool:
        """A label line that starts (or restarts) a public view: in a Staff View only when the
        next line is a label too (a description line may look like ``Summary: ...``)."""
        if not label:
            return False
        if self.page.phase != "staff":
            return label[0] in _ONCE_LABELS and label[0] in self.page.labels
        following = self._peek(1)
        return bool(following and _label_line(following[0].text))

    def _restarts(self, found: tuple[str, str]) -> bool:
        """A field sorting before the previous one starts a new Staff View when it is
        ``_version_`` or when a second ``id`` line follows in field order."""
        name, value = found
        if name == "_version_":
            return value.isdigit()
        if not self.page.has_id:
            return False
        last = name
        for line in self._peek(self.LOOKAHEAD):
            text = line.text.strip()
            if _SEPARATOR.match(line.text) or text == _CAPTION:
                return False
            nxt = _field_line(text)
            if nxt and nxt[0] > last:
                if nxt[0] == "id":
                    return True
                if nxt[0] > "id":
                    return False
                last = nxt[0]
        return False

    def _header_start(self, text: str) -> int:
        """Index of the new page's title line: above the caption (or first label) come, going
        up, ``Full description``, the teaser and the title, each optional but the title."""
        lines = self.page.lines
        floor = self.page.last_field_at + 1 if self.page.phase == "staff" else 0
        above = [i for i in range(len(lines) - 1, floor - 1, -1) if lines[i].text.strip()]
        if text == _FULL_DESCRIPTION:
            # the link follows the teaser, which follows the title
            return above[1] if len(above) >= 2 else (above[0] if above else len(lines))
        if above and lines[above[0]].text.strip() == _FULL_DESCRIPTION:
            above = above[1:]
            return above[1] if len(above) >= 2 else (above[0] if above else len(lines))
        if not above:
            return len(lines)
        if len(above) >= 2 and self._teaser_then_title(lines[above[0]].text, lines[above[1]].text):
            return above[1]
        return above[0]

    def _teaser_then_title(self, nearer: str, farther: str) -> bool:
        """Whether ``nearer`` is an uncut summary and ``farther`` the title above it (rather
        than ``nearer`` the title and ``farther`` the end of the previous page)."""
        nearer, farther = nearer.strip(), farther.strip()
        if self.page.phase == "staff":
            last = self.page.last_field
            if _continuation_fit(last, farther) < 0:
                return True
            if last == "work_keys_str_mv" or last == "url":
                return False
        elif self.page.labels:
            return False  # after labels: farther is a label's continuation value
        return len(nearer) >= 2 * len(farther) and len(nearer) >= 120

    def _feed(self, text: str, label: tuple[str, str] | None, found: tuple[str, str] | None) -> None:
        """Update what the splitter knows about the page with one more line (``text`` stripped,
        read as ``label`` and ``found`` by :func:`_line_kind`)."""
        page = self.page
        if not text:
            return
        if text == _CAPTION:
            page.caption = True
            page.phase = "public"
            return
        if page.phase != "staff" and label:
            page.labels.add(label[0])
            page.phase = "public"
            return
        if found is None:
            if page.phase == "empty":
                page.phase = "public"
            return
        name = found[0]
        if page.phase != "staff":
            if not self._staff_begins(found):
                page.phase = "public"
                return
            page.phase = "staff"
        if name > page.last_field:
            page.last_field = name
            page.last_field_at = len(page.lines)
            page.has_id = page.has_id or name == "id"

    def _staff_begins(self, found: tuple[str, str]) -> bool:
        if found[0] == "_version_" and found[1].isdigit():
            return True
        names = [found[0]]
        for line in self._peek(6):
            nxt = _field_line(line.text)
            if nxt:
                names.append(nxt[0])
        return len(names) >= 3 and names == sorted(set(names))


# --------------------------------------------------------------------------------------------
# The parser

#: Label -> what it becomes, for the documentation (Staff View fields: see vufind_solr.FIELD_MAP).
FIELD_MAP: Final[dict[str, str]] = {
    **{label: f"Solr {field}, then as vufind_solr maps it" for label, field in LABEL_FIELDS.items() if field},
    "Published": "publisher and publishDate (place in extra['publication_place'])",
    "DOI": "doi",
    "title line": "title (when the Staff View has none)",
    "summary teaser": "abstract only when not cut; else extra['summary_teaser']",
    "Staff View fields": "the Solr document, mapped by vufind_solr.map_document",
}


def _record_id(texts: Sequence[str]) -> str | None:
    """The value of a page's first ``id`` field line (a plain loop: half the time of a
    generator expression over every line of the page)."""
    for text in texts:
        if "id" in text:
            found = _field_line(text)
            if found and found[0] == "id":
                return found[1]
    return None


def _sniff_text(text: str) -> float:
    lines = [line.strip() for line in text.splitlines()]
    caption = _CAPTION in lines
    labels = sum(1 for line in lines if _label_line(line))
    version = any(re.match(r"^_version_ \d+$", line) for line in lines)
    fields: list[str] = []
    for line in lines:
        found = _field_line(line)
        if found and (not fields or found[0] > fields[-1]):
            fields.append(found[0])
    markers = len({"title_full", "title_fullStr", "spellingShingle", "author_facet", "record_format",
                   "recordtype", "title_sort", "first_indexed", "work_keys_str_mv", "publishDate"} & set(fields))  # fmt: skip
    if version and len(fields) >= 4:
        return 0.95
    if len(fields) >= 6 and markers >= 2:
        return 0.9
    if caption and labels >= 2:
        return 0.85
    if labels >= 3 and any(_label_line(line) and line.startswith(("Main Author", "Online Access", "Format")) for line in lines):
        return 0.5
    return 0.0


class VuFindTextParser(Parser):
    """Text renderings of VuFind record pages: public view and Staff View, one page or many."""

    name = "vufind-text"
    title = "VuFind record page as text (public view and/or Staff View; one page or a dump)"
    media_types = ("text/plain",)
    patterns = ("*.txt",)
    field_map: ClassVar[dict[str, str]] = FIELD_MAP
    #: A page starts afresh at the line where ``split`` cut it, so ranges of pages map alone.
    splittable = True
    #: Cutting pages looks at every line (a third of a read): ``read(jobs=N)`` splits once and
    #: sends the pages (tuples of lines) to the workers, see :mod:`recordparse.splitting`.
    ship_raw_records = True

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._own_limits = limits is not None  # else the limits the input was opened with

    def sniff(self, head: bytes) -> float:
        """0.95 for a ``_version_`` line with at least four Staff View fields in byte order;
        0.9 for six or more ordered fields including VuFind-only ones (``title_full``,
        ``spellingShingle``, ``author_facet`` ...); 0.85 for a ``Bibliographic Details`` caption
        with two or more known labels; 0.5 for three labels without the caption; JSON and XML 0."""
        try:
            stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
            if stripped[:1] in (b"{", b"[", b"<"):
                return 0.0
            return _sniff_text(head.decode("utf-8", "replace"))
        except Exception:
            return 0.0

    def split(self, inp: Input) -> Iterator[RawRecord | Failure]:
        limits = self.limits if self._own_limits else (inp.limits or self.limits)
        splitter = _Splitter(iter_lines(inp, limits=limits), limits.max_record)
        number = 0
        for page in splitter.pages():
            number += 1
            lines = page.lines
            first = lines[page.first_text()]
            position = Position(inp.name, number, first.number, first.offset)
            if page.size > limits.max_record:
                yield Failure(position, f"page longer than {limits.max_record} bytes", kind="limit", parser=self.name)
                continue
            texts = tuple(map(str.rstrip, map(_LINE_TEXT, lines)))  # in C, no bytecode per line
            fallback = [line.number for line in lines if line.fallback]
            ident = _record_id(texts)
            yield RawRecord(texts, position, record_id=ident, context={"fallback_lines": fallback} if fallback else None)

    def map(self, raw: RawRecord) -> Record:
        lines = raw.data
        if not isinstance(lines, tuple):
            raise self.fail(raw, "not a page of text lines")
        builder = RecordBuilder(self.name, may_hold_surrogates=False)
        if not map_page(lines, builder):
            raise self.fail(raw, "no title, label or Staff View field found on this page")
        if isinstance(raw.context, Mapping) and raw.context.get("fallback_lines"):
            builder.flag(
                "encoding_fallback",
                "lines that were not valid UTF-8 were decoded as windows-1252",
                [f"line {n}" for n in raw.context["fallback_lines"][:10]],
                severity="info",
            )
        return builder.build()
