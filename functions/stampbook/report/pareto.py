"""The Pareto view: what the best fifth of the customers bring, and the whole curve."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate
from operator import attrgetter

from .facts import Buyer, to_money
from .numbers import ceil_div, ratio

TOP_PERCENT = 20
CURVE_STEPS = 100  # one point per per cent of customers


@dataclass(frozen=True)
class Pareto:
    buyers: int
    top_buyers: int  # the top 20 %, rounded up
    top_revenue: Decimal
    revenue: Decimal
    top_share: Decimal | None  # top_revenue / revenue
    # (share of customers, share of revenue), best customers first, from 0 to 1.
    curve: tuple[tuple[Decimal, Decimal], ...]


def pareto(buyers: list[Buyer]) -> Pareto:
    # Best first. Who comes first among equals does not change the sums, so the
    # revenues alone are sorted, without a key to call for every buyer.
    revenues = sorted(map(attrgetter("revenue"), buyers), reverse=True)
    running = [0, *accumulate(revenues)]
    count, total = len(revenues), running[-1]
    top = ceil_div(count * TOP_PERCENT, 100)
    curve = (
        tuple(
            (ratio(step, CURVE_STEPS) or Decimal(0), ratio(running[cut], total) or Decimal(0))
            for step in range(CURVE_STEPS + 1)
            for cut in (ceil_div(count * step, CURVE_STEPS),)
        )
        if count
        else ()
    )
    return Pareto(
        count, top, to_money(running[top]), to_money(total), ratio(running[top], total), curve
    )
