"""Peak memory of a streamed 1 GiB input stays under 100 MB above the interpreter's baseline.

Two inputs, OAI-PMH XML (``ListRecords``) and a DOAJ JSON data-dump batch (one array), are
generated lazily by a file object backed by a generator: the gigabyte never exists on disk or
in memory, only one record at a time. Each is read in a child process (a fresh interpreter), which
reports its peak resident memory (``resource.getrusage``) after a warm-up read of a few records
(the baseline: interpreter, recordparse, lxml and the parsers loaded) and after streaming the
whole input. Both runs take minutes, so the tests are marked ``slow``.

Run them with ``python -m pytest tests/test_memory.py -m slow``; ``RECORDPARSE_MEMORY_BYTES``
sets another input size (for a quicker look).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SIZE = int(os.environ.get("RECORDPARSE_MEMORY_BYTES", str(1 << 30)))
LIMIT_MB = 100

_CHILD = textwrap.dedent(
    r'''
    import io, json, resource, sys, time, warnings
    import recordparse

    FORMAT, SIZE = sys.argv[1], int(sys.argv[2])
    WORDS = ("soil nitrogen cohort immune therapy climate water policy health outcomes trial "
             "évaluation qualité Entwicklung análisis saúde 気候 变化").split()

    def abstract(i):
        # about 16 KB of varied text per record: realistic full abstracts, fewer records per GB
        return " ".join(WORDS[(i * 7 + k * 13) % len(WORDS)] for k in range(2000))

    def oai(n_max):
        yield (b'<?xml version="1.0" encoding="UTF-8"?>\n<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">'
               b"<responseDate>2024-01-01T00:00:00Z</responseDate><ListRecords>\n")
        for i in range(n_max):
            yield (
                f"<record><header><identifier>oai:repo.example.org:{i}</identifier><datestamp>2024-01-01</datestamp>"
                '</header><metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
                'xmlns:dc="http://purl.org/dc/elements/1.1/">'
                f"<dc:title>Record {i} on soil &amp; water</dc:title><dc:creator>Gagnon, Marie</dc:creator>"
                f"<dc:creator>Müller, Jürgen</dc:creator><dc:date>2021-03</dc:date><dc:description>{abstract(i)}"
                f"</dc:description><dc:identifier>https://doi.org/10.1234/rec.{i}</dc:identifier>"
                "<dc:rights>info:eu-repo/semantics/openAccess</dc:rights></oai_dc:dc></metadata></record>\n"
            ).encode()
        yield b"</ListRecords></OAI-PMH>\n"

    def doaj(n_max):
        yield b"["
        for i in range(n_max):
            article = {
                "id": f"{i:032x}", "created_date": "2020-01-01T00:00:00Z",
                "bibjson": {
                    "title": f"Record {i} on soil and water", "year": "2021", "month": "3",
                    "abstract": abstract(i),
                    "author": [{"name": "Gagnon, Marie"}, {"name": "Müller, Jürgen", "affiliation": "Universität"}],
                    "identifier": [{"type": "doi", "id": f"10.1234/rec.{i}"}, {"type": "eissn", "id": "1705-0065"}],
                    "journal": {"title": "Journal of Examples", "language": ["EN"], "publisher": "Example Press",
                                "license": [{"type": "CC BY", "open_access": True}]},
                    "keywords": ["soil", "water"], "link": [{"type": "fulltext", "url": f"https://example.org/{i}"}],
                },
            }
            yield (b"" if i == 0 else b",\n") + json.dumps(article, ensure_ascii=False).encode()
        yield b"]"

    class Lazy(io.RawIOBase):
        """A read-only file object over a generator of byte chunks, stopping near ``size`` bytes."""

        def __init__(self, chunks, size):
            self.chunks, self.size, self.given, self.pending = chunks, size, 0, b""

        def readable(self):
            return True

        def readinto(self, buffer):
            while not self.pending:
                try:
                    self.pending = next(self.chunks)
                except StopIteration:
                    return 0
            n = min(len(buffer), len(self.pending))
            buffer[:n] = self.pending[:n]
            self.pending = self.pending[n:]
            self.given += n
            return n

    def source(size):
        # records until about ``size`` bytes, then the document is closed properly
        make = oai if FORMAT == "oai-pmh" else doaj
        per_record = len(b"".join(list(make(2))[1:2]))
        n = max(1, size // per_record)
        return Lazy(make(n), size), n

    warnings.simplefilter("ignore")
    warm, _ = source(200_000)
    for _ in recordparse.read(io.BufferedReader(warm), FORMAT, errors="collect"):
        pass
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stream, expected = source(SIZE)
    records = failures = 0
    started = time.monotonic()
    for item in recordparse.read(io.BufferedReader(stream), FORMAT, errors="collect"):
        if isinstance(item, recordparse.Record):
            records += 1
        else:
            failures += 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"baseline_mb": baseline, "peak_mb": peak, "records": records, "failures": failures,
                      "expected": expected, "bytes": stream.given, "seconds": time.monotonic() - started}))
    '''
)


def _measure(fmt: str) -> dict[str, float]:
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, fmt, str(SIZE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=3600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"\n{fmt}: {result}")
    return result


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["oai-pmh", "doaj-json"])
def test_a_streamed_gigabyte_stays_under_100_mb_above_baseline(fmt: str) -> None:
    result = _measure(fmt)
    assert result["failures"] == 0
    assert result["records"] == result["expected"]
    assert result["bytes"] >= SIZE * 0.95
    growth = result["peak_mb"] - result["baseline_mb"]
    assert growth < LIMIT_MB, f"{fmt}: peak {result['peak_mb']:.0f} MB, baseline {result['baseline_mb']:.0f} MB"
