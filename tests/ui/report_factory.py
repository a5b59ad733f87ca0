"""Reports built from the pydantic models, for GUI tests that need no server."""

from __future__ import annotations

from datetime import UTC, datetime

from neosense_desktop.core.report import (
    ActivityResult,
    ActivityStatus,
    Constraint,
    Degree,
    Finding,
    Index,
    Label,
    Pattern,
    Property,
    Provenance,
    Quality,
    RelationshipType,
    Report,
    RunInfo,
    ServerInfo,
    Severity,
    Statistics,
)


def make_report(labels: int = 3, properties: int = 3, types: int = 2) -> Report:
    scan = Provenance(method="scan")
    label_list = [
        Label(
            name=f"Label{i}",
            count=100_000 - i,
            count_provenance=Provenance(method="count_store"),
            properties=[
                Property(
                    name=f"prop{j}",
                    types=["STRING"] if j % 2 else ["INTEGER", "STRING"],
                    fill_rate=round(1 - j / (properties + 1), 3),
                    provenance=scan if j % 3 else Provenance(method="sample", sample_size=100),
                    observed=max(0, 1000 - i - j),
                )
                for j in range(properties)
            ],
        )
        for i in range(labels)
    ]
    type_list = [
        RelationshipType(
            name=f"REL_{t}",
            count=50 * (t + 1),
            patterns=[
                Pattern(start="Label0", end=f"Label{(t + 1) % max(labels, 1)}", count=40 * (t + 1)),
                Pattern(start="Label0", end="Label0", count=10),
            ],
            properties=[
                Property(name="since", types=["DATE"], fill_rate=0.5, provenance=scan, observed=25)
            ],
        )
        for t in range(types)
    ]
    return Report(
        run=RunInfo(
            id="run-test",
            started_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            duration_s=1.5,
            mode="auto",
            sample_size=1000,
            app_version="0.1.0",
        ),
        server=ServerInfo(
            address="127.0.0.1:7687", version="5.26.0", edition="community", database="neo4j"
        ),
        activities={"node_labels": ActivityResult(status=ActivityStatus.SUCCEEDED, duration_s=0.2)},
        labels=label_list,
        relationship_types=type_list,
        indexes=[
            Index(
                name="idx_label0_prop0",
                type="RANGE",
                entity_type="NODE",
                labels_or_types=["Label0"],
                properties=["prop0"],
                state="ONLINE",
                population_percent=100.0,
            )
        ],
        constraints=[
            Constraint(
                name="uniq_label1_prop1",
                type="UNIQUENESS",
                entity_type="NODE",
                labels_or_types=["Label1"],
                properties=["prop1"],
                owned_index="uniq_label1_prop1",
            )
        ],
        statistics=Statistics(
            node_count=sum(lb.count for lb in label_list),
            relationship_count=sum(t.count for t in type_list),
            degree=Degree(min=0, median=2, p90=5, p99=20, max=150),
        ),
        quality=Quality(
            score=87.5,
            findings=[
                Finding(
                    code="sparse",
                    severity=Severity.WARNING,
                    subject="Label1.prop2",
                    message="prop2 is set on 25% of Label1 nodes",
                ),
                Finding(
                    code="mixed",
                    severity=Severity.ERROR,
                    subject="Label0.prop0",
                    message="prop0 holds INTEGER and STRING values",
                ),
                Finding(code="fine", severity=Severity.INFO, subject="Label2", message="no issue"),
            ],
        ),
    )
