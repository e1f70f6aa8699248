"""The courier: sends the automatic emails purchases and refunds owe, after their commit.

A purchase writes its thank-you as owed in its own transaction
(`owed_emails`); nothing is rendered or sent while the till waits. The
courier lists what is due and, for each owed email:

1. takes it (its due time moves on by `CLAIM_SECONDS`, on condition that it
   is still the one listed), so two couriers never work on one;
2. fires it as every automatic email is fired (`AutomaticEmails.fire`:
   consent read now, the occasion claimed, sent, marked);
3. sent, refused for good, not allowed or no longer configured: it is owed
   no more. A transient failure (or any other error): it stays owed, due
   again after a backoff, until `GIVE_UP_AFTER` tries. Claimed by a sender
   still at it: due again once that claim lapses.

A courier that dies mid-way leaves the email owed, due again when its take
lapses; the claim in `automation_sends` keeps it from going twice (but for
the window described in `services.automations`).

Who runs it: `stampbook serve` in a thread woken after each purchase that
owes an email (`CourierThread`); `stampbook purchase` / `refund` before they
exit; on AWS the send queue's consumer (a message put after the commit) and
the 5-minute schedule; and `stampbook daily` / the nightly run everywhere,
so a lost message or a crashed process only delays the email.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ..records.automation_sends import AutomationKey, EmailStatus
from ..records.owed_emails import OwedEmail
from .automations import CLAIM_SECONDS, AutomaticEmails, Fired

if TYPE_CHECKING:
    from ..store.base import Store

log = logging.getLogger("stampbook.courier")

PAGE = 100  # owed emails listed at a time
FIRST_RETRY_SECONDS = 60
LONGEST_RETRY_SECONDS = 60 * 60
# About two days of tries (an hour apart once the backoff is at its longest):
# a thank-you later than that would puzzle more than please.
GIVE_UP_AFTER = 48


def retry_after(attempts: int) -> int:
    """Seconds before the next try, after `attempts` transient failures so far."""
    return int(min(LONGEST_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** min(attempts, 16)))


@dataclass
class Courier:
    emails: AutomaticEmails

    @property
    def store(self) -> Store:
        return self.emails.mailer.store

    def now(self) -> int:
        return int(self.emails.mailer.loyalty.clock().timestamp())

    def deliver_due(
        self, most: int = 10 * PAGE, stopping: Callable[[], bool] = lambda: False
    ) -> Counter[Fired]:
        """Every owed email that is due (up to `most`, or until `stopping`); what became of each."""
        outcomes: Counter[Fired] = Counter()
        while outcomes.total() < most:
            now = self.now()
            due = self.store.owed_emails_due(now, min(PAGE, most - outcomes.total()))
            for owed in due:
                if stopping():  # the rest stay owed, for the next courier
                    return outcomes
                outcomes[self.deliver(owed, now)] += 1
            if not due:
                break
        return outcomes

    def deliver(self, owed: OwedEmail, now: int) -> Fired:
        store, key = self.store, owed.key
        if not store.take_owed_email(key, owed.due, now + CLAIM_SECONDS):
            return Fired.ALREADY  # another courier took it since it was listed
        customer = store.customer(key.customer_id)
        if customer is None:  # erased meanwhile: nobody to write to
            store.settle_owed_email(key)
            return Fired.NOT_ALLOWED
        occasion, order_id = self.emails.occasion_of(owed)
        try:
            fired = self.emails.fire(key.automation, customer, key.occasion, occasion, order_id)
        except Exception:
            # A store or template problem, a full disk: owed still, tried again later.
            log.exception("%s to %s not sent", key.automation, key.customer_id)
            self.emails.not_sent[key.automation] += 1
            fired = Fired.RETRY_LATER
        if fired is Fired.RETRY_LATER:
            self._later(owed, now)
        elif fired is Fired.ALREADY and (held := self._held_until(key)) is not None:
            store.postpone_owed_email(key, max(held, now + 1), owed.attempts)
        else:
            store.settle_owed_email(key)
        return fired

    def _later(self, owed: OwedEmail, now: int) -> None:
        attempts = owed.attempts + 1
        if attempts >= GIVE_UP_AFTER:
            key = owed.key
            log.error("%s to %s given up after %d tries", key.automation, key.customer_id, attempts)
            self.store.settle_owed_email(owed.key)
            return
        self.store.postpone_owed_email(owed.key, now + retry_after(owed.attempts), attempts)

    def _held_until(self, key: AutomationKey) -> int | None:
        """When another sender's claim on the occasion lapses, if one is sending it now."""
        for record in self.store.automation_sends(key.customer_id):
            if record.key == key and record.status is EmailStatus.SENDING:
                return record.claimed_until
        return None


def deliver_owed(emails: AutomaticEmails) -> Counter[Fired]:
    """Send every owed email that is due: the nightly run and the schedule's sweep."""
    return Courier(emails).deliver_due()


# How long the courier lets the request that woke it finish: a few times a
# request's own time, far below what a reader notices in their inbox.
AFTER_WAKE_SECONDS = 0.02


class Rounds(Protocol):
    """What a courier thread runs: the emails owed (`Courier`), or the webhook deliveries
    owed (`services.webhook_courier`), each in a thread of its own."""

    def deliver_due(self, most: int, stopping: Callable[[], bool]) -> Counter[Any]: ...


R = TypeVar("R", bound=Rounds)


class CourierThread(Generic[R]):
    """The local server's courier: woken after each commit that owes an email (or a webhook
    delivery), and every `every` seconds for those due again after a failure."""

    def __init__(self, courier: R, every: float = 60.0, batch: int = 10 * PAGE) -> None:
        self.courier = courier
        self.every = every
        self.batch = batch  # emails between two looks at `stopping` and the store's list
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="courier", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def stopping(self) -> bool:
        return self._stopping

    def stop(self, timeout: float = 60.0) -> None:
        """Let the email on its way finish, then stop; what is still owed stays owed."""
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                done = self.courier.deliver_due(most=self.batch, stopping=lambda: self._stopping)
            except Exception:  # the store unreachable for a moment: the next wake tries again
                log.exception("%s: what is owed was not delivered", type(self.courier).__name__)
            else:
                if done.total() >= self.batch:
                    # A full batch: more may be owed already. Carry on now; a busy
                    # Saturday's thank-yous must not wait for a timer between batches.
                    continue
            if self._wake.wait(self.every) and not self._stopping:
                # Woken by a request: let it answer first (it shares this process's
                # processor), and let the emails owed meanwhile join this batch.
                time.sleep(AFTER_WAKE_SECONDS)
