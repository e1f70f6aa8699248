"""Rate limits slide, and name callers by an HMAC nobody without the keys can test."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stampbook.mail.tokens import Keyring, SigningKey
from stampbook.services.limits import Limited, Rate, count, once_per
from stampbook.store.sqlite import SqliteStore

MINUTE = Rate("test", limit=3, window=60)
START = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)  # on a window's edge
KEY = Keyring([SigningKey("k1", b"s" * 32)]).limits_key()


@pytest.fixture
def store(tmp_path: Path) -> SqliteStore:
    return SqliteStore(tmp_path / "stampbook.db")


def test_a_burst_across_a_windows_edge_is_held_to_the_limit(store: SqliteStore) -> None:
    # Three at the end of one minute: fixed windows would let three more in
    # a second later, six in two seconds.
    for second in (57, 58, 59):
        count(store, MINUTE, "1.2.3.4", START + timedelta(seconds=second), KEY)
    with pytest.raises(Limited) as limited:
        count(store, MINUTE, "1.2.3.4", START + timedelta(seconds=61), KEY)
    assert limited.value.retry_after == 59
    # As the last minute slides out of view, room comes back.
    count(store, MINUTE, "1.2.3.4", START + timedelta(seconds=110), KEY)


def test_steady_asking_well_within_the_rate_is_never_refused(store: SqliteStore) -> None:
    # The estimate takes the last window's requests as spread evenly: it errs
    # on the strict side near the limit, never far below it.
    for n in range(30):
        count(store, MINUTE, "1.2.3.4", START + timedelta(seconds=30 * n + 7), KEY)


def test_the_limits_table_names_nobody_in_clear_nor_by_a_plain_hash(
    store: SqliteStore, tmp_path: Path
) -> None:
    address = "anna@example.com"
    count(store, MINUTE, address, START, KEY)
    assert once_per(store, "confirmation-mail", address, 3600, START, KEY)
    with sqlite3.connect(tmp_path / "stampbook.db") as db:
        keys = " ".join(key for (key,) in db.execute("SELECT key FROM limits"))
    plain = hashlib.sha256(f"stampbook-limit:{address}".encode()).hexdigest()[:32]
    assert address not in keys
    assert plain not in keys
    # Another installation's keys name the same address otherwise.
    other = Keyring([SigningKey("k1", b"t" * 32)]).limits_key()
    assert once_per(store, "confirmation-mail", address, 3600, START, other)
