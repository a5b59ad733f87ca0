"""Seeded, deterministic generator of a large, realistic property graph plus its ground truth.

Output (one folder per node count and seed):
    nodes/*.csv, rels/*.csv   typed CSVs for `neo4j-admin database import full`
    manifest.json             the import's --nodes / --relationships arguments, in order
    schema.cypher             indexes and constraints, created after the import
    ground_truth.json         labels, counts, patterns, properties and their Cypher types

Same (nodes, seed, GENERATOR_VERSION) -> byte-identical files: every chunk draws from its own
numpy Generator seeded by (seed, section, chunk), so nothing depends on processing order.

Why several files per label: a CSV column has one type, so a property that holds INTEGER on
some nodes and STRING on others needs one header per type combination ("variant"). Files
are written chunk by chunk, variants interleaved, so node ids mix variants as in real data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.graph_spec import (
    CYPHER_TYPE,
    KINDS,
    REL_TYPES,
    SCHEMA,
    Endpoint,
    Kind,
    Prop,
    RelType,
)

GENERATOR_VERSION = 1
NODE_CHUNK = 100_000
REL_CHUNK = 1_000_000
UNLABELED_POOL = "_unlabeled"

Obj = np.ndarray[Any, np.dtype[np.object_]]


# --------------------------------------------------------------------------- vocabularies

_SYLLABLE_TEXT = (
    "ka lo mi ra ne to sa vi de an el or un is ber gan tor lin mar sen dor fal gri hel jon "
    "kel lum nor pra quin ros tal ven wil xan yor zel bo cu fi ha ju ly mo pe ri su ty"
)
_SYLLABLES = _SYLLABLE_TEXT.split()


def _words(rng: np.random.Generator, n: int, lo: int, hi: int) -> list[str]:
    """n distinct pseudo-words of lo..hi syllables (no comma, quote or semicolon)."""
    out: dict[str, None] = {}
    while len(out) < n:
        k = int(rng.integers(lo, hi + 1))
        out["".join(_SYLLABLES[int(i)] for i in rng.integers(0, len(_SYLLABLES), k))] = None
    return list(out)


def _build_vocab() -> dict[str, Obj]:
    rng = np.random.default_rng(20240601)  # fixed: vocabularies never depend on the seed
    first = [w.capitalize() for w in _words(rng, 400, 2, 3)]
    last = [w.capitalize() for w in _words(rng, 1000, 2, 4)]
    fi = rng.integers(0, len(first), 5000)
    la = rng.integers(0, len(last), 5000)
    words = _words(rng, 3000, 1, 4)
    vocab: dict[str, list[str]] = {
        "first": first,
        "last": last,
        "fullname": list(
            dict.fromkeys(f"{first[a]} {last[b]}" for a, b in zip(fi, la, strict=True))
        ),
        "city": [
            w.capitalize() + s
            for w, s in zip(
                _words(rng, 2000, 2, 3),
                itertools.cycle(["", "burg", " City", "ville", "stad", " Springs", "port"]),
                strict=False,
            )
        ],
        "country": [w.capitalize() + "ia" for w in _words(rng, 250, 1, 3)],
        "word": words,
        "tag": ["#" + w for w in _words(rng, 1500, 1, 3)],
        "lang": list(
            dict.fromkeys("".join(x) for x in itertools.product("adefhijklnprstuvz", "aeinorsuv"))
        )[:60],
        "brand": [
            w.capitalize() + s
            for w, s in zip(
                _words(rng, 2000, 1, 3),
                itertools.cycle(["", " Inc", " GmbH", " Ltd", " & Sons", " Labs"]),
                strict=False,
            )
        ],
        "handle": [f"{w}_{i % 97}" for i, w in enumerate(_words(rng, 5000, 2, 3))],
        "currency": ["".join(x).upper() for x in itertools.product("uegjcs", "sub", "dryfp")][:40],
        "industry": _words(rng, 60, 2, 4),
        "role": [
            w + " " + r
            for w, r in zip(
                _words(rng, 80, 1, 2),
                itertools.cycle(["engineer", "manager", "clerk", "analyst", "director"]),
                strict=False,
            )
        ],
        "tz": [
            f"{r}/{c.capitalize()}"
            for r, c in zip(
                itertools.cycle(["Europe", "America", "Asia", "Africa", "Pacific"]),
                _words(rng, 40, 2, 3),
                strict=False,
            )
        ],
        "hours": [f"{a:02d}-{b:02d}" for a in range(6, 11) for b in range(17, 23)],
        "weight": [f"{x / 10:g}kg" for x in range(1, 200)] + ["n/a", "heavy", "light"],
        "cap": ["unlimited", "TBD", "n/a", "approx 500", "sold out", "ask"],
        "version": [f"v{a}.{b}" for a in range(1, 6) for b in range(10)] + ["draft", "final"],
    }
    return {k: np.array(v, dtype=object) for k, v in vocab.items()}


VOCAB = _build_vocab()
_EPOCH = dt.date(1850, 1, 1)
_DAYS: Obj = np.array(
    [
        (_EPOCH + dt.timedelta(days=i)).isoformat()
        for i in range((dt.date(2028, 1, 1) - _EPOCH).days)
    ],
    dtype=object,
)
_TIMES: Obj = np.array(
    [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)],
    dtype=object,
)


def _day_index(year: int) -> int:
    return (dt.date(year, 1, 1) - _EPOCH).days


# --------------------------------------------------------------------------- values


def _strs(values: Iterable[object]) -> Obj:
    return np.array([str(v) for v in values], dtype=object)


def _skewed(rng: np.random.Generator, n: int, m: int, a: float = 1.6) -> np.ndarray[Any, Any]:
    """m indexes in [0, n), index i roughly (i+1)^(1/a - 1) likely: a few values dominate."""
    return np.minimum((n * rng.random(m) ** a).astype(np.int64), n - 1)


@dataclass(frozen=True)
class _ValueRequest:
    """One make_values call: the generator's arguments and the entities it fills."""

    rng: np.random.Generator
    ids: np.ndarray[Any, Any]  # global ids
    local: np.ndarray[Any, Any]  # kind-local index
    arg: str  # the generator's text after its name ("1|2|3", "10:20")
    args: list[str]  # arg split on ':'

    @property
    def m(self) -> int:
        return len(self.ids)


