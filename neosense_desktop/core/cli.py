"""The headless command line, on the same engine as the desktop app.

    neosense-desktop probe   --uri URI --user USER [--database DB]
    neosense-desktop extract --uri URI --user USER [--database DB] [--all-databases]
                             [--mode auto|exact|sampled] [--sample-size N] [--timeout S]
                             [--values none|stats|examples] [--activities A,B]
                             [--parallel auto|N]
                             [--profile NAME] [--format FORMAT] --output FILE
    neosense-desktop export REPORT.json [--format FORMAT] [--output FILE]
    neosense-desktop diff A.json B.json
    neosense-desktop check --baseline REPORT.json [--report NEW.json | connection options]
                           [--policy FILE.toml] [--junit FILE.xml] [--format text|json|markdown]
                           [--mode ...] [--sample-size N] [--values ...] [--save-report FILE]
    neosense-desktop schema

The password comes from the profile's keyring entry, NEO4J_PASSWORD, or a prompt: never from
a flag (it would show in the process list). FORMAT is json (the default), html, markdown,
llm or cypher (core.formats); an --output of `-` writes to stdout. Output piped into a
reader that stops early (`| head`) ends quietly. NEO4J_URI, NEO4J_USERNAME and NEO4J_DATABASE
fill in missing flags. Progress goes to stderr. Names from a server or a report are printed
with their control characters as escapes (`\\x1b`, core.terminal_text); --all-databases names
each file by an escape of the database name (core.output_names), never a path.

Exit codes: 0 all activities succeeded (diff: no differences; check: the database conforms
to the baseline); 1 diff found differences, or check found drift that breaks the policy;
2 bad input (a bad report, policy file or flag, or an output that cannot be written);
3 report written but some activities failed (check: the run did not complete, so its verdict
is not trusted); 4 could not connect or log in.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from .. import __version__
from .cli_command import (
    EXIT_BAD_INPUT,
    EXIT_DIFFERENT,
    EXIT_OK,
    EXIT_PARTIAL,
    BadInput,
    connection_inputs,
    parse_parallel,
    print_error,
    run_connected,
    say,
)
from .cli_progress import ProgressPrinter
from .connection import ConnectionSettings
from .errors import ErrorCode, NeoSenseError
from .graph_client import GraphClient
from .logging_setup import cli_logging
from .output_names import inside, output_files
from .probe import probe_connection
from .report import ACTIVITY_NAMES
from .terminal_text import printable, printable_json

COMMANDS = ("probe", "extract", "export", "diff", "check", "schema")


def _connection_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--uri", default=None, help="Bolt URI (default: $NEO4J_URI)")
    p.add_argument("--user", default=None, help="user (default: $NEO4J_USERNAME)")
    p.add_argument(
        "--database",
        default=None,
        help="database (default: $NEO4J_DATABASE or the server's default)",
    )
    p.add_argument("--connection-timeout", type=float, default=10.0)
    p.add_argument(
        "--profile",
        default=None,
        help="a saved connection (name or id); its password comes from the OS keyring",
    )


def _formats() -> tuple[str, ...]:
    from .formats import FORMATS

    return FORMATS


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="neosense-desktop", description="NeoSense Desktop, headless.")
    p.add_argument("--version", action="version", version=f"neosense-desktop {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = p.add_subparsers(dest="command", required=True)

    sp = sub.add_parser("probe", help="test a connection: version, edition, databases, APOC")
    _connection_args(sp)

    se = sub.add_parser("extract", help="extract the metadata report of a database")
    _connection_args(se)
    se.add_argument(
        "--all-databases",
        action="store_true",
        help="one report per database; --output is then a folder",
    )
    se.add_argument(
        "--values",
        default="stats",
        choices=["none", "stats", "examples"],
        help="how much of the values may leave the database: none (no profiles, safe to "
        "share), stats (default: numeric and temporal stats, string lengths), examples (adds "
        "top values and example values)",
    )
    se.add_argument(
        "--activities",
        default=None,
        help="comma-separated activities to run (default: all): " + ", ".join(ACTIVITY_NAMES),
    )
    se.add_argument("--mode", default="auto", help="auto (default), exact or sampled")
    se.add_argument("--sample-size", default="1000", help="entities per sampled label or type")
    se.add_argument("--timeout", default="60", help="per-query timeout in seconds")
    se.add_argument(
        "--exact-threshold",
        default="100000",
        help="auto mode: exact below this many nodes or relationships",
    )
    se.add_argument(
        "--parallel",
        default="auto",
        metavar="auto|N",
        help="queries in flight at once, 1-64; auto (default) = twice the server's processors, "
        "4 to 16 (4 when the server will not say). Lower it to be gentle on a busy server",
    )
    se.add_argument("--output", "-o", required=True, help="report file (or folder); - for stdout")
    se.add_argument(
        "--format", "-f", default="json", choices=_formats(), help="report format (default json)"
    )
    se.add_argument(
        "--no-save",
        action="store_true",
        help="do not also keep the run in the run history (<data dir>/runs/)",
    )
    se.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")

    sx = sub.add_parser("export", help="convert a saved report to another format")
    sx.add_argument("report", help="a report saved by NeoSense (.json)")
    sx.add_argument("--format", "-f", default="html", choices=_formats(), help="default html")
    sx.add_argument("--output", "-o", default="-", help="file to write (default: stdout)")

    sd = sub.add_parser("diff", help="what changed between two reports (exit 1 if different)")
    sd.add_argument("a", help="the older report")
    sd.add_argument("b", help="the newer report")
    sd.add_argument("--json", action="store_true", help="print the changes as JSON")

    _check_parser(sub)
    sub.add_parser("schema", help="print the JSON Schemas of the configuration and the report")
    return p


def _check_parser(sub: Any) -> None:
    sc = sub.add_parser(
        "check",
        help="check a database (or a report) against a baseline report: exit 0 conforms, 1 drifted",
        description="Compare the database (or --report) with a baseline report and judge the "
        "changes by a policy: by default a removed label, relationship type, property or "
        "pattern, a changed value type, a dropped index or constraint, or a new error or "
        "warning finding fail; additions and count changes are reported. Exit 0 when it "
        "conforms, 1 when it drifted, 2 bad input, 3 the run did not complete, 4 could not "
        "connect.",
    )
    sc.add_argument("--baseline", required=True, help="the baseline report (.json)")
    sc.add_argument(
        "--report",
        default=None,
        help="compare this report (.json) instead of connecting to a database",
    )
    _connection_args(sc)
    sc.add_argument("--policy", default=None, help="a policy file (TOML); see the README")
    sc.add_argument("--junit", default=None, help="also write the result as JUnit XML here")
    sc.add_argument(
        "--format",
        "-f",
        default="text",
        choices=["text", "json", "markdown"],
        help="the summary on stdout: text (default), json, or markdown for a pull-request comment",
    )
    sc.add_argument(
        "--mode",
        default=None,
        help="auto, exact or sampled (default: the baseline run's, so like is compared with like)",
    )
    sc.add_argument(
        "--sample-size", default=None, help="entities per sampled label (default: the baseline's)"
    )
    sc.add_argument(
        "--values",
        default=None,
        choices=["none", "stats", "examples"],
        help="values policy of the run (default: the baseline's)",
    )
    sc.add_argument(
        "--exact-threshold",
        default=None,
        help="auto mode: exact below this many entities (default: the baseline's)",
    )
    sc.add_argument("--timeout", default=None, help="per-query timeout in seconds (default 60)")
    sc.add_argument("--parallel", default="auto", metavar="auto|N", help="as for extract")
    sc.add_argument(
        "--save-report", default=None, help="also write the new run's report (.json) here"
    )
    sc.add_argument(
        "--no-save",
        action="store_true",
        help="do not also keep the run in the run history (<data dir>/runs/)",
    )
    sc.add_argument("--quiet", "-q", action="store_true", help="no progress on stderr")


# -- probe ---------------------------------------------------------------------------------
async def _probe(settings: ConnectionSettings, password: str) -> int:
    async with GraphClient(settings, password) as client:
        result = await probe_connection(client)
    print(printable_json(result.model_dump_json(indent=2)))
    return EXIT_OK


# -- extract -------------------------------------------------------------------------------
def _run_options(args: argparse.Namespace) -> Any:
    from .extraction import RunOptions

    chosen: dict[str, Any] = {}
    if args.activities is not None:
        chosen["activities"] = [a.strip() for a in args.activities.split(",") if a.strip()]
    return RunOptions.model_validate(
        {
            **chosen,
            "mode": args.mode,
            "values": args.values,
            "sample_size": args.sample_size,
            "query_timeout_s": args.timeout,
            "exact_threshold": args.exact_threshold,
            "max_concurrent_queries": parse_parallel(args.parallel),
        }
    )


async def _extract_one(
    settings: ConnectionSettings,
    password: str,
    options: Any,
    output: Path,
    args: Any,
    prefix: str = "",
) -> int:
    from .extraction import ExtractionRun
    from .runs import RunStore

    # A bar per activity on a terminal, plain lines that never go back elsewhere.
    progress = (
        None if args.quiet else ProgressPrinter(options.activities, sys.stderr, prefix=prefix)
    )
    async with ExtractionRun(settings, password, options, on_progress=progress) as run:
        if progress is not None:
            # Known once the run has probed the server, before its first activity reports.
            progress.header = run.concurrency_text
        report = await run.run()
    _write(report, args.format, output)
    if not args.no_save:
        try:
            RunStore().save(report)
        except NeoSenseError as exc:
            say(f"warning: the run was not kept in the history: {exc.message}")
    failed = [n for n, a in report.activities.items() if a.status.value in ("failed", "cancelled")]
    if str(output) != "-":
        say(f"{prefix}report written to {output}")
    for name in failed:
        err = report.activities[name].error
        say(
            f"{prefix}activity {name} {report.activities[name].status.value}: "
            f"{err.message if err else ''}"
        )
    return EXIT_PARTIAL if failed else EXIT_OK


async def _extract(settings: ConnectionSettings, password: str, options: Any, args: Any) -> int:
    output = Path(args.output)
    if not args.all_databases:
        return await _extract_one(settings, password, options, output, args)
    if args.output == "-":
        raise BadInput("--all-databases writes one file per database: give a folder as --output")
    async with GraphClient(settings, password) as client:
        probe = await probe_connection(client)
    names = [d.name for d in probe.databases if d.name != "system" and d.status in ("online", "")]
    if not names:
        raise NeoSenseError(ErrorCode.DATABASE_MISSING, "This user can see no database to read.")
    # A database name is data from the server, not a path (output_names): every file is
    # named by a one-to-one escape of it, checked to lie in the folder, before any write.
    files = output_files(names, output, _suffix(args.format))
    worst = EXIT_OK
    for name in names:
        db_settings = settings.model_copy(update={"database": name})
        code = await _extract_one(
            db_settings,
            password,
            options,
            inside(output, files[name]),
            args,
            prefix=f"{name}: ",
        )
        worst = max(worst, code)
    return worst


def _suffix(fmt: str) -> str:
    from .formats import SUFFIXES

    return SUFFIXES[fmt]


def _write(report: Any, fmt: str, output: Path) -> None:
    """The report in a format, to a file (atomically) or, for `-`, to stdout."""
    from .formats import render, save_as

    if str(output) == "-":
        sys.stdout.write(render(report, fmt))
        sys.stdout.flush()
    else:
        save_as(report, output, fmt)


# -- export --------------------------------------------------------------------------------
def _export(args: argparse.Namespace) -> int:
    from .export import load_report

    try:
        report = load_report(args.report)
        _write(report, args.format, Path(args.output))
    except NeoSenseError as exc:
        print_error(exc)
        return EXIT_BAD_INPUT
    if args.output != "-":
        say(f"{args.format} written to {args.output}")
    return EXIT_OK


# -- diff and schema -----------------------------------------------------------------------
def _diff(args: argparse.Namespace) -> int:
    from .diff import diff_reports
    from .export import load_report

    try:
        a, b = load_report(args.a), load_report(args.b)
    except NeoSenseError as exc:
        print_error(exc)
        return EXIT_BAD_INPUT
    result = diff_reports(a, b)
    if args.json:
        # ASCII: a name's C1 controls or lone surrogates are \u escapes, never raw bytes.
        rows = [{**c.as_json(), "path": c.path} for c in result.changes]
        print(json.dumps(rows, ensure_ascii=True, indent=2, default=str))
    else:
        print(result.text(printable))
    return EXIT_OK if result.is_empty else EXIT_DIFFERENT


def _schema() -> int:
    from .extraction import RunOptions
    from .report import report_json_schema

    schemas = {
        "configuration": {
            "connection": ConnectionSettings.model_json_schema(),
            "run_options": RunOptions.model_json_schema(),
        },
        "report": report_json_schema(),
    }
    print(json.dumps(schemas, ensure_ascii=False, indent=2, sort_keys=True))
    return EXIT_OK


# -- main ----------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error. Point stdout at devnull so the
        # interpreter's last flush at exit does not raise the same error again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return EXIT_OK


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad input, 0 on --help
        return int(exc.code or 0)
    with cli_logging(args.verbose):
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    if args.command == "diff":
        return _diff(args)
    if args.command == "schema":
        return _schema()
    if args.command == "export":
        return _export(args)
    if args.command == "check":
        from .drift_check import run_check

        return run_check(args)
    inputs = connection_inputs(args, _run_options if args.command == "extract" else None)
    if isinstance(inputs, int):
        return inputs
    settings, password, options = inputs
    if args.command == "probe":
        return run_connected(lambda: _probe(settings, password))
    return run_connected(lambda: _extract(settings, password, options, args))
