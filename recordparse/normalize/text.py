"""Text clean-up: whitespace, HTML tags and entities, truncated teasers."""

from __future__ import annotations

import html
import operator
import re
from collections.abc import Iterable
from typing import Any

import attrs

__all__ = [
    "clean",
    "clean_list",
    "expand_end_page",
    "has_html",
    "is_truncated",
    "scrub_surrogates",
    "split_pages",
    "strip_html",
    "untruncate",
]

# HTML, MathML and JATS element names seen in abstracts and titles, plus any prefixed name
# (``w:View``, ``jats:p``, ``mml:math``): only these count as tags, so ``p < 0.05 and q > 1``
# or ``x<y`` in a formula keep their text.
_TAG_NAMES = (
    "a|abbr|address|article|aside|b|bdi|bdo|big|blockquote|body|br|caption|center|cite|code|col|"
    "colgroup|dd|del|dfn|div|dl|dt|em|figcaption|figure|font|footer|h[1-6]|head|header|hr|html|i|"
    "img|ins|kbd|li|link|main|mark|math|meta|mfrac|mi|mn|mo|mrow|msub|msup|msubsup|mtext|nav|"
    "ol|p|pre|q|s|samp|section|small|span|strike|strong|sub|sup|table|tbody|td|tfoot|th|thead|"
    "title|tr|tt|u|ul|var|wbr|italic|bold|sc|underline|list|list-item|sec|disp-quote|inline-formula"
)
_TAG = re.compile(
    rf"<(/?)((?:[A-Za-z][\w.-]*:[A-Za-z][\w.-]*)|(?i:{_TAG_NAMES}))(?=[\s/>])[^<>]*?/?\s*>"
)
_BLOCK = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "table"})
_ENTITY = re.compile(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_ELLIPSIS = re.compile(r"(\.\.\.|…)\s*$")


# Whitespace that :func:`clean` would change: every character ``\s`` matches (str.isspace) but
# the space, plus U+200B and U+FEFF; and two spaces in a row. Most values have none, and one
# character-class search is several times cheaper than a substitution rewriting every space.
_ODD_WS = re.compile(
    "[\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]"
)


def clean(value: object) -> str | None:
    """Collapse whitespace runs (including CR/LF and no-break spaces) and trim; empty -> None."""
    if value is None:
        return None
    text = value if type(value) is str else str(value)
    # every character _ODD_WS matches is unprintable, and isprintable() is cheaper than a search
    if "  " in text or (not text.isprintable() and _ODD_WS.search(text) is not None):
        return _collapse_ws(text) or None
    return text.strip() or None


def _collapse_ws(text: str) -> str:
    """Every whitespace run (U+200B and U+FEFF count too) made one space, none at the ends.

    ``str.split`` finds the same runs as the regex ``\\s`` (both ask ``str.isspace``) in one C
    pass, several times faster than a substitution, which tries its pattern at every position
    of a long abstract."""
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    return " ".join(text.split())


def clean_list(values: Iterable[object] | None) -> list[str]:
    """:func:`clean` each value, dropping empties and exact repeats, keeping order."""
    out: list[str] = []
    seen: set[str] = set()
    for v in values or ():
        c = clean(v)
        if c is not None and c not in seen:
            seen.add(c)
            out.append(c)
    return out


def has_html(value: str) -> bool:
    """True when ``value`` contains HTML tags or character entities."""
    if "<" not in value and "&" not in value:  # neither can match
        return False
    return bool(_TAG.search(value) or _ENTITY.search(value))


# Markup whose content is not text: comments (Word's ``<!--[if gte mso 9]><xml>...`` blocks pasted
# into abstracts), scripts, styles and Office XML islands. An unclosed one runs to the end.
_NOT_TEXT = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[(?:if|endif)[^>]*>|<(script|style|xml)\b[^>]*>.*?(?:</\1\s*>|\Z)",
    re.S | re.I,
)


def strip_html(value: object) -> str | None:
    """Remove HTML tags (block tags become spaces), comments, scripts and styles, decode
    entities, then :func:`clean`."""
    if value is None:
        return None
    text = str(value)
    if "<" in text:
        text = _NOT_TEXT.sub(" ", text)
        text = _TAG.sub(lambda m: " " if m.group(2).lower() in _BLOCK else "", text)
    if "&" in text:
        text = html.unescape(text)
    return clean(text)


def is_truncated(value: str | None) -> bool:
    """True when ``value`` ends in ``...`` or ``…``, the mark of a cut-off teaser."""
    return bool(value and _ELLIPSIS.search(value))


def untruncate(teaser: str | None, full: str | None) -> bool:
    """True when ``teaser`` is a truncated prefix of ``full`` (whitespace-insensitive)."""
    if not teaser or not full:
        return False
    a = _collapse_ws(_ELLIPSIS.sub("", teaser))
    if not a:
        return False
    # Only the start of ``full`` is compared: collapse a window a little longer than the teaser,
    # widening it until the collapsed window is longer than the teaser or is all of ``full``.
    # A collapsed window is a prefix of the collapsed whole (only its stripped end could differ,
    # and it is not part of the result), so the answer is the same as collapsing all of it.
    size = len(a) + 64
    while True:
        b = _collapse_ws(full[:size])
        if len(b) > len(a) or size >= len(full):
            return len(b) > len(a) and b.startswith(a)
        size *= 2


_PAGE = r"[A-Za-z]{0,3}\d+[A-Za-z]?"
_PAGES = re.compile(rf"^(?:pp?\.?\s*)?({_PAGE})(?:\s*(?:[-‐‑‒–—]+|\bto\b)\s*({_PAGE}))?$", re.I)


def split_pages(value: object) -> tuple[str | None, str | None]:
    """``(start, end)`` from a page range: ``"123-145"``, ``"pp. 12–19"``, ``"e1234"``, ``"S5-S9"``.

    The end page is kept as written, also when abbreviated (``"521-39"``): expanding it would be a
    guess. A single page gives ``(page, None)``; text that is not a page range gives
    ``(None, None)`` so the caller can keep it verbatim.
    """
    text = clean(value)
    if not text:
        return None, None
    match = _PAGES.match(text)
    if not match:
        return None, None
    return match.group(1), match.group(2)


def expand_end_page(start: str | None, end: str | None) -> str | None:
    """The end page written in full when a range abbreviates it (``521``, ``39`` -> ``539``).

    Only purely numeric pages are expanded, and only when the end has fewer digits than the
    start and the expansion is greater than the start (``1234``, ``5`` -> ``1235``); anything
    else (``S5``-``S9``, ``12``-``19``, a descending range) is returned unchanged.
    """
    if not start or not end or not (start.isascii() and start.isdigit() and end.isascii() and end.isdigit()):
        return end
    if len(end) >= len(start):
        return end
    full = start[: len(start) - len(end)] + end
    return full if int(full) > int(start) else end


_SURROGATE = re.compile("[\ud800-\udfff]")


def scrub_surrogates(value: Any) -> tuple[Any, int]:
    """Replace lone surrogates by U+FFFD in a string, or in the strings of nested dicts, lists,
    tuples and attrs objects (a :class:`~recordparse.Person`); returns the value and how many
    were replaced.

    JSON's ``"\\ud800"`` escapes decode to lone surrogates, which are not characters: no UTF-8
    writer can encode them, so a record holding one would break every export. Values without
    one come back as the same objects.
    """
    if not isinstance(value, str) and not _may_hold_surrogates(value):
        return value, 0
    return _scrub(value)


def _may_hold_surrogates(value: Any) -> bool:
    """False when ``value`` certainly holds no lone surrogate.

    This spares the rebuilding walk of :func:`_scrub` for the records that need none (nearly
    all). :func:`_holds_surrogate` looks only at strings that are not ASCII (``str.isascii`` is
    a flag lookup), so a record costs a few microseconds; a value nested too deep for it, or
    circular, takes the walk, as does anything it does not know (which :func:`_scrub` then
    returns unchanged unless it holds a surrogate).
    """
    try:
        return _holds_surrogate(value)
    except RecursionError:
        return True


def _str_holds_surrogate(text: str) -> bool:
    """True when ``text`` holds a lone surrogate: exactly when it cannot be encoded as UTF-8
    (an ASCII string never holds one; encoding runs in C, several times faster than a search)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _holds_surrogate(value: Any) -> bool:
    """True when ``value`` (a string, or strings in nested dicts, lists, tuples and attrs
    objects: keys too) may hold a lone surrogate; True too for any other type it does not
    know. Raises RecursionError for circular or very deep values."""
    kind = type(value)
    if kind is str:
        return _str_holds_surrogate(value)
    if kind is list or kind is tuple:
        return _any_holds_surrogate(value)
    if isinstance(value, dict):
        return _any_holds_surrogate(value) or _any_holds_surrogate(value.values())
    if value is None or kind is int or kind is float or kind is bool:
        return False
    if isinstance(value, str):
        return _str_holds_surrogate(value)
    if isinstance(value, (list, tuple)):
        return _any_holds_surrogate(value)
    try:
        fields = _attrs_values(value)
    except TypeError:  # not an attrs object: let the walk decide
        return True
    return _any_holds_surrogate(fields)


def _any_holds_surrogate(items: Iterable[Any]) -> bool:
    """:func:`_holds_surrogate` of any of ``items`` (strings and empty lists checked inline)."""
    for item in items:
        kind = type(item)
        if kind is str:
            if not item.isascii() and _str_holds_surrogate(item):
                return True
        elif item is None:
            continue
        elif kind is list or kind is tuple:
            if item and _any_holds_surrogate(item):
                return True
        elif _holds_surrogate(item):
            return True
    return False


_FIELD_GETTERS: dict[type, Any] = {}


def _attrs_values(obj: Any) -> Any:
    """An attrs object's field values (a tuple), else TypeError."""
    cls = type(obj)
    getter = _FIELD_GETTERS.get(cls)
    if getter is None:
        if not attrs.has(cls):
            raise TypeError(cls.__name__)
        names = [f.name for f in attrs.fields(cls)]
        getter = _FIELD_GETTERS[cls] = operator.attrgetter(*names) if len(names) > 1 else (
            lambda o, _n=names: tuple(getattr(o, x) for x in _n)
        )
    return getter(obj)


def _scrub(value: Any) -> tuple[Any, int]:
    if isinstance(value, str):
        if not _SURROGATE.search(value):
            return value, 0
        return _SURROGATE.subn("\ufffd", value)
    if isinstance(value, dict):
        total = 0
        out: dict[Any, Any] = {}
        for key, item in value.items():
            new_key, n_key = _scrub(key)
            new_item, n_item = _scrub(item)
            total += n_key + n_item
            out[new_key] = new_item
        return (type(value)(out) if total else value), total
    if isinstance(value, (list, tuple)):
        pairs = [_scrub(item) for item in value]
        total = sum(n for _, n in pairs)
        if not total:
            return value, 0
        items = [v for v, _ in pairs]
        return (tuple(items) if isinstance(value, tuple) else items), total
    if attrs.has(type(value)):
        changes: dict[str, Any] = {}
        total = 0
        for field in attrs.fields(type(value)):
            new, n = _scrub(getattr(value, field.name))
            if n:
                changes[field.name] = new
                total += n
        return (attrs.evolve(value, **changes) if total else value), total
    return value, 0