def _ints(r: _ValueRequest) -> Obj:
    return _strs(r.rng.integers(int(r.args[0]), int(r.args[1]) + 1, r.m).tolist())


def _floats(r: _ValueRequest) -> Obj:
    lo, hi = float(r.args[0]), float(r.args[1])
    return _strs(np.round(lo + (hi - lo) * r.rng.random(r.m), 2).tolist())


def _bools(r: _ValueRequest) -> Obj:
    return np.where(r.rng.random(r.m) < float(r.args[0]), "true", "false").astype(object)


def _enum(r: _ValueRequest) -> Obj:
    options = np.array(r.arg.split("|"), dtype=object)
    weights = 1.0 / np.arange(1, len(options) + 1)
    return options[r.rng.choice(len(options), size=r.m, p=weights / weights.sum())]


def _word(r: _ValueRequest) -> Obj:
    words = VOCAB[r.args[0]]
    return words[_skewed(r.rng, len(words), r.m)]


def _text(r: _ValueRequest) -> Obj:
    lo, hi = int(r.args[0]), int(r.args[1])
    lengths = r.rng.integers(lo, hi + 1, r.m).tolist()
    grid = VOCAB["word"][_skewed(r.rng, len(VOCAB["word"]), r.m * hi, 1.3)].reshape(r.m, hi)
    return np.array(
        [" ".join(row[:k]) for row, k in zip(grid.tolist(), lengths, strict=True)], dtype=object
    )


def _uid(r: _ValueRequest) -> Obj:
    # A bijection of the id (odd multiplier mod 2^64), so values are unique and look random.
    mixed = (r.ids.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)) ^ np.uint64(0x5DEECE66D)
    return np.array([f"{r.args[0]}{x:016x}" for x in mixed.tolist()], dtype=object)


