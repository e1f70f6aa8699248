"""Outgoing webhooks in SQLite: `webhook_endpoints`, `owed_webhooks`, `webhook_attempts`."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ...records.webhooks import (
    EndpointState,
    Outcome,
    OwedWebhook,
    WebhookAttempt,
    WebhookEndpoint,
)
from .automations import TIME_FORMAT, record_time
from .rows import INSERTS

if TYPE_CHECKING:
    from .connections import WriteTransaction

_OWED_KEY = "endpoint_id=? AND message_id=?"


class SqliteWebhookLog:
    """Mixed into `SqliteStore`, whose connections and write transactions it uses."""

    def connection(self) -> sqlite3.Connection:
        raise NotImplementedError

    def _write(self) -> WriteTransaction:
        raise NotImplementedError

    # -- endpoints ------------------------------------------------------------

    def add_webhook_endpoint(self, endpoint: WebhookEndpoint) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO webhook_endpoints (endpoint_id, url, events, secret, created_at,"
                " disable_after, state, failures, disabled_at, note, previous_secret,"
                " previous_until) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    endpoint.endpoint_id,
                    endpoint.url,
                    json.dumps(list(endpoint.events)),
                    endpoint.secret,
                    record_time(endpoint.created_at),
                    endpoint.disable_after,
                    endpoint.state.value,
                    endpoint.failures,
                    record_time(endpoint.disabled_at) if endpoint.disabled_at else None,
                    endpoint.note,
                    endpoint.previous_secret,
                    endpoint.previous_until,
                ),
            )

    def webhook_endpoints(self) -> list[WebhookEndpoint]:
        rows = self.connection().execute(
            "SELECT * FROM webhook_endpoints ORDER BY created_at, endpoint_id"
        )
        return [_endpoint_of(row) for row in rows]

    def remove_webhook_endpoint(self, endpoint_id: str) -> bool:
        with self._write() as db:
            gone = db.execute(
                "DELETE FROM webhook_endpoints WHERE endpoint_id=?", (endpoint_id,)
            ).rowcount
            db.execute("DELETE FROM owed_webhooks WHERE endpoint_id=?", (endpoint_id,))
            db.execute("DELETE FROM webhook_attempts WHERE endpoint_id=?", (endpoint_id,))
        return bool(gone)

    def webhook_failed(self, endpoint_id: str) -> int:
        with self._write() as db:
            row = db.execute(
                "UPDATE webhook_endpoints SET failures=failures+1 WHERE endpoint_id=?"
                " RETURNING failures",
                (endpoint_id,),
            ).fetchone()
        return int(row[0]) if row else 0

    def webhook_delivered(self, endpoint_id: str) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE webhook_endpoints SET failures=0 WHERE endpoint_id=? AND failures>0",
                (endpoint_id,),
            )

    def set_webhook_state(
        self, endpoint_id: str, state: EndpointState, at: datetime, note: str = ""
    ) -> bool:
        disabling = state is EndpointState.DISABLED
        with self._write() as db:
            changed = db.execute(
                # Enabled again, it starts afresh, as a new endpoint would.
                "UPDATE webhook_endpoints SET state=?, disabled_at=?, note=?,"
                " failures=CASE WHEN ? THEN failures ELSE 0 END"
                " WHERE endpoint_id=? AND state<>?",
                (
                    state.value,
                    record_time(at) if disabling else None,
                    note if disabling else "",
                    disabling,
                    endpoint_id,
                    state.value,
                ),
            ).rowcount
        return bool(changed)

    def rotate_webhook_secret(self, endpoint_id: str, secret: str, previous_until: int) -> bool:
        with self._write() as db:
            rotated = db.execute(
                "UPDATE webhook_endpoints SET previous_secret=secret, previous_until=?, secret=?"
                " WHERE endpoint_id=?",
                (previous_until, secret, endpoint_id),
            ).rowcount
        return bool(rotated)

    # -- deliveries owed ------------------------------------------------------

    def owe_webhooks(self, owed: list[OwedWebhook]) -> None:
        if owed:
            with self._write() as db:
                db.executemany(INSERTS["owed_webhooks"], [owed_webhook_row(o) for o in owed])

    def owed_webhooks_due(self, now: int, limit: int) -> list[OwedWebhook]:
        rows = self.connection().execute(
            # In the order DynamoDB's listing keeps them.
            "SELECT * FROM owed_webhooks WHERE due<=? ORDER BY due, endpoint_id, message_id"
            " LIMIT ?",
            (now, limit),
        )
        return [
            OwedWebhook(
                row["endpoint_id"],
                row["message_id"],
                row["event_type"],
                row["body"],
                int(row["due"]),
                int(row["attempts"]),
            )
            for row in rows
        ]

    def take_owed_webhooks(self, owed: list[OwedWebhook], until: int) -> list[OwedWebhook]:
        taken = []
        with self._write() as db:  # one write for a page of them
            for delivery in owed:
                if db.execute(
                    f"UPDATE owed_webhooks SET due=? WHERE {_OWED_KEY} AND due=?",
                    (until, delivery.endpoint_id, delivery.message_id, delivery.due),
                ).rowcount:
                    taken.append(delivery)
        return taken

    def finish_owed_webhook(
        self,
        owed: OwedWebhook,
        attempt: WebhookAttempt | None,
        keep_until: int,
        due_again: int | None = None,
    ) -> None:
        key = (owed.endpoint_id, owed.message_id)
        with self._write() as db:
            if due_again is None:
                db.execute(f"DELETE FROM owed_webhooks WHERE {_OWED_KEY}", key)
            else:
                db.execute(
                    f"UPDATE owed_webhooks SET due=?, attempts=attempts+1 WHERE {_OWED_KEY}",
                    (due_again, *key),
                )
            if attempt is not None:
                _log(db, attempt, keep_until)

    # -- the log --------------------------------------------------------------

    def log_webhook_attempt(self, attempt: WebhookAttempt, keep_until: int) -> None:
        with self._write() as db:
            _log(db, attempt, keep_until)

    def webhook_attempts(self, endpoint_id: str, now: int, limit: int) -> list[WebhookAttempt]:
        rows = self.connection().execute(
            "SELECT * FROM webhook_attempts WHERE endpoint_id=? AND keep_until>?"
            " ORDER BY at DESC, message_id DESC, attempt DESC LIMIT ?",
            (endpoint_id, now, limit),
        )
        return [
            WebhookAttempt(
                row["endpoint_id"],
                _time(row["at"]),
                row["message_id"],
                row["event_type"],
                int(row["attempt"]),
                Outcome(row["outcome"]),
                row["status"],
                row["detail"],
            )
            for row in rows
        ]


def _log(db: sqlite3.Connection, attempt: WebhookAttempt, keep_until: int) -> None:
    db.execute(
        "INSERT OR REPLACE INTO webhook_attempts (endpoint_id, at, message_id, attempt,"
        " event_type, outcome, status, detail, keep_until) VALUES (?,?,?,?,?,?,?,?,?)",
        (
            attempt.endpoint_id,
            record_time(attempt.at),
            attempt.message_id,
            attempt.attempt,
            attempt.event_type,
            attempt.outcome.value,
            attempt.status,
            attempt.detail,
            keep_until,
        ),
    )
    # Lines past their time go as new ones come: the log never grows unbounded.
    db.execute(
        "DELETE FROM webhook_attempts WHERE endpoint_id=? AND keep_until<=?",
        (attempt.endpoint_id, int(attempt.at.timestamp())),
    )


def owed_webhook_row(owed: OwedWebhook) -> tuple[Any, ...]:
    """The row `commit` writes for a delivery owed (`INSERTS["owed_webhooks"]`)."""
    return (owed.endpoint_id, owed.message_id, owed.event_type, owed.body, owed.due, owed.attempts)


def _time(text: str) -> datetime:
    return datetime.strptime(text, TIME_FORMAT).replace(tzinfo=UTC)


def _endpoint_of(row: sqlite3.Row) -> WebhookEndpoint:
    return WebhookEndpoint(
        endpoint_id=row["endpoint_id"],
        url=row["url"],
        events=tuple(json.loads(row["events"])),
        secret=row["secret"],
        created_at=_time(row["created_at"]),
        disable_after=int(row["disable_after"]),
        state=EndpointState(row["state"]),
        failures=int(row["failures"]),
        disabled_at=_time(row["disabled_at"]) if row["disabled_at"] else None,
        note=row["note"],
        previous_secret=row["previous_secret"],
        previous_until=int(row["previous_until"]),
    )
