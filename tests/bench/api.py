"""Benchmark: the HTTP API's cold start and the till's two hot routes.

Prints the import time of `functions/app.py` in a fresh interpreter (best
of several, wall and processor time), the first requests after import (one
the app answers itself, one reaching a handler module), and requests per
second with p50/p99 latency for the health check, a counter look-up and
recording a purchase, from a few concurrent clients against a live
`stampbook serve`: each client on a new connection per request, then each
keeping its connection alive (as every HTTP client library does; the two
should cost about the same). Beside each, the server process's CPU time per
request (Linux), which wanders less than the wall clock on a shared machine
(a purchase's includes its thank-you, sent by the server's courier meanwhile),
and last the kept-alive purchases' rate over the health check's. Purchases are
rung up for one regular (a history growing by hundreds of orders a run), then
for a different customer each time among `SHOPPERS`, as a till's day is.
Nothing asserted.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from itertools import count
from pathlib import Path
from urllib.parse import urlsplit

from stampbook.records.customers import Customer
from stampbook.store.sqlite import SqliteStore
from tests.api.test_serve import server
from tests.support.paths import FUNCTIONS

IMPORT = f"import sys; sys.path.insert(0, {str(FUNCTIONS)!r}); import app"
# The processor time the import itself takes (the machine is shared: wall
# time wanders with the neighbours' load, processor time much less).
IMPORT_CPU = f"""
import sys, time
sys.path.insert(0, {str(FUNCTIONS)!r})
start = time.process_time()
import app
print(time.process_time() - start)
"""
# The import, then /health (no handler module), then the first request that
# reaches one and so pays what the import deferred: its module, its models,
# the programme and the store (an address refused with 422 changes nothing).
# Run as a test or the command line imports the app, and as the API's Lambda
# function does (`_HANDLER`), which wires everything in its init phase.
FIRST_REQUEST = f"""
import sys, time
sys.path.insert(0, {str(FUNCTIONS)!r})
start = time.perf_counter()
from app import app
init = time.perf_counter() - start
from chalice.test import Client
with Client(app) as client:
    start = time.perf_counter()
    client.http.get("/health")
    health = time.perf_counter() - start
    start = time.perf_counter()
    answer = client.http.post(
        "/points", headers={{"Content-Type": "application/json"}}, body='{{"email": "no"}}'
    )
    assert answer.status_code == 422, answer.body
    print(init, health, time.perf_counter() - start)
"""
SINCE = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
CLIENTS = 4
REQUESTS = 400
SHOPPERS = 2000  # the customers the till's purchases are spread over


def best_of(runs: int, script: str) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", script], check=True)
        times.append(time.perf_counter() - start)
    bare = min(_timed([sys.executable, "-c", "pass"]) for _ in range(runs))
    return min(times) - bare


def _output(script: str, folder: Path | None = None, **variables: str) -> str:
    """What `script` prints in a fresh interpreter (with its files in `folder`, if given)."""
    env = {**os.environ, **variables}
    if folder is not None:
        env.update(
            STAMPBOOK_CAMPAIGNS=str(FUNCTIONS.parent / "campaigns"),
            STAMPBOOK_DB=str(folder / "bench.db"),
            STAMPBOOK_MAIL="outbox",
            STAMPBOOK_OUTBOX=str(folder / "outbox"),
            STAMPBOOK_SIGNING_KEY_FILE=str(folder / "signing-keys"),
        )
    done = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True, env=env
    )
    return done.stdout


def _timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


class Till:
    """HTTP requests to one server, on a new connection each or on one kept per thread."""

    def __init__(self, base: str, headers: dict[str, str], kept_alive: bool) -> None:
        self.address = urlsplit(base).netloc
        self.headers = headers if kept_alive else {**headers, "Connection": "close"}
        self.kept_alive = kept_alive
        self.connections = threading.local()

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        if self.kept_alive:
            if not hasattr(self.connections, "one"):
                self.connections.one = http.client.HTTPConnection(self.address, timeout=30)
            connection = self.connections.one
        else:
            connection = http.client.HTTPConnection(self.address, timeout=30)
        connection.request(method, path, body, {**self.headers, **(headers or {})})
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200, answer.status
        if not self.kept_alive:
            connection.close()


def processor_time(pid: int) -> Callable[[], float]:
    """The CPU seconds process `pid` has used so far (0 where /proc cannot say)."""
    stat = Path(f"/proc/{pid}/stat")
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def used() -> float:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    return used


def load(name: str, call: Callable[[int], None], cpu: Callable[[], float] = lambda: 0.0) -> float:
    """`REQUESTS` calls from `CLIENTS` threads: throughput and latency percentiles (and the
    server's CPU per request, measured by `cpu`); the throughput."""
    latencies: list[float] = []

    def timed(n: int) -> None:
        start = time.perf_counter()
        call(n)
        latencies.append(time.perf_counter() - start)

    start, used = time.perf_counter(), cpu()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(timed, range(REQUESTS)))
    elapsed = time.perf_counter() - start
    per_request = (cpu() - used) / REQUESTS
    cuts = statistics.quantiles(latencies, n=100)
    print(
        f"{name:<44} {REQUESTS / elapsed:7.0f} req/s   p50 {cuts[49] * 1000:6.1f} ms"
        f"   p99 {cuts[98] * 1000:6.1f} ms   ({CLIENTS} clients)"
        f"   server CPU {per_request * 1e6:5.0f} us/request"
    )
    return REQUESTS / elapsed


