"""The courier: sends the automatic emails purchases and refunds owe, after their commit.

A purchase writes its thank-you as owed in its own transaction
(`owed_emails`); nothing is rendered or sent while the till waits. The
courier lists what is due, a page at a time, and for the page's owed emails:

1. takes them in one write (each one's due time moves on by
   `CLAIM_SECONDS`, on condition that it is still the one listed), so two
   couriers never work on one;
2. fires them as every automatic email is fired (`AutomaticEmails`):
   consent read now for each, their occasions claimed in one write, each
   sent, and marked `MARKED_EVERY` to a write;
3. sent, refused for good, not allowed or no longer configured: it is owed
   no more, settled in the write that marks it. A transient failure (or any
   other error): it stays owed, due again after a backoff, until
   `GIVE_UP_AFTER` tries. Claimed by a sender still at it: due again once
   that claim lapses. Stopped before it was sent: released and owed again at
   once, for the next courier.

A courier that dies mid-way leaves the emails owed, due again when their
take lapses; the claims in `automation_sends` keep them from going twice
(but for the window described in `services.automations`: here, the emails
sent since the last mark).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from ..mail.reader import Occasion
from ..records.automation_sends import AutomationKey, EmailStatus
from ..records.customers import Customer
from ..records.owed_emails import OwedEmail
from .automations import CLAIM_SECONDS, AutomaticEmails, Fired
from .batch_sending import Sent, send_and_mark

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


@dataclass(frozen=True, slots=True)
class _Ready:
    """An owed email taken, its customer read and its consent allowing it: to be claimed."""

    owed: OwedEmail
    customer: Customer
    occasion: Occasion | None
    order_id: str | None


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
            if not due or stopping():  # stopping: the rest stay owed, for the next courier
                break
            outcomes += self.deliver(due, now, stopping)
        return outcomes

    def deliver(
        self, due: list[OwedEmail], now: int, stopping: Callable[[], bool] = lambda: False
    ) -> Counter[Fired]:
        """A page of owed emails: taken in one write, their occasions claimed in one more,
        each sent, and marked and settled `MARKED_EVERY` to a write as they go.

        Four writes per email each fsync'd were most of what a till's purchase cost
        `stampbook serve`; a crash now sends at most `MARKED_EVERY` of them twice, as the
        nightly run's greetings.
        """
        store, emails = self.store, self.emails
        outcomes: Counter[Fired] = Counter()
        taken = store.take_owed_emails(due, now + CLAIM_SECONDS)
        outcomes[Fired.ALREADY] += len(due) - len(taken)  # another courier's since listed
        settled: list[AutomationKey] = []
        ready: list[_Ready] = []
        for owed in taken:
            customer = store.customer(owed.key.customer_id)
            if customer is None:  # erased meanwhile: nobody to write to
                settled.append(owed.key)
                outcomes[Fired.NOT_ALLOWED] += 1
                continue
            occasion, order_id = emails.occasion_of(owed)
            try:
                refused = emails.refused(owed.key.automation, customer, occasion)
            except Exception:
                outcomes[self._failed(owed, now)] += 1
                continue
            if refused is not None:
                settled.append(owed.key)
                outcomes[refused] += 1
            else:
                ready.append(_Ready(owed, customer, occasion, order_id))
        claimed = self._claim(ready, now, settled, outcomes)

        def settle(sent: list[Sent[_Ready]]) -> None:
            # Those settled before any was sent go with the first write.
            self._settle(sent, settled)
            settled.clear()

        outcomes += send_and_mark(
            claimed,
            send=lambda one: self._send(one, now),
            failed=lambda one: self._failed(one.owed, now),
            mark=settle,
            release=self._owed_again,
            stopping=stopping,
        )
        return outcomes

    def _settle(self, sent: list[Sent[_Ready]], settled: list[AutomationKey]) -> None:
        """Mark what went and settle what is owed no more (`settled`, and all sent but
        those to try again later) in one write."""
        finished = [(one.claimed.owed.key, one.mark) for one in sent if one.mark is not None]
        settled = settled + [
            one.claimed.owed.key for one in sent if one.fired is not Fired.RETRY_LATER
        ]
        self.store.finish_owed_emails(finished, settled, self.emails.mailer.loyalty.clock())

    def _owed_again(self, unsent: Sequence[_Ready]) -> None:
        """Claimed and not reached: owed again at once, for the next courier."""
        for one in unsent:
            self.store.release_automation(one.owed.key)
            self.store.postpone_owed_email(one.owed.key, one.owed.due, one.owed.attempts)

    def _claim(
        self, ready: list[_Ready], now: int, settled: list[AutomationKey], outcomes: Counter[Fired]
    ) -> list[_Ready]:
        """Claim the occasions of `ready` in one write: those claimed. One claimed by another
        sender still at it is owed again once that claim lapses; one sent already is settled."""
        if not ready:
            return []
        try:
            taken = self.store.claim_automations(
                [one.owed.key for one in ready], now, now + CLAIM_SECONDS
            )
        except Exception:
            for one in ready:
                outcomes[self._failed(one.owed, now)] += 1
            return []
        claimed = []
        for one, got in zip(ready, taken, strict=True):
            if got:
                claimed.append(one)
                continue
            outcomes[Fired.ALREADY] += 1
            key = one.owed.key
            if (held := self._held_until(key)) is not None:
                self.store.postpone_owed_email(key, max(held, now + 1), one.owed.attempts)
            else:
                settled.append(key)
        return claimed

    def _send(self, one: _Ready, now: int) -> tuple[Fired, EmailStatus | None]:
        """Send one claimed email: what came of it, and the status to mark its claim with."""
        key = one.owed.key
        # An unexpected error here is `send_and_mark`'s to catch: it calls `_failed`.
        fired, mark = self.emails.send_claimed(key, one.customer, one.occasion, one.order_id)
        if fired is Fired.RETRY_LATER:
            self._later(one.owed, now)
        self.emails.count(key.automation, fired)
        return fired, mark

    def _failed(self, owed: OwedEmail, now: int) -> Fired:
        # A store or template problem, a full disk: owed still, tried again later.
        key = owed.key
        log.exception("%s to %s not sent", key.automation, key.customer_id)
        self.emails.not_sent[key.automation] += 1
        self._later(owed, now)
        return Fired.RETRY_LATER

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
