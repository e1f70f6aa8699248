"""Shopify's `orders/paid` and `refunds/create` webhooks.

Shopify signs the raw body: `X-Shopify-Hmac-Sha256` is the base64 of its
HMAC-SHA256 under the app's secret (or the store's webhook signing key),
and names the topic in `X-Shopify-Topic`. A retry carries the original
payload; Shopify's changelog ("Updates to webhook retry mechanism",
September 2024: 8 retries over 4 hours) says to use the
`X-Shopify-Triggered-At` header to tell whether it is stale.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .events import (
    Delivery,
    Ignored,
    Malformed,
    OrderPaid,
    RefundMade,
    ShopEvent,
    ShopLine,
    amount,
    json_object,
    moment,
    part,
    signed_by,
    text,
)


def verify(raw: bytes, headers: Mapping[str, str], secret: str, url: str) -> None:
    signed_by(secret, raw, headers.get("x-shopify-hmac-sha256"))


def read(raw: bytes, headers: Mapping[str, str]) -> Delivery:
    topic = headers.get("x-shopify-topic", "")
    triggered = headers.get("x-shopify-triggered-at")
    sent_at = (
        moment({"X-Shopify-Triggered-At": triggered}, "X-Shopify-Triggered-At")
        if triggered
        else None
    )
    payload = json_object(raw)
    event: ShopEvent
    if topic == "orders/paid":
        event = _order(payload)
    elif topic == "refunds/create":
        event = _refund(payload)
    else:
        event = Ignored(f"topic {topic or 'none'} is not an order paid or a refund")
    return Delivery(event, sent_at)


def _order(payload: Mapping[str, Any]) -> ShopEvent:
    found = payload.get("customer")
    customer: dict[str, Any] = found if isinstance(found, dict) else {}
    lines = tuple(_line(item) for item in part(payload, "line_items", list))
    if not lines:
        raise Malformed("line_items is empty")
    email = payload.get("email") or payload.get("contact_email") or customer.get("email")
    if not isinstance(email, str) or not email.strip():
        return Ignored("the order has no customer email")  # a counter sale without a customer
    name = " ".join(
        str(customer.get(key) or "").strip() for key in ("first_name", "last_name")
    ).strip()
    shipping = sum(
        (
            amount(line, "price")
            for line in payload.get("shipping_lines") or []
            if isinstance(line, dict)
        ),
        Decimal(0),
    )
    # With prices including tax, the lines carry it; otherwise it comes on top.
    tax = Decimal(0) if payload.get("taxes_included") else amount(payload, "total_tax", "0")
    return OrderPaid(
        order_id=text(payload, "id"),
        email=email,
        name=name,
        placed_at=moment(payload, "processed_at" if payload.get("processed_at") else "created_at"),
        currency=text(payload, "currency").upper(),
        lines=lines,
        tags=tuple(tag.strip() for tag in str(payload.get("tags") or "").split(",") if tag.strip()),
        shipping=shipping,
        tax=tax,
    )


def _line(item: Any) -> ShopLine:
    if not isinstance(item, dict):
        raise Malformed("a line item is not an object")
    quantity = amount(item, "quantity")
    allocations = item.get("discount_allocations")
    # The discounts on the line, order-level ones included, as Shopify shares them out.
    if isinstance(allocations, list):
        discount = sum(
            (amount(share, "amount") for share in allocations if isinstance(share, dict)),
            Decimal(0),
        )
    else:
        discount = amount(item, "total_discount", "0")
    paid = max(amount(item, "price") * quantity - discount, Decimal(0))
    return ShopLine(
        text(item, "id"),
        paid,
        str(item.get("sku") or ""),
        str(item.get("title") or item.get("name") or ""),
    )


def _refund(payload: Mapping[str, Any]) -> ShopEvent:
    lines: dict[str, Decimal] = {}
    tax = Decimal(0)
    for item in part(payload, "refund_line_items", list):
        if not isinstance(item, dict):
            raise Malformed("a refund line item is not an object")
        line_id = text(item, "line_item_id")
        lines[line_id] = lines.get(line_id, Decimal(0)) + amount(item, "subtotal")
        tax += amount(item, "total_tax", "0")
    refunded = {line_id: paid for line_id, paid in lines.items() if paid > 0}
    if not refunded:
        return Ignored("the refund returns no money for any line")  # shipping only, a restock
    return RefundMade(
        refund_id=text(payload, "id"),
        order_id=text(payload, "order_id"),
        refunded_at=moment(payload, "created_at"),
        lines=refunded,
        tax=tax,
    )
