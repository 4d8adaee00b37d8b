"""Every real record in ../shared/realdata parses, auto-detected, to its expected values.

The expected files keep source values verbatim (see ``source.txt`` beside them); where the
Record's conventions differ, the comparison says so explicitly:

- ``language``: the expected file keeps the source's codes or names (``ger``, ``EN``, ``Italian``);
  the Record holds one BCP 47 tag, compared with the first expected value normalised.
- ``title``: expected keeps HTML markup; the Record strips it, so the expected title is compared
  after the same stripping.
- ``url``: the Record keeps every link in ``urls``; the expected full-text link must be among them.
- ``authors``: compared by name, in order.
- ``rights`` of repository records: a licence when the source has no rights statement; the
  Record's ``rights`` falls back to the licence, so they compare equal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import recordparse
from recordparse.normalize.languages import to_bcp47
from recordparse.normalize.text import strip_html

from .conftest import SHARED

REALDATA = SHARED / "realdata"
CASES = sorted(p for p in REALDATA.glob("*/*") if p.suffix in (".json", ".xml") and not p.name.endswith(".expected.json")) if REALDATA.exists() else []

_PLAIN = ("id", "doi", "journal", "publisher", "volume", "issue", "start_page", "end_page", "date_published")


def _expected(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    return data


@pytest.mark.skipif(not CASES, reason=f"{REALDATA} is absent: the shared real records are not beside this checkout")
@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_real_record_matches_its_expected_values(path: Path) -> None:
    expected = _expected(path)
    record = recordparse.parse(path)
    got = record.to_dict()
    mismatches: dict[str, tuple[Any, Any]] = {}
    for key in _PLAIN:
        if expected.get(key) is not None and got[key] != expected[key]:
            mismatches[key] = (expected[key], got[key])
    if "title" in expected and strip_html(expected["title"]) != got["title"]:
        mismatches["title"] = (expected["title"], got["title"])
    if "authors" in expected and [a["name"] for a in got["authors"]] != expected["authors"]:
        mismatches["authors"] = (expected["authors"], [a["name"] for a in got["authors"]])
    if "issns" in expected and got["issns"] != expected["issns"]:
        mismatches["issns"] = (expected["issns"], got["issns"])
    if "keywords" in expected and got["keywords"] != expected["keywords"]:
        mismatches["keywords"] = (expected["keywords"], got["keywords"])
    if expected.get("language"):
        want = to_bcp47(expected["language"][0] if isinstance(expected["language"], list) else expected["language"])
        if got["language"] != want:
            mismatches["language"] = (want, got["language"])
    if expected.get("url") and expected["url"] not in got["urls"]:
        mismatches["url"] = (expected["url"], got["urls"])
    if "access" in expected and got["access"]["status"] != expected["access"]:
        mismatches["access"] = (expected["access"], got["access"]["status"])
    if "embargo_end" in expected and got["access"]["embargo_end"] != expected["embargo_end"]:
        mismatches["embargo_end"] = (expected["embargo_end"], got["access"]["embargo_end"])
    if expected.get("rights") and got["rights"] != expected["rights"]:
        mismatches["rights"] = (expected["rights"], got["rights"])
    if expected.get("type") and "ir" in path.parent.name:
        csl = {"article": "article-journal", "dataset": "dataset", "software": "software"}.get(expected["type"], expected["type"])
        if got["type"] != csl:
            mismatches["type"] = (csl, got["type"])
    if expected.get("oai_datestamp") and got["extra"].get("oai_datestamp") != expected["oai_datestamp"]:
        mismatches["oai_datestamp"] = (expected["oai_datestamp"], got["extra"].get("oai_datestamp"))
    if expected.get("orcids"):
        orcids = [a["orcid"] for a in got["authors"]]
        if orcids != expected["orcids"]:
            mismatches["orcids"] = (expected["orcids"], orcids)
    assert not mismatches, f"{path.name}: {mismatches}"
