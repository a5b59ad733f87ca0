"""Reports for people and machines, from real extractions on a real server.

Each format must keep the engine fixture's hostile names (spaces, backticks, dots, Unicode,
a literal \\u0060) plus a few more added here (`|`, `<tags>`, Markdown marks, a newline)
exact and harmless; the html opens in real headless Chromium; the cypher script re-creates
the indexes and constraints on an empty database.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from neosense_desktop.core.export import save_report
from neosense_desktop.core.formats import render, save_as
from neosense_desktop.core.formats.names import schema_name
from neosense_desktop.core.formats.shown import visible
from neosense_desktop.core.report import Report
from tests.hostile_reports import hostile_report
from tests.integration.engine_support import extract
from tests.neo4j_support import REPO, GraphFixture

ARTIFACTS = REPO / "artifacts" / "exports"
# Beyond the fixture's names: what would break HTML, Markdown tables or a line format.
EXTRA_HOSTILE = """
CREATE (:`<b>bold</b>|pipe` {`*star*_under_`: 1, `<img src=x onerror=alert(1)>`: 'x'})
       -[:`new
line|REL` {`a|b`: 2}]->(:`[link](http://x) :tada: @you $x$ &amp;`)
"""


def _hostile_report(graph: GraphFixture) -> Report:
    graph.load_fixture("engine_mixed.cypher")
    graph.run(EXTRA_HOSTILE)
    return asyncio.run(extract(graph.server, mode="exact"))


def _names(report: Report) -> list[str]:
    names = [x.name for x in report.labels] + [x.name for x in report.relationship_types]
    names += [p.name for x in report.labels for p in x.properties]
    names += [p.name for x in report.relationship_types for p in x.properties]
    return names


class _Text(HTMLParser):
    """The text and the tags of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: set[str] = set()
        self.attrs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += [k for k, _ in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _md_cells(row: str) -> list[str]:
    """Split a Markdown table row on the pipes that are not backslash-escaped."""
    cells, cell, i = [], "", 0
    body = row.strip()[1:-1] if row.strip().startswith("|") else row
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            cell += body[i : i + 2]
            i += 2
            continue
        if ch == "|":
            cells.append(cell)
            cell = ""
        else:
            cell += ch
        i += 1
    cells.append(cell)
    return cells


def _md_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace("<br>", "\n"))


@pytest.mark.neo4j
def test_every_format_escapes_hostile_names(graph: GraphFixture) -> None:
    report = _hostile_report(graph)
    names = _names(report)
    assert "<b>bold</b>|pipe" in names and "new\nline|REL" in names

    page = _Text()
    page.feed(render(report, "html"))
    page.close()
    text = "".join(page.text)
    for name in names:
        assert name in text, name
    # No name became markup: only the tags and attributes the renderer itself writes.
    assert page.tags <= {
        "html",
        "head",
        "meta",
        "title",
        "style",
        "body",
        "header",
        "h1",
        "h2",
        "h3",
        "h4",
        "p",
        "nav",
        "ol",
        "li",
        "a",
        "section",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "span",
        "bdi",
        "svg",
        "defs",
        "marker",
        "path",
        "g",
        "circle",
        "text",
    }, page.tags
    assert "onerror" not in page.attrs and "src" not in page.attrs

    markdown = render(report, "markdown")
    tables: list[list[str]] = [[]]
    for line in markdown.split("\n"):
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    tables = [t for t in tables if t]
    assert len(tables) > len(report.labels)
    for table in tables:
        header, separator, *body = table
        width = len(_md_cells(header))
        assert separator == "|" + "---|" * width, table
        for line in body:
            assert len(_md_cells(line)) == width, line
    md_text = _md_unescape(markdown)
    for name in names:
        assert name in md_text, name
    # Outside backslash escapes, the only HTML is the renderer's own breaks and anchors.
    raw = re.sub(r"\\.", "", markdown)
    assert set(re.findall(r"<[^>]*>", raw)) <= {"<br>", "</a>"} | {
        f'<a id="{kind}-{n}">' for kind in ("label", "type") for n in range(len(names))
    }

    llm = render(report, "llm")
    lines = llm.split("\n")
    for label in report.labels:
        assert any(line.startswith(schema_name(label.name) + " {") for line in lines)
    assert "`new\\u000Aline|REL`" in llm  # one line per type, the name unambiguous
    assert "(:`<b>bold</b>|pipe`)-[:`new\\u000Aline|REL`]->" in llm
    # Every line is one of the three headers, an entry, a pattern, or a comment.
    entry = re.compile(r"^(`(?:[^`]|``)+`|[A-Za-z_][A-Za-z0-9_]*) \{.*\} // ~?[\d,]+ \w+$")
    pattern = re.compile(r"^\((:\S.*)?\)-\[:.+\]->\((:.+)?\) // ~?[\d,]+$")
    for line in filter(None, lines):
        assert (
            line in ("Node properties:", "Relationship properties:", "The relationships:")
            or line.startswith("//")
            or entry.match(line)
            or pattern.match(line)
        ), line


