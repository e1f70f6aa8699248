"""A running tally of a customer's tier spend, so a purchase need not re-read every order.

The tally is the qualifying spend, net of refunds, of every order placed
after `since` (the start of the tier window when the count began), with
the earliest and latest of those orders' times. While no counted order
has left the window and none lies ahead of `now`, the tally *is* the spend
in the window (`tiers.spend_in_window`); a purchase adds its order and
carries the tally on. When the tally no longer stands for the window (an
order left it, the clock went back, the rules changed), the purchase is
decided on the full history instead and the count begins afresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .calendar import months_before
from .history import History
from .orders import Order, qualifying_spend, remaining_lines
from .rules import Rules


class TierSpendOutdated(Exception):
    """The tally cannot stand for the window now: decide on the customer's orders instead."""


@dataclass(frozen=True, slots=True)
class TierSpend:
    rules_version: str
    since: datetime
    total: Decimal
    first: datetime | None = None  # the earliest counted order (None: nothing counted)
    latest: datetime | None = None  # the latest counted order

    def in_window(self, rules: Rules, now: datetime) -> Decimal:
        """The spend in the tier window at `now`; TierSpendOutdated if the tally cannot say."""
        start = window_start(rules, now)
        if (
            self.rules_version != rules.version
            or start < self.since
            or (self.first is not None and self.first <= start)
            or (self.latest is not None and self.latest > now)
        ):
            raise TierSpendOutdated
        return self.total

    def adding(self, rules: Rules, order: Order) -> TierSpend:
        """The tally once a new order (no refunds yet) is recorded."""
        placed = order.placed_at
        if placed <= self.since:
            return self  # older than any window the tally will stand for
        return TierSpend(
            self.rules_version,
            self.since,
            self.total + qualifying_spend(order.lines, rules.loyalty.earning),
            placed if self.first is None else min(self.first, placed),
            placed if self.latest is None else max(self.latest, placed),
        )


def window_start(rules: Rules, now: datetime) -> datetime:
    """Orders placed after this moment (and not after `now`) count for the tier."""
    tiers = rules.loyalty.tiers
    return months_before(now, tiers.window_months if tiers else 0)


def count_tier_spend(rules: Rules, history: History, now: datetime) -> TierSpend:
    """Begin the tally at `now` from the customer's orders and refunds."""
    since = window_start(rules, now)
    total = Decimal(0)
    first: datetime | None = None
    latest: datetime | None = None
    for order in history.orders:
        placed = order.placed_at
        if placed > since:
            lines = remaining_lines(order, history.refunds_of(order.order_id))
            total += qualifying_spend(lines, rules.loyalty.earning)
            first = placed if first is None else min(first, placed)
            latest = placed if latest is None else max(latest, placed)
    return TierSpend(rules.version, since, total, first, latest)
