"""What went out, and how it was received: loyalty actions against repeat revenue; newsletters.

Actions are what the customer file records: birthday and referral bonuses
paid, certificates issued, the automatic emails that went out (greetings,
thank-you notes, offers, questionnaire invitations), newsletter messages
sent and emails the provider delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from ..records.automation_sends import Automation
from .facts import MailCounts, Month, to_money

ACTIONS = (
    "birthday",  # bonus points paid
    "referral",
    "certificate",  # gift certificates issued
    "greeting",  # welcome, birthday and holiday emails
    "thank_you",
    "offer",  # win-back and expiring-points emails
    "feedback_request",
    "newsletter",  # campaign messages sent
    "email_delivered",
)

# Which action each automatic email is. The certificate email is left out:
# the certificate itself is the action, and it is counted already.
EMAIL_ACTIONS: dict[str, str] = {
    Automation.WELCOME: "greeting",
    Automation.BIRTHDAY: "greeting",
    Automation.HOLIDAY: "greeting",
    Automation.THANK_YOU: "thank_you",
    Automation.WIN_BACK: "offer",
    Automation.POINTS_EXPIRING: "offer",
    Automation.FEEDBACK_REQUEST: "feedback_request",
}

OTHER_EMAILS = "automatic and one-off emails"


@dataclass(frozen=True)
class ActivityMonth:
    month: str
    actions: dict[str, int]
    orders: int
    revenue: Decimal
    repeat_revenue: Decimal  # orders that were not the customer's first


@dataclass(frozen=True)
class Newsletter:
    campaign: str
    first_event: datetime
    sent: int | None  # None for emails no campaign sent
    skipped: int | None
    failed: int | None
    delivered: int
    bounced: int
    soft_bounced: int
    complained: int
    unsubscribed: int | None


def activity(months: list[Month]) -> tuple[ActivityMonth, ...]:
    return tuple(
        ActivityMonth(
            month.month,
            {action: month.actions.get(action, 0) for action in ACTIONS},
            month.orders,
            to_money(month.revenue),
            to_money(month.repeat_revenue),
        )
        for month in months
    )


def newsletters(mail: list[MailCounts]) -> tuple[Newsletter, ...]:
    """Latest campaign first; the emails no campaign sent last."""
    rows = [
        Newsletter(
            counts.campaign or OTHER_EMAILS,
            counts.first_at,
            counts.sent,
            counts.skipped,
            counts.failed,
            counts.delivered,
            counts.bounced,
            counts.soft_bounced,
            counts.complained,
            counts.unsubscribed,
        )
        for counts in mail
    ]
    return tuple(
        sorted(
            rows,
            key=lambda row: (row.sent is not None, row.first_event, row.campaign),
            reverse=True,
        )
    )
