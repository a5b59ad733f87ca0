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

from .report_constants import ACTIVITY_NAMES as ACTIVITY_NAMES
from .report_constants import Severity as Severity

# 1.1: findings name subjects, affected counts, examples and suggested Cypher; properties
# carry a profile; the quality score is a documented per-finding deduction with per-label
# scores; the run records its values policy. Every new field has a default, so 1.0 reports
# open unchanged.
# 1.2: server.default_language and server.cypher_versions (the Cypher languages of 5.x and
# 2025+), both optional, so 1.0 and 1.1 reports open unchanged.
# 1.3: run.concurrent_queries (queries the run kept in flight), its request ('auto' or the
# number chosen) and server.processors, all optional, so older reports open unchanged.
# 1.4: what samples can miss and what other reads saw: labels, types and plan items carry a
# sample_limit; properties name the labels whose reads saw them (seen_in); label
# combinations carry the read that counted them and, when estimated, an interval. All
# optional, so older reports open unchanged.
SCHEMA_VERSION = "1.4"

# Bounds that keep the largest report within report_limits.ReportLimits (see its docstring).
MAX_EXAMPLES = 5
MAX_TOP_VALUES = 10
MAX_HISTOGRAM_BINS = 10
MAX_DISPLAY_CHARS = 200
MAX_PROFILES = 10_000  # property profiles per report; the rest are left out with a note
MAX_FINDINGS = 5_000  # findings per report; the least severe beyond it are counted only

ValuesPolicy = Literal["none", "stats", "examples"]


Mode = Literal["exact", "sampled", "auto"]


# One set of "fields given" per distinct combination, shared by the models that have it.
_SHARED_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


class _Model(BaseModel):
    # Unknown fields are kept rather than refused, so a report from a newer minor version
    # still opens.
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def model_post_init(self, context: Any, /) -> None:
        """Share pydantic's per-instance set of the fields given (model_fields_set).

        A set of five names is 728 bytes, half of what a Property costs: 73 MB of a report
        of 2,000 labels x 50 properties. Reports share a few combinations, so instances
        share one set each; __setattr__ gives a model its own copy before pydantic adds to
        it, and model_copy() copies it already.
        """
        given = frozenset(self.__pydantic_fields_set__)
        shared = _SHARED_FIELDS_SETS.get(given)
        if shared is None:
            shared = _SHARED_FIELDS_SETS.setdefault(given, set(given))
        object.__setattr__(self, "__pydantic_fields_set__", shared)

    def __setattr__(self, name: str, value: Any) -> None:
        fields_set = self.__pydantic_fields_set__
        if _SHARED_FIELDS_SETS.get(frozenset(fields_set)) is fields_set:
            object.__setattr__(self, "__pydantic_fields_set__", set(fields_set))
        super().__setattr__(name, value)


class Provenance(_Model):
    """Where a number comes from: the O(1) count store, a full scan, or a sample."""

    method: Literal["count_store", "scan", "sample"]
    sample_size: int | None = Field(
        default=None, ge=0, description="entities read, for method 'sample'"
    )


class SampleLimit(_Model):
    """What a sample of `read` of `population` entities can miss, at `confidence`.

    A key (or anything else) held by `missable_below` or more of the entities is in a
    simple random sample of `read` with probability at least `confidence`; one held by
    fewer may be unseen. missable_below is the smallest K with
    C(population - K, read) / C(population, read) <= 1 - confidence (the hypergeometric
    chance that the sample misses all K holders); about 3 / read of the population at 95 %
    (the rule of three) when the sample is a small part of it.
    """

    read: int = Field(ge=0, description="entities read")
    population: int = Field(ge=0, description="entities there are (the count store's count)")
    missable_below: int = Field(
        ge=0, description="a key held by fewer than this many entities may be unseen"
    )
    missable_share: float = Field(
        ge=0, le=1, description="missable_below / population: the rarest share the sample sees"
    )
    confidence: float = Field(default=0.95, gt=0, lt=1)
    method: Literal["hypergeometric"] = "hypergeometric"


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
    profile: PropertyProfile | None = Field(
        default=None, description="value profile; absent under values policy 'none'"
    )
    seen_in: list[str] = Field(
        default_factory=list,
        description="other labels whose reads saw this key (or some of its types) on nodes "
        "that also carry this label, where this label's own sample did not; when its own "
        "sample missed the key, fill_rate and observed count only the nodes those reads saw "
        "(a lower bound)",
    )


