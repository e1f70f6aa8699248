"""The embedded default store: one SQLite file, safe for threads and processes.

WAL mode lets readers run beside the one writer; `synchronous=FULL` makes an
acknowledged purchase survive a power cut. Each thread gets its own
connection. `commit` takes the write lock first (`BEGIN IMMEDIATE`) and only
then reads the history it decides on, so two redemptions can never both
spend the same points.

The sync at each COMMIT is most of a purchase's cost, so commits that
arrive together from several threads share one (group commit): whoever
holds the write turn takes every request waiting behind it, writes them
together (one failing leaves the others untouched), and commits once.
Nobody hears back before that COMMIT is on disk, so every acknowledged
request is as durable as if it had committed alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ...audience.consent import ConsentRecord, ConsentStatus
from ...audience.mail_events import MailEvent, MailEventKind
from ...loyalty.errors import LoyaltyError
from ...loyalty.history import History
from ...loyalty.ledger import Balance, Entry
from ...loyalty.standing import Standing
from ...loyalty.tier_spend import TierSpend, TierSpendOutdated
from ...records.customers import EVERYONE, Customer, CustomerRange
from ...records.feedback import Feedback, FeedbackReason, SiteFeedback
from ...records.integrations import IntegrationKey
from ...records.owed_emails import OwedEmail
from ...records.webhooks import OwedWebhook
from ..base import (
    Batch,
    Change,
    Committed,
    CustomerExists,
    IdempotencyConflict,
    Item,
    Reads,
    Request,
    StoreUnavailable,
    UnknownCustomer,
)
from .automations import SqliteAutomationLog, owed_row
from .connections import OPENED, OPENED_LOCK, WriteTransaction
from .history import (
    HistoryReader,
    certificate_of,
    chunks,
    read_time,
    referral_entries,
    stored_time,
)
from .rows import (
    INSERT_CONSENT,
    INSERTS,
    certificate_row,
    consent_row,
    customer_of,
    customer_row,
    feedback_row,
    ledger_row,
    mail_event_row,
    order_row,
    refund_row,
    site_feedback_row,
    write_rows,
)
from .schema import MIGRATIONS, statements
from .sends import SqliteSends
from .webhooks import SqliteWebhookLog, owed_webhook_row

BUSY_TIMEOUT_MS = 30_000


# The most connections kept for the next thread (`set_aside`): as many as the
# tills that keep a local server busy at once, with room to spare.
IDLE_CONNECTIONS = 16
# The most requests one COMMIT takes: a caller waits for at most this many
# decisions before their own is on disk.
GROUP_LIMIT = 64


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


class NeedsWriter(Exception):
    """A batch decided apart needs its own rows read back: it is decided by the writer."""


@dataclass(eq=False)
class _Waiting:
    item: Item
    outcome: Committed | Exception | None = None
    # Released once, to wake this caller alone: its outcome is set, or it is
    # to lead the next group.
    wake: threading.Lock = field(default_factory=_held_lock)


# Campaigns and send records: sends.py; outgoing webhooks: webhooks.py.
class SqliteStore(SqliteAutomationLog, SqliteWebhookLog, SqliteSends):
    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._file = os.path.realpath(self.path)
        self._local = threading.local()
        # Connections set aside by threads done with the store, for the next thread.
        self._idle: list[sqlite3.Connection] = []
        self._idle_lock = threading.Lock()
        self._waiting: list[_Waiting] = []
        self._queue = threading.Lock()  # guards `_waiting` and `_leading`
        self._leading = False  # a caller is committing a group
        self.commits = 0  # durable COMMITs of `commit` so far (for benchmarks)
        # Worker processes deciding an import's batches; None: one per CPU (sqlite_apart.py).
        self.import_workers: int | None = None
        self.decided_apart = 0  # import batches a worker decided (for tests and benchmarks)
        self._reader = HistoryReader()
        self._migrate()

    # -- connections -------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            with self._idle_lock:
                db = self._idle.pop() if self._idle else None
            db = self._local.db = db or self._open()
        return db

    def _open(self) -> sqlite3.Connection:
        try:
            # Used by one thread at a time, but not always by the one that opened it
            # (`set_aside`).
            db = sqlite3.connect(
                self.path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            # Deleted rows are overwritten with zeros, not left in free
            # space: an erased customer's address must not stay on disk.
            db.execute("PRAGMA secure_delete=ON")
            db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # 32 MiB of pages kept per connection (SQLite's default is 2 MiB): the
            # customers, tallies and recent orders a till or an import touches.
            db.execute("PRAGMA cache_size=-32768")
        except sqlite3.Error as error:
            raise StoreUnavailable(f"cannot open {self.path}: {error}") from error
        with OPENED_LOCK:
            OPENED[self._file] += 1
        return db

    def set_aside(self) -> None:
        """This thread is done with the store (the local server's HTTP connection that it
        answered has closed): its connection serves the next thread instead of being
        opened again. Opening one (its pragmas, the schema read by its first statement)
        cost a request on a new HTTP connection about 0.6 ms of CPU."""
        db = getattr(self._local, "db", None)
        if db is None:
            return
        self._local.db = None
        with self._idle_lock:
            if not db.in_transaction and len(self._idle) < IDLE_CONNECTIONS:
                self._idle.append(db)
                return
        self._close(db)

    def close(self) -> None:
        """Close this thread's connection, and those set aside."""
        db = getattr(self._local, "db", None)
        self._local.db = None
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for each in [*idle, *([db] if db is not None else [])]:
            self._close(each)

    def _close(self, db: sqlite3.Connection) -> None:
        db.close()
        with OPENED_LOCK:
            OPENED[self._file] -= 1

    def others_open(self) -> bool:
        """Whether another connection to this file is open in this process (not this thread's)."""
        mine = 0 if getattr(self._local, "db", None) is None else 1
        return OPENED[self._file] > mine

    def _write(self) -> WriteTransaction:
        return WriteTransaction(self.connection())

    def _migrate(self) -> None:
        with self._write() as db:
            db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")
            done = {row[0] for row in db.execute("SELECT version FROM schema_migrations")}
            for version, script in enumerate(MIGRATIONS, start=1):
                if version in done:
                    continue
                for statement in statements(script):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations (version) VALUES (?)", (version,))

    # -- customers ---------------------------------------------------------

    def add_customer(
        self,
        customer: Customer,
        consent: ConsentRecord | None = None,
        webhooks: tuple[OwedWebhook, ...] = (),
    ) -> None:
        with self._write() as db:
            taken = db.execute(
                "SELECT 1 FROM customers WHERE email=? OR customer_id=?",
                (customer.email, customer.customer_id),
            ).fetchone()
            if taken:
                raise CustomerExists(customer.email)
            db.execute(
                "INSERT INTO customers (customer_id, email, created_at, name, locale, birthday,"
                " birthday_set_at, interests, habits, referral_code, referred_by, source, tier,"
                " invited_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                customer_row(customer),
            )
            if consent is not None:
                db.execute(INSERT_CONSENT, consent_row(customer.customer_id, consent))
            db.executemany(INSERTS["owed_webhooks"], map(owed_webhook_row, webhooks))

    def add_customers(self, customers: list[Customer]) -> list[Customer]:
        added = []
        with self._write() as db:
            for customer in customers:
                inserted = db.execute(
                    "INSERT OR IGNORE INTO customers (customer_id, email, created_at, name, locale,"
                    " birthday, birthday_set_at, interests, habits, referral_code, referred_by,"
                    " source, tier, invited_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    customer_row(customer),
                ).rowcount
                if inserted:
                    added.append(customer)
        return added

    def update_customer(self, customer: Customer) -> None:
        with self._write() as db:
            row = customer_row(customer)
            changed = db.execute(
                "UPDATE customers SET email=?, created_at=?, name=?, locale=?, birthday=?,"
                " birthday_set_at=?, interests=?, habits=?, referral_code=?, referred_by=?,"
                " source=?, tier=?, invited_by=? WHERE customer_id=?",
                (*row[1:], row[0]),
            ).rowcount
        if not changed:
            raise UnknownCustomer(customer.customer_id)

    def refer(self, customer_id: str, referrer_id: str) -> bool:
        with self._write() as db:
            known = db.execute(
                "SELECT referred_by FROM customers WHERE customer_id=?", (customer_id,)
            ).fetchone()
            if known is None:
                raise UnknownCustomer(customer_id)
            changed = db.execute(
                "UPDATE customers SET referred_by=? WHERE customer_id=? AND referred_by IS NULL",
                (referrer_id, customer_id),
            ).rowcount
        return bool(changed)

    def customer(self, customer_id: str) -> Customer | None:
        row = (
            self.connection()
            .execute("SELECT * FROM customers WHERE customer_id=?", (customer_id,))
            .fetchone()
        )
        return customer_of(row) if row else None

    def customer_by_email(self, email: str) -> Customer | None:
        row = (
            self.connection().execute("SELECT * FROM customers WHERE email=?", (email,)).fetchone()
        )
        return customer_of(row) if row else None

    def customer_ids_by_email(self, emails: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        cursor = self.connection().cursor()
        cursor.row_factory = None
        for chunk in chunks(emails):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT email, customer_id FROM customers WHERE email IN ({marks})"
            found.update(cursor.execute(sql, chunk))
        return found

    def customer_by_code(self, code: str) -> Customer | None:
        if not code:
            return None
        row = (
            self.connection()
            # `!= ''` lets SQLite use the index, which leaves out customers without a code.
            .execute(
                "SELECT * FROM customers WHERE referral_code=? AND referral_code != ''",
                (code.strip().upper(),),
            )
            .fetchone()
        )
        return customer_of(row) if row else None

    def customer_ids(self, within: CustomerRange = EVERYONE) -> Iterator[str]:
        for customer_id, _ in self._customers_in_order(
            "SELECT customer_id, 1 FROM customers", (), within
        ):
            yield customer_id

    def nightly_customers(
        self, now: datetime, key: str, within: CustomerRange = EVERYONE
    ) -> Iterator[tuple[str, bool]]:
        # The customers' keys and the quiet ones' side by side, both in key order:
        # a few hundred nanoseconds a customer, a quiet one's row read where it lies.
        rows = self._customers_in_order(
            "SELECT customer_id, NOT EXISTS (SELECT 1 FROM nightly_quiet q"
            "  WHERE q.customer_id = c.customer_id AND q.until > ? AND q.key = ?)"
            " FROM customers c",
            (stored_time(now), key),
            within,
        )
        for customer_id, due in rows:
            yield customer_id, bool(due)

    def _customers_in_order(
        self, select: str, values: tuple[object, ...], within: CustomerRange
    ) -> Iterator[tuple[str, Any]]:
        """`select`'s rows (a customer id first) for the customers `within`, in id order,
        a page at a time, so a long walk holds no read open between pages."""
        # The first page starts at the range's first id; each next one after the last read.
        condition, after = ("customer_id >= ?", within.first or "")
        stop, bounds = ("", ()) if within.stop is None else (" AND customer_id < ?", (within.stop,))
        cursor = self.connection().cursor()
        cursor.row_factory = None
        while True:
            rows = cursor.execute(
                f"{select} WHERE {condition}{stop} ORDER BY customer_id LIMIT 2000",
                (*values, after, *bounds),
            ).fetchall()
            if not rows:
                return
            yield from rows
            after, condition = rows[-1][0], "customer_id > ?"

    def record_consent(
        self,
        customer_id: str,
        record: ConsentRecord,
        owed: OwedEmail | None = None,
        webhooks: tuple[OwedWebhook, ...] = (),
    ) -> None:
        with self._write() as db:
            if owed is not None:
                db.execute(INSERTS["owed_emails"], owed_row(owed))
            db.executemany(INSERTS["owed_webhooks"], map(owed_webhook_row, webhooks))
            db.execute(INSERT_CONSENT, consent_row(customer_id, record))

    def consents(self, customer_id: str) -> list[ConsentRecord]:
        rows = self.connection().execute(
            "SELECT * FROM consents WHERE customer_id=? ORDER BY at, id", (customer_id,)
        )
        return [
            ConsentRecord(
                ConsentStatus(row["status"]),
                read_time(row["at"]) or datetime.min,
                row["form"],
                row["text_version"],
                row["ip"],
                row["user_agent"],
            )
            for row in rows
        ]

    def record_feedback(self, feedback: Feedback, webhooks: tuple[OwedWebhook, ...] = ()) -> bool:
        with self._write() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO feedback (feedback_id, customer_id, reason, at, text,"
                " order_id) VALUES (?,?,?,?,?,?)",
                feedback_row(feedback),
            ).rowcount
            if inserted:
                db.executemany(INSERTS["owed_webhooks"], map(owed_webhook_row, webhooks))
        return bool(inserted)

    def feedback(self, customer_id: str) -> list[Feedback]:
        rows = self.connection().execute(
            "SELECT * FROM feedback WHERE customer_id=? ORDER BY at, feedback_id", (customer_id,)
        )
        return [
            Feedback(
                row["feedback_id"],
                row["customer_id"],
                FeedbackReason(row["reason"]),
                read_time(row["at"]) or datetime.min,
                row["text"],
                row["order_id"],
            )
            for row in rows
        ]

    def record_site_feedback(self, answer: SiteFeedback) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO site_feedback (feedback_id, reason, at, text, order_ref, reply_to)"
                " VALUES (?,?,?,?,?,?)",
                site_feedback_row(answer),
            )

    def site_feedback(self, reply_to: str) -> list[SiteFeedback]:
        rows = self.connection().execute(
            "SELECT * FROM site_feedback WHERE reply_to=? AND reply_to != ''"
            " ORDER BY at, feedback_id",
            (reply_to,),
        )
        return [
            SiteFeedback(
                row["feedback_id"],
                FeedbackReason(row["reason"]),
                read_time(row["at"]) or datetime.min,
                row["text"],
                row["order_ref"],
                row["reply_to"],
            )
            for row in rows
        ]

    def order_owner(self, order_id: str) -> str | None:
        row = (
            self.connection()
            .execute("SELECT customer_id FROM orders WHERE order_id=?", (order_id,))
            .fetchone()
        )
        return str(row[0]) if row else None

    def erase_customer(self, customer_id: str) -> bool:
        # Consents and answers reference the customer row, so they go first.
        # The loyalty tables do not, and stay for the books.
        with self._write() as db:
            db.execute("DELETE FROM consents WHERE customer_id=?", (customer_id,))
            db.execute("DELETE FROM feedback WHERE customer_id=?", (customer_id,))
            db.execute(
                "DELETE FROM site_feedback WHERE reply_to ="
                " (SELECT email FROM customers WHERE customer_id=?)",
                (customer_id,),
            )
            db.execute("UPDATE mail_events SET email='' WHERE customer_id=?", (customer_id,))
            # An email still owed would go to nobody (and holds what it was to tell).
            db.execute("DELETE FROM owed_emails WHERE customer_id=?", (customer_id,))
            # So would a webhook delivery about them (with their address, for some).
            db.execute(
                "DELETE FROM owed_webhooks WHERE json_extract(body, '$.data.customer_id')=?",
                (customer_id,),
            )
            erased = db.execute(
                "DELETE FROM customers WHERE customer_id=?", (customer_id,)
            ).rowcount
        # The write-ahead log still holds the pages as they were before the
        # delete: copy the zeroed pages home and empty it. A reader in the
        # middle of a read can keep it from finishing; the next erasure or
        # SQLite's own checkpoint finishes it.
        self.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return bool(erased)

    # -- what the mail provider reported ------------------------------------

    def record_mail_event(self, event: MailEvent) -> bool:
        with self._write() as db:
            inserted = db.execute(
                "INSERT OR IGNORE INTO mail_events (event_id, kind, email, at, message_id, detail,"
                " customer_id) VALUES (?,?,?,?,?,?,?)",
                mail_event_row(event),
            ).rowcount
        return bool(inserted)

    def mail_events(self, customer_id: str) -> list[MailEvent]:
        rows = self.connection().execute(
            "SELECT * FROM mail_events WHERE customer_id=? ORDER BY at, event_id", (customer_id,)
        )
        return [
            MailEvent(
                row["event_id"],
                MailEventKind(row["kind"]),
                row["email"],
                read_time(row["at"]) or datetime.min,
                row["message_id"],
                row["detail"],
                row["customer_id"],
            )
            for row in rows
        ]

    # -- integrations ------------------------------------------------------

    def add_integration_key(self, key: IntegrationKey) -> None:
        with self._write() as db:
            taken = db.execute(
                "INSERT OR IGNORE INTO integration_keys"
                " (key_id, name, secret_hash, created_at, revoked_at) VALUES (?,?,?,?,?)",
                (key.key_id, key.name, key.secret_hash, stored_time(key.created_at), None),
            ).rowcount
        if not taken:
            raise IdempotencyConflict(f"key {key.key_id} exists")  # as DynamoDB says it

    def integration_key(self, key_id: str) -> IntegrationKey | None:
        row = (
            self.connection()
            .execute("SELECT * FROM integration_keys WHERE key_id=?", (key_id,))
            .fetchone()
        )
        return _integration_key(row) if row else None

    def integration_keys(self) -> list[IntegrationKey]:
        rows = self.connection().execute(
            "SELECT * FROM integration_keys ORDER BY created_at, key_id"
        )
        return [_integration_key(row) for row in rows]

    def revoke_integration_key(self, key_id: str, at: datetime) -> bool:
        with self._write() as db:
            changed = db.execute(
                "UPDATE integration_keys SET revoked_at=? WHERE key_id=? AND revoked_at IS NULL",
                (stored_time(at), key_id),
            ).rowcount
        return bool(changed)

    # -- limits --------------------------------------------------------------

    def hold(self, key: str, now: int, until: int, owed: OwedEmail | None = None) -> bool:
        with self._write() as db:
            taken = db.execute(
                "INSERT INTO limits (key, hits, until) VALUES (?, 1, ?)"
                " ON CONFLICT(key) DO UPDATE SET hits=1, until=excluded.until"
                " WHERE limits.until <= ?",
                (key, until, now),
            ).rowcount
            if taken and owed is not None:
                db.execute(INSERTS["owed_emails"], owed_row(owed))
        return bool(taken)

    def count_hit(self, key: str, until: int) -> int:
        with self._write() as db:
            row = db.execute(
                "INSERT INTO limits (key, hits, until) VALUES (?, 1, ?)"
                " ON CONFLICT(key) DO UPDATE SET hits=hits+1 RETURNING hits",
                (key, until),
            ).fetchone()
        return int(row[0])

    def hits(self, key: str, now: int) -> int:
        row = (
            self.connection()
            .execute("SELECT hits FROM limits WHERE key=? AND until > ?", (key, now))
            .fetchone()
        )
        return int(row[0]) if row else 0

    def forget_limits(self, now: int) -> int:
        with self._write() as db:
            return db.execute("DELETE FROM limits WHERE until <= ?", (now,)).rowcount

    # -- loyalty -----------------------------------------------------------

    def history(self, customer_id: str) -> History:
        return self._history(self.connection(), customer_id)

    def referral_entries(self, customer_id: str) -> tuple[Entry, ...]:
        return referral_entries(self.connection(), customer_id)

    def standing(self, customer_id: str, now: datetime) -> Standing:
        """In one statement (so on one snapshot), from the customer's summaries and the
        entries still pending: see `_STANDING`."""
        cursor = self.connection().cursor()
        cursor.row_factory = None
        found = cursor.execute(_STANDING, (customer_id, stored_time(now))).fetchone()
        if found is None:
            raise UnknownCustomer(customer_id)
        tier, total, pending, last_order_at, unredeemed = found
        listed = [certificate_of((customer_id, *row)) for row in json.loads(unredeemed)]
        return Standing(
            Balance(total, total - pending, pending),
            tier,
            read_time(last_order_at),
            tuple(certificate for certificate in listed if certificate.usable(now)),
        )

    def commit(
        self, customer_id: str, request: Request, decide: Callable[[History], Change]
    ) -> Committed:
        me = _Waiting((customer_id, request, decide))
        with self._queue:
            self._waiting.append(me)
            follow, self._leading = self._leading, True
        if follow:
            me.wake.acquire()  # our outcome, or the lead
        if me.outcome is None:
            self._lead()
        if isinstance(me.outcome, Exception):
            raise me.outcome
        assert me.outcome is not None
        return me.outcome

    def _lead(self) -> None:
        """Commit every request waiting, then wake each caller once.

        Whoever arrived during the COMMIT is waiting for the next group: the
        first of them is woken to lead it. Nobody else wakes before their
        own answer is on disk.
        """
        with self._queue:
            group, self._waiting = self._waiting, []
        try:
            self._commit_group(group)
        finally:
            for waiting in group:
                if waiting.outcome is None:  # interrupted before an answer
                    waiting.outcome = StoreUnavailable("the commit was interrupted")
            with self._queue:
                following = self._waiting[0] if self._waiting else None
                self._leading = following is not None
            if following is not None:  # first: its request is ready, the disk idle
                following.wake.release()
            for waiting in group:
                waiting.wake.release()

    def _commit_group(self, group: list[_Waiting]) -> None:
        outcomes: list[Committed | Exception]
        try:
            with self._write() as db:
                outcomes = self._group(db, group)
        except Exception as failed:
            # Nothing of the group reached the disk; every caller hears why.
            outcomes = [failed] * len(group)
        self.commits += 1
        for waiting, outcome in zip(group, outcomes, strict=True):
            waiting.outcome = outcome

    def _group(self, db: sqlite3.Connection, group: list[_Waiting]) -> list[Committed | Exception]:
        """A group commit's requests, written together; one failing leaves the others.

        Requests that arrive while the group is being written join it, up to
        `GROUP_LIMIT`: they share its COMMIT instead of waiting for the next.
        Each part is written as one batch: a request that fails in the
        engine is its caller's alone, and order ids taken already are known
        from the reads. Anything else (a row that still collides, a fault in
        one decision) undoes the group, and each request is then redone in
        its own savepoint.
        """
        outcomes: list[Committed | Exception] = []
        try:
            while len(outcomes) < len(group):
                part = [waiting.item for waiting in group[len(outcomes) :]]
                outcomes += self._part(db, part)
                self._join(group)
        except Exception:
            db.execute("ROLLBACK")
            db.execute("BEGIN IMMEDIATE")
            return self._batch(db, [waiting.item for waiting in group], one_by_one=True)
        return outcomes

    def _part(self, db: sqlite3.Connection, part: list[Item]) -> list[Committed | Exception]:
        if len(part) > 1:
            return self._batch(db, part, one_by_one=False)
        try:  # a till alone: fewer steps than a batch
            return [self._commit_in(db, *part[0])]
        except (LoyaltyError, IdempotencyConflict, UnknownCustomer) as refused:
            return [refused]  # refused before anything was written

    def _join(self, group: list[_Waiting]) -> None:
        """Move requests that arrived meanwhile into `group` (before its COMMIT)."""
        with self._queue:
            room = GROUP_LIMIT - len(group)
            if room > 0 and self._waiting:
                group += self._waiting[:room]
                del self._waiting[:room]

    def commit_batches(self, batches: list[Batch]) -> Iterator[list[Committed | Exception]]:
        """Each batch in its own transaction; with CPUs to spare, forked workers decide them
        while this process writes (sqlite_apart.py)."""
        from .apart import commit_apart, workers_for  # only imports fork

        workers = workers_for(self, len(batches))
        if workers:
            yield from commit_apart(self, batches, workers)
        else:
            for make in batches:
                yield self.commit_batch(make())

    def commit_batch(self, items: list[Item]) -> list[Committed | Exception]:
        """One transaction for many requests (imports).

        Histories and request keys are read in bulk and kept current in
        memory; every decision is made first, then all rows are written with
        `executemany`. Should a write still conflict (an order id taken by
        another customer), the batch is redone item by item with savepoints,
        so each item succeeds or fails alone.
        """
        try:
            with self._write() as db:
                return self._batch(db, items, one_by_one=False)
        except IdempotencyConflict:
            with self._write() as db:
                return self._batch(db, items, one_by_one=True)

    def _batch(
        self, db: sqlite3.Connection, items: list[Item], one_by_one: bool
    ) -> list[Committed | Exception]:
        outcomes, rows = self.decide(db, items, one_by_one)
        rows.write(db)
        return outcomes

    def decide(
        self, db: sqlite3.Connection, items: list[Item], one_by_one: bool, apart: bool = False
    ) -> tuple[list[Committed | Exception], Rows]:
        """Each item's outcome, and the rows still to write (`one_by_one` writes as it goes).

        `apart`: decided by an import worker, which only reads (sqlite_apart.py);
        a decision that needs this batch's rows read back raises `NeedsWriter`.
        """
        outcomes: list[Committed | Exception] = []
        done = self._recorded(db, [request for _, request, _ in items])
        reads = Reads(0)
        for _, request, _ in items:
            reads |= request.reads
        histories = self._histories(db, sorted({customer for customer, _, _ in items}), reads)
        rows = Rows(self._reader)
        # Customers whose history in memory lacks orders the next decision may
        # need: they are read again, once the rows so far are written.
        reread: set[str] = set()
        decided: set[str] = set()  # customers with a change in this batch
        # Requests still to come per customer: a history nobody decides on again
        # is not brought up to date in memory (most of an import's customers).
        to_come = Counter(customer for customer, _, _ in items)
        for customer_id, request, decide in items:
            to_come[customer_id] -= 1
            if request.key in done:
                fingerprint, stored = done[request.key]
                outcomes.append(
                    Committed(json.loads(stored), replayed=True)
                    if _same_request(fingerprint, request.fingerprint)
                    else IdempotencyConflict(f"{request.key} was used for a different request")
                )
                continue
            history = histories.get(customer_id)
            if history is None:
                outcomes.append(UnknownCustomer(customer_id))
                continue
            try:
                try:
                    if customer_id in reread:
                        raise TierSpendOutdated
                    change = decide(history)
                except TierSpendOutdated:
                    if apart and customer_id in decided:
                        raise NeedsWriter from None
                    if not apart:
                        rows.write(db)  # so the history read next includes this batch so far
                        rows = Rows(self._reader)
                    reread.discard(customer_id)
                    history = histories[customer_id] = self._history(db, customer_id)
                    change = decide(history)
            except Exception as refused:
                # In a group commit, one request's failure is its caller's alone.
                if not (one_by_one or isinstance(refused, LoyaltyError)):
                    raise
                outcomes.append(refused)
                continue
            if one_by_one:
                item = Rows(self._reader)
                record = item.add(customer_id, change, request)
                db.execute("SAVEPOINT item")
                try:
                    item.write(db)
                except sqlite3.IntegrityError as error:
                    db.execute("ROLLBACK TO item")
                    db.execute("RELEASE item")
                    outcomes.append(IdempotencyConflict(f"{request.key}: {error}"))
                    continue
                db.execute("RELEASE item")
            else:
                record = rows.add(customer_id, change, request)
            done[request.key] = record
            others = {owner for owner, _ in change.entries if owner != customer_id}
            for owner in (customer_id, *others):
                if owner in histories and to_come[owner] > 0:
                    histories[owner] = _after(histories[owner], owner, change)
            if change.refund is not None and history.tier_spend is not None:
                reread.add(customer_id)  # the tally is void, and the orders may not be here
            decided.add(customer_id)
            outcomes.append(Committed(change.result))
        return outcomes, rows

    def _recorded(
        self, db: sqlite3.Connection, requests: list[Request]
    ) -> dict[str, tuple[bytes | str, str]]:
        """Request key -> (fingerprint, result) of the requests recorded already."""
        keys = [request.key for request in requests if request.order_id is None]
        by_order = {r.order_id: r.key for r in requests if r.order_id is not None}
        found: dict[str, tuple[bytes | str, str]] = {}
        for sql, wanted in ((_RECORDED_REQUESTS, keys), (_RECORDED_ORDERS, list(by_order))):
            for chunk in chunks(wanted):
                marks = ",".join("?" * len(chunk))
                for name, fingerprint, result in db.execute(sql.format(marks), chunk):
                    # An order kept without a record (none is written so) is never a retry.
                    found[by_order.get(name, name)] = (fingerprint or b"", result or "null")
        return found

    def _commit_in(
        self,
        db: sqlite3.Connection,
        customer_id: str,
        request: Request,
        decide: Callable[[History], Change],
    ) -> Committed:
        done = self._recorded(db, [request])
        if request.key in done:
            fingerprint, result = done[request.key]
            if not _same_request(fingerprint, request.fingerprint):
                raise IdempotencyConflict(f"{request.key} was already used for a different request")
            return Committed(json.loads(result), replayed=True)
        try:
            change = decide(self._history(db, customer_id, request.reads))
        except TierSpendOutdated:
            change = decide(self._history(db, customer_id))
        rows = Rows(self._reader)
        rows.add(customer_id, change, request)
        rows.write(db)
        return Committed(change.result)

    def _history(
        self, db: sqlite3.Connection, customer_id: str, reads: Reads = Reads.EVERYTHING
    ) -> History:
        found = self._histories(db, [customer_id], reads)
        if customer_id not in found:
            raise UnknownCustomer(customer_id)
        return found[customer_id]

    def _histories(
        self, db: sqlite3.Connection, customer_ids: list[str], reads: Reads = Reads.EVERYTHING
    ) -> dict[str, History]:
        return self._reader.histories(db, customer_ids, reads)