def _seq(r: _ValueRequest) -> Obj:
    return np.array([f"{r.args[0]}-{x:09d}" for x in r.local.tolist()], dtype=object)


def _code3(r: _ValueRequest) -> Obj:
    return np.array(
        ["".join(chr(65 + (x // 26**j) % 26) for j in (2, 1, 0)) for x in r.local.tolist()],
        dtype=object,
    )


def _email(r: _ValueRequest) -> Obj:
    rng, m = r.rng, r.m
    first = VOCAB["first"][_skewed(rng, len(VOCAB["first"]), m)]
    last = VOCAB["last"][rng.integers(0, len(VOCAB["last"]), m)]
    num = _strs(rng.integers(1, 999, m).tolist())
    dom = np.array(["example.com", "mail.test", "corp.invalid", "post.example"], dtype=object)[
        rng.integers(0, 4, m)
    ]
    return np.char.lower((first + "." + last + num + "@" + dom).astype(str)).astype(object)


def _phone(r: _ValueRequest) -> Obj:
    return "+" + _strs(r.rng.integers(10**9, 10**11, r.m).tolist())


def _zip(r: _ValueRequest) -> Obj:
    return np.array([f"{x:05d}" for x in r.rng.integers(0, 100000, r.m).tolist()], dtype=object)


def _temporal(suffix: str | None) -> Callable[[_ValueRequest], Obj]:
    """Dates (suffix None), or date-times with "Z" or "" (local) after the time."""

    def make(r: _ValueRequest) -> Obj:
        lo, hi = _day_index(int(r.args[0])), _day_index(int(r.args[1]))
        days = _DAYS[r.rng.integers(lo, hi, r.m)]
        if suffix is None:
            return days
        times = _TIMES[r.rng.integers(0, len(_TIMES), r.m)]
        return days + "T" + times + suffix

    return make


def _word_lists(r: _ValueRequest) -> Obj:
    words, kmax = VOCAB[r.args[0]], int(r.args[1])
    lengths = r.rng.integers(1, kmax + 1, r.m).tolist()
    grid = words[_skewed(r.rng, len(words), r.m * kmax)].reshape(r.m, kmax)
    return np.array(
        [";".join(row[:k]) for row, k in zip(grid.tolist(), lengths, strict=True)], dtype=object
    )


def _int_lists(r: _ValueRequest) -> Obj:
    lo, hi, kmax = int(r.args[0]), int(r.args[1]), int(r.args[2])
    lengths = r.rng.integers(1, kmax + 1, r.m).tolist()
    grid = r.rng.integers(lo, hi + 1, (r.m, kmax)).tolist()
    return np.array(
        [";".join(map(str, row[:k])) for row, k in zip(grid, lengths, strict=True)],
        dtype=object,
    )


def _float_lists(r: _ValueRequest) -> Obj:
    kmax = int(r.args[0])
    grid = np.round(r.rng.random((r.m, kmax)) * 200, 1).tolist()
    return np.array([";".join(map(str, row)) for row in grid], dtype=object)


def _point(r: _ValueRequest) -> Obj:
    lat = np.round(r.rng.random(r.m) * 140 - 60, 4).tolist()
    lon = np.round(r.rng.random(r.m) * 340 - 170, 4).tolist()
    # Quoted: the map has a comma in it.
    return np.array(
        [f'"{{latitude:{a},longitude:{b}}}"' for a, b in zip(lat, lon, strict=True)],
        dtype=object,
    )


# Each value generator by the name a property's `gen` starts with ("int:1:10", "enum:a|b").
VALUE_GENERATORS: dict[str, Callable[[_ValueRequest], Obj]] = {
    "int": _ints,
    "float": _floats,
    "bool": _bools,
    "enum": _enum,
    "word": _word,
    "text": _text,
    "uid": _uid,
    "seq": _seq,
    "code3": _code3,
    "email": _email,
    "phone": _phone,
    "zip": _zip,
    "date": _temporal(None),
    "datetime": _temporal("Z"),
    "ldatetime": _temporal(""),
    "words": _word_lists,
    "ints": _int_lists,
    "floats": _float_lists,
    "point": _point,
}


def make_values(
    gen: str, rng: np.random.Generator, ids: np.ndarray[Any, Any], local: np.ndarray[Any, Any]
) -> Obj:
    """CSV field texts for one property on the given entities (global ids, kind-local index)."""
    kind, _, arg = gen.partition(":")
    make = VALUE_GENERATORS.get(kind)
    if make is None:
        raise ValueError(f"unknown value generator {gen!r}")
    return make(_ValueRequest(rng, ids, local, arg, arg.split(":") if arg else []))


# --------------------------------------------------------------------------- property columns


@dataclass
class Columns:
    """Property columns of one chunk: field texts ('' = absent) and each entity's variant key."""

    fields: list[Obj]
    variant_key: np.ndarray[Any, Any]  # int per entity: mixed-radix of its variant choices
    # (prop index, variant index) -> boolean mask of entities holding that variant
    holders: dict[tuple[int, int], np.ndarray[Any, Any]]


def build_columns(
    props: tuple[Prop, ...],
    rng: np.random.Generator,
    ids: np.ndarray[Any, Any],
    local: np.ndarray[Any, Any],
) -> Columns:
    n = len(ids)
    fields: list[Obj] = []
    key = np.zeros(n, dtype=np.int64)
    radix = 1
    holders: dict[tuple[int, int], np.ndarray[Any, Any]] = {}
    for pi, prop in enumerate(props):
        present = np.ones(n, dtype=bool) if prop.fill >= 1.0 else rng.random(n) < prop.fill
        col = np.full(n, "", dtype=object)
        if prop.mixed:
            shares = np.array([v.share for v in prop.variants])
            choice = rng.choice(len(prop.variants), size=n, p=shares / shares.sum())
            key += np.where(present, choice, 0) * radix
            radix *= len(prop.variants)
        else:
            choice = np.zeros(n, dtype=np.int64)
        for vi, variant in enumerate(prop.variants):
            mask = present & (choice == vi)
            holders[(pi, vi)] = mask
            if mask.any():
                col[mask] = make_values(variant.gen, rng, ids[mask], local[mask])
        fields.append(col)
    return Columns(fields, key, holders)


def header_for(props: tuple[Prop, ...], variant_key: int) -> list[str]:
    """CSV header cells for the properties, given one variant key."""
    out = []
    for prop in props:
        vi = 0
        if prop.mixed:
            vi = variant_key % len(prop.variants)
            variant_key //= len(prop.variants)
        out.append(f"{prop.name}:{prop.variants[vi].csv_type}")
    return out


def _write_csv(path: Path, header: list[str], columns: list[Obj]) -> None:
    rows = map(",".join, zip(*(c.tolist() for c in columns), strict=True))
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(",".join(header))
        f.write("\n")
        for row in rows:
            f.write(row)
            f.write("\n")


# --------------------------------------------------------------------------- sizes and pools


def kind_counts(total: int) -> list[int]:
    """Nodes per kind: shares of the total, clamped, remainder to the largest kind."""
    shares = sum(k.share for k in KINDS)
    counts = []
    for k in KINDS:
        c = max(k.min_count, int(total * k.share / shares))
        if k.max_count is not None:
            c = min(c, k.max_count)
        counts.append(c)
    counts[0] += total - sum(counts)
    if counts[0] < 1:
        raise ValueError(f"{total} nodes is too few for the graph's shape (min 10,000)")
    return counts


def _label_sets(kind: Kind) -> list[tuple[str, ...]]:
    """Label tuple per extra-label bit pattern of a kind."""
    out = []
    for bits in range(2 ** len(kind.extra_labels)):
        labels = [] if kind.label is None else [kind.label]
        labels += [name for j, (name, _) in enumerate(kind.extra_labels) if bits >> j & 1]
        out.append(tuple(labels))
    return out


def _pick(
    endpoint: Endpoint, pool: np.ndarray[Any, Any], count: int, rng: np.random.Generator
) -> np.ndarray[Any, Any]:
    n = len(pool)
    name, _, arg = endpoint.dist.partition(":")
    if name == "each":
        return np.resize(pool, count)
    if name == "pl":
        return pool[_skewed(rng, n, count, float(arg))]
    if name == "hub":
        share_s, hubs_s, a_s = arg.split(":")
        hubs = int(hubs_s)
        if n <= hubs:
            return pool[_skewed(rng, n, count, float(a_s))]
        out = pool[hubs + _skewed(rng, n - hubs, count, float(a_s))]
        is_hub = rng.random(count) < float(share_s)
        out[is_hub] = pool[_skewed(rng, hubs, int(is_hub.sum()), 2.0)]
        return out
    raise ValueError(f"unknown degree distribution {endpoint.dist!r}")


# --------------------------------------------------------------------------- the generator


def _rng(seed: int, *path: int) -> np.random.Generator:
    return np.random.default_rng([seed, *path])


@dataclass
class _Nodes:
    """What writing the node files fixed: each kind's id range, every label set, each
    node's label set (its combo) and the property holders per combo."""

    counts: list[int]
    bases: np.ndarray[Any, Any]
    label_sets: list[tuple[str, ...]]
    combo_base: list[int]  # per kind: the index of its first label set
    combo: np.ndarray[Any, Any]
    # (combo, property, cypher type) -> entities holding it
    prop_counts: dict[tuple[int, str, str], int]
    files: list[str]


@dataclass
class _Relationships:
    """What writing the relationship files counted, for the ground truth."""

    degree: np.ndarray[Any, Any]
    summaries: list[dict[str, Any]] = field(default_factory=list)
    patterns: dict[tuple[str | None, str, str | None], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    files: list[list[str]] = field(default_factory=list)
    total: int = 0


def generate(
    nodes: int, seed: int, out: Path, log: Callable[[str], None] = lambda _msg: None
) -> dict[str, Any]:
    """Write the CSVs, manifest, schema and ground truth into out; return the ground truth."""
    t0 = time.monotonic()
    (out / "nodes").mkdir(parents=True, exist_ok=True)
    (out / "rels").mkdir(parents=True, exist_ok=True)
    written = _write_nodes(
        nodes, seed, out, lambda msg: log(f"{msg} in {time.monotonic() - t0:.1f} s")
    )
    pools = _endpoint_pools(written, seed)
    rels = _write_relationships(
        written, pools, nodes, seed, out, lambda msg: log(f"{msg} in {time.monotonic() - t0:.1f} s")
    )
    truth = _ground_truth(
        nodes,
        seed,
        written.counts,
        written.label_sets,
        written.combo,
        written.prop_counts,
        rels.degree,
        rels.summaries,
        rels.patterns,
        rels.total,
    )
    _write_json(out / "manifest.json", {"nodes": written.files, "relationships": rels.files})
    (out / "schema.cypher").write_text("".join(s.cypher + ";\n" for s in SCHEMA), encoding="utf-8")
    _write_json(out / "ground_truth.json", truth)
    log(f"generated {nodes:,} nodes, {rels.total:,} relationships in {time.monotonic() - t0:.1f} s")
    return truth


def _write_nodes(nodes: int, seed: int, out: Path, log: Callable[[str], None]) -> _Nodes:
    """The node CSVs, kind by kind in chunks; `log` gets one line per kind."""
    counts = kind_counts(nodes)
    written = _Nodes(
        counts=counts,
        bases=np.concatenate([[0], np.cumsum(counts)]).astype(np.int64),
        label_sets=[],
        combo_base=[],
        combo=np.zeros(nodes, dtype=np.int32),
        prop_counts=defaultdict(int),
        files=[],
    )
    for kind in KINDS:
        written.combo_base.append(len(written.label_sets))
        written.label_sets.extend(_label_sets(kind))
    for ki, kind in enumerate(KINDS):
        n_kind = counts[ki]
        label_table = np.array([";".join(s) for s in _label_sets(kind)], dtype=object)
        for ci, lo in enumerate(range(0, n_kind, NODE_CHUNK)):
            hi = min(n_kind, lo + NODE_CHUNK)
            _write_node_chunk(
                written, ki, ci, np.arange(lo, hi, dtype=np.int64), label_table, seed, out
            )
        log(f"nodes {kind.label or '(unlabeled)'}: {n_kind:,}")
    return written


def _write_node_chunk(
    written: _Nodes,
    ki: int,
    ci: int,
    local: np.ndarray[Any, Any],
    label_table: np.ndarray[Any, Any],
    seed: int,
    out: Path,
) -> None:
    kind = KINDS[ki]
    rng = _rng(seed, 1, ki, ci)
    ids = written.bases[ki] + local
    bits = np.zeros(len(ids), dtype=np.int64)
    for j, (_, prob) in enumerate(kind.extra_labels):
        bits |= (rng.random(len(ids)) < prob).astype(np.int64) << j
    written.combo[ids] = written.combo_base[ki] + bits
    cols = build_columns(kind.props, rng, ids, local)
    n_combos = 2 ** len(kind.extra_labels)
    for (pi, vi), mask in cols.holders.items():
        prop = kind.props[pi]
        per_bits = np.bincount(bits[mask], minlength=n_combos)
        for b in np.nonzero(per_bits)[0].tolist():
            key = (written.combo_base[ki] + b, prop.name, CYPHER_TYPE[prop.variants[vi].csv_type])
            written.prop_counts[key] += int(per_bits[b])
    for vkey in np.unique(cols.variant_key).tolist():
        rows = cols.variant_key == vkey
        stem = kind.label or "_unlabeled"
        path = out / "nodes" / f"{stem}.c{ci:04d}.v{vkey}.csv"
        header = [":ID"] + ([":LABEL"] if kind.label else []) + header_for(kind.props, vkey)
        columns = [_strs(ids[rows].tolist())]
        if kind.label:
            columns.append(label_table[bits[rows]])
        columns += [c[rows] for c in cols.fields]
        _write_csv(path, header, columns)
        written.files.append(str(path.relative_to(out)))


def _endpoint_pools(written: _Nodes, seed: int) -> dict[str, np.ndarray[Any, Any]]:
    """Pools of possible relationship endpoints: each kind's nodes less its designated
    orphans, in a seeded random order (so the power law's heads are random nodes, not the
    first ids); one more per extra label, of the nodes that hold it."""
    pools: dict[str, np.ndarray[Any, Any]] = {}
    for ki, kind in enumerate(KINDS):
        rng = _rng(seed, 2, ki)
        ids = np.arange(written.bases[ki], written.bases[ki + 1], dtype=np.int64)
        keep = (
            np.zeros(len(ids), dtype=bool)
            if kind.all_orphans
            else (rng.random(len(ids)) >= kind.orphan_share)
        )
        eligible = rng.permutation(ids[keep])
        name = kind.label or UNLABELED_POOL
        pools[name] = eligible
        for j, (extra, _) in enumerate(kind.extra_labels):
            has = ((written.combo[eligible] - written.combo_base[ki]) >> j & 1).astype(bool)
            pools[f"{name}+{extra}"] = eligible[has]
    return pools


def _write_relationships(
    written: _Nodes,
    pools: dict[str, np.ndarray[Any, Any]],
    nodes: int,
    seed: int,
    out: Path,
    log: Callable[[str], None],
) -> _Relationships:
    """The relationship CSVs, type by type in chunks, with the degrees and patterns."""
    rels = _Relationships(degree=np.zeros(nodes, dtype=np.int64))
    n_combos_all = len(written.label_sets)
    for ti, rel in enumerate(REL_TYPES):
        starts, ends = _rel_endpoints(rel, ti, pools, seed)
        rels.degree += np.bincount(starts, minlength=nodes)
        rels.degree += np.bincount(ends, minlength=nodes)
        pairs = np.bincount(
            written.combo[starts].astype(np.int64) * n_combos_all + written.combo[ends],
            minlength=n_combos_all**2,
        )
        for pair in np.nonzero(pairs)[0].tolist():
            s_labels = written.label_sets[pair // n_combos_all] or (None,)
            e_labels = written.label_sets[pair % n_combos_all] or (None,)
            for a in s_labels:
                for b in e_labels:
                    rels.patterns[(a, rel.name, b)] += int(pairs[pair])
        prop_counts: dict[tuple[str, str], int] = defaultdict(int)
        for ci, lo in enumerate(range(0, len(starts), REL_CHUNK)):
            hi = min(len(starts), lo + REL_CHUNK)
            rng = _rng(seed, 4, ti, ci)
            local = np.arange(lo, hi, dtype=np.int64)
            cols = build_columns(rel.props, rng, local, local)
            for (pi, vi), mask in cols.holders.items():
                prop = rel.props[pi]
                prop_counts[(prop.name, CYPHER_TYPE[prop.variants[vi].csv_type])] += int(mask.sum())
            for vkey in np.unique(cols.variant_key).tolist():
                rows = cols.variant_key == vkey
                path = out / "rels" / f"{rel.name}.c{ci:04d}.v{vkey}.csv"
                header = [":START_ID", ":END_ID", *header_for(rel.props, vkey)]
                columns = [_strs(starts[lo:hi][rows].tolist()), _strs(ends[lo:hi][rows].tolist())]
                columns += [c[rows] for c in cols.fields]
                _write_csv(path, header, columns)
                rels.files.append([rel.name, str(path.relative_to(out))])
        rels.total += len(starts)
        rels.summaries.append(
            {
                "name": rel.name,
                "count": len(starts),
                "properties": _props_json({k: v for k, v in prop_counts.items() if v}, len(starts)),
            }
        )
        log(f"rels {rel.name}: {len(starts):,}")
    return rels


def _rel_endpoints(
    rel: RelType, ti: int, pools: dict[str, np.ndarray[Any, Any]], seed: int
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    starts_parts, ends_parts = [], []
    for si, segment in enumerate(rel.segments):
        start_pool, end_pool = pools[segment.start.pool], pools[segment.end.pool]
        count = round(len(pools[segment.per]) * segment.factor)
        if count == 0 or len(start_pool) == 0 or len(end_pool) == 0:
            continue
        rng = _rng(seed, 3, ti, si)
        s = _pick(segment.start, start_pool, count, rng)
        e = _pick(segment.end, end_pool, count, rng)
        keep = s != e  # no self-loops: degree then means the same thing everywhere
        starts_parts.append(s[keep])
        ends_parts.append(e[keep])
    if not starts_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(starts_parts), np.concatenate(ends_parts)


def _props_json(counts: dict[tuple[str, str], int], owners: int) -> list[dict[str, Any]]:
    """[{name, types, count, fill_rate}] from (property, type) -> holders."""
    by_name: dict[str, dict[str, int]] = defaultdict(dict)
    for (name, cypher_type), c in counts.items():
        by_name[name][cypher_type] = by_name[name].get(cypher_type, 0) + c
    out = []
    for name in sorted(by_name):
        holders = sum(by_name[name].values())
        out.append(
            {
                "name": name,
                "types": sorted(by_name[name]),
                "type_counts": dict(sorted(by_name[name].items())),
                "count": holders,
                "fill_rate": round(holders / owners, 6) if owners else 0.0,
            }
        )
    return out


def _ground_truth(
    nodes: int,
    seed: int,
    counts: list[int],
    label_sets: list[tuple[str, ...]],
    combo: np.ndarray[Any, Any],
    node_prop_counts: dict[tuple[int, str, str], int],
    degree: np.ndarray[Any, Any],
    rel_summaries: list[dict[str, Any]],
    pattern_counts: dict[tuple[str | None, str, str | None], int],
    rel_total: int,
) -> dict[str, Any]:
    combo_sizes = np.bincount(combo, minlength=len(label_sets)).tolist()
    label_count: dict[str, int] = defaultdict(int)
    label_props: dict[str, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    unlabeled_props: dict[tuple[str, str], int] = defaultdict(int)
    for ci, labels in enumerate(label_sets):
        for label in labels:
            label_count[label] += combo_sizes[ci]
    for (ci, name, cypher_type), c in node_prop_counts.items():
        if not label_sets[ci]:
            unlabeled_props[(name, cypher_type)] += c
        for label in label_sets[ci]:
            label_props[label][(name, cypher_type)] += c
    unlabeled = sum(combo_sizes[ci] for ci, s in enumerate(label_sets) if not s)
    top = np.argsort(-degree, kind="stable")[:5].tolist()
    orphans = int((degree == 0).sum())
    return {
        "generator": {"version": GENERATOR_VERSION, "seed": seed, "nodes_requested": nodes},
        "nodes": nodes,
        "relationships": rel_total,
        "labels": [
            {
                "name": label,
                "count": label_count[label],
                "properties": _props_json(label_props[label], label_count[label]),
            }
            for label in sorted(label_count)
        ],
        "label_combinations": [
            {"labels": sorted(s), "count": combo_sizes[ci]}
            for ci, s in enumerate(label_sets)
            if combo_sizes[ci]
        ],
        "unlabeled": {"count": unlabeled, "properties": _props_json(unlabeled_props, unlabeled)},
        "relationship_types": sorted(rel_summaries, key=lambda r: r["name"]),
        "patterns": [
            {"start": a, "type": t, "end": b, "count": c}
            for (a, t, b), c in sorted(
                pattern_counts.items(), key=lambda x: (x[0][1], x[0][0] or "", x[0][2] or "")
            )
        ],
        "property_keys": sorted(
            {name for (_, name, _) in node_prop_counts}
            | {p["name"] for r in rel_summaries for p in r["properties"]}
        ),
        "statistics": {
            "orphan_nodes": orphans,
            "unlabeled_nodes": unlabeled,
            "max_degree": int(degree.max()) if nodes else 0,
            "supernodes": [
                {"labels": sorted(label_sets[int(combo[i])]), "degree": int(degree[i])} for i in top
            ],
            "kinds": {(k.label or "(unlabeled)"): c for k, c in zip(KINDS, counts, strict=True)},
        },
        "indexes": [_schema_json(s) for s in SCHEMA if s.kind == "index"],
        "constraints": [_schema_json(s) for s in SCHEMA if s.kind == "constraint"],
    }


def _schema_json(item: Any) -> dict[str, Any]:
    return {
        "name": item.name,
        "type": item.type,
        "entity_type": item.entity_type,
        "labels_or_types": [item.label_or_type],
        "properties": list(item.properties),
        "cypher": item.cypher,
    }


def _write_json(path: Path, data: object) -> None:
    """Atomic: a temp file in the same folder, fsync, rename."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=False)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def default_dir(nodes: int, seed: int) -> Path:
    return Path(__file__).resolve().parent.parent / ".neo4j" / "bench" / f"n{nodes}-s{seed}"


def ensure_graph(
    nodes: int, seed: int, out: Path | None = None, log: Callable[[str], None] = lambda _msg: None
) -> Path:
    """Generate the graph once per (nodes, seed, version); reuse it afterwards."""
    out = out or default_dir(nodes, seed)
    truth_file = out / "ground_truth.json"
    if truth_file.exists():
        gen = json.loads(truth_file.read_text())["generator"]
        if gen == {"version": GENERATOR_VERSION, "seed": seed, "nodes_requested": nodes}:
            log(f"reusing the generated graph in {out}")
            return out
    # Generate beside the target and rename when complete, so a stopped run leaves no
    # half graph that looks finished.
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    generate(nodes, seed, tmp, log=log)
    shutil.rmtree(out, ignore_errors=True)
    os.replace(tmp, out)
    return out
