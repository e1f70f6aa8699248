"""The referral rules the engine keeps: the monthly limit counts the business's calendar month."""

from __future__ import annotations

from datetime import UTC, datetime

from stampbook.loyalty.history import History
from stampbook.loyalty.ledger import Entry, EntryKind
from stampbook.loyalty.referrals import (
    TAKEN_BACK,
    ReferralBonus,
    bonuses_paid_in_month,
    referrer_key,
    referrer_share,
)

from .simulate import example_rules


def paid(friend: str, at: datetime, points: int = 300) -> Entry:
    key = referrer_key(friend) + (":taken-back" if points < 0 else "")
    reason = TAKEN_BACK if points < 0 else None
    return Entry(EntryKind.REFERRAL, points, at, at, key, "v1", reason=reason)


def test_the_month_is_the_businesss_not_utcs() -> None:
    rules = example_rules()  # Moscow, UTC+3
    # 22:30 UTC on 31 March is already 1 April in Moscow.
    anna = History("anna", entries=(paid("boris", datetime(2026, 3, 31, 22, 30, tzinfo=UTC)),))
    assert bonuses_paid_in_month(rules, anna, datetime(2026, 4, 15, tzinfo=UTC)) == 1
    assert bonuses_paid_in_month(rules, anna, datetime(2026, 3, 31, 20, 0, tzinfo=UTC)) == 0


def test_a_bonus_taken_back_still_counts_as_paid_that_month_and_is_not_counted_twice() -> None:
    rules = example_rules()  # at most 5 a month
    at = datetime(2026, 3, 10, tzinfo=UTC)
    entries = [paid(f"friend{n}", at) for n in range(5)] + [paid("friend0", at, -300)]
    anna = History("anna", entries=tuple(entries))
    assert bonuses_paid_in_month(rules, anna, at) == 5
    sixth = ReferralBonus("anna", paid("friend5", at))
    assert referrer_share(rules, sixth, anna, at) is None  # waits for April
    april = datetime(2026, 4, 2, tzinfo=UTC)
    assert referrer_share(rules, sixth, anna, april) == sixth.entry
    again = ReferralBonus("anna", paid("friend0", april))
    assert referrer_share(rules, again, anna, april) is None  # paid once, ever
