"""Benchmark: the owner's report over 100 000 customers and 1 000 000 purchases on SQLite."""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

from stampbook.report.build import Report, build_report
from stampbook.report.facts import Period
from stampbook.report.sqlite_reader import SqliteReport
from tests.support.report_check import pareto_and_drift
from tests.support.report_dataset import END, generate


def main(customers: int = 100_000, orders: int = 1_000_000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.db"
        start = time.perf_counter()
        generate(path, customers, orders, recorded_before_goods=0)
        written = time.perf_counter() - start
        print(f"dataset, {customers} customers / {orders} purchases   {written:8.1f} s to write")
        # Timed without tracemalloc, which slows Python code about twofold;
        # then once more, traced, for the peak memory.
        timings = [_timed(path) for _ in range(3)]
        elapsed, report = min(timings, key=lambda timing: timing[0])
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


def _timed(path: Path) -> tuple[float, Report]:
    start = time.perf_counter()
    reader = SqliteReport(path)
    try:
        facts = reader.facts(Period(None, END), "RUB", Decimal(3000))
        report = build_report(facts, reader.contacts, point_value=Decimal("0.5"))
    finally:
        reader.close()
    return time.perf_counter() - start, report


if __name__ == "__main__":
    main()
