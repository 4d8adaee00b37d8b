"""Every case of the adversarial corpus (``cases.py``), each in an isolated child process.

Beyond each case's own expectation, every case must: finish within its timeout (a FIFO read or
an unbounded expansion would not); stay under its memory budget (``RLIMIT_AS`` in the child and
a bound on peak RSS growth); let nothing but Records and Failures out of ``read(...,
errors="collect")``; report every failure in one line naming the source and record; never show
the canary secret; and make no connection to the loopback listener.
"""

from __future__ import annotations

import pytest

from recordparse.errors import one_line

from .cases import Case, Env, all_cases
from .harness import outcomes_of, run_isolated

CASES = all_cases()


def test_the_corpus_has_at_least_100_cases_in_every_group() -> None:
    groups: dict[str, int] = {}
    for case in CASES:
        groups[case.group] = groups.get(case.group, 0) + 1
    assert len(CASES) >= 100, len(CASES)
    assert len({c.id for c in CASES}) == len(CASES), "duplicate case ids"
    assert groups["xml"] >= 35 and groups["html"] >= 15 and groups["json"] + groups["text"] >= 25, groups
    assert groups["archive"] >= 15, groups


def _run(case: Case, env: Env) -> object:
    source = case.make(env)
    return outcomes_of(source, case.format, limits=case.limits)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case, env: Env) -> None:
    before = env.listener.count()
    child = run_isolated(_run, case, env, timeout=case.timeout, memory_mb=case.memory_mb)
    assert env.listener.count() == before, "a connection was made to the loopback listener"
    assert child.status == "ok", f"{child.status}: {child.error}"
    report = child.value
    assert report.raised is None, f"read() raised {report.raised}\n{report.traceback}"
    assert not env.canary.leaked(report.text()), "the canary secret leaked into the output"
    assert child.rss_growth_mb <= case.max_growth_mb, f"peak RSS grew by {child.rss_growth_mb:.0f} MB"
    for outcome in report.outcomes:
        assert outcome["outcome"] in ("record", "failure"), outcome["outcome"]
        if outcome["outcome"] == "failure":
            message = outcome["message"]
            assert "\n" not in message and "\r" not in message, message
            assert outcome["source"] and outcome["record"] >= 1, message
            assert outcome["kind"] != "internal" and "cannot map record:" not in message, f"a parser crashed: {message}"
            assert message.startswith(one_line(outcome["source"])), message
    case.expect(report, env)
