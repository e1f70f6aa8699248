"""A customer's own data: everything we hold, for them to take away, and erasure on request.

Erasing keeps the books: points, orders, refunds and certificates stay under
the customer's id, which afterwards leads to no one (see `Store.erase_customer`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .customer_file import CustomerRecord, customer_record

if TYPE_CHECKING:
    from ..store.base import Store
    from .loyalty import LoyaltyService


def my_data(loyalty: LoyaltyService, customer_id: str) -> CustomerRecord:
    """Everything about the customer, as the owner's export has it; UnknownCustomer if erased."""
    return customer_record(loyalty.store, customer_id, loyalty.clock())


def erase_me(store: Store, customer_id: str) -> bool:
    """Erase the customer; False if they were erased already (or never known)."""
    return store.erase_customer(customer_id)
