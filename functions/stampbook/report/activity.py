"""What went out, and how it was received: loyalty actions against repeat revenue; newsletters.

Only what the customer file records is counted: birthday and referral
bonuses paid, certificates issued, emails the provider delivered. Sent
greetings, thank-you notes and offers are not logged yet, and newsletter
campaigns do not exist yet, so mail is grouped by the provider's message
id; `campaign_of` is the one place to change when campaigns are recorded,
and the counts only the sender can know (sent, skipped, unsubscribed)
stay empty until then.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .facts import MailCounts, Month, to_money

ACTIONS = ("birthday", "referral", "certificate", "email_delivered")


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
    sent: int | None  # known once campaigns are sent by Stampbook
    skipped: int | None
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


def by_message(counts: MailCounts) -> str:
    return counts.key or "(no message id)"


def newsletters(
    mail: list[MailCounts], campaign_of: Callable[[MailCounts], str] = by_message
) -> tuple[Newsletter, ...]:
    grouped: dict[str, list[MailCounts]] = {}
    for counts in mail:
        grouped.setdefault(campaign_of(counts), []).append(counts)
    rows = (
        Newsletter(
            campaign,
            min(each.first_at for each in parts),
            None,
            None,
            sum(each.delivered for each in parts),
            sum(each.bounced for each in parts),
            sum(each.soft_bounced for each in parts),
            sum(each.complained for each in parts),
            None,
        )
        for campaign, parts in grouped.items()
    )
    return tuple(sorted(rows, key=lambda row: (row.first_event, row.campaign), reverse=True))
