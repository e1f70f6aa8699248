"""Campaigns and send records in SQLite (the `SendStore` port), mixed into `SqliteStore`.

A claim is one `UPDATE ... RETURNING` inside a write transaction: the
write lock makes it atomic across threads and processes, so two workers
never hold one record. Settling a batch is one transaction too: the records
and the campaign's counters move together, and a record a worker no longer
holds (its lease ran out and someone else took it) is left alone.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterable
from contextlib import AbstractContextManager
from datetime import datetime

from ...audience.consent import ConsentStatus
from ...loyalty.history import History
from ...records.customers import Customer
from ..base import Reads
from ..sends import Campaign, CampaignState, Claimed, SendStatus, Settled
from .history import HistoryReader, chunks, read_time, stored_time
from .rows import customer_of

_COUNTED = {SendStatus.SENT: "sent", SendStatus.SKIPPED: "skipped", SendStatus.FAILED: "failed"}


class SqliteSends:
    _reader: HistoryReader

    def connection(self) -> sqlite3.Connection:
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    def campaign(self, slug: str) -> Campaign | None:
        row = self.connection().execute("SELECT * FROM campaigns WHERE slug=?", (slug,)).fetchone()
        return _campaign(row) if row else None

    def campaigns(self) -> list[Campaign]:
        rows = self.connection().execute("SELECT * FROM campaigns ORDER BY created_at, slug")
        return [_campaign(row) for row in rows]

    def move_campaign(
        self,
        slug: str,
        to: CampaignState,
        at: datetime,
        reason: str = "",
        *,
        only_from: Iterable[CampaignState],
    ) -> bool:
        allowed = {state.value for state in only_from}
        with self._write() as db:
            row = db.execute("SELECT state FROM campaigns WHERE slug=?", (slug,)).fetchone()
            current = row[0] if row else CampaignState.DRAFT.value
            if current not in allowed:
                return False
            finished = (
                stored_time(at) if to in (CampaignState.FINISHED, CampaignState.CANCELLED) else None
            )
            db.execute(
                "INSERT INTO campaigns (slug, state, reason, created_at, finished_at)"
                " VALUES (?,?,?,?,?) ON CONFLICT(slug) DO UPDATE SET state=excluded.state,"
                " reason=excluded.reason, finished_at=excluded.finished_at",
                (slug, to.value, reason, stored_time(at), finished),
            )
        return True

    def add_sends(self, slug: str, people: list[tuple[str, str]], *, held_out: bool = False) -> int:
        status = (SendStatus.HELD_OUT if held_out else SendStatus.PENDING).value
        with self._write() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO sends (campaign, customer_id, locale, status)"
                " VALUES (?,?,?,?)",
                [(slug, customer_id, locale, status) for customer_id, locale in people],
            )
            return db.total_changes - before

    def start_sending(self, slug: str, at: datetime) -> Campaign:
        with self._write() as db:
            audience, held_out = db.execute(
                "SELECT COUNT(*) FILTER (WHERE status != 'held_out'),"
                " COUNT(*) FILTER (WHERE status = 'held_out') FROM sends WHERE campaign=?",
                (slug,),
            ).fetchone()
            db.execute(
                "UPDATE campaigns SET state='sending', reason='', audience=?, held_out=?,"
                " started_at=COALESCE(started_at, ?)"
                " WHERE slug=? AND state IN ('draft', 'scheduled')",
                (audience, held_out, stored_time(at), slug),
            )
            # An empty audience is finished as soon as it starts.
            db.execute(
                "UPDATE campaigns SET state='finished', finished_at=? WHERE slug=?"
                " AND state='sending' AND sent + skipped + failed >= audience",
                (stored_time(at), slug),
            )
        found = self.campaign(slug)
        assert found is not None
        return found

    def claim_sends(
        self, slug: str, owner: str, size: int, now: float, lease_until: float
    ) -> list[Claimed]:
        with self._write() as db:
            rows = db.execute(
                "UPDATE sends SET status='claimed', lease_owner=?, lease_until=?,"
                " attempts=attempts+1 WHERE campaign=? AND customer_id IN ("
                " SELECT customer_id FROM sends WHERE campaign=?"
                " AND status IN ('pending', 'claimed') AND lease_until < ? LIMIT ?)"
                " RETURNING customer_id, locale, attempts",
                (owner, lease_until, slug, slug, now, size),
            ).fetchall()
        return [Claimed(row[0], row[1], row[2]) for row in rows]

    def consent_status(self, customer_id: str) -> ConsentStatus | None:
        # As `current_status`: suppression is final; else the latest word,
        # and of two at one moment the later recorded.
        row = (
            self.connection()
            .execute(
                "SELECT status FROM consents WHERE customer_id=?"
                " ORDER BY status = 'suppressed' DESC, at DESC, id DESC LIMIT 1",
                (customer_id,),
            )
            .fetchone()
        )
        return ConsentStatus(row[0]) if row else None

    def sending_to(self, customer_ids: list[str]) -> dict[str, tuple[Customer, History]]:

        db = self.connection()
        found: dict[str, Customer] = {}
        for chunk in chunks(customer_ids):
            marks = ",".join("?" * len(chunk))
            for row in db.execute(f"SELECT * FROM customers WHERE customer_id IN ({marks})", chunk):
                found[row["customer_id"]] = customer_of(row)
        histories = self._reader.histories(db, list(found), Reads.EVERYTHING)
        return {c: (found[c], histories[c]) for c in found if c in histories}

    def settle_sends(self, slug: str, owner: str, settled: list[Settled]) -> Campaign:
        counts: Counter[str] = Counter()
        with self._write() as db:
            for outcome in settled:
                released = outcome.status is SendStatus.PENDING
                changed = db.execute(
                    "UPDATE sends SET status=?, reason=?, message_id=COALESCE(?, message_id),"
                    " provider_id=COALESCE(?, provider_id), sent_at=?, lease_owner=?,"
                    " lease_until=0 WHERE campaign=? AND customer_id=? AND status='claimed'"
                    " AND lease_owner=?",
                    (
                        outcome.status.value,
                        outcome.reason,
                        outcome.message_id,
                        outcome.provider_id,
                        stored_time(outcome.at),
                        None if released else owner,
                        slug,
                        outcome.customer_id,
                        owner,
                    ),
                ).rowcount
                if changed and outcome.status in _COUNTED:
                    counts[_COUNTED[outcome.status]] += 1
            if counts:
                db.execute(
                    "UPDATE campaigns SET sent=sent+?, skipped=skipped+?, failed=failed+?"
                    " WHERE slug=?",
                    (counts["sent"], counts["skipped"], counts["failed"], slug),
                )
            db.execute(
                "UPDATE campaigns SET state='finished', finished_at=? WHERE slug=?"
                " AND state='sending' AND sent + skipped + failed >= audience",
                (stored_time(max((o.at for o in settled if o.at), default=None)), slug),
            )
        found = self.campaign(slug)
        assert found is not None
        return found

    def claims_outstanding(self, slug: str) -> float | None:
        row = (
            self.connection()
            .execute(
                "SELECT MAX(lease_until) FROM sends WHERE campaign=?"
                " AND status IN ('pending', 'claimed')",
                (slug,),
            )
            .fetchone()
        )
        return float(row[0]) if row[0] is not None else None

    def reserve_pace(self, key: str, count: int, spacing: float, now: float) -> float:
        with self._write() as db:
            row = db.execute(
                "INSERT INTO pace (key, next_at) VALUES (?1, ?2 + ?3)"
                " ON CONFLICT(key) DO UPDATE SET next_at = MAX(next_at, ?2) + ?3"
                " RETURNING next_at",
                (key, now, count * spacing),
            ).fetchone()
        return float(row[0]) - count * spacing

    def campaign_of_message(self, message_id: str) -> str | None:
        row = (
            self.connection()
            .execute(
                "SELECT campaign FROM sends WHERE message_id=?1 UNION ALL"
                " SELECT campaign FROM sends WHERE provider_id=?1 LIMIT 1",
                (message_id,),
            )
            .fetchone()
        )
        return str(row[0]) if row else None

    def count_mail_event(self, message_id: str, bounce: bool) -> str | None:
        slug = self.campaign_of_message(message_id) if message_id else None
        if slug is not None:
            column = "bounced" if bounce else "complained"
            with self._write() as db:
                db.execute(f"UPDATE campaigns SET {column}={column}+1 WHERE slug=?", (slug,))
        return slug

    def keep_web_version(self, slug: str, locale: str, subject: str, html: str) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO web_versions (campaign, locale, subject, html)"
                " VALUES (?,?,?,?)",
                (slug, locale, subject, html),
            )

    def web_version(self, slug: str, locale: str) -> tuple[str, str] | None:
        row = (
            self.connection()
            .execute(
                "SELECT subject, html FROM web_versions WHERE campaign=? AND locale=?",
                (slug, locale),
            )
            .fetchone()
        )
        return (row[0], row[1]) if row else None


def _campaign(row: sqlite3.Row) -> Campaign:
    return Campaign(
        slug=row["slug"],
        state=CampaignState(row["state"]),
        reason=row["reason"],
        audience=row["audience"],
        held_out=row["held_out"],
        sent=row["sent"],
        skipped=row["skipped"],
        failed=row["failed"],
        bounced=row["bounced"],
        complained=row["complained"],
        created_at=read_time(row["created_at"]),
        started_at=read_time(row["started_at"]),
        finished_at=read_time(row["finished_at"]),
    )
