"""Error wording details of translate_error (the real-server paths are in tests/integration)."""

from __future__ import annotations

from neosense_desktop.core.errors import ErrorCode
from neosense_desktop.core.graph_client import translate_error


class _ServerTimeout(Exception):
    """The shape translate_error reads from a driver error: a Neo4j status code."""

    code = "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"


def test_timeout_messages_keep_sub_second_limits() -> None:
    err = translate_error(_ServerTimeout("stopped"), {"query": "census.scan"}, timeout_s=0.5)
    assert err.code is ErrorCode.TIMEOUT
    assert "timeout of 0.5 s" in err.message
    err = translate_error(_ServerTimeout("stopped"), {"query": "q"}, timeout_s=60.0)
    assert "timeout of 60 s" in err.message
