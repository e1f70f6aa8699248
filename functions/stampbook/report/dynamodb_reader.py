"""The report's facts from the DynamoDB table: one parallel Scan, then the SQLite reader.

The table is read once with a parallel Scan (`SEGMENTS` segments, each
paginated, eventually consistent: a report may miss a purchase of the last
second, as it would on SQLite a second earlier). Each item the report uses
is decoded by the store's own decoders and written, in the SQLite store's
own row format, into a temporary customer file made with the store's own
schema, whose triggers keep its day totals as the rows arrive; `SqliteReport`
then reads that file with the same SQL as a local one. So the two stores give the same
report by construction, and a figure defined once is computed once. The
scratch file is in the temporary folder (Lambda's /tmp: a year of 100 000
purchases is some tens of MB) and deleted when the report is closed.

A Scan reads every item and costs its size: half a read unit per 4 KB,
eventually consistent (an order of a few hundred bytes). What it skips
(claims, limits, finished requests, owed emails, keys) it still pays for.

One difference remains from SQLite: a provider's report about an address no
customer has is kept on SQLite but only claimed on DynamoDB (nothing else is
stored for nobody), so such events count on SQLite alone.
"""

from __future__ import annotations

import queue
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..store.dynamodb.automations import automation_send_from
from ..store.dynamodb.items import (
    Read,
    certificate_from,
    consent_from,
    customer_from,
    entry_from,
    feedback_from,
    mail_event_from,
    maybe,
    maybe_moment,
    order_from,
    refund_from,
    site_feedback_from,
    text,
)
from ..store.dynamodb.sends import CAMPAIGN, SEND, campaign_from
from ..store.dynamodb.store import DynamoStore
from ..store.dynamodb.table import (
    AUTOMATION,
    CERTIFICATE,
    CONSENT,
    ENTRY,
    FEEDBACK,
    MAIL_EVENT,
    ORDER,
    PROFILE,
    REFUND,
)
from ..store.sqlite import SqliteStore
from ..store.sqlite.automations import record_time
from ..store.sqlite.history import stored_time
from ..store.sqlite.rows import (
    INSERT_CONSENT,
    INSERTS,
    certificate_row,
    consent_row,
    customer_row,
    feedback_row,
    ledger_row,
    mail_event_row,
    order_row,
    refund_row,
    site_feedback_row,
)
from .facts import Contact, Facts, Period
from .holdout_reader import HOLDOUT_DAYS
from .sqlite_reader import SqliteReport

SEGMENTS = 4  # DynamoDB Local and a small table gain little from more
PAGES_WAITING = 8  # pages decoded ahead of the writer, per segment at most

_CUSTOMER = "CUSTOMER#"
_SITE_FEEDBACK = "SITEFEEDBACK#"
_INSERT = {
    "customers": "INSERT OR IGNORE INTO customers (customer_id, email, created_at, name, locale,"
    " birthday, birthday_set_at, interests, habits, referral_code, referred_by, source, tier,"
    " invited_by) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "consents": INSERT_CONSENT,
    "ledger": INSERTS["ledger"],
    "orders": INSERTS["orders"],
    "refunds": INSERTS["refunds"],
    "certificates": INSERTS["certificates"],
    "feedback": "INSERT OR IGNORE INTO feedback (feedback_id, customer_id, reason, at, text,"
    " order_id) VALUES (?,?,?,?,?,?)",
    "site_feedback": "INSERT OR IGNORE INTO site_feedback (feedback_id, reason, at, text,"
    " order_ref, reply_to) VALUES (?,?,?,?,?,?)",
    "mail_events": "INSERT OR IGNORE INTO mail_events (event_id, kind, email, at, message_id,"
    " detail, customer_id) VALUES (?,?,?,?,?,?,?)",
    "automation_sends": "INSERT OR IGNORE INTO automation_sends (customer_id, automation,"
    " occasion, status, claimed_until, at) VALUES (?,?,?,?,?,?)",
    "campaigns": "INSERT OR IGNORE INTO campaigns (slug, state, reason, audience, sent, skipped,"
    " failed, bounced, complained, created_at, started_at, finished_at, held_out)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "sends": "INSERT OR IGNORE INTO sends (campaign, customer_id, locale, status, reason,"
    " message_id, provider_id, sent_at) VALUES (?,?,?,?,?,?,?,?)",
}

Rows = dict[str, list[tuple[Any, ...]]]


@dataclass
class ScanCount:
    """What reading the table took: requests (pages) and read units, over all segments."""

    segments: int = SEGMENTS
    pages: int = 0
    items: int = 0
    read_units: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, items: int, units: float) -> None:
        with self._lock:
            self.pages += 1
            self.items += items
            self.read_units += units


class DynamoReport:
    """`SqliteReport` over a copy of the table made for this report, deleted on close."""

    def __init__(self, store: DynamoStore, segments: int = SEGMENTS) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="stampbook-report-")
        path = Path(self._folder.name) / "report.db"
        SqliteStore(path).close()  # the store's own schema, empty
        try:
            self.scanned = copy_table(store, path, segments)
            self._sqlite = SqliteReport(path)
        except BaseException:
            self._folder.cleanup()
            raise

    def facts(
        self,
        period: Period,
        currency: str,
        free_shipping_over: Decimal | None,
        holdout_days: int = HOLDOUT_DAYS,
    ) -> Facts:
        return self._sqlite.facts(period, currency, free_shipping_over, holdout_days)

    def contacts(self, customer_ids: Iterable[str]) -> dict[str, Contact]:
        return self._sqlite.contacts(customer_ids)

    def close(self) -> None:
        self._sqlite.close()
        self._folder.cleanup()


