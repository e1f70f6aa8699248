"""Who a newsletter goes to: confirmed subscribers who match every filter of its audience.

Resolved once, when the campaign starts, into one send record per person
(a person matching on two counts is still one person). Eligibility is
checked again for each record at the moment of sending (`eligibility`), so
someone who unsubscribes after the start is skipped, with the reason kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from ..audience.consent import ConsentStatus, current_status
from ..loyalty.history import History
from ..programme.business import ProgrammeFile
from ..programme.newsletter import Audience, Range
from ..records.customers import Customer
from ..store.base import Store


@dataclass(frozen=True, slots=True)
class Member:
    customer_id: str
    locale: str
    segment: str  # the tier, for the dry run's counts


def locale_of(customer: Customer, programme_file: ProgrammeFile) -> str:
    available = programme_file.locales.available
    return customer.locale if customer.locale in available else programme_file.locales.default


def tier_of(customer: Customer, programme_file: ProgrammeFile) -> str:
    levels = programme_file.loyalty.tiers.levels if programme_file.loyalty.tiers else ()
    return customer.tier or (levels[0].id if levels else "-")


def members(
    store: Store, programme_file: ProgrammeFile, audience: Audience, now: datetime
) -> Iterator[Member]:
    """Each person the issue goes to, in customer id order."""
    for customer_id in store.customer_ids():
        customer = store.customer(customer_id)
        if customer is None:
            continue
        if current_status(store.consents(customer_id)) is not ConsentStatus.CONFIRMED:
            continue
        locale = locale_of(customer, programme_file)
        tier = tier_of(customer, programme_file)
        if _matches(audience, customer, locale, tier, store, now):
            yield Member(customer_id, locale, tier)


def _matches(
    audience: Audience, customer: Customer, locale: str, tier: str, store: Store, now: datetime
) -> bool:
    if audience.tiers and tier not in audience.tiers:
        return False
    if audience.locales and locale not in audience.locales:
        return False
    if audience.interests and not set(audience.interests) & set(customer.interests):
        return False
    if audience.days_since_last_purchase is None and audience.points_balance is None:
        return True
    history = store.history(customer.customer_id)  # only filters on history read it
    return _within(audience.days_since_last_purchase, _days_since_purchase(history, now)) and (
        _within(audience.points_balance, history.balance(now).available)
    )


def _days_since_purchase(history: History, now: datetime) -> int | None:
    last = max((order.placed_at for order in history.orders), default=None)
    return None if last is None else (now - last).days


def _within(bounds: Range | None, value: int | None) -> bool:
    if bounds is None:
        return True
    low, high = bounds.min, bounds.max
    if value is None:  # never bought: as long ago as can be
        return high is None
    return (low is None or value >= low) and (high is None or value <= high)


def ineligible(status: ConsentStatus | None) -> str | None:
    """Why a person may not get a newsletter now, or None if they may."""
    if status is ConsentStatus.CONFIRMED:
        return None
    return f"consent {status.value}" if status else "no consent"
