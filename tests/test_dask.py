"""recordparse.dask on a real two-process LocalCluster, and the PySpark recipe of docs/scale.md.

The bag must hold what :func:`recordparse.read` gives in one process: the same Records and
Failures in the same order with the same positions.
"""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import recordparse
from bench.generators import generate
from recordparse import Failure, Record, RecordError
from recordparse.formats import oai
from recordparse.registry import default_registry
from tests.test_splitting import same

pytest.importorskip("dask.bag", reason='needs the dask extra: pip install "recordparse[dask]"')
distributed = pytest.importorskip("distributed", reason='needs the dask extra: pip install "recordparse[dask]"')

from recordparse.dask import expand_paths, read_bag, tasks, to_dataframe  # noqa: E402


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
    )
    with cluster, distributed.Client(cluster) as dask_client:
        yield dask_client


@pytest.fixture
def harvest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """OAI-PMH (declared splittable here; only the planning client needs to know), the DOAJ
    dump, a gzipped EP3 export and a file no format reads."""
    reg = default_registry()
    monkeypatch.setattr(type(reg.get("oai-pmh")), "splittable", True)
    monkeypatch.setattr(type(reg.get("oai-pmh")), "split_tail", oai.LOOKAHEAD_RECORDS)
    root = tmp_path / "harvest"
    root.mkdir()
    generate("oai_doaj", root, 1300)
    generate("doaj_dump", root, 300)
    ep3 = generate("ep3", tmp_path, 40)
    (root / "export.xml.gz").write_bytes(gzip.compress(ep3.path.read_bytes()))
    (root / "readme.bin").write_bytes(b"\x00\x01 nothing")
    return root


def test_bag_equals_one_process(client: Any, harvest: Path) -> None:
    bag = read_bag(harvest, blocksize=1_000_000, errors="collect")
    assert bag.npartitions >= 4
    got = bag.compute()
    same(got, list(recordparse.read(harvest, errors="collect")))
    assert {type(o) for o in got} == {Record, Failure}


def test_error_policy_and_globs(client: Any, harvest: Path) -> None:
    pattern = str(harvest / "*.tar.gz")
    assert expand_paths(pattern) == [str(next(harvest.glob("*.tar.gz")))]
    records = read_bag([pattern, str(harvest / "export.xml.gz")]).compute()
    expected = list(recordparse.read(expand_paths(pattern)[0])) + list(recordparse.read(harvest / "export.xml.gz"))
    same(records, expected)
    with pytest.raises(RecordError, match="no format recognised"):
        read_bag(harvest).compute()
    assert len(read_bag(harvest, errors="skip").compute()) == sum(
        isinstance(o, Record) for o in recordparse.read(harvest, errors="collect")
    )
    with pytest.raises(FileNotFoundError):
        read_bag(str(harvest / "*.nothing"))


def test_to_dataframe(client: Any, harvest: Path) -> None:
    pytest.importorskip("dask.dataframe", reason='needs dask.dataframe: pip install "dask[dataframe]"')
    from recordparse.exports.csv import COLUMNS

    path = next(harvest.glob("*.tar.gz"))
    frame = to_dataframe(read_bag(path)).compute()
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == 300
    assert frame["format"].unique().tolist() == ["doaj-json"]
    assert frame["record"].tolist() == list(range(1, 301))
    first = next(iter(recordparse.read(path)))
    assert frame.iloc[0]["title"] == first.title and frame.iloc[0]["doi"] == first.doi


@pytest.mark.slow
def test_pyspark_recipe(harvest: Path) -> None:
    """The recipe of docs/scale.md: one Spark partition per task, run_task in mapPartitions."""
    pyspark = pytest.importorskip("pyspark", reason="pyspark is not installed (pip install pyspark)")
    if shutil.which("java") is None:
        pytest.skip("pyspark needs Java, and no java is on PATH")
    from recordparse.splitting import run_task

    planned = tasks(harvest, blocksize=1_000_000)
    spark = (
        pyspark.sql.SparkSession.builder.master("local[2]")
        .appName("recordparse-test")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        rdd = spark.sparkContext.parallelize(planned, len(planned))
        got = rdd.mapPartitions(lambda part: (o for task in part for o in run_task(task))).collect()
    finally:
        spark.stop()
    same(got, list(recordparse.read(harvest, errors="collect")))
