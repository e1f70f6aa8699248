"""Everything the customer file holds about one customer, as plain JSON-ready data.

Used for the owner's full export and, later, for a customer's own "export my
data". Amounts are strings so no float ever touches money.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from ..store.base import Store, UnknownCustomer


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def customer_record(store: Store, customer_id: str, now: datetime) -> dict[str, Any]:
    customer = store.customer(customer_id)
    if customer is None:
        raise UnknownCustomer(customer_id)
    history = store.history(customer_id)
    balance = history.balance(now)
    record: dict[str, Any] = _plain(
        {
            "customer": asdict(customer),
            "consents": [asdict(record) for record in store.consents(customer_id)],
            "points": {
                "available": balance.available,
                "pending": balance.pending,
                "total": balance.total,
                "tier": history.tier,
            },
            "ledger": [asdict(entry) for entry in history.entries],
            "orders": [asdict(order) for order in history.orders],
            "refunds": [asdict(refund) for refund in history.refunds],
            "certificates": [asdict(certificate) for certificate in history.certificates],
            "feedback": [asdict(answer) for answer in store.feedback(customer_id)],
            # What the mail provider told us of mail to them (delivered, bounced, spam).
            "mail_events": [asdict(event) for event in store.mail_events(customer_id)],
            # Which automatic emails went to them, for which occasion, and when.
            "automatic_emails": [
                {
                    "email": sent.key.automation,
                    "occasion": sent.key.occasion,
                    "status": sent.status,
                    "at": sent.at,
                }
                for sent in store.automation_sends(customer_id)
            ],
            # Answers left on the site with their address, for a reply.
            "site_feedback": [asdict(answer) for answer in store.site_feedback(customer.email)],
        }
    )
    return record
