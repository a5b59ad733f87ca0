"""Fuzzing profile fields and run options: valid input round-trips through real files,
invalid input names its field; nothing already saved is lost."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from neosense_desktop.core.connection import ConnectionSettings
from neosense_desktop.core.extraction import RunOptions
from neosense_desktop.core.profiles import Profile, ProfileStore

CONN = ConnectionSettings(uri="bolt://localhost:7687", user="neo4j")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(max_size=60), user=st.text(max_size=30), database=st.text(max_size=20))
def test_profile_fields_round_trip_or_name_the_field(name: str, user: str, database: str) -> None:
    try:
        conn = ConnectionSettings(uri="neo4j://db.example:7687", user=user, database=database)
        profile = Profile(name=name, connection=conn)
    except ValidationError as exc:
        locs = {str(e["loc"][0]) for e in exc.errors()}
        assert locs <= {"name", "user", "database", "connection"}, exc
        return
    with tempfile.TemporaryDirectory() as tmp:
        store = ProfileStore(Path(tmp) / "profiles.json")
        keep = Profile(name="keep me", connection=CONN)
        store.add(keep)
        store.add(profile)
        loaded = {p.id: p for p in ProfileStore(Path(tmp) / "profiles.json").load()}
    assert loaded[keep.id].name == "keep me"
    assert loaded[profile.id].name == profile.name
    assert loaded[profile.id].connection == profile.connection


@settings(max_examples=400)
@given(
    sample=st.one_of(
        st.integers(-(10**12), 10**12), st.floats(allow_nan=True), st.text(max_size=8), st.none()
    ),
    mode=st.one_of(st.sampled_from(["exact", "sampled", "auto"]), st.text(max_size=8)),
    timeout=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-5, 10**6)),
)
def test_run_options_validate_or_name_the_field(sample: object, mode: str, timeout: float) -> None:
    try:
        opts = RunOptions.model_validate(
            {"sample_size": sample, "mode": mode, "query_timeout_s": timeout}
        )
    except ValidationError as exc:
        assert {str(e["loc"][0]) for e in exc.errors()} <= {
            "sample_size",
            "mode",
            "query_timeout_s",
        }
        return
    assert opts.sample_size >= 1
    assert opts.mode in ("exact", "sampled", "auto")
    assert opts.query_timeout_s > 0 and math.isfinite(opts.query_timeout_s)
