"""The holdout facts from a Stampbook SQLite file: who got an email, who was held out of it,
and what each of them did in the days after.

An email counts in the period its days after end in, so each one is
measured once, by the first report whose period has seen all of it, and a
month's report never waits on purchases that have not happened yet. An
email whose days after are not over by the period's end is listed as still
measuring. A newsletter issue's days after start when its send started, for
both groups; an automatic email's, when it went (or was held out) to each
person.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ..store.sqlite.automations import TIME_FORMAT, record_time
from ..store.sqlite.history import stored_time
from .facts import HoldoutGroup, Measuring, Period, PersonAfter

NEWSLETTER = "newsletter"
HOLDOUT_DAYS = 14  # the owner's `report.holdout_days` unless they chose


@dataclass
class _Group:
    kind: str
    name: str
    month: str
    # (customer, start of the days after, their end): those who got it, those held out.
    people: dict[bool, list[tuple[str, str, str]]] = field(
        default_factory=lambda: {False: [], True: []}
    )


@dataclass
class _Running:
    until: datetime
    people: dict[bool, int] = field(default_factory=lambda: {False: 0, True: 0})


def holdout_facts(
    db: sqlite3.Connection, period: Period, days: int, goods_sql: str
) -> tuple[list[HoldoutGroup], list[Measuring]]:
    """Emails with a holdout whose days after ended in `period`, and those still running.

    `goods_sql`: the SQL for an order `o`'s goods in units, as the rest of the report reads
    them."""
    after = timedelta(days=days)
    groups: dict[tuple[str, str, str], _Group] = {}
    running: dict[tuple[str, str], _Running] = {}

    def place(kind: str, name: str, customer_id: str, at: datetime, held: bool) -> None:
        ends = at + after
        if period.start is not None and ends < period.start:
            return
        if ends >= period.end:
            still = running.setdefault((kind, name), _Running(ends))
            still.people[held] += 1
            still.until = max(still.until, ends)
            return
        month = at.strftime("%Y-%m")
        group = groups.setdefault((kind, name, month), _Group(kind, name, month))
        group.people[held].append((customer_id, stored_time(at) or "", stored_time(ends) or ""))

    for customer_id, slug, status, started in db.execute(
        "SELECT s.customer_id, c.slug, s.status, c.started_at FROM campaigns c"
        " JOIN sends s ON s.campaign = c.slug AND s.status IN ('sent', 'held_out')"
        " WHERE c.held_out > 0 AND c.started_at IS NOT NULL AND c.started_at < ?",
        (stored_time(period.end),),
    ):
        place(NEWSLETTER, slug, customer_id, datetime.fromisoformat(started), status == "held_out")
    earliest = record_time(period.start - after) if period.start is not None else ""
    for customer_id, automation, status, at in db.execute(
        "SELECT customer_id, automation, status, at FROM automation_sends"
        " WHERE status IN ('sent', 'held_out') AND at >= ? AND at < ? AND automation IN"
        " (SELECT DISTINCT automation FROM automation_sends WHERE status = 'held_out')",
        (earliest, record_time(period.end)),
    ):
        moment = datetime.strptime(at, TIME_FORMAT).replace(tzinfo=UTC)
        place(automation, automation, customer_id, moment, status == "held_out")

    found = [
        HoldoutGroup(
            g.kind, g.name, g.month, *_afterwards(db, goods_sql, g.people[False], g.people[True])
        )
        for g in groups.values()
    ]
    still = [
        Measuring(kind, name, r.people[False], r.people[True], r.until)
        for (kind, name), r in running.items()
    ]
    return found, still


def _afterwards(
    db: sqlite3.Connection, goods_sql: str, *sides: list[tuple[str, str, str]]
) -> tuple[list[PersonAfter], list[PersonAfter]]:
    """What each person did between their start and end: orders, goods, points spent and
    earned, read with the customer indexes of orders and ledger."""
    db.execute(
        "CREATE TEMP TABLE IF NOT EXISTS holdout_people (id INTEGER PRIMARY KEY, side INTEGER,"
        " customer_id TEXT, start TEXT, stop TEXT)"
    )
    db.execute("DELETE FROM temp.holdout_people")
    db.executemany(
        "INSERT INTO temp.holdout_people (side, customer_id, start, stop) VALUES (?,?,?,?)",
        [(side, *person) for side, people in enumerate(sides) for person in people],
    )
    bought: dict[int, tuple[int, int]] = {
        person: (orders, int(goods))
        for person, orders, goods in db.execute(
            f"SELECT p.id, COUNT(o.order_id), TOTAL({goods_sql}) FROM temp.holdout_people p"
            " JOIN orders o ON o.customer_id = p.customer_id"
            " AND o.placed_at >= p.start AND o.placed_at < p.stop GROUP BY p.id"
        )
    }
    spent: dict[int, int] = dict(
        db.execute(
            "SELECT p.id, -TOTAL(l.points) FROM temp.holdout_people p"
            " JOIN ledger l ON l.customer_id = p.customer_id AND l.kind = 'redeem'"
            " AND l.at >= p.start AND l.at < p.stop GROUP BY p.id"
        )
    )
    # Earned on the orders placed in the days after (an imported order's points are
    # entered when it is imported, so the entry's own time would not do).
    earned: dict[int, int] = dict(
        db.execute(
            "SELECT p.id, TOTAL(l.points) FROM temp.holdout_people p"
            " JOIN ledger l ON l.customer_id = p.customer_id AND l.kind = 'earn'"
            " JOIN orders o ON o.order_id = l.order_id"
            " AND o.placed_at >= p.start AND o.placed_at < p.stop GROUP BY p.id"
        )
    )
    split: dict[int, list[PersonAfter]] = defaultdict(list)
    for person, side in db.execute("SELECT id, side FROM temp.holdout_people ORDER BY id"):
        orders, goods = bought.get(person, (0, 0))
        split[side].append(
            PersonAfter(orders, goods, int(spent.get(person, 0)), int(earned.get(person, 0)))
        )
    return split[0], split[1]
