"""Customers the nightly run found nothing due for are left alone by the next runs, on
every store, until their moment comes, the rules change, or anything is written to them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from stampbook.loyalty.history import History
from stampbook.loyalty.ledger import Entry, EntryKind
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.loyalty.rules import Rules
from stampbook.records.customers import CustomerRange
from stampbook.services.loyalty import LoyaltyService
from stampbook.store.base import Change, Quiet, Request, Store

from .conftest import T0, customer


def due(store: Store, key: str = "k", days: int = 0) -> dict[str, bool]:
    return dict(store.nightly_customers(T0 + timedelta(days=days), key))


def test_a_quiet_customer_is_left_alone_until_anything_is_written_to_them(store: Store) -> None:
    for n in (1, 2, 3):
        store.add_customer(customer(f"c{n}", f"c{n}@example.com"))
    assert due(store) == {"c1": True, "c2": True, "c3": True}
    quiet = Quiet(T0 + timedelta(days=10), "k")
    for n in (1, 2, 3):
        store.commit(f"c{n}", Request(f"daily:c{n}", "f"), lambda _: Change({}, quiet=quiet))
    assert due(store) == {"c1": False, "c2": False, "c3": False}
    assert due(store, days=10) == {"c1": True, "c2": True, "c3": True}  # their moment
    assert due(store, key="other rules") == {"c1": True, "c2": True, "c3": True}

    entry = Entry(EntryKind.ADJUST, 5, T0, T0, "adjust:1", "v1")
    store.commit("c1", Request("adjust:1", "f"), lambda _: Change({}, ((("c1", entry)),)))
    c2 = store.customer("c2")
    assert c2 is not None
    store.update_customer(replace(c2, birthday=date(1990, 5, 17)))
    assert due(store) == {"c1": True, "c2": True, "c3": False}
    assert [c for c, _ in store.nightly_customers(T0, "k", CustomerRange("c2"))] == ["c2", "c3"]
    assert [c for c, _ in store.nightly_customers(T0, "k", CustomerRange("c1", "c3"))] == [
        "c1",
        "c2",
    ]


def test_a_referrers_bonus_wakes_the_referrer(store: Store) -> None:
    store.add_customer(customer("c1", "c1@example.com"))
    store.add_customer(customer("c2", "c2@example.com"))
    quiet = Quiet(T0 + timedelta(days=10), "k")
    store.commit("c1", Request("daily:c1", "f"), lambda _: Change({}, quiet=quiet))
    bonus = Entry(EntryKind.REFERRAL, 300, T0, T0, "referral:c2:referrer", "v1")
    store.commit("c2", Request("daily:c2", "f"), lambda _: Change({}, (("c1", bonus),)))
    assert due(store)["c1"]


def test_the_nightly_run_keeps_quiet_only_those_with_nothing_due(
    store: Store, rules: Rules
) -> None:
    store.add_customer(customer("idle", "idle@example.com"))
    store.add_customer(replace(customer("born", "born@example.com"), birthday=T0.date()))
    store.add_customer(customer("buyer", "buyer@example.com"))
    clock = [T0 - timedelta(days=60)]
    loyalty = LoyaltyService(store, rules, lambda: clock[0])
    lines = (OrderLine("1", "beans", Decimal(30000)),)
    loyalty.record_purchase("buyer", Order("o1", clock[0], "RUB", lines))
    clock[0] = T0
    assert loyalty.run_daily() == 3
    # A certificate issued tonight, a birthday bonus paid, a first tier given: not quiet.
    key = loyalty.nightly_key(T0)
    assert key is not None
    assert due(store, key) == {"born": True, "buyer": True, "idle": True}
    history: History = store.history("buyer")
    assert [c.rule_id for c in history.certificates] == ["spend-20k-6m"]
    clock[0] = T0 + timedelta(days=1)
    assert loyalty.run_daily() == 3
    assert due(store, key, days=1) == {"born": False, "buyer": False, "idle": False}
