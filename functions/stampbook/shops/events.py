"""What a shop's webhook says, whichever provider sent it, and why one is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any


class BadSignature(Exception):
    """The signature is missing or does not match the shop's secret: not from the shop."""


class Malformed(ValueError):
    """Signed by the shop, but not a payload we can read (400): the message says what."""


@dataclass(frozen=True, slots=True)
class ShopLine:
    line_id: str
    amount: Decimal  # what the customer paid for the line, discounts taken off
    sku: str = ""
    product: str = ""


@dataclass(frozen=True, slots=True)
class OrderPaid:
    order_id: str  # the provider's own id
    email: str  # as the shop sent it, not yet checked
    name: str
    placed_at: datetime
    currency: str
    lines: tuple[ShopLine, ...]
    tags: tuple[str, ...] = ()
    shipping: Decimal = Decimal(0)
    tax: Decimal = Decimal(0)  # on top of the lines; 0 where prices include it


@dataclass(frozen=True, slots=True)
class RefundMade:
    refund_id: str  # the provider's own id
    order_id: str
    refunded_at: datetime
    lines: Mapping[str, Decimal] = field(default_factory=dict)  # line id -> amount
    tax: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Ignored:
    """A delivery with nothing for the programme (another topic, an unpaid order)."""

    reason: str


ShopEvent = OrderPaid | RefundMade | Ignored


@dataclass(frozen=True, slots=True)
class Delivery:
    event: ShopEvent
    # When the provider first sent it, where it says so (not WooCommerce).
    sent_at: datetime | None = None


def signed_by(secret: str, message: bytes, given: str | None) -> None:
    """The providers' signature: base64 of HMAC-SHA256 of `message` under `secret`,
    compared in constant time. BadSignature otherwise."""
    if not secret or not given:
        raise BadSignature("no signature")
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    if not hmac.compare_digest(base64.b64encode(digest), given.strip().encode()):
        raise BadSignature("the signature does not match")


def json_object(raw: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Malformed("the body is not JSON") from None
    if not isinstance(payload, dict):
        raise Malformed("the body is not a JSON object")
    return payload


def part(payload: Mapping[str, Any], name: str, kind: type[Any] = dict) -> Any:
    """`payload[name]`, which must be a `kind`."""
    value = payload.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        raise Malformed(f"{name} is missing or not a {kind.__name__}")
    return value


def text(payload: Mapping[str, Any], name: str) -> str:
    """An id or a word: a string, or a number (Shopify and WooCommerce number their ids)."""
    value = payload.get(name)
    if isinstance(value, bool) or not isinstance(value, str | int) or str(value).strip() == "":
        raise Malformed(f"{name} is missing")
    return str(value).strip()


def amount(payload: Mapping[str, Any], name: str, default: str | None = None) -> Decimal:
    """A price as the shop writes it ("19.90" or 19.9), never negative."""
    value = payload.get(name, default)
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Malformed(f"{name} is missing or not an amount")
    try:
        found = Decimal(str(value))
    except InvalidOperation:
        raise Malformed(f"{name} is not an amount") from None
    if not found.is_finite() or found < 0 or found > Decimal(10) ** 12:
        raise Malformed(f"{name} is not an amount")
    return found


def moment(payload: Mapping[str, Any], name: str) -> datetime:
    """An ISO 8601 time with its offset (a naive one is read as UTC: WooCommerce's `_gmt`)."""
    value = payload.get(name)
    if not isinstance(value, str):
        raise Malformed(f"{name} is missing")
    try:
        found = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Malformed(f"{name} is not a date and time") from None
    if found.tzinfo is None:
        found = found.replace(tzinfo=UTC)
    return found
