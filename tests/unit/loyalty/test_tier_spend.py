"""The tier-spend tally gives the very answers the full history gives, over random lives.

Two copies of one customer live the same life: one is decided on every order
and refund (the full history), the other the way the SQLite store decides a
purchase — on the tally alone, falling back to the full history when the
tally no longer stands for the window, and counting afresh after a refund.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stampbook.loyalty.calendar import months_before
from stampbook.loyalty.history import History
from stampbook.loyalty.orders import Order, OrderLine, Refund, qualifying_spend, remaining_lines
from stampbook.loyalty.purchases import PurchaseOutcome, record_purchase, record_refund
from stampbook.loyalty.tier_spend import (
    LISTED,
    TierSpend,
    TierSpendOutdated,
    count_tier_spend,
)
from stampbook.loyalty.tiers import spend_in_window

from .simulate import MSK, apply_purchase, apply_refund, example_rules, msk

RULES = example_rules()


@dataclass(frozen=True)
class Buy:
    amounts: tuple[tuple[str, int], ...]  # (category, roubles)
    placed_hours_ago: int  # negative: an order dated ahead of the clock


@dataclass(frozen=True)
class Return:
    pick: int
    percent: int


@dataclass(frozen=True)
class Wait:
    hours: int  # negative: the clock is set back


Event = Buy | Return | Wait

buys = st.builds(
    Buy,
    amounts=st.lists(
        st.tuples(st.sampled_from(["beans", "drinks", "gift-cards"]), st.integers(100, 30_000)),
        min_size=1,
        max_size=3,
    ).map(tuple),
    # Mostly just now; some from the till's past (even a year back), a few ahead.
    placed_hours_ago=st.one_of(
        st.just(0),
        st.integers(0, 72),
        st.integers(24 * 300, 24 * 400),
        st.integers(-48, -1),
    ),
)
events = st.lists(
    st.one_of(
        buys,
        buys,
        buys,
        st.builds(Return, pick=st.integers(0, 40), percent=st.integers(1, 100)),
        st.builds(
            Wait,
            hours=st.one_of(st.integers(1, 24 * 60), st.integers(24 * 200, 24 * 400)),
        ),
        st.builds(Wait, hours=st.integers(-24 * 40, -1)),
    ),
    min_size=5,
    max_size=60,
)


@dataclass
class Twins:
    full: History  # orders and refunds, no tally: the engine counts everything
    tallied: History  # what the store hands the engine: the tally, if it keeps one
    now: datetime
    fallbacks: int = 0

    def buy(self, order: Order) -> tuple[PurchaseOutcome, PurchaseOutcome]:
        expected = record_purchase(RULES, self.full, order, self.now)
        try:
            if self.tallied.tier_spend is None:
                raise TierSpendOutdated  # no tally yet: the store reads the orders
            got = record_purchase(RULES, self.tallied, order, self.now)
        except TierSpendOutdated:
            self.fallbacks += 1
            got = record_purchase(RULES, self.full, order, self.now)
        self.full = apply_purchase(self.full, order, expected)
        self.tallied = replace(
            self.tallied, tier=got.tier, tier_spend=got.tier_spend, orders=(), refunds=()
        )
        return expected, got

    def refund(self, refund: Refund) -> None:
        entries = record_refund(RULES, self.full, refund, self.now)
        self.full = apply_refund(self.full, refund, entries)
        self.tallied = replace(self.tallied, tier_spend=None)  # what the store does


def play(start: datetime, life: list[Event]) -> Twins:
    twins = Twins(History("c1"), History("c1"), start)
    for n, event in enumerate(life):
        if isinstance(event, Wait):
            twins.now += timedelta(hours=event.hours)
            continue
        if isinstance(event, Buy):
            lines = tuple(
                OrderLine(f"{k}", category, Decimal(amount))
                for k, (category, amount) in enumerate(event.amounts)
            )
            placed = twins.now - timedelta(hours=event.placed_hours_ago)
            expected, got = twins.buy(Order(f"o{n}", placed, "RUB", lines))
            assert got.entries == expected.entries
            assert got.tier == expected.tier
            assert got.free_shipping == expected.free_shipping
        elif twins.full.orders:
            order = twins.full.orders[event.pick % len(twins.full.orders)]
            left = remaining_lines(order, twins.full.refunds_of(order.order_id))
            amounts = {
                line.line_id: (line.amount * event.percent / 100).quantize(Decimal(1))
                for line in left
            }
            amounts = {line_id: amount for line_id, amount in amounts.items() if amount > 0}
            if amounts:
                # Never before the order (dated ahead of the clock, it is refunded then).
                refunded_at = max(twins.now, order.placed_at)
                twins.refund(Refund(f"r{n}", order.order_id, refunded_at, amounts))
        tally = twins.tallied.tier_spend
        if tally is not None:
            try:
                counted = tally.in_window(RULES, twins.now)
            except TierSpendOutdated:
                continue
            assert counted == spend_in_window(RULES, twins.full, twins.now)
    return twins


@settings(max_examples=300, deadline=None)
@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(MSK)
    ),
    life=events,
)
def test_a_purchase_decided_on_the_tally_equals_one_decided_on_every_order(
    start: datetime, life: list[Event]
) -> None:
    play(start, life)


def test_a_weekly_regular_has_their_orders_read_about_once_in_eight_purchases() -> None:
    weeks = 100
    twins = play(
        msk(2026, 1, 10),
        [item for _ in range(weeks) for item in (Buy((("beans", 900),), 0), Wait(24 * 7))],
    )
    # At the first purchase, then once the window is full each time the orders
    # the tally lists one by one have all left it.
    assert 1 + (weeks - 53) // (LISTED + 1) <= twins.fallbacks <= 1 + (weeks - 53) // LISTED
    assert twins.full.tier == twins.tallied.tier == "connoisseur"


def test_a_tally_that_no_longer_stands_for_the_window_says_so() -> None:
    order = Order("o1", msk(2026, 1, 10), "RUB", (OrderLine("1", "beans", Decimal(5000)),))
    history = History("c1", orders=(order,))
    tally = count_tier_spend(RULES, history, msk(2026, 1, 10))
    assert tally.in_window(RULES, msk(2026, 6, 1)) == Decimal(5000)
    assert tally.in_window(RULES, msk(2027, 1, 11)) == 0  # the listed order left the window
    with pytest.raises(TierSpendOutdated):  # the clock went back past the window start
        tally.in_window(RULES, msk(2025, 12, 1))
    with pytest.raises(TierSpendOutdated):  # other rules
        replace(tally, rules_version="other").in_window(RULES, msk(2026, 6, 1))
    unlisted = replace(tally, leaving=(), rest_from=order.placed_at)
    with pytest.raises(TierSpendOutdated):  # an order the tally does not list left
        unlisted.in_window(RULES, msk(2027, 1, 11))
    assert months_before(msk(2026, 6, 1), 12) < order.placed_at


def test_an_order_older_than_the_tally_is_not_counted() -> None:
    tally = TierSpend(RULES.version, msk(2026, 1, 1), Decimal(100), (), msk(2026, 2, 1))
    old = Order("o9", msk(2025, 12, 1), "RUB", (OrderLine("1", "beans", Decimal(700)),))
    assert tally.adding(old, qualifying_spend(old.lines, RULES.loyalty.earning)) == tally
