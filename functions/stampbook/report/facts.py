"""What the report is computed from: plain rows a store reader gathers for a period.

Money is in whole units of `money_units` (ten-thousandths of the currency's
major unit), so sums stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from ..records.money_units import SCALE, to_money, to_units

__all__ = ["SCALE", "to_money", "to_units"]  # with the rows below, what readers build on


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` (inclusive) to `end` (exclusive); no start means since the beginning."""

    start: datetime | None
    end: datetime


class Buyer(NamedTuple):
    """One customer's purchases placed in the period. A tuple: a reader makes one per
    buyer, some hundred thousand of them, and a tuple is made in a fraction of the
    time a frozen dataclass takes."""

    customer_id: str
    orders: int
    revenue: int  # goods bought, less goods refunded in the period, in units
    first: datetime
    last: datetime


@dataclass(frozen=True, slots=True)
class Month:
    """One calendar month (UTC) of the period, `YYYY-MM`."""

    month: str
    orders: int = 0
    revenue: int = 0  # goods, in units
    repeat_revenue: int = 0  # goods of orders that were not the customer's first ever
    refunds: int = 0
    refunded: int = 0  # units
    answers: dict[str, int] = field(default_factory=dict)  # questionnaire reason -> count
    actions: dict[str, int] = field(default_factory=dict)  # loyalty action -> count
    buyers: int = 0  # customers who bought in the month
    repeat_buyers: int = 0  # of them, those with an order that was not their first ever
    points: dict[str, int] = field(default_factory=dict)  # ledger kind -> points (signed)
    points_held: int = 0  # at the month's end: every customer's balance above zero, summed


@dataclass(frozen=True, slots=True)
class Cohort:
    """The customers whose first purchase ever was in `month`, and when they came back."""

    month: str
    customers: int
    # returned[k]: how many of them bought in the k-th month after `month`
    # (returned[0] is everyone), up to the period's last month.
    returned: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Answer:
    """A questionnaire answer with words in it."""

    at: datetime
    email: str  # the customer's; on the site, the address left for a reply, or empty
    reason: str
    text: str
    order_id: str | None


@dataclass(frozen=True, slots=True)
class PointsFacts:
    by_kind: dict[str, int]  # ledger kind -> points entered in the period (signed)
    outstanding: int  # at the period's end: every customer's balance above zero, summed
    holders: int  # customers holding those points


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    issued: int
    issued_value: int  # units
    redeemed: int
    redeemed_value: int  # units
    open: int  # usable at the period's end
    open_value: int  # units


@dataclass(frozen=True, slots=True)
class MailCounts:
    """One newsletter campaign: what it sent, and what the provider and readers answered.

    `campaign` None gathers every email no campaign sent (the automatic and
    one-off ones), which have no send counts.
    """

    campaign: str | None
    first_at: datetime  # the campaign's start; for other emails, the first event
    sent: int | None = None
    skipped: int | None = None
    failed: int | None = None
    delivered: int = 0
    bounced: int = 0
    soft_bounced: int = 0
    complained: int = 0
    # Readers who unsubscribed while this campaign was the last one they had received.
    unsubscribed: int | None = None


class Contact(NamedTuple):
    """Who a drifting customer is and whether they may be emailed (a tuple, as `Buyer`)."""

    email: str
    name: str
    consent: str | None


@dataclass(frozen=True, slots=True)
class PersonAfter:
    """What one person did in the days after an email went (or was held out of) to them."""

    orders: int
    revenue: int  # goods, in units
    redeemed: int  # points spent
    earned: int  # points earned on purchases


@dataclass(frozen=True)
class HoldoutGroup:
    """An email kept from a random few: those who got it and those held out, each with what
    they did in the days after. An automatic email is one group per month it went in."""

    kind: str  # "newsletter", or the automatic email's name
    name: str  # the slug; the automatic email's name
    month: str  # YYYY-MM it went in
    sent: list[PersonAfter]
    held_out: list[PersonAfter]


@dataclass(frozen=True)
class Measuring:
    """An email with a holdout whose days after are not over by the period's end."""

    kind: str
    name: str
    sent: int
    held_out: int
    until: datetime  # when the last of its days after are over


@dataclass(frozen=True)
class Facts:
    period: Period
    currency: str
    customers_total: int  # in the file at the period's end
    customers_new: int  # joined in the period
    buyers: list[Buyer]
    months: list[Month]
    answers: list[Answer]
    points: PointsFacts
    certificates: CertificateFacts
    # Orders in the period whose goods reached the threshold and that were
    # charged no shipping; and those that reached it but were charged.
    free_shipping_orders: int
    mail: list[MailCounts]
    shipping_charged_over: int = 0
    cohorts: list[Cohort] = field(default_factory=list)  # months of the period, in order
    # Emails with a holdout whose days after ended in the period; and those still running.
    holdouts: list[HoldoutGroup] = field(default_factory=list)
    measuring: list[Measuring] = field(default_factory=list)
    holdout_days: int = 14
