"""The embedded default store: one SQLite file, safe for threads and processes.

WAL mode lets readers run beside the one writer; `synchronous=FULL` makes an
acknowledged purchase survive a power cut. Each thread gets its own
connection. `commit` takes the write lock first (`BEGIN IMMEDIATE`) and only
then reads the history it decides on, so two redemptions can never both
spend the same points.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..audience.consent import ConsentRecord, ConsentStatus
from ..customers import Customer
from ..loyalty.errors import LoyaltyError
from ..loyalty.history import Certificate, History
from ..loyalty.ledger import Entry, EntryKind
from ..loyalty.orders import Order, OrderLine, Refund
from .base import (
    Change,
    Committed,
    CustomerExists,
    IdempotencyConflict,
    Request,
    StoreError,
    StoreUnavailable,
    UnknownCustomer,
)
from .sqlite_schema import MIGRATIONS

BUSY_TIMEOUT_MS = 30_000


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _money(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


class SqliteStore:
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._migrate()

    # -- connections -------------------------------------------------------

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            try:
                db = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
                )
                db.row_factory = sqlite3.Row
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=FULL")
                db.execute("PRAGMA foreign_keys=ON")
                db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            except sqlite3.Error as error:
                raise StoreUnavailable(f"cannot open {self.path}: {error}") from error
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def _write(self) -> _WriteTransaction:
        return _WriteTransaction(self._db())

    def _migrate(self) -> None:
        with self._write() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
            done = {row[0] for row in db.execute("SELECT version FROM schema_migrations")}
            for version, script in enumerate(MIGRATIONS, start=1):
                if version in done:
                    continue
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations (version) VALUES (?)", (version,))

    # -- customers ---------------------------------------------------------

    def add_customer(self, customer: Customer) -> None:
        with self._write() as db:
            taken = db.execute(
                "SELECT 1 FROM customers WHERE email=? OR customer_id=?",
                (customer.email, customer.customer_id),
            ).fetchone()
            if taken:
                raise CustomerExists(customer.email)
            db.execute(
                "INSERT INTO customers (customer_id, email, created_at, name, locale, birthday,"
                " birthday_set_at, interests, habits, referral_code, referred_by, source, tier)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                _customer_row(customer),
            )

    def add_customers(self, customers: list[Customer]) -> list[Customer]:
        added = []
        with self._write() as db:
            for customer in customers:
                inserted = db.execute(
                    "INSERT OR IGNORE INTO customers (customer_id, email, created_at, name, locale,"
                    " birthday, birthday_set_at, interests, habits, referral_code, referred_by,"
                    " source, tier) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    _customer_row(customer),
                ).rowcount
                if inserted:
                    added.append(customer)
        return added

    def update_customer(self, customer: Customer) -> None:
        with self._write() as db:
            row = _customer_row(customer)
            changed = db.execute(
                "UPDATE customers SET email=?, created_at=?, name=?, locale=?, birthday=?,"
                " birthday_set_at=?, interests=?, habits=?, referral_code=?, referred_by=?,"
                " source=?, tier=? WHERE customer_id=?",
                (*row[1:], row[0]),
            ).rowcount
        if not changed:
            raise UnknownCustomer(customer.customer_id)

    def customer(self, customer_id: str) -> Customer | None:
        row = (
            self._db()
            .execute("SELECT * FROM customers WHERE customer_id=?", (customer_id,))
            .fetchone()
        )
        return _customer(row) if row else None

    def customer_by_email(self, email: str) -> Customer | None:
        row = self._db().execute("SELECT * FROM customers WHERE email=?", (email,)).fetchone()
        return _customer(row) if row else None

    def customer_ids(self) -> Iterator[str]:
        after = ""
        while True:
            rows = (
                self._db()
                .execute(
                    "SELECT customer_id FROM customers WHERE customer_id > ? ORDER BY customer_id"
                    " LIMIT 500",
                    (after,),
                )
                .fetchall()
            )
            if not rows:
                return
            for row in rows:
                yield row[0]
            after = rows[-1][0]

    def record_consent(self, customer_id: str, record: ConsentRecord) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO consents (customer_id, status, at, form, text_version, ip, user_agent)"
                " VALUES (?,?,?,?,?,?,?)",
                (
                    customer_id,
                    record.status.value,
                    _time(record.at),
                    record.form,
                    record.text_version,
                    record.ip,
                    record.user_agent,
                ),
            )

    def consents(self, customer_id: str) -> list[ConsentRecord]:
        rows = self._db().execute(
            "SELECT * FROM consents WHERE customer_id=? ORDER BY at, id", (customer_id,)
        )
        return [
            ConsentRecord(
                ConsentStatus(row["status"]),
                _parse_time(row["at"]) or datetime.min,
                row["form"],
                row["text_version"],
                row["ip"],
                row["user_agent"],
            )
            for row in rows
        ]

    # -- loyalty -----------------------------------------------------------

    def history(self, customer_id: str) -> History:
        return self._history(self._db(), customer_id)

    def balance_points(self, customer_id: str, now: datetime) -> tuple[int, int]:
        """(available, pending) straight from the index, for fast look-ups."""
        row = (
            self._db()
            .execute(
                "SELECT COALESCE(SUM(CASE WHEN available_at <= ?1 THEN points END), 0),"
                " COALESCE(SUM(CASE WHEN available_at > ?1 THEN points END), 0)"
                " FROM ledger WHERE customer_id = ?2",
                (_time(now), customer_id),
            )
            .fetchone()
        )
        return int(row[0]), int(row[1])

    def commit(
        self, customer_id: str, request: Request, decide: Callable[[History], Change]
    ) -> Committed:
        with self._write() as db:
            return self._commit_in(db, customer_id, request, decide)

    def commit_batch(
        self, items: list[tuple[str, Request, Callable[[History], Change]]]
    ) -> list[Committed | Exception]:
        outcomes: list[Committed | Exception] = []
        with self._write() as db:
            for customer_id, request, decide in items:
                db.execute("SAVEPOINT item")
                try:
                    outcomes.append(self._commit_in(db, customer_id, request, decide))
                except (StoreError, LoyaltyError, sqlite3.IntegrityError) as error:
                    db.execute("ROLLBACK TO item")
                    outcomes.append(error)
                db.execute("RELEASE item")
        return outcomes

    def _commit_in(
        self,
        db: sqlite3.Connection,
        customer_id: str,
        request: Request,
        decide: Callable[[History], Change],
    ) -> Committed:
        done = db.execute(
            "SELECT fingerprint, result FROM requests WHERE key=?", (request.key,)
        ).fetchone()
        if done is not None:
            if done["fingerprint"] != request.fingerprint:
                raise IdempotencyConflict(f"{request.key} was already used for a different request")
            return Committed(json.loads(done["result"]), replayed=True)
        change = decide(self._history(db, customer_id))
        self._apply(db, customer_id, change)
        db.execute(
            "INSERT INTO requests (key, fingerprint, result, at) VALUES (?,?,?,?)",
            (
                request.key,
                request.fingerprint,
                json.dumps(change.result, default=str),
                _time(datetime.now(UTC)),
            ),
        )
        return Committed(change.result)

    def _history(self, db: sqlite3.Connection, customer_id: str) -> History:
        customer = db.execute(
            "SELECT * FROM customers WHERE customer_id=?", (customer_id,)
        ).fetchone()
        if customer is None:
            raise UnknownCustomer(customer_id)
        entries = tuple(
            _entry(row)
            for row in db.execute(
                "SELECT * FROM ledger WHERE customer_id=? ORDER BY id", (customer_id,)
            )
        )
        orders = tuple(
            _order(row)
            for row in db.execute(
                "SELECT * FROM orders WHERE customer_id=? ORDER BY placed_at, order_id",
                (customer_id,),
            )
        )
        refunds = tuple(
            _refund(row)
            for row in db.execute(
                "SELECT * FROM refunds WHERE customer_id=? ORDER BY refunded_at, refund_id",
                (customer_id,),
            )
        )
        certificates = tuple(
            _certificate(row)
            for row in db.execute(
                "SELECT * FROM certificates WHERE customer_id=? ORDER BY issued_at, certificate_id",
                (customer_id,),
            )
        )
        return History(
            customer_id,
            entries=entries,
            orders=orders,
            refunds=refunds,
            certificates=certificates,
            tier=customer["tier"],
            birthday=date.fromisoformat(customer["birthday"]) if customer["birthday"] else None,
            birthday_known_since=_parse_time(customer["birthday_set_at"]),
            referred_by=customer["referred_by"],
        )

    def _apply(self, db: sqlite3.Connection, customer_id: str, change: Change) -> None:
        for owner, entry in change.entries:
            # OR IGNORE: an entry's key names what it is for; it exists at most once.
            db.execute(
                "INSERT OR IGNORE INTO ledger (customer_id, kind, points, at, available_at,"
                " idempotency_key, rules_version, order_id, amount, currency, reward_id,"
                " certificate_id, reason, multiplier) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    owner,
                    entry.kind.value,
                    entry.points,
                    _time(entry.at),
                    _time(entry.available_at),
                    entry.idempotency_key,
                    entry.rules_version,
                    entry.order_id,
                    _money(entry.amount),
                    entry.currency,
                    entry.reward_id,
                    entry.certificate_id,
                    entry.reason,
                    _money(entry.multiplier),
                ),
            )
        if change.order is not None:
            order = change.order
            db.execute(
                "INSERT INTO orders (order_id, customer_id, placed_at, currency, shipping, tax,"
                " lines) VALUES (?,?,?,?,?,?,?)",
                (
                    order.order_id,
                    customer_id,
                    _time(order.placed_at),
                    order.currency,
                    str(order.shipping),
                    str(order.tax),
                    json.dumps([[li.line_id, li.category, str(li.amount)] for li in order.lines]),
                ),
            )
        if change.refund is not None:
            refund = change.refund
            db.execute(
                "INSERT INTO refunds (refund_id, order_id, customer_id, refunded_at, lines, tax)"
                " VALUES (?,?,?,?,?,?)",
                (
                    refund.refund_id,
                    refund.order_id,
                    customer_id,
                    _time(refund.refunded_at),
                    json.dumps({k: str(v) for k, v in refund.lines.items()}),
                    str(refund.tax),
                ),
            )
        for certificate in change.certificates:
            db.execute(
                "INSERT INTO certificates (certificate_id, customer_id, code, rule_id, value,"
                " currency, issued_at, expires_at, consumed, redeemed_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    certificate.certificate_id,
                    customer_id,
                    certificate.code,
                    certificate.rule_id,
                    str(certificate.value),
                    certificate.currency,
                    _time(certificate.issued_at),
                    _time(certificate.expires_at),
                    json.dumps([[o, str(a)] for o, a in certificate.consumed]),
                    _time(certificate.redeemed_at),
                ),
            )
        if change.redeemed_certificate is not None:
            certificate_id, at = change.redeemed_certificate
            db.execute(
                "UPDATE certificates SET redeemed_at=?"
                " WHERE certificate_id=? AND redeemed_at IS NULL",
                (_time(at), certificate_id),
            )
        if change.tier_changed:
            db.execute(
                "UPDATE customers SET tier=? WHERE customer_id=?", (change.tier, customer_id)
            )


class _WriteTransaction:
    """`BEGIN IMMEDIATE` ... `COMMIT`, or `ROLLBACK` on any error; driver errors translated."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreUnavailable(f"the database is busy: {error}") from error
        return self.db

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")
            if isinstance(error, sqlite3.IntegrityError):
                raise IdempotencyConflict(f"already recorded: {error}") from error
            if isinstance(error, sqlite3.OperationalError):
                raise StoreUnavailable(str(error)) from error