class TopValue(_Model):
    """One frequent value (values policy 'examples' only), as display text."""

    value: str = Field(description="the value as display text (cut at MAX_DISPLAY_CHARS)")
    type: str = Field(description="its Cypher value type, e.g. STRING")
    count: int = Field(ge=0, description="entities read holding this value")
    share: float = Field(ge=0, le=1, description="share of the entities holding the property")


class HistogramBin(_Model):
    """One equal-width bin [lower, upper) of a numeric property's values (upper inclusive
    for the last bin)."""

    lower: float
    upper: float
    count: int = Field(ge=0)


class PropertyProfile(_Model):
    """The shape of one property's values on one label or relationship type.

    Which parts are present follows the run's values policy: 'stats' keeps counts, numeric
    and temporal minimum/maximum, string lengths and the histogram; 'examples' adds
    top_values; 'none' makes no profile at all.
    """

    provenance: Provenance = Field(description="scan: exact; sample: from the entities read")
    entities_read: int = Field(ge=0, description="entities of the label or type read")
    values_read: int = Field(ge=0, description="entities read that hold the property")
    null_rate: float = Field(ge=0, le=1, description="share of entities read without the property")
    distinct: int | None = Field(
        default=None,
        ge=0,
        description="distinct values among those read; for a sample, an approximate "
        "(lower-bound) distinct count of the whole label or type",
    )
    distinct_provenance: Literal["exact", "approximate"] | None = None
    min_number: float | None = None
    max_number: float | None = None
    mean_number: float | None = None
    min_temporal: str | None = Field(default=None, description="ISO 8601 text of the smallest")
    max_temporal: str | None = Field(default=None, description="ISO 8601 text of the largest")
    min_length: int | None = Field(default=None, ge=0, description="shortest string (characters)")
    max_length: int | None = Field(default=None, ge=0, description="longest string (characters)")
    empty_strings: int | None = Field(
        default=None, ge=0, description="values read that are empty or whitespace-only strings"
    )
    sentinel_values: int | None = Field(
        default=None, ge=0, description="values read such as 'N/A', 'null', 'none', '-', '-1'"
    )
    top_values: list[TopValue] | None = Field(
        default=None,
        max_length=MAX_TOP_VALUES,
        description="most frequent values with shares; only under values policy 'examples' and "
        "only for low-cardinality properties",
    )
    histogram: list[HistogramBin] = Field(
        default_factory=list,
        max_length=MAX_HISTOGRAM_BINS,
        description="numbers only: equal-width bins over [min_number, max_number]",
    )
    histogram_provenance: Provenance | None = Field(
        default=None, description="the histogram's values may be a subsample of those read"
    )


class Pattern(_Model):
    """(:start)-[:T]->(:end). A relationship whose start or end node has several labels
    counts once per start-label x end-label pair, so a type's pattern counts can add up to
    more than its count."""

    start: str | None = Field(description="start node label, null for an unlabeled node")
    end: str | None = Field(description="end node label, null for an unlabeled node")
    count: int = Field(
        ge=0,
        description="relationships of the type from a node with the start label to a node "
        "with the end label; a relationship between multi-label nodes counts once per "
        "start-label x end-label pair (so the patterns of a type can add up to more than "
        "its count)",
    )
    provenance: Provenance | None = None
    upper_bound: int | None = Field(
        default=None,
        ge=0,
        description="for an estimated count: the count store's bound "
        "min((:start)-[:T]->(), ()-[:T]->(:end))",
    )


_SAMPLE_LIMIT = (
    "what the sample its properties were read from can miss; null when every entity was read"
)


