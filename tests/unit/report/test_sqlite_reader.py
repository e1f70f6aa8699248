"""The SQLite reader on a generated customer file agrees with a plain second computation."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from stampbook.records.customers import Customer
from stampbook.records.feedback import Feedback, FeedbackReason, SiteFeedback
from stampbook.report import sqlite_reader
from stampbook.report.build import build_report
from stampbook.report.facts import Period, to_money
from stampbook.report.sqlite_reader import SqliteReport
from stampbook.store.sqlite import SqliteStore
from tests.support.report_check import order_months, pareto_and_drift
from tests.support.report_dataset import END, generate


@pytest.fixture(scope="module")
def customer_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "shop.db"
    generate(path, customers=500, orders=5000)
    return path


def test_pareto_share_and_drift_list_match_a_second_computation(customer_file: Path) -> None:
    reader = SqliteReport(customer_file)
    try:
        report = build_report(reader.facts(Period(None, END), "RUB", None), reader.contacts)
    finally:
        reader.close()
    share, drifting = pareto_and_drift(customer_file, END)
    assert report.pareto.top_share == share
    assert [d.customer_id for d in report.drifting] == drifting
    assert drifting  # the dataset has customers who stopped buying
    assert all(d.email.endswith("@example.com") and d.consent for d in report.drifting)


@pytest.mark.parametrize(
    "period",
    [Period(None, END), Period(datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 6, 1, tzinfo=UTC))],
)
def test_the_summaries_are_read_row_by_row_when_an_id_holds_the_separator(
    customer_file: Path, period: Period, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = SqliteReport(customer_file)
    try:
        joined = reader.facts(period, "RUB", Decimal(3000))
        # Every id and time holds a 0: the joined columns split into too many pieces.
        monkeypatch.setattr(sqlite_reader, "_SEP", "0")
        assert reader.facts(period, "RUB", Decimal(3000)) == joined
    finally:
        reader.close()


@pytest.mark.parametrize(
    "start", [None, datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 3, 1, 10, 30, tzinfo=UTC)]
)
def test_monthly_orders_and_repeat_revenue_match_a_second_computation(
    customer_file: Path, tmp_path: Path, start: datetime | None
) -> None:
    path = tmp_path / "ties.db"
    # A new customer whose first visit rang up two orders at the same second:
    # one of them (the lower id) is the first order, the other a repeat.
    _copy_with_orders(
        customer_file,
        path,
        [
            ("twins", "t-2", "2025-06-02T10:00:00+00:00", '[["1", "beans", "70.00"]]', 700_000),
            ("twins", "t-1", "2025-06-02T10:00:00+00:00", '[["1", "beans", "30.00"]]', 300_000),
        ],
    )
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO customers (customer_id, email, created_at) VALUES"
            " ('twins', 'twins@example.com', '2025-06-01T00:00:00+00:00')"
        )
        # Every third order was charged shipping: it was not shipped free.
        db.execute(
            "UPDATE orders SET shipping = '350.00' WHERE substr(order_id, -1) IN ('0', '3', '6')"
        )
    free_over = Decimal(3000)
    before, after = (_months(file, start, free_over) for file in (customer_file, path))
    expected = order_months(path, start, END, free_over)
    assert after == {month: figures[:3] for month, figures in expected.items()}
    orders, revenue, repeat = before["2025-06"]
    assert after["2025-06"] == (orders + 2, revenue + 100, repeat + 70)
    reader = SqliteReport(path)
    try:
        free = reader.facts(Period(start, END), "RUB", free_over).free_shipping_orders
    finally:
        reader.close()
    assert free == sum(figures[3] for figures in expected.values())
    assert 0 < free < before_free(customer_file, start, free_over)


def test_an_order_without_lines_counts_as_an_order_with_no_goods(
    customer_file: Path, tmp_path: Path
) -> None:
    path = tmp_path / "empty.db"
    # From before the store kept goods with the order: nothing to read but the lines.
    _copy_with_orders(
        customer_file, path, [("c0000001", "empty", "2025-06-02T10:00:00+00:00", "[]", None)]
    )
    free_over = Decimal(3000)
    before, after = (_months(file, None, free_over) for file in (customer_file, path))
    orders, revenue, repeat = before["2025-06"]
    assert after["2025-06"] == (orders + 1, revenue, repeat)
    assert {month: figures for month, figures in after.items() if month != "2025-06"} == {
        month: figures for month, figures in before.items() if month != "2025-06"
    }


def _copy_with_orders(
    source: Path, path: Path, orders: list[tuple[str, str, str, str, int | None]]
) -> None:
    """A copy of the customer file with more orders: customer, order id, time, lines, goods."""
    path.write_bytes(source.read_bytes())
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO orders (customer_id, order_id, placed_at, currency, shipping, tax,"
            " lines, goods_units) VALUES (?, ?, ?, 'RUB', '0', '0', ?, ?)",
            orders,
        )


def before_free(path: Path, start: datetime | None, free_over: Decimal) -> int:
    """Orders over the threshold, all of them shipped free in the generated file."""
    return sum(figures[3] for figures in order_months(path, start, END, free_over).values())


def _months(
    path: Path, start: datetime | None, free_over: Decimal
) -> dict[str, tuple[int, Decimal, Decimal]]:
    reader = SqliteReport(path)
    try:
        facts = reader.facts(Period(start, END), "RUB", free_over)
    finally:
        reader.close()
    return {
        m.month: (m.orders, to_money(m.revenue), to_money(m.repeat_revenue)) for m in facts.months
    }


def test_report_command_writes_json_and_html(customer_file: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "stampbook",
            "report",
            "--db",
            str(customer_file),
            "--to",
            "2025-12-31",
            "--format",
            "json",
            "--html",
            str(page),
            "--point-value",
            "0.5",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout)
    assert Decimal(figures["pareto"]["top_share"]) > Decimal("0.2")
    assert figures["cost"]["liability"] == str(
        figures["cost"]["points_outstanding"] * Decimal("0.5")
    )
    assert "<svg" in page.read_text(encoding="utf-8")


def test_report_refuses_a_bad_date_and_a_missing_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "stampbook", "report", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "no customer file" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "stampbook", "report", "--from", "March"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "not a date" in done.stderr


def test_answers_left_on_the_site_are_counted_with_those_by_link(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    store = SqliteStore(path)
    anna = Customer("c1", "anna@example.com", _at(1), name="Anna")
    store.add_customer(anna)
    store.record_feedback(Feedback("f1", "c1", FeedbackReason.STAFF, _at(2), "Грубили", "o1"))
    store.record_site_feedback(SiteFeedback("s1", FeedbackReason.STAFF, _at(3), "Снова грубили"))
    store.record_site_feedback(
        SiteFeedback("s2", FeedbackReason.PUSHY_SALE, _at(4), "", "A-17", "vera@example.com")
    )
    store.record_site_feedback(
        SiteFeedback("s3", FeedbackReason.OTHER, _at(5), "Долго ждали", "A-18", "vera@example.com")
    )
    store.close()
    reader = SqliteReport(path)
    try:
        report = build_report(reader.facts(Period(None, END), "RUB", None), reader.contacts)
    finally:
        reader.close()
    leaving = report.leaving
    assert leaving.answers == {"did_not_fit": 0, "staff": 2, "pushy_sale": 1, "other": 1}
    assert [(a.email, a.text, a.order_id) for a in leaving.words] == [
        ("vera@example.com", "Долго ждали", "A-18"),
        ("", "Снова грубили", None),
        ("anna@example.com", "Грубили", "o1"),
    ]


def _at(day: int) -> datetime:
    return datetime(2025, 3, day, 12, tzinfo=UTC)