# A request record is written with every purchase (on its order), so it is kept small: fewer
# b-tree pages split and fewer are written (and synced) at each commit.
# Its fingerprint is kept as 16 bytes of a hash of the caller's fingerprint
# (128 bits: no accidental match), its result as compact JSON.
def _compact(fingerprint: str) -> bytes:
    return hashlib.blake2b(fingerprint.encode(), digest_size=16).digest()


def _same_request(stored: bytes | str, fingerprint: str) -> bool:
    # Rows written before fingerprints were compacted hold them as given.
    return stored == _compact(fingerprint) if isinstance(stored, bytes) else stored == fingerprint


def _result(change: Change) -> str:
    return _compact_json(change.result)


# Made once: `json.dumps` with options builds a new encoder at every call.
_compact_json = json.JSONEncoder(default=str, separators=(",", ":")).encode


# A customer's standing from their summaries, so it costs the same at their
# thousandth order as at their first: the total from `customer_points`, the
# pending part from the entries written pending (`ledger_pending`: an entry can
# only be pending now if it was when written, its time being no later than now),
# the last order from `customer_orders`, and the unredeemed certificates (a JSON
# list of certificate rows, oldest first).
_STANDING = (
    "SELECT c.tier,"
    " COALESCE((SELECT points FROM customer_points WHERE customer_id = ?1), 0),"
    " (SELECT COALESCE(SUM(points), 0) FROM ledger"
    "  WHERE customer_id = ?1 AND available_at > ?2 AND available_at > at),"
    " (SELECT last_at FROM customer_orders WHERE customer_id = ?1),"
    " (SELECT json_group_array(json_array(certificate_id, code, rule_id, value, currency,"
    "  issued_at, expires_at, consumed, redeemed_at, settled)) FROM (SELECT * FROM certificates"
    "  WHERE customer_id = ?1 AND redeemed_at IS NULL ORDER BY issued_at, certificate_id))"
    " FROM customers AS c WHERE c.customer_id = ?1"
)

