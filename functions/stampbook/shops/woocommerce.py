"""WooCommerce's `order.updated` webhook: an order now Completed earns, one now Refunded
gives back.

WooCommerce signs the raw body: `X-WC-Webhook-Signature` is the base64 of
its HMAC-SHA256 under the webhook's secret; the topic is in
`X-WC-Webhook-Topic`. It sends no time of its own with a delivery, so a
replay cannot be told by age: the order and refund ids make a second
delivery change nothing. A partial refund leaves the order Completed and is
not seen here; the order's points come back when its status is Refunded.
"""

from __future__ import annotations

import re
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

# Saving a webhook in WooCommerce's admin first posts `webhook_id=<n>`, unsigned,
# as a form: it must be answered 2xx to be saved, and it asks for nothing.
_PING = re.compile(rb"webhook_id=\d{1,20}")


def verify(raw: bytes, headers: Mapping[str, str], secret: str, url: str) -> None:
    if _PING.fullmatch(raw):
        return
    signed_by(secret, raw, headers.get("x-wc-webhook-signature"))


def read(raw: bytes, headers: Mapping[str, str]) -> Delivery:
    if _PING.fullmatch(raw):
        return Delivery(Ignored("WooCommerce's ping"))
    topic = headers.get("x-wc-webhook-topic", "")
    payload = json_object(raw)
    if topic != "order.updated":
        return Delivery(Ignored(f"topic {topic or 'none'} is not an order updated"))
    status = payload.get("status")
    event: ShopEvent
    if status == "completed":
        event = _order(payload)
    elif status == "refunded":
        event = _refund(payload)
    else:
        event = Ignored(f"the order is {status}, neither completed nor refunded")
    return Delivery(event)


def _lines(payload: Mapping[str, Any]) -> tuple[ShopLine, ...]:
    lines = []
    for item in part(payload, "line_items", list):
        if not isinstance(item, dict):
            raise Malformed("a line item is not an object")
        # `total` is the line after discounts, without its tax (`total_tax`).
        lines.append(
            ShopLine(
                text(item, "id"),
                amount(item, "total"),
                str(item.get("sku") or ""),
                str(item.get("name") or ""),
            )
        )
    if not lines:
        raise Malformed("line_items is empty")
    return tuple(lines)


def _tax(payload: Mapping[str, Any]) -> Decimal:
    """The tax on the goods (not on shipping), which WooCommerce adds to the line totals."""
    return sum((amount(item, "total_tax", "0") for item in payload["line_items"]), Decimal(0))


def _order(payload: Mapping[str, Any]) -> ShopEvent:
    found = payload.get("billing")
    billing: dict[str, Any] = found if isinstance(found, dict) else {}
    lines = _lines(payload)
    email = billing.get("email")
    if not isinstance(email, str) or not email.strip():
        return Ignored("the order has no billing email")
    paid = "date_paid_gmt" if payload.get("date_paid_gmt") else "date_created_gmt"
    return OrderPaid(
        order_id=text(payload, "id"),
        email=email,
        name=" ".join(
            str(billing.get(k) or "").strip() for k in ("first_name", "last_name")
        ).strip(),
        placed_at=moment(payload, paid),
        currency=text(payload, "currency").upper(),
        lines=lines,
        shipping=amount(payload, "shipping_total", "0"),
        tax=_tax(payload),
    )


def _refund(payload: Mapping[str, Any]) -> ShopEvent:
    """The whole order given back: every line, and its tax."""
    lines = _lines(payload)
    order_id = text(payload, "id")
    returned = {line.line_id: line.amount for line in lines if line.amount > 0}
    if not returned:
        return Ignored("the order had nothing to give back")
    return RefundMade(
        # One per order: WooCommerce marks an order Refunded once it is refunded in full.
        refund_id=f"{order_id}-refunded",
        order_id=order_id,
        refunded_at=moment(payload, "date_modified_gmt"),
        lines=returned,
        tax=_tax(payload),
    )
