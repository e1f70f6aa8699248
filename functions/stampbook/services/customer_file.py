"""Everything the customer file holds about one customer.

Used for the owner's full export and for a customer's own "export my data".
In its JSON, amounts are strings so no float ever touches money.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from ..audience.consent import ConsentRecord
from ..audience.mail_events import MailEvent
from ..loyalty.history import History
from ..loyalty.ledger import Balance
from ..records.automation_sends import AutomationSend
from ..records.customers import Customer
from ..records.feedback import Feedback, SiteFeedback
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


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    customer: Customer
    consents: tuple[ConsentRecord, ...]
    balance: Balance  # at the moment the record was made
    history: History  # the ledger, orders, refunds and certificates, and the tier
    feedback: tuple[Feedback, ...]
    # What the mail provider told us of mail to them (delivered, bounced, spam).
    mail_events: tuple[MailEvent, ...]
    # Which automatic emails went to them, for which occasion, and when.
    automatic_emails: tuple[AutomationSend, ...]
    # Answers left on the site with their address, for a reply.
    site_feedback: tuple[SiteFeedback, ...]

    def as_json(self) -> dict[str, Any]:
        history, balance = self.history, self.balance
        record: dict[str, Any] = _plain(
            {
                "customer": asdict(self.customer),
                "consents": [asdict(record) for record in self.consents],
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
                "feedback": [asdict(answer) for answer in self.feedback],
                "mail_events": [asdict(event) for event in self.mail_events],
                "automatic_emails": [
                    {
                        "email": sent.key.automation,
                        "occasion": sent.key.occasion,
                        "status": sent.status,
                        "at": sent.at,
                    }
                    for sent in self.automatic_emails
                ],
                "site_feedback": [asdict(answer) for answer in self.site_feedback],
            }
        )
        return record


def customer_record(store: Store, customer_id: str, now: datetime) -> CustomerRecord:
    customer = store.customer(customer_id)
    if customer is None:
        raise UnknownCustomer(customer_id)
    history = store.history(customer_id)
    return CustomerRecord(
        customer=customer,
        consents=tuple(store.consents(customer_id)),
        balance=history.balance(now),
        history=history,
        feedback=tuple(store.feedback(customer_id)),
        mail_events=tuple(store.mail_events(customer_id)),
        automatic_emails=tuple(store.automation_sends(customer_id)),
        site_feedback=tuple(store.site_feedback(customer.email)),
    )
