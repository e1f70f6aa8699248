"""Benchmark: the owner's report over 100 000 customers and 1 000 000 purchases on SQLite.

Its yardstick, timed in the same run on the same file, is the plainest
query the report rests on: every customer's goods summed with one GROUP BY.
The report's time over that sum is what the reader's queries are judged by
(aim: at most 5×), whatever the machine's pace that day.

Writing the file takes a while; with STAMPBOOK_BENCH_REPORT_FILE set, it is
written there once and kept, and the next runs time the report on it (brought
up to the store's schema first, as the report command would).
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from stampbook.report.build import Report, build_report
from stampbook.report.facts import Period, to_units
from stampbook.report.sqlite_reader import SqliteReport
from stampbook.store.sqlite import SqliteStore
from tests.support.report_check import pareto_and_drift
from tests.support.report_dataset import END, generate

AIM = 5  # the report may take this many times the per-customer sum

# Each purchase's goods as the store holds them: kept with the order, or for
# orders recorded before it kept them, the sum of the lines' amounts.
PER_CUSTOMER_SUM = (
    "SELECT customer_id, SUM(COALESCE(goods_units,"
    " (SELECT SUM(units(json_extract(j.value, '$[2]'))) FROM json_each(lines) j)))"
    " FROM orders GROUP BY customer_id"
)


def main(customers: int = 100_000, orders: int = 1_000_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(os.environ.get("STAMPBOOK_BENCH_REPORT_FILE") or Path(folder) / "report.db")
        if path.exists():
            SqliteStore(path).close()  # the migrations a kept file may miss
            print(f"dataset, kept in {path}")
        else:
            start = time.perf_counter()
            generate(path, customers, orders, recorded_before_goods=0)
            written = time.perf_counter() - start
            print(
                f"dataset, {customers} customers / {orders} purchases   {written:8.1f} s to write"
            )
        # Timed without tracemalloc, which slows Python code about twofold;
        # then once more, traced, for the peak memory.
        timings = [_timed(path) for _ in range(3)]
        elapsed, report = min(timings, key=lambda timing: timing[0])
        baseline = min(_per_customer_sum(path) for _ in range(3))
        tracemalloc.start()
        _timed(path)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        start = time.perf_counter()
        share, drifting = pareto_and_drift(path, END)
        agree = share == report.pareto.top_share and drifting == [
            d.customer_id for d in report.drifting
        ]
        print(
            f"plain-Python second computation                {time.perf_counter() - start:8.2f} s"
            f"   (Pareto share and drift list {'agree' if agree else 'DIFFER'})"
        )
        print(
            f"report, whole history (best of {len(timings)})            {elapsed:8.2f} s"
            f"   (peak Python memory {peak / 2**20:.0f} MiB; {len(report.drifting)} drifting,"
            f" top 20 % bring {report.pareto.top_share})"
        )
        print(
            f"per-customer SQL sum (best of 3)              {baseline:8.2f} s"
            f"   (one GROUP BY customer over the purchases' goods)"
        )
        print(
            f"report time over the per-customer SQL sum (≤ {AIM}×)    {elapsed / baseline:8.1f} ×"
        )


def _timed(path: Path) -> tuple[float, Report]:
    start = time.perf_counter()
    reader = SqliteReport(path)
    try:
        facts = reader.facts(Period(None, END), "RUB", Decimal(3000))
        report = build_report(facts, reader.contacts, point_value=Decimal("0.5"))
    finally:
        reader.close()
    return time.perf_counter() - start, report


def _per_customer_sum(path: Path) -> float:
    """Seconds to read every customer's goods total, opened as the report opens the file."""
    start = time.perf_counter()
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        db.create_function("units", 1, lambda text: to_units(Decimal(text)), deterministic=True)
        db.execute(PER_CUSTOMER_SUM).fetchall()
    finally:
        db.close()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
