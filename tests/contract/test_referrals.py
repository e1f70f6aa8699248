"""The referral bonus on every store: who may refer whom, the monthly limit, when the
bonus is paid and when it is taken back (T0 is a Monday, 2 March 2026, 12:00 in Moscow)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial

import pytest

from stampbook.loyalty.history import History
from stampbook.loyalty.ledger import Entry, EntryKind
from stampbook.loyalty.orders import Order, OrderLine, Refund
from stampbook.loyalty.rules import Rules
from stampbook.services.loyalty import LoyaltyService
from stampbook.services.referrals import Referral, refer
from stampbook.store.base import Change, Request, Store, UnknownCustomer

from .conftest import T0, customer

RETURN_WINDOW = timedelta(days=14)  # the example programme's


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def shop(store: Store, rules: Rules, clock: Clock) -> LoyaltyService:
    store.add_customer(replace(customer("anna"), referral_code="ANNA2345"))
    return LoyaltyService(store, rules, clock)


def limited(rules: Rules, per_month: int) -> Rules:
    assert rules.loyalty.referral is not None
    referral = rules.loyalty.referral.model_copy(update={"max_per_month": per_month})
    return replace(rules, loyalty=rules.loyalty.model_copy(update={"referral": referral}))


def friend(store: Store, name: str, referrer: str = "anna") -> str:
    store.add_customer(customer(name, f"{name}@example.com"))
    assert store.refer(name, referrer) is True
    return name


def buy(shop: LoyaltyService, who: str, order_id: str, amount: str = "1000") -> None:
    line = OrderLine("1", "drinks", Decimal(amount))
    shop.record_purchase(who, Order(order_id, shop.clock(), "RUB", (line,)))


def refund(shop: LoyaltyService, who: str, order_id: str, amount: str, refund_id: str) -> int:
    money = {"1": Decimal(amount)}
    done = shop.record_refund(who, Refund(refund_id, order_id, shop.clock(), money))
    return done.points_taken_back


def bonus_paid_for_boris(store: Store, shop: LoyaltyService, clock: Clock) -> None:
    """Anna's friend Boris buys for 1 000 ₽; the night after the return window pays them."""
    friend(store, "boris")
    buy(shop, "boris", "o1")
    clock.now = T0 + RETURN_WINDOW + timedelta(hours=1)
    shop.run_daily_for("boris")


def unchanged(change: Change, history: History) -> Change:
    """A decision that writes `change` whatever the history."""
    return change


def referral_points(store: Store, who: str) -> list[int]:
    return [e.points for e in store.history(who).entries_of(EntryKind.REFERRAL)]


def test_one_referrer_per_customer_whoever_is_recorded_first(store: Store) -> None:
    store.add_customer(customer("anna"))
    store.add_customer(customer("clara", "clara@example.com"))
    store.add_customer(customer("boris", "boris@example.com"))
    assert store.refer("boris", "anna") is True
    assert store.refer("boris", "clara") is False
    assert store.refer("boris", "anna") is False
    assert store.history("boris").referred_by == "anna"
    boris = store.customer("boris")
    assert boris is not None
    assert boris.referred_by == "anna"
    with pytest.raises(UnknownCustomer):
        store.refer("nobody", "anna")


def test_of_referrers_recorded_at_once_exactly_one_wins(store: Store) -> None:
    store.add_customer(customer("boris", "boris@example.com"))
    names = [f"friend{n}" for n in range(6)]
    for name in names:
        store.add_customer(customer(name, f"{name}@example.com"))
    with ThreadPoolExecutor(len(names)) as pool:
        recorded = list(pool.map(lambda name: store.refer("boris", name), names))
    assert recorded.count(True) == 1
    assert store.history("boris").referred_by == names[recorded.index(True)]


def test_a_referrers_referral_entries_are_read_alone_in_ledger_order(store: Store) -> None:
    store.add_customer(customer("anna"))
    at = T0
    written = [
        ("earn:o1", EntryKind.EARN, 50),
        ("referral:zoe:referrer", EntryKind.REFERRAL, 300),
        ("referrals-of-march", EntryKind.ADJUST, 5),  # another key that only starts alike
        ("referral:anna", EntryKind.REFERRAL, 150),
        ("referral:zoe:referrer:taken-back", EntryKind.REFERRAL, -300),
        ("referral:boris:referrer", EntryKind.REFERRAL, 300),
    ]
    for key, kind, points in written:
        change = Change({}, (("anna", Entry(kind, points, at, at, key, "v1")),))
        store.commit("anna", Request(key, key), partial(unchanged, change))
    keys = [entry.idempotency_key for entry in store.referral_entries("anna")]
    assert keys == [
        "referral:zoe:referrer",
        "referral:anna",
        "referral:zoe:referrer:taken-back",
        "referral:boris:referrer",
    ]
    assert store.referral_entries("nobody") == ()


