"""Till and web-shop exports: every row checked, errors named by row and column."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from stampbook.files.purchases import read_purchases
from stampbook.files.rows import RowError
from stampbook.loyalty.orders import OrderLine

MOSCOW = ZoneInfo("Europe/Moscow")
CATEGORIES = {"beans", "drinks", "gift-cards"}


def read(text: str) -> tuple[list[tuple[str, object]], list[RowError]]:
    parsed = read_purchases(io.StringIO(text), "RUB", MOSCOW, CATEGORIES)
    return [(email, order) for email, order in parsed.orders], parsed.errors


def test_lines_of_one_order_are_grouped_and_amounts_are_exact() -> None:
    orders, errors = read(
        "order_id,email,placed_at,line_id,category,amount,shipping\n"
        'T1,Anna@Example.COM,2026-11-01 10:00,1,beans,"1 250,50",300\n'
        "T1,anna@example.com,2026-11-01 10:00,2,drinks,200.10,\n"
    )
    assert errors == []
    ((email, order),) = orders
    assert email == "anna@example.com"
    assert order.order_id == "T1"  # type: ignore[attr-defined]
    assert order.placed_at == datetime(2026, 11, 1, 7, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    assert order.lines == (  # type: ignore[attr-defined]
        OrderLine("1", "beans", Decimal("1250.50")),
        OrderLine("2", "drinks", Decimal("200.10")),
    )
    assert order.shipping == Decimal(300)  # type: ignore[attr-defined]


def test_semicolon_files_from_european_spreadsheets_are_read() -> None:
    orders, errors = read(
        "order_id;email;placed_at;line_id;category;amount\n"
        "T9;b@example.com;2026-11-02T09:00:00+02:00;1;beans;99,90\n"
    )
    assert errors == []
    assert orders[0][1].lines[0].amount == Decimal("99.90")  # type: ignore[attr-defined]


def test_every_bad_row_is_named_by_row_and_column() -> None:
    orders, errors = read(
        "order_id,email,placed_at,line_id,category,amount,currency\n"
        "T1,anna@example.com,2026-11-01 10:00,1,beans,100,RUB\n"
        "T2,not-an-email,yesterday,1,coffee,-5,USD\n"
        "T3,c@example.com,2026-11-01 10:00,1,beans,12.345,\n"
        "T4,,2026-11-01 10:00,1,beans,10,\n"
    )
    assert [str(error) for error in errors] == [
        "row 3, column email: 'not-an-email' is not an email address",
        "row 3, column placed_at: 'yesterday' is not a date and time like 2026-03-02 14:05",
        "row 3, column amount: must not be negative; record returns as refunds",
        "row 3, column category: unknown category; the programme has beans, drinks, gift-cards",
        "row 3, column currency: the programme's currency is RUB",
        "row 4, column amount: '12.345' has more than 2 decimals",
        "row 5, column email: is empty",
    ]
    assert [order.order_id for _, order in orders] == ["T1"]  # type: ignore[attr-defined]


def test_an_order_split_between_two_customers_is_refused_whole() -> None:
    orders, errors = read(
        "order_id,email,placed_at,line_id,category,amount\n"
        "T1,anna@example.com,2026-11-01 10:00,1,beans,100\n"
        "T1,boris@example.com,2026-11-01 10:00,2,beans,100\n"
        "T1,anna@example.com,2026-11-01 10:00,1,beans,100\n"
    )
    assert orders == []
    assert [str(error) for error in errors] == [
        "row 3, column email: order T1 belongs to anna@example.com",
        "row 4, column line_id: line 1 appears twice in T1",
    ]


def test_missing_and_unknown_columns_are_reported_on_the_header_row() -> None:
    orders, errors = read("order_id,mail,placed_at,line_id,category,amount\n")
    assert orders == []
    assert [str(error) for error in errors] == [
        "row 1, column email: this column is required",
        "row 1, column mail: unknown column; expected order_id, email, placed_at, line_id, "
        "category, amount, shipping, tax, currency",
    ]


def test_values_seen_before_are_checked_again_in_every_row() -> None:
    # Good texts are parsed once and remembered; bad ones are refused in every row.
    orders, errors = read(
        "order_id,email,placed_at,line_id,category,amount,tax\n"
        "T1,anna@example.com,2026-11-01 10:00,1,beans,100,\n"
        "T2,anna@example.com,2026-11-01 10:00,1,beans,-100,\n"
        "T3,anna@example.com,2026-11-01 10:00,1,tea,100,\n"
        "T4,anna@example.com,2026-11-01 10:00,1,beans,100,-1\n"
        "T5,ANNA@example.com,2026-11-01 10:00,1,beans,100,\n"
        "\n"
        "T6,anna@example.com,2026-11-01 10:00,,beans,100,\n"
    )
    assert [str(error) for error in errors] == [
        "row 3, column amount: must not be negative; record returns as refunds",
        "row 4, column category: unknown category; the programme has beans, drinks, gift-cards",
        "row 5, column tax: must not be negative; record returns as refunds",
        "row 7, column line_id: is empty",
    ]
    assert [(email, order.order_id) for email, order in orders] == [  # type: ignore[attr-defined]
        ("anna@example.com", "T1"),
        ("anna@example.com", "T5"),
    ]
