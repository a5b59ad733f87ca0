"""`neosense-desktop check`: a database (or a report) against a baseline report, for CI.

    neosense-desktop check --baseline BASE.json [--report NEW.json | connection options]
                           [--policy POLICY.toml] [--junit RESULT.xml]
                           [--format text|json|markdown]

Without --report it reads the database as `extract` does, with the baseline run's mode,
sample size, values policy and exact threshold unless flags say otherwise, so that like is
compared with like (a sampled run against an exact baseline would report rare properties as
gone). Exit codes: 0 conforms, 1 drifted against the policy, 2 bad input (baseline, report,
policy, flags, an output that cannot be written), 3 the run did not complete (a failed
activity reads as items removed, so the verdict is not trusted), 4 could not connect.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .cli_command import (
    EXIT_BAD_INPUT,
    EXIT_CONNECT,
    EXIT_DIFFERENT,
    EXIT_OK,
    EXIT_PARTIAL,
    connection_inputs,
    parse_parallel,
    print_error,
    run_connected,
)
from .cli_progress import ProgressPrinter
from .connection import ConnectionSettings
from .drift_output import RENDERERS, CheckContext, render_junit, render_junit_error
from .drift_policy import DriftPolicy, check_drift
from .errors import NeoSenseError
from .files import atomic_write_bytes
from .report import Report
from .terminal_text import printable
from .wording import activity_title

_CONNECTION_FLAGS = ("uri", "user", "database", "profile")


def run_check(args: argparse.Namespace) -> int:
    from .export import load_report

    try:
        baseline = load_report(args.baseline)
    except NeoSenseError as exc:
        print("error: the baseline cannot be used.", file=sys.stderr)
        print_error(exc)
        return EXIT_BAD_INPUT
    try:
        policy = DriftPolicy.from_toml(Path(args.policy)) if args.policy else DriftPolicy()
    except NeoSenseError as exc:
        print_error(exc)
        return EXIT_BAD_INPUT
    if args.report is not None:
        given = [f"--{flag}" for flag in _CONNECTION_FLAGS if getattr(args, flag) is not None]
        if given:
            print(
                f"error: --report compares a file, so {', '.join(given)} would not be used: "
                "give --report or the connection options, not both",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        try:
            current = load_report(args.report)
        except NeoSenseError as exc:
            print("error: the report to check cannot be used.", file=sys.stderr)
            print_error(exc)
            return EXIT_BAD_INPUT
    else:
        read = _read_database(args, baseline)
        if isinstance(read, int):
            return read
        current = read
    return _judge(args, baseline, current, policy)


def _read_database(args: argparse.Namespace, baseline: Report) -> Report | int:
    inputs = connection_inputs(args, lambda a: _run_options(a, baseline))
    if isinstance(inputs, int):
        return inputs
    settings, password, options = inputs
    read: list[Report] = []
    failed: list[NeoSenseError] = []

    async def work() -> int:
        try:
            read.append(await _extract(settings, password, options, args))
        except NeoSenseError as exc:
            failed.append(exc)
            raise
        return EXIT_OK

    code = run_connected(work)
    if read:
        return read[0]
    if code == EXIT_CONNECT and failed and args.junit is not None:
        # The CI server shows why there is no verdict, instead of a missing file.
        try:
            atomic_write_bytes(
                Path(args.junit), render_junit_error("Connected to the database", failed[0].message)
            )
        except NeoSenseError as exc:
            print_error(exc)
    return code


def _run_options(args: argparse.Namespace, baseline: Report) -> Any:
    """extract's options, each taken from the baseline's run unless a flag gives it."""
    from .extraction import RunOptions

    run = baseline.run
    chosen: dict[str, Any] = {
        "mode": args.mode if args.mode is not None else run.mode,
        "values": args.values if args.values is not None else (run.values or "stats"),
        "sample_size": args.sample_size if args.sample_size is not None else run.sample_size,
        "max_concurrent_queries": parse_parallel(args.parallel),
    }
    threshold = args.exact_threshold if args.exact_threshold is not None else run.exact_threshold
    if threshold is not None:
        chosen["exact_threshold"] = threshold
    if args.timeout is not None:
        chosen["query_timeout_s"] = args.timeout
    return RunOptions.model_validate(chosen)


async def _extract(
    settings: ConnectionSettings, password: str, options: Any, args: argparse.Namespace
) -> Report:
    from .extraction import ExtractionRun
    from .runs import RunStore

    progress = None if args.quiet else ProgressPrinter(options.activities, sys.stderr)
    async with ExtractionRun(settings, password, options, on_progress=progress) as run:
        if progress is not None:
            progress.header = run.concurrency_text
        report = await run.run()
    if args.save_report is not None:
        from .export import save_report

        save_report(report, Path(args.save_report))
        print(f"report written to {args.save_report}", file=sys.stderr)
    if not args.no_save:
        try:
            RunStore().save(report)
        except NeoSenseError as exc:
            print(f"warning: the run was not kept in the history: {exc.message}", file=sys.stderr)
    return report


def incomplete_activities(report: Report) -> list[str]:
    """The activities of a run that failed or were cancelled, in words: "Properties and
    types failed: timed out"."""
    problems = []
    for name, result in report.activities.items():
        if result.status.value in ("failed", "cancelled"):
            reason = f": {result.error.message}" if result.error is not None else ""
            problems.append(f"{activity_title(name)} {result.status.value}{reason}")
    return problems


def _differences_in_reading(baseline: Report, current: Report) -> list[str]:
    """How the two runs read differently, which can show as changes that are not."""
    notes = []
    a, b = baseline.run, current.run
    if (a.mode, a.sample_size) != (b.mode, b.sample_size):
        notes.append(
            f"the baseline was read in {a.mode} mode (samples of {a.sample_size:,}), this run "
            f"in {b.mode} mode (samples of {b.sample_size:,}): counts and rare properties can "
            "differ for that reason alone"
        )
    if a.values is not None and b.values is not None and a.values != b.values:
        notes.append(
            f"the baseline's values policy was {a.values}, this run's {b.values}: findings "
            "that need values can appear or vanish for that reason alone"
        )
    return notes


def _judge(args: argparse.Namespace, baseline: Report, current: Report, policy: DriftPolicy) -> int:
    verdict = check_drift(baseline, current, policy)
    incomplete = incomplete_activities(current)
    context = CheckContext(
        baseline,
        current,
        str(args.policy) if args.policy else "default policy",
        incomplete,
    )
    for note in _differences_in_reading(baseline, current):
        print(f"note: {printable(note)}", file=sys.stderr)
    for problem in incomplete_activities(baseline):
        print(
            f"note: the baseline did not complete ({printable(problem)}): what it could not "
            "read shows as added",
            file=sys.stderr,
        )
    sys.stdout.write(RENDERERS[args.format](verdict, context))
    sys.stdout.flush()
    if args.junit is not None:
        try:
            atomic_write_bytes(Path(args.junit), render_junit(verdict, context))
        except NeoSenseError as exc:
            print_error(exc)
            return EXIT_BAD_INPUT
    if incomplete:
        print(
            "error: the run did not complete, so items it could not read may show as "
            "removed: the verdict is not trusted (exit 3)",
            file=sys.stderr,
        )
        return EXIT_PARTIAL
    return EXIT_OK if verdict.conforms else EXIT_DIFFERENT
