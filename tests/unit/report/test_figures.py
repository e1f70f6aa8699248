"""Every section against figures worked out by hand from a few customers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from stampbook.report.build import build_report
from stampbook.report.facts import (
    Answer,
    Buyer,
    CertificateFacts,
    Contact,
    Facts,
    MailCounts,
    Month,
    Period,
    PointsFacts,
    to_units,
)


def day(month: int, dom: int) -> datetime:
    return datetime(2026, month, dom, tzinfo=UTC)


END = day(7, 1)
BUYERS = [
    # a: bought 3 times, Jan 1 .. Jan 21: every 10 days; silent 161 days -> drifting.
    Buyer("a", 3, to_units(Decimal("600.00")), day(1, 1), day(1, 21)),
    # b: twice, Feb 1 and Jun 1 (120 days apart); 30 days since -> not drifting.
    Buyer("b", 2, to_units(Decimal("300.50")), day(2, 1), day(6, 1)),
    Buyer("c", 1, to_units(Decimal("50.00")), day(3, 1), day(3, 1)),
    Buyer("d", 1, to_units(Decimal("49.50")), day(5, 1), day(5, 1)),
    Buyer("e", 1, 0, day(6, 1), day(6, 1)),
]
FACTS = Facts(
    period=Period(None, END),
    currency="RUB",
    customers_total=7,
    customers_new=2,
    buyers=BUYERS,
    months=[
        Month("2026-01", 3, to_units(Decimal(600)), to_units(Decimal(400))),
        Month(
            "2026-03",
            1,
            to_units(Decimal(50)),
            0,
            refunds=2,
            refunded=to_units(Decimal("12.25")),
            answers={"staff": 1, "other": 2},
            actions={"birthday": 1},
        ),
    ],
    answers=[
        Answer(day(3, 2), "c@example.com", "other", "too bitter", "o-1"),
        Answer(day(3, 9), "c@example.com", "staff", "rude", None),
    ],
    points=PointsFacts({"earn": 100, "birthday": 20, "redeem": -30, "expire": -5}, 85, 2),
    certificates=CertificateFacts(2, to_units(Decimal(50)), 1, to_units(Decimal(25)), 1, 250000),
    free_shipping_orders=3,
    mail=[
        MailCounts(None, day(3, 1), delivered=4, soft_bounced=1),
        MailCounts("spring", day(4, 1), 3, 1, 0, delivered=2, bounced=1, unsubscribed=1),
        MailCounts("summer", day(5, 1), 1, 0, 1, delivered=1, complained=1, unsubscribed=0),
    ],
)


def contacts(ids: Iterable[str]) -> dict[str, Contact]:
    return {cid: Contact(f"{cid}@example.com", cid.upper(), "confirmed") for cid in ids}


REPORT = build_report(FACTS, contacts, free_shipping_over=Decimal(3000), point_value=Decimal("0.4"))


def test_customers_come_back_at_the_rates_worked_out_by_hand() -> None:
    c = REPORT.customers
    assert (c.total, c.new, c.active, c.repeat) == (7, 2, 5, 2)
    assert c.repeat_rate == Decimal("0.4000")
    assert c.orders_per_customer == Decimal("1.60")  # 8 orders / 5 buyers
    # gaps: a 20 days over 2, b 120 days over 1 -> 140 / 3
    assert c.days_between_purchases == Decimal("46.7")
    assert c.median_customer_days_between == Decimal("10.0")  # median_low of 10 and 120


def test_top_fifth_brings_what_the_best_customer_spent() -> None:
    p = REPORT.pareto
    assert (p.buyers, p.top_buyers) == (5, 1)
    assert p.top_revenue == Decimal(600)
    assert p.revenue == Decimal("1000")
    assert p.top_share == Decimal("0.6000")
    assert p.curve[0] == (Decimal(0), Decimal(0))
    assert p.curve[40] == (Decimal("0.4000"), Decimal("0.9005"))  # a + b
    assert p.curve[-1] == (Decimal(1), Decimal(1))


def test_only_the_customer_silent_past_twice_their_interval_drifts() -> None:
    [drifter] = REPORT.drifting
    assert (drifter.customer_id, drifter.email, drifter.consent) == (
        "a",
        "a@example.com",
        "confirmed",
    )
    assert drifter.days_since == Decimal("161.0")
    assert drifter.usual_days == Decimal("10.0")
    assert drifter.overdue == Decimal("16.10")
    # recency: earliest last purchase of 5 -> 1; 3 orders top -> 5; 600 top -> 5
    assert drifter.rfm == "1-5-5"


def test_reasons_for_leaving_are_counted_per_month_with_the_words_newest_first() -> None:
    leaving = REPORT.leaving
    [march] = leaving.months
    assert (march.month, march.refunds, march.refunded) == ("2026-03", 2, Decimal("12.25"))
    assert march.answers == {"did_not_fit": 0, "staff": 1, "pushy_sale": 0, "other": 2}
    assert [answer.text for answer in leaving.words] == ["rude", "too bitter"]


def test_programme_cost_values_outstanding_points_at_the_stated_price() -> None:
    cost = REPORT.cost
    assert (cost.points_issued, cost.points_redeemed, cost.points_expired) == (120, 30, 5)
    assert cost.points_outstanding == 85
    assert cost.liability == Decimal("34.0")  # 85 x 0.4
    assert "0.4" in cost.valuation
    assert cost.certificates.issued_value == Decimal(50)
    assert cost.certificates.open_value == Decimal(25)
    assert cost.free_shipping_orders == 3


def test_without_a_point_value_the_liability_is_not_guessed() -> None:
    report = build_report(FACTS, contacts)
    assert report.cost.liability is None
    assert "--point-value" in report.cost.valuation


def test_activity_and_newsletters_count_what_the_file_records() -> None:
    january, march = REPORT.activity
    assert january.repeat_revenue == Decimal(400)
    assert march.actions == {
        "birthday": 1,
        "referral": 0,
        "certificate": 0,
        "greeting": 0,
        "thank_you": 0,
        "offer": 0,
        "feedback_request": 0,
        "newsletter": 0,
        "email_delivered": 0,
    }
    latest, first, other = REPORT.newsletters
    assert (latest.campaign, latest.sent, latest.failed, latest.complained) == ("summer", 1, 1, 1)
    assert (first.campaign, first.sent, first.skipped, first.bounced) == ("spring", 3, 1, 1)
    assert (first.delivered, first.unsubscribed) == (2, 1)
    # Emails no campaign sent come last, with no send counts.
    assert (other.campaign, other.sent, other.delivered, other.soft_bounced) == (
        "automatic and one-off emails",
        None,
        4,
        1,
    )
