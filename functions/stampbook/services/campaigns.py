"""The owner's newsletter campaigns: start, dry run, pause, resume, cancel, send.

Starting resolves the audience into send records first and only then moves
the campaign to sending; a start interrupted half way is simply run again
(records are unique per campaign and customer). Sending is done by workers
(`sender.worker`): locally a thread pool here, on AWS Lambdas fed by the
send queue (`enqueue`), the same step in both.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from ..audience.holdout import held_out
from ..mail.transports.base import Backoff
from ..programme.newsletter import Newsletter
from ..sender.audience import members
from ..sender.pace import Pace
from ..sender.settings import SendingSettings
from ..sender.states import MOVES, CampaignMoveRefused
from ..sender.worker import Worker, owner_name
from ..store.sends import Campaign, CampaignState, SendStore

if TYPE_CHECKING:
    from ..config import MailSettings
    from ..mail.tokens import Keyring
    from ..mail.transports.base import Transport
    from ..programme import Programme
    from ..sender.issue import Issue
    from .loyalty import LoyaltyService

RECORDS_PER_WRITE = 1000


class UnknownIssue(ValueError):
    pass


class NoSendRecords(ValueError):
    """The store in use keeps no campaigns (both stores Stampbook ships do)."""


@dataclass(frozen=True)
class DryRun:
    audience: Counter[tuple[str, str]]  # (locale, segment) -> people it would go to
    seconds: float  # at the configured rate; 0 if unpaced
    held_out: Counter[tuple[str, str]] = field(default_factory=Counter)  # kept from it

    @property
    def total(self) -> int:
        return sum(self.audience.values())


@dataclass
class Campaigns:
    programme: Programme
    loyalty: LoyaltyService
    mail: MailSettings
    sends: SendStore
    settings: SendingSettings = field(default_factory=SendingSettings)
    clock: Callable[[], float] = time.time  # leases and the pace run on real time
    backoff: Backoff = field(
        default_factory=Backoff
    )  # between tries of a message the provider put off

    @classmethod
    def of(cls, programme: Programme, loyalty: LoyaltyService, mail: MailSettings) -> Campaigns:
        """The campaigns in the loyalty store, sent as the environment's settings say."""
        if not isinstance(loyalty.store, SendStore):
            raise NoSendRecords("this store keeps no send records")
        return cls(programme, loyalty, mail, loyalty.store, SendingSettings.from_env())

    def newsletter(self, slug: str) -> Newsletter:
        found = self.programme.newsletter(slug)
        if found is None:
            known = ", ".join(n.slug for n in self.programme.newsletters) or "none"
            raise UnknownIssue(f"no newsletter {slug!r} in newsletters/; there are: {known}")
        return found

    def now(self) -> datetime:
        return self.loyalty.clock()

    # -- before sending -----------------------------------------------------

    def dry_run(self, slug: str) -> DryRun:
        newsletter = self.newsletter(slug)
        programme_file = self.programme.programme_file
        counts: Counter[tuple[str, str]] = Counter()
        held: Counter[tuple[str, str]] = Counter()
        for member in members(self.loyalty.store, programme_file, newsletter.audience, self.now()):
            kept = held_out(member.customer_id, slug, newsletter.holdout)
            (held if kept else counts)[member.locale, member.segment] += 1
        total = sum(counts.values())
        seconds = total / self.settings.rate if self.settings.rate > 0 else 0.0
        return DryRun(counts, seconds, held)

    def start(self, slug: str, *, ignore_send_at: bool = False) -> Campaign:
        """Resolve the audience and begin; a campaign already under way is left as it is."""
        newsletter = self.newsletter(slug)
        current = self.sends.campaign(slug)
        state = current.state if current else CampaignState.DRAFT
        if state in (CampaignState.FINISHED, CampaignState.CANCELLED):
            raise CampaignMoveRefused(slug, state, CampaignState.SENDING)
        if current is not None and state in (CampaignState.SENDING, CampaignState.PAUSED):
            return current
        if not ignore_send_at and self._not_yet(newsletter):
            self._move(slug, CampaignState.SCHEDULED, "", refuse=False)
            return self.campaign(slug)
        self._move(slug, state, "", refuse=False)  # the row exists from here on
        # The split is a hash of person and issue: a start run again puts everyone
        # on the side they were on (and a record once written is kept as it is).
        batches: dict[bool, list[tuple[str, str]]] = {False: [], True: []}
        programme_file = self.programme.programme_file
        for member in members(self.loyalty.store, programme_file, newsletter.audience, self.now()):
            kept = held_out(member.customer_id, slug, newsletter.holdout)
            batch = batches[kept]
            batch.append((member.customer_id, member.locale))
            if len(batch) >= RECORDS_PER_WRITE:
                self.sends.add_sends(slug, batch, held_out=kept)
                batch.clear()
        for kept, batch in batches.items():
            self.sends.add_sends(slug, batch, held_out=kept)
        return self.sends.start_sending(slug, self.now())

    def due(self) -> list[str]:
        """Scheduled campaigns whose send time has come, oldest send time first."""
        waiting = []
        for campaign in self.sends.campaigns():
            newsletter = self.programme.newsletter(campaign.slug)
            if campaign.state is not CampaignState.SCHEDULED or newsletter is None:
                continue  # an issue file removed since: nothing to send
            moment = self.send_at(newsletter)
            if moment is not None and moment <= self.now():
                waiting.append((moment, campaign.slug))
        return [slug for _, slug in sorted(waiting)]

    def send_at(self, newsletter: Newsletter) -> datetime | None:
        moment = newsletter.send_at
        if moment is None or moment.tzinfo:
            return moment
        return moment.replace(tzinfo=ZoneInfo(self.programme.programme_file.business.timezone))

    def _not_yet(self, newsletter: Newsletter) -> bool:
        moment = self.send_at(newsletter)
        return moment is not None and moment > self.now()

    # -- the owner's commands -----------------------------------------------

    def pause(self, slug: str, reason: str = "paused by the owner") -> Campaign:
        self._known(slug)
        self._move(slug, CampaignState.PAUSED, reason)
        return self.campaign(slug)

    def resume(self, slug: str) -> Campaign:
        self._known(slug)
        current = self.campaign(slug)
        if current.state is not CampaignState.PAUSED:
            raise CampaignMoveRefused(slug, current.state, CampaignState.SENDING)
        self._move(slug, CampaignState.SENDING, "")
        return self.campaign(slug)

    def cancel(self, slug: str, reason: str = "cancelled by the owner") -> Campaign:
        self.newsletter(slug)
        self._move(slug, CampaignState.CANCELLED, reason)
        return self.campaign(slug)

    def _known(self, slug: str) -> None:
        """An issue in newsletters/ or a campaign the store holds (its file may be gone
        since); else `UnknownIssue`, naming the issues there are."""
        if self.sends.campaign(slug) is None:
            self.newsletter(slug)

    def _move(self, slug: str, to: CampaignState, reason: str, *, refuse: bool = True) -> None:
        allowed = MOVES.get(to, frozenset({to}))
        if not refuse:
            allowed = allowed | {to}
        if not self.sends.move_campaign(slug, to, self.now(), reason, only_from=allowed):
            current = self.sends.campaign(slug)
            raise CampaignMoveRefused(slug, current.state if current else CampaignState.DRAFT, to)

    def campaign(self, slug: str) -> Campaign:
        """The campaign of an issue; a draft if it was never started."""
        found = self.sends.campaign(slug)
        if found is None:
            return Campaign(slug, CampaignState.DRAFT)
        return found

    # -- sending ------------------------------------------------------------

    def issue(self, slug: str, keyring: Keyring) -> Issue:
        from ..sender.issue import Issue

        return Issue.of(self.programme, self.loyalty, self.mail, self.newsletter(slug), keyring)

    def worker(
        self,
        issue: Issue,
        transport: Transport,
        progress: Callable[[Campaign], None] = lambda campaign: None,
    ) -> Worker:
        return Worker(
            self.sends,
            issue,
            transport,
            self.settings,
            Pace(self.sends, self.settings.rate, self.clock),
            owner_name("worker"),
            clock=self.clock,
            backoff=self.backoff,
            progress=progress,
        )

    def send(
        self,
        slug: str,
        keyring: Keyring,
        transports: Callable[[], Transport],
        progress: Callable[[Campaign], None] = lambda campaign: None,
    ) -> Campaign:
        """Send with a pool of threads until the campaign is finished or stops sending.

        Records a crashed run still holds are taken over when their lease
        runs out: this waits for that rather than leaving them behind.
        """
        try:
            issue = self.issue(slug, keyring)
            while True:
                campaign = self.campaign(slug)
                if campaign.state is not CampaignState.SENDING:
                    return campaign
                self._run_pool(issue, transports, progress)
                held_until = self.sends.claims_outstanding(slug)
                if held_until is None:  # every record settled
                    return self.campaign(slug)
                # Records another run holds: theirs until the lease runs out.
                time.sleep(max(0.0, min(held_until - self.clock(), 1.0)))
        except Exception as error:
            # Never left `sending` with nobody sending it: paused, with the
            # reason, so `campaigns` says what happened and `resume` carries on.
            self._stop_sending(slug, f"stopped: {error}")
            raise

    def _stop_sending(self, slug: str, reason: str) -> None:
        self.sends.move_campaign(
            slug, CampaignState.PAUSED, self.now(), reason[:500], only_from={CampaignState.SENDING}
        )

    def _run_pool(
        self,
        issue: Issue,
        transports: Callable[[], Transport],
        progress: Callable[[Campaign], None],
    ) -> None:
        failures: list[BaseException] = []

        def work() -> None:
            transport = transports()
            try:
                self.worker(issue.for_another_worker(), transport, progress).run()
            except BaseException as error:  # re-raised in the caller's thread
                failures.append(error)
            finally:
                transport.close()

        threads = [threading.Thread(target=work) for _ in range(self.settings.workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise failures[0]

    # -- on AWS: the send queue ---------------------------------------------

    def enqueue(self, slug: str, queue: Any, queue_url: str) -> int:
        """One queue message per batch of the audience; each Lambda claims a batch.

        A message only says which campaign to work on: the claim decides
        who, so a message delivered twice claims nothing twice.
        """
        import json

        campaign = self.campaign(slug)
        batches = math.ceil((campaign.audience - campaign.settled) / self.settings.claim_size())
        body = json.dumps({"campaign": slug})
        for first in range(0, batches, 10):
            entries = [
                {"Id": str(n), "MessageBody": body} for n in range(first, min(first + 10, batches))
            ]
            queue.send_message_batch(QueueUrl=queue_url, Entries=entries)
        return batches

    def queue_due(self, queue: Any, queue_url: str) -> dict[str, int]:
        """Start every scheduled campaign whose time has come and queue its batches.

        What the send schedule runs on AWS; returns the batches queued per
        campaign. Starting twice is harmless, and a message delivered twice
        claims nothing twice, so an overlapping run sends nobody two copies.
        """
        queued = {}
        for slug in self.due():
            campaign = self.start(slug)
            if campaign.state is CampaignState.SENDING:
                queued[slug] = self.enqueue(slug, queue, queue_url)
        return queued
