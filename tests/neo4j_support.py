"""A real Neo4j server for tests: started through scripts/neo4j-local, or given by env vars.

NEOSENSE_TEST_URI / NEOSENSE_TEST_PASSWORD (user NEOSENSE_TEST_USER, default neo4j) point the
tests at an existing server; otherwise scripts/neo4j-local starts one on a free port, or on
NEOSENSE_TEST_PORT when set (a pinned port: a server already running there is reused, and
with NEOSENSE_KEEP_NEO4J=1 left running for the next run).

Every server the suite starts takes a free port unless its env var pins one (server_port):
another Neo4j, or anything else, listening on a port the suite once used never makes a
test error at setup. A free port's instance home is deleted when its server stops
(stop_own_server), and homes left by a run that died are swept at the next run's first
pick, so .neo4j/instances/ does not fill up with throwaway ports.

NEOSENSE_TEST_NEO4J_VERSION picks the Neo4j version of every server the tests start (the
version matrix: 5.26.19, the default, or e.g. 2026.08.1).
"""

from __future__ import annotations

import os
import shutil
import socket
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


# The ports free_port handed out in this run: never the same one twice, even once its
# first server has stopped (a module's server may still be starting when the next asks).
_picked_ports: set[int] = set()
# The file in an instance home that names the test process owning a free-port server.
OWNER_FILE = "neosense-test-owner.pid"
# Pinned ports where a server already ran when the tests asked for one: left running.
_found_running: set[int] = set()
OWN_SERVER_TRIES = 3


def neo4j_home() -> Path:
    """scripts/neo4j-local's base folder (NEOSENSE_NEO4J_HOME, default <repo>/.neo4j)."""
    return Path(os.environ.get("NEOSENSE_NEO4J_HOME", REPO / ".neo4j")).resolve()


def instance_home(port: int) -> Path:
    return neo4j_home() / "instances" / str(port)


def free_port() -> int:
    """A port nothing listens on now: the kernel's pick for a socket bound to port 0 on
    127.0.0.1, closed again. Never one this run handed out before."""
    if not _picked_ports:
        sweep_orphan_instances()
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port not in _picked_ports:
            _picked_ports.add(port)
            return port
    raise RuntimeError("no free port: the kernel kept giving back ports this run holds")


def server_port(env_var: str) -> int:
    """A test server's port: the one env_var pins, else a free one (free_port)."""
    pinned = os.environ.get(env_var)
    return int(pinned) if pinned else free_port()


def is_free_port(port: int) -> bool:
    """Whether this run picked the port itself (so its instance home is throwaway)."""
    return port in _picked_ports


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_orphan_instances() -> list[int]:
    """Remove the free-port homes (and stop the servers) of test runs that died before
    stopping them: their OWNER_FILE names a process that no longer exists."""
    swept = []
    for owner in sorted(neo4j_home().glob(f"instances/*/{OWNER_FILE}")):
        try:
            pid = int(owner.read_text().strip())
        except (OSError, ValueError):
            pid = 0
        if pid and _pid_alive(pid):
            continue
        port = int(owner.parent.name)
        run_local("remove", "--port", str(port))
        swept.append(port)
    return swept


def start_own_server(env_var: str, *start_args: str) -> tuple[int, str]:
    """Start a scripts/neo4j-local server (`start *start_args`) on env_var's port, or on a
    free one. Returns (port, the Bolt URI it printed). A free port can be taken between the
    pick and the server's bind (another run, another program): then another port is tried.
    Raises RuntimeError with the script's message when it cannot start."""
    pinned = os.environ.get(env_var)
    if pinned and run_local("status", "--port", pinned).returncode == 0:
        _found_running.add(int(pinned))
    tries = 1 if pinned else OWN_SERVER_TRIES
    out = None
    for _ in range(tries):
        port = server_port(env_var)
        out = run_local("start", *start_args, "--port", str(port))
        if out.returncode == 0:
            claim_instance(port)
            return port, out.stdout.strip().splitlines()[-1]
        if is_free_port(port):
            run_local("remove", "--port", str(port))
        if "already in use" not in out.stderr:
            break
    assert out is not None
    raise RuntimeError(f"scripts/neo4j-local start {' '.join(start_args)} failed:\n{out.stderr}")


def claim_instance(port: int) -> None:
    """Name this process as the owner of a free port's home, so that if the run dies before
    stopping its server, the next run's sweep (sweep_orphan_instances) removes both."""
    if is_free_port(port) and instance_home(port).is_dir():
        (instance_home(port) / OWNER_FILE).write_text(f"{os.getpid()}\n")


def stop_own_server(port: int) -> None:
    """Stop a server the tests started; a free port's home goes with it (`remove`). A
    server found running on a pinned port is someone else's: it is left alone."""
    if port not in _found_running:
        run_local("remove" if is_free_port(port) else "stop", "--port", str(port))


def started_here(port: int) -> bool:
    """Whether the tests started the server on port (not found it running)."""
    return port not in _found_running


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
    password = os.environ.get("NEOSENSE_NEO4J_PASSWORD", "neosense-test")
    # Even when one runs: start checks that it runs TEST_VERSION and refuses otherwise.
    port, uri = start_own_server("NEOSENSE_TEST_PORT", "--version", TEST_VERSION)
    return Neo4jServer(uri, "neo4j", password, port, started_here(port))


def stop_server(server: Neo4jServer) -> None:
    if server.port is None or not server.started_here:
        return
    if os.environ.get("NEOSENSE_KEEP_NEO4J") and not is_free_port(server.port):
        return  # kept for the next run, which finds it on the same pinned port
    stop_own_server(server.port)


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
