"""A running tally of a customer's tier spend, so a purchase need not re-read every order.

The tally counts the qualifying spend, net of refunds, of every order placed
after `since`. The few earliest of those orders are listed one by one
(`leaving`: they are the next to leave the window); every other counted
order was placed at or after `rest_from`. So while the window starts before
`rest_from`, the spend in it is the total less the listed orders that have
left (`tiers.spend_in_window` gives the same answer from every order). A
purchase adds its order and carries the tally on, dropping the orders that
have left. When the tally cannot say (more orders left than it lists, the
clock went back, the rules changed), the purchase is decided on the full
history instead and the count begins afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .calendar import months_before
from .history import History
from .orders import Order, qualifying_spend, remaining_lines
from .rules import Rules

# Orders listed one by one: a customer who buys every day has their history
# read once in this many purchases, one who buys every week once in months.
LISTED = 8


class TierSpendOutdated(Exception):
    """The tally cannot stand for the window now: decide on the customer's orders instead."""


@dataclass(frozen=True, slots=True)
class TierSpend:
    rules_version: str
    since: datetime
    total: Decimal
    leaving: tuple[tuple[datetime, Decimal], ...] = ()  # (placed at, spend) of early orders
    rest_from: datetime | None = None  # every other counted order is this late or later
    latest: datetime | None = None  # the latest counted order

    def in_window(self, rules: Rules, now: datetime) -> Decimal:
        """The spend in the tier window at `now`; TierSpendOutdated if the tally cannot say."""
        return self.carried_to(rules, now).total

    def carried_to(self, rules: Rules, now: datetime) -> TierSpend:
        """The tally counting from the window's start at `now`, without the orders that left."""
        start = window_start(rules, now)
        if (
            self.rules_version != rules.version
            or start < self.since
            or (self.rest_from is not None and self.rest_from <= start)
            or (self.latest is not None and self.latest > now)
        ):
            raise TierSpendOutdated
        total, leaving = self.total, self.leaving
        if leaving and leaving[0][0] <= start:  # (listed earliest first) some orders left
            total -= sum((spend for placed, spend in leaving if placed <= start), Decimal(0))
            leaving = tuple(item for item in leaving if item[0] > start)
        return TierSpend(self.rules_version, start, total, leaving, self.rest_from, self.latest)

    def adding(self, order: Order, spend: Decimal) -> TierSpend:
        """The tally once a new order (no refunds yet) with qualifying `spend` is recorded."""
        placed = order.placed_at
        if placed <= self.since:
            return self  # older than any window the tally will stand for
        leaving, rest_from = self.leaving, self.rest_from
        if rest_from is None and len(leaving) < LISTED and placed >= self.latest_listed:
            # The list stays the earliest orders, in the order `count_tier_spend`
            # lists them (orders placed at the same moment: the smaller first).
            leaving = tuple(sorted((*leaving, (placed, spend))))
        else:
            rest_from = placed if rest_from is None else min(rest_from, placed)
        return TierSpend(
            self.rules_version,
            self.since,
            self.total + spend,
            leaving,
            rest_from,
            placed if self.latest is None else max(self.latest, placed),
        )

    @property
    def latest_listed(self) -> datetime:
        return self.leaving[-1][0] if self.leaving else self.since


def window_start(rules: Rules, now: datetime) -> datetime:
    """Orders placed after this moment (and not after `now`) count for the tier."""
    tiers = rules.loyalty.tiers
    return months_before(now, tiers.window_months if tiers else 0)


def count_tier_spend(rules: Rules, history: History, now: datetime) -> TierSpend:
    """Begin the tally at `now` from the customer's orders and refunds."""
    since = window_start(rules, now)
    counted = sorted(
        (
            order.placed_at,
            qualifying_spend(
                remaining_lines(order, history.refunds_of(order.order_id)), rules.loyalty.earning
            ),
        )
        for order in history.orders
        if order.placed_at > since
    )
    return TierSpend(
        rules.version,
        since,
        sum((spend for _, spend in counted), Decimal(0)),
        tuple(counted[:LISTED]),
        counted[LISTED][0] if len(counted) > LISTED else None,
        counted[-1][0] if counted else None,
    )
