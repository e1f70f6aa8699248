"""A large customer file written straight into SQLite, for the report's scale test and benchmark.

Rows are written with `executemany` in the store's own formats (UTC ISO
times, decimal text amounts, order lines as JSON), not through the engine:
a million purchases through the engine would take minutes. Orders are
spread unevenly, as in a real shop: a few customers buy most, and some
stop buying part-way through.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stampbook.store.sqlite import SqliteStore

START = datetime(2024, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)
SPAN_SECONDS = int((END - START).total_seconds())
CONSENTS = ("confirmed", "confirmed", "unconfirmed", "unsubscribed", "suppressed")
REASONS = ("did_not_fit", "staff", "pushy_sale", "other")


def _iso(seconds: int) -> str:
    return (START + timedelta(seconds=seconds)).isoformat()


def generate(
    path: Path,
    customers: int = 100_000,
    orders: int = 1_000_000,
    seed: int = 7,
    recorded_before_goods: int = 10,
) -> None:
    """Customers and orders straight into the store's schema.

    Every `recorded_before_goods`-th order lacks its goods total, as orders
    from before the store kept it (0: none), so readers' fallback is used.
    """
    SqliteStore(path).close()  # the schema, as the store creates it
    rng = random.Random(seed)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("BEGIN")
    ids = [f"c{n:07}" for n in range(customers)]
    joined = [rng.randrange(SPAN_SECONDS // 2) for _ in ids]
    db.executemany(
        "INSERT INTO customers (customer_id, email, created_at, name) VALUES (?,?,?,?)",
        (
            (cid, f"{cid}@example.com", _iso(t), f"Customer {cid}")
            for cid, t in zip(ids, joined, strict=True)
        ),
    )
    db.executemany(
        "INSERT INTO consents (customer_id, status, at, form, text_version, ip, user_agent)"
        " VALUES (?,?,?,'signup','v1','','')",
        ((cid, rng.choice(CONSENTS), _iso(t)) for cid, t in zip(ids, joined, strict=True)),
    )
    weights = [rng.lognormvariate(0, 1.2) for _ in ids]
    counts = [0] * customers
    for index in rng.choices(range(customers), weights=weights, k=orders):
        counts[index] += 1
    order_rows = []
    ledger_rows = []
    for index, (cid, count) in enumerate(zip(ids, counts, strict=True)):
        # A fifth of the customers stop buying somewhere in the two years.
        stop = (
            SPAN_SECONDS if rng.random() > 0.2 else rng.randrange(joined[index] + 1, SPAN_SECONDS)
        )
        for n in range(count):
            at = _iso(rng.randrange(joined[index], stop))
            lines = [
                [
                    str(line),
                    rng.choice(("beans", "drinks", "gear")),
                    f"{rng.randrange(100, 500_000) / 100:.2f}",
                ]
                for line in range(1, rng.choice((2, 2, 3, 4)))
            ]
            order_id = f"{cid}-{n}"
            goods = sum(int(amount.replace(".", "")) for _, _, amount in lines) * 100
            old = recorded_before_goods and n % recorded_before_goods == 0
            kept = None if old else goods
            order_rows.append((cid, order_id, at, "RUB", "0", "0", json.dumps(lines), kept))
            ledger_rows.append(
                (
                    cid,
                    f"purchase:{order_id}",
                    n + 1,
                    "earn",
                    rng.randrange(1, 500),
                    at,
                    at,
                    "v1",
                    order_id,
                )
            )
    db.executemany(
        "INSERT INTO orders (customer_id, order_id, placed_at, currency, shipping, tax, lines,"
        " goods_units) VALUES (?,?,?,?,?,?,?,?)",
        order_rows,
    )
    db.executemany(
        "INSERT INTO ledger (customer_id, idempotency_key, seq, kind, points, at, available_at,"
        " rules_version, order_id) VALUES (?,?,?,?,?,?,?,?,?)",
        ledger_rows,
    )
    refunded = rng.sample(order_rows, len(order_rows) // 100)
    db.executemany(
        "INSERT INTO refunds (customer_id, refund_id, order_id, refunded_at, lines, tax)"
        " VALUES (?,?,?,?,?,'0')",
        (
            (cid, f"r-{order_id}", order_id, at, json.dumps({lines[0][0]: lines[0][2]}))
            for cid, order_id, at, _, _, _, text, _ in refunded
            for lines in (json.loads(text),)
        ),
    )
    db.executemany(
        "INSERT INTO feedback (feedback_id, customer_id, reason, at, text, order_id)"
        " VALUES (?,?,?,?,?,?)",
        (
            (
                f"f-{order_id}",
                cid,
                rng.choice(REASONS),
                at,
                rng.choice(("", "too bitter")),
                order_id,
            )
            for cid, order_id, at, *_ in refunded[: len(refunded) // 2]
        ),
    )
    db.execute("COMMIT")
    db.close()
