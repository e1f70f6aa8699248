"""An import records each customer's orders together: the same outcome as the file row by row."""

from __future__ import annotations

import gc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from stampbook.loyalty.errors import WrongCurrency
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.loyalty.rules import Rules
from stampbook.records.customers import Customer
from stampbook.services.loyalty import LoyaltyService
from stampbook.services.purchase_import import owners, record_orders
from stampbook.store.base import IdempotencyConflict, Store
from stampbook.store.sqlite import SqliteStore

from .conftest import T0

PEOPLE = ("anna", "boris", "vera")


def shop(store: Store, rules: Rules) -> LoyaltyService:
    store.add_customers([Customer(name, f"{name}@example.com", T0) for name in PEOPLE])
    return LoyaltyService(store, rules, clock=lambda: T0 + timedelta(days=400))


def the_file() -> list[tuple[str, Order]]:
    """A year of interleaved visits, each customer crossing a tier threshold on the way."""
    orders = []
    for n in range(36):
        who = PEOPLE[n % 3]
        lines = (
            OrderLine("1", "beans", Decimal(1500 + 700 * (n % 5))),
            OrderLine("2", "drinks", Decimal(250)),
        )
        orders.append((who, Order(f"o{n}", T0 + timedelta(days=10 * n), "RUB", lines)))
    return orders


def recorded_one_by_one(folder: Path, rules: Rules) -> LoyaltyService:
    """The file recorded row by row, each row an import of its own: what every
    import, however batched, must equal. (At the counter the same orders would
    be pending from the day they were recorded, not placed.)"""
    one_by_one = shop(SqliteStore(folder / "one.db"), rules)
    for who, order in the_file():
        (done,) = one_by_one.record_purchases([(who, order)])
        assert not isinstance(done, Exception), done
    return one_by_one


def test_an_import_decides_as_the_file_recorded_one_order_at_a_time(
    store: Store, tmp_path: Path, rules: Rules
) -> None:
    one_by_one = recorded_one_by_one(tmp_path, rules)
    imported = shop(store, rules)

    # Batches of 5 split customers' orders between batches, too.
    outcome = record_orders(imported, the_file(), batch=5)

    assert (outcome.recorded, outcome.replayed, outcome.refused) == (36, 0, [])
    for who in PEOPLE:
        assert imported.statement(who).as_json() == one_by_one.statement(who).as_json()
        assert imported.store.history(who).orders == one_by_one.store.history(who).orders
    assert {imported.statement(who).tier for who in PEOPLE} == {"regular"}  # all went up


def test_an_import_sent_again_changes_nothing_and_refusals_are_named(
    store: Store, rules: Rules
) -> None:
    loyalty = shop(store, rules)
    record_orders(loyalty, the_file(), batch=7)
    before = {who: loyalty.statement(who).as_json() for who in PEOPLE}
    taken = Order("o3", T0, "RUB", (OrderLine("1", "beans", Decimal(10)),))  # boris's id
    dollars = Order("o99", T0, "USD", (OrderLine("1", "beans", Decimal(10)),))

    again = record_orders(loyalty, [*the_file(), ("anna", taken), ("vera", dollars)], batch=7)

    assert (again.recorded, again.replayed) == (0, 36)
    assert [order_id for order_id, _ in again.refused] == ["o3", "o99"]
    assert isinstance(again.refused[0][1], IdempotencyConflict)
    assert isinstance(again.refused[1][1], WrongCurrency)
    assert {who: loyalty.statement(who).as_json() for who in PEOPLE} == before
    assert gc.isenabled()  # the collector is back on after the import


def test_orders_of_unknown_emails_are_listed_not_recorded(store: Store, rules: Rules) -> None:
    loyalty = shop(store, rules)
    order = Order("o1", T0, "RUB", (OrderLine("1", "beans", Decimal(100)),))

    owned, errors = owners(loyalty.store, [("anna@example.com", order), ("zoe@example.com", order)])

    assert owned == [("anna", order)]
    assert [str(error) for error in errors] == [
        "row 0, column email: zoe@example.com (order o1) is not a customer"
    ]