def _customer_row(customer: Customer) -> tuple[Any, ...]:
    return (
        customer.customer_id,
        customer.email,
        _time(customer.created_at),
        customer.name,
        customer.locale,
        customer.birthday.isoformat() if customer.birthday else None,
        _time(customer.birthday_set_at),
        json.dumps(list(customer.interests)),
        json.dumps(customer.habits, ensure_ascii=False),
        customer.referral_code,
        customer.referred_by,
        customer.source,
        customer.tier,
    )


def _customer(row: sqlite3.Row) -> Customer:
    return Customer(
        customer_id=row["customer_id"],
        email=row["email"],
        created_at=_parse_time(row["created_at"]) or datetime.min,
        name=row["name"],
        locale=row["locale"],
        birthday=date.fromisoformat(row["birthday"]) if row["birthday"] else None,
        birthday_set_at=_parse_time(row["birthday_set_at"]),
        interests=tuple(json.loads(row["interests"])),
        habits=json.loads(row["habits"]),
        referral_code=row["referral_code"],
        referred_by=row["referred_by"],
        source=row["source"],
        tier=row["tier"],
    )


def _entry(row: sqlite3.Row) -> Entry:
    return Entry(
        kind=EntryKind(row["kind"]),
        points=row["points"],
        at=_parse_time(row["at"]) or datetime.min,
        available_at=_parse_time(row["available_at"]) or datetime.min,
        idempotency_key=row["idempotency_key"],
        rules_version=row["rules_version"],
        order_id=row["order_id"],
        amount=Decimal(row["amount"]) if row["amount"] is not None else None,
        currency=row["currency"],
        reward_id=row["reward_id"],
        certificate_id=row["certificate_id"],
        reason=row["reason"],
        multiplier=Decimal(row["multiplier"]) if row["multiplier"] is not None else None,
    )


