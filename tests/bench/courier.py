"""Benchmark: the local courier draining thank-yous while purchases keep coming.

A till records purchases at a steady pace (`RATE` a second, for `SECONDS`)
into SQLite while `stampbook serve`'s courier thread sends the thank-yous
they owe to the outbox. Printed: purchases recorded, emails sent, what is
still owed when the purchases stop and how long the rest takes; then a
backlog of owed emails drained from one wake alone. Nothing asserted.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from stampbook.services.courier import Courier, CourierThread
from tests.support.shop import Shop

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
RATE = int(os.environ.get("STAMPBOOK_BENCH_PURCHASE_RATE", "500"))
SECONDS = int(os.environ.get("STAMPBOOK_BENCH_SECONDS", "10"))
BACKLOG = 5000


def _customers(shop: Shop, count: int) -> list[str]:
    people = [f"c{n:06}" for n in range(count)]
    for person in people:
        shop.customer(person, "en" if int(person[1:]) % 3 else "ru")
    return people


def _owed(shop: Shop) -> int:
    return len(shop.app.store.owed_emails_due(2**40, 1_000_000))


def under_load(folder: Path) -> None:
    shop = Shop(folder, NOW)
    people = _customers(shop, RATE * SECONDS)
    courier = CourierThread(Courier(shop.open().emails), every=60)
    courier.start()
    start = time.perf_counter()
    for n, person in enumerate(people):
        due = start + n / RATE
        if (ahead := due - time.perf_counter()) > 0:
            time.sleep(ahead)
        shop.purchase(person, f"{person}-o1", 400)
        courier.wake()
    took = time.perf_counter() - start
    left = _owed(shop)
    while _owed(shop):
        time.sleep(0.05)
    drained = time.perf_counter() - start - took
    courier.stop()
    print(
        f"  {len(people)} purchases in {took:.1f} s ({len(people) / took:.0f}/s); "
        f"owed when they stopped: {left}; the rest sent {drained:.1f} s later"
    )


def backlog(folder: Path) -> None:
    shop = Shop(folder, NOW)
    for person in _customers(shop, BACKLOG):
        shop.purchase(person, f"{person}-o1", 400)
    courier = CourierThread(Courier(shop.open().emails), every=3600)
    courier.start()
    start, cpu = time.perf_counter(), time.process_time()
    courier.wake()
    while _owed(shop):
        time.sleep(0.05)
    took, used = time.perf_counter() - start, time.process_time() - cpu
    courier.stop()
    print(
        f"  a backlog of {BACKLOG} thank-yous, one wake: {BACKLOG / took:.0f} emails/s "
        f"({used / BACKLOG * 1e6:.0f} µs CPU each)"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        under_load(Path(folder) / "load")
    with tempfile.TemporaryDirectory() as folder:
        backlog(Path(folder) / "backlog")


if __name__ == "__main__":
    main()
