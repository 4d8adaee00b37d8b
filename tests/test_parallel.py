"""``read(..., jobs=N)`` and ``recordparse parse --jobs N``: worker processes, same results.

The workers are real processes (forkserver or spawn); every test compares with a read in this
process: the same outcomes in the same order, with the same positions.
"""

from __future__ import annotations

import gzip
import io
import os
import pickle
import tarfile
from pathlib import Path
from typing import Any

import pytest

import recordparse
from bench.generators import generate
from recordparse import Access, Failure, Person, Position, Record, RecordError
from recordparse.cli import main as cli_main
from recordparse.formats import oai
from recordparse.parallel import effective_jobs, parallel_outcomes
from recordparse.registry import default_registry
from tests.test_splitting import lines_file, registry, same


def test_records_pickle_with_their_position_and_extra() -> None:
    record = Record(
        format="oai-pmh",
        id="oai:doaj.org/article:1",
        title="A title",
        authors=[Person("Jia, Zhiliang", "Zhiliang", "Jia", ("MD Anderson",), "0000-0002-1825-0097")],
        access=Access("embargoed", "2027-01-01", ("Restricted until 2027",)),
        extra={"oai_request": {"verb": "ListRecords"}, "_flags": [{"code": "x", "evidence": ["a"]}]},
        position=Position("dump.tar.gz!batch_1.json", 7, 12, 3456),
    )
    copy = pickle.loads(pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
    assert copy == record
    assert copy.position == Position("dump.tar.gz!batch_1.json", 7, 12, 3456)
    assert copy.extra["oai_request"] == {"verb": "ListRecords"}
    assert type(copy.extra) is type(record.extra)
    with pytest.raises(TypeError):
        copy.extra["new"] = 1  # type: ignore[index]


@pytest.fixture
def harvest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder as users feed it: OAI-PMH pages chained by resumption tokens, a big OAI-PMH
    file, the DOAJ dump (tar.gz), a gzipped EP3 export, a VuFind text dump (whose raw records
    the caller ships to the workers), a file no format reads and a cut gzip.
    OAI-PMH and DOAJ JSON are declared splittable for the test."""
    reg = default_registry()
    monkeypatch.setattr(type(reg.get("oai-pmh")), "splittable", True)
    monkeypatch.setattr(type(reg.get("oai-pmh")), "split_tail", oai.LOOKAHEAD_RECORDS)
    monkeypatch.setattr(type(reg.get("doaj-json")), "splittable", True)
    root = tmp_path / "harvest"
    root.mkdir()
    generate("oai_pages", root, 250)
    generate("oai_dc", root, 1100)
    dump = generate("doaj_dump", tmp_path, 400)
    (root / dump.path.name).write_bytes(dump.path.read_bytes())
    ep3 = generate("ep3", tmp_path, 60)
    (root / "export.xml.gz").write_bytes(gzip.compress(ep3.path.read_bytes()))
    generate("vufind_text", root, 300)
    (root / "notes.bin").write_bytes(b"\x00\x01\x02 not a record")
    cut = gzip.compress(generate("solr_json", tmp_path, 200).path.read_bytes())
    (root / "zz-cut.json.gz").write_bytes(cut[: len(cut) // 2])
    return root


def test_jobs_give_the_same_outcomes_in_the_same_order(harvest: Path) -> None:
    expected = list(recordparse.read(harvest, errors="collect"))
    kinds = {type(o).__name__ for o in expected}
    assert kinds == {"Record", "Failure"}
    got = list(parallel_outcomes(harvest, None, default_registry(), None, 2, blocksize=400_000))
    same(got, expected)
    # and through the public API with its default range size
    same(list(recordparse.read(harvest, errors="collect", jobs=2)), expected)


def test_failures_keep_their_positions(tmp_path: Path) -> None:
    path = lines_file(tmp_path, count=2000)
    reg = registry()
    expected = list(recordparse.read(path, "test-lines", errors="collect", registry=reg))
    got = list(parallel_outcomes(path, "test-lines", reg, None, 2, blocksize=2000))
    same(got, expected)
    failures = [o for o in got if isinstance(o, Failure)]
    assert len(failures) == 2000 // 97 + 2000 // 53 - 2000 // (97 * 53)
    assert all(f.line is not None and f.byte_offset is not None for f in failures)


def test_error_policies(tmp_path: Path) -> None:
    path = lines_file(tmp_path, count=600)
    reg = registry()
    with pytest.raises(RecordError) as one:
        list(recordparse.read(path, "test-lines", registry=reg))
    with pytest.raises(RecordError) as many:
        list(recordparse.read(path, "test-lines", registry=reg, jobs=2))
    assert str(many.value) == str(one.value)
    skipped = list(recordparse.read(path, "test-lines", errors="skip", registry=reg, jobs=2))
    assert skipped == list(recordparse.read(path, "test-lines", errors="skip", registry=reg))


def test_stopping_early_cleans_up(tmp_path: Path) -> None:
    path = lines_file(tmp_path, count=3000)
    before = set(os.listdir(tmp_path))
    stream = parallel_outcomes(path, "test-lines", registry(), None, 2, blocksize=1000)
    first = [next(stream) for _ in range(5)]
    stream.close()
    assert [o.id for o in first if isinstance(o, Record)][:3] == ["id1", "id2", "id3"]
    assert set(os.listdir(tmp_path)) == before


def test_whole_inputs_with_many_records_stream_through_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from recordparse import parallel
    from recordparse.splitting import Task, plan

    source = lines_file(tmp_path, count=500).read_bytes()
    path = tmp_path / "records.tar"
    with tarfile.open(path, "w") as archive:
        for name in ("one.txt", "two.txt"):
            info = tarfile.TarInfo(name)
            info.size = len(source)
            archive.addfile(info, io.BytesIO(source))
    reg = registry()
    monkeypatch.setattr(type(reg.get("test-lines")), "splittable", False)
    expected = list(recordparse.read(path, errors="collect", registry=reg))
    same(list(parallel_outcomes(path, None, reg, None, 2)), expected)
    # a worker's side, in this process: outcomes go to a file in slices, read back in order
    monkeypatch.setattr(parallel, "PICKLE_SLICE", 7)
    got: list[Any] = []
    for task in plan(path, registry=reg):
        assert isinstance(task, Task) and task.kind == "member"
        result = parallel._work(task, str(tmp_path))
        assert isinstance(result, parallel._Spilled)
        got.extend(parallel._unspill(result))
    same(got, expected)
    assert not list(tmp_path.glob("spill-*"))


def test_jobs_values(tmp_path: Path) -> None:
    assert effective_jobs(0) == (os.cpu_count() or 1)
    assert effective_jobs(3) == 3
    with pytest.raises(ValueError, match="jobs"):
        recordparse.read(tmp_path, jobs=-1)
    data = lines_file(tmp_path, count=50).read_bytes()
    reg = registry()
    same(  # bytes and streams are read in this process, whatever jobs says
        list(recordparse.read(data, errors="collect", registry=reg, jobs=2)),
        list(recordparse.read(data, errors="collect", registry=reg)),
    )


def test_cli_jobs(harvest: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def run(*extra: str) -> tuple[int, Any, Any]:
        code = cli_main(["parse", "-q", *extra, str(harvest)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    one = run()
    two = run("--jobs", "2")
    assert one == two
    assert one[0] == 1  # the unreadable files are reported, as with one process
    assert one[1].count("\n") > 1000
