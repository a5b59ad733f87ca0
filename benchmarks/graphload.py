"""Load a generated graph into a scripts/neo4j-local server with neo4j-admin's bulk importer.

Steps: stop the server on the port, `database import full --overwrite-destination` into
database neo4j (AdminTool from the server's own jars, NEO4J_HOME/NEO4J_CONF of that
instance), start it again, then create the indexes and constraints and wait until they are
online. A marker in the instance's data folder records which graph is loaded, so a
benchmark can reuse it.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import neo4j

REPO = Path(__file__).resolve().parent.parent
NEO4J_LOCAL = REPO / "scripts" / "neo4j-local"
MARKER = ".neosense-bench-graph"


def neo4j_local() -> ModuleType:
    """scripts/neo4j-local as a module (it has no .py suffix)."""
    loader = importlib.machinery.SourceFileLoader("neo4j_local", str(NEO4J_LOCAL))
    spec = importlib.util.spec_from_loader("neo4j_local", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def graph_id(graph_dir: Path) -> str:
    """What identifies a generated graph: version, node count and seed."""
    gen = json.loads((graph_dir / "ground_truth.json").read_text())["generator"]
    return f"v{gen['version']}-n{gen['nodes_requested']}-s{gen['seed']}"


def loaded_graph(port: int) -> str | None:
    try:
        return (neo4j_local()._home(port) / "data" / MARKER).read_text().strip()
    except OSError:
        return None


def import_graph(
    graph_dir: Path,
    port: int,
    *,
    heap: str = "2g",
    off_heap: str = "2G",
    threads: int = 2,
    log: Callable[[str], None] = print,
) -> float:
    """Stop the server on port, bulk-import graph_dir into database neo4j. Returns seconds."""
    nl = neo4j_local()
    nl.stop(port)
    dist = nl.ensure_jars(False)
    home = nl._home(port)
    for sub in ("data", "logs", "run", "import", "plugins"):
        (home / sub).mkdir(parents=True, exist_ok=True)
    if not (home / "conf" / "neo4j.conf").exists():
        nl._write_conf(home, port, "512m", "1g", False)
    (home / "data" / MARKER).unlink(missing_ok=True)
    manifest = json.loads((graph_dir / "manifest.json").read_text())
    args = [f"--nodes={graph_dir / f}" for f in manifest["nodes"]]
    args += [f"--relationships={t}={graph_dir / f}" for t, f in manifest["relationships"]]
    report = home / "logs" / "import.report"
    jdk = nl.find_jdk(nl.release_line(nl.NEO4J_VERSION).min_java, nl.NEO4J_VERSION)
    cmd = [
        str(jdk.java),
        f"-Xmx{heap}",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "-cp",
        str(dist / "lib" / "*"),
        "org.neo4j.cli.AdminTool",
        # The database name first: --nodes/--relationships take several values each and
        # would swallow a trailing positional argument.
        "database",
        "import",
        "full",
        "neo4j",
        "--overwrite-destination=true",
        "--id-type=integer",
        "--array-delimiter=;",
        f"--threads={threads}",
        f"--max-off-heap-memory={off_heap}",
        "--skip-bad-relationships=false",
        "--bad-tolerance=0",
        f"--report-file={report}",
        *args,
    ]
    env = {"NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **env})
    seconds = time.monotonic() - t0
    (home / "logs" / "import.out").write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise RuntimeError(
            f"neo4j-admin import failed (exit {proc.returncode}); see "
            f"{home / 'logs' / 'import.out'}:\n{(proc.stdout + proc.stderr)[-3000:]}"
        )
    log(f"imported {graph_dir.name} into port {port} in {seconds:.1f} s")
    return seconds


def create_schema(graph_dir: Path, uri: str, password: str, timeout_s: float = 3600) -> float:
    """Create the graph's indexes and constraints and wait until all are online."""
    t0 = time.monotonic()
    statements = [
        s.strip() for s in (graph_dir / "schema.cypher").read_text().split(";\n") if s.strip()
    ]
    with (
        neo4j.GraphDatabase.driver(uri, auth=("neo4j", password)) as driver,
        driver.session(database="neo4j") as session,
    ):
        for stmt in statements:
            session.run(stmt).consume()  # type: ignore[arg-type]
        session.run("CALL db.awaitIndexes($t)", t=int(timeout_s)).consume()
    return time.monotonic() - t0


def load(
    graph_dir: Path,
    port: int,
    *,
    apoc: bool = False,
    heap: str = "2g",
    pagecache: str = "2g",
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Import, restart, create the schema. Returns timings in seconds."""
    nl = neo4j_local()
    import_s = import_graph(graph_dir, port, log=log)
    t0 = time.monotonic()
    nl.start(port, apoc, heap, pagecache, "2g", 300.0)
    start_s = time.monotonic() - t0
    schema_s = create_schema(graph_dir, f"bolt://127.0.0.1:{port}", nl._password())
    log(f"indexes and constraints online after {schema_s:.1f} s")
    (nl._home(port) / "data" / MARKER).write_text(graph_id(graph_dir) + "\n")
    return {
        "import_s": round(import_s, 2),
        "start_s": round(start_s, 2),
        "schema_s": round(schema_s, 2),
    }
