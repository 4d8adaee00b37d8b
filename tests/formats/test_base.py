"""What every format reports the same way (``formats/base.py``): XML repairs and decoding notes.

Each XML format's fixture is damaged the same two ways in its first record's title: a bare
``&`` (which the shared XML layer escapes) and a word in windows-1252 inside a UTF-8 file. The
record must come out with the right title and the same two flags, whatever the format.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import recordparse
from recordparse import Record
from tests.conftest import FIXTURES

CASES = [
    ("oai-pmh", "oai/listrecords-dspace-oai_dc-embargo.xml", b"<dc:title>"),
    ("eprints-xml", "eprints/ep3-multi.xml", b"<title>"),
    ("vufind-solr-xml", "vufind-solr/add-doaj.xml", b'<field name="title">'),
    ("doaj-xml", "doaj-xml/upload-batch.xml", b'<title language="fre">'),
]


@pytest.mark.parametrize(("fmt", "name", "opening"), CASES, ids=[c[0] for c in CASES])
def test_xml_repairs_and_decoding_are_flagged_alike(tmp_path: Path, fmt: str, name: str, opening: bytes) -> None:
    data = (FIXTURES / name).read_bytes()
    assert opening in data
    damaged = tmp_path / Path(name).name
    damaged.write_bytes(data.replace(opening, opening + "R&D Café ".encode("cp1252"), 1))
    outcomes = list(recordparse.read(damaged, fmt, errors="collect"))
    assert len(outcomes) == len(list(recordparse.read(FIXTURES / name, fmt, errors="collect")))
    record = next(o for o in outcomes if isinstance(o, Record) and o.title and o.title.startswith("R&D"))
    assert record.title is not None and record.title.startswith("R&D Café ")
    flags = {f["code"]: f for f in record.flags if f["code"] in ("xml_repaired", "encoding_guessed")}
    assert flags["xml_repaired"]["evidence"] == ["escaped a bare '&'"]
    assert flags["xml_repaired"]["severity"] == "warning"
    assert flags["encoding_guessed"]["message"] == "bytes that are not valid UTF-8 were read as windows-1252"
    assert [f["code"] for f in record.flags].count("xml_repaired") == 1