class Label(_Model):
    name: str
    count: int = Field(ge=0)
    count_provenance: Provenance | None = None
    properties: list[Property] = Field(default_factory=list)
    sample_limit: SampleLimit | None = Field(default=None, description=_SAMPLE_LIMIT)


class RelationshipType(_Model):
    name: str
    count: int = Field(ge=0)
    count_provenance: Provenance | None = None
    patterns: list[Pattern] = Field(default_factory=list)
    properties: list[Property] = Field(default_factory=list)
    sample_limit: SampleLimit | None = Field(default=None, description=_SAMPLE_LIMIT)


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
    """A node whose degree stands apart from the graph's own degree distribution (see
    Statistics.supernode_rule); one example per (label set, degree) group of the census."""

    labels: list[str] = Field(default_factory=list)
    element_id: str | None = None
    degree: int = Field(ge=0)
    same_degree_count: int | None = Field(
        default=None, ge=0, description="nodes with these labels and this degree (one shown)"
    )
    display_key: str | None = Field(
        default=None,
        description="the property that names the node: name, title, a key ending in 'name', "
        "id, or else the first string key (alphabetically)",
    )
    display: str | None = Field(
        default=None,
        description="that property's value (cut at MAX_DISPLAY_CHARS); only under values "
        "policy 'examples', else None",
    )


def supernode_title(node: Supernode) -> str:
    """How the window and the exports name a supernode: its display value and labels."""
    labels = ":" + ":".join(node.labels) if node.labels else "(unlabeled)"
    return f"{node.display} {labels}" if node.display else labels


class SupernodeRule(_Model):
    """How supernodes were told apart: degree >= threshold, where threshold =
    max(ceil(p99_factor x p99), ceil(median + mad_factor x MAD), min_degree) over the
    degrees of the nodes read (all nodes, or the census sample)."""

    threshold: int = Field(ge=0, description="the smallest degree that makes a supernode")
    median: float
    p99: float
    mad: float = Field(ge=0, description="median absolute deviation of the degrees")
    p99_factor: float
    mad_factor: float
    min_degree: int
    nodes_above: int = Field(
        ge=0, description="nodes at or above the threshold (estimated for the database)"
    )
    text: str = Field(description="the rule in words, with its numbers")


class LabelCombination(_Model):
    """Nodes that carry exactly these labels. Exact (provenance scan) when one of the labels
    was read whole; else estimated from the read with the largest share of its population
    (a label's sample, or the node census), with a 95 % interval, and never above the
    smallest of its labels' count-store counts."""

    labels: list[str]
    count: int = Field(ge=0)
    provenance: Provenance | None = None
    counted_in: str | None = Field(
        default=None,
        description="the label whose read counted it; null for the node census (or before "
        "schema 1.4)",
    )
    lower_bound: int | None = Field(
        default=None, ge=0, description="for an estimate: the 95 % interval's lower end"
    )
    upper_bound: int | None = Field(
        default=None,
        ge=0,
        description="for an estimate: the 95 % interval's upper end, at most the smallest "
        "count-store count of its labels",
    )


class Statistics(_Model):
    node_count: int | None = None
    relationship_count: int | None = None
    label_count: int | None = None
    relationship_type_count: int | None = None
    property_key_count: int | None = None
    unlabeled_node_count: int | None = None
    orphan_node_count: int | None = None
    degree: Degree = Field(default_factory=Degree)
    supernodes: list[Supernode] = Field(
        default_factory=list,
        description="the highest-degree nodes at or above supernode_rule.threshold (reports "
        "without a rule list the highest-degree nodes, whatever their degree)",
    )
    supernode_rule: SupernodeRule | None = None
    provenance: dict[str, Provenance] = Field(
        default_factory=dict, description="per statistic, where its number comes from"
    )


SubjectKind = Literal[
    "label", "relationship_type", "index", "constraint", "property_key", "label_set", "graph"
]


