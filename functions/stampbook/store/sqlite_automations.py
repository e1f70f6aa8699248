"""Automatic-email records in SQLite: the `automation_sends` table."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ..automation_sends import AutomationKey, AutomationSend, EmailStatus

if TYPE_CHECKING:
    from .sqlite import _WriteTransaction

TIME_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order


def record_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TIME_FORMAT)


class SqliteAutomationLog:
    """Mixed into `SqliteStore`, whose connections and write transactions it uses."""

    def _db(self) -> sqlite3.Connection:
        raise NotImplementedError

    def _write(self) -> _WriteTransaction:
        raise NotImplementedError

    def claim_automation(self, key: AutomationKey, now: int, until: int) -> bool:
        # A claim still "sending" past its time belongs to a sender that
        # stopped: it is taken over. Sent and failed records are final.
        with self._write() as db:
            taken = db.execute(
                "INSERT INTO automation_sends (customer_id, automation, occasion, status,"
                " claimed_until) VALUES (?,?,?,?,?)"
                " ON CONFLICT DO UPDATE SET claimed_until=excluded.claimed_until"
                " WHERE automation_sends.status=? AND automation_sends.claimed_until<=?",
                (*_key(key), EmailStatus.SENDING.value, until, EmailStatus.SENDING.value, now),
            ).rowcount
        return bool(taken)

    def finish_automation(self, key: AutomationKey, status: EmailStatus, at: datetime) -> None:
        with self._write() as db:
            db.execute(
                "UPDATE automation_sends SET status=?, at=?"
                " WHERE customer_id=? AND automation=? AND occasion=?",
                (status.value, record_time(at), *_key(key)),
            )

    def release_automation(self, key: AutomationKey) -> None:
        with self._write() as db:
            db.execute(
                "DELETE FROM automation_sends"
                " WHERE customer_id=? AND automation=? AND occasion=? AND status=?",
                (*_key(key), EmailStatus.SENDING.value),
            )

    def automation_sends(self, customer_id: str) -> list[AutomationSend]:
        rows = self._db().execute(
            "SELECT * FROM automation_sends WHERE customer_id=? ORDER BY automation, occasion",
            (customer_id,),
        )
        return [
            AutomationSend(
                AutomationKey(row["customer_id"], row["automation"], row["occasion"]),
                EmailStatus(row["status"]),
                int(row["claimed_until"]),
                datetime.strptime(row["at"], TIME_FORMAT).replace(tzinfo=UTC)
                if row["at"]
                else None,
            )
            for row in rows
        ]

    def automation_counts(self, start: datetime, end: datetime) -> dict[str, int]:
        rows = self._db().execute(
            "SELECT automation, COUNT(*) FROM automation_sends"
            " WHERE status=? AND at>=? AND at<? GROUP BY automation ORDER BY automation",
            (EmailStatus.SENT.value, record_time(start), record_time(end)),
        )
        return {str(row[0]): int(row[1]) for row in rows}


def _key(key: AutomationKey) -> tuple[str, str, str]:
    return key.customer_id, key.automation, key.occasion
