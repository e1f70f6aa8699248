"""The sender's port: campaigns, one send record per person, leases and the shared pace.

A campaign's audience becomes send records when it starts, one per campaign
and customer. Workers *claim* pending records for a while (a lease), send,
and *settle* each record (sent, skipped, failed, or back to pending) only
after the transport answered. A worker that dies leaves its records claimed;
once the lease runs out another worker claims them again. The campaign keeps
its own counters, moved in the same transaction as the records they count,
so reading them costs one row however large the audience.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from ..audience.consent import ConsentStatus
from ..loyalty.history import History
from ..records.customers import Customer


class CampaignState(StrEnum):
    DRAFT = "draft"  # an issue file with no send started yet
    SCHEDULED = "scheduled"  # started before its send time: waits for it
    SENDING = "sending"
    PAUSED = "paused"  # by the owner, or by itself (too many bounces or complaints)
    FINISHED = "finished"  # sent + skipped + failed = audience
    CANCELLED = "cancelled"


class SendStatus(StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"  # a worker holds it until its lease runs out
    SENT = "sent"  # the transport accepted it
    SKIPPED = "skipped"  # not eligible at the moment of sending; the reason says why
    FAILED = "failed"  # refused for good, or still refused after every attempt
    # In the holdout (`audience.holdout`): never claimed, never sent, final.
    HELD_OUT = "held_out"


@dataclass(frozen=True)
class Campaign:
    slug: str
    state: CampaignState
    reason: str = ""  # why it is paused or cancelled
    audience: int = 0  # the records to send; the held out are not in it
    held_out: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    bounced: int = 0  # hard bounces the provider reported for its messages
    complained: int = 0
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def settled(self) -> int:
        return self.sent + self.skipped + self.failed


@dataclass(frozen=True, slots=True)
class Claimed:
    customer_id: str
    locale: str
    attempts: int  # this claim included


@dataclass(frozen=True, slots=True)
class Settled:
    """What became of one claimed record."""

    customer_id: str
    status: SendStatus  # SENT, SKIPPED, FAILED, or PENDING to be tried again later
    reason: str = ""
    message_id: str | None = None  # ours (the Message-ID header)
    provider_id: str | None = None  # the provider's, which its bounce reports name
    at: datetime | None = None


@runtime_checkable
class SendStore(Protocol):
    def campaign(self, slug: str) -> Campaign | None: ...
    def campaigns(self) -> list[Campaign]: ...

    def move_campaign(
        self,
        slug: str,
        to: CampaignState,
        at: datetime,
        reason: str = "",
        *,
        only_from: Iterable[CampaignState],
    ) -> bool:
        """Change the state if it is one of `only_from` (a missing campaign counts as draft)."""
        ...

    def add_sends(self, slug: str, people: list[tuple[str, str]], *, held_out: bool = False) -> int:
        """Add (customer id, locale) records, pending (or `held_out`); one per person however
        often given, the first kept. Returns how many were new."""
        ...

    def start_sending(self, slug: str, at: datetime) -> Campaign:
        """Count the records (pending: the audience; and those held out) and move a draft or
        scheduled campaign to sending."""
        ...

    def claim_sends(
        self, slug: str, owner: str, size: int, now: float, lease_until: float
    ) -> list[Claimed]:
        """Up to `size` pending records, or claimed ones whose lease ran out before `now`."""
        ...

    def consent_status(self, customer_id: str) -> ConsentStatus | None:
        """`current_status` of the customer's consents, read for one message at send time."""
        ...

    def sending_to(self, customer_ids: list[str]) -> dict[str, tuple[Customer, History]]:
        """The customers of a claimed batch with their histories, read together."""
        ...

    def settle_sends(self, slug: str, owner: str, settled: list[Settled]) -> Campaign:
        """Record outcomes for records `owner` still holds; finishes the campaign when all are."""
        ...

    def claims_outstanding(self, slug: str) -> float | None:
        """When the last lease runs out (Unix seconds; 0 if only pending records are left),
        or None if every record is settled."""
        ...

    def reserve_pace(self, key: str, count: int, spacing: float, now: float) -> float:
        """Reserve `count` send slots `spacing` seconds apart; returns when the first is."""
        ...

    def campaign_of_message(self, message_id: str) -> str | None:
        """The campaign whose message had this id (ours or the provider's)."""
        ...

    def count_mail_event(self, message_id: str, bounce: bool) -> str | None:
        """Count a bounce (or else a complaint) against the campaign that sent `message_id`.

        Returns the campaign's slug, or None if no campaign sent that message.
        Called once per event recorded, so the counters stay cheap to read.
        """
        ...

    def keep_web_version(self, slug: str, locale: str, subject: str, html: str) -> None: ...
    def web_version(self, slug: str, locale: str) -> tuple[str, str] | None:
        """(subject, html) as kept when the campaign finished."""
        ...
