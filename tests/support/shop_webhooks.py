"""Webhook deliveries as Shopify, WooCommerce and Square send them, signed with a test secret.

The payloads follow the providers' documented examples (Shopify's
`orders/paid` and `refunds/create` samples, WooCommerce's order as its REST
API v3 returns it, Square's `payment.updated` and `refund.updated`), cut
down to the fields Stampbook reads and a few it does not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any

SECRET = "whsec-test-0123456789abcdef"


def signature(secret: str, message: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), message, hashlib.sha256).digest()).decode()


@dataclass(frozen=True)
class Webhook:
    body: bytes
    headers: dict[str, str]  # lowercase names, as the readers look them up


def _signed(
    payload: dict[str, Any],
    signed_as: str,
    secret: str,
    headers: dict[str, str] | None = None,
    prefix: bytes = b"",
) -> Webhook:
    """`payload` as JSON, with its signature (of `prefix` + the body) in the header `signed_as`."""
    body = json.dumps(payload).encode()
    signed = {signed_as: signature(secret, prefix + body)}
    return Webhook(body, {"content-type": "application/json", **signed, **(headers or {})})


def shopify(topic: str, payload: dict[str, Any], secret: str = SECRET, **extra: str) -> Webhook:
    return _signed(
        payload,
        "x-shopify-hmac-sha256",
        secret,
        {"x-shopify-topic": topic, "x-shopify-shop-domain": "mednaya-turka.myshopify.com", **extra},
    )


def woocommerce(
    payload: dict[str, Any], secret: str = SECRET, topic: str = "order.updated"
) -> Webhook:
    source = "https://shop.mednaya-turka.example/"
    return _signed(
        payload,
        "x-wc-webhook-signature",
        secret,
        {"x-wc-webhook-topic": topic, "x-wc-webhook-source": source},
    )


def square(payload: dict[str, Any], url: str, secret: str = SECRET) -> Webhook:
    """Square signs its notification URL followed by the body."""
    return _signed(payload, "x-square-hmacsha256-signature", secret, prefix=url.encode())


def shopify_order(
    order_id: int = 820982911946154508,
    email: str = "jon@example.com",
    currency: str = "RUB",
    processed_at: str = "2026-11-23T14:40:00+03:00",
) -> dict[str, Any]:
    """Two lines: beans (matched by nothing: the default category) and a gift card by SKU."""
    return {
        "id": order_id,
        "email": email,
        "created_at": processed_at,
        "processed_at": processed_at,
        "currency": currency,
        "financial_status": "paid",
        "taxes_included": True,
        "total_tax": "120.00",
        "total_price": "1800.00",
        "tags": "web, autumn",
        "customer": {"id": 115310627314723954, "first_name": "John", "last_name": "Smith"},
        "line_items": [
            {
                "id": 866550311766439020,
                "title": "Ethiopia Yirgacheffe 250 g",
                "sku": "BEAN-ETH-250",
                "price": "700.00",
                "quantity": 2,
                "total_discount": "0.00",
                "discount_allocations": [{"amount": "100.00", "discount_application_index": 0}],
            },
            {
                "id": 141249953214522974,
                "title": "Gift card",
                "sku": "GC-500",
                "price": "500.00",
                "quantity": 1,
                "total_discount": "0.00",
                "discount_allocations": [],
            },
        ],
        "shipping_lines": [{"id": 271878346596884015, "title": "Courier", "price": "300.00"}],
    }


def shopify_refund(
    refund_id: int = 509562969, order_id: int = 820982911946154508
) -> dict[str, Any]:
    """One of the two bags of beans given back."""
    return {
        "id": refund_id,
        "order_id": order_id,
        "created_at": "2026-11-23T17:00:00+03:00",
        "note": "one bag arrived torn",
        "refund_line_items": [
            {
                "id": 104689539,
                "line_item_id": 866550311766439020,
                "quantity": 1,
                "subtotal": 650.0,
                "total_tax": 0.0,
            }
        ],
        "transactions": [{"id": 179259969, "kind": "refund", "amount": "650.00"}],
    }


def woocommerce_order(
    order_id: int = 727, status: str = "completed", email: str = "john.doe@example.com"
) -> dict[str, Any]:
    """One line of beans and one of equipment (by SKU), tax on top of the line totals."""
    return {
        "id": order_id,
        "status": status,
        "currency": "RUB",
        "prices_include_tax": False,
        "date_created_gmt": "2026-11-23T11:00:00",
        "date_paid_gmt": "2026-11-23T11:05:00",
        "date_modified_gmt": "2026-11-23T13:00:00",
        "shipping_total": "250.00",
        "total_tax": "200.00",
        "billing": {"first_name": "John", "last_name": "Doe", "email": email},
        "line_items": [
            {
                "id": 315,
                "name": "Colombia Huila 1 kg",
                "sku": "BEAN-COL-1000",
                "quantity": 1,
                "subtotal": "2000.00",
                "total": "1800.00",
                "total_tax": "180.00",
            },
            {
                "id": 316,
                "name": "Hario V60 dripper",
                "sku": "EQ-V60",
                "quantity": 1,
                "subtotal": "200.00",
                "total": "200.00",
                "total_tax": "20.00",
            },
        ],
        "refunds": [],
    }


def square_payment(
    payment_id: str = "KkAkhdMsgzn59SM8A89WgKwekxLZY",
    email: str = "buyer@example.com",
    currency: str = "RUB",
    created_at: str = "2026-11-23T12:00:00.000Z",
) -> dict[str, Any]:
    return {
        "merchant_id": "6SSW7HV8K2ST5",
        "type": "payment.updated",
        "event_id": "8fe6b4c6-8a2b-4f5a-9f2d-ea0c2a2d1c6a",
        "created_at": created_at,
        "data": {
            "type": "payment",
            "id": payment_id,
            "object": {
                "payment": {
                    "id": payment_id,
                    "created_at": created_at,
                    "updated_at": created_at,
                    "amount_money": {"amount": 90000, "currency": currency},
                    "tip_money": {"amount": 5000, "currency": currency},
                    "total_money": {"amount": 95000, "currency": currency},
                    "status": "COMPLETED",
                    "source_type": "CARD",
                    "location_id": "L88917AVBK2S5",
                    "order_id": "CAISENgvhpdP05f1DWG9H8yMn4kZY",
                    "buyer_email_address": email,
                    "version_token": "zpCBiO0YgSg5cCEqjUxHQGEuZA9SJBdp1WwI",
                }
            },
        },
    }


def square_refund(
    refund_id: str = "KkAkhdMsgzn59SM8A89WgKwekxLZY_ptNqk6b8bNUyANkZb4Hkmgnd",
    payment_id: str = "KkAkhdMsgzn59SM8A89WgKwekxLZY",
    amount: int = 30000,
    status: str = "COMPLETED",
) -> dict[str, Any]:
    return {
        "merchant_id": "6SSW7HV8K2ST5",
        "type": "refund.updated",
        "event_id": "0d3e1bd3-6b1c-4b8e-8b3f-7a1d1b0b9d77",
        "created_at": "2026-11-23T14:00:00.000Z",
        "data": {
            "type": "refund",
            "id": refund_id,
            "object": {
                "refund": {
                    "id": refund_id,
                    "payment_id": payment_id,
                    "amount_money": {"amount": amount, "currency": "RUB"},
                    "status": status,
                    "location_id": "L88917AVBK2S5",
                    "created_at": "2026-11-23T14:00:00.000Z",
                    "updated_at": "2026-11-23T14:00:05.000Z",
                }
            },
        },
    }
