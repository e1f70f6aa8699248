"""Benchmark: outgoing webhook deliveries per second to a receiver on 127.0.0.1.

First, what owing them costs a purchase: one till's durable purchases with
no endpoint, and with one wanting points.earned and tier.changed. Then
`BACKLOG` points.earned deliveries are owed (as purchases owe them) to one
endpoint, then to two, and one courier round posts them all, signed, on
kept-alive connections to an `http.server` receiver in this process; on
SQLite, then on DynamoDB Local (fewer: each delivery is three requests
there: the listed item's get, its take, and one transaction settling it
with its log line). Last, purchases at the
till of a live `stampbook serve` with one endpoint: how soon the server's
webhook courier has posted them all. Nothing asserted.
"""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from stampbook.loyalty.orders import Order, OrderLine
from stampbook.loyalty.rules import Rules
from stampbook.programme import load_programme
from stampbook.records.customers import Customer
from stampbook.records.webhooks import EVENTS, OwedWebhook
from stampbook.services.loyalty import LoyaltyService
from stampbook.services.webhook_courier import WebhookCourier
from stampbook.services.webhooks import Webhooks
from stampbook.store.base import Store
from stampbook.store.dynamodb.store import DynamoStore
from stampbook.store.sqlite import SqliteStore
from stampbook.webhooks.events import points_earned
from tests.api.test_serve import post, serving
from tests.support.dynamodb_local import LOCAL_ENVIRONMENT, running
from tests.support.paths import EXAMPLE
from tests.support.webhook_receiver import Receiver, webhook_receiver

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BACKLOG = int(os.environ.get("STAMPBOOK_BENCH_WEBHOOKS", "2000"))
PURCHASES = 300


def _owe(store: Store, receivers: list[Receiver], count: int) -> int:
    webhooks = Webhooks(store, lambda: NOW)
    for receiver in receivers:
        webhooks.add(receiver.url, EVENTS)
    webhooks.forget()
    owed: list[OwedWebhook] = []
    for n in range(count):
        event = points_earned(
            f"customer{n:06}", 45, "purchase", f"purchase:o{n}", NOW, NOW + timedelta(days=14)
        )
        owed += webhooks.owing([event])
    store.owe_webhooks(owed)
    return len(owed)


def drained(store: Store, endpoints: int, count: int, label: str) -> None:
    with webhook_receiver() as first, webhook_receiver() as second:
        receivers = [first, second][:endpoints]
        owed = _owe(store, receivers, count)
        courier = WebhookCourier(store, lambda: NOW)
        start = time.perf_counter()
        outcomes = courier.deliver_due(most=owed)
        took = time.perf_counter() - start
    got = sum(len(r.received) for r in receivers)
    print(
        f"  {label}, {endpoints} endpoint(s): {got} of {owed} delivered in {took:.2f} s "
        f"({got / took:.0f}/s); {dict(outcomes)}"
    )


def on_sqlite(folder: Path) -> None:
    for endpoints in (1, 2):
        store = SqliteStore(folder / f"webhooks-{endpoints}.db")
        drained(store, endpoints, BACKLOG // endpoints, "SQLite")
        store.close()


def on_dynamodb() -> None:
    os.environ.update(LOCAL_ENVIRONMENT)
    with running() as endpoint:
        store = DynamoStore(f"bench-{uuid.uuid4().hex}", endpoint_url=endpoint)
        store.create_table()
        try:
            drained(store, 1, BACKLOG // 4, "DynamoDB Local")
        finally:
            store.delete_table()
            store.close()


def on_serve(folder: Path) -> None:
    with webhook_receiver() as receiver, serving(folder) as (base, token):
        store = SqliteStore(folder / "served.db")
        Webhooks(store, lambda: NOW).add(receiver.url, ["points.earned"])
        start = time.perf_counter()
        for n in range(PURCHASES):
            order = {
                "customer": {"code": "ANNA2345"},
                "order_id": f"W-{n}",
                "placed_at": "2026-11-23T12:00:00+03:00",
                "lines": [{"line_id": "1", "category": "beans", "amount": "450"}],
            }
            post(f"{base}/till/purchases", order, token)
        recorded = time.perf_counter() - start
        while len(receiver.received) < PURCHASES and time.perf_counter() - start < 120:
            time.sleep(0.01)
        took = time.perf_counter() - start
        store.close()
    print(
        f"  stampbook serve: {PURCHASES} purchases in {recorded:.2f} s, one at a time; "
        f"{len(receiver.received)} points.earned posted {took - recorded:.2f} s after the last"
        f" ({len(receiver.received) / took:.0f}/s over the whole run)"
    )


def purchases_owing(folder: Path, endpoints: int, count: int = 3000) -> None:
    """Purchases from one till, durable, with no endpoint and with one wanting their events:
    what writing a purchase's deliveries in its own transaction costs the till."""
    store = SqliteStore(folder / f"purchases-{endpoints}.db")
    store.add_customers([Customer(f"c{n:05}", f"c{n}@example.com", NOW) for n in range(500)])
    loyalty = LoyaltyService(store, Rules.of(load_programme(EXAMPLE)), clock=lambda: NOW)
    for n in range(endpoints):
        loyalty.webhooks.add(f"http://127.0.0.1:9/{n}", ["points.earned", "tier.changed"])
    start, cpu = time.perf_counter(), time.process_time()
    for n in range(count):
        lines = (OrderLine("1", "beans", Decimal(100 + n % 900)),)
        loyalty.record_purchase(f"c{n % 500:05}", Order(f"o{n}", NOW, "RUB", lines))
    took, cpu_each = time.perf_counter() - start, (time.process_time() - cpu) / count * 1e6
    owed = len(store.owed_webhooks_due(2**40, 10 * count))
    store.close()
    print(
        f"  purchases, one till, {endpoints} endpoint(s): {count / took:.0f}/s"
        f" ({cpu_each:.0f} µs CPU each), {owed} deliveries owed with them"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for endpoints in (0, 1):
            purchases_owing(Path(folder), endpoints)
        on_sqlite(Path(folder))
        on_dynamodb()
        (Path(folder) / "serve").mkdir()
        on_serve(Path(folder) / "serve")


if __name__ == "__main__":
    main()