class FindingSubject(_Model):
    """What a finding is about: a label or type (and some of its properties), an index, a
    property key token, a label combination, or the whole graph (name None)."""

    kind: SubjectKind
    name: str | None = None
    properties: list[str] = Field(default_factory=list)
    labels: list[str] = Field(default_factory=list, description="for kind 'label_set'")


class FindingExample(_Model):
    """One affected node or relationship: its elementId and a display text.

    display is a value from the database only under values policy 'examples'; otherwise it
    is None.
    """

    element_id: str | None = None
    display: str | None = Field(default=None, description="cut at MAX_DISPLAY_CHARS")


class SuggestedCypher(_Model):
    """A next step to copy: Cypher that inspects the finding or fixes it. NeoSense never
    runs it (it only reads); every name in it is backtick-escaped."""

    purpose: Literal["inspect", "fix"]
    cypher: str
    description: str = ""


class Finding(_Model):
    code: str = Field(description="stable identifier of the check, e.g. numeric_strings")
    severity: Severity
    subject: str = Field(description="display text of what it concerns, e.g. (:Product).id")
    message: str
    subjects: list[FindingSubject] = Field(default_factory=list)
    affected: int | None = Field(
        default=None, ge=0, description="entities (or names, indexes) affected; see provenance"
    )
    affected_provenance: Provenance | None = Field(
        default=None,
        description="scan/count_store: exact; sample: estimated from sample_size entities read",
    )
    population: int | None = Field(
        default=None,
        ge=0,
        description="entities the affected count is a part of (the label's or type's count)",
    )
    examples: list[FindingExample] = Field(default_factory=list, max_length=MAX_EXAMPLES)
    suggestions: list[SuggestedCypher] = Field(default_factory=list)


class Deduction(_Model):
    """What one finding took off the score: penalty = weight * (0.25 + 0.75 * share)."""

    code: str
    subject: str
    severity: Severity
    weight: float = Field(ge=0, le=1, description="by severity")
    share: float = Field(ge=0, le=1, description="share of the graph (or label) it touches")
    penalty: float = Field(ge=0, le=1)


class SubjectScore(_Model):
    """The score of one label or relationship type, from the findings that concern it."""

    kind: Literal["label", "relationship_type"]
    name: str
    score: float = Field(ge=0, le=100)
    deductions: list[Deduction] = Field(default_factory=list)


class Quality(_Model):
    score: float | None = Field(default=None, ge=0, le=100)
    formula: str = ""
    findings: list[Finding] = Field(default_factory=list)
    parts: dict[str, float] = Field(
        default_factory=dict, description="the formula's parts (0..1) that were measured"
    )
    deductions: list[Deduction] = Field(
        default_factory=list, description="per finding, what it took off the overall score"
    )
    subject_scores: list[SubjectScore] = Field(
        default_factory=list, description="per label and relationship type"
    )
    values_policy: ValuesPolicy | None = Field(
        default=None,
        description="how much of the values left the database: none (no profiles, no "
        "examples' values), stats (numbers, temporals, lengths), examples (adds top values "
        "and example values); None in reports older than 1.1",
    )
    findings_left_out: int = Field(
        default=0, ge=0, description="findings dropped beyond the report's bound (least severe)"
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
    sample_limit: SampleLimit | None = Field(
        default=None, description="for a sampled item: what its planned sample can miss"
    )


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
    values: ValuesPolicy | None = Field(
        default=None, description="values policy of the run (None before schema 1.1)"
    )
    concurrent_queries: int | None = Field(
        default=None,
        ge=1,
        description="queries the run kept in flight at most (null before schema 1.3)",
    )
    concurrent_queries_requested: int | Literal["auto"] | None = Field(
        default=None,
        description="what the run options asked for: 'auto' (from the server's processors) "
        "or a number (null before schema 1.3)",
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
        "'CYPHER 5' or 'CYPHER 25'; null in reports before schema 1.2",
    )
    cypher_versions: list[str] | None = Field(
        default=None, description="the Cypher versions the server speaks, e.g. ['5', '25']"
    )
    processors: int | None = Field(
        default=None,
        description="processors the server's JVM reports (null when it would not say, or "
        "before schema 1.3)",
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
