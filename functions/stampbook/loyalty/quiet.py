"""Until when the nightly run has nothing to do for a customer who has nothing due tonight.

The nightly run (`daily.py`) acts on a customer only at moments their
history names: a birthday, an order's spend or a referral bonus becoming
final after the pending days, points becoming available, an order leaving
the tier window, an expiry warning's first day and the expiry itself.
Between two such moments, and while nothing is written to the customer,
each night decides the same nothing. `quiet_until` is the first of those
moments after `now`, so a store can find the customers who need a visit by
query and leave the others alone. Pure, like the rest of the engine.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, time, timedelta

from .calendar import birthday_in, months_before
from .daily import expires_at
from .history import History
from .rules import Rules

NEVER = datetime.max.replace(tzinfo=UTC)


def quiet_until(rules: Rules, history: History, now: datetime) -> datetime | None:
    """The first moment after `now` at which the nightly step could do anything for
    this customer, given that it does nothing at `now`; `NEVER` if no moment comes,
    None if one cannot be placed exactly (the customer is then visited every night)."""
    moments: list[datetime] = []
    if history.birthday is not None:
        today = now.astimezone(rules.timezone).date()
        for year in (today.year, today.year + 1):
            day = birthday_in(year, history.birthday)
            if day > today:
                moments.append(datetime.combine(day, time(), rules.timezone))
                break
    final = timedelta(days=rules.loyalty.pending.days)
    for order in history.orders:
        moments += [order.placed_at, order.placed_at + final]  # tier window; spend final
    moments += [entry.available_at for entry in history.entries]  # points available
    deadline = expires_at(rules, history)
    expiry = rules.loyalty.expiry
    if deadline is not None and expiry is not None:
        moments += [deadline - timedelta(days=expiry.warn_days_before), deadline]
    tiers = rules.loyalty.tiers
    if tiers is not None:
        since = months_before(now, tiers.window_months)
        for order in history.orders:
            if since < order.placed_at <= now:
                leaves = _months_after(order.placed_at.astimezone(now.tzinfo), tiers.window_months)
                if leaves <= now or months_before(leaves, tiers.window_months) < order.placed_at:
                    return None  # an order at a month's end leaves on a day hard to name
                moments.append(leaves)
    return min((moment for moment in moments if moment > now), default=NEVER)


def _months_after(moment: datetime, months: int) -> datetime:
    """The same day and time `months` calendar months later, the day cut to the month's
    last: the inverse of `months_before` where the day exists in both months."""
    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)
