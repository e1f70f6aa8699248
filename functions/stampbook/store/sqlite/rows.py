"""How records become rows and rows records: the table formats the store writes.

Shared by the store, its send records and the import workers; one place
for each table's columns.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from decimal import Decimal
from json.encoder import encode_basestring_ascii
from typing import Any

from ...audience.consent import ConsentRecord
from ...audience.mail_events import MailEvent
from ...loyalty.history import Certificate
from ...loyalty.ledger import Entry
from ...loyalty.orders import Order, OrderLine, Refund
from ...records.customers import Customer
from ...records.feedback import Feedback, SiteFeedback
from ...records.money_units import to_units
from .history import read_time, stored_time

INSERTS = {
    # First: a write below to the same customer (a referrer's bonus in the same
    # group of commits) forgets it again, by trigger.
    "nightly_quiet": "INSERT OR REPLACE INTO nightly_quiet (customer_id, until, key)"
    " VALUES (?,?,?)",
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
    # A webhook delivery the change reports; OR IGNORE: owed once per event and endpoint.
    "owed_webhooks": "INSERT OR IGNORE INTO owed_webhooks (endpoint_id, message_id, event_type,"
    " body, due, attempts) VALUES (?,?,?,?,?,?)",
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


INSERT_CONSENT = (
    "INSERT INTO consents (customer_id, status, at, form, text_version, ip, user_agent)"
    " VALUES (?,?,?,?,?,?,?)"
)


def consent_row(customer_id: str, record: ConsentRecord) -> tuple[Any, ...]:
    return (
        customer_id,
        record.status.value,
        stored_time(record.at),
        record.form,
        record.text_version,
        record.ip,
        record.user_agent,
    )


def ledger_row(owner: str, entry: Entry) -> tuple[Any, ...]:
    return (
        owner,
        entry.kind.value,
        entry.points,
        stored_time(entry.at),
        stored_time(entry.available_at),
        entry.idempotency_key,
        entry.rules_version,
        entry.order_id,
        _money(entry.amount),
        entry.currency,
        entry.reward_id,
        entry.certificate_id,
        entry.reason,
        _money(entry.multiplier),
    )


def order_row(
    customer_id: str, order: Order, record: tuple[bytes | None, str | None] = (None, None)
) -> tuple[Any, ...]:
    """An order's row; `record` is the request's fingerprint and result kept with it."""
    return (
        order.order_id,
        customer_id,
        stored_time(order.placed_at),
        order.currency,
        str(order.shipping),
        str(order.tax),
        _lines_json(order.lines),
        _goods_units(order.goods),
        *record,
    )


def refund_row(customer_id: str, refund: Refund) -> tuple[Any, ...]:
    return (
        refund.refund_id,
        refund.order_id,
        customer_id,
        stored_time(refund.refunded_at),
        json.dumps({k: str(v) for k, v in refund.lines.items()}),
        str(refund.tax),
    )


def certificate_row(customer_id: str, certificate: Certificate) -> tuple[Any, ...]:
    return (
        certificate.certificate_id,
        customer_id,
        certificate.code,
        certificate.rule_id,
        str(certificate.value),
        certificate.currency,
        stored_time(certificate.issued_at),
        stored_time(certificate.expires_at),
        json.dumps([[o, str(a)] for o, a in certificate.consumed]),
        stored_time(certificate.redeemed_at),
        str(certificate.settled),
    )


def feedback_row(answer: Feedback) -> tuple[Any, ...]:
    return (
        answer.feedback_id,
        answer.customer_id,
        answer.reason.value,
        stored_time(answer.at),
        answer.text,
        answer.order_id,
    )


def site_feedback_row(answer: SiteFeedback) -> tuple[Any, ...]:
    return (
        answer.feedback_id,
        answer.reason.value,
        stored_time(answer.at),
        answer.text,
        answer.order_ref,
        answer.reply_to,
    )


def mail_event_row(event: MailEvent) -> tuple[Any, ...]:
    return (
        event.event_id,
        event.kind.value,
        event.email,
        stored_time(event.at),
        event.message_id,
        event.detail,
        event.customer_id,
    )


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _lines_json(lines: tuple[OrderLine, ...]) -> str:
    """`json.dumps([[line id, category, amount], ...])`, a few times faster for one order."""
    quote = encode_basestring_ascii
    return (
        "["
        + ",".join(
            f'[{quote(line.line_id)},{quote(line.category)},"{line.amount}"]' for line in lines
        )
        + "]"
    )


def _goods_units(goods: Decimal) -> int | None:
    """The goods in `money_units`, or None if that is not exact (readers then sum the lines)."""
    try:
        return to_units(goods)
    except ValueError:
        return None
