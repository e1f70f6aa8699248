"""The SQLite store keeps each customer's tier-spend tally beside their orders, and a
purchase decided on it gives the answer the full history gives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from stampbook.loyalty.history import History
from stampbook.loyalty.orders import Order, OrderLine, Refund
from stampbook.loyalty.purchases import record_refund
from stampbook.loyalty.rules import Rules
from stampbook.loyalty.tier_spend import TierSpend, count_tier_spend
from stampbook.loyalty.tiers import spend_in_window
from stampbook.services.loyalty import LoyaltyService
from stampbook.store.base import Change, Committed, Reads, Request
from stampbook.store.sqlite import SqliteStore
from stampbook.store.sqlite_schema import MIGRATIONS

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
    return store._histories(store._db(), ["c1"], Reads.TIER_SPEND)["c1"].tier_spend


def assert_tally_matches_the_orders(store: SqliteStore, rules: Rules, now: datetime) -> None:
    kept = tally(store)
    assert kept is not None
    full = store.history("c1")
    assert kept.in_window(rules, now) == spend_in_window(rules, full, now)


def test_an_existing_database_gets_its_tallies_at_the_next_purchase(
    tmp_path: Path, rules: Rules
) -> None:
    path = tmp_path / "shop.db"
    loyalty, store, clock = shop(path, rules)
    for n in range(3):
        clock.now = T0 + timedelta(days=30 * n)
        loyalty.record_purchase("c1", beans(f"o{n}", clock.now, 4000))
    # As the database was before the tally: no table, the migration not yet run.
    version = next(n for n, sql in enumerate(MIGRATIONS, 1) if "CREATE TABLE tier_spend" in sql)
    store._db().execute("DROP TABLE tier_spend")
    store._db().execute("DELETE FROM schema_migrations WHERE version=?", (version,))
    store.close()

    loyalty, store, clock = shop(path, rules)
    assert tally(store) is None  # migrated: the table is back, still empty
    clock.now = T0 + timedelta(days=100)
    answer = loyalty.record_purchase("c1", beans("o3", clock.now, 4000))

    assert answer["tier"] == "regular"  # 16 000 in the window: counted from every order
    assert_tally_matches_the_orders(store, rules, clock.now)
    assert tally(store) == count_tier_spend(rules, store.history("c1"), clock.now)


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

    assert answer["tier"] == "guest"  # 14 000 net, not the 19 000 bought
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
