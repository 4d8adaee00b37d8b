"""Text clean-up: whitespace, HTML tags and entities, truncated teasers."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

__all__ = [
    "clean",
    "clean_list",
    "expand_end_page",
    "has_html",
    "is_truncated",
    "split_pages",
    "strip_html",
    "untruncate",
]

_WS = re.compile(r"[\s\u00a0\u200b\ufeff]+")
_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9:-]*)\b[^<>]*?/?\s*>")
_BLOCK = frozenset({"br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "table"})
_ENTITY = re.compile(r"&(#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
_ELLIPSIS = re.compile(r"(\.\.\.|…)\s*$")


def clean(value: object) -> str | None:
    """Collapse whitespace runs (including CR/LF and no-break spaces) and trim; empty -> None."""
    if value is None:
        return None
    text = _WS.sub(" ", str(value)).strip()
    return text or None


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
    return bool(_TAG.search(value) or _ENTITY.search(value))


def strip_html(value: object) -> str | None:
    """Remove HTML tags (block tags become spaces), decode entities, then :func:`clean`."""
    if value is None:
        return None
    text = str(value)
    if "<" in text:
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
    stem = _ELLIPSIS.sub("", teaser)
    a = _WS.sub(" ", stem).strip()
    b = _WS.sub(" ", full).strip()
    return bool(a) and b.startswith(a) and len(b) > len(a)


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
    if not start or not end or not start.isdigit() or not end.isdigit():
        return end
    if len(end) >= len(start):
        return end
    full = start[: len(start) - len(end)] + end
    return full if int(full) > int(start) else end
