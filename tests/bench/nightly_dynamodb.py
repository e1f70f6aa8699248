"""Benchmark: the nightly run in shards on DynamoDB Local, as the queue's consumer runs it.

10 000 customers who each bought once a few weeks ago. The first night
every customer is visited (their history read, the night decided and
committed, and found with nothing due); the second night the store's query
finds them quiet and each shard leaves them alone. For each night: the
seconds per shard (of 16, the schedule's count), CPU and DynamoDB requests
per customer (counted by botocore's own event hook, by operation), and
what that comes to for 1 000 000 customers. DynamoDB Local is a Java
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
from stampbook.records.customers import Customer
from stampbook.services.loyalty import LoyaltyService
from stampbook.services.nightly import SHARDS, run_shard
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


def _night(
    loyalty: LoyaltyService, store: DynamoStore, title: str, customers: int = CUSTOMERS
) -> None:
    requests: Counter[str] = Counter()

    def count(model: Any, **_: Any) -> None:
        requests[model.name] += 1

    store.client.meta.events.register("before-call.dynamodb", count)
    seconds, visited = [], 0
    cpu = time.process_time()
    try:
        for shard in range(SHARDS):
            start = time.perf_counter()
            visited += run_shard(loyalty, shard, SHARDS)
            seconds.append(time.perf_counter() - start)
    finally:
        store.client.meta.events.unregister("before-call.dynamodb", count)
    cpu = time.process_time() - cpu
    total = sum(requests.values())
    per_shard = customers / SHARDS
    print(
        f"{title}: {visited:,} of {customers:,} visited; a shard of {per_shard:,.0f}:"
        f" median {statistics.median(seconds):.2f} s, slowest {max(seconds):.2f} s;"
        f" {cpu / customers * 1e6:.0f} µs CPU and {total / customers:.2f} requests a customer"
        f" ({', '.join(f'{n} {op}' for op, n in requests.most_common())})"
    )
    scale = MILLION / customers
    print(
        f"  at {MILLION:,} customers: {total * scale:,.0f} requests a night;"
        f" a shard of {MILLION // SHARDS:,} about {max(seconds) * scale:,.0f} s here"
        f" (16 shards; 64 shards: {max(seconds) * scale / 4:,.0f} s)"
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
            _night(shop.app.loyalty, store, "birthday night", BIRTHDAYS)
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
        _night(loyalty, store, "first night")
        clock[0] = NIGHT + timedelta(days=1)
        _night(loyalty, store, "next night ")
        _birthday_night(store.client.meta.endpoint_url)


if __name__ == "__main__":
    main()
