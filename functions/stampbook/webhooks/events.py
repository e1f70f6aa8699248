"""What each event tells, and no more: the payloads, and the deliveries they owe.

A payload is the specification's envelope, `{"type", "timestamp", "data"}`.
`data` names the customer by id alone, except where a receiver can do
nothing without the address: a customer joining (a mailing or CRM tool
adds them by address) and unsubscribing (a mailing tool stops mailing an
address, and may never have seen the id). A certificate's code is never
sent: whoever holds it can spend it. Free text (a questionnaire's comment,
an adjustment's reason) stays in the customer file.

Each event is keyed by its occasion, so the same occasion told twice (a
retried request) is the same message, with the same `webhook-id`.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from ..records.webhooks import (
    CERTIFICATE_ISSUED,
    CUSTOMER_JOINED,
    CUSTOMER_UNSUBSCRIBED,
    FEEDBACK_RECEIVED,
    POINTS_EARNED,
    REWARD_REDEEMED,
    TIER_CHANGED,
    WEBHOOK_TEST,
    OwedWebhook,
    WebhookEndpoint,
    message_id,
)


@dataclass(frozen=True)
class Event:
    event_type: str
    occasion: str  # what happened, uniquely: the message's id is made from it
    at: datetime
    data: dict[str, Any]

    @property
    def message_id(self) -> str:
        return message_id(f"{self.event_type}:{self.occasion}")

    def body(self) -> str:
        """The JSON sent, compact and in a fixed order: the bytes signed are the bytes sent."""
        payload = {"type": self.event_type, "timestamp": _moment(self.at), "data": self.data}
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def owed_to(
    endpoints: Iterable[WebhookEndpoint], events: Iterable[Event], due: int
) -> tuple[OwedWebhook, ...]:
    """One delivery per event and endpoint that wants it."""
    wanting = list(endpoints)
    return tuple(
        OwedWebhook(endpoint.endpoint_id, event.message_id, event.event_type, event.body(), due)
        for event in events
        for endpoint in wanting
        if endpoint.wants(event.event_type)
    )


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _moment(moment: datetime) -> str:
    """When it happened, to the microsecond: deliveries may come in any order, and a
    receiver puts a joining and an unsubscribing of the same second in theirs by it."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _money(amount: Decimal) -> str:
    return str(amount)  # exact, as text: never a float


def customer_joined(customer_id: str, email: str, newsletter: bool, at: datetime) -> Event:
    """A member from now on: their sign-up confirmed, or a web shop's new buyer. Once per
    customer; `newsletter` says whether they may be sent marketing."""
    data = {"customer_id": customer_id, "email": email, "newsletter": newsletter}
    return Event(CUSTOMER_JOINED, customer_id, at, data)


def customer_unsubscribed(customer_id: str, email: str, at: datetime) -> Event:
    data = {"customer_id": customer_id, "email": email}
    return Event(CUSTOMER_UNSUBSCRIBED, f"{customer_id}:{_moment(at)}", at, data)


def points_earned(
    customer_id: str,
    points: int,
    reason: str,
    occasion: str,
    at: datetime,
    available_at: datetime,
    order_id: str | None = None,
) -> Event:
    """Points credited: `reason` is `purchase`, `birthday` or `referral`; they can be
    spent from `available_at` (a purchase's are pending through the return window)."""
    data: dict[str, Any] = {
        "customer_id": customer_id,
        "points": points,
        "reason": reason,
        "available_at": _time(available_at),
    }
    if order_id is not None:
        data["order_id"] = order_id
    return Event(POINTS_EARNED, occasion, at, data)


def reward_redeemed(
    customer_id: str, reward_id: str, points: int, available: int, request: str, at: datetime
) -> Event:
    data = {
        "customer_id": customer_id,
        "reward_id": reward_id,
        "points": points,
        "points_available": available,
    }
    return Event(REWARD_REDEEMED, request, at, data)


def certificate_issued(
    customer_id: str,
    certificate_id: str,
    value: Decimal,
    currency: str,
    expires_at: datetime,
    at: datetime,
) -> Event:
    data = {
        "customer_id": customer_id,
        "certificate_id": certificate_id,
        "value": _money(value),
        "currency": currency,
        "expires_at": _time(expires_at),
    }
    return Event(CERTIFICATE_ISSUED, certificate_id, at, data)


def tier_changed(
    customer_id: str, tier: str | None, previous: str | None, occasion: str, at: datetime
) -> Event:
    data = {"customer_id": customer_id, "tier": tier, "previous_tier": previous}
    return Event(TIER_CHANGED, occasion, at, data)


def feedback_received(
    feedback_id: str, customer_id: str | None, reason: str, order_id: str | None, at: datetime
) -> Event:
    """An answer to the questionnaire: for an order (its customer), or left on the site
    (nobody's: no customer). The comment stays in the customer file."""
    data = {
        "feedback_id": feedback_id,
        "customer_id": customer_id,
        "reason": reason,
        "order_id": order_id,
    }
    return Event(FEEDBACK_RECEIVED, feedback_id, at, data)


def webhook_test(endpoint_id: str, at: datetime) -> Event:
    """What `stampbook webhooks test` sends: no customer in it, a new message each time."""
    return Event(WEBHOOK_TEST, secrets.token_hex(8), at, {"endpoint_id": endpoint_id})
