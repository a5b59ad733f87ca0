"""Whether a report conforms to a baseline: the changes core.diff finds, judged by a policy.

The default policy is what a schema guard on Neo4j Community needs (it has no property
existence or type constraints): these fail

    a removed label, relationship type, property or pattern; a changed value type;
    a dropped index or constraint; a new error or warning finding

while additions and count changes are only reported. Count thresholds (a share of nodes,
relationships, a label's or type's or pattern's count, points of fill rate or of the quality
score) make a count change fail once set. A policy file (TOML) changes any of it; the README
documents every key.

An item that a sampled reading did not see may still be there: a property on 0.1 % of the
nodes is missed by a sample of 1,000 about a third of the time. Such a removal fails only
when a sample that size would have missed the item with at most `sampling.max_miss_chance`;
otherwise it is reported with that chance, so a nightly job does not cry wolf.

`neosense-desktop check` and the window's baseline verdict both use check_drift.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .diff import (
    CATEGORY_TITLES,
    STATISTIC_TITLES,
    Change,
    diff_reports,
    finding_kind_subject,
    label_text,
    pattern_text,
    schema_name,
    type_text,
)
from .errors import ErrorCode, NeoSenseError
from .report import Report

SEVERITIES = ("error", "warning", "info")

# Policy keys by TOML table; DriftPolicy has one field per key, of the same name.
POLICY_TABLES: dict[str, tuple[str, ...]] = {
    "fail": (
        "removed_label",
        "removed_relationship_type",
        "removed_property",
        "removed_pattern",
        "changed_value_type",
        "dropped_index",
        "dropped_constraint",
        "changed_index",
        "changed_constraint",
        "added_label",
        "added_relationship_type",
        "added_property",
        "added_pattern",
        "added_index",
        "added_constraint",
    ),
    "counts": (
        "nodes_drop_percent",
        "nodes_growth_percent",
        "relationships_drop_percent",
        "relationships_growth_percent",
        "label_drop_percent",
        "label_growth_percent",
        "relationship_type_drop_percent",
        "relationship_type_growth_percent",
        "pattern_drop_percent",
        "pattern_growth_percent",
        "fill_rate_drop_points",
    ),
    "quality": ("new_finding_severities", "score_drop_points"),
    "sampling": ("max_miss_chance",),
}
_TABLE_OF = {key: table for table, keys in POLICY_TABLES.items() for key in keys}


class PolicyError(NeoSenseError):
    """A policy file that cannot be used: unreadable, not TOML, or with a key or value it
    does not know. Nothing is checked against a policy that was only half understood."""

    def __init__(self, path: Path, problem: str, code: ErrorCode = ErrorCode.INVALID_INPUT) -> None:
        super().__init__(
            code,
            f"The policy file {path} cannot be used: {problem}",
            suggestions=[
                "Fix the file; the README lists every policy key with its default.",
            ],
            context={"path": str(path)},
        )


@dataclass(frozen=True)
class DriftPolicy:
    """What makes a change break the baseline. The defaults are the issue's default policy;
    a count threshold of None never fails."""

    # [fail]: which kinds of change fail.
    removed_label: bool = True
    removed_relationship_type: bool = True
    removed_property: bool = True
    removed_pattern: bool = True
    changed_value_type: bool = True
    dropped_index: bool = True
    dropped_constraint: bool = True
    changed_index: bool = False  # definition or state (ONLINE -> FAILED)
    changed_constraint: bool = False
    added_label: bool = False
    added_relationship_type: bool = False
    added_property: bool = False
    added_pattern: bool = False
    added_index: bool = False
    added_constraint: bool = False
    # [counts]: a change of more than this fails (percent of the baseline's count).
    nodes_drop_percent: float | None = None
    nodes_growth_percent: float | None = None
    relationships_drop_percent: float | None = None
    relationships_growth_percent: float | None = None
    label_drop_percent: float | None = None
    label_growth_percent: float | None = None
    relationship_type_drop_percent: float | None = None
    relationship_type_growth_percent: float | None = None
    pattern_drop_percent: float | None = None
    pattern_growth_percent: float | None = None
    fill_rate_drop_points: float | None = None  # percentage points, e.g. 10 for 90 % -> 79 %
    # [quality]
    new_finding_severities: frozenset[str] = frozenset({"error", "warning"})
    score_drop_points: float | None = None
    # [sampling]
    max_miss_chance: float = 0.01

    @classmethod
    def from_toml(cls, path: Path) -> DriftPolicy:
        """The policy of a TOML file: the defaults, with the file's keys in their tables.
        Raises PolicyError for an unreadable file, bad TOML, an unknown table or key, or a
        value of the wrong kind."""
        try:
            with Path(path).open("rb") as handle:
                data = tomllib.load(handle)
        except OSError as exc:
            raise PolicyError(path, exc.strerror or str(exc), ErrorCode.FILE_READ_FAILED) from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise PolicyError(path, f"it is not valid TOML ({exc})") from exc
        return cls.from_mapping(data, path)

    @classmethod
    def from_mapping(cls, data: dict[str, Any], path: Path = Path("<policy>")) -> DriftPolicy:
        values: dict[str, Any] = {}
        for table, content in data.items():
            if table in _TABLE_OF and not isinstance(content, dict):
                raise PolicyError(
                    path, f"{table} must be a key of a table: put it under [{_TABLE_OF[table]}]"
                )
            if table not in POLICY_TABLES:
                raise PolicyError(path, _unknown(f"table [{table}]", table, POLICY_TABLES))
            if not isinstance(content, dict):
                raise PolicyError(path, f"{table} must be a table ([{table}]), not a value")
            for key, value in content.items():
                if key not in POLICY_TABLES[table]:
                    hint = ""
                    if key in _TABLE_OF:
                        hint = f" (it belongs in [{_TABLE_OF[key]}])"
                    raise PolicyError(
                        path,
                        _unknown(f"key '{key}' in [{table}]", key, POLICY_TABLES[table]) + hint,
                    )
                values[key] = _checked_value(path, table, key, value)
        return cls(**values)

    def as_toml(self) -> str:
        """This policy as a policy file (every key, defaults included)."""
        lines: list[str] = []
        for table, keys in POLICY_TABLES.items():
            lines.append(f"[{table}]")
            for key in keys:
                value = getattr(self, key)
                if value is None:
                    lines.append(f"# {key} = (not set: never fails)")
                elif isinstance(value, bool):
                    lines.append(f"{key} = {'true' if value else 'false'}")
                elif isinstance(value, frozenset):
                    items = [s for s in SEVERITIES if s in value]
                    lines.append(f"{key} = [{', '.join(f'{chr(34)}{s}{chr(34)}' for s in items)}]")
                else:
                    lines.append(f"{key} = {value}")
            lines.append("")
        return "\n".join(lines)

    def rule_broken(self, change: Change) -> str | None:
        """The policy key ("fail.removed_label") that makes this change fail, or None when
        the change is only reported."""
        rule = _rule_for(self, change)
        return f"{_TABLE_OF[rule]}.{rule}" if rule is not None else None


def _unknown(what: str, name: str, known: Any) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"unknown {what}{hint}. Known: {', '.join(known)}."


def _checked_value(path: Path, table: str, key: str, value: Any) -> Any:
    where = f"{table}.{key}"
    if table == "fail":
        if not isinstance(value, bool):
            raise PolicyError(path, f"{where} must be true or false, not {value!r}")
        return value
    if key == "new_finding_severities":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PolicyError(path, f'{where} must be a list such as ["error", "warning"]')
        unknown = [v for v in value if v not in SEVERITIES]
        if unknown:
            raise PolicyError(
                path, f"{where} holds {unknown[0]!r}; severities are {', '.join(SEVERITIES)}"
            )
        return frozenset(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise PolicyError(path, f"{where} must be a number, not {value!r}")
    if value < 0:
        raise PolicyError(path, f"{where} must be 0 or more, not {value}")
    if key == "max_miss_chance" and value > 1:
        raise PolicyError(path, f"{where} is a chance from 0 to 1, not {value}")
    return float(value)


# Count thresholds by (category, statistic) -> (drop key, growth key).
_COUNT_KEYS: dict[str, tuple[str, str]] = {
    "node_count": ("nodes_drop_percent", "nodes_growth_percent"),
    "relationship_count": ("relationships_drop_percent", "relationships_growth_percent"),
    "label": ("label_drop_percent", "label_growth_percent"),
    "relationship_type": ("relationship_type_drop_percent", "relationship_type_growth_percent"),
    "pattern": ("pattern_drop_percent", "pattern_growth_percent"),
}


def _percent_change(before: Any, after: Any) -> float | None:
    if not isinstance(before, int | float) or not isinstance(after, int | float):
        return None
    if before == 0:
        return math.inf if after > 0 else 0.0
    return (after - before) / before * 100.0


def _count_rule(policy: DriftPolicy, change: Change) -> str | None:
    which = change.path[-1] if change.category == "statistic" else change.category
    keys = _COUNT_KEYS.get(which)
    percent = _percent_change(change.before, change.after)
    if keys is None or percent is None:
        return None
    drop_key, growth_key = keys
    drop, growth = getattr(policy, drop_key), getattr(policy, growth_key)
    if percent < 0 and drop is not None and -percent > drop:
        return str(drop_key)
    if percent > 0 and growth is not None and percent > growth:
        return str(growth_key)
    return None


def _rule_for(policy: DriftPolicy, change: Change) -> str | None:
    category, kind, aspect = change.category, change.kind, change.aspect
    if aspect == "presence" and category in (
        "label",
        "relationship_type",
        "property",
        "pattern",
        "index",
        "constraint",
    ):
        if kind == "added":
            rule = f"added_{category}"
        else:
            verb = "dropped" if category in ("index", "constraint") else "removed"
            rule = f"{verb}_{category}"
            if change.miss_chance is not None and change.miss_chance > policy.max_miss_chance:
                return None  # a sample may well have missed it: reported, not failed
        return rule if getattr(policy, rule) else None
    if aspect == "value_types":
        return "changed_value_type" if policy.changed_value_type else None
    if category in ("index", "constraint") and aspect in ("definition", "state"):
        rule = f"changed_{category}"
        return rule if getattr(policy, rule) else None
    if aspect == "count":
        return _count_rule(policy, change)
    if aspect == "fill_rate":
        limit = policy.fill_rate_drop_points
        drop = (change.before - change.after) * 100.0
        return "fill_rate_drop_points" if limit is not None and drop > limit else None
    if aspect == "score":
        limit = policy.score_drop_points
        if limit is None or change.before is None or change.after is None:
            return None
        return "score_drop_points" if change.before - change.after > limit else None
    if category == "finding" and kind in ("added", "changed"):
        new = change.severity in policy.new_finding_severities
        was = kind == "changed" and change.before in policy.new_finding_severities
        return "new_finding_severities" if new and not was else None
    return None


@dataclass(frozen=True)
class CheckedItem:
    """One thing the check looked at, as a JUnit test case names it."""

    category: str  # "Labels", "Properties", ... (CATEGORY_TITLES)
    subject: str  # "Label :Customer", matching Change.subject


@dataclass(frozen=True)
class DriftVerdict:
    """The changes from a baseline, split by a policy into those that break it and those
    only reported."""

    violations: list[Change]
    reported: list[Change]
    # The policy key each violation breaks ("fail.removed_label"), in the same order.
    rules: list[str] = field(default_factory=list)
    items: list[CheckedItem] = field(default_factory=list)
    baseline_run_id: str = ""
    current_run_id: str = ""

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        """ "conforms to baseline", "1 change breaks the baseline", "3 changes break the
        baseline"."""
        if self.conforms:
            return "conforms to baseline"
        count = len(self.violations)
        if count == 1:
            return "1 change breaks the baseline"
        return f"{count:,} changes break the baseline"


