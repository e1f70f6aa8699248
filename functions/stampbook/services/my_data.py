"""A customer's own data: everything we hold, for them to take away, and erasure on request.

Erasing keeps the books: points, orders, refunds and certificates stay under
the customer's id, which afterwards leads to no one (see `Store.erase_customer`).
"""

from __future__ import annotations

from typing import Any

from ..bootstrap import App
from .customer_file import customer_record


def my_data(app: App, customer_id: str) -> dict[str, Any]:
    """Everything about the customer, as the owner's export has it; UnknownCustomer if erased."""
    return customer_record(app.store, customer_id, app.loyalty.clock())


def erase_me(app: App, customer_id: str) -> bool:
    """Erase the customer; False if they were erased already (or never known)."""
    return app.store.erase_customer(customer_id)
