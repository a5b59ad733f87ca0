"""Connection settings: a validated description of how to reach one Neo4j database.

Carries no password: passwords live only in the OS keyring (see secrets.py) or in memory.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
PLAIN_SCHEMES = ("neo4j", "bolt")


class ConnectionSettings(BaseModel):
    """Where and how to connect.

    TLS: the +s schemes verify the server certificate against the system CAs, the +ssc
    schemes accept a self-signed one. With a plain scheme, `encrypted` and `trust` give
    the same choices explicitly (the driver refuses both at once).
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    uri: str = Field(
        description="neo4j://, neo4j+s://, neo4j+ssc://, bolt://, bolt+s:// or "
        "bolt+ssc:// followed by host[:port]"
    )
    user: str = Field(min_length=1, max_length=256, description="Neo4j user name")
    database: str = Field(
        default="", max_length=256, description="Database name; empty means the server's default"
    )
    connection_timeout_s: float = Field(default=10.0, gt=0, le=600)
    encrypted: bool = Field(default=False, description="Only with a plain neo4j:// or bolt://")
    trust: Literal["system", "all", "custom"] = Field(
        default="system", description="Certificates to trust when encrypted is set"
    )
    ca_cert_paths: list[str] = Field(
        default_factory=list, description="CA files, for trust='custom'"
    )

    @field_validator("uri")
    @classmethod
    def _check_uri(cls, value: str) -> str:
        return validate_uri(value)

    @field_validator("database")
    @classmethod
    def _check_database(cls, value: str) -> str:
        if any(c.isspace() for c in value) or "`" in value:
            raise ValueError("a database name cannot contain spaces or backticks")
        return value

    @model_validator(mode="after")
    def _check_tls(self) -> ConnectionSettings:
        scheme = self.uri.split("://", 1)[0]
        if scheme not in PLAIN_SCHEMES and (
            self.encrypted or self.trust != "system" or self.ca_cert_paths
        ):
            raise ValueError(
                f"the {scheme}:// scheme already sets TLS; use a plain "
                "neo4j:// or bolt:// URI to choose TLS options yourself"
            )
        if self.trust == "custom" and not self.ca_cert_paths:
            raise ValueError("trust='custom' needs at least one CA certificate file")
        return self

    @property
    def address(self) -> str:
        """host:port, never credentials."""
        parts = urlsplit(self.uri)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        return f"{host}:{parts.port or 7687}"

    @property
    def safe_uri(self) -> str:
        return redact_uri(self.uri)


def validate_uri(value: str) -> str:
    """Return a normalised URI or raise ValueError with a message naming what is wrong."""
    value = value.strip()
    if "://" not in value:
        raise ValueError("the URI needs a scheme, e.g. neo4j://localhost:7687")
    scheme = value.split("://", 1)[0].lower()
    if scheme not in SCHEMES:
        raise ValueError(f"unsupported scheme '{scheme}'; use one of: " + ", ".join(SCHEMES))
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"the URI is malformed: {exc}") from None
    if not parts.hostname:
        raise ValueError("the URI has no host, e.g. neo4j://localhost:7687")
    if parts.username or parts.password:
        raise ValueError("put the user in the User field, not in the URI")
    if parts.path not in ("", "/"):
        raise ValueError("the URI must not have a path; put the database in its own field")
    if port == 0:
        raise ValueError("port 0 is not valid")
    return urlunsplit((scheme, parts.netloc, "", parts.query, ""))


def redact_uri(uri: str) -> str:
    """The URI without any user:password part, safe for logs, errors and reports."""
    try:
        parts = urlsplit(uri)
        netloc = parts.netloc.rsplit("@", 1)[-1]
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        return "<unparseable URI>"