# What the check compares in one report, kind by kind, in the order a reader expects:
# (category, the subjects of that kind in a report).
_ITEM_KINDS: tuple[tuple[str, Callable[[Report], Iterable[str]]], ...] = (
    ("label", lambda r: (f"Label {label_text(lb.name)}" for lb in r.labels)),
    (
        "property",
        lambda r: (
            f"Property {schema_name(p.name)} of {label_text(lb.name)}"
            for lb in r.labels
            for p in lb.properties
        ),
    ),
    (
        "relationship_type",
        lambda r: (f"Relationship type {type_text(t.name)}" for t in r.relationship_types),
    ),
    (
        "pattern",
        lambda r: (
            f"Pattern {pattern_text(t.name, p)}" for t in r.relationship_types for p in t.patterns
        ),
    ),
    (
        "property",
        lambda r: (
            f"Property {schema_name(p.name)} of {type_text(t.name)}"
            for t in r.relationship_types
            for p in t.properties
        ),
    ),
    ("index", lambda r: (f"Index {schema_name(ix.name)}" for ix in r.indexes)),
    ("constraint", lambda r: (f"Constraint {schema_name(c.name)}" for c in r.constraints)),
    ("statistic", lambda _r: STATISTIC_TITLES.values()),
    ("quality", lambda _r: ("Quality score", "Findings")),
    ("finding", lambda r: (finding_kind_subject(f.code) for f in r.quality.findings)),
)


