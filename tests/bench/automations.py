"""Benchmark: the automatic emails of the nightly run, on 100 000 customers in SQLite.

An ordinary night: a few hundred birthdays, lapses and expiry warnings among
100 000 customers, to the outbox. The nightly run's loyalty commits are timed
first without the automatic emails; then the automations pass alone (what
`run_daily` adds per customer), and once more, as a second run the same night
sends nothing. Then a holiday, when every consenting customer is greeted, and a
night when as many have their birthday (the bonus and the greeting each).
CPU time (`time.process_time`) is printed beside the wall clock, which a
shared machine makes noisy.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from stampbook.loyalty.orders import Order, OrderLine
from stampbook.records.customers import Customer
from stampbook.services.automations import AutomaticEmails
from stampbook.store.sqlite import SqliteStore
from tests.support.shop import Shop

CUSTOMERS = int(os.environ.get("STAMPBOOK_BENCH_CUSTOMERS", "100000"))
MOSCOW = ZoneInfo("Europe/Moscow")
NIGHT = datetime(2027, 5, 17, 0, 30, tzinfo=MOSCOW)  # no holiday in the example
HOLIDAY = datetime(2027, 12, 31, 0, 30, tzinfo=MOSCOW)
SINCE = datetime(2025, 1, 10, tzinfo=UTC)
HOLIDAY_SAMPLE = 2000


def _last_purchase(n: int) -> datetime:
    """Mostly within the last 90 days; one in 400 lapsing tonight, one in 1000 near expiry."""
    if n % 1000 == 1:
        return NIGHT - timedelta(days=340)
    if n % 400 == 0:
        return NIGHT - timedelta(days=90, hours=1)
    return NIGHT - timedelta(days=n % 89, hours=2)


def _fill(shop: Shop, count: int) -> None:
    people = add_guests(shop, count, lambda n: date(1990, 5, 17) if n % 365 == 0 else None)
    store = shop.app.store
    assert isinstance(store, SqliteStore)
    _confirm_all(store, [p.customer_id for p in people])
    buy_once(shop, people, _last_purchase)


def add_guests(shop: Shop, count: int, birthday: Callable[[int], date | None]) -> list[Customer]:
    """`count` customers, a birthday each (`birthday(n)`, or the 3rd of a month)."""
    store = shop.app.store
    assert isinstance(store, SqliteStore)
    people = guests(count, birthday)
    for begin in range(0, count, 5000):
        store.add_customers(people[begin : begin + 5000])
    return people


def guests(count: int, birthday: Callable[[int], date | None], prefix: str = "c") -> list[Customer]:
    """`count` customers, every third in Russian, a birthday each (`birthday(n)`, or
    the 3rd of a month)."""
    return [
        Customer(
            f"{prefix}{n:07}",
            f"{prefix}{n}@example.com",
            SINCE,
            name=f"Guest {n}",
            locale="en" if n % 3 else "ru",
            birthday=birthday(n) or date(1990, 1 + n % 12, 3),
            birthday_set_at=SINCE,
        )
        for n in range(count)
    ]


def buy_once(shop: Shop, people: list[Customer], placed_at: Callable[[int], datetime]) -> None:
    """One 400 ₽ bag of beans each, the n-th customer's at `placed_at(n)`."""
    line = (OrderLine("1", "beans", Decimal(400)),)
    orders = [
        (p.customer_id, Order(f"o{n}", placed_at(n), "RUB", line)) for n, p in enumerate(people)
    ]
    for begin in range(0, len(orders), 2000):
        shop.app.loyalty.record_purchases(orders[begin : begin + 2000])


def timed(work: Any) -> tuple[Any, float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    done = work()
    return done, time.perf_counter() - start, time.process_time() - cpu


def ordinary_night(folder: Path, count: int) -> None:
    shop = Shop(folder, NIGHT)
    _fill(shop, count)
    loyalty = shop.app.loyalty
    events = loyalty.events
    assert isinstance(events, AutomaticEmails)
    loyalty.events = None  # the loyalty commits alone, first
    ids = list(shop.app.store.customer_ids())
    results, wall, cpu = timed(lambda: [(c, loyalty.run_daily_for(c)) for c in ids])
    print(
        f"nightly run, loyalty commits only, {count:,} customers  {count / wall:8.0f} /s"
        f"   ({wall:.1f} s, {cpu / count * 1e6:.0f} µs CPU each)"
    )

    def automations_pass() -> int:
        for customer_id, result in results:
            events.daily_done(customer_id, result)
        return len(shop.mail()) if count <= 20_000 else _outbox_count(folder)

    for label in ("first run", "run again "):
        sent, wall, cpu = timed(automations_pass)
        print(
            f"automations pass, {label}, {count:,} customers {count / wall:8.0f} /s"
            f"   ({wall:.2f} s, {cpu:.2f} s CPU; {sent} emails in the outbox)"
        )
    counts = shop.app.store.automation_counts(NIGHT - timedelta(days=1), NIGHT + timedelta(days=1))
    print(f"   sent tonight, per kind: {counts}")


def holiday(folder: Path, count: int) -> None:
    """Every consenting customer is greeted: the cost of one automatic email."""
    shop = Shop(folder, HOLIDAY)
    store = shop.app.store
    assert isinstance(store, SqliteStore)
    people = [
        Customer(f"h{n:06}", f"h{n}@example.com", SINCE, name=f"Guest {n}", locale="en")
        for n in range(count)
    ]
    store.add_customers(people)
    _confirm_all(store, [p.customer_id for p in people])
    _, wall, cpu = timed(shop.app.loyalty.run_daily)
    print(
        f"holiday night, {count:,} greetings, run_daily        {count / wall:8.0f} /s"
        f"   ({wall:.1f} s, {cpu / count * 1e3:.1f} ms CPU per customer greeted)"
    )


def birthdays(folder: Path, count: int) -> None:
    """Every customer's birthday tonight: the bonus committed, then the greeting sent."""
    shop = Shop(folder, NIGHT)
    store = shop.app.store
    assert isinstance(store, SqliteStore)
    people = add_guests(shop, count, lambda n: date(1990, 5, 17))
    _confirm_all(store, [p.customer_id for p in people])
    _, wall, cpu = timed(shop.app.loyalty.run_daily)
    sent = _outbox_count(folder)
    print(
        f"birthday night, {count:,} birthdays, run_daily       {count / wall:8.0f} /s"
        f"   ({wall:.1f} s, {cpu / count * 1e3:.1f} ms CPU per customer; {sent} emails)"
    )


def _confirm_all(store: SqliteStore, customer_ids: list[str]) -> None:
    """Consent rows written directly, in one transaction: setting up, not measured."""
    db = store.connection()
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO consents (customer_id, status, at, form, text_version, ip, user_agent)"
        " VALUES (?, 'confirmed', ?, 'bench', '', '', '')",
        ((customer_id, SINCE.isoformat()) for customer_id in customer_ids),
    )
    db.execute("COMMIT")


def _outbox_count(folder: Path) -> int:
    return sum(1 for _ in (folder / "outbox").glob("*.eml"))


def main() -> None:
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        ordinary_night(Path(folder), CUSTOMERS)
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        holiday(Path(folder), HOLIDAY_SAMPLE)
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        birthdays(Path(folder), HOLIDAY_SAMPLE)


if __name__ == "__main__":
    main()
