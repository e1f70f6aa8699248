"""Benchmark: DynamoDB capacity units per use case, and what a subscriber costs a month.

DynamoDB on demand bills read and write request units, so the cost table in
the operator's guide (`docs/pages/operator/costs.md`) rests on the units
each use case consumes, measured here on DynamoDB Local with
`ReturnConsumedCapacity` on every call. DynamoDB Local reports a
transaction's items at the plain rate; DynamoDB bills them twice (two units
per KB written in a transaction, two per 4 KB read), so transactions are
counted double here, as AWS counts them. Reads are strongly consistent
where the store asks for it and eventually consistent elsewhere, as the
service reports them.

Then one subscriber's month under the guide's assumptions (the emails, the
requests, the nights on which something is due), and the DynamoDB bill at
1 000, 100 000 and 1 000 000 subscribers at the prices the guide names.

Last, a regular's purchase and look-up as their history grows: a purchase
and a balance read each Query the customer's whole loyalty partition, so
their units grow with the purchases before them (on SQLite the same reads
are flat: tallies and summaries). For regulars with 0 to 1 000 earlier
purchases: the read units, requests and wall time (median of `REPEATS`) of
one more purchase through the loyalty service, of the till's look-up by
card code, and of the thank-you's balance read (`LoyaltyService.summary`,
as `Mailer.reader` asks it). Their earlier purchases are the very items
their commits would have written, put 25 to a BatchWriteItem. DynamoDB
Local answers in about a millisecond where AWS takes a few: the units and
requests carry over, the times only show the trend. Nothing asserted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.audience.mail_events import MailEvent, MailEventKind
from stampbook.loyalty.history import History
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.records.automation_sends import Automation, AutomationKey, EmailStatus
from stampbook.records.customers import Customer
from stampbook.services.loyalty import LoyaltyService
from stampbook.store.dynamodb.store import DynamoStore
from stampbook.store.dynamodb.table import LOYALTY, customer_key
from stampbook.store.dynamodb.writes import Partition, plan_commit, profile_key
from stampbook.store.sends import CampaignState, SendStatus, Settled

from .dynamodb import T0, _order, bench_shop

READS = {"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
TRANSACTIONS = {"TransactGetItems", "TransactWriteItems"}

# A subscriber's month, as the guide assumes it.
MONTH = {
    "newsletter email": 4,
    "automatic email": 1,
    "delivery event": 5,
    "purchase": 5,
    "look-up": 15,
    "night with something due": 4,
    "quiet night": 26,
}
# us-east-1 on-demand list prices, per million units (see costs.md for when read).
WRITE_PRICE = 0.625
READ_PRICE = 0.125

# A regular's earlier purchases, and how many times each read is timed.
HISTORIES = (0, 10, 100, 500, 1000)
REPEATS = 5
# BatchWriteItem's limit, and the most a Query page holds before LastEvaluatedKey.
BATCH = 25
PAGE_BYTES = 1024 * 1024


class Units:
    """Read and write units one store's client consumes, transactions counted as billed."""

    def __init__(self, store: DynamoStore) -> None:
        self.read = 0.0
        self.write = 0.0
        self.requests = 0
        events = store.client.meta.events
        events.register("provide-client-params.dynamodb", self._ask)
        events.register("after-call.dynamodb", self._add)

    def _ask(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if model.name in READS | WRITES:
            params["ReturnConsumedCapacity"] = "TOTAL"

    def _add(self, parsed: dict[str, Any], model: Any, **_: Any) -> None:
        consumed = parsed.get("ConsumedCapacity") or []
        units = sum(c.get("CapacityUnits", 0.0) for c in _listed(consumed))
        units *= 2 if model.name in TRANSACTIONS else 1
        self.requests += 1
        if model.name in READS:
            self.read += units
        elif model.name in WRITES:
            self.write += units

    @contextmanager
    def measuring(
        self, use_case: str, per: int, into: dict[str, tuple[float, float]]
    ) -> Iterator[None]:
        self.read = self.write = 0.0
        yield
        into[use_case] = (self.read / per, self.write / per)
        print(f"{use_case:<28} {self.read / per:7.2f} read  {self.write / per:7.2f} write units")


def _listed(consumed: Any) -> list[dict[str, Any]]:
    return consumed if isinstance(consumed, list) else [consumed]


def measure(store: DynamoStore, loyalty: LoyaltyService) -> dict[str, tuple[float, float]]:
    units = Units(store)
    found: dict[str, tuple[float, float]] = {}
    people = 200
    ids = [f"c{n:04}" for n in range(people)]
    confirmed = ConsentRecord(ConsentStatus.CONFIRMED, T0, "bench")
    with units.measuring("sign-up (customer, consent)", people, found):
        for customer_id in ids:
            store.add_customer(Customer(customer_id, f"{customer_id}@example.com", T0))
            store.record_consent(customer_id, confirmed)
    with units.measuring("purchase", people, found):
        for n, customer_id in enumerate(ids):
            loyalty.record_purchase(customer_id, _order(n, 500 + n))
    with units.measuring("look-up", people, found):
        for customer_id in ids:
            customer = store.customer_by_email(f"{customer_id}@example.com")
            assert customer is not None
            loyalty.summary(customer.customer_id)
            store.count_hit(f"look-up:{customer_id}", 120)  # the API's rate limit
    slug = "bench-issue"
    with units.measuring("newsletter email", people, found):
        store.move_campaign(slug, CampaignState.DRAFT, T0, only_from={CampaignState.DRAFT})
        store.add_sends(slug, [(customer_id, "ru") for customer_id in ids])
        store.start_sending(slug, T0)
        while claimed := store.claim_sends(slug, "bench", 50, 100.0, 160.0):
            settled = [Settled(c.customer_id, SendStatus.SENT, at=T0) for c in claimed]
            store.settle_sends(slug, "bench", settled)
    with units.measuring("automatic email", people, found):
        for customer_id in ids:
            occasion = AutomationKey(customer_id, Automation.BIRTHDAY, "2026")
            store.claim_automation(occasion, 100, 1000)
            store.finish_automation(occasion, EmailStatus.SENT, T0)
    with units.measuring("delivery event", people, found):
        for n, customer_id in enumerate(ids):
            event = MailEvent(
                f"sns-{n}", MailEventKind.DELIVERY, f"{customer_id}@example.com", T0, f"m{n}", ""
            )
            store.record_mail_event(event)
    night = T0 + timedelta(days=1)
    loyalty.clock = lambda: night
    with units.measuring("night with something due", people, found):
        for customer_id, key in loyalty.nightly_customers(night):
            if key is not None:
                loyalty.run_daily_for(customer_id, key)
    after = night + timedelta(days=1)
    loyalty.clock = lambda: after
    with units.measuring("quiet night", people, found):
        for customer_id, key in loyalty.nightly_customers(after):
            assert key is None, customer_id
    return found


def month(found: dict[str, tuple[float, float]]) -> tuple[float, float]:
    reads = sum(found[use][0] * times for use, times in MONTH.items())
    writes = sum(found[use][1] * times for use, times in MONTH.items())
    return reads, writes


@dataclass(frozen=True)
class Cost:
    """What one use case took: read units, write units, requests, wall and CPU seconds
    (this process's: botocore's parsing and the engine, which a Lambda would pay too)."""

    read: float
    write: float
    requests: int
    seconds: float
    cpu: float


def _median_cost(units: Units, use: Callable[[int], object]) -> Cost:
    """`use` run `REPEATS` times after one to warm up (the connection, the JVM): the
    run of the median time, with its units and requests (they barely move between runs)."""
    costs = []
    for run in range(REPEATS + 1):
        units.read = units.write = 0.0
        units.requests = 0
        start, cpu = time.perf_counter(), time.process_time()
        use(run)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        costs.append(Cost(units.read, units.write, units.requests, seconds, cpu))
    ranked = sorted(costs[1:], key=lambda cost: cost.seconds)
    return ranked[len(ranked) // 2]


def _visit(customer_id: str, n: int, at: datetime) -> Order:
    return Order(
        f"{customer_id}-o{n:05}", at, "RUB", (OrderLine("1", "drinks", Decimal(300 + n % 700)),)
    )


def seed_regular(
    store: DynamoStore, loyalty: LoyaltyService, customer_id: str, earlier: int
) -> None:
    """A regular with `earlier` purchases, one every 12 hours up to the bench's now.

    Each purchase is decided by the service on the history before it and
    planned by the store as a commit would plan it; its puts (the request
    record, the order's claim, the order, the ledger entries) go 25 to a
    BatchWriteItem instead of a transaction each, and the profile's version
    and tier are set once at the end.
    """
    store.add_customer(
        Customer(
            customer_id,
            f"{customer_id}@example.com",
            T0 - timedelta(days=600),
            referral_code=customer_id.upper(),
        )
    )
    history = History(customer_id)
    puts: list[dict[str, Any]] = []
    for n in range(earlier):
        order = _visit(customer_id, n, T0 - timedelta(hours=12 * (earlier - n)))
        [(_, request, decide)] = loyalty.purchase_items([(customer_id, order)], order.placed_at)
        change = decide(history)
        reading = Partition(history, n, {})
        plan = plan_commit(store.table, customer_id, request, change, {customer_id: reading})
        puts += [{"PutRequest": {"Item": w["Put"]["Item"]}} for w in plan.writes if "Put" in w]
        history = replace(
            history,
            entries=history.entries + tuple(entry for _, entry in change.entries),
            orders=(*history.orders, order),
            tier=change.tier,
        )
    for first in range(0, len(puts), BATCH):
        wanted: Any = {store.table: puts[first : first + BATCH]}
        while wanted:
            wanted = store.client.batch_write_item(RequestItems=wanted).get("UnprocessedItems")
    tier = {":tier": {"S": history.tier}} if history.tier else {}
    store.client.update_item(
        TableName=store.table,
        Key=profile_key(customer_id),
        UpdateExpression="SET version = :v" + (", tier = :tier" if tier else ""),
        ExpressionAttributeValues={":v": {"N": str(earlier)}, **tier},
    )


def regulars(store: DynamoStore, loyalty: LoyaltyService) -> None:
    """One more purchase, the till's look-up and the thank-you's balance, as a history grows."""
    units = Units(store)
    print("read (r) and write (w) units, DynamoDB requests, median wall time (this process's CPU)")
    print(
        f"{'earlier purchases':>17} | {'a purchase':<37} | {'the till look-up':<31}"
        " | the thank-you's balance"
    )
    for earlier in HISTORIES:
        regular = f"regular{earlier:05}"
        seed_regular(store, loyalty, regular, earlier)
        bought, looked, balance = _regular_costs(units, store, loyalty, regular)
        print(f"{earlier:>17,} | {_cell(bought, writes=True)} | {_cell(looked)} | {_cell(balance)}")
    _pages(store, f"regular{HISTORIES[-1]:05}", HISTORIES[-1])


def _cell(cost: Cost, *, writes: bool = False) -> str:
    wrote = f" {cost.write:3.0f} w" if writes else ""
    return (
        f"{cost.read:5.0f} r{wrote} {cost.requests} req"
        f" {cost.seconds * 1e3:5.0f} ms ({cost.cpu * 1e3:3.0f} CPU)"
    )


def _regular_costs(
    units: Units, store: DynamoStore, loyalty: LoyaltyService, regular: str
) -> tuple[Cost, Cost, Cost]:
    """One more purchase (a new order each run), the till's look-up by card code, and
    the thank-you's balance read, which `Mailer.reader` asks of `LoyaltyService.summary`."""

    def purchase(run: int) -> None:
        loyalty.record_purchase(regular, _visit(regular, 90_000 + run, T0))

    def look_up(_: int) -> None:
        customer = store.customer_by_code(regular.upper())
        assert customer is not None
        loyalty.summary(customer.customer_id)

    def balance(_: int) -> None:
        loyalty.summary(regular)

    return (
        _median_cost(units, purchase),
        _median_cost(units, look_up),
        _median_cost(units, balance),
    )


def _pages(store: DynamoStore, customer_id: str, earlier: int) -> None:
    """How full the customer's history Query (the store's) comes back against the 1 MB page."""
    pages, size = 0, 0
    arguments: dict[str, Any] = {
        "TableName": store.table,
        "KeyConditionExpression": "pk = :pk AND sk >= :loyalty",
        "ExpressionAttributeValues": {
            ":pk": {"S": customer_key(customer_id)},
            ":loyalty": {"S": LOYALTY},
        },
        "ConsistentRead": True,
        "ReturnConsumedCapacity": "TOTAL",
    }
    while True:
        page = store.client.query(**arguments)
        pages += 1
        size += int(page["ConsumedCapacity"]["CapacityUnits"] * 4096)
        if "LastEvaluatedKey" not in page:
            break
        arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    print(
        f"{customer_id}'s history: {pages} Query page(s), about {size / 1024:,.0f} KB"
        f" (read units × 4 KB) of the {PAGE_BYTES // 1024:,} KB a page holds; a page fills"
        f" at about {PAGE_BYTES / size * earlier:,.0f} purchases, and the store follows"
        f" LastEvaluatedKey from there (a request more per MB)"
    )


def main() -> None:
    with bench_shop(T0) as (store, loyalty):
        found = measure(store, loyalty)
    reads, writes = month(found)
    print(f"a subscriber's month: {reads:,.0f} read and {writes:,.0f} write units")
    for subscribers in (1_000, 100_000, 1_000_000):
        r, w = reads * subscribers / 1e6, writes * subscribers / 1e6
        cost = r * READ_PRICE + w * WRITE_PRICE
        print(
            f"{subscribers:>9,} subscribers: {r:8.1f} M reads, {w:8.1f} M writes:"
            f" ${cost:9,.2f} a month"
        )
    print("a regular's purchase and look-up as their history grows:")
    with bench_shop(T0) as (store, loyalty):
        regulars(store, loyalty)


if __name__ == "__main__":
    main()
