"""Square's `payment.updated` and `refund.updated` webhooks: a payment Completed earns,
a refund Completed gives back.

Square signs the notification URL followed by the raw body:
`x-square-hmacsha256-signature` is the base64 of its HMAC-SHA256 under the
subscription's signature key. The URL must be the one configured in Square,
byte for byte (see `api.shops`). The event's own `created_at` says when it
happened; Square retries for up to 72 hours.

A payment has no lines: it is one line of the owner's default category,
its `amount_money` (without the tip), tax included.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from babel.numbers import get_currency_precision

from .events import (
    Delivery,
    Ignored,
    Malformed,
    OrderPaid,
    RefundMade,
    ShopEvent,
    ShopLine,
    json_object,
    moment,
    part,
    signed_by,
    text,
)


def verify(raw: bytes, headers: Mapping[str, str], secret: str, url: str) -> None:
    signed_by(secret, url.encode() + raw, headers.get("x-square-hmacsha256-signature"))


def read(raw: bytes, headers: Mapping[str, str]) -> Delivery:
    payload = json_object(raw)
    kind = payload.get("type")
    sent_at = moment(payload, "created_at")
    if kind not in ("payment.updated", "refund.updated"):
        return Delivery(Ignored(f"type {kind} is not a payment or refund updated"), sent_at)
    found = part(part(payload, "data"), "object")
    event = (
        _payment(part(found, "payment"))
        if kind == "payment.updated"
        else _refund(part(found, "refund"))
    )
    return Delivery(event, sent_at)


def _money(payload: Mapping[str, Any], name: str) -> tuple[Decimal, str]:
    """Square's money: an integer count of the currency's smallest unit, and the currency."""
    money = part(payload, name)
    units = money.get("amount")
    currency = text(money, "currency").upper()
    if isinstance(units, bool) or not isinstance(units, int) or not 0 <= units < 10**15:
        raise Malformed(f"{name}.amount is not a whole number of units")
    try:
        digits = int(get_currency_precision(currency))
    except Exception:  # babel names no error for an unknown code
        raise Malformed(f"{name}.currency is not a currency") from None
    return Decimal(units).scaleb(-digits), currency


def _payment(payment: Mapping[str, Any]) -> ShopEvent:
    if payment.get("status") != "COMPLETED":
        return Ignored(f"the payment is {payment.get('status')}, not completed")
    email = payment.get("buyer_email_address")
    if not isinstance(email, str) or not email.strip():
        return Ignored("the payment has no buyer email")
    paid, currency = _money(payment, "amount_money")
    payment_id = text(payment, "id")
    return OrderPaid(
        order_id=payment_id,
        email=email,
        name="",
        placed_at=moment(payment, "created_at"),
        currency=currency,
        lines=(ShopLine(payment_id, paid),),
    )


def _refund(refund: Mapping[str, Any]) -> ShopEvent:
    if refund.get("status") != "COMPLETED":
        return Ignored(f"the refund is {refund.get('status')}, not completed")
    given, _ = _money(refund, "amount_money")
    payment_id = text(refund, "payment_id")
    if given <= 0:
        return Ignored("the refund gives nothing back")
    return RefundMade(
        refund_id=text(refund, "id"),
        order_id=payment_id,
        refunded_at=moment(refund, "created_at"),
        lines={payment_id: given},
    )
