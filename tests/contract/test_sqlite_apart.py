"""An import's batches decided by forked workers: written only while what they read stands."""

from __future__ import annotations

import os
import sqlite3
import threading
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest

from stampbook.loyalty.errors import WrongCurrency
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.loyalty.rules import Rules
from stampbook.loyalty.tier_spend import count_tier_spend
from stampbook.services.loyalty import LoyaltyService
from stampbook.services.purchase_import import batches_of, record_orders
from stampbook.store.base import Batch, Committed, IdempotencyConflict, Item, Reads
from stampbook.store.sqlite import SqliteStore
from stampbook.store.sqlite import apart as sqlite_apart
from stampbook.store.sqlite.apart import workers_for

from .conftest import T0
from .test_purchase_import import PEOPLE, recorded_one_by_one, shop, the_file


@pytest.fixture
def alone() -> None:
    """Workers are forked only from a single thread; a thread left running would hide them."""
    running = [thread.name for thread in threading.enumerate() if thread.is_alive()]
    assert running == [threading.main_thread().name], f"threads still running: {running}"


@pytest.fixture
def loyalty(tmp_path: Path, rules: Rules, alone: None) -> LoyaltyService:
    store = SqliteStore(tmp_path / "shop.db")
    store.import_workers = 2
    return shop(store, rules)


def batches(loyalty: LoyaltyService, *chunks: list[tuple[str, Order]]) -> list[Batch]:
    return [partial(loyalty.purchase_items, chunk, loyalty.clock()) for chunk in chunks]


def by_customer() -> list[list[tuple[str, Order]]]:
    return [[item for item in the_file() if item[0] == who] for who in PEOPLE]


def apart(loyalty: LoyaltyService) -> int:
    assert isinstance(loyalty.store, SqliteStore)
    return loyalty.store.decided_apart


def test_an_import_decided_by_workers_equals_the_file_recorded_one_order_at_a_time(
    tmp_path: Path, rules: Rules, loyalty: LoyaltyService
) -> None:
    one_by_one = recorded_one_by_one(tmp_path, rules)

    outcome = record_orders(loyalty, the_file(), batch=12)  # one customer a batch

    assert apart(loyalty) == 3
    assert (outcome.recorded, outcome.replayed, outcome.refused) == (36, 0, [])
    for who in PEOPLE:
        assert loyalty.statement(who).as_json() == one_by_one.statement(who).as_json()


def test_a_customer_split_between_batches_is_decided_after_the_batch_before(
    tmp_path: Path, rules: Rules, loyalty: LoyaltyService
) -> None:
    one_by_one = recorded_one_by_one(tmp_path, rules)

    outcome = record_orders(loyalty, the_file(), batch=5)  # each customer's 12 in 5, 5 and 2

    assert outcome.recorded == 36
    assert apart(loyalty) == 3  # each run's first piece by a worker; the rest here, in turn
    for who in PEOPLE:
        assert loyalty.statement(who).as_json() == one_by_one.statement(who).as_json()


