"""Integration keys: only the holder of the exact key gets in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from stampbook.records.integrations import KeyRefused, issue_key, key_id_of, verify_key

NOW = datetime(2026, 11, 23, tzinfo=UTC)


def test_the_issued_key_verifies_against_its_record() -> None:
    record, token = issue_key("web shop", NOW)
    assert key_id_of(token) == record.key_id
    assert verify_key(token, record) == record


@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # one character of the secret
        lambda t: t.replace("sbk_", "sbx_"),
        lambda t: t.rsplit("_", 1)[0] + "_",  # no secret
        lambda t: "",
    ],
)
def test_a_tampered_or_malformed_key_is_refused(tamper: Callable[[str], str]) -> None:
    record, token = issue_key("web shop", NOW)
    with pytest.raises(KeyRefused):
        verify_key(tamper(token), record)


def test_a_revoked_or_unknown_key_is_refused() -> None:
    record, token = issue_key("web shop", NOW)
    with pytest.raises(KeyRefused):
        verify_key(token, replace(record, revoked_at=NOW))
    with pytest.raises(KeyRefused):
        verify_key(token, None)
    other, _ = issue_key("till", NOW)
    with pytest.raises(KeyRefused):
        verify_key(token, other)
