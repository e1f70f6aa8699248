"""Benchmark: the nightly run on SQLite for customers with nothing due.

Customers who bought a few weeks ago, with no birthday, lapse, warning or
certificate near: the first night finds each of them quiet; the second
night's run (timed) finds them so again by one query and leaves them alone.
Beside it, in the same run on the same file, the step as it was for every
customer, every night: each one's history read, decided and committed.
CPU time is the figure (`time.process_time`); the wall clock is printed too.
"""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.bench.automations import add_guests, buy_once, timed
from tests.support.shop import Shop

CUSTOMERS = int(os.environ.get("STAMPBOOK_BENCH_CUSTOMERS", "20000"))
MOSCOW = ZoneInfo("Europe/Moscow")
NIGHT = datetime(2027, 5, 17, 0, 30, tzinfo=MOSCOW)  # no holiday in the example
SINCE = datetime(2025, 1, 10, tzinfo=UTC)


def _fill(shop: Shop, count: int) -> None:
    people = add_guests(shop, count, lambda n: None)  # birthdays on the 3rd: none tonight
    buy_once(shop, people, lambda n: NIGHT - timedelta(days=20 + n % 30))


def main(count: int = CUSTOMERS) -> None:
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        shop = Shop(Path(folder), NIGHT)
        _fill(shop, count)
        loyalty = shop.app.loyalty
        loyalty.run_daily()  # the first night: everyone visited, found quiet
        shop.now = NIGHT + timedelta(days=1)
        key = loyalty.nightly_key(shop.now)
        quiet = sum(not due for _, due in shop.app.store.nightly_customers(shop.now, key or ""))
        covered, wall, cpu = timed(loyalty.run_daily)
        print(
            f"nightly run, {covered:,} customers, {quiet:,} found quiet by query"
            f"   {cpu / covered * 1e6:6.1f} µs CPU each ({wall:.2f} s wall; aim: under 50 µs)"
        )
        ids = list(shop.app.store.customer_ids())
        _, wall, cpu = timed(lambda: [loyalty.run_daily_for(c) for c in ids])
        print(
            f"the same night, every customer's step as before   "
            f"   {cpu / len(ids) * 1e6:6.1f} µs CPU each ({wall:.2f} s wall)"
        )


if __name__ == "__main__":
    main()
