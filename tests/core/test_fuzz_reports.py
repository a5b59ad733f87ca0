"""The report fuzzer: Hypothesis mutates real report files and feeds each to load_report
(what the window opens with), `export` in every format and `diff`. The only accepted
outcomes are a typed refusal in one line or a correct output, in bounded time.

CI runs FUZZ_CASES_CI cases (on the 2-core dev machine, idle: 120 took 4.4 s, 1,000 took
45 s). A long run is one command:
    scripts/fuzz-reports --cases 20000
(or NEOSENSE_FUZZ_CASES=20000 pytest tests/core/test_fuzz_reports.py).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.report_fuzzing import BASELINE, check_case, mutated_report

FUZZ_CASES_CI = 800
CASES = int(os.environ.get("NEOSENSE_FUZZ_CASES", FUZZ_CASES_CI))


@settings(
    max_examples=CASES,
    deadline=None,  # bounded by check_case's per-command limit instead (CASE_LIMIT_S)
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_mutated_reports_are_refused_or_exported_correctly(
    data: st.DataObject, capsys: pytest.CaptureFixture[str]
) -> None:
    def choose(n: int) -> int:
        return data.draw(st.integers(0, n - 1)) if n > 1 else 0

    seed, raw = mutated_report(choose)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mutated.json"
        path.write_bytes(raw)
        outcome = check_case(path, BASELINE, Path(tmp), lambda: capsys.readouterr())
    data.draw(st.just(f"{seed}: {outcome.refused or 'accepted'}"), label="outcome")
