"""A straightforward second computation of the Pareto share and the drift list, in plain Python."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from pathlib import Path


def pareto_and_drift(path: Path, end: datetime) -> tuple[Decimal, list[str]]:
    db = sqlite3.connect(path)
    spent: dict[str, Decimal] = defaultdict(Decimal)
    dates: dict[str, list[datetime]] = defaultdict(list)
    for customer, placed, lines in db.execute("SELECT customer_id, placed_at, lines FROM orders"):
        spent[customer] += sum(Decimal(amount) for _, _, amount in json.loads(lines))
        dates[customer].append(datetime.fromisoformat(placed))
    for customer, lines in db.execute("SELECT customer_id, lines FROM refunds"):
        spent[customer] -= sum(Decimal(amount) for amount in json.loads(lines).values())
    db.close()
    best = sorted(spent.values(), reverse=True)
    top = -(-len(best) // 5)
    share = (sum(best[:top], Decimal(0)) / sum(best, Decimal(0))).quantize(Decimal("0.0001"))
    drifting = []
    for customer, seen in dates.items():
        if len(seen) < 2 or max(seen) == min(seen):
            continue
        usual = (max(seen) - min(seen)) / (len(seen) - 1)
        if end - max(seen) > 2 * usual:
            drifting.append(customer)
    drifting.sort(key=lambda customer: (-spent[customer], customer))
    return share, drifting


def order_months(
    path: Path, start: datetime | None, end: datetime, free_over: Decimal | None
) -> dict[str, tuple[int, Decimal, Decimal, int]]:
    """Per month of the period: orders, goods, goods of repeat orders, free-shipping orders
    (goods over `free_over` and no shipping charged).

    A customer's first order is their earliest, ties going to the lower
    order id; every later one is a repeat.
    """
    db = sqlite3.connect(path)
    orders = [
        (
            customer,
            datetime.fromisoformat(placed),
            order_id,
            Decimal(0) + sum((Decimal(amount) for _, _, amount in json.loads(lines)), Decimal(0)),
            Decimal(shipping),
        )
        for customer, order_id, placed, lines, shipping in db.execute(
            "SELECT customer_id, order_id, placed_at, lines, shipping FROM orders"
        )
    ]
    db.close()
    first: dict[str, tuple[datetime, str]] = {}
    for customer, placed, order_id, _, _ in orders:
        if placed < end and (customer not in first or (placed, order_id) < first[customer]):
            first[customer] = (placed, order_id)
    months: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 4)
    for customer, placed, order_id, goods, shipping in orders:
        if (start is not None and placed < start) or placed >= end:
            continue
        figures = months[placed.strftime("%Y-%m")]
        figures[0] += 1
        figures[1] += goods
        if first[customer] != (placed, order_id):
            figures[2] += goods
        if free_over is not None and goods >= free_over and not shipping:
            figures[3] += 1
    return {
        month: (int(count), revenue, repeat, int(free))
        for month, (count, revenue, repeat, free) in months.items()
    }
