"""Benchmark: the ledger on SQLite — durable purchases, CSV import, balance look-ups."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from stampbook.files.purchases import read_purchases
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.loyalty.rules import Rules
from stampbook.programme import load_programme
from stampbook.records.customers import Customer
from stampbook.server.cpus import keep_to_one_cpu
from stampbook.services.loyalty import LoyaltyService
from stampbook.services.purchase_import import owners, record_orders
from stampbook.store.sqlite.history import stored_time
from stampbook.store.sqlite.store import SqliteStore, _Waiting
from tests.support.paths import EXAMPLE

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)


def _service(folder: Path, customers: int) -> LoyaltyService:
    store = SqliteStore(folder / "bench.db")
    store.add_customers([Customer(f"c{n:07}", f"c{n}@example.com", T0) for n in range(customers)])
    return LoyaltyService(store, Rules.of(load_programme(EXAMPLE)), clock=lambda: T0)


def plain_commits(folder: Path, count: int = 5000) -> None:
    """The disk's pace: one-row durable commits in plain SQLite, no Python work between.

    The other figures are read against it: the same code on a machine whose
    disk syncs faster or slower moves with it.
    """
    db = sqlite3.connect(folder / "plain.db", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
    start = time.perf_counter()
    for n in range(count):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?, ?)", (n, "x" * 100))
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    db.close()
    print(f"plain SQLite, one-row durable commits             {count / elapsed:10.0f} /s")


def python_pace(rounds: int = 20_000) -> None:
    """The CPU's pace: a fixed piece of plain Python like a purchase's own work, no I/O.

    The machine's speed drifts (a shared host); the import and the tills
    move with this figure as the disk figures move with the line above.
    """
    encode = json.JSONEncoder(separators=(",", ":")).encode
    rate = Decimal("0.05")

    def work(n: int) -> str:
        amount = Decimal(100 + n % 900) + Decimal("0.50")
        points = int((amount * rate).to_integral_value())
        placed = T0 + timedelta(minutes=n)
        answer = {"order_id": f"o{n}", "points": points, "at": placed.isoformat(), "tier": None}
        return hashlib.sha256(encode(answer).encode()).hexdigest()

    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for n in range(rounds):
            work(n)
        best = min(best, time.perf_counter() - start)
    print(f"plain Python, a fixed purchase-like workload     {best / rounds * 1e6:10.2f} µs each")


def durable_purchases(folder: Path, tills: int, count: int = 6000) -> float:
    """Purchases from `tills` callers at once, each acknowledged only once on disk."""
    loyalty = _service(folder, 1000)

    def till(first: int) -> None:
        for n in range(first, count, tills):
            loyalty.record_purchase(f"c{n % 1000:07}", _order(n))

    start, cpu = time.perf_counter(), time.process_time()
    with ThreadPoolExecutor(tills) as pool:
        list(pool.map(till, range(tills)))
    elapsed = time.perf_counter() - start
    # CPU time is steadier than the wall clock on a shared machine.
    cpu_each = (time.process_time() - cpu) / count * 1e6
    commits = loyalty.store.commits if isinstance(loyalty.store, SqliteStore) else count
    print(
        f"purchases, {tills} till(s) at once, durable       {count / elapsed:10.0f} /s"
        f"   ({count} in {elapsed:.2f} s, {count / commits:.1f} per fsync'd COMMIT,"
        f" {cpu_each:.0f} µs CPU each)"
    )
    return count / elapsed


def group_work(folder: Path, size: int = 8, count: int = 8000) -> None:
    """The CPU a purchase costs inside a group commit, without threads around it.

    Set beside the 8-till figure (whose COMMITs take about 8 purchases each),
    the difference is what the threads cost (waking, handing over the GIL).
    """
    loyalty = _service(folder, 1000)
    store = loyalty.store
    assert isinstance(store, SqliteStore)

    def groups(first: int, last: int) -> None:
        for start in range(first, last, size):
            group = [
                _Waiting(loyalty._purchase(f"c{n % 1000:07}", _order(n), T0))
                for n in range(start, start + size)
            ]
            store._commit_group(group)

    groups(0, 2000)  # the customers' tallies in place, as at a till that has run a while
    cpu = time.process_time()
    groups(2000, 2000 + count)
    cpu_each = (time.process_time() - cpu) / count * 1e6
    print(f"purchases in groups of {size}, one thread, durable     {cpu_each:7.0f} µs CPU each")


def _order(n: int) -> Order:
    return Order(f"o{n}", T0, "RUB", (OrderLine("1", "beans", Decimal(100 + n % 900)),))


def regulars(folder: Path, customers: int = 50, known: int = 60, count: int = 2000) -> None:
    """Purchases by regulars who already placed `known` orders each, from one till."""
    loyalty = _service(folder, customers)

    def buy(n: int) -> None:
        loyalty.record_purchase(f"c{n % customers:07}", _order(n))

    for n in range(customers * known):
        buy(n)
    start, cpu = time.perf_counter(), time.process_time()
    for n in range(customers * known, customers * known + count):
        buy(n)
    elapsed = time.perf_counter() - start
    cpu_each = (time.process_time() - cpu) / count * 1e6
    print(
        f"purchases by regulars ({known}+ orders each), durable {count / elapsed:7.0f} /s"
        f"   ({count} in {elapsed:.2f} s, {cpu_each:.0f} µs CPU each)"
    )


def csv_import(folder: Path, rows: int = 100_000) -> float:
    loyalty = _service(folder, 10_000)
    text = io.StringIO()
    text.write("order_id,email,placed_at,line_id,category,amount\n")
    for n in range(rows):
        order = n // 2
        text.write(
            f"o{order},c{order % 10_000}@example.com,2026-01-0{1 + order % 4} 12:00,"
            f"{n % 2},{'beans' if n % 2 else 'drinks'},{150 + n % 700}.50\n"
        )
    text.seek(0)
    rules = loyalty.rules
    start, cpu = time.perf_counter(), _cpu_with_workers()
    parsed = read_purchases(text, "RUB", rules.timezone, {"beans", "drinks"})
    checked = time.perf_counter()
    owned, unknown = owners(loyalty.store, parsed.orders)
    imported = record_orders(loyalty, owned, batch=1000)
    done = time.perf_counter()
    cpu_each = (_cpu_with_workers() - cpu) / rows * 1e6
    assert not parsed.errors, parsed.errors[:3]
    assert not unknown, unknown[:3]
    assert imported.recorded == rows // 2, imported
    store = loyalty.store
    assert isinstance(store, SqliteStore)
    print(
        f"CSV import, batches of 1 000 orders             {rows / (done - start):10.0f} rows/s"
        f"   ({rows} rows: checked in {checked - start:.2f} s, recorded in {done - checked:.2f} s,"
        f" {cpu_each:.0f} µs CPU a row, {store.decided_apart} of {-(-rows // 2000)} batches"
        " decided by worker processes)"
    )
    return rows / (done - start)


def _cpu_with_workers() -> float:
    """CPU seconds of this process and of the worker processes it has waited for."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def balance_lookups(
    folder: Path, customers: int = 100_000, per_customer: int = 10, regular: int = 1500
) -> None:
    """Where a customer stands (`Store.standing`: points, tier, last order, certificates),
    which the till's look-up and the emails read, among a million ledger entries with
    their orders, ten a customer; then the till's whole look-up by card code, for them
    and for a regular with `regular` visits, and her full statement (`stampbook points`).
    """
    loyalty = _service(folder, 0)
    store = loyalty.store
    store.add_customers(
        [
            Customer(f"c{n:07}", f"c{n}@example.com", T0, referral_code=f"C{n:07}")
            for n in range(customers)
        ]
        + [Customer("regular", "regular@example.com", T0, referral_code="REGULAR")]
    )
    assert isinstance(store, SqliteStore)
    holders = [f"c{n % customers:07}" for n in range(customers * per_customer)]
    holders += ["regular"] * regular
    db = store.connection()
    db.execute("BEGIN")
    db.executemany(
        "INSERT INTO ledger (customer_id, kind, points, at, available_at, idempotency_key,"
        " rules_version, order_id, seq) VALUES (?, 'earn', ?, ?, ?, ?, 'bench', ?, ?)",
        (
            (
                owner,
                10 + n % 50,
                stored_time(T0 + timedelta(hours=n % 700)),
                stored_time(T0 + timedelta(days=n % 30)),
                f"earn:b{n}",
                f"b{n}",
                n,
            )
            for n, owner in enumerate(holders)
        ),
    )
    db.executemany(
        "INSERT INTO orders (order_id, customer_id, placed_at, currency, shipping, tax, lines,"
        " goods_units) VALUES (?, ?, ?, 'RUB', '0', '0', '[[\"1\",\"beans\",\"300\"]]', 30000)",
        (
            (f"b{n}", owner, stored_time(T0 + timedelta(hours=n % 700)))
            for n, owner in enumerate(holders)
        ),
    )
    db.execute("COMMIT")
    till = replace(loyalty, clock=lambda: T0 + timedelta(days=15))

    def at_the_till(code: str) -> object:  # as `GET /till/customers/{code}` does
        customer = store.customer_by_code(code)
        assert customer is not None
        return till.summary(customer.customer_id)

    now = till.clock()
    ids = [f"c{(n * 7919) % customers:07}" for n in range(20_000)]
    for _ in range(RUNS):
        p50, p99 = _percentiles(lambda customer: store.standing(customer, now), ids)
        print(
            f"balance look-up, {len(holders):,} ledger entries       "
            f"p50 {p50:6.1f} µs   p99 {p99:6.1f} µs   (points, tier, last order, certificates)"
        )
    codes = [f"C{(n * 7919) % customers:07}" for n in range(20_000)]
    p50, p99 = _percentiles(at_the_till, codes)
    print(
        f"  the till's look-up by card code, the customer too  p50 {p50:6.1f} µs"
        f"   p99 {p99:6.1f} µs"
    )
    p50, p99 = _percentiles(at_the_till, ["REGULAR"] * 2000)
    print(
        f"  the same, a regular with {regular} visits           p50 {p50:6.1f} µs"
        f"   p99 {p99:6.1f} µs"
    )
    p50, _ = _percentiles(till.statement, ["regular"] * 20)
    print(f"  her statement with the history listed            p50 {p50 / 1000:6.1f} ms")