def copy_table(store: DynamoStore, path: Path, segments: int = SEGMENTS) -> ScanCount:
    """Scan `store`'s table in `segments` threads into the customer file at `path`.

    The segments decode their pages into rows; this thread alone writes them,
    in one transaction, as they come. Consent records are written last, in
    their order in each customer's partition: a customer's latest word is
    the last one written.
    """
    count = ScanCount(segments)
    pages: queue.Queue[Rows | BaseException | None] = queue.Queue(segments * PAGES_WAITING)
    threads = [
        threading.Thread(
            target=_scan_segment, args=(store, segment, segments, pages, count), daemon=True
        )
        for segment in range(segments)
    ]
    for thread in threads:
        thread.start()
    consents: list[tuple[str, str, tuple[Any, ...]]] = []
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA synchronous=OFF")  # a scratch copy: rebuilt if lost
        db.execute("BEGIN")
        finished = 0
        while finished < segments:
            got = pages.get()
            if got is None:
                finished += 1
                continue
            if isinstance(got, BaseException):
                raise got
            for table, rows in got.items():
                if table == "consents":
                    consents.extend((row[0], row[-1], row[:-1]) for row in rows)
                elif rows:
                    db.executemany(_INSERT[table], rows)
        consents.sort(key=lambda consent: consent[:2])
        db.executemany(_INSERT["consents"], (row for _, _, row in consents))
        db.execute("COMMIT")
    finally:
        db.close()
        for thread in threads:
            thread.join()
    return count


def _scan_segment(
    store: DynamoStore,
    segment: int,
    segments: int,
    pages: queue.Queue[Rows | BaseException | None],
    count: ScanCount,
) -> None:
    try:
        arguments: dict[str, Any] = {
            "TableName": store.table,
            "Segment": segment,
            "TotalSegments": segments,
            "ReturnConsumedCapacity": "TOTAL",
        }
        while True:
            page = store.client.scan(**arguments)
            items = page.get("Items", [])
            count.add(len(items), float(page.get("ConsumedCapacity", {}).get("CapacityUnits", 0)))
            pages.put(_rows(items))
            if "LastEvaluatedKey" not in page:
                break
            arguments["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        pages.put(None)
    except BaseException as failed:  # handed to the writer, which stops the report
        pages.put(failed)


def _rows(items: Sequence[Read]) -> Rows:
    rows: Rows = {table: [] for table in _INSERT}
    for item in items:
        pk, sk = text(item, "pk"), text(item, "sk")
        if pk.startswith(_CUSTOMER):
            _customer_item(pk.removeprefix(_CUSTOMER), sk, item, rows)
        elif pk.startswith(_SITE_FEEDBACK):
            rows["site_feedback"].append(site_feedback_row(site_feedback_from(item)))
        elif pk.startswith(f"{CAMPAIGN}#"):
            _campaign_item(sk, item, rows)
    return rows


def _customer_item(customer_id: str, sk: str, item: Read, rows: Rows) -> None:
    for start, (table, row) in _BY_SORT_KEY.items():
        if sk.startswith(start):
            rows[table].append(row(customer_id, item))
            return


def _campaign_item(sk: str, item: Read, rows: Rows) -> None:
    if sk == CAMPAIGN:
        c = campaign_from(item)
        rows["campaigns"].append(
            (
                c.slug,
                c.state.value,
                c.reason,
                c.audience,
                c.sent,
                c.skipped,
                c.failed,
                c.bounced,
                c.complained,
                stored_time(c.created_at) or "",
                stored_time(c.started_at),
                stored_time(c.finished_at),
                c.held_out,
            )
        )
    elif sk.startswith(SEND):
        slug = text(item, "pk").removeprefix(f"{CAMPAIGN}#").partition("#")[0]
        rows["sends"].append(
            (
                slug,
                text(item, "customer_id"),
                text(item, "locale"),
                text(item, "status"),
                maybe(item, "reason") or "",
                maybe(item, "message_id"),
                maybe(item, "provider_id"),
                stored_time(maybe_moment(item, "sent_at")),
            )
        )


def _automation_send(customer_id: str, item: Read) -> tuple[Any, ...]:
    sent = automation_send_from(item)
    return (
        customer_id,
        sent.key.automation.value,
        sent.key.occasion,
        sent.status.value,
        sent.claimed_until,
        record_time(sent.at) if sent.at else None,
    )


def _consent(customer_id: str, item: Read) -> tuple[Any, ...]:
    # The sort key last: the order of a customer's records (see `copy_table`).
    return (*consent_row(customer_id, consent_from(item)), text(item, "sk"))


_BY_SORT_KEY: dict[str, tuple[str, Callable[[str, Read], tuple[Any, ...]]]] = {
    PROFILE: ("customers", lambda _, item: customer_row(customer_from(item))),
    ENTRY: ("ledger", lambda customer_id, item: ledger_row(customer_id, entry_from(item))),
    ORDER: ("orders", lambda customer_id, item: order_row(customer_id, order_from(item))),
    REFUND: ("refunds", lambda customer_id, item: refund_row(customer_id, refund_from(item))),
    CERTIFICATE: (
        "certificates",
        lambda customer_id, item: certificate_row(customer_id, certificate_from(item)),
    ),
    CONSENT: ("consents", _consent),
    FEEDBACK: ("feedback", lambda _, item: feedback_row(feedback_from(item))),
    MAIL_EVENT: ("mail_events", lambda _, item: mail_event_row(mail_event_from(item))),
    AUTOMATION: ("automation_sends", _automation_send),
}
