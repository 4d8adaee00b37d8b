"""CSL-JSON export: items that the CSL data schema accepts and a citation processor renders."""

from __future__ import annotations

import importlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

import recordparse
from recordparse.exports.csl_json import CslJsonWriter, date_parts, to_csl

from .records import ALL, ARTICLE, EMPTY, REPORT, THESIS

ROOT = Path(__file__).resolve().parents[2]

#: The item types of the CSL 1.0.2 data schema (csl-data.json), written out here so that the
#: test does not take them from the code under test.
SCHEMA_TYPES = [
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview",
    "legal_case", "legislation", "manuscript", "map", "motion_picture", "musical_score",
    "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
]  # fmt: skip
_STRING = {"type": "string"}
_STRING_OR_NUMBER = {"type": ["string", "number"]}
_NAME = {
    "type": "object",
    "properties": {
        "family": _STRING, "given": _STRING, "dropping-particle": _STRING,
        "non-dropping-particle": _STRING, "suffix": _STRING, "literal": _STRING,
    },
    "additionalProperties": False,
}  # fmt: skip
_DATE = {
    "type": "object",
    "properties": {
        "date-parts": {
            "type": "array",
            "items": {"type": "array", "items": _STRING_OR_NUMBER, "minItems": 1, "maxItems": 3},
            "minItems": 1,
            "maxItems": 2,
        },
        "season": _STRING_OR_NUMBER,
        "circa": {"type": ["string", "number", "boolean"]},
        "literal": _STRING,
        "raw": _STRING,
    },
    "additionalProperties": False,
}
#: The structure the CSL data schema requires of an item list, for the variables this export
#: uses: an array of objects with ``id`` and ``type``, no unknown variable, names and dates in
#: their structured forms.
CSL_DATA_SCHEMA: dict[str, Any] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["type", "id"],
        "additionalProperties": False,
        "properties": {
            "type": {"type": "string", "enum": SCHEMA_TYPES},
            "id": _STRING_OR_NUMBER,
            "title": _STRING,
            "author": {"type": "array", "items": _NAME},
            "issued": _DATE,
            "container-title": _STRING,
            "publisher": _STRING,
            "volume": _STRING_OR_NUMBER,
            "issue": _STRING_OR_NUMBER,
            "page": _STRING_OR_NUMBER,
            "number": _STRING_OR_NUMBER,
            "DOI": _STRING,
            "ISSN": _STRING,
            "URL": _STRING,
            "abstract": _STRING,
            "keyword": _STRING,
            "language": _STRING,
        },
    },
}


def _export(records: Any) -> list[dict[str, Any]]:
    out = io.StringIO()
    recordparse.write_records(records, out, to="csl-json")
    items: list[dict[str, Any]] = json.loads(out.getvalue())
    return items


def test_article_mapping() -> None:
    item = to_csl(ARTICLE)
    assert item == {
        "id": "oai:eprints.example.ac.uk:4411",
        "type": "article-journal",
        "title": ARTICLE.title,
        "author": [{"family": "Huber", "given": "Anna"}, {"family": "Keller", "given": "Tom"}, {"literal": "Alpine Monitoring Network"}],
        "issued": {"date-parts": [[2021, 3]]},
        "container-title": "Alpine Ecology",
        "publisher": "Alpine Press",
        "volume": "12",
        "issue": "3",
        "page": "201-219",
        "DOI": "10.5281/zenodo.3547712",
        "ISSN": "1234-5679, 2345-6781",
        "URL": "https://eprints.example.ac.uk/4411/",
        "abstract": ARTICLE.abstract,
        "keyword": "soil moisture, grazing, QH301 Biology",
        "language": "en",
    }


def test_dates_keep_the_source_precision() -> None:
    assert date_parts("2021") == {"date-parts": [[2021]]}
    assert date_parts("2021-03") == {"date-parts": [[2021, 3]]}
    assert date_parts("2021-03-05") == {"date-parts": [[2021, 3, 5]]}
    assert date_parts("2021-03-05T10:00:41+00:00") == {"date-parts": [[2021, 3, 5]]}
    assert date_parts("spring 2021") == {"raw": "spring 2021"}
    assert date_parts(None) is None
    assert to_csl(THESIS)["issued"] == {"date-parts": [[2019]]}


def test_thesis_report_and_empty_record() -> None:
    thesis = to_csl(THESIS)
    assert thesis["publisher"] == "Universidad de Granada"  # the degree-granting institution
    assert thesis["author"] == [{"family": "García López", "given": "María José"}]
    report = to_csl(REPORT)
    assert report["type"] == "document"  # "Poster" is not a CSL type
    assert report["number"] == "e0213" and "page" not in report
    assert to_csl(EMPTY) == {"id": "meta-tags-1", "type": "document"}


def test_writer_makes_one_array_with_unique_ids() -> None:
    items = _export([ARTICLE, ARTICLE, EMPTY, EMPTY])
    assert [i["id"] for i in items] == [
        "oai:eprints.example.ac.uk:4411",
        "oai:eprints.example.ac.uk:4411-2",
        "meta-tags-3",
        "meta-tags-4",
    ]
    assert _export([]) == []
    out = io.StringIO()
    writer = CslJsonWriter(out)
    writer.write(ARTICLE)
    assert out.getvalue().startswith("[\n{")  # streamed, not held until close
    writer.close()
    assert out.getvalue().endswith("}\n]\n")


@pytest.mark.filterwarnings("ignore::recordparse.RecordParseWarning")
def test_items_validate_against_the_csl_data_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="schema validation needs the jsonschema package")
    real = list(recordparse.read(ROOT / "fixtures", errors="skip"))
    items = _export([*ALL, *real])
    assert len(items) == len(ALL) + len(real) > len(ALL)
    jsonschema.Draft7Validator.check_schema(CSL_DATA_SCHEMA)
    errors = list(jsonschema.Draft7Validator(CSL_DATA_SCHEMA).iter_errors(items))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def test_citeproc_renders_a_bibliography() -> None:
    citeproc = pytest.importorskip("citeproc", reason="citeproc-py is not installed (pip install citeproc-py)")
    json_source = importlib.import_module("citeproc.source.json")

    items = _export(ALL)
    source = json_source.CiteProcJSON(items)
    style = citeproc.CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = citeproc.CitationStylesBibliography(style, source, citeproc.formatter.plain)
    for item in items:
        bibliography.register(citeproc.Citation([citeproc.CitationItem(item["id"])]))
    entries = [str(entry) for entry in bibliography.bibliography()]
    assert len(entries) == len(items)
    article = next(e for e in entries if "Soil moisture" in e)
    assert article.startswith("Huber, A., Keller, T. and Alpine Monitoring Network (2021)")
    assert "Alpine Ecology, 12(3), pp. 201–219" in article
    assert "https://doi.org/10.5281/zenodo.3547712" in article
    thesis = next(e for e in entries if "Guadalfeo" in e)
    assert thesis.startswith("García López, M.J. (2019)") and "Universidad de Granada" in thesis
