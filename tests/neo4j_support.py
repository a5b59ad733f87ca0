"""A real Neo4j server for tests: started through scripts/neo4j-local, or given by env vars.

NEOSENSE_TEST_URI / NEOSENSE_TEST_PASSWORD (user NEOSENSE_TEST_USER, default neo4j) point the
tests at an existing server; otherwise scripts/neo4j-local starts one on NEOSENSE_TEST_PORT
(default 7697, so a developer's own server on 7687 is left alone).

NEOSENSE_TEST_NEO4J_VERSION picks the Neo4j version of every server the tests start (the
version matrix: 5.26.19, the default, or e.g. 2026.08.1). Another version than the default
gets its own default ports (test_port), so its servers never open the other line's data.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import neo4j

from neosense_desktop.core.cypher import escape_name

REPO = Path(__file__).resolve().parent.parent
NEO4J_LOCAL = REPO / "scripts" / "neo4j-local"
FIXTURES = REPO / "tests" / "fixtures"
NORTHWIND = FIXTURES / "northwind"
DEFAULT_TEST_VERSION = "5.26.19"
TEST_VERSION = os.environ.get("NEOSENSE_TEST_NEO4J_VERSION", DEFAULT_TEST_VERSION)


def server_port(env_var: str, default: int) -> int:
    """A test server's port: env_var, else default (+1 for a version other than 5.26.19)."""
    if os.environ.get(env_var):
        return int(os.environ[env_var])
    return default if TEST_VERSION == DEFAULT_TEST_VERSION else default + 1


def version_line() -> str:
    """'5' or 'calendar' (2025.01 onward): what tests expect of the server's behaviour."""
    return "5" if TEST_VERSION.startswith("5.") else "calendar"


def local_env() -> dict[str, str]:
    """The environment for scripts/neo4j-local: the version under test."""
    return dict(os.environ, NEOSENSE_NEO4J_VERSION=TEST_VERSION)


@dataclass
class Neo4jServer:
    uri: str
    user: str
    password: str
    port: int | None  # None when the server is not ours (NEOSENSE_TEST_URI)
    started_here: bool

    def driver(self) -> neo4j.Driver:
        return neo4j.GraphDatabase.driver(
            self.uri, auth=(self.user, self.password), notifications_min_severity="OFF"
        )

    @property
    def import_dir(self) -> Path | None:
        if self.port is None:
            return None
        out = subprocess.run(
            [sys.executable, str(NEO4J_LOCAL), "import-dir", "--port", str(self.port)],
            capture_output=True,
            text=True,
            check=True,
            env=local_env(),
        )
        return Path(out.stdout.strip())

    def local(self, *args: str) -> subprocess.CompletedProcess[str]:
        assert self.port is not None, "only a server started by scripts/neo4j-local"
        return subprocess.run(
            [sys.executable, str(NEO4J_LOCAL), *args, "--port", str(self.port)],
            capture_output=True,
            text=True,
            env=local_env(),
        )


def start_server() -> Neo4jServer:
    uri = os.environ.get("NEOSENSE_TEST_URI")
    if uri:
        return Neo4jServer(
            uri,
            os.environ.get("NEOSENSE_TEST_USER", "neo4j"),
            os.environ["NEOSENSE_TEST_PASSWORD"],
            None,
            False,
        )
    port = server_port("NEOSENSE_TEST_PORT", 7697)
    password = os.environ.get("NEOSENSE_NEO4J_PASSWORD", "neosense-test")
    status = subprocess.run(
        [sys.executable, str(NEO4J_LOCAL), "status", "--port", str(port)],
        capture_output=True,
        text=True,
        env=local_env(),
    )
    already = status.returncode == 0
    # Even when one runs: start checks that it runs TEST_VERSION and refuses otherwise.
    proc = run_local("start", "--version", TEST_VERSION, "--port", str(port))
    if proc.returncode != 0:
        raise RuntimeError(f"scripts/neo4j-local start failed:\n{proc.stderr}")
    return Neo4jServer(f"bolt://127.0.0.1:{port}", "neo4j", password, port, not already)


def stop_server(server: Neo4jServer) -> None:
    if (
        server.started_here
        and server.port is not None
        and not os.environ.get("NEOSENSE_KEEP_NEO4J")
    ):
        server.local("stop")


class GraphFixture:
    """A clean database plus helpers to fill it. Writes happen here only, never in the app."""

    def __init__(self, server: Neo4jServer, database: str = "neo4j") -> None:
        self.server = server
        self.database = database
        self._driver = server.driver()

    def close(self) -> None:
        self._driver.close()

    def run(self, cypher: str, **params: object) -> list[dict[str, object]]:
        with self._driver.session(database=self.database) as s:
            return [r.data() for r in s.run(cypher, params)]  # type: ignore[arg-type]

    def clean(self) -> None:
        """Drop all data, indexes and constraints; restore the two token lookup indexes."""
        for row in self.run("SHOW CONSTRAINTS YIELD name RETURN name"):
            self.run(f"DROP CONSTRAINT {_quoted(str(row['name']))}")
        for row in self.run("SHOW INDEXES YIELD name, type RETURN name, type"):
            if row["type"] != "LOOKUP":
                self.run(f"DROP INDEX {_quoted(str(row['name']))}")
        self.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")
        kinds = {
            r["entityType"]
            for r in self.run(
                "SHOW INDEXES YIELD type, entityType WHERE type = 'LOOKUP' RETURN entityType"
            )
        }
        if "NODE" not in kinds:
            self.run(
                "CREATE LOOKUP INDEX node_label_lookup IF NOT EXISTS FOR (n) ON EACH labels(n)"
            )
        if "RELATIONSHIP" not in kinds:
            self.run(
                "CREATE LOOKUP INDEX rel_type_lookup IF NOT EXISTS FOR ()-[r]-() ON EACH type(r)"
            )

    def load_file(self, path: Path, *, keep_going: bool = False) -> None:
        """Run a multi-statement Cypher file through scripts/neo4j-local's own splitter."""
        sys.path.insert(0, str(REPO / "scripts"))
        try:
            split = _load_splitter()
        finally:
            sys.path.pop(0)
        for line, stmt in split(path.read_text(encoding="utf-8")):
            try:
                self.run(stmt)
            except neo4j.exceptions.Neo4jError as exc:
                if not keep_going:
                    raise RuntimeError(f"{path.name} line {line}: {exc.message}") from exc

    def load_fixture(self, name: str) -> None:
        self.load_file(FIXTURES / name)

    def load_northwind(self) -> None:
        target = self.server.import_dir
        if target is None:
            raise RuntimeError("northwind needs the server's import dir (scripts/neo4j-local)")
        target.mkdir(parents=True, exist_ok=True)
        for csv in NORTHWIND.glob("*.csv"):
            shutil.copy2(csv, target / csv.name)
        self.load_file(NORTHWIND / "northwind.cypher")


def _quoted(name: str) -> str:
    """A schema name for DROP: tests create indexes with backticks, backslashes and `;` in
    their names."""
    return escape_name(name)


def _load_splitter():  # type: ignore[no-untyped-def]
    import importlib.machinery
    import importlib.util

    loader = importlib.machinery.SourceFileLoader("neo4j_local", str(NEO4J_LOCAL))
    spec = importlib.util.spec_from_loader("neo4j_local", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module.split_statements


def run_local(*args: str) -> subprocess.CompletedProcess[str]:
    """Run scripts/neo4j-local with this interpreter (it needs the neo4j driver)."""
    return subprocess.run(
        [sys.executable, str(NEO4J_LOCAL), *args], capture_output=True, text=True, env=local_env()
    )
