"""Hypothesis strategies shared by the properties: hostile text, date-like strings, fixtures
and the mutations applied to them, and a budget that scales with the loaded profile.

The profiles (``dev``, ``ci``, ``deep``) are registered in ``tests/conftest.py`` and chosen
with ``HYPOTHESIS_PROFILE``; :func:`budget` gives the heavier properties (a whole parser run
per example) a fraction of the profile's examples so that ``ci`` stays near a minute in all.
"""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

import recordparse
from recordparse import Failure, Record

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = recordparse.Registry(plugins=False)


def budget(fraction: float) -> settings:
    """The loaded profile with ``fraction`` of its examples (at least 5)."""
    current = settings()
    return settings(current, max_examples=max(5, int(current.max_examples * fraction)), deadline=None)


#: Characters that break parsers: markup, quotes, escapes, controls, BOMs, surrogates' cousins.
HOSTILE = st.sampled_from(
    ["<", ">", "&", "&amp;", "&nbsp;", "&#0;", '"', "'", "\\", "\\u", "{", "}", "[", "]", "\n", "\r", "\x00",
     "\x1b", "\ufeff", "\u2028", "\u00e9", "\u20ac", "\U0001f600", "...", "…", ",", ";", ":", "/", "-"]
)
TEXT = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(HOSTILE, st.text(max_size=6)), max_size=20).map("".join),
)

_MONTHS = ["January", "Feb.", "März", "juin", "dic", "Sept", "mai", "Spring", "c.", "circa", ""]
DATE_LIKE = st.one_of(
    st.builds("{}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)),
    st.builds("{}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13)),
    st.integers(-10, 30000).map(str),
    st.builds("{:02d}/{:02d}/{}".format, st.integers(0, 32), st.integers(0, 32), st.integers(0, 2999)),
    st.builds("{} {} {}".format, st.integers(0, 32), st.sampled_from(_MONTHS), st.integers(0, 2999)),
    st.builds("1h{}".format, st.text("9", min_size=20, max_size=60)),
    TEXT,
)


@cache
def fixtures_by_format() -> dict[str, tuple[bytes, ...]]:
    """Every fixture file, grouped by the format it is detected as (bytes, at most 64 KiB)."""
    found: dict[str, list[bytes]] = {}
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if not path.is_file() or path.suffix in (".md", ".py") or path.stat().st_size > 65536:
            continue
        data = path.read_bytes()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                name = recordparse.detect(data, registry=REGISTRY)[0].name
        except recordparse.RecordParseError:
            continue
        found.setdefault(name, []).append(data)
    return {k: tuple(v) for k, v in found.items()}


def _flip(data: bytes, at: int, byte: int) -> bytes:
    return data[:at] + bytes([byte]) + data[at + 1 :] if data else data


_INSERTS = [b"<", b">", b"&", b"&nbsp;", b"\x00", b"\xff", b"\xe9", b"{", b"}", b"[", b"]", b'"', b"\\", b"\n",
            b"\r", b"<!--", b"<![CDATA[", b"</record>", b"<record>", b"-->", b"\\ud800", b"NaN", b"1e999"]


@st.composite
def mutated(draw: Any, sources: tuple[bytes, ...]) -> bytes:
    """A fixture with a few byte flips, insertions, deletions or a truncation."""
    data: bytes = draw(st.sampled_from(sources))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.integers(0, 3))
        if op == 0:
            data = _flip(data, at, draw(st.integers(0, 255)))
        elif op == 1:
            data = data[:at] + draw(st.sampled_from(_INSERTS)) + data[at:]
        elif op == 2:
            data = data[:at] + data[at + draw(st.integers(1, 200)) :]
        else:
            data = data[:at]
    return data


def outcomes(source: Any, format: str | None = None, **kw: Any) -> list[Record | Failure]:
    """``read(..., errors="collect")`` as a list, warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return list(recordparse.read(source, format, errors="collect", registry=REGISTRY, **kw))


def comparable(items: list[Record | Failure]) -> list[Any]:
    return [("record", o.to_dict()) if isinstance(o, Record) else ("failure", o.record, o.kind, o.reason) for o in items]


_ISO = __import__("re").compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_outcomes(items: list[Any]) -> None:
    """The oracle: only Records and Failures, numbered in order per source; each Record survives
    strict JSON and ``from_dict`` unchanged with ISO dates; each Failure is one line."""
    import json

    last: dict[str, int] = {}
    for item in items:
        if isinstance(item, Record):
            line = json.dumps(item.to_dict(), ensure_ascii=False, allow_nan=False)
            line.encode("utf-8")
            assert Record.from_dict(json.loads(line)) == item
            for value in (item.date_published, item.date_deposited):
                assert value is None or _ISO.match(value), value
            assert item.position is not None
            position = item.position
        else:
            assert isinstance(item, Failure), type(item)
            text = str(item)
            assert "\n" not in text and "\r" not in text, text
            assert item.record >= 1
            assert item.kind != "internal" and not item.reason.startswith("cannot map record:"), text
            position = item.position
        assert position.record >= last.get(position.source, 0), (last, position)
        last[position.source] = position.record
