"""Benchmark: does a public form's answer time tell whether an address is known?

`POST /points` (a link to one's points) and `POST /subscribe` are answered
for addresses the customer file has and for ones it has not, alternately,
through Chalice's test client on a real SQLite file (the HTTP server's own
cost is the same for both and left out). The emails they owe go after the
answer, so the two medians should be close. Printed, never asserted.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from chalice.test import Client

from app import app as chalice_app
from stampbook.api import context
from stampbook.api import points as points_routes
from stampbook.bootstrap import build
from stampbook.config import MailSettings, Settings
from stampbook.records.customers import Customer
from stampbook.services.limits import Rate
from tests.support.paths import EXAMPLE

ROUNDS = 400
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        mail = MailSettings(outbox=Path(folder) / "outbox", key_file=Path(folder) / "keys")
        app = build(Settings(EXAMPLE, database=Path(folder) / "bench.db", mail=mail))
        app.store.add_customers(
            [Customer(f"c{n}", f"known{n}@example.com", NOW) for n in range(ROUNDS)]
        )
        context.use(app)
        # One caller asks many times here: its per-IP limit is counted as always,
        # only set high enough to let the run through.
        points_routes.PER_IP = Rate("points-ip", 10 * ROUNDS, 600)
        headers = {"Content-Type": "application/json"}
        timings: dict[str, list[float]] = {}
        with Client(chalice_app) as client:
            for n in range(ROUNDS):
                for who in ("known", "unknown"):
                    address = f"{who}{n}@example.com"
                    # Each from an address of its own: the per-IP limit is not measured.
                    sent = {
                        **headers,
                        "X-Forwarded-For": f"198.51.{n % 250}.{1 if who == 'known' else 2}",
                    }
                    body = f'{{"email": "{address}"}}'
                    start = time.perf_counter()
                    answer = client.http.post("/points", headers=sent, body=body)
                    assert answer.status_code == 202, answer.body
                    timings.setdefault(f"POST /points, {who} address", []).append(
                        time.perf_counter() - start
                    )
        context.use(None)
        app.store.close()
    for name, samples in timings.items():
        print(f"{name:<44} median {_median_ms(samples):6.2f} ms over {len(samples)}")


if __name__ == "__main__":
    main()
