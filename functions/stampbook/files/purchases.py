"""Purchases from a till or web-shop export: one CSV row per order line.

    order_id,email,placed_at,line_id,category,amount[,shipping,tax,currency]

Rows with the same order id form one order; its shipping and tax are taken
from its first row. Every row is checked before anything is recorded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TextIO, TypeVar
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision

from ..loyalty.orders import Order, OrderLine
from ..records.customers import InvalidEmail, normalise_email
from .bulk import collector_paused
from .rows import BadValue, CsvRows, RowError, parse_amount, parse_time

REQUIRED = ("order_id", "email", "placed_at", "line_id", "category", "amount")
OPTIONAL = ("shipping", "tax", "currency")
COLUMNS = REQUIRED + OPTIONAL


@dataclass
class PurchaseFile:
    orders: list[tuple[str, Order]] = field(default_factory=list)  # (email, order)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0
    # The row of each order's first line, as a spreadsheet numbers it: where a
    # refusal found later (an address that is no customer's) is shown.
    first_rows: dict[str, int] = field(default_factory=dict)


@dataclass
class _Draft:
    email: str
    placed_at: datetime
    currency: str
    shipping: Decimal
    tax: Decimal
    lines: list[OrderLine]


def read_purchases(
    stream: TextIO,
    currency: str,
    zone: ZoneInfo,
    categories: set[str],
    progress: Callable[[int], None] | None = None,
    decimals: int | None = None,
) -> PurchaseFile:
    """`decimals`: the places an amount may have (the programme's `money`);
    default: the currency's own."""
    with collector_paused():
        return _read(stream, currency, zone, categories, progress, decimals)


def _read(
    stream: TextIO,
    currency: str,
    zone: ZoneInfo,
    categories: set[str],
    progress: Callable[[int], None] | None,
    decimals: int | None = None,
) -> PurchaseFile:
    rows = CsvRows(stream, REQUIRED, OPTIONAL)
    result = PurchaseFile(errors=list(rows.header_errors))
    if result.errors:
        return result
    digits = get_currency_precision(currency) if decimals is None else decimals
    drafts: dict[str, _Draft] = {}
    bad_orders: set[str] = set()
    # A file has far fewer customers, times and prices than rows: each distinct
    # text is parsed once, and a row whose every text was seen before and
    # found good takes no parser at all.
    emails: dict[str, str] = {}
    times: dict[str, datetime] = {}
    amounts: dict[str, Decimal] = {"": Decimal(0)}  # no shipping or tax: none

    def amount(text: str) -> Decimal:
        return _cached(amounts, text, lambda t: _not_negative(parse_amount(t, digits)))

    parsers: dict[str, Callable[[str], object]] = {
        "email": lambda text: _cached(emails, text, normalise_email),
        "placed_at": lambda text: _cached(times, text, lambda t: parse_time(t, zone)),
        "amount": amount,
        "shipping": amount,
        "tax": amount,
    }
    for number, values in rows.values(COLUMNS):
        result.rows += 1
        if progress and result.rows % 5000 == 0:
            progress(result.rows)
        order_id, email_text, placed_text, line_id, category, amount_text, *rest = values
        shipping_text, tax_text, currency_text = rest
        email = emails.get(email_text)
        placed_at = times.get(placed_text)
        price = amounts.get(amount_text) if amount_text else None
        shipping = amounts.get(shipping_text)
        tax = amounts.get(tax_text)
        if (
            email is None
            or placed_at is None
            or price is None
            or shipping is None
            or tax is None
            or not (order_id and line_id and category)
            or category not in categories
            or (currency_text and currency_text.upper() != currency)
        ):
            parsed = _parse_row(
                number, dict(zip(COLUMNS, values, strict=True)), parsers, categories, currency
            )
            if isinstance(parsed, list):
                result.errors += parsed
                bad_orders.add(order_id)
                continue
            email, placed_at, price, shipping, tax = parsed
        line = OrderLine(line_id, category, price)
        draft = drafts.get(order_id)
        if draft is None:
            drafts[order_id] = _Draft(email, placed_at, currency, shipping, tax, [line])
            result.first_rows[order_id] = number
        elif draft.email != email:
            result.errors.append(
                RowError(number, "email", f"order {order_id} belongs to {draft.email}")
            )
            bad_orders.add(order_id)
        elif any(existing.line_id == line_id for existing in draft.lines):
            result.errors.append(
                RowError(number, "line_id", f"line {line_id} appears twice in {order_id}")
            )
            bad_orders.add(order_id)
        else:
            draft.lines.append(line)
    for order_id, draft in drafts.items():
        if order_id in bad_orders:
            continue
        order = Order(
            order_id, draft.placed_at, draft.currency, tuple(draft.lines), draft.shipping, draft.tax
        )
        result.orders.append((draft.email, order))
    result.orders.sort(key=lambda item: (item[1].placed_at, item[1].order_id))
    return result


_Parsed = tuple[str, datetime, Decimal, Decimal, Decimal]  # email, placed at, amount, shipping, tax


def _parse_row(
    number: int,
    row: dict[str, str],
    parsers: dict[str, Callable[[str], object]],
    categories: set[str],
    currency: str,
) -> _Parsed | list[RowError]:
    """The row's values, or every problem in it."""
    errors = [RowError(number, column, "is empty") for column in REQUIRED if not row.get(column)]
    if errors:
        return errors
    values: dict[str, Any] = {}
    for column, parse in parsers.items():
        try:
            values[column] = parse(row.get(column, ""))
        except (BadValue, InvalidEmail) as error:
            errors.append(RowError(number, column, str(error)))
    if row["category"] not in categories:
        known = ", ".join(sorted(categories))
        errors.append(RowError(number, "category", f"unknown category; the programme has {known}"))
    if row.get("currency") and row["currency"].upper() != currency:
        errors.append(RowError(number, "currency", f"the programme's currency is {currency}"))
    if errors:
        return errors
    return values["email"], values["placed_at"], values["amount"], values["shipping"], values["tax"]


T = TypeVar("T")


def _cached(cache: dict[str, T], text: str, parse: Callable[[str], T]) -> T:
    if text not in cache:
        cache[text] = parse(text)
    return cache[text]


def _not_negative(amount: Decimal) -> Decimal:
    if amount < 0:
        raise BadValue("must not be negative; record returns as refunds")
    return amount
