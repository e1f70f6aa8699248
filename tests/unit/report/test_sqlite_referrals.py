"""Referral bonuses in the report: each paid bonus is one action, one taken back is not another."""

from __future__ import annotations

from contextlib import closing
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from stampbook.loyalty.orders import Order, OrderLine, Refund
from stampbook.loyalty.rules import Rules
from stampbook.programme import load_programme
from stampbook.records.customers import Customer
from stampbook.report.facts import Period
from stampbook.report.sqlite_reader import SqliteReport
from stampbook.services.loyalty import LoyaltyService
from stampbook.store.sqlite import SqliteStore
from tests.support.paths import EXAMPLE

BOUGHT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_referral_taken_back_counts_once_and_its_points_cancel(tmp_path: Path) -> None:
    path = tmp_path / "shop.db"
    store = SqliteStore(path)
    now = [BOUGHT]
    shop = LoyaltyService(store, Rules.of(load_programme(EXAMPLE)), lambda: now[0])
    for name in ("anna", "boris"):
        store.add_customer(Customer(name, f"{name}@example.com", BOUGHT))
    store.refer("boris", "anna")
    line = OrderLine("1", "drinks", Decimal(1000))
    shop.record_purchase("boris", Order("o1", BOUGHT, "RUB", (line,)))
    now[0] = BOUGHT + timedelta(days=15)
    shop.run_daily_for("boris")
    now[0] += timedelta(days=1)
    shop.record_refund("boris", Refund("r1", "o1", now[0], {"1": Decimal(1000)}))
    store.close()

    with closing(SqliteReport(path)) as reader:
        facts = reader.facts(Period(None, BOUGHT + timedelta(days=40)), "RUB", None)
    [march] = [month for month in facts.months if month.month == "2026-03"]
    assert march.actions["referral"] == 2  # Anna's bonus and Boris's, paid once each
    assert march.points["referral"] == 0
    assert facts.points.by_kind["referral"] == 0
    assert facts.points.outstanding == 0
