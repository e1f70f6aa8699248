"""Benchmark: does a public form's answer time tell whether an address is known?

`POST /points` (a link to one's points) and `POST /subscribe` are answered,
on a live `stampbook serve` over one kept-alive connection, for 50
addresses the customer file has (confirmed subscribers) and 50 it has not,
alternately, several rounds. The emails they owe go after the answer, so
the two medians should be close.

The per-IP and per-address limits are counted as always; the bench clears
them before each request, untimed, and waits a moment after each so the
courier's email (sent 20 ms after the answer) is not charged to the next
answer (an attacker can wait as well). Printed, never asserted; the machine's
other work shows in the medians, so compare runs made back to back.
"""

from __future__ import annotations

import http.client
import json
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.records.customers import Customer
from stampbook.store.sqlite import SqliteStore
from tests.api.test_serve import server

ADDRESSES = 50
ROUNDS = 3
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
SETTLE_SECONDS = 0.05


def _known(database: Path) -> None:
    store = SqliteStore(database)
    store.add_customers(
        [Customer(f"k{n}", f"known{n}@example.com", NOW, locale="ru") for n in range(ADDRESSES)]
    )
    for n in range(ADDRESSES):
        confirmed = ConsentRecord(ConsentStatus.CONFIRMED, NOW, "bench", "v1")
        store.record_consent(f"k{n}", confirmed)
    store.close()


def _body(route: str, address: str) -> bytes:
    if route == "/points":
        return json.dumps({"email": address}).encode()
    form = {"email": address, "locale": "ru", "consent": True, "terms": True}
    return json.dumps({**form, "consent_version": "v1", "fill_ms": 9000}).encode()


def main() -> None:
    timings: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "served.db"
        _known(database)
        with server(Path(folder)) as (_, base, _key):
            limits = sqlite3.connect(database, timeout=30, isolation_level=None)
            connection = http.client.HTTPConnection(urlsplit(base).netloc, timeout=30)
            headers = {"Content-Type": "application/json"}
            for round_ in range(ROUNDS):
                for n in range(ADDRESSES):
                    for route in ("/points", "/subscribe"):
                        for who in ("known", "unknown"):
                            # A new address each round for the unknown: still unknown.
                            address = (
                                f"known{n}@example.com"
                                if who == "known"
                                else f"new{round_}-{n}@example.org"
                            )
                            limits.execute("DELETE FROM limits")
                            start = time.perf_counter()
                            connection.request(
                                "POST", f"/api{route}", _body(route, address), headers
                            )
                            answer = connection.getresponse()
                            answer.read()
                            elapsed = time.perf_counter() - start
                            assert answer.status == 202, answer.status
                            timings.setdefault(f"POST {route}, {who} address", []).append(elapsed)
                            time.sleep(SETTLE_SECONDS)
            connection.close()
            limits.close()
    for name, samples in timings.items():
        median = statistics.median(samples) * 1000
        print(f"{name:<44} median {median:6.2f} ms over {len(samples)}")
    for route in ("/points", "/subscribe"):
        known = statistics.median(timings[f"POST {route}, known address"])
        unknown = statistics.median(timings[f"POST {route}, unknown address"])
        print(f"POST {route}: known / unknown {known / unknown:5.2f}")


if __name__ == "__main__":
    main()
