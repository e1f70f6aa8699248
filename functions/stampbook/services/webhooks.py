"""Outgoing webhooks: the owner's endpoints, and the events the use cases tell them.

Each event is owed in the very write that records what it tells of: a
commit's `Change.webhooks` (a purchase, a redemption, the nightly step),
or the `webhooks` given to `add_customer`, `record_consent` or
`record_feedback` (`owing` makes them); an answer left on the site owes
them right after its write (`tell`). Nothing is sent while the customer
waits: `on_owed` wakes the courier (`services.webhook_courier`), a thread
under `stampbook serve`, a message on the send queue on AWS.

Which endpoints want what is read from the store at most every
`ENDPOINTS_SECONDS`, not at every purchase: an endpoint added on another
machine is sent events from within that time.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from ..records.webhooks import (
    DISABLE_AFTER,
    EVENTS,
    EndpointState,
    OwedWebhook,
    WebhookEndpoint,
    new_endpoint_id,
    new_secret,
)
from ..webhooks.events import Event, owed_to

if TYPE_CHECKING:
    from ..store.base import Store

log = logging.getLogger("stampbook.webhooks")

ENDPOINTS_SECONDS = 10.0
MOST_ENDPOINTS = 20  # each event is one write per endpoint in the transaction it rides
OVERLAP_HOURS = 24  # a rotated secret still signs for a day beside the new one


class EndpointRefused(ValueError):
    """An endpoint the owner asked for that cannot be kept as given."""


class UnknownEndpoint(LookupError):
    pass


@dataclass
class Webhooks:
    store: Store
    clock: Callable[[], datetime]
    on_owed: Callable[[], None] = lambda: None  # wakes the courier; never fails the change
    _endpoints: tuple[WebhookEndpoint, ...] = field(default=(), repr=False)
    _read_at: float | None = field(default=None, repr=False)

    def endpoints(self) -> tuple[WebhookEndpoint, ...]:
        """The active endpoints, as read at most `ENDPOINTS_SECONDS` ago."""
        moment = time.monotonic()
        if self._read_at is None or moment - self._read_at > ENDPOINTS_SECONDS:
            active = (e for e in self.store.webhook_endpoints() if e.state is EndpointState.ACTIVE)
            self._endpoints, self._read_at = tuple(active), moment
        return self._endpoints

    def forget(self) -> None:
        """Read the endpoints again at the next event (after changing them here)."""
        self._read_at = None

    def owing(
        self, events: Iterable[Event], endpoints: tuple[WebhookEndpoint, ...] | None = None
    ) -> tuple[OwedWebhook, ...]:
        """The deliveries `events` owe, due now: what a commit writes with its change."""
        subscribed = self.endpoints() if endpoints is None else endpoints
        if not subscribed:
            return ()
        return owed_to(subscribed, events, int(self.clock().timestamp()))

    def tell(self, events: Iterable[Event]) -> None:
        """Owe `events` to whoever wants them, outside any commit, and wake the courier."""
        owed = self.owing(events)
        if owed:
            self.store.owe_webhooks(list(owed))
            self.wake()

    def wake(self) -> None:
        try:
            self.on_owed()
        except Exception:  # what is owed stays owed: the schedule or the next wake posts it
            log.exception("the webhook courier was not woken")

    # -- the owner's endpoints ------------------------------------------------

    def add(
        self, url: str, events: Iterable[str], disable_after: int = DISABLE_AFTER
    ) -> WebhookEndpoint:
        """A new endpoint with a new secret; EndpointRefused (nothing kept) if it cannot be."""
        from ..webhooks.delivery import endpoint_url  # http.client: only where it is used

        try:
            address = endpoint_url(url)
        except ValueError as bad:
            raise EndpointRefused(str(bad)) from None
        wanted = tuple(dict.fromkeys(events))
        unknown = [name for name in wanted if name not in EVENTS]
        if unknown or not wanted:
            raise EndpointRefused(
                f"unknown event {', '.join(unknown)}; choose from {', '.join(EVENTS)}"
                if unknown
                else f"name at least one event: {', '.join(EVENTS)}"
            )
        if disable_after < 1:
            raise EndpointRefused("--disable-after is a number of failures, at least 1")
        if len(self.store.webhook_endpoints()) >= MOST_ENDPOINTS:
            raise EndpointRefused(f"at most {MOST_ENDPOINTS} endpoints; remove one first")
        endpoint = WebhookEndpoint(
            new_endpoint_id(), address, wanted, new_secret(), self.clock(), disable_after
        )
        self.store.add_webhook_endpoint(endpoint)
        self.forget()
        return endpoint

    def find(self, endpoint_id: str) -> WebhookEndpoint:
        for endpoint in self.store.webhook_endpoints():
            if endpoint.endpoint_id == endpoint_id:
                return endpoint
        raise UnknownEndpoint(endpoint_id)

    def remove(self, endpoint_id: str) -> None:
        if not self.store.remove_webhook_endpoint(endpoint_id):
            raise UnknownEndpoint(endpoint_id)
        self.forget()

    def rotate(self, endpoint_id: str, overlap_hours: int = OVERLAP_HOURS) -> WebhookEndpoint:
        """A new secret for the endpoint, to show once; the old one signs beside it for
        `overlap_hours`, so the receiver can take the new one without a refusal between."""
        if overlap_hours < 0:
            raise EndpointRefused("--overlap-hours is a number of hours, 0 or more")
        secret, now = new_secret(), self.clock()
        until = int(now.timestamp()) + overlap_hours * 3600
        if not self.store.rotate_webhook_secret(endpoint_id, secret, until):
            raise UnknownEndpoint(endpoint_id)
        self.forget()
        return self.find(endpoint_id)

    def enable(self, endpoint_id: str) -> bool:
        """Turn a disabled endpoint on again; False if it was on."""
        self.find(endpoint_id)
        enabled = self.store.set_webhook_state(endpoint_id, EndpointState.ACTIVE, self.clock())
        self.forget()
        return enabled
