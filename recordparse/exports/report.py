"""The one-page HTML compliance report of ``recordparse check --html-report FILE``.

:class:`ComplianceReport` is fed each checked record (and each failure) as the check runs, keeps
only counts and bounded lists, and renders one self-contained HTML page: inline CSS and inline
SVG charts that it draws itself, no script, no external file, so the page opens anywhere,
offline, and can be mailed or archived as it is. It shows:

- how many records have each access status (a bar chart);
- the embargo end dates of embargoed records per month (per year for long spans), with a line
  at the date the check judged against; bars before it are embargoes that should have lifted;
- permanent embargoes, embargoes without an end date or with an unreadable one;
- embargoes ending within ``days``, expired embargoes still marked embargoed;
- the flags found, by code and severity, and the records that could not be read.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import html
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..errors import Failure
from ..normalize.dates import end_of_period
from ..record import ACCESS_STATUSES, Flag, Record

__all__ = ["ComplianceReport"]

#: Bar colours per access status (colour-blind-safe hues, dark enough for white text).
STATUS_COLOURS = {
    "open": "#1b7f3b",
    "embargoed": "#c76a00",
    "restricted": "#b3261e",
    "metadata_only": "#5b3a9b",
    "unknown": "#6b6b6b",
}
_FUTURE = STATUS_COLOURS["embargoed"]
_PAST = STATUS_COLOURS["restricted"]
#: How many entries each listed table keeps (the rest is counted).
LIST_LIMIT = 200

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;
margin:0;background:#f6f6f4}
main{max-width:960px;margin:0 auto;padding:24px 28px 48px;background:#fff;min-height:100vh}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:1px solid #ddd;
padding-bottom:4px}
p.lead{color:#555;margin:0 0 16px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{flex:1 1 120px;border:1px solid #ddd;border-radius:8px;padding:10px 14px}
.card b{display:block;font-size:24px}.card span{color:#555;font-size:13px}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}
th{background:#fafafa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#555;font-size:13px}.legend span{display:inline-block;margin-right:16px}
.sw{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;
vertical-align:-1px}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;fill:#1d1d1f}
footer{margin-top:40px;color:#777;font-size:12px}
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _label(record: Record) -> tuple[str, str]:
    where = f"{record.position.source}#{record.position.record}" if record.position else ""
    return record.id or "(no id)", where


class ComplianceReport:
    """Collects check results and renders the HTML page (see the module docstring).

    ``today`` is the date embargoes were judged against; ``days`` the horizon of the
    "ending soon" list, as for ``recordparse check --days``.
    """

    def __init__(self, *, today: _dt.date, days: int = 90, title: str = "Access compliance report") -> None:
        self.today = today
        self.days = days
        self.title = title
        self.statuses: Counter[str] = Counter()
        self.flags: Counter[tuple[str, str]] = Counter()
        self.embargo_ends: Counter[_dt.date] = Counter()
        self.permanent = 0
        self.undated = 0
        self.unreadable_end = 0
        self.ending_soon = _Listing()
        self.expired = _Listing()
        self.failures: list[Failure] = []
        self.failure_count = 0
        self.sources: set[str] = set()

    # -- collecting --------------------------------------------------------------------------
    def add(self, record: Record, flags: Sequence[Flag]) -> None:
        """Count one checked record and the flags the validators gave it."""
        access = record.access
        self.statuses[access.status] += 1
        if record.position is not None:
            self.sources.add(record.position.source.split("!")[0])
        for flag in flags:
            self.flags[(flag.code, flag.severity)] += 1
        ident, where = _label(record)
        end = access.embargo_end
        if end == "permanent":
            self.permanent += 1
            return
        if access.status != "embargoed":
            return
        if not end:
            self.undated += 1
            return
        last = end_of_period(end)
        if last is None:
            self.unreadable_end += 1
            return
        self.embargo_ends[last] += 1
        entry = (end, ident, where)
        if last < self.today:
            self.expired.add(entry)
        elif self.today <= last <= self.today + _dt.timedelta(days=self.days):
            self.ending_soon.add(entry)

    def add_failure(self, failure: Failure) -> None:
        """Count a record that could not be read (the first :data:`LIST_LIMIT` are listed)."""
        self.failure_count += 1
        self.sources.add(failure.source.split("!")[0])
        if len(self.failures) < LIST_LIMIT:
            self.failures.append(failure)

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    # -- rendering ---------------------------------------------------------------------------
    def render(self) -> str:
        """The whole page as one HTML string."""
        from .. import __version__

        parts = [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_esc(self.title)}</title><style>{_CSS}</style></head><body><main>",
            f"<h1>{_esc(self.title)}</h1>",
            f'<p class="lead">{self._lead()}</p>',
            self._cards(),
            "<h2>Access status</h2>",
            _status_chart(self.statuses, self.total),
            "<h2>Embargo end dates</h2>",
            self._embargo_section(),
            f"<h2>Embargoes ending in the next {self.days} days ({self.ending_soon.count})</h2>",
            _entries_table(self.ending_soon, "No embargo ends in this period."),
            f"<h2>Expired embargoes still marked embargoed ({self.expired.count})</h2>",
            _entries_table(self.expired, "None: every embargo that ended is no longer marked embargoed."),
            "<h2>Flags</h2>",
            self._flags_table(),
            f"<h2>Records that could not be read ({self.failure_count})</h2>",
            self._failures_table(),
            f"<footer>Generated by recordparse {_esc(__version__)}. Embargo dates judged against "
            f"{self.today.isoformat()}; a year-only end date counts as the end of that year.</footer>",
            "</main></body></html>",
        ]
        return "\n".join(parts) + "\n"

    def write(self, path: str | Path) -> None:
        """Write the page to ``path`` as UTF-8."""
        Path(path).write_text(self.render(), encoding="utf-8")

    def _lead(self) -> str:
        names = sorted(self.sources)
        shown = ", ".join(_esc(n) for n in names[:5])
        more = f" and {len(names) - 5} more" if len(names) > 5 else ""
        source = f" from {shown}{more}" if names else ""
        return (
            f"{self.total} records read{source}; {self.failure_count} could not be read. "
            f"Judged against {self.today.isoformat()}."
        )

    def _cards(self) -> str:
        cards = [
            (self.total, "records read"),
            (self.statuses.get("embargoed", 0), "embargoed"),
            (self.expired.count, "expired, still embargoed"),
            (self.ending_soon.count, f"ending within {self.days} days"),
            (self.failure_count, "unreadable"),
        ]
        inner = "".join(f"<div class=card><b>{n}</b><span>{_esc(text)}</span></div>" for n, text in cards)
        return f'<div class="cards">{inner}</div>'

    def _embargo_section(self) -> str:
        notes = []
        if self.permanent:
            notes.append(f"{self.permanent} under permanent embargo (never lifts)")
        if self.undated:
            notes.append(f"{self.undated} embargoed without an end date")
        if self.unreadable_end:
            notes.append(f"{self.unreadable_end} with an end date that could not be read")
        note = f'<p class="note">Not in the chart: {"; ".join(notes)}.</p>' if notes else ""
        if not self.embargo_ends:
            return '<p class="note">No embargoed record has a dated end.</p>' + note
        legend = (
            '<p class="legend note">'
            f'<span><i class="sw" style="background:{_PAST}"></i>ended before {self.today.isoformat()} '
            "(should be open now)</span>"
            f'<span><i class="sw" style="background:{_FUTURE}"></i>ends later</span></p>'
        )
        return _embargo_chart(self.embargo_ends, self.today) + legend + note

    def _flags_table(self) -> str:
        if not self.flags:
            return '<p class="note">No flags.</p>'
        order = {"error": 0, "warning": 1, "info": 2}
        rows = sorted(self.flags.items(), key=lambda kv: (order.get(kv[0][1], 3), kv[0][0]))
        body = "".join(
            f"<tr><td>{_esc(code)}</td><td>{_esc(sev)}</td><td class=n>{n}</td></tr>"
            for (code, sev), n in rows
        )
        return f"<table><tr><th>code</th><th>severity</th><th>flags</th></tr>{body}</table>"

    def _failures_table(self) -> str:
        if not self.failures:
            return '<p class="note">Every record was read.</p>'
        body = "".join(
            f"<tr><td>{_esc(f.source)}</td><td class=n>{f.record}</td><td>{_esc(f.line or '')}</td>"
            f"<td>{_esc(f.kind)}: {_esc(f.reason)}</td></tr>"
            for f in self.failures
        )
        more = self.failure_count - len(self.failures)
        tail = f'<p class="note">and {more} more</p>' if more else ""
        return f"<table><tr><th>source</th><th>record</th><th>line</th><th>reason</th></tr>{body}</table>{tail}"


class _Listing:
    """A count of entries and the :data:`LIST_LIMIT` earliest of them, ``(end, id, where)``."""

    def __init__(self) -> None:
        self.count = 0
        self._entries: list[tuple[str, str, str]] = []

    def add(self, entry: tuple[str, str, str]) -> None:
        self.count += 1
        self._entries.append(entry)
        if len(self._entries) > LIST_LIMIT * 4:  # bound memory: keep the earliest ends
            self._entries.sort()
            del self._entries[LIST_LIMIT:]

    def entries(self) -> list[tuple[str, str, str]]:
        return sorted(self._entries)[:LIST_LIMIT]


def _entries_table(listing: _Listing, empty: str) -> str:
    entries = listing.entries()
    if not entries:
        return f'<p class="note">{_esc(empty)}</p>'
    body = "".join(
        f"<tr><td>{_esc(end)}</td><td>{_esc(ident)}</td><td>{_esc(where)}</td></tr>"
        for end, ident, where in entries
    )
    more = listing.count - len(entries)
    tail = f'<p class="note">and {more} more (the earliest {LIST_LIMIT} are listed)</p>' if more else ""
    return f"<table><tr><th>embargo end</th><th>record</th><th>where</th></tr>{body}</table>{tail}"


# --------------------------------------------------------------------------------------------
# SVG charts


def _status_chart(statuses: Counter[str], total: int) -> str:
    """Horizontal bars, one per access status, with count and share."""
    row, label_w, bar_w, width = 30, 120, 560, 800
    height = row * len(ACCESS_STATUSES) + 8
    peak = max(statuses.values(), default=0) or 1
    shapes = []
    for i, status in enumerate(ACCESS_STATUSES):
        n = statuses.get(status, 0)
        y = 4 + i * row
        w = round(bar_w * n / peak, 1)
        share = f"{100 * n / total:.1f}%" if total else "0%"
        shapes.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end">{_esc(status)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{max(w, 1)}" height="{row - 10}" rx="3" '
            f'fill="{STATUS_COLOURS[status]}"><title>{_esc(status)}: {n}</title></rect>'
            f'<text x="{label_w + max(w, 1) + 8}" y="{y + 18}">{n} ({share})</text>'
        )
    return (
        f'<svg role="img" aria-label="records per access status" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(shapes)}</svg>'
    )


def _buckets(ends: Iterable[_dt.date]) -> tuple[list[_dt.date], bool]:
    """Contiguous bucket starts from the first to the last end date: months when the dates span
    at most four years, years otherwise. Returns the starts and whether they are months."""
    dates = sorted(ends)
    first, last = dates[0], dates[-1]
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months <= 48:
        starts = []
        y, m = first.year, first.month
        for _ in range(months):
            starts.append(_dt.date(y, m, 1))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return starts, True
    return [_dt.date(y, 1, 1) for y in range(first.year, last.year + 1)], False


def _bucket_of(day: _dt.date, monthly: bool) -> _dt.date:
    return _dt.date(day.year, day.month, 1) if monthly else _dt.date(day.year, 1, 1)


def _nice_step(peak: int) -> int:
    raw = max(peak / 4, 1)
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * power >= raw:
            return int(factor * power)
    return int(10 * power)


def _today_fraction(today: _dt.date, monthly: bool) -> float:
    if monthly:
        return (today.day - 1) / calendar.monthrange(today.year, today.month)[1]
    return (today.timetuple().tm_yday - 1) / (366 if calendar.isleap(today.year) else 365)


def _embargo_chart(ends: Counter[_dt.date], today: _dt.date) -> str:
    """Columns of embargo ends per month (or year), coloured by whether they are past."""
    starts, monthly = _buckets(ends)
    past: Counter[_dt.date] = Counter()
    later: Counter[_dt.date] = Counter()
    for day, n in ends.items():
        (past if day < today else later)[_bucket_of(day, monthly)] += n
    counts = past + later
    left, top, plot_h, bottom = 44, 12, 200, 40
    step = max(10, min(48, 700 // len(starts)))
    width = left + step * len(starts) + 24
    height = top + plot_h + bottom
    peak = max(counts.values())
    tick = _nice_step(peak)
    y_max = tick * math.ceil(peak / tick)
    shapes = []
    for value in range(0, y_max + 1, tick):
        y = top + plot_h - plot_h * value / y_max
        shapes.append(
            f'<line x1="{left}" x2="{width - 16}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e4e4e4"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    label_every = max(1, math.ceil(60 / step))
    for i, start in enumerate(starts):
        x = left + i * step
        label = start.strftime("%Y-%m") if monthly else str(start.year)
        base: float = top + plot_h
        for part, colour, what in ((past[start], _PAST, "ended"), (later[start], _FUTURE, "ending")):
            if not part:
                continue
            h = plot_h * part / y_max
            base -= h
            shapes.append(
                f'<rect x="{x + 1}" y="{base:.1f}" width="{step - 2}" height="{h:.1f}" fill="{colour}">'
                f"<title>{label}: {part} embargo{'es' if part != 1 else ''} {what}</title></rect>"
            )
        if i % label_every == 0:
            shapes.append(
                f'<text x="{x + step / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">{label}</text>'
            )
    shapes.append(
        f'<line x1="{left}" x2="{width - 16}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#888"/>'
    )
    first, end = starts[0], _period_end(starts[-1], monthly)
    if first <= today <= end:
        index = starts.index(_bucket_of(today, monthly))
        at = left + (index + _today_fraction(today, monthly)) * step
        anchor = "end" if at > width - 130 else "start"
        shapes.append(
            f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{top - 4}" y2="{top + plot_h + 4}" stroke="#1d1d1f" '
            f'stroke-dasharray="4 3"/><text x="{at + (4 if anchor == "start" else -4):.1f}" '
            f'y="{top + plot_h + 32}" text-anchor="{anchor}">today {today.isoformat()}</text>'
        )
    unit = "month" if monthly else "year"
    return (
        f'<svg role="img" aria-label="embargo end dates per {unit}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(shapes)}</svg>'
        f'<p class="note">Embargoed records per {unit} of their embargo end.</p>'
    )


def _period_end(start: _dt.date, monthly: bool) -> _dt.date:
    if monthly:
        return _dt.date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    return _dt.date(start.year, 12, 31)
