"""Shared pieces of the atheris fuzz targets: the format families, the oracle, the seed corpus.

Every target feeds fuzzed bytes to recordparse and checks the library's promises (the *oracle*,
:func:`check_outcomes`):

- ``read(..., errors="collect")`` yields only :class:`~recordparse.Record` and
  :class:`~recordparse.Failure` objects and never raises;
- every Record survives ``to_dict`` -> strict UTF-8 JSON -> ``from_dict`` unchanged, and its
  dates are ISO 8601 at year, month or day precision;
- every Failure prints as one line and names a source and a record number (1 or more), and is
  not a parser's own exception turned into a Failure (``kind="internal"``, ``cannot map record``);
- record numbers never go backwards within one source.

Anything else is a crash that libFuzzer saves as a reproducer. The first byte of an input picks
the parser inside the family, so one target covers several formats and the fuzzer can move an
input from one format to another.
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from recordparse import Failure, Limits, Record, Registry, read  # noqa: E402

__all__ = [
    "FAMILIES",
    "ROOT",
    "check_outcomes",
    "check_record",
    "pick",
    "read_checked",
    "registry",
    "seeds",
]

#: Parser names per family; the first byte of a fuzz input picks one (``data[0] % len``).
FAMILIES: dict[str, tuple[str, ...]] = {
    "xml": ("oai-pmh", "doaj-xml", "eprints-xml", "vufind-solr-xml"),
    "html": ("figshare-html", "eprints-html", "dspace-html", "meta-tags"),
    "json": ("zenodo-json", "hyrax-json", "vufind-solr-json", "doaj-json", "figshare-api"),
    "text": ("eprints-text", "eprints-simple", "dspace-text", "figshare-text", "vufind-text"),
}

_ISO = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_REGISTRY: Registry | None = None


def registry() -> Registry:
    """Built-in formats only: an installed plugin must not change what the fuzzer sees."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry(plugins=False)
    return _REGISTRY


def pick(data: bytes, names: Sequence[str]) -> tuple[str, bytes]:
    """The parser chosen by the first byte, and the rest of the input."""
    if not data:
        return names[0], b""
    return names[data[0] % len(names)], data[1:]


def check_record(record: Record) -> None:
    """The promises every Record keeps, whatever its input (raises AssertionError)."""
    data = record.to_dict()
    line = json.dumps(data, ensure_ascii=False, allow_nan=False)
    line.encode("utf-8")  # a lone surrogate would fail here, and in every writer
    again = Record.from_dict(json.loads(line))
    assert again == record, f"round trip changed the record: {again!r} != {record!r}"
    for field in ("date_published", "date_deposited"):
        value = getattr(record, field)
        assert value is None or _ISO.match(value), f"{field} is not ISO 8601: {value!r}"
    end = record.access.embargo_end
    assert end is None or end == "permanent" or _ISO.match(end), f"embargo_end {end!r}"


def check_failure(failure: Failure) -> None:
    """A Failure is one line naming its source and a record number."""
    text = str(failure)
    assert "\n" not in text and "\r" not in text, f"failure is not one line: {text!r}"
    assert failure.source, "failure without a source"
    assert failure.record >= 1, f"failure with record number {failure.record}"
    # read() turns a parser's unexpected exception into a Failure so that nothing is lost; for
    # the fuzzer that is still a bug in the parser
    assert failure.kind != "internal", f"a parser crashed: {text}"
    assert not failure.reason.startswith("cannot map record:"), f"a parser crashed: {text}"
    json.dumps(failure.to_dict(), ensure_ascii=False).encode("utf-8")


def check_outcomes(outcomes: Iterable[Any]) -> list[Any]:
    """Consume ``outcomes`` and check each one; returns them for further checks."""
    items: list[Any] = []
    last: dict[str, int] = {}
    for item in outcomes:
        if isinstance(item, Record):
            check_record(item)
            position = item.position
            assert position is not None, "a record without a position"
        elif isinstance(item, Failure):
            check_failure(item)
            position = item.position
        else:
            raise AssertionError(f"read() yielded {type(item).__name__}, not a Record or Failure")
        previous = last.get(position.source, 0)
        assert position.record >= previous, (
            f"record numbers went back from {previous} to {position.record} in {position.source}"
        )
        last[position.source] = position.record
        items.append(item)
    return items


def read_checked(data: bytes, format: str | None, limits: Limits | None = None) -> list[Any]:
    """``read(data, format, errors="collect")`` under the oracle."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outcomes = read(data, format, errors="collect", registry=registry(), limits=limits)
        return check_outcomes(outcomes)


def _fixture_files() -> Iterator[Path]:
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if path.is_file() and path.suffix not in (".md", ".py") and path.stat().st_size <= 65536:
            yield path


def seeds(family: str | None) -> Iterator[bytes]:
    """Seed inputs: every fixture whose detected format is in ``family`` (all fixtures for
    ``None``), prefixed with the byte that selects that format."""
    import recordparse

    names = FAMILIES.get(family or "", ())
    for path in _fixture_files():
        data = path.read_bytes()
        if family is None:
            yield data
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                best = recordparse.detect(data, registry=registry())[0].name
        except recordparse.RecordParseError:
            continue
        if best in names:
            yield bytes([names.index(best)]) + data
