"""Recording a till or web-shop export: many orders in batched durable transactions.

Each customer's orders go into one batch, in the order they were placed, so
a customer's history is read once and their tally written once per batch,
not once per order. Nothing the engine decides depends on the order in
which different customers are visited (a purchase looks at its own
customer only), so the outcomes are those of recording the file row by row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..bulk import collector_paused
from ..files.rows import RowError
from ..loyalty.orders import Order
from ..store.base import Store
from .loyalty import LoyaltyService


@dataclass
class Imported:
    recorded: int = 0
    replayed: int = 0  # in the customer file already: the first answer stands
    refused: list[tuple[str, Exception]] = field(default_factory=list)  # (order id, why)


def owners(
    store: Store, orders: list[tuple[str, Order]]
) -> tuple[list[tuple[str, Order]], list[RowError]]:
    """(customer id, order) for each order whose email is a customer's; the others as errors."""
    found = store.customer_ids_by_email(list(dict.fromkeys(email for email, _ in orders)))
    owned: list[tuple[str, Order]] = []
    errors: list[RowError] = []
    for email, order in orders:
        customer_id = found.get(email)
        if customer_id is None:
            errors.append(
                RowError(0, "email", f"{email} (order {order.order_id}) is not a customer")
            )
        else:
            owned.append((customer_id, order))
    return owned, errors


def record_orders(
    loyalty: LoyaltyService,
    owned: list[tuple[str, Order]],
    batch: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> Imported:
    """Record `owned` (in the order placed) about `batch` orders to a transaction."""
    mine: dict[str, list[tuple[str, Order]]] = {}
    for item in owned:
        mine.setdefault(item[0], []).append(item)
    ordered = [item for items in mine.values() for item in items]
    imported = Imported()
    with collector_paused():
        for start in range(0, len(ordered), batch):
            chunk = ordered[start : start + batch]
            for (_, order), outcome in zip(chunk, loyalty.record_purchases(chunk), strict=True):
                if isinstance(outcome, Exception):
                    imported.refused.append((order.order_id, outcome))
                elif outcome.replayed:
                    imported.replayed += 1
                else:
                    imported.recorded += 1
            if progress is not None:
                progress(len(chunk))
    return imported
