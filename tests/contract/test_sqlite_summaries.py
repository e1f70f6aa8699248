"""The per-customer summaries the SQLite store keeps by trigger for the owner's report
(`customer_orders`, `customer_points`): after any writes, moves and deletions, and after
migrating an older file, they equal what the rows they sum up say."""

from __future__ import annotations

import random
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stampbook.bootstrap import _schema_behind, open_report_reader
from stampbook.config import Settings
from stampbook.report.facts import Period
from stampbook.report.sqlite_reader import SqliteReport
from stampbook.store.sqlite import SqliteStore
from stampbook.store.sqlite.schema import MIGRATIONS

Summary = dict[str, tuple[object, ...]]

_INSERT_ORDER = (
    "INSERT INTO orders (customer_id, order_id, placed_at, currency, shipping, tax, lines,"
    " goods_units) VALUES (?, ?, ?, 'RUB', '0', '0', '[]', ?)"
)


def kept_orders(db: sqlite3.Connection) -> Summary:
    found: Summary = {}
    for customer_id, *figures, months in db.execute(
        "SELECT customer_id, orders, goods, unknown, first_at, first_id, first_goods,"
        " first_month_orders, last_at, months FROM customer_orders"
    ):
        listed = months.split(",")
        assert len(listed) == len(set(listed)), months  # each month once
        found[customer_id] = (*figures, frozenset(listed))
    return found


def orders_summed(db: sqlite3.Connection) -> Summary:
    """The same, worked out in Python from the orders themselves."""
    by_customer: defaultdict[str, list[tuple[str, str, int | None]]] = defaultdict(list)
    for customer_id, order_id, at, goods in db.execute(
        "SELECT customer_id, order_id, placed_at, goods_units FROM orders"
    ):
        by_customer[customer_id].append((at, order_id, goods))
    found: Summary = {}
    for customer_id, orders in by_customer.items():
        orders.sort()  # by time, then order id: the first order is the report's
        first_at, first_id, first_goods = orders[0]
        found[customer_id] = (
            len(orders),
            sum(goods or 0 for _, _, goods in orders),
            sum(goods is None for _, _, goods in orders),
            first_at,
            first_id,
            first_goods,
            sum(at[:7] == first_at[:7] for at, _, _ in orders),
            max(at for at, _, _ in orders),
            frozenset(at[:7] for at, _, _ in orders),
        )
    return found


_INSERT_ENTRY = (
    "INSERT INTO ledger (customer_id, idempotency_key, seq, kind, points, at, available_at,"
    " rules_version) VALUES (?, ?, 1, 'earn', ?, ?, ?, 'v1')"
)


def kept_points(db: sqlite3.Connection) -> Summary:
    return {
        customer_id: (points, last_at)
        for customer_id, points, last_at in db.execute("SELECT * FROM customer_points")
    }


def entries_summed(db: sqlite3.Connection) -> Summary:
    return {
        customer_id: (points, last_at)
        for customer_id, points, last_at in db.execute(
            "SELECT customer_id, SUM(points), MAX(at) FROM ledger GROUP BY customer_id"
        )
    }


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A new store's connection: its schema, triggers and all."""
    store = SqliteStore(tmp_path / "shop.db")
    yield store.connection()
    store.close()


def test_the_summary_follows_orders_written_out_of_order_moved_and_deleted(
    db: sqlite3.Connection,
) -> None:
    db.executemany(
        _INSERT_ORDER,
        [
            ("c1", "o5", "2026-02-10T10:00:00+00:00", 100),
            ("c1", "o4", "2026-01-20T10:00:00+00:00", 30),  # before the first: a new first
            ("c1", "o3", "2026-01-20T10:00:00+00:00", 7),  # the same moment, a lower id
            ("c1", "o6", "2026-01-25T10:00:00+00:00", None),  # its goods only in its lines
            ("c2", "o1", "2026-03-01T00:00:00+00:00", 50),
            ("c2", "o2", "2026-03-01T00:00:00+00:00", 60),  # the same moment, a higher id
        ],
    )
    first = kept_orders(db)
    assert first == orders_summed(db)
    assert first["c1"][3:7] == ("2026-01-20T10:00:00+00:00", "o3", 7, 3)
    assert first["c2"][3:6] == ("2026-03-01T00:00:00+00:00", "o1", 50)

    db.execute("DELETE FROM orders WHERE order_id = 'o3'")  # the first goes
    db.execute("UPDATE orders SET placed_at = '2026-04-02T08:00:00+00:00' WHERE order_id = 'o1'")
    db.execute("UPDATE orders SET goods_units = 20 WHERE order_id = 'o6'")
    db.execute("UPDATE orders SET customer_id = 'c3' WHERE order_id = 'o5'")
    assert kept_orders(db) == orders_summed(db)
    db.execute("DELETE FROM orders WHERE customer_id = 'c2'")  # no orders left: no row
    assert "c2" not in kept_orders(db)
    assert kept_orders(db) == orders_summed(db)