def _order(row: sqlite3.Row) -> Order:
    return Order(
        order_id=row["order_id"],
        placed_at=_parse_time(row["placed_at"]) or datetime.min,
        currency=row["currency"],
        lines=tuple(OrderLine(i, c, Decimal(a)) for i, c, a in json.loads(row["lines"])),
        shipping=Decimal(row["shipping"]),
        tax=Decimal(row["tax"]),
    )


def _refund(row: sqlite3.Row) -> Refund:
    return Refund(
        refund_id=row["refund_id"],
        order_id=row["order_id"],
        refunded_at=_parse_time(row["refunded_at"]) or datetime.min,
        lines={k: Decimal(v) for k, v in json.loads(row["lines"]).items()},
        tax=Decimal(row["tax"]),
    )


def _certificate(row: sqlite3.Row) -> Certificate:
    return Certificate(
        certificate_id=row["certificate_id"],
        code=row["code"],
        rule_id=row["rule_id"],
        value=Decimal(row["value"]),
        currency=row["currency"],
        issued_at=_parse_time(row["issued_at"]) or datetime.min,
        expires_at=_parse_time(row["expires_at"]) or datetime.min,
        consumed=tuple((o, Decimal(a)) for o, a in json.loads(row["consumed"])),
        redeemed_at=_parse_time(row["redeemed_at"]),
    )