_RECORDED_REQUESTS = "SELECT key, fingerprint, result FROM requests WHERE key IN ({})"
_RECORDED_ORDERS = "SELECT order_id, fingerprint, result FROM orders WHERE order_id IN ({})"


@dataclass
class Rows:
    """The rows a set of changes writes, table by table, for `executemany`."""

    reader: HistoryReader  # which encodes tallies and remembers them for the next read
    tables: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {table: [] for table in INSERTS}
    )
    tallies: dict[str, TierSpend] = field(default_factory=dict)  # by customer

    def add(self, customer_id: str, change: Change, request: Request) -> tuple[bytes, str]:
        """The rows of `change`, and the record of the request that made it (returned)."""
        tables = self.tables
        on_order = request.order_id is not None
        if on_order and (change.order is None or change.order.order_id != request.order_id):
            raise ValueError(f"{request.key} names order {request.order_id} but does not record it")
        record = (_compact(request.fingerprint), _result(change))
        if not on_order:
            tables["requests"].append((request.key, *record, stored_time(datetime.now(UTC))))
        for owner, entry in change.entries:
            tables["ledger"].append(ledger_row(owner, entry))
        if change.order is not None:
            tables["orders"].append(
                order_row(customer_id, change.order, record if on_order else (None, None))
            )
        if change.refund is not None:
            tables["refunds"].append(refund_row(customer_id, change.refund))
        for certificate in change.certificates:
            tables["certificates"].append(certificate_row(customer_id, certificate))
        if change.redeemed_certificate is not None:
            certificate_id, at = change.redeemed_certificate
            tables["redeemed"].append((stored_time(at), certificate_id))
        if change.tier_changed:
            tables["tiers"].append((change.tier, customer_id))
        tally = change.tier_spend
        if tally is not None and change.refund is None:
            self.tallies[customer_id] = tally  # only a customer's last one is written
        elif change.order is not None or change.refund is not None:
            tables["tier_spend_void"].append((customer_id,))
        if change.owed is not None:
            tables["owed_emails"].append(owed_row(change.owed))
        if change.quiet is not None:
            quiet = change.quiet
            tables["nightly_quiet"].append((customer_id, stored_time(quiet.until), quiet.key))
        tables["owed_webhooks"].extend(owed_webhook_row(owed) for owed in change.webhooks)
        return record

    def encoded(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every table's rows, tallies encoded too: what an import worker hands the writer."""
        tally_row = self.reader.tally_row
        self.tables["tier_spend"] = [(c, *tally_row(t)) for c, t in self.tallies.items()]
        return self.tables

    def write(self, db: sqlite3.Connection) -> None:
        write_rows(db, self.encoded())


def _after(history: History, owner: str, change: Change) -> History:
    """`history` as the database holds it once `change` is written (for batches)."""
    keys = {entry.idempotency_key for entry in history.entries}
    entries = tuple(e for o, e in change.entries if o == owner and e.idempotency_key not in keys)
    if owner != history.customer_id:  # e.g. the referrer's bonus
        return replace(history, entries=history.entries + entries)
    certificates = history.certificates + change.certificates
    if change.redeemed_certificate is not None:
        redeemed, at = change.redeemed_certificate
        certificates = tuple(
            replace(c, redeemed_at=at) if c.certificate_id == redeemed and not c.redeemed_at else c
            for c in certificates
        )
    return History(  # not `replace`: this runs for most orders of an import
        history.customer_id,
        entries=history.entries + entries,
        orders=history.orders + ((change.order,) if change.order else ()),
        refunds=history.refunds + ((change.refund,) if change.refund else ()),
        certificates=certificates,
        tier=change.tier if change.tier_changed else history.tier,
        birthday=history.birthday,
        birthday_known_since=history.birthday_known_since,
        referred_by=history.referred_by,
        # The purchase's tally counts every order so far: the next purchase in the
        # batch carries it on instead of counting them all again. (A refund's
        # customer is read again before their next decision: its tally is void.)
        tier_spend=change.tier_spend or history.tier_spend,
    )


def _integration_key(row: sqlite3.Row) -> IntegrationKey:
    return IntegrationKey(
        row["key_id"],
        row["name"],
        row["secret_hash"],
        read_time(row["created_at"]) or datetime.min,
        read_time(row["revoked_at"]),
    )
