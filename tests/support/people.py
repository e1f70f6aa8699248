"""A customer file for sending tests: many confirmed subscribers on a real SQLite file.

Consent rows are written in one transaction (a test with 5 000 people would
otherwise spend its time syncing one commit per person).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.bootstrap import App, build
from stampbook.config import MailSettings, Settings
from stampbook.records.customers import Customer
from stampbook.store.base import Store
from stampbook.store.sqlite import SqliteStore
from tests.support.paths import EXAMPLE as EXAMPLE  # and importable from here, as before

ISSUE = "2026-12-winter-lots"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
JOINED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def address(n: int) -> str:
    return f"reader{n:05}@example.com"


def settings(folder: Path, transport: str = "outbox") -> Settings:
    mail = MailSettings(
        transport=transport,
        outbox=folder / "outbox",
        signing_keys="k1:" + "s" * 43,
        key_file=folder / "keys",
    )
    return Settings(campaigns=EXAMPLE, database=folder / "stampbook.db", mail=mail, now=NOW)


def customer_file(folder: Path, count: int, transport: str = "outbox") -> App:
    """An app whose store holds `count` confirmed subscribers, every fifth one in English."""
    app = build(settings(folder, transport))
    people = [
        Customer(
            f"c{n:05}",
            address(n),
            JOINED,
            name=f"Reader {n}",
            locale="en" if n % 5 == 0 else "ru",
        )
        for n in range(count)
    ]
    app.store.add_customers(people)
    confirm(folder / "stampbook.db", [p.customer_id for p in people])
    return app


def confirm(database: Path, customer_ids: list[str], status: str = "confirmed") -> None:
    SqliteStore(database).close()  # the schema is there
    with sqlite3.connect(database) as db:
        db.executemany(
            "INSERT INTO consents (customer_id, status, at, form, text_version, ip, user_agent)"
            " VALUES (?, ?, ?, 'sign-up', 'v1', '127.0.0.1', 'test')",
            [(c, status, JOINED.isoformat()) for c in customer_ids],
        )


def add_subscribers(store: Store, people: list[Customer], since: datetime = JOINED) -> None:
    """`people` in any store, a thousand to a write, each confirmed since `since`."""
    for first in range(0, len(people), 1000):
        store.add_customers(people[first : first + 1000])
    confirmed = ConsentRecord(ConsentStatus.CONFIRMED, since, "test")
    for person in people:
        store.record_consent(person.customer_id, confirmed)
