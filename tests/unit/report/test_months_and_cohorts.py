"""Month by month and cohort by cohort, read from a small customer file worked out by hand."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from stampbook.report.build import Report, build_report
from stampbook.report.calendar import month_after
from stampbook.report.facts import Period
from stampbook.report.sqlite_reader import SqliteReport
from stampbook.store.sqlite import SqliteStore
from tests.support.report_dataset import END as GENERATED_END
from tests.support.report_dataset import generate

START = datetime(2026, 1, 1, tzinfo=UTC)
END = datetime(2026, 5, 1, tzinfo=UTC)  # April has nothing at all
# customer, order, placed at, goods, shipping charged
ORDERS = [
    ("a", "a1", "2026-01-05T10:00:00+00:00", "100", "0"),
    ("a", "a2", "2026-01-20T10:00:00+00:00", "50", "0"),
    ("a", "a3", "2026-03-02T10:00:00+00:00", "70", "0"),
    ("b", "b1", "2026-01-10T10:00:00+00:00", "200", "350"),  # over 150, charged all the same
    ("b", "b2", "2026-02-15T10:00:00+00:00", "30", "0"),
    ("c", "c1", "2026-02-01T10:00:00+00:00", "300", "0.00"),  # over 150, shipped free
    ("c", "c2", "2026-02-03T10:00:00+00:00", "20", "0"),
    ("d", "d1", "2025-12-20T10:00:00+00:00", "10", "0"),  # before the period
    ("d", "d2", "2026-03-10T10:00:00+00:00", "40", "0"),
]
# customer, kind, points, at
LEDGER = [
    ("a", "earn", 10, "2026-01-05T10:00:00+00:00"),
    ("a", "redeem", -8, "2026-02-01T10:00:00+00:00"),
    ("a", "clawback", -5, "2026-02-10T10:00:00+00:00"),  # a stands at -3 from here
    ("b", "earn", 20, "2026-01-10T10:00:00+00:00"),
    ("b", "expire", -20, "2026-03-05T10:00:00+00:00"),
    ("d", "earn", 4, "2025-12-20T10:00:00+00:00"),
]


@pytest.fixture(scope="module")
def customer_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("months") / "shop.db"
    SqliteStore(path).close()
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO customers (customer_id, email, created_at) VALUES (?, ?, ?)",
            [(c, f"{c}@example.com", "2025-12-01T00:00:00+00:00") for c in "abcd"],
        )
        db.executemany(
            "INSERT INTO orders (customer_id, order_id, placed_at, currency, shipping, tax,"
            " lines) VALUES (?, ?, ?, 'RUB', ?, '0', ?)",
            [
                (c, o, at, shipping, json.dumps([["1", "beans", goods]]))
                for c, o, at, goods, shipping in ORDERS
            ],
        )
        db.executemany(
            "INSERT INTO ledger (customer_id, idempotency_key, seq, kind, points, at,"
            " available_at, rules_version) VALUES (?, ?, ?, ?, ?, ?, ?, 'v1')",
            [(c, f"k{n}", n, kind, p, at, at) for n, (c, kind, p, at) in enumerate(LEDGER)],
        )
    return path


def _report(path: Path, start: datetime | None, end: datetime = END) -> Report:
    reader = SqliteReport(path)
    try:
        facts = reader.facts(Period(start, end), "RUB", Decimal(150))
        return build_report(facts, reader.contacts, free_shipping_over=Decimal(150))
    finally:
        reader.close()


def test_every_month_is_shown_with_buyers_repeat_buyers_and_revenue(customer_file: Path) -> None:
    months = _report(customer_file, START).months
    assert [m.month for m in months] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    figures = [(m.buyers, m.repeat_buyers, m.repeat_rate) for m in months]
    # January: a bought twice (the second a repeat), b once (a first). February: b
    # again, c twice. March: a again, d again (first bought before the period).
    assert figures == [
        (2, 1, Decimal("0.5000")),
        (2, 2, Decimal("1.0000")),
        (2, 2, Decimal("1.0000")),
        (0, 0, None),
    ]
    revenue = [(m.orders, m.revenue, m.new_revenue, m.repeat_revenue) for m in months]
    assert revenue == [
        (3, Decimal(350), Decimal(300), Decimal(50)),
        (3, Decimal(350), Decimal(300), Decimal(50)),
        (2, Decimal(110), Decimal(0), Decimal(110)),
        (0, Decimal(0), Decimal(0), Decimal(0)),
    ]


def test_points_by_month_and_held_at_each_month_end(customer_file: Path) -> None:
    report = _report(customer_file, START)
    points = [
        (m.points_issued, m.points_redeemed, m.points_expired, m.points_held) for m in report.months
    ]
    # Held: January a 10 + b 20 + d 4; February a below zero counts as none, so
    # b 20 + d 4; March b's expired; April nothing happens.
    assert points == [(30, 0, 0, 34), (0, 8, 0, 24), (0, 0, 20, 4), (0, 0, 0, 4)]
    assert (report.cost.points_outstanding, report.cost.holders) == (4, 1)


def test_a_period_starting_and_ending_within_a_day_counts_only_its_own_moments(
    customer_file: Path,
) -> None:
    # From 10:00:01 on 5 January (a's first order and points just before) to 10:00
    # on 10 March (d's order and b's expiry that day, the order at 10:00 not in it).
    report = _report(
        customer_file,
        datetime(2026, 1, 5, 10, 0, 1, tzinfo=UTC),
        datetime(2026, 3, 10, 10, 0, tzinfo=UTC),
    )
    months = [(m.month, m.orders, m.revenue, m.buyers, m.repeat_buyers) for m in report.months]
    assert months == [
        ("2026-01", 2, Decimal(250), 2, 1),  # a2 and b1
        ("2026-02", 3, Decimal(350), 2, 2),
        ("2026-03", 1, Decimal(70), 1, 1),  # a3; d2 is at the period's end
    ]
    points = [(m.points_issued, m.points_expired, m.points_held) for m in report.months]
    # Held before the period: a 10 and d 4; then b's 20 in January, b's expiry in March.
    assert points == [(20, 0, 34), (0, 0, 24), (0, 20, 4)]


def test_cohorts_follow_first_time_buyers_month_by_month(customer_file: Path) -> None:
    rows = _report(customer_file, START).cohorts
    # January's newcomers a and b: b back in February, a in March. February's: c.
    # d first bought before the period: in no cohort.
    assert [(r.month, r.customers, r.returned) for r in rows] == [
        ("2026-01", 2, (2, 1, 1, 0)),
        ("2026-02", 1, (1, 0, 0)),
    ]
    assert rows[0].shares == (Decimal(1), Decimal("0.5"), Decimal("0.5"), Decimal(0))


def test_free_shipping_counts_what_was_charged(customer_file: Path) -> None:
    cost = _report(customer_file, START).cost
    assert (cost.free_shipping_orders, cost.shipping_charged_over) == (1, 1)


def test_from_the_beginning_the_months_start_with_the_first_purchase(
    customer_file: Path,
) -> None:
    report = _report(customer_file, None)
    assert [m.month for m in report.months][:2] == ["2025-12", "2026-01"]
    assert report.months[0].points_held == 4
    # Every customer is new now; d's first month is December, back in March.
    december = report.cohorts[0]
    assert (december.month, december.returned) == ("2025-12", (1, 0, 0, 1, 0))
    assert report.months[3].repeat_buyers == 2  # March: a and d came back


def test_a_generated_file_agrees_with_a_plain_second_computation(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    generate(path, customers=300, orders=3000)
    start = datetime(2025, 3, 1, tzinfo=UTC)
    report = _report(path, start, GENERATED_END)
    with sqlite3.connect(path) as db:
        orders = sorted(
            (datetime.fromisoformat(at), order_id, customer)
            for customer, order_id, at in db.execute(
                "SELECT customer_id, order_id, placed_at FROM orders"
            )
        )
    first: dict[str, datetime] = {}
    bought: dict[str, set[str]] = defaultdict(set)
    repeat: dict[str, set[str]] = defaultdict(set)
    for at, _, customer in orders:
        if at >= GENERATED_END:
            continue
        if at >= start:
            bought[at.strftime("%Y-%m")].add(customer)
            if customer in first:
                repeat[at.strftime("%Y-%m")].add(customer)
        first.setdefault(customer, at)
    assert {m.month: (m.buyers, m.repeat_buyers) for m in report.months if m.buyers} == {
        month: (len(people), len(repeat[month])) for month, people in bought.items()
    }
    cohorts: dict[str, set[str]] = defaultdict(set)
    for customer, at in first.items():
        if at >= start:
            cohorts[at.strftime("%Y-%m")].add(customer)
    for row in report.cohorts:
        people = cohorts[row.month]
        assert row.customers == len(people)
        for after, count in enumerate(row.returned):
            assert count == len(people & bought[month_after(row.month, after)])
    assert sum(row.customers for row in report.cohorts) == len(
        [at for at in first.values() if at >= start]
    )
