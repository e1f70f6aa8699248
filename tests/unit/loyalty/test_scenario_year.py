"""A year and a half in the life of one customer of Copper Cezve, step by step.

The example programme: 5 points per 100 ₽ rounded down on the whole order,
beans x2, gift cards and shipping earn nothing, points pending 14 days;
tiers by spend over 12 months: guest 0, regular 15 000 ₽ (x1.25),
connoisseur 40 000 ₽ (x1.5, free shipping); spend 20 000 ₽ within 6 months
-> a 2 500 ₽ certificate valid 90 days; free shipping from 3 000 ₽; 200
birthday points (birthday known 30 days); referral 300/150; points expire
after 365 days without a purchase, with a warning 30 days before. Europe/Moscow.

The nightly run happens every night at 03:00 Moscow time; purchases and
refunds at noon unless said otherwise. Every expected number is worked out
by hand in the comment beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from stampbook.loyalty.daily import DailyOutcome, ExpiryWarning, run_daily
from stampbook.loyalty.errors import NotEnoughPoints, RefundBeforePurchase, RefundTooLarge
from stampbook.loyalty.ledger import Balance, EntryKind
from stampbook.loyalty.purchases import record_purchase, record_refund
from stampbook.loyalty.referrals import ReferralBonus
from stampbook.loyalty.spending import adjust, redeem

from .simulate import (
    Customer,
    add_entries,
    apply_daily,
    apply_purchase,
    apply_refund,
    msk,
    purchase,
    refund_of,
)

RULE = "spend-20k-6m"


def balance(total: int, available: int, pending: int) -> Balance:
    return Balance(total=total, available=available, pending=pending)


def certificate_ids(customer: Customer) -> list[str]:
    return [certificate.certificate_id for certificate in customer.certificates]


@dataclass
class Story:
    """A customer whose nightly run happens every night, up to the moment of each event."""

    customer: Customer
    nights_done: date
    nights: list[tuple[date, DailyOutcome]] = field(default_factory=list)

    @classmethod
    def begin(cls, customer: Customer, day: date) -> Story:
        return cls(customer, nights_done=day)

    def at(self, moment: datetime) -> datetime:
        """Run every night up to `moment` (its own night too if it is after 03:00)."""
        night = msk(moment.year, moment.month, moment.day, 3)
        last = moment.date() if moment >= night else moment.date() - timedelta(days=1)
        day = self.nights_done + timedelta(days=1)
        while day <= last:
            night = msk(day.year, day.month, day.day, 3)
            self.nights.append((day, self.customer.daily(night)))
            self.nights_done = day
            day += timedelta(days=1)
        return moment

    def night_entries(self) -> list[tuple[date, EntryKind, int]]:
        return [
            (day, entry.kind, entry.points)
            for day, outcome in self.nights
            for entry in outcome.entries
        ]

    def tier_changes(self) -> list[tuple[date, str | None]]:
        """(night, tier) for each night whose tier differs from the night before."""
        changes: list[tuple[date, str | None]] = []
        for day, outcome in self.nights:
            if not changes or changes[-1][1] != outcome.tier:
                changes.append((day, outcome.tier))
        return changes

    def warnings(self) -> list[tuple[date, ExpiryWarning]]:
        return [(day, out.expiry_warning) for day, out in self.nights if out.expiry_warning]


def anna() -> Story:
    """Anna signs up on 10 January 2026 and gives her birthday, 15 March, at once."""
    customer = Customer.sign_up(
        "anna", birthday=date(1990, 3, 15), birthday_known_since=msk(2026, 1, 10, 10)
    )
    return Story.begin(customer, date(2026, 1, 10))


# --- The chapters. Each plays on from the previous one and checks every step. ---


def january_and_february(story: Story) -> None:
    anna = story.customer

    # A: beans 1500 (x2 -> 3000), drinks 420.50, a 500 ₽ gift card, 350 ₽ shipping.
    # Earning base 3000 + 420.50 = 3420.50 -> 3420.50 * 5 / 100 = 171.025 -> 171.
    a = purchase(
        "A",
        story.at(msk(2026, 1, 15)),
        ("beans", 1500),
        ("drinks", "420.50"),
        ("gift-cards", 500),
        shipping=350,
    )
    outcome = anna.buy(a)
    (earn,) = outcome.entries
    assert (earn.kind, earn.points) == (EntryKind.EARN, 171)
    assert earn.available_at == msk(2026, 1, 29)  # 14 days after the order
    assert outcome.tier == "guest"
    assert outcome.free_shipping is False  # goods 2420.50 < 3000
    assert anna.balance(msk(2026, 1, 15)) == balance(171, 0, 171)

    # Pending points cannot be spent.
    with pytest.raises(NotEnoughPoints):
        anna.redeem("espresso", story.at(msk(2026, 1, 20)), key="redeem:anna:1")
    assert anna.balance(msk(2026, 1, 29, 11, 59)) == balance(171, 0, 171)
    assert anna.balance(story.at(msk(2026, 1, 29))) == balance(171, 171, 0)

    # B: a grinder 5000 and beans 2000 (x2 -> 4000): base 9000 -> 450 points.
    b = purchase("B", story.at(msk(2026, 2, 1)), ("equipment", 5000), ("beans", 2000))
    outcome = anna.buy(b)
    assert [(e.kind, e.points) for e in outcome.entries] == [(EntryKind.EARN, 450)]
    assert outcome.free_shipping is True  # goods 7000 >= 3000
    assert outcome.tier == "guest"  # 1920.50 + 7000 = 8920.50 in 12 months

    # Half the beans of B come back inside the return window: B now earns
    # 5000 + 1000 * 2 = 7000 -> 350, so 100 pending points go; nothing available is touched.
    (clawback,) = anna.refund(refund_of("R1", "B", story.at(msk(2026, 2, 5)), {"B-2": 1000}))
    assert (clawback.kind, clawback.points) == (EntryKind.CLAWBACK, -100)
    assert clawback.available_at == msk(2026, 2, 15)
    assert anna.balance(msk(2026, 2, 5)) == balance(521, 171, 350)
    assert anna.balance(story.at(msk(2026, 2, 15))) == balance(521, 521, 0)

    assert story.night_entries() == []
    assert list(anna.certificates) == []


def march(story: Story) -> None:
    anna = story.customer
    assert anna.balance(story.at(msk(2026, 3, 14, 23))) == balance(521, 521, 0)

    # The birthday night pays 200 points, once, however often the run repeats that day.
    story.at(msk(2026, 3, 15, 4))
    assert story.night_entries() == [(date(2026, 3, 15), EntryKind.BIRTHDAY, 200)]
    again = anna.daily(msk(2026, 3, 15, 21))
    assert again.entries == ()
    birthdays = list(anna.history.entries_of(EntryKind.BIRTHDAY))
    assert [e.idempotency_key for e in birthdays] == ["birthday:anna:2026"]
    assert anna.balance(msk(2026, 3, 15, 21)) == balance(721, 721, 0)

    # A cappuccino for 200 points.
    entry = anna.redeem("cappuccino", story.at(msk(2026, 3, 20)), key="redeem:anna:2")
    assert (entry.kind, entry.points, entry.reward_id) == (EntryKind.REDEEM, -200, "cappuccino")
    assert anna.balance(msk(2026, 3, 20)) == balance(521, 521, 0)


def april(story: Story) -> None:
    anna = story.customer

    # C: beans 3000 (x2) and a kettle 4000.50: base 10000.50 -> 500.025 -> 500.
    c = purchase("C", story.at(msk(2026, 4, 1)), ("beans", 3000), ("equipment", "4000.50"))
    outcome = anna.buy(c)
    assert [e.points for e in outcome.entries] == [500]
    # 12-month spend: A 1920.50 + B 6000 (after the refund) + C 7000.50 = 14921 < 15000.
    assert outcome.tier == "guest"

    # D: one 79 ₽ drink takes the 12-month spend to exactly 15000: regular from now on,
    # but D itself earns at the guest rate: 79 * 5 / 100 = 3.95 -> 3.
    outcome = anna.buy(purchase("D", story.at(msk(2026, 4, 10)), ("drinks", 79)))
    (earn,) = outcome.entries
    assert (earn.points, earn.multiplier) == (3, Decimal(1))
    assert outcome.tier == "regular"
    assert outcome.free_shipping is False
    assert anna.tier == "regular"

    # E: beans 1000 (x2 -> 2000) at the regular rate: 2000 * 1.25 * 5 / 100 = 125.
    outcome = anna.buy(purchase("E", story.at(msk(2026, 4, 12)), ("beans", 1000)))
    (earn,) = outcome.entries
    assert (earn.points, earn.multiplier) == (125, Decimal("1.25"))
    assert outcome.free_shipping is False  # regular has no free shipping; goods 1000

    # Pending: C 500 (until 15 April), D 3, E 125.
    assert anna.balance(msk(2026, 4, 12)) == balance(1149, 521, 628)
    assert anna.balance(story.at(msk(2026, 4, 15))) == balance(1149, 1021, 128)
    assert anna.balance(story.at(msk(2026, 4, 26))) == balance(1149, 1149, 0)


def may_and_june(story: Story) -> None:
    anna = story.customer

    # F: an espresso machine 5000 at the regular rate: 5000 * 1.25 * 5 / 100 = 312.5 -> 312.
    outcome = anna.buy(purchase("F", story.at(msk(2026, 5, 5)), ("equipment", 5000)))
    assert [e.points for e in outcome.entries] == [312]
    assert outcome.free_shipping is True

    # Spend counts for the certificate only once it can no longer be returned.
    # Before F is final: 1920.50 + 6000 + 7000.50 + 79 + 1000 = 16000 < 20000.
    story.at(msk(2026, 5, 19, 4))
    assert list(anna.certificates) == []
    # F is final at noon on 19 May; the night of 20 May sees 21000: one certificate,
    # using 20000 oldest first; 1000 of F is left over.
    story.at(msk(2026, 5, 20, 4))
    (first,) = anna.certificates
    assert first.certificate_id == "anna:spend-20k-6m:1"
    assert first.code == "CODE-0001"
    assert (first.rule_id, first.value, first.currency) == (RULE, Decimal(2500), "RUB")
    assert first.issued_at == msk(2026, 5, 20, 3)
    assert first.expires_at == msk(2026, 8, 18, 3)  # 90 days
    assert first.consumed == (
        ("A", Decimal("1920.50")),
        ("B", Decimal(6000)),
        ("C", Decimal("7000.50")),
        ("D", Decimal(79)),
        ("E", Decimal(1000)),
        ("F", Decimal(4000)),
    )
    story.at(msk(2026, 5, 31, 4))
    assert certificate_ids(anna) == ["anna:spend-20k-6m:1"]  # never twice for the same spend

    # G: a 19000 coffee machine at the regular rate: 1187.5 -> 1187. The 12-month
    # spend reaches 40000: connoisseur at once.
    outcome = anna.buy(purchase("G", story.at(msk(2026, 6, 1)), ("equipment", 19000)))
    assert [e.points for e in outcome.entries] == [1187]
    assert outcome.tier == "connoisseur"

    # H: a 1000 ₽ drinks order ships free for a connoisseur and earns x1.5: 75.
    outcome = anna.buy(purchase("H", story.at(msk(2026, 6, 10)), ("drinks", 1000)))
    (earn,) = outcome.entries
    assert (earn.points, earn.multiplier) == (75, Decimal("1.5"))
    assert outcome.free_shipping is True

    # G is final at noon on 15 June: the leftover 1000 of F and G's 19000 make the
    # second certificate on the night of 16 June.
    story.at(msk(2026, 6, 15, 4))
    assert certificate_ids(anna) == ["anna:spend-20k-6m:1"]
    story.at(msk(2026, 6, 16, 4))
    first_again, second = anna.certificates
    assert first_again == first
    assert second.certificate_id == "anna:spend-20k-6m:2"
    assert second.code == "CODE-0002"
    assert second.consumed == (("F", Decimal(1000)), ("G", Decimal(19000)))
    assert second.expires_at == msk(2026, 9, 14, 3)

    # Available: 1461 before G + G 1187 = 2648; H's 75 pending until 24 June.
    assert anna.balance(msk(2026, 6, 16, 4)) == balance(2723, 2648, 75)
    assert anna.balance(story.at(msk(2026, 6, 24))) == balance(2723, 2723, 0)


def second_half_of_2026(story: Story) -> None:
    anna = story.customer

    # 400 ₽ of H comes back after its return window: H now earns 600 * 1.5 * 5 / 100 = 45,
    # so 30 points are taken from what is available.
    (clawback,) = anna.refund(refund_of("R2", "H", story.at(msk(2026, 7, 1)), {"H-1": 400}))
    assert clawback.points == -30
    assert clawback.available_at == msk(2026, 7, 1)
    assert anna.balance(msk(2026, 7, 1)) == balance(2693, 2693, 0)

    entry = anna.redeem("cupping", story.at(msk(2026, 7, 10)), key="redeem:anna:3")
    assert entry.points == -900
    assert anna.balance(msk(2026, 7, 10)) == balance(1793, 1793, 0)

    first, second = anna.certificates
    assert first.usable(msk(2026, 8, 18, 2, 59))
    assert not first.usable(msk(2026, 8, 18, 3))
    assert second.usable(msk(2026, 9, 14, 2, 59))
    assert not second.usable(msk(2026, 9, 14, 3))

    # H's remaining 600 is far from another 20000: no third certificate.
    story.at(msk(2026, 12, 31, 23))
    assert certificate_ids(anna) == ["anna:spend-20k-6m:1", "anna:spend-20k-6m:2"]
    assert anna.tier == "connoisseur"  # 40000 - 400 = 40600 in the last 12 months


def year_2027(story: Story) -> None:
    anna = story.customer

    # A (15 January 2026, noon) leaves the 12-month window on the night of 16 January:
    # 40600 - 1920.50 = 38679.50 < 40000 -> regular.
    story.at(msk(2027, 1, 15, 4))
    assert anna.tier == "connoisseur"
    story.at(msk(2027, 1, 16, 4))
    assert anna.tier == "regular"

    # The second birthday pays again, under the new year's key.
    story.at(msk(2027, 3, 15, 4))
    assert anna.history.has_key("birthday:anna:2027")
    assert anna.balance(msk(2027, 3, 15, 4)) == balance(1993, 1993, 0)

    # The last purchase was H, 10 June 2026 at noon: the points expire 365 days later,
    # 10 June 2027 at noon; the warnings start 30 days before, at noon on 11 May.
    story.at(msk(2027, 5, 11, 4))
    assert story.warnings() == []
    story.at(msk(2027, 6, 10, 4))
    warnings = story.warnings()
    assert [day for day, _ in warnings] == [
        date(2027, 5, 12) + timedelta(days=n) for n in range(30)
    ]
    assert {warning for _, warning in warnings} == {
        ExpiryWarning(1993, date(2027, 6, 10), "expiry-warning:anna:2027-06-10")
    }
    assert anna.balance(msk(2027, 6, 10, 4)) == balance(1993, 1993, 0)

    story.at(msk(2027, 6, 11, 4))
    (expired,) = anna.history.entries_of(EntryKind.EXPIRE)
    assert expired.points == -1993
    assert expired.idempotency_key == "expire:anna:2027-06-10T12:00:00+03:00"
    assert story.nights[-1][1].expiry_warning is None
    assert anna.balance(msk(2027, 6, 11, 4)) == balance(0, 0, 0)

    story.at(msk(2027, 6, 30, 4))
    assert anna.balance(msk(2027, 6, 30, 4)) == balance(0, 0, 0)
    assert anna.tier == "guest"


# --- The year, chapter by chapter. ---


def test_purchases_earn_pending_points_and_a_refund_in_the_window_cancels_some() -> None:
    january_and_february(anna())


def test_the_birthday_pays_once_and_points_buy_a_reward() -> None:
    story = anna()
    january_and_february(story)
    march(story)


def test_the_tier_upgrade_applies_from_the_next_order() -> None:
    story = anna()
    for chapter in (january_and_february, march, april):
        chapter(story)


def test_certificates_come_from_final_spend_and_leftovers_carry_over() -> None:
    story = anna()
    for chapter in (january_and_february, march, april, may_and_june):
        chapter(story)


def test_a_refund_after_the_window_takes_available_points() -> None:
    story = anna()
    for chapter in (january_and_february, march, april, may_and_june, second_half_of_2026):
        chapter(story)


def test_the_tier_falls_and_the_points_expire_after_a_year_without_purchases() -> None:
    story = anna()
    for chapter in (
        january_and_february,
        march,
        april,
        may_and_june,
        second_half_of_2026,
        year_2027,
    ):
        chapter(story)

    assert story.tier_changes() == [
        (date(2026, 1, 11), "guest"),
        (date(2026, 4, 11), "regular"),
        (date(2026, 6, 2), "connoisseur"),
        (date(2027, 1, 16), "regular"),  # A leaves the window
        (date(2027, 6, 2), "guest"),  # G leaves the window: only H's 600 is left
    ]
    # The nights made exactly these entries and nothing else.
    assert story.night_entries() == [
        (date(2026, 3, 15), EntryKind.BIRTHDAY, 200),
        (date(2027, 3, 15), EntryKind.BIRTHDAY, 200),
        (date(2027, 6, 11), EntryKind.EXPIRE, -1993),
    ]
    assert [(e.kind, e.points) for e in story.customer.history.entries] == [
        (EntryKind.EARN, 171),
        (EntryKind.EARN, 450),
        (EntryKind.CLAWBACK, -100),
        (EntryKind.BIRTHDAY, 200),
        (EntryKind.REDEEM, -200),
        (EntryKind.EARN, 500),
        (EntryKind.EARN, 3),
        (EntryKind.EARN, 125),
        (EntryKind.EARN, 312),
        (EntryKind.EARN, 1187),
        (EntryKind.EARN, 75),
        (EntryKind.CLAWBACK, -30),
        (EntryKind.REDEEM, -900),
        (EntryKind.BIRTHDAY, 200),
        (EntryKind.EXPIRE, -1993),
    ]
    assert certificate_ids(story.customer) == ["anna:spend-20k-6m:1", "anna:spend-20k-6m:2"]


# --- Single rules, each in its own short story. ---


def test_a_refund_after_the_window_goes_below_zero_only_by_points_spent() -> None:
    spender = Customer.sign_up("spender")
    keeper = Customer.sign_up("keeper")
    for customer in (spender, keeper):
        # Beans 1200 (x2): 2400 * 5 / 100 = 120 points, available on 29 January.
        customer.buy(purchase("O1", msk(2026, 1, 15), ("beans", 1200)))
        assert customer.balance(msk(2026, 1, 29)) == balance(120, 120, 0)
    spender.redeem("espresso", msk(2026, 2, 1), key="redeem:spender:1")

    for customer in (spender, keeper):
        (clawback,) = customer.refund(refund_of("R", "O1", msk(2026, 2, 10), {"O1-1": 1200}))
        assert clawback.points == -120
    # The espresso was already drunk: the balance owes exactly its 120 points.
    assert spender.balance(msk(2026, 2, 10)) == balance(-120, -120, 0)
    assert keeper.balance(msk(2026, 2, 10)) == balance(0, 0, 0)


@pytest.mark.parametrize("gone_by", ["expiry", "correction"])
def test_a_refund_does_not_take_again_points_that_are_already_gone(gone_by: str) -> None:
    """Points that expired or were corrected away were not spent: a later clawback of the
    same points must not leave the customer owing them."""
    story = Story.begin(Customer.sign_up("vera"), date(2026, 1, 1))
    customer = story.customer
    # Beans 1200 (x2): 120 points, available on 29 January 2026.
    customer.buy(purchase("O1", story.at(msk(2026, 1, 15)), ("beans", 1200)))
    if gone_by == "expiry":
        # No purchase for 365 days: the 120 points expire on the night of 16 January 2027.
        refunded_at = story.at(msk(2027, 1, 20))
        assert [(e.kind, e.points) for e in customer.history.entries][-1] == (
            EntryKind.EXPIRE,
            -120,
        )
    else:
        customer.adjust(-120, "credited by mistake", story.at(msk(2026, 2, 1)), key="adjust:1")
        refunded_at = story.at(msk(2026, 2, 10))
    assert customer.balance(refunded_at) == balance(0, 0, 0)

    customer.refund(refund_of("R1", "O1", refunded_at, {"O1-1": 1200}))
    available = customer.balance(refunded_at).available
    assert available >= 0, (
        f"after the points went by {gone_by}, refunding the order took them again: "
        f"available {available} although no point was ever spent on a reward"
    )


def test_partial_refunds_never_take_back_more_than_the_order_earned() -> None:
    customer = Customer.sign_up("ivan")
    # Beans 1990 (x2): 3980 * 5 / 100 = 199 points.
    (earn,) = customer.buy(purchase("O1", msk(2026, 1, 15), ("beans", 1990))).entries
    assert earn.points == 199
    # Half back: 995 left earns 99.5 -> 99, so 100 are taken.
    (first,) = customer.refund(refund_of("R1", "O1", msk(2026, 1, 16), {"O1-1": 995}))
    assert first.points == -100
    # The rest back: 0 left, so the last 99 are taken.
    (second,) = customer.refund(refund_of("R2", "O1", msk(2026, 1, 17), {"O1-1": 995}))
    assert second.points == -99
    assert customer.balance(msk(2026, 3, 1)) == balance(0, 0, 0)
    with pytest.raises(RefundTooLarge):
        customer.refund(refund_of("R3", "O1", msk(2026, 1, 18), {"O1-1": "0.01"}))


def test_shipping_and_gift_cards_earn_nothing_but_tax_on_top_does() -> None:
    customer = Customer.sign_up("olga")
    # Only gift cards and shipping: no points, so no entry at all.
    outcome = customer.buy(purchase("O1", msk(2026, 1, 15), ("gift-cards", 5000), shipping=400))
    assert outcome.entries == ()
    # Tax on top of the lines earns at the base rate (the programme does not exclude it):
    # drinks 1000 + tax 200 -> 1200 * 5 / 100 = 60; 399.99 of drinks -> 19.9995 -> 19.
    (earn,) = customer.buy(purchase("O2", msk(2026, 1, 16), ("drinks", 1000), tax=200)).entries
    assert earn.points == 60
    (earn,) = customer.buy(purchase("O3", msk(2026, 1, 17), ("drinks", "399.99"))).entries
    assert earn.points == 19


@pytest.mark.parametrize(
    ("known_since", "paid_in_2026"),
    [
        (msk(2026, 2, 13, 23), True),  # 30 days before 15 March
        (msk(2026, 2, 14, 0, 30), False),  # 29 days before
        (msk(2026, 3, 14, 18), False),  # the day before
    ],
)
def test_a_birthday_given_less_than_30_days_before_pays_only_next_year(
    known_since: datetime, paid_in_2026: bool
) -> None:
    story = Story.begin(
        Customer.sign_up("pavel", birthday=date(1985, 3, 15), birthday_known_since=known_since),
        known_since.date(),
    )
    story.at(msk(2027, 3, 31))
    expected = [(date(2027, 3, 15), EntryKind.BIRTHDAY, 200)]
    if paid_in_2026:
        expected.insert(0, (date(2026, 3, 15), EntryKind.BIRTHDAY, 200))
    assert story.night_entries() == expected


def test_a_29_february_birthday_is_celebrated_on_28_february_in_other_years() -> None:
    customer = Customer.sign_up(
        "leap", birthday=date(2000, 2, 29), birthday_known_since=msk(2026, 1, 1)
    )
    story = Story.begin(customer, date(2026, 1, 1))
    story.at(msk(2028, 3, 31))
    assert [day for day, _, _ in story.night_entries()] == [
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


def test_the_certificate_waits_until_the_spend_is_final_and_counts_refunds() -> None:
    # 20000 in one order, placed 1 March at noon: final at noon on 15 March.
    whole = Story.begin(Customer.sign_up("whole"), date(2026, 3, 1))
    whole.customer.buy(purchase("O1", whole.at(msk(2026, 3, 1)), ("equipment", 20000)))
    whole.at(msk(2026, 3, 15, 23))
    assert list(whole.customer.certificates) == []
    whole.at(msk(2026, 3, 16, 4))
    (certificate,) = whole.customer.certificates
    assert certificate.consumed == (("O1", Decimal(20000)),)
    assert certificate.issued_at == msk(2026, 3, 16, 3)

    # The same order with 1000 returned inside the window is 19000: no certificate.
    returned = Story.begin(Customer.sign_up("returned"), date(2026, 3, 1))
    returned.customer.buy(purchase("O1", returned.at(msk(2026, 3, 1)), ("equipment", 20000)))
    returned.customer.refund(refund_of("R1", "O1", returned.at(msk(2026, 3, 10)), {"O1-1": 1000}))
    returned.at(msk(2026, 9, 30))
    assert returned.customer.certificates == ()


@pytest.mark.parametrize(
    ("third_order_on", "certificates"),
    [
        # Final on 3 August: that night the window starts 4 February and still holds Y.
        (msk(2026, 7, 20), 2),
        # Final on 15 August: by then the window starts 16 February; Y's leftover is gone.
        (msk(2026, 8, 1), 1),
    ],
)
def test_leftover_spend_counts_only_while_it_is_inside_the_window(
    third_order_on: datetime, certificates: int
) -> None:
    story = Story.begin(Customer.sign_up("maria"), date(2026, 1, 1))
    customer = story.customer
    customer.buy(purchase("X", story.at(msk(2026, 1, 10)), ("equipment", 12000)))
    customer.buy(purchase("Y", story.at(msk(2026, 2, 10)), ("equipment", 10000)))
    story.at(msk(2026, 2, 25, 4))
    (first,) = customer.certificates
    assert first.consumed == (("X", Decimal(12000)), ("Y", Decimal(8000)))  # 2000 of Y left

    customer.buy(purchase("Z", story.at(third_order_on), ("equipment", 18000)))
    story.at(msk(2026, 9, 30))
    assert len(customer.certificates) == certificates
    if certificates == 2:
        assert customer.certificates[1].consumed == (("Y", Decimal(2000)), ("Z", Decimal(18000)))


def test_the_tier_falls_at_the_next_night_when_a_refund_drops_the_spend() -> None:
    story = Story.begin(Customer.sign_up("sergei"), date(2026, 1, 1))
    customer = story.customer
    outcome = customer.buy(purchase("O1", story.at(msk(2026, 1, 10)), ("equipment", 16000)))
    assert outcome.tier == "regular"
    customer.refund(refund_of("R1", "O1", story.at(msk(2026, 1, 12)), {"O1-1": 2000}))
    assert customer.tier == "regular"  # a refund alone does not re-evaluate
    story.at(msk(2026, 1, 13, 4))
    assert customer.tier == "guest"  # 14000 < 15000


def test_a_referral_pays_both_once_the_first_order_is_final() -> None:
    story = Story.begin(Customer.sign_up("nina", referred_by="boris"), date(2026, 1, 1))
    customer = story.customer
    customer.buy(purchase("O1", story.at(msk(2026, 1, 15)), ("drinks", 300)))
    story.at(msk(2026, 1, 29, 23))
    assert [out.referral for _, out in story.nights] == [None] * 28
    story.at(msk(2026, 1, 30, 4))
    referral = story.nights[-1][1].referral
    assert isinstance(referral, ReferralBonus)
    assert referral.referrer_id == "boris"
    assert (referral.entry.points, referral.entry.idempotency_key) == (
        300,
        "referral:nina:referrer",
    )
    assert story.night_entries() == [(date(2026, 1, 30), EntryKind.REFERRAL, 150)]
    story.at(msk(2026, 2, 28))
    assert len(list(customer.history.entries_of(EntryKind.REFERRAL))) == 1


def test_no_referral_for_a_first_order_returned_in_full() -> None:
    story = Story.begin(Customer.sign_up("fake", referred_by="boris"), date(2026, 1, 1))
    customer = story.customer
    customer.buy(purchase("O1", story.at(msk(2026, 1, 15)), ("drinks", 300)))
    customer.refund(refund_of("R1", "O1", story.at(msk(2026, 1, 16)), {"O1-1": 300}))
    story.at(msk(2026, 3, 1))
    assert [out.referral for _, out in story.nights if out.referral] == []
    assert story.night_entries() == []


def test_two_nightly_runs_at_once_change_state_once() -> None:
    customer = Customer.sign_up(
        "twins", birthday=date(1990, 3, 15), birthday_known_since=msk(2025, 1, 1)
    )
    customer.buy(purchase("O1", msk(2026, 2, 1), ("equipment", 20000)))
    night = msk(2026, 3, 15, 3)
    rules, before = customer.rules, customer.history
    one = run_daily(rules, before, night, lambda: "CODE-A")
    two = run_daily(rules, before, night, lambda: "CODE-B")
    after = apply_daily(apply_daily(before, one), two)
    assert [(e.kind, e.points) for e in after.entries] == [
        (EntryKind.EARN, 1000),
        (EntryKind.BIRTHDAY, 200),
    ]
    assert [(c.certificate_id, c.code) for c in after.certificates] == [
        ("twins:spend-20k-6m:1", "CODE-A")
    ]


# --- Repeating a request: the same key changes nothing. ---


def test_a_repeated_purchase_does_not_count_its_spend_twice() -> None:
    customer = Customer.sign_up("repeat")
    order = purchase("O1", msk(2026, 1, 15), ("equipment", 8000))
    first = customer.buy(order)
    assert first.tier == "guest"
    before = customer.history
    again = record_purchase(customer.rules, before, order, msk(2026, 1, 15, 12, 1))
    assert again.tier == "guest", (
        "replaying order O1 (8000 ₽) counted it twice for the tier: "
        f"12-month spend seen as 16000, tier {again.tier!r}"
    )
    assert apply_purchase(before, order, again) == before


def test_a_repeated_refund_changes_nothing() -> None:
    customer = Customer.sign_up("repeat")
    customer.buy(purchase("O1", msk(2026, 1, 15), ("beans", 1000), ("drinks", 500)))
    full_line = refund_of("R1", "O1", msk(2026, 1, 16), {"O1-1": 1000})
    customer.refund(full_line)
    before = customer.history
    again = record_refund(customer.rules, before, full_line, msk(2026, 1, 16, 12, 1))
    assert apply_refund(before, full_line, again) == before

    half_line = refund_of("R2", "O1", msk(2026, 1, 17), {"O1-2": 250})
    customer.refund(half_line)
    before = customer.history
    again = record_refund(customer.rules, before, half_line, msk(2026, 1, 17, 12, 1))
    assert apply_refund(before, half_line, again) == before


def test_a_repeated_redemption_or_adjustment_changes_nothing() -> None:
    customer = Customer.sign_up("repeat")
    customer.buy(purchase("O1", msk(2026, 1, 1), ("beans", 1200)))  # 120 points
    now = msk(2026, 2, 1)
    spent = customer.redeem("espresso", now, key="redeem:1")
    assert customer.balance(now).available == 0
    # Sent again with nothing left to spend: the answer is the first redemption.
    assert redeem(customer.rules, customer.history, "espresso", now, key="redeem:1") == spent

    customer.adjust(50, "a spilt cup", now, key="adjust:1")
    taken = customer.adjust(-50, "entered twice", now, key="adjust:2")
    assert customer.balance(now).available == 0
    before = customer.history
    again = adjust(customer.rules, before, -50, "entered twice", now, key="adjust:2")
    assert again == taken
    assert add_entries(before, [again]) == before
    assert [(e.kind, e.points) for e in before.entries] == [
        (EntryKind.EARN, 120),
        (EntryKind.REDEEM, -120),
        (EntryKind.ADJUST, 50),
        (EntryKind.ADJUST, -50),
    ]


def test_a_birthday_bonus_after_the_expiry_deadline_is_not_swept_away() -> None:
    # 1 000 ₽ of beans in January 2026 -> 100 points; with a 20-point goodwill credit
    # they buy an espresso (120). Nothing is left when the points would expire on
    # 10 January 2027, so nothing expires. The birthday on 20 January 2027 gives 200
    # points to a customer who has been away: those stay, night after night, until a
    # purchase starts a new year.
    pavel = Customer.sign_up(
        "pavel", birthday=date(1985, 1, 20), birthday_known_since=msk(2025, 6, 1)
    )
    pavel.buy(purchase("P1", msk(2026, 1, 10), ("beans", 1000)))
    pavel.adjust(20, "waited too long for a table", msk(2026, 2, 1), "goodwill-1")
    pavel.redeem("espresso", msk(2026, 2, 1), "espresso-1")
    pavel.daily(msk(2027, 1, 11, 3))
    for night in range(20, 23):
        pavel.daily(msk(2027, 1, night, 3))
        pavel.daily(msk(2027, 1, night, 3))  # sent twice: nothing more happens
    kinds = [(entry.kind, entry.points) for entry in pavel.history.entries]
    assert kinds == [
        (EntryKind.EARN, 100),
        (EntryKind.ADJUST, 20),
        (EntryKind.REDEEM, -120),
        (EntryKind.BIRTHDAY, 200),
    ]
    assert pavel.balance(msk(2027, 1, 23, 3)).available == 200


def test_spend_refunded_after_its_certificate_is_made_good_by_the_next() -> None:
    # 20 000 ₽ of equipment in January earns the certificate once final (15 January).
    # In February 5 000 ₽ of it comes back as a goodwill return: the certificate stays,
    # but the next one needs 20 000 + 5 000 ₽ of new spend, not 20 000.
    vera = Customer.sign_up("vera")
    vera.buy(purchase("V1", msk(2026, 1, 1), ("equipment", 20000)))
    vera.daily(msk(2026, 1, 16, 3))
    assert [c.certificate_id for c in vera.certificates] == ["vera:spend-20k-6m:1"]
    vera.refund(refund_of("V1-R", "V1", msk(2026, 2, 1), {"V1-1": 5000}))
    vera.buy(purchase("V2", msk(2026, 2, 2), ("equipment", 20000)))
    vera.daily(msk(2026, 2, 17, 3))
    assert len(vera.certificates) == 1  # 20 000 ₽ new spend does not cover 25 000 ₽
    vera.buy(purchase("V3", msk(2026, 2, 20), ("equipment", 5000)))
    vera.daily(msk(2026, 3, 7, 3))
    *_, second = vera.certificates
    assert second.settled == Decimal(5000)
    assert second.consumed == (("V2", Decimal(20000)), ("V3", Decimal(5000)))
    vera.daily(msk(2026, 3, 8, 3))
    assert len(vera.certificates) == 2  # the shortfall was made good once, not again


def test_spend_leaves_the_tier_window_twelve_months_to_the_minute() -> None:
    # 15 000 ₽ bought at noon on 10 January 2026 keeps "regular" until noon on
    # 10 January 2027: the window is the last 12 months, its start excluded.
    nina = Customer.sign_up("nina")
    nina.buy(purchase("N1", msk(2026, 1, 10, 12), ("drinks", 15000)))
    assert nina.tier == "regular"
    nina.daily(msk(2027, 1, 10, 11, 59))
    assert nina.tier == "regular"
    nina.daily(msk(2027, 1, 10, 12, 0))
    assert nina.tier == "guest"


def test_a_backdated_order_from_a_till_is_pending_from_when_it_was_recorded() -> None:
    customer = Customer.sign_up("lev")
    # Placed on 1 March, sent by the till on 20 March: past a return window
    # counted from 1 March, but it could still be returned.
    order = purchase("O1", msk(2026, 3, 1), ("beans", 1200))
    recorded = msk(2026, 3, 20)
    (earn,) = record_purchase(customer.rules, customer.history, order, recorded, live=True).entries
    assert earn.available_at == recorded + timedelta(days=14)
    # Imported, the same order is the past as it was.
    (imported,) = record_purchase(customer.rules, customer.history, order, recorded).entries
    assert imported.available_at == msk(2026, 3, 15)


def test_a_refund_dated_before_its_purchase_is_refused() -> None:
    customer = Customer.sign_up("mila")
    customer.buy(purchase("O1", msk(2026, 3, 10), ("beans", 1200)))
    with pytest.raises(RefundBeforePurchase, match="before order O1 was placed"):
        customer.refund(refund_of("R1", "O1", msk(2026, 3, 9), {"O1-1": 1200}))
    assert customer.history.refunds == ()