def checked_items(baseline: Report, current: Report) -> list[CheckedItem]:
    """Every item of either report that the check compares, in report order: labels and
    their properties, types with their patterns and properties, indexes, constraints, the
    statistics, the quality score, the findings count and each kind of finding."""
    seen: set[tuple[str, str]] = set()
    items: list[CheckedItem] = []
    for category, subjects_of in _ITEM_KINDS:
        for report in (baseline, current):
            for subject in subjects_of(report):
                if (category, subject) not in seen:
                    seen.add((category, subject))
                    items.append(CheckedItem(CATEGORY_TITLES[category], subject))
    return items


def check_drift(
    baseline: Report, current: Report, policy: DriftPolicy | None = None
) -> DriftVerdict:
    """The changes from baseline to current, judged by policy (the default policy when
    None)."""
    rules = policy if policy is not None else DriftPolicy()
    violations: list[Change] = []
    broken: list[str] = []
    reported: list[Change] = []
    for change in diff_reports(baseline, current).changes:
        rule = rules.rule_broken(change)
        if rule is None:
            reported.append(change)
        else:
            violations.append(change)
            broken.append(rule)
    return DriftVerdict(
        violations,
        reported,
        broken,
        checked_items(baseline, current),
        baseline.run.id,
        current.run.id,
    )
