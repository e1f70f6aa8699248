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
