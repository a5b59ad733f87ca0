"""The benchmark graph generator: deterministic, and its ground truth matches its own CSVs.

The ground truth is recomputed here independently, by reading the CSV files back the way
neo4j-admin would (typed headers, ';' label and array delimiter, empty field = no property).
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest

from benchmarks import coverage as cov
from benchmarks.graph_spec import CYPHER_TYPE, KINDS, REL_TYPES
from benchmarks.graphgen import generate, kind_counts

NODES = 10_000


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("graph")
    truth = generate(NODES, 42, out)
    return out, truth


def test_same_seed_same_bytes_other_seed_other_graph(
    graph: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    out, _ = graph
    again = tmp_path / "again"
    generate(NODES, 42, again)
    assert _digest(again) == _digest(out)
    other = tmp_path / "other"
    generate(NODES, 7, other)
    assert json.loads((other / "ground_truth.json").read_text()) != json.loads(
        (out / "ground_truth.json").read_text()
    )


def test_shape_matches_the_issue(graph: tuple[Path, dict[str, Any]]) -> None:
    _, truth = graph
    assert truth["nodes"] == NODES == sum(kind_counts(NODES))
    assert 18 <= len(truth["labels"]) <= 24
    assert 10 <= len(truth["relationship_types"]) <= 14
    for kind in KINDS:
        if kind.label is not None:
            assert 5 <= len(kind.props) <= 30, kind.label
    assert any(len(c["labels"]) > 1 for c in truth["label_combinations"])
    mixed = [p for label in truth["labels"] for p in label["properties"] if len(p["types"]) > 1]
    assert len(mixed) >= 3
    all_types = {t for label in truth["labels"] for p in label["properties"] for t in p["types"]}
    assert {"LIST<STRING>", "DATE", "ZONED DATETIME", "POINT"} <= all_types
    stats = truth["statistics"]
    assert stats["unlabeled_nodes"] > 0 and stats["orphan_nodes"] > 0
    # Supernodes scale with the graph: 100k+ relationships at 1M nodes.
    assert stats["supernodes"][0]["degree"] >= NODES // 10
    assert any(p["start"] is None for p in truth["patterns"])
    assert truth["indexes"] and truth["constraints"]
    # A label made only of orphans still counts as a label.
    assert any(label["name"] == "Currency" for label in truth["labels"])


def _read_graph(out: Path) -> dict[str, Any]:
    """Recompute the ground truth from the CSV files alone."""
    manifest = json.loads((out / "manifest.json").read_text())
    node_labels: dict[int, tuple[str, ...]] = {}
    label_props: dict[tuple[str | None, str, str], int] = Counter()
    for rel_path in manifest["nodes"]:
        with open(out / rel_path, newline="", encoding="utf-8") as f:
            rows = csv.reader(f)
            header = next(rows)
            for row in rows:
                node_id = int(row[0])
                has_label_col = header[1] == ":LABEL"
                labels = tuple(row[1].split(";")) if has_label_col and row[1] else ()
                assert node_id not in node_labels, "duplicate node id"
                node_labels[node_id] = labels
                for cell, value in zip(header, row, strict=True):
                    if cell.startswith(":") or value == "":
                        continue
                    name, csv_type = cell.split(":", 1)
                    for label in labels or (None,):
                        label_props[(label, name, CYPHER_TYPE[csv_type])] += 1
    degree: Counter[int] = Counter()
    patterns: Counter[tuple[str | None, str, str | None]] = Counter()
    rel_props: Counter[tuple[str, str, str]] = Counter()
    type_counts: Counter[str] = Counter()
    for rel_type, rel_path in manifest["relationships"]:
        with open(out / rel_path, newline="", encoding="utf-8") as f:
            rows = csv.reader(f)
            header = next(rows)
            for row in rows:
                start, end = int(row[0]), int(row[1])
                assert start in node_labels and end in node_labels
                assert start != end
                degree[start] += 1
                degree[end] += 1
                type_counts[rel_type] += 1
                for a in node_labels[start] or (None,):
                    for b in node_labels[end] or (None,):
                        patterns[(a, rel_type, b)] += 1
                for cell, value in zip(header[2:], row[2:], strict=True):
                    if value != "":
                        name, csv_type = cell.split(":", 1)
                        rel_props[(rel_type, name, CYPHER_TYPE[csv_type])] += 1
    label_counts = Counter(label for labels in node_labels.values() for label in labels)
    return {
        "nodes": len(node_labels),
        "label_counts": label_counts,
        "label_props": label_props,
        "patterns": patterns,
        "type_counts": type_counts,
        "rel_props": rel_props,
        "orphans": sum(1 for n in node_labels if degree[n] == 0),
        "unlabeled": sum(1 for labels in node_labels.values() if not labels),
        "max_degree": max(degree.values()),
    }


def test_ground_truth_matches_the_csv_files(graph: tuple[Path, dict[str, Any]]) -> None:
    out, truth = graph
    seen = _read_graph(out)
    assert seen["nodes"] == truth["nodes"]
    assert sum(seen["type_counts"].values()) == truth["relationships"]
    assert dict(seen["label_counts"]) == {x["name"]: x["count"] for x in truth["labels"]}
    assert dict(seen["type_counts"]) == {x["name"]: x["count"] for x in truth["relationship_types"]}
    assert dict(seen["patterns"]) == {
        (p["start"], p["type"], p["end"]): p["count"] for p in truth["patterns"]
    }
    want_props: dict[tuple[str | None, str, str], int] = defaultdict(int)
    for label in truth["labels"]:
        for prop in label["properties"]:
            for t, c in prop["type_counts"].items():
                want_props[(label["name"], prop["name"], t)] = c
    for prop in truth["unlabeled"]["properties"]:
        for t, c in prop["type_counts"].items():
            want_props[(None, prop["name"], t)] = c
    assert dict(seen["label_props"]) == dict(want_props)
    want_rel_props = {
        (r["name"], p["name"], t): c
        for r in truth["relationship_types"]
        for p in r["properties"]
        for t, c in p["type_counts"].items()
    }
    assert dict(seen["rel_props"]) == want_rel_props
    assert seen["orphans"] == truth["statistics"]["orphan_nodes"]
    assert seen["unlabeled"] == truth["unlabeled"]["count"]
    assert seen["max_degree"] == truth["statistics"]["max_degree"]
    assert {r.name for r in REL_TYPES} == set(seen["type_counts"])


def test_type_names_of_every_tool_normalise_to_cypher() -> None:
    assert cov.normalize_type("String") == "STRING"
    assert cov.normalize_type("Long") == "INTEGER"
    assert cov.normalize_type("StringArray") == "LIST<STRING>"
    assert cov.normalize_type("DoubleArray") == "LIST<FLOAT>"
    assert cov.normalize_type("DateTime") == "ZONED DATETIME"
    assert cov.normalize_type("DATE_TIME") == "ZONED DATETIME"
    assert cov.normalize_type("LOCAL_DATE_TIME") == "LOCAL DATETIME"
    assert cov.normalize_type("LIST<STRING NOT NULL> NOT NULL") == "LIST<STRING>"
    assert cov.normalize_type("INTEGER NOT NULL") == "INTEGER"
    assert cov.strip_token(":`KNOWS`") == "KNOWS"
    assert cov.strip_token(":`we``ird`") == "we`ird"


def test_coverage_counts_only_what_is_expected(graph: tuple[Path, dict[str, Any]]) -> None:
    _, truth = graph
    expected = cov.expected_from_truth(truth)
    report = {
        "labels": [
            {
                "name": x["name"],
                "properties": [{"name": p["name"], "types": p["types"]} for p in x["properties"]],
            }
            for x in truth["labels"]
        ]
        + [{"name": "NotThere", "properties": []}],
        "relationship_types": [
            {
                "name": r["name"],
                "properties": [{"name": p["name"], "types": p["types"]} for p in r["properties"]],
                "patterns": [
                    {"start": p["start"], "end": p["end"]}
                    for p in truth["patterns"]
                    if p["type"] == r["name"]
                ],
            }
            for r in truth["relationship_types"]
        ],
    }
    full = cov.coverage(cov.from_neosense_report(report), expected)
    assert full == dict.fromkeys(cov.DIMENSIONS, 1.0)
    report["labels"] = report["labels"][1:]
    report["relationship_types"][0]["patterns"] = []
    partial = cov.coverage(cov.from_neosense_report(report), expected)
    assert partial["labels"] == pytest.approx(1 - 1 / len(truth["labels"]), abs=1e-4)
    assert partial["patterns"] < 1.0
    assert partial["types"] == 1.0
