"""Outgoing webhooks on every store, to a real receiver on 127.0.0.1: each event told by
the use case where it happens, signed as the Standard Webhooks specification says (checked
by a verifier written from the specification, `tests/support/standard_webhooks.py`, not by
the product's own code), tried again on failure, and the endpoint turned off when its
receiver stays down."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from stampbook.loyalty.orders import Order, OrderLine
from stampbook.records.feedback import FeedbackReason
from stampbook.records.webhooks import EVENTS, EndpointState, Outcome
from stampbook.services.questionnaire import answer_for_order, answer_on_site
from stampbook.services.subscriptions import Evidence, SignUp, confirm, subscribe, unsubscribe
from stampbook.services.webhook_courier import WebhookCourier, webhook_courier
from tests.support.backends import fresh_table
from tests.support.shop import EVER, Shop
from tests.support.standard_webhooks import verified
from tests.support.webhook_receiver import nobody_listening, webhook_receiver

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "dynamodb"])
def shop(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Shop]:
    """A shop on its SQLite file, or on a table of its own on DynamoDB Local."""
    if request.param == "sqlite":
        yield Shop(tmp_path, NOW)
        return
    endpoint = request.getfixturevalue("dynamodb_local")
    with fresh_table(endpoint) as backend:
        settings = {"store": "dynamodb", "table": backend.location, "dynamodb_endpoint": endpoint}
        yield Shop(tmp_path, NOW, store=settings)


def courier(shop: Shop) -> WebhookCourier:
    return webhook_courier(shop.app.mailer)


def courier_of(shop: Shop) -> WebhookCourier:
    """A courier of another process's view of the shop: its own store connection."""
    return webhook_courier(shop.open().mailer)


def test_each_event_reaches_the_receiver_signed_with_no_more_than_it_needs(shop: Shop) -> None:
    app = shop.app
    with webhook_receiver() as receiver:
        endpoint = app.loyalty.webhooks.add(receiver.url, EVENTS)
        emails = app.emails
        subscribe(emails, SignUp("anna@example.com", "Anna", "en", "v1"), Evidence("site"))
        anna = app.store.customer_by_email("anna@example.com")
        assert anna is not None
        confirm(emails, anna.customer_id, Evidence("site:confirm"))
        confirm(emails, anna.customer_id, Evidence("site:confirm"))  # a second click: no event
        lines = (OrderLine("1", "beans", Decimal(20000)),)
        app.loyalty.record_purchase(anna.customer_id, Order("A-1", NOW, "RUB", lines))
        app.loyalty.record_purchase(anna.customer_id, Order("A-1", NOW, "RUB", lines))  # retried
        app.loyalty.adjust(anna.customer_id, 300, "a welcome gift", "gift-1")
        app.loyalty.redeem(anna.customer_id, "espresso", "r-1")
        shop.now = NOW + timedelta(days=15)  # past the return window
        app.loyalty.run_daily_for(anna.customer_id)
        answer_for_order(
            app.store, shop.now, "A-1", FeedbackReason.STAFF, "rude", app.loyalty.webhooks
        )
        site = answer_on_site(
            app.store, shop.now, FeedbackReason.OTHER, "meh", "A-9", "b@x.org", app.loyalty.webhooks
        )
        unsubscribe(app.mailer, anna.customer_id, Evidence("email:one-click"))

        outcomes = courier(shop).deliver_due()

    assert outcomes == {Outcome.DELIVERED: 8}
    assert all(verified(r, endpoint.secret) for r in receiver.received)
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 8
    [on_site] = [r for r in receiver.received if r.payload["data"].get("customer_id") is None]
    # Left on the site, an answer is nobody's: neither the order as typed nor the address.
    assert on_site.payload["data"] == {
        "feedback_id": site.feedback_id,
        "customer_id": None,
        "reason": "other",
        "order_id": None,
    }
    told = {r.payload["type"]: r.payload["data"] for r in receiver.received if r is not on_site}
    assert receiver.types().count("points.earned") == 1  # the adjustment is no event
    person = anna.customer_id
    assert told == {
        "customer.joined": {"customer_id": person, "email": anna.email, "newsletter": True},
        "points.earned": {
            "customer_id": person,
            "points": 2000,
            "reason": "purchase",
            "available_at": "2026-03-16T09:00:00Z",
            "order_id": "A-1",
        },
        "tier.changed": {"customer_id": person, "tier": "regular", "previous_tier": None},
        "reward.redeemed": {
            "customer_id": person,
            "reward_id": "espresso",
            "points": 120,
            "points_available": 180,
        },
        "certificate.issued": {
            "customer_id": person,
            "certificate_id": told["certificate.issued"]["certificate_id"],
            "value": "2500",
            "currency": "RUB",
            "expires_at": told["certificate.issued"]["expires_at"],
        },
        "feedback.received": {
            "feedback_id": "order:A-1",
            "customer_id": person,
            "reason": "staff",
            "order_id": "A-1",
        },
        "customer.unsubscribed": {"customer_id": person, "email": anna.email},
    }
    [certificate] = app.store.history(person).certificates
    everything = " ".join(r.body for r in receiver.received)
    assert certificate.code not in everything  # whoever holds a code can spend it
    assert "rude" not in everything
    assert "Anna" not in everything
    assert "b@x.org" not in everything
    # Nothing is owed any more, and the log has a line for each.
    assert app.store.owed_webhooks_due(EVER, 100) == []
    assert len(app.store.webhook_attempts(endpoint.endpoint_id, EVER - 1, 100)) == 0  # past
    assert (
        len(app.store.webhook_attempts(endpoint.endpoint_id, int(shop.now.timestamp()), 100)) == 8
    )


