"""Each event's body is the specification's envelope, the same bytes every time it is told,
with a message id of its own occasion: a retried request is the same message."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from stampbook.records.webhooks import WebhookEndpoint
from stampbook.webhooks.events import (
    certificate_issued,
    customer_joined,
    customer_unsubscribed,
    owed_to,
    points_earned,
)

AT = datetime(2026, 3, 2, 12, 0, 0, 250_000, tzinfo=UTC)


def test_the_envelope_says_when_to_the_microsecond_in_utc() -> None:
    moscow = AT.astimezone(datetime.now().astimezone().tzinfo)
    body = json.loads(customer_joined("c1", "anna@example.com", True, moscow).body())
    assert body == {
        "type": "customer.joined",
        "timestamp": "2026-03-02T12:00:00.250000Z",
        "data": {"customer_id": "c1", "email": "anna@example.com", "newsletter": True},
    }


def test_the_same_occasion_is_the_same_message_and_another_is_not() -> None:
    later = AT + timedelta(seconds=1)
    first = points_earned("c1", 45, "purchase", "purchase:A-1", AT, later, "A-1")
    again = points_earned("c1", 45, "purchase", "purchase:A-1", AT, later, "A-1")
    other = points_earned("c1", 45, "purchase", "purchase:A-2", AT, later, "A-2")
    assert (first.message_id, first.body()) == (again.message_id, again.body())
    assert other.message_id != first.message_id
    # Two unsubscriptions a moment apart (a re-subscription between) are two messages.
    left = customer_unsubscribed("c1", "anna@example.com", AT)
    assert customer_unsubscribed("c1", "anna@example.com", later).message_id != left.message_id


def test_a_certificates_value_is_exact_decimal_text() -> None:
    issued = certificate_issued("c1", "c1:spend-20k-6m:1", Decimal("2500.50"), "RUB", AT, AT)
    assert json.loads(issued.body())["data"]["value"] == "2500.50"


def test_deliveries_go_to_the_active_endpoints_that_want_the_event() -> None:
    def endpoint(endpoint_id: str, *events: str) -> WebhookEndpoint:
        return WebhookEndpoint(endpoint_id, "https://x.example", events, "whsec_x", AT)

    wanting = [endpoint("ep_1", "points.earned"), endpoint("ep_2", "tier.changed")]
    event = points_earned("c1", 45, "purchase", "purchase:A-1", AT, AT, "A-1")
    [owed] = owed_to(wanting, [event], 1_000)
    assert (owed.endpoint_id, owed.message_id, owed.body, owed.due) == (
        "ep_1",
        event.message_id,
        event.body(),
        1_000,
    )
