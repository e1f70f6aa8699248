"""A customer's own settings, through the preferences link in every marketing email.

Language, interests and birthday are theirs to change. The newsletter can be
paused and resumed here: pausing is a consent record like any other, so the
send-time check that stops marketing to the unsubscribed stops it to the
paused too, and the history shows when and how it happened. Resuming needs
no new opt-in, but only a pause can be resumed here: someone who
unsubscribed, never confirmed or bounced signs up again through the form.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from ..audience.consent import ConsentStatus, current_status
from ..records.customers import Customer
from ..store.base import UnknownCustomer
from .mailer import Mailer
from .subscriptions import Evidence

PREFERENCES_FORM = "site:preferences"


@dataclass(frozen=True)
class Change:
    """What the page sent; None leaves a setting as it is."""

    locale: str | None = None
    interests: tuple[str, ...] | None = None
    birthday: date | None = None
    forget_birthday: bool = False
    marketing: bool | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """What the page shows: the customer's settings as they stand."""

    locale: str
    interests: tuple[str, ...]
    birthday: date | None
    status: ConsentStatus

    @property
    def marketing(self) -> bool:
        """The newsletter comes: consent confirmed, and not paused."""
        return self.status is ConsentStatus.CONFIRMED

    def as_json(self) -> dict[str, Any]:
        return {
            "locale": self.locale,
            "interests": list(self.interests),
            "birthday": self.birthday.isoformat() if self.birthday else None,
            "marketing": self.marketing,
            "status": self.status.value,
        }


def settings_of(mailer: Mailer, customer_id: str) -> Settings:
    store = mailer.store
    customer = store.customer(customer_id)
    if customer is None:
        raise UnknownCustomer(customer_id)
    status = current_status(store.consents(customer_id))
    return Settings(
        locale=mailer.locale_of(customer),
        interests=customer.interests,
        birthday=customer.birthday,
        status=status or ConsentStatus.UNCONFIRMED,
    )


def change_settings(
    mailer: Mailer, customer_id: str, change: Change, evidence: Evidence
) -> Settings:
    """Apply `change`; sending the same settings again changes nothing."""
    store, now = mailer.store, mailer.loyalty.clock()
    customer = store.customer(customer_id)
    if customer is None:
        raise UnknownCustomer(customer_id)
    updated = _profile(customer, change, now)
    if updated != customer:
        store.update_customer(updated)
    if change.marketing is not None:
        status = current_status(store.consents(customer_id))
        # A member asking for the newsletter on her own page (reached by her
        # signed link) gives that consent here, with this page as its evidence.
        if change.marketing and status in (ConsentStatus.PAUSED, ConsentStatus.MEMBER):
            store.record_consent(customer_id, evidence.record(ConsentStatus.CONFIRMED, now))
        elif not change.marketing and status is ConsentStatus.CONFIRMED:
            store.record_consent(customer_id, evidence.record(ConsentStatus.PAUSED, now))
    return settings_of(mailer, customer_id)


def _profile(customer: Customer, change: Change, now: datetime) -> Customer:
    updated = customer
    if change.locale is not None:
        updated = replace(updated, locale=change.locale)
    if change.interests is not None:
        updated = replace(updated, interests=tuple(dict.fromkeys(change.interests)))
    if change.forget_birthday:
        updated = replace(updated, birthday=None, birthday_set_at=None)
    elif change.birthday is not None and change.birthday != customer.birthday:
        # The engine pays a birthday only once it has been known for a while
        # (no "it's my birthday today"): a changed date starts that wait again.
        updated = replace(updated, birthday=change.birthday, birthday_set_at=now)
    return updated