def _percentiles(look_up: Callable[[str], object], customers: list[str]) -> tuple[float, float]:
    """p50 and p99 in µs of `look_up` for each of `customers` in turn."""
    timings = []
    for customer in customers:
        start = time.perf_counter_ns()
        look_up(customer)
        timings.append(time.perf_counter_ns() - start)
    timings.sort()
    return statistics.median(timings) / 1000, timings[int(len(timings) * 0.99)] / 1000


# The machine's pace drifts by up to twice from one minute to the next (a
# shared host): each figure a target names is taken this many times.
RUNS = 3


def on_one_cpu(measure: Callable[[Path, int], float], folder: Path, tills: int) -> float:
    """`measure` with its threads on one CPU, as `stampbook serve` runs them (server/cpus.py)."""
    allowed = os.sched_getaffinity(0)
    cpu = keep_to_one_cpu()
    print(f"  (the tills' threads on CPU {cpu})")
    try:
        return measure(folder, tills)
    finally:
        os.sched_setaffinity(0, allowed)  # the import's workers want every CPU


def _repeated(label: str, unit: str, measure: Callable[[Path], float]) -> None:
    figures = []
    for _ in range(RUNS):
        with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
            figures.append(measure(Path(folder)))
    print(
        f"  {label}: median {statistics.median(figures):.0f} {unit},"
        f" best {max(figures):.0f}, worst {min(figures):.0f} of {RUNS} runs"
    )


def main() -> None:
    python_pace()
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        plain_commits(Path(folder))
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        durable_purchases(Path(folder), 1)
    _repeated("8 tills", "/s", lambda folder: durable_purchases(folder, 8))
    _repeated("8 tills on one CPU", "/s", lambda folder: on_one_cpu(durable_purchases, folder, 8))
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        group_work(Path(folder))
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        regulars(Path(folder))
    _repeated("CSV import", "rows/s", csv_import)
    with tempfile.TemporaryDirectory(dir=Path.cwd()) as folder:
        balance_lookups(Path(folder))


if __name__ == "__main__":
    main()