def test_a_till_committing_during_an_import_leaves_the_rest_to_the_writer(
    tmp_path: Path, rules: Rules, loyalty: LoyaltyService, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_the_till = Order("till-1", T0, "RUB", (OrderLine("1", "beans", Decimal(40_000)),))
    anna, boris, vera = by_customer()
    deciding = sqlite_apart._decide

    def till_right_after(store: SqliteStore, db: sqlite3.Connection, make: Batch) -> object:
        decided = deciding(store, db, make)  # on what vera's history was
        if decided is not None and "vera" in decided.customers:  # and now a till records hers
            till = LoyaltyService(SqliteStore(tmp_path / "shop.db"), rules, loyalty.clock)
            till.record_purchase("vera", at_the_till)
        return decided

    monkeypatch.setattr(sqlite_apart, "_decide", till_right_after)  # in the workers forked next

    written = list(loyalty.store.commit_batches(batches(loyalty, vera, anna, boris)))

    assert all(isinstance(o, Committed) for outcomes in written for o in outcomes)
    assert apart(loyalty) == 0  # the first write found the file changed since the reads
    store = loyalty.store
    assert isinstance(store, SqliteStore)
    vera_now = store.history("vera")
    assert {o.order_id for o in vera_now.orders} == {"till-1", *(o.order_id for _, o in vera)}
    # Her tally counts the till's order as well as the imported ones: no update was lost.
    tally = store._histories(store.connection(), ["vera"], Reads.TIER_SPEND)["vera"].tier_spend
    assert tally == count_tier_spend(rules, vera_now, loyalty.clock())


def test_the_batches_of_a_worker_that_died_are_decided_by_the_writer(
    loyalty: LoyaltyService,
) -> None:
    importing = os.getpid()
    anna, boris, vera = by_customer()

    def dying() -> list[Item]:
        if os.getpid() != importing:
            os._exit(3)
        return loyalty.purchase_items(anna, loyalty.clock())

    written = list(loyalty.store.commit_batches([dying, *batches(loyalty, boris, vera)]))

    assert [len(outcomes) for outcomes in written] == [12, 12, 12]
    assert all(isinstance(o, Committed) for outcomes in written for o in outcomes)
    assert apart(loyalty) == 1  # boris's, by the other worker; anna's and vera's here
    assert {loyalty.statement(who).tier for who in PEOPLE} == {"regular"}


def test_an_order_id_taken_earlier_in_the_same_import_is_a_conflict_as_row_by_row(
    loyalty: LoyaltyService,
) -> None:
    anna, _, vera = by_customer()
    borrowed = ("vera", Order(anna[0][1].order_id, T0, "RUB", anna[0][1].lines))

    written = list(loyalty.store.commit_batches(batches(loyalty, anna, [*vera, borrowed])))

    assert all(isinstance(o, Committed) for o in written[0])
    assert isinstance(written[1][-1], IdempotencyConflict)
    assert all(isinstance(o, Committed) for o in written[1][:-1])
    # Vera's batch was decided by a worker either before anna's was written (its
    # order then collided on writing, and it was decided again here) or after.
    assert apart(loyalty) in (1, 2)
    assert loyalty.store.order_owner(anna[0][1].order_id) == "anna"


def test_retries_and_refusals_decided_by_workers_reach_the_import_as_decided(
    loyalty: LoyaltyService,
) -> None:
    anna, boris, _ = by_customer()
    record_orders(loyalty, anna)  # one batch: recorded here, before any worker
    in_dollars = ("boris", Order("usd-1", T0, "USD", boris[0][1].lines))

    written = list(loyalty.store.commit_batches(batches(loyalty, anna, [*boris, in_dollars])))

    assert apart(loyalty) == 2
    assert [o.replayed for o in written[0] if isinstance(o, Committed)] == [True] * 12
    assert [o.result["order_id"] for o in written[0] if isinstance(o, Committed)] == [
        order.order_id for _, order in anna
    ]
    assert all(isinstance(o, Committed) and not o.replayed for o in written[1][:-1])
    refused = written[1][-1]
    assert isinstance(refused, WrongCurrency)
    assert "USD" in str(refused)


def test_a_decision_crosses_the_pipe_whole_whatever_its_answers_hold() -> None:
    refused = WrongCurrency("the order is in USD, the programme in RUB")
    rows = {"orders": [("o1", "anna", b"\x01" * 16, None, 3)]}
    plain = sqlite_apart._Decided(frozenset({"anna"}), [Committed({"points": 3}), refused], rows)
    # A Decimal is not marshal's: the whole decision goes pickled instead.
    odd = sqlite_apart._Decided(frozenset({"anna"}), [Committed({"p": Decimal("1.5")}, True)], {})

    for decided in (plain, odd):
        back = sqlite_apart._unpacked(sqlite_apart._packed(decided))
        assert back is not None
        assert (back.customers, back.rows) == (decided.customers, decided.rows)
        assert [type(o) for o in back.outcomes] == [type(o) for o in decided.outcomes]
        assert [str(o) if isinstance(o, Exception) else o for o in back.outcomes] == [
            str(o) if isinstance(o, Exception) else o for o in decided.outcomes
        ]
    assert sqlite_apart._packed(plain)[:1] == b"m"
    assert sqlite_apart._packed(odd)[:1] == b"p"
    assert sqlite_apart._unpacked(sqlite_apart._packed(None)) is None


def test_an_import_cuts_batches_between_customers() -> None:
    runs = [["a"] * 3, ["b"] * 2, ["c"] * 7, ["d"] * 1]

    assert batches_of(runs, 5) == [
        ["a", "a", "a", "b", "b"],
        ["c"] * 5,
        ["c", "c", "d"],
    ]


def test_a_small_import_or_one_cpu_needs_no_worker(tmp_path: Path, alone: None) -> None:
    store = SqliteStore(tmp_path / "shop.db")

    store.import_workers = 1
    assert workers_for(store, 50) == 0
    store.import_workers = 8
    assert workers_for(store, 1) == 0
    assert workers_for(store, 3) == 3
