"""The record of each automatic email: one per customer, automation and occasion.

A record is claimed before its email is sent and marked once the transport
has accepted it, so a repeated event or a second nightly run finds the claim
and sends nothing. The owner's report counts the records marked sent, per
kind, within a period ("loyalty actions that went out").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Automation(StrEnum):
    """The kinds of automatic email, as `mail.render.EMAILS` names them (and the store keeps
    them). Each is a section of `automations.yaml` by the same name, but `HOLIDAY`: one
    greeting of its `holidays`; and but the two a request owes, which no owner turns off
    (`TRANSACTIONAL`): they leave the request, so its answer takes as long whoever asked."""

    WELCOME = "welcome"
    THANK_YOU = "thank_you"
    CERTIFICATE_ISSUED = "certificate_issued"
    FEEDBACK_REQUEST = "feedback_request"
    POINTS_EXPIRING = "points_expiring"
    BIRTHDAY = "birthday"
    HOLIDAY = "holiday"
    WIN_BACK = "win_back"
    CONFIRM = "confirm"  # the sign-up's confirmation link
    YOUR_POINTS = "your_points"  # the link to one's points, asked for by address
    # A sign-up with an address that is with us already: where to manage it.
    ALREADY_SUBSCRIBED = "already_subscribed"


TRANSACTIONAL = frozenset(
    {Automation.CONFIRM, Automation.YOUR_POINTS, Automation.ALREADY_SUBSCRIBED}
)


class EmailStatus(StrEnum):
    SENDING = "sending"  # claimed; the email is on its way (or its sender crashed)
    SENT = "sent"  # the transport accepted it
    FAILED = "failed"  # refused for good (a rejected address): not tried again
    # Chosen not to get it, to compare with those who did (`audience.holdout`): final.
    HELD_OUT = "held_out"


@dataclass(frozen=True, slots=True)
class AutomationKey:
    """What makes an automatic email unique: who, which automation, which occasion."""

    customer_id: str
    automation: Automation
    occasion: str  # e.g. an order id, "2027" for a birthday, "new-year:2026"


@dataclass(frozen=True, slots=True)
class AutomationSend:
    key: AutomationKey
    status: EmailStatus
    claimed_until: int  # Unix seconds; a SENDING claim past it may be taken over
    at: datetime | None = None  # when it was sent (or refused)
