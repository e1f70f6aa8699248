"""Webhook endpoints, their owed deliveries and their log behave the same on every store:
a delivery is written with its commit, once, taken by one courier at a time, due again
later, gone once settled; failures are counted where they are kept."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.records.feedback import Feedback, FeedbackReason
from stampbook.records.webhooks import (
    EndpointState,
    Outcome,
    OwedWebhook,
    WebhookAttempt,
    WebhookEndpoint,
)
from stampbook.store.base import Change, CustomerExists, Reads, Request, Store

from .conftest import T0, customer

T = int(T0.timestamp())


def endpoint(endpoint_id: str = "ep_1", **changes: object) -> WebhookEndpoint:
    fields: dict[str, object] = {
        "endpoint_id": endpoint_id,
        "url": "https://crm.example.com/hooks",
        "events": ("points.earned", "tier.changed"),
        "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "created_at": T0,
        "disable_after": 5,
    }
    fields.update(changes)
    return WebhookEndpoint(**fields)  # type: ignore[arg-type]


def delivery(endpoint_id: str, message_id: str, due: int = T) -> OwedWebhook:
    body = '{"type":"points.earned","timestamp":"2026-03-02T09:00:00Z","data":{"points":45}}'
    return OwedWebhook(endpoint_id, message_id, "points.earned", body, due)


def test_endpoints_are_kept_with_their_secret_and_listed_oldest_first(store: Store) -> None:
    later = endpoint("ep_2", created_at=T0 + timedelta(minutes=1), url="https://b.example/x")
    store.add_webhook_endpoint(later)
    store.add_webhook_endpoint(endpoint())
    assert store.webhook_endpoints() == [endpoint(), later]


def test_a_purchase_owes_its_deliveries_in_its_own_transaction_once(store: Store) -> None:
    store.add_customer(customer())
    owed = (delivery("ep_1", "msg_a"), delivery("ep_2", "msg_a"))
    order = Order("A-1", T0, "RUB", (OrderLine("1", "beans", Decimal(450)),))
    request = Request("purchase:A-1", "c1:A-1", Reads.TIER_SPEND, "A-1")
    change = Change({"order_id": "A-1"}, order=order, webhooks=owed)
    store.commit("c1", request, lambda history: change)
    assert store.commit("c1", request, lambda history: change).replayed
    assert sorted(store.owed_webhooks_due(T, 10), key=lambda o: o.endpoint_id) == list(owed)


def test_a_delivery_is_taken_by_one_courier_postponed_and_settled_with_its_log(
    store: Store,
) -> None:
    owed = delivery("ep_1", "msg_a")
    store.owe_webhooks([owed, owed])  # the same event told twice: owed once
    assert store.owed_webhooks_due(T - 1, 10) == []
    [listed] = store.owed_webhooks_due(T, 10)
    assert store.take_owed_webhooks([listed], T + 30) == [listed]
    assert store.take_owed_webhooks([listed], T + 30) == []  # a second courier: taken
    assert store.owed_webhooks_due(T + 29, 10) == []
    failed = WebhookAttempt("ep_1", T0, "msg_a", "points.earned", 1, Outcome.FAILED, 503)
    store.finish_owed_webhook(listed, failed, T + 1000, due_again=T + 300)
    [again] = store.owed_webhooks_due(T + 300, 10)
    assert (again.due, again.attempts, again.body) == (T + 300, 1, owed.body)
    [taken] = store.take_owed_webhooks([again], T + 330)
    delivered = replace(
        failed, at=T0 + timedelta(seconds=300), attempt=2, outcome=Outcome.DELIVERED
    )
    store.finish_owed_webhook(taken, delivered, T + 1000)
    assert store.owed_webhooks_due(T + 10_000, 10) == []
    assert store.webhook_attempts("ep_1", T, 10) == [delivered, failed]


def test_a_delivery_dropped_for_an_endpoint_removed_leaves_no_log(store: Store) -> None:
    owed = delivery("ep_gone", "msg_a")
    store.owe_webhooks([owed])
    [taken] = store.take_owed_webhooks([owed], T + 30)
    store.finish_owed_webhook(taken, None, T + 1000)
    assert store.owed_webhooks_due(T + 10_000, 10) == []
    assert store.webhook_attempts("ep_gone", T, 10) == []


def test_failures_are_counted_until_one_is_delivered(store: Store) -> None:
    store.add_webhook_endpoint(endpoint())
    assert [store.webhook_failed("ep_1") for _ in range(3)] == [1, 2, 3]
    store.webhook_delivered("ep_1")
    assert store.webhook_failed("ep_1") == 1
    assert store.webhook_failed("ep_unknown") == 0


def test_an_endpoint_is_disabled_once_with_why_and_enabled_afresh(store: Store) -> None:
    store.add_webhook_endpoint(endpoint())
    store.webhook_failed("ep_1")
    at = T0 + timedelta(hours=5)
    assert store.set_webhook_state("ep_1", EndpointState.DISABLED, at, "5 failed")
    assert not store.set_webhook_state("ep_1", EndpointState.DISABLED, at, "again")
    [disabled] = store.webhook_endpoints()
    assert (disabled.state, disabled.disabled_at, disabled.note) == (
        EndpointState.DISABLED,
        at,
        "5 failed",
    )
    assert not disabled.wants("points.earned")
    assert store.set_webhook_state("ep_1", EndpointState.ACTIVE, at)
    assert store.webhook_endpoints() == [endpoint()]
    assert not store.set_webhook_state("ep_unknown", EndpointState.DISABLED, at, "x")


def test_the_log_keeps_each_attempt_newest_first_until_its_time(store: Store) -> None:
    store.add_webhook_endpoint(endpoint())
    first = WebhookAttempt("ep_1", T0, "msg_a", "points.earned", 1, Outcome.FAILED, 503)
    second = WebhookAttempt(
        "ep_1", T0 + timedelta(seconds=5), "msg_a", "points.earned", 2, Outcome.DELIVERED, 204
    )
    refused = WebhookAttempt(
        "ep_1", T0 + timedelta(seconds=6), "msg_b", "tier.changed", 1, Outcome.FAILED, None, "down"
    )
    store.log_webhook_attempt(first, T + 100)
    store.log_webhook_attempt(second, T + 1000)
    store.log_webhook_attempt(refused, T + 1000)
    assert store.webhook_attempts("ep_1", T, 10) == [refused, second, first]
    assert store.webhook_attempts("ep_1", T, 2) == [refused, second]
    assert store.webhook_attempts("ep_1", T + 100, 10) == [refused, second]  # past its time


def test_removing_an_endpoint_forgets_what_is_owed_to_it_and_its_log(store: Store) -> None:
    store.add_webhook_endpoint(endpoint())
    store.add_webhook_endpoint(endpoint("ep_2", created_at=T0 + timedelta(seconds=1)))
    store.owe_webhooks([delivery("ep_1", "msg_a"), delivery("ep_2", "msg_a")])
    store.log_webhook_attempt(
        WebhookAttempt("ep_1", T0, "msg_a", "points.earned", 1, Outcome.FAILED, 500), T + 100
    )
    assert store.remove_webhook_endpoint("ep_1")
    assert not store.remove_webhook_endpoint("ep_1")
    assert [e.endpoint_id for e in store.webhook_endpoints()] == ["ep_2"]
    assert [o.endpoint_id for o in store.owed_webhooks_due(T, 10)] == ["ep_2"]
    assert store.webhook_attempts("ep_1", T, 10) == []


def test_erasing_a_customer_drops_the_deliveries_about_them_alone(store: Store) -> None:
    store.add_customer(customer())
    store.add_customer(customer("c2", "boris@example.com"))

    def about(customer_id: str, message_id: str) -> OwedWebhook:
        body = (
            '{"type":"customer.joined","timestamp":"2026-03-02T09:00:00Z","data":'
            f'{{"customer_id":"{customer_id}","email":"x@example.com","newsletter":true}}}}'
        )
        return OwedWebhook("ep_1", message_id, "customer.joined", body, T + 3600)

    store.owe_webhooks([about("c1", "msg_a"), about("c2", "msg_b")])
    assert store.erase_customer("c1")
    assert [o.message_id for o in store.owed_webhooks_due(T + 3600, 10)] == ["msg_b"]


def test_a_customer_a_consent_and_an_answer_owe_their_deliveries_in_their_own_write(
    store: Store,
) -> None:
    joined, unsubscribed, answered = (
        delivery("ep_1", "msg_joined"),
        delivery("ep_1", "msg_unsubscribed"),
        delivery("ep_1", "msg_answered"),
    )
    member = ConsentRecord(ConsentStatus.MEMBER, T0, "shop:shopify/web")
    store.add_customer(customer(), member, (joined,))
    with pytest.raises(CustomerExists):  # refused: nothing of it is written
        store.add_customer(customer("c9"), member, (delivery("ep_1", "msg_never"),))
    left = ConsentRecord(ConsentStatus.UNSUBSCRIBED, T0, "email:one-click")
    store.record_consent("c1", left, webhooks=(unsubscribed,))
    answer = Feedback("order:A-1", "c1", FeedbackReason.STAFF, T0, "", "A-1")
    assert store.record_feedback(answer, (answered,))
    assert not store.record_feedback(answer, (delivery("ep_1", "msg_twice"),))
    owed = sorted(o.message_id for o in store.owed_webhooks_due(T, 10))
    assert owed == ["msg_answered", "msg_joined", "msg_unsubscribed"]


def test_a_rotated_secret_keeps_the_one_it_replaced_until_its_time(store: Store) -> None:
    store.add_webhook_endpoint(endpoint())
    new = "whsec_c2Vjb25kIHNlY3JldCBmb3IgdGhlIGNybSBob29r"
    assert store.rotate_webhook_secret("ep_1", new, T + 3600)
    [rotated] = store.webhook_endpoints()
    assert (rotated.secret, rotated.previous_secret) == (new, endpoint().secret)
    assert rotated.signing_secrets(T) == (new, endpoint().secret)
    assert rotated.signing_secrets(T + 3600) == (new,)
    assert not store.rotate_webhook_secret("ep_unknown", new, T + 3600)
