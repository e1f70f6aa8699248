"""The SQLite store keeps each customer's tier-spend tally beside their orders, and a
purchase decided on it gives the answer the full history gives."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from stampbook.loyalty.history import History
from stampbook.loyalty.orders import Order, OrderLine, Refund
from stampbook.loyalty.purchases import record_refund
from stampbook.loyalty.rules import Rules
from stampbook.loyalty.tier_spend import TierSpend, count_tier_spend
from stampbook.loyalty.tiers import spend_in_window
from stampbook.services.fingerprint import order_fingerprint
from stampbook.services.loyalty import LoyaltyService
from stampbook.store.base import Change, Committed, IdempotencyConflict, Reads, Request
from stampbook.store.sqlite import SqliteStore
from stampbook.store.sqlite.schema import MIGRATIONS

from .conftest import T0, customer


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def shop(path: Path, rules: Rules) -> tuple[LoyaltyService, SqliteStore, Clock]:
    store = SqliteStore(path)
    if store.customer("c1") is None:
        store.add_customer(customer())
    clock = Clock()
    return LoyaltyService(store, rules, clock), store, clock


def beans(order_id: str, at: datetime, amount: int) -> Order:
    return Order(order_id, at, "RUB", (OrderLine("1", "beans", Decimal(amount)),))


def tally(store: SqliteStore) -> TierSpend | None:
    """The tally as a purchase reads it."""
    return store._histories(store.connection(), ["c1"], Reads.TIER_SPEND)["c1"].tier_spend


def first_answer(order: Order) -> dict[str, object]:
    """A purchase's answer as an earlier version kept it with its request."""
    return {
        "order_id": order.order_id,
        "points": 400,
        "available_at": (order.placed_at + timedelta(days=14)).isoformat(),
        "tier": None,
        "free_shipping": False,
    }


def assert_tally_matches_the_orders(store: SqliteStore, rules: Rules, now: datetime) -> None:
    kept = tally(store)
    assert kept is not None
    full = store.history("c1")
    assert kept.in_window(rules, now) == spend_in_window(rules, full, now)


def test_an_existing_database_migrates_its_purchase_records_and_counts_its_tallies(
    tmp_path: Path, rules: Rules
) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)")
    mine = next(n for n, sql in enumerate(MIGRATIONS) if "CREATE TABLE tier_spend" in sql)
    for version, script in enumerate(MIGRATIONS[:mine], start=1):
        old.executescript(script)
        old.execute("INSERT INTO schema_migrations VALUES (?)", (version,))
    old.execute(
        "INSERT INTO customers (customer_id, email, created_at) VALUES ('c1', 'a@example.com', ?)",
        (T0.isoformat(),),
    )
    orders = [beans(f"o{n}", T0 + timedelta(days=30 * n), 4000) for n in range(3)]
    for order in orders:
        old.execute(
            "INSERT INTO orders (customer_id, order_id, placed_at, currency, shipping, tax, lines)"
            " VALUES ('c1', ?, ?, 'RUB', '0', '0', '[[\"1\", \"beans\", \"4000\"]]')",
            (order.order_id, order.placed_at.isoformat()),
        )
        old.execute(
            "INSERT INTO requests (key, fingerprint, result, at) VALUES (?, ?, ?, ?)",
            (
                f"purchase:{order.order_id}",
                order_fingerprint("c1", order),  # as first written: in full
                json.dumps(first_answer(order)),
                T0.isoformat(),
            ),
        )
    old.close()

    loyalty, store, clock = shop(path, rules)
    assert store.connection().execute("SELECT COUNT(*) FROM requests").fetchone()[0] == 0
    assert tally(store) is None  # counted at the next purchase: it needs the rules and time
    again = loyalty.record_purchase("c1", orders[1])
    assert again.as_json() == first_answer(orders[1])  # the first answer, from the order
    with pytest.raises(IdempotencyConflict):
        loyalty.record_purchase("c1", beans("o1", orders[1].placed_at, 5000))
    clock.now = T0 + timedelta(days=100)
    answer = loyalty.record_purchase("c1", beans("o3", clock.now, 4000))

    assert answer.tier == "regular"  # 16 000 in the window: counted from every order
    assert_tally_matches_the_orders(store, rules, clock.now)
    assert tally(store) == count_tier_spend(rules, store.history("c1"), clock.now)
    again = loyalty.record_purchase("c1", beans("o3", clock.now, 4000))
    assert again.as_json() == answer.as_json()


def test_a_refund_voids_the_tally_and_the_next_purchase_counts_net_spend(
    tmp_path: Path, rules: Rules
) -> None:
    loyalty, store, clock = shop(tmp_path / "shop.db", rules)
    loyalty.record_purchase("c1", beans("o1", T0, 10_000))
    assert tally(store) is not None
    clock.now = T0 + timedelta(days=1)
    loyalty.record_refund("c1", Refund("r1", "o1", clock.now, {"1": Decimal(5000)}))
    assert tally(store) is None

    clock.now = T0 + timedelta(days=2)
    answer = loyalty.record_purchase("c1", beans("o2", clock.now, 9000))

    assert answer.tier == "guest"  # 14 000 net, not the 19 000 bought
    assert_tally_matches_the_orders(store, rules, clock.now)


def test_a_batch_with_a_refund_between_purchases_decides_as_the_full_history(
    tmp_path: Path, rules: Rules
) -> None:
    loyalty, store, clock = shop(tmp_path / "shop.db", rules)
    loyalty.record_purchase("c1", beans("o1", T0, 10_000))
    clock.now = now = T0 + timedelta(days=1)
    refund = Refund("r1", "o1", now, {"1": Decimal(6000)})

    def refunding(history: History) -> Change:
        entries = record_refund(rules, history, refund, now)
        return Change({}, tuple(("c1", entry) for entry in entries), refund=refund)

    items: list[tuple[str, Request, Callable[[History], Change]]] = [
        loyalty._purchase("c1", beans("o2", now, 1000), now),
        ("c1", Request("refund:r1", "r1"), refunding),
        loyalty._purchase("c1", beans("o3", now, 5000), now),
        loyalty._purchase("c1", beans("o4", now, 4000), now),
    ]
    outcomes = store.commit_batch(items)

    assert all(isinstance(outcome, Committed) for outcome in outcomes)
    tiers = [outcome.result.get("tier") for outcome in outcomes if isinstance(outcome, Committed)]
    # 11 000, refunded to 5 000, then 10 000 and 14 000: never a regular's 15 000.
    assert tiers == ["guest", None, "guest", "guest"]
    assert_tally_matches_the_orders(store, rules, now)
    assert tally(store) == count_tier_spend(rules, store.history("c1"), now)
