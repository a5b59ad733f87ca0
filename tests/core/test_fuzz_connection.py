"""Fuzzing connection input: anything a user can type gets a clear, field-named error."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from neosense_desktop.core.connection import SCHEMES, ConnectionSettings, redact_uri

FIELDS = {"uri", "user", "database", "connection_timeout_s", "encrypted", "trust", "ca_cert_paths"}

uri_like = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda s, h, p: f"{s}://{h}{p}",
        st.sampled_from([*SCHEMES, "http", "BOLT", ""]),
        st.text(max_size=30),
        st.one_of(st.just(""), st.integers(-5, 70000).map(lambda n: f":{n}"), st.text(max_size=10)),
    ),
)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(
    uri=uri_like,
    user=st.text(max_size=20),
    database=st.text(max_size=20),
    timeout=st.one_of(st.floats(allow_nan=True), st.integers(-10, 1000)),
)
def test_any_input_validates_or_names_the_field(
    uri: str, user: str, database: str, timeout: float
) -> None:
    try:
        s = ConnectionSettings(uri=uri, user=user, database=database, connection_timeout_s=timeout)
    except ValidationError as exc:
        for err in exc.errors():
            assert err["loc"] and (err["loc"][0] in FIELDS or err["type"] == "value_error")
            assert err["msg"]
        return
    # Accepted settings are usable: a supported scheme, a host, an address, no credentials.
    assert s.uri.split("://", 1)[0] in SCHEMES
    assert s.address.rsplit(":", 1)[1].isdigit()
    assert "@" not in s.safe_uri
    assert ConnectionSettings.model_validate_json(s.model_dump_json()) == s


@settings(max_examples=300)
@given(
    user=st.text(min_size=1, max_size=15).filter(
        lambda x: ":" not in x and "@" not in x and "/" not in x
    ),
    password=st.text(min_size=1, max_size=15).filter(lambda x: "@" not in x and "/" not in x),
    host=st.from_regex(r"[a-z][a-z0-9.-]{0,20}", fullmatch=True),
)
def test_redaction_never_leaks_the_password(user: str, password: str, host: str) -> None:
    from urllib.parse import quote

    uri = f"bolt://{quote(user, safe='')}:{quote(password, safe='')}@{host}:7687"
    assert redact_uri(uri) == f"bolt://{host}:7687"
