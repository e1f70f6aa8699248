"""Tiers: kept by qualifying spend over a rolling window of months."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .calendar import months_before
from .history import History
from .orders import qualifying_spend, remaining_lines
from .rules import Rules


def spend_in_window(rules: Rules, history: History, now: datetime) -> Decimal:
    """Qualifying spend, net of refunds, on orders placed within the tier window."""
    tiers = rules.loyalty.tiers
    if tiers is None:
        return Decimal(0)
    since = months_before(now, tiers.window_months)
    total = Decimal(0)
    for order in history.orders:
        if since < order.placed_at <= now:
            lines = remaining_lines(order, history.refunds_of(order.order_id))
            total += qualifying_spend(lines, rules.loyalty.earning)
    return total


def reevaluate_tier(rules: Rules, history: History, now: datetime) -> str | None:
    """The tier the window's spend supports now; may be lower than the one held."""
    tier = rules.tier_for_spend(spend_in_window(rules, history, now))
    return tier.id if tier else None
