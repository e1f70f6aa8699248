"""Every section against figures worked out by hand from a few customers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from stampbook.report.build import build_report
from stampbook.report.cohorts import came_back_next_month
from stampbook.report.facts import (
    Answer,
    Buyer,
    CertificateFacts,
    Cohort,
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
        # a's three purchases; 100 points earned.
        Month(
            "2026-01",
            3,
            to_units(Decimal(600)),
            to_units(Decimal(400)),
            buyers=1,
            repeat_buyers=1,
            points={"earn": 100},
            points_held=100,
        ),
        Month(
            "2026-03",
            1,
            to_units(Decimal(50)),
            0,
            refunds=2,
            refunded=to_units(Decimal("12.25")),
            answers={"staff": 1, "other": 2},
            actions={"birthday": 1},
            buyers=1,  # c's first purchase
            points={"birthday": 20, "redeem": -30, "expire": -5},
            points_held=85,
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
    cohorts=[
        Cohort("2026-01", 1, (1, 0, 0, 0, 0, 0)),  # a: only January
        Cohort("2026-02", 1, (1, 0, 0, 0, 1)),  # b: February, back in June
        Cohort("2026-03", 1, (1, 0, 0, 0)),
        Cohort("2026-05", 1, (1, 0)),
        Cohort("2026-06", 1, (1,)),
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


def test_every_month_is_listed_with_zeros_and_points_held_carried_over() -> None:
    months = REPORT.months
    assert [m.month for m in months] == [f"2026-0{n}" for n in range(1, 7)]
    february = months[1]
    assert (february.orders, february.revenue, february.buyers) == (0, Decimal(0), 0)
    assert february.repeat_rate is None
    assert [m.points_held for m in months] == [100, 100, 85, 85, 85, 85]
    march = months[2]
    assert (march.points_issued, march.points_redeemed, march.points_expired) == (20, 30, 5)
    assert march.answers == {"did_not_fit": 0, "staff": 1, "pushy_sale": 0, "other": 2}
    assert months[0].new_revenue == Decimal(200)


def test_cohorts_show_the_share_that_came_back_each_month_after() -> None:
    rows = REPORT.cohorts
    assert [(r.month, r.customers) for r in rows][:2] == [("2026-01", 1), ("2026-02", 1)]
    assert rows[1].shares == (Decimal(1), Decimal(0), Decimal(0), Decimal(0), Decimal(1))
    # Four cohorts have a next month; nobody came back in it.
    assert came_back_next_month(rows) == (0, 4)
