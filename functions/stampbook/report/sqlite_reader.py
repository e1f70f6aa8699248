"""Gather the report's facts from the SQLite store, aggregating in SQL.

A million purchases are added up inside SQLite rather than loaded as
objects, each table read once in its own order (by customer), so SQLite
never sorts a million rows: grouping them by month would mean exactly
that, several times slower than the read itself. The months' orders,
goods and points come from the day totals the store keeps beside its
orders and ledger (`order_days`, `ledger_days`, kept by triggers), so a
month is some thirty rows rather than every purchase; only the moments
of a day the period starts or ends within are read one by one. Buyers
come from the store's summary per customer (`customer_orders`, kept by
triggers too): a customer whose orders all fall in the period is one row
of it, months bought in included, and Python finds the buyers, the months
they came in and the cohorts in one loop. Only customers with orders on
both sides of one of the period's ends have their orders read.
Amounts are decimal text; `_units_sql` turns one into exact integer
ten-thousandths with string functions, so no sum ever passes through a
float. Text it cannot read that way (an exponent, a fifth decimal) goes
to Python's Decimal.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from itertools import compress, repeat
from operator import attrgetter, itemgetter, not_, sub
from pathlib import Path

from ..store.sqlite.automations import record_time
from .activity import EMAIL_ACTIONS
from .calendar import last_month
from .facts import (
    SCALE,
    Answer,
    Buyer,
    CertificateFacts,
    Contact,
    Facts,
    MailCounts,
    Month,
    Period,
    PointsFacts,
    to_units,
)
from .held import BEFORE, held_at_month_ends
from .holdout_reader import HOLDOUT_DAYS, holdout_facts
from .visits import Visits

_DIGITS = len(str(SCALE)) - 1


def _units_sql(text: str) -> str:
    """SQL for the exact units of the decimal text in column `text`.

    Digits with at most four decimals (all the store writes) are read as an
    integer with the point removed, scaled by the decimals missing; anything
    else (a sign, an exponent) goes to Python's Decimal.
    """
    t = text
    decimals = f"(CASE instr({t}, '.') WHEN 0 THEN 0 ELSE length({t}) - instr({t}, '.') END)"
    scale = " ".join(f"WHEN {n} THEN {10 ** (_DIGITS - n)}" for n in range(_DIGITS + 1))
    return (
        f"(CASE WHEN {t} GLOB '*[^0-9.]*' OR {decimals} > {_DIGITS} THEN units({t})"
        f" ELSE CAST(replace({t}, '.', '') AS INTEGER) * (CASE {decimals} {scale} END) END)"
    )


_ORDER_FIGURES = ("orders", "revenue", "repeat_revenue")
# A buyer, a contact from a tuple of its fields, made in C (`_make` without its
# length check, the tuples being the reader's own): a report makes some 100 000.
_BUYER = partial(tuple.__new__, Buyer)
_CONTACT = partial(tuple.__new__, Contact)
_MONTH = itemgetter(slice(7))  # of a time as the store writes it
# Ledger kinds whose entries the owner sees counted as loyalty actions.
_BONUSES = ("birthday", "referral")

# An order's lines are stored as JSON [[line id, category, amount], ...]; the
# amount is read once into `a` so the string functions do not parse it again.
_ORDER_GOODS = (
    f"(SELECT SUM({_units_sql('a')}) FROM"
    " (SELECT json_extract(j.value, '$[2]') AS a FROM json_each(o.lines) j))"
)
# A customer's orders are all in the period, and the store's summary of them
# (`customer_orders`) adds up every one's goods.
_INSIDE = "(unknown = 0 AND first_at >= :start AND last_at < :end)"
# What the report reads of a customer's summary: their id, orders, goods, first order's
# time and goods, whether it was alone in its month, last order's time, months.
_SUMMARY = (
    "customer_id",
    "orders",
    "goods",
    "first_at",
    "COALESCE(first_goods, 0)",
    "first_month_orders = 1",
    "last_at",
    "months",
)
_Columns = tuple[
    list[str], list[int], list[int], list[str], list[int], list[bool], list[str], list[str]
]
_SEP = "\x1f"  # the ASCII unit separator: in no time or month the store writes
# Kept with the order since the store records it; the lines only for older orders.
# An order without lines has no goods (0, not NULL: every order has its figure).
_GOODS = f"COALESCE(o.goods_units, {_ORDER_GOODS}, 0)"


def _units_py(text: str) -> int:
    return to_units(Decimal(text))


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


# The store's times, read back (bound once: a report parses some 200 000).
_parse = datetime.fromisoformat


class SqliteReport:
    """Read-only queries over a Stampbook SQLite file."""

    def __init__(self, path: Path | str) -> None:
        uri = f"{Path(path).resolve().as_uri()}?mode=ro"
        self.db = sqlite3.connect(uri, uri=True, isolation_level=None)
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.create_function("units", 1, _units_py, deterministic=True)

    def close(self) -> None:
        self.db.close()

    def facts(
        self,
        period: Period,
        currency: str,
        free_shipping_over: Decimal | None,
        holdout_days: int = HOLDOUT_DAYS,
    ) -> Facts:
        start = _time(period.start) if period.start else ""
        end = _time(period.end)
        over = to_units(free_shipping_over) if free_shipping_over is not None else None
        # One read transaction: every figure comes from the same snapshot,
        # even while the tills keep recording purchases.
        self.db.execute("BEGIN")
        try:
            visits = Visits(last_month(period.end))
            edges = _Edges.of(period)
            refunded, refunds = self._refunds(start, end)
            buyers, order_months, shipping = self._orders(start, end, edges, over, visits, refunded)
            points, held = self._points(start, end, edges)
            holdouts, measuring = holdout_facts(self.db, period, holdout_days, _GOODS)
            # Both counts from one read of the customers.
            customers_total, customers_new = self.db.execute(
                "SELECT COUNT(*), COUNT(*) FILTER (WHERE created_at >= ?1) FROM customers"
                " WHERE created_at < ?2",
                (start, end),
            ).fetchone()
            return Facts(
                period=period,
                currency=currency,
                customers_total=customers_total,
                customers_new=customers_new,
                buyers=buyers,
                months=self._months(order_months, refunds, visits, held, start, end),
                answers=self._answers(start, end),
                points=points,
                certificates=self._certificates(start, end),
                free_shipping_orders=shipping[0],
                shipping_charged_over=shipping[1],
                mail=self._mail(start, end),
                cohorts=visits.cohorts(),
                holdouts=holdouts,
                measuring=measuring,
                holdout_days=holdout_days,
            )
        finally:
            self.db.execute("ROLLBACK")

    def contacts(self, customer_ids: Iterable[str]) -> dict[str, Contact]:
        """Email, name and current consent of each customer (suppression is final).

        The ids go in as one JSON list, so a long drift list is one statement,
        and in id order, so SQLite reads the customers' pages one after another
        rather than back and forth.
        """
        rows = self.db.execute(
            "SELECT c.customer_id, c.email, c.name,"
            " CASE WHEN EXISTS (SELECT 1 FROM consents s"
            "  WHERE s.customer_id = c.customer_id AND s.status = 'suppressed') THEN 'suppressed'"
            " ELSE (SELECT s.status FROM consents s WHERE s.customer_id = c.customer_id"
            "  ORDER BY s.at DESC, s.id DESC LIMIT 1) END"
            " FROM json_each(?) j JOIN customers c ON c.customer_id = j.value",
            (json.dumps(sorted(customer_ids)),),
        ).fetchall()
        people = map(_CONTACT, map(itemgetter(slice(1, None)), rows))
        return dict(zip(map(itemgetter(0), rows), people, strict=True))

    # -- the pieces ----------------------------------------------------------

    def _one(self, sql: str, *params: object) -> int:
        return int(self.db.execute(sql, params).fetchone()[0] or 0)

    def _orders(
        self,
        start: str,
        end: str,
        edges: _Edges,
        free_shipping_over: int | None,
        visits: Visits,
        refunded: dict[str, int],
    ) -> tuple[list[Buyer], dict[str, dict[str, int]], tuple[int, int]]:
        """Buyers, months and free shipping, from the store's per-customer summary and the
        day totals.

        A customer whose every order is in the period (and kept with its goods in
        units) is one row of `customer_orders`: their orders, goods, first and last
        order and the months they bought in. Only customers with orders on both sides
        of one of the period's ends have their orders read (`_straddling`). The
        first order ever decides whether an order in the period was a repeat. The
        months' orders and goods are the day totals' (`_order_months`).
        """
        orders_by_month, revenue_by_month = self._order_months(edges)
        first_goods_by_month: defaultdict[str, int] = defaultdict(int)
        columns, straddlers = self._summaries(start, end)
        buyers: list[Buyer] = []
        if columns[0]:
            # Column by column: each customer's first order ever is one of the period's.
            ids, counts, goods, firsts, first_goods, alone, lasts, bought = columns
            first_months = list(map(_MONTH, firsts))
            for month, amount in zip(first_months, first_goods, strict=True):
                first_goods_by_month[month] += amount
            visits.add_first_timers(bought, first_months, alone)
            revenues = list(map(sub, goods, map(refunded.get, ids, repeat(0))))
            buyers = list(
                map(
                    _BUYER,
                    zip(
                        ids, counts, revenues, map(_parse, firsts), map(_parse, lasts), strict=True
                    ),
                )
            )
        if straddlers:  # every buyer in customer order, as from one query
            straddling = self._straddling(
                start, end, straddlers, visits, refunded, first_goods_by_month
            )
            buyers = sorted(buyers + straddling, key=attrgetter("customer_id"))
        months: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_ORDER_FIGURES, 0))
        for month, count in orders_by_month.items():
            if count:
                revenue = revenue_by_month[month]
                repeated = revenue - first_goods_by_month.get(month, 0)
                months[month].update(orders=count, revenue=revenue, repeat_revenue=repeated)
        return buyers, months, self._shipping(start, end, free_shipping_over)

    def _summaries(self, start: str, end: str) -> tuple[_Columns, list[str]]:
        """The summaries (`_SUMMARY`) of the customers whose orders all fall in the period,
        column by column, and the ids of those with orders on both sides of one of its
        ends (or kept without their goods in units).

        SQLite joins each column into one text, which Python splits: Python's sqlite3
        would make an object of every value of every row, a third slower for 90 000
        customers. The separator is in no time or month, and should an id hold it, the
        counts disagree and the rows are read one by one instead.
        """
        joined = ", ".join(f"group_concat({column}, :sep)" for column in _SUMMARY)
        count, inside, *texts = self.db.execute(
            f"SELECT COUNT(*), group_concat(inside, ''), {joined}"
            f" FROM (SELECT *, {_INSIDE} AS inside FROM customer_orders"
            "  WHERE first_at < :end AND last_at >= :start)",
            {"start": start, "end": end, "sep": _SEP},
        ).fetchone()
        split = [text.split(_SEP) if text else [] for text in texts]
        if len(split[0]) != count:
            return self._summary_rows(start, end)
        straddlers: list[str] = []
        if "0" in (inside or ""):  # keep the customers wholly inside, set the others apart
            keep = [flag == "1" for flag in inside]
            straddlers = list(compress(split[0], map(not_, keep)))
            split = [list(compress(column, keep)) for column in split]
        ids, counts, goods, firsts, first_goods, alone, lasts, bought = split
        numbers = [list(map(int, column)) for column in (counts, goods, first_goods)]
        flags = [flag == "1" for flag in alone]
        return (ids, numbers[0], numbers[1], firsts, numbers[2], flags, lasts, bought), straddlers

    def _summary_rows(self, start: str, end: str) -> tuple[_Columns, list[str]]:
        """As `_summaries`, row by row."""
        rows = self.db.execute(
            f"SELECT {', '.join(_SUMMARY)}, {_INSIDE} FROM customer_orders"
            " WHERE first_at < :end AND last_at >= :start",
            {"start": start, "end": end},
        ).fetchall()
        straddlers = [row[0] for row in rows if not row[-1]]
        rows = [row for row in rows if row[-1]]
        ids, counts, goods, firsts, first_goods, alone, lasts, bought = (
            list(map(itemgetter(column), rows)) for column in range(len(_SUMMARY))
        )
        return (ids, counts, goods, firsts, first_goods, alone, lasts, bought), straddlers

    def _straddling(
        self,
        start: str,
        end: str,
        customer_ids: list[str],
        visits: Visits,
        refunded: dict[str, int],
        first_goods_by_month: defaultdict[str, int],
    ) -> list[Buyer]:
        """The buyers `customer_ids` (in id order), not wholly inside the period or with
        orders kept without their goods in units, from their orders: per customer,
        SQLite hands over the times of their orders in the period, their goods, and the
        time and goods of their first order ever, which decides whether an order in the
        period was a repeat (orders before the period still count for that)."""
        buyers = []
        # Without a start every order before the end is the period's: nothing to filter.
        during = " FILTER (WHERE placed_at >= :start)" if start else ""
        parse, month_of, visit = _parse, _MONTH, visits.add
        for row in self.db.execute(
            # MIN is the query's only min() or max(): the bare `goods` is then taken
            # from a row of the least time (ties are looked up below).
            "SELECT customer_id, MIN(placed_at), goods,"
            f" group_concat(placed_at){during}, SUM(goods){during}"
            f" FROM (SELECT o.customer_id, o.placed_at, {_GOODS} AS goods"
            "  FROM orders o WHERE o.placed_at < :end"
            "  AND o.customer_id IN (SELECT value FROM json_each(:ids)))"
            " GROUP BY customer_id",
            {"start": start, "end": end, "ids": json.dumps(customer_ids)},
        ):
            customer_id, first_at, first_goods, times_text, spent = row
            if times_text is None:  # bought only before the period
                continue
            times = times_text.split(",")
            if first_at >= start:
                # The first order ever is then one of the period's; when another order
                # shares its moment, the lower order id decides.
                first = first_at[:7]
                first_goods_by_month[first] += (
                    first_goods
                    if times.count(first_at) == 1
                    else self._first_goods(customer_id, first_at)
                )
                visit(list(map(month_of, times)), first)
                earliest = first_at
            else:
                visit(list(map(month_of, times)), None)
                earliest = min(times)
            buyers.append(
                Buyer(
                    customer_id,
                    len(times),
                    spent - refunded.get(customer_id, 0),
                    parse(earliest),
                    parse(max(times)),
                )
            )
        return buyers

    def _shipping(self, start: str, end: str, free_shipping_over: int | None) -> tuple[int, int]:
        """Orders of the period over the free-shipping threshold charged no shipping, and
        those charged all the same. The shipping text is read only for orders over the
        threshold, and only when it is not plainly 0 and has a digit other than 0:
        without one, an amount is zero however written.

        Every order is read, so each test left out counts: the day totals say whether
        any order lies outside the period, or lacks its goods in units, at all.
        """
        if free_shipping_over is None:
            return 0, 0
        first_day, last_day, unknown = self.db.execute(
            "SELECT MIN(day), MAX(day), SUM(unknown) FROM order_days"
        ).fetchone()
        if first_day is None:  # no orders
            return 0, 0
        tests = [f"{_GOODS if unknown else 'o.goods_units'} >= :over"]
        if last_day >= end[:10]:
            tests.append("o.placed_at < :end")
        if start and first_day <= start[:10]:
            tests.append("o.placed_at >= :start")
        over, charged = self.db.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE shipping != '0'"
            f" AND shipping GLOB '*[1-9]*' AND {_units_sql('shipping')} != 0)"
            f" FROM orders o WHERE {' AND '.join(tests)}",
            {"start": start, "end": end, "over": free_shipping_over},
        ).fetchone()
        return over - charged, charged

    def _order_months(self, edges: _Edges) -> tuple[dict[str, int], dict[str, int]]:
        """Orders and goods per month of the period: the day totals of its whole days, and
        the orders around them (a period starting or ending within a day) and those kept
        without their goods in units, read one by one."""
        orders: defaultdict[str, int] = defaultdict(int)
        goods: defaultdict[str, int] = defaultdict(int)
        unknown = 0
        for month, count, known, without in self.db.execute(
            "SELECT substr(day, 1, 7), SUM(orders), SUM(goods), SUM(unknown) FROM order_days"
            " WHERE day >= ? AND day < ? GROUP BY 1",
            (edges.first_day, edges.last_day),
        ):
            orders[month] += count
            goods[month] += known
            unknown += without
        if edges.partial or unknown:
            for month, edge, count, more in self.db.execute(
                "SELECT substr(placed_at, 1, 7), edge, COUNT(*), SUM(goods) FROM"
                f" (SELECT o.placed_at, {_GOODS} AS goods, {edges.sql('o.placed_at')} AS edge,"
                "  o.goods_units FROM orders o WHERE o.placed_at >= ?1 AND o.placed_at < ?2)"
                " WHERE edge OR goods_units IS NULL GROUP BY 1, 2",
                edges.parameters(),
            ):
                if edge:  # not in the day totals at all
                    orders[month] += count
                goods[month] += more
        return orders, goods

    def _first_goods(self, customer_id: str, at: str) -> int:
        """The goods of the customer's first order when several share its moment: the lower
        order id is the first."""
        return self._one(
            f"SELECT {_GOODS} FROM orders o WHERE o.customer_id = ? AND o.placed_at = ?"
            " ORDER BY o.order_id LIMIT 1",
            customer_id,
            at,
        )

    def _refunds(self, start: str, end: str) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
        """The goods refunded in the period, per customer; and per month, the refunds and
        their goods. One read of the refunds for both: a refund is one customer's, on
        one day."""
        by_customer: defaultdict[str, int] = defaultdict(int)
        by_month: defaultdict[str, dict[str, int]] = defaultdict(
            lambda: {"refunds": 0, "refunded": 0}
        )
        for customer_id, month, refunds, refunded in self.db.execute(
            f"SELECT r.customer_id, substr(r.refunded_at, 1, 7), COUNT(DISTINCT r.refund_id),"
            f" SUM({_units_sql('j.value')}) FROM refunds r, json_each(r.lines) j"
            " WHERE r.refunded_at >= ? AND r.refunded_at < ? GROUP BY 1, 2",
            (start, end),
        ):
            by_customer[customer_id] += refunded
            figures = by_month[month]
            figures["refunds"] += refunds
            figures["refunded"] += refunded
        return dict(by_customer), dict(by_month)

    def _months(
        self,
        order_months: dict[str, dict[str, int]],
        refunds: dict[str, dict[str, int]],
        visits: Visits,
        held: LedgerMonths,
        start: str,
        end: str,
    ) -> list[Month]:
        months: dict[str, dict[str, int]] = defaultdict(dict, order_months)
        answers: dict[str, dict[str, int]] = defaultdict(dict)
        actions: dict[str, dict[str, int]] = defaultdict(dict)
        for month, figures in refunds.items():
            months[month].update(figures)
        for month, reason, count in self.db.execute(
            # Answers by an email's link and answers left on the site count alike.
            "SELECT substr(at, 1, 7), reason, COUNT(*) FROM"
            " (SELECT at, reason FROM feedback UNION ALL SELECT at, reason FROM site_feedback)"
            " WHERE at >= ? AND at < ? GROUP BY 1, 2",
            (start, end),
        ):
            answers[month][reason] = count
        for month, bonuses in held.bonuses.items():
            actions[month].update(bonuses)
        for month, action, count in self._actions(start, end):
            actions[month][action] = actions[month].get(action, 0) + count
        by_kind = held.by_month
        keys = sorted(set(months) | set(answers) | set(actions) | set(visits.buyers) | set(by_kind))
        points_held = held_at_month_ends(held.net, held.below_zero, keys)
        return [
            Month(
                key,
                **months.get(key, {}),
                answers=answers[key],
                actions=actions[key],
                buyers=visits.buyers.get(key, 0),
                repeat_buyers=visits.repeat_buyers(key),
                points=by_kind.get(key, {}),
                points_held=points_held[key],
            )
            for key in keys
        ]

    def _actions(self, start: str, end: str) -> Iterator[tuple[str, str, int]]:
        """Loyalty actions the file records besides the ledger's bonuses (see `_points`):
        certificates, emails sent and delivered."""
        yield from self.db.execute(
            "SELECT substr(issued_at, 1, 7), 'certificate', COUNT(*) FROM certificates"
            " WHERE issued_at >= ? AND issued_at < ? GROUP BY 1",
            (start, end),
        )
        yield from self.db.execute(
            "SELECT substr(at, 1, 7), 'email_delivered', COUNT(*) FROM mail_events"
            " WHERE kind = 'delivery' AND at >= ? AND at < ? GROUP BY 1",
            (start, end),
        )
        yield from self.db.execute(
            "SELECT substr(sent_at, 1, 7), 'newsletter', COUNT(*) FROM sends"
            " WHERE status = 'sent' AND sent_at >= ? AND sent_at < ? GROUP BY 1",
            (start, end),
        )
        # Automatic emails keep their times in the store's fixed-width form.
        bounds = (record_time(_parse(start)) if start else "", record_time(_parse(end)))
        for month, email, count in self.db.execute(
            "SELECT substr(at, 1, 7), automation, COUNT(*) FROM automation_sends"
            " WHERE status = 'sent' AND at >= ? AND at < ? GROUP BY 1, 2",
            bounds,
        ):
            if email in EMAIL_ACTIONS:
                yield month, EMAIL_ACTIONS[email], count

    def _answers(self, start: str, end: str) -> list[Answer]:
        rows = self.db.execute(
            "SELECT f.at, c.email, f.reason, f.text, f.order_id FROM feedback f"
            " JOIN customers c ON c.customer_id = f.customer_id"
            " WHERE f.at >= ? AND f.at < ? AND trim(f.text) != ''"
            # On the site: the address left for a reply (or none), the order as typed.
            " UNION ALL SELECT at, reply_to, reason, text, nullif(order_ref, '') FROM site_feedback"
            " WHERE at >= ? AND at < ? AND trim(text) != ''"
            " ORDER BY 1 DESC",
            (start, end, start, end),
        )
        return [
            Answer(_parse(at), email, reason, text, order)
            for at, email, reason, text, order in rows
        ]

    def _points(self, start: str, end: str, edges: _Edges) -> tuple[PointsFacts, LedgerMonths]:
        """The period's points by kind, and month by month with the points held and
        the bonuses given.

        Months are added up from the ledger's day totals, one row per day and
        kind, rather than from every entry; the time before the period is one
        row, so a period starting mid-month counts only its own entries, and
        the entries of a day the period starts or ends within are read one by
        one. The day totals also count the entries that gave points, which is
        how many birthday and referral bonuses there were.
        """
        points_by: defaultdict[tuple[str, str], int] = defaultdict(int)
        given_by: defaultdict[tuple[str, str], int] = defaultdict(int)
        for month, kind, points, given in self.db.execute(
            "SELECT CASE WHEN day < ?1 THEN ?4 ELSE substr(day, 1, 7) END, kind, SUM(points),"
            " SUM(given) FROM ledger_days WHERE day < ?1 OR (day >= ?2 AND day < ?3)"
            " GROUP BY 1, 2",
            (edges.days_before, edges.first_day, edges.last_day, BEFORE),
        ):
            points_by[month, kind] += points
            given_by[month, kind] += given
        if edges.partial:
            for month, kind, points, given in self.db.execute(
                "SELECT CASE WHEN at >= ?1 THEN substr(at, 1, 7) ELSE ?6 END, kind, SUM(points),"
                f" SUM(points > 0) FROM ledger WHERE at < ?2 AND {edges.sql('at')} GROUP BY 1, 2",
                (*edges.parameters(), BEFORE),
            ):
                points_by[month, kind] += points
                given_by[month, kind] += given
        by_month: dict[str, dict[str, int]] = defaultdict(dict)
        net: dict[str, int] = defaultdict(int)
        by_kind: dict[str, int] = defaultdict(int)
        bonuses: dict[str, dict[str, int]] = defaultdict(dict)
        for (month, kind), points in sorted(points_by.items()):  # as months, then kinds
            net[month] += points
            if month != BEFORE:
                by_month[month][kind] = points
                by_kind[kind] += points
                given = given_by[month, kind]
                # A referral bonus taken back is a negative entry: not one more bonus.
                if kind in _BONUSES and given:
                    bonuses[month][kind] = given
        # Balances at the end: the store's per-customer balance when every entry is
        # before it, else the customer's entries before it summed.
        outstanding, holders = self.db.execute(
            "SELECT SUM(balance) FILTER (WHERE balance > 0), COUNT(*) FILTER (WHERE balance > 0)"
            " FROM (SELECT points AS balance FROM customer_points WHERE last_at < ?1"
            "  UNION ALL SELECT SUM(points) FROM ledger WHERE at < ?1 AND customer_id IN"
            "  (SELECT customer_id FROM customer_points WHERE last_at >= ?1) GROUP BY customer_id)",
            (end,),
        ).fetchone()
        # Only these entries can take a balance below zero; see `held`. An index
        # holds them alone.
        odd = [
            customer_id
            for (customer_id,) in self.db.execute(
                "SELECT DISTINCT customer_id FROM ledger INDEXED BY ledger_below_zero"
                " WHERE points < 0 AND kind IN ('clawback', 'adjust', 'referral') AND at < ?",
                (end,),
            )
        ]
        below_zero: dict[str, dict[str, int]] = defaultdict(dict)
        for chunk in _chunks(odd):
            marks = ",".join("?" * len(chunk))
            for customer_id, month, points in self.db.execute(
                "SELECT customer_id, CASE WHEN at >= ? THEN substr(at, 1, 7) ELSE ? END,"
                f" SUM(points) FROM ledger WHERE at < ? AND customer_id IN ({marks})"
                " GROUP BY 1, 2",
                (start, BEFORE, end, *chunk),
            ):
                below_zero[customer_id][month] = points
        return (
            PointsFacts(dict(by_kind), outstanding or 0, holders),
            LedgerMonths(by_month, net, below_zero, bonuses),
        )

    def _certificates(self, start: str, end: str) -> CertificateFacts:
        value = _units_sql("value")
        row = self.db.execute(
            "SELECT"
            " SUM(issued_at >= ?1 AND issued_at < ?2),"
            f" SUM(CASE WHEN issued_at >= ?1 AND issued_at < ?2 THEN {value} ELSE 0 END),"
            " SUM(redeemed_at >= ?1 AND redeemed_at < ?2),"
            f" SUM(CASE WHEN redeemed_at >= ?1 AND redeemed_at < ?2 THEN {value} ELSE 0 END),"
            " SUM(issued_at < ?2 AND expires_at > ?2"
            "  AND (redeemed_at IS NULL OR redeemed_at >= ?2)),"
            " SUM(CASE WHEN issued_at < ?2 AND expires_at > ?2"
            f"  AND (redeemed_at IS NULL OR redeemed_at >= ?2) THEN {value} ELSE 0 END)"
            " FROM certificates",
            (start, end),
        ).fetchone()
        return CertificateFacts(*(int(figure or 0) for figure in row))

    def _mail(self, start: str, end: str) -> list[MailCounts]:
        """Campaigns running in the period, and the emails no campaign sent.

        A provider's report names a message by our Message-ID or its own id;
        the send records keep both, which ties the report to its campaign.
        """
        events: dict[str | None, tuple[str, int, int, int, int]] = {
            campaign: (first, *counts)
            for campaign, first, *counts in self.db.execute(
                "SELECT campaign, MIN(at), SUM(kind = 'delivery'), SUM(kind = 'bounce'),"
                " SUM(kind = 'soft_bounce'), SUM(kind = 'complaint') FROM ("
                "  SELECT e.at, e.kind, COALESCE("
                "   (SELECT s.campaign FROM sends s WHERE s.message_id = e.message_id),"
                "   (SELECT s.campaign FROM sends s WHERE s.provider_id = e.message_id))"
                "   AS campaign FROM mail_events e WHERE e.at < ?2)"
                " WHERE campaign IS NOT NULL OR at >= ?1 GROUP BY campaign",
                (start, end),
            )
        }
        unsubscribed = self._unsubscribed_after(start, end)
        found = []
        for slug, started, sent, skipped, failed in self.db.execute(
            "SELECT slug, started_at, sent, skipped, failed FROM campaigns"
            " WHERE started_at IS NOT NULL AND started_at < ?2"
            " AND (finished_at IS NULL OR finished_at >= ?1) ORDER BY started_at DESC",
            (start, end),
        ):
            _, delivered, bounced, soft, complained = events.get(slug, ("", 0, 0, 0, 0))
            found.append(
                MailCounts(
                    slug,
                    _parse(started),
                    sent,
                    skipped,
                    failed,
                    delivered,
                    bounced,
                    soft,
                    complained,
                    unsubscribed.get(slug, 0),
                )
            )
        if None in events:
            first, *counts = events[None]
            found.append(MailCounts(None, _parse(first), None, None, None, *counts))
        return found

    def _unsubscribed_after(self, start: str, end: str) -> dict[str, int]:
        """Per campaign, readers who unsubscribed while it was the last one they received.

        Unsubscribing is counted, not a complaint (which the provider reports,
        recorded with the form `ses:complaint`) nor a bounce.
        """
        # Each unsubscribe with every campaign message its reader had received by then.
        last: dict[tuple[str, str], tuple[datetime, str]] = {}
        for customer_id, at, campaign, sent_at in self.db.execute(
            "SELECT u.customer_id, u.at, s.campaign, s.sent_at FROM consents u"
            " JOIN sends s ON s.customer_id = u.customer_id AND s.status = 'sent'"
            " WHERE u.status = 'unsubscribed' AND u.form NOT LIKE 'ses:%'"
            " AND u.at >= ?1 AND u.at < ?2",
            (start, end),
        ):
            sent = _parse(sent_at)
            if sent <= _parse(at):
                last[customer_id, at] = max(
                    last.get((customer_id, at), (sent, campaign)), (sent, campaign)
                )
        return Counter(campaign for _, campaign in last.values())


_DAY = timedelta(days=1)


@dataclass(frozen=True)
class _Edges:
    """The period's whole UTC days, whose day totals the report adds up, and the moments
    of a day it starts or ends within, whose rows it reads one by one.

    Times are the store's text (UTC ISO 8601), days their first ten characters.
    """

    start: str  # "" for the beginning
    end: str
    before: str  # the midnight starting the period's first day: before it, before the period
    whole_from: str  # the first whole day's midnight
    whole_to: str  # the midnight ending the last whole day

    @classmethod
    def of(cls, period: Period) -> _Edges:
        end = period.end.astimezone(UTC)
        whole_to = end.replace(hour=0, minute=0, second=0, microsecond=0)
        if period.start is None:
            return cls("", _time(end), "", "", _time(whole_to))
        start = period.start.astimezone(UTC)
        before = start.replace(hour=0, minute=0, second=0, microsecond=0)
        whole_from = before if before == start else before + _DAY
        return cls(_time(start), _time(end), _time(before), _time(whole_from), _time(whole_to))

    @property
    def days_before(self) -> str:
        return self.before[:10]

    @property
    def first_day(self) -> str:
        return self.whole_from[:10]

    @property
    def last_day(self) -> str:  # the day after the last whole day
        return self.whole_to[:10]

    @property
    def partial(self) -> bool:
        """Whether the period starts or ends within a day."""
        return self.before != self.whole_from or self.whole_to != self.end

    def sql(self, column: str) -> str:
        """Whether the time in `column` is in a day the period starts or ends within
        (the parameters are `parameters()`)."""
        return f"(({column} >= ?3 AND {column} < ?4) OR {column} >= ?5)"

    def parameters(self) -> tuple[str, str, str, str, str]:
        return self.start, self.end, self.before, self.whole_from, self.whole_to


@dataclass(frozen=True)
class LedgerMonths:
    by_month: dict[str, dict[str, int]]  # month of the period -> kind -> points
    net: dict[str, int]  # month (`BEFORE` for before the period) -> points
    below_zero: dict[str, dict[str, int]]  # customer who may stand below zero -> net
    bonuses: dict[str, dict[str, int]]  # month of the period -> bonus kind -> entries given


def _chunks(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for at in range(0, len(items), size):
        yield items[at : at + size]
