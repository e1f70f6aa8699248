"""How records become rows and rows records: the table formats the store writes.

Shared by the store, its send records and the import workers; one place
for each table's columns.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from typing import Any

from ...records.customers import Customer
from .history import read_time, stored_time

INSERTS = {
    # OR IGNORE: an entry's key names what it is for; it exists at most once.
    "ledger": "INSERT OR IGNORE INTO ledger (customer_id, kind, points, at, available_at,"
    " idempotency_key, rules_version, order_id, amount, currency, reward_id, certificate_id,"
    " reason, multiplier, seq) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,"
    " (SELECT COALESCE(MAX(seq), 0) + 1 FROM ledger WHERE customer_id = ?1))",
    # A purchase's request record (fingerprint, result) is kept on its order.
    "orders": "INSERT INTO orders (order_id, customer_id, placed_at, currency, shipping, tax,"
    " lines, goods_units, fingerprint, result) VALUES (?,?,?,?,?,?,?,?,?,?)",
    "refunds": "INSERT INTO refunds (refund_id, order_id, customer_id, refunded_at, lines, tax)"
    " VALUES (?,?,?,?,?,?)",
    "certificates": "INSERT INTO certificates (certificate_id, customer_id, code, rule_id, value,"
    " currency, issued_at, expires_at, consumed, redeemed_at, settled)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "redeemed": "UPDATE certificates SET redeemed_at=? WHERE certificate_id=?"
    " AND redeemed_at IS NULL",
    "tiers": "UPDATE customers SET tier=? WHERE customer_id=?",
    "requests": "INSERT INTO requests (key, fingerprint, result, at) VALUES (?,?,?,?)",
    # After every other table: a customer's tally is written after their orders.
    "tier_spend": "INSERT OR REPLACE INTO tier_spend (customer_id, rules_version, since, total,"
    " leaving, rest_from, latest) VALUES (?,?,?,?,?,?,?)",
    # A refund voids the tally; the next purchase counts it afresh from the orders.
    "tier_spend_void": "DELETE FROM tier_spend WHERE customer_id=?",
    # An automatic email the change owes; OR IGNORE: owed once per occasion.
    "owed_emails": "INSERT OR IGNORE INTO owed_emails (customer_id, automation, occasion, due,"
    " details) VALUES (?,?,?,?,?)",
}


def write_rows(db: sqlite3.Connection, tables: dict[str, list[tuple[Any, ...]]]) -> None:
    for table, rows in tables.items():  # in `INSERTS` order
        if rows:
            db.executemany(INSERTS[table], rows)


def customer_row(customer: Customer) -> tuple[Any, ...]:
    return (
        customer.customer_id,
        customer.email,
        stored_time(customer.created_at),
        customer.name,
        customer.locale,
        customer.birthday.isoformat() if customer.birthday else None,
        stored_time(customer.birthday_set_at),
        json.dumps(list(customer.interests)),
        json.dumps(customer.habits, ensure_ascii=False),
        customer.referral_code,
        customer.referred_by,
        customer.source,
        customer.tier,
        customer.invited_by,
    )


def customer_of(row: sqlite3.Row) -> Customer:
    return Customer(
        customer_id=row["customer_id"],
        email=row["email"],
        created_at=read_time(row["created_at"]) or datetime.min,
        name=row["name"],
        locale=row["locale"],
        birthday=date.fromisoformat(row["birthday"]) if row["birthday"] else None,
        birthday_set_at=read_time(row["birthday_set_at"]),
        interests=tuple(json.loads(row["interests"])),
        habits=json.loads(row["habits"]),
        referral_code=row["referral_code"],
        referred_by=row["referred_by"],
        source=row["source"],
        tier=row["tier"],
        invited_by=row["invited_by"],
    )
