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
Nothing asserted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.audience.mail_events import MailEvent, MailEventKind
from stampbook.records.automation_sends import Automation, AutomationKey, EmailStatus
from stampbook.records.customers import Customer
from stampbook.services.loyalty import LoyaltyService
from stampbook.store.dynamodb.store import DynamoStore
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


class Units:
    """Read and write units one store's client consumes, transactions counted as billed."""

    def __init__(self, store: DynamoStore) -> None:
        self.read = 0.0
        self.write = 0.0
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


if __name__ == "__main__":
    main()
