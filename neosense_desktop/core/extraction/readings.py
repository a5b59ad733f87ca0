"""The plan that runs: how each subject is read, decided once per run from the sizes.

A subject is a label, a relationship type, the node census, or every node (the examples of
unlabeled nodes). Its Reading says whether it is read whole or by a spread sample, and the
sample's design (size, id seeks or hashed scan: sampling.SampleDesign); an exactly read
label or type too big to profile in full also carries the design of the sample its value
statistics come from. make_plan words these readings for the Run tab, and the activities
take their subject's reading from the RunContext: nothing else decides exact vs sampled
(RunOptions.is_exact is asked here only) or draws a sample of its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from .options import RunOptions
from .sampling import Kind, Sample, SampleDesign, design_sample
from .sizes import Sizes
from .value_profile import profile_sample_size, profiled_in_full

CENSUS_MIN_SAMPLE = 10_000

Method = Literal["exact", "sampled"]
OwnerKind = str  # "label" | "relationship_type" (quality_checks.Owner.kind)


@dataclass(frozen=True)
class Reading:
    """How one subject is read. design None: read whole; else the sample drawn by it.

    profile: for a subject read whole but too big to profile in full, the design of the
    spread sample its value statistics come from (value_sample.py); else None.
    """

    kind: Kind
    subject: str | None  # the label or type; None: every node
    population: int
    design: SampleDesign | None = None
    profile: SampleDesign | None = None

    @property
    def exact(self) -> bool:
        return self.design is None

    @property
    def method(self) -> Method:
        return "exact" if self.design is None else "sampled"

    @property
    def rows(self) -> int:
        """The entities the reading reads (its cost)."""
        return self.population if self.design is None else self.design.read

    @property
    def seed_key(self) -> str:
        """What seeds this subject's samples, after the run's marker."""
        return f"node:{self.subject}" if self.kind == "nodes" else f"rel:{self.subject}"

    def sample(self, marker: str) -> Sample | None:
        """The sample the run reads (None: the whole subject), drawn with the run's seed."""
        return None if self.design is None else self.design.draw(f"{marker}:{self.seed_key}")

    def profile_sample(self, marker: str) -> Sample | None:
        """The value statistics' sample of a subject read whole, or None."""
        return None if self.profile is None else self.profile.draw(f"{marker}:{self.seed_key}")

    def describe(self) -> str:
        """How it is read, in the plan's words."""
        if self.design is not None:
            return self.design.describe()
        noun = self.kind if self.population != 1 else self.kind[:-1]
        return f"{self.population:,} {noun} read in full"


@dataclass(frozen=True)
class Readings:
    """Every subject's reading of one run."""

    labels: Mapping[str, Reading]
    types: Mapping[str, Reading]
    census: Reading  # label sets and degrees of the nodes (census.py)
    all_nodes: Reading  # every node at the run's sample size (unlabeled nodes' examples)

    def label(self, name: str) -> Reading:
        """The label's reading; a label without nodes in the sizes is read whole (empty)."""
        return self.labels.get(name) or Reading("nodes", name, 0)

    def type(self, name: str) -> Reading:
        return self.types.get(name) or Reading("relationships", name, 0)

    def of(self, kind: OwnerKind, name: str) -> Reading:
        return self.label(name) if kind == "label" else self.type(name)

    @property
    def everything_exact(self) -> bool:
        """Every label and type is read whole: the builtin schema procedures' whole-store
        scans then cost nothing extra (builtin_schema.py)."""
        return all(r.exact for r in (*self.labels.values(), *self.types.values()))


def census_sample_size(options: RunOptions) -> int:
    """Degrees and label sets are cheap to read: sample at least 10k nodes for stable tails."""
    return max(options.sample_size, CENSUS_MIN_SAMPLE)


def _reading(
    options: RunOptions, kind: Kind, subject: str | None, count: int, high: int, prefix: str | None
) -> Reading:
    if not options.is_exact(count):
        return Reading(
            kind, subject, count, design_sample(count, options.sample_size, high, kind, prefix)
        )
    profile = (
        None
        if profiled_in_full(options, count)
        else design_sample(count, profile_sample_size(options), high, kind, prefix)
    )
    return Reading(kind, subject, count, profile=profile)


def decide_readings(options: RunOptions, sizes: Sizes) -> Readings:
    """Each subject's reading under `options`: decided here, once per run."""
    node_high, node_prefix = sizes.node_id_high, sizes.node_id_prefix
    rel_high, rel_prefix = sizes.relationship_id_high, sizes.relationship_id_prefix
    nodes = sizes.node_count
    census_size = census_sample_size(options)
    census = (
        Reading("nodes", None, nodes)
        if options.is_exact(nodes) or nodes <= census_size
        else Reading(
            "nodes", None, nodes, design_sample(nodes, census_size, node_high, "nodes", node_prefix)
        )
    )
    all_nodes = (
        Reading("nodes", None, nodes)
        if options.is_exact(nodes)
        else Reading(
            "nodes",
            None,
            nodes,
            design_sample(nodes, options.sample_size, node_high, "nodes", node_prefix),
        )
    )
    return Readings(
        labels={
            name: _reading(options, "nodes", name, count, node_high, node_prefix)
            for name, count in sizes.labels.items()
        },
        types={
            name: _reading(options, "relationships", name, count, rel_high, rel_prefix)
            for name, count in sizes.types.items()
        },
        census=census,
        all_nodes=all_nodes,
    )
