"""The CLI masks the password in its own log output, whatever a library logs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from neosense_desktop.core.logging_setup import MASK
from tests.integration.test_cli_extract import _conn, _env
from tests.neo4j_support import GraphFixture

# Injected fault: a library that logs its arguments at DEBUG, password included (as a
# driver or plugin could). Loaded by the child through sitecustomize, before the CLI runs.
LEAKY_SITECUSTOMIZE = """
import logging
import neo4j

_driver = neo4j.AsyncGraphDatabase.driver

def _leaky_driver(uri, *args, **kwargs):
    logging.getLogger("leaky.library").debug("driver(%r, auth=%r)", uri, kwargs.get("auth"))
    return _driver(uri, *args, **kwargs)

neo4j.AsyncGraphDatabase.driver = _leaky_driver
"""


@pytest.mark.neo4j
def test_cli_debug_log_never_shows_the_password(graph: GraphFixture, tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(LEAKY_SITECUSTOMIZE, encoding="utf-8")
    password = graph.server.password
    env = _env(tmp_path, NEO4J_PASSWORD=password)
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out = tmp_path / "r.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "neosense_desktop",
            "-v",
            "extract",
            *_conn(graph.server),
            "--mode",
            "exact",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    leak_lines = [line for line in done.stderr.splitlines() if "leaky.library" in line]
    assert leak_lines, "the injected debug line was not logged: " + done.stderr[-2000:]
    assert all(MASK in line for line in leak_lines), leak_lines
    assert "DEBUG neo4j" in done.stderr  # the driver's own debug output is on as well
    assert password not in done.stderr + done.stdout
    assert password not in out.read_text(encoding="utf-8")
