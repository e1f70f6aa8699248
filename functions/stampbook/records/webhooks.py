"""Outgoing webhooks: the owner's endpoints, the deliveries owed to them, and their log.

An endpoint is an address another tool listens on, the events it asked for
and its signing secret (`whsec_` and base64, as the Standard Webhooks
specification writes it). Each event it wants is owed to it as one
delivery, written in the very transaction that records what the event
reports where the store allows it, so a delivery is neither lost nor owed
twice; the courier sends it afterwards and removes it once dealt with.
Unlike a till key, the secret itself is kept: signing needs it.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

CUSTOMER_JOINED = "customer.joined"
CUSTOMER_UNSUBSCRIBED = "customer.unsubscribed"
POINTS_EARNED = "points.earned"
REWARD_REDEEMED = "reward.redeemed"
CERTIFICATE_ISSUED = "certificate.issued"
TIER_CHANGED = "tier.changed"
FEEDBACK_RECEIVED = "feedback.received"
EVENTS = (
    CUSTOMER_JOINED,
    CUSTOMER_UNSUBSCRIBED,
    POINTS_EARNED,
    REWARD_REDEEMED,
    CERTIFICATE_ISSUED,
    TIER_CHANGED,
    FEEDBACK_RECEIVED,
)
# Sent by `stampbook webhooks test` alone, to whichever events an endpoint asked for.
WEBHOOK_TEST = "webhook.test"
SECRET_PREFIX = "whsec_"
DISABLE_AFTER = 15  # failed attempts in a row, unless the owner chose otherwise


class EndpointState(StrEnum):
    ACTIVE = "active"
    DISABLED = "disabled"  # by the courier after failing too often, until enabled again


class Outcome(StrEnum):
    """What became of one attempt to deliver."""

    DELIVERED = "delivered"  # a 2xx answer
    FAILED = "failed"  # tried again later
    GIVEN_UP = "given up"  # the last try failed
    DROPPED = "dropped"  # not tried: the endpoint is disabled or removed
    # Not tried this round: its endpoint just failed; due again when its take lapses.
    PUT_OFF = "put off"


@dataclass(frozen=True)
class WebhookEndpoint:
    endpoint_id: str  # `ep_` and hex
    url: str
    events: tuple[str, ...]
    secret: str  # `whsec_<base64>`
    created_at: datetime
    disable_after: int = DISABLE_AFTER
    state: EndpointState = EndpointState.ACTIVE
    failures: int = 0  # failed attempts since the last delivered one
    disabled_at: datetime | None = None
    note: str = ""  # why it was disabled
    # The secret a rotation replaced, still signing beside the new one until
    # `previous_until` (Unix seconds), while the receiver moves to the new one.
    previous_secret: str = ""
    previous_until: int = 0

    def wants(self, event_type: str) -> bool:
        return self.state is EndpointState.ACTIVE and event_type in self.events

    def signing_secrets(self, now: int) -> tuple[str, ...]:
        """The secrets a delivery at `now` is signed with: the new first."""
        if self.previous_secret and now < self.previous_until:
            return (self.secret, self.previous_secret)
        return (self.secret,)


@dataclass(frozen=True, slots=True)
class OwedWebhook:
    """One event owed to one endpoint: the body is signed and sent as it is."""

    endpoint_id: str
    message_id: str  # the event's `webhook-id`: the same for every endpoint and every try
    event_type: str
    body: str  # the JSON payload, exactly as sent
    due: int  # Unix seconds: not to be sent before (later after each failure)
    attempts: int = 0  # failed tries so far


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    """One line of an endpoint's delivery log (no payload: it may name a customer)."""

    endpoint_id: str
    at: datetime
    message_id: str
    event_type: str
    attempt: int  # 1 for the first try
    outcome: Outcome
    status: int | None = None  # the receiver's HTTP status, if it answered
    detail: str = ""  # the error, for a failure without an answer


def new_endpoint_id() -> str:
    return f"ep_{secrets.token_hex(8)}"


def new_secret() -> str:
    """24 random bytes, written as the specification's `whsec_` and base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def message_id(occasion: str) -> str:
    """The `webhook-id` of what happened on `occasion` (e.g. `points.earned:purchase:A-1`):
    the same occasion told again is the same message, which a receiver drops as seen."""
    return "msg_" + hashlib.sha256(occasion.encode()).hexdigest()[:26]
