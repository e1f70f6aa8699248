"""Benchmark: the owner's report from DynamoDB Local, 10 000 customers / 100 000 purchases.

The year is written through the store's own purchase import (so every item
is what the store writes), in chunks of customers side by side; then the
report reads the table with a parallel Scan into a scratch customer file
and computes as on SQLite. Printed: the time to read the table and to make
the report, the Scan's requests (pages) and read units, per segment count.
DynamoDB Local is a Java program on this machine: what it says is the
adapter's work and the requests it makes, not AWS's latency. Nothing asserted.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from stampbook.loyalty.orders import Order, OrderLine
from stampbook.records.customers import Customer
from stampbook.report.build import build_report
from stampbook.report.dynamodb_reader import DynamoReport
from stampbook.report.facts import Period
from stampbook.services.loyalty import LoyaltyService
from stampbook.store.dynamodb.store import DynamoStore

from .dynamodb import bench_shop

CUSTOMERS = int(os.environ.get("STAMPBOOK_BENCH_CUSTOMERS", "10000"))
ORDERS_EACH = 10
START = datetime(2026, 1, 5, 9, tzinfo=UTC)
END = datetime(2027, 1, 1, tzinfo=UTC)
CHUNK = 500  # customers per import batch


def _write(store: DynamoStore, loyalty: LoyaltyService) -> None:
    people = [
        Customer(f"c{n:06}", f"c{n}@example.com", START + timedelta(hours=n % 2000))
        for n in range(CUSTOMERS)
    ]
    for first in range(0, CUSTOMERS, 1000):
        store.add_customers(people[first : first + 1000])

    def chunk(first: int) -> None:
        orders = [
            (
                f"c{n:06}",
                Order(
                    f"o{n:06}-{k}",
                    START + timedelta(days=k * 35 + n % 30, minutes=n % 600),
                    "RUB",
                    (OrderLine("1", "beans", Decimal(300 + (n * 7 + k * 13) % 2700)),),
                ),
            )
            for k in range(ORDERS_EACH)
            for n in range(first, min(first + CHUNK, CUSTOMERS))
        ]
        outcomes = loyalty.record_purchases(orders)
        assert not any(isinstance(outcome, Exception) for outcome in outcomes)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(chunk, range(0, CUSTOMERS, CHUNK)))


def main() -> None:
    with bench_shop(END) as (store, loyalty):
        start = time.perf_counter()
        _write(store, loyalty)
        print(
            f"table written, {CUSTOMERS:,} customers / {CUSTOMERS * ORDERS_EACH:,} purchases"
            f"   {time.perf_counter() - start:8.1f} s"
        )
        for segments in (1, 4, 8):
            start = time.perf_counter()
            reader = DynamoReport(store, segments)
            read = time.perf_counter() - start
            try:
                facts = reader.facts(Period(None, END), "RUB", Decimal(3000))
                report = build_report(facts, reader.contacts, point_value=Decimal("0.5"))
            finally:
                reader.close()
            total = time.perf_counter() - start
            scanned = reader.scanned
            print(
                f"report, {segments} segment(s)   {total:6.2f} s"
                f"   (reading the table {read:.2f} s: {scanned.pages} Scan requests,"
                f" {scanned.items:,} items, {scanned.read_units:,.0f} read units;"
                f" {len(report.drifting)} drifting)"
            )


if __name__ == "__main__":
    main()
