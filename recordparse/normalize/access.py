"""Access wordings and vocabularies to one COAR-based status, and the rules that combine them.

Repositories say whether the full text can be read in three ways:

- free text on a page (``File(s) under permanent embargo``, ``Restricted to Repository staff only
  until 6 February 2027.``, ``Embargo bis 1. Januar 2027``, ``Nur Metadaten``), in English, German,
  French, Spanish, Portuguese, Italian and Dutch: :func:`classify_text`;
- controlled values (COAR URIs and labels, ``info:eu-repo/semantics/*Access``, DSpace 7
  ``accessStatus``, Zenodo ``access_right``, InvenioRDM ``access.status``, Hyrax visibility, EPrints
  ``full_text_status`` and document ``security``): :func:`from_vocabulary`;
- several of these at once, which may disagree: :func:`decide` combines them into one
  :class:`~recordparse.record.Access` and returns the signals that conflict.

Each reading is an :class:`AccessSignal` that quotes its evidence, so a record can always show
why it was called embargoed. Matching is deliberately conservative: long, distinctive UI
sentences are found anywhere in a text, but short words that also occur in ordinary prose
(``Open``, ``Restricted``, ``Privat``, ``Embargo``) only count when they make up the whole value,
optionally after a ``Label:`` prefix and before an end date. Nothing here ever calls an item open
because a date could not be read (fail closed).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Final

import attrs

from ..record import Access
from .dates import end_of_period, month_number, parse_date
from .text import clean

if TYPE_CHECKING:
    from ..builder import RecordBuilder

__all__ = [
    "PERMANENT",
    "SCHEMES",
    "AccessSignal",
    "apply_access",
    "classify_text",
    "decide",
    "find_date",
    "flag_conflicts",
    "from_vocabulary",
]

#: The ``embargo_end`` of an embargo that never lifts.
PERMANENT: Final = "permanent"

_STATUSES: Final = ("open", "embargoed", "restricted", "metadata_only", "unknown")


@attrs.frozen
class AccessSignal:
    """One reading of access from one source text or field.

    ``status`` is one of ``open``, ``embargoed``, ``restricted``, ``metadata_only``, ``unknown``;
    ``embargo_end`` an ISO date at the source's precision, ``"permanent"`` or ``None``;
    ``evidence`` the source text (or ``field=value``) it was read from.
    """

    status: str
    embargo_end: str | None
    evidence: str

    def __attrs_post_init__(self) -> None:
        if self.status not in _STATUSES:
            raise ValueError(f"access status must be one of {_STATUSES}, not {self.status!r}")


# --------------------------------------------------------------------------------------------
# Case and accent folding that keeps string length, so match spans map back to the source text.


def _fold_char(char: str) -> str:
    low = char.lower()
    if len(low) != 1:
        return char
    if low.isascii():
        return low
    base = unicodedata.normalize("NFKD", low)
    for part in base:
        if not unicodedata.combining(part):
            return part if len(part) == 1 else low
    return low


def _fold(text: str) -> str:
    if text.isascii():
        return text.lower()  # ASCII lower-casing keeps the length, and needs no accent folding
    return "".join(_fold_char(c) for c in text)


# --------------------------------------------------------------------------------------------
# Dates after (or inside) an access phrase.

_MONTH_WORD = r"[^\W\d_]{3,}\.?"
_ORDINAL = r"(?:\.|º|°|er|st|nd|rd|th)?"
#: Date shapes tried in order; each must also pass :func:`_real_months` and parse_date.
_DATE_SHAPES: Final = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?",
        r"\d{4}/\d{1,2}/\d{1,2}",
        r"\d{1,2}[./-]\d{1,2}[./-]\d{4}",
        rf"\d{{1,2}}{_ORDINAL}\s+(?:de\s+)?{_MONTH_WORD},?\s+(?:de\s+)?\d{{4}}",
        rf"{_MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}",
        rf"{_MONTH_WORD}\s+(?:de\s+)?\d{{4}}",
        r"\d{4}-\d{1,2}(?!\d)",
        r"\d{4}(?![\d/.-]\d)",
    )
)
_FILLER_WORDS: Final = frozenset({"de", "er", "st", "nd", "rd", "th"})

#: Words that introduce an end date after an access phrase, in the seven languages.
_CONNECTOR = (
    r"(?:until|till|through|thru|to|on|from|ends?(?:\s+on)?|lifts?(?:\s+on)?|expires?(?:\s+on)?"
    r"|end\s+date|release\s+date|date"
    r"|bis(?:\s+(?:zum|am))?|zum|am|ab"
    r"|jusqu['’]\s?(?:a|au)|jusqu['’]\s?au|au|le|sur"
    r"|hasta(?:\s+el)?|el"
    r"|ate(?:\s+(?:a|o|ao))?|em"
    r"|fino\s+al(?:l['’])?|fino\s+a|al"
    r"|tot(?:\s+en\s+met)?|op|t/m)"
)
_DATE_LEAD = re.compile(rf"[\s,:;(\[-]*(?:{_CONNECTOR}\b\s*:?\s*)?", re.IGNORECASE)
_TAIL_END = re.compile(r"[\s.)\]!;,]*$")


def _real_months(candidate: str) -> bool:
    """True when every word in a date candidate is a month name (or ``de``, ``er``, ``th``...)."""
    for word in re.findall(r"[^\W\d_]+", candidate):
        if _fold(word) in _FILLER_WORDS:
            continue
        if month_number(word) is None:
            return False
    return True


def _date_at(text: str, pos: int) -> tuple[str, int] | None:
    """A date starting exactly at ``pos``: its ISO form and end index."""
    for shape in _DATE_SHAPES:
        m = shape.match(text, pos)
        if m is None or not _real_months(m.group(0)):
            continue
        iso = parse_date(m.group(0))
        if iso is not None:
            return iso, m.end()
    return None


def find_date(text: str, start: int = 0) -> tuple[str, int, int] | None:
    """The first date in ``text`` at or after ``start``: ``(iso, begin, end)`` or None.

    Recognises ISO dates, ``DD.MM.YYYY``, ``6 February 2027``, ``1. Januar 2027``,
    ``1 de enero de 2027``, ``February 6, 2027``, ``March 2027`` and bare years; month names in the
    languages :mod:`recordparse.normalize.dates` knows.
    """
    for m in re.finditer(r"(?<![\w])(?=[\w])", text[start:]):
        pos = start + m.start()
        found = _date_at(text, pos)
        if found:
            return found[0], pos, found[1]
    return None


def _date_after(text: str, folded: str, pos: int) -> tuple[str | None, int, bool]:
    """A date that follows an access phrase ending at ``pos`` (``folded`` is ``text`` folded).

    Returns ``(iso, end, attempted)``: ``attempted`` is True when a connector (``until``,
    ``bis``...) was there, so an unreadable date can still be quoted as evidence.
    """
    lead = _DATE_LEAD.match(folded, pos)
    assert lead is not None  # the pattern can match the empty string
    found = _date_at(text, lead.end())
    if found:
        return found[0], found[1], True
    connector = lead.group(0).strip(" ,:;([-")
    if connector:
        # A connector with something unreadable after it: quote up to the end of the clause.
        rest = re.match(r"[^.;\n]{0,40}", text[lead.end():])
        end = lead.end() + (len(rest.group(0)) if rest else 0)
        return None, end, True
    return None, pos, False


# --------------------------------------------------------------------------------------------
# Phrase tables. Patterns are written against folded text: lower case, accents removed.


@attrs.frozen
class _Rule:
    """One wording: where it may appear and what it means.

    ``anchored`` rules must make up the whole value (after an optional ``Label:`` prefix and
    before an optional end date); the others are distinctive sentences found anywhere.
    ``dated`` rules look for an end date after the match; ``permanent`` rules mean an embargo
    that never lifts. Lower ``rank`` wins when a text matches several rules.
    """

    pattern: re.Pattern[str]
    status: str
    rank: int
    anchored: bool = False
    dated: bool = False
    permanent: bool = False
    needs_date: bool = False


def _sentences(status: str, rank: int, patterns: Iterable[str], **kw: bool) -> list[_Rule]:
    return [
        # A phrase ends at a word boundary, or with the whitespace before a lookahead word.
        _Rule(re.compile(rf"(?<![\w])(?:{p})(?:(?<=\s)|(?![\w]))"), status, rank, **kw)
        for p in patterns
    ]


def _terms(status: str, rank: int, terms: Iterable[str], **kw: bool) -> list[_Rule]:
    alternation = "|".join(sorted(terms, key=len, reverse=True))
    return [_Rule(re.compile(rf"(?:{alternation})(?![\w])"), status, rank, anchored=True, **kw)]


_PERMANENT_PHRASES = (
    r"(?:(?:file\(s\)|files?|items?|records?)\s+(?:is\s+|are\s+)?)?(?:under\s+)?"
    r"permanent(?:ly)?\s+embargo(?:ed)?",
    r"embargo(?:ed)?\s+(?:permanently|forever|indefinitely|in\s+perpetuity)",
    r"indefinite\s+embargo",
    r"(?:permanentes|dauerhaftes|unbefristetes)\s+embargo",
    r"embargo\s+(?:permanent|permanente|perpetuel|perpetuo|indefini|indefinido|definitivo)",
    r"embargo\s+(?:permanent|voor\s+onbepaalde\s+tijd)",
)

_EMBARGO_SENTENCES = (
    r"file\(s\)\s+under\s+embargo",
    r"files?\s+(?:is\s+|are\s+)?(?:currently\s+)?under\s+embargo",
    r"(?:this|the)\s+(?:item|work|thesis|record|file|document|publication|article|dataset|paper)s?"
    r"\s+(?:is|are)\s+(?:currently\s+)?(?:under\s+embargo|embargoed)",
    r"under\s+embargo\s+(?=until|till|to)",
    r"embargo(?:ed)?\s+(?=until|till)",
    r"embargo\s+(?:period\s+)?(?:ends?|end\s+date|expires|expiry\s+date|expiration\s+date"
    r"|release\s+date|lift\s+date|lifts|until)",
    r"access\s+is\s+allowed\s+from",
    r"(?:the\s+)?(?:record\s+and\s+files|record|files)\s+will\s+be\s+made\s+publicly\s+available\s+on",
    r"(?:zugang\s+)?unter\s+embargo\s+(?=bis\b)",
    r"embargo\s+(?=bis\b)",
    r"embargoende|embargo\s+endet(?:\s+am)?|sperrfrist\s+bis",
    r"embargo\s+(?=jusqu)",
    r"fin\s+(?:de\s+l['’]\s?)?embargo(?:\s+le)?",
    r"(?:seront|sera|est|sont)\s+rendus?e?s?\s+publi(?:c|que)s?\s+(?=sur|le)",
    r"embargo\s+(?=hasta\b)",
    r"fin\s+del\s+embargo",
    r"se\s+pondran?\s+a\s+disposicion\s+del\s+publico\s+(?=el\b)",
    r"embargo\s+(?=ate\b)",
    r"fim\s+do\s+embargo",
    r"embargo\s+(?=fino\b)",
    r"fine\s+(?:dell['’]\s?)?embargo",
    r"embargo\s+(?=tot\b)",
    r"einde\s+(?:van\s+(?:het\s+)?)?embargo",
    r"restricted\s+to\s+[^.;]{1,60}?\s+(?=until\b)",
)

_EMBARGO_INLINE = re.compile(
    r"(?<![\w])(?:werden|wird)\s+am\s+(?P<date>[^\n]{4,40}?)\s+offentlich\s+zuganglich\s+gemacht"
)

_EMBARGO_TERMS = (
    r"embargo",
    r"embargoed",
    r"embargoed\s+access",
    r"under\s+embargo",
    r"embargos",
    r"gesperrt",
    r"zugang\s+unter\s+embargo",
    r"unter\s+embargo",
    r"restriction\s+temporaire",
    r"sous\s+embargo",
    r"acces\s+sous\s+embargo",
    r"acceso\s+embargado",
    r"embargado",
    r"acesso\s+embargado",
    r"sob\s+embargo",
    r"em\s+embargo",
    r"embargato",
    r"sotto\s+embargo",
    r"accesso\s+embargato",
    r"onder\s+embargo",
    r"under\s+embargo",
)

_RESTRICTED_SENTENCES = (
    r"full\s+text\s+restricted",
    r"item\s+availability\s+restricted",
    r"restricted\s+bitstream",
    r"(?:this|the)\s+(?:item|resource|bitstream|file|record|document|work)\s+is\s+restricted",
    r"(?:files?|record|documents?)\s+(?:is|are)\s+restricted\s+to\s+users\s+with\s+access",
    r"(?:files?|record|documents?)\s+(?:is|are)\s+restricted(?=\.|,|;|$)",
    r"but\s+files\s+are\s+restricted",
    r"available\s+to\s+logged[-\s]in\s+users\s+only",
    r"requires\s+credentials\s+to\s+view",
    r"do\s+not\s+have\s+the\s+credentials\s+to\s+access",
    r"all\s+files\s+(?:of\s+this\s+document\s+)?in\s+restricted\s+access",
    r"nur\s+fur\s+zugriffsberechtigte\s+benutzer",
    r"eingeschrankte\s+datei",
    r"bitstream\s+restreint",
    r"limites?\s+aux\s+utilisateurs\s+ayant\s+acces",
    r"archivo\s+restringido",
    r"restringid[oa]s?\s+a\s+usuarios\s+con\s+permiso",
    r"(?:bitstream|ficheiro|arquivo)\s+restrito",
)

_RESTRICTED_LEADING = re.compile(r"^[\W_]*restricted\s+to(?![\w])")

_RESTRICTED_TERMS = (
    r"restricted",
    r"restricted\s+access",
    r"access\s+restricted",
    r"restricted\s+file",
    r"private",
    r"confidential",
    r"registered\s+users\s+only",
    r"repository\s+staff\s+only",
    r"staff\s+only",
    r"eingeschrankt",
    r"eingeschrankter\s+zugang",
    r"beschrankter\s+zugang",
    r"zugangsbeschrankt",
    r"privat",
    r"vertraulich",
    r"restreint",
    r"acces\s+restreint",
    r"prive",
    r"confidentiel",
    r"restringido",
    r"acceso\s+restringido",
    r"privado",
    r"confidencial",
    r"restrito",
    r"acesso\s+restrito",
    r"limitato",
    r"accesso\s+limitato",
    r"accesso\s+riservato",
    r"riservato",
    r"privato",
    r"confidenziale",
    r"beperkte\s+toegang",
    r"beperkt",
    r"niet\s+openbaar",
    r"vertrouwelijk",
)

_METADATA_SENTENCES = (
    r"full\s+text\s+not\s+available\s+from\s+this\s+repository",
    r"no\s+files\s+are\s+available\s+for\s+this\s+record",
    r"no\s+full[-\s]text\s+(?:is\s+)?available",
    r"metadata[-\s]only\s+(?:record|access)",
    r"(?:this\s+is\s+a\s+)?metadata\s+record\s+only",
    r"reiner\s+metadateneintrag",
    r"(?:kein\s+)?volltext\s+(?:ist\s+)?(?:nicht\s+)?(?:in\s+diesem\s+repositorium\s+)?(?:nicht\s+)?verfugbar",
    r"texte\s+integral\s+non\s+disponible",
    r"texto\s+completo\s+no\s+disponible",
    r"texto\s+(?:completo|integral)\s+nao\s+disponivel",
    r"testo\s+(?:completo|integrale)\s+non\s+disponibile",
    r"volledige\s+tekst\s+niet\s+beschikbaar",
)

_METADATA_TERMS = (
    r"metadata\s+only",
    r"metadata-only",
    r"metadata\s+only\s+access",
    r"metadata\s+record",
    r"closed\s+access",
    r"closed",
    r"nur\s+metadaten",
    r"reiner\s+metadateneintrag",
    r"metadonnees\s+(?:seulement|uniquement)",
    r"seulement\s+(?:les\s+)?metadonnees",
    r"acces\s+ferme",
    r"solo\s+metadatos",
    r"acceso\s+solo\s+a\s+metadatos",
    r"acceso\s+cerrado",
    r"(?:somente|apenas|so)\s+metadados",
    r"acesso\s+fechado",
    r"solo\s+metadat[ai]",
    r"accesso\s+chiuso",
    r"alleen\s+metadata",
    r"gesloten\s+toegang",
)

_REQUEST_COPY = (
    r"request\s+a\s+copy",
    r"kopie\s+anfordern",
    r"demander\s+une\s+copie",
    r"solicitar\s+una?\s+copia",
    r"richiedi(?:ere)?\s+una\s+copia",
    r"(?:een\s+)?kopie\s+aanvragen",
)

_OPEN_SENTENCES = (
    r"(?:the\s+)?record\s+and\s+files\s+are\s+publicly\s+accessible",
)

_OPEN_TERMS = (
    r"open",
    r"open\s+access",
    r"public",
    r"publicly\s+accessible",
    r"free\s+access",
    r"offen",
    r"offentlich",
    r"freier\s+zugang",
    r"acces\s+libre",
    r"libre\s+acces",
    r"acces\s+ouvert",
    r"ouvert",
    r"ouvrir",
    r"acceso\s+abierto",
    r"abierto",
    r"abrir",
    r"publico",
    r"acesso\s+aberto",
    r"aberto",
    r"pubblico",
    r"accesso\s+aperto",
    r"apri",
    r"open\s+toegang",
    r"openbaar",
    r"vrij\s+toegankelijk",
)

_RULES: Final[tuple[_Rule, ...]] = (
    *_sentences("embargoed", 0, _PERMANENT_PHRASES, permanent=True),
    *_sentences("embargoed", 1, _EMBARGO_SENTENCES, dated=True),
    *_sentences("embargoed", 1, (r"embargo(?:\s+(?:end(?:\s+date)?|until|bis))?\s*:",), dated=True, needs_date=True),
    *_terms("embargoed", 2, _EMBARGO_TERMS, dated=True),
    *_sentences("metadata_only", 3, _METADATA_SENTENCES),
    *_sentences("restricted", 4, _RESTRICTED_SENTENCES, dated=True),
    *_terms("restricted", 5, _RESTRICTED_TERMS, dated=True),
    *_terms("metadata_only", 6, _METADATA_TERMS),
    *_sentences("restricted", 7, _REQUEST_COPY),
    *_sentences("open", 8, _OPEN_SENTENCES),
    *_terms("open", 9, _OPEN_TERMS),
)

_Matcher = Callable[[str, str], "AccessSignal | None"]

_LABEL_PREFIX = re.compile(r"[\W_]*(?:[^:\n]{1,50}:\s*)?")
_LEADING_JUNK = re.compile(r"[\W_]*")


def _signal(
    rule: _Rule, source: str, start: int, end: int, iso: str | None
) -> AccessSignal:
    evidence = source[start:end].strip(" ,;:-")
    if rule.permanent:
        return AccessSignal("embargoed", PERMANENT, evidence)
    if iso is not None:
        # A dated restriction ("Restricted to ... until 6 February 2027.") is an embargo.
        return AccessSignal("embargoed", iso, evidence)
    return AccessSignal(rule.status, None, evidence)


def _match_anchored(rule: _Rule, source: str, folded: str) -> AccessSignal | None:
    starts = {_LEADING_JUNK.match(folded).end()}  # type: ignore[union-attr]
    prefixed = _LABEL_PREFIX.match(folded)
    if prefixed:
        starts.add(prefixed.end())
    for start in sorted(starts):
        m = rule.pattern.match(folded, start)
        if m is None:
            continue
        if _TAIL_END.fullmatch(folded, m.end()):
            return _signal(rule, source, 0, len(source), None)
        if not rule.dated:
            continue
        iso, end, attempted = _date_after(source, folded, m.end())
        if attempted and _TAIL_END.fullmatch(folded, end):
            return _signal(rule, source, 0, len(source), iso)
    return None


def _match_sentence(rule: _Rule, source: str, folded: str) -> AccessSignal | None:
    for m in rule.pattern.finditer(folded):
        if not rule.dated:
            return _signal(rule, source, m.start(), m.end(), None)
        iso, end, _attempted = _date_after(source, folded, m.end())
        if rule.needs_date and iso is None:
            continue
        return _signal(rule, source, m.start(), max(end, m.end()), iso)
    return None


def _match_inline(source: str, folded: str) -> AccessSignal | None:
    """German InvenioRDM: ``... werden am 1. Januar 2027 öffentlich zugänglich gemacht``."""
    m = _EMBARGO_INLINE.search(folded)
    if m is None:
        return None
    found = find_date(source[m.start("date"): m.end("date")])
    iso = found[0] if found else None
    return AccessSignal("embargoed", iso, source[m.start(): m.end()])


def _match_restricted_to(source: str, folded: str) -> AccessSignal | None:
    """EPrints ``Restricted to <security type>`` at the start of a text (no end date)."""
    m = _RESTRICTED_LEADING.match(folded)
    if m is None:
        return None
    end = folded.find(".", m.end())
    end = len(source) if end < 0 else end + 1
    return AccessSignal("restricted", None, source[:end].strip())


def _matcher(rule: _Rule) -> _Matcher:
    if rule.anchored:
        return functools.partial(_match_anchored, rule)
    return functools.partial(_match_sentence, rule)


def _matchers() -> tuple[_Matcher, ...]:
    """Every wording test in order of precedence (most specific first, stable within a rank)."""
    ranked: list[tuple[float, _Matcher]] = [(float(r.rank), _matcher(r)) for r in _RULES]
    # A date inside the sentence (German InvenioRDM): after permanent, before other embargoes.
    ranked.append((0.5, _match_inline))
    # EPrints "Restricted to <security type>" without a date: after the dated restrictions.
    ranked.append((4.5, _match_restricted_to))
    ranked.sort(key=lambda item: item[0])
    return tuple(m for _, m in ranked)


_MATCHERS: Final = _matchers()


def classify_text(text: str) -> AccessSignal | None:
    """Read an access wording in free text, or None when the text says nothing about access.

    ``text`` is a banner, a status value or a short passage of a page. The most specific wording
    found decides: a permanent embargo, then an embargo (with its date), metadata-only wordings,
    restricted, open. A date after an embargo wording (``until 6 February 2027.``, ``bis
    1. Januar 2027``, ``jusqu'à 1 janvier 2027``, ``hasta el 1 de enero de 2027``) becomes
    ``embargo_end``; an unreadable one leaves it None (still embargoed, never open). A restriction
    with an end date (``Restricted to Repository staff only until 6 February 2027.``) is an
    embargo. ``evidence`` quotes the words that decided, whitespace cleaned.
    """
    source = clean(text) if isinstance(text, str) else None
    if not source:
        return None
    return _classify(source)


@functools.lru_cache(maxsize=4096)
def _classify(source: str) -> AccessSignal | None:
    """:func:`classify_text` of a cleaned text, memoised: a dump repeats the same few rights
    statements and banners on record after record, and running every wording test over one
    costs 50-100 microseconds; an :class:`AccessSignal` is frozen, safe to share."""
    folded = _fold(source)
    for matcher in _MATCHERS:
        found = matcher(source, folded)
        if found is not None:
            return found
    return None


# --------------------------------------------------------------------------------------------
# Controlled vocabularies.

_COAR: Final = {
    "c_abf2": "open",
    "c_f1cf": "embargoed",
    "c_16ec": "restricted",
    "c_14cb": "metadata_only",
}
_EU_REPO: Final = {
    "openaccess": "open",
    "embargoedaccess": "embargoed",
    "restrictedaccess": "restricted",
    "closedaccess": "metadata_only",
}

#: Controlled values per scheme (lower case) -> status. ``eprints-security`` maps any other
#: non-empty value to ``restricted`` (site-local security levels such as ``internal``).
SCHEMES: Final[dict[str, dict[str, str]]] = {
    "coar": {
        "open access": "open",
        "embargoed access": "embargoed",
        "restricted access": "restricted",
        "metadata only access": "metadata_only",
    },
    "info-eu-repo": {f"info:eu-repo/semantics/{k}": v for k, v in _EU_REPO.items()},
    "dspace": {
        "open.access": "open",
        "embargo": "embargoed",
        "restricted": "restricted",
        "metadata.only": "metadata_only",
        "unknown": "unknown",
    },
    "zenodo": {
        "open": "open",
        "embargoed": "embargoed",
        "restricted": "restricted",
        "closed": "metadata_only",
    },
    "invenio": {
        "open": "open",
        "embargoed": "embargoed",
        "restricted": "restricted",
        "metadata-only": "metadata_only",
    },
    "hyrax": {
        "open": "open",
        "authenticated": "restricted",
        "restricted": "restricted",
        "embargo": "embargoed",
        "lease": "open",
    },
    "eprints-full-text": {
        "public": "open",
        "restricted": "restricted",
        "none": "metadata_only",
    },
    "eprints-security": {
        "public": "open",
        "validuser": "restricted",
        "staffonly": "restricted",
    },
}

_ANY_SCHEME: Final[dict[str, str]] = {}
for _table in SCHEMES.values():
    for _key, _status in _table.items():
        _ANY_SCHEME.setdefault(_key, _status)
        _ANY_SCHEME.setdefault(re.sub(r"[\s._-]+", " ", _key), _status)
for _key, _status in _EU_REPO.items():
    _ANY_SCHEME.setdefault(_key, _status)

_COAR_URI = re.compile(r"^(?:https?://)?purl\.org/coar/access_right/(c_[0-9a-z]{4})/?$", re.I)
_EU_REPO_URI = re.compile(r"^info:eu-repo/semantics/([a-z]+)$", re.I)
_EMBARGO_END_URI = re.compile(r"^info:eu-repo/date/embargoend/(.+)$", re.I)
_PERMANENT_WORDS: Final = frozenset({"0", "permanent", "forever", "never", "indefinite", "infinite"})


def _embargo_end(date: object) -> str | None:
    """An embargo end from a source value: ISO date, ``permanent`` (``'0'``, 9999-...) or None."""
    text = clean(date)
    if text is None:
        return None
    if text.lower() in _PERMANENT_WORDS or text.startswith("9999"):
        return PERMANENT
    return parse_date(text)


def _lookup(value: str, scheme: str | None) -> str | None:
    key = value.strip().lower()
    if scheme is not None:
        table = SCHEMES.get(scheme)
        if table is None:
            raise ValueError(f"unknown access scheme {scheme!r}; known: {sorted(SCHEMES)}")
        found = table.get(key)
        if found is None and scheme == "eprints-security" and key:
            return "restricted"
        if found is None and scheme == "coar":
            m = _COAR_URI.match(key)
            return _COAR.get(m.group(1)) if m else None
        return found
    m = _COAR_URI.match(key)
    if m:
        return _COAR.get(m.group(1))
    m = _EU_REPO_URI.match(key)
    if m:
        return _EU_REPO.get(m.group(1))
    return _ANY_SCHEME.get(key) or _ANY_SCHEME.get(re.sub(r"[\s._-]+", " ", key))


def from_vocabulary(
    value: str,
    *,
    date: str | None = None,
    scheme: str | None = None,
    field: str | None = None,
) -> AccessSignal | None:
    """Read a controlled access value; None when ``value`` belongs to no known vocabulary.

    ``date`` is the embargo end the source gives beside the value (Zenodo ``embargo_date``,
    DSpace ``embargoDate``, Figshare ``embargo_date`` where ``'0'`` means permanent); it is used
    for embargo statuses only, and an unreadable date leaves ``embargo_end`` None. An
    ``info:eu-repo/date/embargoEnd/YYYY-MM-DD`` value is itself an embargo with that end.
    ``scheme`` (a key of :data:`SCHEMES`) restricts the lookup to one vocabulary, which matters
    for EPrints document security, where any site-local level means restricted. ``field`` makes
    the evidence read ``field=value``.
    """
    text = clean(value) if isinstance(value, str) else None
    if text is None:
        return None
    evidence = f"{field}={text}" if field else text
    if date is not None and clean(date):
        evidence += f" (date: {clean(date)})"
    m = _EMBARGO_END_URI.match(text)
    if m and scheme in (None, "info-eu-repo"):
        return AccessSignal("embargoed", _embargo_end(m.group(1)), evidence)
    status = _lookup(text, scheme)
    if status is None:
        return None
    end = _embargo_end(date) if status == "embargoed" else None
    return AccessSignal(status, end, evidence)


# --------------------------------------------------------------------------------------------
# Combining signals.


def _date_key(iso: str) -> tuple[str, int]:
    last = end_of_period(iso)
    return (last.isoformat() if last else "", len(iso))


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


def decide(signals: Sequence[AccessSignal]) -> tuple[Access, list[AccessSignal]]:
    """Combine access signals into one :class:`~recordparse.record.Access` and its conflicts.

    Rules (most restrictive reading wins, so the result never depends on signal order):

    - a permanent embargo gives ``restricted`` with ``embargo_end="permanent"`` (COAR
      "embargoed" promises a release date; a permanent embargo has none);
    - otherwise a dated embargo gives ``embargoed`` with its date, even a past one (the access
      validator judges it against today); a ``restricted`` signal with a date counts as a dated
      embargo; of several dates the latest is kept;
    - otherwise ``embargoed`` (no date), ``restricted``, ``metadata_only``, ``open``, in that
      order; no signal, or only ``unknown`` ones, gives ``unknown``.

    ``open`` beside any closed signal, a permanent embargo beside a dated one, and two different
    end dates are conflicts: the signals involved are returned for an ``access_conflict`` flag.
    Evidence lists every signal's evidence, in input order.
    """
    known = [s for s in signals if s.status != "unknown"]
    evidence = _unique(s.evidence for s in signals)
    if not known:
        return Access("unknown", None, evidence), []
    statuses = {s.status for s in known}
    permanent = [s for s in known if s.embargo_end == PERMANENT]
    dated = [
        s
        for s in known
        if s.status in ("embargoed", "restricted") and s.embargo_end not in (None, PERMANENT)
    ]
    dates = sorted({s.embargo_end for s in dated if s.embargo_end}, key=_date_key)
    if permanent:
        access = Access("restricted", PERMANENT, evidence)
    elif dates:
        access = Access("embargoed", dates[-1], evidence)
    else:
        for status in ("embargoed", "restricted", "metadata_only", "open"):
            if status in statuses:
                access = Access(status, None, evidence)
                break
    conflicts: list[AccessSignal] = []
    if "open" in statuses and len(statuses) > 1:
        conflicts = list(known)
    elif permanent and dated:
        conflicts = [s for s in known if s in permanent or s in dated]
    elif len(dates) > 1:
        conflicts = list(dated)
    return access, conflicts


def apply_access(builder: RecordBuilder, signals: Sequence[AccessSignal]) -> Access:
    """:func:`decide` ``signals``, set the builder's access, and flag ``access_conflict``."""
    access, conflicts = decide(signals)
    builder.set_access(access.status, embargo_end=access.embargo_end, evidence=access.evidence)
    flag_conflicts(builder, access, conflicts)
    return access


def flag_conflicts(builder: RecordBuilder, kept: Access, conflicts: Sequence[AccessSignal]) -> None:
    """Flag ``access_conflict`` on ``builder`` when ``conflicts`` disagree with the ``kept`` access,
    quoting each conflicting signal's evidence."""
    if not conflicts:
        return
    readings = ", ".join(
        s.status + (f" until {s.embargo_end}" if s.embargo_end else "") for s in conflicts
    )
    builder.flag(
        "access_conflict",
        f"access signals disagree ({readings}); kept {kept.status}",
        [s.evidence for s in conflicts],
        field="access",
    )
