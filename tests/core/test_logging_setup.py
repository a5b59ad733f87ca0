"""Log redaction and the rotating log file, on real files."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from neosense_desktop.core.logging_setup import (
    MASK,
    RedactingFormatter,
    SecretRedactor,
    configure_logging,
)


def test_redactor_masks_registered_secrets_and_password_shapes() -> None:
    r = SecretRedactor()
    r.register("hunter2-secret")
    r.register("ab")  # too short to mask safely: ignored
    text = r.redact(
        "auth failed for hunter2-secret; uri bolt://neo4j:pw123@host:7687 password=xyz "
        '{"password": "abc"} ab stays'
    )
    assert "hunter2-secret" not in text and "pw123" not in text
    assert "xyz" not in text and '"abc"' not in text
    assert text.count(MASK) == 4 and "ab stays" in text


def test_log_file_never_holds_a_registered_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from neosense_desktop.core import logging_setup

    monkeypatch.setenv("NEOSENSE_LOG_DIR", str(tmp_path / "logs"))
    handler = configure_logging(logging.DEBUG)
    assert handler is not None
    try:
        logging_setup.REDACTOR.register("Sup3r-Secret-PW")
        log = logging.getLogger("neosense_desktop.test")
        log.error("login with %s failed", "Sup3r-Secret-PW")
        try:
            raise RuntimeError("driver said: Sup3r-Secret-PW rejected")
        except RuntimeError:
            log.exception("boom")
        handler.flush()
        text = (tmp_path / "logs" / "neosense.log").read_text()
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert "login with" in text and "driver said" in text
    assert "Sup3r-Secret-PW" not in text


def test_formatter_redacts_the_whole_record() -> None:
    r = SecretRedactor()
    r.register("topsecret")
    fmt = RedactingFormatter("%(message)s", redactor=r)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "pw %s", ("topsecret",), None)
    assert fmt.format(record) == f"pw {MASK}"
