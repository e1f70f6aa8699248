"""The nightly run for one customer: birthdays, referrals, certificates, tiers, expiry.

Every entry it makes carries an idempotency key derived from what it is for
(the year of the birthday, the referred customer, the last activity before
expiry), so running it twice, or twice at once, changes state once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .calendar import birthday_in
from .certificates import certificates_due
from .history import Certificate, History
from .ledger import Balance, Entry, EntryKind
from .referrals import ReferralBonus, referral_due
from .rules import Rules
from .tiers import reevaluate_tier


@dataclass(frozen=True, slots=True)
class ExpiryWarning:
    points: int
    expires_on: date
    key: str


@dataclass(frozen=True, slots=True)
class DailyOutcome:
    entries: tuple[Entry, ...]
    tier: str | None
    certificates: tuple[Certificate, ...]
    expiry_warning: ExpiryWarning | None
    referral: ReferralBonus | None


def run_daily(
    rules: Rules, history: History, now: datetime, new_code: Callable[[], str]
) -> DailyOutcome:
    entries = [*_birthday(rules, history, now)]
    referral = referral_due(rules, history, now)
    if referral is not None:
        entries += referral[0]
    expired = _expiry(rules, history, now)
    entries += expired
    warning = None if expired else _expiry_warning(rules, history, now)
    return DailyOutcome(
        entries=tuple(entry for entry in entries if not history.has_key(entry.idempotency_key)),
        tier=reevaluate_tier(rules, history, now),
        certificates=certificates_due(rules, history, now, new_code),
        expiry_warning=warning,
        referral=referral[1] if referral else None,
    )


def _bonus(rules: Rules, kind: EntryKind, points: int, now: datetime, key: str) -> Entry:
    return Entry(kind, points, now, now, key, rules.version)


def _birthday(rules: Rules, history: History, now: datetime) -> list[Entry]:
    rule = rules.loyalty.birthday
    if rule is None or history.birthday is None or history.birthday_known_since is None:
        return []
    today = now.astimezone(rules.timezone).date()
    if birthday_in(today.year, history.birthday) != today:
        return []
    # A birthday given only days ago does not pay this year: no "it's my birthday today".
    known_for = today - history.birthday_known_since.astimezone(rules.timezone).date()
    if known_for < timedelta(days=rule.min_days_known):
        return []
    key = f"birthday:{history.customer_id}:{today.year}"
    return [_bonus(rules, EntryKind.BIRTHDAY, rule.points, now, key)]


def last_activity(history: History) -> datetime | None:
    return max((order.placed_at for order in history.orders), default=None)


def expires_at(rules: Rules, history: History) -> datetime | None:
    return expiry_after(rules, last_activity(history))


def expiry_after(rules: Rules, last_order_at: datetime | None) -> datetime | None:
    """When available points expire, the last order having been placed at `last_order_at`."""
    rule = rules.loyalty.expiry
    if rule is None or last_order_at is None:
        return None
    return last_order_at + timedelta(days=rule.after_inactive_days)


def _expiry(rules: Rules, history: History, now: datetime) -> list[Entry]:
    """At the deadline, the points that were available then expire.

    Points given after the deadline (a birthday bonus to a customer who has
    been away) are not swept away the next night: they stay until the next
    purchase starts a new inactivity period.
    """
    deadline = expires_at(rules, history)
    if deadline is None or now < deadline:
        return []
    by_then = Balance.of((e for e in history.entries if e.at <= deadline), deadline).available
    lost = min(history.balance(now).available, by_then)
    if lost <= 0:
        return []
    key = f"expire:{history.customer_id}:{deadline.isoformat()}"
    return [_bonus(rules, EntryKind.EXPIRE, -lost, now, key)]


def _expiry_warning(rules: Rules, history: History, now: datetime) -> ExpiryWarning | None:
    rule = rules.loyalty.expiry
    deadline = expires_at(rules, history)
    available = history.balance(now).available
    if rule is None or deadline is None or available <= 0:
        return None
    if not deadline - timedelta(days=rule.warn_days_before) <= now < deadline:
        return None
    expires_on = deadline.astimezone(rules.timezone).date()
    return ExpiryWarning(
        available, expires_on, f"expiry-warning:{history.customer_id}:{expires_on}"
    )
