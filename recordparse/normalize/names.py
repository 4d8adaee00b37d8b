"""Person names: inverted forms, doubled renderings, particles, HTML entities.

Names keep the source's spelling in :attr:`Person.name <recordparse.Person.name>` (whitespace
cleaned, entities decoded); ``given`` and ``family`` are derived from it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from ..record import Person
from .identifiers import normalize_orcid
from .text import clean

__all__ = ["make_corporate", "make_person", "split_name", "undouble", "unique_people"]

_PARTICLES = frozenset(
    ["van", "von", "der", "den", "de", "del", "della", "di", "da", "das", "dos", "du", "la", "le", "zu", "ten", "ter", "vander", "van't", "d'", "al", "el", "bin", "ibn"]
)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def undouble(name: str) -> str:
    """Undo a name rendered twice in a row (``Alan LyonsAlan Lyons`` -> ``Alan Lyons``).

    Only an exact doubling of a name of at least two characters is undone, so ``Byard, RW`` or
    ``Anna Anna`` (two words that happen to repeat with a space) are left alone.
    """
    n = len(name)
    if n >= 4 and n % 2 == 0:
        half = n // 2
        if name[:half] == name[half:] and name[:half].strip() == name[:half]:
            return name[:half]
    return name


def split_name(name: str) -> tuple[str | None, str | None]:
    """Split a personal name into ``(given, family)``.

    ``Family, Given`` (one comma) is inverted; otherwise the family name is the last word plus any
    lower-case particles before it (``Rob V. van Nieuwpoort`` -> ``Rob V.``, ``van Nieuwpoort``).
    A single word is taken as the family name.
    """
    text = clean(name)
    if not text:
        return None, None
    return _split_clean(text)


def _split_clean(text: str) -> tuple[str | None, str | None]:
    """:func:`split_name` of a name that is already clean and not empty."""
    if "," in text and text.count(",") == 1:
        # the parts of a clean text need only their ends trimmed to be clean
        family, given = (p.strip() or None for p in text.split(","))
        if family and given and given.lower().strip(".") not in _SUFFIXES:
            return given, family
        text = text.replace(",", " ")
        text = clean(text) or ""
    words = text.split(" ")
    if len(words) == 2:  # the common case: no suffix (needs three words) and no particle
        return words[0] or None, words[1] or None
    if len(words) == 1:
        return None, words[0]
    if words[-1].lower() in _SUFFIXES and len(words) > 2:
        words = words[:-1]
    i = len(words) - 1
    while i > 1 and words[i - 1].lower() in _PARTICLES:
        i -= 1
    given = " ".join(words[:i]) or None
    family = " ".join(words[i:]) or None
    return given, family


def make_person(
    name: str,
    *,
    affiliations: Iterable[str] = (),
    orcid: str | None = None,
    given: str | None = None,
    family: str | None = None,
) -> Person | None:
    """A :class:`Person` from a source name, or None for an empty name.

    ``given``/``family`` from the source win over what :func:`split_name` derives.
    """
    if not name:
        return None
    text = clean(html.unescape(name) if "&" in name else name)
    if not text:
        return None
    # the source's given and family names win; the name is split only for a part not given
    g_src = clean(given) if given is not None else None
    f_src = clean(family) if family is not None else None
    g, f = (g_src, f_src) if g_src and f_src else _split_clean(text)
    affs: list[str] = []
    if affiliations:
        for a in affiliations:
            c = clean(a)
            if c and c not in affs:
                affs.append(c)
    return Person(
        text,
        g_src or g,
        f_src or f,
        tuple(affs),
        normalize_orcid(orcid) if orcid else None,
    )


_KEY = re.compile(r"[\W_]+", re.UNICODE)
_KEYS: dict[str, str] = {}


def _person_key(name: str) -> str:
    """The comparison key of a name: case folded, punctuation and spaces removed (memoised:
    the same authors recur across a harvest)."""
    key = _KEYS.get(name)
    if key is None:
        key = _KEY.sub("", name.casefold())
        if len(_KEYS) < 10_000:
            _KEYS[name] = key
    return key


def unique_people(people: Iterable[Person | None]) -> list[Person]:
    """Drop empty and repeated people (same name, ignoring case and punctuation), keeping
    the first and merging the affiliations and ORCID of the repeats into it."""
    out: list[Person] = []
    index: dict[str, int] = {}
    for p in people:
        if p is None:
            continue
        key = _person_key(p.name)
        if key in index:
            first = out[index[key]]
            affs = list(first.affiliations) + [a for a in p.affiliations if a not in first.affiliations]
            out[index[key]] = Person(first.name, first.given, first.family, tuple(affs), first.orcid or p.orcid)
            continue
        index[key] = len(out)
        out.append(p)
    return out


def make_corporate(name: str, *, affiliations: Iterable[str] = ()) -> Person | None:
    """A :class:`Person` for a corporate author (MARC 110/710, VuFind ``author_corporate``).

    The name is kept whole (entities decoded, whitespace cleaned) and never split into
    ``given``/``family``: ``Unione matematica italiana`` has no family name.
    """
    text = clean(html.unescape(name)) if name else None
    if not text:
        return None
    affs = [c for c in (clean(a) for a in affiliations) if c]
    return Person(name=text, affiliations=tuple(dict.fromkeys(affs)))
