"""Shared fixtures: a real Neo4j server, a clean database per test, CI skip guard."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.neo4j_support import GraphFixture, Neo4jServer, start_server, stop_server

_skipped_needing_services: list[str] = []


@pytest.fixture(scope="session")
def neo4j_server() -> Iterator[Neo4jServer]:
    server = start_server()  # raises (an error, not a skip) when no server can be had
    yield server
    stop_server(server)


@pytest.fixture
def graph(neo4j_server: Neo4jServer) -> Iterator[GraphFixture]:
    """A clean 'neo4j' database: no data, no indexes but the token lookups, no constraints."""
    fixture = GraphFixture(neo4j_server)
    fixture.clean()
    yield fixture
    fixture.close()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and ("neo4j" in report.keywords or "keyring" in report.keywords):
        _skipped_needing_services.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # In CI a skipped Neo4j or keyring test means a missing service, so the run fails.
    if os.environ.get("CI") and _skipped_needing_services:
        print("\nCI: these tests need Neo4j or the keyring and were skipped:")
        for nodeid in _skipped_needing_services:
            print(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
