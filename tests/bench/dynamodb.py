"""Benchmark: the ledger on DynamoDB Local — requests per use case, purchases with 8 writers.

Requests are counted with a botocore `before-call` hook, so botocore's own
retries are not in the count (there are none against DynamoDB Local).
DynamoDB Local is a Java program on this machine, not the service: the
throughput says how the adapter behaves under concurrency, not what AWS
would serve.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from stampbook.loyalty.orders import Order, OrderLine
from stampbook.loyalty.rules import Rules
from stampbook.programme import load_programme
from stampbook.records.customers import Customer
from stampbook.services.loyalty import LoyaltyService
from stampbook.store.dynamodb.store import DynamoStore
from stampbook.store.sends import CampaignState, SendStatus, Settled
from tests.support.dynamodb_local import LOCAL_ENVIRONMENT, running
from tests.support.paths import EXAMPLE

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)
WRITERS = 8


class Requests:
    """DynamoDB calls made by one store's client, by operation."""

    def __init__(self, store: DynamoStore) -> None:
        self.calls: Counter[str] = Counter()
        store.client.meta.events.register("before-call.dynamodb", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.calls[model.name] += 1

    @contextmanager
    def counting(self, use_case: str) -> Iterator[None]:
        self.calls.clear()
        yield
        detail = ", ".join(f"{n} {name}" for name, n in sorted(self.calls.items()))
        print(f"{use_case:<40} {sum(self.calls.values()):3} requests   ({detail})")


def _order(n: int, amount: int = 1000) -> Order:
    return Order(f"o{n}", T0, "RUB", (OrderLine("1", "beans", Decimal(amount)),))


def requests_per_use_case(loyalty: LoyaltyService, store: DynamoStore) -> None:
    requests = Requests(store)
    store.add_customer(Customer("anna", "anna@example.com", T0))
    loyalty.adjust("anna", 1000, "opening balance", "opening")
    with requests.counting("purchase"):
        loyalty.record_purchase("anna", _order(1))
    with requests.counting("purchase, retried (replay)"):
        loyalty.record_purchase("anna", _order(1))
    with requests.counting("redemption"):
        loyalty.redeem("anna", "espresso", "till-1")
    with requests.counting("look-up: my points by email"):
        found = store.customer_by_email("anna@example.com")
        assert found is not None
        loyalty.statement(found.customer_id)
    with requests.counting("add a customer"):
        store.add_customer(Customer("boris", "boris@example.com", T0))
    sends_of_a_campaign(store, requests)


def sends_of_a_campaign(store: DynamoStore, requests: Requests, audience: int = 1000) -> None:
    """A newsletter's records: written, counted, claimed and settled, over how many partitions."""
    slug = "bench-issue"
    store.move_campaign(slug, CampaignState.DRAFT, T0, only_from={CampaignState.DRAFT})
    with requests.counting(f"a campaign's {audience} records written"):
        store.add_sends(slug, [(f"c{n}", "ru") for n in range(audience)])
    with requests.counting("the campaign started (its records counted)"):
        store.start_sending(slug, T0)
    with requests.counting("a batch of 50 claimed"):
        claimed = store.claim_sends(slug, "bench", 50, 100.0, 160.0)
    with requests.counting("the batch settled as sent"):
        store.settle_sends(
            slug, "bench", [Settled(c.customer_id, SendStatus.SENT, at=T0) for c in claimed]
        )
    partitions = {
        item["pk"]["S"]
        for page in store.client.get_paginator("scan").paginate(TableName=store.table)
        for item in page["Items"]
        if item["sk"]["S"].startswith("SEND#")
    }
    print(f"{'partitions holding the records':<40} {len(partitions):3}")


def purchases_with_writers(loyalty: LoyaltyService, store: DynamoStore, count: int = 2000) -> None:
    customers = 1000
    store.add_customers([Customer(f"c{n:05}", f"c{n}@example.com", T0) for n in range(customers)])

    def buy(n: int) -> None:
        loyalty.record_purchase(f"c{n % customers:05}", _order(10_000 + n, 100 + n % 900))

    elapsed = _timed(buy, count)
    print(
        f"purchases, {WRITERS} concurrent writers, 1 000 customers {count / elapsed:8.0f} /s"
        f"   ({count} in {elapsed:.2f} s)"
    )

    imported = [(f"c{n % customers:05}", _order(50_000 + n, 100 + n % 900)) for n in range(1000)]
    start = time.perf_counter()
    outcomes = loyalty.record_purchases(imported)
    elapsed = time.perf_counter() - start
    assert not any(isinstance(outcome, Exception) for outcome in outcomes)
    print(
        f"purchase import, a batch of 1 000 orders         {len(imported) / elapsed:8.0f} /s"
        f"   (one transaction per order, customers side by side)"
    )

    def buy_for_one(n: int) -> None:
        loyalty.record_purchase("c00000", _order(100_000 + n, 100))

    contended = 100
    elapsed = _timed(buy_for_one, contended)
    print(
        f"purchases, {WRITERS} concurrent writers, one customer   {contended / elapsed:8.0f} /s"
        f"   ({contended} in {elapsed:.2f} s; each conflict re-reads and retries)"
    )


def _timed(work: Callable[[int], None], count: int) -> float:
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(work, range(count)))
    return time.perf_counter() - start


@contextmanager
def bench_shop(now: datetime) -> Iterator[tuple[DynamoStore, LoyaltyService]]:
    """DynamoDB Local with a fresh table, and the example programme's loyalty on it."""
    os.environ.update(LOCAL_ENVIRONMENT)
    rules = Rules.of(load_programme(EXAMPLE))
    with running() as endpoint:
        # One client shared by the writers' threads (botocore clients are thread-safe).
        store = DynamoStore(f"bench-{uuid.uuid4().hex}", endpoint_url=endpoint)
        store.create_table()
        try:
            yield store, LoyaltyService(store, rules, clock=lambda: now)
        finally:
            store.close()


def main() -> None:
    with bench_shop(T0) as (store, loyalty):
        requests_per_use_case(loyalty, store)
        purchases_with_writers(loyalty, store)


if __name__ == "__main__":
    main()
