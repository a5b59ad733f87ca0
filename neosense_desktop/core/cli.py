"""The headless command line, on the same engine as the desktop app."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import os
import sys

from pydantic import ValidationError

from .. import __version__
from .connection import ConnectionSettings
from .errors import NeoSenseError
from .graph_client import GraphClient
from .probe import probe_connection

EXIT_OK = 0
EXIT_DIFFERENT = 1
EXIT_BAD_INPUT = 2
EXIT_PARTIAL = 3
EXIT_CONNECT = 4

COMMANDS = ("probe",)


def _connection_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--uri", default=os.environ.get("NEO4J_URI"), help="Bolt URI (default: $NEO4J_URI)"
    )
    p.add_argument(
        "--user", default=os.environ.get("NEO4J_USERNAME"), help="user (default: $NEO4J_USERNAME)"
    )
    p.add_argument(
        "--database",
        default=os.environ.get("NEO4J_DATABASE", ""),
        help="database (default: $NEO4J_DATABASE or the server's default)",
    )
    p.add_argument("--connection-timeout", type=float, default=10.0)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="neosense-desktop", description="NeoSense Desktop, headless.")
    p.add_argument("--version", action="version", version=f"neosense-desktop {__version__}")
    p.add_argument("-v", "--verbose", action="store_true")
    sub = p.add_subparsers(dest="command", required=True)
    sp = sub.add_parser("probe", help="test a connection: version, edition, databases, APOC")
    _connection_args(sp)
    return p


def _settings_from(args: argparse.Namespace) -> ConnectionSettings:
    return ConnectionSettings(
        uri=args.uri or "",
        user=args.user or "",
        database=args.database or "",
        connection_timeout_s=args.connection_timeout,
    )


def _print_validation(exc: ValidationError) -> None:
    for err in exc.errors():
        field = ".".join(str(x) for x in err["loc"]) or "input"
        print(f"error: {field}: {err['msg']}", file=sys.stderr)


async def _probe(settings: ConnectionSettings, password: str) -> int:
    async with GraphClient(settings, password) as client:
        result = await probe_connection(client)
    print(result.model_dump_json(indent=2))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        settings = _settings_from(args)
    except ValidationError as exc:
        _print_validation(exc)
        return EXIT_BAD_INPUT
    password = os.environ.get("NEO4J_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            print(
                "error: no password: set NEO4J_PASSWORD or run in a terminal to be asked",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        password = getpass.getpass("Neo4j password: ")
    try:
        return asyncio.run(_probe(settings, password))
    except NeoSenseError as exc:
        print(f"error [{exc.code.value}]: {exc.user_text()}", file=sys.stderr)
        return EXIT_CONNECT
