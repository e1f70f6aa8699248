"""The drift list's figures and RFM scores, worked out in whole numbers, against their
plain definitions: `ratio` of the exact spans, and 1 + 5 * (values below) // (values)."""

from __future__ import annotations

import random
from bisect import bisect_left
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from stampbook.report.drift import drifting
from stampbook.report.facts import Buyer
from stampbook.report.numbers import HUNDREDTH, TENTH, ratio

NOW = datetime(2026, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)
_DAY_US = timedelta(days=1) // _US
_Ranked = TypeVar("_Ranked", int, datetime)


def _buyers(count: int, seed: int) -> list[Buyer]:
    rng = random.Random(seed)
    found = []
    for n in range(count):
        last = NOW - timedelta(microseconds=rng.randint(1, 400 * _DAY_US))
        # Few distinct figures, so that ties (and halves) are common.
        span = timedelta(days=rng.choice((0, 1, 3, 10, 30)), microseconds=rng.randint(0, 3))
        revenue = rng.choice((0, 5, 5, 100, 2500, 10**9))
        found.append(Buyer(f"c{n:04}", rng.choice((1, 2, 2, 3, 7)), revenue, last - span, last))
    return found


def _quintile(value: _Ranked, values: list[_Ranked]) -> int:
    ordered = sorted(values)
    return 1 + 5 * bisect_left(ordered, value) // len(ordered)


def test_drifters_figures_and_scores_are_their_definitions() -> None:
    for seed in range(5):
        buyers = _buyers(400, seed)
        listed = drifting(buyers, NOW, lambda ids: {})
        assert listed
        by_id = {buyer.customer_id: buyer for buyer in buyers}
        for drifter in listed:
            buyer = by_id[drifter.customer_id]
            since, span = (NOW - buyer.last) // _US, (buyer.last - buyer.first) // _US
            gaps = buyer.orders - 1
            assert str(drifter.days_since) == str(ratio(since, _DAY_US, TENTH) or 0)
            assert str(drifter.usual_days) == str(ratio(span, gaps * _DAY_US, TENTH) or 0)
            assert str(drifter.overdue) == str(ratio(since * gaps, span, HUNDREDTH) or 0)
            scores = (
                _quintile(buyer.last, [b.last for b in buyers]),
                _quintile(buyer.orders, [b.orders for b in buyers]),
                _quintile(buyer.revenue, [b.revenue for b in buyers]),
            )
            assert drifter.rfm == "-".join(map(str, scores))
