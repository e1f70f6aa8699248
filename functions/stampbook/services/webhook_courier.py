"""The webhook courier: posts the deliveries owed, signed, and tries the failed ones again.

For each delivery that is due it:

1. takes it, ten at a time (its due time moves on by `TAKE_SECONDS`, on
   condition that it is still the one listed), so two couriers never post
   one at once;
2. signs it for this try (a new `webhook-timestamp`, the same `webhook-id`)
   and posts it to its endpoint;
3. a 2xx answer: owed no more. Anything else: due again after the next
   wait of `RETRY_SCHEDULE` (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight
   tries over about 27 hours), then given up;
4. logs the try in the same write that settles or postpones the delivery,
   and counts a failure for the endpoint (whose other deliveries wait for a
   later round, untried and uncounted): `disable_after` failures in
   a row turn the endpoint off, and the owner is told (an email to the
   report's address, and `stampbook webhooks list`). Deliveries owed to an
   endpoint that is off or removed are dropped, and logged so.

A courier that dies mid-way leaves the delivery owed, due again when its take
lapses: a receiver may then get it twice, with the same `webhook-id`.

Who runs it: `stampbook serve` in a thread of its own, woken by each change
that owes a delivery; `stampbook daily`; on AWS the send queue's consumer (a
message put after the change) and the 5-minute schedule.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING

from ..records.webhooks import (
    WEBHOOK_TEST,
    EndpointState,
    Outcome,
    OwedWebhook,
    WebhookAttempt,
    WebhookEndpoint,
)
from ..webhooks.delivery import Answer, Poster
from ..webhooks.events import Event, webhook_test
from ..webhooks.signing import signed_headers

if TYPE_CHECKING:
    from ..store.base import Store
    from .mailer import Mailer

log = logging.getLogger("stampbook.webhooks")

PAGE = 100  # deliveries listed at a time
# Seconds to wait after the 1st, 2nd, ... failed try; one try more than waits.
RETRY_SCHEDULE = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
# Deliveries are taken ten at a time (one write), each for longer than posting all ten
# takes, however slow their receivers (5 s each at most, and one retry on a kept-alive
# connection that was closed, which fails at once).
TAKEN_AT_ONCE = 10
TAKE_SECONDS = 120
LOG_SECONDS = 30 * 24 * 3600  # the delivery log keeps a month


@dataclass
class WebhookCourier:
    store: Store
    clock: Callable[[], datetime]
    # Told when an endpoint is turned off: (the endpoint, the last failure).
    tell_owner: Callable[[WebhookEndpoint, str], None] = lambda endpoint, detail: None
    schedule: tuple[int, ...] = RETRY_SCHEDULE
    timeout: float = 5.0
    # `webhook-timestamp` is the receiver's guard against replays, checked against its
    # own clock: the real time, even when the app's clock is set (STAMPBOOK_NOW).
    signing_clock: Callable[[], float] = time.time
    # Told the wait before each try it puts off (on AWS: a delayed queue message, so the
    # first tries after a failure need not wait for the 5-minute schedule).
    on_postponed: Callable[[int], None] = lambda seconds: None
    _endpoints: dict[str, WebhookEndpoint] = field(default_factory=dict, repr=False)
    # Endpoints that failed this round: the rest of theirs wait, so one receiver that is
    # down costs one timeout a round, not one per event, and is not counted down per event.
    _failing: set[str] = field(default_factory=set, repr=False)

    def now(self) -> datetime:
        return self.clock()

    def deliver_due(
        self, most: int = 10 * PAGE, stopping: Callable[[], bool] = lambda: False
    ) -> Counter[Outcome]:
        """Every delivery that is due (up to `most`, or until `stopping`); what became of each."""
        outcomes: Counter[Outcome] = Counter()
        poster = Poster(self.timeout)
        self._failing = set()
        try:
            while outcomes.total() < most:
                now = int(self.now().timestamp())
                due = self.store.owed_webhooks_due(now, min(PAGE, most - outcomes.total()))
                if not due:
                    break
                # Read fresh each page: one may have been turned off or on.
                self._endpoints = {e.endpoint_id: e for e in self.store.webhook_endpoints()}
                for start in range(0, len(due), TAKEN_AT_ONCE):
                    if stopping():  # the rest stay owed, for the next courier
                        return outcomes
                    chunk = due[start : start + TAKEN_AT_ONCE]
                    # Held from now, not from the page's listing: slow receivers before
                    # them must not let another courier take them while these are posted.
                    now = int(self.now().timestamp())
                    # Those another courier took since they were listed are its own.
                    for owed in self.store.take_owed_webhooks(chunk, now + TAKE_SECONDS):
                        outcomes[self.deliver(owed, now, poster)] += 1
        finally:
            poster.close()
        return outcomes

    def deliver(self, owed: OwedWebhook, now: int, poster: Poster) -> Outcome:
        """Post one delivery this courier has taken, and record what became of it."""
        endpoint = self._endpoints.get(owed.endpoint_id)
        if endpoint is None or endpoint.state is not EndpointState.ACTIVE:
            # A removed endpoint has no log left to write to.
            off = Answer(None, "the endpoint is off") if endpoint is not None else None
            self._finish(owed, now, Outcome.DROPPED, off)
            return Outcome.DROPPED
        if endpoint.endpoint_id in self._failing:
            return Outcome.PUT_OFF  # left taken: due again in `TAKE_SECONDS`, untried
        answer = self._post(poster, endpoint, owed.message_id, owed.body)
        if answer.delivered:
            self._finish(owed, now, Outcome.DELIVERED, answer)
            if endpoint.failures:
                self.store.webhook_delivered(endpoint.endpoint_id)
                self._endpoints[endpoint.endpoint_id] = replace(endpoint, failures=0)
            return Outcome.DELIVERED
        return self._failed(owed, endpoint, now, answer)

    def _post(self, poster: Poster, endpoint: WebhookEndpoint, message: str, body: str) -> Answer:
        # A rotation's overlap is measured on the app's clock, which set it.
        keys = endpoint.signing_secrets(int(self.now().timestamp()))
        signed = signed_headers(keys, message, int(self.signing_clock()), body)
        return poster.post(endpoint.url, signed, body)

    def test(self, endpoint: WebhookEndpoint) -> tuple[Event, Answer]:
        """Post a `webhook.test` event to `endpoint` now, on or off, and log it; nothing is
        owed or counted, so a failed test neither retries nor turns the endpoint off."""
        now = self.now()
        event = webhook_test(endpoint.endpoint_id, now)
        body = event.body()
        poster = Poster(self.timeout)
        try:
            answer = self._post(poster, endpoint, event.message_id, body)
        finally:
            poster.close()
        moment = int(now.timestamp())
        told = OwedWebhook(endpoint.endpoint_id, event.message_id, WEBHOOK_TEST, body, moment)
        outcome = Outcome.DELIVERED if answer.delivered else Outcome.FAILED
        self.store.log_webhook_attempt(self._attempt(told, outcome, answer), moment + LOG_SECONDS)
        return event, answer

    def _failed(
        self, owed: OwedWebhook, endpoint: WebhookEndpoint, now: int, answer: Answer
    ) -> Outcome:
        store, tries = self.store, owed.attempts + 1
        self._failing.add(endpoint.endpoint_id)
        if tries > len(self.schedule):
            outcome = Outcome.GIVEN_UP
            self._finish(owed, now, outcome, answer)
            log.warning("%s to %s given up after %d tries", owed.message_id, endpoint.url, tries)
        else:
            outcome = Outcome.FAILED
            wait = self.schedule[tries - 1]
            self._finish(owed, now, outcome, answer, due_again=now + wait)
            self.on_postponed(wait)
        failures = store.webhook_failed(endpoint.endpoint_id)
        endpoint = replace(endpoint, failures=failures)
        self._endpoints[endpoint.endpoint_id] = endpoint
        if failures >= endpoint.disable_after:
            self._disable(endpoint, answer)
        return outcome

    def _disable(self, endpoint: WebhookEndpoint, answer: Answer) -> None:
        detail = _detail(answer)
        note = f"failed tries in a row: {endpoint.failures}; the last: {detail}"
        at = self.now()
        self._endpoints[endpoint.endpoint_id] = replace(
            endpoint, state=EndpointState.DISABLED, disabled_at=at, note=note
        )
        if not self.store.set_webhook_state(endpoint.endpoint_id, EndpointState.DISABLED, at, note):
            return  # another courier turned it off, and told the owner
        log.error("webhooks to %s turned off: %s", endpoint.url, note)
        try:
            self.tell_owner(endpoint, detail)
        except Exception:  # the endpoint stays off, and `webhooks list` says why
            log.exception("the owner was not told that %s is off", endpoint.url)

    def _finish(
        self,
        owed: OwedWebhook,
        now: int,
        outcome: Outcome,
        answer: Answer | None,
        due_again: int | None = None,
    ) -> None:
        """Settle or postpone a delivery, with its line of the log, in one write."""
        attempt = self._attempt(owed, outcome, answer) if answer is not None else None
        self.store.finish_owed_webhook(owed, attempt, now + LOG_SECONDS, due_again)

    def _attempt(self, owed: OwedWebhook, outcome: Outcome, answer: Answer) -> WebhookAttempt:
        return WebhookAttempt(
            owed.endpoint_id,
            self.now(),
            owed.message_id,
            owed.event_type,
            owed.attempts + 1,
            outcome,
            answer.status,
            answer.detail,
        )


def _detail(answer: Answer) -> str:
    if answer.status is None:
        return answer.detail
    return f"HTTP {answer.status}" + (f" {answer.detail}" if answer.detail else "")


def webhook_courier(
    mailer: Mailer, on_postponed: Callable[[int], None] = lambda seconds: None
) -> WebhookCourier:
    """The courier of this app's store and clock, telling the owner by the app's mail."""

    def tell_owner(endpoint: WebhookEndpoint, detail: str) -> None:
        from ..report.webhook_note import webhook_disabled_email

        note = webhook_disabled_email(mailer.programme, endpoint, detail, mailer.loyalty.clock())
        if note is not None:  # no report.send_to: `stampbook webhooks list` says it alone
            mailer.transport.send(note)

    return WebhookCourier(mailer.store, mailer.loyalty.clock, tell_owner, on_postponed=on_postponed)


def deliver_webhooks(
    mailer: Mailer, on_postponed: Callable[[int], None] = lambda seconds: None
) -> Counter[Outcome]:
    """Post every webhook delivery that is due: the nightly run, the commands, the schedule."""
    return webhook_courier(mailer, on_postponed).deliver_due()
