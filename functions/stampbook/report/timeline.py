"""The period month by month, every month shown: a month without sales is a zero, not a gap.

It starts at the period's first month (or, from the beginning, the first
month anything happened) and ends with the period's last month.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..loyalty.ledger import EntryKind
from .calendar import every_month, last_month, month_of
from .cost import GIVING
from .facts import Facts, Month, to_money
from .leaving import REASONS
from .numbers import ratio


@dataclass(frozen=True)
class MonthFigures:
    month: str
    orders: int
    revenue: Decimal
    new_revenue: Decimal  # first purchases ever
    repeat_revenue: Decimal  # every other purchase
    buyers: int
    repeat_buyers: int  # bought in the month with a purchase that was not their first
    repeat_rate: Decimal | None  # repeat_buyers / buyers
    points_issued: int
    points_redeemed: int
    points_expired: int
    points_held: int  # at the month's end
    refunds: int
    answers: dict[str, int]  # every reason, zero when nobody gave it


def timeline(facts: Facts) -> tuple[MonthFigures, ...]:
    known = {month.month: month for month in facts.months}
    end = last_month(facts.period.end)
    if facts.period.start is not None:
        first = month_of(facts.period.start)
    elif known:
        first = min(known)
    else:
        return ()
    held = 0
    rows = []
    for key in every_month(first, end):
        month = known.get(key)
        if month is None:  # nothing happened: the points held stay as they were
            month = Month(key, points_held=held)
        held = month.points_held
        rows.append(_figures(month))
    return tuple(rows)


def _figures(month: Month) -> MonthFigures:
    points = month.points
    return MonthFigures(
        month=month.month,
        orders=month.orders,
        revenue=to_money(month.revenue),
        new_revenue=to_money(month.revenue - month.repeat_revenue),
        repeat_revenue=to_money(month.repeat_revenue),
        buyers=month.buyers,
        repeat_buyers=month.repeat_buyers,
        repeat_rate=ratio(month.repeat_buyers, month.buyers),
        points_issued=sum(points.get(kind, 0) for kind in GIVING),
        points_redeemed=-points.get(EntryKind.REDEEM, 0),
        points_expired=-points.get(EntryKind.EXPIRE, 0),
        points_held=month.points_held,
        refunds=month.refunds,
        answers={reason: month.answers.get(reason, 0) for reason in REASONS},
    )
