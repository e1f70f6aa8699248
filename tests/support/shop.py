"""A shop on a real SQLite file with the outbox transport, and a clock the test moves.

Shared by the automatic-email tests and the nightly-run benchmark.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from email.message import EmailMessage
from pathlib import Path

from stampbook.audience.consent import ConsentRecord, ConsentStatus
from stampbook.bootstrap import App, build
from stampbook.config import MailSettings, Settings
from stampbook.loyalty.orders import Order, OrderLine
from stampbook.records.automation_sends import EmailStatus
from stampbook.records.customers import Customer
from stampbook.records.owed_emails import OwedEmail
from stampbook.services.automations import Fired
from stampbook.services.courier import Courier
from tests.support.outbox import outbox
from tests.support.paths import EXAMPLE as EXAMPLE  # and importable from here, as before

EVER = 99_999_999_999  # Unix seconds far beyond any due time of the tests


def own_campaigns(folder: Path, automations: str | None = None) -> Path:
    """A copy of the example programme, with other `automations.yaml` text if given."""
    campaigns = folder / "campaigns"
    shutil.copytree(EXAMPLE, campaigns)
    if automations is not None:
        (campaigns / "automations.yaml").write_text(automations, encoding="utf-8")
    return campaigns


@dataclass
class Shop:
    folder: Path
    now: datetime
    campaigns: Path = EXAMPLE
    # Another store than the SQLite file, e.g. {"store": "dynamodb", "table": ..., ...}.
    store: dict[str, str] = field(default_factory=dict)
    app: App = field(init=False)

    def __post_init__(self) -> None:
        self.app = self.open()

    def open(self) -> App:
        """Another process's view of the same shop: its own store connection and mailer."""
        mail = MailSettings(outbox=self.folder / "outbox", key_file=self.folder / "signing-keys")
        settings = Settings(
            campaigns=self.campaigns,
            database=self.folder / "shop.db",
            mail=mail,
            **self.store,  # type: ignore[arg-type]  # only text settings are given
        )
        return build(settings, clock=self.clock)

    def clock(self) -> datetime:
        return self.now

    def customer(
        self,
        customer_id: str,
        locale: str = "ru",
        consent: ConsentStatus | None = ConsentStatus.CONFIRMED,
        birthday: date | None = None,
        name: str = "",
        email: str | None = None,
    ) -> Customer:
        since = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
        person = Customer(
            customer_id=customer_id,
            email=email or f"{customer_id}@example.com",
            created_at=since,
            name=name or customer_id.capitalize(),
            locale=locale,
            birthday=birthday,
            birthday_set_at=since if birthday else None,
        )
        self.app.store.add_customer(person)
        if consent is not None:
            self.app.store.record_consent(customer_id, ConsentRecord(consent, since, "test"))
        return person

    def consent(self, customer_id: str, status: ConsentStatus) -> None:
        self.app.store.record_consent(customer_id, ConsentRecord(status, self.now, "test"))

    def purchase(
        self, customer_id: str, order_id: str, amount: int, at: datetime | None = None
    ) -> None:
        lines = (OrderLine("1", "beans", Decimal(amount)),)
        order = Order(order_id, at or self.now, "RUB", lines)
        self.app.loyalty.record_purchase(customer_id, order)

    def mail(self, to: str | None = None) -> list[EmailMessage]:
        """The emails sent so far (to `to`), oldest first."""
        sent = outbox(self.folder / "outbox")
        return [m for m in sent if to is None or m["To"].addresses[0].addr_spec == to]

    def subjects(self, to: str | None = None) -> list[str]:
        return [str(m["Subject"]) for m in self.mail(to)]

    def sent(self, customer_id: str) -> list[tuple[str, str]]:
        """(automation, occasion) of each automatic email that went to the customer."""
        return [
            (record.key.automation, record.key.occasion)
            for record in self.app.store.automation_sends(customer_id)
            if record.status is EmailStatus.SENT
        ]

    def owed(self) -> list[tuple[str, str, str]]:
        """(customer, automation, occasion) of every email still owed, due or not."""
        return sorted(
            (o.key.customer_id, o.key.automation, o.key.occasion) for o in self.owed_emails()
        )

    def owed_emails(self) -> list[OwedEmail]:
        return self.app.store.owed_emails_due(EVER, 1000)

    def deliver(self) -> Counter[Fired]:
        """One courier run: what the owed emails that are due became."""
        return Courier(self.app.emails).deliver_due()
