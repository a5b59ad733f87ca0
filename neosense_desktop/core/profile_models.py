"""The profile models (pydantic): profiles.py re-exports them and loads them on first use,
so that the window paints before pydantic is imported (issue 16)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .connection import ConnectionSettings

FILE_FORMAT = 1


def _now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return uuid.uuid4().hex


class Profile(BaseModel):
    """One saved connection: a name, the connection settings, and bookkeeping.

    Attributes:
        id: stable key, also the keyring account for the password.
        name: what the user calls it; unique names are encouraged, not required.
        transient: True for the profile built from environment variables; never saved.
    """

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(default_factory=_new_id, min_length=1, max_length=128)
    name: str = Field(min_length=1, max_length=200)
    connection: ConnectionSettings
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now)
    transient: bool = Field(default=False, exclude=True)

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the name cannot be empty")
        return value

    def touched(self, **changes: Any) -> Profile:
        """A copy with changes applied, validated, and updated_at set to now."""
        data = self.model_dump()
        data.update(changes)
        data["updated_at"] = _now()
        data["transient"] = changes.get("transient", self.transient)
        return Profile.model_validate(data)


class _ProfilesFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: int = FILE_FORMAT
    profiles: list[Profile] = Field(default_factory=list)
