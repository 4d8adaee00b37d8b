"""Dates as ISO 8601 strings at exactly the precision the source gave.

``2021`` stays ``2021``, ``March 2022`` becomes ``2022-03``, ``1. Januar 2027`` becomes
``2027-01-01``. Nothing is invented: a bare year is never completed with today's month and day
(dateutil's habit), an ambiguous ``03/04/2021`` keeps only its year, and dateutil is only a
length-capped fallback whose every exception is caught.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import unicodedata

from dateutil import parser as _dateutil

__all__ = [
    "MONTHS",
    "end_of_period",
    "expand_year",
    "month_number",
    "normalize_date",
    "parse_date",
    "year_month",
]

_MONTH_NAMES = {
    1: "january jan januar janvier janv enero ene janeiro gennaio genn januari jänner jaenner",
    2: "february feb februar février fevrier févr fevr febrero fevereiro fev febbraio febr februari",
    3: "march mar märz maerz marz mars marzo março marco maart mrt",
    4: "april apr avril avr abril abr aprile",
    5: "may mai mayo maio maggio mag mei",
    6: "june jun juni juin junio junho giugno giu",
    7: "july jul juli juillet juil julio julho luglio lug",
    8: "august aug août aout agosto ago augustus",
    9: "september sep sept septembre septiembre setiembre setembro settembre set",
    10: "october oct oktober octobre octubre outubro ottobre ott okt",
    11: "november nov novembre noviembre novembro",
    12: "december dec dezember décembre decembre déc diciembre dic dezembro dez dicembre",
}


def _fold(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c)
    )


#: Month name or abbreviation (accents folded, lower case) -> month number, seven languages.
MONTHS: dict[str, int] = {}
for _num, _names in _MONTH_NAMES.items():
    for _name in _names.split():
        MONTHS[_fold(_name)] = _num

_ISO = re.compile(
    r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ]\d{1,2}(?::\d{2}){0,2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_SLASHED_YMD = re.compile(r"^(\d{4})[/.](\d{1,2})(?:[/.](\d{1,2}))?$")
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_WORD = re.compile(r"[^\W\d_]+\.?", re.UNICODE)
_SPACES = re.compile(r"\s+")
_INTERVAL = re.compile(r"^\d{4}(-\d{2}){0,2}/(\d{4}|\.\.)")
_LETTER = re.compile(r"[^\W\d_]")
_NUMBER = re.compile(r"\d+")
_YEAR = re.compile(r"\b(\d{4})\b")
_MAX_LEN = 64


def month_number(value: object) -> int | None:
    """Month 1..12 from ``"4"``, ``"04"``, ``"March"``, ``"mars"``, ``"Mrz."``; else None."""
    if value is None:
        return None
    text = str(value).strip().rstrip(".")
    if text.isascii() and text.isdigit():
        n = int(text)
        return n if 1 <= n <= 12 else None
    return MONTHS.get(_fold(text))


def expand_year(value: object, *, today: _dt.date | None = None) -> int | None:
    """A four-digit year from ``"2021"`` or a two-digit ``"98"`` (pivot: next year)."""
    if value is None:
        return None
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) not in (2, 4):
        return None
    year = int(text)
    if len(text) == 2:
        now = (today or _dt.date.today()).year
        century = now // 100 * 100
        year += century if year <= now % 100 + 1 else century - 100
    return year if 1000 <= year <= 2999 else None


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        if month is None:
            return False
        try:
            _dt.date(year, month, day)
        except ValueError:
            return False
    return True


def _iso(year: int, month: int | None = None, day: int | None = None) -> str | None:
    if not 1000 <= year <= 2999 or not _valid(year, month, day):
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


def year_month(year: object, month: object = None) -> str | None:
    """``YYYY`` or ``YYYY-MM`` from separate year and free-text month fields (DOAJ JSON).

    An unreadable month (``"0"``, ``"Spring"``) gives the year alone.
    """
    y = expand_year(year)
    if y is None:
        return None
    return _iso(y, month_number(month))


def _textual(text: str) -> str | None:
    """Dates with a month name, in any of the supported languages."""
    words = _WORD.findall(text)
    months = [m for w in words if (m := MONTHS.get(_fold(w.rstrip(".")))) is not None]
    if len(months) != 1:
        return None
    numbers = _NUMBER.findall(text)
    years = [n for n in numbers if len(n) == 4]
    if len(years) != 1:
        return None
    others = [int(n) for n in numbers if len(n) <= 2]
    year = int(years[0])
    if not others:
        return _iso(year, months[0])
    if len(others) == 1:
        return _iso(year, months[0], others[0])
    return None


def _dateutil_fallback(text: str) -> str | None:
    """Ask dateutil, twice with different defaults, to learn which parts were really given."""
    d1 = _dt.datetime(2000, 1, 1)
    d2 = _dt.datetime(2001, 12, 28)
    try:
        a = _dateutil.parse(text, default=d1)
        b = _dateutil.parse(text, default=d2)
    except (ValueError, OverflowError, ArithmeticError, TypeError, IndexError):
        return None
    has_year = a.year == b.year
    has_month = a.month == b.month
    has_day = a.day == b.day
    if not has_year:
        return None
    if not has_month:
        return _iso(a.year)
    if not has_day:
        return _iso(a.year, a.month)
    return _iso(a.year, a.month, a.day)


def parse_date(value: object, *, dayfirst: bool | None = None) -> str | None:
    """ISO 8601 at the source's precision, or None when ``value`` is not a date.

    ``dayfirst`` settles ``01/02/2021``; left as None, a numeric date whose day and month could
    be swapped keeps only its year.
    """
    if value is None:
        return None
    return _parse_date(value if type(value) is str else str(value), dayfirst)


@functools.lru_cache(maxsize=4096)
def _parse_date(value: str, dayfirst: bool | None) -> str | None:
    """:func:`parse_date` of a string, memoised: the same dates recur all over a dump (a
    journal's issue dates, a harvest's datestamps), and the shapes below cost several
    microseconds each; the result is a plain string, safe to share."""
    text = value.strip().strip("[]().,;").strip()
    if not text or len(text) > _MAX_LEN:
        return None
    text = _SPACES.sub(" ", text)
    if "/" in text and _INTERVAL.match(text):
        text = text.split("/", 1)[0]  # EDTF interval: its start
    m = _ISO.match(text)
    if m:
        return _iso(int(m.group(1)), *(int(g) if g else None for g in m.groups()[1:]))
    m = _SLASHED_YMD.match(text)
    if m:
        return _iso(int(m.group(1)), *(int(g) if g else None for g in m.groups()[1:]))
    m = _COMPACT.match(text)
    if m:
        return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    m = _DMY.match(text)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        year = expand_year(m.group(3))
        if year is None:
            return None
        if "." in text and dayfirst is None:
            dayfirst = True  # 01.02.2021 is day-first wherever it is written
        if dayfirst is None:
            if a > 12 >= b:
                return _iso(year, b, a)
            if b > 12 >= a:
                return _iso(year, a, b)
            return _iso(year) if a != b else _iso(year, a, b)
        return _iso(year, b, a) if dayfirst else _iso(year, a, b)
    if _LETTER.search(text):
        found = _textual(text)
        if found:
            return found
        if _LETTER.match(text) and not any(_fold(w.rstrip(".")) in MONTHS for w in _WORD.findall(text)):
            # Words but no month name: "Spring 2030", "c. 1850" -> keep only an unambiguous year
            years = _YEAR.findall(text)
            return _iso(int(years[0])) if len(years) == 1 else None
    return _dateutil_fallback(text)


def normalize_date(value: object) -> str | None:
    """Alias of :func:`parse_date` with the default (no day-first guess)."""
    return parse_date(value)


def end_of_period(iso: str) -> _dt.date | None:
    """The last day an ISO date of any precision covers (``2027`` -> 2027-12-31)."""
    parts = iso.split("-")
    try:
        year = int(parts[0])
        if len(parts) == 1:
            return _dt.date(year, 12, 31)
        month = int(parts[1])
        if len(parts) == 2:
            nxt = _dt.date(year + (month == 12), month % 12 + 1, 1)
            return nxt - _dt.timedelta(days=1)
        return _dt.date(year, month, int(parts[2][:2]))
    except (ValueError, IndexError, OverflowError):
        return None
