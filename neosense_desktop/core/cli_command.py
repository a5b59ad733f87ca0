"""What every command of the CLI shares: its exit codes, how a refusal is printed on stderr,
and for a command that connects, its inputs (connection, password, --parallel) and running it
to an exit code. cli.py (probe, extract, ...) and drift_check.py (check) both use it, so
neither imports the other's module.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from pydantic import ValidationError

from .connection import ConnectionSettings
from .errors import ErrorCode, NeoSenseError
from .logging_setup import REDACTOR
from .terminal_text import printable

EXIT_OK = 0
EXIT_DIFFERENT = 1
EXIT_BAD_INPUT = 2
EXIT_PARTIAL = 3
EXIT_CONNECT = 4


class BadInput(Exception):
    """A problem with the command line; printed as is, exit code 2."""


# -- connection and password --------------------------------------------------------------
def _settings_from(args: argparse.Namespace) -> tuple[ConnectionSettings, str | None]:
    """Settings from --profile and/or flags and environment; plus the profile id."""
    profile_id: str | None = None
    base: dict[str, Any] = {}
    if args.profile:
        from .profiles import ProfileStore, default_profiles_path

        profile = ProfileStore(default_profiles_path()).find(args.profile)
        if profile is None:
            raise BadInput(f"no saved connection named '{args.profile}'")
        profile_id = profile.id
        base = profile.connection.model_dump()
    env = os.environ
    for field, flag, var in (
        ("uri", args.uri, "NEO4J_URI"),
        ("user", args.user, "NEO4J_USERNAME"),
        ("database", args.database, "NEO4J_DATABASE"),
    ):
        if flag is not None:
            base[field] = flag
        elif field not in base:
            base[field] = env.get(var, "")
    if args.connection_timeout != 10.0 or "connection_timeout_s" not in base:
        base["connection_timeout_s"] = args.connection_timeout
    return ConnectionSettings.model_validate(base), profile_id


def _password(profile_id: str | None) -> str:
    if profile_id is not None:
        from .secrets import SecretStore

        try:
            stored = SecretStore().get_password(profile_id)
        except NeoSenseError as exc:
            say(f"warning: {exc.message}")
            stored = None
        if stored is not None:
            return stored
    password = os.environ.get("NEO4J_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise BadInput(
            "no password: set NEO4J_PASSWORD, save it with the profile, or run in a "
            "terminal to be asked"
        )
    return getpass.getpass("Neo4j password: ")


def say(text: str) -> None:
    """One line for stderr: names in it come from a server or a file, so no control byte
    of theirs (nor a line break that would fake another line) reaches the terminal."""
    print(printable(text), file=sys.stderr, flush=True)


def _print_validation(exc: ValidationError) -> None:
    for err in exc.errors():
        field = ".".join(str(x) for x in err["loc"]) or "input"
        say(f"error: {field}: {err['msg']}")


def print_error(exc: NeoSenseError) -> None:
    """The one line that says why, then the suggestions, one line each."""
    say(f"error [{exc.code.value}]: {exc.message}")
    if exc.suggestions:
        print(file=sys.stderr)
    for suggestion in exc.suggestions:
        say(f"- {suggestion}")


def parse_parallel(value: str) -> int:
    """--parallel: 'auto' or a whole number from 1 to 64 (0 would read as auto: refused)."""
    text = value.strip().lower()
    if text == "auto":
        return 0
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise BadInput(
            f"--parallel must be auto or a whole number from 1 to 64, not {value!r}: the "
            "number of queries the run keeps on the server at once"
        )
    return int(text)


def connection_inputs(
    args: argparse.Namespace, options_of: Callable[[argparse.Namespace], Any] | None
) -> tuple[ConnectionSettings, str, Any] | int:
    """The settings, password and run options of a command that connects, or the exit code
    when the command line cannot give them (bad input, said on stderr)."""
    try:
        settings, profile_id = _settings_from(args)
        options = options_of(args) if options_of is not None else None
        password = _password(profile_id)
        REDACTOR.register(password)
    except ValidationError as exc:
        _print_validation(exc)
        return EXIT_BAD_INPUT
    except BadInput as exc:
        say(f"error: {exc}")
        return EXIT_BAD_INPUT
    except NeoSenseError as exc:
        print_error(exc)
        return EXIT_BAD_INPUT
    return settings, password, options


def run_connected(work: Callable[[], Coroutine[Any, Any, int]]) -> int:
    """Run a command's coroutine; a refusal or a connection failure becomes its exit code."""
    try:
        return asyncio.run(work())
    except BadInput as exc:
        say(f"error: {exc}")
        return EXIT_BAD_INPUT
    except NeoSenseError as exc:
        print_error(exc)
        if exc.code in (ErrorCode.FILE_WRITE_FAILED, ErrorCode.INVALID_INPUT):
            return EXIT_BAD_INPUT
        return EXIT_CONNECT
    except KeyboardInterrupt:
        print("cancelled", file=sys.stderr)
        return 130
