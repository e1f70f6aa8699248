"""One worker step: claim a batch, check, render, send at the pace, settle.

The same step runs in a local thread pool and in the Lambda that reads the
send queue, so both decide alike what to send.

Every record is checked again just before its message is made: the person
must still exist and still be confirmed (not unsubscribed, paused or
suppressed), else the record is skipped with the reason. A message the
transport refuses for now (throttling, a 4xx) is tried again, alone, after
a growing pause; still refused, it goes back to pending for a later claim,
and fails for good after `attempts` claims. A permanent refusal fails it.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..loyalty.history import History
from ..mail.address import AddressError
from ..mail.message import Message, MessageSettingsError, RecipientError
from ..mail.reader import Reader, reader_from_statement
from ..mail.transports.base import Backoff, DeliveryError, PermanentError, TransientError
from ..metrics import Metric, count
from ..records.customers import Customer
from ..store.sends import Campaign, CampaignState, Claimed, SendStatus, SendStore, Settled
from .audience import ineligible
from .pace import Pace
from .settings import SendingSettings

if TYPE_CHECKING:
    from ..mail.transports.base import Transport
    from .issue import Issue

# The campaign pauses itself when more of what it sent bounces or is marked
# as spam than a healthy list does (SES reviews accounts at 5% and 0.1%).
# Below the minimum sample one unlucky address would pause a small send.
BOUNCE_LIMIT = 0.05
COMPLAINT_LIMIT = 0.001
BOUNCE_SAMPLE = 200
COMPLAINT_SAMPLE = 1000


def pause_reason(campaign: Campaign) -> str | None:
    """Why the campaign should stop itself, or None while its reports look healthy."""
    sent = campaign.sent
    if sent >= BOUNCE_SAMPLE and campaign.bounced > BOUNCE_LIMIT * sent:
        return (
            f"paused by itself: {campaign.bounced} of {sent} messages bounced"
            f" (over {BOUNCE_LIMIT:.0%}); clean the list, then resume"
        )
    if sent >= COMPLAINT_SAMPLE and campaign.complained > COMPLAINT_LIMIT * sent:
        return (
            f"paused by itself: {campaign.complained} of {sent} messages were marked as spam"
            f" (over {COMPLAINT_LIMIT:.1%}); check who it went to, then resume"
        )
    return None


@dataclass
class Worker:
    store: SendStore
    issue: Issue
    transport: Transport
    settings: SendingSettings
    pace: Pace
    owner: str
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    backoff: Backoff = field(default_factory=Backoff)
    # Called with each settled batch's campaign, for progress displays.
    progress: Callable[[Campaign], None] = lambda campaign: None
    _settling: list[Settled] = field(default_factory=list)
    _accepted: int = 0

    @property
    def slug(self) -> str:
        return self.issue.newsletter.slug

    def step(self) -> int:
        """Claim one batch and work it through; returns how many records were claimed."""
        now = self.clock()
        claimed = self.store.claim_sends(
            self.slug, self.owner, self.settings.claim_size(), now, now + self.settings.lease
        )
        if not claimed:
            return 0
        people = self.store.sending_to([record.customer_id for record in claimed])
        for done, record in enumerate(claimed):
            due = self._accepted >= self.settings.settle_every or len(self._settling) >= 200
            if due and not self._settle():
                self._release(claimed[done:])
                break
            self._settling.append(self._one(record, people.get(record.customer_id)))
        else:
            self._settle()
        return len(claimed)

    def run(self) -> None:
        """Steps until nothing is left to claim or the campaign stops sending."""
        while True:
            campaign = self.store.campaign(self.slug)
            if campaign is None or campaign.state is not CampaignState.SENDING:
                return
            if not self.step():
                return

    # -- one record ---------------------------------------------------------

    def _one(self, record: Claimed, person: tuple[Customer, History] | None) -> Settled:
        # Consent is read again now, one message before sending: an
        # unsubscribe a moment ago counts. (Erasing a customer removes their
        # consent records too, so an erased person is skipped here as well.)
        reason = ineligible(self.store.consent_status(record.customer_id))
        if person is None:
            return self._skipped(record, "no longer a customer")
        if reason is not None:
            return self._skipped(record, reason)
        try:
            reader = self._reader(*person, record.locale)
            message = self.issue.message(reader, record, self.transport.accepts_8bit())
        except (AddressError, RecipientError, MessageSettingsError) as error:
            return self._finished(record, SendStatus.FAILED, f"cannot be made: {error}")
        return self._send(record, message)

    def _reader(self, customer: Customer, history: History, locale: str) -> Reader:
        if not self.issue.shows_points:
            return Reader(customer.email, customer.name, locale)
        statement = self.issue.loyalty.statement_of(history)
        return reader_from_statement(
            customer, statement, self.issue.programme_file, self.issue.loyalty.clock()
        )

    def _send(self, record: Claimed, message: Message) -> Settled:
        error: DeliveryError | None = None
        for retry in range(self.settings.attempts):
            if retry:
                self.sleep(self.backoff.delay(retry - 1, random.random()))
            self.pace.wait()
            try:
                accepted = self.transport.send(message)
            except TransientError as refused:
                error = refused
                continue
            except PermanentError as refused:
                return self._finished(record, SendStatus.FAILED, f"refused: {refused}")
            self._accepted += 1
            return Settled(
                record.customer_id,
                SendStatus.SENT,
                message_id=accepted.message_id,
                provider_id=accepted.provider_id,
                at=self._now(),
            )
        if record.attempts >= self.settings.attempts:
            return self._finished(record, SendStatus.FAILED, f"still refused: {error}")
        return Settled(record.customer_id, SendStatus.PENDING, reason=f"to retry: {error}")

    def _skipped(self, record: Claimed, reason: str) -> Settled:
        return self._finished(record, SendStatus.SKIPPED, reason)

    def _finished(self, record: Claimed, status: SendStatus, reason: str) -> Settled:
        return Settled(record.customer_id, status, reason=reason, at=self._now())

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    # -- settling -----------------------------------------------------------

    def _settle(self) -> bool:
        """Record what was done; False if the campaign should stop sending now."""
        settling, self._settling, self._accepted = self._settling, [], 0
        campaign = self.store.settle_sends(self.slug, self.owner, settling)
        count(Metric.EMAILS_SENT, sum(s.status is SendStatus.SENT for s in settling))
        self.progress(campaign)
        if campaign.state is CampaignState.FINISHED and not self.issue.archived(self.store):
            self.issue.archive(self.store)
        if campaign.state is not CampaignState.SENDING:
            return False
        reason = pause_reason(campaign)
        if reason is not None:
            self.store.move_campaign(
                self.slug,
                CampaignState.PAUSED,
                self._now(),
                reason,
                only_from={CampaignState.SENDING},
            )
            return False
        return True

    def _release(self, records: list[Claimed]) -> None:
        """Give back what this worker holds but will not send (paused or cancelled)."""
        released = [Settled(r.customer_id, SendStatus.PENDING, "released") for r in records]
        self.store.settle_sends(self.slug, self.owner, released)


def owner_name(prefix: str) -> str:
    """A name for one worker's leases, unique across threads, processes and machines."""
    return f"{prefix}-{uuid.uuid4().hex[:12]}"
