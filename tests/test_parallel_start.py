"""How ``read(..., jobs=N)`` starts its workers and ships Records back (see recordparse.parallel).

Workers are forked directly when the caller runs no other thread, through the fork server
otherwise; both give exactly the outcomes of one process. Records cross the process boundary
as one tuple of field values and come back equal, frozen and with their position.
"""

from __future__ import annotations

import pickle
import sys
import threading
from pathlib import Path

import pytest

import recordparse
from recordparse import Access, Person, Position, Record
from recordparse.exports.jsonl import record_line
from recordparse.parallel import _context, parallel_lines
from recordparse.record import FrozenDict
from tests.test_splitting import lines_file, registry, same


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fork is only chosen on Linux")
def test_fork_only_without_other_threads(tmp_path: Path) -> None:
    path = lines_file(tmp_path, count=900)
    reg = registry()
    expected = list(recordparse.read(path, "test-lines", errors="collect", registry=reg))
    if threading.active_count() == 1:
        assert _context().get_start_method() == "fork"
    same(list(recordparse.read(path, "test-lines", errors="collect", registry=reg, jobs=2)), expected)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert _context().get_start_method() == "forkserver"
        same(list(recordparse.read(path, "test-lines", errors="collect", registry=reg, jobs=2)), expected)
    finally:
        stop.set()
        other.join()


def test_workers_can_return_json_lines(tmp_path: Path) -> None:
    path = lines_file(tmp_path, count=700)
    reg = registry()
    expected = [
        o if isinstance(o, recordparse.Failure) else record_line(o)
        for o in recordparse.read(path, "test-lines", errors="collect", registry=reg)
    ]
    got = list(parallel_lines(path, "test-lines", reg, None, 2, record_line, blocksize=3000))
    assert [str(o) for o in got] == [str(o) for o in expected]
    assert any(isinstance(o, str) for o in got) and any(isinstance(o, recordparse.Failure) for o in got)


def test_records_round_trip_through_their_compact_pickle() -> None:
    record = Record(
        format="doaj-json",
        id="doaj:1",
        authors=[Person("Jia, Zhiliang", "Zhiliang", "Jia", ["MD Anderson"], None)],
        issns=["1234-5678"],
        access=Access("embargoed", "2027-01-01", ["until 2027"]),
        extra={"journal": {"title": "J"}, "_flags": [{"code": "x"}]},
        position=Position("dump.tar.gz!batch_1.json", 3, 1, 812),
    )
    data = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    assert b"format" not in data  # field values only, not a dict of names
    copy = pickle.loads(data)
    assert copy == record and copy.to_dict() == record.to_dict()
    assert copy.position == record.position
    assert type(copy.authors) is tuple and type(copy.authors[0].affiliations) is tuple
    assert type(copy.extra) is FrozenDict
    with pytest.raises(AttributeError):
        copy.title = "changed"
    restore, (values,) = record.__reduce__()
    with pytest.raises(ValueError):
        restore(values[:-1])
