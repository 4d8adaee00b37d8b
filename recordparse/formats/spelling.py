"""The ``spelling`` field of a VuFind document indexed from DOAJ: segmenting the run-together blob.

VuFind's ``doaj.xsl`` fills ``allfields`` with ``normalize-space()`` of the harvested ``oai_doaj``
file, and Solr copies it into the stored ``spelling`` field (format note ``doaj-vufind.md``
§4.2-4.3). The harvester injected the record id and the OAI datestamp (and optionally setSpecs)
before DOAJ's elements, and DOAJ's XML has no whitespace between elements, so the string is::

    id datestamp [setSpec*] [language] publisher journalTitle [issn] [eissn] publicationDate
    [volume] [issue] [startPage] [endPage] [doi] [publisherRecordId] title
    (name [email] [affiliationId] [orcid])* affiliationName* abstract fullTextUrl keyword*

all glued together. It is the only place in the document that keeps the DOI, volume, issue,
pages, publisher record id, affiliations and ORCIDs. Everything the document also holds in its
own fields is used as an anchor; what lies between anchors is split with scored readings:

- the citation run between ``publicationDate`` and the title (:func:`split_citation_run`): the
  DOI's left edge is fixed by ``10.NNNN/``; its right edge, and how the digits before it divide
  into volume, issue and pages, are chosen by plausibility (start <= end page, page counts, small
  volume and issue numbers, the full-text URL holding the DOI or a number of it, a Frontiers-style
  publisher record id repeating the DOI's last digits);
- the affiliation names (:func:`split_affiliations`): their number is known from the ids after the
  author names; they are cut at lower-to-upper-case joins (``…United StatesDepartment…``), at a
  full stop or bracket glued to a capital, and, when needed and supported by a repeated text, at
  a space.

Whenever a second reading scores within :data:`MARGIN` of the best, the best is used and an
``ambiguous_field`` flag lists the readings, so a guess is never presented as certain. A
``spelling`` with several values (SolrMarc: one string per MARC field) is not a DOAJ blob and is
never segmented.
"""

from __future__ import annotations

import base64
import binascii
import functools
import itertools
import re
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from operator import itemgetter
from typing import Any, Final

import attrs

from ..builder import RecordBuilder
from ..normalize.identifiers import normalize_orcid
from ..normalize.languages import to_bcp47
from ..normalize.text import clean

__all__ = [
    "MARGIN",
    "AuthorPart",
    "CitationReading",
    "SpellingParts",
    "apply_spelling",
    "segment_spelling",
    "split_affiliations",
    "split_citation_run",
]

#: A reading that scores within this much of the best one is plausible too (scores are rough
#: log-odds). Exactly at the margin counts as plausible, so an unsupported split is flagged.
MARGIN: Final = 1.5

#: The citation fields of the run between publicationDate and title, in oai_doaj order.
CITATION_FIELDS: Final = ("volume", "issue", "start_page", "end_page", "doi", "article_number")

_DATESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_DOI_START = re.compile(r"10\.\d{4,9}/")
_ORCID_URL = re.compile(r"https?://(?:www\.)?orcid\.org/\d{4}-\d{4}-\d{4}-\d{3}[\dX]", re.I)
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+?\.[A-Za-z]{2,}?(?=\d|https?://|\s|[A-Z]|$)")
_SETSPECS = re.compile(r"[A-Za-z0-9_\-~]+")
_LANG_CODE = re.compile(r"[a-z]{3}$")
_DOAJ_ID = re.compile(r"^doaj[._-]art-|^doaj_", re.I)
_TRAILING_DIGITS = re.compile(r"\d+$")

# Piece shapes of the citation run.
_INT = re.compile(r"0|[1-9]\d*")
_ZERO_LED = re.compile(r"0\d+")
_ELOCATOR = re.compile(r"[A-Za-z]\d+[A-Za-z]?")
_SUPPL = re.compile(
    r"(?:suppl?(?:ement)?|sup|spec(?:ial)?(?: issue)?|special issue|hs|esp|no|nr|n|s)\.?\s?\d*[a-z]?",
    re.I,
)
_NUM_RANGE = re.compile(r"\d+\s?[/_.\-–]\s?\d+[A-Za-z]?")
_ROMAN = re.compile(r"[IVXLCivxlc]+")
_INT_SUFFIX = re.compile(r"\d+[A-Za-z]")

_OPEN_QUOTES: Final = "„“\"«‘'("
_ORDINAL = re.compile(r"\d{1,2}(?:st|nd|rd|th|er|e|º|ª)\s")
#: Name particles written glued to a capitalised name (``McGill``, ``DeVry``, ``LaSalle``).
_NAME_PREFIXES: Final = frozenset({"Mc", "Mac", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von", "O"})
_BAD_END = re.compile(r"(?:[,;:&(\-–]|\b(?:of|for|and|de|del|di|du|des|da|do|et|und|y|e|für|and the))$")
#: _BAD_END matches at most 7 characters at the end ("and the"); searching the last 16 (which
#: hold the character before the match, for its \b) finds the same, without scanning a long part.
_BAD_END_SPAN: Final = 16


def _normalize_space(value: object) -> str:
    """XPath ``normalize-space()``: runs of space, tab, CR and LF become one space, ends trimmed.

    Deliberately narrower than :func:`~recordparse.normalize.text.clean` (which also folds no-break
    spaces): the blob was built by XSLT, so anchors must be normalised exactly as XSLT does.
    """
    text = str(value)
    # Tabs and line breaks become spaces, then runs of spaces are halved until none is left:
    # each step is one C-speed replace. (A substitution of ``[ \t\r\n]+`` matches at every
    # single space: 50-60 us on a 1,600-character abstract with one double space, against 7.)
    if "\n" in text or "\t" in text or "\r" in text:
        text = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    if type(value) is str:  # the common scalar, as the comprehension below would take it
        return [value] if value.strip() else []
    values = value if isinstance(value, (list, tuple)) else [value]
    return [str(v) for v in values if v is not None and not isinstance(v, (dict, list)) and str(v).strip()]


# --------------------------------------------------------------------------------------------
# Results


@attrs.frozen
class AuthorPart:
    """One author as found in the blob: the name, then what followed it."""

    name: str
    email: str | None = None
    affiliation_id: int | None = None
    orcid: str | None = None


@attrs.frozen
class CitationReading:
    """One way to divide the citation run: field -> value, and its plausibility score."""

    values: Mapping[str, str]
    score: float

    def render(self) -> str:
        parts = [f"{f}={self.values[f]}" for f in CITATION_FIELDS if f in self.values]
        return ", ".join(parts) or "(all empty)"


@attrs.define
class SpellingParts:
    """What :func:`segment_spelling` recovered from one blob.

    ``citation`` holds the plausible readings of the citation run, best first (one when it is
    certain); ``affiliation_readings`` likewise for the affiliation names. ``unparsed`` keeps
    every stretch of the blob that no anchor or reading explained.
    """

    identifier: str
    datestamp: str | None = None
    set_specs: list[str] = attrs.Factory(list)
    language_code: str | None = None
    citation: list[CitationReading] = attrs.Factory(list)
    authors: list[AuthorPart] = attrs.Factory(list)
    affiliation_readings: list[list[str]] = attrs.Factory(list)
    unparsed: list[str] = attrs.Factory(list)

    @property
    def affiliations(self) -> list[str]:
        return self.affiliation_readings[0] if self.affiliation_readings else []


# --------------------------------------------------------------------------------------------
# The citation run: volume issue startPage endPage doi publisherRecordId


def _url_text(url: str | None) -> str:
    return urllib.parse.unquote(url or "").lower()


_ALNUM_ASCII: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_ALONE = re.compile(r"(?<![a-z0-9])(?![a-z0-9])")  # where an empty token would stand alone


#: Bound of the memos of the citation scorers below. Dividing one run tries thousands of
#: readings built from the same few dozen pieces, so each piece's score is worked out once.
_SCORE_MEMO: Final = 4096


@functools.lru_cache(maxsize=_SCORE_MEMO)
def _token_in(text: str, token: str) -> bool:
    """``token`` stands alone in ``text`` (``/648.pdf`` holds 648, ``p278`` does not hold 278):
    lower-cased, with no ASCII letter or digit right before or after it.

    Found with str.find, not a regex built per token: the readings ask about thousands of
    different tokens, and compiling each one cost more than all the scoring."""
    token = token.lower()
    if not token:
        return _ALONE.search(text) is not None
    size = len(token)
    pos = text.find(token)
    while pos != -1:
        if (pos == 0 or text[pos - 1] not in _ALNUM_ASCII) and text[pos + size : pos + size + 1] not in _ALNUM_ASCII:
            return True
        pos = text.find(token, pos + 1)
    return False


def _doi_in_url(url: str, doi: str) -> bool:
    """The URL holds exactly this DOI (followed by a delimiter, its end, or a final newline, as
    the regex ``doi(?:$|[/?#&;])`` finds)."""
    doi = doi.lower()
    end = len(url)
    pos = url.find(doi)
    while pos != -1:
        after = pos + len(doi)
        if after == end or url[after] in "/?#&;" or (after == end - 1 and url[after] == "\n"):
            return True
        pos = url.find(doi, pos + 1)
    return False


def _doi_readings(tail: str, url: str) -> list[tuple[str, str, float]]:
    """``(doi, record_id, score)`` for every place the DOI at the start of ``tail`` could end."""
    if " " in tail:
        doi, _, rest = tail.partition(" ")
        return [(doi, rest.strip(), 0.0)]
    start = _DOI_START.match(tail)
    first_end = start.end() + 1 if start else 1
    out: list[tuple[str, str, float]] = []
    for end in range(first_end, len(tail) + 1):
        doi, rid = tail[:end], tail[end:]
        score = 0.0
        if doi[-1] in ".-/_:;(":
            score -= 4.0
        if url and _doi_in_url(url, doi):
            score += 4.0
        trailing = _TRAILING_DIGITS.search(doi)
        if trailing and len(trailing.group()) >= 3 and _token_in(url, trailing.group()):
            score += 1.5
        if rid:
            score -= 1.5 if rid[0].isdigit() and doi[-1].isalnum() else 3.0
            if re.search(r"[./]", rid):
                score -= 1.5  # record ids are plain codes; a dotted tail is the DOI's own
            if len(rid) >= 3 and doi.endswith(rid):
                score += 4.5  # the record id repeats the DOI's end (Frontiers: the article number)
            if len(rid) >= 2 and _token_in(url, rid):
                score += 2.0
        out.append((doi, rid, score))
    return out


def _year(value: str) -> int | None:
    return int(value) if _INT.fullmatch(value) and 1800 <= int(value) <= 2100 else None


def _range_score(piece: str) -> float:
    """``12/1``, ``3-4``: both numbers should be small (a long tail is glued-on digits)."""
    numbers = [int(n) for n in re.findall(r"\d+", piece)]
    penalty = sum(0.0 if n <= 60 else (-1.0 if n <= 200 else -3.0) for n in numbers)
    return -0.5 + penalty - (2.0 if re.search(r"(?<!\d)0\d", piece) else 0.0)


@functools.lru_cache(maxsize=_SCORE_MEMO)
def _volume_score(piece: str, year: int | None) -> float:
    if _INT.fullmatch(piece):
        n = int(piece)
        if _year(piece):
            return 0.0 if n == year else -0.6
        if 1 <= n <= 60:
            return 0.0
        if n <= 200:
            return -0.7
        return -2.0 if n <= 999 else -3.0
    if _NUM_RANGE.fullmatch(piece):
        return _range_score(piece)
    if _ROMAN.fullmatch(piece):
        return -1.2
    if _INT_SUFFIX.fullmatch(piece):
        return -1.5
    if _ZERO_LED.fullmatch(piece):
        return -3.0
    return -3.5 if _ELOCATOR.fullmatch(piece) or _SUPPL.fullmatch(piece) else -4.0


@functools.lru_cache(maxsize=_SCORE_MEMO)
def _issue_score(piece: str, year: int | None) -> float:
    if _INT.fullmatch(piece):
        n = int(piece)
        if _year(piece):
            return -0.3 if n == year else -0.8
        if 1 <= n <= 12:
            return 0.0
        if n <= 30:
            return -1.5
        if n <= 60:
            return -2.5
        return -3.0 if n <= 400 else -4.0
    if _SUPPL.fullmatch(piece):
        return -0.3
    if _NUM_RANGE.fullmatch(piece):
        return _range_score(piece) - 0.3
    if _INT_SUFFIX.fullmatch(piece):
        return -1.2
    if _ROMAN.fullmatch(piece):
        return -1.5
    if _ZERO_LED.fullmatch(piece):
        return -1.5 if len(piece) == 2 else -3.5
    return -3.0


@functools.lru_cache(maxsize=_SCORE_MEMO)
def _page_score(piece: str) -> float:
    if _INT.fullmatch(piece):
        n = int(piece)
        if n == 0:
            return -3.0
        return 0.0 if n <= 999 else (-0.3 if n <= 9999 else -1.5)
    if _ELOCATOR.fullmatch(piece):
        return 0.0 if piece[-1].isdigit() else -1.0
    if _INT_SUFFIX.fullmatch(piece) or _ROMAN.fullmatch(piece):
        return -1.0
    return -3.0 if _ZERO_LED.fullmatch(piece) else -4.0


@functools.lru_cache(maxsize=_SCORE_MEMO)
def _page_pair_score(start: str, end: str) -> float:
    """Start and end page together: same prefix letter (``S12``-``S19``), end not before start,
    a page count an article has."""
    first = re.fullmatch(r"([A-Za-z]?)(\d+)", start)
    last = re.fullmatch(r"([A-Za-z]?)(\d+)", end)
    if not (first and last and first.group(1) == last.group(1)):
        return -2.0
    low, high = int(first.group(2)), int(last.group(2))
    if high < low:
        return -6.0
    if low == high and first.group(1):
        return 0.5  # an e-locator given as both pages (e6892 e6892)
    count = high - low + 1
    if count <= 50:
        return 0.0
    if count <= 100:
        return -1.0
    return -2.5 if count <= 300 else -5.0


@attrs.frozen
class _Context:
    """What a reading of the citation run is judged against.

    ``evidence`` is the full-text URL and the DOI tail, lower-cased: numbers standing alone in
    them (``/13/4/1234``, ``…2021.58.1.008``) support readings that keep those numbers whole.
    ``article_style`` is set when the record id repeats the DOI's last digits (Frontiers), whose
    articles have neither issue nor pages.
    """

    year: int | None
    evidence: str
    article_style: bool
    protected: tuple[tuple[int, int], ...]  # spans of the run that hold a whole evidence number
    labelled: Mapping[str, frozenset[str]]  # "volume"/"issue" -> numbers written v48 / i2


_LABELLED = {
    "volume": re.compile(r"(?<![a-z])(?:v|vol|volume)[._-]?(\d+)"),
    "issue": re.compile(r"(?<![a-z])(?:i|n|no|nr|iss|issue|num)[._-]?(\d+)"),
}


def _context(prefix: str, url: str, tail: str, year: int | None, article_style: bool) -> _Context:
    evidence = f"{url} {tail.lower()}"
    numbers = {n for n in re.findall(r"\d+", evidence) if len(n) >= 3}
    protected = tuple(
        (m.start(), m.end()) for n in numbers for m in re.finditer(re.escape(n), prefix)
    )
    labelled = {k: frozenset(p.findall(evidence)) for k, p in _LABELLED.items()}
    return _Context(year, evidence, article_style, protected, labelled)


@functools.lru_cache(maxsize=_SCORE_MEMO)
def _locator_digits(value: str) -> str:
    """The number of an e-locator (``e123`` -> ``123``); other values as they are."""
    return value[1:] if _ELOCATOR.fullmatch(value) else value


def _evidence_score(values: Mapping[str, str], ctx: _Context) -> float:
    """Support from numbers the URL or DOI shows whole."""
    score = 0.0
    for field, weight, shortest in (("volume", 1.0, 2), ("issue", 0.5, 2), ("start_page", 1.0, 3), ("end_page", 1.0, 3)):
        value = values.get(field)
        if value is None:
            continue
        digits = _locator_digits(value)
        if len(digits) >= shortest and _token_in(ctx.evidence, digits):
            score += weight
        if field in ctx.labelled and value in ctx.labelled[field]:
            score += 1.0
    if "article_number" in values and "doi" not in values:
        # a publisher record id with no DOI before it: only its presence in the URL supports it
        rid = values["article_number"]
        score += 0.5 if len(rid) >= 3 and _token_in(ctx.evidence, rid) else -2.0
    return score


def _reading_score(values: Mapping[str, str], ctx: _Context) -> float:
    score = 0.0
    style = ctx.article_style
    volume, issue = values.get("volume"), values.get("issue")
    start, end = values.get("start_page"), values.get("end_page")
    score += _volume_score(volume, ctx.year) if volume is not None else -1.5
    if issue is not None:
        score += _issue_score(issue, ctx.year) - (1.0 if style else 0.0)
    else:
        score += 1.0 if style else -0.8
    if start is None and end is None:
        score += 1.0 if style else -0.8
    elif start is None:
        score -= 6.0
    else:
        score += _page_score(start) - (1.0 if style else 0.0)
        score += _page_score(end) + _page_pair_score(start, end) if end is not None else -1.0
    return score + _evidence_score(values, ctx)


def _cut_points(text: str) -> list[int]:
    """Where the run may be cut: anywhere but inside a run of letters."""
    return [i for i in range(1, len(text)) if not (text[i - 1].isalpha() and text[i].isalpha())]


def _prefix_readings(prefix: str, slots: Sequence[str], ctx: _Context) -> list[tuple[dict[str, str], float]]:
    if not prefix:
        return [({}, _reading_score({}, ctx))]
    cuts = _cut_points(prefix)
    out: list[tuple[dict[str, str], float]] = []
    for n_pieces in range(1, min(len(slots), len(prefix)) + 1):
        for chosen in itertools.combinations(cuts, n_pieces - 1):
            bounds = (0, *chosen, len(prefix))
            pieces = [prefix[a:b].strip() for a, b in itertools.pairwise(bounds)]
            if any(not p for p in pieces):
                continue
            # cutting through a number the URL or DOI shows whole is unlikely
            broken = -1.0 * sum(1 for c in chosen for a, b in ctx.protected if a < c < b)
            for slot_set in itertools.combinations(slots, n_pieces):
                values = dict(zip(slot_set, pieces, strict=True))
                out.append((values, _reading_score(values, ctx) + broken))
    return out


#: Longest citation prefix that is divided (a longer one is left whole: too many readings).
_MAX_PREFIX = 24


def split_citation_run(run: str, *, url: str | None = None, year: int | None = None) -> list[CitationReading]:
    """The plausible readings of the run between ``publicationDate`` and the title, best first.

    ``url`` (the full-text URL) and ``year`` (of publicationDate) are evidence. The first reading
    is the choice; further ones score within :data:`MARGIN` of it. An empty list means the run
    is too long to divide.
    """
    run = run.strip()
    url_l = _url_text(url)
    match = _DOI_START.search(run)
    if match:
        prefix, tail = run[: match.start()], run[match.start() :]
        doi_options = _doi_readings(tail, url_l)
        slots: tuple[str, ...] = CITATION_FIELDS[:4]
    else:
        prefix, tail, doi_options = run, "", [("", "", 0.0)]
        slots = (*CITATION_FIELDS[:4], "article_number")
    prefix = prefix.strip()
    if len(prefix) > _MAX_PREFIX:
        return []
    by_style: dict[bool, list[tuple[dict[str, str], float]]] = {}
    styled: list[tuple[str, str, float, bool]] = []
    for doi, rid, doi_score in doi_options:
        trailing = _TRAILING_DIGITS.search(doi) if doi else None
        style = bool(rid and trailing and rid == trailing.group())
        if style not in by_style:
            ctx = _context(prefix, url_l, tail, year, style)
            by_style[style] = sorted(_prefix_readings(prefix, slots, ctx), key=lambda r: -r[1])
        styled.append((doi, rid, doi_score, style))
    best = max(d + by_style[style][0][1] for _, _, d, style in styled)
    readings: dict[tuple[tuple[str, str], ...], CitationReading] = {}
    for doi, rid, doi_score, style in styled:
        for values, score in by_style[style]:
            total = doi_score + score
            if best - total > MARGIN:
                break
            full = {**values, "doi": doi, "article_number": rid} if doi else dict(values)
            full = {k: v for k, v in full.items() if v}
            key = tuple(sorted(full.items()))
            if key not in readings or readings[key].score < total:
                readings[key] = CitationReading(full, total)
    return sorted(readings.values(), key=lambda r: -r.score)


# --------------------------------------------------------------------------------------------
# Affiliation names


@attrs.frozen
class _Cut:
    start: int  # the previous part ends here
    end: int  # the next part starts here
    cost: float  # what choosing this cut costs (0 for a lower-to-upper join)
    skipped: float  # what leaving it inside a part costs


def _word_before(text: str, last: int) -> str:
    """The run of letters (``[^\\W\\d_]``: alphanumeric but not a decimal digit) that ends at
    index ``last`` of ``text``; '' when ``text[last]`` is not a letter (or ``last`` is -1)."""
    start = last
    while start >= 0 and text[start].isalnum() and not text[start].isdecimal():
        start -= 1
    return text[start + 1 : last + 1]


def _cuts(text: str) -> list[_Cut]:
    """Candidate places between two affiliation names, with what choosing or skipping costs.

    Glued joins are strong: a lower-case letter (or a full stop after one, or a bracket) right
    before a capital (``…United StatesDepartment``, ``…España.Departamento``), a letter right
    before an opening quote, an all-capitals word before a capitalised one (``USAMuseo``), a
    lower-case letter before an ordinal (``Norway2nd Clinic``). Weaker: a capital before a
    capitalised word inside a word, a full stop after a capital (``CEF.UP`` is one name), a digit
    next to a letter, a name particle (``McGill``). Weakest: a
    space before a capital, needed only when names had leading or trailing spaces.
    """
    out: list[_Cut] = []
    size = len(text)
    for i in range(1, size):
        here = text[i]
        if here.islower():
            # every cut below needs a space, a capital, a digit or an opening quote here: most
            # characters of a name are lower-case letters, and are passed over at this one test
            continue
        before = text[i - 1]
        after = text[i + 1] if i + 1 < size else ""
        ahead = text[i - 2] if i >= 2 else ""
        if here == " ":
            if after and (after.isupper() or after in _OPEN_QUOTES or after.isdigit()):
                out.append(_Cut(i, i + 1, -1.5, 0.0))
            continue
        if before == " ":
            continue
        opens = here.isupper() or here in _OPEN_QUOTES
        # the letters just before i (what re.search(r"[^\W\d_]+$", text[:i]) finds, "$" also
        # matching before a final newline): only the tests before a capital read them
        word = _word_before(text, i - 2 if before == "\n" else i - 1) if here.isupper() else ""
        if word and word in _NAME_PREFIXES and here.isupper():
            out.append(_Cut(i, i, -0.7, -0.5))  # McGill, DeVry, LaSalle: one name
        elif (
            (before.islower() and here.isupper())
            or (before in ".)]" and opens and (before != "." or ahead.islower()))
            or (before.isalpha() and here in _OPEN_QUOTES)
            or (len(word) >= 2 and word.isupper() and here.isupper() and after.islower())
            or (before.islower() and _ORDINAL.match(text, i))
        ):
            out.append(_Cut(i, i, 0.0, -2.0))
        elif (
            (before.isupper() and here.isupper() and after.islower())
            or (before == "." and opens)
            or (before.isdigit() and here.isupper())
            or (before.islower() and here.isdigit())
        ):
            out.append(_Cut(i, i, -0.7, -0.5))
    return out


class _PartScorer:
    """Scores one candidate part: repeated text (aligned with cuts elsewhere) is good evidence."""

    def __init__(self, text: str, cuts: Sequence[_Cut]) -> None:
        self.text = text
        # a repeat counts where it starts at the beginning or at a glued join (not at any space)
        self.starts = {0} | {c.end for c in cuts if c.start == c.end}
        self.ends = {len(text)} | {c.start for c in cuts}
        self.skip_prefix = [0.0]
        for c in cuts:
            self.skip_prefix.append(self.skip_prefix[-1] + c.skipped)
        self.cache: dict[tuple[int, int], float] = {}

    def _repeated(self, a: int, part: str) -> bool:
        pos = self.text.find(part)
        while pos != -1:
            if pos != a and pos in self.starts and pos + len(part) in self.ends:
                return True
            pos = self.text.find(part, pos + 1)
        return False

    def score(self, i: int, j: int, a: int, b: int) -> float:
        """Part text[a:b], lying between cut indexes i and j (exclusive) of the sorted cuts."""
        key = (a, b)
        if key not in self.cache:
            part = self.text[a:b].strip()
            value = self.skip_prefix[j] - self.skip_prefix[i + 1] if j > i + 1 else 0.0
            if len(part) < 4:
                value -= 2.0
            elif len(part) >= 10 and self._repeated(a, part):
                value += 1.0
            if part[:1].islower():
                value -= 1.0
            if _BAD_END.search(part[-_BAD_END_SPAN:]):
                value -= 2.0  # an affiliation does not end in a comma or "of"
            self.cache[key] = value
        return self.cache[key]


#: Above _FEW_CUTS candidate cuts, spaces are left out as cut points when the glued joins are
#: enough; above _MAX_CUTS in any case (the split is quadratic in the number of cuts).
_FEW_CUTS = 60
_MAX_CUTS = 160
_KEEP = 8
#: Bonus per affiliation equal to another one of the same split (DOAJ never deduplicates them).
_EQUAL_PART = 2.0


def split_affiliations(text: str, count: int) -> list[list[str]]:
    """Split concatenated affiliation names into ``count`` parts; plausible splits, best first.

    The first split is the choice; further ones score within :data:`MARGIN` of it. When the text
    cannot be split into ``count`` parts at all, the result is empty.
    """
    text = text.strip()
    if count <= 0 or not text:
        return []
    if count == 1:
        return [[text]]
    cuts = _cuts(text)
    glued = [c for c in cuts if c.start == c.end]
    if len(cuts) > _MAX_CUTS or (len(cuts) > _FEW_CUTS and len(glued) >= count - 1):
        # many words: leave spaces out as cut points when the glued joins suffice
        cuts = glued if len(glued) >= count - 1 else cuts[:_MAX_CUTS]
    scorer = _PartScorer(text, cuts)
    n = len(cuts)
    # best[j][k]: the _KEEP best (score, previous cut, rank there) of k parts ending before cut j
    best: list[list[list[tuple[float, int, int]]]] = [[[] for _ in range(count + 1)] for _ in range(n + 1)]
    ends = [cut.end for cut in cuts]
    for j in range(n + 1):
        end = cuts[j].start if j < n else len(text)
        cost = cuts[j].cost if j < n else 0.0
        first = scorer.score(-1, j, 0, end)
        best[j][1] = [(first + cost, -1, 0)]
        # the parts that can end here (not empty), each scored once for every number of parts
        ending = [(i, scorer.score(i, j, ends[i], end)) for i in range(j) if ends[i] < end]
        for k in range(2, count + 1):
            options: list[tuple[float, int, int]] = []
            for i, part in ending:
                earlier = best[i][k - 1]
                if earlier:  # (no k - 1 parts fit before cut i)
                    options.extend([(prev + part + cost, i, rank) for rank, (prev, _, _) in enumerate(earlier)])
            # best first; the sort is stable (also reversed), so equal scores keep their order
            options.sort(key=itemgetter(0), reverse=True)
            best[j][k] = options[:_KEEP]
    finals = best[n][count]
    if not finals:
        return []
    # the DP's repetition bonus is local; a split whose parts equal each other is what repeated
    # affiliations look like, so rerank the finalists by that
    ranked = []
    for rank, (score, _, _) in enumerate(finals):
        parts = _trace(text, cuts, best, n, count, rank)
        equal = sum(1 for i, p in enumerate(parts) if p in parts[:i] + parts[i + 1 :])
        ranked.append((score + _EQUAL_PART * equal, parts))
    ranked.sort(key=lambda r: -r[0])
    top = ranked[0][0]
    return [parts for score, parts in ranked if top - score <= MARGIN]


def _trace(
    text: str, cuts: Sequence[_Cut], best: Sequence[Sequence[Sequence[tuple[float, int, int]]]], j: int, k: int, rank: int
) -> list[str]:
    parts: list[str] = []
    while k >= 1:
        _, i, prev_rank = best[j][k][rank]
        begin = cuts[i].end if i >= 0 else 0
        end = cuts[j].start if j < len(cuts) else len(text)
        parts.append(text[begin:end].strip())
        j, k, rank = i, k - 1, prev_rank
    parts.reverse()
    return parts


# --------------------------------------------------------------------------------------------
# Walking the blob


class _Scanner:
    """A cursor over the blob; elements are glued, or separated by one space (normalize-space
    turns whitespace at element edges into one space)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def _space(self, pos: int) -> int:
        return pos + 1 if self.text.startswith(" ", pos) else pos

    def seek(self, literal: str, *, follow: str | None = None) -> int:
        """Where ``literal`` next occurs (preferring an occurrence followed by ``follow``); -1."""
        if not literal:
            return -1
        pos = self.text.find(literal, self.pos)
        first = pos
        while follow and pos != -1:
            after = self._space(pos + len(literal))
            if self.text.startswith(follow, after):
                return pos
            pos = self.text.find(literal, pos + 1)
        return first


def _decode_set_specs(text: str) -> list[str] | None:
    """Injected setSpecs: urlsafe base64 (``=`` written ``~``) of ``scheme:term``, run together.

    Each spec's length is a multiple of 4, so the run decodes 4 characters at a time; the
    decoded text is then cut before each ``SCHEME:``.
    """
    if not text or len(text) % 4 or not _SETSPECS.fullmatch(text):
        return None
    try:
        raw = b"".join(
            base64.urlsafe_b64decode(text[i : i + 4].replace("~", "=")) for i in range(0, len(text), 4)
        )
        decoded = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    specs = re.findall(r"[A-Z][A-Za-z]*:.*?(?=[A-Z][A-Za-z]*:|$)", decoded)
    return specs or [decoded]


def _language_split(head: str, doc: Mapping[str, Any]) -> tuple[str | None, str]:
    """Split the text between datestamp and publisher into (language code, setSpecs)."""
    match = _LANG_CODE.search(head)
    if not match:
        return None, head
    code = match.group()
    names = _texts(doc.get("language"))
    tags = {to_bcp47(n) for n in names} | set(names)
    if (names and (code in tags or to_bcp47(code) in tags)) or (not names and to_bcp47(code)):
        return code, head[: match.start()]
    return None, head


def _author_trailer(text: str, expected_id: int, last: bool) -> tuple[AuthorPart, str]:
    """Parse ``[email][affiliationId][orcid]`` after a name; returns what is left unexplained.

    For the last author the rest (the affiliation names) is returned; the id is taken only when
    it is the next one expected, so an affiliation starting with a digit is not eaten.
    """
    pos = 1 if text.startswith(" ") else 0
    email = None
    match = _EMAIL.match(text, pos)
    if match:
        email = match.group()
        pos = match.end()
    aff_id = None
    at = pos + (1 if text.startswith(" ", pos) else 0)
    if last:
        if text.startswith(str(expected_id), at):
            aff_id, pos = expected_id, at + len(str(expected_id))
    else:
        digits = re.match(r"\d+", text[at:])
        if digits:
            aff_id, pos = int(digits.group()), at + digits.end()
    orcid = None
    match = _ORCID_URL.match(text, pos + (1 if text.startswith(" ", pos) else 0))
    if match:
        orcid = match.group()
        pos = match.end()
    return AuthorPart("", email, aff_id, orcid), text[pos:]


class _Walker:
    """Walks one blob from anchor to anchor, collecting :class:`SpellingParts`."""

    def __init__(self, blob: str, doc: Mapping[str, Any], ident: str) -> None:
        self.scan = _Scanner(blob)
        self.doc = doc
        self.parts = SpellingParts(identifier=ident)
        self.scan.pos = len(ident)

    def skip_to(self, pos: int) -> None:
        gap = self.scan.text[self.scan.pos : pos].strip()
        if gap:
            self.parts.unparsed.append(gap)
        self.scan.pos = max(self.scan.pos, pos)

    def anchor(self, literal: str | None, follow: str | None = None) -> bool:
        """Consume ``literal`` next, or further on (the skipped text is kept as unparsed).

        (The test for "next" is written out here, not a scanner method: a blob has a dozen or
        more anchors, most found right where the cursor is, and a call cost as much as the test.)"""
        if not literal:
            return False
        scan = self.scan
        at = scan.pos + 1 if scan.text.startswith(" ", scan.pos) else scan.pos
        if scan.text.startswith(literal, at):
            scan.pos = at + len(literal)
            return True
        pos = scan.seek(literal, follow=follow)
        if pos == -1:
            return False
        self.skip_to(pos)
        self.scan.pos = pos + len(literal)
        return True

    def header(self, anchors: Sequence[str | None]) -> None:
        """Datestamp, setSpecs and language code, then the anchors that follow them in order
        (publisher, journal title, ISSNs, publicationDate)."""
        stamp = _DATESTAMP.match(self.scan.text, self.scan._space(self.scan.pos))
        if stamp:
            self.parts.datestamp = stamp.group()
            self.scan.pos = stamp.end()
        present = [a for a in anchors if a]
        if present:
            found = self.scan.seek(present[0])
            if found != -1:
                head = self.scan.text[self.scan.pos : found].strip()
                code, specs = _language_split(head, self.doc)
                self.parts.language_code = code
                decoded = _decode_set_specs(specs)
                if decoded is not None:
                    self.parts.set_specs = decoded
                elif specs:
                    self.parts.unparsed.append(specs)
                self.scan.pos = found
        for literal in present:
            self.anchor(literal)

    def citation(self, title: str | None, first_author: str | None, date: str | None, url: str | None) -> None:
        if not title:
            return
        end = self.scan.seek(title, follow=first_author)
        if end == -1:
            return
        run = self.scan.text[self.scan.pos : end]
        date = date or ""
        year = int(date[:4]) if date[:4].isascii() and date[:4].isdigit() else None
        if run.strip():
            self.parts.citation = split_citation_run(run, url=url, year=year)
        self.scan.pos = end + len(title)

    def authors(self, names: Sequence[str], next_anchor: str | None) -> None:
        expected = 0
        for index, name in enumerate(names):
            if not self.anchor(name, follow=names[index + 1] if index + 1 < len(names) else None):
                self.parts.unparsed.append(f"author not found: {name}")
                continue
            last = index + 1 == len(names)
            if last:
                stop = len(self.scan.text)
            else:
                stop = self.scan.seek(names[index + 1])
                stop = len(self.scan.text) if stop == -1 else stop
            part, rest = _author_trailer(self.scan.text[self.scan.pos : stop], expected, last)
            self.parts.authors.append(attrs.evolve(part, name=name))
            if part.affiliation_id is not None:
                expected = part.affiliation_id + 1
            self.scan.pos = stop - len(rest)
            if not last and rest.strip():
                self.parts.unparsed.append(rest.strip())
                self.scan.pos = stop
        self.affiliations(expected, next_anchor)

    def affiliations(self, count: int, next_anchor: str | None) -> None:
        stop = self.scan.seek(next_anchor) if next_anchor else len(self.scan.text)
        if stop == -1:
            stop = len(self.scan.text)
        region = self.scan.text[self.scan.pos : stop].strip()
        if count and region:
            readings = split_affiliations(region, count)
            if readings:
                self.parts.affiliation_readings = readings
            else:
                self.parts.unparsed.append(region)
        elif region:
            self.parts.unparsed.append(region)
        self.scan.pos = stop

    def tail(self, abstract: str | None, url: str | None, keywords: Sequence[str]) -> None:
        if abstract and not self.anchor(abstract):
            # a description that differs from the blob: find its beginning at least
            self.anchor(abstract[:60])
        if url:
            found = self.anchor(url)
            if not found and url.startswith("http://"):
                self.anchor(url[len("http://") :])
        for keyword in keywords:
            self.anchor(keyword)
        rest = self.scan.text[self.scan.pos :].strip()
        if rest:
            self.parts.unparsed.append(rest)


def _iter_anchors(value: Any) -> Iterator[str]:
    """A field's values (those :func:`_texts` gives) normalised as the XSLT did, testing the
    common string item first."""
    if type(value) is str:
        if value.strip():
            yield _normalize_space(value)
        return
    if value is None:
        return
    for v in value if isinstance(value, (list, tuple)) else (value,):
        if type(v) is not str:
            if v is None or isinstance(v, (dict, list)):
                continue
            v = str(v)
        if v.strip():
            yield _normalize_space(v)


def _anchors(value: Any) -> list[str]:
    """Every value of :func:`_iter_anchors`."""
    return list(_iter_anchors(value))


def _first_anchor(value: Any) -> str | None:
    """The first of :func:`_iter_anchors`, found without normalising the other values."""
    return next(_iter_anchors(value), None)


def _blob_identifier(blob: str, doc: Mapping[str, Any]) -> str | None:
    """The injected id the blob starts with: the document's id, or text before a datestamp."""
    for ident in _texts(doc.get("id")):
        if blob.startswith(ident.strip()):
            return ident.strip()
    match = re.match(r"(\S+?)(?=\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)", blob)
    if match and _DOAJ_ID.match(match.group(1)):
        return match.group(1)
    return None


def segment_spelling(blob: str, doc: Mapping[str, Any]) -> SpellingParts | None:
    """Segment a DOAJ ``spelling`` blob using the document's other fields as anchors.

    Returns None when ``blob`` does not look like a harvested oai_doaj record (it must start
    with the injected id followed by an OAI datestamp).
    """
    ident = _blob_identifier(blob, doc)
    if ident is None or not _DATESTAMP.match(blob, len(ident) + (1 if blob[len(ident) : len(ident) + 1] == " " else 0)):
        return None
    # Each field the walk uses as an anchor is read (and normalised) once, here.
    get = doc.get
    date = _first_anchor(get("publishDate"))
    walker = _Walker(blob, doc, ident)
    walker.header([_first_anchor(get("publisher")), _first_anchor(get("series")), *_anchors(get("issn")), date])
    names = _anchors(get("author"))
    title = _first_anchor(get("title")) or _first_anchor(get("title_short"))
    url = _first_anchor(get("url"))
    walker.citation(title, names[0] if names else None, date, url)
    abstract = _first_anchor(get("description"))
    keywords = _anchors(get("topic"))
    next_anchor = abstract[:60] if abstract else url or (keywords[0] if keywords else None)
    if names:
        walker.authors(names, next_anchor)
    else:
        walker.affiliations(0, next_anchor)
    walker.tail(abstract, url, keywords)
    return walker.parts


# --------------------------------------------------------------------------------------------
# Into the builder


def _set_checked(builder: RecordBuilder, field: str, value: str) -> None:
    current = builder.get(field)
    if current is not None and clean(current) != clean(value):
        builder.flag("value_conflict", f"{field} in spelling differs", [current, value], field=field)
        return
    builder.set(field, value)


#: How many alternative readings an ambiguous_field flag quotes.
_SHOWN = 6


def _apply_citation(builder: RecordBuilder, readings: Sequence[CitationReading]) -> None:
    if not readings:
        return
    chosen = readings[0]
    if "_unsplit" in chosen.values:
        builder.keep("spelling_citation_run", chosen.values["_unsplit"])
        builder.flag(
            "ambiguous_field",
            "the volume/issue/pages run in spelling is too long to divide",
            [chosen.values["_unsplit"]],
            field="volume",
        )
        return
    for field in CITATION_FIELDS:
        value = chosen.values.get(field)
        if value is None:
            continue
        if field == "doi":
            builder.set_doi(value, source_field="spelling")
        else:
            _set_checked(builder, field, value)
    evidence = [r.render() for r in readings[:_SHOWN]]
    for field in CITATION_FIELDS:
        if any(r.values.get(field) != chosen.values.get(field) for r in readings[1:]):
            builder.flag(
                "ambiguous_field",
                f"{field} read from run-together text in spelling; other readings fit as well",
                evidence,
                field=field,
            )


def _apply_authors(builder: RecordBuilder, parts: SpellingParts) -> None:
    affiliations = parts.affiliations
    for author in parts.authors:
        affs: list[str] = []
        if author.affiliation_id is not None and author.affiliation_id < len(affiliations):
            affs = [affiliations[author.affiliation_id]]
        if affs or author.orcid:
            builder.add_person(author.name, affiliations=affs, orcid=normalize_orcid(author.orcid))
        if author.email:
            builder.keep("author_emails", {author.name: author.email})
    if len(parts.affiliation_readings) > 1:
        builder.flag(
            "ambiguous_field",
            "affiliation names run together in spelling; more than one split fits",
            [" | ".join(reading) for reading in parts.affiliation_readings[:_SHOWN]],
            field="authors",
        )


def apply_spelling(doc: Mapping[str, Any], builder: RecordBuilder) -> bool:
    """Recover what only a DOAJ document's ``spelling`` blob holds, into ``builder``.

    Sets ``extra["oai_datestamp"]`` (and ``oai_setspecs``), volume, issue, start and end page,
    DOI, article number (the publisher record id), each author's affiliation and ORCID. Readings that are not certain are flagged
    ``ambiguous_field``; blob text nothing explained goes to ``extra["spelling_unparsed"]``.
    The raw field itself is the caller's to keep. Returns False (and does nothing) when
    ``spelling`` is not one DOAJ blob, e.g. SolrMarc's one string per MARC field.
    """
    values = _texts(doc.get("spelling"))
    if len(values) != 1:
        return False
    parts = segment_spelling(values[0], doc)
    if parts is None:
        return False
    if parts.datestamp:
        builder.keep("oai_datestamp", parts.datestamp)
    if parts.set_specs:
        builder.keep("oai_setspecs", parts.set_specs)
    _apply_citation(builder, parts.citation)
    _apply_authors(builder, parts)
    if parts.unparsed:
        builder.keep("spelling_unparsed", parts.unparsed)
        builder.flag(
            "spelling_unparsed",
            "parts of spelling matched no field of the document",
            parts.unparsed[:3],
            severity="info",
        )
    return True
