"""The quality checks of quality_checks.py without a server: which findings each input
gives, with what count, and the Cypher they suggest. Inputs are what a run would hand them
(properties, value statistics, indexes, constraints, names)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest

from neosense_desktop.core.extraction.quality_checks import (
    Owner,
    case_variant_findings,
    cross_owner_type_findings,
    key_findings,
    naming_finding,
    property_findings,
    redundant_index_findings,
)
from neosense_desktop.core.extraction.value_profile import ValueStats
from neosense_desktop.core.report import Constraint, Index, Property, Provenance, Severity

SCAN = Provenance(method="scan")


def _sampled(n: int) -> Provenance:
    return Provenance(method="sample", sample_size=n)


def _owner(
    prop: Property, stats: ValueStats | None = None, count: int = 100, kind: str = "label"
) -> Owner:
    return Owner(
        kind=kind,
        name="Thing",
        count=count,
        properties=[prop],
        stats={prop.name: stats} if stats else {},
    )


def _prop(
    name: str = "p",
    types: tuple[str, ...] = ("STRING",),
    fill_rate: float = 1.0,
    provenance: Provenance = SCAN,
    observed: int | None = None,
) -> Property:
    return Property(
        name=name, types=list(types), fill_rate=fill_rate, provenance=provenance, observed=observed
    )


@dataclass
class PropertyCase:
    name: str
    owner: Owner
    # code -> affected (None: no count)
    found: dict[str, int | None]
    # a piece of each finding's suggested fix Cypher, by code
    fixes: dict[str, str] = field(default_factory=dict)
    # a piece of the message, by code
    says: dict[str, str] = field(default_factory=dict)


def _strings(**counts: object) -> ValueStats:
    stats = ValueStats(holders=100, distinct=100, groups=1, strings=100)
    for key, value in counts.items():
        setattr(stats, key, value)
    return stats


ISO = "ISO 8601 date (YYYY-MM-DD)"
US = "US date (M/D/YYYY)"

PROPERTY_CASES = [
    PropertyCase("a clean string property", _owner(_prop(), _strings()), {}),
    PropertyCase(
        "two value types", _owner(_prop(types=("INTEGER", "STRING"))), {"mixed_type_property": None}
    ),
    PropertyCase(
        "set on 5 % of a label read whole",
        _owner(_prop(fill_rate=0.05, observed=5)),
        {"sparse_property": 5},
    ),
    # 5 of a 100 sample of 10 000: about 500 of the label.
    PropertyCase(
        "set on 5 % of a sample",
        _owner(_prop(fill_rate=0.05, observed=5, provenance=_sampled(100)), count=10_000),
        {"sparse_property": 500},
        says={"sparse_property": "in a sample of 100"},
    ),
    PropertyCase("10 % is not sparse", _owner(_prop(fill_rate=0.1, observed=10)), {}),
    PropertyCase(
        "integers stored as text",
        _owner(_prop("amount"), _strings(numeric=90, integer=90)),
        {"numeric_strings": 90},
        fixes={"numeric_strings": "SET x.`amount` = toInteger(trim(x.`amount`))"},
    ),
    PropertyCase(
        "decimals stored as text",
        _owner(_prop("price"), _strings(numeric=90, integer=40)),
        {"numeric_strings": 90},
        fixes={"numeric_strings": "SET x.`price` = toFloat(trim(x.`price`))"},
    ),
    PropertyCase(
        "an identifier stored as text",
        _owner(_prop("customerId"), _strings(numeric=100, integer=100)),
        {"string_ids": 100},
        says={"string_ids": "an identifier"},
    ),
    PropertyCase(
        "79 % numeric is not enough", _owner(_prop(), _strings(numeric=79, integer=79)), {}
    ),
    PropertyCase(
        "booleans stored as text",
        _owner(_prop("active"), _strings(boolean=80)),
        {"boolean_strings": 80},
        fixes={"boolean_strings": "SET x.`active` = toBoolean(trim(x.`active`))"},
    ),
    PropertyCase(
        "ISO dates stored as text get a fix",
        _owner(_prop("born"), _strings(dates=Counter({ISO: 95, US: 1}))),
        {"date_strings": 95},
        fixes={"date_strings": "SET x.`born` = date(trim(x.`born`))"},
        says={"date_strings": ISO},
    ),
    PropertyCase(
        "US dates stored as text get none",
        _owner(_prop("born"), _strings(dates=Counter({US: 85}))),
        {"date_strings": 85},
        says={"date_strings": US},
    ),
    PropertyCase(
        "empty strings and placeholders",
        _owner(_prop("note"), _strings(empty=3, sentinel=2)),
        {"empty_strings": 3, "sentinel_values": 2},
        fixes={"empty_strings": "REMOVE x.`note`", "sentinel_values": "REMOVE x.`note`"},
    ),
    # An exact label of 50 000 whose statistics came from a sample of 1000: 900 hits there
    # are about 45 000 of the label, and the message says where they were counted.
    PropertyCase(
        "statistics from their own sample",
        _owner(
            _prop("amount"),
            _strings(numeric=900, integer=900, strings=1000, provenance=_sampled(1000)),
            count=50_000,
        ),
        {"numeric_strings": 45_000},
        says={"numeric_strings": "in a sample of 1000"},
    ),
    PropertyCase("no string values", _owner(_prop(), _strings(strings=0, empty=3)), {}),
    PropertyCase(
        "a hostile key name is escaped in the Cypher",
        _owner(_prop("a`b"), _strings(empty=1)),
        {"empty_strings": 1},
        fixes={"empty_strings": "REMOVE x.`a``b`"},
    ),
]


@pytest.mark.parametrize("case", PROPERTY_CASES, ids=lambda c: c.name)
def test_property_checks(case: PropertyCase) -> None:
    found = list(property_findings([case.owner]))
    assert {f.finding.code: f.finding.affected for f in found} == case.found
    by_code = {f.finding.code: f.finding for f in found}
    for code, cypher in case.fixes.items():
        fixes = [s.cypher for s in by_code[code].suggestions if s.purpose == "fix"]
        assert any(cypher in c for c in fixes), (code, fixes)
    for code, words in case.says.items():
        assert words in by_code[code].message, by_code[code].message
    for f in found:
        # Every finding can be looked at: its first suggestion is an inspect query.
        assert f.finding.suggestions[0].purpose == "inspect"
        assert f.finding.population == case.owner.count


def _key_owner(
    name: str = "id",
    holders: int = 100,
    distinct: int = 100,
    provenance: Provenance = SCAN,
    fill_rate: float = 1.0,
    types: tuple[str, ...] = ("INTEGER",),
    groups: int = 1,
    key_counts: tuple[int, int] | None = None,
    kind: str = "label",
) -> Owner:
    stats = ValueStats(holders=holders, distinct=distinct, groups=groups, key_counts=key_counts)
    prop = _prop(name, types=types, fill_rate=fill_rate, provenance=provenance)
    return Owner(kind=kind, name="Order", count=100, properties=[prop], stats={name: stats})


UNIQUE = Constraint(
    name="u", type="UNIQUENESS", entity_type="NODE", labels_or_types=["Order"], properties=["id"]
)
RANGE = Index(
    name="by id",
    type="RANGE",
    entity_type="NODE",
    labels_or_types=["Order"],
    properties=["id"],
    state="ONLINE",
)

# (what, owner, indexes, constraints, {code: (severity, affected)})
KEY_CASES = [
    (
        "a unique key without a constraint",
        _key_owner(),
        [],
        [],
        {"key_without_constraint": (Severity.WARNING, 100)},
    ),
    (
        "unique in a sample: only a hint",
        _key_owner(provenance=_sampled(50)),
        [],
        [],
        {"key_without_constraint": (Severity.INFO, 100)},
    ),
    ("protected by a constraint", _key_owner(), [], [UNIQUE], {}),
    (
        "served by a range index only",
        _key_owner(),
        [RANGE],
        [],
        {
            "key_without_constraint": (Severity.WARNING, 100),
            "key_with_range_index_only": (Severity.INFO, None),
        },
    ),
    (
        "the label's own key repeats",
        _key_owner(distinct=90),
        [],
        [],
        {"duplicate_key_values": (Severity.WARNING, 10)},
    ),
    (
        "a nearly unique key repeats",
        _key_owner("ref_code", distinct=97),
        [],
        [],
        {"duplicate_key_values": (Severity.WARNING, 3)},
    ),
    # customerID on Order: a foreign key, repeating by design.
    ("a foreign key repeats", _key_owner("customerID", distinct=40), [], [], {}),
    (
        "exact key counts win over sampled statistics",
        _key_owner(distinct=100, provenance=_sampled(100), key_counts=(1000, 990)),
        [],
        [],
        {"duplicate_key_values": (Severity.WARNING, 10)},
    ),
    ("not set on every node", _key_owner(fill_rate=0.9), [], [], {}),
    ("not named like a key", _key_owner("weight"), [], [], {}),
    ("not a key type", _key_owner(types=("FLOAT",)), [], [], {}),
    ("statistics merged from several groups", _key_owner(groups=2), [], [], {}),
    ("relationship properties are not keys", _key_owner(kind="relationship_type"), [], [], {}),
]


@pytest.mark.parametrize(
    ("owner", "indexes", "constraints", "found"),
    [c[1:] for c in KEY_CASES],
    ids=[c[0] for c in KEY_CASES],
)
def test_key_checks(
    owner: Owner,
    indexes: list[Index],
    constraints: list[Constraint],
    found: dict[str, tuple[Severity, int | None]],
) -> None:
    findings = [f.finding for f in key_findings([owner], indexes, constraints)]
    assert {f.code: (f.severity, f.affected) for f in findings} == found


def test_a_range_index_only_key_suggests_dropping_it_then_the_constraint() -> None:
    findings = {f.finding.code: f.finding for f in key_findings([_key_owner()], [RANGE], [])}
    only = findings["key_with_range_index_only"]
    assert [s.cypher for s in only.suggestions] == [
        "DROP INDEX `by id` IF EXISTS",
        "CREATE CONSTRAINT IF NOT EXISTS FOR (x:`Order`) REQUIRE x.`id` IS UNIQUE",
    ]
    # The constraint is suggested once, with the index finding, not twice.
    assert findings["key_without_constraint"].suggestions == []


def _typed(name: str, key: str, *types: str, kind: str = "label") -> Owner:
    return Owner(kind=kind, name=name, count=1, properties=[_prop(key, types=types)], stats={})


@pytest.mark.parametrize(
    ("owners", "mismatched"),
    [
        ([_typed("A", "id", "INTEGER"), _typed("B", "id", "STRING")], ["id"]),
        ([_typed("A", "id", "INTEGER"), _typed("B", "id", "INTEGER")], []),
        # A mixed-type key is mixed_type_property's finding, not this one's.
        ([_typed("A", "id", "INTEGER", "STRING"), _typed("B", "id", "STRING")], []),
        (
            [_typed("A", "at", "DATE"), _typed("R", "at", "STRING", kind="relationship_type")],
            ["at"],
        ),
    ],
)
def test_the_same_key_with_different_types(owners: list[Owner], mismatched: list[str]) -> None:
    found = list(cross_owner_type_findings(owners))
    assert [f.subject for f in found] == [f"property {k}" for k in mismatched]
    for f in found:
        assert f.affected == len(owners)


@pytest.mark.parametrize(
    ("keys", "groups"),
    [
        ({"startTime", "starttime", "name"}, [["startTime", "starttime"]]),
        (
            {"first_name", "firstName", "first-name", "FIRST NAME"},
            [["FIRST NAME", "first-name", "firstName", "first_name"]],
        ),
        ({"name", "title"}, []),
        # In the order of their normalised names: "ab", then "x".
        ({"a.b", "ab", "x", "X"}, [["a.b", "ab"], ["X", "x"]]),
    ],
)
def test_keys_that_differ_only_by_case_or_separators(
    keys: set[str], groups: list[list[str]]
) -> None:
    found = list(case_variant_findings(keys))
    assert [[s.name for s in f.subjects] for f in found] == groups
    for f in found:
        assert f.affected == len(f.subjects)


@pytest.mark.parametrize(
    ("labels", "types", "keys", "off"),
    [
        (["Person"], ["KNOWS", "HAS_PART"], {"firstName", "id"}, None),
        (["person"], [], set(), ["label person"]),
        ([], ["knows", "Has_Part"], set(), ["type Has_Part", "type knows"]),
        ([], [], {"FirstName", "first_name", "ok"}, ["property FirstName", "property first_name"]),
    ],
)
def test_naming_conventions(
    labels: list[str], types: list[str], keys: set[str], off: list[str] | None
) -> None:
    finding = naming_finding(labels, types, keys)
    if off is None:
        assert finding is None
        return
    assert finding is not None
    assert finding.affected == len(off)
    assert "; ".join(off) in finding.message


def test_naming_lists_at_most_50_names() -> None:
    finding = naming_finding([f"bad{i:03}" for i in range(60)], [], set())
    assert finding is not None and finding.affected == 60
    assert "label bad049" in finding.message and "label bad050" not in finding.message
    assert finding.message.endswith(" and 10 more.")


def _index(
    name: str,
    props: list[str],
    *,
    on: str = "A",
    kind: str = "RANGE",
    owner: str | None = None,
    entity: str = "NODE",
) -> Index:
    return Index(
        name=name,
        type=kind,
        entity_type=entity,
        labels_or_types=[on],
        properties=props,
        state="ONLINE",
        owning_constraint=owner,
    )


@pytest.mark.parametrize(
    ("indexes", "redundant"),
    [
        ([_index("a", ["x"]), _index("ab", ["x", "y"])], ["a"]),
        ([_index("a", ["x"]), _index("ba", ["y", "x"])], []),  # not a prefix
        ([_index("a", ["x"]), _index("ab", ["x", "y"], on="B")], []),  # another label
        ([_index("a", ["x"], kind="TEXT"), _index("ab", ["x", "y"])], []),  # not a range one
        ([_index("a", ["x"], owner="c"), _index("ab", ["x", "y"])], []),  # a constraint's
        ([_index("a", ["x"]), _index("ab", ["x", "y"], entity="RELATIONSHIP")], []),
        (
            [_index("a", ["x"]), _index("ab", ["x", "y"]), _index("abc", ["x", "y", "z"])],
            ["a", "ab"],
        ),
    ],
)
def test_redundant_range_indexes(indexes: list[Index], redundant: list[str]) -> None:
    found = list(redundant_index_findings(indexes))
    assert [f.subjects[0].name for f in found] == redundant
    for f in found:
        assert f.suggestions[0].cypher == f"DROP INDEX `{f.subjects[0].name}` IF EXISTS"