def test_the_summary_follows_many_random_writes(db: sqlite3.Connection) -> None:
    rng = random.Random(28)

    def moment() -> str:
        # Few distinct moments, so ties and shared months are common.
        return f"2026-{rng.randint(1, 4):02}-0{rng.randint(1, 3)}T10:00:00+00:00"

    for n in range(400):
        ids = [row[0] for row in db.execute("SELECT order_id FROM orders")]
        action = rng.random()
        if action < 0.6 or not ids:
            goods = None if rng.random() < 0.1 else rng.randint(1, 1000)
            db.execute(_INSERT_ORDER, (f"c{rng.randint(1, 8)}", f"o{n:03}", moment(), goods))
        elif action < 0.8:
            db.execute("DELETE FROM orders WHERE order_id = ?", (rng.choice(ids),))
        else:
            db.execute(
                "UPDATE orders SET placed_at = ?, customer_id = ? WHERE order_id = ?",
                (moment(), f"c{rng.randint(1, 8)}", rng.choice(ids)),
            )
    assert kept_orders(db) == orders_summed(db)


def test_the_balances_follow_entries_written_out_of_order_changed_and_deleted(
    db: sqlite3.Connection,
) -> None:
    db.executemany(
        _INSERT_ENTRY,
        [
            ("c1", "k1", 10, "2026-01-05T10:00:00+00:00", "2026-01-05"),
            ("c1", "k2", -4, "2026-01-03T10:00:00+00:00", "2026-01-03"),  # an earlier one
            ("c2", "k3", 6, "2026-01-06T12:00:00+00:00", "2026-01-06"),
        ],
    )
    assert kept_points(db) == entries_summed(db)
    assert kept_points(db)["c1"] == (6, "2026-01-05T10:00:00+00:00")
    db.execute(
        "UPDATE ledger SET points = 3, at = '2026-02-01T00:00:00+00:00' WHERE seq = 1"
        " AND idempotency_key = 'k2'"
    )
    db.execute("UPDATE ledger SET customer_id = 'c3' WHERE idempotency_key = 'k3'")
    db.execute("DELETE FROM ledger WHERE idempotency_key = 'k1'")
    db.execute("INSERT OR IGNORE INTO ledger SELECT * FROM ledger")  # nothing new: no change
    assert (
        kept_points(db)
        == entries_summed(db)
        == {
            "c1": (3, "2026-02-01T00:00:00+00:00"),
            "c3": (6, "2026-01-06T12:00:00+00:00"),
        }
    )


def older_file(path: Path) -> Path:
    """A customer file as the version before the summaries wrote it, with a few orders."""
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)")
    before = MIGRATIONS.index(next(m for m in MIGRATIONS if "customer_orders" in m))
    for version, script in enumerate(MIGRATIONS[:before], start=1):
        old.executescript(script)
        old.execute("INSERT INTO schema_migrations VALUES (?)", (version,))
    old.executemany(
        _INSERT_ORDER,
        [
            ("c1", "o2", "2025-12-31T23:00:00+00:00", 10),
            ("c1", "o1", "2025-12-31T23:00:00+00:00", 5),
            ("c1", "o3", "2026-01-01T00:00:00+00:00", None),
            ("c2", "o4", "2026-01-02T00:00:00+00:00", 8),
        ],
    )
    old.executemany(
        _INSERT_ENTRY,
        [
            ("c1", "k1", 10, "2026-01-05T10:00:00+00:00", "2026-01-05"),
            ("c1", "k2", -4, "2026-01-03T10:00:00+00:00", "2026-01-03"),
        ],
    )
    old.close()
    return path


def test_an_older_file_gets_its_summary_from_the_orders_it_holds(tmp_path: Path) -> None:
    path = older_file(tmp_path / "old.db")

    store = SqliteStore(path)
    db = store.connection()
    assert kept_points(db) == entries_summed(db) == {"c1": (6, "2026-01-05T10:00:00+00:00")}
    kept = kept_orders(db)
    assert kept == orders_summed(db)
    assert kept["c1"] == (
        3,
        15,
        1,
        "2025-12-31T23:00:00+00:00",
        "o1",
        5,
        2,
        "2026-01-01T00:00:00+00:00",
        frozenset({"2025-12", "2026-01"}),
    )
    # And the triggers keep it from then on.
    db.execute(_INSERT_ORDER, ("c2", "o5", "2026-01-01T00:00:00+00:00", 1))
    assert kept_orders(db) == orders_summed(db)
    store.close()


def test_the_report_brings_an_older_file_up_to_date_before_reading_it(tmp_path: Path) -> None:
    path = older_file(tmp_path / "old.db")
    settings = replace(Settings.from_env(), store="sqlite", database=path)
    reader = open_report_reader(settings)
    assert isinstance(reader, SqliteReport)
    try:
        facts = reader.facts(Period(None, datetime(2026, 2, 1, tzinfo=UTC)), "RUB", None)
    finally:
        reader.close()
    assert sorted(buyer.customer_id for buyer in facts.buyers) == ["c1", "c2"]


def test_the_report_opens_an_up_to_date_file_for_reading_only(tmp_path: Path) -> None:
    current = tmp_path / "current.db"
    SqliteStore(current).close()
    assert not _schema_behind(current)  # never opened for writing by the report
    assert _schema_behind(older_file(tmp_path / "old.db"))
    bare = tmp_path / "bare.db"
    sqlite3.connect(bare).close()
    assert _schema_behind(bare)