def test_nobody_refers_themselves_nor_another_address_of_their_mailbox(store: Store) -> None:
    anna = customer("anna", "anna@gmail.com")
    twin = customer("twin", "a.n.n.a+2@gmail.com")
    store.add_customer(anna)
    store.add_customer(twin)
    assert refer(store, anna, anna) is Referral.SELF
    assert refer(store, twin, anna) is Referral.SELF
    assert store.history("twin").referred_by is None
    boris = customer("boris", "boris@example.com")
    store.add_customer(boris)
    assert refer(store, boris, anna) is Referral.RECORDED
    stored = store.customer("boris")
    assert stored is not None
    assert refer(store, stored, twin) is Referral.ALREADY_REFERRED
    assert store.history("boris").referred_by == "anna"


def test_the_bonus_is_paid_once_the_first_order_can_no_longer_be_returned(
    store: Store, shop: LoyaltyService, clock: Clock
) -> None:
    friend(store, "boris")
    buy(shop, "boris", "o1")
    clock.now = T0 + RETURN_WINDOW - timedelta(minutes=1)
    shop.run_daily_for("boris")
    assert (referral_points(store, "anna"), referral_points(store, "boris")) == ([], [])
    clock.now = T0 + RETURN_WINDOW
    shop.run_daily_for("boris")
    clock.now += timedelta(days=1)
    shop.run_daily_for("boris")  # the next night pays nothing more
    assert (referral_points(store, "anna"), referral_points(store, "boris")) == ([300], [150])
    assert store.history("anna").balance(clock.now).available == 300


def test_no_bonus_for_a_first_order_returned_in_full_within_the_window(
    store: Store, shop: LoyaltyService, clock: Clock
) -> None:
    friend(store, "boris")
    buy(shop, "boris", "o1")
    clock.now = T0 + timedelta(days=2)
    refund(shop, "boris", "o1", "1000", "r1")
    clock.now = T0 + RETURN_WINDOW + timedelta(days=1)
    shop.run_daily_for("boris")
    assert (referral_points(store, "anna"), referral_points(store, "boris")) == ([], [])


def test_a_full_refund_after_the_bonus_takes_both_back_once(
    store: Store, shop: LoyaltyService, clock: Clock
) -> None:
    bonus_paid_for_boris(store, shop, clock)
    clock.now += timedelta(days=3)  # the shop takes the order back after all

    taken = refund(shop, "boris", "o1", "1000", "r1")
    assert refund(shop, "boris", "o1", "1000", "r1") == taken  # a retry changes nothing
    shop.run_daily_for("boris")  # nor does the next night: the order was returned

    assert referral_points(store, "anna") == [300, -300]
    assert referral_points(store, "boris") == [150, -150]
    assert taken == 50 + 150  # the order's points and Boris's own bonus
    assert store.history("anna").balance(clock.now).total == 0


def test_a_partial_refund_keeps_the_bonus_until_the_whole_order_is_returned(
    store: Store, shop: LoyaltyService, clock: Clock
) -> None:
    bonus_paid_for_boris(store, shop, clock)
    refund(shop, "boris", "o1", "400", "r1")
    assert referral_points(store, "anna") == [300]
    refund(shop, "boris", "o1", "600", "r2")  # the rest: nothing is kept now
    assert referral_points(store, "anna") == [300, -300]
    assert referral_points(store, "boris") == [150, -150]


def test_a_referrer_is_paid_at_most_the_monthly_limit_and_the_rest_waits(
    store: Store, rules: Rules, clock: Clock
) -> None:
    store.add_customer(replace(customer("anna"), referral_code="ANNA2345"))
    shop = LoyaltyService(store, limited(rules, 2), clock)
    friends = [friend(store, name) for name in ("boris", "clara", "dima")]
    for n, name in enumerate(friends):
        buy(shop, name, f"o{n}")
    clock.now = T0 + RETURN_WINDOW + timedelta(hours=1)  # 16 March
    for name in friends:
        shop.run_daily_for(name)
    assert referral_points(store, "anna") == [300, 300]
    assert [referral_points(store, name) for name in friends] == [[150]] * 3  # friends get theirs

    clock.now += timedelta(days=1)
    for name in friends:
        shop.run_daily_for(name)
    assert referral_points(store, "anna") == [300, 300]  # still March

    clock.now = datetime(2026, 4, 1, 1, 0, tzinfo=T0.tzinfo)  # 04:00 in Moscow: April
    for name in friends:
        shop.run_daily_for(name)
    assert referral_points(store, "anna") == [300, 300, 300]


def test_a_referrer_who_erased_their_data_is_paid_nothing_and_loses_nothing(
    store: Store, shop: LoyaltyService, clock: Clock
) -> None:
    friend(store, "boris")
    buy(shop, "boris", "o1")
    clock.now = T0 + RETURN_WINDOW + timedelta(hours=1)
    assert store.erase_customer("anna") is True
    shop.run_daily_for("boris")
    refund(shop, "boris", "o1", "1000", "r1")
    assert referral_points(store, "boris") == [150, -150]