def test_a_receiver_failing_twice_then_answering_gets_the_event_exactly_once_more(
    shop: Shop,
) -> None:
    app = shop.app
    shop.customer("bob", "en")
    with webhook_receiver(answers=[500, 503]) as receiver:
        endpoint = app.loyalty.webhooks.add(receiver.url, ["points.earned"])
        shop.purchase("bob", "B-1", 1000)
        runs = []
        for wait in (0, 5, 300, 1800, 86_400, 86_400):  # the schedule's first waits, then days
            shop.now += timedelta(seconds=wait)
            runs.append(courier(shop).deliver_due())

    assert runs[:3] == [{Outcome.FAILED: 1}, {Outcome.FAILED: 1}, {Outcome.DELIVERED: 1}]
    assert runs[3:] == [{}, {}, {}]
    assert len(receiver.received) == 3
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 1  # one message
    assert len({r.body for r in receiver.received}) == 1
    assert all(verified(r, endpoint.secret) for r in receiver.received)
    log = app.store.webhook_attempts(endpoint.endpoint_id, int(NOW.timestamp()), 10)
    assert [(a.attempt, a.outcome, a.status) for a in reversed(log)] == [
        (1, Outcome.FAILED, 500),
        (2, Outcome.FAILED, 503),
        (3, Outcome.DELIVERED, 204),
    ]
    [listed] = app.store.webhook_endpoints()
    assert (listed.state, listed.failures) == (EndpointState.ACTIVE, 0)  # counted afresh


def test_a_receiver_down_for_good_is_turned_off_after_its_tries_and_the_owner_told(
    shop: Shop,
) -> None:
    app = shop.app
    shop.customer("cleo", "en")
    endpoint = app.loyalty.webhooks.add(nobody_listening(), ["points.earned"], disable_after=3)
    shop.purchase("cleo", "C-1", 1000)
    shop.purchase("cleo", "C-2", 1000)
    runs = []
    for wait in (0, 5, 300, 5):
        shop.now += timedelta(seconds=wait)
        runs.append(courier(shop).deliver_due())

    # One try a round while it fails (C-2 waits its turn untried), until the third failure
    # in a row turns it off: what is still owed to it is dropped when due.
    assert runs == [
        {Outcome.FAILED: 1, Outcome.PUT_OFF: 1},
        {Outcome.FAILED: 1},
        {Outcome.FAILED: 1, Outcome.DROPPED: 1},
        {Outcome.DROPPED: 1},
    ]
    [off] = app.store.webhook_endpoints()
    assert off.state is EndpointState.DISABLED
    assert off.failures == 3
    assert "Connection refused" in off.note
    assert app.store.owed_webhooks_due(EVER, 10) == []
    [note] = shop.mail("owner@mednaya-turka.example")
    assert endpoint.url in str(note["Subject"])
    assert endpoint.endpoint_id in note.get_content()
    app.loyalty.webhooks.forget()  # as a server does within seconds
    shop.purchase("cleo", "C-3", 1000)  # an endpoint that is off is owed nothing
    assert app.store.owed_webhooks_due(EVER, 10) == []
    assert app.loyalty.webhooks.enable(endpoint.endpoint_id)
    shop.purchase("cleo", "C-4", 1000)
    assert [o.endpoint_id for o in app.store.owed_webhooks_due(EVER, 10)] == [off.endpoint_id]


def test_two_couriers_at_once_post_each_delivery_once(shop: Shop) -> None:
    for n in range(12):
        shop.customer(f"p{n:02}", "en")
    with webhook_receiver() as receiver:
        shop.app.loyalty.webhooks.add(receiver.url, ["points.earned"])
        for n in range(12):
            shop.purchase(f"p{n:02}", f"P-{n}", 1000)
        couriers = [courier_of(shop) for _ in range(2)]  # two processes' views
        start = threading.Barrier(2)
        outcomes: list[Counter[Outcome]] = []

        def run(one: WebhookCourier) -> None:
            start.wait()
            outcomes.append(one.deliver_due())

        threads = [threading.Thread(target=run, args=(one,)) for one in couriers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    ids = [r.headers["webhook-id"] for r in receiver.received]
    assert len(ids) == len(set(ids)) == 12
    assert sum(o[Outcome.DELIVERED] for o in outcomes) == 12
