"""The referral bonus: when it is paid, to whom, how many a month, and when it is taken back.

The bonus is for the referred customer's first order. It is paid at the
first nightly run after that order can no longer be returned, unless it was
returned in full by then; it is taken back, from both customers, if a
refund later returns that order in full. A part returned leaves it: a
purchase was really made. A referrer is paid at most `max_per_month`
bonuses in a calendar month (the business's time zone); a bonus over the
limit waits for a month with room, and is not paid if its order is
returned in full meanwhile.

Every entry's key names the referred customer, so each bonus and each
taking back happens once whatever retries or nightly runs repeat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .history import History
from .ledger import Entry, EntryKind
from .orders import Order, Refund
from .rules import Rules

TAKEN_BACK = "taken back: the order it was paid for was returned in full"


@dataclass(frozen=True, slots=True)
class ReferralBonus:
    """Points for the customer who brought this one in."""

    referrer_id: str
    entry: Entry


def referred_key(customer_id: str) -> str:
    """The key of the referred customer's own bonus."""
    return f"referral:{customer_id}"


def referrer_key(customer_id: str) -> str:
    """The key of the bonus the customer who referred `customer_id` receives."""
    return f"{referred_key(customer_id)}:referrer"


def first_order(history: History) -> Order | None:
    return min(history.orders, key=lambda order: order.placed_at, default=None)


def returned_in_full(history: History, order: Order, refund: Refund | None = None) -> bool:
    refunds = [*history.refunds_of(order.order_id), *([refund] if refund else [])]
    return sum(sum(r.lines.values()) for r in refunds) >= order.goods


def referral_due(
    rules: Rules, history: History, now: datetime
) -> tuple[list[Entry], ReferralBonus] | None:
    """Both bonuses, once the first order can no longer be returned and was not returned in full.

    Returned every night from then on: the referred customer's own entry is
    dropped by its key once written; the referrer's share is decided by
    `referrer_share` against the referrer's ledger.
    """
    rule = rules.loyalty.referral
    first = first_order(history)
    if rule is None or history.referred_by is None or first is None:
        return None
    if first.placed_at + timedelta(days=rules.loyalty.pending.days) > now:
        return None
    if returned_in_full(history, first):
        return None  # nothing was really bought
    customer_id = history.customer_id
    mine = []
    if rule.referred_points:
        key = referred_key(customer_id)
        mine.append(_entry(rules, rule.referred_points, now, key, first.order_id))
    theirs = _entry(rules, rule.referrer_points, now, referrer_key(customer_id), first.order_id)
    return mine, ReferralBonus(history.referred_by, theirs)


def bonuses_paid_in_month(rules: Rules, referrer: History, now: datetime) -> int:
    """How many referral bonuses `referrer` was paid in the calendar month of `now`."""
    month = _month(rules, now)
    return sum(
        1
        for entry in referrer.entries_of(EntryKind.REFERRAL)
        if entry.points > 0
        and entry.idempotency_key.endswith(":referrer")
        and _month(rules, entry.at) == month
    )


def referrer_share(
    rules: Rules, bonus: ReferralBonus, referrer: History, now: datetime
) -> Entry | None:
    """The referrer's bonus to write tonight: None if paid already or the month is full."""
    if referrer.has_key(bonus.entry.idempotency_key):
        return None
    rule = rules.loyalty.referral
    limit = rule.max_per_month if rule is not None else None
    if limit is not None and bonuses_paid_in_month(rules, referrer, now) >= limit:
        return None  # waits for a month with room
    return bonus.entry


def taken_back_from_referred(
    rules: Rules, history: History, refund: Refund, now: datetime
) -> list[Entry]:
    """The referred customer's own bonus taken back, if `refund` returns its order in full."""
    paid = _paid(history, referred_key(history.customer_id))
    if paid is None or not _returns_bonus_order(history, paid, refund):
        return []
    return _taken_back(rules, paid, now)


def taken_back_from_referrer(
    rules: Rules, history: History, referrer: History, refund: Refund, now: datetime
) -> list[Entry]:
    """The referrer's bonus for `history`'s customer taken back, if `refund` returns its order."""
    paid = _paid(referrer, referrer_key(history.customer_id))
    if paid is None or not _returns_bonus_order(history, paid, refund):
        return []
    return _taken_back(rules, paid, now)


def may_take_back(history: History, refund: Refund) -> bool:
    """Whether `refund` could take a referral bonus back (the referrer's ledger is then read)."""
    first = first_order(history)
    return (
        history.referred_by is not None
        and first is not None
        and first.order_id == refund.order_id
        and returned_in_full(history, first, refund)
    )


def _returns_bonus_order(history: History, paid: Entry, refund: Refund) -> bool:
    # Bonuses paid before entries named their order were paid for the first one.
    first = first_order(history)
    order_id = paid.order_id or (first.order_id if first else None)
    order = history.order(order_id) if order_id else None
    if order is None or order.order_id != refund.order_id:
        return False
    if any(known.refund_id == refund.refund_id for known in history.refunds):
        return returned_in_full(history, order)  # sent again: as the first time
    return returned_in_full(history, order, refund)


def _paid(history: History, key: str) -> Entry | None:
    if history.has_key(f"{key}:taken-back"):
        return None
    return next((e for e in history.entries if e.idempotency_key == key and e.points > 0), None)


def _taken_back(rules: Rules, paid: Entry, now: datetime) -> list[Entry]:
    key = f"{paid.idempotency_key}:taken-back"
    return [
        Entry(
            EntryKind.REFERRAL,
            -paid.points,
            now,
            now,
            key,
            rules.version,
            order_id=paid.order_id,
            reason=TAKEN_BACK,
        )
    ]


def _entry(rules: Rules, points: int, now: datetime, key: str, order_id: str) -> Entry:
    return Entry(EntryKind.REFERRAL, points, now, now, key, rules.version, order_id=order_id)


def _month(rules: Rules, at: datetime) -> tuple[int, int]:
    local = at.astimezone(rules.timezone)
    return local.year, local.month
