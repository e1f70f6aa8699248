"""Membership and consent to marketing email, with the evidence of how each was given.

Joining the programme (points, statements, emails about the account) and
receiving the newsletter are two consents, asked apart: a confirmed member
who did not tick the newsletter is a MEMBER, and only CONFIRMED means
marketing may be sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class ConsentStatus(StrEnum):
    UNCONFIRMED = "unconfirmed"  # signed up, has not clicked the confirmation link
    CONFIRMED = "confirmed"  # a confirmed address that consented to marketing email
    MEMBER = "member"  # a confirmed address in the programme, without marketing consent
    # Asked for a break from the newsletter on the preferences page; resuming
    # there needs no new opt-in, since the address was confirmed before.
    PAUSED = "paused"
    UNSUBSCRIBED = "unsubscribed"
    SUPPRESSED = "suppressed"  # bounced or complained: never mail again


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    status: ConsentStatus
    at: datetime
    form: str = ""
    text_version: str = ""
    ip: str = ""
    user_agent: str = ""


def current_status(records: list[ConsentRecord]) -> ConsentStatus | None:
    """The latest word; suppression is final whatever comes after it.

    Records come oldest first; of two at the same moment, the later recorded wins.
    """
    if any(record.status is ConsentStatus.SUPPRESSED for record in records):
        return ConsentStatus.SUPPRESSED
    latest = max(reversed(records), key=lambda record: record.at, default=None)
    return latest.status if latest else None
