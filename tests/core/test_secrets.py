"""SecretStore on the real OS keyring (gnome-keyring over D-Bus in CI) and on none."""

from __future__ import annotations

import uuid

import keyring
import pytest
from keyring.backends import fail

from neosense_desktop.core.secrets import SERVICE, SecretStore


@pytest.mark.keyring
async def test_real_keyring_stores_reads_and_deletes() -> None:
    store = SecretStore()
    assert store.available, f"no real keyring backend: {store.backend_name}"
    assert (
        "SecretService" in store.backend_name
        or "macOS" in store.backend_name
        or "Windows" in store.backend_name
    )
    pid = f"test-{uuid.uuid4()}"
    assert await store.aset_password(pid, "s3cret pässword") is True
    # Read back through keyring itself: it really is in the OS keyring, not in our memory.
    assert keyring.get_password(SERVICE, f"profile:{pid}") == "s3cret pässword"
    assert await store.aget_password(pid) == "s3cret pässword"
    await store.adelete_password(pid)
    assert keyring.get_password(SERVICE, f"profile:{pid}") is None
    assert await store.aget_password(pid) is None


async def test_without_keyring_passwords_stay_in_memory_only() -> None:
    store = SecretStore(backend=fail.Keyring())
    assert store.available is False
    assert await store.aset_password("p1", "pw-in-memory") is False
    assert await store.aget_password("p1") == "pw-in-memory"
    await store.adelete_password("p1")
    assert await store.aget_password("p1") is None
