"""The HTML compliance report: right counts, a self-contained page, readable in a browser."""

from __future__ import annotations

import datetime as _dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

from recordparse import Access, Failure, Flag, Position, Record
from recordparse.exports.report import LIST_LIMIT, ComplianceReport

from .records import ARTICLE, EMPTY, THESIS

TODAY = _dt.date(2026, 11, 21)


def _embargoed(ident: str, end: str, n: int) -> Record:
    return Record(
        format="zenodo-json",
        id=ident,
        access=Access("embargoed", end, (f"access_right=embargoed (date: {end})",)),
        position=Position("dump.jsonl", n, n, n * 100),
    )


def _report() -> ComplianceReport:
    report = ComplianceReport(today=TODAY, days=90)
    ends = ["2021-03-01", "2025-12", "2026-12-15", "2027-01-31", "2027-01-31", "2027", "2029-06-30"]
    for n, end in enumerate(ends, start=1):
        past = end < TODAY.isoformat()
        flags = [Flag("embargo_expired" if past else "embargoed", "warning" if past else "info", "m", (), "access")]
        report.add(_embargoed(f"rec-{n}", end, n), flags)
    report.add(ARTICLE, [])
    report.add(THESIS, [Flag("restricted", "info", "content restricted", (), "access")])
    report.add(EMPTY, [])
    report.add(Record(format="oai-pmh", id="x", access=Access("embargoed")), [])
    report.add(Record(format="oai-pmh", id="y", access=Access("embargoed", "someday")), [])
    report.add_failure(Failure(Position("dump.jsonl", 99, 99, 9900), "invalid JSON line", parser="zenodo-json"))
    return report


def test_counts() -> None:
    report = _report()
    assert report.total == 12
    assert report.statuses == {"embargoed": 10, "restricted": 1, "unknown": 1}
    assert (report.permanent, report.undated, report.unreadable_end) == (1, 1, 1)
    assert sum(report.embargo_ends.values()) == 8  # seven made above and ARTICLE's 2027-06-30
    assert [end for end, _, _ in report.expired.entries()] == ["2021-03-01", "2025-12"]
    assert [end for end, _, _ in report.ending_soon.entries()] == ["2026-12-15", "2027-01-31", "2027-01-31"]
    assert report.failure_count == 1


def test_page_is_self_contained_html() -> None:
    page = _report().render()
    tree = etree.fromstring(page.encode(), etree.HTMLParser())
    assert tree.findtext(".//title") == "Access compliance report"
    assert not tree.xpath("//script | //link | //img | //iframe | //object")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)
    svgs = [el for el in tree.iter() if isinstance(el.tag, str) and el.tag.endswith("svg")]
    assert len(svgs) == 2
    labels = [el.get("aria-label") for el in svgs]
    assert labels == ["records per access status", "embargo end dates per year"]
    text = " ".join(tree.itertext())
    assert "12 records read from dump.jsonl, harvest/page-001.xml; 1 could not be read" in text
    assert "1 under permanent embargo (never lifts)" in text
    assert "1 embargoed without an end date" in text
    assert "1 with an end date that could not be read" in text
    assert "today 2026-11-21" in text


def test_short_spans_are_charted_per_month() -> None:
    report = ComplianceReport(today=TODAY)
    for n, end in enumerate(["2026-10-02", "2026-12-24", "2027-02-01"], start=1):
        report.add(_embargoed(f"r{n}", end, n), [])
    page = report.render()
    assert 'aria-label="embargo end dates per month"' in page
    assert "2026-10: 1 embargo ended" in page and "2027-02: 1 embargo ending" in page


def test_long_lists_are_bounded_but_counted() -> None:
    report = ComplianceReport(today=TODAY)
    for n in range(1, 1001):
        report.add(_embargoed(f"r{n}", (TODAY - _dt.timedelta(days=n)).isoformat(), n), [])
    assert report.expired.count == 1000
    entries = report.expired.entries()
    assert len(entries) == LIST_LIMIT
    assert entries[0][0] == (TODAY - _dt.timedelta(days=1000)).isoformat()  # the earliest first
    page = report.render()
    assert "Expired embargoes still marked embargoed (1000)" in page
    assert f"and {1000 - LIST_LIMIT} more" in page


def test_values_are_escaped() -> None:
    report = ComplianceReport(today=TODAY)
    report.add(Record(format="x", id="<script>alert(1)</script>", access=Access("embargoed", "2026-12-01")), [])
    page = report.render()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_empty_report_renders() -> None:
    page = ComplianceReport(today=TODAY).render()
    assert "0 records read; 0 could not be read" in page
    assert "No embargoed record has a dated end." in page


def test_report_opens_in_a_browser(tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    page = tmp_path / "report.html"
    _report().write(page)
    shot = tmp_path / "report.png"
    result = subprocess.run(
        [
            browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
            f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,1400",
            f"--screenshot={shot}", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1000, 1400)
    assert len(data) > 20_000  # a rendered page, not a blank one