def main() -> None:
    print(f"{'import functions/app.py (best of 7, fresh)':<44} {best_of(7, IMPORT) * 1000:7.1f} ms")
    cpu = min(float(_output(IMPORT_CPU)) for _ in range(7))
    print(f"{'  the same in processor time (best of 7)':<44} {cpu * 1000:7.1f} ms")
    for label, variables in (
        ("imported lazily (tests, commands)", {}),
        ("the API's Lambda function", {"_HANDLER": "app.app"}),
    ):
        with tempfile.TemporaryDirectory() as folder:
            firsts = [
                [float(t) for t in _output(FIRST_REQUEST, Path(folder), **variables).split()]
                for _ in range(5)
            ]
        init, health, handler = (statistics.median(times) for times in zip(*firsts, strict=True))
        print(f"{label}, medians of {len(firsts)}:")
        print(f"{'  import app (init)':<44} {init * 1000:7.1f} ms")
        print(f"{'  first request after import (GET /health)':<44} {health * 1000:7.1f} ms")
        print(f"{'  first request to a handler (POST /points)':<44} {handler * 1000:7.1f} ms")
    over_http()


def over_http() -> None:
    """The till's routes on a live server: new connections per request, then kept alive."""
    with tempfile.TemporaryDirectory() as folder, server(Path(folder)) as (process, base, key):
        add_shoppers(Path(folder) / "served.db")
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        orders = count()
        cpu = processor_time(process.pid)
        warm_up(Till(base, headers, True), Path(folder) / "outbox" / "index.jsonl")
        for kept_alive in (False, True):
            health, purchases = routes(Till(base, headers, kept_alive), orders, cpu)
        print(f"{'purchases / health, kept alive':<44} {purchases / health:7.2f}")
        till = Till(base, headers, True)
        spread = load(
            f"POST /till/purchases ({SHOPPERS} customers)",
            lambda _: purchase(till, f"S{next(orders) % SHOPPERS:05}", orders),
            cpu,
        )
        print(f"{'  the same over health, kept alive':<44} {spread / health:7.2f}")


def add_shoppers(database: Path) -> None:
    """`SHOPPERS` customers beside the served file's one, each with a card code."""
    store = SqliteStore(database)
    store.add_customers(
        [
            Customer(f"s{n}", f"s{n}@example.com", SINCE, referral_code=f"S{n:05}")
            for n in range(SHOPPERS)
        ]
    )
    store.close()


def purchase(till: Till, code: str, orders: Iterator[int]) -> None:
    order = {
        "customer": {"code": code},
        "order_id": f"B-{next(orders)}",
        "placed_at": "2026-11-23T12:00:00+03:00",
        "lines": [{"line_id": "1", "category": "beans", "amount": "450"}],
    }
    till.call("POST", "/till/purchases", json.dumps(order).encode())


def warm_up(till: Till, sent: Path) -> None:
    """What the first requests pay once, before anything is timed: the first look-up
    imports the till's module and wires the app, the first purchase's thank-you
    compiles its templates (a third of a second between them)."""
    till.call("GET", "/till/customers/ANNA2345")
    order = {
        "customer": {"code": "ANNA2345"},
        "order_id": "warm-up",
        "placed_at": "2026-11-23T12:00:00+03:00",
        "lines": [{"line_id": "1", "category": "beans", "amount": "450"}],
    }
    till.call("POST", "/till/purchases", json.dumps(order).encode())
    deadline = time.monotonic() + 30
    while not sent.exists() and time.monotonic() < deadline:  # the courier's first email
        time.sleep(0.05)


def routes(till: Till, orders: Iterator[int], cpu: Callable[[], float]) -> tuple[float, float]:
    """The three routes in turn: the health check's and the purchases' rates."""

    how = "kept alive" if till.kept_alive else "new connection"
    till.call("GET", "/api/health")
    health = load(f"GET /api/health ({how})", lambda _: till.call("GET", "/api/health"), cpu)
    load(
        f"GET /till/customers/{{code}} ({how})",
        lambda _: till.call("GET", "/till/customers/ANNA2345"),
        cpu,
    )
    return health, load(
        f"POST /till/purchases ({how})", lambda _: purchase(till, "ANNA2345", orders), cpu
    )


if __name__ == "__main__":
    main()
