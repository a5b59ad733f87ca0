"""The metadata report: pydantic v2 models, versioned by `schema_version`.

These names are a contract that other tools read (resources/report.schema.json is exported
from them and a test keeps the two in sync). Add fields freely; never rename or remove one
without bumping SCHEMA_VERSION's major number.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# 1.1: server.default_language and server.cypher_versions (absent from 1.0 reports, which
# still open: both are optional).
SCHEMA_VERSION = "1.1"

ACTIVITY_NAMES = (
    "node_labels",
    "relationship_types",
    "schema",
    "quality_and_context",
    "statistics_and_indexes",
)

Mode = Literal["exact", "sampled", "auto"]


class _Model(BaseModel):
    # Unknown fields are kept rather than refused, so a report from a newer minor version
    # still opens.
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Provenance(_Model):
    """Where a number comes from: the O(1) count store, a full scan, or a sample."""

    method: Literal["count_store", "scan", "sample"]
    sample_size: int | None = Field(
        default=None, ge=0, description="entities read, for method 'sample'"
    )


class Property(_Model):
    name: str
    types: list[str] = Field(
        description="every Cypher value type observed, e.g. STRING, INTEGER, LIST<STRING>, sorted"
    )
    fill_rate: float = Field(
        ge=0,
        le=1,
        description="share of the label's nodes (or the "
        "type's relationships) that have the property",
    )
    provenance: Provenance
    observed: int | None = Field(
        default=None, ge=0, description="entities seen holding the property"
    )


class Pattern(_Model):
    start: str | None = Field(description="start node label, null for an unlabeled node")
    end: str | None = Field(description="end node label, null for an unlabeled node")
    count: int = Field(ge=0)
    provenance: Provenance | None = None
    upper_bound: int | None = Field(
        default=None,
        ge=0,
        description="for an estimated count: the count store's bound "
        "min((:start)-[:T]->(), ()-[:T]->(:end))",
    )


class Label(_Model):
    name: str
    count: int = Field(ge=0)
    count_provenance: Provenance | None = None
    properties: list[Property] = Field(default_factory=list)


class RelationshipType(_Model):
    name: str
    count: int = Field(ge=0)
    count_provenance: Provenance | None = None
    patterns: list[Pattern] = Field(default_factory=list)
    properties: list[Property] = Field(default_factory=list)


class Index(_Model):
    name: str
    type: str
    entity_type: str
    labels_or_types: list[str] = Field(default_factory=list)
    properties: list[str] = Field(default_factory=list)
    state: str
    population_percent: float | None = None
    owning_constraint: str | None = None
    read_count: int | None = None
    last_read: str | None = None
    options: dict[str, Any] = Field(
        default_factory=dict,
        description="SHOW INDEXES options: indexProvider and indexConfig (e.g. vector "
        "dimensions and similarity, fulltext analyzer), so the index can be re-created",
    )


class Constraint(_Model):
    name: str
    type: str
    entity_type: str
    labels_or_types: list[str] = Field(default_factory=list)
    properties: list[str] = Field(default_factory=list)
    owned_index: str | None = None
    property_type: str | None = Field(
        default=None, description="for a property type constraint: the required Cypher type"
    )


class Degree(_Model):
    min: float | None = None
    median: float | None = None
    p90: float | None = None
    p99: float | None = None
    max: float | None = None
    provenance: Provenance | None = None


class Supernode(_Model):
    labels: list[str] = Field(default_factory=list)
    element_id: str | None = None
    degree: int = Field(ge=0)
    same_degree_count: int | None = Field(
        default=None, ge=0, description="nodes with these labels and this degree (one shown)"
    )


class LabelCombination(_Model):
    labels: list[str]
    count: int = Field(ge=0)
    provenance: Provenance | None = None


class Statistics(_Model):
    node_count: int | None = None
    relationship_count: int | None = None
    label_count: int | None = None
    relationship_type_count: int | None = None
    property_key_count: int | None = None
    unlabeled_node_count: int | None = None
    orphan_node_count: int | None = None
    degree: Degree = Field(default_factory=Degree)
    supernodes: list[Supernode] = Field(default_factory=list)
    provenance: dict[str, Provenance] = Field(
        default_factory=dict, description="per statistic, where its number comes from"
    )


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class Finding(_Model):
    code: str
    severity: Severity
    subject: str
    message: str


class Quality(_Model):
    score: float | None = Field(default=None, ge=0, le=100)
    formula: str = ""
    findings: list[Finding] = Field(default_factory=list)
    parts: dict[str, float] = Field(
        default_factory=dict, description="the formula's parts (0..1) that were measured"
    )


class ActivityError(_Model):
    code: str
    message: str
    context: dict[str, Any] = Field(default_factory=dict)
    suggestions: list[str] = Field(default_factory=list)


class ActivityStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


class ActivityResult(_Model):
    status: ActivityStatus
    duration_s: float = Field(default=0.0, ge=0)
    error: ActivityError | None = None


class PlanItem(_Model):
    """One planned unit of work: what is read, how, and at what estimated cost."""

    activity: str
    subject: str = Field(description="a label, a type, or '*' for the whole database")
    method: Literal["exact", "sampled", "count_store"]
    estimated_rows: int = Field(ge=0, description="entities the plan expects to read")
    reason: str = ""


class RunInfo(_Model):
    id: str
    started_at: datetime
    finished_at: datetime | None = None
    duration_s: float | None = None
    mode: Mode
    sample_size: int = Field(ge=1)
    app_version: str
    query_timeout_s: float | None = None
    exact_threshold: int | None = Field(
        default=None, ge=0, description="auto mode: exact below this many entities"
    )


class ServerInfo(_Model):
    address: str = Field(description="host:port, never credentials")
    version: str
    edition: str
    database: str
    apoc_present: bool | None = None
    default_language: str | None = Field(
        default=None,
        description="the database's default Cypher language (SHOW DATABASE defaultLanguage): "
        "'CYPHER 5' or 'CYPHER 25'; null in reports before schema 1.1",
    )
    cypher_versions: list[str] | None = Field(
        default=None, description="the Cypher versions the server speaks, e.g. ['5', '25']"
    )


class Report(_Model):
    schema_version: str = SCHEMA_VERSION
    run: RunInfo
    server: ServerInfo
    plan: list[PlanItem] = Field(default_factory=list)
    activities: dict[str, ActivityResult] = Field(default_factory=dict)
    labels: list[Label] = Field(default_factory=list)
    relationship_types: list[RelationshipType] = Field(default_factory=list)
    label_combinations: list[LabelCombination] = Field(default_factory=list)
    indexes: list[Index] = Field(default_factory=list)
    constraints: list[Constraint] = Field(default_factory=list)
    statistics: Statistics = Field(default_factory=Statistics)
    quality: Quality = Field(default_factory=Quality)
    notes: list[str] = Field(
        default_factory=list, description="what the run could not do and why (e.g. fallbacks)"
    )


def report_json_schema() -> dict[str, Any]:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://neosense.invalid/report/{SCHEMA_VERSION}/schema.json"
    return schema
