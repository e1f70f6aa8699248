"""Benchmark: the nightly run in shards on DynamoDB Local, as the queue's consumer runs it.

10 000 customers who each bought once a few weeks ago. The first night
every customer is visited (their history read, the night decided and
committed, and found with nothing due); the second night the store's query
finds them quiet and each shard leaves them alone. The shards are the
schedule's: the file cut into runs of `CUSTOMERS_PER_SHARD` ids, a cut
that is timed too. For each night: the seconds per shard, CPU and DynamoDB
requests per customer (counted by botocore's own event hook, by
operation), and what that comes to for 1 000 000 customers. DynamoDB Local is a Java
program on this machine: its requests take about a millisecond where AWS's
take a few, so the request counts are the figures to carry over; nothing
asserted.

Then a birthday night on a table of its own: `STAMPBOOK_BENCH_BIRTHDAYS`
(1 000) customers with consent, all born today, each paid the bonus and sent
the greeting by the shards, the automatic emails on (to an outbox folder):
the requests a greeted customer costs.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from stampbook.loyalty.orders import Order, OrderLine
from stampbook.records.customers import Customer, CustomerRange
from stampbook.services.loyalty import LoyaltyService
from stampbook.services.nightly import CUSTOMERS_PER_SHARD, plan_shards, run_shard
from stampbook.store.dynamodb.store import DynamoStore
from tests.support.people import add_subscribers
from tests.support.shop import Shop

from .automations import guests
from .dynamodb import bench_shop

CUSTOMERS = int(os.environ.get("STAMPBOOK_BENCH_CUSTOMERS", "10000"))
MILLION = 1_000_000
MOSCOW = ZoneInfo("Europe/Moscow")
NIGHT = datetime(2027, 5, 17, 0, 30, tzinfo=MOSCOW)  # no holiday in the example
CHUNK = 500
BIRTHDAYS = int(os.environ.get("STAMPBOOK_BENCH_BIRTHDAYS", "1000"))


def _write(store: DynamoStore, loyalty: LoyaltyService) -> None:
    people = [
        Customer(f"c{n:06}", f"c{n}@example.com", NIGHT - timedelta(days=400))
        for n in range(CUSTOMERS)
    ]
    for first in range(0, CUSTOMERS, 1000):
        store.add_customers(people[first : first + 1000])

    def chunk(first: int) -> None:
        orders = [
            (
                f"c{n:06}",
                Order(
                    f"o{n:06}",
                    NIGHT - timedelta(days=20 + n % 30, minutes=n % 600),
                    "RUB",
                    (OrderLine("1", "drinks", Decimal(300 + n % 700)),),
                ),
            )
            for n in range(first, min(first + CHUNK, CUSTOMERS))
        ]
        assert not any(isinstance(o, Exception) for o in loyalty.record_purchases(orders))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(chunk, range(0, CUSTOMERS, CHUNK)))


def _plan(store: DynamoStore, per_shard: int | None = None) -> list[CustomerRange]:
    start = time.perf_counter()
    shards = plan_shards(store, per_shard)
    seconds = time.perf_counter() - start
    print(
        f"the schedule's cut: {len(shards)} shards of {per_shard or CUSTOMERS_PER_SHARD:,}"
        f" in {seconds:.2f} s; at {MILLION:,} customers {MILLION // CUSTOMERS_PER_SHARD}"
        f" shards, the cut about {seconds * MILLION / CUSTOMERS:,.0f} s here"
    )
    return shards


def _night(
    loyalty: LoyaltyService,
    store: DynamoStore,
    shards: list[CustomerRange],
    title: str,
    customers: int = CUSTOMERS,
) -> None:
    requests: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        requests[model.name] += 1

    store.client.meta.events.register("before-call.dynamodb", count)
    seconds, visited = [], 0
    cpu = time.process_time()
    try:
        for shard in shards:
            start = time.perf_counter()
            visited += run_shard(loyalty, shard)
            seconds.append(time.perf_counter() - start)
    finally:
        store.client.meta.events.unregister("before-call.dynamodb", count)
    cpu = time.process_time() - cpu
    total = sum(requests.values())
    per_shard = customers / len(shards)
    print(
        f"{title}: {visited:,} of {customers:,} visited; a shard of {per_shard:,.0f}:"
        f" median {statistics.median(seconds):.2f} s, slowest {max(seconds):.2f} s;"
        f" {cpu / customers * 1e6:.0f} µs CPU and {total / customers:.2f} requests a customer"
        f" ({', '.join(f'{n} {op}' for op, n in requests.most_common())})"
    )
    scale = MILLION / customers
    print(
        f"  at {MILLION:,} customers: {total * scale:,.0f} requests a night,"
        f" {len(shards) * scale:,.0f} shards of the same size and time"
    )


def _birthday_night(endpoint: str) -> None:
    """Everyone born today, with consent: the bonus and the greeting each, by the shards."""
    table = DynamoStore(f"bench-{uuid.uuid4().hex}", endpoint_url=endpoint)
    table.create_table()
    try:
        with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
            where = {"store": "dynamodb", "table": table.table, "dynamodb_endpoint": endpoint}
            shop = Shop(Path(folder), NIGHT, store=where)
            people = guests(BIRTHDAYS, lambda n: date(1990, 5, 17), "b")
            add_subscribers(table, people)
            store = shop.app.store
            assert isinstance(store, DynamoStore)
            shards = _plan(store, per_shard=-(-BIRTHDAYS // 16))
            _night(shop.app.loyalty, store, shards, "birthday night", BIRTHDAYS)
            print(f"  {len(list(Path(folder, 'outbox').glob('*.eml'))):,} greetings sent")
            store.close()
    finally:
        table.delete_table()
        table.close()


def main() -> None:
    with bench_shop(NIGHT) as (store, fixed):
        clock = [NIGHT]
        loyalty = LoyaltyService(store, fixed.rules, clock=lambda: clock[0])
        start = time.perf_counter()
        _write(store, loyalty)
        written = time.perf_counter() - start
        print(f"{CUSTOMERS:,} customers and purchases written   {written:.1f} s")
        shards = _plan(store)
        _night(loyalty, store, shards, "first night")
        clock[0] = NIGHT + timedelta(days=1)
        _night(loyalty, store, shards, "next night ")
        _birthday_night(store.client.meta.endpoint_url)


if __name__ == "__main__":
    main()