def _schema_snapshot(
    graph: GraphFixture,
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    indexes = sorted(
        (r["name"], r["type"], r["entityType"], tuple(r["labelsOrTypes"]), tuple(r["properties"]))  # type: ignore[arg-type]
        for r in graph.run(
            "SHOW INDEXES YIELD name, type, entityType, labelsOrTypes, properties "
            "WHERE type <> 'LOOKUP' RETURN *"
        )
    )
    constraints = sorted(
        (r["name"], r["type"], r["entityType"], tuple(r["labelsOrTypes"]), tuple(r["properties"]))  # type: ignore[arg-type]
        for r in graph.run(
            "SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties RETURN *"
        )
    )
    return indexes, constraints


@pytest.mark.neo4j
def test_cypher_export_recreates_indexes_and_constraints(
    graph: GraphFixture, tmp_path: Path
) -> None:
    graph.load_fixture("engine_mixed.cypher")
    graph.run("CREATE INDEX `odd``name|<x>` FOR (n:`Label With Spaces`) ON (n.`dotted.key`)")
    graph.run(
        "CREATE CONSTRAINT `two keys` FOR (n:`Back``tick`) REQUIRE (n.`back``tick`, n.x) IS UNIQUE"
    )
    source = _schema_snapshot(graph)
    assert len(source[0]) >= 8 and len(source[1]) == 3
    report = asyncio.run(extract(graph.server, mode="exact"))
    script = save_as(report, tmp_path / "schema.cypher", "cypher")
    text = script.read_text(encoding="utf-8")
    assert "index_" not in text.split("// Not re-created:")[0]  # lookups are skipped
    assert "created by its constraint person_id" in text

    graph.clean()
    assert _schema_snapshot(graph) == ([], [])
    graph.load_file(script)
    graph.load_file(script)  # IF NOT EXISTS: a second run changes nothing and fails nothing
    graph.run("CALL db.awaitIndexes(60)")
    assert _schema_snapshot(graph) == source
    options = {
        r["name"]: r["options"]["indexConfig"]
        for r in graph.run("SHOW INDEXES YIELD name, options WHERE name = 'person_embedding'")
    }
    assert options["person_embedding"]["vector.dimensions"] == 3


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Debian's chromium is needed (apt-get install chromium; .ci/run does it)")
    return found


def _browser(*args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="neosense-chromium-") as profile:
        return subprocess.run(
            [
                _chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )


@pytest.mark.neo4j
def test_html_export_of_northwind_in_chromium(graph: GraphFixture, tmp_path: Path) -> None:
    graph.load_northwind()
    report = asyncio.run(extract(graph.server, mode="exact"))
    assert report.quality.findings, "Northwind has findings to show"
    saved = save_report(report, tmp_path / "northwind.json")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = ARTIFACTS / "northwind.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "neosense_desktop",
            "export",
            str(saved),
            "--format",
            "html",
            "--output",
            str(page),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr

    dom = _browser("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr
    parsed = _Text()
    parsed.feed(dom.stdout)
    text = " ".join("".join(parsed.text).split())
    assert "svg" in parsed.tags and "circle" in parsed.tags
    for label in report.labels:
        assert f":{label.name}" in text, label.name
    for rel in report.relationship_types:
        assert f"[:{rel.name}]" in text, rel.name
    for finding in report.quality.findings:
        for part in (finding.code, finding.subject, finding.message):
            # As the page shows it: controls as markers (names other tests left behind
            # as property key tokens hold ESC).
            assert " ".join(visible(part).split()) in text, part

    shot = ARTIFACTS / "northwind-html.png"
    shot.unlink(missing_ok=True)
    done = _browser(f"--screenshot={shot}", "--window-size=1280,2400", page.as_uri())
    assert done.returncode == 0, done.stderr
    assert shot.stat().st_size > 20_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # The layout as a reader sees it, at 1,000 and 1,800 px: no word broken inside (but in
    # a cell marked long, a name too long for any line), and the findings table as wide as
    # the page. Measured by Chromium itself, in a copy of the page with a measuring script.
    for width in (1000, 1800):
        measured = _measure_layout(page, tmp_path / f"measured-{width}.html", width)
        assert measured["broken"] == [], (width, measured["broken"][:10])
        assert measured["findings"] >= 0.97 * measured["body"], (width, measured)
        assert measured["body"] >= 0.9 * min(width, 1800) - 120, (width, measured)
    assert '<span class="tag">' in page.read_text(encoding="utf-8")  # codes as small tags


_MEASURE = """
<script>
const broken = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const holder = node.parentElement;
  if (!holder || holder.closest("td.long, svg, nav, style, title")) continue;
  const words = /\\S+/g;
  for (let m = words.exec(node.data); m; m = words.exec(node.data)) {
    const range = document.createRange();
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const lines = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
    if (lines.size > 1) broken.push(m[0]);
  }
}
const findings = document.querySelector("#findings table");
const body = document.body;
const style = getComputedStyle(body);
const inner = body.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
document.body.setAttribute("data-measured", JSON.stringify({
  broken, body: inner, findings: findings ? findings.getBoundingClientRect().width : 0,
}));
</script>
"""


def _measure_layout(page: Path, copy: Path, width: int) -> dict[str, Any]:
    """Chromium's own measures of the page at this width (the copy drops the page's
    Content-Security-Policy, which forbids scripts, and adds one that measures)."""
    text = page.read_text(encoding="utf-8")
    text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
    copy.write_text(text.replace("</body>", _MEASURE + "</body>"), encoding="utf-8")
    dom = _browser("--dump-dom", f"--window-size={width},1200", copy.as_uri())
    assert dom.returncode == 0, dom.stderr
    found = re.search(r'data-measured="([^"]*)"', dom.stdout)
    assert found is not None, dom.stdout[-2000:]
    return json.loads(unescape(found.group(1)))  # type: ignore[no-any-return]


@pytest.mark.neo4j
def test_cli_extract_writes_the_asked_format(graph: GraphFixture, tmp_path: Path) -> None:
    graph.load_fixture("engine_mixed.cypher")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")},
        "NEO4J_PASSWORD": graph.server.password,
        "NEOSENSE_DATA_DIR": str(tmp_path / "data"),
        "NEOSENSE_CONFIG_DIR": str(tmp_path / "config"),
        "NEOSENSE_LOG_DIR": str(tmp_path / "logs"),
    }
    base = [sys.executable, "-m", "neosense_desktop", "extract", "--uri", graph.server.uri]
    base += ["--user", graph.server.user, "--mode", "exact", "--quiet"]
    page = tmp_path / "report.md"
    done = subprocess.run(
        [*base, "--format", "markdown", "--output", str(page)],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "### :Label With Spaces" in page.read_text(encoding="utf-8")
    done = subprocess.run(
        [*base, "--format", "llm", "--output", "-"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Node properties:\n")
    assert "(:`Back``tick`)-[:`Back``tick REL`]->(:`Ünïcødé 名前`) // 1" in done.stdout


# Opened next to the export: it measures the page in the iframe (same origin for files
# with --allow-file-access-from-files; the export's own CSP forbids scripts in it).
MEASURE_PAGE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" src="hostile.html" style="width:1280px;height:2000px;border:0"></iframe>
<pre id="out">pending</pre>
<script>
document.getElementById("f").addEventListener("load", () => {
  const d = document.getElementById("f").contentDocument;
  const svg = d.querySelector("svg.schema");
  const text = d.body.innerText;
  document.getElementById("out").textContent = JSON.stringify({
    scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
    scrollWidth: d.documentElement.scrollWidth,
    clientWidth: d.documentElement.clientWidth,
    bdi: d.querySelectorAll("bdi").length,
    cutWidths: [...d.querySelectorAll("nav bdi[title]")].map(b => b.getBoundingClientRect().width),
    spoofed: text.includes("\\u202e"),
    marker: text.includes("\\u27e8U+202E\\u27e9gnp.exe"),
  });
});
</script></body></html>
"""


def test_html_of_a_hostile_report_in_chromium(tmp_path: Path) -> None:
    """A right-to-left override cannot spoof a name, and a 3,000-character label neither
    shrinks the picture (it rendered at 3 % of its size) nor widens the page (13,531 px)."""
    page = tmp_path / "hostile.html"
    page.write_text(render(hostile_report(), "html"), encoding="utf-8")
    (tmp_path / "measure.html").write_text(MEASURE_PAGE, encoding="utf-8")
    dom = _browser(
        "--allow-file-access-from-files",
        "--virtual-time-budget=10000",
        "--dump-dom",
        (tmp_path / "measure.html").as_uri(),
    )
    assert dom.returncode == 0, dom.stderr
    found = re.search(r'<pre id="out">(.*?)</pre>', dom.stdout, re.S)
    assert found and found.group(1) != "pending", dom.stdout[-2000:]
    seen = json.loads(unescape(found.group(1)))
    assert seen["scale"] > 0.5, seen
    assert seen["scrollWidth"] <= seen["clientWidth"] + 2, seen  # long names wrap
    assert seen["marker"] and not seen["spoofed"], seen
    assert seen["bdi"] >= len(hostile_report().labels), seen
    assert seen["cutWidths"] and max(seen["cutWidths"]) < 700, seen

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "hostile-html.png"
    shot.unlink(missing_ok=True)
    done = _browser(f"--screenshot={shot}", "--window-size=1280,2400", page.as_uri())
    assert done.returncode == 0, done.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
