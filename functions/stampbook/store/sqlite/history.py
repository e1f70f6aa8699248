"""Loading customers' histories from SQLite, for the engine to decide on.

This runs inside the write lock for every purchase, so it is kept cheap:
columns are named and read as plain tuples (no `sqlite3.Row`), and an
order, which is never changed once written, is decoded once per process
and then found again by its row's exact content.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar

from ...loyalty.history import Certificate, History
from ...loyalty.ledger import Entry, EntryKind
from ...loyalty.orders import Order, OrderLine, Refund
from ...loyalty.tier_spend import TierSpend
from ..base import Reads

_ENTRIES = (
    "SELECT customer_id, kind, points, at, available_at, idempotency_key, rules_version,"
    " order_id, amount, currency, reward_id, certificate_id, reason, multiplier"
    " FROM ledger WHERE customer_id IN ({}) ORDER BY seq"
)
# Within the customer's primary key: the keys from `referral:` up to (not) `referral;`.
_REFERRAL_ENTRIES = (
    "SELECT customer_id, kind, points, at, available_at, idempotency_key, rules_version,"
    " order_id, amount, currency, reward_id, certificate_id, reason, multiplier"
    " FROM ledger WHERE customer_id = ? AND idempotency_key >= 'referral:'"
    " AND idempotency_key < 'referral;' ORDER BY seq"
)
# By placed_at, then order id: the order the engine sees them in on every store.
_ORDERS = (
    "SELECT customer_id, order_id, placed_at, currency, shipping, tax, lines"
    " FROM orders WHERE customer_id IN ({}) ORDER BY placed_at, order_id"
)
_REFUNDS = (
    "SELECT customer_id, refund_id, order_id, refunded_at, lines, tax"
    " FROM refunds WHERE customer_id IN ({}) ORDER BY refunded_at, refund_id"
)
_CERTIFICATES = (
    "SELECT customer_id, certificate_id, code, rule_id, value, currency, issued_at, expires_at,"
    " consumed, redeemed_at, settled FROM certificates WHERE customer_id IN ({})"
    " ORDER BY issued_at, certificate_id"
)
_CUSTOMERS = (
    "SELECT customer_id, tier, birthday, birthday_set_at, referred_by"
    " FROM customers WHERE customer_id IN ({})"
)
_CUSTOMERS_AND_TALLIES = (
    "SELECT c.customer_id, c.tier, c.birthday, c.birthday_set_at, c.referred_by,"
    " t.rules_version, t.since, t.total, t.leaving, t.rest_from, t.latest"
    " FROM customers AS c LEFT JOIN tier_spend AS t USING (customer_id)"
    " WHERE c.customer_id IN ({})"
)

# Enough for every order of a busy shop's regulars; past it the memo starts afresh.
_MEMO_LIMIT = 200_000
# One tally per customer who bought lately (a tally is a few hundred bytes).
_TALLY_LIMIT = 20_000
K = TypeVar("K")
V = TypeVar("V")


class HistoryReader:
    """Histories of many customers, up to five queries per 500 of them."""

    def __init__(self) -> None:
        # Row content -> decoded order. Rows of `orders` are only ever inserted,
        # so a row read again decodes to an equal order; keying by the whole
        # row (not the order id) keeps that true even after a rolled-back write.
        self._orders: dict[tuple[Any, ...], Order] = {}
        # Tally columns -> tally: a purchase reads the very row the customer's
        # last purchase wrote, so it is not decoded again (by exact content,
        # like the orders).
        self._tallies: dict[tuple[Any, ...], TierSpend] = {}

    def histories(
        self, db: sqlite3.Connection, customer_ids: list[str], reads: Reads
    ) -> dict[str, History]:
        """Parts the decision does not read are left empty."""
        histories: dict[str, History] = {}
        cursor = db.cursor()
        cursor.row_factory = None  # tuples: several times cheaper than sqlite3.Row
        with_tallies = Reads.TIER_SPEND in reads
        for chunk in chunks(customer_ids):
            people = cursor.execute(
                (_CUSTOMERS_AND_TALLIES if with_tallies else _CUSTOMERS).format(
                    ",".join("?" * len(chunk))
                ),
                chunk,
            ).fetchall()
            tallies = {row[0]: self._tally(row[5:]) for row in people if with_tallies and row[5]}
            # A tally stands in for the orders: they are read only where it is missing.
            wanted = chunk if Reads.ORDERS in reads else []
            if with_tallies and not wanted:
                wanted = [cid for cid in chunk if cid not in tallies]
            entries = _grouped(cursor, _ENTRIES, chunk if Reads.ENTRIES in reads else [])
            orders = _grouped(cursor, _ORDERS, wanted)
            refunds = _grouped(cursor, _REFUNDS, wanted)
            certificates = _grouped(
                cursor, _CERTIFICATES, chunk if Reads.CERTIFICATES in reads else []
            )
            for cid, tier, birthday, birthday_set_at, referred_by, *_ in people:
                histories[cid] = History(
                    cid,
                    entries=tuple(map(_entry, entries.get(cid, ()))),
                    orders=tuple(map(self._order, orders.get(cid, ()))),
                    refunds=tuple(map(_refund, refunds.get(cid, ()))),
                    certificates=tuple(map(certificate_of, certificates.get(cid, ()))),
                    tier=tier,
                    birthday=date.fromisoformat(birthday) if birthday else None,
                    birthday_known_since=read_time(birthday_set_at),
                    referred_by=referred_by,
                    tier_spend=tallies.get(cid),
                )
        return histories

    def tally_row(self, tally: TierSpend) -> tuple[Any, ...]:
        """The `tier_spend` columns after the customer id, as `_tally` reads them back."""
        leaving = ",".join(f'["{stored_time(at)}","{spend}"]' for at, spend in tally.leaving)
        row = (
            tally.rules_version,
            stored_time(tally.since),
            str(tally.total),
            f"[{leaving}]",
            stored_time(tally.rest_from),
            stored_time(tally.latest),
        )
        _remember(self._tallies, row, tally, _TALLY_LIMIT)
        return row

    def _tally(self, row: tuple[Any, ...]) -> TierSpend:
        tally = self._tallies.get(row)
        if tally is None:
            tally = _tier_spend(row)
            _remember(self._tallies, row, tally, _TALLY_LIMIT)
        return tally

    def _order(self, row: tuple[Any, ...]) -> Order:
        order = self._orders.get(row)
        if order is None:
            order = _order(row)
            _remember(self._orders, row, order, _MEMO_LIMIT)
        return order


def _remember(memo: dict[K, V], key: K, value: V, limit: int) -> None:
    """Keep `value` under `key`; a memo grown to `limit` starts afresh."""
    if len(memo) >= limit:
        memo.clear()
    memo[key] = value


def _grouped(cursor: sqlite3.Cursor, sql: str, customer_ids: list[str]) -> dict[str, list[Any]]:
    """The rows of `sql` for these customers, by customer id (the first column)."""
    grouped: dict[str, list[Any]] = {}
    if customer_ids:
        for row in cursor.execute(sql.format(",".join("?" * len(customer_ids))), customer_ids):
            grouped.setdefault(row[0], []).append(row)
    return grouped


def _tier_spend(row: tuple[Any, ...]) -> TierSpend:
    rules_version, since, total, leaving, rest_from, latest = row
    return TierSpend(
        rules_version,
        datetime.fromisoformat(since),
        Decimal(total),
        tuple((datetime.fromisoformat(at), Decimal(spend)) for at, spend in json.loads(leaving)),
        read_time(rest_from),
        read_time(latest),
    )


def chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def read_time(value: str | None) -> datetime | None:
    """A time as the store writes it (`stored_time`), or None."""
    return datetime.fromisoformat(value) if value else None


def stored_time(value: datetime | None) -> str | None:
    """A time as the store writes it: UTC, ISO 8601, so text order is time order."""
    return _utc_text(value) if value else None


# An import writes the same few moments (its batch's time, the orders' times)
# on thousands of rows.
@lru_cache(maxsize=1024)
def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def referral_entries(db: sqlite3.Connection, customer_id: str) -> tuple[Entry, ...]:
    cursor = db.cursor()
    cursor.row_factory = None
    return tuple(map(_entry, cursor.execute(_REFERRAL_ENTRIES, (customer_id,))))


def _decimal(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _entry(row: tuple[Any, ...]) -> Entry:
    (_, kind, points, at, available_at, key, version, order_id, amount, currency, reward_id,
     certificate_id, reason, multiplier) = row  # fmt: skip
    return Entry(
        EntryKind(kind),
        points,
        datetime.fromisoformat(at),
        datetime.fromisoformat(available_at),
        key,
        version,
        order_id,
        _decimal(amount),
        currency,
        reward_id,
        certificate_id,
        reason,
        _decimal(multiplier),
    )


def _order(row: tuple[Any, ...]) -> Order:
    _, order_id, placed_at, currency, shipping, tax, lines = row
    return Order(
        order_id,
        datetime.fromisoformat(placed_at),
        currency,
        tuple(OrderLine(i, c, Decimal(a)) for i, c, a in json.loads(lines)),
        Decimal(shipping),
        Decimal(tax),
    )


def _refund(row: tuple[Any, ...]) -> Refund:
    _, refund_id, order_id, refunded_at, lines, tax = row
    return Refund(
        refund_id,
        order_id,
        datetime.fromisoformat(refunded_at),
        {k: Decimal(v) for k, v in json.loads(lines).items()},
        Decimal(tax),
    )


def certificate_of(row: tuple[Any, ...]) -> Certificate:
    (_, certificate_id, code, rule_id, value, currency, issued_at, expires_at, consumed,
     redeemed_at, settled) = row  # fmt: skip
    return Certificate(
        certificate_id,
        code,
        rule_id,
        Decimal(value),
        currency,
        datetime.fromisoformat(issued_at),
        datetime.fromisoformat(expires_at),
        tuple((o, Decimal(a)) for o, a in json.loads(consumed)),
        read_time(redeemed_at),
        Decimal(settled),
    )
