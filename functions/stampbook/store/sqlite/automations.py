"""Automatic-email records in SQLite: the `automation_sends` and `owed_emails` tables."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ...records.automation_sends import Automation, AutomationKey, AutomationSend, EmailStatus
from ...records.owed_emails import OwedEmail
from ..automation_log import Keys, Marks
from .rows import INSERTS

if TYPE_CHECKING:
    from .connections import WriteTransaction

_SENDING = EmailStatus.SENDING.value
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order


def record_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


class SqliteAutomationLog:
    """Mixed into `SqliteStore`, whose connections and write transactions it uses."""

    def connection(self) -> sqlite3.Connection:
        raise NotImplementedError

    def _write(self) -> WriteTransaction:
        raise NotImplementedError

    def claim_automation(self, key: AutomationKey, now: int, until: int) -> bool:
        return self.claim_automations([key], now, until)[0]

    def claim_automations(self, keys: Sequence[AutomationKey], now: int, until: int) -> list[bool]:
        # A claim still "sending" past its time belongs to a sender that
        # stopped: it is taken over. Sent and failed records are final.
        with self._write() as db:
            return [
                bool(
                    db.execute(
                        "INSERT INTO automation_sends (customer_id, automation, occasion,"
                        " status, claimed_until) VALUES (?,?,?,?,?)"
                        " ON CONFLICT DO UPDATE SET claimed_until=excluded.claimed_until"
                        " WHERE automation_sends.status=? AND automation_sends.claimed_until<=?",
                        (*_key(key), _SENDING, until, _SENDING, now),
                    ).rowcount
                )
                for key in keys
            ]

    def finish_automation(self, key: AutomationKey, status: EmailStatus, at: datetime) -> None:
        self.finish_automations([(key, status)], at)

    def finish_automations(
        self, finished: Sequence[tuple[AutomationKey, EmailStatus]], at: datetime
    ) -> None:
        if not finished:
            return
        with self._write() as db:
            _mark(db, finished, at)

    def release_automation(self, key: AutomationKey) -> None:
        with self._write() as db:
            db.execute(
                "DELETE FROM automation_sends"
                " WHERE customer_id=? AND automation=? AND occasion=? AND status=?",
                (*_key(key), EmailStatus.SENDING.value),
            )

    def automation_sends(self, customer_id: str) -> list[AutomationSend]:
        rows = self.connection().execute(
            "SELECT * FROM automation_sends WHERE customer_id=? ORDER BY automation, occasion",
            (customer_id,),
        )
        return [
            AutomationSend(
                _key_of(row),
                EmailStatus(row["status"]),
                int(row["claimed_until"]),
                datetime.strptime(row["at"], TIME_FORMAT).replace(tzinfo=UTC)
                if row["at"]
                else None,
            )
            for row in rows
        ]

    def automation_counts(self, start: datetime, end: datetime) -> dict[Automation, int]:
        rows = self.connection().execute(
            "SELECT automation, COUNT(*) FROM automation_sends"
            " WHERE status=? AND at>=? AND at<? GROUP BY automation ORDER BY automation",
            (EmailStatus.SENT.value, record_time(start), record_time(end)),
        )
        return {Automation(row[0]): int(row[1]) for row in rows}

    # -- owed emails ---------------------------------------------------------

    def owe_email(self, owed: OwedEmail) -> None:
        with self._write() as db:
            db.execute(INSERTS["owed_emails"], owed_row(owed))

    def owed_emails_due(self, now: int, limit: int) -> list[OwedEmail]:
        rows = self.connection().execute(
            # In the order DynamoDB's listing keeps them.
            "SELECT * FROM owed_emails WHERE due<=?"
            " ORDER BY due, customer_id, automation, occasion LIMIT ?",
            (now, limit),
        )
        return [
            OwedEmail(
                _key_of(row),
                int(row["due"]),
                json.loads(row["details"]),
                int(row["attempts"]),
            )
            for row in rows
        ]

    def take_owed_email(self, key: AutomationKey, due: int, until: int) -> bool:
        return bool(self.take_owed_emails([OwedEmail(key, due)], until))

    def take_owed_emails(self, owed: Sequence[OwedEmail], until: int) -> list[OwedEmail]:
        with self._write() as db:  # one write for a page of them
            return [
                each
                for each in owed
                if db.execute(
                    "UPDATE owed_emails SET due=?"
                    " WHERE customer_id=? AND automation=? AND occasion=? AND due=?",
                    (until, *_key(each.key), each.due),
                ).rowcount
            ]

    def postpone_owed_email(self, key: AutomationKey, due: int, attempts: int) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE owed_emails SET due=?, attempts=?"
                " WHERE customer_id=? AND automation=? AND occasion=?",
                (due, attempts, *_key(key)),
            )

    def settle_owed_email(self, key: AutomationKey) -> None:
        self.finish_owed_emails([], [key], datetime.now(UTC))

    def finish_owed_emails(self, finished: Marks, settled: Keys, at: datetime) -> None:
        if not finished and not settled:
            return
        # One fsync'd commit for a courier's group of emails, not two per email.
        with self._write() as db:
            _mark(db, finished, at)
            db.executemany(
                "DELETE FROM owed_emails WHERE customer_id=? AND automation=? AND occasion=?",
                [_key(key) for key in settled],
            )


def _mark(
    db: sqlite3.Connection, finished: Sequence[tuple[AutomationKey, EmailStatus]], at: datetime
) -> None:
    """Mark claimed emails sent (or refused for good, or held out) at `at`."""
    db.executemany(
        "UPDATE automation_sends SET status=?, at=?"
        " WHERE customer_id=? AND automation=? AND occasion=?",
        [(status.value, record_time(at), *_key(key)) for key, status in finished],
    )


def owed_row(owed: OwedEmail) -> tuple[str, str, str, int, str]:
    """The row `commit` writes for an owed email (`INSERTS["owed_emails"]`)."""
    details = json.dumps(owed.details, default=str, separators=(",", ":"))
    return (*_key(owed.key), owed.due, details)


def _key(key: AutomationKey) -> tuple[str, str, str]:
    return key.customer_id, key.automation.value, key.occasion


def _key_of(row: sqlite3.Row) -> AutomationKey:
    return AutomationKey(row["customer_id"], Automation(row["automation"]), row["occasion"])
